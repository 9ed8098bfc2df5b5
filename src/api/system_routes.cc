// Health, Prometheus metrics, the OpenAPI document, and the OpenAPI
// components shared by every area.
#include "api/json.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "server/metrics.h"

namespace sanad::api {

void RegisterSystemRoutes(Router* r) {
  // ---- shared components ----
  r->AddComponent("schemas", "Error", R"({
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message", "details"],
      "properties": {
        "code": {"type": "string", "description": "invalid, unauthorized, forbidden, not_found, conflict, limit, method_not_allowed, rate_limited, payload_too_large, header_too_large, bad_request, unavailable, internal"},
        "message": {"type": "string"},
        "details": {"type": "object"}}}}})");
  r->AddComponent("responses", "Error", R"({"description": "Error",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})");
  r->AddComponent("responses", "Unauthorized", R"({"description": "Missing or invalid API key",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})");
  r->AddComponent("responses", "Forbidden",
                  R"({"description": "The caller's role, key or organisation may not do this",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})");
  r->AddComponent("responses", "NotFound",
                  R"({"description": "Absent, or not visible to the caller (indistinguishable).",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})");
  r->AddComponent(
      "responses", "Invalid",
      R"({"description": "The request is malformed; the message names the member and the problem",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})");
  r->AddComponent("responses", "RateLimited",
                  R"({"description": "Per-key rate limit exceeded; see Retry-After",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})");
  r->AddComponent("parameters", "Uuid", R"({"name": "uuid", "in": "path", "required": true,
    "schema": {"type": "string", "format": "uuid"}})");
  r->AddComponent("parameters", "Limit", R"({"name": "limit", "in": "query",
    "description": "Page size (1..1000, default 50).", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}})");
  r->AddComponent("parameters", "Cursor", R"({"name": "cursor", "in": "query",
    "description": "Opaque cursor from the previous page's next_cursor", "schema": {"type": "string"}})");

  // ---- routes ----
  r->Add({"GET", "/api/v1/health", Access::kPublic,
          [](Call& c) {
            int v = c.store->SchemaVersion();
            c.Json(200, Text(json::object{{"status", "ok"}, {"schema_version", v}}));
          },
          R"({"operationId": "health", "summary": "Liveness and store check",
              "responses": {"200": {"description": "The server runs and its store opens",
                "content": {"application/json": {"schema": {"type": "object",
                  "properties": {"status": {"const": "ok"}, "schema_version": {"type": "integer"}}}}}}}})"});

  r->Add(
      {"GET", "/metrics", Access::kPublic,
       [](Call& c) {
         server::Metrics* m = c.svc->metrics();
         std::string body = m ? m->Render() : std::string();
         // /metrics is public (scrapers rarely hold keys), so it shows only
         // totals that are not sensitive: the transport metrics above and the
         // number of organisations (the membership is public in the register).
         // Counts of events, attributes, objects and sightings would include
         // organisation-only and sharing-group data (their growth tells when
         // a member records something nobody else may see): they are left out;
         // `sanad status` shows them to the operator.
         auto stats = c.store->GetStats();
         if (stats.ok()) {
           body += "# TYPE sanad_store_orgs gauge\nsanad_store_orgs " +
                   std::to_string(stats->orgs) + "\n";
         }
         c.res->status = 200;
         c.res->content_type = "text/plain; version=0.0.4; charset=utf-8";
         c.res->body = std::move(body);
       },
       R"({"operationId": "metrics", "summary": "Prometheus metrics (text exposition format 0.0.4).", "description": "Public: transport metrics (requests, latency, connections, refusals) and the number of organisations only; no counts of events, attributes, objects or sightings (they would include organisation-only data).",
              "responses": {"200": {"description": "Counters, gauges and histograms",
                "content": {"text/plain": {"schema": {"type": "string"}}}}}})"});

  r->Add({"GET", "/api/v1/openapi.json", Access::kPublic,
          [](Call& c) {
            auto doc = c.svc->router()->OpenApiDocument();
            if (!doc.ok()) return c.Fail(doc.status());
            c.Json(200, *doc + "\n");
          },
          R"({"operationId": "openapi", "summary": "This OpenAPI 3.1 document",
              "responses": {"200": {"description": "The API reference",
                "content": {"application/json": {"schema": {"type": "object"}}}}}})"});
}

}  // namespace sanad::api
