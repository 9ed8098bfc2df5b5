// MISP core JSON reading and writing (see misp.h).
//
// Reading parses the whole document into a Boost.JSON DOM allocated from a
// monotonic resource, then walks it once. Paths for error messages are kept
// as a stack of segments and only turned into text when an error occurs;
// notes about preserved/ignored fields are de-duplicated per path pattern via
// a tree of Scope objects so the hot path does no string building.
#include "formats/misp.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "model/canon.h"
#include "model/types.h"
#include "util/util.h"

namespace sanad::formats {
namespace {

// The latest timestamp accepted anywhere in MISP JSON: 9999-12-31T23:59:59Z.
constexpr int64_t kMaxTimestamp = 253402300799;

namespace bj = boost::json;

constexpr size_t kMaxJsonDepth = 64;
constexpr size_t kMaxWarnings = 1000;  // per document; the rest are counted

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

std::string_view Sv(const bj::string& s) { return std::string_view(s.data(), s.size()); }
std::string_view Sv(bj::string_view s) { return std::string_view(s.data(), s.size()); }

// A short quoted rendering of a user value for messages.
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

// One node of the path-pattern tree ("$.Event.Attribute[]").
struct Scope {
  std::string pattern;
  std::vector<std::pair<std::string, std::unique_ptr<Scope>>> children;
  std::vector<std::string> preserved;  // keys already reported as preserved here
  std::vector<std::string> ignored;    // keys already reported as ignored here

  Scope* Child(std::string_view seg, bool array) {
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
};

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

class Reader {
 public:
  Reader(std::string_view source, ParseNotes* notes)
      : source_(source), notes_(notes ? notes : &local_notes_) {}

  ~Reader() = default;

  Status Document(const bj::value& root, std::vector<model::Event>* out);
  // Parses `v` as an event at the current path, with pattern `root_pattern`.
  Status EventAt(const bj::value& v, std::string_view root_pattern, model::Event* ev);
  void FlushWarnings() {
    if (warnings_dropped_ > 0) {
      notes_->warnings.push_back(std::string(source_) + ": " + std::to_string(warnings_dropped_) +
                                 " more warnings not shown");
      warnings_dropped_ = 0;
    }
  }

  void SetRoot(std::string root) { root_ = std::move(root); }

 private:
  struct Seg {
    std::string_view key;
    size_t index;
    bool is_index;
  };
  // RAII path segment.
  class Push {
   public:
    Push(Reader* r, std::string_view key) : r_(r) { r_->path_.push_back({key, 0, false}); }
    Push(Reader* r, size_t index) : r_(r) { r_->path_.push_back({{}, index, true}); }
    ~Push() { r_->path_.pop_back(); }
    Push(const Push&) = delete;
    Push& operator=(const Push&) = delete;

   private:
    Reader* r_;
  };

