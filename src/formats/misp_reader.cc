// The MISP reader's paths, messages, notes and typed value readers, the parts
// several items contain (organisation references, sharing groups, tags,
// sightings) and the JSON text parser (see misp_reader.h).
#include "formats/misp_reader.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/util.h"

namespace sanad::formats::internal {
namespace {

// The latest timestamp accepted anywhere in MISP JSON: 9999-12-31T23:59:59Z.
constexpr int64_t kMaxTimestamp = 253402300799;

constexpr size_t kMaxWarnings = 1000;  // per document; the rest are counted

// Adds `key` to `seen`, and `pattern.key` to `list`, unless already there.
void Note(std::vector<std::string>* seen, const std::string& pattern, std::string_view key,
          std::vector<std::string>* list) {
  for (const auto& s : *seen)
    if (s == key) return;
  seen->emplace_back(key);
  std::string p = pattern;
  p += '.';
  p += key;
  if (std::find(list->begin(), list->end(), p) == list->end()) list->push_back(std::move(p));
}

}  // namespace

const char* KindName(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::null:
      return "null";
    case bj::kind::bool_:
      return "a boolean";
    case bj::kind::int64:
    case bj::kind::uint64:
      return "an integer";
    case bj::kind::double_:
      return "a number";
    case bj::kind::string:
      return "a string";
    case bj::kind::array:
      return "an array";
    case bj::kind::object:
      return "an object";
  }
  return "an unknown value";
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string r = "\"";
  size_t n = std::min(s.size(), kMax);
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      r += '?';
    } else {
      r += static_cast<char>(c);
    }
  }
  if (s.size() > kMax) r += "...";
  r += '"';
  return r;
}

std::string Describe(const bj::value& v) {
  if (v.is_string()) return "the string " + Quote(Sv(v.get_string()));
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return KindName(v);
}

// ---- paths, messages and notes ---------------------------------------------

Scope* Scope::Child(std::string_view seg, bool array) {
  for (auto& [k, c] : children)
    if (k == seg) return c.get();
  auto c = std::make_unique<Scope>();
  c->pattern = pattern;
  c->pattern += '.';
  c->pattern += seg;
  if (array) c->pattern += "[]";
  Scope* raw = c.get();
  children.emplace_back(std::string(seg), std::move(c));
  return raw;
}

Scope* Reader::RootScope(std::string_view pattern) {
  for (auto& s : roots_)
    if (s->pattern == pattern) return s.get();
  roots_.push_back(std::make_unique<Scope>());
  roots_.back()->pattern = std::string(pattern);
  return roots_.back().get();
}

void Reader::FlushWarnings() {
  if (warnings_dropped_ > 0) {
    notes_->warnings.push_back(std::string(source_) + ": " + std::to_string(warnings_dropped_) +
                               " more warnings not shown");
    warnings_dropped_ = 0;
  }
}

std::string Reader::PathText() const {
  std::string p = root_;
  for (const Seg& s : path_) {
    if (s.is_index) {
      p += '[';
      p += std::to_string(s.index);
      p += ']';
    } else {
      p += '.';
      p += s.key;
    }
  }
  return p;
}

std::string Reader::Where(std::string_view key) const {
  std::string w(source_);
  w += ": ";
  w += PathText();
  if (!key.empty()) {
    w += '.';
    w += key;
  }
  return w;
}

Status Reader::Invalid(std::string_view msg) const {
  return Status::Invalid(Where() + ": " + std::string(msg));
}

Status Reader::InvalidAt(std::string_view key, std::string_view msg) const {
  return Status::Invalid(Where(key) + ": " + std::string(msg));
}

Status Reader::LimitAt(std::string_view key, std::string_view msg) const {
  return Status::Limit(Where(key) + ": " + std::string(msg));
}

Status Reader::TypeError(std::string_view key, const char* expected, const bj::value& v) const {
  return InvalidAt(key, std::string("expected ") + expected + ", got " + KindName(v));
}

Status Reader::Missing(std::string_view key) const {
  return InvalidAt(key, "missing required field");
}

void Reader::Warn(std::string_view key, std::string_view msg) {
  if (warnings_emitted_ >= kMaxWarnings) {
    ++warnings_dropped_;
    return;
  }
  ++warnings_emitted_;
  notes_->warnings.push_back(Where(key) + ": " + std::string(msg));
}

