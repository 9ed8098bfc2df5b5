// STIX 2.1 bundle -> MISP events plus the kept originals (stix/stix.h).
#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "audit/actions.h"
#include "audit/audit.h"
#include "model/canon.h"
#include "model/types.h"
#include "policy/policy.h"
#include "stix/convert_internal.h"
#include "stix/stix.h"
#include "store/schema.h"
#include "util/util.h"

namespace sanad::stix {

using namespace internal;  // NOLINT

bool LooksLikeBundle(std::string_view json) {
  size_t i = 0;
  while (i < json.size() && std::isspace(static_cast<unsigned char>(json[i]))) ++i;
  if (i >= json.size() || json[i] != '{') return false;
  // Cheap check on the first 64 KiB: a "type": "bundle" member.
  std::string_view head = json.substr(0, 1 << 16);
  size_t p = 0;
  while ((p = head.find("\"type\"", p)) != std::string_view::npos) {
    size_t q = p + 6;
    while (q < head.size() && std::isspace(static_cast<unsigned char>(head[q]))) ++q;
    if (q < head.size() && head[q] == ':') {
      ++q;
      while (q < head.size() && std::isspace(static_cast<unsigned char>(head[q]))) ++q;
      if (head.substr(q, 8) == "\"bundle\"") return true;
    }
    p = q;
  }
  // One bare STIX 2.1 object: "spec_version" and an "id" of the form type--uuid.
  return head.find("\"spec_version\"") != std::string_view::npos &&
         head.find("\"id\"") != std::string_view::npos &&
         head.find("--") != std::string_view::npos &&
         head.find("\"Event\"") == std::string_view::npos;
}

namespace {

constexpr int kMaxDepth = 64;

struct Obj {
  bj::object* o = nullptr;
  std::string id;  // lower-cased
  std::string type;
  std::string uuid;
  size_t index = 0;  // position in the bundle
};

// A ref-valued property other than markings and creators (those are
// attached separately): *_ref and *_refs.
void Refs(const bj::object& o, bool include_meta, std::vector<std::string>* out) {
  for (const auto& p : o) {
    std::string_view k = p.key();
    bool meta = k == "created_by_ref" || k == "object_marking_refs" || k == "where_sighted_refs";
    if (meta && !include_meta) continue;
    bool one = k.size() > 4 && k.substr(k.size() - 4) == "_ref";
    bool many = k.size() > 5 && k.substr(k.size() - 5) == "_refs";
    if (one && p.value().is_string())
      out->push_back(util::ToLower(std::string(p.value().get_string())));
    if (many && p.value().is_array())
      for (const auto& v : p.value().get_array())
        if (v.is_string()) out->push_back(util::ToLower(std::string(v.get_string())));
  }
}

model::Tlp ObjectTlp(const bj::object& o) {
  model::Tlp best = model::Tlp::kNone;
  auto it = o.find("object_marking_refs");
  if (it == o.end() || !it->value().is_array()) return best;
  for (const auto& v : it->value().get_array()) {
    if (!v.is_string()) continue;
    model::Tlp t = TlpFromMarkingId(v.get_string());
    if (static_cast<int>(t) > static_cast<int>(best)) best = t;
  }
  return best;
}

model::Timestamp TimeOf(const bj::object& o, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    model::Timestamp t;
    if (const bj::string* s = GetString(o, k))
      if (ParseStixTime(*s, &t)) return t;
  }
  return 0;
}

std::vector<model::Tag> TagsOf(const bj::object& o) {
  std::vector<model::Tag> tags;
  auto it = o.find("labels");
  if (it != o.end() && it->value().is_array())
    for (const auto& l : it->value().get_array()) {
      if (!l.is_string() || IsMispLabel(l.get_string()) || l.get_string().empty()) continue;
      model::Tag t;
      t.name = std::string(l.get_string());
      if (model::ClassifyTag(t.name) == model::TagKind::kTlp) continue;
      tags.push_back(std::move(t));
    }
  model::Tlp tlp = ObjectTlp(o);
  if (tlp != model::Tlp::kNone) tags.push_back(model::Tag{model::TlpTagName(tlp), "", true, false});
  return tags;
}

class Parser {
 public:
  Parser(const ParseOptions& opts, ParsedBundle* out) : opts_(opts), out_(out) {}

