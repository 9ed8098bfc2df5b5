// Validation and canonicalisation of indicator values.
//
// The canonical form is what correlation, search, warninglists and log
// matching compare. Rules (docs/formats.md has the full table):
//  - IPv4/IPv6: canonical text (RFC 5952 for IPv6); CIDRs have host bits
//    cleared; a /32 or /128 is written as the bare address.
//  - hostnames: trimmed, lower case, trailing dot removed, IDNA 2008 (UTS#46
//    non-transitional) to punycode; labels 1..63, name <= 253.
//  - URLs: RFC 3986 normalisation without changing meaning: lower-case scheme
//    and host, host to punycode, percent-encodings upper-cased and unreserved
//    ones decoded, dot segments removed, default port dropped. Scheme-less
//    values ("evil.example/path") are kept scheme-less.
//  - hashes: lower-case hex of exactly the type's length.
//  - email: lower case, domain to punycode.
//  - composite types ("a|b") canonicalise each component.
//  - unknown types and free-text types: kept exactly as received.
#pragma once

#include <string>
#include <string_view>

#include "model/types.h"
#include "util/status.h"

namespace sanad::model {

struct CanonicalValue {
  std::string value;  // whole canonical value ("c1|c2" for composites)
  std::string part1;  // first (or only) component
  std::string part2;  // second component of composite types, else empty
};

// Maximum length of an attribute value in bytes (documented limit).
inline constexpr size_t kMaxValueBytes = 1 << 20;

// Validates `raw` as a value of MISP type `type` and fills `out`.
// Returns Invalid with a short reason ("not an IPv4 or IPv6 address") when
// the value does not fit the type. Unknown types always succeed (opaque).
Status Canonicalise(std::string_view type, std::string_view raw, CanonicalValue* out);

// Component canonicalisers, also used by detection and search.
Status CanonicalIp(std::string_view raw, std::string* out);      // address or CIDR
Status CanonicalHostname(std::string_view raw, std::string* out);
Status CanonicalUrl(std::string_view raw, std::string* out);
Status CanonicalEmail(std::string_view raw, std::string* out);
Status CanonicalHash(std::string_view raw, size_t hex_len, std::string* out);

// The host of a canonical URL, lower case, without userinfo, port, IPv6
// brackets or trailing dot ("http://user@Evil.example:8080/x" -> "evil.example",
// "http://[2001:db8::1]/" -> "2001:db8::1", "evil.example/x" -> "evil.example");
// "" when it has none ("mailto:a@b.example", "file:///x"). Shared by
// correlation, warninglists and detection so that all read hosts alike.
std::string UrlHost(std::string_view canonical_url);

// Guesses the MISP type of a bare value ("1.2.3.4" -> "ip-dst",
// "example.com" -> "domain", 64 hex digits -> "sha256", ...); "text" when
// nothing fits. Used by search and text imports.
std::string_view GuessType(std::string_view raw);

}  // namespace sanad::model
