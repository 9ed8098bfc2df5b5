#include "intel/json.h"

#include "util/util.h"

namespace sanad::intel {

namespace json = boost::json;

namespace {

json::object ApiContextJson(const store::AttributeContext& ctx, bool local) {
  json::object o = ToJson(ctx.attribute, local);
  json::array etags;
  for (const auto& t : ctx.event_tags)
    if (policy::ShowTag(t, local)) etags.emplace_back(t.name);
  o["event"] = {{"uuid", ctx.event_uuid},
                {"info", ctx.event_info},
                {"date", ctx.event_date},
                {"published", ctx.event_published},
                {"orgc", json::object{{"uuid", ctx.event_orgc.uuid}, {"name", ctx.event_orgc.name}}},
                {"tags", std::move(etags)}};
  if (!ctx.object_uuid.empty())
    o["object"] = {{"uuid", ctx.object_uuid}, {"name", ctx.object_name}};
  const char* tlp = model::TlpLabel(ctx.tlp);
  o["tlp"] = *tlp ? json::value(tlp) : json::value(nullptr);
  return o;
}

json::object CliContextJson(const store::AttributeContext& c) {
  const model::Attribute& a = c.attribute;
  json::array tags;
  for (const auto& t : a.tags) tags.push_back(json::string(t.name));
  json::array etags;
  for (const auto& t : c.event_tags) etags.push_back(json::string(t.name));
  json::object o{{"uuid", a.uuid},
                 {"type", a.type},
                 {"category", a.category},
                 {"value", a.value},
                 {"to_ids", a.to_ids},
                 {"timestamp", a.timestamp},
                 {"tags", std::move(tags)},
                 {"tlp", model::TlpLabel(c.tlp)},
                 {"event", json::object{{"uuid", c.event_uuid},
                                        {"info", c.event_info},
                                        {"date", c.event_date},
                                        {"published", c.event_published},
                                        {"orgc", c.event_orgc.name},
                                        {"tags", std::move(etags)}}}};
  if (!c.object_uuid.empty()) {
    o["object"] = json::object{
        {"uuid", c.object_uuid}, {"name", c.object_name}, {"relation", a.object_relation}};
  }
  return o;
}

json::array CorrelationsJson(const std::vector<CorrelatedAttribute>& corr,
                             const ContextJsonOptions& o) {
  json::array arr;
  for (const auto& c : corr) arr.push_back(ToJson(c, o));
  return arr;
}

json::array OverJson(const std::vector<OverCorrelation>& over, Shape shape) {
  json::array arr;
  for (const auto& o : over) arr.push_back(ToJson(o, shape));
  return arr;
}

}  // namespace

ContextJsonOptions ApiViewOptions(store::Store* s, const policy::Viewer& v) {
  ContextJsonOptions o;
  o.local_tags = [s, v](const store::AttributeContext& ctx) {
    auto head = s->events().FindEventHead(ctx.event_uuid);
    return head.ok() && policy::MaySeeLocalTags(v, head->org_id);
  };
  return o;
}

json::object ToJson(const model::Attribute& a, bool with_local_tags) {
  json::array tags;
  for (const auto& t : a.tags)
    if (policy::ShowTag(t, with_local_tags)) tags.emplace_back(t.name);
  json::object o{{"uuid", a.uuid},           {"type", a.type},
                 {"category", a.category},   {"value", a.value},
                 {"canonical", a.canonical}, {"to_ids", a.to_ids},
                 {"comment", a.comment},     {"distribution", static_cast<int>(a.distribution)},
                 {"timestamp", a.timestamp}, {"disable_correlation", a.disable_correlation},
                 {"deleted", a.deleted},     {"tags", std::move(tags)}};
  if (a.distribution == model::Distribution::kSharingGroup)
    o["sharing_group"] = {{"uuid", a.sharing_group.uuid}, {"name", a.sharing_group.name}};
  if (!a.object_relation.empty()) o["object_relation"] = a.object_relation;
  if (a.first_seen) o["first_seen"] = *a.first_seen;
  if (a.last_seen) o["last_seen"] = *a.last_seen;
  return o;
}

json::object ToJson(const store::AttributeContext& c, const ContextJsonOptions& o) {
  if (o.shape == Shape::kCli) return CliContextJson(c);
  return ApiContextJson(c, o.local_tags && o.local_tags(c));
}

json::object ToJson(const CorrelatedAttribute& c, const ContextJsonOptions& o) {
  json::object j = ToJson(c.context, o);
  j["rule"] = Name(c.match.rule);
  j["matched_value"] = c.match.matched_value;
  j["correlated_value"] = c.match.value;
  return j;
}

json::object ToJson(const OverCorrelation& o, Shape shape) {
  json::object j{{"value", o.value}, {"rule", Name(o.rule)}};
  if (shape == Shape::kCli) j["over_correlating"] = true;
  j["visible_count"] = o.visible_count;
  j["visible_events"] = o.visible_events;
  return j;
}

json::object ToJson(const store::AttributeContext& self,
                    const std::vector<CorrelatedAttribute>& correlations,
                    const std::vector<OverCorrelation>& over, int64_t max_events,
                    const ContextJsonOptions& o) {
  return {{"attribute", ToJson(self, o)},
          {"correlations", CorrelationsJson(correlations, o)},
          {"over_correlating", OverJson(over, o.shape)},
          {"max_events", max_events}};
}

json::object ToJson(const SearchResult& r, bool with_correlations, const ContextJsonOptions& o) {
  json::array hits;
  for (const auto& h : r.hits) {
    json::object j = ToJson(h.context, o);
    j["query"] = h.query;
    j["matched_by"] = Name(h.rule);
    if (with_correlations) {
      j["correlations"] = CorrelationsJson(h.correlations, o);
      j["over_correlating"] = OverJson(h.over_correlating, o.shape);
    }
    hits.push_back(std::move(j));
  }
  return {{"count", hits.size()}, {"truncated", r.truncated}, {"hits", std::move(hits)}};
}

json::object ToJson(const model::Sighting& s) {
  json::object o{{"uuid", s.uuid},
                 {"attribute_uuid", s.attribute_uuid},
                 {"type", model::Name(s.type)},
                 {"source", s.source},
                 {"date_sighting", s.date_sighting},
                 {"time", util::FormatIso8601(s.date_sighting)}};
  o["org"] = s.org.id != 0 ? json::value(json::object{{"uuid", s.org.uuid}, {"name", s.org.name}})
                           : json::value(nullptr);
  return o;
}

json::object ToJson(const SightingSummary& s) {
  json::array details;
  for (const auto& x : s.details) details.push_back(ToJson(x));
  json::object counts;
  for (int t = 0; t < 3; ++t)
    counts[model::Name(static_cast<model::SightingType>(t))] = s.counts[t];
  return {{"attribute_uuid", s.attribute_uuid},
          {"type", s.type},
          {"value", s.value},
          {"score", s.score},
          {"decay_class", Name(s.decay_class)},
          {"counts", std::move(counts)},
          {"details_complete", s.all_details},
          {"sightings", std::move(details)}};
}

json::object ToJson(const store::CorrelationExclusion& e) {
  return {{"id", e.id},
          {"value", e.value},
          {"comment", e.comment},
          {"created", util::FormatIso8601(e.created)}};
}

}  // namespace sanad::intel
