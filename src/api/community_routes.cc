// Organisations, users and API keys.
//
// Roles: the community's administrators (role admin, in the chair
// organisation) add organisations and users of any member; an org-admin adds
// users of its own organisation; every user manages its own keys.
#include <mutex>

#include "api/json.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "model/ip.h"
#include "util/util.h"

namespace sanad::api {

namespace {

// Parses and canonicalises allowed source CIDRs ("" when none).
Status CanonicalCidrs(const std::vector<std::string>& in, std::vector<model::IpPrefix>* prefixes,
                      std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    model::IpPrefix p;
    if (!model::ParseIpPrefix(util::Trim(in[i]), &p))
      return Status::Invalid("$.allowed_cidrs[" + std::to_string(i) + "]: '" + in[i] +
                             "' is not an IP address or CIDR");
    p = model::UnmapV4(p);
    prefixes->push_back(p);
    if (!out->empty()) *out += ",";
    *out += model::FormatIpPrefix(p);
  }
  return Status::Ok();
}

std::vector<model::IpPrefix> ParseStoredCidrs(std::string_view s) {
  std::vector<model::IpPrefix> out;
  while (!s.empty()) {
    size_t c = s.find(',');
    model::IpPrefix p;
    if (model::ParseIpPrefix(util::Trim(s.substr(0, c)), &p)) out.push_back(model::UnmapV4(p));
    s = c == std::string_view::npos ? std::string_view() : s.substr(c + 1);
  }
  return out;
}

StatusOr<auth::NewKey> IssueKey(store::Store* s, int64_t user_id, int64_t expires, bool read_only,
                                const std::string& cidrs) {
  auth::NewKey nk;
  nk.key = auth::GenerateApiKey();
  nk.record.user_id = user_id;
  nk.record.prefix = nk.key.substr(0, 8);
  nk.record.hash = auth::HashApiKey(nk.key);
  nk.record.created = util::Now();
  nk.record.expires = expires;
  nk.record.read_only = read_only;
  nk.record.allowed_cidrs = cidrs;
  SANAD_RETURN_IF_ERROR(s->AddApiKey(&nk.record));
  return nk;
}

json::object NewKeyJson(const auth::NewKey& nk) {
  return {{"key", nk.key},
          {"key_info", KeyJson(nk.record)},
          {"note", "the key is shown once; only its hash is stored"}};
}

// ---- orgs ----

void ListOrgs(Call& c) {
  std::vector<model::Org> orgs;
  Status st = c.store->ListOrgs(&orgs);
  if (!st.ok()) return c.Fail(st);
  json::array arr;
  for (const auto& o : orgs) arr.push_back(OrgJson(o));
  c.Json(200, Text(json::object{{"orgs", std::move(arr)}}));
}

void GetOrg(Call& c) {
  auto o = c.store->FindOrg(c.Param("uuid"));
  if (!o.ok()) return c.Error(404, "not_found", "no organisation '" + c.Param("uuid") + "'");
  c.Json(200, Text(OrgJson(*o)));
}

void AddOrg(Call& c) {
  if (!IsCommunityAdmin(*c.principal))
    return c.Error(403, "forbidden",
                   "only the community's administrators (admin role in the chair "
                   "organisation) add organisations");
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
  org.name = std::string(util::Trim(org.name));
  if (org.name.empty()) return c.Fail(Status::Invalid("$.name: must not be empty"));
  if (!model::IsCountryCode(org.country))
    return c.Fail(
        Status::Invalid("$.country: '" + org.country + "' is not an ISO 3166-1 alpha-2 code"));
  if (!model::Parse(kind, &org.kind))
    return c.Fail(Status::Invalid("$.kind: unknown kind '" + kind + "'"));
  if (!model::Parse(category, &org.category))
    return c.Fail(Status::Invalid("$.category: unknown category '" + category + "'"));
  if (!model::Parse(status, &org.status) || org.status == model::OrgStatus::kExternal)
    return c.Fail(
        Status::Invalid("$.status: '" + status + "' is not applicant, member, suspended or left"));
  if (!org.uuid.empty() && !util::IsUuid(org.uuid))
    return c.Fail(Status::Invalid("$.uuid: '" + org.uuid + "' is not a uuid"));
  st = model::CheckOrgLimits(org, "$.name", "$.description");
  if (!st.ok()) return c.Fail(st);
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  store::Transaction tx(c.store);
  if (!tx.status().ok()) return c.Fail(tx.status());
  st = c.store->AddOrg(&org);
  if (st.ok()) st = c.Audit("org.add", "org", org.uuid, "", org.name);
  if (st.ok()) st = tx.Commit();
  if (!st.ok()) return c.Fail(st);
  c.Json(201, Text(OrgJson(org)));
}

// ---- users ----

void ListUsers(Call& c) {
  int64_t org_id = c.principal->org.id;
  if (const std::string* o = c.req.Query("org")) {
    auto org = c.store->FindOrg(*o);
    if (!org.ok()) return c.Error(404, "not_found", "no organisation '" + *o + "'");
    if (org->id != org_id && !IsCommunityAdmin(*c.principal))
      return c.Error(403, "forbidden",
                     "users of other organisations are listed by the "
                     "community's administrators only");
    org_id = org->id;
  }
  std::vector<model::User> users;
  Status st = c.store->ListUsers(org_id, &users);
  if (!st.ok()) return c.Fail(st);
  json::array arr;
  for (const auto& u : users) arr.push_back(UserJson(u));
  c.Json(200, Text(json::object{{"users", std::move(arr)}}));
}

void AddUser(Call& c) {
  const auth::Principal& p = *c.principal;
  bool admin = IsCommunityAdmin(p);
  if (!admin && p.user.role != model::Role::kOrgAdmin)
    return c.Error(403, "forbidden",
                   "only org-admins and the community's administrators add users");
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  model::User u;
  std::string role = "analyst", org_name;
  int64_t expires = 0;
  bool read_only = false;
  Status st = GetString(*body, "email", &u.email, true);
  if (st.ok()) st = GetString(*body, "role", &role, false);
  if (st.ok()) st = GetString(*body, "org", &org_name, false);
  if (st.ok()) st = GetTime(*body, "key_expires", &expires);
  if (st.ok()) st = GetBool(*body, "read_only_key", &read_only);
  if (!st.ok()) return c.Fail(st);
  u.email = util::ToLower(util::Trim(u.email));
  st = model::CheckUserLimits(u, "$.email");
  if (!st.ok()) return c.Fail(st);
  // E-mail addresses are unique across the node, so an org-admin must be
  // refused an address a user of another organisation holds. The refusal
  // must not confirm that such a user exists (issue #15, finding 7): it is
  // the very answer a malformed address gets, and names no organisation.
  // The community's administrators, who list every user, get the precise one.
  const Status unusable_email = Status::Invalid(
      "$.email: '" + u.email +
      "' cannot be used for a new user (not a valid e-mail address, or not available on this "
      "node; the community's administrators can tell which)");
  auto at = u.email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= u.email.size())
    return c.Fail(admin ? Status::Invalid("$.email: '" + u.email + "' is not an e-mail address")
                        : unusable_email);
  if (!model::Parse(role, &u.role))
    return c.Fail(Status::Invalid("$.role: unknown role '" + role + "'"));
  model::Org org = p.org;
  if (!org_name.empty()) {
    auto o = c.store->FindOrg(org_name);
    if (!o.ok()) return c.Error(404, "not_found", "no organisation '" + org_name + "'");
    org = *o;
  }
  if (org.id != p.org.id && !admin)
    return c.Error(403, "forbidden", "an org-admin adds users of its own organisation only");
  if (org.status == model::OrgStatus::kExternal)
    return c.Fail(
        Status::Invalid("'" + org.name + "' is an external organisation; it has no users"));
  if (u.role == model::Role::kAdmin && (!admin || !org.is_chair))
    return c.Error(403, "forbidden",
                   "the admin role is reserved for the chair's users and granted by an admin");
  if (expires && expires <= util::Now())
    return c.Fail(Status::Invalid("$.key_expires: already in the past"));
  u.org_id = org.id;
  u.org_name = org.name;
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  store::Transaction tx(c.store);
  if (!tx.status().ok()) return c.Fail(tx.status());
  if (auto held = c.store->FindUser(u.email); held.ok()) {
    if (admin)
      return c.Fail(Status::Conflict("a user with e-mail '" + u.email + "' already exists (" +
                                     held->org_name + ")"));
    if (held->org_id == p.org.id)  // the org-admin lists its own users anyway
      return c.Fail(Status::Conflict("a user with e-mail '" + u.email + "' already exists in " +
                                     p.org.name));
    return c.Fail(unusable_email);
  } else if (held.status().code() != Status::Code::kNotFound) {
    return c.Fail(held.status());
  }
  st = c.store->AddUser(&u);
  if (!st.ok()) return c.Fail(st.code() == Status::Code::kConflict && !admin ? unusable_email : st);
  auto nk = IssueKey(c.store, u.id, expires, read_only, "");
  if (!nk.ok()) return c.Fail(nk.status());
  st = c.Audit("user.add", "user", u.email, org.uuid, model::Name(u.role));
  if (st.ok()) st = tx.Commit();
  if (!st.ok()) return c.Fail(st);
  json::object out = NewKeyJson(*nk);
  out["user"] = UserJson(u);
  c.Json(201, Text(out));
}