  Status Run(std::string_view json) {
    if (json.size() > kMaxBundleBytes)
      return Status::Limit("bundle: " + std::to_string(json.size()) +
                           " bytes exceeds the limit of " + std::to_string(kMaxBundleBytes));
    bj::parse_options po;
    po.max_depth = kMaxDepth;
    bj::error_code ec;
    root_ = bj::parse(json, ec, {}, po);
    if (ec) return Status::Invalid("bundle: not valid JSON: " + ec.message());
    bj::array* arr = nullptr;
    single_ = false;
    if (root_.is_array()) {
      arr = &root_.as_array();
    } else if (root_.is_object()) {
      bj::object& top = root_.as_object();
      std::string type = StringOr(top, "type");
      if (type == "bundle") {
        bundle_id_ = StringOr(top, "id");
        if (!top.contains("objects")) return Status::Invalid("objects: missing in the bundle");
        if (!top["objects"].is_array()) return Status::Invalid("objects: not an array");
        arr = &top["objects"].as_array();
      } else if (type.empty() && top.contains("objects")) {  // TAXII envelope
        if (!top["objects"].is_array()) return Status::Invalid("objects: not an array");
        arr = &top["objects"].as_array();
      } else if (!type.empty()) {  // one bare STIX object
        single_array_.push_back(root_);
        arr = &single_array_;
        single_ = true;
      } else {
        return Status::Invalid("$: neither a STIX bundle, an envelope nor a STIX object");
      }
    } else {
      return Status::Invalid("$: not a JSON object or array");
    }
    if (arr->size() > kMaxObjects)
      return Status::Limit("objects: " + std::to_string(arr->size()) +
                           " objects exceed the limit of " + std::to_string(kMaxObjects));
    std::string prefix = single_ ? "$" : "objects";
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string path = single_ ? "$" : prefix + "[" + std::to_string(i) + "]";
      bj::value& v = (*arr)[i];
      if (!v.is_object()) return Status::Invalid(path + ": not a JSON object");
      Obj ob;
      ob.o = &v.as_object();
      ob.index = i;
      const bj::string* t = GetString(*ob.o, "type");
      if (!t || t->empty()) return Status::Invalid(path + ".type: missing or not a string");
      const bj::string* id = GetString(*ob.o, "id");
      if (!id) return Status::Invalid(path + ".id: missing or not a string");
      std::string ptype;
      if (!SplitStixId(*id, &ptype, &ob.uuid) || ptype != std::string(*t))
        return Status::Invalid(path + ".id: '" + std::string(*id) + "' is not " + std::string(*t) +
                               "--<uuid>");
      ob.type = std::string(*t);
      ob.id = util::ToLower(std::string(*id));
      if (bj::serialize(v).size() > kMaxObjectBytes)
        return Status::Limit(path + ": object larger than " + std::to_string(kMaxObjectBytes) +
                             " bytes");
      auto it = by_id_.find(ob.id);
      if (it != by_id_.end()) {
        // Several versions of one object: keep the newest (by modified).
        Obj& prev = objs_[it->second];
        std::string pm = NormaliseStixTime(StringOr(*prev.o, "modified"));
        std::string nm = NormaliseStixTime(StringOr(*ob.o, "modified"));
        out_->report.warnings.push_back(path + ": " + ob.id +
                                        " appears more than once; the newest version is kept");
        if (nm > pm) prev = ob;
        continue;
      }
      by_id_[ob.id] = objs_.size();
      objs_.push_back(ob);
    }
    for (const auto& ob : objs_) obj_by_id_[ob.id] = ob.o;
    Assign();
    for (size_t e = 0; e < events_.size(); ++e) SANAD_RETURN_IF_ERROR(BuildEvent(e));
    return Status::Ok();
  }

 private:
  // ---- assignment of objects to events ----
  void Assign() {
    owner_.assign(objs_.size(), -1);
    for (size_t i = 0; i < objs_.size(); ++i)
      if (objs_[i].type == "report" || objs_[i].type == "grouping") {
        owner_[i] = static_cast<int>(events_.size());
        events_.push_back(static_cast<int>(i));
      }
    if (events_.empty()) events_.push_back(-1);  // one event for the whole bundle
    // Undirected reference graph (markings and creators excluded).
    std::vector<std::vector<size_t>> adj(objs_.size());
    for (size_t i = 0; i < objs_.size(); ++i) {
      if (objs_[i].type == "report" || objs_[i].type == "grouping") continue;
      std::vector<std::string> refs;
      Refs(*objs_[i].o, false, &refs);
      for (const auto& r : refs) {
        auto it = by_id_.find(r);
        if (it == by_id_.end()) continue;
        const std::string& t = objs_[it->second].type;
        if (t == "report" || t == "grouping" || t == "identity" || t == "marking-definition")
          continue;
        adj[i].push_back(it->second);
        adj[it->second].push_back(i);
      }
    }
    // Direct object_refs of each container first, then what they reach.
    std::vector<std::deque<size_t>> queues(events_.size());
    for (size_t e = 0; e < events_.size(); ++e) {
      if (events_[e] < 0) continue;
      std::vector<std::string> refs;
      auto it = objs_[events_[e]].o->find("object_refs");
      if (it != objs_[events_[e]].o->end() && it->value().is_array())
        for (const auto& v : it->value().get_array())
          if (v.is_string()) refs.push_back(util::ToLower(std::string(v.get_string())));
      for (const auto& r : refs) {
        auto f = by_id_.find(r);
        if (f == by_id_.end() || owner_[f->second] != -1) continue;
        owner_[f->second] = static_cast<int>(e);
        queues[e].push_back(f->second);
      }
    }
    for (size_t e = 0; e < events_.size(); ++e) {
      auto& q = queues[e];
      while (!q.empty()) {
        size_t i = q.front();
        q.pop_front();
        for (size_t j : adj[i])
          if (owner_[j] == -1 && objs_[j].type != "identity" &&
              objs_[j].type != "marking-definition") {
            owner_[j] = static_cast<int>(e);
            q.push_back(j);
          }
      }
    }
    // Connected to nothing assigned: the first event (whole components, so
    // relationships stay with their ends).
    for (size_t i = 0; i < objs_.size(); ++i)
      if (owner_[i] == -1 && objs_[i].type != "identity" && objs_[i].type != "marking-definition")
        owner_[i] = 0;
    // Identities and markings go with every event that refers to them.
    extra_.assign(events_.size(), {});
    for (size_t i = 0; i < objs_.size(); ++i) {
      if (owner_[i] < 0) continue;
      std::vector<std::string> refs;
      Refs(*objs_[i].o, true, &refs);
      for (const auto& r : refs) {
        auto it = by_id_.find(r);
        if (it == by_id_.end()) continue;
        size_t j = it->second;
        if (objs_[j].type != "identity" && objs_[j].type != "marking-definition") continue;
        if (owner_[j] == -1)
          owner_[j] = owner_[i];
        else if (owner_[j] != owner_[i])
          extra_[owner_[i]].insert(j);
      }
    }
    for (size_t i = 0; i < objs_.size(); ++i)
      if (owner_[i] == -1) owner_[i] = 0;
  }

