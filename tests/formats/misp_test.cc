#include "formats/misp.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "model/canon.h"
#include "test_util.h"

namespace sanad::formats {
namespace {

namespace bj = boost::json;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// ---- helpers ----------------------------------------------------------------

std::string Opt(const std::optional<std::string>& o) { return o ? "\"" + *o + "\"" : "-"; }

void DumpOrg(std::ostringstream& s, const char* what, const model::OrgRef& o) {
  s << what << "{" << o.uuid << "," << o.name << "}";
}
void DumpSg(std::ostringstream& s, const model::SharingGroupRef& g) {
  s << " sg{" << g.uuid << "," << g.name << "}";
}
void DumpTags(std::ostringstream& s, const std::vector<model::Tag>& tags) {
  for (const auto& t : tags)
    s << " tag{" << t.name << "," << t.colour << "," << t.exportable << "," << t.local << "}";
}
void DumpAttr(std::ostringstream& s, const model::Attribute& a) {
  s << "  attr " << a.uuid << " type=" << a.type << " cat=" << a.category << " value=" << a.value
    << " canon=" << a.canonical << "|" << a.canonical1 << "|" << a.canonical2 << " ids=" << a.to_ids
    << " comment=" << a.comment << " dist=" << int(a.distribution);
  DumpSg(s, a.sharing_group);
  s << " ts=" << a.timestamp << " fs=" << Opt(a.first_seen) << " ls=" << Opt(a.last_seen)
    << " dc=" << a.disable_correlation << " del=" << a.deleted << " rel=" << a.object_relation;
  DumpTags(s, a.tags);
  for (const auto& g : a.sightings) {
    s << " sighting{" << g.uuid << "," << g.attribute_uuid << "," << int(g.type) << "," << g.source
      << "," << g.date_sighting << ",";
    DumpOrg(s, "org", g.org);
    s << "}";
  }
  s << " extra=" << a.extra_json << "\n";
}
// Every model field of an event as text: equal dumps mean equal events.
std::string Dump(const model::Event& e) {
  std::ostringstream s;
  s << "event " << e.uuid << " info=" << e.info << " date=" << e.date << " tl=" << e.threat_level_id
    << " an=" << e.analysis << " pub=" << e.published << " pts=" << e.publish_timestamp
    << " ts=" << e.timestamp << " dist=" << int(e.distribution);
  DumpSg(s, e.sharing_group);
  DumpOrg(s, " org", e.org);
  DumpOrg(s, " orgc", e.orgc);
  s << " dc=" << e.disable_correlation << " del=" << e.deleted << " ext=" << e.extends_uuid;
  DumpTags(s, e.tags);
  s << " extra=" << e.extra_json << "\n";
  for (const auto& a : e.attributes) DumpAttr(s, a);
  for (const auto& o : e.objects) {
    s << " object " << o.uuid << " " << o.name << " " << o.meta_category << " " << o.description
      << " " << o.template_uuid << " " << o.template_version << " " << o.comment
      << " dist=" << int(o.distribution);
    DumpSg(s, o.sharing_group);
    s << " ts=" << o.timestamp << " fs=" << Opt(o.first_seen) << " ls=" << Opt(o.last_seen)
      << " del=" << o.deleted << " extra=" << o.extra_json << "\n";
    for (const auto& a : o.attributes) DumpAttr(s, a);
    for (const auto& r : o.references)
      s << "  ref " << r.uuid << " " << r.referenced_uuid << " " << r.referenced_type << " "
        << r.relationship_type << " " << r.comment << " " << r.timestamp << " " << r.deleted
        << " extra=" << r.extra_json << "\n";
  }
  return s.str();
}
std::string Dump(const std::vector<model::Event>& evs) {
  std::string r;
  for (const auto& e : evs) r += Dump(e);
  return r;
}
// Sorted by uuid.
std::string DumpGroups(std::vector<model::SharingGroup> gs) {
  std::sort(gs.begin(), gs.end(), [](const auto& a, const auto& b) { return a.uuid < b.uuid; });
  std::ostringstream s;
  for (const auto& g : gs) {
    s << g.uuid << "," << g.name << "," << g.releasability << "," << g.description;
    DumpOrg(s, " owner", g.owner);
    for (const auto& m : g.members) DumpOrg(s, " m", m);
    s << "\n";
  }
  return s.str();
}

std::string Fixture(const std::string& name) {
  return testing::ReadFile(testing::TestData("misp/" + name));
}

Status Parse(std::string_view json, std::vector<model::Event>* out, ParseNotes* notes = nullptr,
             std::string_view source = "t.json") {
  return ParseMispDocument(json, source, out, notes);
}

// The error message of parsing `json` as t.json ("" when it parses).
std::string ErrorOf(std::string_view json) {
  std::vector<model::Event> evs;
  Status st = Parse(json, &evs);
  return st.ok() ? "" : st.message();
}

// A minimal valid event with `attr` as its only attribute (a JSON object text).
std::string EventWith(const std::string& event_fields, const std::string& attr = "") {
  std::string s = R"({"Event": {"uuid": "dddddddd-1111-4222-8333-444444444444", "info": "t")";
  if (!event_fields.empty()) s += ", " + event_fields;
  if (!attr.empty()) s += R"(, "Attribute": [)" + attr + "]";
  return s + "}}";
}
std::string Attr(const std::string& fields) {
  std::string s = R"({"uuid": "dddddddd-1111-4222-8333-000000000001")";
  if (!fields.empty()) s += ", " + fields;
  return s + "}";
}

// Round trip: parse(write(parse(x))) == parse(x); returns the written JSON.
std::string ExpectRoundTrip(const std::vector<model::Event>& evs,
                            const MispWriteOptions& opts = {}) {
  std::string all;
  for (const auto& ev : evs) {
    std::string written = WriteMispEvent(ev, opts);
    std::vector<model::Event> again;
    ParseNotes notes;
    Status st = ParseMispDocument(written, "written.json", &again, &notes);
    EXPECT_TRUE(st.ok()) << st.message() << "\n" << written;
    if (!st.ok()) continue;
    EXPECT_EQ(again.size(), 1u);
    if (again.size() == 1) {
      EXPECT_EQ(Dump(again[0]), Dump(ev));
    }
    all += written;
  }
  return all;
}

// Validates `json` against the MISP schema `schema` with python3-jsonschema;
// returns "" when valid, else the validator's message.
std::string SchemaErrors(const std::string& json, const std::string& schema) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("doc.json"), json);
  testing::WriteFile(dir.File("check.py"),
                     "import json, sys, jsonschema\n"
                     "schema = json.load(open(sys.argv[1]))\n"
                     "doc = json.load(open(sys.argv[2]))\n"
                     "errs = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=str)\n"
                     "for e in errs: print(list(e.absolute_path), e.message)\n"
                     "sys.exit(1 if errs else 0)\n");
  std::string out;
  int rc = testing::Run(
      "python3 " + dir.File("check.py") + " " + schema + " " + dir.File("doc.json"), &out, true);
  if (rc == 0) return "";
  return out.empty() ? "python3 failed" : out;
}

