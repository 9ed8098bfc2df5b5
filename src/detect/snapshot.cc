// Table snapshots: the components that passed the policy, to_ids and
// warninglist filters for one viewer, written after a build and replayed by
// the next build with the same key (docs/detect.md, "Table snapshots").
//
// File: "SANADTS1", u32 key length, key, 7 x u64 build counters, u32 type
// count, types (u16 length, bytes), u64 record count, u64 body length, body
// (records: i64 attribute id, i64 event id, u16 type index, u8 second part,
// u32 value length, value), u64 checksum (HashBytes of everything before).
// Little-endian.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "detect/internal.h"
#include "intel/warninglist.h"
#include "util/util.h"

namespace sanad::detect {

static_assert(std::endian::native == std::endian::little, "snapshots are little-endian");

namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'S', 'A', 'N', 'A', 'D', 'T', 'S', '1'};
// Bump when the meaning of a record or the tables built from it changes.
constexpr int kTablesFormat = 1;
constexpr size_t kMaxSnapshotBytes = size_t{4} << 30;

template <class T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

class Reader {
 public:
  Reader(const char* p, size_t n) : p_(p), end_(p + n) {}
  template <class T>
  bool Get(T* v) {
    if (static_cast<size_t>(end_ - p_) < sizeof(T)) return false;
    std::memcpy(v, p_, sizeof(T));
    p_ += sizeof(T);
    return true;
  }
  bool Bytes(size_t n, std::string_view* out) {
    if (static_cast<size_t>(end_ - p_) < n) return false;
    *out = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  size_t left() const { return static_cast<size_t>(end_ - p_); }

 private:
  const char* p_;
  const char* end_;
};

uint64_t* Counter(BuildStats* s, int i) {
  uint64_t* c[] = {&s->rows,     &s->not_visible, &s->not_ids,   &s->warninglisted,
                   &s->filtered, &s->unsupported, &s->indicators};
  return c[i];
}
constexpr int kCounters = 7;

}  // namespace

void SnapshotLog::Add(int64_t attribute_id, int64_t event_id, std::string_view type, bool second,
                      std::string_view value) {
  auto it = type_index.find(type);
  if (it == type_index.end()) {
    it = type_index.emplace(std::string(type), static_cast<uint16_t>(types.size())).first;
    types.emplace_back(type);
  }
  Put<int64_t>(&body, attribute_id);
  Put<int64_t>(&body, event_id);
  Put<uint16_t>(&body, it->second);
  Put<uint8_t>(&body, second ? 1 : 0);
  Put<uint32_t>(&body, static_cast<uint32_t>(value.size()));
  body.append(value);
  ++records;
}

std::string SnapshotKey(const policy::Viewer& v, const BuildOptions& o, int64_t data_generation) {
  std::string k =
      "tables=" + std::to_string(kTablesFormat) + ";org=" + std::to_string(v.org_id) + ";groups=";
  for (int64_t g : v.sharing_groups) k += std::to_string(g) + ",";
  k += ";non_ids=" + std::to_string(o.include_non_ids);
  k += ";warninglists=" +
       (o.warninglists == nullptr ? std::string("none") : o.warninglists->Fingerprint());
  k += ";warninglisted=" + std::to_string(o.include_warninglisted);
  k += ";scan=" + std::to_string(o.scan) + ";min_literal=" + std::to_string(o.min_literal_bytes);
  k += ";generation=" + std::to_string(data_generation);
  return k;
}

std::string SnapshotPath(const std::string& dir, const std::string& key) {
  return dir + "/tables-" + util::ToHex(util::Blake2b256(key)).substr(0, 24) + ".snap";
}

