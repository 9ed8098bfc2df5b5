// Correlation rules, exclusions and settings, and building the in-memory
// index (intel/correlation.h). Queries: correlation_query.cc; snapshots:
// correlation_snapshot.cc.
#include "intel/correlation.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "intel/correlation_internal.h"
#include "model/canon.h"
#include "model/ip.h"
#include "model/types.h"
#include "util/util.h"

namespace sanad::intel {

using std::string_view;
using store::Store;

namespace {

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

}  // namespace

const char* Name(CorrelationRule r) {
  static constexpr const char* kNames[] = {"exact", "cidr", "subdomain", "url-host"};
  return util::EnumName(r, kNames, "?");
}

// ---- exclusions ---------------------------------------------------------------

void ExclusionMatcher::Add(string_view value) {
  std::string v = util::ToLower(util::Trim(value));
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
  std::string v = util::ToLower(value);
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
  auto v = s->settings().GetSetting(kMaxEventsSetting);
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
  std::vector<store::CorrelationExclusion> ex;
  SANAD_RETURN_IF_ERROR(s->intel().ListCorrelationExclusions(&ex));
  for (const auto& e : ex) out.exclusions.Add(e.value);
  return out;
}

// ---- the index ----------------------------------------------------------------

void CorrelationIndex::Impl::Finalise(bool sort) {
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

namespace {

// Collects rows into an Impl.
class Builder {
 public:
  explicit Builder(CorrelationIndex::Impl* impl) : m_(impl) {}

  void Add(const store::IndexRow& row) {
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

std::unique_ptr<CorrelationIndex> CorrelationIndex::Build(const std::vector<store::IndexRow>& rows,
                                                          int64_t generation) {
  auto idx = std::make_unique<CorrelationIndex>();
  Builder b(idx->impl_.get());
  for (const auto& r : rows) b.Add(r);
  b.Finish(generation);
  return idx;
}

StatusOr<std::unique_ptr<CorrelationIndex>> CorrelationIndex::BuildFromStore(store::Store* s) {
  auto gen = s->intel().DataGeneration();
  if (!gen.ok()) return gen.status();
  auto idx = std::make_unique<CorrelationIndex>();
  Builder b(idx->impl_.get());
  SANAD_RETURN_IF_ERROR(s->intel().UnfilteredScanAttributes([&](const store::IndexRow& r) {
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

}  // namespace sanad::intel
