// The MISP JSON reader behind ParseMispDocument / ParseMispEventJson
// (internal to formats/misp_read.cc and misp_reader.cc).
//
// The whole document is parsed into a Boost.JSON DOM allocated from a
// monotonic resource, then walked once by a Reader. Paths for error messages
// are kept as a stack of segments and only turned into text when an error
// occurs; notes about preserved/ignored fields are de-duplicated per path
// pattern via a tree of Scope objects, so the hot path builds no strings.
//
// misp_reader.cc: paths, messages, notes, the typed value readers, the parts
// several items contain (organisation references, sharing groups, tags,
// sightings) and the JSON text parser. misp_read.cc: the document, event,
// attribute, object and object reference parsers and the public entry points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "formats/misp.h"
#include "formats/misp_internal.h"
#include "model/model.h"
#include "util/status.h"

namespace sanad::formats::internal {

namespace bj = boost::json;

// "a string", "an object", ... for type errors.
const char* KindName(const bj::value& v);
// A short quoted rendering of a user value for messages (controls become '?').
std::string Quote(std::string_view s);
// A value for messages: strings quoted, integers as digits, else its kind.
std::string Describe(const bj::value& v);

// Parses `json` into `*out` (allocated from `mr`); errors name `source` and
// line:column. Rejects nesting deeper than kMaxJsonDepth and trailing content.
Status ParseJson(std::string_view json, std::string_view source, bj::monotonic_resource* mr,
                 std::optional<bj::value>* out);
// Limit error when `json` is larger than kMaxFileBytes.
Status CheckSize(std::string_view json, std::string_view source);

constexpr int kDistAbsent = -1;  // no distribution given (Reader::Dist leaves it so)

// One node of the path-pattern tree ("$.Event.Attribute[]").
struct Scope {
  std::string pattern;
  std::vector<std::pair<std::string, std::unique_ptr<Scope>>> children;
  std::vector<std::string> preserved;  // keys already reported as preserved here
  std::vector<std::string> ignored;    // keys already reported as ignored here

  // The child for key `seg` ("seg[]" when `array`), created on first use.
  Scope* Child(std::string_view seg, bool array);
};

// Reads one document for one source; not reusable across documents.
class Reader {
 public:
  // `notes` may be null (notes are then collected and dropped).
  Reader(std::string_view source, ParseNotes* notes)
      : source_(source), notes_(notes ? notes : &local_notes_) {}

  // Appends the events of a document root (see ParseMispDocument).
  Status Document(const bj::value& root, std::vector<model::Event>* out);
  // Parses `v` as an event at the current path, with pattern `root_pattern`.
  Status EventAt(const bj::value& v, std::string_view root_pattern, model::Event* ev);
  // Adds the "N more warnings not shown" note, if warnings were dropped.
  void FlushWarnings();
  // The text of the outermost path ("$" unless set).
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

  // ---- messages and notes (misp_reader.cc) ----
  std::string PathText() const;
  // "source: path[.key]".
  std::string Where(std::string_view key = {}) const;
  Status Invalid(std::string_view msg) const;
  Status InvalidAt(std::string_view key, std::string_view msg) const;
  Status LimitAt(std::string_view key, std::string_view msg) const;
  Status TypeError(std::string_view key, const char* expected, const bj::value& v) const;
  Status Missing(std::string_view key) const;
  // A warning at `key`; beyond kMaxWarnings per document they are only counted.
  void Warn(std::string_view key, std::string_view msg);
  // Reports `key` under `sc` as ignored / preserved (once per pattern);
  // Preserve also copies the field into `extra`.
  void NoteIgnored(Scope* sc, std::string_view key);
  void Preserve(Scope* sc, std::string_view key, const bj::value& v, bj::object* extra);
  Scope* RootScope(std::string_view pattern);

  // ---- typed value readers (misp_reader.cc). `key` names the field for
  // messages; a null value leaves *out unchanged. ----

