// Reading MISP core JSON: the document, event, attribute, object and object
// reference parsers, and the public entry points (see misp.h; the reader's
// machinery is described in misp_reader.h).
#include "formats/misp.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <iterator>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/misp_reader.h"
#include "model/canon.h"
#include "model/types.h"
#include "util/util.h"

namespace sanad::formats {
namespace internal {
namespace {

bool LooksLikeEvent(const bj::object& o) {
  static constexpr std::string_view kKeys[] = {"info", "Attribute", "Object", "threat_level_id",
                                               "analysis"};
  for (auto k : kKeys)
    if (o.contains(bj::string_view(k.data(), k.size()))) return true;
  return false;
}

// Fields of each item kind that are instance-local ids or derived data.
bool IsIgnoredEventKey(std::string_view k) {
  return k == "id" || k == "org_id" || k == "orgc_id" || k == "user_id" || k == "attribute_count" ||
         k == "RelatedEvent" || k == "Feed" || k == "Server";
}
bool IsIgnoredAttributeKey(std::string_view k) {
  return k == "id" || k == "event_id" || k == "object_id" || k == "RelatedAttribute" ||
         k == "Feed" || k == "Server";
}
bool IsIgnoredObjectKey(std::string_view k) { return k == "id" || k == "event_id"; }
bool IsIgnoredReferenceKey(std::string_view k) {
  return k == "id" || k == "event_id" || k == "object_id" || k == "referenced_id" ||
         k == "Attribute" || k == "Object";
}

// ---- fields absent from a document ------------------------------------------

// One optional field: its key and its bit in model::field. `null_absent`: a
// JSON null reads as absent (the parser skips it) rather than as "clear".
struct KeyBit {
  std::string_view key;
  model::FieldSet bit;
  bool null_absent;
};

// The bits of `keys` that `o` does not give.
model::FieldSet AbsentOf(const bj::object& o, std::initializer_list<KeyBit> keys) {
  model::FieldSet out = 0;
  for (const auto& k : keys) {
    const bj::value* v = o.if_contains(k.key);
    if (!v || (k.null_absent && v->is_null())) out |= k.bit;
  }
  return out;
}

}  // namespace

// ---- the keys of an item ----------------------------------------------------

template <class Own>
Status Reader::Fields(const bj::object& o, Scope* sc, bool (*ignored)(std::string_view),
                      bj::object* extra, const Own& own) {
  for (const auto& kv : o) {
    std::string_view k = Sv(kv.key());
    const bj::value& f = kv.value();
    if (k == "uuid") continue;  // read by OwnUuid before the loop
    bool handled = true;
    SANAD_RETURN_IF_ERROR(own(k, f, &handled));
    if (handled) continue;
    if (ignored(k)) {
      NoteIgnored(sc, k);
    } else {
      Preserve(sc, k, f, extra);
    }
  }
  return Status::Ok();
}

// ---- document level ---------------------------------------------------------

Status Reader::Document(const bj::value& root, std::vector<model::Event>* out) {
  if (root.is_object()) {
    const bj::object& o = root.get_object();
    if (const bj::value* e = o.if_contains("Event")) {
      Scope* top = RootScope("$");
      for (const auto& kv : o)
        if (Sv(kv.key()) != "Event") NoteIgnored(top, Sv(kv.key()));
      model::Event ev;
      {
        Push p(this, "Event");
        SANAD_RETURN_IF_ERROR(EventAt(*e, "$.Event", &ev));
      }
      out->push_back(std::move(ev));
      return Status::Ok();
    }
    if (const bj::value* r = o.if_contains("response")) {
      Scope* top = RootScope("$");
      for (const auto& kv : o)
        if (Sv(kv.key()) != "response") NoteIgnored(top, Sv(kv.key()));
      if (!r->is_array())
        return InvalidAt("response",
                         std::string("expected an array of events, got ") + KindName(*r));
      Push p(this, "response");
      const bj::array& a = r->get_array();
      for (size_t i = 0; i < a.size(); ++i) {
        Push pi(this, i);
        SANAD_RETURN_IF_ERROR(EventElement(a[i], "$.response[]", out));
      }
      return Status::Ok();
    }
    if (LooksLikeEvent(o)) {
      model::Event ev;
      SANAD_RETURN_IF_ERROR(EventAt(root, "$", &ev));
      out->push_back(std::move(ev));
      return Status::Ok();
    }
    return Invalid(
        "not a MISP event: expected {\"Event\": {...}}, {\"response\": [...]}, an event object "
        "(with \"info\", \"Attribute\" or \"Object\") or an array of events");
  }
  if (root.is_array()) {
    const bj::array& a = root.get_array();
    for (size_t i = 0; i < a.size(); ++i) {
      Push pi(this, i);
      SANAD_RETURN_IF_ERROR(EventElement(a[i], "$[]", out));
    }
    return Status::Ok();
  }
  return Invalid(std::string("not a MISP event: expected an object or an array, got ") +
                 KindName(root));
}

Status Reader::EventElement(const bj::value& v, std::string_view prefix_pattern,
                            std::vector<model::Event>* out) {
  if (!v.is_object()) return Invalid(std::string("expected an event object, got ") + KindName(v));
  const bj::object& o = v.get_object();
  model::Event ev;
  if (const bj::value* e = o.if_contains("Event")) {
    Scope* top = RootScope(prefix_pattern);
    for (const auto& kv : o)
      if (Sv(kv.key()) != "Event") NoteIgnored(top, Sv(kv.key()));
    Push p(this, "Event");
    SANAD_RETURN_IF_ERROR(EventAt(*e, std::string(prefix_pattern) + ".Event", &ev));
  } else if (LooksLikeEvent(o)) {
    SANAD_RETURN_IF_ERROR(EventAt(v, prefix_pattern, &ev));
  } else {
    return Invalid(
        "not a MISP event: expected {\"Event\": {...}} or an event object (with \"info\", "
        "\"Attribute\" or \"Object\")");
  }
  out->push_back(std::move(ev));
  return Status::Ok();
}

// ---- event ------------------------------------------------------------------

Status Reader::EventAt(const bj::value& v, std::string_view root_pattern, model::Event* ev) {
  if (!v.is_object()) return Invalid(std::string("expected an event object, got ") + KindName(v));
  const bj::object& o = v.get_object();
  Scope* sc = RootScope(root_pattern);
  attr_count_ = 0;
  // The event's own required fields are reported before any problem inside it.
  SANAD_RETURN_IF_ERROR(OwnUuid(o, &ev->uuid));
  if (!o.contains("info")) return Missing("info");
  bool has_info = false, has_date = false;
  int dist = kDistAbsent;
  const bj::value* sg = nullptr;
  const bj::value* sg_id = nullptr;
  bj::object extra;
  auto own = [&](std::string_view k, const bj::value& f, bool* handled) -> Status {
    if (k == "info") {
      if (f.is_null()) return Status::Ok();
      SANAD_RETURN_IF_ERROR(Str(k, f, &ev->info));
      has_info = true;
    } else if (k == "date") {
      if (f.is_null()) return Status::Ok();
      SANAD_RETURN_IF_ERROR(Str(k, f, &ev->date, 64));
      int64_t t;
      if (ev->date.size() != 10 || !util::ParseIso8601(ev->date, &t) ||
          util::FormatDate(t) != ev->date)
        return InvalidAt(k, "not a YYYY-MM-DD date: " + Quote(ev->date));
      has_date = true;
    } else if (k == "threat_level_id") {
      int64_t n = ev->threat_level_id;
      SANAD_RETURN_IF_ERROR(Int(k, f, 1, 4, &n));
      ev->threat_level_id = static_cast<int>(n);
    } else if (k == "analysis") {
      int64_t n = ev->analysis;
      SANAD_RETURN_IF_ERROR(Int(k, f, 0, 2, &n));
      ev->analysis = static_cast<int>(n);
    } else if (k == "published") {
      SANAD_RETURN_IF_ERROR(Bool(k, f, &ev->published));
    } else if (k == "publish_timestamp") {
      SANAD_RETURN_IF_ERROR(Ts(k, f, &ev->publish_timestamp));
    } else if (k == "timestamp") {
      SANAD_RETURN_IF_ERROR(Ts(k, f, &ev->timestamp));
    } else if (k == "distribution") {
      SANAD_RETURN_IF_ERROR(Dist(k, f, true, &dist));
    } else if (k == "sharing_group_id") {
      sg_id = &f;
    } else if (k == "SharingGroup") {
      sg = &f;
    } else if (k == "Orgc") {
      SANAD_RETURN_IF_ERROR(OrgRef(k, f, sc, &ev->orgc));
    } else if (k == "Org") {
      SANAD_RETURN_IF_ERROR(OrgRef(k, f, sc, &ev->org));
    } else if (k == "disable_correlation") {
      SANAD_RETURN_IF_ERROR(Bool(k, f, &ev->disable_correlation));
    } else if (k == "deleted") {
      SANAD_RETURN_IF_ERROR(Bool(k, f, &ev->deleted));
    } else if (k == "extends_uuid") {
      if (f.is_null() || (f.is_string() && f.get_string().empty())) {
        ev->extends_uuid.clear();
      } else {
        SANAD_RETURN_IF_ERROR(Uuid(k, f, &ev->extends_uuid));
      }
    } else if (k == "Tag") {
      Push p(this, k);
      SANAD_RETURN_IF_ERROR(Tags(f, sc, &ev->tags));
    } else if (k == "Attribute") {
      Push p(this, k);
      SANAD_RETURN_IF_ERROR(Attributes(f, sc, false, &ev->attributes));
    } else if (k == "Object") {
      Push p(this, k);
      SANAD_RETURN_IF_ERROR(Objects(f, sc, &ev->objects));
    } else {
      *handled = false;
    }
    return Status::Ok();
  };
  SANAD_RETURN_IF_ERROR(Fields(o, sc, IsIgnoredEventKey, &extra, own));
  if (!has_info) return Missing("info");
  if (ev->info.empty()) return InvalidAt("info", "must not be empty");
  if (!has_date) ev->date = util::FormatDate(ev->timestamp > 0 ? ev->timestamp : util::Now());
  namespace f = model::field;
  ev->absent = AbsentOf(o, {{"threat_level_id", f::kThreatLevel, true},
                            {"analysis", f::kAnalysis, true},
                            {"published", f::kPublished, true},
                            {"publish_timestamp", f::kPublishTimestamp, true},
                            {"disable_correlation", f::kDisableCorrelation, true},
                            {"deleted", f::kDeleted, true},
                            {"extends_uuid", f::kExtendsUuid, false},
                            {"Orgc", f::kOrgc, true},
                            {"Tag", f::kTags, true}});
  if (!has_date) ev->absent |= f::kDate;
  if (extra.empty()) ev->absent |= f::kExtra;
  // No distribution: organisation only until the importer applies the
  // community default (new event) or the stored level (update).
  if (dist == kDistAbsent) {
    ev->absent |= f::kDistribution;
    dist = static_cast<int>(model::Distribution::kOrganisation);
  }
  SANAD_RETURN_IF_ERROR(SharingGroupFor(sc, dist, sg, sg_id, &ev->sharing_group));
  ev->distribution = static_cast<model::Distribution>(dist);
  if (!extra.empty()) ev->extra_json = bj::serialize(extra);
  return Status::Ok();
}

// ---- fields attributes and objects share ------------------------------------

template <class Item, class Own>
Status Reader::ItemFields(const bj::value& v, const char* what, Scope* sc,
                          bool (*ignored)(std::string_view), Item* item, SharedFields* s,
                          const Own& own) {
  if (!v.is_object()) return Invalid(std::string("expected ") + what + ", got " + KindName(v));
  const bj::object& o = v.get_object();
  SANAD_RETURN_IF_ERROR(OwnUuid(o, &item->uuid));
  auto shared = [&](std::string_view k, const bj::value& f, bool* handled) -> Status {
    if (k == "comment") return Str(k, f, &item->comment);
    if (k == "distribution") return Dist(k, f, false, &s->dist);
    if (k == "sharing_group_id") {
      s->sg_id = &f;
      return Status::Ok();
    }
    if (k == "SharingGroup") {
      s->sg = &f;
      return Status::Ok();
    }
    if (k == "timestamp") return Ts(k, f, &item->timestamp);
    if (k == "first_seen") return Iso(k, f, &item->first_seen);
    if (k == "last_seen") return Iso(k, f, &item->last_seen);
    if (k == "deleted") return Bool(k, f, &item->deleted);
    return own(k, f, handled);
  };
  return Fields(o, sc, ignored, &s->extra, shared);
}

template <class Item>
Status Reader::FinishShared(const bj::object& o, Scope* sc, SharedFields* s, Item* item) {
  namespace f = model::field;
  item->absent |= AbsentOf(o, {{"comment", f::kComment, true},
                               {"first_seen", f::kFirstSeen, false},
                               {"last_seen", f::kLastSeen, false},
                               {"deleted", f::kDeleted, true}});
  if (s->extra.empty()) item->absent |= f::kExtra;
  int dist = s->dist;
  if (dist == kDistAbsent) {
    item->absent |= f::kDistribution;
    dist = static_cast<int>(model::Distribution::kInherit);
  }
  SANAD_RETURN_IF_ERROR(SharingGroupFor(sc, dist, s->sg, s->sg_id, &item->sharing_group));
  item->distribution = static_cast<model::Distribution>(dist);
  if (!s->extra.empty()) item->extra_json = bj::serialize(s->extra);
  return Status::Ok();
}

// ---- attributes -------------------------------------------------------------

Status Reader::Attributes(const bj::value& v, Scope* parent, bool in_object,
                          std::vector<model::Attribute>* out) {
  if (v.is_null()) return Status::Ok();
  if (!v.is_array())
    return Invalid(std::string("expected an array of attributes, got ") + KindName(v));
  const bj::array& a = v.get_array();
  if (attr_count_ + a.size() > kMaxAttributesPerEvent) {
    Push p(this, kMaxAttributesPerEvent - attr_count_);
    return Status::Limit(Where() + ": more than " + std::to_string(kMaxAttributesPerEvent) +
                         " attributes in one event");
  }
  attr_count_ += a.size();
  Scope* sc = parent->Child("Attribute", true);
  out->reserve(out->size() + a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    Push p(this, i);
    out->emplace_back();
    Status st = AttributeAt(a[i], sc, in_object, &out->back());
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Status Reader::AttributeAt(const bj::value& v, Scope* sc, bool in_object, model::Attribute* a) {
  bool has_category = false, has_to_ids = false;
  const bj::value* value = nullptr;
  const bj::value* sightings = nullptr;
  SharedFields shared;
  auto own = [&](std::string_view k, const bj::value& f, bool* handled) -> Status {
    if (k == "type") return Str(k, f, &a->type, 256);
    if (k == "category") {
      if (f.is_null()) return Status::Ok();
      has_category = true;
      return Str(k, f, &a->category, 256);
    }
    if (k == "value") {
      value = &f;
      return Status::Ok();
    }
    if (k == "to_ids") {
      if (f.is_null()) return Status::Ok();
      has_to_ids = true;
      return Bool(k, f, &a->to_ids);
    }
    if (k == "disable_correlation") return Bool(k, f, &a->disable_correlation);
    if (k == "object_relation") return Str(k, f, &a->object_relation, 256);
    if (k == "Tag") {
      Push p(this, k);
      return Tags(f, sc, &a->tags);
    }
    if (k == "Sighting") {
      sightings = &f;  // needs the uuid
      return Status::Ok();
    }
    *handled = false;
    return Status::Ok();
  };
  SANAD_RETURN_IF_ERROR(
      ItemFields(v, "an attribute object", sc, IsIgnoredAttributeKey, a, &shared, own));
  const bj::object& o = v.get_object();
  if (a->type.empty()) return Missing("type");
  if (!value) return Missing("value");
  if (in_object && a->object_relation.empty()) return Missing("object_relation");
  const model::TypeInfo* ti = model::FindType(a->type);
  // value
  if (value->is_string()) {
    const bj::string& s = value->get_string();
    if (s.size() > model::kMaxValueBytes)
      return LimitAt("value", "is " + std::to_string(s.size()) + " bytes, more than the limit of " +
                                  std::to_string(model::kMaxValueBytes) + " bytes");
    a->value.assign(s.data(), s.size());
  } else if (value->is_int64()) {
    a->value = std::to_string(value->get_int64());
  } else if (value->is_uint64()) {
    a->value = std::to_string(value->get_uint64());
  } else {
    return TypeError("value", "a string", *value);
  }
  if (a->value.empty()) return InvalidAt("value", "must not be empty");
  model::CanonicalValue cv;
  Status st = model::Canonicalise(a->type, a->value, &cv);
  if (!st.ok()) return st.WithContext(Where("value"));
  a->canonical = std::move(cv.value);
  a->canonical1 = std::move(cv.part1);
  a->canonical2 = std::move(cv.part2);
  // category
  if (!has_category) {
    a->category = ti ? std::string(ti->default_category) : std::string("Other");
  } else if (!model::IsCategory(a->category)) {
    return InvalidAt("category", "not a MISP category: " + Quote(a->category));
  } else if (ti && !model::CategoryAllowsType(a->category, a->type)) {
    Warn("category", "MISP does not allow type " + Quote(a->type) + " in category " +
                         Quote(a->category) + " (kept)");
  }
  if (!has_to_ids) a->to_ids = ti ? ti->to_ids_default : false;
  namespace f = model::field;
  a->absent = AbsentOf(o, {{"disable_correlation", f::kDisableCorrelation, true},
                           {"object_relation", f::kObjectRelation, true},
                           {"Tag", f::kTags, true}});
  if (!has_category) a->absent |= f::kCategory;
  if (!has_to_ids) a->absent |= f::kToIds;
  SANAD_RETURN_IF_ERROR(FinishShared(o, sc, &shared, a));
  if (sightings) SANAD_RETURN_IF_ERROR(Sightings(*sightings, sc, a->uuid, &a->sightings));
  return Status::Ok();
}

// ---- objects ----------------------------------------------------------------

Status Reader::Objects(const bj::value& v, Scope* parent, std::vector<model::Object>* out) {
  if (v.is_null()) return Status::Ok();
  if (!v.is_array())
    return Invalid(std::string("expected an array of objects, got ") + KindName(v));
  const bj::array& a = v.get_array();
  Scope* sc = parent->Child("Object", true);
  out->reserve(out->size() + a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    Push p(this, i);
    out->emplace_back();
    Status st = ObjectAt(a[i], sc, &out->back());
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Status Reader::ObjectAt(const bj::value& v, Scope* sc, model::Object* ob) {
  bool has_name = false;
  const bj::value* refs = nullptr;
  SharedFields shared;
  auto own = [&](std::string_view k, const bj::value& f, bool* handled) -> Status {
    if (k == "name") {
      has_name = !f.is_null();
      return Str(k, f, &ob->name, 256);
    }
    if (k == "meta-category") return Str(k, f, &ob->meta_category, 256);
    if (k == "description") return Str(k, f, &ob->description);
    if (k == "template_uuid") return Str(k, f, &ob->template_uuid, 256);
    if (k == "template_version") {
      if (f.is_int64()) {
        ob->template_version = std::to_string(f.get_int64());
      } else if (f.is_uint64()) {
        ob->template_version = std::to_string(f.get_uint64());
      } else {
        return Str(k, f, &ob->template_version, 256);
      }
      return Status::Ok();
    }
    if (k == "Attribute") {
      Push p(this, k);
      return Attributes(f, sc, true, &ob->attributes);
    }
    if (k == "ObjectReference") {
      refs = &f;
      return Status::Ok();
    }
    *handled = false;
    return Status::Ok();
  };
  SANAD_RETURN_IF_ERROR(ItemFields(v, "an object", sc, IsIgnoredObjectKey, ob, &shared, own));
  const bj::object& o = v.get_object();
  if (!has_name) return Missing("name");
  if (ob->name.empty()) return InvalidAt("name", "must not be empty");
  namespace f = model::field;
  ob->absent = AbsentOf(o, {{"meta-category", f::kMetaCategory, true},
                            {"description", f::kDescription, true},
                            {"template_uuid", f::kTemplateUuid, true},
                            {"template_version", f::kTemplateVersion, true}});
  SANAD_RETURN_IF_ERROR(FinishShared(o, sc, &shared, ob));
  if (refs && !refs->is_null()) {
    if (!refs->is_array())
      return InvalidAt(
          "ObjectReference",
          std::string("expected an array of object references, got ") + KindName(*refs));
    const bj::array& ra = refs->get_array();
    Scope* rsc = sc->Child("ObjectReference", true);
    Push p(this, "ObjectReference");
    ob->references.reserve(ra.size());
    for (size_t i = 0; i < ra.size(); ++i) {
      Push pi(this, i);
      ob->references.emplace_back();
      SANAD_RETURN_IF_ERROR(ReferenceAt(ra[i], rsc, ob->uuid, &ob->references.back()));
    }
  }
  return Status::Ok();
}

Status Reader::ReferenceAt(const bj::value& v, Scope* sc, const std::string& object_uuid,
                           model::ObjectReference* r) {
  if (!v.is_object())
    return Invalid(std::string("expected an object reference, got ") + KindName(v));
  const bj::object& o = v.get_object();
  SANAD_RETURN_IF_ERROR(OwnUuid(o, &r->uuid));
  bool has_ref = false, has_rel = false;
  bj::object extra;
  auto own = [&](std::string_view k, const bj::value& f, bool* handled) -> Status {
    if (k == "referenced_uuid") {
      SANAD_RETURN_IF_ERROR(Uuid(k, f, &r->referenced_uuid));
      has_ref = true;
    } else if (k == "object_uuid") {
      if (f.is_null()) return Status::Ok();
      std::string ou;
      SANAD_RETURN_IF_ERROR(Uuid(k, f, &ou));
      if (ou != object_uuid)
        return InvalidAt(k, "is " + ou + ", not the containing object's uuid " + object_uuid);
    } else if (k == "referenced_type") {
      if (f.is_null()) return Status::Ok();
      if ((f.is_int64() && f.get_int64() == 0) || (f.is_string() && Sv(f.get_string()) == "0") ||
          (f.is_string() && Sv(f.get_string()) == "Attribute")) {
        r->referenced_type = "Attribute";
      } else if ((f.is_int64() && f.get_int64() == 1) ||
                 (f.is_string() && Sv(f.get_string()) == "1") ||
                 (f.is_string() && Sv(f.get_string()) == "Object")) {
        r->referenced_type = "Object";
      } else if (f.is_string() && f.get_string().empty()) {
        r->referenced_type.clear();
      } else {
        return InvalidAt(k, "expected 0 or \"Attribute\", 1 or \"Object\", got " + Describe(f));
      }
    } else if (k == "relationship_type") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &r->relationship_type, 256));
      has_rel = !f.is_null();
    } else if (k == "comment") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &r->comment));
    } else if (k == "timestamp") {
      SANAD_RETURN_IF_ERROR(Ts(k, f, &r->timestamp));
    } else if (k == "deleted") {
      SANAD_RETURN_IF_ERROR(Bool(k, f, &r->deleted));
    } else {
      *handled = false;
    }
    return Status::Ok();
  };
  SANAD_RETURN_IF_ERROR(Fields(o, sc, IsIgnoredReferenceKey, &extra, own));
  if (!has_ref) return Missing("referenced_uuid");
  if (!has_rel) return Missing("relationship_type");
  if (r->relationship_type.empty()) return InvalidAt("relationship_type", "must not be empty");
  if (!extra.empty()) r->extra_json = bj::serialize(extra);
  return Status::Ok();
}
}  // namespace internal

