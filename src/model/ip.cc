#include "model/ip.h"

#include <algorithm>
#include <cstdio>

#include "util/util.h"

namespace sanad::model {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A decimal number without sign or leading zeros ("0" itself is fine), at
// most `max` digits.
bool ParseDecimal(std::string_view s, size_t max_digits, unsigned* out) {
  if (s.empty() || s.size() > max_digits) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  unsigned v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *out = v;
  return true;
}

// Strict dotted quad: four decimal octets 0..255, no leading zeros.
bool ParseV4(std::string_view s, uint8_t* out) {
  int part = 0;
  size_t pos = 0;
  while (true) {
    size_t dot = s.find('.', pos);
    std::string_view oct =
        s.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    unsigned v;
    if (part >= 4 || !ParseDecimal(oct, 3, &v) || v > 255) return false;
    out[part++] = static_cast<uint8_t>(v);
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return part == 4;
}

// RFC 4291 section 2.2 text forms, without zone index.
bool ParseV6(std::string_view s, uint8_t* out) {
  uint16_t groups[8] = {};
  int n = 0;     // groups written
  int gap = -1;  // index where "::" stands
  size_t i = 0;
  if (s.size() < 2) return false;
  if (s[0] == ':') {
    if (s[1] != ':') return false;
    gap = 0;
    i = 2;
    if (i == s.size()) {  // "::"
      std::fill(out, out + 16, 0);
      return true;
    }
  }
  while (i < s.size()) {
    // Parse one piece: hex group or (last) dotted quad.
    size_t j = i;
    while (j < s.size() && s[j] != ':') ++j;
    std::string_view piece = s.substr(i, j - i);
    if (piece.empty()) return false;
    if (piece.find('.') != std::string_view::npos) {
      if (j != s.size() || n > 6) return false;  // IPv4 only as the last piece
      uint8_t v4[4];
      if (!ParseV4(piece, v4)) return false;
      groups[n++] = static_cast<uint16_t>(v4[0] << 8 | v4[1]);
      groups[n++] = static_cast<uint16_t>(v4[2] << 8 | v4[3]);
      i = j;
      break;
    }
    if (piece.size() > 4 || n >= 8) return false;
    unsigned v = 0;
    for (char c : piece) {
      int d = util::HexDigitValue(c);
      if (d < 0) return false;
      v = v << 4 | static_cast<unsigned>(d);
    }
    groups[n++] = static_cast<uint16_t>(v);
    if (j == s.size()) {
      i = j;
      break;
    }
    // s[j] == ':'
    if (j + 1 < s.size() && s[j + 1] == ':') {
      if (gap >= 0) return false;  // a second "::"
      gap = n;
      i = j + 2;
      if (i == s.size()) break;  // trailing "::"
    } else {
      i = j + 1;
      if (i == s.size()) return false;  // trailing single ':'
    }
  }
  if (gap < 0) {
    if (n != 8) return false;
  } else {
    if (n > 7) return false;  // "::" must stand for at least one group
    int tail = n - gap;
    uint16_t full[8] = {};
    for (int k = 0; k < gap; ++k) full[k] = groups[k];
    for (int k = 0; k < tail; ++k) full[8 - tail + k] = groups[gap + k];
    std::copy(full, full + 8, groups);
  }
  for (int k = 0; k < 8; ++k) {
    out[2 * k] = static_cast<uint8_t>(groups[k] >> 8);
    out[2 * k + 1] = static_cast<uint8_t>(groups[k] & 0xff);
  }
  return true;
}

void ClearHostBits(IpPrefix* p) {
  const int bytes = p->v6 ? 16 : 4;
  for (int b = 0; b < bytes; ++b) {
    int keep = p->len - b * 8;
    if (keep >= 8) continue;
    if (keep <= 0) {
      p->addr[b] = 0;
    } else {
      p->addr[b] &= static_cast<uint8_t>(0xff << (8 - keep));
    }
  }
}

bool IsV4Mapped(const IpPrefix& p) {
  if (!p.v6) return false;
  for (int i = 0; i < 10; ++i) {
    if (p.addr[i] != 0) return false;
  }
  return p.addr[10] == 0xff && p.addr[11] == 0xff;
}

std::string FormatV4(const uint8_t* a) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
  return buf;
}

}  // namespace

bool ParseIpPrefix(std::string_view s, IpPrefix* out) {
  IpPrefix p;
  std::string_view addr = s;
  std::string_view len_text;
  bool has_len = false;
  size_t slash = s.find('/');
  if (slash != std::string_view::npos) {
    addr = s.substr(0, slash);
    len_text = s.substr(slash + 1);
    has_len = true;
  }
  if (addr.find(':') != std::string_view::npos) {
    p.v6 = true;
    if (!ParseV6(addr, p.addr.data())) return false;
  } else {
    if (!ParseV4(addr, p.addr.data())) return false;
  }
  const int max = p.v6 ? 128 : 32;
  p.len = max;
  if (has_len) {
    unsigned v;
    if (!ParseDecimal(len_text, 3, &v) || v > static_cast<unsigned>(max)) return false;
    p.len = static_cast<int>(v);
  }
  ClearHostBits(&p);
  *out = p;
  return true;
}

std::string FormatIpPrefix(const IpPrefix& p) {
  std::string s;
  if (!p.v6) {
    s = FormatV4(p.addr.data());
  } else if (IsV4Mapped(p)) {
    s = "::ffff:" + FormatV4(p.addr.data() + 12);
  } else {
    uint16_t g[8];
    for (int k = 0; k < 8; ++k)
      g[k] = static_cast<uint16_t>(p.addr[2 * k] << 8 | p.addr[2 * k + 1]);
    // Longest run of two or more zero groups; the first one on ties.
    int best = -1, best_len = 0;
    for (int k = 0; k < 8;) {
      if (g[k] != 0) {
        ++k;
        continue;
      }
      int e = k;
      while (e < 8 && g[e] == 0) ++e;
      if (e - k > best_len) {
        best = k;
        best_len = e - k;
      }
      k = e;
    }
    if (best_len < 2) best = -1;
    char buf[8];
    for (int k = 0; k < 8; ++k) {
      if (k == best) {
        s += "::";
        k += best_len - 1;
        continue;
      }
      if (!s.empty() && s.back() != ':') s += ':';
      std::snprintf(buf, sizeof buf, "%x", g[k]);
      s += buf;
    }
  }
  if (!p.IsHost()) s += "/" + std::to_string(p.len);
  return s;
}

bool PrefixContains(const IpPrefix& outer, const IpPrefix& inner) {
  if (outer.v6 != inner.v6 || inner.len < outer.len) return false;
  IpPrefix masked = inner;
  masked.len = outer.len;
  ClearHostBits(&masked);
  return masked.addr == outer.addr;
}

IpPrefix UnmapV4(const IpPrefix& p) {
  if (!IsV4Mapped(p) || p.len < 96) return p;
  IpPrefix r;
  r.v6 = false;
  for (int i = 0; i < 4; ++i) r.addr[i] = p.addr[12 + i];
  r.len = p.len - 96;
  return r;
}

}  // namespace sanad::model