void Reader::NoteIgnored(Scope* sc, std::string_view key) {
  Note(&sc->ignored, sc->pattern, key, &notes_->ignored_fields);
}

void Reader::Preserve(Scope* sc, std::string_view key, const bj::value& v, bj::object* extra) {
  extra->insert_or_assign(bj::string_view(key.data(), key.size()), v);
  Note(&sc->preserved, sc->pattern, key, &notes_->preserved_fields);
}

// ---- typed value readers ---------------------------------------------------

Status Reader::Str(std::string_view key, const bj::value& v, std::string* out, size_t max) {
  if (v.is_null()) return Status::Ok();
  if (!v.is_string()) return TypeError(key, "a string", v);
  const bj::string& s = v.get_string();
  if (s.size() > max)
    return LimitAt(key, "is " + std::to_string(s.size()) + " bytes, more than the limit of " +
                            std::to_string(max) + " bytes");
  out->assign(s.data(), s.size());
  return Status::Ok();
}

Status Reader::Int(std::string_view key, const bj::value& v, int64_t lo, int64_t hi, int64_t* out,
                   bool* present) {
  if (present) *present = false;
  int64_t n = 0;
  if (v.is_null()) return Status::Ok();
  if (v.is_int64()) {
    n = v.get_int64();
  } else if (v.is_uint64()) {
    return InvalidAt(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                              ", got " + std::to_string(v.get_uint64()));
  } else if (v.is_string()) {
    std::string_view s = Sv(v.get_string());
    if (s.empty()) return Status::Ok();
    size_t i = 0;
    bool neg = false;
    if (s[0] == '-') {
      neg = true;
      i = 1;
    }
    if (i == s.size() || s.size() - i > 18)
      return InvalidAt(key, "expected an integer, got " + Describe(v));
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9')
        return InvalidAt(key, "expected an integer, got " + Describe(v));
      n = n * 10 + (s[i] - '0');
    }
    if (neg) n = -n;
  } else {
    return TypeError(key, "an integer or a string of digits", v);
  }
  if (n < lo || n > hi)
    return InvalidAt(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                              ", got " + std::to_string(n));
  *out = n;
  if (present) *present = true;
  return Status::Ok();
}

Status Reader::Ts(std::string_view key, const bj::value& v, int64_t* out) {
  return Int(key, v, 0, kMaxTimestamp, out);
}

Status Reader::Bool(std::string_view key, const bj::value& v, bool* out) {
  switch (v.kind()) {
    case bj::kind::null:
      return Status::Ok();
    case bj::kind::bool_:
      *out = v.get_bool();
      return Status::Ok();
    case bj::kind::int64:
      if (v.get_int64() == 0 || v.get_int64() == 1) {
        *out = v.get_int64() == 1;
        return Status::Ok();
      }
      break;
    case bj::kind::uint64:
      break;
    case bj::kind::string: {
      std::string_view s = Sv(v.get_string());
      if (s == "1" || s == "true") {
        *out = true;
        return Status::Ok();
      }
      if (s == "0" || s == "false") {
        *out = false;
        return Status::Ok();
      }
      if (s.empty()) return Status::Ok();
      break;
    }
    default:
      return TypeError(key, "a boolean", v);
  }
  return InvalidAt(key, "expected a boolean (true/false, 0/1 or \"0\"/\"1\"), got " + Describe(v));
}

Status Reader::Uuid(std::string_view key, const bj::value& v, std::string* out) {
  if (!v.is_string()) return TypeError(key, "a UUID string", v);
  std::string_view s = Sv(v.get_string());
  if (!util::IsUuid(s)) return InvalidAt(key, "not a valid UUID: " + Quote(s));
  *out = util::LowerUuid(s);
  return Status::Ok();
}

Status Reader::OwnUuid(const bj::object& o, std::string* out) {
  const bj::value* u = o.if_contains("uuid");
  if (!u) return Missing("uuid");
  return Uuid("uuid", *u, out);
}

Status Reader::Iso(std::string_view key, const bj::value& v, std::optional<std::string>* out) {
  if (v.is_null()) return Status::Ok();
  if (!v.is_string()) return TypeError(key, "an ISO-8601 date-time string", v);
  std::string_view s = Sv(v.get_string());
  int64_t t;
  if (s.size() > 64 || !util::ParseIso8601(s, &t))
    return InvalidAt(key, "not an ISO-8601 date-time: " + Quote(s));
  *out = std::string(s);
  return Status::Ok();
}