namespace bj = boost::json;

namespace {

// Checks the size of `json`, parses it and calls read(reader, root).
// Exceptions (out of memory, ...) become a Status that names `source` and
// `what` is being read.
template <class Read>
Status ReadJson(std::string_view json, std::string_view source, ParseNotes* notes, const char* what,
                const Read& read) {
  try {
    SANAD_RETURN_IF_ERROR(internal::CheckSize(json, source));
    bj::monotonic_resource mr(std::min<size_t>(json.size() + 1024, size_t{64} << 20));
    std::optional<bj::value> parsed;
    SANAD_RETURN_IF_ERROR(internal::ParseJson(json, source, &mr, &parsed));
    internal::Reader r(source, notes);
    Status st = read(r, *parsed);
    r.FlushWarnings();
    return st;
  } catch (const std::bad_alloc&) {
    return Status::Limit(std::string(source) + ": out of memory while reading the " + what);
  } catch (const std::exception& e) {
    return Status::Internal(std::string(source) + ": unexpected error: " + e.what());
  }
}

}  // namespace

Status ParseMispDocument(std::string_view json, std::string_view source,
                         std::vector<model::Event>* out, ParseNotes* notes) {
  return ReadJson(json, source, notes, "document",
                  [&](internal::Reader& r, const bj::value& root) -> Status {
                    std::vector<model::Event> events;
                    SANAD_RETURN_IF_ERROR(r.Document(root, &events));
                    if (out->empty()) {
                      *out = std::move(events);
                    } else {
                      out->insert(out->end(), std::make_move_iterator(events.begin()),
                                  std::make_move_iterator(events.end()));
                    }
                    return Status::Ok();
                  });
}

Status ParseMispEventJson(std::string_view json, std::string_view source, model::Event* out,
                          ParseNotes* notes) {
  return ReadJson(
      json, source, notes, "event", [&](internal::Reader& r, const bj::value& root) -> Status {
        model::Event ev;
        if (root.is_object() && root.get_object().size() == 1 &&
            root.get_object().contains("Event")) {
          r.SetRoot("$.Event");
          SANAD_RETURN_IF_ERROR(r.EventAt(root.get_object().at("Event"), "$.Event", &ev));
        } else {
          SANAD_RETURN_IF_ERROR(r.EventAt(root, "$", &ev));
        }
        *out = std::move(ev);
        return Status::Ok();
      });
}

}  // namespace sanad::formats
