#include "store/stix_store.h"

#include "store/schema.h"
#include "store/sqlite_util.h"
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

namespace {

#define STIX_OBJECT_SELECT \
  "SELECT stix_id, type, json, misp_uuid, fingerprint, position FROM stix_objects "

StixObject ReadObject(Row& r) {
  return {r.Text(), r.Text(), r.Text(), r.Text(), r.Text(), r.Int()};
}

int64_t ReadId(Row& r) { return r.Int(); }

constexpr const char kExists[] = "SELECT id FROM events WHERE id = ?1";
constexpr const char kNextPos[] =
    "SELECT COALESCE(MAX(position), -1) + 1 FROM stix_objects WHERE event_id = ?1";
constexpr const char kUpdate[] =
    "UPDATE stix_objects SET type = ?3, json = ?4, misp_uuid = ?5, fingerprint = ?6 "
    "WHERE event_id = ?1 AND stix_id = ?2";
constexpr const char kInsert[] =
    "INSERT INTO stix_objects (event_id, stix_id, type, json, misp_uuid, fingerprint, position) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char kList[] = STIX_OBJECT_SELECT "WHERE event_id = ?1 ORDER BY position";
constexpr const char kDelete[] = "DELETE FROM stix_objects WHERE event_id = ?1";
constexpr const char kFind[] =
    "SELECT event_id FROM stix_objects WHERE stix_id = ?1 ORDER BY event_id";
constexpr const char kCount[] =
    "SELECT COUNT(*), COALESCE(SUM(misp_uuid = ''), 0) FROM stix_objects";

class SqliteStixStore : public StixStore, private StoreSection {
 public:
  explicit SqliteStixStore(Store* s) : StoreSection(s) {}

  Status PutEventObjects(int64_t event_id, const std::vector<StixObject>& objects) override {
    {
      SANAD_USE(q, kExists);
      q.Bind(1, event_id);
      auto found = OneRow<int64_t>(q, "stix: event lookup", ReadId, "");
      if (found.status().code() == Status::Code::kNotFound)
        return Status::Invalid("stix objects: no event with id " + std::to_string(event_id));
      SANAD_RETURN_IF_ERROR(found.status());
    }
    int64_t pos = 0;
    {
      SANAD_USE(q, kNextPos);
      q.Bind(1, event_id);
      auto next = OneRow<int64_t>(q, "stix: max position", ReadId, "");
      if (!next.ok()) return next.status();
      pos = *next;
    }
    for (const StixObject& o : objects) {
      if (o.stix_id.empty()) return Status::Invalid("stix objects: empty stix id");
      std::string id = util::ToLower(o.stix_id);
      {
        SANAD_USE(u, kUpdate);
        BindObject(u, event_id, id, o);
        SANAD_RETURN_IF_ERROR(u.Exec("stix: update object"));
        if (sqlite3_changes(db_) > 0) continue;
      }
      SANAD_USE(i, kInsert);
      BindObject(i, event_id, id, o).Bind(7, pos++);
      SANAD_RETURN_IF_ERROR(i.Exec("stix: insert object"));
    }
    return Status::Ok();
  }

  Status ListEventObjects(int64_t event_id, std::vector<StixObject>* out) override {
    return ListBy(stmts_, kList, event_id, "stix: list objects", ReadObject, out);
  }

  Status DeleteEventObjects(int64_t event_id) override {
    SANAD_USE(q, kDelete);
    q.Bind(1, event_id);
    return q.Exec("stix: delete objects");
  }

  Status FindEventsByStixId(const std::string& stix_id, std::vector<int64_t>* ids) override {
    return ListBy(stmts_, kFind, util::ToLower(stix_id), "stix: find object", ReadId, ids);
  }

  StatusOr<Counts> Count() override {
    SANAD_USE(q, kCount);
    Counts c;
    SANAD_RETURN_IF_ERROR(ForEachRow(q, "stix: count", [&](Row& r) {
      c.objects = r.Int();
      c.unmapped = r.Int();
    }));
    return c;
  }

 private:
  // Binds ?1 event id, ?2 stix id and ?3..?6 the object's fields.
  static Query& BindObject(Query& q, int64_t event_id, const std::string& id, const StixObject& o) {
    return q.Bind(1, event_id)
        .Bind(2, id)
        .Bind(3, o.type)
        .Bind(4, o.json)
        .Bind(5, o.misp_uuid)
        .Bind(6, o.fingerprint);
  }
};

}  // namespace
}  // namespace internal

std::unique_ptr<StixStore> NewStixStore(Store* s) {
  return std::make_unique<internal::SqliteStixStore>(s);
}

}  // namespace sanad::store