Status Reader::Dist(std::string_view key, const bj::value& v, bool event, int* out) {
  int64_t n = 0;
  bool present = false;
  if (v.is_int64() || v.is_string()) {
    // Give a distribution-specific message for out-of-range values.
    Status st = Int(key, v, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max(), &n, &present);
    if (!st.ok()) return st;
    if (!present) return Status::Ok();
    if (event && n == 5)
      return InvalidAt(key, "distribution 5 (inherit) is not valid for an event");
    int64_t hi = event ? 4 : 5;
    if (n < 0 || n > hi)
      return InvalidAt(key, "distribution must be between 0 and " + std::to_string(hi) + ", got " +
                                std::to_string(n));
    *out = static_cast<int>(n);
    return Status::Ok();
  }
  if (v.is_null()) return Status::Ok();
  if (v.is_uint64())
    return InvalidAt(key, "distribution must be between 0 and " + std::string(event ? "4" : "5") +
                              ", got " + std::to_string(v.get_uint64()));
  return TypeError(key, "a distribution level (0-5)", v);
}

Status Reader::Array(std::string_view key, const bj::value& v, const bj::array** out) {
  *out = nullptr;
  if (v.is_null()) return Status::Ok();
  if (!v.is_array()) return TypeError(key, "an array", v);
  *out = &v.get_array();
  return Status::Ok();
}

Status Reader::Obj(std::string_view key, const bj::value& v, const bj::object** out) {
  *out = nullptr;
  if (v.is_null()) return Status::Ok();
  if (v.is_array() && v.get_array().empty()) return Status::Ok();  // PHP's empty "object"
  if (!v.is_object()) return TypeError(key, "an object", v);
  *out = &v.get_object();
  return Status::Ok();
}

// ---- organisation references and sharing groups ----------------------------

Status Reader::OrgRef(std::string_view key, const bj::value& v, Scope* parent, model::OrgRef* out) {
  const bj::object* o;
  SANAD_RETURN_IF_ERROR(Obj(key, v, &o));
  if (!o) return Status::Ok();
  Scope* sc = parent->Child(key, false);
  Push p(this, key);
  for (const auto& kv : *o) {
    std::string_view k = Sv(kv.key());
    const bj::value& f = kv.value();
    if (k == "uuid") {
      if (f.is_null() || (f.is_string() && f.get_string().empty())) continue;
      SANAD_RETURN_IF_ERROR(Uuid(k, f, &out->uuid));
    } else if (k == "name") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &out->name));
    } else {
      NoteIgnored(sc, k);
    }
  }
  return Status::Ok();
}

Status Reader::SharingGroupDef(const bj::object& o, Scope* sc, model::SharingGroup* out) {
  bool has_uuid = false;
  auto parse_time = [](const bj::value& f, int64_t* t) {
    if (f.is_int64() && f.get_int64() >= 0) {
      *t = f.get_int64();
    } else if (f.is_string()) {
      std::string_view s = Sv(f.get_string());
      int64_t x;
      if (util::ParseIso8601(s, &x)) {
        *t = x;
      } else if (!s.empty() && s.size() < 19 &&
                 std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        *t = std::stoll(std::string(s));
      }
    }
  };
  for (const auto& kv : o) {
    std::string_view k = Sv(kv.key());
    const bj::value& f = kv.value();
    if (k == "uuid") {
      SANAD_RETURN_IF_ERROR(Uuid(k, f, &out->uuid));
      has_uuid = true;
    } else if (k == "name") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &out->name));
    } else if (k == "releasability") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &out->releasability));
    } else if (k == "description") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &out->description));
    } else if (k == "Organisation") {
      SANAD_RETURN_IF_ERROR(OrgRef(k, f, sc, &out->owner));
    } else if (k == "SharingGroupOrg") {
      const bj::array* a;
      SANAD_RETURN_IF_ERROR(Array(k, f, &a));
      if (!a) continue;
      Scope* msc = sc->Child(k, true);
      Push p(this, k);
      for (size_t i = 0; i < a->size(); ++i) {
        Push pi(this, i);
        const bj::value& m = (*a)[i];
        if (!m.is_object()) return Invalid(std::string("expected an object, got ") + KindName(m));
        model::OrgRef org;
        for (const auto& mkv : m.get_object()) {
          if (Sv(mkv.key()) == "Organisation") {
            SANAD_RETURN_IF_ERROR(OrgRef("Organisation", mkv.value(), msc, &org));
          } else {
            NoteIgnored(msc, Sv(mkv.key()));
          }
        }
        if (org.uuid.empty()) continue;
        bool dup = false;
        for (const auto& e : out->members) dup |= e.uuid == org.uuid;
        if (!dup) out->members.push_back(std::move(org));
      }
    } else if (k == "created") {
      parse_time(f, &out->created);
    } else if (k == "modified") {
      parse_time(f, &out->modified);
    } else {
      NoteIgnored(sc, k);
    }
  }
  if (!has_uuid) return Missing("uuid");
  if (!out->owner.uuid.empty()) {
    bool found = false;
    for (const auto& e : out->members) found |= e.uuid == out->owner.uuid;
    if (!found) out->members.insert(out->members.begin(), out->owner);
  }
  return Status::Ok();
}

