// Shared state of the API, handed to every handler through Call::svc
// (internal to src/api).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/api.h"
#include "intel/correlation.h"
#include "intel/warninglist.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "store/store.h"

namespace sanad::detect {
class IndicatorSet;
}

namespace sanad::api {

class Router;

class Services {
 public:
  Services(const Options& opts, server::Metrics* metrics, intel::WarninglistSet lists)
      : opts_(opts), metrics_(metrics), limiter_(opts.rate), lists_(std::move(lists)) {}

  const Options& opts() const { return opts_; }
  server::Metrics* metrics() { return metrics_; }  // may be null
  server::RateLimiter& limiter() { return limiter_; }
  const intel::WarninglistSet& warninglists() const { return lists_; }
  const Router* router() const { return router_; }
  void set_router(const Router* r) { router_ = r; }

  // API writes take this lock around their transaction (one writer at a time
  // inside the process; other processes wait on SQLite's busy timeout).
  std::mutex& write_mutex() { return write_mu_; }

  // A store connection for the current request, returned to the pool when
  // the lease dies. Connections are opened on demand, one per concurrent
  // request.
  using StoreLease = std::unique_ptr<store::Store, std::function<void(store::Store*)>>;
  StatusOr<StoreLease> AcquireStore();

  // The correlation index for the store's current data (DataGeneration):
  // one per Services, loaded from the snapshot or rebuilt (and saved) when
  // the generation changed since the last call. Callers share the immutable
  // index; a rebuild holds the index mutex, so concurrent callers wait for it
  // rather than build twice.
  StatusOr<std::shared_ptr<const intel::CorrelationIndex>> CorrelationIndexFor(store::Store* s);

  // The detection tables of what `v` may see for POST /api/v1/match, built
  // once per (org, flags) and data generation and shared; the few most
  // recently used sets are kept (each can hold every indicator of the store).
  struct MatchSetKey {
    int64_t org_id = 0;
    bool all = false;                    // attributes with to_ids off too
    bool include_warninglisted = false;  // keep warninglisted indicators
    bool scan = false;                   // substring literal databases
    bool operator==(const MatchSetKey&) const = default;
  };
  StatusOr<std::shared_ptr<const detect::IndicatorSet>> MatchSetFor(store::Store* s,
                                                                     const policy::Viewer& v,
                                                                     const MatchSetKey& key);

  // Serialised events as one org receives them (GET /api/v1/events/{uuid}),
  // valid for one data generation and sighting mark (Store::LastSightingId).
  // Only events whose reads are not audited are kept. Memory is bounded (kEventCacheBytes): when full, entries of
  // older generations go first, then everything.
  struct EventVersion {
    int64_t generation = 0;
    int64_t sightings = 0;
    bool operator==(const EventVersion&) const = default;
  };
  std::shared_ptr<const std::string> FindEventText(int64_t org_id, const std::string& uuid,
                                                   const EventVersion& version);
  void KeepEventText(int64_t org_id, const std::string& uuid, const EventVersion& version,
                     std::shared_ptr<const std::string> text);

  void Count(std::string_view name, std::string_view help, std::string_view labels) {
    if (metrics_) metrics_->Add(name, help, labels, 1);
  }

 private:
  Options opts_;
  server::Metrics* metrics_;
  server::RateLimiter limiter_;
  intel::WarninglistSet lists_;
  const Router* router_ = nullptr;
  std::mutex write_mu_;
  std::mutex pool_mu_;
  std::mutex index_mu_;
  std::shared_ptr<const intel::CorrelationIndex> index_;  // guarded by index_mu_
  std::vector<std::unique_ptr<store::Store>> pool_;
  struct MatchSetEntry {
    MatchSetKey key;
    int64_t generation = 0;
    std::shared_ptr<const detect::IndicatorSet> set;
  };
  static constexpr size_t kMaxMatchSets = 4;
  struct CachedEvent {
    EventVersion version;
    std::shared_ptr<const std::string> text;
  };
  static constexpr size_t kEventCacheBytes = 32u << 20;
  std::mutex event_cache_mu_;
  std::unordered_map<std::string, CachedEvent> event_cache_;  // "<org id>/<uuid>"
  size_t event_cache_bytes_ = 0;
  std::mutex match_mu_;
  std::vector<MatchSetEntry> match_sets_;  // most recently used last; guarded by match_mu_
};

}  // namespace sanad::api
