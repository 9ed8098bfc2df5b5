// The tamper-evident audit log.
//
// Every write, and every read of TLP:AMBER, TLP:AMBER+STRICT or TLP:RED data,
// is appended as one entry: sequence number, time, actor, acting org, action,
// object and the org that owns the object. Each entry carries the hash of the
// previous one: hash = BLAKE2b-256(prev_hash || canonical encoding of the
// entry), so editing, deleting or reordering any entry breaks the chain.
// Truncating the tail, or rewriting an entry and recomputing every later
// hash, is caught by the head this node saw last (<data>/audit.head) and by
// checkpoints of the head signed with the node's key, kept in the store and
// by peers (audit/checkpoint.h).
//
// Entries are written through the store in the same transaction as the change
// they record, so a rolled-back change leaves no entry.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "policy/actor.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::audit {

// Appends one entry naming the actor (actor.name) and its acting org
// (actor.org.uuid; "" for the local operator without --as). `owner_org_uuid`
// is the org whose item is touched (for access transparency); "" for
// community-level objects.
Status Record(store::Store* s, const policy::Actor& actor, std::string_view action,
              std::string_view object_type, std::string_view object_uuid,
              std::string_view owner_org_uuid, std::string_view details = {});

// The strictest TLP of `ev` and its attributes (event tags, attribute
// tags, object attribute tags).
model::Tlp StrictestTlpOf(const model::Event& ev);
// True when reading `ev` must be recorded (TLP:AMBER, AMBER+STRICT or RED
// anywhere in it).
bool IsSensitiveRead(const model::Event& ev);

// Records a read of `ev` by `actor` when the event or any of its attributes
// is marked TLP:AMBER, TLP:AMBER+STRICT or TLP:RED.
Status RecordSensitiveRead(store::Store* s, const policy::Actor& actor, std::string_view path,
                           const model::Event& ev);

struct VerifyResult {
  bool ok = true;
  int64_t entries = 0;
  std::string head_hash;  // hex of the last entry's hash ("" when empty)
  std::string problem;    // first problem found, naming the sequence number
  std::vector<std::string> problems;  // every problem found (see VerifyWithCheckpoints)
  int64_t checkpoints = 0;            // stored signed checkpoints found valid and in place
  int64_t kept_checked = 0;           // kept (peer) checkpoints found valid and in place
};

// Recomputes the whole chain and checks it against the stored signed
// checkpoints (VerifyWithCheckpoints without audit.head, node key or kept
// checkpoints).
StatusOr<VerifyResult> Verify(store::Store* s);

// The canonical encoding that is hashed (exposed for tests and for members
// who verify an exported log with their own tools).
std::string CanonicalEncoding(const model::AuditEntry& e);
std::string ComputeHash(std::string_view prev_hash, const model::AuditEntry& e);

}  // namespace sanad::audit