Status Reader::SharingGroupFor(Scope* sc, int dist, const bj::value* sg, const bj::value* sg_id,
                               model::SharingGroupRef* out) {
  if (sg_id) NoteIgnored(sc, "sharing_group_id");
  const bj::object* o = nullptr;
  if (sg) SANAD_RETURN_IF_ERROR(Obj("SharingGroup", *sg, &o));
  if (o && dist != static_cast<int>(model::Distribution::kSharingGroup)) {
    NoteIgnored(sc, "SharingGroup");
    return Status::Ok();
  }
  if (dist != static_cast<int>(model::Distribution::kSharingGroup)) return Status::Ok();
  if (!o)
    return InvalidAt("distribution",
                     "distribution 4 (sharing group) needs a \"SharingGroup\" object with a uuid");
  model::SharingGroup def;
  {
    Push p(this, "SharingGroup");
    SANAD_RETURN_IF_ERROR(SharingGroupDef(*o, sc->Child("SharingGroup", false), &def));
  }
  out->uuid = def.uuid;
  out->name = def.name;
  for (auto& g : notes_->sharing_groups) {
    if (g.uuid != def.uuid) continue;
    // Merge: fields missing from the definition seen first are filled in.
    if (g.name.empty()) g.name = def.name;
    if (g.releasability.empty()) g.releasability = def.releasability;
    if (g.description.empty()) g.description = def.description;
    if (g.owner.uuid.empty()) g.owner = def.owner;
    if (g.members.empty()) g.members = def.members;
    if (g.created == 0) g.created = def.created;
    if (g.modified == 0) g.modified = def.modified;
    return Status::Ok();
  }
  notes_->sharing_groups.push_back(std::move(def));
  return Status::Ok();
}

// ---- tags and sightings -----------------------------------------------------

Status Reader::Tags(const bj::value& v, Scope* parent, std::vector<model::Tag>* out) {
  if (v.is_null()) return Status::Ok();
  if (!v.is_array()) return Invalid(std::string("expected an array of tags, got ") + KindName(v));
  const bj::array& a = v.get_array();
  if (a.size() > kMaxTagsPerItem)
    return Status::Limit(Where() + ": " + std::to_string(a.size()) + " tags, more than the " +
                         std::to_string(kMaxTagsPerItem) + " allowed on one item");
  Scope* sc = parent->Child("Tag", true);
  out->reserve(out->size() + a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    Push p(this, i);
    model::Tag t;
    SANAD_RETURN_IF_ERROR(TagAt(a[i], sc, &t));
    out->push_back(std::move(t));
  }
  return Status::Ok();
}

Status Reader::TagAt(const bj::value& v, Scope* sc, model::Tag* t) {
  if (!v.is_object()) return Invalid(std::string("expected a tag object, got ") + KindName(v));
  bool has_name = false;
  for (const auto& kv : v.get_object()) {
    std::string_view k = Sv(kv.key());
    const bj::value& f = kv.value();
    if (k == "name") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &t->name));
      has_name = !f.is_null();
    } else if (k == "colour") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &t->colour, 64));
    } else if (k == "exportable") {
      SANAD_RETURN_IF_ERROR(Bool(k, f, &t->exportable));
    } else if (k == "local") {
      SANAD_RETURN_IF_ERROR(Bool(k, f, &t->local));
    } else {
      NoteIgnored(sc, k);
    }
  }
  if (!has_name) return Missing("name");
  if (t->name.empty()) return InvalidAt("name", "must not be empty");
  return Status::Ok();
}

