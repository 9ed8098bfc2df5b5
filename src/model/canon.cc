#include "model/canon.h"

#include <idn2.h>

#include <array>
#include <boost/url/parse.hpp>
#include <cstdint>
#include <exception>
#include <string>
#include <utility>

#include "model/ip.h"
#include "util/util.h"

namespace sanad::model {

namespace {

using std::string_view;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool IsControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}
bool HasControl(string_view s) {
  for (char c : s) {
    if (IsControl(c)) return true;
  }
  return false;
}
bool AllDigits(string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}
bool IsAscii(string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Parses a decimal number of at most `max_digits` digits (leading zeros
// allowed) into *out.
bool ParseUnsigned(string_view s, size_t max_digits, uint64_t* out) {
  if (s.empty() || s.size() > max_digits) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

// ---- hostnames -------------------------------------------------------------

// Validates an ASCII lower-case hostname without trailing dot.
Status ValidateHostname(string_view h, bool require_dot) {
  if (h.empty()) return Status::Invalid("empty hostname");
  if (h.size() > 253) return Status::Invalid("hostname longer than 253 bytes");
  size_t start = 0;
  bool dot = false;
  string_view last;
  while (true) {
    size_t end = h.find('.', start);
    string_view label = h.substr(start, end == string_view::npos ? string_view::npos : end - start);
    if (label.empty()) return Status::Invalid("empty label in hostname");
    if (label.size() > 63) return Status::Invalid("hostname label longer than 63 bytes");
    for (char c : label) {
      if (!(IsAlnum(c) || c == '-' || c == '_')) {
        return Status::Invalid("invalid character in hostname");
      }
    }
    last = label;
    if (end == string_view::npos) break;
    dot = true;
    start = end + 1;
  }
  if (require_dot && !dot) return Status::Invalid("hostname must contain a dot");
  if (AllDigits(last)) return Status::Invalid("not a valid hostname (numeric top-level label)");
  return Status::Ok();
}

Status HostnameImpl(string_view raw, bool require_dot, std::string* out) {
  string_view s = util::Trim(raw);
  if (s.empty()) return Status::Invalid("empty value");
  if (HasControl(s)) return Status::Invalid("invalid character in hostname");
  std::string h;
  if (IsAscii(s)) {
    h = util::ToLower(s);
  } else {
    std::string in(s);
    char* p = nullptr;
    int rc = idn2_to_ascii_8z(in.c_str(), &p, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
      idn2_free(p);
      p = nullptr;
      rc = idn2_to_ascii_8z(in.c_str(), &p, IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
    }
    if (rc != IDN2_OK || p == nullptr) {
      idn2_free(p);
      return Status::Invalid("invalid internationalised hostname");
    }
    h = util::ToLower(p);
    idn2_free(p);
  }
  if (!h.empty() && h.back() == '.') h.pop_back();
  SANAD_RETURN_IF_ERROR(ValidateHostname(h, require_dot));
  *out = std::move(h);
  return Status::Ok();
}

// ---- URLs ------------------------------------------------------------------

bool IsUnreserved(char c) { return IsAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
bool IsSubDelim(char c) { return string_view("!$&'()*+,;=").find(c) != string_view::npos; }

void AppendPct(unsigned char c, std::string* out) {
  static const char kHex[] = "0123456789ABCDEF";
  out->push_back('%');
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 15]);
}

// Percent-encodes every byte of `s` that may not appear in a URI component
// (`extra` lists the delimiters allowed besides unreserved and sub-delims).
// Existing escapes are normalised: upper-case hex, unreserved characters
// decoded (unless `decode` is false); a '%' not followed by two hex digits
// becomes "%25".
void EncodeComponent(string_view s, string_view extra, std::string* out, bool decode = true) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 < s.size() && IsHex(s[i + 1]) && IsHex(s[i + 2])) {
        auto decoded = static_cast<unsigned char>(util::HexDigitValue(s[i + 1]) * 16 +
                                                  util::HexDigitValue(s[i + 2]));
        if (decode && IsUnreserved(static_cast<char>(decoded))) {
          out->push_back(static_cast<char>(decoded));
        } else {
          AppendPct(decoded, out);
        }
        i += 2;
      } else {
        out->append("%25");
      }
    } else if (IsUnreserved(c) || IsSubDelim(c) || extra.find(c) != string_view::npos) {
      out->push_back(c);
    } else {
      AppendPct(static_cast<unsigned char>(c), out);
    }
  }
}

