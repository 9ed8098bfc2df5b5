#include "api/api.h"

#include <sodium.h>

#include <algorithm>

#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "detect/detect.h"
#include "model/ip.h"
#include "util/util.h"

namespace sanad::api {

namespace {

// Every route area; add a line for a new src/api/<area>_routes.cc.
constexpr void (*kAreas[])(Router*) = {
    RegisterSystemRoutes, RegisterCommunityRoutes,   RegisterSharingGroupRoutes,
    RegisterEventRoutes,  RegisterWarninglistRoutes, RegisterIntelRoutes,
    RegisterMatchRoutes,  RegisterIncidentRoutes,    RegisterMembershipRoutes,
    RegisterTaxiiRoutes,
};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// The key presented in Authorization: "Bearer <key>", "Token <key>", MISP's
// bare "<key>", or HTTP Basic (TAXII clients) with the key as password (any user name) or,
// when the password is empty, as user name.
std::string PresentedKey(const server::Request& req) {
  const std::string* h = req.Header("authorization");
  if (!h) return {};
  std::string_view v = util::Trim(*h);
  if (StartsWithNoCase(v, "bearer ")) return std::string(util::Trim(v.substr(7)));
  // taxii2client's TokenAuth (OpenCTI's TAXII2_USE_TOKEN) sends "Token <key>".
  if (StartsWithNoCase(v, "token ")) return std::string(util::Trim(v.substr(6)));
  if (StartsWithNoCase(v, "basic ")) {
    std::string_view b64 = util::Trim(v.substr(6));
    std::string raw(b64.size(), '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), b64.data(),
                          b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
      return {};
    raw.resize(len);
    size_t colon = raw.find(':');
    if (colon == std::string::npos) return {};
    std::string pass = raw.substr(colon + 1);
    return pass.empty() ? raw.substr(0, colon) : pass;
  }
  return std::string(v);
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
  auto gen = s->intel().DataGeneration();
  if (!gen.ok()) return gen.status();
  std::lock_guard<std::mutex> l(index_mu_);
  if (index_ && index_->generation() == *gen) return index_;
  auto idx = intel::OpenCorrelationIndex(s, opts_.data_dir);
  if (!idx.ok()) return idx.status();
  index_ = std::shared_ptr<const intel::CorrelationIndex>(std::move(*idx));
  return index_;
}

StatusOr<std::shared_ptr<const detect::IndicatorSet>> Services::MatchSetFor(
    store::Store* s, const policy::Viewer& v, const MatchSetKey& key) {
  auto gen = s->intel().DataGeneration();
  if (!gen.ok()) return gen.status();
  // One build at a time: concurrent callers for the same set wait for it
  // rather than build it twice (and the memory of two builds is not needed).
  std::lock_guard<std::mutex> l(match_mu_);
  for (size_t i = 0; i < match_sets_.size(); ++i) {
    if (match_sets_[i].key == key && match_sets_[i].generation == *gen) {
      MatchSetEntry e = std::move(match_sets_[i]);
      match_sets_.erase(match_sets_.begin() + static_cast<std::ptrdiff_t>(i));
      match_sets_.push_back(std::move(e));
      return match_sets_.back().set;
    }
  }
  detect::BuildOptions bo;
  bo.include_non_ids = key.all;
  bo.warninglists = &lists_;
  bo.include_warninglisted = key.include_warninglisted;
  bo.scan = key.scan;
  bo.scan_cache_dir = opts_.data_dir + "/detect";
  bo.snapshot_dir = opts_.data_dir + "/detect";  // shared with `sanad match`
  auto set = detect::BuildIndicatorSet(s, v, bo);
  if (!set.ok()) return set.status();
  std::erase_if(match_sets_, [&](const MatchSetEntry& e) { return e.key == key; });
  if (match_sets_.size() >= kMaxMatchSets) match_sets_.erase(match_sets_.begin());
  match_sets_.push_back({key, *gen, *set});
  return match_sets_.back().set;
}

namespace {
std::string EventCacheKey(int64_t org_id, const std::string& uuid) {
  return std::to_string(org_id) + "/" + uuid;
}
}  // namespace

std::shared_ptr<const std::string> Services::FindEventText(int64_t org_id, const std::string& uuid,
                                                           const EventVersion& version) {
  std::lock_guard<std::mutex> l(event_cache_mu_);
  auto it = event_cache_.find(EventCacheKey(org_id, uuid));
  if (it == event_cache_.end() || !(it->second.version == version)) return nullptr;
  return it->second.text;
}

void Services::KeepEventText(int64_t org_id, const std::string& uuid, const EventVersion& version,
                             std::shared_ptr<const std::string> text) {
  const size_t size = text->size() + uuid.size() + 64;
  if (size > kEventCacheBytes / 8) return;  // one huge event must not evict everything
  std::lock_guard<std::mutex> l(event_cache_mu_);
  if (event_cache_bytes_ + size > kEventCacheBytes) {
    for (auto it = event_cache_.begin(); it != event_cache_.end();) {
      if (!(it->second.version == version)) {
        event_cache_bytes_ -= it->second.text->size() + it->first.size() + 64;
        it = event_cache_.erase(it);
      } else {
        ++it;
      }
    }
    if (event_cache_bytes_ + size > kEventCacheBytes) {
      event_cache_.clear();
      event_cache_bytes_ = 0;
    }
  }
  auto [it, inserted] = event_cache_.try_emplace(EventCacheKey(org_id, uuid));
  if (!inserted) event_cache_bytes_ -= it->second.text->size() + it->first.size() + 64;
  it->second = {version, std::move(text)};
  event_cache_bytes_ += size;
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
  // TAXII answers in its own media type and error format, errors included.
  struct TaxiiFinish {
    const server::Request& q;
    server::Response* r;
    ~TaxiiFinish() { FinishTaxiiResponse(q, r); }
  } taxii_finish{req, res};
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
  policy::Actor actor;
  if (m.route->access != Access::kPublic) {
    std::string key = PresentedKey(req);
    if (key.empty()) {
      server::SetError(res, 401, "unauthorized",
                       "an API key is required: Authorization: Bearer <key>");
      res->headers.emplace_back("WWW-Authenticate", "Bearer");
      svc.Count("sanad_api_auth_failures_total", "Requests refused by authentication",
                "reason=\"missing\"");
      return;
    }
    model::ApiKey k;
    auto p = auth::Authenticate(call.store, key, util::Now(), &k);
    if (!p.ok() && p.status().code() != Status::Code::kPermission) {
      // A valid key whose org's viewer could not be read.
      server::SetError(res, 500, "internal", "internal error (request " + req.request_id + ")");
      res->log_error = p.status().ToString();
      return;
    }
    if (!p.ok()) {
      server::SetError(res, 401, "unauthorized",
                       "invalid API key (unknown, revoked or expired, or its user or "
                       "organisation may not act)");
      res->headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      svc.Count("sanad_api_auth_failures_total", "Requests refused by authentication",
                "reason=\"invalid\"");
      return;
    }
    actor = std::move(*p);
    res->log_org = actor.org.name;
    res->log_user = actor.user.email;
    res->log_key = k.prefix;
    if (!k.allowed_cidrs.empty() && !SourceAllowed(k.allowed_cidrs, req.remote_ip)) {
      server::SetError(res, 403, "forbidden",
                       "API key " + k.prefix + " may not be used from " + req.remote_ip);
      svc.Count("sanad_api_auth_failures_total", "Requests refused by authentication",
                "reason=\"source\"");
      return;
    }
    // A valid key from an allowed source: the connection may use the slots the
    // server keeps for authenticated clients (server::Options).
    res->authenticated = true;
    if (int64_t wait = svc.limiter().Take(k.id); wait > 0) {
      server::SetError(res, 429, "rate_limited",
                       "too many requests with API key " + k.prefix + "; retry in " +
                           std::to_string(wait) + " s",
                       "{\"retry_after\": " + std::to_string(wait) + "}");
      res->headers.emplace_back("Retry-After", std::to_string(wait));
      svc.Count("sanad_api_rate_limited_total", "Requests refused by the per-key rate limit", "");
      return;
    }
    if (m.route->access == Access::kWrite && k.read_only) {
      server::SetError(res, 403, "forbidden", "API key " + k.prefix + " is read-only");
      return;
    }
    call.actor = &actor;
  }
  try {
    m.route->fn(call);
  } catch (const std::exception& e) {
    server::SetError(res, 500, "internal", "internal error (request " + req.request_id + ")");
    res->log_error = std::string("exception: ") + e.what();
  }
}

}  // namespace sanad::api
