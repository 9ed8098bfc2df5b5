// Sharing groups. A caller sees the groups its organisation belongs to (a
// group's membership is itself shared information); any analyst or
// org-admin creates groups owned by its organisation; only the owner adds
// members. Writes go through the community service (community/community.h).
#include <mutex>

#include "api/json.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "community/community.h"
#include "community/json.h"
#include "util/util.h"

namespace sanad::api {

namespace {

// The group named by the path as the caller may see it (404 otherwise).
StatusOr<model::SharingGroup> VisibleGroup(Call& c) {
  const std::string& id = c.Param("uuid");
  Status hidden = Status::NotFound("no sharing group '" + id + "'");
  auto g = c.store->community().FindSharingGroup(id);
  if (!g.ok()) return hidden;
  auto v = c.Viewer();
  if (!v.ok()) return v.status();
  if (!v->InGroup(g->id)) return hidden;
  return g;
}

StatusOr<model::Org> MemberOrg(store::Store* s, const std::string& name_or_uuid,
                               const std::string& where) {
  auto o = s->community().FindOrg(name_or_uuid);
  if (!o.ok()) return Status::NotFound(where + ": no organisation '" + name_or_uuid + "'");
  if (o->status == model::OrgStatus::kExternal)
    return Status::Invalid(where + ": '" + o->name + "' is an external organisation");
  return o;
}

void List(Call& c) {
  auto v = c.Viewer();
  if (!v.ok()) return c.Fail(v.status());
  std::vector<model::SharingGroup> groups;
  Status st = c.store->community().ListSharingGroups(&groups);
  if (!st.ok()) return c.Fail(st);
  json::array arr;
  for (const auto& g : groups)
    if (v->InGroup(g.id)) arr.push_back(community::ToJson(g));
  c.Json(200, Text(json::object{{"sharing_groups", std::move(arr)}}));
}

void Get(Call& c) {
  auto g = VisibleGroup(c);
  if (!g.ok()) return c.Fail(g.status());
  c.Json(200, Text(community::ToJson(*g)));
}

void Create(Call& c) {
  if (Status may = community::MayCreateSharingGroups(*c.actor); !may.ok()) return c.Fail(may);
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
  std::vector<model::Org> members;
  for (size_t i = 0; i < orgs.size(); ++i) {
    auto o = MemberOrg(c.store, orgs[i], "$.orgs[" + std::to_string(i) + "]");
    if (!o.ok()) return c.Fail(o.status());
    members.push_back(std::move(*o));
  }
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  auto added = community::AddSharingGroup(c.store, *c.actor, std::move(g), members);
  if (!added.ok()) return c.Fail(added.status());
  c.Json(201, Text(community::ToJson(*added)));
}

void AddOrg(Call& c) {
  auto g = VisibleGroup(c);
  if (!g.ok()) return c.Fail(g.status());
  if (Status may = community::MayAddSharingGroupOrgs(*c.actor, *g); !may.ok()) return c.Fail(may);
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string org;
  Status st = GetString(*body, "org", &org, true);
  if (!st.ok()) return c.Fail(st);
  auto o = MemberOrg(c.store, org, "$.org");
  if (!o.ok()) return c.Fail(o.status());
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  auto added = community::AddSharingGroupOrgs(c.store, *c.actor, *g, {*o});
  if (!added.ok()) return c.Fail(added.status());
  c.Json(200, Text(community::ToJson(*added)));
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