// RFC 3986 section 5.2.4 remove_dot_segments for an absolute path.
std::string RemoveDotSegments(string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") {
      in.remove_prefix(3);
    } else if (in.substr(0, 2) == "./") {
      in.remove_prefix(2);
    } else if (in.substr(0, 3) == "/./") {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.substr(0, 4) == "/../" || in == "/..") {
      in = in.size() == 3 ? string_view("/") : in.substr(3);
      size_t slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      size_t next = in.find('/', 1);
      out.append(in.substr(0, next));
      in = next == string_view::npos ? string_view() : in.substr(next);
    }
  }
  return out;
}

// Path, query and fragment: encoded and normalised; dot segments removed
// from a hierarchical path; the first '#' starts the fragment, later '#' are
// encoded.
void EncodeRest(string_view s, bool has_authority, std::string* out) {
  size_t hash = s.find('#');
  string_view before = s.substr(0, hash);
  size_t q = before.find('?');
  std::string path;
  EncodeComponent(before.substr(0, q), ":@/", &path);
  if (!path.empty() && path[0] == '/') {
    path = RemoveDotSegments(path);
    // Without an authority a path may not start with "//".
    if (!has_authority && path.substr(0, 2) == "//") path.insert(0, "/.");
  }
  out->append(path);
  if (q != string_view::npos) {
    out->push_back('?');
    EncodeComponent(before.substr(q + 1), ":@/?", out);
  }
  if (hash != string_view::npos) {
    out->push_back('#');
    EncodeComponent(s.substr(hash + 1), ":@/?", out);
  }
}

int DefaultPort(string_view scheme) {
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  if (scheme == "ftp") return 21;
  return -1;
}

bool NeedsHost(string_view scheme) {
  return scheme == "http" || scheme == "https" || scheme == "ftp" || scheme == "ws" ||
         scheme == "wss";
}

