// The SQLite implementation of event writes for store::EventStore: upserts with MISP semantics, tags, carried sightings, soft deletes.
#include "store/sqlite/internal.h"

namespace sanad::store::internal {
namespace {

Status CheckDistribution(Distribution d, int64_t sg_id, bool allow_inherit, std::string_view what) {
  int v = static_cast<int>(d);
  if (v < 0 || v > 5 || (!allow_inherit && v == 5)) {
    return Status::Invalid(std::string(what) + ": distribution " + std::to_string(v) +
                           (allow_inherit ? " is not 0..5" : " is not valid here (0..4)"));
  }
  if (d == Distribution::kSharingGroup && sg_id == 0) {
    return Status::Invalid(std::string(what) +
                           ": distribution 4 (sharing group) without a resolved sharing group");
  }
  return Status::Ok();
}

constexpr char kFindTag[] = "SELECT id, colour FROM tags WHERE name = ?1";
constexpr char kInsertTag[] =
    "INSERT INTO tags(name, colour, exportable) VALUES (?1, ?2, ?3)";
constexpr char kSetTagColour[] = "UPDATE tags SET colour = ?2 WHERE id = ?1 AND colour = ''";
constexpr char kInsertEventTag[] =
    "INSERT INTO event_tags(event_id, pos, tag_id, local) VALUES (?1, ?2, ?3, ?4)";
constexpr char kDeleteEventTags[] = "DELETE FROM event_tags WHERE event_id = ?1";
constexpr char kInsertAttributeTag[] =
    "INSERT INTO attribute_tags(attribute_id, pos, tag_id, local) VALUES (?1, ?2, ?3, ?4)";
constexpr char kDeleteAttributeTags[] = "DELETE FROM attribute_tags WHERE attribute_id = ?1";

// Columns of an EventHead, read by ReadEventHead.
EventHead ReadEventHead(Row& r) {
  return EventHead{r.Int(), r.Text(), r.Int(), r.Int(), r.Int(), r.Bool()};
}
constexpr char kEventHead[] =
    "SELECT id, uuid, timestamp, org_id, orgc_id, deleted FROM events WHERE uuid = ?1";

// Parameters ?1..?17 are shared by insert and update (?1 = id on update).
constexpr char kInsertEvent[] =
    "INSERT INTO events(uuid, info, date, threat_level_id, analysis, published, publish_timestamp,"
    " timestamp, distribution, sharing_group_id, org_id, orgc_id, disable_correlation, deleted,"
    " extends_uuid, extra_json) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
    " ?15, ?16, ?17)";
constexpr char kUpdateEvent[] =
    "UPDATE events SET info = ?3, date = ?4, threat_level_id = ?5, analysis = ?6, published = ?7,"
    " publish_timestamp = ?8, timestamp = ?9, distribution = ?10, sharing_group_id = ?11,"
    " disable_correlation = ?14, deleted = ?15, extends_uuid = ?16, extra_json = ?17"
    " WHERE id = ?1";
constexpr char kSoftDeleteEvent[] =
    "UPDATE events SET deleted = 1, timestamp = max(timestamp, ?2) WHERE id = ?1";

// ?1 uuid, ?2 event_id, ?3 object_id, ... ?20 extra_json; ?21 id on update.
constexpr char kInsertAttribute[] =
    "INSERT INTO attributes(uuid, event_id, object_id, object_relation, type, category, value,"
    " canonical, canonical1, canonical2, to_ids, comment, distribution, sharing_group_id,"
    " timestamp, first_seen, last_seen, disable_correlation, deleted, extra_json) VALUES (?1, ?2,"
    " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";
constexpr char kUpdateAttribute[] =
    "UPDATE attributes SET object_id = ?3, object_relation = ?4, type = ?5, category = ?6,"
    " value = ?7, canonical = ?8, canonical1 = ?9, canonical2 = ?10, to_ids = ?11, comment = ?12,"
    " distribution = ?13, sharing_group_id = ?14, timestamp = ?15, first_seen = ?16,"
    " last_seen = ?17, disable_correlation = ?18, deleted = ?19, extra_json = ?20 WHERE id = ?21";
constexpr char kAttributeHead[] =
    "SELECT id, event_id, timestamp FROM attributes WHERE uuid = ?1";
constexpr char kAttributeOwner[] =
    "SELECT e.id, e.uuid FROM attributes a JOIN events e ON e.id = a.event_id WHERE a.uuid = ?1";

// ?1 uuid, ?2 event_id, ... ?16 extra_json; ?17 id on update.
constexpr char kInsertObject[] =
    "INSERT INTO objects(uuid, event_id, name, meta_category, description, template_uuid,"
    " template_version, comment, distribution, sharing_group_id, timestamp, first_seen,"
    " last_seen, deleted, extra_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
    " ?13, ?14, ?15)";
constexpr char kUpdateObject[] =
    "UPDATE objects SET name = ?3, meta_category = ?4, description = ?5, template_uuid = ?6,"
    " template_version = ?7, comment = ?8, distribution = ?9, sharing_group_id = ?10,"
    " timestamp = ?11, first_seen = ?12, last_seen = ?13, deleted = ?14, extra_json = ?15"
    " WHERE id = ?16";
constexpr char kObjectHead[] = "SELECT id, event_id, timestamp FROM objects WHERE uuid = ?1";
constexpr char kObjectOwner[] =
    "SELECT e.id, e.uuid FROM objects o JOIN events e ON e.id = o.event_id WHERE o.uuid = ?1";

// ?1 uuid, ?2 object_id, ?3 event_id, ... ?10 extra_json; ?11 id on update.
constexpr char kInsertReference[] =
    "INSERT INTO object_references(uuid, object_id, event_id, referenced_uuid, referenced_type,"
    " relationship_type, comment, timestamp, deleted, extra_json) VALUES (?1, ?2, ?3, ?4, ?5,"
    " ?6, ?7, ?8, ?9, ?10)";
constexpr char kUpdateReference[] =
    "UPDATE object_references SET object_id = ?2, referenced_uuid = ?4, referenced_type = ?5,"
    " relationship_type = ?6, comment = ?7, timestamp = ?8, deleted = ?9, extra_json = ?10"
    " WHERE id = ?11";
constexpr char kReferenceHead[] =
    "SELECT id, event_id, timestamp FROM object_references WHERE uuid = ?1";
constexpr char kReferenceOwner[] =
    "SELECT e.id, e.uuid FROM object_references r JOIN events e ON e.id = r.event_id"
    " WHERE r.uuid = ?1";
constexpr char kInsertSightingIfNew[] =
    "INSERT INTO sightings(uuid, attribute_id, org_id, type, source, date_sighting)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(uuid) DO NOTHING";
constexpr char kSightingByNaturalKey[] =
    "SELECT 1 FROM sightings WHERE attribute_id = ?1 AND date_sighting = ?2 AND type = ?3"
    " AND org_id IS ?4 AND source = ?5 LIMIT 1";

class EventWriter final : private ConnSection {
 public:
  explicit EventWriter(Conn* c) : ConnSection(c) {}

