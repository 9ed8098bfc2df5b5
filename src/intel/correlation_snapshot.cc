// Snapshots of the correlation index: saving, loading and opening the
// cached file (intel/correlation.h).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "intel/correlation_internal.h"
#include "util/util.h"

namespace sanad::intel {

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
  auto gen = s->intel().DataGeneration();
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
