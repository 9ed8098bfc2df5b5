#include "store/taxii_store.h"

#include "store/schema.h"

namespace sanad::store {

namespace internal {

// Version 7: TAXII collections (store/taxii_store.h). date_added and
// version_us are microseconds since the epoch; (collection, date_added) is
// unique. taxii_event_objects records which events produce which ids (shared
// identities and markings come from many events). The partial index serves
// the default read (latest versions by date_added).
const char* TaxiiMigration() {
  return R"sql(
CREATE TABLE taxii_collections (
  collection TEXT PRIMARY KEY,
  generation INTEGER NOT NULL,
  last_added INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE taxii_objects (
  seq INTEGER PRIMARY KEY,
  collection TEXT NOT NULL,
  stix_id TEXT NOT NULL,
  type TEXT NOT NULL,
  spec_version TEXT NOT NULL,
  version TEXT NOT NULL,
  version_us INTEGER NOT NULL,
  date_added INTEGER NOT NULL,
  event_id INTEGER NOT NULL REFERENCES events(id),
  latest INTEGER NOT NULL DEFAULT 0,
  first INTEGER NOT NULL DEFAULT 0,
  withdrawn INTEGER NOT NULL DEFAULT 0,
  hash BLOB NOT NULL,
  object TEXT NOT NULL
);
CREATE UNIQUE INDEX taxii_objects_added ON taxii_objects(collection, date_added);
CREATE INDEX taxii_objects_id ON taxii_objects(collection, stix_id, version_us);
CREATE INDEX taxii_objects_latest ON taxii_objects(collection, date_added)
  WHERE latest = 1 AND withdrawn = 0;

CREATE TABLE taxii_event_state (
  collection TEXT NOT NULL,
  event_id INTEGER NOT NULL REFERENCES events(id),
  timestamp INTEGER NOT NULL,
  present INTEGER NOT NULL,
  sensitive INTEGER NOT NULL,
  event_uuid TEXT NOT NULL,
  orgc_uuid TEXT NOT NULL,
  PRIMARY KEY (collection, event_id)
) WITHOUT ROWID;

CREATE TABLE taxii_event_objects (
  collection TEXT NOT NULL,
  event_id INTEGER NOT NULL REFERENCES events(id),
  stix_id TEXT NOT NULL,
  PRIMARY KEY (collection, event_id, stix_id)
) WITHOUT ROWID;
CREATE INDEX taxii_event_objects_id ON taxii_event_objects(collection, stix_id, event_id);

CREATE TABLE taxii_status (
  id TEXT PRIMARY KEY,
  collection TEXT NOT NULL,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  request_us INTEGER NOT NULL,
  json TEXT NOT NULL
) WITHOUT ROWID;
)sql";
}

}  // namespace internal

namespace {

using internal::Query;
using internal::Stmt;

constexpr const char kGetColl[] =
    "SELECT generation, last_added FROM taxii_collections WHERE collection = ?1";
constexpr const char kSetColl[] =
    "INSERT INTO taxii_collections (collection, generation, last_added) VALUES (?1, ?2, ?3) "
    "ON CONFLICT(collection) DO UPDATE SET generation = ?2, last_added = ?3";

// Changed events: never seen and a candidate, or seen with another timestamp.
constexpr const char kChangedAll[] =
    "SELECT e.id FROM events e LEFT JOIN taxii_event_state s "
    "ON s.collection = ?1 AND s.event_id = e.id "
    "WHERE (s.event_id IS NOT NULL AND s.timestamp <> e.timestamp) OR "
    "(s.event_id IS NULL AND e.deleted = 0 AND e.distribution IN (1, 2, 3)) ORDER BY e.id";
constexpr const char kChangedGroup[] =
    "SELECT e.id FROM events e LEFT JOIN taxii_event_state s "
    "ON s.collection = ?1 AND s.event_id = e.id "
    "WHERE (s.event_id IS NOT NULL AND s.timestamp <> e.timestamp) OR "
    "(s.event_id IS NULL AND e.deleted = 0 AND ((e.distribution = 4 AND e.sharing_group_id = ?2) "
    "OR (e.distribution IN (1, 2, 3) AND (EXISTS (SELECT 1 FROM attributes a WHERE a.event_id = "
    "e.id AND a.distribution = 4 AND a.sharing_group_id = ?2) OR EXISTS (SELECT 1 FROM objects o "
    "WHERE o.event_id = e.id AND o.distribution = 4 AND o.sharing_group_id = ?2))))) "
    "ORDER BY e.id";
constexpr const char kChangedOrg[] =
    "SELECT e.id FROM events e LEFT JOIN taxii_event_state s "
    "ON s.collection = ?1 AND s.event_id = e.id "
    "WHERE (s.event_id IS NOT NULL AND s.timestamp <> e.timestamp) OR "
    "(s.event_id IS NULL AND e.deleted = 0 AND e.org_id = ?2) ORDER BY e.id";
constexpr const char kChangedClear[] =
    "SELECT e.id FROM events e LEFT JOIN taxii_event_state s "
    "ON s.collection = ?1 AND s.event_id = e.id "
    "WHERE (s.event_id IS NOT NULL AND s.timestamp <> e.timestamp) OR "
    "(s.event_id IS NULL AND e.deleted = 0 AND e.distribution IN (1, 2, 3) AND EXISTS (SELECT 1 "
    "FROM event_tags et JOIN tags t ON t.id = et.tag_id WHERE et.event_id = e.id AND "
    "lower(t.name) IN ('tlp:clear', 'tlp:white'))) ORDER BY e.id";

constexpr const char kPutState[] =
    "INSERT INTO taxii_event_state (collection, event_id, timestamp, present, sensitive, "
    "event_uuid, orgc_uuid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT(collection, event_id) DO UPDATE SET timestamp = ?3, present = ?4, "
    "sensitive = ?5, event_uuid = ?6, orgc_uuid = ?7";
constexpr const char kGetState[] =
    "SELECT timestamp, present, sensitive, event_uuid, orgc_uuid FROM taxii_event_state "
    "WHERE collection = ?1 AND event_id = ?2";

#define TAXII_ROW_COLUMNS                                                                     \
  "seq, collection, stix_id, type, spec_version, version, version_us, date_added, event_id, " \
  "latest, first, withdrawn, hash, object"

constexpr const char kVersions[] = "SELECT " TAXII_ROW_COLUMNS
                                   " FROM taxii_objects WHERE collection = ?1 AND stix_id = ?2 "
                                   "ORDER BY version_us, date_added";
constexpr const char kInsertObj[] =
    "INSERT INTO taxii_objects (collection, stix_id, type, spec_version, version, version_us, "
    "date_added, event_id, latest, first, withdrawn, hash, object) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6, ?7, ?8, 0, 0, ?9, ?10, ?11)";
constexpr const char kReplaceObj[] =
    "UPDATE taxii_objects SET type = ?2, spec_version = ?3, version = ?4, version_us = ?5, "
    "date_added = ?6, event_id = ?7, withdrawn = 0, hash = ?8, object = ?9 WHERE seq = ?1";
constexpr const char kFlags[] =
    "UPDATE taxii_objects SET "
    "latest = (version_us = (SELECT MAX(version_us) FROM taxii_objects WHERE collection = ?1 AND "
    "stix_id = ?2)), "
    "first = (version_us = (SELECT MIN(version_us) FROM taxii_objects WHERE collection = ?1 AND "
    "stix_id = ?2)) WHERE collection = ?1 AND stix_id = ?2";
constexpr const char kWithdraw[] =
    "UPDATE taxii_objects SET withdrawn = ?3, event_id = ?4 WHERE collection = ?1 AND stix_id = ?2";
constexpr const char kEventIds[] =
    "SELECT stix_id FROM taxii_event_objects WHERE collection = ?1 AND event_id = ?2";
constexpr const char kDelEventIds[] =
    "DELETE FROM taxii_event_objects WHERE collection = ?1 AND event_id = ?2";
constexpr const char kAddEventId[] =
    "INSERT OR IGNORE INTO taxii_event_objects (collection, event_id, stix_id) VALUES (?1, ?2, ?3)";
constexpr const char kOther[] =
    "SELECT event_id FROM taxii_event_objects WHERE collection = ?1 AND stix_id = ?2 AND "
    "event_id <> ?3 ORDER BY event_id DESC LIMIT 1";
constexpr const char kCountLatest[] =
    "SELECT COUNT(*) FROM taxii_objects WHERE collection = ?1 AND latest = 1 AND withdrawn = 0";
constexpr const char kAccess[] =
    "SELECT org_id, distribution, COALESCE(sharing_group_id, 0), deleted, uuid, timestamp FROM "
    "events WHERE id = ?1";
// ?1: the id with its uuid part lower-cased, ?2: that uuid, ?3: the id as given.
constexpr const char kHolders[] =
    "SELECT e.org_id, '' FROM events e WHERE e.uuid = ?2 "
    "UNION ALL SELECT e.org_id, '' FROM attributes a JOIN events e ON e.id = a.event_id "
    "WHERE a.uuid = ?2 "
    "UNION ALL SELECT e.org_id, '' FROM objects o JOIN events e ON e.id = o.event_id "
    "WHERE o.uuid = ?2 "
    "UNION ALL SELECT e.org_id, '' FROM object_references r JOIN events e ON e.id = r.event_id "
    "WHERE r.uuid = ?2 "
    "UNION ALL SELECT e.org_id, k.json FROM stix_objects k JOIN events e ON e.id = k.event_id "
    "WHERE k.stix_id IN (?1, ?3) "
    "UNION ALL SELECT e.org_id, t.object FROM taxii_objects t JOIN events e ON e.id = t.event_id "
    "WHERE t.collection IN (SELECT collection FROM taxii_collections) AND t.stix_id IN (?1, ?3)";
constexpr const char kPutStatus[] =
    "INSERT INTO taxii_status (id, collection, org_id, request_us, json) VALUES (?1, ?2, ?3, ?4, "
    "?5) ON CONFLICT(id) DO UPDATE SET json = ?5";
constexpr const char kGetStatus[] =
    "SELECT id, collection, org_id, request_us, json FROM taxii_status WHERE id = ?1";

std::string ToLowerAscii(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

void ReadRow(const Query& q, TaxiiObjectRow* r) {
  r->seq = q.Int(0);
  r->collection = q.Text(1);
  r->stix_id = q.Text(2);
  r->type = q.Text(3);
  r->spec_version = q.Text(4);
  r->version = q.Text(5);
  r->version_us = q.Int(6);
  r->date_added = q.Int(7);
  r->event_id = q.Int(8);
  r->latest = q.Bool(9);
  r->first = q.Bool(10);
  r->withdrawn = q.Bool(11);
  r->hash = q.Blob(12);
  r->json = q.Text(13);
}

class SqliteTaxiiStore : public TaxiiStore {
 public:
  explicit SqliteTaxiiStore(Store* s)
      : db_(internal::ConnectionOf(s)), stmts_(internal::StatementsOf(s)) {}

  StatusOr<CollectionState> GetCollectionState(std::string_view collection) override {
    auto q = stmts_->Use(kGetColl);
    if (!q.ok()) return q.status();
    q->Bind(1, collection);
    Status st;
    CollectionState cs;
    if (q->Next(&st, "taxii: collection state")) {
      cs.generation = q->Int(0);
      cs.last_added = q->Int(1);
    }
    if (!st.ok()) return st;
    return cs;
  }

  Status SetCollectionState(std::string_view collection, const CollectionState& cs) override {
    auto q = stmts_->Use(kSetColl);
    if (!q.ok()) return q.status();
    q->Bind(1, collection).Bind(2, cs.generation).Bind(3, cs.last_added);
    return q->Exec("taxii: set collection state");
  }

  Status ChangedEvents(std::string_view collection, const TaxiiSource& src,
                       std::vector<int64_t>* event_ids) override {
    event_ids->clear();
    const char* sql = kChangedAll;
    switch (src.kind) {
      case TaxiiSource::kAll:
        sql = kChangedAll;
        break;
      case TaxiiSource::kSharingGroup:
        sql = kChangedGroup;
        break;
      case TaxiiSource::kOrg:
        sql = kChangedOrg;
        break;
      case TaxiiSource::kClear:
        sql = kChangedClear;
        break;
    }
    auto q = stmts_->Use(sql);
    if (!q.ok()) return q.status();
    q->Bind(1, collection);
    if (src.kind == TaxiiSource::kSharingGroup || src.kind == TaxiiSource::kOrg) q->Bind(2, src.id);
    Status st;
    while (q->Next(&st, "taxii: changed events")) event_ids->push_back(q->Int(0));
    return st;
  }

  Status PutEventState(std::string_view collection, const TaxiiEventState& s) override {
    auto q = stmts_->Use(kPutState);
    if (!q.ok()) return q.status();
    q->Bind(1, collection)
        .Bind(2, s.event_id)
        .Bind(3, s.timestamp)
        .Bind(4, s.present)
        .Bind(5, s.sensitive)
        .Bind(6, s.event_uuid)
        .Bind(7, s.orgc_uuid);
    return q->Exec("taxii: put event state");
  }

  StatusOr<TaxiiEventState> GetEventState(std::string_view collection, int64_t event_id) override {
    auto q = stmts_->Use(kGetState);
    if (!q.ok()) return q.status();
    q->Bind(1, collection).Bind(2, event_id);
    Status st;
    if (!q->Next(&st, "taxii: event state")) {
      if (!st.ok()) return st;
      return Status::NotFound("no taxii state for event " + std::to_string(event_id));
    }
    TaxiiEventState s;
    s.event_id = event_id;
    s.timestamp = q->Int(0);
    s.present = q->Bool(1);
    s.sensitive = q->Bool(2);
    s.event_uuid = q->Text(3);
    s.orgc_uuid = q->Text(4);
    return s;
  }

  Status ObjectVersions(std::string_view collection, std::string_view stix_id,
                        std::vector<TaxiiObjectRow>* out) override {
    out->clear();
    auto q = stmts_->Use(kVersions);
    if (!q.ok()) return q.status();
    q->Bind(1, collection).Bind(2, stix_id);
    Status st;
    while (q->Next(&st, "taxii: object versions")) {
      out->emplace_back();
      ReadRow(*q, &out->back());
    }
    return st;
  }

  Status InsertObject(TaxiiObjectRow* r) override {
    {
      auto q = stmts_->Use(kInsertObj);
      if (!q.ok()) return q.status();
      q->Bind(1, r->collection)
          .Bind(2, r->stix_id)
          .Bind(3, r->type)
          .Bind(4, r->spec_version)
          .Bind(5, r->version)
          .Bind(6, r->version_us)
          .Bind(7, r->date_added)
          .Bind(8, r->event_id)
          .Bind(9, r->withdrawn)
          .BindBlob(10, r->hash)
          .Bind(11, r->json);
      SANAD_RETURN_IF_ERROR(q->Exec("taxii: insert object"));
      r->seq = sqlite3_last_insert_rowid(db_);
    }
    return Flags(r->collection, r->stix_id);
  }

  Status ReplaceObject(const TaxiiObjectRow& r) override {
    auto q = stmts_->Use(kReplaceObj);
    if (!q.ok()) return q.status();
    q->Bind(1, r.seq)
        .Bind(2, r.type)
        .Bind(3, r.spec_version)
        .Bind(4, r.version)
        .Bind(5, r.version_us)
        .Bind(6, r.date_added)
        .Bind(7, r.event_id)
        .BindBlob(8, r.hash)
        .Bind(9, r.json);
    SANAD_RETURN_IF_ERROR(q->Exec("taxii: replace object"));
    return Flags(r.collection, r.stix_id);
  }

  Status SetWithdrawn(std::string_view collection, std::string_view stix_id, bool withdrawn,
                      int64_t anchor) override {
    auto q = stmts_->Use(kWithdraw);
    if (!q.ok()) return q.status();
    q->Bind(1, collection).Bind(2, stix_id).Bind(3, withdrawn).Bind(4, anchor);
    return q->Exec("taxii: withdraw");
  }

  Status EventObjectIds(std::string_view collection, int64_t event_id,
                        std::vector<std::string>* ids) override {
    ids->clear();
    auto q = stmts_->Use(kEventIds);
    if (!q.ok()) return q.status();
    q->Bind(1, collection).Bind(2, event_id);
    Status st;
    while (q->Next(&st, "taxii: event object ids")) ids->push_back(q->Text(0));
    return st;
  }

  Status SetEventObjectIds(std::string_view collection, int64_t event_id,
                           const std::vector<std::string>& ids) override {
    {
      auto q = stmts_->Use(kDelEventIds);
      if (!q.ok()) return q.status();
      q->Bind(1, collection).Bind(2, event_id);
      SANAD_RETURN_IF_ERROR(q->Exec("taxii: clear event object ids"));
    }
    for (const auto& id : ids) {
      auto q = stmts_->Use(kAddEventId);
      if (!q.ok()) return q.status();
      q->Bind(1, collection).Bind(2, event_id).Bind(3, id);
      SANAD_RETURN_IF_ERROR(q->Exec("taxii: add event object id"));
    }
    return Status::Ok();
  }

  StatusOr<int64_t> OtherProducer(std::string_view collection, std::string_view stix_id,
                                  int64_t except) override {
    auto q = stmts_->Use(kOther);
    if (!q.ok()) return q.status();
    q->Bind(1, collection).Bind(2, stix_id).Bind(3, except);
    Status st;
    int64_t id = 0;
    if (q->Next(&st, "taxii: other producer")) id = q->Int(0);
    if (!st.ok()) return st;
    return id;
  }

  Status Query(const TaxiiQuery& tq, std::vector<TaxiiObjectRow>* out) override {
    out->clear();
    // Dynamic SQL (the filters vary); every value is bound.
    std::string sql = "SELECT " TAXII_ROW_COLUMNS
                      " FROM taxii_objects WHERE collection = ? AND date_added > ? AND "
                      "withdrawn = 0";
    auto in_list = [&](const char* col, size_t n) {
      sql += std::string(" AND ") + col + " IN (";
      for (size_t i = 0; i < n; ++i) sql += i ? ", ?" : "?";
      sql += ")";
    };
    if (!tq.ids.empty()) in_list("stix_id", tq.ids.size());
    if (!tq.types.empty()) in_list("type", tq.types.size());
    if (!tq.spec_versions.empty()) in_list("spec_version", tq.spec_versions.size());
    if (!tq.all) {
      bool only_latest = tq.latest && !tq.first && tq.versions_us.empty();
      if (only_latest) {
        sql += " AND latest = 1";  // uses the partial index
      } else {
        std::string any;
        if (tq.latest) any += "latest = 1";
        if (tq.first) any += std::string(any.empty() ? "" : " OR ") + "first = 1";
        if (!tq.versions_us.empty()) {
          any += std::string(any.empty() ? "" : " OR ") + "version_us IN (";
          for (size_t i = 0; i < tq.versions_us.size(); ++i) any += i ? ", ?" : "?";
          any += ")";
        }
        sql += " AND (" + (any.empty() ? std::string("0") : any) + ")";
      }
    }
    sql += " ORDER BY date_added LIMIT ?";
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr);
    Stmt stmt(raw);
    if (rc != SQLITE_OK) return internal::SqlStatus(db_, rc, "taxii: preparing the object query");
    internal::Query q(db_, raw);
    int i = 1;
    q.Bind(i++, tq.collection).Bind(i++, tq.after);
    for (const auto& v : tq.ids) q.Bind(i++, v);
    for (const auto& v : tq.types) q.Bind(i++, v);
    for (const auto& v : tq.spec_versions) q.Bind(i++, v);
    if (!tq.all && !(tq.latest && !tq.first && tq.versions_us.empty()))
      for (int64_t v : tq.versions_us) q.Bind(i++, v);
    q.Bind(i++, tq.limit);
    Status st;
    while (q.Next(&st, "taxii: object query")) {
      out->emplace_back();
      ReadRow(q, &out->back());
    }
    return st;
  }

  StatusOr<int64_t> CountLatest(std::string_view collection) override {
    auto q = stmts_->Use(kCountLatest);
    if (!q.ok()) return q.status();
    q->Bind(1, collection);
    Status st;
    int64_t n = 0;
    if (q->Next(&st, "taxii: count")) n = q->Int(0);
    if (!st.ok()) return st;
    return n;
  }

  StatusOr<TaxiiEventAccess> EventAccess(int64_t event_id) override {
    auto q = stmts_->Use(kAccess);
    if (!q.ok()) return q.status();
    q->Bind(1, event_id);
    Status st;
    if (!q->Next(&st, "taxii: event access")) {
      if (!st.ok()) return st;
      return Status::NotFound("no event with id " + std::to_string(event_id));
    }
    TaxiiEventAccess a;
    a.org_id = q->Int(0);
    a.distribution = static_cast<int>(q->Int(1));
    a.sharing_group_id = q->Int(2);
    a.deleted = q->Bool(3);
    a.uuid = q->Text(4);
    a.timestamp = q->Int(5);
    return a;
  }

  Status StixIdHolders(std::string_view stix_id, std::vector<StixIdHolder>* out) override {
    out->clear();
    std::string id(stix_id), uuid;
    size_t sep = id.find("--");
    if (sep != std::string::npos) {
      uuid = ToLowerAscii(id.substr(sep + 2));
      id = id.substr(0, sep + 2) + uuid;
    }
    auto q = stmts_->Use(kHolders);
    if (!q.ok()) return q.status();
    q->Bind(1, id).Bind(2, uuid).Bind(3, stix_id);
    Status st;
    while (q->Next(&st, "taxii: stix id holders")) out->push_back({q->Int(0), q->Text(1)});
    return st;
  }

  Status PutStatus(const StatusResource& s) override {
    auto q = stmts_->Use(kPutStatus);
    if (!q.ok()) return q.status();
    q->Bind(1, s.id).Bind(2, s.collection).Bind(3, s.org_id).Bind(4, s.request_us).Bind(5, s.json);
    return q->Exec("taxii: put status");
  }

  StatusOr<StatusResource> GetStatus(std::string_view id) override {
    auto q = stmts_->Use(kGetStatus);
    if (!q.ok()) return q.status();
    q->Bind(1, id);
    Status st;
    if (!q->Next(&st, "taxii: get status")) {
      if (!st.ok()) return st;
      return Status::NotFound("no status resource " + std::string(id));
    }
    StatusResource s;
    s.id = q->Text(0);
    s.collection = q->Text(1);
    s.org_id = q->Int(2);
    s.request_us = q->Int(3);
    s.json = q->Text(4);
    return s;
  }

 private:
  Status Flags(std::string_view collection, std::string_view stix_id) {
    auto q = stmts_->Use(kFlags);
    if (!q.ok()) return q.status();
    q->Bind(1, collection).Bind(2, stix_id);
    return q->Exec("taxii: version flags");
  }

  sqlite3* db_;
  internal::StmtCache* stmts_;
};

}  // namespace

std::unique_ptr<TaxiiStore> NewTaxiiStore(Store* s) {
  return std::make_unique<SqliteTaxiiStore>(s);
}

}  // namespace sanad::store