  // ---- events ----
  StatusOr<EventHead> FindEventHead(std::string_view uuid) {
    std::string lower = Lower(uuid);
    SANAD_USE(q, kEventHead);
    q.Bind(1, lower);
    return OneRow<EventHead>(q, "finding event", ReadEventHead,
                             "no event with uuid " + Quote(uuid));
  }

  StatusOr<UpsertOutcome> UpsertEvent(model::Event* ev) {
    if (ev->uuid.empty()) ev->uuid = util::NewUuid();
    LowerInPlace(&ev->uuid);
    LowerInPlace(&ev->extends_uuid);
    std::string what = "event " + ev->uuid;
    if (ev->org.id == 0 || ev->orgc.id == 0) {
      return Status::Invalid(what + ": org and orgc must be resolved to stored organisations");
    }
    SANAD_RETURN_IF_ERROR(
        CheckDistribution(ev->distribution, ev->sharing_group.id, /*allow_inherit=*/false, what));
    int64_t stored_id = 0;
    model::Timestamp stored_ts = 0;
    {
      SANAD_USE(q, kEventHead);
      q.Bind(1, ev->uuid);
      SANAD_RETURN_IF_ERROR(ForEachRow(q, "finding event", [&](Row& r) {
        EventHead h = ReadEventHead(r);
        stored_id = h.id;
        stored_ts = h.timestamp;
      }));
    }
    if (stored_id != 0 && ev->timestamp <= stored_ts) {
      ev->id = stored_id;
      return ev->timestamp == stored_ts ? UpsertOutcome::kUnchanged : UpsertOutcome::kSkippedOlder;
    }
    // No savepoint inside the caller's transaction: its sub-journal would
    // copy every page the event touches, and the caller rolls back anyway.
    WriteScope scope(c_);
    SANAD_RETURN_IF_ERROR(scope.status());
    if (stored_id != 0) ev->id = stored_id;
    SANAD_RETURN_IF_ERROR(WriteEvent(ev, /*update=*/stored_id != 0));
    UpsertOutcome outcome = stored_id == 0 ? UpsertOutcome::kCreated : UpsertOutcome::kUpdated;
    SANAD_RETURN_IF_ERROR(StoreCarriedSightings(ev));
    SANAD_RETURN_IF_ERROR(BumpGeneration());
    SANAD_RETURN_IF_ERROR(scope.Finish());
    return outcome;
  }

