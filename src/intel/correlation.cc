#include "intel/correlation.h"

#include <boost/unordered/unordered_flat_map.hpp>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "model/canon.h"
#include "model/ip.h"
#include "model/types.h"
#include "util/util.h"

namespace sanad::intel {

using std::string_view;
using store::Store;

namespace {

// How a component takes part in correlation.
enum Cls : uint8_t { kNone = 0, kOpaque = 1, kIp = 2, kHost = 3, kUrl = 4 };

Cls ClassOf(model::ValueKind k) {
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

PackedAccess Pack(const policy::AccessPath& p) {
  PackedAccess a;
  a.owner = p.event_owner_org_id;
  a.event_sg = p.event_sharing_group_id;
  a.object_sg = p.object_sharing_group_id;
  a.attribute_sg = p.attribute_sharing_group_id;
  a.event_dist = static_cast<uint8_t>(p.event_distribution);
  a.object_dist = static_cast<uint8_t>(p.object_distribution);
  a.attribute_dist = static_cast<uint8_t>(p.attribute_distribution);
  a.in_object = p.in_object;
  a.deleted = p.deleted;
  return a;
}

policy::AccessPath Unpack(const PackedAccess& a) {
  policy::AccessPath p;
  p.event_owner_org_id = a.owner;
  p.event_sharing_group_id = a.event_sg;
  p.object_sharing_group_id = a.object_sg;
  p.attribute_sharing_group_id = a.attribute_sg;
  p.event_distribution = static_cast<model::Distribution>(a.event_dist);
  p.object_distribution = static_cast<model::Distribution>(a.object_dist);
  p.attribute_distribution = static_cast<model::Distribution>(a.attribute_dist);
  p.in_object = a.in_object;
  p.deleted = a.deleted;
  return p;
}

struct AccessHash {
  size_t operator()(const PackedAccess& a) const {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](uint64_t x) { h = (h ^ x) * 1099511628211ull; };
    mix(a.owner);
    mix(a.event_sg);
    mix(a.object_sg);
    mix(a.attribute_sg);
    mix(a.event_dist | a.object_dist << 8 | a.attribute_dist << 16 | a.in_object << 24 |
        static_cast<uint64_t>(a.deleted) << 32);
    return h;
  }
};
struct AccessEq {
  bool operator()(const PackedAccess& a, const PackedAccess& b) const {
    return a.owner == b.owner && a.event_sg == b.event_sg && a.object_sg == b.object_sg &&
           a.attribute_sg == b.attribute_sg && a.event_dist == b.event_dist &&
           a.object_dist == b.object_dist && a.attribute_dist == b.attribute_dist &&
           a.in_object == b.in_object && a.deleted == b.deleted;
  }
};

// Compares names from their last character backwards, so that all names
// ending in the same suffix are adjacent.
bool RevLess(string_view a, string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 1; i <= n; ++i) {
    unsigned char x = a[a.size() - i], y = b[b.size() - i];
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

bool EndsWith(string_view s, string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

int IpCompare(const IpEntry& a, const IpEntry& b) {
  if (a.v6 != b.v6) return a.v6 < b.v6 ? -1 : 1;
  int c = std::memcmp(a.addr, b.addr, 16);
  if (c) return c;
  if (a.len != b.len) return a.len < b.len ? -1 : 1;
  return 0;
}
bool IpLess(const IpEntry& a, const IpEntry& b) {
  int c = IpCompare(a, b);
  return c ? c < 0 : a.posting < b.posting;
}

void MaskAddr(const uint8_t* in, int len, bool v6, uint8_t* out, bool set_host_bits) {
  int bytes = v6 ? 16 : 4;
  for (int i = 0; i < 16; ++i) out[i] = i < bytes ? in[i] : 0;
  for (int i = 0; i < bytes; ++i) {
    int bits = std::clamp(len - 8 * i, 0, 8);
    uint8_t mask = bits == 0 ? 0 : static_cast<uint8_t>(0xFF << (8 - bits));
    out[i] = set_host_bits ? (out[i] | static_cast<uint8_t>(~mask)) : (out[i] & mask);
  }
}

IpEntry MakeIp(const model::IpPrefix& p, uint32_t posting, bool url) {
  IpEntry e;
  std::memcpy(e.addr, p.addr.data(), 16);
  if (!p.v6) std::memset(e.addr + 4, 0, 12);
  e.v6 = p.v6;
  e.len = static_cast<uint8_t>(p.len);
  e.posting = posting;
  e.url = url;
  return e;
}

bool IsIpHostText(string_view h, model::IpPrefix* p) {
  return !h.empty() && h.find('/') == string_view::npos && model::ParseIpPrefix(h, p);
}

std::string LowerAscii(string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

}  // namespace

const char* Name(CorrelationRule r) {
  switch (r) {
    case CorrelationRule::kExact:
      return "exact";
    case CorrelationRule::kCidr:
      return "cidr";
    case CorrelationRule::kSubdomain:
      return "subdomain";
    case CorrelationRule::kUrlHost:
      return "url-host";
  }
  return "?";
}

// ---- exclusions ---------------------------------------------------------------

void ExclusionMatcher::Add(string_view value) {
  std::string v = LowerAscii(util::Trim(value));
  if (v.empty()) return;
  if (v.find('%') == std::string::npos) {
    auto it = std::lower_bound(exact_.begin(), exact_.end(), v);
    if (it == exact_.end() || *it != v) exact_.insert(it, v);
    return;
  }
  std::vector<std::string> pieces;
  size_t start = 0;
  while (true) {
    size_t pct = v.find('%', start);
    pieces.push_back(v.substr(start, pct == std::string::npos ? std::string::npos : pct - start));
    if (pct == std::string::npos) break;
    start = pct + 1;
  }
  patterns_.push_back(std::move(pieces));
}

bool ExclusionMatcher::Matches(string_view value) const {
  if (empty()) return false;
  std::string v = LowerAscii(value);
  if (std::binary_search(exact_.begin(), exact_.end(), v)) return true;
  string_view s = v;
  for (const auto& pieces : patterns_) {
    // pieces.size() >= 2: first is a prefix, last a suffix, the middle ones
    // occur in order between them (leftmost match is always right).
    const std::string& first = pieces.front();
    const std::string& last = pieces.back();
    if (s.size() < first.size() + last.size()) continue;
    if (s.substr(0, first.size()) != first) continue;
    if (s.substr(s.size() - last.size()) != last) continue;
    string_view mid = s.substr(first.size(), s.size() - first.size() - last.size());
    bool ok = true;
    for (size_t i = 1; i + 1 < pieces.size() && ok; ++i) {
      size_t pos = mid.find(pieces[i]);
      if (pos == string_view::npos) {
        ok = false;
      } else {
        mid.remove_prefix(pos + pieces[i].size());
      }
    }
    if (ok) return true;
  }
  return false;
}

StatusOr<CorrelationSettings> LoadCorrelationSettings(store::Store* s) {
  CorrelationSettings out;
  auto v = s->GetSetting(kMaxEventsSetting);
  if (v.ok()) {
    std::string t(util::Trim(*v));
    char* end = nullptr;
    errno = 0;
    long long n = t.empty() ? 0 : std::strtoll(t.c_str(), &end, 10);
    if (t.empty() || errno || *end || n < 1) {
      return Status::Invalid("setting " + std::string(kMaxEventsSetting) + " is '" + t +
                             "', not a positive integer");
    }
    out.max_events = n;
  } else if (v.status().code() != Status::Code::kNotFound) {
    return v.status();
  }
  std::vector<Store::CorrelationExclusion> ex;
  SANAD_RETURN_IF_ERROR(s->ListCorrelationExclusions(&ex));
  for (const auto& e : ex) out.exclusions.Add(e.value);
  return out;
}

// ---- the index ----------------------------------------------------------------

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
                std::string label, Sink* sink) const {
    auto [b, e] = Postings(key);
    if (b == e) return;
    sink->Begin(std::move(label), rule);
    for (const uint32_t* p = b; p != e; ++p) {
      if (want == kNone || ClsOf(*p) == want) sink->Add(*p, rule, matched);
    }
    sink->End();
  }

  // CIDR entries (not URL hosts) that strictly contain prefix `p`.
  void ProbeContainingCidrs(const model::IpPrefix& p, CorrelationRule rule, string_view matched,
                            Sink* sink) const {
    const auto& lens = p.v6 ? v6_cidr_lens : v4_cidr_lens;
    for (uint8_t l : lens) {
      if (l >= p.len) break;
      IpEntry key;
      key.v6 = p.v6;
      key.len = l;
      MaskAddr(p.addr.data(), l, p.v6, key.addr, false);
      auto lo =
          std::lower_bound(ips.begin(), ips.end(), key,
                           [](const IpEntry& a, const IpEntry& b) { return IpCompare(a, b) < 0; });
      if (lo == ips.end() || IpCompare(*lo, key) != 0) continue;
      model::IpPrefix cidr;
      cidr.v6 = p.v6;
      cidr.len = l;
      std::copy(key.addr, key.addr + 16, cidr.addr.begin());
      sink->Begin(model::FormatIpPrefix(cidr), rule);
      for (auto it = lo; it != ips.end() && IpCompare(*it, key) == 0; ++it) {
        if (!it->url) sink->Add(it->posting, rule, matched);
      }
      sink->End();
    }
  }

  // Entries inside prefix `p` other than exact equals: longer prefixes and
  // hosts, and URL hosts (equal ones included).
  void ProbeContained(const model::IpPrefix& p, string_view matched, Sink* sink) const {
    IpEntry lo_key, hi_key;
    lo_key.v6 = hi_key.v6 = p.v6;
    MaskAddr(p.addr.data(), p.len, p.v6, lo_key.addr, false);
    MaskAddr(p.addr.data(), p.len, p.v6, hi_key.addr, true);
    lo_key.len = 0;
    hi_key.len = 255;
    auto cmp = [](const IpEntry& a, const IpEntry& b) { return IpCompare(a, b) < 0; };
    auto lo = std::lower_bound(ips.begin(), ips.end(), lo_key, cmp);
    auto hi = std::upper_bound(lo, ips.end(), hi_key, cmp);
    bool any = false;
    for (auto it = lo; it != hi; ++it) {
      if (!(it->url || it->len > p.len)) continue;
      if (!any) {
        sink->Begin(p.IsHost() ? std::string(matched) : "within " + std::string(matched),
                    p.IsHost() ? CorrelationRule::kUrlHost : CorrelationRule::kCidr);
        any = true;
      }
      sink->Add(it->posting, it->url ? CorrelationRule::kUrlHost : CorrelationRule::kCidr, matched);
    }
    if (any) sink->End();
  }

  // Hostname indicators that are parents of `host` (not `host` itself).
  void ProbeParents(string_view host, CorrelationRule rule, Sink* sink) const {
    for (size_t dot = host.find('.'); dot != string_view::npos; dot = host.find('.', dot + 1)) {
      string_view parent = host.substr(dot + 1);
      if (parent.empty()) break;
      ProbeKey(FindKey(parent), kHost, rule, host, std::string(parent), sink);
    }
  }

  // Hostnames and URL hosts under `domain`, and URL hosts equal to it.
  void ProbeChildren(string_view domain, Sink* sink) const {
    auto lo = std::lower_bound(
        hosts.begin(), hosts.end(), domain,
        [this](const HostEntry& e, string_view d) { return RevLess(keys[e.key], d); });
    bool any_child = false;
    std::vector<uint32_t> equal_urls;
    for (auto it = lo; it != hosts.end(); ++it) {
      string_view name = keys[it->key];
      if (!EndsWith(name, domain)) break;
      if (name.size() == domain.size()) {
        if (ClsOf(it->posting) == kUrl) equal_urls.push_back(it->posting);
        continue;
      }
      if (name[name.size() - domain.size() - 1] != '.') continue;
      if (!any_child) {
        sink->Begin("*." + std::string(domain), CorrelationRule::kSubdomain);
        any_child = true;
      }
      sink->Add(
          it->posting,
          ClsOf(it->posting) == kUrl ? CorrelationRule::kUrlHost : CorrelationRule::kSubdomain,
          domain);
    }
    if (any_child) sink->End();
    if (!equal_urls.empty()) {
      sink->Begin(std::string(domain), CorrelationRule::kUrlHost);
      for (uint32_t p : equal_urls) sink->Add(p, CorrelationRule::kUrlHost, domain);
      sink->End();
    }
  }

  // Every rule for one component value of class `cls`. `key` is the value's
  // key id when known (kNoKey: look it up).
  void Probe(string_view value, Cls cls, Sink* sink, bool exact = true) const {
    if (exact)
      ProbeKey(FindKey(value), kNone, CorrelationRule::kExact, value, std::string(value), sink);
    switch (cls) {
      case kIp: {
        model::IpPrefix p;
        if (!model::ParseIpPrefix(value, &p)) return;
        ProbeContainingCidrs(p, CorrelationRule::kCidr, value, sink);
        ProbeContained(p, value, sink);
        return;
      }
      case kHost:
        ProbeParents(value, CorrelationRule::kSubdomain, sink);
        ProbeChildren(value, sink);
        return;
      case kUrl: {
        std::string host = UrlHost(value);
        if (host.empty()) return;
        model::IpPrefix p;
        if (IsIpHostText(host, &p)) {
          std::string h = model::FormatIpPrefix(p);
          ProbeKey(FindKey(h), kIp, CorrelationRule::kUrlHost, h, h, sink);
          ProbeContainingCidrs(p, CorrelationRule::kUrlHost, h, sink);
        } else {
          ProbeKey(FindKey(host), kHost, CorrelationRule::kUrlHost, host, host, sink);
          ProbeParents(host, CorrelationRule::kUrlHost, sink);
        }
        return;
      }
      default:
        return;
    }
  }

  int64_t MemoryBytes() const {
    int64_t n = sizeof(Impl);
    n += recs.capacity() * sizeof(Rec);
    n += access.capacity() * sizeof(policy::AccessPath);
    n += packed_access.capacity() * sizeof(PackedAccess);
    n += arena_bytes;
    n += keys.capacity() * sizeof(string_view);
    n += key_of.bucket_count() * (sizeof(std::pair<string_view, uint32_t>) + 1);
    n += post_off.capacity() * 4 + postings.capacity() * 4;
    n += ips.capacity() * sizeof(IpEntry);
    n += hosts.capacity() * sizeof(HostEntry);
    return n;
  }

  // Sorts the derived arrays (unless loaded sorted) and computes what
  // depends on them.
  void Finalise(bool sort) {
    if (sort) std::sort(ips.begin(), ips.end(), IpLess);
    std::array<bool, 129> v4{}, v6{};
    for (const auto& e : ips) {
      if (e.url) continue;
      if (e.v6 && e.len < 128) v6[e.len] = true;
      if (!e.v6 && e.len < 32) v4[e.len] = true;
    }
    v4_cidr_lens.clear();
    v6_cidr_lens.clear();
    for (int i = 0; i <= 128; ++i) {
      if (v4[i]) v4_cidr_lens.push_back(static_cast<uint8_t>(i));
      if (v6[i]) v6_cidr_lens.push_back(static_cast<uint8_t>(i));
    }
    auto host_less = [this](const HostEntry& a, const HostEntry& b) {
      string_view x = keys[a.key], y = keys[b.key];
      if (x != y) return RevLess(x, y);
      return a.posting < b.posting;
    };
    if (sort) std::sort(hosts.begin(), hosts.end(), host_less);
    access.clear();
    access.reserve(packed_access.size());
    for (const auto& a : packed_access) access.push_back(Unpack(a));
    disabled = 0;
    for (const auto& r : recs) disabled += (r.flags & kFlagDisabled) != 0;
  }
};

namespace {

// Collects rows into an Impl.
class Builder {
 public:
  explicit Builder(CorrelationIndex::Impl* impl) : m_(impl) {}

