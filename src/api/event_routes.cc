// Events (MISP JSON in and out), attributes and streamed exports.
//
// Reads go through the store's policy-filtered methods with the caller's
// viewer: an event or attribute the caller may not see answers 404 exactly
// like an absent one; local tags and sighting details follow policy/. Writes
// (create, update, publish, delete) are the event service's (event/event.h:
// holder rule, one transaction with its audit record), called under the
// API's write lock.
#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "api/json.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "event/event.h"
#include "formats/export.h"
#include "formats/import.h"
#include "formats/misp.h"
#include "intel/json.h"
#include "membership/membership.h"
#include "util/util.h"

namespace sanad::api {

namespace {

// The MISP JSON of `ev` as the caller may receive it.
StatusOr<std::string> EventText(Call& c, model::Event ev, const policy::Viewer& v) {
  policy::RedactLocalTags(v, &ev);
  std::vector<model::SharingGroup> all, visible;
  SANAD_RETURN_IF_ERROR(c.store->community().ListSharingGroups(&all));
  for (auto& g : all)
    if (v.InGroup(g.id)) visible.push_back(std::move(g));
  formats::MispWriteOptions o;
  o.sharing_groups = &visible;
  // Sightings in full where MISP's sighting policy allows details (the
  // holder and creator of the event see all; others their own); counts for
  // everyone are at /api/v1/attributes/{uuid}/sightings.
  std::vector<model::Sighting> sightings;
  SANAD_RETURN_IF_ERROR(c.store->sightings().ListEventSightings(ev.id, &sightings));
  if (!sightings.empty()) {
    std::unordered_map<int64_t, std::vector<model::Sighting>> by_attribute;
    for (auto& s : sightings) by_attribute[s.attribute_id].push_back(std::move(s));
    auto attach = [&](const model::Object* ob, model::Attribute& a) {
      a.sightings.clear();
      auto it = by_attribute.find(a.id);
      if (it == by_attribute.end()) return;
      for (const auto& s : it->second)
        if (policy::MaySeeSightingDetails(v, ev, ob, a, s)) a.sightings.push_back(s);
    };
    for (auto& a : ev.attributes) attach(nullptr, a);
    for (auto& ob : ev.objects)
      for (auto& a : ob.attributes) attach(&ob, a);
  }
  o.include_sightings = true;
  return formats::WriteMispEvent(ev, o);
}

void SendEvent(Call& c, int status, const std::string& uuid,
               const std::vector<std::string>& warnings) {
  auto v = c.Viewer();
  if (!v.ok()) return c.Fail(v.status());
  // Serialised answers are kept per org and data generation; reads that
  // must be audited always take the full path.
  auto gen = c.store->intel().DataGeneration();
  if (!gen.ok()) return c.Fail(gen.status());
  auto mark = c.store->sightings().LastSightingId();
  if (!mark.ok()) return c.Fail(mark.status());
  const Services::EventVersion version{*gen, *mark};
  std::shared_ptr<const std::string> text =
      c.svc->FindEventText(v->org_id, util::ToLower(uuid), version);
  if (!text) {
    auto ev = c.store->events().GetEvent(*v, uuid);
    if (!ev.ok()) return c.Fail(ev.status());
    const bool sensitive = audit::IsSensitiveRead(*ev);
    if (sensitive) {
      std::lock_guard<std::mutex> l(c.svc->write_mutex());
      Status st = audit::RecordSensitiveRead(c.store, *c.actor, "api.event", *ev);
      if (!st.ok()) return c.Fail(st);
    }
    std::string key_uuid = ev->uuid;
    auto t = EventText(c, std::move(*ev), *v);
    if (!t.ok()) return c.Fail(t.status());
    text = std::make_shared<const std::string>(std::move(*t));
    if (!sensitive) c.svc->KeepEventText(v->org_id, key_uuid, version, text);
  }
  if (warnings.empty()) return c.Json(status, *text + "\n");
  // {"Event": {...}, "warnings": [...]}: MISP clients read "Event" and
  // ignore the rest.
  json::array w;
  for (const auto& s : warnings) w.emplace_back(s);
  std::string body = *text;
  body.pop_back();  // the closing brace of {"Event": ...}
  body += ", \"warnings\": " + json::serialize(w) + "}\n";
  c.Json(status, std::move(body));
}

// Parses a request body holding one MISP event ({"Event": {...}} or the bare
// event object). `path_uuid` (may be empty) fills a missing uuid and must
// match a given one; without either a new uuid is assigned.
Status ParseEventBody(const server::Request& req, const std::string& path_uuid, model::Event* ev) {
  auto body = BodyObject(req);
  if (!body.ok()) return body.status();
  json::object* evo = &*body;
  bool wrapped = false;
  if (auto* e = body->if_contains("Event")) {
    if (!e->is_object()) return Status::Invalid("request body: $.Event: must be an object");
    evo = &e->as_object();
    wrapped = true;
  } else if (body->contains("response")) {
    return Status::Invalid("request body: one event per request (use the CLI import for lists).");
  }
  const json::value* u = evo->if_contains("uuid");
  std::string prefix = wrapped ? "$.Event" : "$";
  if (u && !u->is_string())
    return Status::Invalid("request body: " + prefix + ".uuid: must be a string");
  if (u && !path_uuid.empty() && util::LowerUuid(u->as_string()) != util::LowerUuid(path_uuid))
    return Status::Invalid("request body: " + prefix + ".uuid " + std::string(u->as_string()) +
                           " differs from the uuid in the path " + path_uuid);
  if (!u) (*evo)["uuid"] = path_uuid.empty() ? util::NewUuid() : util::LowerUuid(path_uuid);
  formats::ParseNotes notes;
  return formats::ParseMispEventJson(json::serialize(*body), "request body", ev, &notes);
}

// Runs one event-service write under the API's write lock.
template <class Fn>
auto Locked(Call& c, Fn&& fn) {
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  return fn();
}

event::WriteOptions WriteOpts(Call& c) {
  event::WriteOptions o;
  o.warninglists = &c.svc->warninglists();
  return o;
}

// ---- handlers ----

void ListEvents(Call& c) {
  auto v = c.Viewer();
  if (!v.ok()) return c.Fail(v.status());
  int64_t limit = 0;
  Status st = QueryLimit(c.req, c.svc->opts().default_page, c.svc->opts().max_page, &limit);
  store::EventQuery q;
  if (st.ok()) st = QueryBool(c.req, "published", &q.published);
  if (st.ok()) st = QueryTime(c.req, "since", &q.since);
  if (st.ok()) st = QueryTime(c.req, "until", &q.until);
  if (!st.ok()) return c.Fail(st);
  int64_t after = 0;
  if (const std::string* cur = c.req.Query("cursor"); cur && !cur->empty()) {
    if (!DecodeCursor(*cur, &after))
      return c.Fail(Status::Invalid("query parameter cursor: not a cursor from this API"));
  }
  q.after_id = after;     // the cursor is pushed down to SQL
  q.limit = limit + 1;    // one more tells whether a next page exists
  json::array events;
  int64_t last = 0;
  bool more = false;
  st = c.store->events().ScanEvents(*v, q, [&](model::Event& ev) {
    if (static_cast<int64_t>(events.size()) == limit) {
      more = true;
      return false;
    }
    policy::RedactLocalTags(*v, &ev);
    events.push_back(EventSummaryJson(ev));
    last = ev.id;
    return true;
  });
  if (!st.ok()) return c.Fail(st);
  json::object out{{"events", std::move(events)}};
  out["next_cursor"] = more ? json::value(EncodeCursor(last)) : json::value(nullptr);
  c.Json(200, Text(out));
}

void GetEventRoute(Call& c) { SendEvent(c, 200, c.Param("uuid"), {}); }

void CreateEvent(Call& c) {
  if (Status st = event::CheckWriter(*c.actor, "add"); !st.ok()) return c.Fail(st);
  model::Event ev;
  Status st = ParseEventBody(c.req, "", &ev);
  if (!st.ok()) return c.Fail(st);
  std::string uuid = util::LowerUuid(ev.uuid);
  event::WriteOptions o = WriteOpts(c);
  o.conflict_hint = "an event you hold is updated with PUT /api/v1/events/" + uuid;
  auto w = Locked(c, [&] { return event::Create(c.store, *c.actor, std::move(ev), o); });
  if (!w.ok()) return c.Fail(w.status());
  c.res->headers.emplace_back("Location", "/api/v1/events/" + uuid);
  SendEvent(c, 201, uuid, w->warnings);
}

void UpdateEvent(Call& c) {
  if (Status st = event::CheckWriter(*c.actor, "change"); !st.ok()) return c.Fail(st);
  const std::string& uuid = c.Param("uuid");
  if (!util::IsUuid(uuid)) return c.Fail(Status::Invalid("'" + uuid + "' is not a uuid"));
  model::Event ev;
  Status st = ParseEventBody(c.req, uuid, &ev);
  if (!st.ok()) return c.Fail(st);
  auto w = Locked(
      c, [&] { return event::Update(c.store, *c.actor, uuid, std::move(ev), WriteOpts(c)); });
  if (!w.ok()) return c.Fail(w.status());
  SendEvent(c, 200, uuid, w->warnings);
}

void PublishEvent(Call& c) {
  const std::string& uuid = c.Param("uuid");
  auto ev = Locked(c, [&] { return event::Publish(c.store, *c.actor, uuid); });
  if (!ev.ok()) return c.Fail(ev.status());
  SendEvent(c, 200, uuid, {});
}

void DeleteEvent(Call& c) {
  const std::string& uuid = c.Param("uuid");
  auto ev = Locked(c, [&] { return event::Delete(c.store, *c.actor, uuid); });
  if (!ev.ok()) return c.Fail(ev.status());
  c.Json(200, Text(json::object{{"uuid", ev->uuid}, {"deleted", true}}));
}

void GetAttribute(Call& c) {
  const std::string& uuid = c.Param("uuid");
  Status hidden = Status::NotFound("no attribute with uuid '" + uuid + "'");
  auto v = c.Viewer();
  if (!v.ok()) return c.Fail(v.status());
  auto id = c.store->intel().FindAttributeId(uuid);
  if (!id.ok()) return c.Fail(id.status().code() == Status::Code::kNotFound ? hidden : id.status());
  auto ctx = c.store->intel().GetAttributeContext(*v, *id);
  if (!ctx.ok())
    return c.Fail(ctx.status().code() == Status::Code::kNotFound ? hidden : ctx.status());
  c.Json(200, Text(intel::ToJson(*ctx, intel::ApiViewOptions(c.store, *v))));
}

void ExportEvents(Call& c) {
  formats::ExportFormat fmt = formats::ExportFormat::kMisp;
  const std::string* f = c.req.Query("format");
  if (f && !formats::ParseExportFormat(*f, &fmt))
    return c.Fail(Status::Invalid("query parameter format: '" + *f + "' is not misp, csv or text"));
  formats::ExportFilter filter;
  filter.types = c.req.QueryAll("type");
  filter.categories = c.req.QueryAll("category");
  filter.tags = c.req.QueryAll("tag");
  std::optional<bool> wl;
  Status st = QueryTime(c.req, "since", &filter.since);
  if (st.ok()) st = QueryBool(c.req, "to_ids", &filter.to_ids);
  if (st.ok()) st = QueryBool(c.req, "published", &filter.published);
  if (st.ok()) st = QueryBool(c.req, "include_warninglisted", &wl);
  if (!st.ok()) return c.Fail(st);
  filter.include_warninglisted = wl.value_or(false);
  auto v = c.Viewer();
  if (!v.ok()) return c.Fail(v.status());
  c.res->status = 200;
  c.res->content_type = fmt == formats::ExportFormat::kMisp  ? "application/json"
                        : fmt == formats::ExportFormat::kCsv ? "text/csv; charset=utf-8"
                                                             : "text/plain; charset=utf-8";
  Services* svc = c.svc;
  policy::Viewer viewer = *v;
  policy::Actor actor = *c.actor;
  c.res->stream = [svc, viewer, fmt, filter, actor](std::ostream& out) mutable -> Status {
    auto lease = svc->AcquireStore();
    if (!lease.ok()) return lease.status();
    filter.warninglists = &svc->warninglists();
    formats::ExportStats stats;
    return formats::Export(lease->get(), viewer, fmt, filter, out, &stats, &actor);
  };
}

}  // namespace

void RegisterEventRoutes(Router* r) {
  r->AddComponent("schemas", "MispEvent", R"({"type": "object",
    "description": "An event in MISP core format 2.4: {\"Event\": {...}} (requests also accept the bare event object). Values are validated and canonicalised; unmodelled fields are kept and returned.",
    "properties": {"Event": {"type": "object"},
      "warnings": {"type": "array", "items": {"type": "string"},
        "description": "Import warnings (warninglist hits, category mismatches); only on writes"}}})");
  r->AddComponent("schemas", "EventSummary", R"({"type": "object", "properties": {
    "uuid": {"type": "string", "format": "uuid"}, "info": {"type": "string"},
    "date": {"type": "string", "format": "date"}, "timestamp": {"type": "integer"},
    "published": {"type": "boolean"}, "publish_timestamp": {"type": "integer"},
    "distribution": {"type": "integer", "minimum": 0, "maximum": 4},
    "threat_level_id": {"type": "integer"}, "analysis": {"type": "integer"},
    "org": {"$ref": "#/components/schemas/OrgRef"}, "orgc": {"$ref": "#/components/schemas/OrgRef"},
    "sharing_group": {"$ref": "#/components/schemas/OrgRef"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "attribute_count": {"type": "integer"}, "object_count": {"type": "integer"},
    "deleted": {"type": "boolean"}, "tlp": {"type": ["string", "null"]}}})");
  r->AddComponent("schemas", "Attribute", R"({"type": "object", "properties": {
    "uuid": {"type": "string", "format": "uuid"}, "type": {"type": "string"},
    "category": {"type": "string"}, "value": {"type": "string"}, "canonical": {"type": "string"},
    "to_ids": {"type": "boolean"}, "comment": {"type": "string"},
    "distribution": {"type": "integer"}, "timestamp": {"type": "integer"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "event": {"type": "object"}, "object": {"type": "object"}, "tlp": {"type": ["string", "null"]}}})");
  r->AddComponent("parameters", "EventUuid", R"({"name": "uuid", "in": "path", "required": true,
    "description": "Event uuid", "schema": {"type": "string", "format": "uuid"}})");

  const char* kEventBody = R"("requestBody": {"required": true, "content": {"application/json":
      {"schema": {"$ref": "#/components/schemas/MispEvent"}}}})";
  const char* kEventOut = R"({"description": "The event as the caller sees it", "content":
      {"application/json": {"schema": {"$ref": "#/components/schemas/MispEvent"}}}})";

  r->Add(
      {"GET", "/api/v1/events", Access::kRead, ListEvents,
       R"({"operationId": "listEvents", "summary": "Events the caller may see, oldest first, paginated",
              "parameters": [{"$ref": "#/components/parameters/Limit"}, {"$ref": "#/components/parameters/Cursor"},
                {"name": "published", "in": "query", "schema": {"type": "boolean"}},
                {"name": "since", "in": "query", "description": "Event timestamp >= (Unix seconds or ISO-8601).", "schema": {"type": "string"}},
                {"name": "until", "in": "query", "description": "Event timestamp <=", "schema": {"type": "string"}}],
              "responses": {"200": {"description": "One page", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                  "events": {"type": "array", "items": {"$ref": "#/components/schemas/EventSummary"}},
                  "next_cursor": {"type": ["string", "null"]}}}}}},
                "400": {"$ref": "#/components/responses/Invalid"}}})"});
  r->Add(
      {"POST", "/api/v1/events", Access::kWrite, CreateEvent,
       std::string(
           R"({"operationId": "createEvent", "summary": "Add an event (MISP JSON) held by the caller's organisation",
              "description": "One transaction; a missing uuid is assigned. An existing uuid is a conflict (use PUT).",)") +
           kEventBody + R"(, "responses": {"201": )" + kEventOut + R"(,
                "400": {"$ref": "#/components/responses/Invalid"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "409": {"$ref": "#/components/responses/Error"}}})"});
  r->Add(
      {"GET", "/api/v1/events/export", Access::kRead, ExportEvents,
       R"({"operationId": "exportEvents", "summary": "Everything the caller may see, streamed (chunked).",
              "description": "Memory on the server is bounded by one event whatever the size of the answer. A failure after the first byte ends the connection without the final chunk.",
              "parameters": [
                {"name": "format", "in": "query", "schema": {"enum": ["misp", "csv", "text"], "default": "misp"}},
                {"name": "type", "in": "query", "description": "Attribute type (repeatable).", "schema": {"type": "string"}},
                {"name": "category", "in": "query", "description": "Attribute category (repeatable).", "schema": {"type": "string"}},
                {"name": "tag", "in": "query", "description": "Tag; !tag excludes (repeatable).", "schema": {"type": "string"}},
                {"name": "since", "in": "query", "description": "Attribute timestamp >=", "schema": {"type": "string"}},
                {"name": "to_ids", "in": "query", "schema": {"type": "boolean"}},
                {"name": "published", "in": "query", "schema": {"type": "boolean"}},
                {"name": "include_warninglisted", "in": "query", "schema": {"type": "boolean"}}],
              "responses": {"200": {"description": "MISP {\"response\": [...]}, CSV or one value per line",
                "content": {"application/json": {"schema": {"type": "object"}},
                  "text/csv": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}}}},
                "400": {"$ref": "#/components/responses/Invalid"}}})"});
  r->Add(
      {"GET", "/api/v1/events/{uuid}", Access::kRead, GetEventRoute,
       std::string(
           R"({"operationId": "getEvent", "summary": "One event as the caller's organisation sees it",
              "parameters": [{"$ref": "#/components/parameters/EventUuid"}],
              "responses": {"200": )") +
           kEventOut + R"(, "404": {"$ref": "#/components/responses/NotFound"}}})"});
  std::string update_op =
      std::string(R"("parameters": [{"$ref": "#/components/parameters/EventUuid"}],)") +
      kEventBody + R"(, "responses": {"200": )" + kEventOut + R"(,
                "400": {"$ref": "#/components/responses/Invalid"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "409": {"$ref": "#/components/responses/Error"}}})";
  r->Add(
      {"PUT", "/api/v1/events/{uuid}", Access::kWrite, UpdateEvent,
       R"({"operationId": "updateEvent", "summary": "Update an event held by the caller's organisation",
              "description": "The body's timestamp must be newer than the stored one (a missing timestamp is set to now). Items missing from the body are kept.",)" +
           update_op});
  r->Add(
      {"POST", "/api/v1/events/{uuid}", Access::kWrite, UpdateEvent,
       R"({"operationId": "updateEventMisp", "summary": "Update an event (MISP's POST /events/edit style; same as PUT).",)" +
           update_op});
  r->Add(
      {"POST", "/api/v1/events/{uuid}/publish", Access::kWrite, PublishEvent,
       std::string(
           R"({"operationId": "publishEvent", "summary": "Publish an event held by the caller's organisation",
              "parameters": [{"$ref": "#/components/parameters/EventUuid"}],
              "responses": {"200": )") +
           kEventOut + R"(,
                "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"}}})"});
  r->Add(
      {"DELETE", "/api/v1/events/{uuid}", Access::kWrite, DeleteEvent,
       R"({"operationId": "deleteEvent", "summary": "Soft-delete an event held by the caller's organisation",
              "parameters": [{"$ref": "#/components/parameters/EventUuid"}],
              "responses": {"200": {"description": "Deleted", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"uuid": {"type": "string"}, "deleted": {"const": true}}}}}},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"}}})"});
  r->Add(
      {"GET", "/api/v1/attributes/{uuid}", Access::kRead, GetAttribute,
       R"({"operationId": "getAttribute", "summary": "One attribute with its event context, through the policy",
              "parameters": [{"$ref": "#/components/parameters/Uuid"}],
              "responses": {"200": {"description": "The attribute", "content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/Attribute"}}}},
                "404": {"$ref": "#/components/responses/NotFound"}}})"});
}

}  // namespace sanad::api