  std::string PathText() const {
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
  std::string Where(std::string_view key = {}) const {
    std::string w(source_);
    w += ": ";
    w += PathText();
    if (!key.empty()) {
      w += '.';
      w += key;
    }
    return w;
  }
  Status Invalid(std::string_view msg) const {
    return Status::Invalid(Where() + ": " + std::string(msg));
  }
  Status InvalidAt(std::string_view key, std::string_view msg) const {
    return Status::Invalid(Where(key) + ": " + std::string(msg));
  }
  Status LimitAt(std::string_view key, std::string_view msg) const {
    return Status::Limit(Where(key) + ": " + std::string(msg));
  }
  Status TypeError(std::string_view key, const char* expected, const bj::value& v) const {
    return InvalidAt(key, std::string("expected ") + expected + ", got " + KindName(v));
  }
  Status Missing(std::string_view key) const { return InvalidAt(key, "missing required field"); }
  void Warn(std::string_view key, std::string_view msg) {
    if (warnings_emitted_ >= kMaxWarnings) {
      ++warnings_dropped_;
      return;
    }
    ++warnings_emitted_;
    notes_->warnings.push_back(Where(key) + ": " + std::string(msg));
  }

  static void Note(std::vector<std::string>* seen, const std::string& pattern, std::string_view key,
                   std::vector<std::string>* list) {
    for (const auto& s : *seen)
      if (s == key) return;
    seen->emplace_back(key);
    std::string p = pattern;
    p += '.';
    p += key;
    if (std::find(list->begin(), list->end(), p) == list->end()) list->push_back(std::move(p));
  }
  void NoteIgnored(Scope* sc, std::string_view key) {
    Note(&sc->ignored, sc->pattern, key, &notes_->ignored_fields);
  }
  void Preserve(Scope* sc, std::string_view key, const bj::value& v, bj::object* extra) {
    extra->insert_or_assign(bj::string_view(key.data(), key.size()), v);
    Note(&sc->preserved, sc->pattern, key, &notes_->preserved_fields);
  }

  // ---- typed field readers. `key` names the field for messages. ----

  // A string (null/absent leave *out unchanged). Longer than `max` -> kLimit.
  Status Str(std::string_view key, const bj::value& v, std::string* out,
             size_t max = kMaxTextField) {
    if (v.is_null()) return Status::Ok();
    if (!v.is_string()) return TypeError(key, "a string", v);
    const bj::string& s = v.get_string();
    if (s.size() > max)
      return LimitAt(key, "is " + std::to_string(s.size()) + " bytes, more than the limit of " +
                              std::to_string(max) + " bytes");
    out->assign(s.data(), s.size());
    return Status::Ok();
  }
  // An integer, given as a JSON integer or a string of digits. null and ""
  // count as absent (*present=false).
  Status Int(std::string_view key, const bj::value& v, int64_t lo, int64_t hi, int64_t* out,
             bool* present = nullptr) {
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
  // Unix seconds up to 9999-12-31T23:59:59Z: later times have no
  // YYYY-MM-DD date (an event's date defaults to the day of its timestamp).
  Status Ts(std::string_view key, const bj::value& v, int64_t* out) {
    return Int(key, v, 0, kMaxTimestamp, out);
  }
  Status Bool(std::string_view key, const bj::value& v, bool* out) {
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
    return InvalidAt(key,
                     "expected a boolean (true/false, 0/1 or \"0\"/\"1\"), got " + Describe(v));
  }
  Status Uuid(std::string_view key, const bj::value& v, std::string* out) {
    if (!v.is_string()) return TypeError(key, "a UUID string", v);
    std::string_view s = Sv(v.get_string());
    if (!util::IsUuid(s)) return InvalidAt(key, "not a valid UUID: " + Quote(s));
    *out = util::LowerUuid(s);
    return Status::Ok();
  }
  // The item's own uuid, checked before anything inside the item.
  Status OwnUuid(const bj::object& o, std::string* out) {
    const bj::value* u = o.if_contains("uuid");
    if (!u) return Missing("uuid");
    return Uuid("uuid", *u, out);
  }
  Status Iso(std::string_view key, const bj::value& v, std::optional<std::string>* out) {
    if (v.is_null()) return Status::Ok();
    if (!v.is_string()) return TypeError(key, "an ISO-8601 date-time string", v);
    std::string_view s = Sv(v.get_string());
    int64_t t;
    if (s.size() > 64 || !util::ParseIso8601(s, &t))
      return InvalidAt(key, "not an ISO-8601 date-time: " + Quote(s));
    *out = std::string(s);
    return Status::Ok();
  }
  Status Dist(std::string_view key, const bj::value& v, bool event, int* out) {
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
        return InvalidAt(key, "distribution must be between 0 and " + std::to_string(hi) +
                                  ", got " + std::to_string(n));
      *out = static_cast<int>(n);
      return Status::Ok();
    }
    if (v.is_null()) return Status::Ok();
    if (v.is_uint64())
      return InvalidAt(key, "distribution must be between 0 and " + std::string(event ? "4" : "5") +
                                ", got " + std::to_string(v.get_uint64()));
    return TypeError(key, "a distribution level (0-5)", v);
  }
  Status Array(std::string_view key, const bj::value& v, const bj::array** out) {
    *out = nullptr;
    if (v.is_null()) return Status::Ok();
    if (!v.is_array()) return TypeError(key, "an array", v);
    *out = &v.get_array();
    return Status::Ok();
  }
  Status Obj(std::string_view key, const bj::value& v, const bj::object** out) {
    *out = nullptr;
    if (v.is_null()) return Status::Ok();
    if (v.is_array() && v.get_array().empty()) return Status::Ok();  // PHP's empty "object"
    if (!v.is_object()) return TypeError(key, "an object", v);
    *out = &v.get_object();
    return Status::Ok();
  }

  Status OrgRef(std::string_view key, const bj::value& v, Scope* sc, model::OrgRef* out);
  Status Tags(const bj::value& v, Scope* parent, std::vector<model::Tag>* out);
  Status TagAt(const bj::value& v, Scope* sc, model::Tag* out);
  Status Sightings(const bj::value& v, Scope* parent, const std::string& attr_uuid,
                   std::vector<model::Sighting>* out);
  Status Attributes(const bj::value& v, Scope* parent, bool in_object,
                    std::vector<model::Attribute>* out);
  Status AttributeAt(const bj::value& v, Scope* sc, bool in_object, model::Attribute* a);
  Status Objects(const bj::value& v, Scope* parent, std::vector<model::Object>* out);
  Status ObjectAt(const bj::value& v, Scope* sc, model::Object* o);
  Status ReferenceAt(const bj::value& v, Scope* sc, const std::string& object_uuid,
                     model::ObjectReference* r);
  // Resolves the sharing group of an item with distribution `dist`.
  Status SharingGroupFor(Scope* sc, int dist, const bj::value* sg, const bj::value* sg_id,
                         model::SharingGroupRef* out);
  Status SharingGroupDef(const bj::object& o, Scope* sc, model::SharingGroup* out);
  Status EventElement(const bj::value& v, std::string_view prefix_pattern,
                      std::vector<model::Event>* out);

  Scope* RootScope(std::string_view pattern) {
    for (auto& s : roots_)
      if (s->pattern == pattern) return s.get();
    roots_.push_back(std::make_unique<Scope>());
    roots_.back()->pattern = std::string(pattern);
    return roots_.back().get();
  }

  std::string_view source_;
  ParseNotes local_notes_;
  ParseNotes* notes_;
  std::string root_ = "$";
  std::vector<Seg> path_;
  std::vector<std::unique_ptr<Scope>> roots_;
  size_t attr_count_ = 0;  // attributes in the current event
  size_t warnings_emitted_ = 0;
  size_t warnings_dropped_ = 0;
};

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

constexpr int kDistAbsent = -1;  // no distribution given (Dist leaves it so)

// ---- event ------------------------------------------------------------------

Status Reader::EventAt(const bj::value& v, std::string_view root_pattern, model::Event* ev) {
  if (!v.is_object()) return Invalid(std::string("expected an event object, got ") + KindName(v));
  const bj::object& o = v.get_object();
  Scope* sc = RootScope(root_pattern);
  attr_count_ = 0;
  // The event's own required fields are reported before any problem inside it.
  SANAD_RETURN_IF_ERROR(OwnUuid(o, &ev->uuid));
  if (!o.contains("info")) return Missing("info");
  bool has_uuid = false, has_info = false, has_date = false;
  int dist = kDistAbsent;
  const bj::value* sg = nullptr;
  const bj::value* sg_id = nullptr;
  bj::object extra;
  for (const auto& kv : o) {
    std::string_view k = Sv(kv.key());
    const bj::value& f = kv.value();
    if (k == "uuid") {
      has_uuid = true;  // checked by OwnUuid
    } else if (k == "info") {
      if (f.is_null()) continue;
      SANAD_RETURN_IF_ERROR(Str(k, f, &ev->info));
      has_info = true;
    } else if (k == "date") {
      if (f.is_null()) continue;
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
    } else if (IsIgnoredEventKey(k)) {
      NoteIgnored(sc, k);
    } else {
      Preserve(sc, k, f, &extra);
    }
  }
  if (!has_uuid) return Missing("uuid");
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
  if (!v.is_object())
    return Invalid(std::string("expected an attribute object, got ") + KindName(v));
  const bj::object& o = v.get_object();
  SANAD_RETURN_IF_ERROR(OwnUuid(o, &a->uuid));
  bool has_uuid = false, has_category = false, has_to_ids = false;
  const bj::value* value = nullptr;
  const bj::value* sg = nullptr;
  const bj::value* sg_id = nullptr;
  const bj::value* sightings = nullptr;
  int dist = kDistAbsent;
  bj::object extra;
  for (const auto& kv : o) {
    std::string_view k = Sv(kv.key());
    const bj::value& f = kv.value();
    if (k == "uuid") {
      has_uuid = true;  // checked by OwnUuid
    } else if (k == "type") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &a->type, 256));
    } else if (k == "category") {
      if (f.is_null()) continue;
      SANAD_RETURN_IF_ERROR(Str(k, f, &a->category, 256));
      has_category = true;
    } else if (k == "value") {
      value = &f;
    } else if (k == "to_ids") {
      if (f.is_null()) continue;
      SANAD_RETURN_IF_ERROR(Bool(k, f, &a->to_ids));
      has_to_ids = true;
    } else if (k == "comment") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &a->comment));
    } else if (k == "distribution") {
      SANAD_RETURN_IF_ERROR(Dist(k, f, false, &dist));
    } else if (k == "sharing_group_id") {
      sg_id = &f;
    } else if (k == "SharingGroup") {
      sg = &f;
    } else if (k == "timestamp") {
      SANAD_RETURN_IF_ERROR(Ts(k, f, &a->timestamp));
    } else if (k == "first_seen") {
      SANAD_RETURN_IF_ERROR(Iso(k, f, &a->first_seen));
    } else if (k == "last_seen") {
      SANAD_RETURN_IF_ERROR(Iso(k, f, &a->last_seen));
    } else if (k == "disable_correlation") {
      SANAD_RETURN_IF_ERROR(Bool(k, f, &a->disable_correlation));
    } else if (k == "deleted") {
      SANAD_RETURN_IF_ERROR(Bool(k, f, &a->deleted));
    } else if (k == "object_relation") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &a->object_relation, 256));
    } else if (k == "Tag") {
      Push p(this, k);
      SANAD_RETURN_IF_ERROR(Tags(f, sc, &a->tags));
    } else if (k == "Sighting") {
      sightings = &f;  // needs the uuid
    } else if (IsIgnoredAttributeKey(k)) {
      NoteIgnored(sc, k);
    } else {
      Preserve(sc, k, f, &extra);
    }
  }
  if (!has_uuid) return Missing("uuid");
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
  a->absent = AbsentOf(o, {{"comment", f::kComment, true},
                           {"first_seen", f::kFirstSeen, false},
                           {"last_seen", f::kLastSeen, false},
                           {"disable_correlation", f::kDisableCorrelation, true},
                           {"deleted", f::kDeleted, true},
                           {"object_relation", f::kObjectRelation, true},
                           {"Tag", f::kTags, true}});
  if (!has_category) a->absent |= f::kCategory;
  if (!has_to_ids) a->absent |= f::kToIds;
  if (extra.empty()) a->absent |= f::kExtra;
  if (dist == kDistAbsent) {
    a->absent |= f::kDistribution;
    dist = static_cast<int>(model::Distribution::kInherit);
  }
  SANAD_RETURN_IF_ERROR(SharingGroupFor(sc, dist, sg, sg_id, &a->sharing_group));
  a->distribution = static_cast<model::Distribution>(dist);
  if (sightings) SANAD_RETURN_IF_ERROR(Sightings(*sightings, sc, a->uuid, &a->sightings));
  if (!extra.empty()) a->extra_json = bj::serialize(extra);
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
  if (!v.is_object()) return Invalid(std::string("expected an object, got ") + KindName(v));
  const bj::object& o = v.get_object();
  SANAD_RETURN_IF_ERROR(OwnUuid(o, &ob->uuid));
  bool has_uuid = false, has_name = false;
  const bj::value* refs = nullptr;
  const bj::value* sg = nullptr;
  const bj::value* sg_id = nullptr;
  int dist = kDistAbsent;
  bj::object extra;
  for (const auto& kv : o) {
    std::string_view k = Sv(kv.key());
    const bj::value& f = kv.value();
    if (k == "uuid") {
      has_uuid = true;  // checked by OwnUuid
    } else if (k == "name") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &ob->name, 256));
      has_name = !f.is_null();
    } else if (k == "meta-category") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &ob->meta_category, 256));
    } else if (k == "description") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &ob->description));
    } else if (k == "template_uuid") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &ob->template_uuid, 256));
    } else if (k == "template_version") {
      if (f.is_int64()) {
        ob->template_version = std::to_string(f.get_int64());
      } else if (f.is_uint64()) {
        ob->template_version = std::to_string(f.get_uint64());
      } else {
        SANAD_RETURN_IF_ERROR(Str(k, f, &ob->template_version, 256));
      }
    } else if (k == "comment") {
      SANAD_RETURN_IF_ERROR(Str(k, f, &ob->comment));
    } else if (k == "distribution") {
      SANAD_RETURN_IF_ERROR(Dist(k, f, false, &dist));
    } else if (k == "sharing_group_id") {
      sg_id = &f;
    } else if (k == "SharingGroup") {
      sg = &f;
    } else if (k == "timestamp") {
      SANAD_RETURN_IF_ERROR(Ts(k, f, &ob->timestamp));
    } else if (k == "first_seen") {
      SANAD_RETURN_IF_ERROR(Iso(k, f, &ob->first_seen));
    } else if (k == "last_seen") {
      SANAD_RETURN_IF_ERROR(Iso(k, f, &ob->last_seen));
    } else if (k == "deleted") {
      SANAD_RETURN_IF_ERROR(Bool(k, f, &ob->deleted));
    } else if (k == "Attribute") {
      Push p(this, k);
      SANAD_RETURN_IF_ERROR(Attributes(f, sc, true, &ob->attributes));
    } else if (k == "ObjectReference") {
      refs = &f;
    } else if (IsIgnoredObjectKey(k)) {
      NoteIgnored(sc, k);
    } else {
      Preserve(sc, k, f, &extra);
    }
  }
  if (!has_uuid) return Missing("uuid");
  if (!has_name) return Missing("name");
  if (ob->name.empty()) return InvalidAt("name", "must not be empty");
  namespace f = model::field;
  ob->absent = AbsentOf(o, {{"meta-category", f::kMetaCategory, true},
                            {"description", f::kDescription, true},
                            {"template_uuid", f::kTemplateUuid, true},
                            {"template_version", f::kTemplateVersion, true},
                            {"comment", f::kComment, true},
                            {"first_seen", f::kFirstSeen, false},
                            {"last_seen", f::kLastSeen, false},
                            {"deleted", f::kDeleted, true}});
  if (extra.empty()) ob->absent |= f::kExtra;
  if (dist == kDistAbsent) {
    ob->absent |= f::kDistribution;
    dist = static_cast<int>(model::Distribution::kInherit);
  }
  SANAD_RETURN_IF_ERROR(SharingGroupFor(sc, dist, sg, sg_id, &ob->sharing_group));
  ob->distribution = static_cast<model::Distribution>(dist);
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
  if (!extra.empty()) ob->extra_json = bj::serialize(extra);
  return Status::Ok();
}