  void Add(const Store::IndexRow& row) {
    if (row.access.deleted) return;
    const model::TypeInfo* ti = model::FindType(row.type);
    if (ti && !ti->correlates) return;
    Cls cls[2] = {ti ? ClassOf(ti->kind1) : kOpaque,
                  ti && ti->composite ? ClassOf(ti->kind2) : kNone};
    const std::string* vals[2] = {&row.canonical1, &row.canonical2};
    for (int c = 0; c < 2; ++c) {
      if (vals[c]->empty()) cls[c] = kNone;
    }
    if (cls[0] == kNone && cls[1] == kNone) return;
    if (m_->recs.size() >= (1u << 31) - 1) return;  // postings hold rec << 1
    Rec r;
    r.attribute_id = row.attribute_id;
    r.event_id = row.event_id;
    r.flags = row.correlation_disabled ? kFlagDisabled : 0;
    PackedAccess pa = Pack(row.access);
    auto [it, inserted] =
        access_ids_.try_emplace(pa, static_cast<uint32_t>(m_->packed_access.size()));
    if (inserted) m_->packed_access.push_back(pa);
    r.access = it->second;
    if (!m_->recs.empty() && row.attribute_id <= m_->recs.back().attribute_id) sorted_ = false;
    uint32_t idx = static_cast<uint32_t>(m_->recs.size());
    for (int c = 0; c < 2; ++c) {
      if (cls[c] == kNone) continue;
      uint32_t posting = idx << 1 | c;
      uint32_t key = m_->Intern(*vals[c]);
      r.key[c] = key;
      r.cls[c] = cls[c];
      entries_.push_back({key, posting});
      model::IpPrefix p;
      if (cls[c] == kIp) {
        if (model::ParseIpPrefix(*vals[c], &p)) m_->ips.push_back(MakeIp(p, posting, false));
      } else if (cls[c] == kHost) {
        m_->hosts.push_back({key, posting});
      } else if (cls[c] == kUrl) {
        std::string host = UrlHost(*vals[c]);
        if (host.empty()) continue;
        if (IsIpHostText(host, &p)) {
          m_->ips.push_back(MakeIp(p, posting, true));
        } else {
          m_->hosts.push_back({m_->Intern(host), posting});
        }
      }
    }
    m_->recs.push_back(r);
  }