// ---- the rich fixture -------------------------------------------------------

class RichEventTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status st = ParseMispDocument(Fixture("rich_event.json"), "rich_event.json", &evs_, &notes_);
    ASSERT_TRUE(st.ok()) << st.message();
    ASSERT_EQ(evs_.size(), 1u);
  }
  const model::Event& ev() const { return evs_[0]; }
  std::vector<model::Event> evs_;
  ParseNotes notes_;
};

TEST_F(RichEventTest, EventFields) {
  const model::Event& e = ev();
  EXPECT_EQ(e.uuid, "5e0f4b5c-1a2b-4c3d-8e9f-0a1b2c3d4e5f");  // lower-cased
  EXPECT_EQ(e.info, "Phishing campaign against national CERTs");
  EXPECT_EQ(e.date, "2024-03-05");
  EXPECT_EQ(e.threat_level_id, 2);
  EXPECT_EQ(e.analysis, 1);
  EXPECT_TRUE(e.published);
  EXPECT_EQ(e.publish_timestamp, 1709650000);
  EXPECT_EQ(e.timestamp, 1709640000);
  EXPECT_EQ(e.distribution, model::Distribution::kSharingGroup);
  EXPECT_EQ(e.sharing_group.uuid, "a6c2f9d0-3b1e-4f7a-9c8d-1e2f3a4b5c6d");
  EXPECT_EQ(e.sharing_group.name, "Gulf CERTs");
  EXPECT_EQ(e.sharing_group.id, 0);  // local ids are never taken from documents
  EXPECT_EQ(e.org.uuid, "33333333-4444-4555-8666-777777777777");
  EXPECT_EQ(e.org.name, "Local CERT");
  EXPECT_EQ(e.orgc.uuid, "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(e.orgc.name, "CERT-A");
  EXPECT_EQ(e.orgc.id, 0);
  EXPECT_FALSE(e.disable_correlation);
  EXPECT_EQ(e.extends_uuid, "");
  ASSERT_EQ(e.tags.size(), 3u);
  EXPECT_EQ(e.tags[0].name, "tlp:amber");
  EXPECT_EQ(e.tags[0].colour, "#FFC000");
  EXPECT_TRUE(e.tags[0].exportable);
  EXPECT_FALSE(e.tags[0].local);
  EXPECT_EQ(e.tags[1].name, "misp-galaxy:threat-actor=\"APT28\"");
  EXPECT_TRUE(e.tags[1].exportable);
  EXPECT_TRUE(e.tags[2].local);
  EXPECT_FALSE(e.tags[2].exportable);
  EXPECT_EQ(e.attributes.size(), 5u);
  EXPECT_EQ(e.objects.size(), 2u);
}

TEST_F(RichEventTest, UnmodelledFieldsArePreservedInOrder) {
  bj::value extra = bj::parse(ev().extra_json);
  ASSERT_TRUE(extra.is_object());
  std::vector<std::string> keys;
  for (const auto& kv : extra.get_object()) keys.emplace_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"locked", "proposal_email_lock", "event_creator_email",
                                            "Galaxy"}));
  EXPECT_EQ(extra.at("Galaxy").at(0).at("GalaxyCluster").at(0).at("meta").at("synonyms").at(1),
            "Sofacy");
  EXPECT_EQ(ev().attributes[0].extra_json,
            R"({"ShadowAttribute":[{"type":"ip-dst","category":"Network activity",)"
            R"("value":"198.51.100.24","to_ids":true}]})");
  EXPECT_EQ(ev().attributes[3].extra_json, R"({"data":"aGVsbG8="})");
  EXPECT_EQ(ev().attributes[1].extra_json, "");
  EXPECT_EQ(ev().objects[0].references[1].extra_json, R"({"source_note":"analyst"})");
  EXPECT_EQ(ev().objects[0].references[0].extra_json, "");  // embedded Attribute is derived

  EXPECT_EQ(notes_.preserved_fields,
            (std::vector<std::string>{
                "$.Event.locked", "$.Event.proposal_email_lock", "$.Event.event_creator_email",
                "$.Event.Galaxy", "$.Event.Attribute[].ShadowAttribute", "$.Event.Attribute[].data",
                "$.Event.Object[].ObjectReference[].source_note"}));
  for (const char* f : {"$.Event.id",
                        "$.Event.orgc_id",
                        "$.Event.org_id",
                        "$.Event.attribute_count",
                        "$.Event.sharing_group_id",
                        "$.Event.RelatedEvent",
                        "$.Event.SharingGroup.id",
                        "$.Event.SharingGroup.SharingGroupServer",
                        "$.Event.SharingGroup.SharingGroupOrg[].id",
                        "$.Event.Org.id",
                        "$.Event.Orgc.local",
                        "$.Event.Tag[].hide_tag",
                        "$.Event.Tag[].user_id",
                        "$.Event.Attribute[].id",
                        "$.Event.Attribute[].event_id",
                        "$.Event.Attribute[].object_id",
                        "$.Event.Attribute[].Sighting[].attribute_id",
                        "$.Event.Object[].id",
                        "$.Event.Object[].Attribute[].object_id",
                        "$.Event.Object[].ObjectReference[].Attribute",
                        "$.Event.Object[].ObjectReference[].referenced_id"})
    EXPECT_THAT(notes_.ignored_fields, Contains(f));
  // Each pattern once.
  auto sorted = notes_.ignored_fields;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
}