Status Reader::ReferenceAt(const bj::value& v, Scope* sc, const std::string& object_uuid,
                           model::ObjectReference* r) {
  if (!v.is_object())
    return Invalid(std::string("expected an object reference, got ") + KindName(v));
  SANAD_RETURN_IF_ERROR(OwnUuid(v.get_object(), &r->uuid));
  bool has_uuid = false, has_ref = false, has_rel = false;
  bj::object extra;
  for (const auto& kv : v.get_object()) {
    std::string_view k = Sv(kv.key());
    const bj::value& f = kv.value();
    if (k == "uuid") {
      has_uuid = true;  // checked by OwnUuid
    } else if (k == "referenced_uuid") {
      SANAD_RETURN_IF_ERROR(Uuid(k, f, &r->referenced_uuid));
      has_ref = true;
    } else if (k == "object_uuid") {
      if (f.is_null()) continue;
      std::string ou;
      SANAD_RETURN_IF_ERROR(Uuid(k, f, &ou));
      if (ou != object_uuid)
        return InvalidAt(k, "is " + ou + ", not the containing object's uuid " + object_uuid);
    } else if (k == "referenced_type") {
      if (f.is_null()) continue;
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
    } else if (IsIgnoredReferenceKey(k)) {
      NoteIgnored(sc, k);
    } else {
      Preserve(sc, k, f, &extra);
    }
  }
  if (!has_uuid) return Missing("uuid");
  if (!has_ref) return Missing("referenced_uuid");
  if (!has_rel) return Missing("relationship_type");
  if (r->relationship_type.empty()) return InvalidAt("relationship_type", "must not be empty");
  if (!extra.empty()) r->extra_json = bj::serialize(extra);
  return Status::Ok();
}

