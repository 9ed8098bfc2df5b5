// Observable extraction and lookups: one hand-written pass over the text.
//
// Tokens are maximal runs of [A-Za-z0-9._:-] and bytes >= 0x80; only tokens
// with a '.' or ':' or at least as long as the shortest indicator hash are
// looked at, so most of the text costs one table load per byte. See
// docs/detect.md for the extraction rules.
#include "detect/scanner.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "model/canon.h"
#include "util/json_writer.h"

namespace sanad::detect {

namespace {

enum : uint8_t {
  kDigit = 1,
  kHexAlpha = 2,  // a-f A-F
  kAlpha = 4,     // other letters
  kDot = 8,
  kDash = 16,  // '-' '_'
  kColon = 32,
  kHigh = 64,  // >= 0x80
  kTok = 128,
};

struct ClassTable {
  uint8_t c[256];
  constexpr ClassTable() : c() {
    for (int i = 0; i < 256; ++i) {
      uint8_t v = 0;
      if (i >= '0' && i <= '9')
        v = kDigit | kTok;
      else if ((i >= 'a' && i <= 'f') || (i >= 'A' && i <= 'F'))
        v = kHexAlpha | kTok;
      else if ((i >= 'g' && i <= 'z') || (i >= 'G' && i <= 'Z'))
        v = kAlpha | kTok;
      else if (i == '.')
        v = kDot | kTok;
      else if (i == '-' || i == '_')
        v = kDash | kTok;
      else if (i == ':')
        v = kColon | kTok;
      else if (i >= 0x80)
        v = kHigh | kTok;
      c[i] = v;
    }
  }
};
constexpr ClassTable kCls;

inline uint8_t Cls(char c) { return kCls.c[static_cast<uint8_t>(c)]; }
inline bool IsAlnum(char c) { return (Cls(c) & (kDigit | kHexAlpha | kAlpha)) != 0; }
inline bool IsHexDigit(char c) { return (Cls(c) & (kDigit | kHexAlpha)) != 0; }
inline bool IsAlphaC(char c) { return (Cls(c) & (kHexAlpha | kAlpha)) != 0; }
inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
// The value of a hex digit (0-9, a-f, A-F), without a branch on its kind
// (hash digits are random: a branch would mispredict often).
inline int HexVal(char c) {
  auto u = static_cast<unsigned>(static_cast<unsigned char>(c));
  return static_cast<int>((u & 0xF) + 9 * (u >> 6));
}

bool IsSchemeChar(char c) { return IsAlnum(c) || c == '+' || c == '-' || c == '.'; }

bool IsLocalChar(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool IsUrlStop(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u == 0x7f) return true;
  switch (c) {
    case '"':
    case '\'':
    case '<':
    case '>':
    case '`':
    case '\\':
    case '^':
    case '{':
    case '}':
    case '|':
      return true;
    default:
      return false;
  }
}

// Length of a Unicode separator/punctuation sequence at p (see docs/detect.md),
// 0 when there is none.
size_t UnicodeSeparator(const unsigned char* p, size_t avail) {
  if (avail >= 2 && p[0] == 0xC2 && (p[1] == 0xA0 || p[1] == 0xAB || p[1] == 0xBB)) return 2;
  if (avail >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
      ((p[2] >= 0x80 && p[2] <= 0x8B) || (p[2] >= 0x98 && p[2] <= 0x9F) || p[2] == 0xA6))
    return 3;
  if (avail >= 3 && p[0] == 0xE3 && p[1] == 0x80 &&
      (p[2] == 0x80 || p[2] == 0x81 || (p[2] >= 0x8C && p[2] <= 0x8F)))
    return 3;
  if (avail >= 3 && p[0] == 0xEF && p[1] == 0xBC && (p[2] == 0x88 || p[2] == 0x89 || p[2] == 0x8C))
    return 3;
  return 0;
}

uint32_t Mask4(int len) { return len == 0 ? 0 : ~uint32_t{0} << (32 - len); }

V6Key MaskV6(V6Key k, int len) {
  if (len < 64) {
    k.lo = 0;
    k.hi = len == 0 ? 0 : k.hi & (~uint64_t{0} << (64 - len));
  } else if (len < 128) {
    k.lo = len == 64 ? 0 : k.lo & (~uint64_t{0} << (128 - len));
  }
  return k;
}

size_t CountNewlines(const char* p, size_t n) {
  // Per-byte counters (0 - match mask), summed with SAD before they overflow.
  size_t c = 0;
  size_t i = 0;
  const __m128i nl = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  while (i + 16 <= n) {
    __m128i acc = zero;
    size_t stop = std::min(n - 15, i + size_t{4080} /* 255 vectors of 16 bytes */);
    for (; i < stop; i += 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, nl));
    }
    __m128i sums = _mm_sad_epu8(acc, zero);
    c += static_cast<size_t>(_mm_cvtsi128_si64(sums)) +
         static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
  for (; i < n; ++i) c += p[i] == '\n';
  return c;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool Hex4(std::string_view s, size_t i, uint32_t* v) {
  if (i + 4 > s.size()) return false;
  uint32_t r = 0;
  for (size_t k = i; k < i + 4; ++k) {
    if (!IsHexDigit(s[k])) return false;
    r = r << 4 | static_cast<uint32_t>(HexVal(s[k]));
  }
  *v = r;
  return true;
}

}  // namespace

void JsonUnescape(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '\\' || i + 1 >= in.size()) {
      out->push_back(c);
      continue;
    }
    char e = in[++i];
    if (char d = util::kJsonEscapes.unescape[static_cast<unsigned char>(e)]) {
      out->push_back(d);
      continue;
    }
    if (e != 'u') {
      out->push_back('\\');
      out->push_back(e);
      continue;
    }
    uint32_t cp;
    if (!Hex4(in, i + 1, &cp)) {
      out->append("\\u");
      continue;
    }
    i += 4;
    if (cp >= 0xD800 && cp < 0xDC00) {
      uint32_t lo;
      if (i + 2 < in.size() && in[i + 1] == '\\' && in[i + 2] == 'u' && Hex4(in, i + 3, &lo) &&
          lo >= 0xDC00 && lo < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 6;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xDC00 && cp < 0xE000) {
      cp = 0xFFFD;
    }
    AppendUtf8(cp, out);
  }
}

Scanner::Scanner(const IndicatorSet::Tables& t, const FieldConfig& cfg, bool scan,
                 bool byte_tokenizer)
    : t_(t), cfg_(cfg), scan_(scan && t.literals != nullptr), byte_tokenizer_(byte_tokenizer) {}
Scanner::~Scanner() = default;

Status Scanner::Init() {
  if (scan_) {
    auto s = t_.literals->NewScratch();
    if (!s.ok()) return s.status();
    scratch_ = std::move(s.value());
  }
  return Status::Ok();
}

// ---- emission -------------------------------------------------------------------

void Scanner::Emit(size_t os, size_t oe, MatchKind kind, uint32_t head) {
  ChunkResult& r = *out_;
  auto obs_off = static_cast<uint32_t>(r.arena.size());
  r.arena.append(tx_ + os, oe - os);
  auto field_off = static_cast<uint32_t>(r.arena.size());
  r.arena.append(field_);
  for (uint32_t id = head; id != kNone; id = t_.next[id]) {
    RawHit h;
    h.offset = exact_ ? base_ + os : base_;
    h.obs_off = obs_off;
    h.obs_len = static_cast<uint32_t>(oe - os);
    h.field_off = field_off;
    h.field_len = static_cast<uint32_t>(field_.size());
    h.indicator = id;
    h.kind = kind;
    r.hits.push_back(h);
  }
}

// ---- lookups --------------------------------------------------------------------

