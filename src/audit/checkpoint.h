// Signed checkpoints of the audit log, and the verification that uses them.
//
// The hash chain (audit/audit.h) shows edits, deletions and reorderings, but
// it is unkeyed: whoever can write the database can rewrite an entry and
// recompute every later hash, or cut the tail. A checkpoint is the node's
// Ed25519 signature (audit/node_key.h) over "entry `seq` has hash `hash`",
// made at `time`:
//
//   signed bytes = "sanad-audit-checkpoint-v1;" then, each as len:value;,
//                  seq (decimal), time (decimal Unix seconds), hash (32 raw
//                  bytes), public key (32 raw bytes)
//
// Checkpoints are kept in three places:
// - the store (table audit_checkpoints, schema version 8), each one also
//   recorded in the chain itself as an "audit.checkpoint" entry whose details
//   are "seq=N hash=HEX key=HEX", so that deleting checkpoint rows shows;
// - <data>/audit.head: "SEQ HEXHASH" of the last verified head;
// - elsewhere: `sanad audit checkpoint --json` prints one that other members
//   keep, and `sanad audit verify --checkpoint FILE` checks the log against
//   it with the key it names (which need not be the node's current key).
//
// Limits: an attacker who can write the database but not read node.key
// cannot re-sign a rewritten chain; to hide a rewrite they must also delete
// every checkpoint row, the "audit.checkpoint" entries (that is, rewrite the
// chain from the first one) and audit.head. Whoever holds node.key (the
// node's operator, or root) can do all of that and re-sign, or replace the
// key; only checkpoints kept by peers catch that.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "audit/node_key.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::audit {

inline constexpr char kCheckpointFormat[] = "sanad-audit-checkpoint-v1";
inline constexpr char kCheckpointAction[] = "audit.checkpoint";

// The bytes that are signed (see above).
std::string CheckpointMessage(const model::AuditCheckpoint& c);
// A checkpoint of entry `seq` with (raw) `hash`, signed by `key` at `time`.
model::AuditCheckpoint SignCheckpoint(const NodeKey& key, int64_t seq, std::string_view hash,
                                      int64_t time);
// True when the signature is valid for the public key the checkpoint names.
bool CheckpointSignatureValid(const model::AuditCheckpoint& c);

struct VerifyOptions {
  // <data>/audit.head, checked when set: the entry it names must still have
  // its hash. Missing while signed checkpoints exist is a problem.
  std::string head_file;
  // The node's public key (raw) when set: every stored checkpoint must be
  // signed by it; "" means the node has no key (node.key is missing), which
  // is a problem when signed checkpoints exist. Unset: not checked.
  std::optional<std::string> node_public_key;
  // Checkpoints kept elsewhere (by peers): each must carry a valid signature
  // by the key it names, and the log must still have its hash at its seq.
  std::vector<model::AuditCheckpoint> kept;
};

// Recomputes the chain and checks it against every stored checkpoint (its
// signature, and the hash at its seq), the "audit.checkpoint" entries
// (their rows must exist), audit.head and the kept checkpoints. Problems are
// all listed in `problems` (the chain check stops at the first broken link);
// `problem` is the first.
StatusOr<VerifyResult> VerifyWithCheckpoints(store::Store* s, const VerifyOptions& o);

// Signs the head that `verified` (an intact VerifyResult) found, stores the
// checkpoint and records it in the chain, in one transaction. When at most
// the last checkpoint's own entry was appended since that checkpoint (made
// by the same key), returns that checkpoint instead of making a new one.
// NotFound when the log is empty.
StatusOr<model::AuditCheckpoint> MakeCheckpoint(store::Store* s, const NodeKey& key,
                                                const policy::Actor& actor,
                                                const VerifyResult& verified);

// audit.head: "SEQ HEXHASH\n", replaced atomically.
Status WriteHeadFile(const std::string& path, int64_t seq, std::string_view hex_hash);

}  // namespace sanad::audit
