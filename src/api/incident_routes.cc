// Incident coordination routes (docs/incidents.md, docs/api.md "Incidents"):
// incidents and their reports, status, indicators, comments, tasks, links,
// promotion and exports; requests for assistance and offers; SLA targets,
// overdue listings and the chair's responsiveness figures.
//
// Handlers parse, call incident::Coordinator and serialise. Every call runs
// in one transaction under the write lock, because reads of TLP:AMBER+ incidents
// are audited (writes to the audit log) like changes are. Visibility is the
// coordinator's (policy::MaySeeIncident and friends): a hidden incident,
// request or offer answers 404 exactly like an absent one.
#include <functional>
#include <mutex>

#include "api/json.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "incident/incident.h"
#include "incident/json.h"
#include "intel/correlation.h"
#include "util/json_writer.h"
#include "util/util.h"

namespace sanad::api {

namespace {

using incident::Coordinator;

// Runs `fn` in one transaction under the write lock; false (with the error
// response sent) on failure.
bool Do(Call& c, const std::function<Status(Coordinator&, const policy::Actor&)>& fn) {
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  store::Transaction tx(c.store);
  if (!tx.status().ok()) {
    c.Fail(tx.status());
    return false;
  }
  auto co = Coordinator::Create(c.store);
  Status st = co.ok() ? fn(**co, *c.actor) : co.status();
  if (st.ok()) st = tx.Commit();
  if (!st.ok()) {
    c.Fail(st);
    return false;
  }
  return true;
}

// Do() for a coordinator call that returns a StatusOr: its value is moved
// into *out. False (with the error response sent) on failure.
template <class T, class Fn>
bool DoAndGet(Call& c, T* out, Fn&& fn) {
  return Do(c, [&](Coordinator& co, const policy::Actor& k) -> Status {
    auto x = fn(co, k);
    if (!x.ok()) return x.status();
    *out = std::move(*x);
    return Status::Ok();
  });
}

// Do() for a coordinator call that returns the changed item, answered with
// `code` and the item's JSON.
template <class Fn>
void DoAndSend(Call& c, int code, Fn&& fn) {
  std::decay_t<decltype(*fn(std::declval<Coordinator&>(), std::declval<const policy::Actor&>()))>
      out;
  if (!DoAndGet(c, &out, fn)) return;
  c.Json(code, Text(incident::ToJson(out)));
}

Status BodyError(const Status& st) {
  return st.ok() ? st : Status(Status::Invalid("request body: " + st.message()));
}

// Optional string member into an optional.
Status GetOpt(const json::object& o, std::string_view key, std::optional<std::string>* out) {
  if (!o.contains(key)) return Status::Ok();
  std::string v;
  SANAD_RETURN_IF_ERROR(GetString(o, key, &v, true));
  *out = v;
  return Status::Ok();
}

// The optional array member `key`, each element read by `item(element,
// &out_element)`; an element's error is Invalid and names it
// ("$.key[i]: ...").
template <class T, class Item>
Status GetArray(const json::object& o, const std::string& key, std::vector<T>* out, Item item) {
  if (!o.contains(key)) return Status::Ok();
  const json::value& v = o.at(key);
  if (!v.is_array()) return Status::Invalid("$." + key + ": expected an array");
  for (size_t i = 0; i < v.as_array().size(); ++i) {
    T x;
    Status st = item(v.as_array()[i], &x);
    if (!st.ok())
      return Status::Invalid("$." + key + "[" + std::to_string(i) + "]: " + st.message());
    out->push_back(std::move(x));
  }
  return Status::Ok();
}

// "VALUE" or {"value", "type", "comment", "to_ids"}.
Status GetIndicators(const json::object& o, std::vector<model::Indicator>* out) {
  return GetArray(o, "indicators", out, [](const json::value& x, model::Indicator* ind) {
    if (x.is_string()) {
      ind->value = std::string(x.as_string());
      return Status::Ok();
    }
    if (!x.is_object()) return Status::Invalid("expected a string or an object");
    Status st = GetString(x.as_object(), "value", &ind->value, true);
    if (st.ok()) st = GetString(x.as_object(), "type", &ind->type, false);
    if (st.ok()) st = GetString(x.as_object(), "comment", &ind->comment, false);
    if (st.ok()) st = GetBool(x.as_object(), "to_ids", &ind->to_ids);
    return st;
  });
}

// {"name", "sha256", "size"}.
Status GetAttachments(const json::object& o, std::vector<model::Attachment>* out) {
  return GetArray(o, "attachments", out, [](const json::value& x, model::Attachment* a) {
    if (!x.is_object()) return Status::Invalid("expected an object");
    Status st = GetString(x.as_object(), "name", &a->name, true);
    if (st.ok()) st = GetString(x.as_object(), "sha256", &a->sha256, true);
    if (st.ok() && x.as_object().contains("size")) {
      const json::value& s = x.as_object().at("size");
      if (!s.is_int64())
        st = Status::Invalid("$.size: expected an integer");
      else
        a->size = s.as_int64();
    }
    return st;
  });
}

// ---- incidents ----

void FileReport(Call& c, const std::string& incident_uuid) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  incident::NewReport r;
  r.incident_uuid = incident_uuid;
  std::string reporter;
  Status st = GetString(*body, "description", &r.description, true);
  if (st.ok()) st = GetString(*body, "third_party_reporter", &r.reporter_name, false);
  if (st.ok()) st = GetString(*body, "third_party_contact", &r.reporter_contact, false);
  if (st.ok()) st = GetString(*body, "affected_org", &r.affected_org, false);
  if (st.ok()) st = GetString(*body, "affected_country", &r.affected_country, false);
  if (st.ok()) st = GetTime(*body, "received", &r.received);
  if (st.ok()) st = GetIndicators(*body, &r.indicators);
  if (st.ok()) st = GetAttachments(*body, &r.attachments);
  if (incident_uuid.empty()) {
    if (st.ok()) st = GetString(*body, "title", &r.title, false);
    if (st.ok()) st = GetString(*body, "rsit_class", &r.rsit_class, false);
    if (st.ok()) st = GetString(*body, "rsit_type", &r.rsit_type, false);
    if (st.ok()) st = GetString(*body, "severity", &r.severity, false);
    if (st.ok()) st = GetString(*body, "tlp", &r.tlp, false);
    if (st.ok()) st = GetString(*body, "pap", &r.pap, false);
    if (st.ok()) st = GetString(*body, "coordinator", &r.coordinator, false);
  }
  if (!st.ok()) return c.Fail(BodyError(st));
  r.third_party = !r.reporter_name.empty();
  incident::Coordinator::Filed f;
  if (!DoAndGet(c, &f,
                [&](Coordinator& co, const policy::Actor& k) { return co.FileReport(k, r); }))
    return;
  c.res->headers.emplace_back("Location", "/api/v1/incidents/" + f.incident.uuid);
  c.Json(201, Text(json::object{{"created", f.created},
                                {"incident", incident::ToJson(f.incident)},
                                {"report", incident::ToJson(f.report)}}));
}

void CreateIncident(Call& c) { FileReport(c, ""); }
void AddReport(Call& c) { FileReport(c, c.Param("uuid")); }

void ListIncidentsImpl(Call& c, bool overdue_route) {
  incident::IncidentFilter f;
  std::optional<bool> open, overdue;
  Status st = QueryBool(c.req, "open", &open);
  if (st.ok()) st = QueryBool(c.req, "overdue", &overdue);
  int64_t limit = 0;
  if (st.ok()) st = QueryLimit(c.req, c.svc->opts().max_page, c.svc->opts().max_page, &limit);
  if (!st.ok()) return c.Fail(st);
  for (const auto& s : c.req.QueryAll("status")) {
    model::IncidentStatus x;
    if (!model::Parse(s, &x))
      return c.Fail(Status::Invalid("query parameter status: unknown status '" + s + "'"));
    f.statuses.push_back(x);
  }
  f.open_only = open.value_or(false);
  f.limit = limit;
  std::vector<incident::IncidentSummary> list;
  if (!Do(c, [&](Coordinator& co, const policy::Actor& k) {
        return overdue_route || overdue.value_or(false) ? co.Overdue(k, &list)
                                                        : co.List(k, f, &list);
      }))
    return;
  json::array arr;
  for (const auto& s : list) arr.push_back(incident::ToJson(s));
  c.Json(200, Text(json::object{{"count", arr.size()}, {"incidents", std::move(arr)}}));
}

void ListIncidents(Call& c) { ListIncidentsImpl(c, false); }

void GetIncident(Call& c) {
  incident::IncidentView v;
  if (!DoAndGet(c, &v, [&](Coordinator& co, const policy::Actor& k) {
        return co.Get(k, c.Param("uuid"));
      }))
    return;
  c.Json(200, incident::ToJsonText(v));
}

void UpdateIncident(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  incident::IncidentChanges ch;
  Status st = GetOpt(*body, "title", &ch.title);
  if (st.ok()) st = GetOpt(*body, "description", &ch.description);
  if (st.ok()) st = GetOpt(*body, "rsit_class", &ch.rsit_class);
  if (st.ok()) st = GetOpt(*body, "rsit_type", &ch.rsit_type);
  if (st.ok()) st = GetOpt(*body, "severity", &ch.severity);
  if (st.ok()) st = GetOpt(*body, "tlp", &ch.tlp);
  if (st.ok()) st = GetOpt(*body, "pap", &ch.pap);
  if (st.ok()) st = GetOpt(*body, "coordinator", &ch.coordinator);
  if (st.ok()) st = GetOpt(*body, "affected_country", &ch.affected_country);
  if (!st.ok()) return c.Fail(BodyError(st));
  DoAndSend(c, 200, [&](Coordinator& co, const policy::Actor& k) {
    return co.Update(k, c.Param("uuid"), ch);
  });
}

void SetStatus(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string status, note, dup;
  Status st = GetString(*body, "status", &status, true);
  if (st.ok()) st = GetString(*body, "note", &note, false);
  if (st.ok()) st = GetString(*body, "duplicate_of", &dup, false);
  if (!st.ok()) return c.Fail(BodyError(st));
  model::IncidentStatus to;
  if (!model::Parse(status, &to))
    return c.Fail(Status::Invalid("request body: $.status: unknown status '" + status + "'"));
  DoAndSend(c, 200, [&](Coordinator& co, const policy::Actor& k) {
    return co.SetStatus(k, c.Param("uuid"), to, note, dup);
  });
}

void AddIndicator(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  model::Indicator ind;
  Status st = GetString(*body, "value", &ind.value, true);
  if (st.ok()) st = GetString(*body, "type", &ind.type, false);
  if (st.ok()) st = GetString(*body, "comment", &ind.comment, false);
  if (st.ok()) st = GetBool(*body, "to_ids", &ind.to_ids);
  if (!st.ok()) return c.Fail(BodyError(st));
  DoAndSend(c, 201, [&](Coordinator& co, const policy::Actor& k) {
    return co.AddIndicator(k, c.Param("uuid"), ind);
  });
}

// A {"text": "..."} body added by `add` (a comment, a work-log entry) to the
// item of the path's uuid; answered 201 with the new item.
template <class Added>
void AddText(Call& c, StatusOr<Added> (Coordinator::*add)(const policy::Actor&, std::string_view,
                                                          std::string_view)) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string text;
  Status st = GetString(*body, "text", &text, true);
  if (!st.ok()) return c.Fail(BodyError(st));
  DoAndSend(c, 201, [&](Coordinator& co, const policy::Actor& k) {
    return (co.*add)(k, c.Param("uuid"), text);
  });
}