  // ---- one event ----
  struct Mapping {
    std::string misp_uuid;  // "" = kept unmapped (or always-emitted identity/marking)
    bool mapped = false;
    std::string reason;
  };

  std::string CategoryFor(const bj::object& o, const std::string& type, const std::string& x_cat) {
    std::string cat =
        x_cat.empty() ? FindMispLabel(o.contains("labels") ? &o.at("labels") : nullptr, "category")
                      : x_cat;
    if (!cat.empty() && model::IsCategory(cat) && model::CategoryAllowsType(cat, type)) return cat;
    const model::TypeInfo* ti = model::FindType(type);
    return ti ? std::string(ti->default_category) : "Other";
  }

  // Fills value and canonical fields; false when the value is invalid.
  bool SetValue(model::Attribute* a, const std::string& type, const std::string& value,
                std::string* why) {
    model::CanonicalValue cv;
    Status st = model::Canonicalise(type, value, &cv);
    if (!st.ok()) {
      *why = st.message();
      return false;
    }
    a->type = type;
    a->value = value;
    a->canonical = cv.value;
    a->canonical1 = cv.part1;
    a->canonical2 = cv.part2;
    return true;
  }

  void Common(const bj::object& o, model::Attribute* a, model::Timestamp dflt) {
    a->timestamp = TimeOf(o, {"modified", "created"});
    if (!a->timestamp) a->timestamp = dflt;
    a->tags = TagsOf(o);
    a->distribution = model::Distribution::kInherit;
    if (const bj::string* d = GetString(o, "description")) a->comment = std::string(*d);
    if (const bj::string* d = GetString(o, "x_misp_comment")) a->comment = std::string(*d);
    a->deleted = false;
  }