void Scanner::V4Lookup(uint32_t a, size_t os, size_t oe, MatchKind exact, MatchKind cidr) {
  if (!t_.any_v4) return;
  uint32_t b16 = a >> 16;
  if (((t_.v4_bitmap16[b16 >> 6] >> (b16 & 63)) & 1) == 0) return;
  uint32_t b = a >> 8;
  if (((t_.v4_bitmap[b >> 6] >> (b & 63)) & 1) == 0) return;
  if (auto it = t_.v4_hosts.find(a); it != t_.v4_hosts.end()) Emit(os, oe, exact, it->second);
  for (const auto& c : t_.v4_cidrs) {
    if (auto it = c.map.find(a & Mask4(c.len)); it != c.map.end()) Emit(os, oe, cidr, it->second);
  }
}

void Scanner::IpLookup(const model::IpPrefix& p0, size_t os, size_t oe, MatchKind exact,
                       MatchKind cidr) {
  model::IpPrefix p = model::UnmapV4(p0);
  if (!p.v6) {
    V4Lookup(uint32_t{p.addr[0]} << 24 | uint32_t{p.addr[1]} << 16 | uint32_t{p.addr[2]} << 8 |
                 p.addr[3],
             os, oe, exact, cidr);
    return;
  }
  if (!t_.any_v6) return;
  V6Key k;
  for (int i = 0; i < 8; ++i) k.hi = k.hi << 8 | p.addr[i];
  for (int i = 8; i < 16; ++i) k.lo = k.lo << 8 | p.addr[i];
  if (auto it = t_.v6_hosts.find(k); it != t_.v6_hosts.end()) Emit(os, oe, exact, it->second);
  for (const auto& c : t_.v6_cidrs) {
    if (auto it = c.map.find(MaskV6(k, c.len)); it != c.map.end()) Emit(os, oe, cidr, it->second);
  }
}

void Scanner::HostLookups(std::string_view h, size_t os, size_t oe, MatchKind exact,
                          MatchKind parent) {
  if (!t_.hosts.empty()) {
    if (auto it = t_.hosts.find(h); it != t_.hosts.end()) Emit(os, oe, exact, it->second);
  }
  if (t_.domains.empty()) return;
  if (auto it = t_.domains.find(h); it != t_.domains.end()) Emit(os, oe, exact, it->second);
  size_t last_dot = h.rfind('.');
  for (size_t i = 0; i < last_dot; ++i) {
    if (h[i] != '.') continue;
    std::string_view parent_name = h.substr(i + 1);
    if (auto it = t_.domains.find(parent_name); it != t_.domains.end())
      Emit(os, oe, parent, it->second);
  }
}

void Scanner::HashLookup(size_t s, size_t e) {
  size_t len = e - s;
  uint8_t bin[64];
  for (size_t i = 0; i < len / 2; ++i)
    bin[i] = static_cast<uint8_t>(HexVal(tx_[s + 2 * i]) << 4 | HexVal(tx_[s + 2 * i + 1]));
  switch (len) {
    case 32: {
      std::array<uint8_t, 16> k;
      std::memcpy(k.data(), bin, 16);
      if (auto it = t_.md5.find(k); it != t_.md5.end()) Emit(s, e, MatchKind::kExact, it->second);
      break;
    }
    case 40: {
      std::array<uint8_t, 20> k;
      std::memcpy(k.data(), bin, 20);
      if (auto it = t_.sha1.find(k); it != t_.sha1.end()) Emit(s, e, MatchKind::kExact, it->second);
      break;
    }
    case 64: {
      std::array<uint8_t, 32> k;
      std::memcpy(k.data(), bin, 32);
      if (auto it = t_.sha256.find(k); it != t_.sha256.end())
        Emit(s, e, MatchKind::kExact, it->second);
      break;
    }
    default: {
      std::string_view k(reinterpret_cast<const char*>(bin), len / 2);
      if (auto it = t_.other_hashes.find(k); it != t_.other_hashes.end())
        Emit(s, e, MatchKind::kExact, it->second);
    }
  }
}

// ---- extraction -----------------------------------------------------------------

namespace {

// Bit masks of 64 bytes (bit i = byte i): `tok` has the token bytes
// ([A-Za-z0-9._:-] and bytes >= 0x80); `trig` has the bytes that make a token
// worth a look: a dot, a byte >= 0x80, a colon that may belong to "://" or
// to an IPv6 address, and (with full16) the first byte of every aligned
// 16-byte run made only of token bytes -- any token of 31 bytes or more
// covers one, so hash candidates are found without counting lengths. The
// class masks give a token's class bits without reading it again.
struct BlockMasks {
  uint64_t tok, trig;
  // nonhex: letters g-z and '-' '_' (the callers treat them alike).
  uint64_t dot, colon, high, hex_alpha, nonhex;
  // kCls bits of the bytes [lo, hi) of this block. kDigit is always set:
  // callers only ask which classes are present besides digits.
  uint8_t Bits(unsigned lo, unsigned hi) const {
    uint64_t r = Range(lo, hi);
    return static_cast<uint8_t>(kTok | kDigit | ((dot & r) != 0 ? kDot : 0) |
                                ((colon & r) != 0 ? kColon : 0) | ((high & r) != 0 ? kHigh : 0) |
                                ((hex_alpha & r) != 0 ? kHexAlpha : 0) |
                                ((nonhex & r) != 0 ? kAlpha : 0));
  }
  static uint64_t Range(unsigned lo, unsigned hi) {
    return (hi >= 64 ? ~uint64_t{0} : (uint64_t{1} << hi) - 1) & (~uint64_t{0} << lo);
  }
};

// Per-byte class masks of one 16- or 32-byte vector, before combining.
// dash: '-' and '_'; hex: the digits 0-9.
struct LaneMasks {
  uint32_t tok, dot, colon, high, dash, hex_alpha, alpha, hex, slash;
};

// Adds the masks of the vector at byte `sh` of a block to *m, and its hex
// digits and slashes to *hex and *slash (inputs of FinishBlock).
inline void AddLane(const LaneMasks& l, int sh, BlockMasks* m, uint64_t* hex, uint64_t* slash) {
  m->tok |= uint64_t{l.tok} << sh;
  m->dot |= uint64_t{l.dot} << sh;
  m->colon |= uint64_t{l.colon} << sh;
  m->high |= uint64_t{l.high} << sh;
  m->hex_alpha |= uint64_t{l.hex_alpha} << sh;
  m->nonhex |= uint64_t{(l.alpha & ~l.hex_alpha) | l.dash} << sh;
  *hex |= uint64_t{l.hex | l.hex_alpha} << sh;
  *slash |= uint64_t{l.slash} << sh;
}

// Colon triggers and the long-run trigger, from the combined masks.
inline void FinishBlock(BlockMasks* m, uint64_t hex, uint64_t slash, bool full16,
                        uint64_t full_runs) {
  // A colon matters only as part of "://" or of an IPv6 address: next to
  // another colon, or between two hex digits (an address without "::" has a
  // colon between groups). Neighbours outside the block count as yes.
  constexpr uint64_t kTop1 = uint64_t{1} << 63, kTop2 = uint64_t{3} << 62;
  const uint64_t c = m->colon;
  const uint64_t slash2 = ((slash >> 1) | kTop1) & ((slash >> 2) | kTop2);
  const uint64_t hex_both = ((hex << 1) | 1) & ((hex >> 1) | kTop1);
  const uint64_t colon_next = (c >> 1) | (c << 1);
  m->trig = m->dot | m->high | (c & (slash2 | hex_both | colon_next | kTop1 | 1));
  if (full16) m->trig |= full_runs;
}

inline void ClassifySse2(const char* p, size_t nblocks, bool full16, BlockMasks* out) {
  const __m128i dot = _mm_set1_epi8('.');
  const __m128i colon = _mm_set1_epi8(':');
  const __m128i dash = _mm_set1_epi8('-');
  const __m128i under = _mm_set1_epi8('_');
  const __m128i slash = _mm_set1_epi8('/');
  const __m128i x20 = _mm_set1_epi8(0x20);
  const __m128i digit_off = _mm_set1_epi8(static_cast<char>(0x80 - '0'));
  const __m128i digit_lim = _mm_set1_epi8(static_cast<char>(-128 + 10));
  const __m128i alpha_off = _mm_set1_epi8(static_cast<char>(0x80 - 'a'));
  const __m128i alpha_lim = _mm_set1_epi8(static_cast<char>(-128 + 26));
  const __m128i hex_lim = _mm_set1_epi8(static_cast<char>(-128 + 6));
  for (size_t b = 0; b < nblocks; ++b, p += 64) {
    BlockMasks m{};
    uint64_t hex = 0, sl = 0, full = 0;
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) {
      __m128i v =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + static_cast<ptrdiff_t>(16 * k)));
      __m128i is_dot = _mm_cmpeq_epi8(v, dot);
      __m128i is_colon = _mm_cmpeq_epi8(v, colon);
      __m128i du = _mm_or_si128(_mm_cmpeq_epi8(v, dash), _mm_cmpeq_epi8(v, under));
      __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, digit_off), digit_lim);
      __m128i folded = _mm_add_epi8(_mm_or_si128(v, x20), alpha_off);  // 'a' -> -128
      __m128i alpha = _mm_cmplt_epi8(folded, alpha_lim);
      __m128i hex_alpha = _mm_cmplt_epi8(folded, hex_lim);
      __m128i t = _mm_or_si128(_mm_or_si128(is_dot, is_colon),
                               _mm_or_si128(du, _mm_or_si128(digit, alpha)));
      LaneMasks l;
      l.high = static_cast<uint32_t>(_mm_movemask_epi8(v));
      l.tok = static_cast<uint32_t>(_mm_movemask_epi8(t)) | l.high;
      l.dot = static_cast<uint32_t>(_mm_movemask_epi8(is_dot));
      l.colon = static_cast<uint32_t>(_mm_movemask_epi8(is_colon));
      l.dash = static_cast<uint32_t>(_mm_movemask_epi8(du));
      l.hex_alpha = static_cast<uint32_t>(_mm_movemask_epi8(hex_alpha));
      l.alpha = static_cast<uint32_t>(_mm_movemask_epi8(alpha));
      l.hex = static_cast<uint32_t>(_mm_movemask_epi8(digit));
      l.slash = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, slash)));
      const int sh = 16 * k;
      if (l.tok == 0xFFFF) full |= uint64_t{1} << sh;
      AddLane(l, sh, &m, &hex, &sl);
    }
    FinishBlock(&m, hex, sl, full16, full);
    out[b] = m;
  }
}

