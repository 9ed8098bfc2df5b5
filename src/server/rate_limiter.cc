#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "util/util.h"

namespace sanad::server {

int64_t RateLimiter::Take(int64_t key) {
  if (o_.per_minute <= 0) return 0;
  const double burst = std::max(o_.burst, 1.0);
  const double per_second = o_.per_minute / 60.0;
  int64_t now = util::Now();
  std::lock_guard<std::mutex> l(mu_);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst, now});
  Bucket& b = it->second;
  if (!fresh && now > b.last) {
    b.tokens = std::min(burst, b.tokens + static_cast<double>(now - b.last) * per_second);
    b.last = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1 - b.tokens) / per_second)));
}

}  // namespace sanad::server
