// POST /api/v1/match: the detection engine (detect/detect.h) over a request
// body. The caller posts a log (plain, gzip or zstd; text, JSON lines, CSV
// or Zeek TSV) and receives one JSON line per hit, streamed as the body is
// matched, then one summary line. The tables hold exactly what the caller's
// org may see (built through the policy and shared per data generation by
// Services::MatchSetFor); each hit is loaded again through the policy before
// it is written. Hits on TLP:AMBER, AMBER+STRICT or RED attributes are
// recorded in the audit log (one entry per attribute and request), and
// record_sightings=true stores one "seen" sighting per matched attribute in
// one transaction after the body has been matched.
//
// Decompression bombs: a compressed body is first decompressed without
// matching (counting bytes only) against kMatchMaxDecompressedBytes and
// kMatchMaxRatio, and refused with 413 before anything is streamed; the same
// limits guard the matching pass (should it still exceed them, the stream
// ends with an {"error": ...} line instead of the summary). Matching stops as
// soon as the client goes away or the server stops (server::StreamCancelled,
// polled before every read of the body).
#include <map>
#include <mutex>
#include <set>

#include "api/json.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "audit/audit.h"
#include "detect/detect.h"
#include "detect/json.h"
#include "intel/sighting.h"
#include "server/http.h"
#include "util/util.h"

