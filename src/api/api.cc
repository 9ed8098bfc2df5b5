#include "api/api.h"

#include <algorithm>

#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "model/ip.h"
#include "util/util.h"

namespace sanad::api {

namespace {

// Every route area; add a line for a new src/api/<area>_routes.cc.
constexpr void (*kAreas[])(Router*) = {
    RegisterSystemRoutes, RegisterCommunityRoutes,   RegisterSharingGroupRoutes,
    RegisterEventRoutes,  RegisterWarninglistRoutes,  RegisterIntelRoutes,
};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// The key presented in Authorization: "Bearer <key>" or MISP's bare "<key>".
std::string_view PresentedKey(const server::Request& req) {
  const std::string* h = req.Header("authorization");
  if (!h) return {};
  std::string_view v = util::Trim(*h);
  if (StartsWithNoCase(v, "bearer ")) v = util::Trim(v.substr(7));
  return v;
}

// True when `ip` lies inside one of the comma-separated `cidrs`.
bool SourceAllowed(std::string_view cidrs, const std::string& ip) {
  model::IpPrefix peer;
  if (!model::ParseIpPrefix(ip, &peer)) return false;
  peer = model::UnmapV4(peer);
  std::string_view rest = cidrs;
  while (!rest.empty()) {
    size_t c = rest.find(',');
    auto part = util::Trim(rest.substr(0, c));
    rest = c == std::string_view::npos ? std::string_view() : rest.substr(c + 1);
    model::IpPrefix allowed;
    if (part.empty() || !model::ParseIpPrefix(part, &allowed)) continue;
    allowed = model::UnmapV4(allowed);
    if (allowed.v6 == peer.v6 && model::PrefixContains(allowed, peer)) return true;
  }
  return false;
}

}  // namespace

StatusOr<Services::StoreLease> Services::AcquireStore() {
  std::unique_ptr<store::Store> s;
  {
    std::lock_guard<std::mutex> l(pool_mu_);
    if (!pool_.empty()) {
      s = std::move(pool_.back());
      pool_.pop_back();
    }
  }
  if (!s) {
    auto o = store::Store::Open(opts_.data_dir, store::OpenOptions{});
    if (!o.ok()) return o.status();
    s = std::move(*o);
  }
  return StoreLease(s.release(), [this](store::Store* p) {
    std::lock_guard<std::mutex> l(pool_mu_);
    pool_.emplace_back(p);
  });
}

StatusOr<std::shared_ptr<const intel::CorrelationIndex>> Services::CorrelationIndexFor(
    store::Store* s) {
  auto gen = s->DataGeneration();
  if (!gen.ok()) return gen.status();
  std::lock_guard<std::mutex> l(index_mu_);
  if (index_ && index_->generation() == *gen) return index_;
  auto idx = intel::OpenCorrelationIndex(s, opts_.data_dir);
  if (!idx.ok()) return idx.status();
  index_ = std::shared_ptr<const intel::CorrelationIndex>(std::move(*idx));
  return index_;
}

struct Api::Impl {
  Impl(const Options& o, server::Metrics* m, intel::WarninglistSet lists)
      : svc(o, m, std::move(lists)) {}
  Services svc;
  Router router;
};

Api::Api(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Api::~Api() = default;

const Router& Api::router() const { return impl_->router; }

StatusOr<std::unique_ptr<Api>> Api::Create(const Options& opts, server::Metrics* metrics) {
  {
    auto s = store::Store::Open(opts.data_dir, store::OpenOptions{});
    if (!s.ok()) return s.status();
  }
  auto lists = intel::WarninglistSet::Load(opts.data_dir + "/warninglists");
  if (!lists.ok()) return lists.status();
  auto impl = std::make_unique<Impl>(opts, metrics, std::move(*lists));
  for (auto area : kAreas) area(&impl->router);
  impl->svc.set_router(&impl->router);
  auto doc = impl->router.OpenApiDocument();
  if (!doc.ok()) return doc.status();
  return std::unique_ptr<Api>(new Api(std::move(impl)));
}

void Api::Handle(const server::Request& req, server::Response* res) {
  Services& svc = impl_->svc;
  auto m = impl_->router.Find(req.method, req.path);
  if (!m.route) {
    if (!m.allowed.empty()) {
      std::sort(m.allowed.begin(), m.allowed.end());
      std::string allow;
      for (const auto& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
      server::SetError(res, 405, "method_not_allowed",
                       req.method + " is not allowed on " + req.path + " (allowed: " + allow + ")");
      res->headers.emplace_back("Allow", allow);
    } else {
      server::SetError(res, 404, "not_found", "no such route: " + req.path);
    }
    return;
  }
  auto lease = svc.AcquireStore();
  if (!lease.ok()) {
    server::SetError(res, 503, "unavailable", "the store cannot be opened");
    res->log_error = lease.status().ToString();
    return;
  }
  Call call(req, res);
  call.params = std::move(m.params);
  call.store = lease->get();
  call.svc = &svc;
  auth::Principal principal;
  if (m.route->access != Access::kPublic) {
    std::string_view key = PresentedKey(req);
    if (key.empty()) {
      server::SetError(res, 401, "unauthorized",
                       "an API key is required: Authorization: Bearer <key>");
      res->headers.emplace_back("WWW-Authenticate", "Bearer");
      svc.Count("sanad_api_auth_failures_total", "Requests refused by authentication",
                "reason=\"missing\"");
      return;
    }
    auto p = auth::Authenticate(call.store, key, util::Now());
    if (!p.ok()) {
      server::SetError(res, 401, "unauthorized",
                       "invalid API key (unknown, revoked or expired, or its user or "
                       "organisation may not act)");
      res->headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      svc.Count("sanad_api_auth_failures_total", "Requests refused by authentication",
                "reason=\"invalid\"");
      return;
    }
    principal = std::move(*p);
    res->log_org = principal.org.name;
    res->log_user = principal.user.email;
    res->log_key = principal.key.prefix;
    if (!principal.key.allowed_cidrs.empty() &&
        !SourceAllowed(principal.key.allowed_cidrs, req.remote_ip)) {
      server::SetError(
          res, 403, "forbidden",
          "API key " + principal.key.prefix + " may not be used from " + req.remote_ip);
      svc.Count("sanad_api_auth_failures_total", "Requests refused by authentication",
                "reason=\"source\"");
      return;
    }
    if (int64_t wait = svc.limiter().Take(principal.key.id); wait > 0) {
      server::SetError(res, 429, "rate_limited",
                       "too many requests with API key " + principal.key.prefix + "; retry in " +
                           std::to_string(wait) + " s",
                       "{\"retry_after\": " + std::to_string(wait) + "}");
      res->headers.emplace_back("Retry-After", std::to_string(wait));
      svc.Count("sanad_api_rate_limited_total", "Requests refused by the per-key rate limit", "");
      return;
    }
    if (m.route->access == Access::kWrite && principal.key.read_only) {
      server::SetError(res, 403, "forbidden", "API key " + principal.key.prefix + " is read-only");
      return;
    }
    call.principal = &principal;
  }
  try {
    m.route->fn(call);
  } catch (const std::exception& e) {
    server::SetError(res, 500, "internal", "internal error (request " + req.request_id + ")");
    res->log_error = std::string("exception: ") + e.what();
  }
}

}  // namespace sanad::api
