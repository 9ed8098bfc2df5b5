// The REST API served for a test: api::Api over a store directory, behind a
// server::Server on 127.0.0.1 port 0 (header-only, tests/api).
#pragma once

#include <memory>

#include "api/api.h"
#include "auth/auth.h"
#include "store/store.h"
#include "util/util.h"
#include "server/server.h"
#include "util/status.h"

namespace sanad::testing {

// Creates the API for `ao` (ao.data_dir names the store) and starts a server
// for it; `metrics` may be null. On success *api and *server are set.
inline Status StartApi(const api::Options& ao, server::Metrics* metrics,
                       std::unique_ptr<api::Api>* api, std::unique_ptr<server::Server>* srv) {
  auto a = api::Api::Create(ao, metrics);
  if (!a.ok()) return a.status();
  server::Options so;
  so.listen = "127.0.0.1:0";
  so.metrics = metrics;
  api::Api* h = a->get();
  auto s = server::Server::Start(
      so, [h](const server::Request& q, server::Response* r) { h->Handle(q, r); });
  if (!s.ok()) return s.status();
  *api = std::move(*a);
  *srv = std::move(*s);
  return Status::Ok();
}

// A user of `org` with `role` and a new API key for it; returns the key
// ("" with a test failure when the store refuses).
inline std::string AddUserWithKey(store::Store* s, const std::string& email,
                                  const model::Org& org, model::Role role) {
  model::User u;
  u.email = email;
  u.org_id = org.id;
  u.role = role;
  if (!s->community().AddUser(&u).ok()) return "";
  model::ApiKey k;
  std::string key = auth::GenerateApiKey();
  k.user_id = u.id;
  k.prefix = key.substr(0, 8);
  k.hash = auth::HashApiKey(key);
  k.created = util::Now();
  if (!s->community().AddApiKey(&k).ok()) return "";
  return key;
}

}  // namespace sanad::testing