Status Reader::Sightings(const bj::value& v, Scope* parent, const std::string& attr_uuid,
                         std::vector<model::Sighting>* out) {
  const bj::array* a;
  SANAD_RETURN_IF_ERROR(Array("Sighting", v, &a));
  if (!a) return Status::Ok();
  Scope* sc = parent->Child("Sighting", true);
  Push p(this, "Sighting");
  out->reserve(out->size() + a->size());
  for (size_t i = 0; i < a->size(); ++i) {
    Push pi(this, i);
    const bj::value& sv = (*a)[i];
    if (!sv.is_object())
      return Invalid(std::string("expected a sighting object, got ") + KindName(sv));
    model::Sighting s;
    s.attribute_uuid = attr_uuid;
    for (const auto& kv : sv.get_object()) {
      std::string_view k = Sv(kv.key());
      const bj::value& f = kv.value();
      if (k == "uuid") {
        if (f.is_null() || (f.is_string() && f.get_string().empty())) continue;
        SANAD_RETURN_IF_ERROR(Uuid(k, f, &s.uuid));
      } else if (k == "type") {
        int64_t n = 0;
        SANAD_RETURN_IF_ERROR(Int(k, f, 0, 2, &n));
        s.type = static_cast<model::SightingType>(n);
      } else if (k == "date_sighting") {
        SANAD_RETURN_IF_ERROR(Ts(k, f, &s.date_sighting));
      } else if (k == "source") {
        SANAD_RETURN_IF_ERROR(Str(k, f, &s.source));
      } else if (k == "Organisation") {
        SANAD_RETURN_IF_ERROR(OrgRef(k, f, sc, &s.org));
      } else {
        NoteIgnored(sc, k);
      }
    }
    out->push_back(std::move(s));
  }
  return Status::Ok();
}

// ---- JSON text --------------------------------------------------------------

// `out` is move-constructed so that the DOM stays in `mr` (assigning would
// copy it into the default heap).
Status ParseJson(std::string_view json, std::string_view source, bj::monotonic_resource* mr,
                 std::optional<bj::value>* out) {
  bj::parse_options po;
  po.max_depth = kMaxJsonDepth;
  bj::stream_parser p(bj::storage_ptr(), po);
  p.reset(mr);
  bj::error_code ec;
  size_t n = p.write_some(json.data(), json.size(), ec);
  size_t at = n;
  std::string what;
  if (ec) {
    what = ec.message();
  } else if (!p.done()) {
    p.finish(ec);
    if (ec) what = ec.message();
    at = json.size();
  }
  if (what.empty() && p.done()) {
    while (at < json.size() &&
           (json[at] == ' ' || json[at] == '\t' || json[at] == '\n' || json[at] == '\r'))
      ++at;
    if (at < json.size()) what = "unexpected content after the JSON value";
  }
  if (!what.empty() || !p.done()) {
    if (what.empty()) what = "incomplete JSON";
    at = std::min(at, json.size());
    size_t line = 1, col = 1;
    for (size_t i = 0; i < at; ++i) {
      if (json[i] == '\n') {
        ++line;
        col = 1;
      } else if ((static_cast<unsigned char>(json[i]) & 0xC0) != 0x80) {
        ++col;
      }
    }
    return Status::Invalid(std::string(source) + ": line " + std::to_string(line) + ", column " +
                           std::to_string(col) + ": malformed JSON: " + what);
  }
  out->emplace(p.release());
  return Status::Ok();
}

Status CheckSize(std::string_view json, std::string_view source) {
  if (json.size() > kMaxFileBytes)
    return Status::Limit(std::string(source) + ": " + std::to_string(json.size()) +
                         " bytes, more than the limit of " + std::to_string(kMaxFileBytes) +
                         " bytes per file");
  return Status::Ok();
}

}  // namespace sanad::formats::internal