// Finds a scheme ("http:"); returns its length or 0 when `s` is scheme-less.
// "evil.example:8080/x" and "localhost:8080" are hosts with ports, not
// schemes.
size_t SchemeLength(string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return 0;
  size_t i = 1;
  bool dot = false;
  while (i < s.size() && (IsAlnum(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) {
    dot |= s[i] == '.';
    ++i;
  }
  if (i == s.size() || s[i] != ':') return 0;
  string_view rest = s.substr(i + 1);
  if (rest.substr(0, 2) == "//") return i;
  if (dot) return 0;
  size_t d = 0;
  while (d < rest.size() && IsDigit(rest[d])) ++d;
  if (d > 0 && (d == rest.size() || rest[d] == '/' || rest[d] == '?' || rest[d] == '#')) return 0;
  return i;
}

// Canonical authority: [userinfo@]host[:port]. `scheme` is empty for
// scheme-less values (no default port is dropped then).
Status CanonicalAuthority(string_view auth, string_view scheme, bool schemeless, std::string* out) {
  size_t at = auth.rfind('@');
  std::string result;
  if (at != string_view::npos) {
    // In a scheme-less value, decoding could turn the userinfo into a scheme
    // ("%61b:c@host" -> "ab:c@host"), so escapes there are only upper-cased.
    EncodeComponent(auth.substr(0, at), ":", &result, !schemeless);
    result.push_back('@');
    auth = auth.substr(at + 1);
  }
  string_view host = auth, port;
  bool has_port = false;
  std::string host_canon;
  if (!auth.empty() && auth[0] == '[') {
    size_t close = auth.find(']');
    if (close == string_view::npos) return Status::Invalid("unterminated IPv6 literal in URL");
    string_view lit = auth.substr(1, close - 1);
    IpPrefix p;
    if (lit.find('/') != string_view::npos || !ParseIpPrefix(lit, &p) || !p.v6) {
      return Status::Invalid("invalid IPv6 literal in URL");
    }
    host_canon = "[" + FormatIpPrefix(p) + "]";
    string_view after = auth.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Status::Invalid("invalid host in URL");
      has_port = true;
      port = after.substr(1);
    }
  } else {
    size_t colon = auth.find(':');
    if (colon != string_view::npos) {
      has_port = true;
      host = auth.substr(0, colon);
      port = auth.substr(colon + 1);
    }
    if (host.empty()) {
      if (schemeless || NeedsHost(scheme)) return Status::Invalid("URL has no host");
      if (has_port && !port.empty()) return Status::Invalid("URL has a port but no host");
    } else {
      // A host whose last label is numeric must be a dotted-quad IPv4 address.
      string_view h = host;
      if (h.back() == '.') h.remove_suffix(1);
      size_t dot = h.rfind('.');
      if (AllDigits(dot == string_view::npos ? h : h.substr(dot + 1))) {
        IpPrefix p;
        if (h.find('/') != string_view::npos || !ParseIpPrefix(h, &p)) {
          return Status::Invalid("invalid IPv4 address in URL");
        }
        host_canon = FormatIpPrefix(p);
      } else {
        Status st = HostnameImpl(host, false, &host_canon);
        if (!st.ok()) return Status::Invalid("invalid host in URL: " + st.message());
      }
      if (schemeless && host_canon.find('.') == std::string::npos && !(has_port && !port.empty())) {
        return Status::Invalid("not a URL: no scheme and no domain");
      }
    }
  }
  result += host_canon;
  if (has_port && !port.empty()) {
    uint64_t v;
    if (!ParseUnsigned(port, 5, &v) || v > 65535) return Status::Invalid("invalid port in URL");
    if (schemeless || static_cast<int>(v) != DefaultPort(scheme)) {
      result += ":" + std::to_string(v);
    }
  }
  *out = std::move(result);
  return Status::Ok();
}

// ---- other kinds -----------------------------------------------------------

Status NonEmpty(string_view raw) {
  if (util::Trim(raw).empty()) return Status::Invalid("empty value");
  return Status::Ok();
}

Status CanonicalPort(string_view raw, std::string* out) {
  string_view s = util::Trim(raw);
  if (s.empty()) return Status::Invalid("empty value");
  uint64_t v;
  if (!ParseUnsigned(s, 5, &v) || v > 65535) return Status::Invalid("port must be 0..65535");
  *out = std::to_string(v);
  return Status::Ok();
}

Status CanonicalUnsigned(string_view raw, std::string* out) {
  string_view s = util::Trim(raw);
  if (s.empty()) return Status::Invalid("empty value");
  uint64_t v;
  // Leading zeros are allowed; strip them before the length check.
  while (s.size() > 1 && s[0] == '0') s.remove_prefix(1);
  if (!ParseUnsigned(s, 20, &v)) return Status::Invalid("not a non-negative integer");
  *out = std::to_string(v);
  return Status::Ok();
}

Status CanonicalAsn(string_view raw, std::string* out) {
  string_view s = util::Trim(raw);
  if (s.empty()) return Status::Invalid("empty value");
  if (s.size() >= 2 && util::EqualsIgnoreCase(s.substr(0, 2), "as")) s.remove_prefix(2);
  while (s.size() > 1 && s[0] == '0') s.remove_prefix(1);
  uint64_t v;
  if (!ParseUnsigned(s, 10, &v) || v > 4294967295ULL) {
    return Status::Invalid("not an AS number (AS0..AS4294967295)");
  }
  *out = "AS" + std::to_string(v);
  return Status::Ok();
}

bool IsCve(string_view s) {
  if (s.size() < 13 || !util::EqualsIgnoreCase(s.substr(0, 4), "cve-")) return false;
  for (size_t i = 4; i < 8; ++i) {
    if (!IsDigit(s[i])) return false;
  }
  return s[8] == '-' && AllDigits(s.substr(9));
}

Status CanonicalVulnerability(string_view raw, std::string* out) {
  string_view s = util::Trim(raw);
  if (s.empty()) return Status::Invalid("empty value");
  std::string r(s);
  if (IsCve(s)) {
    for (char& c : r) c = Upper(c);
  }
  *out = std::move(r);
  return Status::Ok();
}

Status CanonicalMac(string_view raw, std::string* out) {
  string_view s = util::Trim(raw);
  if (s.empty()) return Status::Invalid("empty value");
  std::string hex;
  auto fail = [] { return Status::Invalid("not a MAC address"); };
  if (s.size() == 17 && (s[2] == ':' || s[2] == '-')) {
    char sep = s[2];
    for (size_t i = 0; i < 17; ++i) {
      if (i % 3 == 2) {
        if (s[i] != sep) return fail();
      } else {
        if (!IsHex(s[i])) return fail();
        hex.push_back(util::AsciiLower(s[i]));
      }
    }
  } else if (s.size() == 14 && s[4] == '.' && s[9] == '.') {
    for (size_t i = 0; i < 14; ++i) {
      if (i == 4 || i == 9) continue;
      if (!IsHex(s[i])) return fail();
      hex.push_back(util::AsciiLower(s[i]));
    }
  } else if (s.size() == 12) {
    for (char c : s) {
      if (!IsHex(c)) return fail();
      hex.push_back(util::AsciiLower(c));
    }
  } else {
    return fail();
  }
  std::string r;
  for (size_t i = 0; i < 12; i += 2) {
    if (i) r.push_back(':');
    r.append(hex, i, 2);
  }
  *out = std::move(r);
  return Status::Ok();
}

Status CanonicalBtc(string_view raw, std::string* out) {
  string_view s = util::Trim(raw);
  if (s.empty()) return Status::Invalid("empty value");
  static constexpr string_view kBase58 =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  static constexpr string_view kBech32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  auto fail = [] { return Status::Invalid("not a bitcoin address"); };
  if (s[0] == '1' || s[0] == '3') {
    if (s.size() < 26 || s.size() > 35) return fail();
    for (char c : s) {
      if (kBase58.find(c) == string_view::npos) return fail();
    }
    *out = std::string(s);
    return Status::Ok();
  }
  if (s.size() >= 14 && s.size() <= 74 && util::EqualsIgnoreCase(s.substr(0, 3), "bc1")) {
    bool lower = false, upper = false;
    for (char c : s) {
      lower |= c >= 'a' && c <= 'z';
      upper |= c >= 'A' && c <= 'Z';
    }
    if (lower && upper) return fail();
    std::string r = util::ToLower(s);
    for (size_t i = 3; i < r.size(); ++i) {
      if (kBech32.find(r[i]) == string_view::npos) return fail();
    }
    *out = std::move(r);
    return Status::Ok();
  }
  return fail();
}

Status CanonicalSsdeep(string_view raw, std::string* out) {
  string_view s = util::Trim(raw);
  if (s.empty()) return Status::Invalid("empty value");
  auto fail = [] { return Status::Invalid("not an ssdeep hash (blocksize:hash:hash)"); };
  size_t c1 = s.find(':');
  if (c1 == string_view::npos || !AllDigits(s.substr(0, c1))) return fail();
  size_t c2 = s.find(':', c1 + 1);
  if (c2 == string_view::npos) return fail();
  for (size_t i = c1 + 1; i < s.size(); ++i) {
    if (i == c2) continue;
    char c = s[i];
    if (!(IsAlnum(c) || c == '/' || c == '+')) return fail();
  }
  *out = std::string(s);
  return Status::Ok();
}

// The name used in hash error messages: the component's own type name
// ("md5" for "filename|md5").
std::string HashName(string_view type, bool second) {
  if (type == "malware-sample") return "md5";
  size_t bar = type.find('|');
  if (bar == string_view::npos) return std::string(type);
  return std::string(second ? type.substr(bar + 1) : type.substr(0, bar));
}

Status CanonicalComponent(ValueKind kind, size_t hash_len, string_view type, bool second,
                          string_view raw, std::string* out) {
  switch (kind) {
    case ValueKind::kOpaque:
    case ValueKind::kText:
      SANAD_RETURN_IF_ERROR(NonEmpty(raw));
      *out = std::string(raw);
      return Status::Ok();
    case ValueKind::kUri: {
      string_view s = util::Trim(raw);
      if (s.empty()) return Status::Invalid("empty value");
      *out = std::string(s);
      return Status::Ok();
    }
    case ValueKind::kRegkey: {
      string_view s = util::Trim(raw);
      if (s.empty()) return Status::Invalid("empty value");
      *out = util::ToLower(s);
      return Status::Ok();
    }
    case ValueKind::kHash: {
      Status st = CanonicalHash(raw, hash_len, out);
      if (!st.ok() && st.message() != "empty value") {
        return Status::Invalid(HashName(type, second) + " must be " + std::to_string(hash_len) +
                               " hex digits");
      }
      return st;
    }
    default:
      break;
  }
  // The kinds whose canonical form depends on the value alone.
  static constexpr std::pair<ValueKind, Status (*)(string_view, std::string*)> kByKind[] = {
      {ValueKind::kIp, CanonicalIp},
      {ValueKind::kHostname, CanonicalHostname},
      {ValueKind::kUrl, CanonicalUrl},
      {ValueKind::kEmail, CanonicalEmail},
      {ValueKind::kSsdeep, CanonicalSsdeep},
      {ValueKind::kPort, CanonicalPort},
      {ValueKind::kUnsigned, CanonicalUnsigned},
      {ValueKind::kAsn, CanonicalAsn},
      {ValueKind::kCve, CanonicalVulnerability},
      {ValueKind::kMac, CanonicalMac},
      {ValueKind::kBtc, CanonicalBtc}};
  for (const auto& [k, canonical] : kByKind) {
    if (k == kind) return canonical(raw, out);
  }
  return Status::Internal("unknown value kind");
}

// Composite values split on the last '|' when the first part is a file name
// (file names may contain '|'), else on the first '|' (the second part of
// regkey|value may contain '|').
size_t SplitPos(string_view type, string_view raw) {
  if (type == "malware-sample" || type.substr(0, 9) == "filename|") return raw.rfind('|');
  return raw.find('|');
}

}  // namespace

