// Detection: match a member's logs against every indicator it may see
// ("did any shared indicator touch my network?"). Design, formats, rules and
// limits: docs/detect.md.
//
// 1. An IndicatorSet is built from the store's index rows (IndexRow) as one
//    viewer may see them: rows that fail policy::MaySee, deleted rows, rows
//    that are not to_ids (unless include_non_ids) and rows hit by a
//    warninglist (unless include_warninglisted) are left out. Typed tables:
//    hash sets on binary digests (32, 40, 64 hex digits and the other
//    lengths of MISP hash types), IPv4/IPv6 host sets plus per-prefix-length
//    tables for CIDRs (every containing prefix is reported, the most specific
//    first), hostnames (exact) and domains (the name and every subdomain),
//    URLs (exact, after canonicalisation) and e-mail addresses (exact; the
//    address's domain is also looked up as a hostname). With `scan`, values
//    only findable as substrings (filename, mutex, user-agent,
//    pattern-in-file, ...) go into Vectorscan literal databases.
// 2. A Matcher extracts observables from each line -- from named fields of
//    JSON lines, CSV with a header or Zeek TSV, or from free text --
//    canonicalises them exactly as the store does (model/canon.h) and looks
//    them up. Hits come in input order.
//
// Thread safety: an IndicatorSet is immutable and may be shared; a Matcher is
// used by one thread at a time (MatchStream runs its own workers).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policy/policy.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::intel {
class WarninglistSet;
}

namespace sanad::detect {

// How an observable matched an indicator.
enum class MatchKind : uint8_t {
  kExact,        // same canonical value (IP host, hostname, URL, e-mail, hash)
  kCidr,         // an IP inside a CIDR indicator
  kSubdomain,    // a hostname below a domain indicator
  kUrlHost,      // the host of a URL matched an IP/hostname/domain indicator
  kEmailDomain,  // the domain of an e-mail address matched a hostname/domain indicator
  kSubstring,    // --scan: a literal found anywhere in the line
};
// "exact", "cidr", "subdomain", "url-host", "email-domain", "substring".
const char* MatchKindName(MatchKind k);

enum class Format : uint8_t { kAuto, kText, kJsonl, kCsv, kZeek };
// "auto", "text", "jsonl", "csv", "zeek".
const char* FormatName(Format f);
bool ParseFormat(std::string_view s, Format* out);

// One indicator (one component of one attribute).
struct Indicator {
  int64_t attribute_id = 0;
  int64_t event_id = 0;
  std::string type;   // MISP type of the attribute ("domain|ip", "sha256", ...)
  std::string value;  // canonical value of the component that is matched
};

struct BuildOptions {
  bool include_non_ids = false;                         // --all: also attributes with to_ids off
  const intel::WarninglistSet* warninglists = nullptr;  // null: no warninglist filtering
  bool include_warninglisted = false;
  // Extra filter (expiry, decay score, age): return false to leave a row out.
  // BuildIndicatorSet calls it on a thread of its own while the store is
  // being read: it must not use that store.
  std::function<bool(const store::IndexRow&)> keep;
  // --scan: also build Vectorscan literal databases for substring types.
  bool scan = false;
  // Where compiled literal databases are cached (<data>/detect); "" = no cache.
  std::string scan_cache_dir;
  size_t min_literal_bytes = 4;  // shorter substring values are left out (too noisy)
  // BuildIndicatorSet: where table snapshots are kept (<data>/detect); ""
  // = none. A snapshot holds the rows that passed the filters, keyed by the
  // viewer, these options, the warninglists' fingerprint and the store's
  // DataGeneration, so a later build for the same key replays it instead of
  // reading and filtering the store. Not used when `keep` is set (its
  // answers depend on the time).
  std::string snapshot_dir;
};

struct BuildStats {
  uint64_t rows = 0;         // rows offered
  uint64_t not_visible = 0;  // policy::MaySee said no (or deleted)
  uint64_t not_ids = 0;      // to_ids off (and !include_non_ids)
  uint64_t warninglisted = 0;
  uint64_t filtered = 0;        // BuildOptions::keep said no
  uint64_t unsupported = 0;     // no table for the type (or literal too short / no --scan)
  uint64_t indicators = 0;      // components put into tables
  uint64_t literals = 0;        // distinct substring literals (--scan)
  bool scan_db_cached = false;  // the literal database came from the cache
  bool scan_db_delta = false;   // ... plus a delta database of new literals
  bool from_snapshot = false;   // BuildIndicatorSet replayed a table snapshot
  double seconds = 0;           // from the first Add to the end of Finish, without compiling
  double scan_compile_seconds = 0;
};

class IndicatorSet;

// Collects rows, then builds the tables. Rows are filtered as they arrive.
class IndicatorSetBuilder {
 public:
  IndicatorSetBuilder(policy::Viewer viewer, BuildOptions opts);
  ~IndicatorSetBuilder();
  IndicatorSetBuilder(const IndicatorSetBuilder&) = delete;
  IndicatorSetBuilder& operator=(const IndicatorSetBuilder&) = delete;

