// Correlation: which attributes of other events share an indicator with a
// given attribute. No pair table is kept: an in-memory index maps canonical
// values to attributes, with IP-prefix and domain-suffix structures beside
// it, and correlations are computed at query time (docs/intel.md).
//
// Rules (two attributes A and B of DIFFERENT events correlate when):
//  - exact: a canonical component of A equals one of B (composites are split:
//    filename|sha256 correlates on both parts, domain|ip on both, ip-dst|port
//    on the IP only: port and size components never correlate);
//  - cidr: an IP (or CIDR) component lies inside a CIDR component, either
//    direction, IPv4 and IPv6;
//  - subdomain: a hostname component is a subdomain of a domain/hostname
//    component (equality is the exact rule);
//  - url-host: the host of a url/link equals a domain/hostname/IP indicator,
//    is a subdomain of a domain/hostname indicator, or lies in a CIDR.
// Never: types whose model::TypeInfo::correlates is false; attributes (or
// events) with disable_correlation; deleted attributes; values matching a
// correlation exclusion (exact or with '%' wildcards, case-insensitive),
// on either side. Types unknown to MISP's table correlate on exact value.
//
// Visibility: a correlation is reported to viewer O only when O may see both
// attributes (policy::MaySee on both access paths). Over-correlation: a group
// (one value, or the range under one CIDR/domain) whose correlated attributes
// visible to O span more than max_events distinct events is reported as
// {value, visible_count} instead of a list. Every count counts only
// attributes visible to O, so nothing hidden can be inferred.
//
// Threading: a built index is immutable; const methods may be called from
// several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/canon.h"
#include "policy/policy.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::intel {

inline constexpr int kDefaultMaxCorrelationEvents = 20;
inline constexpr std::string_view kMaxEventsSetting = "correlation.max_events";

// Compiled correlation exclusions: exact values and SQL-LIKE patterns where
// '%' matches any run of characters. Matching ignores ASCII case.
class ExclusionMatcher {
 public:
  void Add(std::string_view value_or_pattern);
  bool Matches(std::string_view value) const;
  bool empty() const { return exact_.empty() && patterns_.empty(); }
  size_t size() const { return exact_.size() + patterns_.size(); }

 private:
  std::vector<std::string> exact_;                  // lower case, sorted
  std::vector<std::vector<std::string>> patterns_;  // lower-case pieces between '%'
};

// Query-time configuration, read from the store for every command so that
// changes apply at once to existing data.
struct CorrelationSettings {
  int64_t max_events = kDefaultMaxCorrelationEvents;
  ExclusionMatcher exclusions;
};
// Reads "correlation.max_events" (default 20) and the exclusions.
StatusOr<CorrelationSettings> LoadCorrelationSettings(store::Store* s);

enum class CorrelationRule { kExact, kCidr, kSubdomain, kUrlHost };
const char* Name(CorrelationRule r);  // "exact", "cidr", "subdomain", "url-host"

// One correlated (or matched) attribute.
struct CorrelationMatch {
  int64_t attribute_id = 0;
  int64_t event_id = 0;
  CorrelationRule rule = CorrelationRule::kExact;
  std::string value;          // the component of the other attribute that matched
  std::string matched_value;  // the component (or URL host) on the queried side
};

// A group that spans more than max_events visible events.
struct OverCorrelation {
  std::string value;  // the value, or "within 10.0.0.0/8", "*.example.com"
  CorrelationRule rule = CorrelationRule::kExact;
  int64_t visible_count = 0;  // correlated attributes visible to the viewer
  int64_t visible_events = 0;
};

struct EventCorrelations {
  int64_t event_id = 0;
  std::vector<CorrelationMatch> matches;  // attribute id order
};

struct CorrelationResult {
  std::vector<EventCorrelations> events;  // event id order
  std::vector<OverCorrelation> over_correlating;
  int64_t total() const {
    int64_t n = 0;
    for (const auto& e : events) n += static_cast<int64_t>(e.matches.size());
    return n;
  }
};

struct CorrelationStats {
  int64_t generation = -1;
  int64_t attributes = 0;            // indexed (correlating, not deleted)
  int64_t correlation_disabled = 0;  // of which with disable_correlation
  int64_t values = 0;                // distinct canonical components
  int64_t ip_entries = 0;            // addresses and CIDRs (URL IP hosts included)
  int64_t cidrs = 0;
  int64_t host_entries = 0;             // hostnames and URL hosts
  int64_t access_paths = 0;             // distinct visibility paths
  int64_t memory_bytes = 0;             // estimate of the index's heap use
  int64_t over_correlating_values = 0;  // values in more than max_events events (all orgs)
};

class CorrelationIndex {
 public:
  CorrelationIndex();
  ~CorrelationIndex();
  CorrelationIndex(const CorrelationIndex&) = delete;
  CorrelationIndex& operator=(const CorrelationIndex&) = delete;

  // Builds from rows (any order). Rows that are deleted or of a
  // non-correlating type are skipped.
  static std::unique_ptr<CorrelationIndex> Build(const std::vector<store::IndexRow>& rows,
                                                 int64_t generation = -1);
  // Builds from the store (UnfilteredScanAttributes), recording the store's
  // DataGeneration read before the scan.
  static StatusOr<std::unique_ptr<CorrelationIndex>> BuildFromStore(store::Store* s);

  // Snapshot file: versioned binary header with the generation. Load returns
  // Corrupt for a damaged or foreign file, NotFound when absent.
  Status Save(const std::string& path) const;
  static StatusOr<std::unique_ptr<CorrelationIndex>> Load(const std::string& path);

  int64_t generation() const;
  bool Contains(int64_t attribute_id) const;

  // The correlations of one attribute as `v` sees them. NotFound when the
  // attribute is indexed but `v` may not see it; an empty result when it is
  // not indexed (non-correlating type, deleted, unknown id) or has
  // disable_correlation.
  StatusOr<CorrelationResult> Correlations(const policy::Viewer& v, int64_t attribute_id,
                                           const CorrelationSettings& settings) const;

  // Search: attributes visible to `v` that a value of `type` ("" = guessed)
  // matches by the rules above (exact, CIDR both ways, domain/subdomain, URL
  // host), whatever their event; correlation_disabled attributes are found
  // too, exclusions and over-correlation do not apply. At most `limit`
  // matches (0 = no limit); *truncated tells whether some were left off.
  // Invalid when the value does not fit `type`.
  Status Lookup(const policy::Viewer& v, std::string_view value, std::string_view type,
                size_t limit, std::vector<CorrelationMatch>* out, bool* truncated = nullptr) const;

  // Statistics; over_correlating_values uses `max_events`.
  CorrelationStats Stats(int64_t max_events) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// <data_dir>/correlation.idx
std::string CorrelationIndexPath(const std::string& data_dir);

// The index for the store's current data: loads the snapshot when its
// generation equals the store's DataGeneration, else rebuilds from the store
// and saves a new snapshot (a failure to save is not an error). *rebuilt (may
// be null) tells which happened. `force_rebuild` skips the snapshot.
StatusOr<std::unique_ptr<CorrelationIndex>> OpenCorrelationIndex(store::Store* s,
                                                                 const std::string& data_dir,
                                                                 bool force_rebuild = false,
                                                                 bool* rebuilt = nullptr);

// The host of a canonical URL: model::UrlHost (model/canon.h).
using model::UrlHost;

}  // namespace sanad::intel
