// Sanad's default warninglists, written by the project from the RFCs and
// operators' public documentation (not copied from MISP's lists). They flag
// values that are never useful as shared indicators: private, reserved and
// documentation address space, well-known public DNS resolvers, the most
// popular Internet domains and reserved domain names.
#include "intel/default_warninglists.h"

namespace sanad::intel::internal {

namespace {

using T = WarninglistType;

// MISP attribute types that carry an IP address (alone or as a component),
// plus URLs whose host is an IP literal.
constexpr std::string_view kIpTypes[] = {"ip-src",    "ip-dst", "ip-src|port", "ip-dst|port",
                                         "domain|ip", "url",    "link"};
// Types that carry a host name.
constexpr std::string_view kHostTypes[] = {"domain",        "hostname", "domain|ip",
                                           "hostname|port", "url",      "link"};
// Host-name types plus e-mail addresses (checked on their domain).
constexpr std::string_view kHostAndEmailTypes[] = {
    "domain",    "hostname",  "domain|ip",    "hostname|port",         "url", "link", "email",
    "email-src", "email-dst", "target-email", "whois-registrant-email"};

const DefaultList kLists[] = {
    {"RFC 1918 private IPv4 networks",
     "Private-use IPv4 address space (RFC 1918): not routable on the Internet, meaningless "
     "outside the network that observed it.",
     T::kCidr,
     1,
     kIpTypes,
     {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}},
    {"Documentation address ranges",
     "Address blocks reserved for documentation and examples: IPv4 TEST-NET-1/2/3 "
     "(RFC 5737) and IPv6 2001:db8::/32 (RFC 3849).",
     T::kCidr,
     1,
     kIpTypes,
     {"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"}},
    {"RFC 6598 shared address space (CGNAT)",
     "Shared address space for carrier-grade NAT (RFC 6598): addresses of a provider's "
     "customers behind CGNAT, not globally unique.",
     T::kCidr,
     1,
     kIpTypes,
     {"100.64.0.0/10"}},
    {"Loopback addresses",
     "Loopback addresses (RFC 1122, RFC 4291): the observing host itself.",
     T::kCidr,
     1,
     kIpTypes,
     {"127.0.0.0/8", "::1/128"}},
    {"Link-local addresses",
     "Link-local addresses (RFC 3927, RFC 4291): valid only on one network segment.",
     T::kCidr,
     1,
     kIpTypes,
     {"169.254.0.0/16", "fe80::/10"}},
    {"IPv6 unique local addresses",
     "IPv6 unique local addresses (RFC 4193): private-use IPv6 space.",
     T::kCidr,
     1,
     kIpTypes,
     {"fc00::/7"}},
    {"Multicast addresses",
     "IPv4 (RFC 5771) and IPv6 (RFC 4291) multicast groups, never a single remote host.",
     T::kCidr,
     1,
     kIpTypes,
     {"224.0.0.0/4", "ff00::/8"}},
    {"Special-purpose IPv4 and IPv6 addresses",
     "Other special-purpose space (RFC 6890): \"this network\" 0.0.0.0/8, IETF protocol "
     "assignments 192.0.0.0/24, benchmarking 198.18.0.0/15, reserved 240.0.0.0/4, the "
     "limited broadcast address and the IPv6 unspecified address.",
     T::kCidr,
     1,
     kIpTypes,
     {"0.0.0.0/8", "192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4", "255.255.255.255/32", "::/128"}},
    {"Well-known public DNS resolvers",
     "Anycast addresses of widely used public recursive DNS services (Google, Cloudflare, "
     "Quad9, OpenDNS, AdGuard, Level 3, Comodo, Yandex): contacted by almost every host.",
     T::kCidr,
     1,
     kIpTypes,
     {
         // Google Public DNS
         "8.8.8.8",
         "8.8.4.4",
         "2001:4860:4860::8888",
         "2001:4860:4860::8844",
         // Cloudflare
         "1.1.1.1",
         "1.0.0.1",
         "1.1.1.2",
         "1.0.0.2",
         "1.1.1.3",
         "1.0.0.3",
         "2606:4700:4700::1111",
         "2606:4700:4700::1001",
         // Quad9
         "9.9.9.9",
         "149.112.112.112",
         "9.9.9.10",
         "149.112.112.10",
         "9.9.9.11",
         "2620:fe::fe",
         "2620:fe::9",
         // OpenDNS (Cisco)
         "208.67.222.222",
         "208.67.220.220",
         "208.67.222.123",
         "208.67.220.123",
         "2620:119:35::35",
         "2620:119:53::53",
         // AdGuard DNS
         "94.140.14.14",
         "94.140.15.15",
         // Level 3 / Lumen
         "4.2.2.1",
         "4.2.2.2",
         "4.2.2.3",
         "4.2.2.4",
         // Comodo Secure DNS
         "8.26.56.26",
         "8.20.247.20",
         // Yandex DNS
         "77.88.8.8",
         "77.88.8.1",
     }},
    {"Popular Internet domains",
     "A short list of the most visited Internet domains and their subdomains: almost never a "
     "malicious indicator on their own (content hosted on them may still be).",
     T::kHostname,
     1,
     kHostTypes,
     {"google.com",   "youtube.com",   "gmail.com",     "facebook.com",      "instagram.com",
      "whatsapp.com", "microsoft.com", "windows.com",   "windowsupdate.com", "live.com",
      "office.com",   "outlook.com",   "bing.com",      "msn.com",           "apple.com",
      "icloud.com",   "amazon.com",    "wikipedia.org", "twitter.com",       "x.com",
      "linkedin.com", "yahoo.com",     "netflix.com",   "cloudflare.com",    "baidu.com",
      "yandex.ru",    "mozilla.org",   "adobe.com",     "zoom.us",           "reddit.com",
      "tiktok.com"}},
    {"Reserved example and test domains",
     "Domain names reserved for documentation and testing (RFC 2606, RFC 6761): example, "
     "example.com, example.net, example.org, test and invalid, with all their subdomains "
     "(localhost has its own list).",
     T::kHostname,
     1,
     kHostAndEmailTypes,
     {"example", "example.com", "example.net", "example.org", "test", "invalid"}},
    {"Localhost names",
     "Names of the local host (RFC 6761 localhost and its subdomains, and common /etc/hosts "
     "aliases).",
     T::kHostname,
     1,
     kHostAndEmailTypes,
     {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}},
};

}  // namespace

std::span<const DefaultList> DefaultLists() { return kLists; }

}  // namespace sanad::intel::internal