TEST_F(RichEventTest, Attributes) {
  const auto& a0 = ev().attributes[0];
  EXPECT_EQ(a0.uuid, "7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e2f");
  EXPECT_EQ(a0.type, "ip-dst");
  EXPECT_EQ(a0.category, "Network activity");
  EXPECT_EQ(a0.value, "198.51.100.23");
  EXPECT_EQ(a0.canonical, "198.51.100.23");
  EXPECT_EQ(a0.canonical1, "198.51.100.23");
  EXPECT_EQ(a0.canonical2, "");
  EXPECT_TRUE(a0.to_ids);
  EXPECT_EQ(a0.comment, "C2 server");
  EXPECT_EQ(a0.distribution, model::Distribution::kInherit);
  EXPECT_EQ(a0.timestamp, 1709640000);
  EXPECT_EQ(a0.first_seen, "2024-03-01T10:00:00.000000+00:00");
  EXPECT_EQ(a0.last_seen, "2024-03-04T18:30:00Z");
  ASSERT_EQ(a0.tags.size(), 1u);
  EXPECT_EQ(a0.tags[0].name, "kill-chain:command-and-control");
  ASSERT_EQ(a0.sightings.size(), 2u);
  EXPECT_EQ(a0.sightings[0].uuid, "c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8");
  EXPECT_EQ(a0.sightings[0].attribute_uuid, a0.uuid);
  EXPECT_EQ(a0.sightings[0].type, model::SightingType::kSeen);
  EXPECT_EQ(a0.sightings[0].date_sighting, 1709641000);
  EXPECT_EQ(a0.sightings[0].source, "ids-sensor-7");
  EXPECT_EQ(a0.sightings[0].org.uuid, "22222222-3333-4444-8555-666666666666");
  EXPECT_EQ(a0.sightings[0].org.name, "CERT-B");
  EXPECT_EQ(a0.sightings[1].uuid, "");
  EXPECT_EQ(a0.sightings[1].type, model::SightingType::kFalsePositive);
  EXPECT_EQ(a0.sightings[1].date_sighting, 1709642000);

  const auto& a1 = ev().attributes[1];  // defaults from the type, own sharing group
  EXPECT_EQ(a1.value, "Login-Portal.Example.COM.");
  EXPECT_EQ(a1.canonical, "login-portal.example.com");
  EXPECT_EQ(a1.category, "Network activity");
  EXPECT_TRUE(a1.to_ids);
  EXPECT_EQ(a1.distribution, model::Distribution::kSharingGroup);
  EXPECT_EQ(a1.sharing_group.uuid, "b7d3e0f1-4c2f-4a8b-8d9e-2f3a4b5c6d7e");
  EXPECT_EQ(a1.sharing_group.name, "Narrow group");
  EXPECT_FALSE(a1.first_seen.has_value());

  const auto& a2 = ev().attributes[2];  // composite
  EXPECT_EQ(a2.value, "2001:DB8::0:1|443");
  EXPECT_EQ(a2.canonical, "2001:db8::1|443");
  EXPECT_EQ(a2.canonical1, "2001:db8::1");
  EXPECT_EQ(a2.canonical2, "443");
  EXPECT_FALSE(a2.to_ids);
  EXPECT_EQ(a2.distribution, model::Distribution::kCommunity);

  const auto& a3 = ev().attributes[3];  // unknown type: opaque, kept
  EXPECT_EQ(a3.type, "x-custom-type");
  EXPECT_EQ(a3.value, "opaque thing");
  EXPECT_EQ(a3.canonical, "opaque thing");
  EXPECT_FALSE(a3.to_ids);
  EXPECT_EQ(a3.distribution, model::Distribution::kAll);

  const auto& a4 = ev().attributes[4];
  EXPECT_EQ(a4.canonical, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(a4.category, "Network activity");  // kept, with a warning
  EXPECT_EQ(notes_.warnings,
            (std::vector<std::string>{
                "rich_event.json: $.Event.Attribute[4].category: MISP does not allow type "
                "\"sha256\" in category \"Network activity\" (kept)"}));
}

TEST_F(RichEventTest, ObjectsAndReferences) {
  const auto& o0 = ev().objects[0];
  EXPECT_EQ(o0.uuid, "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f");
  EXPECT_EQ(o0.name, "file");
  EXPECT_EQ(o0.meta_category, "file");
  EXPECT_EQ(o0.template_uuid, "688c46fb-5edb-40a3-8273-1af7923e2215");
  EXPECT_EQ(o0.template_version, "24");  // integer accepted
  EXPECT_EQ(o0.comment, "dropper");
  EXPECT_EQ(o0.distribution, model::Distribution::kInherit);
  EXPECT_EQ(o0.timestamp, 1709640002);
  EXPECT_EQ(o0.first_seen, "2024-03-01");
  EXPECT_FALSE(o0.last_seen.has_value());  // null
  ASSERT_EQ(o0.attributes.size(), 2u);
  EXPECT_EQ(o0.attributes[0].object_relation, "filename");
  EXPECT_TRUE(o0.attributes[0].disable_correlation);
  EXPECT_FALSE(o0.attributes[0].to_ids);
  EXPECT_EQ(o0.attributes[1].category, "Payload delivery");  // md5's default category
  EXPECT_TRUE(o0.attributes[1].to_ids);                      // md5's sane default
  EXPECT_EQ(o0.attributes[1].canonical, "d41d8cd98f00b204e9800998ecf8427e");
  ASSERT_EQ(o0.references.size(), 2u);
  EXPECT_EQ(o0.references[0].uuid, "5f6a7b8c-9d0e-4f1a-8b2c-4d5e6f7a8b9c");
  EXPECT_EQ(o0.references[0].referenced_uuid, "7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e2f");
  EXPECT_EQ(o0.references[0].referenced_type, "Attribute");
  EXPECT_EQ(o0.references[0].relationship_type, "communicates-with");
  EXPECT_EQ(o0.references[0].comment, "beacon");
  EXPECT_EQ(o0.references[0].timestamp, 1709640003);
  EXPECT_EQ(o0.references[1].referenced_type, "Object");

  const auto& o1 = ev().objects[1];
  EXPECT_EQ(o1.distribution, model::Distribution::kSharingGroup);
  EXPECT_EQ(o1.sharing_group.uuid, "a6c2f9d0-3b1e-4f7a-9c8d-1e2f3a4b5c6d");
  EXPECT_EQ(o1.template_version, "10");
  ASSERT_EQ(o1.attributes.size(), 1u);
  EXPECT_EQ(o1.attributes[0].value, "HTTP://Login-Portal.Example.com:80/a/../b?x=1");
  EXPECT_EQ(o1.attributes[0].canonical, "http://login-portal.example.com/b?x=1");
}

TEST_F(RichEventTest, EmbeddedSharingGroups) {
  EXPECT_EQ(DumpGroups(notes_.sharing_groups),
            "a6c2f9d0-3b1e-4f7a-9c8d-1e2f3a4b5c6d,Gulf CERTs,Member CERTs only,"
            "Trusted sharing between member CERTs"
            " owner{11111111-2222-4333-8444-555555555555,CERT-A}"
            " m{11111111-2222-4333-8444-555555555555,CERT-A}"
            " m{22222222-3333-4444-8555-666666666666,CERT-B}\n"
            "b7d3e0f1-4c2f-4a8b-8d9e-2f3a4b5c6d7e,Narrow group,two orgs, owner{,}\n");
  // "2023-01-10 08:00:00" UTC
  ASSERT_EQ(notes_.sharing_groups.size(), 2u);
  const auto& g = notes_.sharing_groups[1];
  ASSERT_EQ(g.uuid, "a6c2f9d0-3b1e-4f7a-9c8d-1e2f3a4b5c6d");
  EXPECT_EQ(g.created, 1673337600);
  EXPECT_EQ(g.modified, 1685622600);
}

TEST_F(RichEventTest, RoundTrip) {
  ExpectRoundTrip(evs_);
  MispWriteOptions pretty;
  pretty.pretty = true;
  std::string p = ExpectRoundTrip(evs_, pretty);
  EXPECT_THAT(p, HasSubstr("\n    \"info\": \"Phishing campaign against national CERTs\",\n"));
}

TEST_F(RichEventTest, WriterFollowsMispConventions) {
  bj::value doc = bj::parse(WriteMispEvent(ev()));
  const bj::object& e = doc.at("Event").as_object();
  EXPECT_EQ(doc.as_object().size(), 1u);
  EXPECT_EQ(e.at("uuid"), "5e0f4b5c-1a2b-4c3d-8e9f-0a1b2c3d4e5f");
  EXPECT_EQ(e.at("threat_level_id"), "2");
  EXPECT_EQ(e.at("analysis"), "1");
  EXPECT_EQ(e.at("published"), true);
  EXPECT_EQ(e.at("timestamp"), "1709640000");
  EXPECT_EQ(e.at("publish_timestamp"), "1709650000");
  EXPECT_EQ(e.at("distribution"), "4");
  EXPECT_EQ(e.at("sharing_group_id"), "0");
  EXPECT_EQ(e.at("SharingGroup").at("uuid"), "a6c2f9d0-3b1e-4f7a-9c8d-1e2f3a4b5c6d");
  EXPECT_EQ(e.at("SharingGroup").at("name"), "Gulf CERTs");
  EXPECT_TRUE(e.at("SharingGroup").as_object().contains("releasability"));
  EXPECT_EQ(e.at("Orgc").at("name"), "CERT-A");
  EXPECT_FALSE(e.contains("extends_uuid"));
  EXPECT_FALSE(e.contains("id"));
  EXPECT_FALSE(e.contains("RelatedEvent"));
  EXPECT_TRUE(e.contains("Galaxy"));
  EXPECT_EQ(e.at("Tag").at(2).at("local"), true);
  EXPECT_FALSE(e.at("Tag").at(0).as_object().contains("local"));
  const bj::value& a1 = e.at("Attribute").at(1);
  EXPECT_EQ(a1.at("value"), "Login-Portal.Example.COM.");  // as received, not canonical
  EXPECT_EQ(a1.at("to_ids"), true);
  EXPECT_EQ(a1.at("distribution"), "4");
  EXPECT_EQ(a1.at("SharingGroup").at("uuid"), "b7d3e0f1-4c2f-4a8b-8d9e-2f3a4b5c6d7e");
  const bj::value& a0 = e.at("Attribute").at(0);
  EXPECT_EQ(a0.at("first_seen"), "2024-03-01T10:00:00.000000+00:00");
  EXPECT_EQ(a0.at("Sighting").at(0).at("date_sighting"), "1709641000");
  EXPECT_EQ(a0.at("Sighting").at(1).at("type"), "1");
  EXPECT_TRUE(a0.as_object().contains("ShadowAttribute"));
  EXPECT_FALSE(a1.as_object().contains("first_seen"));
  const bj::value& ref = e.at("Object").at(0).at("ObjectReference").at(0);
  EXPECT_EQ(ref.at("object_uuid"), "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f");
  EXPECT_EQ(ref.at("referenced_type"), "0");
  EXPECT_EQ(e.at("Object").at(0).at("ObjectReference").at(1).at("source_note"), "analyst");
  EXPECT_EQ(e.at("Object").at(0).at("Attribute").at(0).at("object_relation"), "filename");

  MispWriteOptions no_sightings;
  no_sightings.include_sightings = false;
  bj::value doc2 = bj::parse(WriteMispEvent(ev(), no_sightings));
  EXPECT_FALSE(doc2.at("Event").at("Attribute").at(0).as_object().contains("Sighting"));
}

TEST_F(RichEventTest, WriterEmbedsFullSharingGroupDefinitions) {
  MispWriteOptions opts;
  opts.sharing_groups = &notes_.sharing_groups;
  std::string written = WriteMispEvent(ev(), opts);
  bj::value doc = bj::parse(written);
  const bj::value& sg = doc.at("Event").at("SharingGroup");
  EXPECT_EQ(sg.at("releasability"), "Member CERTs only");
  EXPECT_EQ(sg.at("Organisation").at("uuid"), "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(sg.at("SharingGroupOrg").at(1).at("Organisation").at("name"), "CERT-B");
  std::vector<model::Event> again;
  ParseNotes notes;
  ASSERT_TRUE(ParseMispDocument(written, "w.json", &again, &notes).ok());
  EXPECT_EQ(DumpGroups(notes.sharing_groups), DumpGroups(notes_.sharing_groups));
  EXPECT_EQ(Dump(again), Dump(evs_));
}

TEST_F(RichEventTest, ExportValidatesAgainstMispSchema) {
  if (testing::SharedDir().empty()) GTEST_SKIP() << "no ../shared";
  const std::string dir = testing::SharedDir() + "/data/misp/";
  // The strict 2.4 schema predates objects, sightings, first/last_seen and
  // local tags; an event without them must validate strictly.
  model::Event plain = ev();
  plain.objects.clear();
  plain.tags.pop_back();  // the local tag
  for (auto& a : plain.attributes) {
    a.sightings.clear();
    a.first_seen.reset();
    a.last_seen.reset();
  }
  MispWriteOptions opts;
  opts.sharing_groups = &notes_.sharing_groups;
  EXPECT_EQ(SchemaErrors(WriteMispEvent(plain, opts), dir + "format-2.4-schema.json"), "");
  EXPECT_EQ(SchemaErrors(WriteMispEvent(plain), dir + "format-2.4-schema.json"), "");
  // Everything, against the lax schema (same types, extra fields allowed).
  EXPECT_EQ(SchemaErrors(WriteMispEvent(ev(), opts), dir + "format-2.4-schema-lax.json"), "");
  // The check is real: a wrong type is reported.
  EXPECT_NE(SchemaErrors(R"({"Event": {"uuid": "x", "published": "yes"}})",
                         dir + "format-2.4-schema.json"),
            "");
}

// ---- document forms ---------------------------------------------------------

TEST(MispReadTest, ResponseList) {
  std::vector<model::Event> evs;
  ParseNotes notes;
  Status st = ParseMispDocument(Fixture("response_list.json"), "r.json", &evs, &notes);
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_EQ(evs[0].info, "first");
  EXPECT_EQ(evs[0].date, "2023-11-14");  // from the timestamp
  EXPECT_EQ(evs[0].attributes[0].category, "Network activity");
  EXPECT_EQ(evs[1].info, "second (bare)");
  EXPECT_EQ(evs[1].date, "2023-12-31");
  EXPECT_EQ(evs[2].distribution, model::Distribution::kOrganisation);
  EXPECT_EQ(evs[2].objects[0].attributes[0].canonical, "c2.example.net");
  EXPECT_EQ(notes.ignored_fields, (std::vector<std::string>{"$.response[].Feed"}));
  ExpectRoundTrip(evs);
}

// Fuzz finding: a timestamp beyond year 9999 gave a date that could not be
// read back ("1092120360-01-00"). Timestamps are now limited to 9999-12-31.
TEST(MispReadTest, TimestampsBeyondYear9999AreRefusedWithThePath) {
  std::vector<model::Event> evs;
  Status st = ParseMispDocument(
      R"({"Event": {"uuid": "aaaaaaaa-1111-4222-8333-444444444444", "info": "x",
          "timestamp": "170000004444444444"}})",
      "big.json", &evs, nullptr);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("big.json: $.Event.timestamp"), std::string::npos) << st.message();
  EXPECT_TRUE(evs.empty());
  evs.clear();
  st = ParseMispDocument(
      R"({"Event": {"uuid": "aaaaaaaa-1111-4222-8333-444444444444", "info": "x",
          "timestamp": "253402300799"}})",
      "max.json", &evs, nullptr);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(evs[0].date, "9999-12-31");
  ExpectRoundTrip(evs);
}