  void Finish(int64_t generation) {
    m_->generation = generation;
    if (!sorted_) Reorder();
    // Exact postings in CSR form, each list in rec order.
    size_t nkeys = m_->keys.size();
    m_->post_off.assign(nkeys + 1, 0);
    for (const auto& e : entries_) ++m_->post_off[e.first + 1];
    for (size_t k = 0; k < nkeys; ++k) m_->post_off[k + 1] += m_->post_off[k];
    m_->postings.resize(entries_.size());
    std::vector<uint32_t> fill(m_->post_off.begin(), m_->post_off.end() - 1);
    for (const auto& e : entries_) m_->postings[fill[e.first]++] = e.second;
    if (!sorted_) {
      for (size_t k = 0; k < nkeys; ++k) {
        std::sort(m_->postings.begin() + m_->post_off[k],
                  m_->postings.begin() + m_->post_off[k + 1]);
      }
    }
    entries_.clear();
    entries_.shrink_to_fit();
    m_->recs.shrink_to_fit();
    m_->ips.shrink_to_fit();
    m_->hosts.shrink_to_fit();
    m_->Finalise(/*sort=*/true);
  }

 private:
  // Sorts recs by attribute id (a duplicate id keeps its last row) and
  // renumbers postings.
  void Reorder() {
    auto& recs = m_->recs;
    std::vector<uint32_t> order(recs.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return recs[a].attribute_id < recs[b].attribute_id;
    });
    std::vector<uint32_t> new_of(recs.size(), kNoKey);
    std::vector<Rec> sorted;
    sorted.reserve(recs.size());
    for (size_t i = 0; i < order.size(); ++i) {
      bool dup_next =
          i + 1 < order.size() && recs[order[i + 1]].attribute_id == recs[order[i]].attribute_id;
      if (dup_next) continue;
      new_of[order[i]] = static_cast<uint32_t>(sorted.size());
      sorted.push_back(recs[order[i]]);
    }
    auto remap = [&](uint32_t p) {
      uint32_t n = new_of[p >> 1];
      return n == kNoKey ? kNoKey : (n << 1 | (p & 1));
    };
    std::erase_if(entries_, [&](auto& e) { return (e.second = remap(e.second)) == kNoKey; });
    std::erase_if(m_->ips, [&](IpEntry& e) { return (e.posting = remap(e.posting)) == kNoKey; });
    std::erase_if(m_->hosts,
                  [&](HostEntry& e) { return (e.posting = remap(e.posting)) == kNoKey; });
    recs = std::move(sorted);
  }

