// The MISP attribute type and category table (MISP's describeTypes), shipped
// as Sanad's own data (types_table.cc), plus what Sanad knows of each type:
// how its value is validated and canonicalised and whether it correlates.
#pragma once

#include <span>
#include <string_view>

namespace sanad::model {

// How one component of a value is interpreted.
enum class ValueKind : unsigned char {
  kOpaque,     // any non-empty string, kept as is (filename, mutex, text, ...)
  kIp,         // IPv4/IPv6 address or CIDR
  kHostname,   // domain or host name (IDNA -> punycode, lower case)
  kUrl,        // absolute URL or scheme-less host/path
  kUri,        // URI path/reference (kept, whitespace trimmed)
  kEmail,      // addr-spec
  kHash,       // hex digest of a fixed length (TypeInfo::hash_len)
  kSsdeep,     // blocksize:hash:hash
  kPort,       // 0..65535
  kUnsigned,   // non-negative integer (size-in-bytes)
  kAsn,        // "AS64500" (accepts "64500", "as64500")
  kCve,        // "CVE-2021-44228" (upper case)
  kMac,        // 6 octets, lower-case colon form
  kBtc,        // base58 or bech32 address
  kRegkey,     // registry key (trimmed; canonical is lower case)
  kText,       // free text: kept exactly, may be long
};

struct TypeInfo {
  std::string_view name;              // "ip-dst|port"
  std::string_view default_category;  // "Network activity"
  bool to_ids_default;                // MISP's sane default
  ValueKind kind1;
  ValueKind kind2;                    // composite types only
  bool composite;                     // value is "a|b"
  bool correlates;                    // false for comment, text, port, size-in-bytes, other, ...
  unsigned char hash_len1;            // hex length for kHash components, else 0
  unsigned char hash_len2;
  bool modelled;                      // true: one of the types Sanad validates; false: opaque
};

// The entry for `type`, or nullptr when MISP's table does not know it (such
// values are stored as opaque strings, never dropped).
const TypeInfo* FindType(std::string_view type);
// All known types, in describeTypes order.
std::span<const TypeInfo> AllTypes();
// The 16 MISP categories.
std::span<const std::string_view> Categories();
bool IsCategory(std::string_view category);
// True when MISP's category_type_mappings allows `type` in `category`.
bool CategoryAllowsType(std::string_view category, std::string_view type);

}  // namespace sanad::model
