// MISP event -> STIX 2.1 objects (stix/stix.h, mapping table in docs/stix.md).
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "audit/audit.h"
#include "policy/policy.h"
#include "stix/convert_internal.h"
#include "stix/stix.h"
#include "util/util.h"

namespace sanad::stix {

using namespace internal;  // NOLINT

namespace {
struct TlpIds {
  model::Tlp tlp;
  const char* v2;     // TLP 2.0 marking-definition
  const char* v1;     // STIX 2.1 predefined TLP 1.0 marking-definition ("" if none)
  const char* name;   // "TLP:CLEAR"
  const char* level;  // "clear"
};
constexpr TlpIds kTlps[] = {
    {model::Tlp::kClear, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
     "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "TLP:CLEAR", "clear"},
    {model::Tlp::kGreen, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
     "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "TLP:GREEN", "green"},
    {model::Tlp::kAmber, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
     "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "TLP:AMBER", "amber"},
    {model::Tlp::kAmberStrict, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "",
     "TLP:AMBER+STRICT", "amber+strict"},
    {model::Tlp::kRed, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
     "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "TLP:RED", "red"},
};
}  // namespace

const char* TlpMarkingId(model::Tlp t) {
  for (const auto& x : kTlps)
    if (x.tlp == t) return x.v2;
  return "";
}

model::Tlp TlpFromMarkingId(std::string_view id) {
  std::string l = util::ToLower(id);
  for (const auto& x : kTlps)
    if (l == x.v2 || (x.v1[0] && l == x.v1)) return x.tlp;
  return model::Tlp::kNone;
}

namespace {
bj::object TlpMarking(model::Tlp t) {
  for (const auto& x : kTlps) {
    if (x.tlp != t) continue;
    bj::object ext;
    ext["extension_type"] = "property-extension";
    ext["tlp_2_0"] = x.level;
    bj::object exts;
    exts[kTlp2ExtensionId] = std::move(ext);
    bj::object o;
    o["type"] = "marking-definition";
    o["spec_version"] = "2.1";
    o["id"] = x.v2;
    o["created"] = "2022-10-01T00:00:00.000Z";
    o["name"] = x.name;
    o["extensions"] = std::move(exts);
    return o;
  }
  return {};
}
}  // namespace

std::string TlpMarkingObject(model::Tlp t) { return bj::serialize(TlpMarking(t)); }

namespace internal {
namespace {

class Generator {
 public:
  Generator(const model::Event& ev, bool grouping) : ev_(ev), grouping_(grouping) {
    created_by_ = "identity--" + ev.orgc.uuid;
    event_tlp_ = model::StrictestTlp(ev.tags);
  }

  Generated Run(const std::vector<model::Sighting>& sightings,
                const std::vector<std::string>& kept_ids) {
    if (!ev_.orgc.uuid.empty()) out_.orgs.push_back(ev_.orgc);
    if (event_tlp_ != model::Tlp::kNone) Use(event_tlp_);
    for (const auto& a : ev_.attributes) AddAttribute(a, nullptr);
    for (const auto& o : ev_.objects) AddObject(o);
    for (const auto& o : ev_.objects)
      for (const auto& r : o.references) AddReference(o, r);
    for (const auto& s : sightings) AddSighting(s);
    BuildContainer(kept_ids);
    std::sort(out_.tlps.begin(), out_.tlps.end(),
              [](model::Tlp a, model::Tlp b) { return model::TlpRank(a) < model::TlpRank(b); });
    return std::move(out_);
  }

 private:
  void Use(model::Tlp t) {
    if (std::find(out_.tlps.begin(), out_.tlps.end(), t) == out_.tlps.end()) out_.tlps.push_back(t);
  }

  // Labels: MISP fields first, then the exportable, non-local, non-TLP tags.
  bj::array Labels(const std::vector<model::Tag>& tags, std::vector<std::string> misp) {
    bj::array l;
    for (auto& m : misp) l.emplace_back(m);
    for (const auto& t : tags)
      if (t.exportable && policy::ShowTag(t, /*local_tags_visible=*/false) &&
          model::ClassifyTag(t.name) != model::TagKind::kTlp)
        l.emplace_back(t.name);
    return l;
  }

  // The strictest of the item's and the event's TLP, as object_marking_refs.
  void Mark(bj::object* o, const std::vector<model::Tag>& tags) {
    model::Tlp t = model::StrictestTlp(tags);
    if (model::TlpRank(event_tlp_) > model::TlpRank(t)) t = event_tlp_;
    if (t == model::Tlp::kNone) return;
    Use(t);
    (*o)["object_marking_refs"] = bj::array{bj::value(TlpMarkingId(t))};
  }

  bj::object Head(const std::string& type, const std::string& uuid, model::Timestamp ts) {
    bj::object o;
    o["type"] = type;
    o["spec_version"] = "2.1";
    o["id"] = type + "--" + uuid;
    if (!ev_.orgc.uuid.empty()) o["created_by_ref"] = created_by_;
    o["created"] = StixTime(ts);
    o["modified"] = StixTime(ts);
    return o;
  }

  void AddAttribute(const model::Attribute& a, const model::Object* parent) {
    std::vector<std::string> misp = {MispLabel("type", a.type), MispLabel("category", a.category)};
    if (parent && !a.object_relation.empty())
      misp.push_back(MispLabel("object-relation", a.object_relation));
    std::vector<Comparison> cs;
    // Observables carry the canonical value (lower-case hashes, hostnames
    // without trailing dot, ...): what detection on the other side needs.
    bool observable = ComparisonsOf(a.type, a.canonical.empty() ? a.value : a.canonical, &cs);
    std::string first = a.first_seen ? NormaliseStixTime(*a.first_seen) : "";
    std::string last = a.last_seen ? NormaliseStixTime(*a.last_seen) : "";
    GenItem item;
    item.misp_uuid = a.uuid;
    bool pattern_type =
        a.type == "yara" || a.type == "sigma" || a.type == "snort" || a.type == "stix2-pattern";
    if (a.to_ids && (observable || pattern_type)) {
      bj::object o = Head("indicator", a.uuid, a.timestamp);
      if (observable) {
        o["pattern"] = PatternOf(cs);
        o["pattern_type"] = "stix";
        o["pattern_version"] = "2.1";
      } else {
        o["pattern"] = a.value;
        o["pattern_type"] = a.type == "stix2-pattern" ? "stix" : a.type;
        if (a.type == "stix2-pattern") o["pattern_version"] = "2.1";
      }
      std::string from = first.empty() ? StixTime(a.timestamp) : first;
      o["valid_from"] = from;
      model::Timestamp tf = 0, tl = 0;
      if (!last.empty() && ParseStixTime(from, &tf) && ParseStixTime(last, &tl) && tl > tf)
        o["valid_until"] = last;
      if (!a.comment.empty()) o["description"] = a.comment;
      o["labels"] = Labels(a.tags, misp);
      Mark(&o, a.tags);
      if (a.deleted) o["revoked"] = true;
      item.objects.push_back(std::move(o));
    } else if (observable) {
      std::vector<bj::object> scos = ScosOf(cs);
      bj::object o = Head("observed-data", a.uuid, a.timestamp);
      std::string f = first.empty() ? StixTime(a.timestamp) : first;
      std::string l = last.empty() ? f : last;
      model::Timestamp tf = 0, tl = 0;
      if (!ParseStixTime(f, &tf) || !ParseStixTime(l, &tl) || tl < tf) l = f;
      o["first_observed"] = f;
      o["last_observed"] = l;
      o["number_observed"] = 1;
      bj::array refs;
      for (const auto& s : scos) refs.push_back(s.at("id"));
      o["object_refs"] = std::move(refs);
      if (!a.comment.empty()) o["description"] = a.comment;
      o["labels"] = Labels(a.tags, misp);
      Mark(&o, a.tags);
      if (a.deleted) o["revoked"] = true;
      item.objects.push_back(std::move(o));
      for (auto& s : scos) item.objects.push_back(std::move(s));
    } else if (a.type == "vulnerability") {
      bj::object o = Head("vulnerability", a.uuid, a.timestamp);
      o["name"] = a.value;
      bj::object ref;
      ref["source_name"] = "cve";
      ref["external_id"] = a.value;
      o["external_references"] = bj::array{ref};
      if (!a.comment.empty()) o["description"] = a.comment;
      misp.push_back(MispLabel("to_ids", a.to_ids ? "True" : "False"));
      o["labels"] = Labels(a.tags, misp);
      Mark(&o, a.tags);
      if (a.deleted) o["revoked"] = true;
      item.objects.push_back(std::move(o));
    } else {
      bj::object o = Head("x-misp-attribute", a.uuid, a.timestamp);
      o["labels"] = Labels(a.tags, misp);
      o["x_misp_type"] = a.type;
      o["x_misp_category"] = a.category;
      o["x_misp_value"] = a.value;
      o["x_misp_to_ids"] = a.to_ids;
      if (!a.comment.empty()) o["x_misp_comment"] = a.comment;
      if (!first.empty()) o["x_misp_first_seen"] = first;
      if (!last.empty()) o["x_misp_last_seen"] = last;
      Mark(&o, a.tags);
      if (a.deleted) o["revoked"] = true;
      item.objects.push_back(std::move(o));
    }
    ids_[a.uuid] = item.primary_id();
    attr_item_[a.uuid] = out_.items.size();
    out_.items.push_back(std::move(item));
  }

  void AddObject(const model::Object& obj) {
    size_t at = out_.items.size();
    out_.items.push_back(GenItem{});  // the object itself, filled after its attributes
    bj::array refs;
    for (const auto& a : obj.attributes) {
      AddAttribute(a, &obj);
      refs.push_back(bj::value(ids_[a.uuid]));
    }
    bj::object o = Head("x-misp-object", obj.uuid, obj.timestamp);
    o["x_misp_name"] = obj.name;
    if (!obj.meta_category.empty()) o["x_misp_meta_category"] = obj.meta_category;
    if (!obj.template_uuid.empty()) o["x_misp_template_uuid"] = obj.template_uuid;
    if (!obj.template_version.empty()) o["x_misp_template_version"] = obj.template_version;
    if (!obj.description.empty()) o["x_misp_description"] = obj.description;
    if (!obj.comment.empty()) o["x_misp_comment"] = obj.comment;
    if (obj.first_seen) o["x_misp_first_seen"] = *obj.first_seen;
    if (obj.last_seen) o["x_misp_last_seen"] = *obj.last_seen;
    if (!refs.empty()) o["object_refs"] = std::move(refs);
    Mark(&o, {});
    if (obj.deleted) o["revoked"] = true;
    ids_[obj.uuid] = "x-misp-object--" + obj.uuid;
    out_.items[at].misp_uuid = obj.uuid;
    out_.items[at].objects.push_back(std::move(o));
  }

  void AddReference(const model::Object& obj, const model::ObjectReference& r) {
    auto t = ids_.find(util::ToLower(r.referenced_uuid));
    if (t == ids_.end() || r.uuid.empty()) return;  // target not in this (redacted) event
    std::string rel;
    for (char c : util::ToLower(r.relationship_type))
      rel.push_back((std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '-');
    if (rel.empty()) rel = "related-to";
    bj::object o = Head("relationship", r.uuid, r.timestamp ? r.timestamp : obj.timestamp);
    o["relationship_type"] = rel;
    if (rel != r.relationship_type) o["x_misp_relationship_type"] = r.relationship_type;
    if (!r.comment.empty()) o["description"] = r.comment;
    o["source_ref"] = ids_[obj.uuid];
    o["target_ref"] = t->second;
    Mark(&o, {});
    GenItem item;
    item.misp_uuid = r.uuid;
    item.objects.push_back(std::move(o));
    out_.items.push_back(std::move(item));
  }

  void AddSighting(const model::Sighting& s) {
    auto t = ids_.find(util::ToLower(s.attribute_uuid));
    if (t == ids_.end() || s.uuid.empty()) return;
    bj::object o;
    o["type"] = "sighting";
    o["spec_version"] = "2.1";
    o["id"] = "sighting--" + s.uuid;
    if (!s.org.uuid.empty()) o["created_by_ref"] = "identity--" + s.org.uuid;
    o["created"] = StixTime(s.date_sighting);
    o["modified"] = StixTime(s.date_sighting);
    o["first_seen"] = StixTime(s.date_sighting);
    o["last_seen"] = StixTime(s.date_sighting);
    o["count"] = 1;
    o["sighting_of_ref"] = t->second;
    if (!s.org.uuid.empty()) {
      o["where_sighted_refs"] = bj::array{bj::value("identity--" + s.org.uuid)};
      bool seen = false;
      for (const auto& r : out_.orgs) seen = seen || r.uuid == s.org.uuid;
      if (!seen) out_.orgs.push_back(s.org);
    }
    if (s.type != model::SightingType::kSeen) o["x_misp_sighting_type"] = model::Name(s.type);
    if (!s.source.empty()) o["x_misp_source"] = s.source;
    Mark(&o, {});
    GenItem item;
    item.misp_uuid = s.uuid;
    item.objects.push_back(std::move(o));
    out_.items.push_back(std::move(item));
  }

  void BuildContainer(const std::vector<std::string>& kept_ids) {
    model::Timestamp day = 0;
    if (!ParseStixTime(ev_.date, &day) || day > ev_.timestamp) day = ev_.timestamp;
    bj::object o;
    std::string type = grouping_ ? "grouping" : "report";
    o["type"] = type;
    o["spec_version"] = "2.1";
    o["id"] = type + "--" + ev_.uuid;
    if (!ev_.orgc.uuid.empty()) o["created_by_ref"] = created_by_;
    o["created"] = StixTime(day);
    o["modified"] = StixTime(ev_.timestamp);
    o["name"] = ev_.info;
    if (grouping_) {
      o["context"] = "suspicious-activity";
    } else {
      o["published"] =
          StixTime(ev_.published && ev_.publish_timestamp ? ev_.publish_timestamp : day);
      o["report_types"] = bj::array{bj::value("threat-report")};
    }
    bj::array labels = Labels(ev_.tags, {});
    if (!labels.empty()) o["labels"] = std::move(labels);
    bj::array refs;
    for (const auto& it : out_.items)
      for (const auto& x : it.objects) refs.push_back(x.at("id"));
    for (const auto& k : kept_ids) refs.emplace_back(k);
    if (refs.empty()) refs.push_back(bj::value(created_by_));
    o["object_refs"] = std::move(refs);
    if (event_tlp_ != model::Tlp::kNone)
      o["object_marking_refs"] = bj::array{bj::value(TlpMarkingId(event_tlp_))};
    o["x_misp_threat_level_id"] = ev_.threat_level_id;
    o["x_misp_analysis"] = ev_.analysis;
    o["x_misp_published"] = ev_.published;
    o["x_misp_date"] = ev_.date;
    if (ev_.deleted) o["revoked"] = true;
    out_.container = std::move(o);
  }

  const model::Event& ev_;
  bool grouping_;
  std::string created_by_;
  model::Tlp event_tlp_;
  Generated out_;
  std::unordered_map<std::string, std::string> ids_;  // MISP uuid -> generated primary id
  std::unordered_map<std::string, size_t> attr_item_;
};

}  // namespace

Generated Generate(const model::Event& ev, const std::vector<model::Sighting>& sightings,
                   const std::vector<std::string>& kept_ids, bool grouping) {
  return Generator(ev, grouping).Run(sightings, kept_ids);
}

Status VisibleSightings(store::Store* s, const model::Event& ev, const policy::Viewer* viewer,
                        std::vector<model::Sighting>* out) {
  out->clear();
  if (!viewer) return Status::Ok();
  // Where each visible attribute sits, for the policy's access path.
  struct Where {
    const model::Object* obj;
    const model::Attribute* attr;
  };
  std::unordered_map<int64_t, Where> by_id;
  std::unordered_map<std::string, Where> by_uuid;
  for (const auto& a : ev.attributes) {
    by_id[a.id] = {nullptr, &a};
    by_uuid[a.uuid] = {nullptr, &a};
  }
  for (const auto& o : ev.objects)
    for (const auto& a : o.attributes) {
      by_id[a.id] = {&o, &a};
      by_uuid[a.uuid] = {&o, &a};
    }
  std::vector<model::Sighting> all;
  if (s && ev.id) {
    SANAD_RETURN_IF_ERROR(s->sightings().ListEventSightings(ev.id, &all));
  } else {
    for (const auto& [u, w] : by_uuid)
      for (auto x : w.attr->sightings) {
        x.attribute_uuid = w.attr->uuid;
        all.push_back(std::move(x));
      }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return std::tie(a.date_sighting, a.uuid) < std::tie(b.date_sighting, b.uuid);
    });
  }
  for (auto& x : all) {
    const Where* w = nullptr;
    if (s && ev.id) {
      auto it = by_id.find(x.attribute_id);
      if (it != by_id.end()) w = &it->second;
    } else {
      auto it = by_uuid.find(x.attribute_uuid);
      if (it != by_uuid.end()) w = &it->second;
    }
    if (!w) continue;  // attribute hidden by the redaction
    // The redaction decided which items travel (deleted ones included when
    // asked for); the sighting policy decides on each sighting of them.
    policy::AccessPath p = policy::AttributePath(ev, w->obj, *w->attr);
    p.deleted = false;
    if (policy::ViewSighting(*viewer, p, ev.orgc.id, x.org.id) != policy::SightingView::kDetails)
      continue;
    x.attribute_uuid = w->attr->uuid;
    out->push_back(std::move(x));
  }
  return Status::Ok();
}

}  // namespace internal

namespace {

// Properties the generator controls for each type of object: when an item
// changed, the original mapped object contributes every other property.
bool Controlled(std::string_view type, std::string_view k) {
  static const std::set<std::string_view> kCommon = {
      "type",   "spec_version",        "id",      "created_by_ref", "modified",
      "labels", "object_marking_refs", "revoked", "description"};
  static const std::map<std::string_view, std::set<std::string_view>> kByType = {
      {"indicator", {"pattern", "pattern_type", "pattern_version", "valid_from", "valid_until"}},
      {"observed-data", {"first_observed", "last_observed", "object_refs"}},
      {"vulnerability", {"name", "external_references"}},
      {"report", {"name", "object_refs"}},
      {"grouping", {"name", "object_refs"}},
      {"relationship", {"relationship_type", "source_ref", "target_ref"}},
      {"sighting", {"first_seen", "last_seen", "count", "sighting_of_ref", "where_sighted_refs"}},
      {"x-misp-object", {"object_refs"}},
  };
  if (kCommon.count(k) || k.substr(0, 7) == "x_misp_") return true;
  auto it = kByType.find(type);
  return it != kByType.end() && it->second.count(k) > 0;
}

// Properties Sanad fills with a default when MISP has no value for them:
// the original's value wins.
bool Defaulted(std::string_view k) {
  return k == "created" || k == "report_types" || k == "context" || k == "published" ||
         k == "number_observed";
}

// `gen` with the uncontrolled properties of `orig` (and its defaulted ones).
bj::object Merge(bj::object gen, const bj::object& orig) {
  std::string type = StringOr(gen, "type");
  for (const auto& p : orig) {
    if (Defaulted(p.key())) {
      gen[p.key()] = p.value();
      continue;
    }
    if (!Controlled(type, p.key()) && !gen.contains(p.key())) gen[p.key()] = p.value();
  }
  return gen;
}

// Rewrites references in a regenerated object to the ids actually emitted.
void Remap(bj::object* o, const std::unordered_map<std::string, std::string>& m) {
  auto fix = [&](bj::value& v) {
    if (!v.is_string()) return;
    auto it = m.find(std::string(v.get_string()));
    if (it != m.end()) v = it->second;
  };
  for (const char* k : {"source_ref", "target_ref", "sighting_of_ref"})
    if (o->contains(k)) fix((*o)[k]);
  if (o->contains("object_refs") && (*o)["object_refs"].is_array() &&
      StringOr(*o, "type") == "x-misp-object")
    for (auto& v : (*o)["object_refs"].as_array()) fix(v);
}

bool ParseRow(const store::StixObject& r, bj::object* out) {
  bj::error_code ec;
  bj::value v = bj::parse(r.json, ec);
  if (ec || !v.is_object()) return false;
  *out = std::move(v.as_object());
  return true;
}

// Ids an object refers to through SRO endpoints.
std::vector<std::string> SroEnds(const bj::object& o) {
  std::vector<std::string> out;
  for (const char* k : {"source_ref", "target_ref", "sighting_of_ref"})
    if (const bj::string* s = GetString(o, k)) out.push_back(util::ToLower(*s));
  return out;
}

}  // namespace

StatusOr<std::vector<std::string>> EventToObjects(store::Store* s, const model::Event& ev,
                                                  const ExportOptions& o) {
  // Stored originals of the event.
  std::vector<store::StixObject> rows;
  if (s && ev.id) {
    auto ss = store::NewStixStore(s);
    SANAD_RETURN_IF_ERROR(ss->ListEventObjects(ev.id, &rows));
  }
  std::vector<std::string> kept_ids;
  std::unordered_map<std::string, std::vector<const store::StixObject*>> groups;
  std::unordered_map<std::string, const store::StixObject*> row_by_id;
  for (const auto& r : rows) {
    row_by_id[util::ToLower(r.stix_id)] = &r;
    if (r.misp_uuid.empty()) {
      kept_ids.push_back(r.stix_id);
    } else {
      groups[r.misp_uuid].push_back(&r);
    }
  }
  std::vector<model::Sighting> sightings;
  if (o.include_sightings) SANAD_RETURN_IF_ERROR(VisibleSightings(s, ev, o.viewer, &sightings));
  Generated g = Generate(ev, sightings, kept_ids, o.container == Container::kGrouping);

  std::vector<std::string> out;
  std::unordered_set<std::string> emitted;
  auto emit = [&](std::string text, const std::string& id) {
    if (!emitted.insert(util::ToLower(id)).second) return;
    out.push_back(std::move(text));
  };
  // Markings and identities: stored originals first (they win over the
  // generated ones with the same id), then the generated ones.
  std::vector<std::string> head_rows_json;
  for (const char* kind : {"marking-definition", "identity"}) {
    if (o.include_kept)
      for (const auto& r : rows)
        if (r.misp_uuid.empty() && r.type == kind) emit(r.json, r.stix_id);
    if (std::string_view(kind) == "marking-definition") {
      for (model::Tlp t : g.tlps) emit(TlpMarkingObject(t), TlpMarkingId(t));
    } else {
      for (const auto& org : g.orgs) {
        bj::object id;
        id["type"] = "identity";
        id["spec_version"] = "2.1";
        id["id"] = "identity--" + org.uuid;
        model::Timestamp created = 0;
        if (s && org.id) {
          auto full = s->community().GetOrg(org.id);
          if (full.ok()) created = full->created;
        }
        id["created"] = StixTime(created);
        id["modified"] = StixTime(created);
        id["name"] = org.name.empty() ? org.uuid : org.name;
        id["identity_class"] = "organization";
        emit(bj::serialize(id), "identity--" + org.uuid);
      }
    }
  }
  size_t container_at = out.size();
  out.emplace_back();  // the container, filled once the emitted ids are known
  emitted.insert(util::ToLower(std::string(g.container.at("id").as_string())));

  // Items: the originals while unchanged, else the regenerated objects.
  std::unordered_map<std::string, std::string> id_map;  // generated id -> emitted id
  std::vector<std::string> item_ids;
  std::unordered_set<std::string> present;                 // MISP uuids of generated items
  std::vector<std::pair<size_t, bj::object>> regenerated;  // position in out, object
  for (auto& item : g.items) {
    present.insert(item.misp_uuid);
    auto gr = groups.find(item.misp_uuid);
    if (gr != groups.end() && !gr->second.empty() &&
        gr->second.front()->fingerprint == Fingerprint(item.objects)) {
      // Emit the original group, plus the observables its observed-data use.
      std::string primary;
      for (const auto* r : gr->second)
        if (primary.empty() && !IsScoType(r->type)) primary = r->stix_id;
      if (primary.empty()) primary = gr->second.front()->stix_id;
      id_map[item.primary_id()] = primary;
      for (const auto* r : gr->second) {
        size_t before = out.size();
        emit(r->json, r->stix_id);
        if (out.size() > before) item_ids.push_back(r->stix_id);
        if (r->type != "observed-data") continue;
        bj::object od;
        if (!ParseRow(*r, &od) || !od.contains("object_refs") || !od["object_refs"].is_array())
          continue;
        for (const auto& ref : od["object_refs"].as_array()) {
          if (!ref.is_string()) continue;
          auto rr = row_by_id.find(util::ToLower(std::string(ref.get_string())));
          if (rr == row_by_id.end()) continue;
          size_t b2 = out.size();
          emit(rr->second->json, rr->second->stix_id);
          if (out.size() > b2) item_ids.push_back(rr->second->stix_id);
        }
      }
      continue;
    }
    for (size_t i = 0; i < item.objects.size(); ++i) {
      bj::object obj = std::move(item.objects[i]);
      std::string id(obj.at("id").as_string());
      auto orig = row_by_id.find(util::ToLower(id));
      bj::object od;
      if (i == 0 && orig != row_by_id.end() && ParseRow(*orig->second, &od)) obj = Merge(obj, od);
      id_map[id] = id;
      if (emitted.count(util::ToLower(id))) continue;
      emitted.insert(util::ToLower(id));
      item_ids.push_back(id);
      regenerated.emplace_back(out.size(), std::move(obj));
      out.emplace_back();
    }
  }
  for (auto& [at, obj] : regenerated) {
    Remap(&obj, id_map);
    out[at] = bj::serialize(obj);
  }

  // Kept objects; SROs pointing at mapped items the viewer does not get are
  // dropped (they would reveal those items).
  std::unordered_set<std::string> hidden;
  for (const auto& r : rows)
    if (!r.misp_uuid.empty() && !present.count(r.misp_uuid) &&
        !emitted.count(util::ToLower(r.stix_id)))
      hidden.insert(util::ToLower(r.stix_id));
  std::vector<std::string> kept_emitted;
  if (o.include_kept) {
    for (const auto& r : rows) {
      if (!r.misp_uuid.empty() || r.type == "identity" || r.type == "marking-definition") continue;
      bj::object ko;
      if (!hidden.empty() && ParseRow(r, &ko)) {
        bool drop = false;
        for (const auto& e : SroEnds(ko)) drop = drop || hidden.count(e) > 0;
        if (drop) continue;
      }
      size_t before = out.size();
      emit(r.json, r.stix_id);
      if (out.size() > before) kept_emitted.push_back(r.stix_id);
    }
  }

  // The container: the original while the event is unchanged.
  auto cg = groups.find(ev.uuid);
  std::string cid(g.container.at("id").as_string());
  if (cg != groups.end() && !cg->second.empty() &&
      cg->second.front()->fingerprint == Fingerprint({g.container})) {
    out[container_at] = cg->second.front()->json;
  } else {
    bj::object c = g.container;
    bj::array refs;
    for (const auto& id : item_ids) refs.emplace_back(id);
    for (const auto& id : kept_emitted) refs.emplace_back(id);
    if (refs.empty()) refs = c["object_refs"].as_array();
    c["object_refs"] = std::move(refs);
    auto orig = row_by_id.find(util::ToLower(cid));
    bj::object od;
    if (orig != row_by_id.end() && ParseRow(*orig->second, &od)) c = Merge(c, od);
    out[container_at] = bj::serialize(c);
  }
  return out;
}

std::string MakeBundle(const std::vector<std::string>& objects) {
  std::string body;
  std::string ids;
  std::unordered_set<std::string> seen;
  bool first = true;
  for (const auto& text : objects) {
    bj::error_code ec;
    bj::value v = bj::parse(text, ec);
    std::string id;
    if (!ec && v.is_object()) id = StringOr(v.as_object(), "id");
    if (!id.empty() && !seen.insert(util::ToLower(id)).second) continue;
    ids += id + "\n";
    if (!first) body += ",";
    first = false;
    body += text;
  }
  return "{\"type\":\"bundle\",\"id\":\"bundle--" + UuidV5(kSanadNamespace, "bundle\n" + ids) +
         "\",\"objects\":[" + body + "]}";
}

Status ExportBundle(store::Store* s, const policy::Viewer& viewer, const store::EventQuery& q,
                    const ExportOptions& o, std::ostream& out, BundleStats* stats,
                    const policy::Actor* actor) {
  ExportOptions opts = o;
  if (!opts.viewer) opts.viewer = &viewer;
  std::unordered_set<std::string> seen;
  std::string ids;
  bool first = true;
  Status inner;
  // The bundle id must not need a second pass: it is derived from the
  // viewer and the query instead of the object ids.
  std::string bundle_id = UuidV5(kSanadNamespace, "export\n" + std::to_string(viewer.org_id) +
                                                      "\n" + std::to_string(util::Now()));
  out << "{\"type\":\"bundle\",\"id\":\"bundle--" << bundle_id << "\",\"objects\":[";
  Status st = s->events().ScanEvents(viewer, q, [&](model::Event& ev) {
    auto objs = EventToObjects(s, ev, opts);
    if (!objs.ok()) {
      inner = objs.status().WithContext("event " + ev.uuid);
      return false;
    }
    if (actor) {
      Status a = audit::RecordSensitiveRead(s, *actor, "export stix21", ev);
      if (!a.ok()) {
        inner = a;
        return false;
      }
    }
    for (auto& text : *objs) {
      bj::error_code ec;
      bj::value v = bj::parse(text, ec);
      std::string id = (!ec && v.is_object()) ? StringOr(v.as_object(), "id") : "";
      if (!id.empty() && !seen.insert(util::ToLower(id)).second) continue;
      if (!first) out << ",";
      first = false;
      out << text;
      if (stats) stats->objects++;
    }
    if (stats) stats->events++;
    return true;
  });
  SANAD_RETURN_IF_ERROR(st);
  SANAD_RETURN_IF_ERROR(inner);
  out << "]}\n";
  if (!out) return Status::Io("writing the STIX bundle failed");
  return Status::Ok();
}

}  // namespace sanad::stix
