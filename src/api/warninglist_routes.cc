// Warninglists: the loaded lists, and checking values against them.
#include "api/json.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "intel/warninglist.h"
#include "model/canon.h"

namespace sanad::api {

namespace {

constexpr size_t kMaxCheckValues = 10000;

void List(Call& c) {
  json::array arr;
  for (const auto& l : c.svc->warninglists().List()) {
    json::array types;
    for (const auto& t : l.matching_attributes) types.emplace_back(t);
    arr.push_back({{"name", l.name},
                   {"description", l.description},
                   {"type", std::string(intel::WarninglistTypeName(l.type))},
                   {"version", l.version},
                   {"matching_attributes", std::move(types)},
                   {"entries", l.entries},
                   {"builtin", l.builtin}});
  }
  c.Json(200, Text(json::object{{"warninglists", std::move(arr)}}));
}

void Check(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::vector<std::string> values;
  std::string type;
  Status st = GetStringList(*body, "values", &values);
  if (st.ok()) st = GetString(*body, "type", &type, false);
  if (!st.ok()) return c.Fail(st);
  if (!body->contains("values")) return c.Fail(Status::Invalid("$.values: required"));
  if (values.size() > kMaxCheckValues)
    return c.Fail(Status::Limit("$.values: " + std::to_string(values.size()) + " values; at most " +
                                std::to_string(kMaxCheckValues) + " per request"));
  const auto& lists = c.svc->warninglists();
  json::array results;
  for (const auto& v : values) {
    std::string t = type.empty() ? std::string(model::GuessType(v)) : type;
    model::CanonicalValue cv;
    std::vector<intel::WarninglistHit> hits;
    if (model::Canonicalise(t, v, &cv).ok()) {
      hits = lists.Check(t, cv.value);
    } else {
      cv.value = v;
      hits = lists.CheckValue(v);
    }
    json::array h;
    for (const auto& x : hits) h.push_back({{"list", x.list}, {"entry", x.entry}});
    results.push_back({{"value", v}, {"type", t}, {"canonical", cv.value}, {"hits", std::move(h)}});
  }
  c.Json(200, Text(json::object{{"results", std::move(results)}}));
}

}  // namespace

void RegisterWarninglistRoutes(Router* r) {
  r->Add(
      {"GET", "/api/v1/warninglists", Access::kRead, List,
       R"({"operationId": "listWarninglists", "summary": "The loaded warninglists (built-in and installed).",
              "responses": {"200": {"description": "Lists", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"warninglists": {"type": "array", "items": {
                  "type": "object", "properties": {"name": {"type": "string"}, "description": {"type": "string"},
                    "type": {"enum": ["cidr", "hostname", "string", "substring", "regex"]},
                    "version": {"type": "integer"}, "matching_attributes": {"type": "array", "items": {"type": "string"}},
                    "entries": {"type": "integer"}, "builtin": {"type": "boolean"}}}}}}}}}}})"});
  r->Add(
      {"POST", "/api/v1/warninglists/check", Access::kRead, Check,
       R"({"operationId": "checkWarninglists", "summary": "Check values against the warninglists (read-only keys allowed).",
              "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["values"], "properties": {
                  "values": {"type": "array", "items": {"type": "string"}, "maxItems": 10000},
                  "type": {"type": "string", "description": "MISP type of every value (default: guessed per value)."}}}}}},
              "responses": {"200": {"description": "One result per value, in order", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"results": {"type": "array", "items": {"type": "object", "properties": {
                  "value": {"type": "string"}, "type": {"type": "string"}, "canonical": {"type": "string"},
                  "hits": {"type": "array", "items": {"type": "object", "properties": {
                    "list": {"type": "string"}, "entry": {"type": "string"}}}}}}}}}}}},
                "400": {"$ref": "#/components/responses/Invalid"}}})"});
}

}  // namespace sanad::api
