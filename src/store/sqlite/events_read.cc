// The SQLite implementation of store::EventStore: event reads (loading, policy pre-filter and redaction); writes are in events_write.cc.
#include "store/sqlite/internal.h"

namespace sanad::store::internal {
namespace {

// Reads a stored distribution; Corrupt names the item when out of range.
Status ReadDistribution(Row& r, Distribution* out, std::string_view what, std::string_view kind,
                        std::string_view uuid) {
  int64_t v = r.Int();
  if (v >= 0 && v <= 5) {
    *out = static_cast<Distribution>(v);
    return Status::Ok();
  }
  std::string msg(what);
  if (!kind.empty()) msg += ": " + std::string(kind) + " " + std::string(uuid);
  return Status::Corrupt(msg + ": stored distribution " + std::to_string(v) + " is not 0..5");
}

// JSON array text of `v` (for json_each()).
std::string JsonStringArray(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (unsigned char c : v[i]) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        static const char* hex = "0123456789abcdef";
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

constexpr char kLoadEvent[] =
    "SELECT e.id, e.uuid, e.info, e.date, e.threat_level_id, e.analysis, e.published,"
    " e.publish_timestamp, e.timestamp, e.distribution, e.sharing_group_id, sg.uuid, sg.name,"
    " e.org_id, o.uuid, o.name, e.orgc_id, oc.uuid, oc.name, e.disable_correlation, e.deleted,"
    " e.extends_uuid, e.extra_json FROM events e JOIN orgs o ON o.id = e.org_id"
    " JOIN orgs oc ON oc.id = e.orgc_id LEFT JOIN sharing_groups sg ON sg.id = e.sharing_group_id"
    " WHERE e.id = ?1";
constexpr char kLoadObjects[] =
    "SELECT o.id, o.uuid, o.name, o.meta_category, o.description, o.template_uuid,"
    " o.template_version, o.comment, o.distribution, o.sharing_group_id, sg.uuid, sg.name,"
    " o.timestamp, o.first_seen, o.last_seen, o.deleted, o.extra_json FROM objects o"
    " LEFT JOIN sharing_groups sg ON sg.id = o.sharing_group_id WHERE o.event_id = ?1"
    " ORDER BY o.id";
constexpr char kLoadAttributes[] =
    "SELECT a.id, a.uuid, a.object_id," SANAD_ATTRIBUTE_BODY_COLUMNS " FROM attributes a"
    " LEFT JOIN sharing_groups sg ON sg.id = a.sharing_group_id WHERE a.event_id = ?1"
    " ORDER BY a.id";
constexpr char kLoadAttributeTags[] =
    "SELECT at.attribute_id, t.name, t.colour, t.exportable, at.local FROM attributes a"
    " JOIN attribute_tags at ON at.attribute_id = a.id JOIN tags t ON t.id = at.tag_id"
    " WHERE a.event_id = ?1 ORDER BY at.attribute_id, at.pos";
constexpr char kLoadReferences[] =
    "SELECT id, uuid, object_id, referenced_uuid, referenced_type, relationship_type, comment,"
    " timestamp, deleted, extra_json FROM object_references WHERE event_id = ?1 ORDER BY id";
constexpr char kEventIdByUuid[] = "SELECT id FROM events WHERE uuid = ?1";

class SqliteEvents final : public EventStore, private ConnSection {
 public:
  explicit SqliteEvents(Conn* c) : ConnSection(c) {}

  StatusOr<EventHead> FindEventHead(std::string_view uuid) override {
    return internal::FindEventHead(c_, uuid);
  }
  StatusOr<UpsertOutcome> UpsertEvent(model::Event* ev) override {
    return internal::UpsertEvent(c_, ev);
  }
  Status SoftDeleteEvent(int64_t event_id, model::Timestamp now) override {
    return internal::SoftDeleteEvent(c_, event_id, now);
  }

  Status ScanEvents(const policy::Viewer& v, const EventQuery& q,
                    const std::function<bool(model::Event&)>& fn) override {
    // Conservative SQL superset of the event-level policy; Redact decides.
    std::string sql =
        "SELECT id FROM events WHERE id > ?1 AND (org_id = ?2 OR distribution IN (1, 2, 3)";
    if (!v.sharing_groups.empty()) {
      sql += " OR (distribution = 4 AND sharing_group_id IN (";
      for (size_t i = 0; i < v.sharing_groups.size(); ++i) {
        if (i) sql += ", ";
        sql += std::to_string(v.sharing_groups[i]);
      }
      sql += "))";
    }
    sql += ")";
    if (!q.include_deleted) sql += " AND deleted = 0";
    if (q.published) sql += " AND published = ?3";
    if (q.since) sql += " AND timestamp >= ?4";
    if (q.until) sql += " AND timestamp <= ?5";
    if (q.orgc_id) sql += " AND orgc_id = ?6";
    std::string uuids_json;
    if (!q.uuids.empty()) {
      sql += " AND uuid IN (SELECT value FROM json_each(?7))";
      std::vector<std::string> lower;
      lower.reserve(q.uuids.size());
      for (const auto& u : q.uuids) lower.push_back(Lower(u));
      uuids_json = JsonStringArray(lower);
    }
    constexpr int kPage = 256;
    sql += " ORDER BY id LIMIT " + std::to_string(kPage);

    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr);
    Stmt stmt(raw);
    if (rc != SQLITE_OK) return SqlStatus(db_, rc, "preparing event scan");

    int64_t after = q.after_id;
    int64_t delivered = 0;
    std::vector<int64_t> ids;
    for (;;) {
      ids.clear();
      {
        Query page(db_, stmt.get());
        page.Bind(1, after).Bind(2, v.org_id);
        if (q.published) page.Bind(3, *q.published);
        if (q.since) page.Bind(4, *q.since);
        if (q.until) page.Bind(5, *q.until);
        if (q.orgc_id) page.Bind(6, *q.orgc_id);
        if (!q.uuids.empty()) page.Bind(7, uuids_json);
        SANAD_RETURN_IF_ERROR(AppendRows(page, "scanning events", ReadInt, &ids));
      }
      for (int64_t id : ids) {
        model::Event ev;
        SANAD_RETURN_IF_ERROR(LoadEventConsistent(id, &ev));
        if (!policy::Redact(v, &ev, {q.include_deleted})) continue;
        ++delivered;
        if (!fn(ev)) return Status::Ok();
        if (q.limit > 0 && delivered >= q.limit) return Status::Ok();
      }
      if (ids.size() < static_cast<size_t>(kPage)) return Status::Ok();
      after = ids.back();
    }
  }

  StatusOr<model::Event> GetEvent(const policy::Viewer& v, std::string_view uuid,
                                  bool include_deleted) override {
    int64_t id = 0;
    {
      std::string lower = Lower(uuid);
      SANAD_USE(q, kEventIdByUuid);
      q.Bind(1, lower);
      SANAD_RETURN_IF_ERROR(ForEachRow(q, "finding event", [&](Row& r) {
        id = r.Int();
        return false;
      }));
    }
    Status not_found = Status::NotFound("no event with uuid " + Quote(uuid));
    if (id == 0) return not_found;
    model::Event ev;
    SANAD_RETURN_IF_ERROR(LoadEventConsistent(id, &ev));
    if (ev.deleted && !include_deleted) return not_found;
    if (!policy::Redact(v, &ev, {include_deleted})) return not_found;
    return ev;
  }

  // ---- event reads ----

  // Loads event `id` in full inside one read snapshot (unless the caller's
  // transaction already provides one).
  Status LoadEventConsistent(int64_t id, model::Event* ev) {
    if (!sqlite3_get_autocommit(db_)) return LoadEvent(id, ev);
    {
      SANAD_USE(q, kBeginRead);
      SANAD_RETURN_IF_ERROR(q.Exec("begin read"));
    }
    Status st = LoadEvent(id, ev);
    {
      auto q = stmts_->Use(kCommit);
      Status end = q.ok() ? q->Exec("end read") : q.status();
      if (!end.ok() && !sqlite3_get_autocommit(db_)) ExecScript(db_, kRollback, "rollback");
      if (st.ok()) st = end;
    }
    return st;
  }

  Status LoadEvent(int64_t id, model::Event* ev) {
    std::string what = "event " + std::to_string(id);
    bool found = false;
    SANAD_RETURN_IF_ERROR(
        ForEachRowBy(stmts_, kLoadEvent, id, "loading event", [&](Row& r) -> Status {
          found = true;
          ev->id = r.Int();
          ev->uuid = r.Text();
          what = "event " + ev->uuid;
          ev->info = r.Text();
          ev->date = r.Text();
          ev->threat_level_id = static_cast<int>(r.Int());
          ev->analysis = static_cast<int>(r.Int());
          ev->published = r.Bool();
          ev->publish_timestamp = r.Int();
          ev->timestamp = r.Int();
          Status d = ReadDistribution(r, &ev->distribution, what, "", "");
          ev->sharing_group = ReadSgRef(r);
          ev->org = model::OrgRef{r.Int(), r.Text(), r.Text()};
          ev->orgc = model::OrgRef{r.Int(), r.Text(), r.Text()};
          ev->disable_correlation = r.Bool();
          ev->deleted = r.Bool();
          ev->extends_uuid = r.Text();
          ev->extra_json = r.Text();
          return d;
        }));
    if (!found) return Status::NotFound("no event with id " + std::to_string(id));
    SANAD_RETURN_IF_ERROR(ForEachRowBy(stmts_, kLoadEventTags, id, "loading event tags",
                                       [&](Row& r) { ev->tags.push_back(ReadTag(r)); }));
    std::unordered_map<int64_t, size_t> object_index;
    // The object of this event that item `kind` `uuid` names as its own;
    // Corrupt when there is none.
    auto owner = [&](int64_t object_id, const char* kind,
                     const std::string& uuid) -> StatusOr<model::Object*> {
      auto it = object_index.find(object_id);
      if (it == object_index.end()) {
        return Status::Corrupt(what + ": " + kind + " " + uuid + " belongs to object " +
                               std::to_string(object_id) + " of another event");
      }
      return &ev->objects[it->second];
    };
    SANAD_RETURN_IF_ERROR(
        ForEachRowBy(stmts_, kLoadObjects, id, "loading objects", [&](Row& r) -> Status {
          model::Object o;
          o.id = r.Int();
          o.uuid = r.Text();
          o.name = r.Text();
          o.meta_category = r.Text();
          o.description = r.Text();
          o.template_uuid = r.Text();
          o.template_version = r.Text();
          o.comment = r.Text();
          Status d = ReadDistribution(r, &o.distribution, what, "object", o.uuid);
          o.sharing_group = ReadSgRef(r);
          o.timestamp = r.Int();
          o.first_seen = r.OptText();
          o.last_seen = r.OptText();
          o.deleted = r.Bool();
          o.extra_json = r.Text();
          object_index.emplace(o.id, ev->objects.size());
          ev->objects.push_back(std::move(o));
          return d;
        }));
    SANAD_RETURN_IF_ERROR(
        ForEachRowBy(stmts_, kLoadAttributes, id, "loading attributes", [&](Row& r) -> Status {
          model::Attribute a;
          a.id = r.Int();
          a.uuid = r.Text();
          int64_t object_id = r.Int();  // NULL reads as 0
          Status d = ReadAttributeBody(r, &a, what + ": attribute " + a.uuid);
          SANAD_RETURN_IF_ERROR(d);
          if (object_id == 0) {
            ev->attributes.push_back(std::move(a));
          } else {
            auto o = owner(object_id, "attribute", a.uuid);
            if (!o.ok()) return o.status();
            (*o)->attributes.push_back(std::move(a));
          }
          return Status::Ok();
        }));
    {
      // Attribute tags, matched to attributes by id (both in id order).
      std::unordered_map<int64_t, model::Attribute*> by_id;
      SANAD_USE(q, kLoadAttributeTags);
      q.Bind(1, id);
      bool built = false;
      SANAD_RETURN_IF_ERROR(ForEachRow(q, "loading attribute tags", [&](Row& r) {
        if (!built) {
          for (auto& a : ev->attributes) by_id.emplace(a.id, &a);
          for (auto& o : ev->objects) {
            for (auto& a : o.attributes) by_id.emplace(a.id, &a);
          }
          built = true;
        }
        auto it = by_id.find(r.Int());
        model::Tag t = ReadTag(r);
        if (it != by_id.end()) it->second->tags.push_back(std::move(t));
      }));
    }
    SANAD_RETURN_IF_ERROR(ForEachRowBy(stmts_, kLoadReferences, id, "loading object references",
                                       [&](Row& row) -> Status {
                                         model::ObjectReference r;
                                         r.id = row.Int();
                                         r.uuid = row.Text();
                                         int64_t object_id = row.Int();
                                         r.referenced_uuid = row.Text();
                                         r.referenced_type = row.Text();
                                         r.relationship_type = row.Text();
                                         r.comment = row.Text();
                                         r.timestamp = row.Int();
                                         r.deleted = row.Bool();
                                         r.extra_json = row.Text();
                                         auto o = owner(object_id, "object reference", r.uuid);
                                         if (!o.ok()) return o.status();
                                         (*o)->references.push_back(std::move(r));
                                         return Status::Ok();
                                       }));
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<EventStore> NewEventStore(Conn* c) { return std::make_unique<SqliteEvents>(c); }

}  // namespace sanad::store::internal
