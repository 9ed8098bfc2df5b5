// Routing for the REST API, and the contract of a route handler.
//
// Each area registers its routes in its own file (src/api/<area>_routes.cc)
// through a registration function declared in api/routes.h and listed once in
// api.cc. A route carries its OpenAPI 3.1 Operation Object, so the document
// served at /api/v1/openapi.json is assembled from exactly the routes that
// exist (tests/api checks both directions and every $ref).
//
// Handlers are thin: parse the request, call the modules, serialise. They
// never include Beast and never run SQL: every read goes through the store's
// policy-filtered methods with the caller's policy::Viewer.
#pragma once

#include "audit/audit.h"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/auth.h"
#include "policy/actor.h"
#include "policy/policy.h"
#include "server/http.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::intel {
class WarninglistSet;
}
namespace sanad::server {
class Metrics;
}

namespace sanad::api {

class Services;

// What a route requires of the caller (checked before the handler runs).
enum class Access {
  kPublic,  // no key needed
  kRead,    // any valid key (read-only keys included)
  kWrite,   // a key that is not read-only; the handler checks the role
};

// One request as a handler sees it.
struct Call {
  Call(const server::Request& q, server::Response* r) : req(q), res(r) {}

  const server::Request& req;
  server::Response* res;
  std::vector<std::pair<std::string, std::string>> params;  // path parameters
  const policy::Actor* actor = nullptr;                     // the caller; null on public routes
  store::Store* store = nullptr;                            // this request's store connection
  Services* svc = nullptr;

  // Appends an audit entry for this caller (see audit/audit.h; "anonymous"
  // on public routes).
  Status Audit(std::string_view action, std::string_view object_type, std::string_view object_uuid,
               std::string_view owner_org_uuid, std::string_view details = {});

  // The path parameter `name` ("" when absent).
  const std::string& Param(std::string_view name) const;
  // The caller's org as a policy viewer (actor->viewer; Internal on public
  // routes).
  StatusOr<policy::Viewer> Viewer() const;

  // Responses. Json() sends a 2xx/other JSON body; Fail() maps a Status to
  // an HTTP error (kInvalid 400, kPermission 403, kNotFound 404, kConflict
  // 409, kLimit 413, anything else 500 with the detail kept for the log).
  void Json(int status, std::string body);
  void Fail(const Status& st);
  void Error(int status, std::string_view code, std::string_view message);
};

using RouteFn = std::function<void(Call&)>;

struct Route {
  std::string method;   // "GET", "POST", "PUT", "DELETE"
  std::string pattern;  // "/api/v1/events/{uuid}": literal segments and {name} segments
  Access access = Access::kRead;
  RouteFn fn;
  // OpenAPI 3.1 Operation Object (JSON text) with at least operationId,
  // summary and responses; path parameters must be declared. "security" is
  // filled in from `access`.
  std::string openapi;
};

class Router {
 public:
  // Aborts on a duplicate (method, pattern): a programming error.
  void Add(Route r);
  // Adds components.<section>.<name> (section "schemas", "parameters",
  // "responses") to the OpenAPI document.
  void AddComponent(std::string section, std::string name, std::string json);

  struct Match {
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<std::string> allowed;  // methods of the path when route is null
  };
  // A literal segment wins over a parameter ("/events/export" before
  // "/events/{uuid}").
  Match Find(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }
  // The OpenAPI 3.1 document (JSON text). Invalid when a route's operation
  // text is not a JSON object.
  StatusOr<std::string> OpenApiDocument() const;

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> split_;  // pattern segments per route
  struct Component {
    std::string section, name, json;
  };
  std::vector<Component> components_;
};

}  // namespace sanad::api