TEST(MispReadTest, ArrayAndBareForms) {
  std::string ev1 = R"({"uuid": "aaaaaaaa-1111-4222-8333-444444444444", "info": "one"})";
  std::string ev2 = R"({"Event": {"uuid": "bbbbbbbb-1111-4222-8333-444444444444", "info": "two"}})";
  std::vector<model::Event> evs;
  ASSERT_TRUE(Parse("[" + ev1 + "," + ev2 + "]", &evs).ok());
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0].info, "one");
  EXPECT_EQ(evs[1].info, "two");
  // Appends to `out`.
  ASSERT_TRUE(Parse(ev1, &evs).ok());
  EXPECT_EQ(evs.size(), 3u);
  // Empty response and empty array are fine.
  evs.clear();
  EXPECT_TRUE(Parse(R"({"response": []})", &evs).ok());
  EXPECT_TRUE(Parse("[]", &evs).ok());
  EXPECT_TRUE(evs.empty());
  // Defaults.
  ASSERT_TRUE(Parse(ev1, &evs).ok());
  EXPECT_EQ(evs[0].threat_level_id, 4);
  EXPECT_EQ(evs[0].analysis, 0);
  // No distribution: organisation only (fail closed), marked absent so that the
  // importer applies the community default or keeps the stored level.
  EXPECT_EQ(evs[0].distribution, model::Distribution::kOrganisation);
  EXPECT_TRUE(evs[0].absent & model::field::kDistribution);
  EXPECT_FALSE(evs[0].published);
  EXPECT_EQ(evs[0].date.size(), 10u);
  // An org known only by name survives the round trip.
  evs.clear();
  ASSERT_TRUE(Parse(EventWith(R"("Orgc": {"name": "CIRCL"}, "Org": {"uuid": null})"), &evs).ok());
  EXPECT_EQ(evs[0].orgc.name, "CIRCL");
  EXPECT_EQ(evs[0].orgc.uuid, "");
  ExpectRoundTrip(evs);
}

