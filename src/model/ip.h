// IP addresses and prefixes in binary form, shared by canonicalisation,
// correlation (CIDR containment), warninglists and log matching.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sanad::model {

struct IpPrefix {
  bool v6 = false;
  std::array<uint8_t, 16> addr{};  // IPv4 uses the first 4 bytes; host bits are zero
  int len = 0;                     // prefix length: 0..32 (v4) or 0..128 (v6); full = single host
  bool IsHost() const { return len == (v6 ? 128 : 32); }
  bool operator==(const IpPrefix&) const = default;
};

// Parses "1.2.3.4", "1.2.3.0/24", "2001:db8::1", "2001:db8::/32",
// "::ffff:1.2.3.4". Strict dotted-quad IPv4 (no octal, no short forms).
// Host bits of a CIDR are cleared. Returns false on any syntax error.
bool ParseIpPrefix(std::string_view s, IpPrefix* out);
// Canonical text: RFC 5952 for IPv6, "/len" omitted for single hosts.
std::string FormatIpPrefix(const IpPrefix& p);
// True when `inner` lies inside `outer` (same family; inner.len >= outer.len).
bool PrefixContains(const IpPrefix& outer, const IpPrefix& inner);
// For "::ffff:a.b.c.d" returns the IPv4 host prefix; otherwise returns `p`.
IpPrefix UnmapV4(const IpPrefix& p);

}  // namespace sanad::model
