#include "store/taxii_store.h"

#include "store/sqlite/internal.h"

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

namespace {

int64_t ReadInt(Row& r) { return r.Int(); }
std::string ReadText(Row& r) { return r.Text(); }

#define COLLECTION_STATE_SELECT "SELECT generation, last_added FROM taxii_collections "

TaxiiStore::CollectionState ReadCollectionState(Row& r) { return {r.Int(), r.Int()}; }

constexpr const char kGetColl[] = COLLECTION_STATE_SELECT "WHERE collection = ?1";
constexpr const char kSetColl[] =
    "INSERT INTO taxii_collections (collection, generation, last_added) VALUES (?1, ?2, ?3) "
    "ON CONFLICT(collection) DO UPDATE SET generation = ?2, last_added = ?3";

// Changed events: seen with another timestamp, or never seen and a candidate
// of the source (the condition given).
#define CHANGED_EVENTS(candidate)                                     \
  "SELECT e.id FROM events e LEFT JOIN taxii_event_state s "          \
  "ON s.collection = ?1 AND s.event_id = e.id "                       \
  "WHERE (s.event_id IS NOT NULL AND s.timestamp <> e.timestamp) OR " \
  "(s.event_id IS NULL AND e.deleted = 0 AND " candidate ") ORDER BY e.id"
constexpr const char kChangedAll[] = CHANGED_EVENTS("e.distribution IN (1, 2, 3)");
constexpr const char kChangedGroup[] = CHANGED_EVENTS(
    "((e.distribution = 4 AND e.sharing_group_id = ?2) "
    "OR (e.distribution IN (1, 2, 3) AND (EXISTS (SELECT 1 FROM attributes a WHERE a.event_id = "
    "e.id AND a.distribution = 4 AND a.sharing_group_id = ?2) OR EXISTS (SELECT 1 FROM objects o "
    "WHERE o.event_id = e.id AND o.distribution = 4 AND o.sharing_group_id = ?2))))");
constexpr const char kChangedOrg[] = CHANGED_EVENTS("e.org_id = ?2");
constexpr const char kChangedClear[] = CHANGED_EVENTS(
    "e.distribution IN (1, 2, 3) AND EXISTS (SELECT 1 "
    "FROM event_tags et JOIN tags t ON t.id = et.tag_id WHERE et.event_id = e.id AND "
    "lower(t.name) IN ('tlp:clear', 'tlp:white'))");

// The changed-events statement of a source kind.
const char* ChangedSql(TaxiiSource::Kind kind) {
  switch (kind) {
    case TaxiiSource::kSharingGroup: return kChangedGroup;
    case TaxiiSource::kOrg: return kChangedOrg;
    case TaxiiSource::kClear: return kChangedClear;
    case TaxiiSource::kAll: break;
  }
  return kChangedAll;
}

constexpr const char kPutState[] =
    "INSERT INTO taxii_event_state (collection, event_id, timestamp, present, sensitive, "
    "event_uuid, orgc_uuid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT(collection, event_id) DO UPDATE SET timestamp = ?3, present = ?4, "
    "sensitive = ?5, event_uuid = ?6, orgc_uuid = ?7";
#define EVENT_STATE_SELECT \
  "SELECT event_id, timestamp, present, sensitive, event_uuid, orgc_uuid FROM taxii_event_state "

TaxiiEventState ReadEventState(Row& r) {
  return {r.Int(), r.Int(), r.Bool(), r.Bool(), r.Text(), r.Text()};
}

constexpr const char kGetState[] = EVENT_STATE_SELECT "WHERE collection = ?1 AND event_id = ?2";

#define TAXII_ROW_COLUMNS                                                                     \
  "seq, collection, stix_id, type, spec_version, version, version_us, date_added, event_id, " \
  "latest, first, withdrawn, hash, object"

TaxiiObjectRow ReadObjectRow(Row& r) {
  return {r.Int(), r.Text(), r.Text(), r.Text(), r.Text(), r.Text(), r.Int(),
          r.Int(), r.Int(),  r.Bool(), r.Bool(), r.Bool(), r.Blob(), r.Text()};
}

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
#define EVENT_ACCESS_SELECT                                                                    \
  "SELECT org_id, distribution, COALESCE(sharing_group_id, 0), deleted, uuid, timestamp FROM " \
  "events "

TaxiiEventAccess ReadEventAccess(Row& r) {
  return {r.Int(), static_cast<int>(r.Int()), r.Int(), r.Bool(), r.Text(), r.Int()};
}

constexpr const char kAccess[] = EVENT_ACCESS_SELECT "WHERE id = ?1";
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
#define STATUS_SELECT "SELECT id, collection, org_id, request_us, json FROM taxii_status "

TaxiiStore::StatusResource ReadStatus(Row& r) {
  return {r.Text(), r.Text(), r.Int(), r.Int(), r.Text()};
}

constexpr const char kGetStatus[] = STATUS_SELECT "WHERE id = ?1";

TaxiiStore::StixIdHolder ReadHolder(Row& r) { return {r.Int(), r.Text()}; }

class SqliteTaxiiStore : public TaxiiStore, private StoreSection {
 public:
  explicit SqliteTaxiiStore(Store* s) : StoreSection(s) {}