std::string UrlHost(string_view url) {
  string_view s = util::Trim(url);
  size_t slen = SchemeLength(s);
  string_view rest;
  if (slen) {
    rest = s.substr(slen + 1);
    if (rest.substr(0, 2) != "//") return "";
    rest.remove_prefix(2);
  } else {
    rest = s;
    if (rest.substr(0, 2) == "//") rest.remove_prefix(2);
  }
  string_view auth = rest.substr(0, rest.find_first_of("/?#"));
  size_t at = auth.rfind('@');
  if (at != string_view::npos) auth = auth.substr(at + 1);
  if (!auth.empty() && auth[0] == '[') {
    size_t close = auth.find(']');
    if (close == string_view::npos) return "";
    return util::ToLower(auth.substr(1, close - 1));
  }
  string_view host = auth.substr(0, auth.find(':'));
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return util::ToLower(host);
}

Status CanonicalIp(string_view raw, std::string* out) {
  string_view s = util::Trim(raw);
  if (s.empty()) return Status::Invalid("empty value");
  IpPrefix p;
  if (!ParseIpPrefix(s, &p)) return Status::Invalid("not an IPv4 or IPv6 address");
  *out = FormatIpPrefix(p);
  return Status::Ok();
}

Status CanonicalHostname(string_view raw, std::string* out) { return HostnameImpl(raw, true, out); }