TEST(MispReadTest, ParseEventJson) {
  model::Event ev;
  ASSERT_TRUE(ParseMispEventJson(R"({"uuid": "aaaaaaaa-1111-4222-8333-444444444444", "info": "x"})",
                                 "e.json", &ev, nullptr)
                  .ok());
  EXPECT_EQ(ev.info, "x");
  ASSERT_TRUE(ParseMispEventJson(
                  R"({"Event": {"uuid": "aaaaaaaa-1111-4222-8333-444444444444", "info": "y"}})",
                  "e.json", &ev, nullptr)
                  .ok());
  EXPECT_EQ(ev.info, "y");
  Status st = ParseMispEventJson(R"({"uuid": "aaaaaaaa-1111-4222-8333-444444444444"})", "e.json",
                                 &ev, nullptr);
  EXPECT_EQ(st.message(), "e.json: $.info: missing required field");
  st = ParseMispEventJson(R"({"Event": {"uuid": "x", "info": "y"}})", "e.json", &ev, nullptr);
  EXPECT_EQ(st.message(), "e.json: $.Event.uuid: not a valid UUID: \"x\"");
  EXPECT_EQ(ev.info, "y");  // unchanged on error
}

TEST(MispReadTest, LenientScalars) {
  std::vector<model::Event> evs;
  std::string doc = EventWith(
      R"("published": 1, "threat_level_id": 3, "analysis": "2", "timestamp": "", "disable_correlation": "1")",
      Attr(R"("type": "ip-src", "value": "10.0.0.1", "to_ids": "1", "deleted": 1,
             "disable_correlation": "false", "first_seen": null, "timestamp": 5)"));
  Status st = Parse(doc, &evs);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(evs[0].published);
  EXPECT_EQ(evs[0].threat_level_id, 3);
  EXPECT_EQ(evs[0].analysis, 2);
  EXPECT_TRUE(evs[0].disable_correlation);
  EXPECT_TRUE(evs[0].attributes[0].to_ids);
  EXPECT_TRUE(evs[0].attributes[0].deleted);
  EXPECT_FALSE(evs[0].attributes[0].disable_correlation);
  EXPECT_EQ(evs[0].attributes[0].timestamp, 5);
  EXPECT_EQ(evs[0].attributes[0].category, "Network activity");
}

TEST(MispReadTest, NotesAccumulateWithoutDuplicates) {
  ParseNotes notes;
  std::vector<model::Event> evs;
  std::string doc = EventWith(R"("id": "1", "foo": 1)");
  ASSERT_TRUE(Parse(doc, &evs, &notes).ok());
  ASSERT_TRUE(Parse(doc, &evs, &notes).ok());
  EXPECT_EQ(notes.ignored_fields, (std::vector<std::string>{"$.Event.id"}));
  EXPECT_EQ(notes.preserved_fields, (std::vector<std::string>{"$.Event.foo"}));
  EXPECT_EQ(evs[0].extra_json, R"({"foo":1})");
}

// ---- errors -----------------------------------------------------------------

TEST(MispErrorTest, MalformedJsonHasLineAndColumn) {
  std::vector<model::Event> evs;
  Status st = ParseMispDocument(Fixture("malformed.json"), "malformed.json", &evs, nullptr);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_EQ(st.message(), "malformed.json: line 4, column 3: malformed JSON: syntax error");
  EXPECT_EQ(ErrorOf(""), "t.json: line 1, column 1: malformed JSON: incomplete JSON");
  EXPECT_EQ(ErrorOf("{\"a\": 1} x"),
            "t.json: line 1, column 10: malformed JSON: unexpected content after the JSON value");
  EXPECT_EQ(ErrorOf("{\n\"a\": \"\xff\"}"),
            "t.json: line 2, column 7: malformed JSON: syntax error");
  std::string deep(200, '[');
  EXPECT_THAT(ErrorOf(deep), StartsWith("t.json: line 1, column 65: malformed JSON: "));
}

TEST(MispErrorTest, NotAnEvent) {
  const std::string kNot =
      "not a MISP event: expected {\"Event\": {...}}, {\"response\": [...]}, an event object "
      "(with \"info\", \"Attribute\" or \"Object\") or an array of events";
  EXPECT_EQ(ErrorOf("{}"), "t.json: $: " + kNot);
  EXPECT_EQ(ErrorOf("\"x\""),
            "t.json: $: not a MISP event: expected an object or an array, got a string");
  EXPECT_EQ(ErrorOf(R"({"response": {"Event": {}}})"),
            "t.json: $.response: expected an array of events, got an object");
  EXPECT_EQ(ErrorOf(R"([1])"), "t.json: $[0]: expected an event object, got an integer");
  EXPECT_EQ(ErrorOf(R"({"response": [{"foo": 1}]})"),
            "t.json: $.response[0]: not a MISP event: expected {\"Event\": {...}} or an event "
            "object (with \"info\", \"Attribute\" or \"Object\")");
  EXPECT_EQ(ErrorOf(R"({"Event": []})"), "t.json: $.Event: expected an event object, got an array");
}

TEST(MispErrorTest, WrongTypes) {
  EXPECT_EQ(ErrorOf(EventWith(R"("Attribute": 5)")),
            "t.json: $.Event.Attribute: expected an array of attributes, got an integer");
  EXPECT_EQ(ErrorOf(EventWith("", Attr(R"("type": "text", "value": {})"))),
            "t.json: $.Event.Attribute[0].value: expected a string, got an object");
  EXPECT_EQ(ErrorOf(EventWith(R"("info2": 1, "Tag": [{"name": 5}])")),
            "t.json: $.Event.Tag[0].name: expected a string, got an integer");
  EXPECT_EQ(ErrorOf(EventWith(R"("published": "yes")")),
            "t.json: $.Event.published: expected a boolean (true/false, 0/1 or \"0\"/\"1\"), got "
            "the string \"yes\"");
  EXPECT_EQ(ErrorOf(EventWith(R"("timestamp": 1.5)")),
            "t.json: $.Event.timestamp: expected an integer or a string of digits, got a number");
  EXPECT_EQ(ErrorOf(EventWith(R"("timestamp": "12a")")),
            "t.json: $.Event.timestamp: expected an integer, got the string \"12a\"");
  EXPECT_EQ(ErrorOf(EventWith(R"("threat_level_id": "9")")),
            "t.json: $.Event.threat_level_id: must be between 1 and 4, got 9");
  EXPECT_EQ(ErrorOf(EventWith(R"("Orgc": "CIRCL")")),
            "t.json: $.Event.Orgc: expected an object, got a string");
  EXPECT_EQ(
      ErrorOf(EventWith(
          R"("Object": [{"uuid": "dddddddd-1111-4222-8333-000000000009", "name": "file", "Attribute": [[]]}])")),
      "t.json: $.Event.Object[0].Attribute[0]: expected an attribute object, got an array");
  EXPECT_EQ(ErrorOf(EventWith(
                "", Attr(R"("type": "ip-src", "value": "1.2.3.4", "Sighting": [{"type": "7"}])"))),
            "t.json: $.Event.Attribute[0].Sighting[0].type: must be between 0 and 2, got 7");
  EXPECT_EQ(ErrorOf(EventWith(
                "", Attr(R"("type": "ip-src", "value": "1.2.3.4", "first_seen": "yesterday")"))),
            "t.json: $.Event.Attribute[0].first_seen: not an ISO-8601 date-time: \"yesterday\"");
  EXPECT_EQ(ErrorOf(EventWith(R"("date": "2021-02-30")")),
            "t.json: $.Event.date: not a YYYY-MM-DD date: \"2021-02-30\"");
}

TEST(MispErrorTest, InvalidValue) {
  std::vector<model::Event> evs;
  Status st = ParseMispDocument(Fixture("bad_value.json"), "bad_value.json", &evs, nullptr);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_THAT(st.message(), StartsWith("bad_value.json: $.Event.Attribute[3].value: "));
  EXPECT_THAT(st.message(), HasSubstr("IP"));
  EXPECT_TRUE(evs.empty());  // unchanged on error
  EXPECT_EQ(ErrorOf(EventWith("", Attr(R"("type": "md5", "value": "abc")")))
                .rfind("t.json: $.Event.Attribute[0].value: ", 0),
            0u);
  EXPECT_EQ(ErrorOf(EventWith("", Attr(R"("type": "text", "value": "")"))),
            "t.json: $.Event.Attribute[0].value: must not be empty");
  EXPECT_EQ(ErrorOf(EventWith("", Attr(R"("type": "text", "category": "Nope", "value": "x")"))),
            "t.json: $.Event.Attribute[0].category: not a MISP category: \"Nope\"");
}

TEST(MispErrorTest, BadUuids) {
  EXPECT_EQ(ErrorOf(R"({"Event": {"uuid": "a", "info": "x"}})"),
            "t.json: $.Event.uuid: not a valid UUID: \"a\"");
  EXPECT_EQ(ErrorOf(R"({"Event": {"info": "x"}})"), "t.json: $.Event.uuid: missing required field");
  EXPECT_EQ(ErrorOf(EventWith("", R"({"uuid": "a", "type": "text", "value": "x"})")),
            "t.json: $.Event.Attribute[0].uuid: not a valid UUID: \"a\"");
  EXPECT_EQ(ErrorOf(EventWith("", R"({"type": "text", "value": "x"})")),
            "t.json: $.Event.Attribute[0].uuid: missing required field");
  EXPECT_EQ(ErrorOf(EventWith(R"("extends_uuid": "nope")")),
            "t.json: $.Event.extends_uuid: not a valid UUID: \"nope\"");
  // object_uuid must name the containing object.
  EXPECT_EQ(ErrorOf(EventWith(
                R"("Object": [{"uuid": "dddddddd-1111-4222-8333-000000000009", "name": "file",
          "ObjectReference": [{"uuid": "dddddddd-1111-4222-8333-00000000000a",
                               "object_uuid": "dddddddd-1111-4222-8333-00000000000b",
                               "referenced_uuid": "dddddddd-1111-4222-8333-00000000000c",
                               "relationship_type": "x"}]}])")),
            "t.json: $.Event.Object[0].ObjectReference[0].object_uuid: is "
            "dddddddd-1111-4222-8333-00000000000b, not the containing object's uuid "
            "dddddddd-1111-4222-8333-000000000009");
}