void AddComment(Call& c) { AddText(c, &Coordinator::AddComment); }

void AddTask(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  incident::NewTask t;
  t.incident_uuid = c.Param("uuid");
  Status st = GetString(*body, "title", &t.title, true);
  if (st.ok()) st = GetString(*body, "description", &t.description, false);
  if (st.ok()) st = GetString(*body, "assignee_org", &t.assignee_org, false);
  if (st.ok()) st = GetString(*body, "assignee_user", &t.assignee_user, false);
  if (st.ok()) st = GetTime(*body, "due", &t.due);
  if (!st.ok()) return c.Fail(BodyError(st));
  DoAndSend(c, 201, [&](Coordinator& co, const policy::Actor& k) { return co.AddTask(k, t); });
}

void SetTaskStatus(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string status, note;
  Status st = GetString(*body, "status", &status, true);
  if (st.ok()) st = GetString(*body, "note", &note, false);
  if (!st.ok()) return c.Fail(BodyError(st));
  model::TaskStatus to;
  if (!model::Parse(status, &to))
    return c.Fail(
        Status::Invalid("request body: $.status: expected waiting, in-progress, done "
                        "or cancelled, got '" +
                        status + "'"));
  DoAndSend(c, 200, [&](Coordinator& co, const policy::Actor& k) {
    return co.SetTaskStatus(k, c.Param("uuid"), to, note);
  });
}