  void Add(const store::IndexRow& row);
  // Builds the tables (and, with opts.scan, compiles or loads the literal
  // databases). The builder is spent afterwards.
  StatusOr<std::shared_ptr<const IndicatorSet>> Finish();
  const BuildStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend struct BuilderAccess;  // table snapshots (internal.h)
};

// Reads every attribute of `s` (UnfilteredScanAttributes) through a builder,
// reading and building on two threads; with opts.snapshot_dir, replays or
// writes a table snapshot (docs/detect.md, "Table snapshots").
StatusOr<std::shared_ptr<const IndicatorSet>> BuildIndicatorSet(store::Store* s,
                                                                const policy::Viewer& viewer,
                                                                const BuildOptions& opts,
                                                                BuildStats* stats = nullptr);

class IndicatorSet {
 public:
  ~IndicatorSet();
  size_t size() const;  // number of indicators
  const Indicator& indicator(uint32_t i) const;
  bool has_scan() const;  // literal databases present

  struct Tables;  // internal
  explicit IndicatorSet(std::unique_ptr<Tables> t);
  const Tables& tables() const { return *t_; }

 private:
  std::unique_ptr<Tables> t_;
};

// One match. Views are valid during the callback only.
struct Hit {
  uint64_t line = 0;            // 1-based line number in the (decompressed) input
  uint64_t offset = 0;          // byte offset of the observable in that input (of the
                                // enclosing JSON string when it had escapes)
  std::string_view observable;  // as extracted (JSON strings unescaped)
  std::string_view field;       // field name in field formats, "" for text
  MatchKind kind = MatchKind::kExact;
  uint32_t indicator = 0;  // IndicatorSet::indicator(i)
};
// Return false to stop matching early.
using HitCallback = std::function<bool(const Hit&)>;

// What a reader learns about the attribute behind a hit (loaded through the
// policy by the caller: hits on attributes the viewer may not see are never
// reported).
struct HitContext {
  std::string_view source;  // file name, or "body" for a request body
  std::string_view attribute_uuid;
  std::string_view event_uuid;
  std::string_view tlp;  // "" when unmarked
};
// What a reader may learn of the attributes behind hits, loaded through the
// policy (Store::GetAttributeContext) once per attribute and kept. Shared by
// `sanad match` and POST /api/v1/match.
class HitResolver {
 public:
  struct Info {
    bool visible = false;  // false: hidden or absent (never reported)
    std::string attribute_uuid, event_uuid, event_info, owner_org_uuid;
    std::string tlp;         // "TLP:AMBER", "" when unmarked
    bool sensitive = false;  // TLP:AMBER, AMBER+STRICT or RED (reads are audited)
  };
  HitResolver(store::Store* s, policy::Viewer v) : s_(s), v_(std::move(v)) {}
  // Store errors other than NotFound are returned.
  StatusOr<const Info*> Resolve(int64_t attribute_id);
  size_t size() const { return cache_.size(); }

