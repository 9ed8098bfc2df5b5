// Internals of the detection module (not part of the public contract).
#pragma once

#include <array>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <csetjmp>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detect.h"
#include "model/types.h"
#include "policy/policy.h"

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

// ASCII upper case to lower case in the 8 bytes of w (bytes < 0x80 only).
inline uint64_t LowerAscii8(uint64_t w) {
  uint64_t upper =
      ((w + 0x3F3F3F3F3F3F3F3Full) ^ (w + 0x2525252525252525ull)) & 0x8080808080808080ull;
  return w | (upper >> 2);
}

// HashBytes of the lower-case form of the ASCII bytes [p, p + n), without
// copying them. `wide`: the 8 bytes before p + n may be read.
inline uint64_t HashLowerAscii(const char* p, size_t n, bool wide) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xff51afd7ed558ccdull);
  const char* end = p + n;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    h = Mix64(h ^ LowerAscii8(v), 0xbf58476d1ce4e5b9ull);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t v = 0;
    if (wide) {
      std::memcpy(&v, end - 8, 8);
      v >>= 8 * (8 - n);
    } else {
      std::memcpy(&v, p, n);
    }
    h = Mix64(h ^ LowerAscii8(v), 0x94d049bb133111ebull);
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

// 12 bits from the last (at most 8) bytes of a label and its length, case-
// insensitive for letters (every byte is OR-ed with 0x20, on both sides).
inline uint32_t TldBitOf(uint64_t v, size_t n) {
  return static_cast<uint32_t>(((v + n) * 0x9E3779B97F4A7C15ull) >> 52);
}
inline uint32_t TldBit(const char* p, size_t n) {
  size_t k = n < 8 ? n : 8;
  uint64_t v = 0;
  if (k > 0) {
    std::memcpy(&v, p + n - k, k);
    v |= 0x2020202020202020ull >> (8 * (8 - k));
  }
  return TldBitOf(v, n);
}
// The same as TldBit(p, n) when the 8 bytes before p + n may be read (one
// load instead of a variable-length copy).
inline uint32_t TldBitWide(const char* p, size_t n) {
  if (n == 0) return TldBitOf(0, 0);
  uint64_t w;
  std::memcpy(&w, p + n - 8, 8);
  unsigned shift = n >= 8 ? 0 : static_cast<unsigned>(8 * (8 - n));
  return TldBitOf((w >> shift) | (0x2020202020202020ull >> shift), n);
}

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
  std::array<bool, 129> hash_len{};  // hex lengths present
  size_t min_hash_len = 0;           // 0 = no hashes
  // The first hash_bits bits of every digest (Finish sizes it to about 8
  // bits per digest, 2^15..2^24 bits, so that it stays in a near cache).
  std::vector<uint64_t> hash_bitmap;
  int hash_bits = 0;

  // IPv4: /24 bitmap prefilter, hosts, CIDRs by prefix length (longest first).
  std::vector<uint64_t> v4_bitmap;    // 2^24 bits: /24 networks with a host or CIDR
  std::vector<uint64_t> v4_bitmap16;  // 2^16 bits: the same by /16 (L1-resident first test)
  // The networks of one prefix length `len`, keyed by their masked address.
  template <class Map>
  struct Cidrs {
    int len;
    Map map;
  };
  U32Map v4_hosts;
  std::vector<Cidrs<U32Map>> v4_cidrs;
  bool any_v4 = false;
  V6Map v6_hosts;
  std::vector<Cidrs<V6Map>> v6_cidrs;
  bool any_v6 = false;

  // Hostnames: exact (hostname and domain types) and parents (domain types).
  StrMap hosts;
  StrMap domains;
  // HashBytes of the last two labels ("example.com") of every host key
  // (hostnames, domains, e-mail and URL hosts): no key can match a name whose
  // last two labels are not here.
  boost::unordered_flat_set<uint64_t> suffixes;
  // The top suffix_bits bits of the same hashes (sized like hash_bitmap).
  std::vector<uint64_t> suffix_bitmap;
  int suffix_bits = 0;
  // TldBit of the last label of every host key: an L1-resident first test
  // that turns away file names ("app.js", "index.html") before any hashing.
  std::array<uint64_t, 64> tld_bitmap{};
  // `wide`: the 8 bytes before label + n may be read.
  bool TldKnown(const char* label, size_t n, bool wide) const {
    uint32_t b = wide ? TldBitWide(label, n) : TldBit(label, n);
    return ((tld_bitmap[b >> 6] >> (b & 63)) & 1) != 0;
  }
  bool SuffixKnown(uint64_t h) const {
    if (suffixes.empty()) return false;
    uint64_t b = h >> (64 - suffix_bits);
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

// ---- mapped inputs (input.cc) -------------------------------------------------

// Catching SIGBUS on a mapped file that shrank. Use as:
//   sigjmp_buf env;
//   if (sigsetjmp(env, 1) == 0) { ArmSigbus(&env, lo, hi); ...reads...; DisarmSigbus(); }
//   else { /* a page of [lo, hi) was gone: DisarmSigbus() ran already */ }
// Only faults on [lo, hi) by this thread jump; others go to the previous
// handler. The code between must tolerate being abandoned (no locks held,
// no half-made objects that are used afterwards).
void ArmSigbus(sigjmp_buf* env, const char* lo, const char* hi);
void DisarmSigbus();
// memcpy from the mapped region `region` (src inside it); false when a page
// of it is gone.
bool CopyMapped(std::string_view region, char* dst, const char* src, size_t n);

// ---- table snapshots (snapshot.cc) ------------------------------------------

// What a snapshot records: every component that went into the tables, in
// order, as (attribute id, event id, type index, second part, value).
struct SnapshotLog {
  std::string body;                // the records, binary
  std::vector<std::string> types;  // type index -> MISP type
  boost::unordered_flat_map<std::string, uint16_t, StrHash, StrEq> type_index;
  uint64_t records = 0;
  void Add(int64_t attribute_id, int64_t event_id, std::string_view type, bool second,
           std::string_view value);
};

// Access to a builder's internals for snapshots (tables.cc).
struct BuilderAccess {
  // Every component added from now on is logged into `log` (kept by caller).
  static void Record(IndicatorSetBuilder* b, SnapshotLog* log);
  // Adds one logged component (no filters: it passed them when logged).
  // Replay: Resize to the number of components, then add component i as
  // indicator i. The IP and hash tables (NumericTables) and the others share
  // no state, so the two groups may be replayed on two threads at once.
  static void Resize(IndicatorSetBuilder* b, size_t components);
  static bool NumericTables(const model::TypeInfo* ti, bool second);
  static void ReplayAt(IndicatorSetBuilder* b, uint32_t id, int64_t attribute_id, int64_t event_id,
                       const std::string& type, const model::TypeInfo* ti, bool second,
                       std::string_view value);
  static void SetStats(IndicatorSetBuilder* b, const BuildStats& s);
};

// The key of a snapshot: every input that decides the tables' contents.
std::string SnapshotKey(const policy::Viewer& v, const BuildOptions& o, int64_t data_generation);
// <dir>/tables-<hash of key>.snap
std::string SnapshotPath(const std::string& dir, const std::string& key);
// Replays the snapshot at `path` into `b` when it exists and holds `key`
// (checked, with a checksum); false otherwise (b untouched then).
bool LoadSnapshot(const std::string& path, const std::string& key, IndicatorSetBuilder* b);
// Writes a snapshot atomically (temporary file, then rename) and keeps the
// newest kKeptSnapshots files of the directory. Errors are returned for the
// caller to ignore or report: a snapshot is only a cache.
Status WriteSnapshot(const std::string& path, const std::string& key, const SnapshotLog& log,
                     const BuildStats& stats);
inline constexpr size_t kKeptSnapshots = 8;

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