  Status BuildEvent(size_t e) {
    ParsedEvent pe;
    model::Event& ev = pe.event;
    int ci = events_[e];
    std::vector<size_t> members;
    for (size_t i = 0; i < objs_.size(); ++i)
      if (owner_[i] == static_cast<int>(e) || extra_[e].count(i)) members.push_back(i);
    // The event.
    model::Timestamp latest = 0;
    for (size_t i : members)
      latest = std::max(latest, TimeOf(*objs_[i].o, {"modified", "created"}));
    std::string creator;
    if (ci >= 0) {
      const bj::object& c = *objs_[ci].o;
      ev.uuid = objs_[ci].uuid;
      ev.info = StringOr(c, "name", "STIX " + objs_[ci].type + " " + objs_[ci].id);
      ev.timestamp = TimeOf(c, {"modified", "created"});
      std::string date = StringOr(c, "x_misp_date");
      model::Timestamp dt = 0;
      if (date.size() == 10 && ParseStixTime(date, &dt))
        ev.date = date;
      else
        ev.date = util::FormatDate(TimeOf(c, {"published", "created", "modified"}));
      if (auto it = c.find("x_misp_published");
          it != c.end() && it->value().is_bool() && it->value().get_bool()) {
        ev.published = true;
        ev.publish_timestamp = TimeOf(c, {"published"});
      }
      if (auto it = c.find("x_misp_threat_level_id"); it != c.end() && it->value().is_int64() &&
                                                      it->value().get_int64() >= 1 &&
                                                      it->value().get_int64() <= 4)
        ev.threat_level_id = static_cast<int>(it->value().get_int64());
      if (auto it = c.find("x_misp_analysis"); it != c.end() && it->value().is_int64() &&
                                               it->value().get_int64() >= 0 &&
                                               it->value().get_int64() <= 2)
        ev.analysis = static_cast<int>(it->value().get_int64());
      ev.tags = TagsOf(c);
      creator = util::ToLower(StringOr(c, "created_by_ref"));
    } else {
      // The objects, not the bundle id (producers mint a new bundle id per
      // export): the same objects, newer versions included, make the same event.
      std::vector<std::string> ids;
      for (const auto& ob : objs_) ids.push_back(ob.id);
      std::sort(ids.begin(), ids.end());
      std::string basis;
      for (const auto& id : ids) basis += id + "\n";
      ev.uuid = UuidV5(kSanadNamespace, "stix-bundle\n" + basis);
      ev.info = bundle_id_.empty() ? "STIX 2.1 objects" : "STIX 2.1 bundle " + bundle_id_;
      ev.timestamp = latest ? latest : util::Now();
      ev.date = util::FormatDate(ev.timestamp);
      for (size_t i : members)
        if (creator.empty()) creator = util::ToLower(StringOr(*objs_[i].o, "created_by_ref"));
    }
    if (!ev.timestamp) ev.timestamp = latest ? latest : util::Now();
    if (ev.date.empty()) ev.date = util::FormatDate(ev.timestamp);
    ev.distribution = opts_.distribution;
    if (!creator.empty()) {
      std::string t, u;
      if (SplitStixId(creator, &t, &u) && t == "identity") {
        ev.orgc.uuid = u;
        if (auto it = obj_by_id_.find(creator); it != obj_by_id_.end())
          ev.orgc.name = StringOr(*it->second, "name");
      }
    }
    if (ev.orgc.uuid.empty()) ev.orgc = opts_.default_orgc;

    std::map<size_t, Mapping> map;
    std::unordered_set<std::string> uuids_used = {ev.uuid};
    std::unordered_map<std::string, std::string> stix_to_misp;  // stix id -> attribute/object uuid
    std::unordered_map<std::string, size_t> attr_index;  // attribute uuid -> ev.attributes index
    if (ci >= 0) map[ci] = {ev.uuid, true, ""};
    auto claim = [&](const std::string& u) { return uuids_used.insert(u).second; };
    // Claims the uuid of objs_[i] unless `why` gives a reason not to map
    // it; false, with the object recorded as not mapped (for that reason),
    // when there is one or another object of the event already has the uuid.
    auto claim_obj = [&](size_t i, const std::string& why = {}) {
      if (why.empty() && claim(objs_[i].uuid)) return true;
      map[i] = {"", false,
                why.empty() ? "uuid already used by another object of the event" : why};
      return false;
    };
    auto add_attr = [&](size_t i, model::Attribute a) {
      stix_to_misp[objs_[i].id] = a.uuid;
      attr_index[a.uuid] = ev.attributes.size();
      map[i] = {a.uuid, true, ""};
      ev.attributes.push_back(std::move(a));
    };
    std::unordered_set<size_t> scos_claimed;

    // Pass 1: indicators, observed-data, x-misp-attribute, vulnerabilities.
    for (size_t i : members) {
      if (owner_[i] != static_cast<int>(e)) continue;
      const Obj& ob = objs_[i];
      const bj::object& o = *ob.o;
      const bj::value* labels = o.contains("labels") ? &o.at("labels") : nullptr;
      std::string hint = FindMispLabel(labels, "type");
      if (ob.type == "indicator") {
        if (!claim_obj(i)) continue;
        model::Attribute a;
        a.uuid = ob.uuid;
        Common(o, &a, ev.timestamp);
        a.to_ids = true;
        std::string pattern = StringOr(o, "pattern");
        std::string ptype = StringOr(o, "pattern_type", "stix");
        std::string type, value, why;
        std::vector<Comparison> cs;
        bool ok = false;
        if (pattern.empty()) {
          map[i] = {"", false, "indicator without a pattern"};
          uuids_used.erase(ob.uuid);
          continue;
        }
        if (ptype == "stix") {
          if (ParseSimplePattern(pattern, &cs) && MispTypeOf(cs, hint, &type, &value))
            ok = SetValue(&a, type, value, &why);
          if (!ok && !why.empty())
            out_->report.warnings.push_back(ob.id + ": pattern value not valid as " + type + " (" +
                                            why + "); kept as a stix2-pattern attribute");
          if (!ok) ok = SetValue(&a, "stix2-pattern", pattern, &why);
        } else if (ptype == "yara" || ptype == "sigma" || ptype == "snort") {
          ok = SetValue(&a, ptype, pattern, &why);
        } else {
          why = "pattern_type " + ptype + " has no MISP attribute type";
        }
        if (!ok) {
          map[i] = {"", false, why};
          uuids_used.erase(ob.uuid);
          continue;
        }
        a.category = CategoryFor(o, a.type, "");
        if (const bj::string* f = GetString(o, "valid_from")) a.first_seen = std::string(*f);
        if (const bj::string* f = GetString(o, "valid_until")) a.last_seen = std::string(*f);
        add_attr(i, std::move(a));
      } else if (ob.type == "observed-data") {
        std::string why;
        std::vector<size_t> scos;
        if (o.contains("objects"))
          why = "embedded observables (objects, STIX 2.0 style) are kept as is";
        auto it = o.find("object_refs");
        if (why.empty() && (it == o.end() || !it->value().is_array())) why = "no object_refs";
        if (why.empty())
          for (const auto& r : it->value().get_array()) {
            auto f = r.is_string() ? by_id_.find(util::ToLower(std::string(r.get_string())))
                                   : by_id_.end();
            if (f == by_id_.end() || !IsScoType(objs_[f->second].type)) {
              why = "object_refs names an object not in the bundle or not an observable";
              break;
            }
            scos.push_back(f->second);
          }
        size_t root = 0;
        if (why.empty()) {
          std::set<std::string> referenced;
          for (size_t j : scos) {
            std::vector<std::string> r;
            Refs(*objs_[j].o, false, &r);
            referenced.insert(r.begin(), r.end());
          }
          int roots = 0;
          for (size_t j : scos)
            if (!referenced.count(objs_[j].id)) {
              root = j;
              roots++;
            }
          if (roots != 1)
            why = "observed-data with " + std::to_string(roots) + " observables (one is mapped)";
        }
        model::Attribute a;
        std::vector<Comparison> cs;
        std::string type, value;
        if (why.empty() && !ComparisonsOfSco(*objs_[root].o, obj_by_id_, &cs, &why)) {
        } else if (why.empty() && !MispTypeOf(cs, hint, &type, &value)) {
          why = "observable " + objs_[root].type + " has no MISP attribute type";
        } else if (why.empty() && !SetValue(&a, type, value, &why)) {
          why = "value not valid as " + type + ": " + why;
        }
        if (!claim_obj(i, why)) continue;
        a.uuid = ob.uuid;
        Common(o, &a, ev.timestamp);
        a.to_ids = false;
        a.category = CategoryFor(o, a.type, "");
        if (const bj::string* f = GetString(o, "first_observed")) a.first_seen = std::string(*f);
        if (const bj::string* f = GetString(o, "last_observed")) a.last_seen = std::string(*f);
        std::string au = a.uuid;
        add_attr(i, std::move(a));
        for (size_t j : scos)
          if (!map.count(j) && owner_[j] == static_cast<int>(e)) {
            map[j] = {au, true, ""};
            scos_claimed.insert(j);
          }
      } else if (ob.type == "x-misp-attribute" || ob.type == "vulnerability") {
        model::Attribute a;
        std::string type, value, why;
        if (ob.type == "x-misp-attribute") {
          type = StringOr(o, "x_misp_type");
          value = StringOr(o, "x_misp_value");
          if (type.empty() || value.empty()) why = "x_misp_type or x_misp_value missing";
          auto t = o.find("x_misp_to_ids");
          a.to_ids = t != o.end() && t->value().is_bool() && t->value().get_bool();
        } else {
          type = "vulnerability";
          value = StringOr(o, "name");
          a.to_ids = FindMispLabel(labels, "to_ids") == "True";
        }
        model::CanonicalValue cv;
        if (why.empty() && !SetValue(&a, type, value, &why)) {
          why = ob.type == "vulnerability" ? "name is not a CVE id"
                                           : "value not valid as " + type + ": " + why;
        }
        if (!claim_obj(i, why)) continue;
        a.uuid = ob.uuid;
        bool to_ids = a.to_ids;
        Common(o, &a, ev.timestamp);
        a.to_ids = to_ids;
        a.category = CategoryFor(o, a.type, StringOr(o, "x_misp_category"));
        if (const bj::string* f = GetString(o, "x_misp_first_seen")) a.first_seen = std::string(*f);
        if (const bj::string* f = GetString(o, "x_misp_last_seen")) a.last_seen = std::string(*f);
        add_attr(i, std::move(a));
      }
    }
    // Pass 2: observables not used by observed-data.
    for (size_t i : members) {
      const Obj& ob = objs_[i];
      if (owner_[i] != static_cast<int>(e) || !IsScoType(ob.type) || map.count(i)) continue;
      bool referenced = false;  // by another observable of the event: goes with it
      for (size_t j : members) {
        if (j == i || !IsScoType(objs_[j].type)) continue;
        std::vector<std::string> r;
        Refs(*objs_[j].o, false, &r);
        if (std::find(r.begin(), r.end(), ob.id) != r.end()) referenced = true;
      }
      if (referenced) continue;
      std::vector<Comparison> cs;
      std::string type, value, why;
      model::Attribute a;
      if (!ComparisonsOfSco(*ob.o, obj_by_id_, &cs, &why)) {
      } else if (!MispTypeOf(cs, "", &type, &value)) {
        why = "observable " + ob.type + " has no MISP attribute type";
      } else if (!SetValue(&a, type, value, &why)) {
        why = "value not valid as " + type + ": " + why;
      }
      std::string au = UuidV5(kSanadNamespace, ev.uuid + "\n" + ob.id);
      if (why.empty() && !claim(au)) why = "already mapped";
      if (!why.empty()) {
        map[i] = {"", false, why};
        continue;
      }
      a.uuid = au;
      a.timestamp = ev.timestamp;
      a.tags = TagsOf(*ob.o);
      a.distribution = model::Distribution::kInherit;
      a.category = CategoryFor(*ob.o, a.type, "");
      add_attr(i, std::move(a));
      std::vector<std::string> r;
      Refs(*ob.o, false, &r);
      for (const auto& rid : r)
        if (auto f = by_id_.find(rid);
            f != by_id_.end() && !map.count(f->second) && owner_[f->second] == static_cast<int>(e))
          map[f->second] = {au, true, ""};
    }
    // Pass 3: x-misp-object (MISP objects) take their attributes along.
    for (size_t i : members) {
      const Obj& ob = objs_[i];
      if (owner_[i] != static_cast<int>(e) || ob.type != "x-misp-object") continue;
      const bj::object& o = *ob.o;
      if (!claim_obj(i)) continue;
      model::Object mo;
      mo.uuid = ob.uuid;
      mo.name = StringOr(o, "x_misp_name", "stix-object");
      mo.meta_category = StringOr(o, "x_misp_meta_category");
      mo.template_uuid = StringOr(o, "x_misp_template_uuid");
      mo.template_version = StringOr(o, "x_misp_template_version");
      mo.description = StringOr(o, "x_misp_description");
      mo.comment = StringOr(o, "x_misp_comment");
      if (const bj::string* f = GetString(o, "x_misp_first_seen")) mo.first_seen = std::string(*f);
      if (const bj::string* f = GetString(o, "x_misp_last_seen")) mo.last_seen = std::string(*f);
      mo.timestamp = TimeOf(o, {"modified", "created"});
      mo.distribution = model::Distribution::kInherit;
      std::vector<std::string> refs;
      if (auto it = o.find("object_refs"); it != o.end() && it->value().is_array())
        for (const auto& v : it->value().get_array())
          if (v.is_string()) refs.push_back(util::ToLower(std::string(v.get_string())));
      for (const auto& r : refs) {
        auto m = stix_to_misp.find(r);
        if (m == stix_to_misp.end()) continue;
        auto ai = attr_index.find(m->second);
        if (ai == attr_index.end() || ev.attributes[ai->second].uuid.empty()) continue;
        model::Attribute a = std::move(ev.attributes[ai->second]);
        ev.attributes[ai->second].uuid.clear();  // moved into the object
        auto f = by_id_.find(r);
        const bj::object& src = *objs_[f->second].o;
        a.object_relation =
            FindMispLabel(src.contains("labels") ? &src.at("labels") : nullptr, "object-relation");
        if (a.object_relation.empty()) a.object_relation = a.type;
        mo.attributes.push_back(std::move(a));
      }
      stix_to_misp[ob.id] = mo.uuid;
      map[i] = {mo.uuid, true, ""};
      ev.objects.push_back(std::move(mo));
    }
    ev.attributes.erase(std::remove_if(ev.attributes.begin(), ev.attributes.end(),
                                       [](const model::Attribute& a) { return a.uuid.empty(); }),
                        ev.attributes.end());
    std::unordered_map<std::string, model::Attribute*> attr_by_uuid;
    std::unordered_map<std::string, model::Object*> obj_by_uuid;
    for (auto& a : ev.attributes) attr_by_uuid[a.uuid] = &a;
    for (auto& mo : ev.objects) {
      obj_by_uuid[mo.uuid] = &mo;
      for (auto& a : mo.attributes) attr_by_uuid[a.uuid] = &a;
    }
    // Pass 4: relationships and sightings.
    std::set<std::string> sighting_orgs;
    for (size_t i : members) {
      const Obj& ob = objs_[i];
      if (owner_[i] != static_cast<int>(e) || map.count(i)) continue;
      const bj::object& o = *ob.o;
      if (ob.type == "relationship") {
        std::string src = util::ToLower(StringOr(o, "source_ref"));
        std::string dst = util::ToLower(StringOr(o, "target_ref"));
        auto s = stix_to_misp.find(src);
        auto d = stix_to_misp.find(dst);
        if (s == stix_to_misp.end() || !obj_by_uuid.count(s->second) || d == stix_to_misp.end()) {
          map[i] = {
              "", false,
              "relationship between objects MISP cannot link (references go from MISP objects)"};
          continue;
        }
        if (!claim_obj(i)) continue;
        model::ObjectReference r;
        r.uuid = ob.uuid;
        r.referenced_uuid = d->second;
        r.referenced_type = obj_by_uuid.count(d->second) ? "Object" : "Attribute";
        r.relationship_type =
            StringOr(o, "x_misp_relationship_type", StringOr(o, "relationship_type"));
        r.comment = StringOr(o, "description");
        r.timestamp = TimeOf(o, {"modified", "created"});
        obj_by_uuid[s->second]->references.push_back(std::move(r));
        map[i] = {ob.uuid, true, ""};
      } else if (ob.type == "sighting") {
        std::string of = util::ToLower(StringOr(o, "sighting_of_ref"));
        auto m = stix_to_misp.find(of);
        if (m == stix_to_misp.end() || !attr_by_uuid.count(m->second)) {
          map[i] = {"", false, "sighting of an object that is not a MISP attribute"};
          continue;
        }
        if (!claim_obj(i)) continue;
        model::Sighting s;
        s.uuid = ob.uuid;
        s.date_sighting = TimeOf(o, {"last_seen", "first_seen", "modified", "created"});
        std::string t = StringOr(o, "x_misp_sighting_type");
        if (!t.empty() && !model::Parse(t, &s.type)) s.type = model::SightingType::kSeen;
        s.source = StringOr(o, "x_misp_source");
        if (auto it = o.find("where_sighted_refs"); it != o.end() && it->value().is_array() &&
                                                    !it->value().get_array().empty() &&
                                                    it->value().get_array()[0].is_string()) {
          std::string who = util::ToLower(std::string(it->value().get_array()[0].get_string()));
          std::string wt, wu;
          if (SplitStixId(who, &wt, &wu) && wt == "identity") {
            s.org.uuid = wu;
            if (auto f = obj_by_id_.find(who); f != obj_by_id_.end())
              s.org.name = StringOr(*f->second, "name");
            sighting_orgs.insert(who);
          }
          if (it->value().get_array().size() > 1)
            out_->report.warnings.push_back(
                ob.id + ": only the first of where_sighted_refs becomes the MISP reporter");
        }
        if (auto it = o.find("count");
            it != o.end() && it->value().is_int64() && it->value().get_int64() != 1)
          out_->report.warnings.push_back(ob.id + ": count " +
                                          std::to_string(it->value().get_int64()) +
                                          " stored as one MISP sighting (the original is kept)");
        attr_by_uuid[m->second]->sightings.push_back(std::move(s));
        map[i] = {ob.uuid, true, ""};
      }
    }
    // Everything else, and the event's TLP (no kept object may be marked
    // stricter than the event that carries it).
    model::Tlp strictest = model::StrictestTlp(ev.tags);
    std::string creator_id = ev.orgc.uuid.empty() ? "" : "identity--" + ev.orgc.uuid;
    for (size_t i : members) {
      const Obj& ob = objs_[i];
      model::Tlp t = ObjectTlp(*ob.o);
      if (static_cast<int>(t) > static_cast<int>(strictest)) strictest = t;
      if (map.count(i)) continue;
      if (ob.type == "identity") {
        bool mine = ob.id == creator_id || sighting_orgs.count(ob.id);
        map[i] = {"", mine, mine ? "" : "identity other than the creator or a sighting reporter"};
      } else if (ob.type == "marking-definition") {
        bool tlp = TlpFromMarkingId(ob.id) != model::Tlp::kNone;
        map[i] = {"", tlp, tlp ? "" : "marking-definition other than TLP"};
      } else if (IsScoType(ob.type)) {
        map[i] = {"", false, "observable only referenced by objects Sanad does not map"};
      } else {
        map[i] = {"", false, ob.type + " has no MISP equivalent"};
      }
    }
    if (strictest != model::StrictestTlp(ev.tags)) {
      ev.tags.erase(std::remove_if(ev.tags.begin(), ev.tags.end(),
                                   [](const model::Tag& t) {
                                     return model::ClassifyTag(t.name) == model::TagKind::kTlp;
                                   }),
                    ev.tags.end());
      ev.tags.push_back(model::Tag{model::TlpTagName(strictest), "", true, false});
      out_->report.warnings.push_back("event " + ev.uuid + ": marked " +
                                      model::TlpLabel(strictest) +
                                      ", the strictest TLP among its objects");
    }
    // Rows, and the report.
    for (size_t i : members) {
      const Obj& ob = objs_[i];
      const Mapping& m = map[i];
      KeptObject k;
      k.stix_id = ob.id;
      k.type = ob.type;
      k.json = bj::serialize(*ob.o);
      k.misp_uuid = m.misp_uuid;
      pe.objects.push_back(std::move(k));
      if (owner_[i] != static_cast<int>(e)) continue;  // counted with its first event
      if (m.mapped) {
        out_->report.mapped++;
      } else {
        out_->report.kept_unmapped++;
        out_->report.unmapped.push_back(ob.type + " " + ob.id + ": " + m.reason);
      }
    }
    out_->events.push_back(std::move(pe));
    return Status::Ok();
  }

