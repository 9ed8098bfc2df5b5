// TAXII 2.1 (docs/taxii.md): discovery, the API root, collections, objects,
// manifest, object versions, add (POST, 202 with a status), status, delete.
//
// Every response under /taxii2, errors included (those api.cc makes before a
// handler runs too, through FinishTaxiiResponse), carries
// Content-Type: application/taxii+json;version=2.1 and errors are TAXII
// error resources. The TAXII logic lives in src/taxii; handlers check media
// types, resolve the caller's collection, refresh its object log when the
// store changed (under the write lock) and serialise.
#include <boost/json.hpp>

#include <mutex>

#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "taxii/taxii.h"
#include "util/util.h"

namespace sanad::api {

namespace {

namespace json = boost::json;

constexpr const char kRoot[] = "/taxii2/api";

const char* Title(int status) {
  switch (status) {
    case 400:
      return "Bad request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not found";
    case 405:
      return "Method not allowed";
    case 406:
      return "Not acceptable";
    case 409:
      return "Conflict";
    case 413:
      return "Payload too large";
    case 415:
      return "Unsupported media type";
    case 422:
      return "Unprocessable entity";
    case 429:
      return "Too many requests";
    case 503:
      return "Service unavailable";
    default:
      return status >= 500 ? "Internal error" : "Error";
  }
}

std::string TaxiiErrorBody(int status, std::string_view description, std::string_view code,
                           std::string_view request_id) {
  json::object o{{"title", Title(status)},
                 {"description", description},
                 {"http_status", std::to_string(status)},
                 {"error_id", request_id}};
  if (!code.empty()) o["error_code"] = code;
  return json::serialize(o);
}

void TaxiiJson(Call& c, int status, std::string body) {
  c.res->status = status;
  c.res->content_type = taxii::kTaxiiMediaType;
  c.res->body = std::move(body);
}

void TaxiiError(Call& c, int status, std::string_view description, std::string_view code = {}) {
  c.res->status = status;
  c.res->content_type = taxii::kTaxiiMediaType;
  c.res->body = TaxiiErrorBody(status, description, code, c.req.request_id);
}

void TaxiiFail(Call& c, const Status& st) {
  using C = Status::Code;
  switch (st.code()) {
    case C::kInvalid:
      return TaxiiError(c, 400, st.message(), "invalid");
    case C::kPermission:
      return TaxiiError(c, 403, st.message(), "forbidden");
    case C::kNotFound:
      return TaxiiError(c, 404, st.message(), "not_found");
    case C::kConflict:
      return TaxiiError(c, 409, st.message(), "conflict");
    case C::kLimit:
      return TaxiiError(c, 413, st.message(), "limit");
    default:
      TaxiiError(c, 500, "internal error (request " + c.req.request_id + ")", "internal");
      c.res->log_error = st.ToString();
  }
}

std::string Lower(std::string_view s) { return util::ToLower(s); }

// A media range accepts TAXII 2.1: application/taxii+json with version 2.1
// or none, application/*, */*. Parameters other than version are ignored.
bool RangeAcceptsTaxii(std::string_view range) {
  std::string r = Lower(range);
  std::string type = std::string(util::Trim(r.substr(0, r.find(';'))));
  if (type == "*/*" || type == "application/*") return true;
  if (type != "application/taxii+json") return false;
  size_t v = r.find("version=");
  if (v == std::string::npos) return true;
  std::string ver = std::string(util::Trim(r.substr(v + 8, r.find(';', v) - v - 8)));
  return ver == "2.1";
}

// 406 unless the Accept header (when present) admits TAXII 2.1.
bool CheckAccept(Call& c) {
  const std::string* a = c.req.Header("accept");
  if (!a || util::Trim(*a).empty()) return true;
  std::string_view rest = *a;
  while (true) {
    size_t comma = rest.find(',');
    if (RangeAcceptsTaxii(rest.substr(0, comma))) return true;
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  TaxiiError(c, 406,
             "this server answers application/taxii+json;version=2.1 only (Accept: " + *a + ")",
             "not_acceptable");
  return false;
}

bool CheckContentType(Call& c) {
  const std::string* ct = c.req.Header("content-type");
  if (ct) {
    std::string r = Lower(*ct);
    std::string type = std::string(util::Trim(r.substr(0, r.find(';'))));
    size_t v = r.find("version=");
    std::string ver = v == std::string::npos
                          ? "2.1"
                          : std::string(util::Trim(r.substr(v + 8, r.find(';', v) - v - 8)));
    if (type == "application/taxii+json" && ver == "2.1") return true;
  }
  TaxiiError(c, 415,
             "send envelopes as Content-Type: application/taxii+json;version=2.1" +
                 (ct ? " (got " + *ct + ")" : std::string()),
             "unsupported_media_type");
  return false;
}

bool ResolveCollection(Call& c, const policy::Actor& caller, taxii::Collection* col) {
  auto found = taxii::FindCollection(c.store, caller, c.Param("id"));
  if (!found.ok()) {
    TaxiiFail(c, found.status());
    return false;
  }
  *col = std::move(*found);
  return true;
}

const taxii::Converter& Converter() {
  static const taxii::Converter* conv = new taxii::Converter(taxii::StixConverter());
  return *conv;
}

// Brings the collection's object log up to date when the store changed.
bool Refresh(Call& c, const taxii::Collection& col) {
  auto need = taxii::NeedsRefresh(c.store, col);
  Status st = need.status();
  if (st.ok() && *need)
    st = taxii::Refresh(c.store, col, Converter(), nullptr, &c.svc->write_mutex());
  if (!st.ok()) {
    TaxiiFail(c, st);
    return false;
  }
  return true;
}

// Records reads of TLP:AMBER/AMBER+STRICT/RED events in the audit log.
bool AuditPage(Call& c, const taxii::Collection& col, const taxii::Page& p) {
  if (p.sensitive_events.empty()) return true;
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  store::Transaction tx(c.store);
  Status st = tx.status();
  for (const auto& [uuid, orgc] : p.sensitive_events) {
    if (!st.ok()) break;
    st = c.Audit("read.taxii", "event", uuid, orgc, "collection " + col.id);
  }
  if (st.ok()) st = tx.Commit();
  if (!st.ok()) {
    TaxiiFail(c, st);
    return false;
  }
  return true;
}

void DateHeaders(Call& c, const taxii::Page& p) {
  if (p.rows.empty()) return;
  c.res->headers.emplace_back("X-TAXII-Date-Added-First", taxii::DateAddedFirst(p));
  c.res->headers.emplace_back("X-TAXII-Date-Added-Last", taxii::DateAddedLast(p));
}

// ---- handlers ----

void Discovery(Call& c) {
  if (!CheckAccept(c)) return;
  std::string base;
  if (auto b = c.store->settings().GetSetting("taxii.base_url"); b.ok()) {
    base = *b;
    while (!base.empty() && base.back() == '/') base.pop_back();
  }
  TaxiiJson(c, 200, taxii::DiscoveryJson(base));
}

void ApiRoot(Call& c) {
  if (!CheckAccept(c)) return;
  TaxiiJson(c, 200, taxii::ApiRootJson());
}

void Collections(Call& c) {
  const policy::Actor& caller = *c.actor;
  if (!CheckAccept(c)) return;
  auto cols = taxii::CollectionsFor(c.store, caller);
  if (!cols.ok()) return TaxiiFail(c, cols.status());
  std::string body = "{\"collections\":[";
  for (size_t i = 0; i < cols->size(); ++i) {
    if (i) body += ',';
    body += taxii::CollectionJson((*cols)[i]);
  }
  body += "]}";
  TaxiiJson(c, 200, std::move(body));
}

void GetCollection(Call& c) {
  const policy::Actor& caller = *c.actor;
  taxii::Collection col;
  if (!CheckAccept(c) || !ResolveCollection(c, caller, &col)) return;
  TaxiiJson(c, 200, taxii::CollectionJson(col));
}

enum class Shape { kEnvelope, kManifest, kVersions };

// GET objects / manifest / objects/{object_id} / versions.
void Listing(Call& c, Shape shape, bool by_id) {
  const policy::Actor& caller = *c.actor;
  taxii::Collection col;
  if (!CheckAccept(c) || !ResolveCollection(c, caller, &col)) return;
  auto f = taxii::ParseFilter(c.req.query, shape != Shape::kVersions);
  if (!f.ok()) return TaxiiFail(c, f.status());
  if (shape == Shape::kVersions) f->all = true;
  if (!Refresh(c, col)) return;
  std::string id = by_id ? c.Param("object_id") : "";
  auto page = taxii::Read(c.store, col, caller.viewer, *f, id);
  if (!page.ok()) return TaxiiFail(c, page.status());
  if (by_id && page->rows.empty() && f->next_after == 0)
    return TaxiiError(c, 404,
                      "no object '" + id + "' (matching the filters) in collection " + col.id,
                      "not_found");
  if (shape == Shape::kEnvelope && !AuditPage(c, col, *page)) return;
  DateHeaders(c, *page);
  switch (shape) {
    case Shape::kEnvelope:
      return TaxiiJson(c, 200, taxii::EnvelopeJson(*page));
    case Shape::kManifest:
      return TaxiiJson(c, 200, taxii::ManifestJson(*page));
    case Shape::kVersions:
      return TaxiiJson(c, 200, taxii::VersionsJson(*page));
  }
}

void GetObjects(Call& c) { Listing(c, Shape::kEnvelope, false); }
void GetManifest(Call& c) { Listing(c, Shape::kManifest, false); }
void GetObject(Call& c) { Listing(c, Shape::kEnvelope, true); }
void GetVersions(Call& c) { Listing(c, Shape::kVersions, true); }

void AddObjects(Call& c) {
  const policy::Actor& caller = *c.actor;
  taxii::Collection col;
  if (!CheckContentType(c) || !CheckAccept(c) || !ResolveCollection(c, caller, &col)) return;
  if (!col.can_write)
    return TaxiiError(c, 403,
                      col.kind == taxii::CollectionKind::kPublic
                          ? "the public collection is read-only"
                      : col.kind == taxii::CollectionKind::kSharingGroup && caller.may_write
                          ? "adding objects to a sharing-group collection is not supported yet"
                          : "this key or role may not add objects (read-only key or reader)",
                      "forbidden");
  StatusOr<std::string> st = Status::Internal("not run");
  {
    std::lock_guard<std::mutex> l(c.svc->write_mutex());
    static const taxii::Importer* importer = new taxii::Importer(taxii::StixImporter());
    st = taxii::AddObjects(c.store, col, caller, c.req.body, *importer, nullptr);
  }
  if (!st.ok()) return TaxiiFail(c, st.status());
  TaxiiJson(c, 202, std::move(*st));
}

void DeleteObject(Call& c) {
  const policy::Actor& caller = *c.actor;
  taxii::Collection col;
  if (!CheckAccept(c) || !ResolveCollection(c, caller, &col)) return;
  if (!caller.may_write)
    return TaxiiError(c, 403, "this key or role may not delete objects", "forbidden");
  if (col.kind == taxii::CollectionKind::kPublic)
    return TaxiiError(c, 403, "the public collection is read-only", "forbidden");
  if (!Refresh(c, col)) return;
  Status st;
  {
    std::lock_guard<std::mutex> l(c.svc->write_mutex());
    st = taxii::DeleteObject(c.store, col, caller, c.Param("object_id"));
  }
  if (!st.ok()) return TaxiiFail(c, st);
  TaxiiJson(c, 200, "");
}

void GetStatus(Call& c) {
  const policy::Actor& caller = *c.actor;
  if (!CheckAccept(c)) return;
  auto st = taxii::GetStatus(c.store, caller, c.Param("status_id"));
  if (!st.ok()) return TaxiiFail(c, st.status());
  TaxiiJson(c, 200, std::move(*st));
}

}  // namespace

void FinishTaxiiResponse(const server::Request& req, server::Response* res) {
  std::string_view p = req.path;
  if (p != "/taxii2" && p.substr(0, 8) != "/taxii2/") return;
  if (res->content_type == taxii::kTaxiiMediaType) return;
  // An error made before a TAXII handler ran ({"error": {...}}): rewrite it
  // as a TAXII error resource.
  std::string message = res->body;
  std::string code;
  boost::system::error_code ec;
  json::value v = json::parse(res->body, ec);
  if (!ec && v.is_object()) {
    if (const json::value* e = v.as_object().if_contains("error"); e && e->is_object()) {
      if (const json::value* m = e->as_object().if_contains("message"); m && m->is_string())
        message = std::string(m->as_string());
      if (const json::value* k = e->as_object().if_contains("code"); k && k->is_string())
        code = std::string(k->as_string());
    }
  }
  res->content_type = taxii::kTaxiiMediaType;
  res->body = TaxiiErrorBody(res->status, message, code, req.request_id);
  if (res->status == 401) {
    for (auto& [k, val] : res->headers)
      if (util::ToLower(k) == "www-authenticate") val = "Basic realm=\"sanad-taxii\", " + val;
  }
}

void RegisterTaxiiRoutes(Router* r) {
  r->AddComponent("schemas", "TaxiiError", R"({"type": "object",
    "description": "TAXII 2.1 error resource - every error under /taxii2 has this shape and the TAXII media type",
    "properties": {"title": {"type": "string"}, "description": {"type": "string"},
      "error_id": {"type": "string"}, "error_code": {"type": "string"}, "http_status": {"type": "string"}},
    "required": ["title"]})");
  r->AddComponent("responses", "TaxiiError", R"({"description": "TAXII error resource",
    "content": {"application/taxii+json;version=2.1": {"schema": {"$ref": "#/components/schemas/TaxiiError"}}}})");
  r->AddComponent("parameters", "TaxiiCollectionId",
                  R"({"name": "id", "in": "path", "required": true,
    "description": "Collection id", "schema": {"type": "string"}})");
  r->AddComponent("parameters", "TaxiiObjectId",
                  R"({"name": "object_id", "in": "path", "required": true,
    "description": "STIX id, type--uuid", "schema": {"type": "string"}})");

  auto op = [](const std::string& id, const std::string& summary, const std::string& params,
               const std::string& ok_status, const std::string& ok_desc,
               const std::string& extra = "") {
    return R"({"operationId": ")" + id + R"(", "summary": ")" + summary +
           R"(", "tags": ["TAXII 2.1"],
      "parameters": [)" +
           params + "]," + extra + R"( "responses": {")" + ok_status + R"(": {"description": ")" +
           ok_desc +
           R"(", "content": {"application/taxii+json;version=2.1": {"schema": {"type": "object"}}}},
        "default": {"$ref": "#/components/responses/TaxiiError"}}})";
  };
  const std::string coll = R"({"$ref": "#/components/parameters/TaxiiCollectionId"})";
  const std::string obj = R"({"$ref": "#/components/parameters/TaxiiObjectId"})";
  auto q = [](const char* name, const char* desc) {
    return std::string(R"({"name": ")") + name + R"(", "in": "query", "description": ")" + desc +
           R"(", "schema": {"type": "string"}})";
  };
  const std::string filters =
      q("added_after", "Only objects added after this timestamp (exclusive)") + "," +
      q("limit", "Page size, clamped to 1..1000 (default 100)") + "," +
      q("next", "Token from the previous page") + "," +
      q("match[id]", "STIX ids (comma-separated)") + "," + q("match[type]", "STIX types") + "," +
      q("match[spec_version]", "STIX spec versions");
  const std::string version = q("match[version]", "last (default), first, all or timestamps");
  const std::string root = kRoot;

  r->Add({"GET", "/taxii2", Access::kRead, Discovery,
          op("taxiiDiscovery", "TAXII 2.1 server discovery", "", "200", "Discovery resource")});
  r->Add({"GET", root, Access::kRead, ApiRoot,
          op("taxiiApiRoot", "TAXII 2.1 API root information", "", "200", "API root resource")});
  r->Add({"GET", root + "/collections", Access::kRead, Collections,
          op("taxiiCollections", "Collections the caller may use", "", "200",
             "Collections resource")});
  r->Add({"GET", root + "/collections/{id}", Access::kRead, GetCollection,
          op("taxiiCollection", "One collection", coll, "200", "Collection resource")});
  r->Add({"GET", root + "/collections/{id}/objects", Access::kRead, GetObjects,
          op("taxiiGetObjects", "Objects of a collection the caller may see (envelope, paged)",
             coll + "," + filters + "," + version, "200", "Envelope")});
  r->Add(
      {"POST", root + "/collections/{id}/objects", Access::kWrite, AddObjects,
       op("taxiiAddObjects", "Add an envelope of STIX objects (answered 202 with a status)", coll,
          "202", "Status resource",
          R"( "requestBody": {"required": true, "content": {"application/taxii+json;version=2.1": {"schema": {"type": "object"}}}},)")});
  r->Add({"GET", root + "/collections/{id}/manifest", Access::kRead, GetManifest,
          op("taxiiManifest", "Manifest of the objects of a collection",
             coll + "," + filters + "," + version, "200", "Manifest resource")});
  r->Add({"GET", root + "/collections/{id}/objects/{object_id}", Access::kRead, GetObject,
          op("taxiiGetObject", "One object (its versions per match[version])",
             coll + "," + obj + "," + filters + "," + version, "200", "Envelope")});
  r->Add({"DELETE", root + "/collections/{id}/objects/{object_id}", Access::kWrite, DeleteObject,
          op("taxiiDeleteObject", "Delete the MISP item an object comes from (event owner only)",
             coll + "," + obj, "200", "Deleted")});
  r->Add({"GET", root + "/collections/{id}/objects/{object_id}/versions", Access::kRead,
          GetVersions,
          op("taxiiVersions", "Versions of one object", coll + "," + obj + "," + filters, "200",
             "Versions resource")});
  r->Add(
      {"GET", root + "/status/{status_id}", Access::kRead, GetStatus,
       op("taxiiStatus", "Status of an add request (the requesting organisation only)",
          R"({"name": "status_id", "in": "path", "required": true, "schema": {"type": "string"}})",
          "200", "Status resource")});
}

}  // namespace sanad::api