  CorrelationIndex::Impl* m_;
  boost::unordered_flat_map<PackedAccess, uint32_t, AccessHash, AccessEq> access_ids_;
  std::vector<std::pair<uint32_t, uint32_t>> entries_;  // (key, posting)
  bool sorted_ = true;
};

}  // namespace

CorrelationIndex::CorrelationIndex() : impl_(std::make_unique<Impl>()) {}
CorrelationIndex::~CorrelationIndex() = default;

std::unique_ptr<CorrelationIndex> CorrelationIndex::Build(const std::vector<Store::IndexRow>& rows,
                                                          int64_t generation) {
  auto idx = std::make_unique<CorrelationIndex>();
  Builder b(idx->impl_.get());
  for (const auto& r : rows) b.Add(r);
  b.Finish(generation);
  return idx;
}

StatusOr<std::unique_ptr<CorrelationIndex>> CorrelationIndex::BuildFromStore(store::Store* s) {
  auto gen = s->DataGeneration();
  if (!gen.ok()) return gen.status();
  auto idx = std::make_unique<CorrelationIndex>();
  Builder b(idx->impl_.get());
  SANAD_RETURN_IF_ERROR(s->UnfilteredScanAttributes([&](const Store::IndexRow& r) {
    b.Add(r);
    return true;
  }));
  b.Finish(*gen);
  return idx;
}

int64_t CorrelationIndex::generation() const { return impl_->generation; }

bool CorrelationIndex::Contains(int64_t attribute_id) const {
  return impl_->FindRec(attribute_id) >= 0;
}

namespace {

using Impl = CorrelationIndex::Impl;

// Correlation sink: filters by the correlation rules and visibility, and
// turns big groups into over-correlation counts.
class CorrelationSink : public Impl::Sink {
 public:
  CorrelationSink(const Impl& m, const policy::Viewer& v, const CorrelationSettings& settings,
                  uint32_t self_rec)
      : m_(m), v_(v), settings_(settings), self_(m.recs[self_rec]), self_rec_(self_rec) {}