namespace sanad::api {

namespace {

// ---- decompression limits (docs/api.md "POST /api/v1/match") ----
// At most 1 GiB of decompressed log per request: 16 times the default body
// limit, some seconds of matching. A gzip or zstd body that expands beyond
// it is refused (413 payload_too_large).
constexpr uint64_t kMatchMaxDecompressedBytes = 1ull << 30;
// At most 100 decompressed bytes per compressed byte. Real logs compress 5 to
// 20 times with gzip and rarely beyond 50 with zstd -19; deflate bombs reach
// 1,032 and zstd bombs tens of thousands.
constexpr uint64_t kMatchMaxRatio = 100;
// The ratio is not enforced below 16 MiB of decompressed output, so small and
// very repetitive logs (test fixtures, a few identical lines) are accepted.
constexpr uint64_t kMatchRatioFloorBytes = 16ull << 20;

detect::InputLimits MatchLimits() {
  detect::InputLimits l;
  l.max_bytes = kMatchMaxDecompressedBytes;
  l.max_ratio = kMatchMaxRatio;
  l.ratio_floor_bytes = kMatchRatioFloorBytes;
  return l;
}

std::string LimitDetails(size_t compressed) {
  return json::serialize(json::object{{"compressed_bytes", compressed},
                                      {"max_decompressed_bytes", kMatchMaxDecompressedBytes},
                                      {"max_ratio", kMatchMaxRatio},
                                      {"ratio_floor_bytes", kMatchRatioFloorBytes}});
}

// Decompresses a gzip or zstd body without matching it, only to measure it
// against MatchLimits (cheap next to matching: no output is kept). kLimit
// when a limit is exceeded, kInvalid for corrupt data.
Status CheckCompressedBody(const std::string& body) {
  auto in = detect::InputStream::FromMemory(body, "body", MatchLimits());
  std::string buf(1 << 20, '\0');
  while (true) {
    auto r = in->Read(buf.data(), buf.size());
    if (!r.ok()) return r.status();
    if (*r == 0) return Status::Ok();
  }
}

struct MatchRequest {
  Services::MatchSetKey key;
  detect::MatchOptions opts;
  bool record_sightings = false;
  std::string source = "sanad match (api)";
};

Status ParseMatchRequest(Call& c, MatchRequest* m) {
  if (const std::string* f = c.req.Query("format")) {
    if (!detect::ParseFormat(*f, &m->opts.format))
      return Status::Invalid(
          "query parameter format: expected auto, text, jsonl, csv or zeek, got '" + *f + "'");
  }
  m->opts.fields = c.req.QueryAll("field");
  if (!m->opts.fields.empty() && m->opts.format == detect::Format::kText)
    return Status::Invalid("query parameter field: not allowed with format=text");
  std::optional<bool> scan, all, wl, rec;
  Status st = QueryBool(c.req, "scan", &scan);
  if (st.ok()) st = QueryBool(c.req, "all", &all);
  if (st.ok()) st = QueryBool(c.req, "include_warninglisted", &wl);
  if (st.ok()) st = QueryBool(c.req, "record_sightings", &rec);
  if (!st.ok()) return st;
  if (const std::string* s = c.req.Query("source")) {
    if (s->size() > 255) return Status::Invalid("query parameter source: longer than 255 bytes");
    m->source = *s;
  }
  m->key.org_id = c.actor->org.id;
  m->key.scan = scan.value_or(false);
  m->key.all = all.value_or(false);
  m->key.include_warninglisted = wl.value_or(false);
  m->opts.scan = m->key.scan;
  m->record_sightings = rec.value_or(false);
  return Status::Ok();
}

void MatchRoute(Call& c) {
  MatchRequest m;
  Status st = ParseMatchRequest(c, &m);
  if (!st.ok()) return c.Fail(st);
  if (m.record_sightings && !c.actor->may_write)
    return c.Error(403, "forbidden", "readers and read-only keys cannot record sightings");
  if (c.req.body.empty()) return c.Fail(Status::Invalid("request body: empty (post a log)"));
  if (detect::InputStream::IsCompressed(c.req.body)) {
    Status cs = CheckCompressedBody(c.req.body);
    if (cs.code() == Status::Code::kLimit) {
      server::SetError(c.res, 413, "payload_too_large", cs.message(),
                       LimitDetails(c.req.body.size()));
      return;
    }
    if (!cs.ok()) return c.Fail(cs);
  }
  auto v = c.Viewer();
  if (!v.ok()) return c.Fail(v.status());
  auto set = c.svc->MatchSetFor(c.store, *v, m.key);
  if (!set.ok()) return c.Fail(set.status());
  auto matcher = detect::Matcher::Create(*set, m.opts);
  if (!matcher.ok()) return c.Fail(matcher.status());

  c.res->status = 200;
  c.res->content_type = "application/x-ndjson";
  Services* svc = c.svc;
  policy::Viewer viewer = *v;
  policy::Actor actor = *c.actor;
  model::Org org = c.actor->org;
  // The body is copied: the response outlives the handler's view of the
  // request (bounded by the server's body limit).
  auto body = std::make_shared<const std::string>(c.req.body);
  std::shared_ptr<const detect::IndicatorSet> tables = *set;
  std::shared_ptr<detect::Matcher> mt(std::move(*matcher));
  c.res->stream = [svc, viewer, actor, org, body, tables, mt, m](std::ostream& out) -> Status {
    auto lease = svc->AcquireStore();
    if (!lease.ok()) return lease.status();
    store::Store* s = lease->get();
    detect::HitResolver resolver(s, viewer);
    std::map<int64_t, const detect::HitResolver::Info*> hit_attributes;
    std::map<int64_t, uint64_t> hits_per_attribute;
    Status lookup_error;
    detect::InputLimits limits = MatchLimits();
    limits.cancelled = [&out] { return server::StreamCancelled(out); };
    auto in = detect::InputStream::FromMemory(*body, "body", std::move(limits));
    detect::MatchStats stats;
    uint64_t hits = 0;
    Status ms = mt->MatchStream(
        in.get(),
        [&](const detect::Hit& h) {
          const detect::Indicator& ind = tables->indicator(h.indicator);
          auto info = resolver.Resolve(ind.attribute_id);
          if (!info.ok()) {
            lookup_error = info.status();
            return false;
          }
          const detect::HitResolver::Info& r = **info;
          if (!r.visible) return true;  // the policy decides, always
          ++hits;
          ++hits_per_attribute[ind.attribute_id];
          hit_attributes[ind.attribute_id] = &r;
          out << boost::json::serialize(
                     detect::ToJson(h, ind, {"body", r.attribute_uuid, r.event_uuid, r.tlp}))
              << '\n';
          return static_cast<bool>(out);
        },
        &stats);
    if (!lookup_error.ok()) return lookup_error;
    if (ms.code() == Status::Code::kLimit) {
      // Already streaming: the body ends with an error line, not a summary.
      out << server::ErrorBody("payload_too_large", ms.message(), LimitDetails(body->size()));
      return out ? Status::Ok() : Status::Io("the client went away");
    }
    if (!ms.ok()) return ms;

    // Audit entries for sensitive hits and the sightings, in one transaction.
    uint64_t sightings = 0;
    bool any_sensitive = false;
    for (const auto& [id, r] : hit_attributes) any_sensitive |= r->sensitive;
    if (any_sensitive || (m.record_sightings && !hits_per_attribute.empty())) {
      std::lock_guard<std::mutex> l(svc->write_mutex());
      store::Transaction tx(s);
      if (!tx.status().ok()) return tx.status();
      for (const auto& [id, n] : hits_per_attribute) {
        const detect::HitResolver::Info& r = *hit_attributes[id];
        if (r.sensitive) {
          Status a = audit::Record(s, actor, "read.match", "attribute", r.attribute_uuid,
                                   r.owner_org_uuid, r.tlp + ", " + std::to_string(n) + " hit(s)");
          if (!a.ok()) return a;
        }
        if (m.record_sightings) {
          intel::SightingTarget target;
          target.attribute_uuid = r.attribute_uuid;
          intel::NewSighting ns;
          ns.source = m.source;
          std::vector<model::Sighting> added;
          Status a = intel::AddSighting(s, org, target, ns, &added);
          if (!a.ok()) return a;
          sightings += added.size();
          for (const auto& x : added) {
            a = audit::Record(s, actor, "sighting.add", "attribute", x.attribute_uuid,
                              r.owner_org_uuid, "seen (match)");
            if (!a.ok()) return a;
          }
        }
      }
      Status cs = tx.Commit();
      if (!cs.ok()) return cs;
    }
    json::object summary{{"bytes", stats.bytes},
                         {"lines", stats.lines},
                         {"hits", hits},
                         {"indicators_hit", hits_per_attribute.size()},
                         {"malformed_lines", stats.malformed_lines},
                         {"format", detect::FormatName(mt->format())},
                         {"tables", tables->size()},
                         {"sightings_recorded", sightings}};
    out << json::serialize(json::object{{"summary", std::move(summary)}}) << '\n';
    return out ? Status::Ok() : Status::Io("the client went away");
  };
}

}  // namespace

void RegisterMatchRoutes(Router* r) {
  r->Add({"POST", "/api/v1/match", Access::kRead, MatchRoute,
          R"({"operationId": "matchLog",
              "summary": "Match a log against every indicator the caller may see; hits stream back as JSON lines",
              "description": "The body is a log: plain, gzip or zstd; free text, JSON lines (Zeek, Suricata EVE, ECS), CSV with a header or Zeek TSV. One JSON line per hit (as `sanad match`), in input order, then one line {\"summary\": {...}}. The last line is either that summary or, when a limit was met after streaming had begun, an error object {\"error\": {...}}; a body with neither was cut short. Bodies are limited by the server's max body size (64 MiB by default); a gzip or zstd body may expand to at most 1 GiB and at most 100 times its size (the ratio is checked beyond 16 MiB), else 413 payload_too_large before anything is streamed. Matching stops when the client disconnects. Hits on TLP:AMBER, AMBER+STRICT or RED attributes are recorded in the audit log.",
              "parameters": [
                {"name": "format", "in": "query", "schema": {"enum": ["auto", "text", "jsonl", "csv", "zeek"], "default": "auto"}},
                {"name": "field", "in": "query", "description": "Only these fields (JSON dotted path, CSV column, Zeek field); repeatable.", "schema": {"type": "string"}},
                {"name": "scan", "in": "query", "description": "Also substring indicators (filename, mutex, user-agent, ...).", "schema": {"type": "boolean", "default": false}},
                {"name": "all", "in": "query", "description": "Also attributes with to_ids off.", "schema": {"type": "boolean", "default": false}},
                {"name": "include_warninglisted", "in": "query", "schema": {"type": "boolean", "default": false}},
                {"name": "record_sightings", "in": "query", "description": "Store one 'seen' sighting per matched attribute (not for readers or read-only keys).", "schema": {"type": "boolean", "default": false}},
                {"name": "source", "in": "query", "description": "Source of recorded sightings.", "schema": {"type": "string", "maxLength": 255}}],
              "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}, "text/plain": {"schema": {"type": "string"}}}},
              "responses": {"200": {"description": "JSON lines: hits, then the summary", "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                "400": {"$ref": "#/components/responses/Invalid"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "413": {"$ref": "#/components/responses/Error"}}})"});
}

}  // namespace sanad::api
