// The SQLite implementation of store::SightingStore.
#include "store/sqlite/internal.h"

namespace sanad::store::internal {
namespace {

constexpr char kOrgRef[] = "SELECT id, uuid, name FROM orgs WHERE id = ?1";
constexpr char kAttributeById[] = "SELECT id, uuid FROM attributes WHERE id = ?1";
constexpr char kAttributeByUuid[] = "SELECT id, uuid FROM attributes WHERE uuid = ?1";

// ?1 uuid, ?2 attribute_id, ?3 org_id, ?4 type, ?5 source, ?6 date_sighting.
constexpr char kInsertSighting[] =
    "INSERT INTO sightings(uuid, attribute_id, org_id, type, source, date_sighting)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

// Columns of a sighting, read by ReadSighting.
#define SANAD_SIGHTING_COLUMNS                                                               \
  "SELECT s.id, s.uuid, s.attribute_id, a.uuid, s.org_id, o.uuid, o.name, s.type, s.source," \
  " s.date_sighting FROM sightings s JOIN attributes a ON a.id = s.attribute_id"             \
  " LEFT JOIN orgs o ON o.id = s.org_id "

StatusOr<model::Sighting> ReadSighting(Row& r) {
  model::Sighting s;
  s.id = r.Int();
  s.uuid = r.Text();
  s.attribute_id = r.Int();
  s.attribute_uuid = r.Text();
  if (r.NextIsNull()) {
    r.Skip(3);
  } else {
    s.org = model::OrgRef{r.Int(), r.Text(), r.Text()};
  }
  int64_t t = r.Int();
  if (t < 0 || t > 2) {
    return Status::Corrupt("sighting " + s.uuid + ": stored type " + std::to_string(t) +
                           " is not 0..2");
  }
  s.type = static_cast<model::SightingType>(t);
  s.source = r.Text();
  s.date_sighting = r.Int();
  return s;
}

constexpr char kListSightings[] =
    SANAD_SIGHTING_COLUMNS "WHERE s.attribute_id = ?1 ORDER BY s.date_sighting, s.id";
constexpr char kScanSightings[] =
    SANAD_SIGHTING_COLUMNS "ORDER BY s.attribute_id, s.date_sighting, s.id";
constexpr char kListEventSightings[] =
    SANAD_SIGHTING_COLUMNS "WHERE a.event_id = ?1 ORDER BY s.attribute_id, s.date_sighting, s.id";
constexpr char kLastSightingId[] = "SELECT COALESCE(MAX(id), 0) FROM sightings";

class SqliteSightings final : public SightingStore, private ConnSection {
 public:
  explicit SqliteSightings(Conn* c) : ConnSection(c) {}

  Status AddSighting(model::Sighting* s) override {
    {
      const char* sql = s->attribute_id != 0 ? kAttributeById : kAttributeByUuid;
      std::string lower = Lower(s->attribute_uuid);
      SANAD_USE(q, sql);
      if (s->attribute_id != 0) {
        q.Bind(1, s->attribute_id);
      } else {
        q.Bind(1, lower);
      }
      auto found = OneRow<std::pair<int64_t, std::string>>(
          q, "finding attribute", [](Row& r) { return std::pair{r.Int(), r.Text()}; },
          "sighting: no attribute " +
              (s->attribute_id != 0 ? "with id " + std::to_string(s->attribute_id)
                                    : "with uuid " + Quote(s->attribute_uuid)));
      if (!found.ok()) return found.status();
      std::tie(s->attribute_id, s->attribute_uuid) = std::move(*found);
    }
    if (s->org.id == 0) return Status::Invalid("sighting: the sighting organisation is not set");
    {
      SANAD_USE(q, kOrgRef);
      q.Bind(1, s->org.id);
      auto org = OneRow<model::OrgRef>(
          q, "reading organisation",
          [](Row& r) { return model::OrgRef{r.Int(), r.Text(), r.Text()}; },
          "no organisation with id " + std::to_string(s->org.id));
      if (!org.ok()) return org.status().WithContext("sighting");
      s->org = std::move(*org);
    }
    SANAD_RETURN_IF_ERROR(AssignUuid(&s->uuid, "sighting"));
    if (s->date_sighting == 0) s->date_sighting = util::Now();
    SANAD_USE(q, kInsertSighting);
    int rc = BindSighting(q, *s).Step();
    if (rc != SQLITE_DONE) {
      if (IsUniqueViolation(rc)) {
        return Status::Conflict("a sighting with uuid " + Quote(s->uuid) + " already exists");
      }
      return SqlStatus(db_, rc, "adding sighting " + s->uuid);
    }
    s->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status ListSightings(int64_t attribute_id, std::vector<model::Sighting>* out) override {
    return ReadSightings(kListSightings, attribute_id, out);
  }

  Status ListEventSightings(int64_t event_id, std::vector<model::Sighting>* out) override {
    return ReadSightings(kListEventSightings, event_id, out);
  }

  StatusOr<int64_t> LastSightingId() override {
    SANAD_USE(q, kLastSightingId);
    return OneRow<int64_t>(
        q, "reading the last sighting id", [](Row& r) { return r.Int(); }, "no row");
  }

  Status UnfilteredScanSightings(const std::function<bool(const model::Sighting&)>& fn) override {
    SANAD_USE(q, kScanSightings);
    return ForEachRow(q, "scanning sightings", [&](Row& r) -> StatusOr<bool> {
      auto s = ReadSighting(r);
      if (!s.ok()) return s.status();
      return fn(*s);
    });
  }

  Status ReadSightings(const char* sql, int64_t id, std::vector<model::Sighting>* out) {
    return ListBy(stmts_, sql, id, "listing sightings", ReadSighting, out);
  }
};

}  // namespace

std::unique_ptr<SightingStore> NewSightingStore(Conn* c) { return std::make_unique<SqliteSightings>(c); }

}  // namespace sanad::store::internal
