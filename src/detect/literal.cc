// Vectorscan literal databases for --scan, cached next to the store.
//
// Cache layout (<data>/detect/):
//   lit-<H>.hsdb   serialized database of the literal set whose hash is H
//   lit-<H>.lits   that set: per literal a 4-byte little-endian length, then the bytes
//   lit-base       the H of the newest full database
//   delta-<B>-<H>.hsdb  the literals of set H missing from base B
// A set found as lit-<H> is loaded as is. Otherwise, when the base B's set
// lacks at most max(1000, |H|/8) literals of H, only those are compiled into
// a delta database (base literals no longer present are ignored at match
// time); else the whole set is compiled and becomes the new base.
#include <hs/hs.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "detect/internal.h"
#include "util/util.h"

namespace sanad::detect {

namespace fs = std::filesystem;

struct LiteralDb::Db {
  hs_database_t* db = nullptr;
  std::vector<int64_t> map;  // db id -> literal index in the current set (-1: gone)
  ~Db() {
    if (db != nullptr) hs_free_database(db);
  }
};

LiteralDb::Scratch::~Scratch() {
  if (s != nullptr) hs_free_scratch(s);
}

LiteralDb::~LiteralDb() = default;

namespace {

std::string SetHash(const std::vector<std::string>& lits) {
  std::string all;
  for (const auto& l : lits) {
    uint32_t n = static_cast<uint32_t>(l.size());
    all.append(reinterpret_cast<const char*>(&n), 4);
    all += l;
  }
  all += "sanad-literals-v1";
  return util::ToHex(util::Blake2b256(all)).substr(0, 24);
}

StatusOr<hs_database_t*> Compile(const std::vector<const std::string*>& lits) {
  std::vector<const char*> exprs;
  std::vector<size_t> lens;
  std::vector<unsigned> flags, ids;
  exprs.reserve(lits.size());
  for (size_t i = 0; i < lits.size(); ++i) {
    exprs.push_back(lits[i]->data());
    lens.push_back(lits[i]->size());
    flags.push_back(HS_FLAG_CASELESS);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  hs_error_t rc =
      hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                           static_cast<unsigned>(lits.size()), HS_MODE_BLOCK, nullptr, &db, &err);
  if (rc != HS_SUCCESS) {
    std::string msg = err != nullptr && err->message != nullptr ? err->message : "unknown error";
    if (err != nullptr && err->expression >= 0 &&
        static_cast<size_t>(err->expression) < lits.size())
      msg += " (literal '" + *lits[err->expression] + "')";
    hs_free_compile_error(err);
    return Status::Internal("compiling the literal database: " + msg);
  }
  return db;
}

bool ReadAll(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return true;
}

bool WriteAtomic(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return false;
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!f) return false;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
  return !ec;
}

hs_database_t* LoadDb(const std::string& path) {
  std::string bytes;
  if (!ReadAll(path, &bytes)) return nullptr;
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS) return nullptr;
  return db;
}

void SaveDb(const std::string& path, const hs_database_t* db) {
  char* bytes = nullptr;
  size_t len = 0;
  if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS) return;
  WriteAtomic(path, std::string_view(bytes, len));
  free(bytes);  // NOLINT: allocated by Vectorscan with malloc
}

bool ReadLits(const std::string& path, std::vector<std::string>* out) {
  std::string b;
  if (!ReadAll(path, &b)) return false;
  size_t i = 0;
  while (i < b.size()) {
    if (i + 4 > b.size()) return false;
    uint32_t n;
    std::memcpy(&n, b.data() + i, 4);
    i += 4;
    if (i + n > b.size()) return false;
    out->emplace_back(b.substr(i, n));
    i += n;
  }
  return true;
}

void WriteLits(const std::string& path, const std::vector<std::string>& lits) {
  std::string b;
  for (const auto& l : lits) {
    uint32_t n = static_cast<uint32_t>(l.size());
    b.append(reinterpret_cast<const char*>(&n), 4);
    b += l;
  }
  WriteAtomic(path, b);
}

}  // namespace