  Status SoftDeleteEvent(int64_t event_id, model::Timestamp now) {
    WriteScope scope(c_);
    SANAD_RETURN_IF_ERROR(scope.status());
    {
      SANAD_USE(q, kSoftDeleteEvent);
      SANAD_RETURN_IF_ERROR(q.Bind(1, event_id).Bind(2, now).Exec("deleting event"));
      if (sqlite3_changes(db_) == 0) {
        return Status::NotFound("no event with id " + std::to_string(event_id));
      }
    }
    SANAD_RETURN_IF_ERROR(BumpGeneration());
    return scope.Finish();
  }

  Status StoreCarriedSightings(model::Event* ev) {
    auto store = [&](model::Attribute& a) -> Status {
      for (auto& s : a.sightings) {
        std::string what = "event " + ev->uuid + ": attribute " + a.uuid + ": sighting";
        s.attribute_id = a.id;
        s.attribute_uuid = a.uuid;
        int type = static_cast<int>(s.type);
        if (type < 0 || type > 2) {
          return Status::Invalid(what + ": type " + std::to_string(type) + " is not 0..2");
        }
        if (!s.uuid.empty()) {
          if (!util::IsUuid(s.uuid))
            return Status::Invalid(what + ": invalid uuid " + Quote(s.uuid));
          LowerInPlace(&s.uuid);
        } else {
          SANAD_USE(q, kSightingByNaturalKey);
          q.Bind(1, a.id)
              .Bind(2, s.date_sighting)
              .Bind(3, type)
              .BindId(4, s.org.id)
              .Bind(5, s.source);
          Status seen = ExpectRow(q, "finding sighting", "");
          if (seen.ok()) continue;
          if (seen.code() != Status::Code::kNotFound) return seen;
          s.uuid = util::NewUuid();
        }
        SANAD_USE(q, kInsertSightingIfNew);
        int rc = BindSighting(q, s).Step();
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
          return Status::Invalid(what + " " + s.uuid + ": unknown organisation id " +
                                 std::to_string(s.org.id));
        }
        if (rc != SQLITE_DONE) return SqlStatus(db_, rc, what + " " + s.uuid);
        if (sqlite3_changes(db_) > 0) s.id = sqlite3_last_insert_rowid(db_);
      }
      return Status::Ok();
    };
    for (auto& a : ev->attributes) SANAD_RETURN_IF_ERROR(store(a));
    for (auto& o : ev->objects) {
      for (auto& a : o.attributes) SANAD_RETURN_IF_ERROR(store(a));
    }
    return Status::Ok();
  }

