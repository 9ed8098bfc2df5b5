// Private to intel/correlation*.cc: the correlation index's in-memory
// layout and the helpers its building (correlation.cc), queries
// (correlation_query.cc) and snapshots (correlation_snapshot.cc) share.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "intel/correlation.h"
#include "model/ip.h"
#include "model/types.h"

namespace sanad::intel {

namespace correlation_internal {

using std::string_view;

// How a component takes part in correlation.
enum Cls : uint8_t { kNone = 0, kOpaque = 1, kIp = 2, kHost = 3, kUrl = 4 };

inline Cls ClassOf(model::ValueKind k) {
  switch (k) {
    case model::ValueKind::kPort:
    case model::ValueKind::kUnsigned:
      return kNone;
    case model::ValueKind::kIp:
      return kIp;
    case model::ValueKind::kHostname:
      return kHost;
    case model::ValueKind::kUrl:
      return kUrl;
    default:
      return kOpaque;
  }
}

constexpr uint32_t kNoKey = 0xFFFFFFFFu;
constexpr uint8_t kFlagDisabled = 1;

struct Rec {
  int64_t attribute_id = 0;
  int64_t event_id = 0;
  uint32_t access = 0;
  uint32_t key[2] = {kNoKey, kNoKey};
  uint8_t cls[2] = {kNone, kNone};
  uint8_t flags = 0;
  uint8_t pad = 0;
};
static_assert(sizeof(Rec) == 32);

// An IP component or a URL's IP host. Sorted by (v6, addr, len).
struct IpEntry {
  uint8_t addr[16] = {};
  uint32_t posting = 0;  // rec << 1 | component
  uint8_t v6 = 0;
  uint8_t len = 0;
  uint8_t url = 0;
  uint8_t pad = 0;
};
static_assert(sizeof(IpEntry) == 24);

// A hostname component or a URL's host name. Sorted by reversed name.
struct HostEntry {
  uint32_t key = 0;
  uint32_t posting = 0;
};

struct PackedAccess {
  int64_t owner = 0, event_sg = 0, object_sg = 0, attribute_sg = 0;
  uint8_t event_dist = 0, object_dist = 0, attribute_dist = 0, in_object = 0, deleted = 0;
  uint8_t pad[3] = {};
};
static_assert(sizeof(PackedAccess) == 40);

// Compares names from their last character backwards, so that all names
// ending in the same suffix are adjacent.
inline bool RevLess(string_view a, string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 1; i <= n; ++i) {
    unsigned char x = a[a.size() - i], y = b[b.size() - i];
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

inline int IpCompare(const IpEntry& a, const IpEntry& b) {
  if (a.v6 != b.v6) return a.v6 < b.v6 ? -1 : 1;
  int c = std::memcmp(a.addr, b.addr, 16);
  if (c) return c;
  if (a.len != b.len) return a.len < b.len ? -1 : 1;
  return 0;
}
inline bool IpLess(const IpEntry& a, const IpEntry& b) {
  int c = IpCompare(a, b);
  return c ? c < 0 : a.posting < b.posting;
}

inline bool IsIpHostText(string_view h, model::IpPrefix* p) {
  return !h.empty() && h.find('/') == string_view::npos && model::ParseIpPrefix(h, p);
}

}  // namespace correlation_internal

using namespace correlation_internal;  // NOLINT: private to the correlation sources

struct CorrelationIndex::Impl {
  int64_t generation = -1;
  std::vector<Rec> recs;  // attribute id order
  std::vector<policy::AccessPath> access;
  std::vector<PackedAccess> packed_access;  // same order, for snapshots
  // Interned strings. Chunks never move, so views stay valid.
  std::vector<std::unique_ptr<char[]>> chunks;
  size_t chunk_used = 0, chunk_size = 0, arena_bytes = 0;
  std::vector<string_view> keys;
  boost::unordered_flat_map<string_view, uint32_t> key_of;
  // Exact map postings: postings[post_off[k] .. post_off[k+1]) for key k.
  std::vector<uint32_t> post_off;
  std::vector<uint32_t> postings;
  std::vector<IpEntry> ips;
  std::vector<uint8_t> v4_cidr_lens, v6_cidr_lens;  // prefix lengths of CIDR entries, ascending
  std::vector<HostEntry> hosts;
  int64_t disabled = 0;