void LogWork(Call& c) { AddText(c, &Coordinator::LogWork); }

void Link(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string kind, uuid;
  Status st = GetString(*body, "kind", &kind, true);
  if (st.ok()) st = GetString(*body, "uuid", &uuid, true);
  if (!st.ok()) return c.Fail(BodyError(st));
  if (!Do(c, [&](Coordinator& co, const policy::Actor& k) {
        return co.Link(k, c.Param("uuid"), kind, uuid);
      }))
    return;
  c.Json(201, Text(json::object{{"kind", kind}, {"uuid", util::ToLower(uuid)}}));
}

void Promote(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string dist = "1", group, info, tlp;
  std::vector<int64_t> ids;
  Status st;
  if (body->contains("distribution")) {
    const json::value& d = body->at("distribution");
    if (d.is_int64())
      dist = std::to_string(d.as_int64());
    else if (d.is_string())
      dist = std::string(d.as_string());
    else
      st = Status::Invalid("$.distribution: expected 0-4");
  }
  if (st.ok()) st = GetString(*body, "sharing_group", &group, false);
  if (st.ok()) st = GetString(*body, "info", &info, false);
  if (st.ok()) st = GetString(*body, "tlp", &tlp, false);
  if (st.ok() && body->contains("indicators")) {
    const json::value& a = body->at("indicators");
    if (!a.is_array()) st = Status::Invalid("$.indicators: expected an array of ids");
    for (size_t i = 0; st.ok() && a.is_array() && i < a.as_array().size(); ++i) {
      if (!a.as_array()[i].is_int64())
        st = Status::Invalid("$.indicators[" + std::to_string(i) + "]: expected an id");
      else
        ids.push_back(a.as_array()[i].as_int64());
    }
  }
  if (!st.ok()) return c.Fail(BodyError(st));
  model::Distribution d;
  if (!model::Parse(dist, &d) || d == model::Distribution::kInherit)
    return c.Fail(
        Status::Invalid("request body: $.distribution: expected 0-4, got '" + dist + "'"));
  std::string ev;
  if (!DoAndGet(c, &ev, [&](Coordinator& co, const policy::Actor& k) {
        return co.Promote(k, c.Param("uuid"), ids, d, group, info, tlp);
      }))
    return;
  c.res->headers.emplace_back("Location", "/api/v1/events/" + ev);
  c.Json(201, Text(json::object{{"event_uuid", ev}}));
}