  // ---- tags ----
  StatusOr<int64_t> TagId(const model::Tag& t, std::string_view what) {
    auto it = c_->tag_ids.find(t.name);
    if (it != c_->tag_ids.end()) return it->second;
    if (t.name.empty()) return Status::Invalid(std::string(what) + ": empty tag name");
    int64_t id = 0;
    bool fill_colour = false;
    {
      SANAD_USE(q, kFindTag);
      q.Bind(1, t.name);
      SANAD_RETURN_IF_ERROR(ForEachRow(q, "finding tag", [&](Row& r) {
        id = r.Int();
        bool stored_colourless = r.Text().empty();
        fill_colour = !t.colour.empty() && stored_colourless;
      }));
    }
    if (id == 0) {
      SANAD_USE(q, kInsertTag);
      SANAD_RETURN_IF_ERROR(q.Bind(1, t.name)
                                .Bind(2, t.colour)
                                .Bind(3, t.exportable)
                                .Exec("adding tag " + Quote(t.name)));
      id = sqlite3_last_insert_rowid(db_);
    } else if (fill_colour) {
      SANAD_USE(q, kSetTagColour);
      SANAD_RETURN_IF_ERROR(q.Bind(1, id).Bind(2, t.colour).Exec("updating tag colour"));
    }
    c_->tag_ids.emplace(t.name, id);
    return id;
  }

  // Inserts the tags of one item (duplicates by name dropped, first wins).
  Status InsertTags(const char* sql, int64_t owner_id, const std::vector<model::Tag>& tags,
                    std::string_view what) {
    int pos = 0;
    for (size_t i = 0; i < tags.size(); ++i) {
      bool dup = false;
      for (size_t j = 0; j < i && !dup; ++j) dup = tags[j].name == tags[i].name;
      if (dup) continue;
      auto id = TagId(tags[i], what);
      if (!id.ok()) return id.status();
      SANAD_USE(q, sql);
      int rc = q.Bind(1, owner_id).Bind(2, pos++).Bind(3, *id).Bind(4, tags[i].local).Step();
      if (rc != SQLITE_DONE) {
        return SqlStatus(db_, rc, std::string(what) + ": adding tag " + Quote(tags[i].name));
      }
    }
    return Status::Ok();
  }

  // ---- event writes ----
  void BindEvent(Query& q, const model::Event& ev) {
    q.BindAll(ev.id, ev.uuid, ev.info, ev.date, ev.threat_level_id, ev.analysis, ev.published,
              ev.publish_timestamp, ev.timestamp, static_cast<int>(ev.distribution),
              IdOrNull{ev.sharing_group.id}, ev.org.id, ev.orgc.id, ev.disable_correlation,
              ev.deleted, ev.extends_uuid, ev.extra_json);
  }

  Status EventWriteError(int rc, const model::Event& ev) {
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Status::Invalid("event " + ev.uuid + ": unknown org (" + std::to_string(ev.org.id) +
                             "), orgc (" + std::to_string(ev.orgc.id) + ") or sharing group (" +
                             std::to_string(ev.sharing_group.id) + ") id");
    }
    return SqlStatus(db_, rc, "writing event " + ev.uuid);
  }

  // Writes `ev` with its tags, attributes, objects and references: a new
  // event (ev->id is assigned), or an update of stored event ev->id whose
  // items are upserted.
  Status WriteEvent(model::Event* ev, bool update) {
    {
      SANAD_USE(q, update ? kUpdateEvent : kInsertEvent);
      BindEvent(q, *ev);
      int rc = q.Step();
      if (rc != SQLITE_DONE) return EventWriteError(rc, *ev);
      if (!update) ev->id = sqlite3_last_insert_rowid(db_);
    }
    if (update) {
      SANAD_USE(q, kDeleteEventTags);
      SANAD_RETURN_IF_ERROR(q.Bind(1, ev->id).Exec("replacing event tags"));
    }
    SANAD_RETURN_IF_ERROR(InsertTags(kInsertEventTag, ev->id, ev->tags, "event " + ev->uuid));
    auto attribute = [&](int64_t object_id, model::Attribute* a) {
      return update ? UpsertAttribute(*ev, object_id, a) : InsertAttribute(*ev, object_id, a);
    };
    for (auto& a : ev->attributes) SANAD_RETURN_IF_ERROR(attribute(0, &a));
    for (auto& o : ev->objects) {
      SANAD_RETURN_IF_ERROR(update ? UpsertObject(*ev, &o) : InsertObject(*ev, &o));
      for (auto& a : o.attributes) SANAD_RETURN_IF_ERROR(attribute(o.id, &a));
    }
    for (auto& o : ev->objects) {
      for (auto& r : o.references) {
        SANAD_RETURN_IF_ERROR(update ? UpsertReference(*ev, o.id, &r)
                                     : InsertReference(*ev, o.id, &r));
      }
    }
    return Status::Ok();
  }

