// The REST API v1 (docs/api.md; reference: the OpenAPI document served at
// /api/v1/openapi.json). Api::Handle is a server::Handler: it routes,
// authenticates (Authorization: Bearer <key>, or MISP's bare
// Authorization: <key>), enforces key restrictions (expiry, read-only,
// allowed source CIDRs), rate-limits per key (429 with Retry-After) and calls
// the route's handler with a store connection of its own.
//
// Threading: Handle may run on several threads at once; each call leases a
// store::Store from a pool (one connection per concurrent request), so
// readers do not wait for the writer (SQLite WAL). API writes are serialised
// by one mutex and each is one transaction, committed before the response is
// sent: the next request sees it.
#pragma once

#include <memory>
#include <string>

#include "server/http.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "util/status.h"

namespace sanad::api {

class Router;

struct Options {
  std::string data_dir;               // the store directory (must exist)
  server::RateLimiter::Options rate;  // per API key
  int64_t default_page = 50;          // list routes: limit when not given
  int64_t max_page = 1000;            // list routes: largest limit accepted
};

class Api {
 public:
  // Opens one store connection to check the store and loads the
  // warninglists (defaults plus <data>/warninglists). `metrics` may be null.
  static StatusOr<std::unique_ptr<Api>> Create(const Options& opts, server::Metrics* metrics);
  ~Api();

  void Handle(const server::Request& req, server::Response* res);
  const Router& router() const;

 private:
  struct Impl;
  explicit Api(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sanad::api
