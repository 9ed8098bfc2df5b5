// Organisations, users and API keys.
//
// Roles: the community's administrators (role admin, in the chair
// organisation) add organisations and users of any member; an org-admin adds
// users of its own organisation; every user manages its own keys. Handlers
// parse, call the community service (community/community.h, which decides
// and audits, one transaction per call) under the write lock, and serialise.
#include <mutex>

#include "api/json.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "community/community.h"
#include "community/json.h"
#include "model/ip.h"
#include "util/util.h"

namespace sanad::api {

namespace {

// Parses allowed source CIDRs (as given; the service stores them canonical).
Status ParseCidrs(const std::vector<std::string>& in, std::vector<model::IpPrefix>* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    model::IpPrefix p;
    if (!model::ParseIpPrefix(util::Trim(in[i]), &p))
      return Status::Invalid("$.allowed_cidrs[" + std::to_string(i) + "]: '" + in[i] +
                             "' is not an IP address or CIDR");
    out->push_back(p);
  }
  return Status::Ok();
}

json::object NewKeyJson(const auth::NewKey& nk) {
  return {{"key", nk.key},
          {"key_info", community::ToJson(nk.record)},
          {"note", "the key is shown once; only its hash is stored"}};
}

// ---- orgs ----

void ListOrgs(Call& c) {
  std::vector<model::Org> orgs;
  Status st = c.store->community().ListOrgs(&orgs);
  if (!st.ok()) return c.Fail(st);
  json::array arr;
  for (const auto& o : orgs) arr.push_back(community::ToJson(o));
  c.Json(200, Text(json::object{{"orgs", std::move(arr)}}));
}

void GetOrg(Call& c) {
  auto o = c.store->community().FindOrg(c.Param("uuid"));
  if (!o.ok()) return c.Error(404, "not_found", "no organisation '" + c.Param("uuid") + "'");
  c.Json(200, Text(community::ToJson(*o)));
}

void AddOrg(Call& c) {
  if (Status may = community::MayAddOrgs(*c.actor); !may.ok()) return c.Fail(may);
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  model::Org org;
  std::string kind = "national-cert", category = "full", status = "member";
  Status st = GetString(*body, "name", &org.name, true);
  if (st.ok()) st = GetString(*body, "country", &org.country, true);
  if (st.ok()) st = GetString(*body, "kind", &kind, false);
  if (st.ok()) st = GetString(*body, "category", &category, false);
  if (st.ok()) st = GetString(*body, "status", &status, false);
  if (st.ok()) st = GetString(*body, "description", &org.description, false);
  if (st.ok()) st = GetString(*body, "uuid", &org.uuid, false);
  if (!st.ok()) return c.Fail(st);
  if (!model::Parse(kind, &org.kind))
    return c.Fail(Status::Invalid("$.kind: unknown kind '" + kind + "'"));
  if (!model::Parse(category, &org.category))
    return c.Fail(Status::Invalid("$.category: unknown category '" + category + "'"));
  if (!model::Parse(status, &org.status))
    return c.Fail(
        Status::Invalid("$.status: '" + status + "' is not applicant, member, suspended or left"));
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  auto added = community::AddOrg(c.store, *c.actor, std::move(org));
  if (!added.ok()) return c.Fail(added.status());
  c.Json(201, Text(community::ToJson(*added)));
}

// ---- users ----

void ListUsers(Call& c) {
  int64_t org_id = c.actor->org.id;
  if (const std::string* o = c.req.Query("org")) {
    auto org = c.store->community().FindOrg(*o);
    if (!org.ok()) return c.Error(404, "not_found", "no organisation '" + *o + "'");
    if (org->id != org_id && !c.actor->community_admin)
      return c.Error(403, "forbidden",
                     "users of other organisations are listed by the "
                     "community's administrators only");
    org_id = org->id;
  }
  std::vector<model::User> users;
  Status st = c.store->community().ListUsers(org_id, &users);
  if (!st.ok()) return c.Fail(st);
  json::array arr;
  for (const auto& u : users) arr.push_back(community::ToJson(u));
  c.Json(200, Text(json::object{{"users", std::move(arr)}}));
}

void AddUser(Call& c) {
  if (Status may = community::MayAddUsers(*c.actor); !may.ok()) return c.Fail(may);
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  model::User u;
  std::string role = "analyst", org_name;
  community::KeyOptions key;
  Status st = GetString(*body, "email", &u.email, true);
  if (st.ok()) st = GetString(*body, "role", &role, false);
  if (st.ok()) st = GetString(*body, "org", &org_name, false);
  if (st.ok()) st = GetTime(*body, "key_expires", &key.expires);
  if (st.ok()) st = GetBool(*body, "read_only_key", &key.read_only);
  if (!st.ok()) return c.Fail(st);
  if (!model::Parse(role, &u.role))
    return c.Fail(Status::Invalid("$.role: unknown role '" + role + "'"));
  model::Org org = c.actor->org;
  if (!org_name.empty()) {
    auto o = c.store->community().FindOrg(org_name);
    if (!o.ok()) return c.Error(404, "not_found", "no organisation '" + org_name + "'");
    org = *o;
  }
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  auto added = community::AddUser(c.store, *c.actor, std::move(u), org, key);
  if (!added.ok()) return c.Fail(added.status());
  json::object out = NewKeyJson(added->key);
  out["user"] = community::ToJson(added->user);
  c.Json(201, Text(out));
}

// ---- keys ----

void ListKeys(Call& c) {
  std::vector<model::ApiKey> keys;
  Status st = c.store->community().ListApiKeys(c.actor->user.id, &keys);
  if (!st.ok()) return c.Fail(st);
  json::array arr;
  for (const auto& k : keys) {
    json::object o = community::ToJson(k);
    o["current"] = k.id == c.actor->key_id;
    arr.push_back(std::move(o));
  }
  c.Json(200, Text(json::object{{"keys", std::move(arr)}}));
}

void NewKey(Call& c) {
  auto body = c.req.body.empty() ? StatusOr<json::object>(json::object()) : BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  community::KeyOptions key;
  std::vector<std::string> cidrs;
  Status st = GetTime(*body, "expires", &key.expires);
  if (st.ok()) st = GetBool(*body, "read_only", &key.read_only);
  if (st.ok()) st = GetStringList(*body, "allowed_cidrs", &cidrs);
  if (st.ok()) st = ParseCidrs(cidrs, &key.allowed_cidrs);
  if (!st.ok()) return c.Fail(st);
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  auto nk = community::IssueKey(c.store, *c.actor, c.actor->user, key);
  if (!nk.ok()) return c.Fail(nk.status());
  c.Json(201, Text(NewKeyJson(*nk)));
}

void RevokeOwnKey(Call& c) {
  const std::string& id_text = c.Param("id");
  if (id_text.empty() || id_text.size() > 18 ||
      id_text.find_first_not_of("0123456789") != std::string::npos)
    return c.Fail(Status::Invalid("key id '" + id_text + "' is not a number"));
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  auto k = community::RevokeKey(c.store, *c.actor, std::stoll(id_text));
  if (!k.ok()) return c.Fail(k.status());
  c.Json(200, Text(community::ToJson(*k)));
}

}  // namespace