  // The Conflict for `kind` `uuid` that the unique index refused. It never
  // names the event that holds the uuid: the caller may not be allowed to
  // see that event, and must not learn of it (docs/security.md).
  Status UuidConflict(const char* owner_sql, const char* kind, const std::string& uuid,
                      const model::Event& ev) {
    SANAD_USE(q, owner_sql);
    q.Bind(1, uuid);
    int64_t owner = 0;
    SANAD_RETURN_IF_ERROR(ForEachRow(q, "finding owner", [&](Row& r) {
      owner = r.Int();
      r.Skip();  // the event uuid
      return false;
    }));
    if (owner != 0 && owner == ev.id) {
      return Status::Conflict("event " + ev.uuid + ": " + kind + " uuid " + uuid +
                              " appears more than once");
    }
    return Status::Conflict("event " + ev.uuid + ": " + kind + " uuid " + uuid +
                            " is already in use on this node");
  }

  // Looks up (id, event_id, timestamp) of a stored item by uuid.
  struct Head {
    int64_t id = 0, event_id = 0;
    model::Timestamp timestamp = 0;
  };
  StatusOr<Head> FindHead(const char* sql, const std::string& uuid) {
    Head h;
    SANAD_USE(q, sql);
    q.Bind(1, uuid);
    SANAD_RETURN_IF_ERROR(ForEachRow(q, "finding by uuid", [&](Row& r) {
      h = Head{r.Int(), r.Int(), r.Int()};
      return false;
    }));
    return h;
  }

  // The statements and names of one kind of event item (attribute, object,
  // object reference).
  struct ItemKind {
    const char* name;    // in messages: "attribute", "object", "object reference"
    const char* insert;  // binds the item
    const char* update;  // binds the item and its id as ?id_param
    int id_param;
    const char* head;    // (id, event_id, timestamp) by uuid
    const char* owner;   // (event id, event uuid) by uuid
    bool has_sharing_group;  // a foreign key failure names the sharing group
  };
  static constexpr ItemKind kAttributeKind{"attribute", kInsertAttribute, kUpdateAttribute, 21,
                                           kAttributeHead, kAttributeOwner, true};
  static constexpr ItemKind kObjectKind{"object", kInsertObject, kUpdateObject, 16,
                                        kObjectHead, kObjectOwner, true};
  static constexpr ItemKind kReferenceKind{"object reference", kInsertReference, kUpdateReference,
                                           11, kReferenceHead, kReferenceOwner, false};

  Status ItemWriteError(int rc, const ItemKind& k, const model::Event& ev, const std::string& uuid,
                        int64_t sharing_group_id) {
    if (IsUniqueViolation(rc)) return UuidConflict(k.owner, k.name, uuid, ev);
    if (k.has_sharing_group && rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Status::Invalid("event " + ev.uuid + ": " + k.name + " " + uuid +
                             ": unknown sharing group id " + std::to_string(sharing_group_id));
    }
    return SqlStatus(db_, rc, "event " + ev.uuid + ": writing " + k.name + " " + uuid);
  }

