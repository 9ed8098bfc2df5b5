// Internals of the detection module (not part of the public contract).
#pragma once

#include <array>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detect.h"

namespace sanad::detect {

// ---- hashing ----------------------------------------------------------------

inline uint64_t Mix64(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t HashBytes(const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xff51afd7ed558ccdull);
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    h = Mix64(h ^ v, 0xbf58476d1ce4e5b9ull);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t v = 0;
    std::memcpy(&v, p, n);
    h = Mix64(h ^ v, 0x94d049bb133111ebull);
  }
  return Mix64(h, 0x2545F4914F6CDD1Dull);
}

struct StrHash {
  using is_transparent = void;
  using is_avalanching = void;
  size_t operator()(std::string_view s) const { return HashBytes(s.data(), s.size()); }
};
struct StrEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

template <size_t N>
struct DigestHash {
  using is_avalanching = void;  // digests are uniformly random already
  size_t operator()(const std::array<uint8_t, N>& a) const {
    uint64_t v;
    std::memcpy(&v, a.data(), 8);
    return v;
  }
};

struct V6Key {
  uint64_t hi = 0, lo = 0;
  bool operator==(const V6Key&) const = default;
};
struct V6Hash {
  using is_avalanching = void;
  size_t operator()(const V6Key& k) const { return Mix64(k.hi ^ 0x9E3779B97F4A7C15ull, k.lo + 1); }
};
struct U32Hash {
  using is_avalanching = void;
  size_t operator()(uint32_t v) const { return Mix64(v, 0x9E3779B97F4A7C15ull); }
};

// Maps a key to the first indicator of its chain (IndicatorSet::Tables::next).
using StrMap = boost::unordered_flat_map<std::string, uint32_t, StrHash, StrEq>;
using StrSet = boost::unordered_flat_set<std::string, StrHash, StrEq>;
template <size_t N>
using DigestMap = boost::unordered_flat_map<std::array<uint8_t, N>, uint32_t, DigestHash<N>>;
using U32Map = boost::unordered_flat_map<uint32_t, uint32_t, U32Hash>;
using V6Map = boost::unordered_flat_map<V6Key, uint32_t, V6Hash>;

inline constexpr uint32_t kNone = 0xffffffffu;

class LiteralDb;

struct IndicatorSet::Tables {
  Tables();
  ~Tables();

  std::vector<Indicator> indicators;
  std::vector<uint32_t> next;  // next indicator with the same key, kNone at the end

  // Hashes by hex length: 32, 40, 64 in fixed tables, other lengths as binary strings.
  DigestMap<16> md5;
  DigestMap<20> sha1;
  DigestMap<32> sha256;
  StrMap other_hashes;
  std::array<bool, 129> hash_len{};   // hex lengths present
  size_t min_hash_len = 0;            // 0 = no hashes
  std::vector<uint64_t> hash_bitmap;  // 2^22 bits: the first 22 bits of every digest

  // IPv4: /24 bitmap prefilter, hosts, CIDRs by prefix length (longest first).
  std::vector<uint64_t> v4_bitmap;  // 2^24 bits
  U32Map v4_hosts;
  struct V4Cidrs {
    int len;
    U32Map map;
  };
  std::vector<V4Cidrs> v4_cidrs;
  bool any_v4 = false;
  V6Map v6_hosts;
  struct V6Cidrs {
    int len;
    V6Map map;
  };
  std::vector<V6Cidrs> v6_cidrs;
  bool any_v6 = false;

  // Hostnames: exact (hostname and domain types) and parents (domain types).
  StrMap hosts;
  StrMap domains;
  // HashBytes of the last two labels ("example.com") of every host key
  // (hostnames, domains, e-mail and URL hosts): no key can match a name whose
  // last two labels are not here.
  boost::unordered_flat_set<uint64_t> suffixes;
  std::vector<uint64_t> suffix_bitmap;  // 2^21 bits of the same hashes (L2-resident prefilter)
  bool SuffixKnown(uint64_t h) const {
    if (suffixes.empty()) return false;
    uint64_t b = h >> 43;
    if (((suffix_bitmap[b >> 6] >> (b & 63)) & 1) == 0) return false;
    return suffixes.contains(h);
  }
  // URLs by key (UrlKey) and the hosts appearing in URL indicators.
  StrMap urls;
  StrSet url_hosts;
  bool url_ip_host = false;  // some URL indicator has an IP literal host
  StrMap emails;

  // --scan
  std::unique_ptr<LiteralDb> literals;
  std::vector<uint32_t> literal_head;  // literal index -> first indicator
  std::vector<uint32_t> literal_len;
};

// The key a canonical URL is indexed under: scheme "http://", "https://" or
// "//" removed (scheme-less values are kept), userinfo removed, "/" added
// when the path is empty. Other schemes keep "scheme://".
std::string UrlKey(std::string_view canonical);
// The host of a URL key, lower case, without port ("[v6]" for IPv6).
std::string_view UrlKeyHost(std::string_view key);

// The last two labels of a host name ("b.c" of "a.b.c"); the name itself
// when it has fewer.
inline std::string_view LastTwoLabels(std::string_view h) {
  size_t last = h.rfind('.');
  if (last == std::string_view::npos || last == 0) return h;
  size_t prev = h.rfind('.', last - 1);
  return prev == std::string_view::npos ? h : h.substr(prev + 1);
}

// Strict dotted quad (no leading zeros), like model::ParseIpPrefix.
bool ParseV4Fast(const char* p, size_t n, uint32_t* out);

// ---- Vectorscan literal databases ---------------------------------------------

class LiteralDb {
 public:
  ~LiteralDb();
  // `literals`: sorted, unique, lower case. Loads or compiles (see detect.md).
  static StatusOr<std::unique_ptr<LiteralDb>> Build(const std::vector<std::string>& literals,
                                                    const std::string& cache_dir,
                                                    BuildStats* stats);
  struct Scratch {
    struct hs_scratch* s = nullptr;
    ~Scratch();  // literal.cc
  };
  StatusOr<std::unique_ptr<Scratch>> NewScratch() const;
  // Calls fn(literal_index, end_offset) for every occurrence (any order).
  template <class F>
  Status Scan(const char* p, size_t n, Scratch* s, F&& fn) const {
    return ScanImpl(p, n, s, &Thunk<F>, &fn);
  }

 private:
  using RawFn = void (*)(void*, uint32_t, uint64_t);
  template <class F>
  static void Thunk(void* ctx, uint32_t lit, uint64_t end) {
    (*static_cast<F*>(ctx))(lit, end);
  }
  Status ScanImpl(const char* p, size_t n, Scratch* s, RawFn fn, void* ctx) const;
  LiteralDb() = default;
  struct Db;
  std::vector<std::unique_ptr<Db>> dbs_;  // base, then delta
};

}  // namespace sanad::detect