// ---- JSON text --------------------------------------------------------------

// Parses `json` into `*out` (allocated from `mr`). Errors carry line:column.
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

// ---- writing ----------------------------------------------------------------

// Appends `s` as a JSON string literal; invalid UTF-8 bytes become U+FFFD.
void AppendJsonString(std::string* o, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  o->push_back('"');
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // Fast path: a run of plain ASCII.
    size_t j = i;
    while (j < n) {
      unsigned char c = static_cast<unsigned char>(s[j]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++j;
    }
    o->append(s.data() + i, j - i);
    i = j;
    if (i >= n) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          o->append("\\\"");
          break;
        case '\\':
          o->append("\\\\");
          break;
        case '\n':
          o->append("\\n");
          break;
        case '\r':
          o->append("\\r");
          break;
        case '\t':
          o->append("\\t");
          break;
        case '\b':
          o->append("\\b");
          break;
        case '\f':
          o->append("\\f");
          break;
        default:
          o->append("\\u00");
          o->push_back(kHex[c >> 4]);
          o->push_back(kHex[c & 15]);
      }
      ++i;
      continue;
    }
    // Multi-byte UTF-8: validate.
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok) {
      if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
          (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        ok = false;
    }
    if (ok) {
      o->append(s.data() + i, len);
      i += len;
    } else {
      o->append("\xEF\xBF\xBD");
      ++i;
    }
  }
  o->push_back('"');
}

