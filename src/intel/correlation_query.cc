// Queries on the correlation index: the probes of each rule, correlations
// of one attribute, value look-ups and statistics (intel/correlation.h).
#include <algorithm>
#include <cstring>

#include "intel/correlation_internal.h"
#include "model/ip.h"
#include "model/types.h"

namespace sanad::intel {

namespace {

bool EndsWith(string_view s, string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
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

}  // namespace

void CorrelationIndex::Impl::ProbeKey(uint32_t key, Cls want, CorrelationRule rule,
                                      string_view matched, std::string label, Sink* sink) const {
  auto [b, e] = Postings(key);
  if (b == e) return;
  sink->Begin(std::move(label), rule);
  for (const uint32_t* p = b; p != e; ++p) {
    if (want == kNone || ClsOf(*p) == want) sink->Add(*p, rule, matched);
  }
  sink->End();
}

void CorrelationIndex::Impl::ProbeContainingCidrs(const model::IpPrefix& p, CorrelationRule rule,
                                                  string_view matched, Sink* sink) const {
  const auto& lens = p.v6 ? v6_cidr_lens : v4_cidr_lens;
  for (uint8_t l : lens) {
    if (l >= p.len) break;
    IpEntry key;
    key.v6 = p.v6;
    key.len = l;
    MaskAddr(p.addr.data(), l, p.v6, key.addr, false);
    auto lo = std::lower_bound(ips.begin(), ips.end(), key, [](const IpEntry& a, const IpEntry& b) {
      return IpCompare(a, b) < 0;
    });
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

void CorrelationIndex::Impl::ProbeContained(const model::IpPrefix& p, string_view matched,
                                            Sink* sink) const {
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

void CorrelationIndex::Impl::ProbeParents(string_view host, CorrelationRule rule,
                                          Sink* sink) const {
  for (size_t dot = host.find('.'); dot != string_view::npos; dot = host.find('.', dot + 1)) {
    string_view parent = host.substr(dot + 1);
    if (parent.empty()) break;
    ProbeKey(FindKey(parent), kHost, rule, host, std::string(parent), sink);
  }
}

void CorrelationIndex::Impl::ProbeChildren(string_view domain, Sink* sink) const {
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
    sink->Add(it->posting,
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

void CorrelationIndex::Impl::Probe(string_view value, Cls cls, Sink* sink, bool exact) const {
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

int64_t CorrelationIndex::Impl::MemoryBytes() const {
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

}  // namespace sanad::intel