  StatusOr<CollectionState> GetCollectionState(std::string_view collection) override {
    SANAD_USE(q, kGetColl);
    q.Bind(1, collection);
    auto cs = OneRow<CollectionState>(q, "taxii: collection state", ReadCollectionState, "");
    if (cs.status().code() == Status::Code::kNotFound) return CollectionState{};
    return cs;
  }

  Status SetCollectionState(std::string_view collection, const CollectionState& cs) override {
    SANAD_USE(q, kSetColl);
    q.Bind(1, collection).Bind(2, cs.generation).Bind(3, cs.last_added);
    return q.Exec("taxii: set collection state");
  }

  Status ChangedEvents(std::string_view collection, const TaxiiSource& src,
                       std::vector<int64_t>* event_ids) override {
    event_ids->clear();
    SANAD_USE(q, ChangedSql(src.kind));
    q.Bind(1, collection);
    if (src.kind == TaxiiSource::kSharingGroup || src.kind == TaxiiSource::kOrg) q.Bind(2, src.id);
    return AppendRows(q, "taxii: changed events", ReadInt, event_ids);
  }

  Status PutEventState(std::string_view collection, const TaxiiEventState& s) override {
    SANAD_USE(q, kPutState);
    q.Bind(1, collection).Bind(2, s.event_id).Bind(3, s.timestamp).Bind(4, s.present);
    q.Bind(5, s.sensitive).Bind(6, s.event_uuid).Bind(7, s.orgc_uuid);
    return q.Exec("taxii: put event state");
  }

  StatusOr<TaxiiEventState> GetEventState(std::string_view collection, int64_t event_id) override {
    SANAD_USE(q, kGetState);
    q.Bind(1, collection).Bind(2, event_id);
    return OneRow<TaxiiEventState>(q, "taxii: event state", ReadEventState,
                                   "no taxii state for event " + std::to_string(event_id));
  }

  Status ObjectVersions(std::string_view collection, std::string_view stix_id,
                        std::vector<TaxiiObjectRow>* out) override {
    out->clear();
    SANAD_USE(q, kVersions);
    q.Bind(1, collection).Bind(2, stix_id);
    return AppendRows(q, "taxii: object versions", ReadObjectRow, out);
  }

  Status InsertObject(TaxiiObjectRow* r) override {
    {
      SANAD_USE(q, kInsertObj);
      q.Bind(1, r->collection).Bind(2, r->stix_id).Bind(3, r->type).Bind(4, r->spec_version);
      q.Bind(5, r->version).Bind(6, r->version_us).Bind(7, r->date_added).Bind(8, r->event_id);
      q.Bind(9, r->withdrawn).BindBlob(10, r->hash).Bind(11, r->json);
      SANAD_RETURN_IF_ERROR(q.Exec("taxii: insert object"));
      r->seq = sqlite3_last_insert_rowid(db_);
    }
    return Flags(r->collection, r->stix_id);
  }

  Status ReplaceObject(const TaxiiObjectRow& r) override {
    {
      SANAD_USE(q, kReplaceObj);
      q.Bind(1, r.seq).Bind(2, r.type).Bind(3, r.spec_version).Bind(4, r.version);
      q.Bind(5, r.version_us).Bind(6, r.date_added).Bind(7, r.event_id).BindBlob(8, r.hash);
      q.Bind(9, r.json);
      SANAD_RETURN_IF_ERROR(q.Exec("taxii: replace object"));
    }
    return Flags(r.collection, r.stix_id);
  }

  Status SetWithdrawn(std::string_view collection, std::string_view stix_id, bool withdrawn,
                      int64_t anchor) override {
    SANAD_USE(q, kWithdraw);
    q.Bind(1, collection).Bind(2, stix_id).Bind(3, withdrawn).Bind(4, anchor);
    return q.Exec("taxii: withdraw");
  }