__attribute__((target("avx2"))) void ClassifyAvx2(const char* p, size_t nblocks, bool full16,
                                                  BlockMasks* out) {
  const __m256i dot = _mm256_set1_epi8('.');
  const __m256i colon = _mm256_set1_epi8(':');
  const __m256i dash = _mm256_set1_epi8('-');
  const __m256i under = _mm256_set1_epi8('_');
  const __m256i slash = _mm256_set1_epi8('/');
  const __m256i x20 = _mm256_set1_epi8(0x20);
  const __m256i digit_off = _mm256_set1_epi8(static_cast<char>(0x80 - '0'));
  const __m256i digit_lim = _mm256_set1_epi8(static_cast<char>(-128 + 10));
  const __m256i alpha_off = _mm256_set1_epi8(static_cast<char>(0x80 - 'a'));
  const __m256i alpha_lim = _mm256_set1_epi8(static_cast<char>(-128 + 26));
  const __m256i hex_lim = _mm256_set1_epi8(static_cast<char>(-128 + 6));
  for (size_t b = 0; b < nblocks; ++b, p += 64) {
    BlockMasks m{};
    uint64_t hex = 0, sl = 0, full = 0;
#pragma GCC unroll 2
    for (int k = 0; k < 2; ++k) {
      __m256i v =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + static_cast<ptrdiff_t>(32 * k)));
      __m256i is_dot = _mm256_cmpeq_epi8(v, dot);
      __m256i is_colon = _mm256_cmpeq_epi8(v, colon);
      __m256i du = _mm256_or_si256(_mm256_cmpeq_epi8(v, dash), _mm256_cmpeq_epi8(v, under));
      __m256i digit = _mm256_cmpgt_epi8(digit_lim, _mm256_add_epi8(v, digit_off));
      __m256i folded = _mm256_add_epi8(_mm256_or_si256(v, x20), alpha_off);
      __m256i alpha = _mm256_cmpgt_epi8(alpha_lim, folded);
      __m256i hex_alpha = _mm256_cmpgt_epi8(hex_lim, folded);
      __m256i t = _mm256_or_si256(_mm256_or_si256(is_dot, is_colon),
                                  _mm256_or_si256(du, _mm256_or_si256(digit, alpha)));
      LaneMasks l;
      l.high = static_cast<uint32_t>(_mm256_movemask_epi8(v));
      l.tok = static_cast<uint32_t>(_mm256_movemask_epi8(t)) | l.high;
      l.dot = static_cast<uint32_t>(_mm256_movemask_epi8(is_dot));
      l.colon = static_cast<uint32_t>(_mm256_movemask_epi8(is_colon));
      l.dash = static_cast<uint32_t>(_mm256_movemask_epi8(du));
      l.hex_alpha = static_cast<uint32_t>(_mm256_movemask_epi8(hex_alpha));
      l.alpha = static_cast<uint32_t>(_mm256_movemask_epi8(alpha));
      l.hex = static_cast<uint32_t>(_mm256_movemask_epi8(digit));
      l.slash = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, slash)));
      const int sh = 32 * k;
      if ((l.tok & 0xFFFF) == 0xFFFF) full |= uint64_t{1} << sh;
      if ((l.tok >> 16) == 0xFFFF) full |= uint64_t{1} << (sh + 16);
      AddLane(l, sh, &m, &hex, &sl);
    }
    FinishBlock(&m, hex, sl, full16, full);
    out[b] = m;
  }
}

__attribute__((target("avx512f,avx512bw"))) void ClassifyAvx512(const char* p, size_t nblocks,
                                                                bool full16, BlockMasks* out) {
  const __m512i dot = _mm512_set1_epi8('.');
  const __m512i colon = _mm512_set1_epi8(':');
  const __m512i dash = _mm512_set1_epi8('-');
  const __m512i under = _mm512_set1_epi8('_');
  const __m512i slash = _mm512_set1_epi8('/');
  const __m512i x20 = _mm512_set1_epi8(0x20);
  const __m512i zero_char = _mm512_set1_epi8('0');
  const __m512i a_char = _mm512_set1_epi8('a');
  const __m512i ten = _mm512_set1_epi8(10);
  const __m512i six = _mm512_set1_epi8(6);
  const __m512i twenty_six = _mm512_set1_epi8(26);
  for (size_t b = 0; b < nblocks; ++b, p += 64) {
    const __m512i v = _mm512_loadu_si512(p);
    BlockMasks m{};
    m.dot = _mm512_cmpeq_epi8_mask(v, dot);
    m.colon = _mm512_cmpeq_epi8_mask(v, colon);
    const uint64_t du = _mm512_cmpeq_epi8_mask(v, dash) | _mm512_cmpeq_epi8_mask(v, under);
    m.high = _mm512_movepi8_mask(v);
    const uint64_t digit = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, zero_char), ten);
    const __m512i folded = _mm512_sub_epi8(_mm512_or_si512(v, x20), a_char);
    const uint64_t alpha = _mm512_cmplt_epu8_mask(folded, twenty_six);
    m.hex_alpha = _mm512_cmplt_epu8_mask(folded, six);
    m.nonhex = (alpha & ~m.hex_alpha) | du;
    m.tok = m.dot | m.colon | du | m.high | digit | alpha;
    uint64_t full = 0;
    for (int k = 0; k < 4; ++k) {
      if (((m.tok >> (16 * k)) & 0xFFFF) == 0xFFFF) full |= uint64_t{1} << (16 * k);
    }
    FinishBlock(&m, digit | m.hex_alpha, _mm512_cmpeq_epi8_mask(v, slash), full16, full);
    out[b] = m;
  }
}

using ClassifyFn = void (*)(const char*, size_t, bool, BlockMasks*);