  // A string. Longer than `max` -> kLimit.
  Status Str(std::string_view key, const bj::value& v, std::string* out,
             size_t max = kMaxTextField);
  // An integer in [lo, hi], given as a JSON integer or a string of digits.
  // null and "" count as absent (*present=false).
  Status Int(std::string_view key, const bj::value& v, int64_t lo, int64_t hi, int64_t* out,
             bool* present = nullptr);
  // Unix seconds up to 9999-12-31T23:59:59Z: later times have no
  // YYYY-MM-DD date (an event's date defaults to the day of its timestamp).
  Status Ts(std::string_view key, const bj::value& v, int64_t* out);
  // true/false, 0/1, "0"/"1", "true"/"false"; "" counts as absent.
  Status Bool(std::string_view key, const bj::value& v, bool* out);
  // A UUID string, lower-cased (null is an error here).
  Status Uuid(std::string_view key, const bj::value& v, std::string* out);
  // The item's own uuid, checked before anything inside the item.
  Status OwnUuid(const bj::object& o, std::string* out);
  // An ISO-8601 date-time, kept as given.
  Status Iso(std::string_view key, const bj::value& v, std::optional<std::string>* out);
  // A distribution level: 0-4 for an event, 0-5 otherwise; absent leaves *out.
  Status Dist(std::string_view key, const bj::value& v, bool event, int* out);
  // An array / object; *out is null when absent (an empty array counts as an
  // absent object: PHP's empty "object").
  Status Array(std::string_view key, const bj::value& v, const bj::array** out);
  Status Obj(std::string_view key, const bj::value& v, const bj::object** out);

  // ---- items (misp_read.cc) ----

  // The loop over the keys of an item `o` whose uuid has been read (the
  // "uuid" key is skipped): each key goes to `own(k, f, &handled)`, which sets
  // handled=false for keys it does not read. Those are noted as ignored when
  // `ignored(k)`, else preserved in `extra`.
  template <class Own>
  Status Fields(const bj::object& o, Scope* sc, bool (*ignored)(std::string_view),
                bj::object* extra, const Own& own);

  // What ItemFields collects for FinishShared.
  struct SharedFields {
    int dist = kDistAbsent;
    const bj::value* sg = nullptr;
    const bj::value* sg_id = nullptr;
    bj::object extra;  // unmodelled fields, preserved
  };
  // Reads the attribute or object `v` into `item` (a model::Attribute or
  // model::Object; `what` names it in the type error): its uuid first, then
  // its keys in document order (see Fields). The fields both share are read
  // here (comment, distribution, sharing_group_id, SharingGroup, timestamp,
  // first_seen, last_seen, deleted); the others go to `own`, as in Fields.
  template <class Item, class Own>
  Status ItemFields(const bj::value& v, const char* what, Scope* sc,
                    bool (*ignored)(std::string_view), Item* item, SharedFields* s, const Own& own);
  // After the item's own checks: the absent bits of the shared fields,
  // distribution (inherit when absent), sharing group and extra_json.
  template <class Item>
  Status FinishShared(const bj::object& o, Scope* sc, SharedFields* s, Item* item);

  Status EventElement(const bj::value& v, std::string_view prefix_pattern,
                      std::vector<model::Event>* out);
  Status Attributes(const bj::value& v, Scope* parent, bool in_object,
                    std::vector<model::Attribute>* out);
  Status AttributeAt(const bj::value& v, Scope* sc, bool in_object, model::Attribute* a);
  Status Objects(const bj::value& v, Scope* parent, std::vector<model::Object>* out);
  Status ObjectAt(const bj::value& v, Scope* sc, model::Object* o);
  Status ReferenceAt(const bj::value& v, Scope* sc, const std::string& object_uuid,
                     model::ObjectReference* r);

  // ---- parts of items (misp_reader.cc) ----

  // {"uuid", "name"} at `key`; an empty uuid is left unset.
  Status OrgRef(std::string_view key, const bj::value& v, Scope* parent, model::OrgRef* out);
  // Resolves the sharing group of an item with distribution `dist` from its
  // "SharingGroup" object (`sg`; "sharing_group_id" is only noted as ignored)
  // and records the definition in ParseNotes::sharing_groups.
  Status SharingGroupFor(Scope* sc, int dist, const bj::value* sg, const bj::value* sg_id,
                         model::SharingGroupRef* out);
  Status SharingGroupDef(const bj::object& o, Scope* sc, model::SharingGroup* out);
  // The "Tag" array of an item (at most kMaxTagsPerItem).
  Status Tags(const bj::value& v, Scope* parent, std::vector<model::Tag>* out);
  Status TagAt(const bj::value& v, Scope* sc, model::Tag* out);
  // The "Sighting" array of the attribute `attr_uuid`.
  Status Sightings(const bj::value& v, Scope* parent, const std::string& attr_uuid,
                   std::vector<model::Sighting>* out);

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

}  // namespace sanad::formats::internal