  // ---- building ----
  string_view Keep(string_view s) {
    if (chunk_size - chunk_used < s.size()) {
      size_t n = std::max<size_t>(s.size(), 1 << 20);
      chunks.emplace_back(new char[n]);
      chunk_size = n;
      chunk_used = 0;
      arena_bytes += n;
    }
    char* p = chunks.back().get() + chunk_used;
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    chunk_used += s.size();
    return string_view(p, s.size());
  }
  uint32_t Intern(string_view s) {
    auto it = key_of.find(s);
    if (it != key_of.end()) return it->second;
    string_view stored = Keep(s);
    uint32_t id = static_cast<uint32_t>(keys.size());
    keys.push_back(stored);
    key_of.emplace(stored, id);
    return id;
  }
  uint32_t FindKey(string_view s) const {
    auto it = key_of.find(s);
    return it == key_of.end() ? kNoKey : it->second;
  }

  // ---- queries ----
  std::pair<const uint32_t*, const uint32_t*> Postings(uint32_t key) const {
    if (key == kNoKey || key + 1 >= post_off.size()) return {nullptr, nullptr};
    return {postings.data() + post_off[key], postings.data() + post_off[key + 1]};
  }
  const Rec& RecOf(uint32_t posting) const { return recs[posting >> 1]; }
  Cls ClsOf(uint32_t posting) const { return static_cast<Cls>(RecOf(posting).cls[posting & 1]); }
  string_view ValueOf(uint32_t posting) const {
    uint32_t k = RecOf(posting).key[posting & 1];
    return k == kNoKey ? string_view() : keys[k];
  }
  int64_t FindRec(int64_t attribute_id) const {
    auto it = std::lower_bound(recs.begin(), recs.end(), attribute_id,
                               [](const Rec& r, int64_t id) { return r.attribute_id < id; });
    if (it == recs.end() || it->attribute_id != attribute_id) return -1;
    return it - recs.begin();
  }

  // The candidate sink of a probe: groups of (posting, rule, matched value).
  struct Sink {
    virtual ~Sink() = default;
    virtual void Begin(std::string label, CorrelationRule rule) = 0;
    virtual void Add(uint32_t posting, CorrelationRule rule, string_view matched) = 0;
    virtual void End() = 0;
  };

  void ProbeKey(uint32_t key, Cls want, CorrelationRule rule, string_view matched,
                std::string label, Sink* sink) const;

  // CIDR entries (not URL hosts) that strictly contain prefix `p`.
  void ProbeContainingCidrs(const model::IpPrefix& p, CorrelationRule rule, string_view matched,
                            Sink* sink) const;

  // Entries inside prefix `p` other than exact equals: longer prefixes and
  // hosts, and URL hosts (equal ones included).
  void ProbeContained(const model::IpPrefix& p, string_view matched, Sink* sink) const;

  // Hostname indicators that are parents of `host` (not `host` itself).
  void ProbeParents(string_view host, CorrelationRule rule, Sink* sink) const;

  // Hostnames and URL hosts under `domain`, and URL hosts equal to it.
  void ProbeChildren(string_view domain, Sink* sink) const;

  // Every rule for one component value of class `cls`. `key` is the value's
  // key id when known (kNoKey: look it up).
  void Probe(string_view value, Cls cls, Sink* sink, bool exact = true) const;

  int64_t MemoryBytes() const;

  // Sorts the derived arrays (unless loaded sorted) and computes what
  // depends on them.
  void Finalise(bool sort);
};

}  // namespace sanad::intel