// The widest the CPU has (chosen once): AVX-512BW, AVX2, or SSE2 (every
// x86-64). SANAD_SIMD=sse2 or avx2 in the environment caps the choice.
ClassifyFn ChooseClassify(int cap) {
  const char* env = std::getenv("SANAD_SIMD");
  if (env != nullptr && std::string_view(env) == "sse2") cap = std::min(cap, 0);
  if (env != nullptr && std::string_view(env) == "avx2") cap = std::min(cap, 1);
  __builtin_cpu_init();
  if (cap >= 2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
    return &ClassifyAvx512;
  if (cap >= 1 && __builtin_cpu_supports("avx2")) return &ClassifyAvx2;
  return &ClassifySse2;
}
ClassifyFn kClassify = ChooseClassify(2);

constexpr size_t kWindowBlocks = 64;  // 4 KiB classified at a time

inline unsigned Popcount64(uint64_t x) {  // without the POPCNT instruction
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<unsigned>((x * 0x0101010101010101ull) >> 56);
}

// Whether the colon token [s, e) (hex digits, colons, dots) has the shape of
// an IPv6 address as ColonToken tests it: "::", or 7 colons, or 6 colons and
// a dotted quad (one trailing colon not counted). True when unsure.
inline bool MayBeV6Shape(const char* t, size_t s, size_t e, uint8_t bits, const BlockMasks& m,
                         size_t blk) {
  if (s < blk || e > blk + 64 || e - s < 2) return true;
  size_t ee = e;
  if (t[ee - 1] == ':' && t[ee - 2] != ':') --ee;
  uint64_t c =
      m.colon & BlockMasks::Range(static_cast<unsigned>(s - blk), static_cast<unsigned>(ee - blk));
  if ((c & (c >> 1)) != 0) return true;
  unsigned colons = Popcount64(c);
  return colons == 7 || (colons == 6 && (bits & kDot) != 0);
}

// Exactly three bits set.
inline bool ThreeBits(uint64_t x) {
  x &= x - 1;
  x &= x - 1;
  return x != 0 && (x & (x - 1)) == 0;
}

// One octet of a dotted quad: `len` digits at q (q[0..2] readable). No
// branch on the length: the value is d0 * m0 + d1 * m1 + d2 * m2 with the
// multipliers of that length (bytes past the octet get 0). Sets *bad for a
// length outside 1..3, a leading zero or a value over 255.
inline unsigned Octet(const char* p, unsigned start, unsigned len, unsigned* bad) {
  struct Mul {
    uint8_t m0, m1, m2, bad;
  };
  static constexpr Mul kMul[5] = {
      {0, 0, 0, 1}, {1, 0, 0, 0}, {10, 1, 0, 0}, {100, 10, 1, 0}, {0, 0, 0, 1}};
  const auto* q = reinterpret_cast<const unsigned char*>(p + start);
  const Mul& m = kMul[len < 4 ? len : 4];
  unsigned d0 = q[0] - '0', v = d0 * m.m0 + (q[1] - '0') * m.m1 + (q[2] - '0') * m.m2;
  *bad |= m.bad | static_cast<unsigned>(v > 255) | static_cast<unsigned>(d0 == 0 && len > 1);
  return v & 0xFF;
}

// ParseV4Fast for a run of digits and exactly three dots at `dots` (bit i:
// p[i] is a dot), n <= 15; p[0 .. n + 2] must be readable. `net16`, when
// set, is a bitmap of /16 networks: an address outside them is turned away
// after reading only its first two octets.
inline bool ParseV4AtDots(const char* p, size_t n, uint64_t dots, uint32_t* out,
                          const uint64_t* net16 = nullptr) {
  const auto d1 = static_cast<unsigned>(__builtin_ctzll(dots));
  dots &= dots - 1;
  const auto d2 = static_cast<unsigned>(__builtin_ctzll(dots));
  dots &= dots - 1;
  const auto d3 = static_cast<unsigned>(__builtin_ctzll(dots));
  unsigned bad = 0;
  const unsigned o0 = Octet(p, 0, d1, &bad);
  const unsigned o1 = Octet(p, d1 + 1, d2 - d1 - 1, &bad);
  const unsigned b16 = o0 << 8 | o1;
  if (bad != 0 || (net16 != nullptr && ((net16[b16 >> 6] >> (b16 & 63)) & 1) == 0)) return false;
  const unsigned o2 = Octet(p, d2 + 1, d3 - d2 - 1, &bad);
  const unsigned o3 = Octet(p, d3 + 1, static_cast<unsigned>(n) - d3 - 1, &bad);
  *out = static_cast<uint32_t>(b16) << 16 | o2 << 8 | o3;
  return bad == 0;
}

}  // namespace

int UseSimdForTesting(int level) {
  kClassify = ChooseClassify(level);
  return kClassify == &ClassifyAvx512 ? 2 : kClassify == &ClassifyAvx2 ? 1 : 0;
}

// The reference tokenizer, one byte at a time: used when a hash length is
// under 31 (the long-run trigger would miss such tokens).
void Scanner::ScanTextBytes(size_t min_hash) {
  const char* t = tx_;
  const size_t n = n_;
  size_t i = 0;
  while (i < n) {
    while (i < n && (Cls(t[i]) & kTok) == 0) ++i;
    if (i >= n) break;
    size_t s = i;
    uint8_t bits = 0;
    while (i < n) {
      uint8_t c = Cls(t[i]);
      if ((c & kTok) == 0) break;
      bits |= c;
      ++i;
    }
    if (bits & kHigh) {
      i = SplitHigh(s, i);
    } else if ((bits & (kDot | kColon)) != 0 || i - s >= min_hash) {
      i = Token(s, i, bits);
    }
  }
}

// One colon-free word [s, e) with class bits `bits`. `dots` (when e - s <=
// 64) has bit i set when tx_[s + i] is a dot. The same as Word(), with the
// common rejections (not an IPv4 shape, unknown last label) decided from the
// masks, and IPv4 addresses read at their known dots.
inline void Scanner::WordAt(size_t s, size_t e, uint8_t bits, uint64_t dots) {
  if (t_.min_hash_len != 0 && e - s >= t_.min_hash_len) return Word(s, e, bits);
  if ((bits & kDot) == 0) return;
  if (e - s > 64 || tx_[s] == '.' || tx_[e - 1] == '.') return Word(s, e, bits);
  if (e - s < 3) return;
  if ((bits & ~(kDigit | kDot | kTok)) == 0) {
    if (!t_.any_v4 || e - s < 7 || e - s > 15 || !ThreeBits(dots)) return;
    uint32_t a;
    bool ok = e + 3 <= n_ ? ParseV4AtDots(tx_ + s, e - s, dots, &a, t_.v4_bitmap16.data())
                          : ParseV4Fast(tx_ + s, e - s, &a);
    if (ok) V4Lookup(a, s, e, MatchKind::kExact, MatchKind::kCidr);
    return;
  }
  if (t_.suffixes.empty()) return;
  // SuffixMayMatch, with the last two dots taken from the dot mask.
  const auto last = static_cast<size_t>(63 - __builtin_clzll(dots));
  const uint64_t earlier = dots & ~(uint64_t{1} << last);
  const size_t sfx = earlier == 0 ? s : s + static_cast<size_t>(64 - __builtin_clzll(earlier));
  if (LabelsKnown(s + last + 1, sfx, e)) Host(s, e, bits, true);
}