void Seen(Call& c) {
  auto settings = intel::LoadCorrelationSettings(c.store);
  if (!settings.ok()) return c.Fail(settings.status());
  auto index = c.svc->CorrelationIndexFor(c.store);
  if (!index.ok()) return c.Fail(index.status());
  std::vector<incident::SeenIndicator> seen;
  if (!Do(c, [&](Coordinator& co, const policy::Actor& k) {
        return co.SeenElsewhere(k, c.Param("uuid"), **index, *settings, &seen);
      }))
    return;
  json::array arr;
  for (const auto& s : seen) arr.push_back(incident::ToJson(s));
  c.Json(200, Text(json::object{{"indicators", std::move(arr)}}));
}

void Export(Call& c) {
  const std::string* f = c.req.Query("format");
  std::string format = f ? *f : "json";
  if (format != "json" && format != "iodef")
    return c.Fail(
        Status::Invalid("query parameter format: expected json or iodef, got '" + format + "'"));
  std::string doc;
  if (!DoAndGet(c, &doc, [&](Coordinator& co, const policy::Actor& k) {
        return format == "json" ? co.ExportJson(k, c.Param("uuid"))
                                : co.ExportIodef(k, c.Param("uuid"));
      }))
    return;
  if (format == "iodef") {
    c.res->status = 200;
    c.res->content_type = "application/xml";
    c.res->body = std::move(doc);
    return;
  }
  c.Json(200, std::move(doc));
}

void GetSla(Call& c) {
  auto sla = incident::LoadSla(c.store);
  if (!sla.ok()) return c.Fail(sla.status());
  c.Json(200, Text(incident::ToJson(*sla)));
}

void SetSla(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string sev, clock, target;
  Status st = GetString(*body, "severity", &sev, true);
  if (st.ok()) st = GetString(*body, "clock", &clock, true);
  if (st.ok()) {
    if (!body->contains("target"))
      st = Status::Invalid("$.target: required");
    else if (body->at("target").is_int64())
      target = std::to_string(body->at("target").as_int64());
    else
      st = GetString(*body, "target", &target, true);
  }
  if (!st.ok()) return c.Fail(BodyError(st));
  model::Severity sv;
  incident::ClockKind k;
  int64_t secs = 0;
  if (!model::Parse(sev, &sv))
    return c.Fail(Status::Invalid("request body: $.severity: unknown severity '" + sev + "'"));
  if (!incident::Parse(clock, &k))
    return c.Fail(Status::Invalid("request body: $.clock: unknown clock '" + clock + "'"));
  if (!incident::ParseDuration(target, &secs))
    return c.Fail(Status::Invalid("request body: $.target: not a duration: '" + target + "'"));
  if (!Do(c, [&](Coordinator& co, const policy::Actor& caller) {
        return co.SetSla(caller, sv, k, secs);
      }))
    return;
  GetSla(c);
}

void Responsiveness(Call& c) {
  std::vector<incident::Responsiveness> rs;
  if (!Do(c,
          [&](Coordinator& co, const policy::Actor& k) { return co.MemberResponsiveness(k, &rs); }))
    return;
  json::array arr;
  for (const auto& r : rs) arr.push_back(incident::ToJson(r));
  c.Json(200, Text(json::object{{"members", std::move(arr)}}));
}

// ---- requests for assistance ----

void CreateRfa(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  incident::NewRfa r;
  Status st = GetString(*body, "incident_uuid", &r.incident_uuid, true);
  if (st.ok()) st = GetString(*body, "kind", &r.kind, true);
  if (st.ok()) st = GetString(*body, "description", &r.description, true);
  if (st.ok()) st = GetString(*body, "audience", &r.audience, false);
  if (st.ok()) st = GetString(*body, "sharing_group", &r.sharing_group, false);
  if (st.ok()) st = GetStringList(*body, "orgs", &r.orgs);
  if (st.ok()) st = GetTime(*body, "needed_by", &r.needed_by);
  if (!st.ok()) return c.Fail(BodyError(st));
  model::Rfa rfa;
  if (!DoAndGet(c, &rfa,
                [&](Coordinator& co, const policy::Actor& k) { return co.CreateRfa(k, r); }))
    return;
  c.res->headers.emplace_back("Location", "/api/v1/rfas/" + rfa.uuid);
  c.Json(201, Text(incident::ToJson(rfa)));
}

void ListRfas(Call& c) {
  std::optional<bool> open;
  Status st = QueryBool(c.req, "open", &open);
  if (!st.ok()) return c.Fail(st);
  std::vector<incident::RfaView> list;
  if (!Do(c, [&](Coordinator& co, const policy::Actor& k) {
        return co.ListRfas(k, open.value_or(false), &list);
      }))
    return;
  json::array arr;
  for (const auto& r : list) arr.push_back(incident::ToJson(r));
  c.Json(200, Text(json::object{{"count", arr.size()}, {"rfas", std::move(arr)}}));
}

void GetRfa(Call& c) {
  DoAndSend(c, 200,
            [&](Coordinator& co, const policy::Actor& k) { return co.GetRfa(k, c.Param("uuid")); });
}