StatusOr<std::unique_ptr<LiteralDb>> LiteralDb::Build(const std::vector<std::string>& lits,
                                                      const std::string& dir, BuildStats* stats) {
  std::unique_ptr<LiteralDb> r(new LiteralDb());
  std::string h = SetHash(lits);
  auto identity = [&](hs_database_t* db) {
    auto d = std::make_unique<Db>();
    d->db = db;
    d->map.resize(lits.size());
    for (size_t i = 0; i < lits.size(); ++i) d->map[i] = static_cast<int64_t>(i);
    r->dbs_.push_back(std::move(d));
  };
  std::error_code ec;
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (hs_database_t* db = LoadDb(dir + "/lit-" + h + ".hsdb")) {
      identity(db);
      stats->scan_db_cached = true;
      return r;
    }
    // A delta on top of the newest base?
    std::string base;
    std::vector<std::string> base_lits;
    if (ReadAll(dir + "/lit-base", &base) && base.size() == h.size() &&
        ReadLits(dir + "/lit-" + base + ".lits", &base_lits)) {
      std::vector<const std::string*> added;
      for (const auto& l : lits) {
        if (!std::binary_search(base_lits.begin(), base_lits.end(), l)) added.push_back(&l);
      }
      size_t max_delta = std::max<size_t>(1000, lits.size() / 8);
      hs_database_t* bdb = nullptr;
      if (added.size() <= max_delta && (bdb = LoadDb(dir + "/lit-" + base + ".hsdb")) != nullptr) {
        auto b = std::make_unique<Db>();
        b->db = bdb;
        b->map.resize(base_lits.size());
        for (size_t i = 0; i < base_lits.size(); ++i) {
          auto it = std::lower_bound(lits.begin(), lits.end(), base_lits[i]);
          b->map[i] = (it != lits.end() && *it == base_lits[i]) ? it - lits.begin() : -1;
        }
        r->dbs_.push_back(std::move(b));
        stats->scan_db_cached = true;
        if (!added.empty()) {
          std::string dpath = dir + "/delta-" + base + "-" + h + ".hsdb";
          hs_database_t* ddb = LoadDb(dpath);
          if (ddb == nullptr) {
            auto c = Compile(added);
            if (!c.ok()) return c.status();
            ddb = c.value();
            SaveDb(dpath, ddb);
          }
          auto d = std::make_unique<Db>();
          d->db = ddb;
          for (const std::string* l : added) d->map.push_back(l - lits.data());
          r->dbs_.push_back(std::move(d));
          stats->scan_db_delta = true;
        }
        return r;
      }
    }
  }
  std::vector<const std::string*> all;
  all.reserve(lits.size());
  for (const auto& l : lits) all.push_back(&l);
  auto c = Compile(all);
  if (!c.ok()) return c.status();
  identity(c.value());
  if (!dir.empty()) {
    // The new base replaces older databases.
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      if (name.starts_with("lit-") || name.starts_with("delta-")) fs::remove(entry.path(), ec);
    }
    SaveDb(dir + "/lit-" + h + ".hsdb", r->dbs_[0]->db);
    WriteLits(dir + "/lit-" + h + ".lits", lits);
    WriteAtomic(dir + "/lit-base", h);
  }
  return r;
}

StatusOr<std::unique_ptr<LiteralDb::Scratch>> LiteralDb::NewScratch() const {
  auto s = std::make_unique<Scratch>();
  for (const auto& d : dbs_) {
    if (hs_alloc_scratch(d->db, &s->s) != HS_SUCCESS)
      return Status::Internal("allocating Vectorscan scratch space");
  }
  return s;
}

namespace {
struct ScanCtx {
  const std::vector<int64_t>* map;
  void (*fn)(void*, uint32_t, uint64_t);
  void* ctx;
};
int OnMatch(unsigned id, unsigned long long /*from*/, unsigned long long to, unsigned /*flags*/,
            void* c) {
  auto* sc = static_cast<ScanCtx*>(c);
  if (id < sc->map->size()) {
    int64_t lit = (*sc->map)[id];
    if (lit >= 0) sc->fn(sc->ctx, static_cast<uint32_t>(lit), to);
  }
  return 0;
}
}  // namespace

Status LiteralDb::ScanImpl(const char* p, size_t n, Scratch* s, RawFn fn, void* ctx) const {
  for (const auto& d : dbs_) {
    ScanCtx sc{&d->map, fn, ctx};
    hs_error_t rc = hs_scan(d->db, p, static_cast<unsigned>(n), 0, s->s, OnMatch, &sc);
    if (rc != HS_SUCCESS)
      return Status::Internal("Vectorscan scan failed (" + std::to_string(rc) + ")");
  }
  return Status::Ok();
}

}  // namespace sanad::detect