// Tokens are found from bit masks (kClassify, 4 KiB at a time): only tokens
// holding a trigger byte are looked at, so the plain words that make up most
// of a log cost no per-token branch. Same results as ScanTextBytes.
//
// A token with a colon that is neither a URL scheme ("x://") nor possibly an
// IPv6 address is taken as its colon-free words (as ColonToken would split
// it), each visited through its own triggers: `words_until` marks the end of
// such a token.
void Scanner::ScanText(const char* t, size_t n, uint64_t base, bool exact_offsets) {
  tx_ = t;
  n_ = n;
  base_ = base;
  exact_ = exact_offsets;
  const size_t min_hash = t_.min_hash_len == 0 ? SIZE_MAX : t_.min_hash_len;
  if (min_hash < 31 || byte_tokenizer_) {
    ScanTextBytes(min_hash);
    return;
  }
  const bool full16 = min_hash != SIZE_MAX;
  const bool any_ip = t_.any_v4 || t_.any_v6;
  size_t resume = 0;       // the next token starts here or later
  size_t words_until = 0;  // inside [.., words_until): colon-free words one by one
  // mk[i] holds the masks of the block at w0 + (i - 1) * 64; mk[0] is the
  // last block of the previous window (none in the first window).
  BlockMasks mk[kWindowBlocks + 1];
  alignas(64) char tail[64];
  auto is_tok = [&](size_t i) { return (Cls(t[i]) & kTok) != 0; };
  for (size_t w0 = 0; w0 < n; w0 += kWindowBlocks * 64) {
    const size_t wn = std::min(kWindowBlocks * 64, n - w0);
    size_t nb = wn / 64;
    kClassify(t + w0, nb, full16, mk + 1);
    if (wn % 64 != 0) {
      std::memset(tail, 0, sizeof tail);
      std::memcpy(tail, t + w0 + nb * 64, wn % 64);
      kClassify(tail, 1, full16, mk + 1 + nb);
      ++nb;
    }
    const size_t first = w0 == 0 ? 1 : 0;  // the first block with masks
    // Start, end, class bits and dots of the run of `word` bytes around p
    // (word = token bytes, without colons when `split`), from the masks of
    // up to two blocks, bytes read one by one beyond those.
    auto span = [&](size_t i, unsigned bit, bool split, size_t* s_out, size_t* e_out,
                    uint64_t* dots_out) -> uint8_t {
      auto word = [&](const BlockMasks& b) { return split ? b.tok & ~b.colon : b.tok; };
      auto is_word = [&](size_t k) { return is_tok(k) && (!split || t[k] != ':'); };
      const size_t blk = w0 + (i - 1) * 64;
      size_t s, e;
      uint64_t before = ~word(mk[i]) & ((uint64_t{1} << bit) - 1);
      if (before != 0) {
        s = blk + 64 - static_cast<size_t>(__builtin_clzll(before));
      } else if (blk == 0) {
        s = 0;
      } else if (i > first && ~word(mk[i - 1]) != 0) {
        s = blk - static_cast<size_t>(__builtin_clzll(~word(mk[i - 1])));
      } else {
        s = blk;
        while (s > 0 && is_word(s - 1)) --s;
      }
      uint64_t after = bit == 63 ? 0 : ~word(mk[i]) & (~uint64_t{0} << (bit + 1));
      if (after != 0) {
        e = blk + static_cast<size_t>(__builtin_ctzll(after));
      } else if (i < nb && ~word(mk[i + 1]) != 0) {
        e = blk + 64 + static_cast<size_t>(__builtin_ctzll(~word(mk[i + 1])));
      } else {
        e = blk + 64;
        while (e < n && is_word(e)) ++e;
      }
      s = std::max(s, resume);
      *s_out = s;
      *e_out = e;
      if (s >= blk && e <= blk + 64) {  // the common case: inside this block
        const auto a = static_cast<unsigned>(s - blk);
        uint64_t dots = mk[i].dot >> a;
        if (e - s < 64) dots &= (uint64_t{1} << (e - s)) - 1;
        *dots_out = dots;
        return mk[i].Bits(a, static_cast<unsigned>(e - blk));
      }
      // The blocks holding s and e - 1 (0: no masks at hand; at most two).
      size_t lo_blk = s >= blk ? i : (s + 64 >= blk && i > first ? i - 1 : 0);
      size_t hi_blk = e <= blk + 64 ? i : (e <= blk + 128 && i < nb ? i + 1 : 0);
      if (hi_blk > lo_blk + 1) lo_blk = 0;
      uint8_t bits = 0;
      uint64_t dots = 0;
      if (lo_blk != 0 && hi_blk != 0) {
        const size_t lo_start = w0 + (lo_blk - 1) * 64;
        const auto a = static_cast<unsigned>(s - lo_start);
        if (lo_blk == hi_blk) {
          bits = mk[lo_blk].Bits(a, static_cast<unsigned>(e - lo_start));
          dots = mk[lo_blk].dot >> a;
        } else {
          const auto b = static_cast<unsigned>(e - lo_start - 64);
          bits = mk[lo_blk].Bits(a, 64) | mk[hi_blk].Bits(0, b);
          dots = mk[lo_blk].dot >> a;
          if (a > 0) dots |= mk[hi_blk].dot << (64 - a);
        }
        if (e - s < 64) dots &= (uint64_t{1} << (e - s)) - 1;
      } else {
        for (size_t k = s; k < e; ++k) {
          uint8_t c = Cls(t[k]);
          bits |= c;
          if (c & kDot && k - s < 64) dots |= uint64_t{1} << (k - s);
        }
      }
      *dots_out = dots;
      return bits;
    };
    for (size_t i = 1; i <= nb; ++i) {
      const BlockMasks& m = mk[i];
      const size_t blk = w0 + (i - 1) * 64;
      uint64_t trig = m.trig;
      if (resume > blk) trig = resume - blk >= 64 ? 0 : trig & (~uint64_t{0} << (resume - blk));
      while (trig != 0) {
        const auto bit = static_cast<unsigned>(__builtin_ctzll(trig));
        const size_t p = blk + bit;
        size_t next = p;
        size_t s, e;
        uint64_t dots;
        if (p >= words_until) {
          uint8_t bits = span(i, bit, false, &s, &e, &dots);
          if (bits & kHigh) {
            next = std::max(SplitHigh(s, e), e);
          } else if ((bits & kColon) == 0) {
            WordAt(s, e, bits, dots);
            next = e;
          } else if ((t[e - 1] == ':' && e + 1 < n && t[e] == '/' && t[e + 1] == '/') ||
                     (any_ip && (bits & ~(kDigit | kHexAlpha | kColon | kDot | kTok)) == 0 &&
                      MayBeV6Shape(t, s, e, bits, m, blk))) {
            next = std::max(Token(s, e, bits), e);
          } else {
            words_until = e;  // the word around p, below
          }
        }
        if (next == p) {
          // Inside a split token: the colon-free word around p.
          if (t[p] == ':') {
            next = p + 1;
          } else {
            uint8_t bits = span(i, bit, true, &s, &e, &dots);
            WordAt(s, e, bits, dots);
            next = e;
          }
        }
        resume = std::max(resume, next);
        if (resume >= blk + 64) break;
        trig &= ~uint64_t{0} << (resume - blk);
      }
    }
    mk[0] = mk[nb];
  }
}

size_t Scanner::SplitHigh(size_t s, size_t e) {
  const auto* u = reinterpret_cast<const unsigned char*>(tx_);
  size_t i = s;
  size_t resume = e;
  while (i < e) {
    size_t start = i;
    uint8_t bits = 0;
    size_t sep = 0;
    while (i < e) {
      if (u[i] >= 0x80 && (sep = UnicodeSeparator(u + i, e - i)) > 0) break;
      bits |= Cls(tx_[i]);
      ++i;
    }
    if (i > start) resume = std::max(resume, Token(start, i, bits));
    i += sep;
  }
  return resume;
}

size_t Scanner::Token(size_t s, size_t e, uint8_t bits) {
  if (bits & kColon) {
    if (tx_[e - 1] == ':' && e + 1 < n_ && tx_[e] == '/' && tx_[e + 1] == '/') {
      size_t ss = e - 1;
      while (ss > s && IsSchemeChar(tx_[ss - 1])) --ss;
      while (ss < e - 1 && !IsAlphaC(tx_[ss])) ++ss;
      if (ss < e - 1) {
        if (ss > s) {
          uint8_t b = 0;
          for (size_t k = s; k < ss; ++k) b |= Cls(tx_[k]);
          ColonToken(s, ss, b);
        }
        return Url(ss, e - 1);
      }
    }
    return ColonToken(s, e, bits);
  }
  Word(s, e, bits);
  return e;
}