// The optional {"note": "..."} body of a decision; false after answering an
// error.
bool OptionalNote(Call& c, std::string* note) {
  if (util::Trim(c.req.body).empty()) return true;
  auto body = BodyObject(c.req);
  if (!body.ok()) {
    c.Fail(body.status());
    return false;
  }
  Status st = GetString(*body, "note", note, false);
  if (!st.ok()) {
    c.Fail(BodyError(st));
    return false;
  }
  return true;
}

void WithdrawRfa(Call& c) {
  std::string note;
  if (!OptionalNote(c, &note)) return;
  DoAndSend(c, 200, [&](Coordinator& co, const policy::Actor& k) {
    return co.WithdrawRfa(k, c.Param("uuid"), note);
  });
}

void MakeOffer(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string text;
  int64_t by = 0;
  Status st = GetString(*body, "description", &text, true);
  if (st.ok()) st = GetTime(*body, "by_when", &by);
  if (!st.ok()) return c.Fail(BodyError(st));
  DoAndSend(c, 201, [&](Coordinator& co, const policy::Actor& k) {
    return co.Offer(k, c.Param("uuid"), text, by);
  });
}

// 0 decline, 1 accept, 2 withdraw
void DecideOffer(Call& c, int what) {
  std::string note;
  if (!OptionalNote(c, &note)) return;
  DoAndSend(c, 200, [&](Coordinator& co, const policy::Actor& k) {
    return what == 2 ? co.WithdrawOffer(k, c.Param("uuid"))
                     : co.DecideOffer(k, c.Param("uuid"), what == 1, note);
  });
}

// ---- OpenAPI ----

constexpr const char* kErrors =
    R"J("400": {"$ref": "#/components/responses/Invalid"},
        "403": {"$ref": "#/components/responses/Forbidden"},
        "404": {"$ref": "#/components/responses/NotFound"},
        "409": {"$ref": "#/components/responses/Error"})J";

