// Records of the audit log: its entries and signed checkpoints (the chain is
// computed by audit/audit.h, the signatures by audit/checkpoint.h).
#pragma once

#include <cstdint>
#include <string>

#include "model/model.h"

namespace sanad::model {

// One entry of the hash-chained audit log.
struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3, ... : the position in the chain
  Timestamp time = 0;
  std::string actor;           // user e-mail or "cli"
  std::string org_uuid;        // acting org ("" for a local operator)
  std::string action;          // "event.import", "read.export", ...
  std::string object_type;     // "event", "org", "sharing-group", ...
  std::string object_uuid;
  std::string owner_org_uuid;  // org whose item it is ("" for community objects)
  std::string details;
  std::string prev_hash;       // binary BLAKE2b-256 of the previous entry ("" for seq 1)
  std::string hash;            // binary
};

// A signed checkpoint of the audit log: the node's key vouches that entry
// `seq` had `hash` at `time`.
struct AuditCheckpoint {
  int64_t seq = 0;
  Timestamp time = 0;
  std::string hash;        // binary BLAKE2b-256 of entry `seq`
  std::string public_key;  // binary Ed25519 public key (32 bytes)
  std::string signature;   // binary Ed25519 signature (64 bytes)
};

}  // namespace sanad::model