Status CanonicalUrl(string_view raw, std::string* out) {
  string_view s = util::Trim(raw);
  if (s.empty()) return Status::Invalid("empty value");
  if (HasControl(s)) return Status::Invalid("URL contains control characters");
  size_t slen = SchemeLength(s);
  bool schemeless = slen == 0;
  std::string scheme = schemeless ? "http" : util::ToLower(s.substr(0, slen));
  string_view rest = schemeless ? s : s.substr(slen + 1);
  bool double_slash = rest.substr(0, 2) == "//";  // scheme-less "//host/path"
  bool has_authority = schemeless || double_slash;
  std::string text = scheme + ":";
  if (has_authority) {
    if (double_slash) rest.remove_prefix(2);
    size_t end = rest.find_first_of("/?#");
    std::string auth;
    SANAD_RETURN_IF_ERROR(CanonicalAuthority(rest.substr(0, end), scheme, schemeless, &auth));
    text += "//" + auth;
    rest = end == string_view::npos ? string_view() : rest.substr(end);
  } else if (NeedsHost(scheme)) {
    return Status::Invalid("URL has no host");
  }
  EncodeRest(rest, has_authority, &text);
  if (!has_authority && SchemeLength(text) == 0) {
    // Decoding made "h:%31" read as host "h", port 1: keep the digit encoded.
    size_t first = scheme.size() + 1;
    std::string digit;
    AppendPct(static_cast<unsigned char>(text[first]), &digit);
    text.replace(first, 1, digit);
  }
  try {
    // The text is now normalised; Boost.URL checks it is a valid RFC 3986 URI.
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed) return Status::Invalid("not a valid URL");
    std::string r(parsed->buffer());
    if (schemeless) {
      // Drop the "http:" added for parsing; keep "//" only when given.
      r.erase(0, double_slash ? 5 : 7);
    }
    *out = std::move(r);
  } catch (const std::exception&) {
    return Status::Invalid("not a valid URL");
  }
  return Status::Ok();
}