size_t Scanner::ColonToken(size_t s, size_t e, uint8_t bits) {
  if ((bits & kColon) && (bits & ~(kDigit | kHexAlpha | kColon | kDot | kTok)) == 0 &&
      (t_.any_v4 || t_.any_v6)) {
    size_t ee = e;
    if (ee - s >= 2 && tx_[ee - 1] == ':' && tx_[ee - 2] != ':') --ee;
    size_t colons = 0;
    bool double_colon = false;
    for (size_t k = s; k < ee; ++k) {
      if (tx_[k] == ':') {
        ++colons;
        double_colon |= k > s && tx_[k - 1] == ':';
      }
    }
    // Without "::" an address has 8 groups: 7 colons, or 6 before a dotted quad.
    bool shape = colons >= 2 && colons <= 8 &&
                 (double_colon || colons == 7 || (colons == 6 && (bits & kDot) != 0));
    if (shape) {
      model::IpPrefix p;
      if (model::ParseIpPrefix(std::string_view(tx_ + s, ee - s), &p)) {
        IpLookup(p, s, ee, MatchKind::kExact, MatchKind::kCidr);
        return e;
      }
    }
  }
  size_t i = s;
  while (i < e) {
    size_t j = i;
    uint8_t b = 0;
    while (j < e && tx_[j] != ':') b |= Cls(tx_[j++]);
    if (j > i) Word(i, j, b);
    i = j + 1;
  }
  return e;
}

void Scanner::Word(size_t s, size_t e, uint8_t bits) {
  if (t_.min_hash_len != 0 && e - s >= t_.min_hash_len) {
    if ((bits & ~(kDigit | kHexAlpha | kTok)) == 0) {
      // One run of hex digits: a hash candidate when the length fits.
      size_t len = e - s;
      if (len <= 128 && t_.hash_len[len]) HashRun(s, e);
      return;
    }
    HashRuns(s, e);
  }
  if ((bits & kDot) == 0) return;
  while (s < e && tx_[s] == '.') ++s;
  while (e > s && tx_[e - 1] == '.') --e;
  if (e - s < 3) return;
  if ((bits & ~(kDigit | kDot | kTok)) == 0) {
    uint32_t a;
    if (t_.any_v4 && ParseV4Fast(tx_ + s, e - s, &a))
      V4Lookup(a, s, e, MatchKind::kExact, MatchKind::kCidr);
    return;
  }
  Host(s, e, bits);
}

void Scanner::HashRun(size_t i, size_t j) {
  uint32_t top = static_cast<uint32_t>(HexVal(tx_[i]) << 20 | HexVal(tx_[i + 1]) << 16 |
                                       HexVal(tx_[i + 2]) << 12 | HexVal(tx_[i + 3]) << 8 |
                                       HexVal(tx_[i + 4]) << 4 | HexVal(tx_[i + 5])) >>
                 (24 - t_.hash_bits);
  if ((t_.hash_bitmap[top >> 6] >> (top & 63)) & 1) HashLookup(i, j);
}