// A small streaming JSON writer with optional two-space indentation.
class Out {
 public:
  explicit Out(bool pretty) : pretty_(pretty) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view k) {
    Sep();
    AppendJsonString(&s_, k);
    s_.append(pretty_ ? ": " : ":");
    after_key_ = true;
  }
  void String(std::string_view v) {
    Sep();
    AppendJsonString(&s_, v);
  }
  void Int(int64_t v) { String(std::to_string(v)); }  // MISP: numbers as strings
  void Bool(bool v) {
    Sep();
    s_.append(v ? "true" : "false");
  }
  void Value(const bj::value& v) {
    switch (v.kind()) {
      case bj::kind::object:
        BeginObject();
        for (const auto& kv : v.get_object()) {
          Key(Sv(kv.key()));
          Value(kv.value());
        }
        EndObject();
        break;
      case bj::kind::array:
        BeginArray();
        for (const auto& e : v.get_array()) Value(e);
        EndArray();
        break;
      case bj::kind::string:
        String(Sv(v.get_string()));
        break;
      default:
        Sep();
        s_ += bj::serialize(v);
    }
  }
  void Field(std::string_view k, std::string_view v) {
    Key(k);
    String(v);
  }
  void FieldInt(std::string_view k, int64_t v) {
    Key(k);
    Int(v);
  }
  void FieldBool(std::string_view k, bool v) {
    Key(k);
    Bool(v);
  }
  std::string Take() { return std::move(s_); }

 private:
  void Open(char c) {
    Sep();
    s_.push_back(c);
    first_.push_back(true);
  }
  void Close(char c) {
    bool empty = first_.back();
    first_.pop_back();
    if (pretty_ && !empty) Newline();
    s_.push_back(c);
  }
  void Sep() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) s_.push_back(',');
    first_.back() = false;
    if (pretty_) Newline();
  }
  void Newline() {
    s_.push_back('\n');
    s_.append(first_.size() * 2, ' ');
  }

  std::string s_;
  bool pretty_;
  bool after_key_ = false;
  std::vector<bool> first_;
};

