// Warninglists: lists of known-benign values (MISP warninglist format) that
// make an attribute suspicious as an indicator. A hit is a warning, never a
// rejection: flagged attributes are left out of to_ids exports and detection
// unless asked.
//
// List types (MISP): "cidr" (IPs inside any CIDR), "hostname" (the value or
// any parent domain equals an entry), "string" (exact, case-insensitive),
// "substring" (entry occurs in the value, case-insensitive), "regex" (ECMAScript
// regex search). Each list names the MISP attribute types it applies to
// ("matching_attributes"); composite values are checked per component.
//
// Sanad ships a default set written by the project (src/intel/default_warninglists.cc);
// operators add MISP warninglist JSON files, which are copied into
// <data>/warninglists/ and loaded with the defaults.
//
// Matching rules (values are canonical, see model/canon.h):
//  - A list applies only to the types in its matching_attributes (all types
//    when empty). Composite values are split at the first '|' and each
//    component is checked by its kind (ip-dst|port: the IP; domain|ip: the
//    domain against hostname lists, the IP against cidr lists).
//  - cidr: a value that is itself a CIDR hits only when it lies entirely
//    inside a listed range. IPv4-mapped IPv6 ("::ffff:10.1.2.3") is unmapped
//    to IPv4 on both sides, so it hits IPv4 ranges. URL values are checked on
//    an IP-literal host. Lookups are hash probes per listed prefix length.
//  - hostname: entries are canonicalised (IDNA -> punycode, lower case,
//    trailing dot dropped); "example.com" hits the name and every subdomain,
//    ".example.com" or "*.example.com" hits subdomains only. URL values are
//    checked on their host, e-mail values on their domain.
//  - string: case-insensitive exact match of the whole value or a component.
//  - substring: case-insensitive, on the whole value.
//  - regex: ECMAScript (std::regex, compiled once when the list is added)
//    searched in the whole value and in each component; an entry written as
//    "/pattern/flags" (MISP's PCRE style) has its delimiters removed and
//    honours the "i" flag. Only the first kMaxRegexInputBytes of a value are
//    searched.
//  - Each list reports at most one hit per value.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "util/status.h"

namespace sanad::intel {

enum class WarninglistType { kCidr, kHostname, kString, kSubstring, kRegex };

// "cidr", "hostname", "string", "substring", "regex".
std::string_view WarninglistTypeName(WarninglistType t);

// Limits: a warninglist file's size and a value's length searched by regex.
inline constexpr size_t kMaxWarninglistFileBytes = 64 << 20;
inline constexpr size_t kMaxRegexInputBytes = 4096;

struct WarninglistInfo {
  std::string name;
  std::string description;
  WarninglistType type = WarninglistType::kString;
  int version = 0;
  std::vector<std::string> matching_attributes;  // MISP types; empty = all indicator types
  size_t entries = 0;
  bool builtin = false;
};

struct WarninglistHit {
  std::string list;   // list name
  std::string entry;  // the entry that matched
};

class WarninglistSet {
 public:
  WarninglistSet();
  ~WarninglistSet();
  WarninglistSet(WarninglistSet&&) noexcept;
  WarninglistSet& operator=(WarninglistSet&&) noexcept;

  // The built-in default lists only.
  static WarninglistSet Defaults();
  // Defaults plus every *.json in `dir` (missing dir = defaults only).
  static StatusOr<WarninglistSet> Load(const std::string& dir);

  // Parses one MISP warninglist JSON document; errors name `source` and the
  // JSON path. Replaces a list of the same name.
  Status AddJson(std::string_view json, std::string_view source);

  // Checks a canonical attribute value of MISP type `type` (composite values
  // as "a|b"). Returns the hits (empty = clean). Fast path: O(1) hash
  // lookups for string/hostname lists, prefix tables for CIDR lists.
  std::vector<WarninglistHit> Check(std::string_view type, std::string_view canonical_value) const;
  bool Hits(std::string_view type, std::string_view canonical_value) const {
    return !Check(type, canonical_value).empty();
  }
  // Checks a bare value of unknown type (guessed with model::GuessType).
  std::vector<WarninglistHit> CheckValue(std::string_view raw_value) const;

  std::vector<WarninglistInfo> List() const;
  // Changes whenever a list is added, replaced or edited (the lists' names,
  // built-in versions and JSON contents, hashed): a cache key for results
  // that depend on the lists.
  std::string Fingerprint() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Copies a validated MISP warninglist file into `dir` (created if needed),
// named after the list (WarninglistFileName); an installed list of the same
// name is replaced. Returns the parsed list's info.
StatusOr<WarninglistInfo> InstallWarninglist(const std::string& dir, const std::string& file);

// File name an installed list is stored under: the name lower-cased, runs of
// characters other than [a-z0-9] replaced by '-', plus ".json"
// ("List of RFC 1918 CIDR blocks" -> "list-of-rfc-1918-cidr-blocks.json").
std::string WarninglistFileName(std::string_view list_name);

}  // namespace sanad::intel
