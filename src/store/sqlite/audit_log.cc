// The SQLite implementation of store::AuditLogStore: the rows of the
// hash-chained audit log and its signed checkpoints.
#include "store/sqlite/internal.h"

namespace sanad::store::internal {
namespace {

// Columns of an audit entry, read by ReadEntry.
#define SANAD_AUDIT_COLUMNS                                                               \
  "SELECT seq, time, actor, org_uuid, action, object_type, object_uuid, owner_org_uuid, " \
  "details, prev_hash, hash FROM audit_log"

AuditEntry ReadEntry(Row& r) {
  AuditEntry e;
  e.seq = r.Int();
  e.time = r.Int();
  e.actor = r.Text();
  e.org_uuid = r.Text();
  e.action = r.Text();
  e.object_type = r.Text();
  e.object_uuid = r.Text();
  e.owner_org_uuid = r.Text();
  e.details = r.Text();
  e.prev_hash = r.Blob();
  e.hash = r.Blob();
  return e;
}

constexpr char kLastEntry[] = SANAD_AUDIT_COLUMNS " ORDER BY seq DESC LIMIT 1";
constexpr char kScanEntries[] = SANAD_AUDIT_COLUMNS " ORDER BY seq";
constexpr char kScanEntriesByOwner[] =
    SANAD_AUDIT_COLUMNS " WHERE owner_org_uuid = ?1 ORDER BY seq";
constexpr char kAppendEntry[] =
    "INSERT INTO audit_log(seq, time, actor, org_uuid, action, object_type, object_uuid,"
    " owner_org_uuid, details, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
    " ?10, ?11)";

// Columns of a checkpoint, read by ReadCheckpoint.
constexpr char kScanCheckpoints[] =
    "SELECT seq, time, hash, public_key, signature FROM audit_checkpoints ORDER BY seq, id";
AuditCheckpoint ReadCheckpoint(Row& r) {
  AuditCheckpoint c;
  c.seq = r.Int();
  c.time = r.Int();
  c.hash = r.Blob();
  c.public_key = r.Blob();
  c.signature = r.Blob();
  return c;
}
constexpr char kAddCheckpoint[] =
    "INSERT INTO audit_checkpoints(seq, time, hash, public_key, signature)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";

class SqliteAuditLog final : public AuditLogStore, private ConnSection {
 public:
  explicit SqliteAuditLog(Conn* c) : ConnSection(c) {}

  StatusOr<AuditEntry> LastAuditEntry() override {
    SANAD_USE(q, kLastEntry);
    return OneRow<AuditEntry>(q, "reading the audit log", ReadEntry, "the audit log is empty");
  }

  Status AppendAuditEntry(const AuditEntry& e) override {
    SANAD_USE(q, kAppendEntry);
    q.BindAll(e.seq, e.time, e.actor, e.org_uuid, e.action, e.object_type, e.object_uuid,
              e.owner_org_uuid, e.details, AsBlob{e.prev_hash}, AsBlob{e.hash});
    return q.Exec("appending to the audit log");
  }

  Status ScanAuditEntries(const std::function<bool(const AuditEntry&)>& fn) override {
    SANAD_USE(q, kScanEntries);
    return ForEachRow(q, "reading the audit log", [&](Row& r) { return fn(ReadEntry(r)); });
  }

  Status ScanAuditEntriesByOwner(std::string_view owner,
                                 const std::function<bool(const AuditEntry&)>& fn) override {
    SANAD_USE(q, kScanEntriesByOwner);
    q.Bind(1, owner);
    return ForEachRow(q, "reading the audit log", [&](Row& r) { return fn(ReadEntry(r)); });
  }

  Status AddAuditCheckpoint(const AuditCheckpoint& c) override {
    SANAD_USE(q, kAddCheckpoint);
    q.BindAll(c.seq, c.time, AsBlob{c.hash}, AsBlob{c.public_key}, AsBlob{c.signature});
    return q.Exec("recording an audit checkpoint");
  }

  Status ScanAuditCheckpoints(const std::function<bool(const AuditCheckpoint&)>& fn) override {
    SANAD_USE(q, kScanCheckpoints);
    return ForEachRow(q, "reading the audit checkpoints",
                      [&](Row& r) { return fn(ReadCheckpoint(r)); });
  }
};

}  // namespace

std::unique_ptr<AuditLogStore> NewAuditLogStore(Conn* c) {
  return std::make_unique<SqliteAuditLog>(c);
}

}  // namespace sanad::store::internal
