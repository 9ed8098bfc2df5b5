// Sharing groups. A caller sees the groups its organisation belongs to (a
// group's membership is itself shared information); any analyst or
// org-admin creates groups owned by its organisation; only the owner adds
// members.
#include <mutex>

#include "api/json.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "util/util.h"

namespace sanad::api {

namespace {

bool MayWriteIntel(const auth::Principal& p) { return p.user.role != model::Role::kReader; }

// The group named by the path as the caller may see it (404 otherwise).
StatusOr<model::SharingGroup> VisibleGroup(Call& c) {
  const std::string& id = c.Param("uuid");
  Status hidden = Status::NotFound("no sharing group '" + id + "'");
  auto g = c.store->FindSharingGroup(id);
  if (!g.ok()) return hidden;
  auto v = c.Viewer();
  if (!v.ok()) return v.status();
  if (!v->InGroup(g->id)) return hidden;
  return g;
}

StatusOr<model::Org> MemberOrg(store::Store* s, const std::string& name_or_uuid,
                               const std::string& where) {
  auto o = s->FindOrg(name_or_uuid);
  if (!o.ok()) return Status::NotFound(where + ": no organisation '" + name_or_uuid + "'");
  if (o->status == model::OrgStatus::kExternal)
    return Status::Invalid(where + ": '" + o->name + "' is an external organisation");
  return o;
}

void List(Call& c) {
  auto v = c.Viewer();
  if (!v.ok()) return c.Fail(v.status());
  std::vector<model::SharingGroup> groups;
  Status st = c.store->ListSharingGroups(&groups);
  if (!st.ok()) return c.Fail(st);
  json::array arr;
  for (const auto& g : groups)
    if (v->InGroup(g.id)) arr.push_back(SharingGroupJson(g));
  c.Json(200, Text(json::object{{"sharing_groups", std::move(arr)}}));
}

void Get(Call& c) {
  auto g = VisibleGroup(c);
  if (!g.ok()) return c.Fail(g.status());
  c.Json(200, Text(SharingGroupJson(*g)));
}

void Create(Call& c) {
  if (!MayWriteIntel(*c.principal))
    return c.Error(403, "forbidden", "readers cannot create sharing groups");
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  model::SharingGroup g;
  std::vector<std::string> orgs;
  Status st = GetString(*body, "name", &g.name, true);
  if (st.ok()) st = GetString(*body, "releasability", &g.releasability, false);
  if (st.ok()) st = GetString(*body, "description", &g.description, false);
  if (st.ok()) st = GetString(*body, "uuid", &g.uuid, false);
  if (st.ok()) st = GetStringList(*body, "orgs", &orgs);
  if (!st.ok()) return c.Fail(st);
  g.name = std::string(util::Trim(g.name));
  if (g.name.empty()) return c.Fail(Status::Invalid("$.name: must not be empty"));
  st = model::CheckSharingGroupLimits(g, "$.name", "$.releasability", "$.description");
  if (!st.ok()) return c.Fail(st);
  // A uuid held by a group the caller does not belong to must read like any
  // other unusable uuid (issue #15, finding 7): the same 400 as a malformed
  // one, naming nothing. A group the caller belongs to (and so may read) is a
  // plain 409 naming it.
  const Status unusable_uuid = Status::Invalid(
      "$.uuid: '" + g.uuid +
      "' cannot be used for a new sharing group (not a uuid, or not available); leave it out "
      "and one is generated");
  if (!g.uuid.empty() && !util::IsUuid(g.uuid)) return c.Fail(unusable_uuid);
  g.uuid = util::ToLower(g.uuid);
  const model::Org& owner = c.principal->org;
  g.owner = {owner.id, owner.uuid, owner.name};
  std::vector<int64_t> member_ids;
  for (size_t i = 0; i < orgs.size(); ++i) {
    auto o = MemberOrg(c.store, orgs[i], "$.orgs[" + std::to_string(i) + "]");
    if (!o.ok()) return c.Fail(o.status());
    member_ids.push_back(o->id);
  }
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  store::Transaction tx(c.store);
  if (!tx.status().ok()) return c.Fail(tx.status());
  if (!g.uuid.empty()) {
    auto held = c.store->FindSharingGroup(g.uuid);
    if (held.ok() && held->uuid == g.uuid) {
      auto v = c.Viewer();
      if (!v.ok()) return c.Fail(v.status());
      if (!v->InGroup(held->id)) return c.Fail(unusable_uuid);
      return c.Fail(Status::Conflict("a sharing group with uuid '" + g.uuid +
                                     "' already exists: '" + held->name + "'"));
    }
  }
  st = c.store->AddSharingGroup(&g);
  if (st.code() == Status::Code::kConflict) return c.Fail(unusable_uuid);
  for (size_t i = 0; st.ok() && i < member_ids.size(); ++i)
    st = c.store->AddSharingGroupOrg(g.id, member_ids[i]);
  if (st.ok())
    st = c.Audit("sharing-group.add", "sharing-group", g.uuid, c.principal->org.uuid, g.name);
  if (st.ok()) st = tx.Commit();
  if (!st.ok()) return c.Fail(st);
  auto stored = c.store->GetSharingGroup(g.id);
  if (!stored.ok()) return c.Fail(stored.status());
  c.Json(201, Text(SharingGroupJson(*stored)));
}

void AddOrg(Call& c) {
  auto g = VisibleGroup(c);
  if (!g.ok()) return c.Fail(g.status());
  if (g->owner.id != c.principal->org.id || !MayWriteIntel(*c.principal))
    return c.Error(
        403, "forbidden",
        "only the owner of sharing group '" + g->name + "' (" + g->owner.name + ") adds members");
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string org;
  Status st = GetString(*body, "org", &org, true);
  if (!st.ok()) return c.Fail(st);
  auto o = MemberOrg(c.store, org, "$.org");
  if (!o.ok()) return c.Fail(o.status());
  {
    std::lock_guard<std::mutex> l(c.svc->write_mutex());
    st = c.store->AddSharingGroupOrg(g->id, o->id);
    if (st.ok())
      st = c.Audit("sharing-group.add-org", "sharing-group", g->uuid, g->owner.uuid, o->name);
    if (!st.ok()) return c.Fail(st);
  }
  auto stored = c.store->GetSharingGroup(g->id);
  if (!stored.ok()) return c.Fail(stored.status());
  c.Json(200, Text(SharingGroupJson(*stored)));
}

}  // namespace

void RegisterSharingGroupRoutes(Router* r) {
  r->AddComponent("schemas", "SharingGroup", R"({"type": "object", "properties": {
    "uuid": {"type": "string", "format": "uuid"}, "name": {"type": "string"},
    "releasability": {"type": "string"}, "description": {"type": "string"},
    "owner": {"$ref": "#/components/schemas/OrgRef"},
    "members": {"type": "array", "items": {"$ref": "#/components/schemas/OrgRef"}},
    "created": {"type": "string", "format": "date-time"},
    "modified": {"type": "string", "format": "date-time"}}})");
  r->AddComponent("schemas", "OrgRef", R"({"type": "object", "properties": {
    "uuid": {"type": "string", "format": "uuid"}, "name": {"type": "string"}}})");

  r->Add(
      {"GET", "/api/v1/sharing_groups", Access::kRead, List,
       R"({"operationId": "listSharingGroups", "summary": "Sharing groups the caller's organisation belongs to",
              "responses": {"200": {"description": "Groups", "content": {"application/json":
                {"schema": {"type": "object", "properties": {"sharing_groups": {"type": "array",
                  "items": {"$ref": "#/components/schemas/SharingGroup"}}}}}}}}})"});
  r->Add({"GET", "/api/v1/sharing_groups/{uuid}", Access::kRead, Get,
          R"({"operationId": "getSharingGroup", "summary": "One sharing group (members only).",
              "parameters": [{"$ref": "#/components/parameters/Uuid"}],
              "responses": {"200": {"description": "The group", "content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/SharingGroup"}}}},
                "404": {"$ref": "#/components/responses/NotFound"}}})"});
  r->Add(
      {"POST", "/api/v1/sharing_groups", Access::kWrite, Create,
       R"({"operationId": "createSharingGroup", "summary": "Create a group owned by the caller's organisation",
              "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["name"], "properties": {
                  "name": {"type": "string"}, "releasability": {"type": "string"},
                  "description": {"type": "string"}, "uuid": {"type": "string", "format": "uuid"},
                  "orgs": {"type": "array", "items": {"type": "string"},
                    "description": "Member organisations (uuid or name); the owner is always a member"}}}}}},
              "responses": {"201": {"description": "Created", "content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/SharingGroup"}}}},
                "400": {"$ref": "#/components/responses/Invalid"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "409": {"$ref": "#/components/responses/Error"}}})"});
  r->Add(
      {"POST", "/api/v1/sharing_groups/{uuid}/orgs", Access::kWrite, AddOrg,
       R"({"operationId": "addSharingGroupOrg", "summary": "Add a member organisation (owner only).",
              "parameters": [{"$ref": "#/components/parameters/Uuid"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["org"], "properties": {"org": {"type": "string"}}}}}},
              "responses": {"200": {"description": "The group", "content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/SharingGroup"}}}},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"}}})"});
}

}  // namespace sanad::api