  const ParseOptions& opts_;
  ParsedBundle* out_;
  bj::value root_;
  bj::array single_array_;
  bool single_ = false;
  std::string bundle_id_;
  std::vector<Obj> objs_;
  std::unordered_map<std::string, size_t> by_id_;
  std::map<std::string, const bj::object*> obj_by_id_;
  std::vector<int> events_;  // container index per event, -1 for the bundle event
  std::vector<int> owner_;
  std::vector<std::set<size_t>> extra_;
};

}  // namespace

StatusOr<ParsedBundle> ParseBundle(std::string_view json, const ParseOptions& o) {
  ParsedBundle out;
  Parser p(o, &out);
  SANAD_RETURN_IF_ERROR(p.Run(json));
  return out;
}

namespace {

StatusOr<model::OrgRef> ResolveOrg(store::Store* s, const model::OrgRef& ref, ImportReport* r) {
  auto found = s->community().FindOrg(ref.uuid);
  if (found.ok()) return model::OrgRef{found->id, found->uuid, found->name};
  model::Org ext;
  ext.uuid = ref.uuid;
  ext.name = ref.name.empty() ? "external " + ref.uuid.substr(0, 8)
                              : model::TruncateChars(ref.name, model::kMaxOrgNameChars - 11);
  if (s->community().FindOrg(ext.name).ok()) ext.name += " (" + ref.uuid.substr(0, 8) + ")";
  ext.status = model::OrgStatus::kExternal;
  ext.kind = model::OrgKind::kObserver;
  ext.category = model::MembershipCategory::kAffiliate;
  SANAD_RETURN_IF_ERROR(s->community().AddOrg(&ext).WithContext("creator identity--" + ref.uuid));
  r->external_orgs_created.push_back(ext.name + " " + ext.uuid);
  return model::OrgRef{ext.id, ext.uuid, ext.name};
}

// Moves an attribute that another stored event holds out of the mapping:
// its originals stay as kept objects of this event.
Status DemoteForeign(store::Store* s, int64_t own_event_id, ParsedEvent* pe, ImportReport* r) {
  std::unordered_set<std::string> foreign;
  auto check = [&](const model::Attribute& a) -> Status {
    auto id = s->intel().FindAttributeId(a.uuid);
    if (!id.ok()) return Status::Ok();
    std::vector<store::IndexRow> rows;
    SANAD_RETURN_IF_ERROR(s->intel().UnfilteredGetAttributes({*id}, &rows));
    if (!rows.empty() && rows[0].event_id != own_event_id) foreign.insert(a.uuid);
    return Status::Ok();
  };
  for (const auto& a : pe->event.attributes) SANAD_RETURN_IF_ERROR(check(a));
  for (const auto& o : pe->event.objects)
    for (const auto& a : o.attributes) SANAD_RETURN_IF_ERROR(check(a));
  if (foreign.empty()) return Status::Ok();
  auto drop = [&](std::vector<model::Attribute>* v) {
    v->erase(std::remove_if(v->begin(), v->end(),
                            [&](const model::Attribute& a) { return foreign.count(a.uuid) > 0; }),
             v->end());
  };
  drop(&pe->event.attributes);
  for (auto& o : pe->event.objects) {
    drop(&o.attributes);
    o.references.erase(std::remove_if(o.references.begin(), o.references.end(),
                                      [&](const model::ObjectReference& x) {
                                        return foreign.count(x.referenced_uuid) > 0;
                                      }),
                       o.references.end());
  }
  for (auto& k : pe->objects)
    if (foreign.count(k.misp_uuid)) {
      k.misp_uuid.clear();
      r->mapped--;
      r->kept_unmapped++;
      r->unmapped.push_back(k.type + " " + k.stix_id +
                            ": already stored in another event (kept here as is)");
    }
  return Status::Ok();
}

}  // namespace

