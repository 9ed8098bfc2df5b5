// The audit section of the store: the append-only, hash-chained audit log
// and its signed checkpoints. audit/audit.h computes the chain and
// audit/checkpoint.h the signatures; this layer only keeps the rows.
#pragma once

#include <functional>
#include <string_view>

#include "model/audit.h"
#include "util/status.h"

namespace sanad::store {

class AuditLogStore {
 public:
  virtual ~AuditLogStore() = default;

  virtual StatusOr<model::AuditEntry> LastAuditEntry() = 0;  // NotFound when empty
  virtual Status AppendAuditEntry(const model::AuditEntry& e) = 0;
  // Every entry in seq order.
  virtual Status ScanAuditEntries(const std::function<bool(const model::AuditEntry&)>& fn) = 0;
  // Entries about items owned by `owner_org_uuid`, in seq order (access
  // transparency: an originator lists who touched its items).
  virtual Status ScanAuditEntriesByOwner(
      std::string_view owner_org_uuid, const std::function<bool(const model::AuditEntry&)>& fn) = 0;
  // Signed checkpoints (append-only), and all of them in seq order.
  virtual Status AddAuditCheckpoint(const model::AuditCheckpoint& c) = 0;
  virtual Status ScanAuditCheckpoints(
      const std::function<bool(const model::AuditCheckpoint&)>& fn) = 0;
};

}  // namespace sanad::store