  void Begin(std::string label, CorrelationRule rule) override {
    label_ = std::move(label);
    rule_ = rule;
    group_.clear();
  }
  void Add(uint32_t posting, CorrelationRule rule, string_view matched) override {
    uint32_t ri = posting >> 1;
    if (ri == self_rec_) return;
    const Rec& r = m_.recs[ri];
    if (r.event_id == self_.event_id || (r.flags & kFlagDisabled)) return;
    if (!policy::MaySee(v_, m_.access[r.access])) return;
    string_view value = m_.ValueOf(posting);
    if (!settings_.exclusions.empty()) {
      if (settings_.exclusions.Matches(value)) return;
      if (rule == CorrelationRule::kUrlHost && m_.ClsOf(posting) == kUrl &&
          settings_.exclusions.Matches(UrlHost(value))) {
        return;
      }
    }
    group_.push_back({posting, rule, matched});
  }
  void End() override {
    if (group_.empty()) return;
    events_.clear();
    for (const auto& c : group_) events_.push_back(m_.RecOf(c.posting).event_id);
    std::sort(events_.begin(), events_.end());
    int64_t nevents = std::unique(events_.begin(), events_.end()) - events_.begin();
    if (nevents > settings_.max_events) {
      std::vector<uint32_t> attrs;
      for (const auto& c : group_) attrs.push_back(c.posting >> 1);
      std::sort(attrs.begin(), attrs.end());
      int64_t n = std::unique(attrs.begin(), attrs.end()) - attrs.begin();
      over_.push_back({label_, rule_, n, nevents});
      return;
    }
    for (const auto& c : group_) {
      uint32_t ri = c.posting >> 1;
      if (seen_.contains(ri)) continue;
      seen_.emplace(ri, true);
      const Rec& r = m_.recs[ri];
      CorrelationMatch mt;
      mt.attribute_id = r.attribute_id;
      mt.event_id = r.event_id;
      mt.rule = c.rule;
      mt.value = std::string(m_.ValueOf(c.posting));
      mt.matched_value = std::string(c.matched);
      matches_.push_back(std::move(mt));
    }
  }

