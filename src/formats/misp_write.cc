// Writing MISP core JSON (see misp.h). Events are written front to back with
// util::JsonWriter; MISP's conventions (numbers as strings, which keys appear
// when) are applied here, and each item's unmodelled fields (extra_json)
// follow its modelled keys.
#include "formats/misp.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "formats/misp_internal.h"
#include "util/json_writer.h"

namespace sanad::formats {
namespace {

namespace bj = boost::json;
using internal::kMaxJsonDepth;
using internal::Sv;

// MISP writes numbers as strings: "distribution": "4".
void FieldNum(util::JsonWriter* w, std::string_view k, int64_t v) {
  w->Field(k, std::to_string(v));
}

// Writes a parsed JSON value (an item's unmodelled field), keys in stored order.
void WriteValue(util::JsonWriter* w, const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::object:
      w->BeginObject();
      for (const auto& kv : v.get_object()) {
        w->Key(Sv(kv.key()));
        WriteValue(w, kv.value());
      }
      w->EndObject();
      break;
    case bj::kind::array:
      w->BeginArray();
      for (const auto& e : v.get_array()) WriteValue(w, e);
      w->EndArray();
      break;
    case bj::kind::string:
      w->String(Sv(v.get_string()));
      break;
    default:
      w->Raw(bj::serialize(v));
  }
}

// Writes the keys of `extra_json` that are not in `reserved`.
void MergeExtra(util::JsonWriter* w, const std::string& extra_json,
                std::initializer_list<std::string_view> reserved) {
  if (extra_json.empty()) return;
  bj::error_code ec;
  bj::parse_options po;
  po.max_depth = kMaxJsonDepth;
  bj::monotonic_resource mr;
  bj::value v = bj::parse(extra_json, ec, &mr, po);
  if (ec || !v.is_object()) return;
  for (const auto& kv : v.get_object()) {
    std::string_view k = Sv(kv.key());
    if (std::find(reserved.begin(), reserved.end(), k) != reserved.end()) continue;
    w->Key(k);
    WriteValue(w, kv.value());
  }
}

void WriteOrg(util::JsonWriter* w, std::string_view key, const model::OrgRef& org) {
  if (org.uuid.empty() && org.name.empty()) return;
  w->Key(key);
  w->BeginObject();
  if (!org.uuid.empty()) w->Field("uuid", org.uuid);
  w->Field("name", org.name);
  w->EndObject();
}

void WriteSharingGroup(util::JsonWriter* w, const model::SharingGroupRef& ref,
                       const MispWriteOptions& opts) {
  FieldNum(w, "sharing_group_id", ref.id);
  w->Key("SharingGroup");
  w->BeginObject();
  const model::SharingGroup* def = nullptr;
  if (opts.sharing_groups)
    for (const auto& g : *opts.sharing_groups)
      if (g.uuid == ref.uuid) def = &g;
  w->Field("uuid", ref.uuid);
  w->Field("name", def && ref.name.empty() ? def->name : ref.name);
  w->Field("releasability", def ? def->releasability : std::string());
  if (def) {
    w->Field("description", def->description);
    WriteOrg(w, "Organisation", def->owner);
    w->Key("SharingGroupOrg");
    w->BeginArray();
    for (const auto& m : def->members) {
      if (m.uuid.empty()) continue;
      w->BeginObject();
      WriteOrg(w, "Organisation", m);
      w->EndObject();
    }
    w->EndArray();
  }
  w->EndObject();
}

// comment, distribution, sharing group and timestamp of an attribute or object.
template <class Item>
void WriteShared(util::JsonWriter* w, const Item& it, const MispWriteOptions& opts) {
  w->Field("comment", it.comment);
  FieldNum(w, "distribution", static_cast<int>(it.distribution));
  if (it.distribution == model::Distribution::kSharingGroup)
    WriteSharingGroup(w, it.sharing_group, opts);
  FieldNum(w, "timestamp", it.timestamp);
}

// first_seen and last_seen of an attribute or object, when set.
template <class Item>
void WriteSeen(util::JsonWriter* w, const Item& it) {
  if (it.first_seen) w->Field("first_seen", *it.first_seen);
  if (it.last_seen) w->Field("last_seen", *it.last_seen);
}

void WriteTags(util::JsonWriter* w, const std::vector<model::Tag>& tags) {
  if (tags.empty()) return;
  w->Key("Tag");
  w->BeginArray();
  for (const auto& t : tags) {
    w->BeginObject();
    w->Field("name", t.name);
    if (!t.colour.empty()) w->Field("colour", t.colour);
    w->FieldBool("exportable", t.exportable);
    if (t.local) w->FieldBool("local", true);
    w->EndObject();
  }
  w->EndArray();
}

void WriteAttribute(util::JsonWriter* w, const model::Attribute& a, const MispWriteOptions& opts) {
  w->BeginObject();
  w->Field("uuid", a.uuid);
  w->Field("type", a.type);
  w->Field("category", a.category);
  w->Field("value", a.value);
  w->FieldBool("to_ids", a.to_ids);
  WriteShared(w, a, opts);
  w->FieldBool("disable_correlation", a.disable_correlation);
  w->FieldBool("deleted", a.deleted);
  if (!a.object_relation.empty()) w->Field("object_relation", a.object_relation);
  WriteSeen(w, a);
  WriteTags(w, a.tags);
  if (opts.include_sightings && !a.sightings.empty()) {
    w->Key("Sighting");
    w->BeginArray();
    for (const auto& s : a.sightings) {
      w->BeginObject();
      if (!s.uuid.empty()) w->Field("uuid", s.uuid);
      FieldNum(w, "type", static_cast<int>(s.type));
      FieldNum(w, "date_sighting", s.date_sighting);
      w->Field("source", s.source);
      WriteOrg(w, "Organisation", s.org);
      w->EndObject();
    }
    w->EndArray();
  }
  MergeExtra(w, a.extra_json,
             {"uuid",
              "type",
              "category",
              "value",
              "to_ids",
              "comment",
              "distribution",
              "sharing_group_id",
              "SharingGroup",
              "timestamp",
              "disable_correlation",
              "deleted",
              "object_relation",
              "first_seen",
              "last_seen",
              "Tag",
              "Sighting",
              "id",
              "event_id",
              "object_id"});
  w->EndObject();
}

void WriteObject(util::JsonWriter* w, const model::Object& o, const MispWriteOptions& opts) {
  w->BeginObject();
  w->Field("uuid", o.uuid);
  w->Field("name", o.name);
  w->Field("meta-category", o.meta_category);
  w->Field("description", o.description);
  w->Field("template_uuid", o.template_uuid);
  w->Field("template_version", o.template_version);
  WriteShared(w, o, opts);
  w->FieldBool("deleted", o.deleted);
  WriteSeen(w, o);
  w->Key("Attribute");
  w->BeginArray();
  for (const auto& a : o.attributes) WriteAttribute(w, a, opts);
  w->EndArray();
  w->Key("ObjectReference");
  w->BeginArray();
  for (const auto& r : o.references) {
    w->BeginObject();
    w->Field("uuid", r.uuid);
    w->Field("object_uuid", o.uuid);
    w->Field("referenced_uuid", r.referenced_uuid);
    if (r.referenced_type == "Attribute") {
      w->Field("referenced_type", "0");
    } else if (r.referenced_type == "Object") {
      w->Field("referenced_type", "1");
    }
    w->Field("relationship_type", r.relationship_type);
    w->Field("comment", r.comment);
    FieldNum(w, "timestamp", r.timestamp);
    w->FieldBool("deleted", r.deleted);
    MergeExtra(w, r.extra_json,
               {"uuid", "object_uuid", "referenced_uuid", "referenced_type", "relationship_type",
                "comment", "timestamp", "deleted", "id", "event_id", "object_id", "referenced_id"});
    w->EndObject();
  }
  w->EndArray();
  MergeExtra(w, o.extra_json,
             {"uuid", "name", "meta-category", "description", "template_uuid", "template_version",
              "comment", "distribution", "sharing_group_id", "SharingGroup", "timestamp", "deleted",
              "first_seen", "last_seen", "Attribute", "ObjectReference", "id", "event_id"});
  w->EndObject();
}

}  // namespace

