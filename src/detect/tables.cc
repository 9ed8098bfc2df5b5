// Indicator tables: filtering rows by policy and options, building typed
// lookup tables.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "detect/detect.h"
#include "detect/internal.h"
#include "intel/warninglist.h"
#include "model/canon.h"
#include "model/ip.h"
#include "model/types.h"
#include "stix/pattern.h"
#include "util/util.h"

namespace sanad::detect {

namespace {

// Set while BuilderAccess::ReplayAt adds a component under a given id.
thread_local uint32_t tl_replay_id = kNone;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

double Now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// MISP types whose values are only findable as substrings (--scan).
bool IsLiteralType(std::string_view type, bool second) {
  if (type.starts_with("filename|") || type == "malware-sample") return !second;
  if (second) return false;
  static constexpr std::string_view kTypes[] = {
      "filename",
      "mutex",
      "user-agent",
      "pattern-in-file",
      "pattern-in-traffic",
      "pattern-in-memory",
      "named pipe",
      "windows-service-name",
      "windows-service-displayname",
      "windows-scheduled-task",
      "regkey",
      "regkey|value",
      "uri",
      "cookie",
      "chrome-extension-id",
      "mobile-application-id",
      "process-state",
      "email-subject",
      "email-x-mailer",
      "email-message-id",
      "pdb",
  };
  for (auto t : kTypes) {
    if (t == type) return true;
  }
  return false;
}

uint32_t Mask4(int len) { return len == 0 ? 0 : ~uint32_t{0} << (32 - len); }

// The map of the networks of prefix length `len` in *cidrs (added, empty,
// when there is none yet).
template <class Map>
Map& CidrsOfLength(std::vector<IndicatorSet::Tables::Cidrs<Map>>* cidrs, int len) {
  for (auto& c : *cidrs) {
    if (c.len == len) return c.map;
  }
  cidrs->push_back({len, {}});
  return cidrs->back().map;
}

}  // namespace

const char* MatchKindName(MatchKind k) {
  static constexpr const char* kNames[] = {"exact",    "cidr",         "subdomain",
                                           "url-host", "email-domain", "substring"};
  return util::EnumName(k, kNames, "?");
}

const char* FormatName(Format f) {
  static constexpr const char* kNames[] = {"auto", "text", "jsonl", "csv", "zeek"};
  return util::EnumName(f, kNames, "?");
}

bool ParseFormat(std::string_view s, Format* out) {
  for (Format f : {Format::kAuto, Format::kText, Format::kJsonl, Format::kCsv, Format::kZeek}) {
    if (s == FormatName(f)) {
      *out = f;
      return true;
    }
  }
  if (s == "json") {
    *out = Format::kJsonl;
    return true;
  }
  return false;
}

bool ParseV4Fast(const char* p, size_t n, uint32_t* out) {
  if (n < 7 || n > 15) return false;
  uint32_t addr = 0;
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= n || p[i] != '.') return false;
      ++i;
    }
    size_t start = i;
    unsigned v = 0;
    while (i < n && i - start < 4 && p[i] >= '0' && p[i] <= '9') {
      v = v * 10 + static_cast<unsigned>(p[i] - '0');
      ++i;
    }
    size_t digits = i - start;
    if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && p[start] == '0')) return false;
    addr = addr << 8 | v;
  }
  if (i != n) return false;
  *out = addr;
  return true;
}