  CorrelationResult Result() {
    CorrelationResult res;
    std::sort(matches_.begin(), matches_.end(), [](const auto& a, const auto& b) {
      return a.event_id != b.event_id ? a.event_id < b.event_id : a.attribute_id < b.attribute_id;
    });
    for (auto& mt : matches_) {
      if (res.events.empty() || res.events.back().event_id != mt.event_id) {
        res.events.push_back({mt.event_id, {}});
      }
      res.events.back().matches.push_back(std::move(mt));
    }
    res.over_correlating = std::move(over_);
    return res;
  }

 private:
  struct Cand {
    uint32_t posting;
    CorrelationRule rule;
    string_view matched;
  };
  const Impl& m_;
  const policy::Viewer& v_;
  const CorrelationSettings& settings_;
  const Rec& self_;
  uint32_t self_rec_;
  std::string label_;
  CorrelationRule rule_ = CorrelationRule::kExact;
  std::vector<Cand> group_;
  std::vector<int64_t> events_;
  boost::unordered_flat_map<uint32_t, bool> seen_;
  std::vector<CorrelationMatch> matches_;
  std::vector<OverCorrelation> over_;
};

// Search sink: visibility only, no groups, a limit.
class LookupSink : public Impl::Sink {
 public:
  LookupSink(const Impl& m, const policy::Viewer& v, size_t limit,
             std::vector<CorrelationMatch>* out)
      : m_(m), v_(v), limit_(limit), out_(out) {}
  void Begin(std::string, CorrelationRule) override {}
  void End() override {}
  void Add(uint32_t posting, CorrelationRule rule, string_view matched) override {
    uint32_t ri = posting >> 1;
    if (seen_.contains(ri)) return;
    const Rec& r = m_.recs[ri];
    if (!policy::MaySee(v_, m_.access[r.access])) return;
    if (limit_ && out_->size() >= limit_) {
      truncated = true;
      return;
    }
    seen_.emplace(ri, true);
    CorrelationMatch mt;
    mt.attribute_id = r.attribute_id;
    mt.event_id = r.event_id;
    mt.rule = rule;
    mt.value = std::string(m_.ValueOf(posting));
    mt.matched_value = std::string(matched);
    out_->push_back(std::move(mt));
  }
  bool truncated = false;

 private:
  const Impl& m_;
  const policy::Viewer& v_;
  size_t limit_;
  std::vector<CorrelationMatch>* out_;
  boost::unordered_flat_map<uint32_t, bool> seen_;
};

}  // namespace

StatusOr<CorrelationResult> CorrelationIndex::Correlations(
    const policy::Viewer& v, int64_t attribute_id, const CorrelationSettings& settings) const {
  const Impl& m = *impl_;
  int64_t ri = m.FindRec(attribute_id);
  if (ri < 0) return CorrelationResult{};
  const Rec& self = m.recs[ri];
  if (!policy::MaySee(v, m.access[self.access])) {
    return Status::NotFound("no attribute with id " + std::to_string(attribute_id));
  }
  if (self.flags & kFlagDisabled) return CorrelationResult{};
  CorrelationSink sink(m, v, settings, static_cast<uint32_t>(ri));
  for (int c = 0; c < 2; ++c) {
    if (self.cls[c] == kNone || self.key[c] == kNoKey) continue;
    string_view value = m.keys[self.key[c]];
    if (settings.exclusions.Matches(value)) continue;
    if (self.cls[c] == kUrl && settings.exclusions.Matches(UrlHost(value))) {
      m.ProbeKey(self.key[c], kNone, CorrelationRule::kExact, value, std::string(value), &sink);
      continue;
    }
    m.Probe(value, static_cast<Cls>(self.cls[c]), &sink);
  }
  return sink.Result();
}

Status CorrelationIndex::Lookup(const policy::Viewer& v, string_view value, string_view type,
                                size_t limit, std::vector<CorrelationMatch>* out,
                                bool* truncated) const {
  out->clear();
  if (truncated) *truncated = false;
  std::string t(type.empty() ? model::GuessType(value) : type);
  model::CanonicalValue cv;
  Status st = model::Canonicalise(t, value, &cv);
  if (!st.ok())
    return Status::Invalid("'" + std::string(value) + "' as " + t + ": " + st.message());
  const model::TypeInfo* ti = model::FindType(t);
  Cls cls[2] = {ti ? ClassOf(ti->kind1) : kOpaque,
                ti && ti->composite ? ClassOf(ti->kind2) : kNone};
  const std::string* parts[2] = {&cv.part1, &cv.part2};
  LookupSink sink(*impl_, v, limit, out);
  for (int c = 0; c < 2; ++c) {
    if (parts[c]->empty()) continue;
    // Exact matches for any component (also ports and sizes: a search is
    // not a correlation).
    impl_->Probe(*parts[c], cls[c] == kNone ? kOpaque : cls[c], &sink);
  }
  if (truncated) *truncated = sink.truncated;
  return Status::Ok();
}

CorrelationStats CorrelationIndex::Stats(int64_t max_events) const {
  const Impl& m = *impl_;
  CorrelationStats s;
  s.generation = m.generation;
  s.attributes = static_cast<int64_t>(m.recs.size());
  s.correlation_disabled = m.disabled;
  s.ip_entries = static_cast<int64_t>(m.ips.size());
  for (const auto& e : m.ips) s.cidrs += !e.url && e.len < (e.v6 ? 128 : 32);
  s.host_entries = static_cast<int64_t>(m.hosts.size());
  s.access_paths = static_cast<int64_t>(m.access.size());
  s.memory_bytes = m.MemoryBytes();
  std::vector<int64_t> events;
  for (size_t k = 0; k + 1 < m.post_off.size(); ++k) {
    uint32_t b = m.post_off[k], e = m.post_off[k + 1];
    if (b == e) continue;
    ++s.values;
    if (static_cast<int64_t>(e - b) <= max_events) continue;
    events.clear();
    for (uint32_t i = b; i < e; ++i) {
      const Rec& r = m.RecOf(m.postings[i]);
      if (!(r.flags & kFlagDisabled)) events.push_back(r.event_id);
    }
    std::sort(events.begin(), events.end());
    if (std::unique(events.begin(), events.end()) - events.begin() > max_events) {
      ++s.over_correlating_values;
    }
  }
  return s;
}

// ---- snapshot -----------------------------------------------------------------

namespace {

constexpr char kMagic[8] = {'S', 'A', 'N', 'A', 'D', 'C', 'X', '1'};
constexpr uint32_t kSnapshotVersion = 1;

uint64_t Fnv(const char* p, size_t n, uint64_t h = 1469598103934665603ull) {
  for (size_t i = 0; i < n; ++i) h = (h ^ static_cast<unsigned char>(p[i])) * 1099511628211ull;
  return h;
}

// Writes to a file, keeping a running checksum.
class Writer {
 public:
  explicit Writer(FILE* f) : f_(f) {}
  void Raw(const void* p, size_t n) {
    if (n == 0 || !ok_) return;
    sum_ = Fnv(static_cast<const char*>(p), n, sum_);
    ok_ = std::fwrite(p, 1, n, f_) == n;
  }
  template <class T>
  void Pod(const T& v) {
    Raw(&v, sizeof v);
  }
  template <class T>
  void Vec(const std::vector<T>& v) {
    Pod<uint64_t>(v.size());
    if (!v.empty()) Raw(v.data(), v.size() * sizeof(T));
  }
  uint64_t sum() const { return sum_; }
  bool ok() const { return ok_; }

