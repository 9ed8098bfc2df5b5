// The SQLite implementation of store::IntelStore: index rows, attribute lookups, the data generation and correlation exclusions.
#include "store/sqlite/internal.h"

namespace sanad::store::internal {
namespace {

constexpr char kGetGeneration[] = "SELECT value FROM meta WHERE key = 'data_generation'";

// Columns of an IndexRow (see ReadIndexRow).
#define SANAD_INDEX_ROW_SELECT                                                              \
  "SELECT a.id, a.event_id, a.type, a.canonical1, a.canonical2, a.to_ids,"                  \
  " a.disable_correlation OR e.disable_correlation, a.timestamp, e.org_id, e.distribution," \
  " e.sharing_group_id, a.object_id, o.distribution, o.sharing_group_id, a.distribution,"   \
  " a.sharing_group_id, a.deleted OR e.deleted OR coalesce(o.deleted, 0) FROM attributes a" \
  " JOIN events e ON e.id = a.event_id LEFT JOIN objects o ON o.id = a.object_id "

constexpr char kScanIndexRows[] = SANAD_INDEX_ROW_SELECT "ORDER BY a.id";
constexpr char kGetIndexRows[] =
    SANAD_INDEX_ROW_SELECT "WHERE a.id IN (SELECT value FROM json_each(?1)) ORDER BY a.id";
constexpr char kAttributeContext[] =
    "SELECT a.id, a.uuid," SANAD_ATTRIBUTE_BODY_COLUMNS ", a.object_id, o.uuid, o.name, o.distribution, o.sharing_group_id,"
    " o.deleted, e.id, e.uuid, e.info, e.date, e.published, e.org_id, e.distribution,"
    " e.sharing_group_id, e.deleted, e.orgc_id, oc.uuid, oc.name FROM attributes a"
    " JOIN events e ON e.id = a.event_id JOIN orgs oc ON oc.id = e.orgc_id"
    " LEFT JOIN objects o ON o.id = a.object_id"
    " LEFT JOIN sharing_groups sg ON sg.id = a.sharing_group_id WHERE a.id = ?1";
constexpr char kOneAttributeTags[] =
    "SELECT t.name, t.colour, t.exportable, at.local FROM attribute_tags at"
    " JOIN tags t ON t.id = at.tag_id WHERE at.attribute_id = ?1 ORDER BY at.pos";
constexpr char kAttributeIdByUuid[] = "SELECT id FROM attributes WHERE uuid = ?1";

// The literal "<> ''" terms let SQLite use the partial indexes.
constexpr char kByCanonical1[] =
    "SELECT id FROM attributes WHERE canonical1 = ?1 AND canonical1 <> ''";
constexpr char kByCanonical2[] =
    "SELECT id FROM attributes WHERE canonical2 = ?1 AND canonical2 <> ''";
constexpr char kInsertExclusion[] =
    "INSERT INTO correlation_exclusions(value, comment, created) VALUES (?1, ?2, ?3)";
constexpr char kDeleteExclusion[] = "DELETE FROM correlation_exclusions WHERE value = ?1";
constexpr char kListExclusions[] =
    "SELECT id, value, comment, created FROM correlation_exclusions ORDER BY id";


// Reads a row of SANAD_INDEX_ROW_SELECT (NULL ids read as 0).
Status ReadIndexRow(Row& q, IndexRow* r) {
  r->attribute_id = q.Int();
  r->event_id = q.Int();
  r->type = q.Text();
  r->canonical1 = q.Text();
  r->canonical2 = q.Text();
  r->to_ids = q.Bool();
  r->correlation_disabled = q.Bool();
  r->timestamp = q.Int();
  policy::AccessPath& p = r->access;
  p.event_owner_org_id = q.Int();
  int64_t ed = q.Int();
  p.event_sharing_group_id = q.Int();
  p.in_object = !q.NextIsNull();
  q.Skip();  // a.object_id
  int64_t od = q.Int();
  if (!p.in_object) od = 5;
  p.object_sharing_group_id = q.Int();
  int64_t ad = q.Int();
  p.attribute_sharing_group_id = q.Int();
  p.deleted = q.Bool();
  if (ed < 0 || ed > 5 || od < 0 || od > 5 || ad < 0 || ad > 5) {
    return Status::Corrupt("attribute " + std::to_string(r->attribute_id) +
                           ": stored distribution out of range 0..5");
  }
  p.event_distribution = static_cast<Distribution>(ed);
  p.object_distribution = static_cast<Distribution>(od);
  p.attribute_distribution = static_cast<Distribution>(ad);
  return Status::Ok();
}

class SqliteIntel final : public IntelStore, private ConnSection {
 public:
  explicit SqliteIntel(Conn* c) : ConnSection(c) {}