std::string UrlKey(std::string_view c) {
  std::string_view rest = c;
  std::string prefix;
  size_t sep = c.find("://");
  if (c.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (c.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (c.starts_with("//")) {
    rest.remove_prefix(2);
  } else if (sep != std::string_view::npos && c.find_first_of("/?#") > sep) {
    prefix = std::string(c.substr(0, sep + 3));
    rest = c.substr(sep + 3);
  }
  size_t auth_end = rest.find_first_of("/?#");
  std::string_view auth = rest.substr(0, auth_end);
  size_t at = auth.rfind('@');
  if (at != std::string_view::npos) auth.remove_prefix(at + 1);
  std::string key = prefix;
  key += auth;
  if (auth_end == std::string_view::npos) {
    key += '/';
  } else {
    if (rest[auth_end] != '/') key += '/';
    key += rest.substr(auth_end);
  }
  return key;
}

std::string_view UrlKeyHost(std::string_view key) {
  size_t sep = key.find("://");
  if (sep != std::string_view::npos && key.find_first_of("/?#") > sep) key.remove_prefix(sep + 3);
  std::string_view auth = key.substr(0, key.find_first_of("/?#"));
  if (!auth.empty() && auth[0] == '[') {
    size_t close = auth.find(']');
    return close == std::string_view::npos ? auth : auth.substr(0, close + 1);
  }
  return auth.substr(0, auth.find(':'));
}

IndicatorSet::Tables::Tables() = default;
IndicatorSet::Tables::~Tables() = default;
IndicatorSet::IndicatorSet(std::unique_ptr<Tables> t) : t_(std::move(t)) {}
IndicatorSet::~IndicatorSet() = default;
size_t IndicatorSet::size() const { return t_->indicators.size(); }
const Indicator& IndicatorSet::indicator(uint32_t i) const { return t_->indicators[i]; }
bool IndicatorSet::has_scan() const { return t_->literals != nullptr; }

// ---- builder ------------------------------------------------------------------

struct IndicatorSetBuilder::Impl {
  policy::Viewer viewer;
  BuildOptions opts;
  BuildStats stats;
  std::unique_ptr<IndicatorSet::Tables> t = std::make_unique<IndicatorSet::Tables>();
  // --scan: lower-cased literal -> indicators
  StrMap literal_map;
  std::vector<uint32_t> literal_next_head;
  bool finished = false;
  double start = 0;
  std::vector<uint32_t> hash_tops;  // the first 24 bits of every digest
  SnapshotLog* log = nullptr;       // BuilderAccess::Record

  // Prefilter bitmaps sized to their contents: about 8 bits per key, so that
  // a lookup that fails (nearly every one) touches a near cache.
  static int BitmapBits(size_t keys) {
    int bits = 15;
    while (bits < 24 && (size_t{1} << bits) < keys * 8) ++bits;
    return bits;
  }
  void FillBitmaps() {
    t->hash_bits = BitmapBits(hash_tops.size());
    t->hash_bitmap.assign((size_t{1} << t->hash_bits) / 64, 0);
    for (uint32_t top : hash_tops) {
      uint32_t b = top >> (24 - t->hash_bits);
      t->hash_bitmap[b >> 6] |= uint64_t{1} << (b & 63);
    }
    hash_tops = {};
    t->suffix_bits = BitmapBits(t->suffixes.size());
    t->suffix_bitmap.assign((size_t{1} << t->suffix_bits) / 64, 0);
    for (uint64_t h : t->suffixes) {
      uint64_t b = h >> (64 - t->suffix_bits);
      t->suffix_bitmap[b >> 6] |= uint64_t{1} << (b & 63);
    }
  }

  uint32_t NewIndicator(const store::IndexRow& row, std::string_view value) {
    if (tl_replay_id != kNone) {  // BuilderAccess::ReplayAt: the id is given
      const uint32_t id = tl_replay_id;
      t->indicators[id] = Indicator{row.attribute_id, row.event_id, row.type, std::string(value)};
      t->next[id] = kNone;
      return id;
    }
    auto id = static_cast<uint32_t>(t->indicators.size());
    t->indicators.push_back(
        Indicator{row.attribute_id, row.event_id, row.type, std::string(value)});
    t->next.push_back(kNone);
    return id;
  }
  template <class Map, class Key>
  void Link(Map& m, const Key& k, uint32_t id) {
    auto [it, inserted] = m.try_emplace(k, id);
    if (!inserted) {
      t->next[id] = it->second;
      it->second = id;
    }
  }
  void AddSuffix(std::string_view host) {
    std::string_view sfx = LastTwoLabels(host);
    uint64_t h = HashBytes(sfx.data(), sfx.size());
    t->suffixes.insert(h);
    size_t dot = host.rfind('.');
    std::string_view tld = dot == std::string_view::npos ? host : host.substr(dot + 1);
    uint32_t b = TldBit(tld.data(), tld.size());
    t->tld_bitmap[b >> 6] |= uint64_t{1} << (b & 63);
  }

  bool AddIp(const store::IndexRow& row, std::string_view v) {
    model::IpPrefix p;
    if (!model::ParseIpPrefix(v, &p)) return false;
    p = model::UnmapV4(p);
    uint32_t id = NewIndicator(row, v);
    if (!p.v6) {
      uint32_t a = uint32_t{p.addr[0]} << 24 | uint32_t{p.addr[1]} << 16 |
                   uint32_t{p.addr[2]} << 8 | p.addr[3];
      if (t->v4_bitmap.empty()) {
        t->v4_bitmap.assign((1u << 24) / 64, 0);
        t->v4_bitmap16.assign((1u << 16) / 64, 0);
      }
      uint32_t first = a >> 8;
      uint32_t count = p.len >= 24 ? 1u : 1u << (24 - p.len);
      for (uint32_t b = first; b < first + count; ++b)
        t->v4_bitmap[b >> 6] |= uint64_t{1} << (b & 63);
      for (uint32_t b = first >> 8; b <= (first + count - 1) >> 8; ++b)
        t->v4_bitmap16[b >> 6] |= uint64_t{1} << (b & 63);
      t->any_v4 = true;
      if (p.len == 32) {
        Link(t->v4_hosts, a, id);
      } else {
        Link(CidrsOfLength(&t->v4_cidrs, p.len), a & Mask4(p.len), id);
      }
    } else {
      V6Key k;
      for (int i = 0; i < 8; ++i) k.hi = k.hi << 8 | p.addr[i];
      for (int i = 8; i < 16; ++i) k.lo = k.lo << 8 | p.addr[i];
      t->any_v6 = true;
      if (p.len == 128) {
        Link(t->v6_hosts, k, id);
      } else {
        Link(CidrsOfLength(&t->v6_cidrs, p.len), k, id);  // host bits are already clear
      }
    }
    return true;
  }

  bool AddHost(const store::IndexRow& row, std::string_view v) {
    if (v.empty()) return false;
    uint32_t id = NewIndicator(row, v);
    bool parent = row.type == "domain" || row.type == "domain|ip";
    Link(parent ? t->domains : t->hosts, std::string(v), id);
    AddSuffix(v);
    return true;
  }

  bool AddUrl(const store::IndexRow& row, std::string_view v) {
    if (v.empty()) return false;
    std::string key = UrlKey(v);
    std::string_view host = UrlKeyHost(key);
    if (host.empty()) return false;
    uint32_t id = NewIndicator(row, v);
    t->url_hosts.emplace(host);
    if (host[0] == '[' || (host.back() >= '0' && host.back() <= '9')) t->url_ip_host = true;
    AddSuffix(host);
    Link(t->urls, key, id);
    return true;
  }

  bool AddEmail(const store::IndexRow& row, std::string_view v) {
    size_t at = v.rfind('@');
    if (at == std::string_view::npos) return false;
    uint32_t id = NewIndicator(row, v);
    Link(t->emails, std::string(v), id);
    AddSuffix(v.substr(at + 1));
    return true;
  }

  bool AddHash(const store::IndexRow& row, std::string_view v) {
    if (v.size() < 8 || v.size() > 128 || v.size() % 2 != 0) return false;
    char buf[64];  // the digest, decoded without allocating
    for (size_t i = 0; i < v.size(); i += 2) {
      int hi = HexDigit(v[i]), lo = HexDigit(v[i + 1]);
      if (hi < 0 || lo < 0) return false;
      buf[i / 2] = static_cast<char>(hi << 4 | lo);
    }
    const std::string_view bin(buf, v.size() / 2);
    uint32_t id = NewIndicator(row, v);
    t->hash_len[v.size()] = true;
    hash_tops.push_back(uint32_t{static_cast<uint8_t>(bin[0])} << 16 |
                        uint32_t{static_cast<uint8_t>(bin[1])} << 8 | static_cast<uint8_t>(bin[2]));
    if (t->min_hash_len == 0 || v.size() < t->min_hash_len) t->min_hash_len = v.size();
    if (bin.size() == 16) {
      std::array<uint8_t, 16> k;
      std::memcpy(k.data(), bin.data(), 16);
      Link(t->md5, k, id);
    } else if (bin.size() == 20) {
      std::array<uint8_t, 20> k;
      std::memcpy(k.data(), bin.data(), 20);
      Link(t->sha1, k, id);
    } else if (bin.size() == 32) {
      std::array<uint8_t, 32> k;
      std::memcpy(k.data(), bin.data(), 32);
      Link(t->sha256, k, id);
    } else {
      Link(t->other_hashes, std::string(bin), id);
    }
    return true;
  }

  bool AddLiteral(const store::IndexRow& row, std::string_view v) {
    if (!opts.scan || v.size() < opts.min_literal_bytes || v.size() > 4096) return false;
    uint32_t id = NewIndicator(row, v);
    Link(literal_map, util::ToLower(v), id);
    return true;
  }

  bool AddComponent(const store::IndexRow& row, const model::TypeInfo* ti, bool second,
                    std::string_view v) {
    bool added = AddComponentToTables(row, ti, second, v);
    if (added && log != nullptr) log->Add(row.attribute_id, row.event_id, row.type, second, v);
    return added;
  }

  bool AddComponentToTables(const store::IndexRow& row, const model::TypeInfo* ti,
                            bool second, std::string_view v) {
    if (v.empty()) return false;
    model::ValueKind kind =
        ti == nullptr ? model::ValueKind::kOpaque : (second ? ti->kind2 : ti->kind1);
    switch (kind) {
      case model::ValueKind::kIp:
        return AddIp(row, v);
      case model::ValueKind::kHostname:
        return AddHost(row, v);
      case model::ValueKind::kUrl:
        return AddUrl(row, v);
      case model::ValueKind::kEmail:
        return AddEmail(row, v);
      case model::ValueKind::kHash:
        return AddHash(row, v);
      default:
        if (IsLiteralType(row.type, second)) return AddLiteral(row, v);
        return false;
    }
  }
};

void BuilderAccess::Record(IndicatorSetBuilder* b, SnapshotLog* log) { b->impl_->log = log; }

void BuilderAccess::Resize(IndicatorSetBuilder* b, size_t components) {
  b->impl_->t->indicators.resize(components);
  b->impl_->t->next.assign(components, kNone);
}

bool BuilderAccess::NumericTables(const model::TypeInfo* ti, bool second) {
  if (ti == nullptr) return false;
  model::ValueKind k = second ? ti->kind2 : ti->kind1;
  return k == model::ValueKind::kIp || k == model::ValueKind::kHash;
}

void BuilderAccess::ReplayAt(IndicatorSetBuilder* b, uint32_t id, int64_t attribute_id,
                             int64_t event_id, const std::string& type, const model::TypeInfo* ti,
                             bool second, std::string_view value) {
  thread_local store::IndexRow row;
  row.attribute_id = attribute_id;
  row.event_id = event_id;
  row.type = type;
  tl_replay_id = id;
  b->impl_->AddComponentToTables(row, ti, second, value);
  tl_replay_id = kNone;
}

void BuilderAccess::SetStats(IndicatorSetBuilder* b, const BuildStats& s) { b->impl_->stats = s; }

IndicatorSetBuilder::IndicatorSetBuilder(policy::Viewer viewer, BuildOptions opts)
    : impl_(std::make_unique<Impl>()) {
  impl_->viewer = std::move(viewer);
  impl_->opts = std::move(opts);
}
IndicatorSetBuilder::~IndicatorSetBuilder() = default;
const BuildStats& IndicatorSetBuilder::stats() const { return impl_->stats; }

void IndicatorSetBuilder::Add(const store::IndexRow& row) {
  Impl& m = *impl_;
  if (m.stats.rows++ == 0) m.start = Now();
  if (row.access.deleted || !policy::MaySee(m.viewer, row.access)) {
    ++m.stats.not_visible;
    return;
  }
  if (!row.to_ids && !m.opts.include_non_ids) {
    ++m.stats.not_ids;
    return;
  }
  if (m.opts.keep && !m.opts.keep(row)) {
    ++m.stats.filtered;
    return;
  }
  if (row.type == "stix2-pattern") {
    // Simple STIX indicator patterns (equality on IPs, domains, URLs, e-mail
    // addresses, file hashes; OR of these) feed the tables as their MISP types.
    std::vector<std::pair<std::string, std::string>> obs;
    auto pattern = stix::Pattern::Parse(row.canonical1);
    if (pattern.ok() && stix::SimpleObservables(*pattern, &obs)) {
      size_t before = m.t->indicators.size();
      bool warninglisted = false;
      for (const auto& [type, raw] : obs) {
        model::CanonicalValue cv;
        if (!model::Canonicalise(type, raw, &cv).ok()) continue;
        if (m.opts.warninglists != nullptr && !m.opts.include_warninglisted &&
            m.opts.warninglists->Hits(type, cv.value)) {
          warninglisted = true;
          continue;
        }
        store::IndexRow derived = row;
        derived.type = type;
        derived.canonical1 = cv.part1;
        derived.canonical2 = cv.part2;
        m.AddComponent(derived, model::FindType(type), false, cv.part1);
      }
      m.stats.indicators += m.t->indicators.size() - before;
      if (m.t->indicators.size() == before) {
        ++(warninglisted ? m.stats.warninglisted : m.stats.unsupported);
      }
    } else {
      ++m.stats.unsupported;
    }
    return;
  }
  const model::TypeInfo* ti = model::FindType(row.type);
  if (m.opts.warninglists != nullptr && !m.opts.include_warninglisted) {
    std::string whole = row.canonical1;
    if (ti != nullptr && ti->composite) whole += "|" + row.canonical2;
    if (m.opts.warninglists->Hits(row.type, whole)) {
      ++m.stats.warninglisted;
      return;
    }
  }
  size_t before = m.t->indicators.size();
  m.AddComponent(row, ti, false, row.canonical1);
  if (ti != nullptr && ti->composite) m.AddComponent(row, ti, true, row.canonical2);
  size_t added = m.t->indicators.size() - before;
  if (added == 0) ++m.stats.unsupported;
  m.stats.indicators += added;
}

StatusOr<std::shared_ptr<const IndicatorSet>> IndicatorSetBuilder::Finish() {
  Impl& m = *impl_;
  if (m.finished) return Status::Internal("IndicatorSetBuilder::Finish called twice");
  m.finished = true;
  double t0 = Now();
  auto& t = *m.t;
  m.FillBitmaps();
  std::sort(t.v4_cidrs.begin(), t.v4_cidrs.end(),
            [](const auto& a, const auto& b) { return a.len > b.len; });
  std::sort(t.v6_cidrs.begin(), t.v6_cidrs.end(),
            [](const auto& a, const auto& b) { return a.len > b.len; });
  if (m.opts.scan) {
    std::vector<std::string> lits;
    lits.reserve(m.literal_map.size());
    for (const auto& [k, v] : m.literal_map) lits.push_back(k);
    std::sort(lits.begin(), lits.end());
    t.literal_head.reserve(lits.size());
    t.literal_len.reserve(lits.size());
    for (const auto& l : lits) {
      t.literal_head.push_back(m.literal_map.find(l)->second);
      t.literal_len.push_back(static_cast<uint32_t>(l.size()));
    }
    m.stats.literals = lits.size();
    m.literal_map.clear();
    if (!lits.empty()) {
      double c0 = Now();
      auto db = LiteralDb::Build(lits, m.opts.scan_cache_dir, &m.stats);
      if (!db.ok()) return db.status();
      t.literals = std::move(db.value());
      m.stats.scan_compile_seconds = Now() - c0;
    }
  }
  m.stats.seconds = Now() - (m.stats.rows > 0 ? m.start : t0) - m.stats.scan_compile_seconds;
  return std::shared_ptr<const IndicatorSet>(std::make_shared<IndicatorSet>(std::move(m.t)));
}

StatusOr<std::shared_ptr<const IndicatorSet>> BuildIndicatorSet(store::Store* s,
                                                                const policy::Viewer& viewer,
                                                                const BuildOptions& opts,
                                                                BuildStats* stats) {
  // Two stages on two threads: this thread reads rows from the store in
  // batches, a second one filters them and fills the tables (about half
  // the work each). At most kMaxQueued batches wait, so memory is bounded.
  constexpr size_t kBatch = 4096, kMaxQueued = 8;
  const double t0 = Now();
  std::string snap_key, snap_path;
  if (!opts.snapshot_dir.empty() && !opts.keep) {
    auto gen = s->intel().DataGeneration();
    if (gen.ok()) {
      snap_key = SnapshotKey(viewer, opts, *gen);
      snap_path = SnapshotPath(opts.snapshot_dir, snap_key);
      IndicatorSetBuilder replay(viewer, opts);
      if (LoadSnapshot(snap_path, snap_key, &replay)) {
        auto set = replay.Finish();
        if (stats != nullptr) {
          *stats = replay.stats();
          stats->from_snapshot = true;
          stats->seconds = Now() - t0 - stats->scan_compile_seconds;
        }
        return set;
      }
    }
  }
  SnapshotLog log;
  IndicatorSetBuilder b(viewer, opts);
  if (!snap_path.empty()) BuilderAccess::Record(&b, &log);
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::vector<store::IndexRow>> queue;
  bool done = false;
  std::thread builder([&] {
    while (true) {
      std::vector<store::IndexRow> batch;
      {
        std::unique_lock<std::mutex> l(mu);
        cv.wait(l, [&] { return !queue.empty() || done; });
        if (queue.empty()) return;
        batch = std::move(queue.front());
        queue.pop_front();
      }
      cv.notify_all();
      for (const auto& row : batch) b.Add(row);
    }
  });
  auto push = [&](std::vector<store::IndexRow>&& batch) {
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [&] { return queue.size() < kMaxQueued; });
    queue.push_back(std::move(batch));
    l.unlock();
    cv.notify_all();
  };
  std::vector<store::IndexRow> batch;
  batch.reserve(kBatch);
  Status st = s->intel().UnfilteredScanAttributes([&](const store::IndexRow& row) {
    batch.push_back(row);
    if (batch.size() == kBatch) {
      push(std::move(batch));
      batch = {};
      batch.reserve(kBatch);
    }
    return true;
  });
  if (!batch.empty()) push(std::move(batch));
  {
    std::lock_guard<std::mutex> l(mu);
    done = true;
  }
  cv.notify_all();
  builder.join();
  if (!st.ok()) return st.WithContext("reading indicators");
  auto set = b.Finish();
  if (set.ok() && !snap_path.empty()) {
    // A cache only: a full disk or a read-only data directory must not fail
    // the match, the next run builds again.
    (void)WriteSnapshot(snap_path, snap_key, log, b.stats());
  }
  if (stats != nullptr) *stats = b.stats();
  return set;
}

}  // namespace sanad::detect