 private:
  FILE* f_;
  uint64_t sum_ = 1469598103934665603ull;
  bool ok_ = true;
};

class Reader {
 public:
  Reader(string_view data) : d_(data) {}
  bool Raw(void* p, size_t n) {
    if (d_.size() - pos_ < n) return false;
    std::memcpy(p, d_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  template <class T>
  bool Pod(T* v) {
    return Raw(v, sizeof *v);
  }
  template <class T>
  bool Vec(std::vector<T>* v) {
    uint64_t n = 0;
    if (!Pod(&n) || n > (d_.size() - pos_) / sizeof(T)) return false;
    v->resize(n);
    return n == 0 || Raw(v->data(), n * sizeof(T));
  }
  bool Bytes(size_t n, string_view* out) {
    if (d_.size() - pos_ < n) return false;
    *out = d_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool AtEnd() const { return pos_ == d_.size(); }

 private:
  string_view d_;
  size_t pos_ = 0;
};

}  // namespace

Status CorrelationIndex::Save(const std::string& path) const {
  const Impl& m = *impl_;
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status::Io("cannot write " + tmp + ": " + std::strerror(errno));
  Writer w(f);
  w.Raw(kMagic, 8);
  w.Pod(kSnapshotVersion);
  w.Pod<uint32_t>(0);
  w.Pod(m.generation);
  w.Vec(m.recs);
  w.Vec(m.packed_access);
  std::vector<uint32_t> lens(m.keys.size());
  uint64_t total = 0;
  for (size_t i = 0; i < m.keys.size(); ++i) {
    lens[i] = static_cast<uint32_t>(m.keys[i].size());
    total += lens[i];
  }
  w.Vec(lens);
  w.Pod(total);
  for (string_view k : m.keys) w.Raw(k.data(), k.size());
  w.Vec(m.post_off);
  w.Vec(m.postings);
  w.Vec(m.ips);
  w.Vec(m.hosts);
  uint64_t sum = w.sum();
  w.Pod(sum);
  bool ok = w.ok();
  ok = (std::fflush(f) == 0) && ok;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = std::strerror(errno);
    std::remove(tmp.c_str());
    return Status::Io("cannot write " + path + ": " + err);
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<CorrelationIndex>> CorrelationIndex::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("no correlation index snapshot at " + path);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::Io("cannot read " + path);
  Status corrupt = Status::Corrupt(path + ": not a valid correlation index snapshot");
  if (data.size() < 32 || std::memcmp(data.data(), kMagic, 8) != 0) return corrupt;
  uint64_t sum = 0;
  std::memcpy(&sum, data.data() + data.size() - 8, 8);
  if (Fnv(data.data(), data.size() - 8) != sum) {
    return Status::Corrupt(path + ": correlation index snapshot checksum mismatch");
  }
  Reader r(string_view(data).substr(8, data.size() - 16));
  uint32_t version = 0, reserved = 0;
  if (!r.Pod(&version) || !r.Pod(&reserved)) return corrupt;
  if (version != kSnapshotVersion) {
    return Status::Corrupt(path + ": correlation index snapshot version " +
                           std::to_string(version) + ", expected " +
                           std::to_string(kSnapshotVersion));
  }
  auto idx = std::make_unique<CorrelationIndex>();
  Impl& m = *idx->impl_;
  std::vector<uint32_t> lens;
  uint64_t total = 0;
  string_view bytes;
  if (!r.Pod(&m.generation) || !r.Vec(&m.recs) || !r.Vec(&m.packed_access) || !r.Vec(&lens) ||
      !r.Pod(&total) || !r.Bytes(total, &bytes) || !r.Vec(&m.post_off) || !r.Vec(&m.postings) ||
      !r.Vec(&m.ips) || !r.Vec(&m.hosts) || !r.AtEnd()) {
    return corrupt;
  }
  // Strings.
  uint64_t sumlens = 0;
  for (uint32_t l : lens) sumlens += l;
  if (sumlens != total || lens.size() >= kNoKey) return corrupt;
  if (total) {
    m.chunks.emplace_back(new char[total]);
    std::memcpy(m.chunks.back().get(), bytes.data(), total);
  }
  m.arena_bytes = m.chunk_size = m.chunk_used = total;
  const char* p = m.chunks.empty() ? nullptr : m.chunks.back().get();
  m.keys.reserve(lens.size());
  m.key_of.reserve(lens.size());
  for (uint32_t l : lens) {
    string_view k(p, l);
    m.keys.push_back(k);
    if (!m.key_of.emplace(k, static_cast<uint32_t>(m.keys.size() - 1)).second) return corrupt;
    p += l;
  }
  // Structural checks: every reference in range, orders as built.
  size_t nkeys = m.keys.size(), nrecs = m.recs.size();
  if (nrecs >= (1u << 31)) return corrupt;
  for (size_t i = 0; i < nrecs; ++i) {
    const Rec& rec = m.recs[i];
    if (i && rec.attribute_id <= m.recs[i - 1].attribute_id) return corrupt;
    if (rec.access >= m.packed_access.size()) return corrupt;
    for (int c = 0; c < 2; ++c) {
      if (rec.cls[c] > kUrl) return corrupt;
      if ((rec.cls[c] == kNone) != (rec.key[c] == kNoKey)) return corrupt;
      if (rec.key[c] != kNoKey && rec.key[c] >= nkeys) return corrupt;
    }
  }
  for (const auto& a : m.packed_access) {
    if (a.event_dist > 5 || a.object_dist > 5 || a.attribute_dist > 5) return corrupt;
  }
  if (m.post_off.size() != nkeys + 1 || m.post_off[0] != 0 ||
      m.post_off.back() != m.postings.size()) {
    return corrupt;
  }
  for (size_t k = 0; k < nkeys; ++k) {
    if (m.post_off[k] > m.post_off[k + 1]) return corrupt;
  }
  auto posting_ok = [&](uint32_t p) {
    return (p >> 1) < nrecs && m.recs[p >> 1].cls[p & 1] != kNone;
  };
  for (uint32_t p : m.postings) {
    if (!posting_ok(p)) return corrupt;
  }
  for (const auto& e : m.ips) {
    if (!posting_ok(e.posting) || e.v6 > 1 || e.len > (e.v6 ? 128 : 32) || e.url > 1)
      return corrupt;
  }
  for (const auto& e : m.hosts) {
    if (!posting_ok(e.posting) || e.key >= nkeys) return corrupt;
  }
  // Saved sorted; a file that is not is damaged.
  for (size_t i = 1; i < m.ips.size(); ++i) {
    if (IpLess(m.ips[i], m.ips[i - 1])) return corrupt;
  }
  for (size_t i = 1; i < m.hosts.size(); ++i) {
    if (RevLess(m.keys[m.hosts[i].key], m.keys[m.hosts[i - 1].key])) return corrupt;
  }
  m.Finalise(/*sort=*/false);
  return idx;
}

std::string CorrelationIndexPath(const std::string& data_dir) {
  return data_dir + "/correlation.idx";
}

StatusOr<std::unique_ptr<CorrelationIndex>> OpenCorrelationIndex(store::Store* s,
                                                                 const std::string& data_dir,
                                                                 bool force_rebuild,
                                                                 bool* rebuilt) {
  if (rebuilt) *rebuilt = false;
  auto gen = s->DataGeneration();
  if (!gen.ok()) return gen.status();
  std::string path = CorrelationIndexPath(data_dir);
  if (!force_rebuild) {
    auto loaded = CorrelationIndex::Load(path);
    if (loaded.ok() && (*loaded)->generation() == *gen) return std::move(*loaded);
  }
  auto built = CorrelationIndex::BuildFromStore(s);
  if (!built.ok()) return built.status();
  if (rebuilt) *rebuilt = true;
  (void)(*built)->Save(path);  // a cache: a read-only data directory still works
  return built;
}

}  // namespace sanad::intel