// An operation: id, summary, optional description, path uuid, optional
// request body schema, the success code and its schema, extra parameters.
std::string Op(const std::string& id, const std::string& summary, const std::string& description,
               bool uuid, const std::string& body, int code, const std::string& schema,
               const std::string& params = "") {
  std::string p = uuid ? R"J({"$ref": "#/components/parameters/Uuid"})J" : "";
  if (!params.empty()) p += (p.empty() ? "" : ", ") + params;
  std::string o =
      R"J({"operationId": ")J" + id + R"J(", "summary": )J" + util::JsonQuote(summary);
  if (!description.empty()) o += R"J(, "description": )J" + util::JsonQuote(description);
  if (!p.empty()) o += R"J(, "parameters": [)J" + p + "]";
  if (!body.empty())
    o += R"J(, "requestBody": {"required": true, "content": {"application/json": {"schema": )J" +
         body + "}}}";
  o += R"J(, "responses": {")J" + std::to_string(code) +
       R"J(": {"description": "OK", "content": {"application/json": {"schema": )J" + schema +
       "}}}, " + kErrors + "}}";
  return o;
}

std::string Ref(const char* name) {
  return std::string(R"J({"$ref": "#/components/schemas/)J") + name + "\"}";
}

}  // namespace

void RegisterIncidentRoutes(Router* r) {
  r->AddComponent("schemas", "IncidentClock", R"J({"type": "object", "properties": {
    "clock": {"enum": ["acknowledge", "first-offer", "containment", "resolution"]},
    "state": {"enum": ["not-started", "running", "overdue", "met", "breached", "n/a"]},
    "start": {"type": ["string", "null"]}, "stop": {"type": ["string", "null"]},
    "elapsed_seconds": {"type": "integer"}, "target_seconds": {"type": ["integer", "null"]}}})J");
  r->AddComponent("schemas", "Incident", R"J({"type": "object",
    "description": "An incident with its clocks (times ISO-8601 UTC, null when not yet)",
    "properties": {"uuid": {"type": "string", "format": "uuid"}, "title": {"type": "string"},
      "description": {"type": "string"},
      "rsit": {"type": "object", "properties": {"class": {"type": "string"}, "type": {"type": "string"}}},
      "severity": {"enum": ["low", "medium", "high", "critical"]},
      "tlp": {"type": ["string", "null"]}, "pap": {"type": ["string", "null"]},
      "status": {"enum": ["new", "triage", "in-progress", "contained", "resolved", "closed", "rejected", "duplicate"]},
      "affected_org": {"$ref": "#/components/schemas/OrgRef"}, "affected_country": {"type": "string"},
      "coordinator": {"$ref": "#/components/schemas/OrgRef"},
      "duplicate_of": {"type": ["string", "null"]}, "resolution": {"type": "string"},
      "opened": {"type": ["string", "null"]}, "acknowledged": {"type": ["string", "null"]},
      "contained": {"type": ["string", "null"]}, "resolved": {"type": ["string", "null"]},
      "closed": {"type": ["string", "null"]},
      "clocks": {"type": "array", "items": {"$ref": "#/components/schemas/IncidentClock"}},
      "open_tasks": {"type": "integer"}, "overdue_tasks": {"type": "integer"},
      "open_rfas": {"type": "integer"}, "overdue": {"type": "boolean"}}})J");
  r->AddComponent("schemas", "IncidentDetail", R"J({"type": "object",
    "description": "One incident as the caller may see it: reports, indicators, participants, requests (offers the caller may see), tasks with work logs, comments, the timeline and links to intelligence the caller may see",
    "properties": {"incident": {"allOf": [{"$ref": "#/components/schemas/Incident"}], "properties": {
      "reporting_orgs": {"type": "array", "items": {"$ref": "#/components/schemas/OrgRef"}},
      "participants": {"type": "array"}, "reports": {"type": "array"},
      "indicators": {"type": "array", "items": {"$ref": "#/components/schemas/IncidentIndicator"}},
      "rfas": {"type": "array", "items": {"$ref": "#/components/schemas/Rfa"}},
      "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
      "comments": {"type": "array"}, "timeline": {"type": "array"}, "links": {"type": "array"}}}}})J");
  r->AddComponent("schemas", "IncidentIndicator", R"J({"type": "object", "properties": {
    "id": {"type": "integer"}, "type": {"type": "string"}, "value": {"type": "string"},
    "comment": {"type": "string"}, "to_ids": {"type": "boolean"}}})J");
  r->AddComponent("schemas", "Offer", R"J({"type": "object", "properties": {
    "uuid": {"type": "string", "format": "uuid"}, "org": {"$ref": "#/components/schemas/OrgRef"},
    "description": {"type": "string"}, "by_when": {"type": ["string", "null"]},
    "status": {"enum": ["pending", "accepted", "declined", "withdrawn"]}, "note": {"type": "string"},
    "created": {"type": "string"}, "decided": {"type": ["string", "null"]}}})J");
  r->AddComponent("schemas", "Rfa", R"J({"type": "object",
    "description": "A request for assistance; incident_uuid is null unless the caller may see the incident",
    "properties": {"uuid": {"type": "string", "format": "uuid"},
      "kind": {"enum": ["sample-analysis", "takedown", "sinkholing", "blocking", "forensics", "information", "other"]},
      "description": {"type": "string"}, "audience": {"enum": ["all-members", "sharing-group", "orgs"]},
      "requester": {"$ref": "#/components/schemas/OrgRef"},
      "status": {"enum": ["open", "withdrawn", "closed"]}, "needed_by": {"type": ["string", "null"]},
      "incident_uuid": {"type": ["string", "null"]}, "tlp": {"type": ["string", "null"]},
      "offer_count": {"type": "integer"},
      "offers": {"type": "array", "items": {"$ref": "#/components/schemas/Offer"}}}})J");
  r->AddComponent("schemas", "Task", R"J({"type": "object", "properties": {
    "uuid": {"type": "string", "format": "uuid"}, "incident_uuid": {"type": "string"},
    "title": {"type": "string"}, "assignee_org": {"$ref": "#/components/schemas/OrgRef"},
    "assignee_user": {"type": ["string", "null"]}, "due": {"type": ["string", "null"]},
    "status": {"enum": ["waiting", "in-progress", "done", "cancelled"]}}})J");
  r->AddComponent("schemas", "SlaTargets", R"J({"type": "object",
    "description": "Seconds per severity and clock (0 = no target)",
    "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}}})J");

  const std::string report_body =
      R"J({"type": "object", "required": ["description"], "properties": {
    "description": {"type": "string"}, "third_party_reporter": {"type": "string"},
    "third_party_contact": {"type": "string"}, "affected_org": {"type": "string"},
    "affected_country": {"type": "string"}, "received": {"type": ["integer", "string"]},
    "indicators": {"type": "array", "items": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/IncidentIndicator"}]}},
    "attachments": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "sha256": {"type": "string"}, "size": {"type": "integer"}}}},
    "title": {"type": "string"}, "rsit_class": {"type": "string"}, "rsit_type": {"type": "string"},
    "severity": {"type": "string"}, "tlp": {"type": "string"}, "pap": {"type": "string"},
    "coordinator": {"type": "string"}}})J";
  const std::string filed = R"J({"type": "object", "properties": {"created": {"type": "boolean"},
    "incident": {"$ref": "#/components/schemas/Incident"}, "report": {"type": "object"}}})J";
  const std::string text_body =
      R"J({"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}})J";

  r->Add(
      {"GET", "/api/v1/incidents", Access::kRead, ListIncidents,
       Op("listIncidents", "Incidents the caller may see, with their clocks", "", false, "", 200,
          R"J({"type": "object", "properties": {"count": {"type": "integer"}, "incidents": {"type": "array", "items": )J" +
              Ref("Incident") + "}}}",
          R"J({"name": "status", "in": "query", "description": "Only this status (repeatable)", "schema": {"type": "string"}},
                 {"name": "open", "in": "query", "description": "Only open incidents", "schema": {"type": "boolean"}},
                 {"name": "overdue", "in": "query", "description": "Only open incidents with an overdue clock or task", "schema": {"type": "boolean"}},
                 {"$ref": "#/components/parameters/Limit"})J")});
  r->Add({"POST", "/api/v1/incidents", Access::kWrite, CreateIncident,
          Op("createIncident",
             "Report an incident (opens a new incident coordinated by the chair unless told "
             "otherwise)",
             "A member report (the caller's org reports) or, with third_party_reporter, a report "
             "entered for a third party; affected_org defaults to the caller.",
             false, report_body, 201, filed)});
  r->Add(
      {"GET", "/api/v1/incidents/overdue", Access::kRead,
       [](Call& c) { ListIncidentsImpl(c, true); },
       Op("listOverdueIncidents", "Open incidents the caller may see with an overdue clock or task",
          "", false, "", 200,
          R"J({"type": "object", "properties": {"count": {"type": "integer"}, "incidents": {"type": "array", "items": )J" +
              Ref("Incident") + "}}}")});
  r->Add({"GET", "/api/v1/incidents/sla", Access::kRead, GetSla,
          Op("getIncidentSla", "SLA targets per severity and clock", "", false, "", 200,
             Ref("SlaTargets"))});
  r->Add({"PUT", "/api/v1/incidents/sla", Access::kWrite, SetSla,
          Op("setIncidentSla", "Set one SLA target (community administrators)", "", false,
             R"J({"type": "object", "required": ["severity", "clock", "target"], "properties": {
               "severity": {"enum": ["low", "medium", "high", "critical"]},
               "clock": {"enum": ["acknowledge", "first-offer", "containment", "resolution"]},
               "target": {"type": ["integer", "string"], "description": "seconds, or 90m / 4h / 3d / 2w"}}})J",
             200, Ref("SlaTargets"))});
  r->Add(
      {"GET", "/api/v1/incidents/responsiveness", Access::kRead, Responsiveness,
       Op("getMemberResponsiveness", "Per-member response figures (the chair's organisation only)",
          "Counts and medians only: requests received, offers made and accepted, time to offer, "
          "acknowledgements, tasks.",
          false, "", 200,
          R"J({"type": "object", "properties": {"members": {"type": "array", "items": {"type": "object"}}}})J")});
  r->Add({"GET", "/api/v1/incidents/{uuid}", Access::kRead, GetIncident,
          Op("getIncident", "One incident as the caller may see it", "", true, "", 200,
             Ref("IncidentDetail"))});
  r->Add(
      {"PUT", "/api/v1/incidents/{uuid}", Access::kWrite, UpdateIncident,
       Op("updateIncident", "Change an incident's fields (affected org or coordinator)",
          "Only the members given change; coordinator hands over coordination (coordinator or "
          "chair).",
          true,
          R"J({"type": "object", "properties": {"title": {"type": "string"}, "description": {"type": "string"},
               "rsit_class": {"type": "string"}, "rsit_type": {"type": "string"}, "severity": {"type": "string"},
               "tlp": {"type": "string"}, "pap": {"type": "string"}, "coordinator": {"type": "string"},
               "affected_country": {"type": "string"}}})J",
          200, Ref("Incident"))});
  r->Add({"POST", "/api/v1/incidents/{uuid}/reports", Access::kWrite, AddReport,
          Op("addIncidentReport", "Add a report to an incident the caller may see", "", true,
             report_body, 201, filed)});
  r->Add({"POST", "/api/v1/incidents/{uuid}/status", Access::kWrite, SetStatus,
          Op("setIncidentStatus", "Move an incident through its lifecycle",
             "Closing, rejecting or merging cancels open tasks, closes open requests and declines "
             "pending offers.",
             true,
             R"J({"type": "object", "required": ["status"], "properties": {
               "status": {"enum": ["triage", "in-progress", "contained", "resolved", "closed", "rejected", "duplicate"]},
               "note": {"type": "string"}, "duplicate_of": {"type": "string", "format": "uuid"}}})J",
             200, Ref("Incident"))});
  r->Add({"POST", "/api/v1/incidents/{uuid}/indicators", Access::kWrite, AddIndicator,
          Op("addIncidentIndicator", "Add an indicator to an incident", "", true,
             Ref("IncidentIndicator"), 201, Ref("IncidentIndicator"))});
  r->Add({"POST", "/api/v1/incidents/{uuid}/comments", Access::kWrite, AddComment,
          Op("addIncidentComment", "Comment on an incident", "", true, text_body, 201,
             R"J({"type": "object"})J")});
  r->Add(
      {"POST", "/api/v1/incidents/{uuid}/tasks", Access::kWrite, AddTask,
       Op("addIncidentTask", "Add a task (affected org or coordinator)", "", true,
          R"J({"type": "object", "required": ["title"], "properties": {"title": {"type": "string"},
               "description": {"type": "string"}, "assignee_org": {"type": "string"},
               "assignee_user": {"type": "string"}, "due": {"type": ["integer", "string"]}}})J",
          201, Ref("Task"))});
  r->Add({"POST", "/api/v1/incidents/{uuid}/links", Access::kWrite, Link,
          Op("linkIncidentIntel", "Link an event or attribute the caller may see", "", true,
             R"J({"type": "object", "required": ["kind", "uuid"], "properties": {
               "kind": {"enum": ["event", "attribute"]}, "uuid": {"type": "string", "format": "uuid"}}})J",
             201, R"J({"type": "object"})J")});
  r->Add({"POST", "/api/v1/incidents/{uuid}/promote", Access::kWrite, Promote,
          Op("promoteIncidentIndicators", "Share the incident's indicators as a new MISP event",
             "The event is held by the caller's organisation, with the chosen distribution and the "
             "incident's TLP unless tlp is given, and is linked to the incident.",
             true,
             R"J({"type": "object", "properties": {"distribution": {"type": ["integer", "string"]},
               "sharing_group": {"type": "string"}, "indicators": {"type": "array", "items": {"type": "integer"}},
               "info": {"type": "string"}, "tlp": {"type": "string"}}})J",
             201, R"J({"type": "object", "properties": {"event_uuid": {"type": "string"}}})J")});
  r->Add(
      {"GET", "/api/v1/incidents/{uuid}/seen", Access::kRead, Seen,
       Op("getIncidentSeenElsewhere",
          "Indicators of linked intelligence and who else reported or sighted them", "", true, "",
          200,
          R"J({"type": "object", "properties": {"indicators": {"type": "array", "items": {"type": "object"}}}})J")});
  r->Add({"GET", "/api/v1/incidents/{uuid}/export", Access::kRead, Export,
          Op("exportIncident", "Export one incident as JSON or IODEF v2 (RFC 7970) XML", "", true,
             "", 200, Ref("IncidentDetail"),
             R"J({"name": "format", "in": "query", "schema": {"enum": ["json", "iodef"]}})J")});
  r->Add({"POST", "/api/v1/tasks/{uuid}/status", Access::kWrite, SetTaskStatus,
          Op("setTaskStatus", "Change a task's status (assignee, affected org or coordinator)", "",
             true,
             R"J({"type": "object", "required": ["status"], "properties": {
               "status": {"enum": ["waiting", "in-progress", "done", "cancelled"]}, "note": {"type": "string"}}})J",
             200, Ref("Task"))});
  r->Add({"POST", "/api/v1/tasks/{uuid}/log", Access::kWrite, LogWork,
          Op("logTaskWork", "Add to a task's work log", "", true, text_body, 201,
             R"J({"type": "object"})J")});
  r->Add(
      {"GET", "/api/v1/rfas", Access::kRead, ListRfas,
       Op("listRfas", "Requests for assistance the caller may see", "", false, "", 200,
          R"J({"type": "object", "properties": {"count": {"type": "integer"}, "rfas": {"type": "array", "items": )J" +
              Ref("Rfa") + "}}}",
          R"J({"name": "open", "in": "query", "schema": {"type": "boolean"}})J")});
  r->Add(
      {"POST", "/api/v1/rfas", Access::kWrite, CreateRfa,
       Op("createRfa", "Ask members for help with an incident (affected org or coordinator)", "",
          false,
          R"J({"type": "object", "required": ["incident_uuid", "kind", "description"], "properties": {
               "incident_uuid": {"type": "string", "format": "uuid"},
               "kind": {"enum": ["sample-analysis", "takedown", "sinkholing", "blocking", "forensics", "information", "other"]},
               "description": {"type": "string"}, "audience": {"enum": ["all-members", "sharing-group", "orgs"]},
               "sharing_group": {"type": "string"}, "orgs": {"type": "array", "items": {"type": "string"}},
               "needed_by": {"type": ["integer", "string"]}}})J",
          201, Ref("Rfa"))});
  r->Add({"GET", "/api/v1/rfas/{uuid}", Access::kRead, GetRfa,
          Op("getRfa", "One request with the offers the caller may see", "", true, "", 200,
             Ref("Rfa"))});
  r->Add({"POST", "/api/v1/rfas/{uuid}/withdraw", Access::kWrite, WithdrawRfa,
          Op("withdrawRfa", "Withdraw a request (pending offers are declined)", "", true, "", 200,
             Ref("Rfa"))});
  r->Add({"POST", "/api/v1/rfas/{uuid}/offers", Access::kWrite, MakeOffer,
          Op("offerHelp", "Offer help in answer to a request (its audience)", "", true,
             R"J({"type": "object", "required": ["description"], "properties": {
               "description": {"type": "string"}, "by_when": {"type": ["integer", "string"]}}})J",
             201, Ref("Offer"))});
  r->Add({"POST", "/api/v1/offers/{uuid}/accept", Access::kWrite,
          [](Call& c) { DecideOffer(c, 1); },
          Op("acceptOffer", "Accept an offer: the helper becomes a participant of the incident", "",
             true, "", 200, Ref("Offer"))});
  r->Add({"POST", "/api/v1/offers/{uuid}/decline", Access::kWrite,
          [](Call& c) { DecideOffer(c, 0); },
          Op("declineOffer", "Decline an offer", "", true, "", 200, Ref("Offer"))});
  r->Add({"POST", "/api/v1/offers/{uuid}/withdraw", Access::kWrite,
          [](Call& c) { DecideOffer(c, 2); },
          Op("withdrawOffer", "Withdraw the caller's pending offer", "", true, "", 200,
             Ref("Offer"))});
}

}  // namespace sanad::api