Status CanonicalEmail(string_view raw, std::string* out) {
  string_view s = util::Trim(raw);
  if (s.empty()) return Status::Invalid("empty value");
  size_t at = s.rfind('@');
  if (at == string_view::npos || at == 0 || at + 1 == s.size()) {
    return Status::Invalid("not an email address");
  }
  string_view local = s.substr(0, at);
  if (local.size() > 64) return Status::Invalid("email local part longer than 64 bytes");
  for (char c : local) {
    if (IsControl(c) || c == ' ' || c == '@' || c == '<' || c == '>' || c == '(' || c == ')' ||
        c == ',' || c == ';' || c == ':' || c == '[' || c == ']' || c == '\\' || c == '"') {
      return Status::Invalid("not an email address");
    }
  }
  std::string domain;
  Status st = HostnameImpl(s.substr(at + 1), true, &domain);
  if (!st.ok()) return Status::Invalid("invalid email domain: " + st.message());
  if (s.substr(at + 1) != util::Trim(s.substr(at + 1))) {
    return Status::Invalid("not an email address");
  }
  *out = util::ToLower(local) + "@" + domain;
  return Status::Ok();
}

Status CanonicalHash(string_view raw, size_t hex_len, std::string* out) {
  string_view s = util::Trim(raw);
  if (s.empty()) return Status::Invalid("empty value");
  if (s.size() != hex_len) {
    return Status::Invalid("hash must be " + std::to_string(hex_len) + " hex digits");
  }
  std::string r(s);
  for (char& c : r) {
    if (!IsHex(c)) {
      return Status::Invalid("hash must be " + std::to_string(hex_len) + " hex digits");
    }
    c = util::AsciiLower(c);
  }
  *out = std::move(r);
  return Status::Ok();
}