TEST(MispErrorTest, Distribution) {
  EXPECT_EQ(ErrorOf(EventWith(R"("distribution": 7)")),
            "t.json: $.Event.distribution: distribution must be between 0 and 4, got 7");
  EXPECT_EQ(ErrorOf(EventWith(R"("distribution": "5")")),
            "t.json: $.Event.distribution: distribution 5 (inherit) is not valid for an event");
  EXPECT_EQ(
      ErrorOf(EventWith("", Attr(R"("type": "text", "value": "x", "distribution": "7")"))),
      "t.json: $.Event.Attribute[0].distribution: distribution must be between 0 and 5, got 7");
  EXPECT_EQ(ErrorOf(EventWith(R"("distribution": "4", "sharing_group_id": "3")")),
            "t.json: $.Event.distribution: distribution 4 (sharing group) needs a \"SharingGroup\" "
            "object with a uuid");
  EXPECT_EQ(ErrorOf(EventWith(R"("distribution": "4", "SharingGroup": {"name": "x"})")),
            "t.json: $.Event.SharingGroup.uuid: missing required field");
  // A SharingGroup on an item that is not distribution 4 is ignored.
  std::vector<model::Event> evs;
  ParseNotes notes;
  ASSERT_TRUE(
      Parse(
          EventWith(
              R"("distribution": "1", "SharingGroup": {"uuid": "dddddddd-1111-4222-8333-000000000001"})"),
          &evs, &notes)
          .ok());
  EXPECT_EQ(evs[0].sharing_group.uuid, "");
  EXPECT_THAT(notes.ignored_fields, Contains("$.Event.SharingGroup"));
}

