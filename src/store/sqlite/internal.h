// Internal to the SQLite backend (src/store/sqlite/): the connection its
// sections share, atomic-write scopes, and helpers used by several sections.
// Nothing here is visible outside src/store/.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/audit.h"
#include "model/model.h"
#include "policy/policy.h"
#include "store/schema.h"
#include "store/sqlite_util.h"
#include "store/store.h"
#include "util/status.h"
#include "util/util.h"

namespace sanad::store::internal {

using model::ApiKey;
using model::AuditCheckpoint;
using model::AuditEntry;
using model::Distribution;

// One SQLite connection and the state its sections share.
struct Conn {
  explicit Conn(sqlite3* d, bool ro) : db(d), stmts(d), read_only(ro) {}
  sqlite3* db;
  StmtCache stmts;
  bool read_only;
  bool in_tx = false;  // a Store transaction is open
  std::unordered_map<std::string, int64_t> tag_ids;  // tag name -> id, cleared on rollback

  // Bumps the data generation (IntelStore::DataGeneration) in the current
  // transaction.
  Status BumpGeneration();
};

// What Savepoint and WriteScope share: the connection, and status(), the
// outcome of opening the scope (the operation must not go on without it).
class ScopeBase {
 public:
  const Status& status() const { return status_; }

 protected:
  explicit ScopeBase(Conn* c) : c_(c) {}

  Conn* c_;
  Status status_;
};

// A savepoint around one multi-statement operation: released by Release(),
// rolled back otherwise. Works inside and outside a transaction.
class Savepoint : public ScopeBase {
 public:
  explicit Savepoint(Conn* c);
  ~Savepoint();
  Status Release();

 private:
  bool released_ = false;
};

// Makes one operation atomic when no transaction is open (its own
// BEGIN/COMMIT); inside the caller's transaction it does nothing.
class WriteScope : public ScopeBase {
 public:
  explicit WriteScope(Conn* c);
  ~WriteScope();
  Status Finish();

 private:
  bool own_ = false;
};

// A ConnectionUser on `c` that also keeps `c` itself (for write scopes and
// the tag cache); the base of the sections over a Conn.
class ConnSection : protected ConnectionUser {
 protected:
  explicit ConnSection(Conn* c) : ConnectionUser(c->db, &c->stmts), c_(c) {}
  Status BumpGeneration() { return c_->BumpGeneration(); }

  Conn* c_;
};

// ---- statements and helpers shared by several sections ----

inline constexpr char kBegin[] = "BEGIN IMMEDIATE";

inline constexpr char kBeginRead[] = "BEGIN";

inline constexpr char kCommit[] = "COMMIT";

inline constexpr char kRollback[] = "ROLLBACK";

inline constexpr char kLoadEventTags[] =
    "SELECT t.name, t.colour, t.exportable, et.local FROM event_tags et"
    " JOIN tags t ON t.id = et.tag_id WHERE et.event_id = ?1 ORDER BY et.pos";

std::string Quote(std::string_view s);

// uuids are stored and compared in lower case.
void LowerInPlace(std::string* s);

std::string Lower(std::string_view s);

bool IsUniqueViolation(int rc);

// Gives an empty `*uuid` a new uuid, else checks it (Invalid "<what>:
// invalid uuid '<uuid>'"); either way leaves it in lower case.
Status AssignUuid(std::string* uuid, std::string_view what);

// Sharing group ref from columns (id, uuid, name); none when id is NULL.
model::SharingGroupRef ReadSgRef(Row& r);
// The columns an attribute row shares wherever it is read (after a.id,
// a.uuid and anything the query puts between), with the attribute's
// sharing group joined as `sg`.
#define SANAD_ATTRIBUTE_BODY_COLUMNS                                                        \
  " a.object_relation, a.type, a.category, a.value, a.canonical, a.canonical1, a.canonical2," \
  " a.to_ids, a.comment, a.distribution, a.sharing_group_id, sg.uuid, sg.name, a.timestamp,"  \
  " a.first_seen, a.last_seen, a.disable_correlation, a.deleted, a.extra_json"
// Reads SANAD_ATTRIBUTE_BODY_COLUMNS into `a`; Corrupt, naming `what`, for a
// stored distribution out of range (every column is read either way).
Status ReadAttributeBody(Row& r, model::Attribute* a, std::string_view what);
// A stored distribution as a model value; Corrupt, naming `what`, when out of range.
Status ToDistribution(int64_t v, Distribution* out, std::string_view what);

// Reads one integer column.
inline int64_t ReadInt(Row& r) { return r.Int(); }
// Columns (name, colour, exportable, local) of a tag.
inline model::Tag ReadTag(Row& r) { return model::Tag{r.Text(), r.Text(), r.Bool(), r.Bool()}; }

// Binds a sighting as ?1 uuid, ?2 attribute_id, ?3 org_id (NULL when 0),
// ?4 type, ?5 source, ?6 date_sighting.
Query& BindSighting(Query& q, const model::Sighting& s);

// ---- the sections, each over a connection that outlives it ----

std::unique_ptr<CommunityStore> NewCommunityStore(Conn* c);
std::unique_ptr<EventStore> NewEventStore(Conn* c);
std::unique_ptr<IntelStore> NewIntelStore(Conn* c);
std::unique_ptr<SightingStore> NewSightingStore(Conn* c);
std::unique_ptr<AuditLogStore> NewAuditLogStore(Conn* c);
std::unique_ptr<SettingsStore> NewSettingsStore(Conn* c);

// Event writes (events_write.cc), called by the EventStore (events_read.cc).
StatusOr<EventHead> FindEventHead(Conn* c, std::string_view uuid);
StatusOr<UpsertOutcome> UpsertEvent(Conn* c, model::Event* ev);
Status SoftDeleteEvent(Conn* c, int64_t event_id, model::Timestamp now);

}  // namespace sanad::store::internal