// Writes the keys of `extra_json` that are not in `reserved`.
void MergeExtra(Out* w, const std::string& extra_json,
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
    w->Value(kv.value());
  }
}

void WriteOrg(Out* w, std::string_view key, const model::OrgRef& org) {
  if (org.uuid.empty() && org.name.empty()) return;
  w->Key(key);
  w->BeginObject();
  if (!org.uuid.empty()) w->Field("uuid", org.uuid);
  w->Field("name", org.name);
  w->EndObject();
}

void WriteSharingGroup(Out* w, const model::SharingGroupRef& ref, const MispWriteOptions& opts) {
  w->Key("sharing_group_id");
  w->Int(ref.id);
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

void WriteTags(Out* w, const std::vector<model::Tag>& tags) {
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

void WriteAttribute(Out* w, const model::Attribute& a, const MispWriteOptions& opts) {
  w->BeginObject();
  w->Field("uuid", a.uuid);
  w->Field("type", a.type);
  w->Field("category", a.category);
  w->Field("value", a.value);
  w->FieldBool("to_ids", a.to_ids);
  w->Field("comment", a.comment);
  w->FieldInt("distribution", static_cast<int>(a.distribution));
  if (a.distribution == model::Distribution::kSharingGroup)
    WriteSharingGroup(w, a.sharing_group, opts);
  w->FieldInt("timestamp", a.timestamp);
  w->FieldBool("disable_correlation", a.disable_correlation);
  w->FieldBool("deleted", a.deleted);
  if (!a.object_relation.empty()) w->Field("object_relation", a.object_relation);
  if (a.first_seen) w->Field("first_seen", *a.first_seen);
  if (a.last_seen) w->Field("last_seen", *a.last_seen);
  WriteTags(w, a.tags);
  if (opts.include_sightings && !a.sightings.empty()) {
    w->Key("Sighting");
    w->BeginArray();
    for (const auto& s : a.sightings) {
      w->BeginObject();
      if (!s.uuid.empty()) w->Field("uuid", s.uuid);
      w->FieldInt("type", static_cast<int>(s.type));
      w->FieldInt("date_sighting", s.date_sighting);
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

void WriteObject(Out* w, const model::Object& o, const MispWriteOptions& opts) {
  w->BeginObject();
  w->Field("uuid", o.uuid);
  w->Field("name", o.name);
  w->Field("meta-category", o.meta_category);
  w->Field("description", o.description);
  w->Field("template_uuid", o.template_uuid);
  w->Field("template_version", o.template_version);
  w->Field("comment", o.comment);
  w->FieldInt("distribution", static_cast<int>(o.distribution));
  if (o.distribution == model::Distribution::kSharingGroup)
    WriteSharingGroup(w, o.sharing_group, opts);
  w->FieldInt("timestamp", o.timestamp);
  w->FieldBool("deleted", o.deleted);
  if (o.first_seen) w->Field("first_seen", *o.first_seen);
  if (o.last_seen) w->Field("last_seen", *o.last_seen);
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
    w->FieldInt("timestamp", r.timestamp);
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

Status ParseMispDocument(std::string_view json, std::string_view source,
                         std::vector<model::Event>* out, ParseNotes* notes) {
  try {
    SANAD_RETURN_IF_ERROR(CheckSize(json, source));
    bj::monotonic_resource mr(std::min<size_t>(json.size() + 1024, size_t{64} << 20));
    std::optional<bj::value> parsed;
    SANAD_RETURN_IF_ERROR(ParseJson(json, source, &mr, &parsed));
    const bj::value& root = *parsed;
    Reader r(source, notes);
    std::vector<model::Event> events;
    Status st = r.Document(root, &events);
    r.FlushWarnings();
    if (!st.ok()) return st;
    if (out->empty()) {
      *out = std::move(events);
    } else {
      out->insert(out->end(), std::make_move_iterator(events.begin()),
                  std::make_move_iterator(events.end()));
    }
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status::Limit(std::string(source) + ": out of memory while reading the document");
  } catch (const std::exception& e) {
    return Status::Internal(std::string(source) + ": unexpected error: " + e.what());
  }
}

Status ParseMispEventJson(std::string_view json, std::string_view source, model::Event* out,
                          ParseNotes* notes) {
  try {
    SANAD_RETURN_IF_ERROR(CheckSize(json, source));
    bj::monotonic_resource mr(std::min<size_t>(json.size() + 1024, size_t{64} << 20));
    std::optional<bj::value> parsed;
    SANAD_RETURN_IF_ERROR(ParseJson(json, source, &mr, &parsed));
    const bj::value& root = *parsed;
    Reader r(source, notes);
    model::Event ev;
    Status st;
    if (root.is_object() && root.get_object().size() == 1 && root.get_object().contains("Event")) {
      r.SetRoot("$.Event");
      st = r.EventAt(root.get_object().at("Event"), "$.Event", &ev);
    } else {
      st = r.EventAt(root, "$", &ev);
    }
    r.FlushWarnings();
    if (!st.ok()) return st;
    *out = std::move(ev);
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status::Limit(std::string(source) + ": out of memory while reading the event");
  } catch (const std::exception& e) {
    return Status::Internal(std::string(source) + ": unexpected error: " + e.what());
  }
}

std::string WriteMispEvent(const model::Event& ev, const MispWriteOptions& opts) {
  Out w(opts.pretty);
  w.BeginObject();
  w.Key("Event");
  w.BeginObject();
  w.Field("uuid", ev.uuid);
  w.Field("info", ev.info);
  w.Field("date", ev.date);
  w.FieldInt("threat_level_id", ev.threat_level_id);
  w.FieldInt("analysis", ev.analysis);
  w.FieldBool("published", ev.published);
  w.FieldInt("timestamp", ev.timestamp);
  w.FieldInt("publish_timestamp", ev.publish_timestamp);
  w.FieldInt("distribution", static_cast<int>(ev.distribution));
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
