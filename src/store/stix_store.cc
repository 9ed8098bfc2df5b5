#include "store/stix_store.h"

#include "store/schema.h"
#include "util/util.h"

namespace sanad::store {

namespace internal {

// Version 6: STIX objects kept beside events (store/stix_store.h). stix_id
// is stored lower-cased so lookups ignore case; json holds the original
// text (with its original id spelling).
const char* StixMigration() {
  return R"sql(
CREATE TABLE stix_objects (
  event_id INTEGER NOT NULL REFERENCES events(id),
  stix_id TEXT NOT NULL,
  type TEXT NOT NULL,
  json TEXT NOT NULL,
  misp_uuid TEXT NOT NULL DEFAULT '',
  fingerprint TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL,
  PRIMARY KEY (event_id, stix_id)
) WITHOUT ROWID;
CREATE INDEX stix_objects_id ON stix_objects(stix_id);
CREATE INDEX stix_objects_position ON stix_objects(event_id, position);
)sql";
}

}  // namespace internal

namespace {

using internal::Query;

constexpr const char kExists[] = "SELECT 1 FROM events WHERE id = ?1";
constexpr const char kMaxPos[] =
    "SELECT COALESCE(MAX(position), -1) FROM stix_objects WHERE event_id = ?1";
constexpr const char kUpdate[] =
    "UPDATE stix_objects SET type = ?3, json = ?4, misp_uuid = ?5, fingerprint = ?6 "
    "WHERE event_id = ?1 AND stix_id = ?2";
constexpr const char kInsert[] =
    "INSERT INTO stix_objects (event_id, stix_id, type, json, misp_uuid, fingerprint, position) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char kList[] =
    "SELECT stix_id, type, json, misp_uuid, fingerprint, position FROM stix_objects "
    "WHERE event_id = ?1 ORDER BY position";
constexpr const char kDelete[] = "DELETE FROM stix_objects WHERE event_id = ?1";
constexpr const char kFind[] =
    "SELECT event_id FROM stix_objects WHERE stix_id = ?1 ORDER BY event_id";
constexpr const char kCount[] =
    "SELECT COUNT(*), COALESCE(SUM(misp_uuid = ''), 0) FROM stix_objects";

class SqliteStixStore : public StixStore {
 public:
  explicit SqliteStixStore(Store* s)
      : db_(internal::ConnectionOf(s)), stmts_(internal::StatementsOf(s)) {}

  Status PutEventObjects(int64_t event_id, const std::vector<StixObject>& objects) override {
    {
      auto q = stmts_->Use(kExists);
      if (!q.ok()) return q.status();
      q->Bind(1, event_id);
      Status st;
      if (!q->Next(&st, "stix: event lookup")) {
        if (!st.ok()) return st;
        return Status::Invalid("stix objects: no event with id " + std::to_string(event_id));
      }
    }
    int64_t pos = 0;
    {
      auto q = stmts_->Use(kMaxPos);
      if (!q.ok()) return q.status();
      q->Bind(1, event_id);
      Status st;
      if (q->Next(&st, "stix: max position")) pos = q->Int(0) + 1;
      if (!st.ok()) return st;
    }
    for (const StixObject& o : objects) {
      if (o.stix_id.empty()) return Status::Invalid("stix objects: empty stix id");
      std::string id = util::ToLower(o.stix_id);
      auto u = stmts_->Use(kUpdate);
      if (!u.ok()) return u.status();
      u->Bind(1, event_id)
          .Bind(2, id)
          .Bind(3, o.type)
          .Bind(4, o.json)
          .Bind(5, o.misp_uuid)
          .Bind(6, o.fingerprint);
      SANAD_RETURN_IF_ERROR(u->Exec("stix: update object"));
      if (sqlite3_changes(db_) > 0) continue;
      auto i = stmts_->Use(kInsert);
      if (!i.ok()) return i.status();
      i->Bind(1, event_id)
          .Bind(2, id)
          .Bind(3, o.type)
          .Bind(4, o.json)
          .Bind(5, o.misp_uuid)
          .Bind(6, o.fingerprint)
          .Bind(7, pos++);
      SANAD_RETURN_IF_ERROR(i->Exec("stix: insert object"));
    }
    return Status::Ok();
  }

  Status ListEventObjects(int64_t event_id, std::vector<StixObject>* out) override {
    out->clear();
    auto q = stmts_->Use(kList);
    if (!q.ok()) return q.status();
    q->Bind(1, event_id);
    Status st;
    while (q->Next(&st, "stix: list objects")) {
      StixObject o;
      o.stix_id = q->Text(0);
      o.type = q->Text(1);
      o.json = q->Text(2);
      o.misp_uuid = q->Text(3);
      o.fingerprint = q->Text(4);
      o.position = q->Int(5);
      out->push_back(std::move(o));
    }
    return st;
  }

  Status DeleteEventObjects(int64_t event_id) override {
    auto q = stmts_->Use(kDelete);
    if (!q.ok()) return q.status();
    q->Bind(1, event_id);
    return q->Exec("stix: delete objects");
  }

  Status FindEventsByStixId(const std::string& stix_id, std::vector<int64_t>* ids) override {
    ids->clear();
    std::string id = util::ToLower(stix_id);
    auto q = stmts_->Use(kFind);
    if (!q.ok()) return q.status();
    q->Bind(1, id);
    Status st;
    while (q->Next(&st, "stix: find object")) ids->push_back(q->Int(0));
    return st;
  }

  StatusOr<Counts> Count() override {
    auto q = stmts_->Use(kCount);
    if (!q.ok()) return q.status();
    Status st;
    Counts c;
    if (q->Next(&st, "stix: count")) {
      c.objects = q->Int(0);
      c.unmapped = q->Int(1);
    }
    if (!st.ok()) return st;
    return c;
  }

 private:
  sqlite3* db_;
  internal::StmtCache* stmts_;
};

}  // namespace

std::unique_ptr<StixStore> NewStixStore(Store* s) { return std::make_unique<SqliteStixStore>(s); }

}  // namespace sanad::store