Status Canonicalise(string_view type, string_view raw, CanonicalValue* out) {
  if (raw.size() > kMaxValueBytes) {
    return Status::Limit("value longer than " + std::to_string(kMaxValueBytes) + " bytes");
  }
  const TypeInfo* info = FindType(type);
  CanonicalValue r;
  if (info == nullptr) {
    r.value = r.part1 = std::string(raw);
    *out = std::move(r);
    return Status::Ok();
  }
  if (!info->modelled) {
    SANAD_RETURN_IF_ERROR(NonEmpty(raw));
    r.value = std::string(raw);
    size_t bar = info->composite ? SplitPos(type, raw) : string_view::npos;
    if (bar != string_view::npos) {
      r.part1 = std::string(raw.substr(0, bar));
      r.part2 = std::string(raw.substr(bar + 1));
    } else {
      r.part1 = r.value;
    }
    *out = std::move(r);
    return Status::Ok();
  }
  if (!info->composite) {
    SANAD_RETURN_IF_ERROR(
        CanonicalComponent(info->kind1, info->hash_len1, type, false, raw, &r.part1));
    r.value = r.part1;
    *out = std::move(r);
    return Status::Ok();
  }
  if (util::Trim(raw).empty()) return Status::Invalid("empty value");
  size_t bar = SplitPos(type, raw);
  if (bar == string_view::npos) {
    return Status::Invalid(std::string(type) + " value must be two parts separated by '|'");
  }
  Status st =
      CanonicalComponent(info->kind1, info->hash_len1, type, false, raw.substr(0, bar), &r.part1);
  if (!st.ok()) return st.WithContext("first part");
  st = CanonicalComponent(info->kind2, info->hash_len2, type, true, raw.substr(bar + 1), &r.part2);
  if (!st.ok()) return st.WithContext("second part");
  r.value = r.part1 + "|" + r.part2;
  *out = std::move(r);
  return Status::Ok();
}

std::string_view GuessType(std::string_view raw) {
  string_view s = util::Trim(raw);
  if (s.empty()) return "text";
  std::string tmp;
  IpPrefix p;
  if (ParseIpPrefix(s, &p)) return "ip-dst";
  bool hex = true;
  for (char c : s) hex &= IsHex(c);
  if (hex) {
    static constexpr std::pair<size_t, std::string_view> kHashTypes[] = {
        {32, "md5"}, {40, "sha1"}, {56, "sha224"}, {64, "sha256"}, {96, "sha384"}, {128, "sha512"}};
    for (const auto& [len, type] : kHashTypes) {
      if (s.size() == len) return type;
    }
  }
  if (IsCve(s)) return "vulnerability";
  if (s.size() > 2 && util::EqualsIgnoreCase(s.substr(0, 2), "as") && AllDigits(s.substr(2))) {
    if (CanonicalAsn(s, &tmp).ok()) return "AS";
  }
  if (s.size() != 12 && CanonicalMac(s, &tmp).ok()) return "mac-address";
  if (CanonicalSsdeep(s, &tmp).ok() && s.find(':') != s.rfind(':')) return "ssdeep";
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return "text";
  }
  if (s.find('@') != string_view::npos && s.find('/') == string_view::npos &&
      CanonicalEmail(s, &tmp).ok()) {
    return "email";
  }
  if (s.find("://") != string_view::npos && SchemeLength(s) > 0 && CanonicalUrl(s, &tmp).ok()) {
    return "url";
  }
  if (CanonicalHostname(s, &tmp).ok()) {
    static constexpr std::array<string_view, 46> kFileExtensions = {
        "exe", "dll", "sys", "scr", "bat",  "cmd",  "ps1",  "vbs",  "vbe",  "js",  "jse",  "jar",
        "msi", "lnk", "hta", "doc", "docx", "docm", "xls",  "xlsx", "xlsm", "ppt", "pptx", "pdf",
        "rtf", "txt", "rar", "7z",  "gz",   "tar",  "iso",  "img",  "bin",  "dat", "tmp",  "log",
        "ini", "cfg", "elf", "apk", "dmg",  "jpg",  "jpeg", "png",  "gif",  "htm"};
    string_view last = string_view(tmp).substr(tmp.rfind('.') + 1);
    for (string_view e : kFileExtensions) {
      if (last == e) return "filename";
    }
    return "domain";
  }
  if (s.find('/') != string_view::npos && CanonicalUrl(s, &tmp).ok()) {
    size_t slash = s.find('/');
    if (slash > 0) return "url";
  }
  if (CanonicalBtc(s, &tmp).ok()) return "btc";
  return "text";
}

}  // namespace sanad::model