bool LoadSnapshot(const std::string& path, const std::string& key, IndicatorSetBuilder* b) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0 || static_cast<uint64_t>(size) > kMaxSnapshotBytes || size < 16) return false;
  in.seekg(0);
  std::string data(static_cast<size_t>(size), '\0');
  if (!in.read(data.data(), size)) return false;
  uint64_t sum;
  std::memcpy(&sum, data.data() + data.size() - 8, 8);
  if (HashBytes(data.data(), data.size() - 8) != sum) return false;
  Reader r(data.data(), data.size() - 8);
  std::string_view magic, k;
  uint32_t key_len;
  if (!r.Bytes(8, &magic) || magic != std::string_view(kMagic, 8)) return false;
  if (!r.Get(&key_len) || !r.Bytes(key_len, &k) || k != key) return false;
  BuildStats stats;
  for (int i = 0; i < kCounters; ++i) {
    if (!r.Get(Counter(&stats, i))) return false;
  }
  uint32_t ntypes;
  if (!r.Get(&ntypes) || ntypes > 65536) return false;
  std::vector<std::string> types;
  for (uint32_t i = 0; i < ntypes; ++i) {
    uint16_t len;
    std::string_view t;
    if (!r.Get(&len) || !r.Bytes(len, &t)) return false;
    types.emplace_back(t);
  }
  uint64_t records, body_len;
  if (!r.Get(&records) || !r.Get(&body_len) || body_len != r.left()) return false;
  // Validate every record before replaying any, so a bad file leaves the
  // builder untouched.
  struct Rec {
    int64_t attribute_id, event_id;
    uint16_t type;
    uint8_t second;
    std::string_view value;
  };
  std::vector<Rec> recs;
  recs.reserve(records);
  for (uint64_t i = 0; i < records; ++i) {
    Rec rec;
    uint32_t len;
    if (!r.Get(&rec.attribute_id) || !r.Get(&rec.event_id) || !r.Get(&rec.type) ||
        !r.Get(&rec.second) || !r.Get(&len) || !r.Bytes(len, &rec.value) || rec.type >= ntypes)
      return false;
    recs.push_back(rec);
  }
  if (r.left() != 0) return false;
  std::vector<const model::TypeInfo*> infos;
  for (const auto& t : types) infos.push_back(model::FindType(t));
  // Indicator i is record i, as in the build that logged them; the IP and
  // hash tables are filled on a second thread meanwhile.
  BuilderAccess::Resize(b, recs.size());
  auto replay = [&](bool numeric) {
    for (size_t i = 0; i < recs.size(); ++i) {
      const Rec& rec = recs[i];
      if (BuilderAccess::NumericTables(infos[rec.type], rec.second != 0) != numeric) continue;
      BuilderAccess::ReplayAt(b, static_cast<uint32_t>(i), rec.attribute_id, rec.event_id,
                              types[rec.type], infos[rec.type], rec.second != 0, rec.value);
    }
  };
  std::thread numeric([&] { replay(true); });
  replay(false);
  numeric.join();
  BuilderAccess::SetStats(b, stats);
  return true;
}

Status WriteSnapshot(const std::string& path, const std::string& key, const SnapshotLog& log,
                     const BuildStats& stats) {
  std::string head(kMagic, 8);
  Put<uint32_t>(&head, static_cast<uint32_t>(key.size()));
  head += key;
  BuildStats s = stats;
  for (int i = 0; i < kCounters; ++i) Put<uint64_t>(&head, *Counter(&s, i));
  Put<uint32_t>(&head, static_cast<uint32_t>(log.types.size()));
  for (const auto& t : log.types) {
    Put<uint16_t>(&head, static_cast<uint16_t>(t.size()));
    head += t;
  }
  Put<uint64_t>(&head, log.records);
  Put<uint64_t>(&head, log.body.size());
  // The checksum covers head + body (hashed as one buffer).
  std::string all;
  all.reserve(head.size() + log.body.size() + 8);
  all += head;
  all += log.body;
  Put<uint64_t>(&all, HashBytes(all.data(), all.size()));
  if (all.size() > kMaxSnapshotBytes) return Status::Limit("table snapshot too large");

  const fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Io("cannot create " + dir.string() + ": " + ec.message());
  static std::atomic<uint64_t> counter{0};
  const std::string tmp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Io("cannot write " + tmp + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < all.size()) {
    ssize_t w = ::write(fd, all.data() + off, all.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::Io("cannot write " + tmp + ": " + std::strerror(err));
    }
    off += static_cast<size_t>(w);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::Io("cannot write " + path + ": " + std::strerror(err));
  }
  // Keep the newest few (each viewer and generation has its own file).
  std::vector<std::pair<fs::file_time_type, fs::path>> snaps;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with("tables-") && name.ends_with(".snap")) {
      std::error_code tec;
      auto t = fs::last_write_time(it->path(), tec);
      if (!tec) snaps.emplace_back(t, it->path());
    }
  }
  if (snaps.size() > kKeptSnapshots) {
    std::sort(snaps.begin(), snaps.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = kKeptSnapshots; i < snaps.size(); ++i) fs::remove(snaps[i].second, ec);
  }
  return Status::Ok();
}

}  // namespace sanad::detect
