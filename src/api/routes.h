// Registration of the API's route areas (internal to src/api). Each area
// lives in src/api/<area>_routes.cc and adds its routes (with their OpenAPI
// operations) to the router; api.cc calls every function listed here.
// A new area adds a file, a declaration here and one line in api.cc's
// kAreas list.
#pragma once

#include "server/http.h"

namespace sanad::api {

class Router;

// GET /api/v1/health, GET /metrics, GET /api/v1/openapi.json; shared
// OpenAPI components (Error, responses, common parameters).
void RegisterSystemRoutes(Router* r);
// /api/v1/orgs, /api/v1/users, /api/v1/keys
void RegisterCommunityRoutes(Router* r);
// /api/v1/sharing_groups
void RegisterSharingGroupRoutes(Router* r);
// /api/v1/events (list, get, create, update, publish, delete, export),
// /api/v1/attributes/{uuid}
void RegisterEventRoutes(Router* r);
// /api/v1/warninglists
void RegisterWarninglistRoutes(Router* r);
// /api/v1/search, /api/v1/attributes/{uuid}/correlations, /api/v1/sightings,
// /api/v1/attributes/{uuid}/sightings
void RegisterIntelRoutes(Router* r);
// /api/v1/match (POST a log body, hits streamed back as JSON lines)
void RegisterMatchRoutes(Router* r);
// /api/v1/incidents, /api/v1/incident_reports, /api/v1/rfas, tasks, clocks
void RegisterIncidentRoutes(Router* r);
// /api/v1/membership/... (applications, sponsorship, votes, register)
void RegisterMembershipRoutes(Router* r);
// /taxii2/... (TAXII 2.1 discovery, API roots, collections, objects)
void RegisterTaxiiRoutes(Router* r);
// Under /taxii2: gives responses made outside a TAXII handler (401, 404,
// 405, 429, ...) the TAXII media type and error format; no-op elsewhere.
void FinishTaxiiResponse(const server::Request& req, server::Response* res);

}  // namespace sanad::api