 private:
  store::Store* s_;
  policy::Viewer v_;
  std::unordered_map<int64_t, Info> cache_;
};

// The JSON line of one hit: detect/json.h.

struct MatchOptions {
  Format format = Format::kAuto;
  // Field names to extract from (JSON: dotted paths such as "dns.rrname" or
  // ECS "url.full", nested or flat; CSV: header names; Zeek: #fields names).
  // Empty: every field. Not allowed with text input.
  std::vector<std::string> fields;
  bool scan = false;             // also substring literals (a no-op when the set has none)
  int threads = 0;               // MatchStream workers; 0 = hardware concurrency
  size_t chunk_bytes = 2 << 20;  // work unit; lines longer than this are cut
  // The reference tokenizer, one byte at a time: the same hits, slower (for
  // tests and for measuring the bit-mask tokenizer against it).
  bool byte_tokenizer = false;
};

struct MatchStats {
  uint64_t bytes = 0;             // decompressed bytes read
  uint64_t compressed_bytes = 0;  // bytes read from the file
  uint64_t lines = 0;
  uint64_t hits = 0;
  uint64_t malformed_lines = 0;   // field-format lines that did not parse (scanned as text)
  Format format = Format::kAuto;  // the format used (after detection)
};

// Bounds on what an InputStream may produce, against decompression bombs (a
// few MiB of gzip or zstd that expand to tens of GiB). Reads past a limit
// fail with a kLimit status naming the input and the limit.
struct InputLimits {
  // Most decompressed bytes a gzip or zstd input may produce; 0 = no limit.
  // Plain input is not counted (its size is what was sent or stored).
  uint64_t max_bytes = 0;
  // Most decompressed bytes per compressed byte; 0 = no limit. Checked once
  // more than `ratio_floor_bytes` have come out (small, very repetitive
  // inputs are fine). The compressed size is the whole input when it is known
  // (FromMemory), else the bytes read so far.
  uint64_t max_ratio = 0;
  uint64_t ratio_floor_bytes = 0;
  // Polled before every read (may be empty): true stops the input with a
  // kIo "cancelled" status (the client went away, the server is stopping).
  // Not polled by a memory-mapped file, which MatchStream scans in place.
  std::function<bool()> cancelled;
};

// A source of bytes (file, stdin, request body), decompressed when it starts
// with a gzip or zstd magic number.
class InputStream {
 public:
  virtual ~InputStream() = default;
  // Reads up to `cap` bytes; 0 at the end. Errors name the input.
  virtual StatusOr<size_t> Read(char* buf, size_t cap) = 0;
  virtual uint64_t compressed_bytes() const = 0;
  virtual const std::string& name() const = 0;
  // The whole input when it is a memory-mapped regular file that is not
  // compressed: MatchStream then scans it in place, without copying. Empty
  // otherwise. If the file shrinks while it is read, matching fails with an
  // error (a SIGBUS on the lost pages is caught), it does not crash.
  virtual std::string_view Mapped() const { return {}; }

  // "-" is stdin. A regular, uncompressed, non-empty file is memory-mapped
  // (Mapped), other inputs are read.
  static StatusOr<std::unique_ptr<InputStream>> OpenFile(const std::string& path,
                                                         InputLimits limits = {});
  // Wraps a caller-owned buffer (kept alive while the stream is used).
  static std::unique_ptr<InputStream> FromMemory(std::string_view data, std::string name,
                                                 InputLimits limits = {});
  // True when `data` starts with a gzip or zstd magic number.
  static bool IsCompressed(std::string_view data);
};

class Matcher {
 public:
  // Invalid for bad options (fields with text format, chunk size).
  static StatusOr<std::unique_ptr<Matcher>> Create(std::shared_ptr<const IndicatorSet> set,
                                                   const MatchOptions& opts);
  ~Matcher();

  // Matches whole lines in `data` on the calling thread (the last line may
  // lack its '\n'). Line numbers and offsets count from the start of the
  // previous calls' data: consecutive calls continue one input (format and
  // header are taken from the first call). Reset() starts a new input.
  Status MatchBuffer(std::span<const char> data, const HitCallback& cb);
  void Reset();

  // Streams one input with bounded memory, in parallel over `threads`
  // workers; hits are delivered in input order on the calling thread.
  // `progress` (may be empty) is called on the calling thread now and then.
  Status MatchStream(InputStream* in, const HitCallback& cb, MatchStats* stats,
                     const std::function<void(const MatchStats&)>& progress = {});

  Format format() const;  // detected format after the first data

 private:
  Matcher();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sanad::detect
