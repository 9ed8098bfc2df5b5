// intel/json.h: the JSON views of sightings, sighting summaries, attributes
// in context (API and CLI shapes, local tags), over-correlations, search
// results and correlation exclusions.
#include "intel/json.h"

#include <gtest/gtest.h>

namespace sanad::intel {
namespace {

namespace json = boost::json;

model::Tag MakeTag(const std::string& name, bool local) {
  model::Tag t;
  t.name = name;
  t.local = local;
  return t;
}

store::AttributeContext Context() {
  store::AttributeContext c;
  c.attribute.uuid = "a1";
  c.attribute.type = "ip-dst";
  c.attribute.category = "Network activity";
  c.attribute.value = "192.0.2.1";
  c.attribute.tags = {MakeTag("shared", false), MakeTag("mine", true)};
  c.event_uuid = "e1";
  c.event_info = "Event";
  c.event_orgc = {1, "o1", "CERT-X"};
  c.event_tags = {MakeTag("ev-local", true)};
  return c;
}

TEST(IntelJson, Sighting) {
  model::Sighting s;
  s.uuid = "s1";
  s.attribute_uuid = "a1";
  s.type = model::SightingType::kFalsePositive;
  s.date_sighting = 86400;
  json::object j = ToJson(s);
  EXPECT_EQ(j.at("type").as_string(), "false-positive");
  EXPECT_EQ(j.at("time").as_string(), "1970-01-02T00:00:00Z");
  EXPECT_TRUE(j.at("org").is_null());
  s.org = {5, "o5", "Reporter"};
  EXPECT_EQ(ToJson(s).at("org").as_object().at("name").as_string(), "Reporter");
}

TEST(IntelJson, SightingSummaryCounts) {
  SightingSummary sum;
  sum.attribute_uuid = "a1";
  sum.counts = {3, 1, 0};
  sum.details.resize(2);
  json::object j = ToJson(sum);
  EXPECT_EQ(j.at("counts").as_object().at("seen").as_int64(), 3);
  EXPECT_EQ(j.at("counts").as_object().at("false-positive").as_int64(), 1);
  EXPECT_EQ(j.at("sightings").as_array().size(), 2u);
}

TEST(IntelJson, ContextApiShapeHidesLocalTagsUnlessAllowed) {
  store::AttributeContext c = Context();
  json::object j = ToJson(c, ContextJsonOptions{});
  EXPECT_EQ(json::serialize(j.at("tags")), R"(["shared"])");
  EXPECT_EQ(json::serialize(j.at("event").as_object().at("tags")), "[]");
  EXPECT_EQ(j.at("event").as_object().at("orgc").as_object().at("name").as_string(), "CERT-X");
  EXPECT_TRUE(j.at("tlp").is_null());
  ContextJsonOptions holder;
  holder.local_tags = [](const store::AttributeContext&) { return true; };
  json::object h = ToJson(c, holder);
  EXPECT_EQ(json::serialize(h.at("tags")), R"(["shared","mine"])");
  EXPECT_EQ(json::serialize(h.at("event").as_object().at("tags")), R"(["ev-local"])");
}

TEST(IntelJson, ContextCliShape) {
  json::object j = ToJson(Context(), ContextJsonOptions{Shape::kCli, nullptr});
  EXPECT_EQ(j.at("event").as_object().at("orgc").as_string(), "CERT-X");
  EXPECT_EQ(j.at("tlp").as_string(), "");
  EXPECT_FALSE(j.contains("canonical"));
}

TEST(IntelJson, OverCorrelationShapes) {
  OverCorrelation o{"10.0.0.0/8", CorrelationRule::kCidr, 30, 25};
  EXPECT_EQ(json::serialize(ToJson(o, Shape::kApi)),
            R"({"value":"10.0.0.0/8","rule":"cidr","visible_count":30,"visible_events":25})");
  EXPECT_EQ(json::serialize(ToJson(o, Shape::kCli)),
            R"({"value":"10.0.0.0/8","rule":"cidr","over_correlating":true,)"
            R"("visible_count":30,"visible_events":25})");
}

TEST(IntelJson, SearchResult) {
  SearchResult r;
  r.truncated = true;
  SearchHit h;
  h.context = Context();
  h.query = "192.0.2.1";
  r.hits.push_back(h);
  json::object j = ToJson(r, false, ContextJsonOptions{});
  EXPECT_EQ(j.at("count").as_uint64(), 1u);
  EXPECT_TRUE(j.at("truncated").as_bool());
  const json::object& hit = j.at("hits").as_array()[0].as_object();
  EXPECT_EQ(hit.at("matched_by").as_string(), "exact");
  EXPECT_FALSE(hit.contains("correlations"));
  EXPECT_TRUE(ToJson(r, true, ContextJsonOptions{}).at("hits").as_array()[0].as_object().contains(
      "over_correlating"));
}

TEST(IntelJson, Exclusion) {
  store::CorrelationExclusion e{4, "%.example.com", "noisy", 0};
  EXPECT_EQ(json::serialize(ToJson(e)),
            R"({"id":4,"value":"%.example.com","comment":"noisy","created":"1970-01-01T00:00:00Z"})");
}

}  // namespace
}  // namespace sanad::intel
