#include "api/router.h"

#include <cstdio>
#include <cstdlib>

#include "api/json.h"
#include "api/services.h"

namespace sanad::api {

namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsParam(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// ---- Call ----

const std::string& Call::Param(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return kEmpty;
}

Status Call::Audit(std::string_view action, std::string_view object_type,
                   std::string_view object_uuid, std::string_view owner_org_uuid,
                   std::string_view details) {
  if (actor)
    return audit::Record(store, *actor, action, object_type, object_uuid, owner_org_uuid, details);
  policy::Actor anonymous;
  anonymous.name = "anonymous";
  return audit::Record(store, anonymous, action, object_type, object_uuid, owner_org_uuid,
                       details);
}

StatusOr<policy::Viewer> Call::Viewer() const {
  if (!actor) return Status::Internal("no caller on a public route");
  return actor->viewer;
}

void Call::Json(int status, std::string body) {
  res->status = status;
  res->content_type = "application/json";
  res->body = std::move(body);
}

void Call::Error(int status, std::string_view code, std::string_view message) {
  server::SetError(res, status, code, message);
}

void Call::Fail(const Status& st) {
  using C = Status::Code;
  switch (st.code()) {
    case C::kInvalid:
      return Error(400, "invalid", st.message());
    case C::kPermission:
      return Error(403, "forbidden", st.message());
    case C::kNotFound:
      return Error(404, "not_found", st.message());
    case C::kConflict:
      return Error(409, "conflict", st.message());
    case C::kLimit:
      return Error(413, "limit", st.message());
    default:
      Error(500, "internal", "internal error (request " + req.request_id + ")");
      res->log_error = st.ToString();
      return;
  }
}

// ---- Router ----

void Router::Add(Route r) {
  for (const auto& x : routes_) {
    if (x.method == r.method && x.pattern == r.pattern) {
      std::fprintf(stderr, "sanad: route %s %s registered twice\n", r.method.c_str(),
                   r.pattern.c_str());
      std::abort();
    }
  }
  split_.push_back(Split(r.pattern));
  routes_.push_back(std::move(r));
}

void Router::AddComponent(std::string section, std::string name, std::string json) {
  components_.push_back({std::move(section), std::move(name), std::move(json)});
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match best;
  auto segs = Split(path);
  int best_literals = -1;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const auto& pat = split_[i];
    if (pat.size() != segs.size()) continue;
    int literals = 0;
    bool ok = true;
    for (size_t k = 0; k < pat.size() && ok; ++k) {
      if (IsParam(pat[k])) continue;
      if (pat[k] != segs[k]) ok = false;
      ++literals;
    }
    if (!ok) continue;
    if (routes_[i].method != method) {
      best.allowed.push_back(routes_[i].method);
      continue;
    }
    if (literals > best_literals) {
      best_literals = literals;
      best.route = &routes_[i];
      best.params.clear();
      for (size_t k = 0; k < pat.size(); ++k)
        if (IsParam(pat[k])) best.params.emplace_back(pat[k].substr(1, pat[k].size() - 2), segs[k]);
    }
  }
  return best;
}

StatusOr<std::string> Router::OpenApiDocument() const {
  json::object doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", "Sanad REST API"},
                 {"version", "1.0.0"},
                 {"description",
                  "Threat-intelligence sharing for CERT communities. Every read is filtered by "
                  "the community's visibility policy for the caller's organisation; an item the "
                  "caller may not see answers 404, exactly like an absent one. Errors have the "
                  "shape {\"error\": {\"code\", \"message\", \"details\"}}."}};
  json::object components;
  components["securitySchemes"] = {
      {"bearer",
       {{"type", "http"}, {"scheme", "bearer"}, {"description", "Authorization: Bearer <key>"}}},
      {"mispKey",
       {{"type", "apiKey"},
        {"in", "header"},
        {"name", "Authorization"},
        {"description", "MISP style: Authorization: <key>"}}}};
  for (const auto& c : components_) {
    boost::system::error_code ec;
    json::value v = json::parse(c.json, ec);
    if (ec)
      return Status::Invalid("OpenAPI component " + c.section + "." + c.name + ": " + ec.message());
    json::value& sec = components[c.section];
    if (!sec.is_object()) sec = json::object();
    sec.as_object()[c.name] = std::move(v);
  }
  doc["components"] = std::move(components);
  json::object paths;
  for (const auto& r : routes_) {
    boost::system::error_code ec;
    json::value op = json::parse(r.openapi, ec);
    if (ec || !op.is_object())
      return Status::Invalid("OpenAPI operation of " + r.method + " " + r.pattern +
                             ": not a JSON object");
    json::object& o = op.as_object();
    json::value& responses = o["responses"];
    if (!responses.is_object()) responses = json::object();
    json::object& rs = responses.as_object();
    if (r.access == Access::kPublic) {
      o["security"] = json::array();
    } else {
      o["security"] = {json::object{{"bearer", json::array()}},
                       json::object{{"mispKey", json::array()}}};
      if (!rs.contains("401")) rs["401"] = {{"$ref", "#/components/responses/Unauthorized"}};
      if (!rs.contains("429")) rs["429"] = {{"$ref", "#/components/responses/RateLimited"}};
    }
    if (!rs.contains("default")) rs["default"] = {{"$ref", "#/components/responses/Error"}};
    json::value& item = paths[r.pattern];
    if (!item.is_object()) item = json::object();
    item.as_object()[Lower(r.method)] = std::move(op);
  }
  doc["paths"] = std::move(paths);
  return json::serialize(doc);
}

}  // namespace sanad::api
