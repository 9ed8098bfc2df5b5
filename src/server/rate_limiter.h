// Per-key rate limiting: a token bucket per key (an API key id), refilled at
// `per_minute` tokens a minute up to `burst`. Time comes from util::Now()
// (injectable with util::SetClockForTesting). Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace sanad::server {

class RateLimiter {
 public:
  struct Options {
    double per_minute = 600;  // sustained rate; <= 0 disables limiting
    double burst = 120;       // bucket size
  };
  explicit RateLimiter(const Options& o) : o_(o) {}

  // Takes one token for `key`. Returns 0 when allowed, otherwise the number
  // of seconds (>= 1) after which a token will be available.
  int64_t Take(int64_t key);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t last = 0;
  };
  Options o_;
  std::mutex mu_;
  std::unordered_map<int64_t, Bucket> buckets_;
};

}  // namespace sanad::server