void RegisterCommunityRoutes(Router* r) {
  r->AddComponent("schemas", "Org", R"({"type": "object", "properties": {
    "uuid": {"type": "string", "format": "uuid"}, "name": {"type": "string"},
    "country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
    "kind": {"enum": ["national-cert", "sector-cert", "industry", "observer"]},
    "category": {"enum": ["full", "general", "professional", "affiliate", "commercial"]},
    "status": {"enum": ["applicant", "member", "suspended", "left", "external"]},
    "chair": {"type": "boolean"}, "description": {"type": "string"},
    "created": {"type": "string", "format": "date-time"}}})");
  r->AddComponent("schemas", "User", R"({"type": "object", "properties": {
    "id": {"type": "integer"}, "email": {"type": "string"}, "org": {"type": "string"},
    "role": {"enum": ["admin", "org-admin", "analyst", "reader"]},
    "disabled": {"type": "boolean"}, "created": {"type": "string", "format": "date-time"}}})");
  r->AddComponent("schemas", "ApiKey", R"({"type": "object", "properties": {
    "id": {"type": "integer"}, "prefix": {"type": "string", "description": "first 8 characters of the key"},
    "created": {"type": "string", "format": "date-time"},
    "expires": {"type": ["string", "null"], "format": "date-time"},
    "read_only": {"type": "boolean"},
    "allowed_cidrs": {"type": "array", "items": {"type": "string"}},
    "revoked": {"type": "boolean"}, "current": {"type": "boolean"}}})");
  r->AddComponent("schemas", "NewKey",
                  R"({"type": "object", "required": ["key", "key_info"], "properties": {
    "key": {"type": "string", "description": "64 hex characters; shown once"},
    "key_info": {"$ref": "#/components/schemas/ApiKey"},
    "user": {"$ref": "#/components/schemas/User"}, "note": {"type": "string"}}})");

  r->Add({"GET", "/api/v1/orgs", Access::kRead, ListOrgs,
          R"({"operationId": "listOrgs", "summary": "List the community's organisations",
              "responses": {"200": {"description": "Organisations", "content": {"application/json":
                {"schema": {"type": "object", "properties": {"orgs": {"type": "array",
                  "items": {"$ref": "#/components/schemas/Org"}}}}}}}}})"});
  r->Add({"GET", "/api/v1/orgs/{uuid}", Access::kRead, GetOrg,
          R"({"operationId": "getOrg", "summary": "One organisation by uuid (or name).",
              "parameters": [{"$ref": "#/components/parameters/Uuid"}],
              "responses": {"200": {"description": "The organisation", "content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/Org"}}}},
                "404": {"$ref": "#/components/responses/NotFound"}}})"});
  r->Add({"POST", "/api/v1/orgs", Access::kWrite, AddOrg,
          R"({"operationId": "addOrg", "summary": "Add an organisation (community administrators).",
              "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["name", "country"], "properties": {
                  "name": {"type": "string"}, "country": {"type": "string"},
                  "kind": {"type": "string"}, "category": {"type": "string"},
                  "status": {"type": "string"}, "description": {"type": "string"},
                  "uuid": {"type": "string", "format": "uuid"}}}}}},
              "responses": {"201": {"description": "Created", "content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/Org"}}}},
                "400": {"$ref": "#/components/responses/Invalid"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "409": {"$ref": "#/components/responses/Error"}}})"});

  r->Add(
      {"GET", "/api/v1/users", Access::kRead, ListUsers,
       R"({"operationId": "listUsers", "summary": "Users of the caller's organisation (admins: ?org=).",
              "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"},
                "description": "Organisation uuid or name (community administrators only for other orgs)."}],
              "responses": {"200": {"description": "Users", "content": {"application/json":
                {"schema": {"type": "object", "properties": {"users": {"type": "array",
                  "items": {"$ref": "#/components/schemas/User"}}}}}}},
                "403": {"$ref": "#/components/responses/Forbidden"}}})"});
  r->Add({"POST", "/api/v1/users", Access::kWrite, AddUser,
          R"({"operationId": "addUser", "summary": "Add a user with a first API key (shown once).",
              "description": "org-admins add users of their own organisation; the community's administrators add users of any member and alone grant the admin role (chair organisation only).",
              "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["email"], "properties": {
                  "email": {"type": "string"}, "role": {"enum": ["admin", "org-admin", "analyst", "reader"]},
                  "org": {"type": "string"}, "key_expires": {"type": ["integer", "string"]},
                  "read_only_key": {"type": "boolean"}}}}}},
              "responses": {"201": {"description": "The user and its key", "content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/NewKey"}}}},
                "400": {"$ref": "#/components/responses/Invalid"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "409": {"$ref": "#/components/responses/Error"}}})"});

  r->Add({"GET", "/api/v1/keys", Access::kRead, ListKeys,
          R"({"operationId": "listKeys", "summary": "The caller's API keys (never the secrets).",
              "responses": {"200": {"description": "Keys", "content": {"application/json":
                {"schema": {"type": "object", "properties": {"keys": {"type": "array",
                  "items": {"$ref": "#/components/schemas/ApiKey"}}}}}}}}})"});
  r->Add({"POST", "/api/v1/keys", Access::kWrite, NewKey,
          R"({"operationId": "newKey", "summary": "Issue another key for the caller (shown once).",
              "description": "A key never issues a key that outlives it or reaches beyond its allowed_cidrs.",
              "requestBody": {"required": false, "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                  "expires": {"type": ["integer", "string"], "description": "Unix seconds or ISO-8601"},
                  "read_only": {"type": "boolean"},
                  "allowed_cidrs": {"type": "array", "items": {"type": "string"}}}}}}},
              "responses": {"201": {"description": "The new key", "content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/NewKey"}}}},
                "400": {"$ref": "#/components/responses/Invalid"},
                "403": {"$ref": "#/components/responses/Forbidden"}}})"});
  r->Add({"DELETE", "/api/v1/keys/{id}", Access::kWrite, RevokeOwnKey,
          R"({"operationId": "revokeKey", "summary": "Revoke one of the caller's keys",
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "responses": {"200": {"description": "The revoked key", "content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/ApiKey"}}}},
                "404": {"$ref": "#/components/responses/NotFound"}}})"});
}

}  // namespace sanad::api