StatusOr<ImportReport> ImportBundle(store::Store* s, std::string_view json, const ImportParams& p) {
  auto org = s->community().GetOrg(p.org_id);
  if (!org.ok()) return org.status();
  ParseOptions po;
  po.default_orgc = {org->id, org->uuid, org->name};
  po.distribution = p.distribution;
  auto parsed = ParseBundle(json, po);
  if (!parsed.ok()) return parsed.status();
  ImportReport r = std::move(parsed->report);
  auto viewer = s->community().ViewerFor(p.org_id);
  if (!viewer.ok()) return viewer.status();
  model::SharingGroupRef group;
  if (p.distribution == model::Distribution::kSharingGroup) {
    auto sg = s->community().GetSharingGroup(p.sharing_group_id);
    if (!sg.ok()) return Status::Invalid("sharing group " + std::to_string(p.sharing_group_id) +
                                         " does not exist");
    if (!viewer->InGroup(sg->id))
      return Status::Permission("the importing organisation is not in sharing group " + sg->name);
    group = {sg->id, sg->uuid, sg->name};
  }
  auto ss = store::NewStixStore(s);
  for (auto& pe : parsed->events) {
    model::Event& ev = pe.event;
    auto head = s->events().FindEventHead(ev.uuid);
    if (head.ok() && !policy::HoldsEvent(p.org_id, head->org_id)) {
      r.warnings.push_back(policy::NotHolderNote("event " + ev.uuid));
      r.unchanged++;
      continue;
    }
    SANAD_RETURN_IF_ERROR(DemoteForeign(s, head.ok() ? head->id : 0, &pe, &r));
    auto orgc = ResolveOrg(s, ev.orgc, &r);
    if (!orgc.ok()) return orgc.status();
    ev.orgc = *orgc;
    if (!head.ok() && ev.orgc.id != p.org_id) {
      auto creator = s->community().GetOrg(ev.orgc.id);
      if (!creator.ok()) return creator.status();
      SANAD_RETURN_IF_ERROR(policy::CheckCreator(p.creators, p.org_id, *creator,
                                                 "event " + ev.uuid + " (created_by_ref)"));
    }
    ev.org = {org->id, org->uuid, org->name};
    if (p.distribution == model::Distribution::kSharingGroup) ev.sharing_group = group;
    auto fix_sightings = [&](model::Attribute& a) -> Status {
      for (auto& x : a.sightings) {
        if (x.org.uuid.empty()) continue;
        auto ref = ResolveOrg(s, x.org, &r);
        if (!ref.ok()) return ref.status();
        x.org = *ref;
      }
      return Status::Ok();
    };
    for (auto& a : ev.attributes) SANAD_RETURN_IF_ERROR(fix_sightings(a));
    for (auto& o : ev.objects) {
      if (!o.timestamp) o.timestamp = ev.timestamp;
      for (auto& a : o.attributes) SANAD_RETURN_IF_ERROR(fix_sightings(a));
      for (auto& x : o.references)
        if (!x.timestamp) x.timestamp = o.timestamp;
    }
    auto outcome = s->events().UpsertEvent(&ev);
    if (!outcome.ok()) return outcome.status().WithContext("event " + ev.uuid);
    if (*outcome == store::UpsertOutcome::kUnchanged) {
      r.unchanged++;
      continue;
    }
    if (*outcome == store::UpsertOutcome::kSkippedOlder) {
      r.skipped_older++;
      r.warnings.push_back("event " + ev.uuid + ": older than the stored version; skipped");
      continue;
    }
    r.events++;
    (*outcome == store::UpsertOutcome::kCreated ? r.created : r.updated)++;
    if (p.actor)
      SANAD_RETURN_IF_ERROR(audit::Record(
          s, *p.actor,
          *outcome == store::UpsertOutcome::kCreated ? audit::action::kEventCreate
                                                     : audit::action::kEventUpdate,
          "event", ev.uuid, ev.orgc.uuid, "stix21 import"));
    // Keep the originals, then fingerprint the mapped groups against what
    // Sanad exports for the event as stored.
    SANAD_RETURN_IF_ERROR(ss->PutEventObjects(ev.id, pe.objects));
    auto stored = s->events().GetEvent(*viewer, ev.uuid, true);
    if (!stored.ok()) return stored.status().WithContext("event " + ev.uuid);
    std::vector<store::StixObject> rows;
    SANAD_RETURN_IF_ERROR(ss->ListEventObjects(stored->id, &rows));
    std::vector<std::string> kept_ids;
    for (const auto& k : rows)
      if (k.misp_uuid.empty()) kept_ids.push_back(k.stix_id);
    std::vector<model::Sighting> sightings;
    SANAD_RETURN_IF_ERROR(VisibleSightings(s, *stored, &*viewer, &sightings));
    for (bool grouping : {false, true}) {
      Generated g = Generate(*stored, sightings, kept_ids, grouping);
      std::unordered_map<std::string, std::string> fp;
      for (const auto& it : g.items) fp[it.misp_uuid] = Fingerprint(it.objects);
      std::string cfp = Fingerprint({g.container});
      std::string ctype = grouping ? "grouping" : "report";
      for (auto& k : rows) {
        if (k.misp_uuid.empty()) continue;
        if (k.misp_uuid == ev.uuid) {
          if (k.type == ctype) k.fingerprint = cfp;
        } else if (!grouping) {
          auto f = fp.find(k.misp_uuid);
          k.fingerprint = f == fp.end() ? "" : f->second;
        }
      }
    }
    SANAD_RETURN_IF_ERROR(ss->PutEventObjects(stored->id, rows));
  }
  return r;
}

}  // namespace sanad::stix
