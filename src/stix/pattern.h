// The STIX 2.1 pattern engine: a parser for the whole patterning grammar
// (STIX 2.1 part 9) and a matcher that evaluates patterns against
// observed-data. Design, semantics and limits: docs/stix.md ("Pattern engine").
//
// Parsing. Pattern::Parse accepts exactly the STIX 2.1 grammar: observation
// expressions ([...], AND, OR, FOLLOWEDBY, parentheses, the qualifiers
// WITHIN n SECONDS, START t'..' STOP t'..' and REPEATS n TIMES); comparison
// expressions (AND, OR, parentheses; =, !=, <, <=, >, >=, IN, LIKE, MATCHES,
// ISSUBSET, ISSUPERSET, each optionally preceded by NOT, and EXISTS); object
// paths with keys, quoted keys, list indexes and [*]; literals (strings with
// \' and \\ escapes, ints, floats, true/false, t'timestamp', h'hex',
// b'base64'). Keywords are upper case, booleans lower case; /* */ and //
// comments are skipped. Beyond the grammar it checks what the specification
// requires (object type names, real calendar dates, REPEATS >= 1, WITHIN > 0,
// START before STOP, one literal type per set, MATCHES regexes that compile,
// ISSUBSET/ISSUPERSET operands that are IP addresses or CIDRs). Every error
// names the byte offset, line, column and the reason.
//
// Matching follows the specification and the OASIS reference matcher: an
// observed-data is number_observed observations over
// [first_observed, last_observed]; a comparison expression is true on an
// observation when one of its objects (the root of every path in an AND)
// satisfies it; AND/OR/FOLLOWEDBY/REPEATS combine distinct observations;
// WITHIN and START/STOP constrain their timestamps. Evaluation never throws;
// regexes are compiled once per pattern.
//
// Thread safety: a Pattern, an ObservedData and a PatternSet are immutable
// after construction and may be shared between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace boost::json {
class value;
}

namespace sanad::stix {

// Documented limits (docs/stix.md).
inline constexpr size_t kMaxPatternBytes = 64 * 1024;  // longer patterns are rejected
inline constexpr int kMaxPatternDepth = 100;           // nesting of parentheses/brackets
// Observations one binding of a pattern may need (leaves x REPEATS counts).
inline constexpr int64_t kMaxBindingSize = 1000;
// Candidate observations tried by one pattern's search before it gives up
// with a kLimit error (never a wrong answer).
inline constexpr uint64_t kMaxSearchSteps = 5'000'000;
// MATCHES is evaluated on values up to this many bytes; longer values do not
// match (std::regex recursion depth).
inline constexpr size_t kMaxRegexSubjectBytes = 16 * 1024;

// Where and why a pattern is invalid. Offsets count bytes from 0; line and
// column count from 1, columns in code points.
struct PatternError {
  size_t offset = 0;
  size_t line = 1;
  size_t column = 1;
  std::string reason;
  // "offset 12 (line 1, column 13): expected ']'"
  std::string ToString() const;
};

struct PatternImpl;  // pattern_internal.h

// A parsed, validated pattern. Cheap to copy (shares its immutable parse).
class Pattern {
 public:
  // Parses and validates `text`. On failure returns Invalid with
  // PatternError::ToString() as the message and fills *error when given.
  static StatusOr<Pattern> Parse(std::string_view text, PatternError* error = nullptr);

  const std::string& text() const;
  // Number of observation expressions ([...]) in the pattern.
  size_t observation_expressions() const;
  const PatternImpl& impl() const { return *impl_; }

 private:
  explicit Pattern(std::shared_ptr<const PatternImpl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const PatternImpl> impl_;
};

struct ObservedDataImpl;

// The observations of a bundle: every observed-data object, with its
// objects embedded in "objects" (STIX 2.0 style, references are the
// dictionary keys) or listed in "object_refs" (STIX 2.1: SCOs elsewhere in the
// bundle; references are SCO ids resolved against the whole bundle).
class ObservedData {
 public:
  // Accepts a bundle ({"type":"bundle","objects":[...]}), a JSON array of
  // objects, or one observed-data object. Errors name the JSON path
  // ("objects[3].number_observed: must be an integer from 1 to 999999999").
  static StatusOr<ObservedData> FromJson(const boost::json::value& doc);
  static StatusOr<ObservedData> Parse(std::string_view json_text);

  size_t size() const;                    // observed-data objects
  const std::string& id(size_t i) const;  // observed-data id
  uint64_t number_observed(size_t i) const;
  const ObservedDataImpl& impl() const { return *impl_; }

 private:
  explicit ObservedData(std::shared_ptr<const ObservedDataImpl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const ObservedDataImpl> impl_;
};

struct MatchResult {
  bool matched = false;
  // Indexes (into ObservedData) of the observed-data that satisfy the pattern,
  // ascending and unique: for a pattern whose bindings hold one observation
  // ([...] or an OR of [...] without qualifiers) every observed-data that
  // satisfies it; otherwise those of the first satisfying binding found.
  std::vector<size_t> observed;
  // Non-ok only when the search exceeded kMaxSearchSteps (kLimit): the
  // answer is unknown and `matched` is false.
  Status status;
};

// Evaluates one pattern against the observations (every comparison on every
// observation: the reference evaluation).
MatchResult Match(const Pattern& pattern, const ObservedData& data);

// Many patterns against one set of observations, indexed: observation
// expressions are looked up by object type, by (path, value) for = and IN on
// strings, and by (path, prefix) for ISSUBSET, so only expressions that can
// be true are evaluated, on the objects that can satisfy them. Results are
// identical to Match() on every pattern (tests/stix/pattern_index_test.cc).
class PatternSet {
 public:
  PatternSet();
  ~PatternSet();
  PatternSet(PatternSet&&) noexcept;
  PatternSet& operator=(PatternSet&&) noexcept;

  // Returns the pattern's index (0, 1, ...).
  size_t Add(Pattern p);
  size_t size() const;
  const Pattern& pattern(size_t i) const;

  // One result per pattern, in Add order.
  std::vector<MatchResult> MatchAll(const ObservedData& data) const;

  struct Stats {
    uint64_t leaf_evaluations = 0;   // (comparison expression, observation) pairs evaluated
    uint64_t searched_patterns = 0;  // patterns that reached the binding search
  };
  std::vector<MatchResult> MatchAll(const ObservedData& data, Stats* stats) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// For detection tables: true only when `p` is a simple indicator pattern --
// observation expressions without qualifiers joined by OR, each a comparison
// or an OR of comparisons `=` (or IN with strings) on ipv4-addr:value,
// ipv6-addr:value (MISP type "ip-dst"), domain-name:value ("domain"),
// url:value ("url"), email-addr:value ("email") or
// file:hashes.<MD5|SHA-1|SHA-224|SHA-256|SHA-384|SHA-512|SHA3-256|SHA3-512|
// SSDEEP|TLSH> ("md5", "sha1", ...) with string literals. Then *out receives
// the (MISP type, value) pairs as written in the pattern (not canonicalised).
bool SimpleObservables(
    const Pattern& p,
    std::vector<std::pair<std::string /*MISP type*/, std::string /*value*/>>* out);

}  // namespace sanad::stix