  Status EventObjectIds(std::string_view collection, int64_t event_id,
                        std::vector<std::string>* ids) override {
    ids->clear();
    SANAD_USE(q, kEventIds);
    q.Bind(1, collection).Bind(2, event_id);
    return AppendRows(q, "taxii: event object ids", ReadText, ids);
  }

  Status SetEventObjectIds(std::string_view collection, int64_t event_id,
                           const std::vector<std::string>& ids) override {
    {
      SANAD_USE(q, kDelEventIds);
      q.Bind(1, collection).Bind(2, event_id);
      SANAD_RETURN_IF_ERROR(q.Exec("taxii: clear event object ids"));
    }
    for (const auto& id : ids) {
      SANAD_USE(q, kAddEventId);
      q.Bind(1, collection).Bind(2, event_id).Bind(3, id);
      SANAD_RETURN_IF_ERROR(q.Exec("taxii: add event object id"));
    }
    return Status::Ok();
  }

  StatusOr<int64_t> OtherProducer(std::string_view collection, std::string_view stix_id,
                                  int64_t except) override {
    SANAD_USE(q, kOther);
    q.Bind(1, collection).Bind(2, stix_id).Bind(3, except);
    auto id = OneRow<int64_t>(q, "taxii: other producer", ReadInt, "");
    if (id.status().code() == Status::Code::kNotFound) return int64_t{0};
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
    bool only_latest = tq.latest && !tq.first && tq.versions_us.empty();
    if (!tq.all) {
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
    if (rc != SQLITE_OK) return SqlStatus(db_, rc, "taxii: preparing the object query");
    internal::Query q(db_, raw);
    int i = 1;
    q.Bind(i++, tq.collection);
    q.Bind(i++, tq.after);
    for (const auto& v : tq.ids) q.Bind(i++, v);
    for (const auto& v : tq.types) q.Bind(i++, v);
    for (const auto& v : tq.spec_versions) q.Bind(i++, v);
    if (!tq.all && !only_latest)
      for (int64_t v : tq.versions_us) q.Bind(i++, v);
    q.Bind(i++, tq.limit);
    return AppendRows(q, "taxii: object query", ReadObjectRow, out);
  }

  StatusOr<int64_t> CountLatest(std::string_view collection) override {
    SANAD_USE(q, kCountLatest);
    q.Bind(1, collection);
    return OneRow<int64_t>(q, "taxii: count", ReadInt, "taxii: count: no row");
  }

  StatusOr<TaxiiEventAccess> EventAccess(int64_t event_id) override {
    SANAD_USE(q, kAccess);
    q.Bind(1, event_id);
    return OneRow<TaxiiEventAccess>(q, "taxii: event access", ReadEventAccess,
                                    "no event with id " + std::to_string(event_id));
  }

  Status StixIdHolders(std::string_view stix_id, std::vector<StixIdHolder>* out) override {
    out->clear();
    std::string id(stix_id), uuid;
    size_t sep = id.find("--");
    if (sep != std::string::npos) {
      uuid = Lower(id.substr(sep + 2));
      id = id.substr(0, sep + 2) + uuid;
    }
    SANAD_USE(q, kHolders);
    q.Bind(1, id).Bind(2, uuid).Bind(3, stix_id);
    return AppendRows(q, "taxii: stix id holders", ReadHolder, out);
  }

  Status PutStatus(const StatusResource& s) override {
    SANAD_USE(q, kPutStatus);
    q.Bind(1, s.id).Bind(2, s.collection).Bind(3, s.org_id).Bind(4, s.request_us).Bind(5, s.json);
    return q.Exec("taxii: put status");
  }

  StatusOr<StatusResource> GetStatus(std::string_view id) override {
    return OneRowBy<StatusResource>(stmts_, kGetStatus, id, "taxii: get status", ReadStatus,
                                    "no status resource " + std::string(id));
  }

 private:
  Status Flags(std::string_view collection, std::string_view stix_id) {
    SANAD_USE(q, kFlags);
    q.Bind(1, collection).Bind(2, stix_id);
    return q.Exec("taxii: version flags");
  }
};

}  // namespace
}  // namespace internal

std::unique_ptr<TaxiiStore> NewTaxiiStore(Store* s) {
  return std::make_unique<internal::SqliteTaxiiStore>(s);
}

}  // namespace sanad::store