void Scanner::HashRuns(size_t s, size_t e) {
  size_t i = s;
  while (i < e) {
    if (!IsAlnum(tx_[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    bool hex = true;
    while (j < e && IsAlnum(tx_[j])) {
      hex &= IsHexDigit(tx_[j]);
      ++j;
    }
    size_t len = j - i;
    if (hex && len <= 128 && t_.hash_len[len]) HashRun(i, j);
    i = j;
  }
}

size_t Scanner::HostCanon(size_t s, size_t e, bool require_dot) {
  std::string_view raw(tx_ + s, e - s);
  bool high = false;
  for (char c : raw) high |= static_cast<unsigned char>(c) >= 0x80;
  if (high) {
    if (raw.find('.') == std::string_view::npos) return 0;
    if (!model::CanonicalHostname(raw, &slow_).ok() || slow_.size() > 253) return 0;
    std::memcpy(host_buf_, slow_.data(), slow_.size());
    return slow_.size();
  }
  if (raw.size() > 254) return 0;
  size_t len = raw.size();
  if (len > 0 && raw[len - 1] == '.') --len;
  if (len == 0 || len > 253) return 0;
  size_t label = 0;
  bool dot = false;
  bool last_all_digits = true;
  for (size_t i = 0; i < len; ++i) {
    char c = raw[i];
    uint8_t cl = Cls(c);
    if (c == '.') {
      if (label == 0) return 0;
      label = 0;
      dot = true;
      last_all_digits = true;
    } else if (cl & (kDigit | kHexAlpha | kAlpha | kDash)) {
      if (++label > 63) return 0;
      if (!(cl & kDigit)) last_all_digits = false;
    } else {
      return 0;
    }
    host_buf_[i] = Lower(c);
  }
  if (label == 0 || last_all_digits) return 0;
  if (require_dot && !dot) return 0;
  return len;
}

bool Scanner::LabelsKnown(size_t label, size_t sfx, size_t e) const {
  if (!t_.TldKnown(tx_ + label, e - label, e >= 8)) return false;
  return e - sfx <= 127 && t_.SuffixKnown(HashLowerAscii(tx_ + sfx, e - sfx, e >= 8));
}

bool Scanner::SuffixMayMatch(size_t s, size_t e) const {
  if (e > s && tx_[e - 1] == '.') --e;
  size_t label = e;
  while (label > s && tx_[label - 1] != '.') --label;
  // The last two labels (LastTwoLabels): from the dot before the last one.
  size_t sfx = s;
  if (label > s + 1) {
    size_t d = label - 1;
    while (d > s && tx_[d - 1] != '.') --d;
    if (d > s) sfx = d;
  }
  return LabelsKnown(label, sfx, e);
}

void Scanner::Host(size_t s, size_t e, uint8_t bits, bool suffix_known) {
  if (t_.suffixes.empty()) return;
  if (!suffix_known && !(bits & kHigh) && !SuffixMayMatch(s, e)) return;
  size_t len = HostCanon(s, e, true);
  if (len == 0) return;
  std::string_view h(host_buf_, len);
  if ((bits & kHigh) &&
      !t_.SuffixKnown(HashBytes(LastTwoLabels(h).data(), LastTwoLabels(h).size())))
    return;
  if (s > 0 && tx_[s - 1] == '@') {
    size_t at = s - 1;
    size_t j = at;
    while (j > 0 && IsLocalChar(tx_[j - 1])) --j;
    while (j < at && tx_[j] == '.') ++j;
    if (j < at && at - j <= 64) {
      if (!t_.emails.empty()) {
        email_buf_.assign(tx_ + j, at - j);
        for (char& c : email_buf_) c = Lower(c);
        email_buf_.push_back('@');
        email_buf_.append(h);
        if (auto it = t_.emails.find(email_buf_); it != t_.emails.end())
          Emit(j, e, MatchKind::kExact, it->second);
      }
      HostLookups(h, j, e, MatchKind::kEmailDomain, MatchKind::kEmailDomain);
      return;
    }
  }
  HostLookups(h, s, e, MatchKind::kExact, MatchKind::kSubdomain);
}

size_t Scanner::Url(size_t ss, size_t colon) {
  size_t a = colon + 3;
  {
    // Quick rejection of the common case: a plain host name ending at '/'
    // or '#' (so the URL's end cannot move the authority's end) whose last
    // labels no indicator has. The same answer as the full path below.
    size_t k = a;
    size_t dot1 = SIZE_MAX, dot2 = SIZE_MAX;  // the last two dots
    uint8_t classes = 0;
    while (k < n_) {
      const uint8_t c = Cls(tx_[k]);
      if ((c & (kDigit | kHexAlpha | kAlpha | kDot | kDash)) == 0) break;
      if (c & kDot) {
        dot2 = dot1;
        dot1 = k;
      }
      classes |= c;
      ++k;
    }
    if (k > a && k < n_ && (tx_[k] == '/' || tx_[k] == '#') && tx_[k - 1] != '.') {
      const bool ip_like = (classes & ~(kDigit | kDot | kTok)) == 0;  // the IP path below
      if (!ip_like) {
        // SuffixMayMatch(a, k), from the dots seen.
        const size_t label = dot1 == SIZE_MAX ? a : dot1 + 1;
        const size_t sfx = dot1 != SIZE_MAX && dot1 > a && dot2 != SIZE_MAX ? dot2 + 1 : a;
        if (!LabelsKnown(label, sfx, k)) return k;
      }
    }
  }
  size_t ue = a;
  while (ue < n_ && !IsUrlStop(tx_[ue])) ++ue;
  std::string_view whole(tx_ + ss, ue - ss);
  bool open_paren = whole.find('(') != std::string_view::npos;
  bool open_bracket = whole.find('[') != std::string_view::npos;
  while (ue > a) {
    char c = tx_[ue - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' ||
        (c == ')' && !open_paren) || (c == ']' && !open_bracket)) {
      --ue;
      continue;
    }
    break;
  }
  size_t ae = a;
  while (ae < ue && tx_[ae] != '/' && tx_[ae] != '?' && tx_[ae] != '#') ++ae;
  if (ae == a) return colon + 1;
  size_t hs = a;
  for (size_t k = a; k < ae; ++k) {
    if (tx_[k] == '@') hs = k + 1;
  }
  if (hs >= ae) return ae;
  bool ip = false;
  std::string_view host_key;
  model::IpPrefix p;
  bool have_ip = false;
  if (tx_[hs] == '[') {
    size_t close = hs;
    while (close < ae && tx_[close] != ']') ++close;
    if (close == ae) return ae;
    std::string_view lit(tx_ + hs + 1, close - hs - 1);
    if (lit.find('/') != std::string_view::npos || !model::ParseIpPrefix(lit, &p) || !p.v6)
      return ae;
    ip = have_ip = true;
  } else {
    size_t he = hs;
    while (he < ae && tx_[he] != ':') ++he;
    size_t h_end = he;
    if (h_end > hs && tx_[h_end - 1] == '.') --h_end;
    std::string_view raw(tx_ + hs, h_end - hs);
    if (raw.empty()) return ae;
    char lastc = raw.back();
    if (lastc >= '0' && lastc <= '9' &&
        raw.find_first_not_of("0123456789.") == std::string_view::npos) {
      uint32_t v4;
      if (!ParseV4Fast(raw.data(), raw.size(), &v4)) return ae;
      ip = true;
      p = model::IpPrefix{};
      p.addr[0] = static_cast<uint8_t>(v4 >> 24);
      p.addr[1] = static_cast<uint8_t>(v4 >> 16);
      p.addr[2] = static_cast<uint8_t>(v4 >> 8);
      p.addr[3] = static_cast<uint8_t>(v4);
      p.len = 32;
      have_ip = true;
      host_key = raw;
    } else {
      bool high = false;
      for (char ch : raw) high |= static_cast<unsigned char>(ch) >= 0x80;
      if (!high && !SuffixMayMatch(hs, h_end)) return ae;  // no host key can match
      size_t len = HostCanon(hs, he, false);
      if (len == 0) return ae;
      host_key = std::string_view(host_buf_, len);
    }
  }
  // Exact URL first (canonicalised only when its host could match).
  if (!t_.urls.empty()) {
    bool maybe = ip ? (t_.url_ip_host && (tx_[hs] == '[' || t_.url_hosts.contains(host_key)))
                    : t_.url_hosts.contains(host_key);
    if (maybe && model::CanonicalUrl(whole.substr(0, ue - ss), &url_buf_).ok()) {
      std::string key = UrlKey(url_buf_);
      if (auto it = t_.urls.find(key); it != t_.urls.end())
        Emit(ss, ue, MatchKind::kExact, it->second);
    }
  }
  if (have_ip) {
    IpLookup(p, ss, ue, MatchKind::kUrlHost, MatchKind::kUrlHost);
  } else if (host_key.find('.') != std::string_view::npos) {
    std::string_view sfx = LastTwoLabels(host_key);
    if (t_.SuffixKnown(HashBytes(sfx.data(), sfx.size())))
      HostLookups(host_key, ss, ue, MatchKind::kUrlHost, MatchKind::kUrlHost);
  }
  return ae;
}

// ---- field formats -------------------------------------------------------------

bool Scanner::FieldSelected(std::string_view path) const {
  if (cfg_.fields.empty()) return true;
  for (const auto& f : cfg_.fields) {
    if (f == path) return true;
  }
  return false;
}

void Scanner::ScanField(const char* p, size_t s, size_t e, bool esc, uint64_t off, char quote) {
  if (!esc) {
    ScanText(p + s, e - s, off + s, true);
    return;
  }
  if (quote == '"' && cfg_.format == Format::kJsonl) {
    JsonUnescape(std::string_view(p + s, e - s), &unescaped_);
  } else {  // CSV "" -> "
    unescaped_.clear();
    for (size_t i = s; i < e; ++i) {
      unescaped_.push_back(p[i]);
      if (p[i] == '"' && i + 1 < e && p[i + 1] == '"') ++i;
    }
  }
  ScanText(unescaped_.data(), unescaped_.size(), off + s, false);
}

bool Scanner::JsonString(const char* p, size_t n, size_t* i, size_t* s, size_t* e, bool* esc) {
  // p[*i] == '"'
  size_t k = *i + 1;
  *s = k;
  *esc = false;
  while (true) {
    const void* q = std::memchr(p + k, '"', n - k);
    if (q == nullptr) return false;
    size_t pos = static_cast<size_t>(static_cast<const char*>(q) - p);
    size_t bs = 0;
    while (pos - bs > *s && p[pos - bs - 1] == '\\') ++bs;
    if (bs > 0) *esc = true;
    if (bs % 2 == 0) {
      if (!*esc && std::memchr(p + *s, '\\', pos - *s) != nullptr) *esc = true;
      *e = pos;
      *i = pos + 1;
      return true;
    }
    k = pos + 1;
  }
}

bool Scanner::JsonValue(const char* p, size_t n, size_t* ip, int depth, uint64_t off) {
  size_t& i = *ip;
  auto ws = [&] {
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) ++i;
  };
  ws();
  if (i >= n) return false;
  char c = p[i];
  if (c == '{' || c == '[') {
    if (depth > 64) return false;
    bool obj = c == '{';
    ++i;
    ws();
    if (i < n && p[i] == (obj ? '}' : ']')) {
      ++i;
      return true;
    }
    while (true) {
      size_t old = path_.size();
      if (obj) {
        ws();
        if (i >= n || p[i] != '"') return false;
        size_t ks, ke;
        bool kesc;
        if (!JsonString(p, n, &i, &ks, &ke, &kesc)) return false;
        ws();
        if (i >= n || p[i] != ':') return false;
        ++i;
        if (!path_.empty()) path_.push_back('.');
        if (kesc) {
          JsonUnescape(std::string_view(p + ks, ke - ks), &key_buf_);
          path_ += key_buf_;
        } else {
          path_.append(p + ks, ke - ks);
        }
      }
      if (!JsonValue(p, n, &i, depth + 1, off)) return false;
      path_.resize(old);
      ws();
      if (i >= n) return false;
      if (p[i] == ',') {
        ++i;
        continue;
      }
      if (p[i] == (obj ? '}' : ']')) {
        ++i;
        return true;
      }
      return false;
    }
  }
  if (c == '"') {
    size_t s, e;
    bool esc;
    if (!JsonString(p, n, &i, &s, &e, &esc)) return false;
    if (e > s && FieldSelected(path_)) {
      field_ = path_;
      ScanField(p, s, e, esc, off, '"');
      if (!t_.urls.empty()) {
        if (esc) {
          JsonUnescape(std::string_view(p + s, e - s), &unescaped_);
          NoteUrlPart(path_, unescaped_, off + s);
        } else {
          NoteUrlPart(path_, std::string_view(p + s, e - s), off + s);
        }
      }
    }
    return true;
  }
  size_t start = i;
  while (i < n && p[i] != ',' && p[i] != '}' && p[i] != ']' && p[i] != ' ' && p[i] != '\t' &&
         p[i] != '\r' && p[i] != '\n')
    ++i;
  return i > start;
}

bool Scanner::JsonLine(const char* p, size_t n, uint64_t off) {
  size_t i = 0;
  path_.clear();
  have_url_host_ = have_url_path_ = false;
  if (!JsonValue(p, n, &i, 0, off)) return false;
  while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')) ++i;
  if (i != n) return false;
  AssembleUrl();
  return true;
}

namespace {
bool IsUrlHostField(std::string_view f) {
  return f == "host" || f == "http.hostname" || f == "url.domain" || f == "http.host";
}
bool IsUrlPathField(std::string_view f) {
  return f == "uri" || f == "http.url" || f == "url.path" || f == "http.uri";
}
}  // namespace

void Scanner::NoteUrlPart(std::string_view name, std::string_view value, uint64_t offset) {
  if (IsUrlHostField(name)) {
    url_host_.assign(value);
    have_url_host_ = true;
    url_fields_.assign(name);
  } else if (IsUrlPathField(name)) {
    url_path_.assign(value);
    url_path_field_.assign(name);
    url_path_off_ = offset;
    have_url_path_ = true;
  }
}

void Scanner::AssembleUrl() {
  if (!have_url_host_ || !have_url_path_) return;
  have_url_host_ = have_url_path_ = false;
  // Only origin-form paths ("/..."): absolute URIs (proxies) were matched as
  // URLs already.
  if (url_path_.empty() || url_path_[0] != '/' || url_host_.empty() || url_host_ == "-") return;
  // The scheme is not logged; a host noted with port 443 was reached over
  // TLS (so that the default port drops out as the store's canonical form
  // does). The URL key ignores http/https otherwise.
  const bool tls = url_host_.size() > 4 && url_host_.compare(url_host_.size() - 4, 4, ":443") == 0;
  std::string url = (tls ? "https://" : "http://") + url_host_ + url_path_;
  if (!model::CanonicalUrl(url, &url_buf_).ok()) return;
  auto it = t_.urls.find(UrlKey(url_buf_));
  if (it == t_.urls.end()) return;
  ChunkResult& r = *out_;
  auto obs_off = static_cast<uint32_t>(r.arena.size());
  r.arena.append(url);
  auto field_off = static_cast<uint32_t>(r.arena.size());
  std::string fields = url_fields_ + "+" + url_path_field_;
  r.arena.append(fields);
  for (uint32_t id = it->second; id != kNone; id = t_.next[id]) {
    RawHit h;
    h.offset = url_path_off_;
    h.obs_off = obs_off;
    h.obs_len = static_cast<uint32_t>(url.size());
    h.field_off = field_off;
    h.field_len = static_cast<uint32_t>(fields.size());
    h.indicator = id;
    h.kind = MatchKind::kExact;
    r.hits.push_back(h);
    // Keep hits in offset order (later fields of the record were seen first).
    for (size_t k = r.hits.size() - 1; k > 0 && r.hits[k - 1].offset > h.offset; --k)
      std::swap(r.hits[k - 1], r.hits[k]);
  }
}

void Scanner::DelimitedLine(const char* p, size_t n, uint64_t off, char sep, bool csv) {
  size_t i = 0;
  size_t col = 0;
  have_url_host_ = have_url_path_ = false;
  while (i <= n) {
    size_t s = i, e;
    bool esc = false;
    char quote = 0;
    if (csv && i < n && p[i] == '"') {
      s = ++i;
      quote = '"';
      while (i < n) {
        if (p[i] == '"') {
          if (i + 1 < n && p[i + 1] == '"') {
            esc = true;
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      e = i;
      if (i < n) ++i;  // closing quote
      while (i < n && p[i] != sep) ++i;
    } else {
      const void* q = std::memchr(p + i, sep, n - i);
      e = q == nullptr ? n : static_cast<size_t>(static_cast<const char*>(q) - p);
      i = e;
    }
    bool selected = col < cfg_.selected.size() ? cfg_.selected[col] != 0 : cfg_.fields.empty();
    if (selected && e > s) {
      field_ = col < cfg_.columns.size() ? std::string_view(cfg_.columns[col]) : std::string_view();
      ScanField(p, s, e, esc, off, quote);
      if (!t_.urls.empty() && !field_.empty()) {
        if (esc) {
          std::string v;
          for (size_t k = s; k < e; ++k) {
            v.push_back(p[k]);
            if (p[k] == '"' && k + 1 < e && p[k + 1] == '"') ++k;
          }
          NoteUrlPart(field_, v, off + s);
        } else {
          NoteUrlPart(field_, std::string_view(p + s, e - s), off + s);
        }
      }
    }
    ++col;
    if (i >= n) break;
    ++i;  // separator
  }
  AssembleUrl();
}

void Scanner::LiteralScan(const char* p, size_t n) {
  ChunkResult& r = *out_;
  (void)t_.literals->Scan(p, n, scratch_.get(), [&](uint32_t lit, uint64_t end) {
    uint32_t len = t_.literal_len[lit];
    if (end < len) return;
    uint64_t start = end - len;
    auto obs_off = static_cast<uint32_t>(r.arena.size());
    r.arena.append(p + start, len);
    for (uint32_t id = t_.literal_head[lit]; id != kNone; id = t_.next[id]) {
      RawHit h;
      h.offset = start;
      h.obs_off = obs_off;
      h.obs_len = len;
      h.field_off = obs_off;
      h.field_len = 0;
      h.indicator = id;
      h.kind = MatchKind::kSubstring;
      r.hits.push_back(h);
    }
  });
}

Status Scanner::Process(const char* p, size_t n, bool skip_first_line, ChunkResult* out) {
  out_ = out;
  out->Clear();
  field_ = {};
  if (cfg_.format == Format::kText) {
    ScanText(p, n, 0, true);
  } else {
    size_t pos = 0;
    bool first = true;
    while (pos < n) {
      const void* q = std::memchr(p + pos, '\n', n - pos);
      size_t end = q == nullptr ? n : static_cast<size_t>(static_cast<const char*>(q) - p);
      size_t len = end - pos;
      if (len > 0 && p[pos + len - 1] == '\r') --len;
      const char* line = p + pos;
      bool skip = first && skip_first_line;
      first = false;
      if (!skip && len > 0) {
        switch (cfg_.format) {
          case Format::kJsonl: {
            size_t k = 0;
            while (k < len && (line[k] == ' ' || line[k] == '\t')) ++k;
            size_t hits_before = out->hits.size(), arena_before = out->arena.size();
            if (k < len && !JsonLine(line + k, len - k, pos + k)) {
              out->hits.resize(hits_before);
              out->arena.resize(arena_before);
              ++out->malformed;
              field_ = {};
              ScanText(line, len, pos, true);
            }
            break;
          }
          case Format::kCsv:
            DelimitedLine(line, len, pos, ',', true);
            break;
          case Format::kZeek:
            if (line[0] != '#') DelimitedLine(line, len, pos, cfg_.separator, false);
            break;
          default:
            ScanText(line, len, pos, true);
        }
      }
      pos = end + 1;
    }
  }
  bool sort_needed = false;
  if (scan_) {
    size_t before = out->hits.size();
    LiteralScan(p, n);
    sort_needed = before > 0 && out->hits.size() > before;
  }
  if (sort_needed) {
    std::stable_sort(out->hits.begin(), out->hits.end(),
                     [](const RawHit& a, const RawHit& b) { return a.offset < b.offset; });
  }
  // Line numbers, and one substring hit per (line, indicator).
  uint64_t line = 0;
  size_t cursor = 0;
  size_t w = 0;
  seen_.clear();
  for (size_t k = 0; k < out->hits.size(); ++k) {
    RawHit h = out->hits[k];
    if (h.offset > cursor) {
      size_t nl = CountNewlines(p + cursor, h.offset - cursor);
      if (nl > 0) seen_.clear();
      line += nl;
      cursor = h.offset;
    }
    h.line = line;
    if (h.kind == MatchKind::kSubstring && !seen_.insert(h.indicator).second) continue;
    out->hits[w++] = h;
  }
  out->hits.resize(w);
  out->newlines = line + CountNewlines(p + cursor, n - cursor);
  return Status::Ok();
}

}  // namespace sanad::detect