TEST(MispErrorTest, Limits) {
  std::string big(model::kMaxValueBytes + 1, 'a');
  std::vector<model::Event> evs;
  Status st = Parse(EventWith("", Attr(R"("type": "text", "value": ")" + big + "\"")), &evs);
  EXPECT_EQ(st.code(), Status::Code::kLimit);
  EXPECT_EQ(st.message(),
            "t.json: $.Event.Attribute[0].value: is 1048577 bytes, more than the "
            "limit of 1048576 bytes");
  std::string long_info(kMaxTextField + 1, 'i');
  st = Parse(R"({"Event": {"uuid": "dddddddd-1111-4222-8333-444444444444", "info": ")" + long_info +
                 "\"}}",
             &evs);
  EXPECT_EQ(st.code(), Status::Code::kLimit);
  EXPECT_EQ(st.message(),
            "t.json: $.Event.info: is 65537 bytes, more than the limit of 65536 bytes");
  std::string tags = "\"Tag\": [";
  for (size_t i = 0; i <= kMaxTagsPerItem; ++i)
    tags += std::string(i ? "," : "") + "{\"name\": \"t\"}";
  tags += "]";
  st = Parse(EventWith(tags), &evs);
  EXPECT_EQ(st.code(), Status::Code::kLimit);
  EXPECT_EQ(st.message(), "t.json: $.Event.Tag: 1001 tags, more than the 1000 allowed on one item");
  std::string huge;
  huge.resize(kMaxFileBytes + 1, ' ');  // only the size is looked at
  st = Parse(huge, &evs);
  EXPECT_EQ(st.code(), Status::Code::kLimit);
  EXPECT_EQ(st.message(),
            "t.json: 536870913 bytes, more than the limit of 536870912 bytes per file");
  EXPECT_TRUE(evs.empty());
}

TEST(MispErrorTest, MissingFields) {
  EXPECT_EQ(ErrorOf(EventWith("", Attr(R"("value": "x")"))),
            "t.json: $.Event.Attribute[0].type: missing required field");
  EXPECT_EQ(ErrorOf(EventWith("", Attr(R"("type": "text")"))),
            "t.json: $.Event.Attribute[0].value: missing required field");
  EXPECT_EQ(ErrorOf(EventWith(
                R"("Object": [{"uuid": "dddddddd-1111-4222-8333-000000000009", "name": "file",
          "Attribute": [{"uuid": "dddddddd-1111-4222-8333-000000000001", "type": "text", "value": "x"}]}])")),
            "t.json: $.Event.Object[0].Attribute[0].object_relation: missing required field");
  EXPECT_EQ(ErrorOf(EventWith(R"("Object": [{"uuid": "dddddddd-1111-4222-8333-000000000009"}])")),
            "t.json: $.Event.Object[0].name: missing required field");
  EXPECT_EQ(ErrorOf(R"({"Event": {"uuid": "dddddddd-1111-4222-8333-444444444444", "info": ""}})"),
            "t.json: $.Event.info: must not be empty");
  EXPECT_EQ(ErrorOf(EventWith(R"("Tag": [{"colour": "#ffffff"}])")),
            "t.json: $.Event.Tag[0].name: missing required field");
}

// Truncations and byte substitutions of a rich document never crash (ASan
// build) and every error names the source.
TEST(MispErrorTest, MangledInputsNeverCrash) {
  const std::string doc = Fixture("rich_event.json");
  const char kSubst[] = {'"', '{', '}', '[', ']', ',', ':', '0', 'x', '\0', '\\'};
  size_t n = 0;
  for (size_t cut = 0; cut < doc.size(); cut += 37) {
    for (int mode = 0; mode < 1 + static_cast<int>(sizeof kSubst); ++mode) {
      std::string m = mode == 0 ? doc.substr(0, cut) : doc;
      if (mode > 0) m[cut] = kSubst[mode - 1];
      std::vector<model::Event> evs;
      ParseNotes notes;
      Status st = ParseMispDocument(m, "m.json", &evs, &notes);
      if (st.ok()) {
        for (const auto& ev : evs) ExpectRoundTrip({ev});
      } else {
        EXPECT_THAT(st.message(), StartsWith("m.json: ")) << st.message();
        EXPECT_TRUE(evs.empty());
      }
      ++n;
    }
  }
  EXPECT_GT(n, 100u);
}

// ---- PyMISP samples -----------------------------------------------------------

TEST(MispSamplesTest, ValidOnesRoundTripOthersFailPrecisely) {
  if (testing::SharedDir().empty()) GTEST_SKIP() << "no ../shared";
  const std::string dir = testing::SharedDir() + "/data/misp/samples";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no samples";
  const std::string kNot =
      "$: not a MISP event: expected {\"Event\": {...}}, {\"response\": [...]}, an event object "
      "(with \"info\", \"Attribute\" or \"Object\") or an array of events";
  // "" = valid.
  const std::map<std::string, std::string> expected = {
      {"attribute_del.json", "attribute_del.json: $.uuid: missing required field"},
      {"event_obj_attr_tag.json", "event_obj_attr_tag.json: $.uuid: missing required field"},
      {"event_tags.json", "event_tags.json: $.uuid: missing required field"},
      {"existing_event.json", ""},
      {"existing_event_edited.json", ""},
      {"galaxy.json", "galaxy.json: " + kNot},
      {"proposals.json", "proposals.json: $.uuid: missing required field"},
      {"shadow.json", ""},
      {"sighting.json", "sighting.json: " + kNot},
      {"simple.json", "simple.json: " + kNot},
  };
  int valid = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(name);
    std::vector<model::Event> evs;
    ParseNotes notes;
    Status st = ParseMispDocument(testing::ReadFile(entry.path().string()), name, &evs, &notes);
    auto it = expected.find(name);
    if (it == expected.end()) {  // a sample added later: must not crash, must name itself
      if (!st.ok()) {
        EXPECT_THAT(st.message(), StartsWith(name + ": "));
      }
      continue;
    }
    EXPECT_EQ(st.ok() ? "" : st.message(), it->second);
    if (st.ok()) {
      ++valid;
      ExpectRoundTrip(evs);
    }
  }
  EXPECT_EQ(valid, 3);
}