  // ---- intelligence ----
  Status UnfilteredScanAttributes(const std::function<bool(const IndexRow&)>& fn) override {
    // A private statement: `fn` may use the store (and its cached statements)
    // while the scan is active. One statement reads one snapshot.
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, kScanIndexRows, -1, &raw, nullptr);
    Stmt stmt(raw);
    if (rc != SQLITE_OK) return SqlStatus(db_, rc, "preparing attribute scan");
    Query q(db_, stmt.get());
    IndexRow row;
    return ForEachRow(q, "scanning attributes", [&](Row& r) -> StatusOr<bool> {
      row = IndexRow{};
      SANAD_RETURN_IF_ERROR(ReadIndexRow(r, &row));
      return fn(row);
    });
  }

  Status UnfilteredGetAttributes(const std::vector<int64_t>& ids,
                                 std::vector<IndexRow>* out) override {
    out->clear();
    if (ids.empty()) return Status::Ok();
    std::string json = "[";
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i) json += ',';
      json += std::to_string(ids[i]);
    }
    json += ']';
    SANAD_USE(q, kGetIndexRows);
    q.Bind(1, json);
    return AppendRows(q, "reading attributes", [](Row& r) -> StatusOr<IndexRow> {
      IndexRow row;
      SANAD_RETURN_IF_ERROR(ReadIndexRow(r, &row));
      return row;
    }, out);
  }

  StatusOr<int64_t> DataGeneration() override {
    SANAD_USE(q, kGetGeneration);
    auto g = OneRow<int64_t>(q, "reading the data generation", ReadInt, "");
    if (g.status().code() == Status::Code::kNotFound) return int64_t{0};
    return g;
  }

  StatusOr<AttributeContext> GetAttributeContext(const policy::Viewer& v,
                                                 int64_t attribute_id) override {
    Status not_found = Status::NotFound("no attribute with id " + std::to_string(attribute_id));
    AttributeContext c;
    int64_t event_id = 0;
    {
      SANAD_USE(q, kAttributeContext);
      q.Bind(1, attribute_id);
      bool found = false;
      bool visible = false;
      SANAD_RETURN_IF_ERROR(ForEachRow(q, "loading attribute", [&](Row& r) -> Status {
        found = true;
        model::Attribute& a = c.attribute;
        a.id = r.Int();
        a.uuid = r.Text();
        std::string what = "attribute " + a.uuid;
        Status d = ReadAttributeBody(r, &a, what);
        policy::AccessPath p;
        p.attribute_distribution = a.distribution;
        p.attribute_sharing_group_id = a.sharing_group.id;
        p.in_object = !r.NextIsNull();
        r.Skip();  // a.object_id
        std::string object_uuid = r.Text(), object_name = r.Text();
        int64_t object_distribution = r.Int();
        p.object_sharing_group_id = r.Int();  // NULL reads as 0
        bool object_deleted = r.Bool();
        if (p.in_object) {
          c.object_uuid = std::move(object_uuid);
          c.object_name = std::move(object_name);
          if (d.ok()) d = ToDistribution(object_distribution, &p.object_distribution, what);
        } else {
          p.object_sharing_group_id = 0;
        }
        event_id = r.Int();
        c.event_uuid = r.Text();
        c.event_info = r.Text();
        c.event_date = r.Text();
        c.event_published = r.Bool();
        p.event_owner_org_id = r.Int();
        int64_t event_distribution = r.Int();
        p.event_sharing_group_id = r.Int();
        bool event_deleted = r.Bool();
        p.deleted = a.deleted || event_deleted || (p.in_object && object_deleted);
        c.event_orgc = model::OrgRef{r.Int(), r.Text(), r.Text()};
        if (d.ok()) d = ToDistribution(event_distribution, &p.event_distribution, what);
        visible = d.ok() && policy::MaySee(v, p);
        return d;
      }));
      if (!found || !visible) return not_found;
    }
    {
      SANAD_USE(q, kOneAttributeTags);
      q.Bind(1, attribute_id);
      SANAD_RETURN_IF_ERROR(AppendRows(q, "loading attribute tags", ReadTag, &c.attribute.tags));
    }
    {
      SANAD_USE(q, kLoadEventTags);
      q.Bind(1, event_id);
      SANAD_RETURN_IF_ERROR(AppendRows(q, "loading event tags", ReadTag, &c.event_tags));
    }
    std::vector<model::Tag> all = c.attribute.tags;
    all.insert(all.end(), c.event_tags.begin(), c.event_tags.end());
    c.tlp = model::StrictestTlp(all);
    return c;
  }

  StatusOr<int64_t> FindAttributeId(std::string_view uuid) override {
    return OneRowBy<int64_t>(stmts_, kAttributeIdByUuid, Lower(uuid), "finding attribute", ReadInt,
                             "no attribute with uuid " + Quote(uuid));
  }

  Status FindAttributesByCanonical(const std::vector<std::string>& values,
                                   std::vector<int64_t>* ids) override {
    ids->clear();
    for (const char* sql : {kByCanonical1, kByCanonical2}) {
      for (const auto& value : values) {
        if (value.empty()) continue;
        SANAD_USE(q, sql);
        q.Bind(1, value);
        SANAD_RETURN_IF_ERROR(AppendRows(q, "finding attributes by value", ReadInt, ids));
      }
    }
    std::sort(ids->begin(), ids->end());
    ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    return Status::Ok();
  }

  Status AddCorrelationExclusion(CorrelationExclusion* e) override {
    if (e->value.empty()) return Status::Invalid("correlation exclusion: empty value");
    if (e->created == 0) e->created = util::Now();
    SANAD_USE(q, kInsertExclusion);
    int rc = q.Bind(1, e->value).Bind(2, e->comment).Bind(3, e->created).Step();
    if (rc != SQLITE_DONE) {
      if (IsUniqueViolation(rc)) {
        return Status::Conflict("correlation exclusion " + Quote(e->value) + " already exists");
      }
      return SqlStatus(db_, rc, "adding correlation exclusion " + Quote(e->value));
    }
    e->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status RemoveCorrelationExclusion(std::string_view value) override {
    SANAD_USE(q, kDeleteExclusion);
    SANAD_RETURN_IF_ERROR(q.Bind(1, value).Exec("removing correlation exclusion"));
    if (sqlite3_changes(db_) == 0) {
      return Status::NotFound("no correlation exclusion " + Quote(value));
    }
    return Status::Ok();
  }

  Status ListCorrelationExclusions(std::vector<CorrelationExclusion>* out) override {
    out->clear();
    SANAD_USE(q, kListExclusions);
    return AppendRows(q, "listing correlation exclusions", [](Row& r) {
      return CorrelationExclusion{r.Int(), r.Text(), r.Text(), r.Int()};
    }, out);
  }
};

}  // namespace

std::unique_ptr<IntelStore> NewIntelStore(Conn* c) { return std::make_unique<SqliteIntel>(c); }

}  // namespace sanad::store::internal
