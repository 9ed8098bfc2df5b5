// The per-thread scanner: extracts observables from a chunk of whole lines
// and looks them up in the tables (internal to src/detect).
#pragma once

#include <boost/unordered/unordered_flat_set.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detect.h"
#include "detect/internal.h"
#include "model/ip.h"

namespace sanad::detect {

struct RawHit {
  uint64_t offset = 0;                    // chunk offset of the observable
  uint64_t line = 0;                      // 0-based line within the chunk (set after scanning)
  uint32_t obs_off = 0, obs_len = 0;      // in ChunkResult::arena
  uint32_t field_off = 0, field_len = 0;  // in ChunkResult::arena
  uint32_t indicator = 0;
  MatchKind kind = MatchKind::kExact;
};

struct ChunkResult {
  std::vector<RawHit> hits;
  std::string arena;
  uint64_t newlines = 0;
  uint64_t malformed = 0;
  void Clear() {
    hits.clear();
    arena.clear();
    newlines = 0;
    malformed = 0;
  }
};

// What the input looks like (decided on its first chunk).
struct FieldConfig {
  Format format = Format::kText;
  std::vector<std::string> fields;   // requested names (empty = all)
  std::vector<std::string> columns;  // CSV / Zeek column names
  std::vector<char> selected;        // per column
  char separator = '\t';             // Zeek
};

class Scanner {
 public:
  Scanner(const IndicatorSet::Tables& t, const FieldConfig& cfg, bool scan,
          bool byte_tokenizer = false);
  ~Scanner();
  Status Init();
  // Scans [p, p+n), whole lines. `skip_first_line`: the CSV header.
  Status Process(const char* p, size_t n, bool skip_first_line, ChunkResult* out);

 private:
  // Free-text extraction over t_[0, n_).
  void ScanText(const char* t, size_t n, uint64_t base, bool exact_offsets);
  void ScanTextBytes(size_t min_hash);
  void WordAt(size_t s, size_t e, uint8_t bits, uint64_t dots);
  size_t Token(size_t s, size_t e, uint8_t bits);
  size_t SplitHigh(size_t s, size_t e);
  size_t ColonToken(size_t s, size_t e, uint8_t bits);
  void Word(size_t s, size_t e, uint8_t bits);
  void HashRuns(size_t s, size_t e);
  void HashRun(size_t s, size_t e);  // [s, e) is all hex of a hash length
  void HashLookup(size_t s, size_t e);
  // `suffix_known`: the caller checked SuffixMayMatch already.
  void Host(size_t s, size_t e, uint8_t bits, bool suffix_known = false);
  // Whether a host name ending at e, whose last label starts at `label` and
  // last two labels at `sfx`, may match: the last label, then the last two,
  // are among the indicators' (prefilters, no false negatives).
  bool LabelsKnown(size_t label, size_t sfx, size_t e) const;
  bool SuffixMayMatch(size_t s, size_t e) const;
  size_t Url(size_t ss, size_t colon);
  // Canonical host of t_[s, e) into host_buf_; returns its length or 0.
  size_t HostCanon(size_t s, size_t e, bool require_dot);
  void HostLookups(std::string_view h, size_t os, size_t oe, MatchKind exact, MatchKind parent);
  void V4Lookup(uint32_t a, size_t os, size_t oe, MatchKind exact, MatchKind cidr);
  void IpLookup(const model::IpPrefix& p, size_t os, size_t oe, MatchKind exact, MatchKind cidr);
  void Emit(size_t os, size_t oe, MatchKind kind, uint32_t head);

  // Field formats.
  bool JsonLine(const char* p, size_t n, uint64_t off);
  bool JsonValue(const char* p, size_t n, size_t* i, int depth, uint64_t off);
  bool JsonString(const char* p, size_t n, size_t* i, size_t* s, size_t* e, bool* esc);
  void ScanField(const char* p, size_t s, size_t e, bool esc, uint64_t off, char quote);
  bool FieldSelected(std::string_view path) const;
  void DelimitedLine(const char* p, size_t n, uint64_t off, char sep, bool csv);
  void LiteralScan(const char* p, size_t n);
  // URL assembly: web logs split a request into a host field and a path
  // field (Zeek http.log host/uri, Suricata EVE http.hostname/http.url, ECS
  // url.domain/url.path). Both are noted while a record is read; at its end
  // "http://" host path is looked up as a URL.
  void NoteUrlPart(std::string_view name, std::string_view value, uint64_t offset);
  void AssembleUrl();

  const IndicatorSet::Tables& t_;
  const FieldConfig& cfg_;
  bool scan_;
  bool byte_tokenizer_;
  std::unique_ptr<LiteralDb::Scratch> scratch_;
  ChunkResult* out_ = nullptr;

  // The text being scanned.
  const char* tx_ = nullptr;
  size_t n_ = 0;
  uint64_t base_ = 0;
  bool exact_ = true;
  std::string_view field_;

  char host_buf_[256];
  std::string slow_;  // slow-path canonical host (IDNA)
  std::string email_buf_;
  std::string url_buf_;
  std::string path_;  // JSON key path
  std::string key_buf_;
  std::string unescaped_;
  std::vector<std::string> str_stack_;  // unescape buffers by depth (reused)
  std::string url_host_, url_path_, url_fields_,
      url_path_field_;  // URL assembly of the current record
  uint64_t url_path_off_ = 0;
  bool have_url_host_ = false, have_url_path_ = false;
  boost::unordered_flat_set<uint64_t> seen_;
};

// Testing: classify with at most `level` (0 SSE2, 1 AVX2, 2 AVX-512BW; 2
// is the start-up choice); returns the level the CPU gave. Not thread-safe:
// call before matching.
int UseSimdForTesting(int level);

// JSON string unescaping (\uXXXX to UTF-8); invalid escapes are kept as is.
void JsonUnescape(std::string_view in, std::string* out);

}  // namespace sanad::detect