TEST(MispSamplesTest, ExistingEventDetails) {
  if (testing::SharedDir().empty()) GTEST_SKIP() << "no ../shared";
  const std::string path = testing::SharedDir() + "/data/misp/samples/existing_event.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no samples";
  std::vector<model::Event> evs;
  ParseNotes notes;
  ASSERT_TRUE(ParseMispDocument(testing::ReadFile(path), "existing_event.json", &evs, &notes).ok());
  const model::Event& e = evs[0];
  EXPECT_FALSE(e.objects.empty());
  EXPECT_FALSE(e.attributes.empty());
  EXPECT_THAT(notes.preserved_fields, Contains("$.Galaxy"));
  EXPECT_THAT(notes.ignored_fields, Contains("$.RelatedEvent"));
  EXPECT_THAT(notes.ignored_fields, Contains("$.Object[].ObjectReference[].referenced_id"));
  std::map<std::string, int> ref_types;  // the sample has 9 "0" and 11 "1"
  for (const auto& o : e.objects)
    for (const auto& r : o.references) ++ref_types[r.referenced_type];
  EXPECT_EQ(ref_types, (std::map<std::string, int>{{"Attribute", 9}, {"Object", 11}}));
  if (testing::SharedDir().empty()) return;
  MispWriteOptions opts;
  // Written back, it validates against the lax schema.
  EXPECT_EQ(SchemaErrors(WriteMispEvent(e, opts),
                         testing::SharedDir() + "/data/misp/format-2.4-schema-lax.json"),
            "");
}

// The sample with uuid "a": once given an event uuid and info, the object's
// bad uuid is reported with its exact path.
TEST(MispSamplesTest, ObjectUuidA) {
  if (testing::SharedDir().empty()) GTEST_SKIP() << "no ../shared";
  const std::string path = testing::SharedDir() + "/data/misp/samples/event_obj_attr_tag.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no samples";
  bj::value v = bj::parse(testing::ReadFile(path));
  v.as_object()["uuid"] = "dddddddd-1111-4222-8333-444444444444";
  v.as_object()["info"] = "patched";
  EXPECT_EQ(ErrorOf(bj::serialize(v)), "t.json: $.Object[0].uuid: not a valid UUID: \"a\"");
}


// Which fields a document gave: an update keeps the stored value of the others
// (formats/import.h), so the parser must tell "absent" from "default".
TEST(MispAbsentFields, TheParserRecordsWhatTheDocumentDidNotGive) {
  model::Event ev;
  Status st = ParseMispEventJson(R"({"Event": {"uuid": "e0e0e0e0-0000-4000-8000-000000000001",
      "info": "typo", "Attribute": [{"uuid": "a0a0a0a0-0000-4000-8000-000000000001",
      "type": "domain", "value": "x.example", "comment": "c"}],
      "Object": [{"uuid": "b0b0b0b0-0000-4000-8000-000000000001", "name": "domain-ip",
      "distribution": "4", "SharingGroup": {"uuid": "c0c0c0c0-0000-4000-8000-000000000001"}}]}})",
                                 "t", &ev, nullptr);
  ASSERT_TRUE(st.ok()) << st.ToString();
  namespace f = model::field;
  for (model::FieldSet bit : {f::kDistribution, f::kTags, f::kPublished, f::kThreatLevel,
                              f::kAnalysis, f::kDate, f::kOrgc, f::kExtra})
    EXPECT_TRUE(ev.absent & bit) << bit;
  // Absent distribution reads as organisation only until the importer decides.
  EXPECT_EQ(ev.distribution, model::Distribution::kOrganisation);
  ASSERT_EQ(ev.attributes.size(), 1u);
  const model::Attribute& a = ev.attributes[0];
  EXPECT_TRUE(a.absent & f::kDistribution);
  EXPECT_TRUE(a.absent & f::kTags);
  EXPECT_TRUE(a.absent & f::kCategory);
  EXPECT_TRUE(a.absent & f::kToIds);
  EXPECT_FALSE(a.absent & f::kComment);
  EXPECT_EQ(a.distribution, model::Distribution::kInherit);
  ASSERT_EQ(ev.objects.size(), 1u);
  EXPECT_FALSE(ev.objects[0].absent & f::kDistribution);
  EXPECT_TRUE(ev.objects[0].absent & f::kComment);

  model::Event full;
  st = ParseMispEventJson(R"({"uuid": "e0e0e0e0-0000-4000-8000-000000000001", "info": "i",
      "distribution": 3, "Tag": [], "published": false, "threat_level_id": 2, "analysis": 0,
      "date": "2026-01-02", "Orgc": {"name": "X"}, "custom": 1})",
                          "t", &full, nullptr);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(full.absent & (f::kDistribution | f::kTags | f::kPublished | f::kThreatLevel |
                           f::kAnalysis | f::kDate | f::kOrgc | f::kExtra),
            0u);
}

}  // namespace
}  // namespace sanad::formats