  // Runs `sql` (k.insert, or k.update when `id` is set) with the item bound
  // by `bind(Query&)`.
  template <class Bind>
  Status WriteItem(const ItemKind& k, const model::Event& ev, const std::string& uuid,
                   int64_t sharing_group_id, int64_t id, Bind&& bind) {
    SANAD_USE(q, id ? k.update : k.insert);
    bind(q);
    if (id) q.Bind(k.id_param, id);
    int rc = q.Step();
    if (rc != SQLITE_DONE) return ItemWriteError(rc, k, ev, uuid, sharing_group_id);
    return Status::Ok();
  }

  // Inserts `item` of kind `k`; sets its id.
  template <class T, class Bind>
  Status InsertItem(const ItemKind& k, const model::Event& ev, T* item, int64_t sharing_group_id,
                    Bind&& bind) {
    SANAD_RETURN_IF_ERROR(WriteItem(k, ev, item->uuid, sharing_group_id, 0, bind));
    item->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  // Inserts `item` of kind `k` when its uuid is new, updates it when the
  // stored copy (of this event) is older, else leaves it; sets its id.
  // Conflict when another event holds the uuid.
  template <class T, class Bind>
  StatusOr<UpsertOutcome> UpsertItem(const ItemKind& k, const model::Event& ev, T* item,
                                     int64_t sharing_group_id, Bind&& bind) {
    auto h = FindHead(k.head, item->uuid);
    if (!h.ok()) return h.status();
    if (h->id == 0) {
      SANAD_RETURN_IF_ERROR(InsertItem(k, ev, item, sharing_group_id, bind));
      return UpsertOutcome::kCreated;
    }
    if (h->event_id != ev.id) return UuidConflict(k.owner, k.name, item->uuid, ev);
    item->id = h->id;
    if (item->timestamp <= h->timestamp) return UpsertOutcome::kUnchanged;
    SANAD_RETURN_IF_ERROR(WriteItem(k, ev, item->uuid, sharing_group_id, item->id, bind));
    return UpsertOutcome::kUpdated;
  }

  // Binds the columns attributes and objects share (comment, distribution,
  // sharing_group_id, timestamp, first_seen, last_seen) as ?first..?first+5.
  template <class Item>
  static Query& BindSharing(Query& q, int first, const Item& i) {
    return q.Bind(first, i.comment)
        .Bind(first + 1, static_cast<int>(i.distribution))
        .BindId(first + 2, i.sharing_group.id)
        .Bind(first + 3, i.timestamp)
        .Bind(first + 4, i.first_seen)
        .Bind(first + 5, i.last_seen);
  }

  // ?1 uuid, ?2 event_id, ?3 object_id, ..., ?20 extra_json.
  static void BindAttribute(Query& q, int64_t event_id, int64_t object_id,
                            const model::Attribute& a) {
    q.BindAll(a.uuid, event_id, IdOrNull{object_id}, a.object_relation, a.type, a.category, a.value,
              a.canonical, a.canonical1, a.canonical2, a.to_ids);
    BindSharing(q, 12, a).Bind(18, a.disable_correlation).Bind(19, a.deleted).Bind(20, a.extra_json);
  }

  Status CheckAttribute(const model::Event& ev, model::Attribute* a) {
    if (a->uuid.empty()) a->uuid = util::NewUuid();
    LowerInPlace(&a->uuid);
    if (a->type.empty()) {
      return Status::Invalid("event " + ev.uuid + ": attribute " + a->uuid + " has no type");
    }
    int d = static_cast<int>(a->distribution);
    if (d < 0 || d > 5 || (d == 4 && a->sharing_group.id == 0)) {
      return CheckDistribution(a->distribution, a->sharing_group.id, true,
                               "event " + ev.uuid + ": attribute " + a->uuid);
    }
    return Status::Ok();
  }

  Status InsertAttribute(const model::Event& ev, int64_t object_id, model::Attribute* a) {
    SANAD_RETURN_IF_ERROR(CheckAttribute(ev, a));
    SANAD_RETURN_IF_ERROR(InsertItem(kAttributeKind, ev, a, a->sharing_group.id,
                                     [&](Query& q) { BindAttribute(q, ev.id, object_id, *a); }));
    if (a->tags.empty()) return Status::Ok();
    return InsertTags(kInsertAttributeTag, a->id, a->tags, "attribute " + a->uuid);
  }

  Status UpsertAttribute(const model::Event& ev, int64_t object_id, model::Attribute* a) {
    SANAD_RETURN_IF_ERROR(CheckAttribute(ev, a));
    auto outcome = UpsertItem(kAttributeKind, ev, a, a->sharing_group.id,
                              [&](Query& q) { BindAttribute(q, ev.id, object_id, *a); });
    if (!outcome.ok()) return outcome.status();
    if (*outcome == UpsertOutcome::kUnchanged) return Status::Ok();
    if (*outcome == UpsertOutcome::kUpdated) {
      SANAD_USE(q, kDeleteAttributeTags);
      SANAD_RETURN_IF_ERROR(q.Bind(1, a->id).Exec("replacing attribute tags"));
    }
    return InsertTags(kInsertAttributeTag, a->id, a->tags, "attribute " + a->uuid);
  }

  // ?1 uuid, ?2 event_id, ..., ?15 extra_json.
  static void BindObject(Query& q, int64_t event_id, const model::Object& o) {
    q.BindAll(o.uuid, event_id, o.name, o.meta_category, o.description, o.template_uuid,
              o.template_version);
    BindSharing(q, 8, o).Bind(14, o.deleted).Bind(15, o.extra_json);
  }

  static Status CheckObject(const model::Event& ev, model::Object* o) {
    if (o->uuid.empty()) o->uuid = util::NewUuid();
    LowerInPlace(&o->uuid);
    return CheckDistribution(o->distribution, o->sharing_group.id, true,
                             "event " + ev.uuid + ": object " + o->uuid);
  }

  Status InsertObject(const model::Event& ev, model::Object* o) {
    SANAD_RETURN_IF_ERROR(CheckObject(ev, o));
    return InsertItem(kObjectKind, ev, o, o->sharing_group.id,
                      [&](Query& q) { BindObject(q, ev.id, *o); });
  }

  Status UpsertObject(const model::Event& ev, model::Object* o) {
    SANAD_RETURN_IF_ERROR(CheckObject(ev, o));
    return UpsertItem(kObjectKind, ev, o, o->sharing_group.id,
                      [&](Query& q) { BindObject(q, ev.id, *o); })
        .status();
  }

  // ?1 uuid, ?2 object_id, ?3 event_id, ..., ?10 extra_json.
  static void BindReference(Query& q, int64_t event_id, int64_t object_id,
                            const model::ObjectReference& r) {
    q.BindAll(r.uuid, object_id, event_id, r.referenced_uuid, r.referenced_type,
              r.relationship_type, r.comment, r.timestamp, r.deleted, r.extra_json);
  }

  static void CheckReference(model::ObjectReference* r) {
    if (r->uuid.empty()) r->uuid = util::NewUuid();
    LowerInPlace(&r->uuid);
    LowerInPlace(&r->referenced_uuid);
  }

  Status InsertReference(const model::Event& ev, int64_t object_id, model::ObjectReference* r) {
    CheckReference(r);
    return InsertItem(kReferenceKind, ev, r, 0,
                      [&](Query& q) { BindReference(q, ev.id, object_id, *r); });
  }

  Status UpsertReference(const model::Event& ev, int64_t object_id, model::ObjectReference* r) {
    CheckReference(r);
    return UpsertItem(kReferenceKind, ev, r, 0,
                      [&](Query& q) { BindReference(q, ev.id, object_id, *r); })
        .status();
  }
};

}  // namespace

StatusOr<EventHead> FindEventHead(Conn* c, std::string_view uuid) {
  return EventWriter(c).FindEventHead(uuid);
}
StatusOr<UpsertOutcome> UpsertEvent(Conn* c, model::Event* ev) {
  return EventWriter(c).UpsertEvent(ev);
}
Status SoftDeleteEvent(Conn* c, int64_t event_id, model::Timestamp now) {
  return EventWriter(c).SoftDeleteEvent(event_id, now);
}

}  // namespace sanad::store::internal
