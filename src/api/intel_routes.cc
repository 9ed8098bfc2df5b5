// Intelligence routes: search by value, correlations of one attribute, and
// sightings (record, and read through the sighting policy).
//
// Everything an answer holds is loaded through the policy with the caller's
// viewer: hits, correlated attributes and over-correlation counts count only
// what the caller may see, and a hidden attribute answers 404 exactly like an
// absent one. The correlation index is shared per Services and follows the
// store's DataGeneration (Services::CorrelationIndexFor).
#include <algorithm>
#include <cctype>
#include <mutex>

#include "api/json.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "audit/actions.h"
#include "intel/correlation.h"
#include "intel/json.h"
#include "intel/search.h"
#include "intel/sighting.h"
#include "model/types.h"
#include "util/util.h"

namespace sanad::api {

namespace {

constexpr size_t kMaxSearchValues = 100;

// A date query parameter ("YYYY-MM-DD", Unix seconds or ISO-8601) as
// YYYY-MM-DD in *out ("" when absent).
Status QueryDate(const server::Request& req, std::string_view name, std::string* out) {
  const std::string* s = req.Query(name);
  if (!s) return Status::Ok();
  int64_t t = 0;
  if (s->size() == 10 && (*s)[4] == '-' && (*s)[7] == '-' &&
      util::ParseIso8601(*s + "T00:00:00Z", &t)) {
    *out = *s;
    return Status::Ok();
  }
  std::optional<int64_t> parsed;
  Status st = QueryTime(req, name, &parsed);
  if (!st.ok()) return st;
  *out = util::FormatDate(*parsed);
  return Status::Ok();
}

// last=30m|12h|7d|2w: the attribute timestamp is at least now minus that.
Status QueryLast(const server::Request& req, std::optional<model::Timestamp>* since) {
  const std::string* s = req.Query("last");
  if (!s) return Status::Ok();
  Status bad = Status::Invalid("query parameter last: '" + *s +
                               "' is not a duration (a number followed by m, h, d or w)");
  if (s->size() < 2 || s->size() > 10) return bad;
  std::string num = s->substr(0, s->size() - 1);
  if (!std::all_of(num.begin(), num.end(), ::isdigit)) return bad;
  int64_t unit = 0;
  switch (s->back()) {
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'w':
      unit = 7 * 86400;
      break;
    default:
      return bad;
  }
  *since = util::Now() - std::stoll(num) * unit;
  return Status::Ok();
}

// ---- handlers ----

void SearchRoute(Call& c) {
  std::vector<std::string> values = c.req.QueryAll("value");
  if (values.empty())
    return c.Fail(Status::Invalid("query parameter value: at least one value is required"));
  if (values.size() > kMaxSearchValues)
    return c.Fail(Status::Invalid("query parameter value: at most " +
                                  std::to_string(kMaxSearchValues) + " values per request, got " +
                                  std::to_string(values.size())));
  intel::SearchFilters f;
  if (const std::string* t = c.req.Query("value_type")) {
    if (!model::FindType(*t))
      return c.Fail(Status::Invalid("query parameter value_type: unknown MISP type '" + *t + "'"));
    f.type = *t;
  }
  f.types = c.req.QueryAll("type");
  f.categories = c.req.QueryAll("category");
  intel::AddTagFilters(c.req.QueryAll("tag"), &f);
  f.all_tags = c.req.QueryAll("all_tag");
  if (const std::string* o = c.req.Query("org")) f.org = *o;
  int64_t limit = 0;
  std::optional<bool> corr;
  std::optional<model::Timestamp> since;
  Status st = QueryLimit(c.req, 100, c.svc->opts().max_page, &limit);
  if (st.ok()) st = QueryDate(c.req, "from", &f.from);
  if (st.ok()) st = QueryDate(c.req, "to", &f.to);
  if (st.ok()) st = QueryLast(c.req, &f.since);
  if (st.ok()) st = QueryTime(c.req, "since", &since);
  if (st.ok()) st = QueryBool(c.req, "to_ids", &f.to_ids);
  if (st.ok()) st = QueryBool(c.req, "published", &f.published);
  if (st.ok()) st = QueryBool(c.req, "correlations", &corr);
  if (!st.ok()) return c.Fail(st);
  if (since && (!f.since || *since > *f.since)) f.since = since;
  f.limit = static_cast<size_t>(limit);
  f.correlations = corr.value_or(true);
  auto v = c.Viewer();
  if (!v.ok()) return c.Fail(v.status());
  auto settings = intel::LoadCorrelationSettings(c.store);
  if (!settings.ok()) return c.Fail(settings.status());
  auto index = c.svc->CorrelationIndexFor(c.store);
  if (!index.ok()) return c.Fail(index.status());
  intel::SearchResult res;
  st = intel::Search(c.store, **index, *settings, *v, values, f, &res);
  if (!st.ok()) return c.Fail(st);
  c.Json(200, Text(intel::ToJson(res, f.correlations, intel::ApiViewOptions(c.store, *v))));
}

void AttributeCorrelations(Call& c) {
  const std::string& uuid = c.Param("uuid");
  Status hidden = Status::NotFound("no attribute with uuid '" + uuid + "'");
  auto hide = [&](const Status& s) { return s.code() == Status::Code::kNotFound ? hidden : s; };
  auto v = c.Viewer();
  if (!v.ok()) return c.Fail(v.status());
  auto id = c.store->intel().FindAttributeId(util::ToLower(uuid));
  if (!id.ok()) return c.Fail(hide(id.status()));
  auto self = c.store->intel().GetAttributeContext(*v, *id);
  if (!self.ok()) return c.Fail(hide(self.status()));
  auto settings = intel::LoadCorrelationSettings(c.store);
  if (!settings.ok()) return c.Fail(settings.status());
  auto index = c.svc->CorrelationIndexFor(c.store);
  if (!index.ok()) return c.Fail(index.status());
  auto r = (*index)->Correlations(*v, *id, *settings);
  if (!r.ok()) return c.Fail(hide(r.status()));
  std::vector<intel::CorrelatedAttribute> corr;
  Status st = intel::DescribeCorrelations(c.store, *v, *r, &corr);
  if (!st.ok()) return c.Fail(st);
  c.Json(200, Text(intel::ToJson(*self, corr, r->over_correlating, settings->max_events,
                                 intel::ApiViewOptions(c.store, *v))));
}

void AddSightingRoute(Call& c) {
  if (c.actor->user.role == model::Role::kReader)
    return c.Error(403, "forbidden", "readers cannot record sightings");
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  intel::SightingTarget target;
  std::string type = "seen";
  intel::NewSighting ns;
  Status st = GetString(*body, "attribute_uuid", &target.attribute_uuid, false);
  if (st.ok()) st = GetString(*body, "value", &target.value, false);
  if (st.ok()) st = GetString(*body, "type", &type, false);
  if (st.ok()) st = GetString(*body, "source", &ns.source, false);
  if (st.ok()) st = GetTime(*body, "time", &ns.time);
  if (!st.ok()) return c.Fail(Status::Invalid("request body: " + st.message()));
  if (target.attribute_uuid.empty() == target.value.empty())
    return c.Fail(Status::Invalid("request body: give exactly one of $.attribute_uuid or $.value"));
  if (!model::Parse(type, &ns.type))
    return c.Fail(
        Status::Invalid("request body: $.type: expected seen, false-positive or "
                        "expiration, got '" +
                        type + "'"));
  target.attribute_uuid = util::ToLower(target.attribute_uuid);
  auto v = c.Viewer();
  if (!v.ok()) return c.Fail(v.status());
  std::vector<model::Sighting> added;
  {
    std::lock_guard<std::mutex> l(c.svc->write_mutex());
    store::Transaction tx(c.store);
    if (!tx.status().ok()) return c.Fail(tx.status());
    st = intel::AddSighting(c.store, c.actor->org, target, ns, &added);
    if (!st.ok()) {
      if (st.code() == Status::Code::kNotFound)
        st = Status::NotFound(target.value.empty()
                                  ? "no attribute with uuid '" + target.attribute_uuid + "'"
                                  : "no attribute with value '" + target.value + "'");
      return c.Fail(st);
    }
    for (const auto& s : added) {
      auto ctx = c.store->intel().GetAttributeContext(*v, s.attribute_id);
      std::string owner = ctx.ok() ? ctx->event_orgc.uuid : "";
      st = c.Audit(audit::action::kSightingAdd, "attribute", s.attribute_uuid, owner,
                   model::Name(s.type));
      if (!st.ok()) return c.Fail(st);
    }
    st = tx.Commit();
    if (!st.ok()) return c.Fail(st);
  }
  json::array arr;
  for (const auto& s : added) arr.push_back(intel::ToJson(s));
  c.Json(201, Text(json::object{{"count", added.size()}, {"sightings", std::move(arr)}}));
}

void ListSightingsRoute(Call& c) {
  const std::string& uuid = c.Param("uuid");
  Status hidden = Status::NotFound("no attribute with uuid '" + uuid + "'");
  auto v = c.Viewer();
  if (!v.ok()) return c.Fail(v.status());
  auto cfg = intel::LoadDecayConfig(c.store);
  if (!cfg.ok()) return c.Fail(cfg.status());
  auto id = c.store->intel().FindAttributeId(util::ToLower(uuid));
  if (!id.ok()) return c.Fail(id.status().code() == Status::Code::kNotFound ? hidden : id.status());
  auto sum = intel::ListSightings(c.store, *v, *id, *cfg, util::Now());
  if (!sum.ok())
    return c.Fail(sum.status().code() == Status::Code::kNotFound ? hidden : sum.status());
  c.Json(200, Text(intel::ToJson(*sum)));
}

}  // namespace

void RegisterIntelRoutes(Router* r) {
  r->AddComponent("schemas", "AttributeInContext", R"J({"type": "object",
    "description": "An attribute with its event (and object) context, as the caller may see it",
    "allOf": [{"$ref": "#/components/schemas/Attribute"}]})J");
  r->AddComponent("schemas", "Correlation", R"J({"type": "object",
    "description": "A correlated attribute of another event, visible to the caller",
    "allOf": [{"$ref": "#/components/schemas/AttributeInContext"}],
    "properties": {"rule": {"enum": ["exact", "cidr", "subdomain", "url-host"]},
      "matched_value": {"type": "string"}, "correlated_value": {"type": "string"}}})J");
  r->AddComponent("schemas", "OverCorrelation", R"J({"type": "object",
    "description": "A group spanning more than max_events visible events: counted, not listed (counts include only what the caller may see)",
    "properties": {"value": {"type": "string"}, "rule": {"type": "string"},
      "visible_count": {"type": "integer"}, "visible_events": {"type": "integer"}}})J");
  r->AddComponent("schemas", "Sighting", R"J({"type": "object", "properties": {
    "uuid": {"type": "string", "format": "uuid"}, "attribute_uuid": {"type": "string", "format": "uuid"},
    "type": {"enum": ["seen", "false-positive", "expiration"]}, "source": {"type": "string"},
    "date_sighting": {"type": "integer"}, "time": {"type": "string"},
    "org": {"oneOf": [{"$ref": "#/components/schemas/OrgRef"}, {"type": "null"}]}}})J");

  r->Add(
      {"GET", "/api/v1/search", Access::kRead, SearchRoute,
       R"J({"operationId": "search", "summary": "Attributes the caller may see that match values, with their correlations",
              "description": "A value is read as its guessed MISP type (or value_type) and matches exact values and components, CIDR containment both ways, domains and their subdomains, and URL hosts.",
              "parameters": [
                {"name": "value", "in": "query", "required": true, "description": "A value to look for (repeatable, at most 100).", "schema": {"type": "string"}},
                {"name": "value_type", "in": "query", "description": "MISP type of the values (default: guessed per value).", "schema": {"type": "string"}},
                {"name": "type", "in": "query", "description": "Attribute type (repeatable: any of them).", "schema": {"type": "string"}},
                {"name": "category", "in": "query", "description": "Attribute category (repeatable).", "schema": {"type": "string"}},
                {"name": "tag", "in": "query", "description": "Tag on the attribute or its event (repeatable: any of them); !tag excludes.", "schema": {"type": "string"}},
                {"name": "all_tag", "in": "query", "description": "Tag that must be present (repeatable: all of them).", "schema": {"type": "string"}},
                {"name": "org", "in": "query", "description": "Event creator organisation (name or uuid).", "schema": {"type": "string"}},
                {"name": "from", "in": "query", "description": "Event date from (YYYY-MM-DD).", "schema": {"type": "string"}},
                {"name": "to", "in": "query", "description": "Event date to (YYYY-MM-DD).", "schema": {"type": "string"}},
                {"name": "last", "in": "query", "description": "Attributes changed within (30m, 12h, 7d, 2w).", "schema": {"type": "string"}},
                {"name": "since", "in": "query", "description": "Attribute timestamp >= (Unix seconds or ISO-8601).", "schema": {"type": "string"}},
                {"name": "to_ids", "in": "query", "schema": {"type": "boolean"}},
                {"name": "published", "in": "query", "schema": {"type": "boolean"}},
                {"name": "correlations", "in": "query", "description": "Attach each hit's correlations (default true).", "schema": {"type": "boolean"}},
                {"$ref": "#/components/parameters/Limit"}],
              "responses": {"200": {"description": "Hits in attribute order", "content": {"application/json": {"schema": {
                  "type": "object", "properties": {"count": {"type": "integer"}, "truncated": {"type": "boolean"},
                    "hits": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/AttributeInContext"}],
                      "properties": {"query": {"type": "string"}, "matched_by": {"type": "string"},
                        "correlations": {"type": "array", "items": {"$ref": "#/components/schemas/Correlation"}},
                        "over_correlating": {"type": "array", "items": {"$ref": "#/components/schemas/OverCorrelation"}}}}}}}}}},
                "400": {"$ref": "#/components/responses/Invalid"}}})J"});
  r->Add(
      {"GET", "/api/v1/attributes/{uuid}/correlations", Access::kRead, AttributeCorrelations,
       R"J({"operationId": "getAttributeCorrelations", "summary": "Attributes of other events that share an indicator with this one, as the caller sees them",
              "parameters": [{"$ref": "#/components/parameters/Uuid"}],
              "responses": {"200": {"description": "The attribute and its correlations", "content": {"application/json": {"schema": {
                  "type": "object", "properties": {"attribute": {"$ref": "#/components/schemas/AttributeInContext"},
                    "correlations": {"type": "array", "items": {"$ref": "#/components/schemas/Correlation"}},
                    "over_correlating": {"type": "array", "items": {"$ref": "#/components/schemas/OverCorrelation"}},
                    "max_events": {"type": "integer"}}}}}},
                "404": {"$ref": "#/components/responses/NotFound"}}})J"});
  r->Add(
      {"POST", "/api/v1/sightings", Access::kWrite, AddSightingRoute,
       R"J({"operationId": "addSighting", "summary": "Record a sighting by the caller's organisation",
              "description": "On one attribute (attribute_uuid) or on every attribute with a value that the caller may see (value). A hidden attribute reads as absent.",
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
                "attribute_uuid": {"type": "string", "format": "uuid"}, "value": {"type": "string"},
                "type": {"enum": ["seen", "false-positive", "expiration"], "default": "seen"},
                "source": {"type": "string"},
                "time": {"type": ["integer", "string"], "description": "Unix seconds or ISO-8601; default now"}}}}}},
              "responses": {"201": {"description": "The recorded sightings", "content": {"application/json": {"schema": {
                  "type": "object", "properties": {"count": {"type": "integer"},
                    "sightings": {"type": "array", "items": {"$ref": "#/components/schemas/Sighting"}}}}}}},
                "400": {"$ref": "#/components/responses/Invalid"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"}}})J"});
  r->Add(
      {"GET", "/api/v1/attributes/{uuid}/sightings", Access::kRead, ListSightingsRoute,
       R"J({"operationId": "listAttributeSightings", "summary": "Sightings of one attribute through the sighting policy, with its score",
              "description": "The event owner and each reporter see their sightings in full; other viewers of the attribute see counts per type.",
              "parameters": [{"$ref": "#/components/parameters/Uuid"}],
              "responses": {"200": {"description": "Counts, visible details and the current score", "content": {"application/json": {"schema": {
                  "type": "object", "properties": {"attribute_uuid": {"type": "string"}, "type": {"type": "string"},
                    "value": {"type": "string"}, "score": {"type": "number"}, "decay_class": {"type": "string"},
                    "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "details_complete": {"type": "boolean"},
                    "sightings": {"type": "array", "items": {"$ref": "#/components/schemas/Sighting"}}}}}}},
                "404": {"$ref": "#/components/responses/NotFound"}}})J"});
}

}  // namespace sanad::api