std::string WriteMispEvent(const model::Event& ev, const MispWriteOptions& opts) {
  util::JsonWriter w(opts.pretty);
  w.BeginObject();
  w.Key("Event");
  w.BeginObject();
  w.Field("uuid", ev.uuid);
  w.Field("info", ev.info);
  w.Field("date", ev.date);
  FieldNum(&w, "threat_level_id", ev.threat_level_id);
  FieldNum(&w, "analysis", ev.analysis);
  w.FieldBool("published", ev.published);
  FieldNum(&w, "timestamp", ev.timestamp);
  FieldNum(&w, "publish_timestamp", ev.publish_timestamp);
  FieldNum(&w, "distribution", static_cast<int>(ev.distribution));
  if (ev.distribution == model::Distribution::kSharingGroup)
    WriteSharingGroup(&w, ev.sharing_group, opts);
  w.FieldBool("disable_correlation", ev.disable_correlation);
  if (!ev.extends_uuid.empty()) w.Field("extends_uuid", ev.extends_uuid);
  if (ev.deleted) w.FieldBool("deleted", true);
  WriteOrg(&w, "Org", ev.org);
  WriteOrg(&w, "Orgc", ev.orgc);
  WriteTags(&w, ev.tags);
  w.Key("Attribute");
  w.BeginArray();
  for (const auto& a : ev.attributes) WriteAttribute(&w, a, opts);
  w.EndArray();
  if (!ev.objects.empty()) {
    w.Key("Object");
    w.BeginArray();
    for (const auto& o : ev.objects) WriteObject(&w, o, opts);
    w.EndArray();
  }
  MergeExtra(&w, ev.extra_json, {"uuid",         "info",
                                 "date",         "threat_level_id",
                                 "analysis",     "published",
                                 "timestamp",    "publish_timestamp",
                                 "distribution", "sharing_group_id",
                                 "SharingGroup", "disable_correlation",
                                 "extends_uuid", "deleted",
                                 "Org",          "Orgc",
                                 "Tag",          "Attribute",
                                 "Object",       "id",
                                 "org_id",       "orgc_id"});
  w.EndObject();
  w.EndObject();
  return w.Take();
}

}  // namespace sanad::formats
