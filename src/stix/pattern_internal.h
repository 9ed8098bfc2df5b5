// Internals of the STIX pattern engine (not part of the public contract):
// the parsed form shared by the parser (pattern_parse.cc), the matcher
// (pattern_match.cc) and the index (pattern_index.cc).
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/ip.h"
#include "stix/pattern.h"

namespace sanad::stix {

// Nanoseconds since the Unix epoch (years 0000-9999 fit easily).
using Nanos = __int128;
inline constexpr Nanos kNanosPerSecond = 1'000'000'000;
inline constexpr Nanos kMinNanos = -(static_cast<Nanos>(1) << 120);
inline constexpr Nanos kMaxNanos = static_cast<Nanos>(1) << 120;

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (upper-case T and Z, real dates,
// second 60 allowed). Fractions beyond nanoseconds are truncated.
bool ParseStixTimestamp(std::string_view s, Nanos* out);

// Decodes UTF-8 `s` to ISO-8859-1 bytes when every code point is < 256;
// false (with *out unspecified) otherwise.
bool ToLatin1(std::string_view s, std::string* out);

enum class Op : uint8_t {
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kLike,
  kMatches,
  kIsSubset,
  kIsSuperset,
  kExists,
};
const char* OpName(Op op);

enum class LitKind : uint8_t { kString, kInt, kFloat, kBool, kTimestamp, kHex, kBinary };

struct Literal {
  LitKind kind = LitKind::kString;
  std::string bytes;  // kString: UTF-8 text; kHex/kBinary: the decoded bytes
  int64_t i = 0;
  double f = 0;
  bool b = false;
  Nanos t = 0;
  // kString: the text as ISO-8859-1 bytes when every code point is < 256
  // (for comparisons with binary values).
  bool latin1_ok = false;
  std::string latin1;
};

struct PathStep {
  enum Kind : uint8_t { kKey, kIndex, kStar } kind = kKey;
  std::string key;    // kKey
  int64_t index = 0;  // kIndex (negative: from the end)
  // kKey: the key's value is binary (…_hex: hex, …_bin: base64), a
  // reference (…_ref) or a list of references (…_refs).
  enum Suffix : uint8_t { kPlain, kHexValue, kBinValue, kRef, kRefs } suffix = kPlain;
};

struct ObjectPath {
  std::string type;
  std::vector<PathStep> steps;  // at least one (the first is a key)
  std::string Text() const;     // canonical text, e.g. "file:hashes.'SHA-256'"
};

struct Comparison {
  ObjectPath path;
  Op op = Op::kEq;
  bool negated = false;                      // NOT
  std::vector<Literal> values;               // one; IN: the set (maybe empty); EXISTS: none
  std::shared_ptr<const std::regex> re;      // MATCHES on strings
  std::shared_ptr<const std::regex> re_bin;  // MATCHES on binary values (null: never)
  model::IpPrefix prefix;                    // ISSUBSET / ISSUPERSET operand
  size_t offset = 0;
};

// Comparison expression tree (an arena per pattern).
struct CmpNode {
  enum Kind : uint8_t { kLeaf, kAnd, kOr } kind = kLeaf;
  int a = -1, b = -1;  // children (kAnd, kOr)
  int cmp = -1;        // index into PatternImpl::cmps (kLeaf)
};

// Observation expression tree.
struct ObsNode {
  enum Kind : uint8_t { kLeaf, kAnd, kOr, kFollowedBy, kWithin, kRepeat, kStartStop } kind = kLeaf;
  int a = -1, b = -1;         // children (b only for binary operators)
  int leaf = -1;              // kLeaf: index into PatternImpl::leaves
  Nanos within = 0;           // kWithin
  int64_t repeat = 0;         // kRepeat
  Nanos start = 0, stop = 0;  // kStartStop
};

struct PatternImpl {
  std::string text;
  std::vector<Comparison> cmps;
  std::vector<CmpNode> cnodes;
  std::vector<int> leaves;  // observation leaf -> root CmpNode
  std::vector<ObsNode> onodes;
  int root = -1;
  // Bindings hold one observation: only kLeaf and kOr nodes.
  bool single_observation = false;
};

// ---- observations -------------------------------------------------------------

struct ObservationRec {
  std::string id;
  Nanos first = 0, last = 0;
  uint64_t count = 1;
  std::vector<const boost::json::value*> roots;  // JSON objects
  std::vector<std::string_view> root_types;      // their "type" ("" when missing)
  const boost::json::object* local = nullptr;    // STIX 2.0 "objects" (reference scope)
};

struct StrViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

struct ObservedDataImpl {
  boost::json::value doc;  // owns every object pointed to below
  std::vector<ObservationRec> obs;
  std::unordered_map<std::string_view, const boost::json::value*, StrViewHash, std::equal_to<>>
      by_id;  // objects of the bundle by id
};

// ---- evaluation (pattern_match.cc) ---------------------------------------------

// Is comparison expression `node` true on one object `root` (whose type is
// `root_type`) of observation `o`?
bool EvalCmpTree(const PatternImpl& p, int node, const boost::json::value& root,
                 std::string_view root_type, const ObservationRec& o, const ObservedDataImpl& d);
// Is observation leaf `leaf` true on observation `o` (one of its roots)?
bool EvalLeaf(const PatternImpl& p, int leaf, const ObservationRec& o, const ObservedDataImpl& d);

// Calls fn(const boost::json::string&) for every JSON string the path selects
// from `root` (references followed, [*] expanded). For the index.
void ForEachPathString(const ObjectPath& path, const boost::json::value& root,
                       const ObservationRec& o, const ObservedDataImpl& d,
                       const std::function<void(std::string_view)>& fn);

// The binding search: given, for every observation leaf of `p`, the
// observations (indexes into d.obs) on which it is true, decides whether the
// pattern matches and fills the result.
MatchResult SearchBindings(const PatternImpl& p, const ObservedDataImpl& d,
                           const std::vector<std::vector<uint32_t>>& leaf_obs);

}  // namespace sanad::stix