// ---- keys ----

void ListKeys(Call& c) {
  std::vector<store::ApiKey> keys;
  Status st = c.store->ListApiKeys(c.principal->user.id, &keys);
  if (!st.ok()) return c.Fail(st);
  json::array arr;
  for (const auto& k : keys) {
    json::object o = KeyJson(k);
    o["current"] = k.id == c.principal->key.id;
    arr.push_back(std::move(o));
  }
  c.Json(200, Text(json::object{{"keys", std::move(arr)}}));
}

void NewKey(Call& c) {
  const auth::Principal& p = *c.principal;
  auto body = c.req.body.empty() ? StatusOr<json::object>(json::object()) : BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  int64_t expires = 0;
  bool read_only = false;
  std::vector<std::string> cidrs;
  Status st = GetTime(*body, "expires", &expires);
  if (st.ok()) st = GetBool(*body, "read_only", &read_only);
  if (st.ok()) st = GetStringList(*body, "allowed_cidrs", &cidrs);
  if (!st.ok()) return c.Fail(st);
  std::vector<model::IpPrefix> prefixes;
  std::string cidr_text;
  st = CanonicalCidrs(cidrs, &prefixes, &cidr_text);
  if (!st.ok()) return c.Fail(st);
  if (expires && expires <= util::Now())
    return c.Fail(Status::Invalid("$.expires: already in the past"));
  // A key never issues a key with more reach than itself.
  if (p.key.expires && (expires == 0 || expires > p.key.expires))
    return c.Error(403, "forbidden",
                   "this key expires at " + util::FormatIso8601(p.key.expires) +
                       "; a key it issues must expire no later");
  if (!p.key.allowed_cidrs.empty()) {
    auto own = ParseStoredCidrs(p.key.allowed_cidrs);
    bool inside = !prefixes.empty();
    for (const auto& np : prefixes) {
      bool any = false;
      for (const auto& op : own) any = any || (op.v6 == np.v6 && model::PrefixContains(op, np));
      inside = inside && any;
    }
    if (!inside)
      return c.Error(403, "forbidden",
                     "this key is limited to " + p.key.allowed_cidrs +
                         "; a key it issues must be limited to addresses inside those");
  }
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  store::Transaction tx(c.store);
  if (!tx.status().ok()) return c.Fail(tx.status());
  auto nk = IssueKey(c.store, p.user.id, expires, read_only, cidr_text);
  if (!nk.ok()) return c.Fail(nk.status());
  st = c.Audit("key.create", "user", p.user.email, p.org.uuid, nk->record.prefix);
  if (st.ok()) st = tx.Commit();
  if (!st.ok()) return c.Fail(st);
  c.Json(201, Text(NewKeyJson(*nk)));
}

void RevokeOwnKey(Call& c) {
  const std::string& id_text = c.Param("id");
  int64_t id = 0;
  if (id_text.empty() || id_text.size() > 18 ||
      id_text.find_first_not_of("0123456789") != std::string::npos)
    return c.Fail(Status::Invalid("key id '" + id_text + "' is not a number"));
  id = std::stoll(id_text);
  std::vector<store::ApiKey> keys;
  Status st = c.store->ListApiKeys(c.principal->user.id, &keys);
  if (!st.ok()) return c.Fail(st);
  const store::ApiKey* k = nullptr;
  for (const auto& x : keys)
    if (x.id == id) k = &x;
  if (!k) return c.Error(404, "not_found", "you have no key with id " + id_text);
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  st = c.store->RevokeApiKey(id);
  if (st.ok())
    st = c.Audit("key.revoke", "user", c.principal->user.email, c.principal->org.uuid, k->prefix);
  if (!st.ok()) return c.Fail(st);
  store::ApiKey out = *k;
  out.revoked = true;
  c.Json(200, Text(KeyJson(out)));
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
