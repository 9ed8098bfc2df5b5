// STIX 2.1 conversion: export of MISP events (schema-valid, deterministic,
// markings, identities, sighting policy), import (mapped and kept objects,
// errors naming the JSON path), and round-trips.
//
// "Round-trip" here: import a bundle as org O, export every event O sees;
// every object of the input appears in the output with the same id and an
// equal JSON value (key order and whitespace ignored). Objects Sanad adds
// (its identity/marking objects, the report of a bundle without one) are
// allowed.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <sstream>

#include "stix/convert_internal.h"
#include "stix/stix.h"
#include "store/stix_store.h"
#include "store/store.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::stix {
namespace {

namespace bj = boost::json;
using testing::TempDir;

struct Env {
  TempDir dir;
  std::unique_ptr<store::Store> s;
  model::Org a, b;
  Env() {
    store::OpenOptions o;
    o.create_if_missing = true;
    auto st = store::Store::Open(dir.path(), o);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    s = std::move(*st);
    a.name = "CERT-A";
    a.country = "FR";
    EXPECT_TRUE(s->community().AddOrg(&a).ok());
    b.name = "CERT-B";
    b.country = "DE";
    EXPECT_TRUE(s->community().AddOrg(&b).ok());
  }
  policy::Viewer ViewerOf(const model::Org& org) { return *s->community().ViewerFor(org.id); }
  ImportReport Import(const std::string& json, const model::Org& org) {
    store::Transaction tx(s.get());
    ImportParams p;
    p.org_id = org.id;
    auto r = ImportBundle(s.get(), json, p);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(tx.Commit().ok());
    return r.ok() ? *r : ImportReport{};
  }
  std::string Export(const model::Org& org) {
    formats_out.str("");
    auto v = ViewerOf(org);
    ExportOptions o;
    o.viewer = &v;
    std::vector<std::string> all;
    Status st = s->events().ScanEvents(v, {}, [&](model::Event& ev) {
      auto objs = EventToObjects(s.get(), ev, o);
      EXPECT_TRUE(objs.ok()) << objs.status().ToString();
      if (objs.ok()) all.insert(all.end(), objs->begin(), objs->end());
      return true;
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return MakeBundle(all);
  }
  std::ostringstream formats_out;
};

std::map<std::string, bj::object> ById(const std::string& bundle) {
  std::map<std::string, bj::object> out;
  bj::value v = bj::parse(bundle);
  const bj::array* arr = nullptr;
  if (v.is_array())
    arr = &v.as_array();
  else if (v.as_object().contains("objects"))
    arr = &v.as_object().at("objects").as_array();
  if (!arr) {
    out[util::ToLower(std::string(v.as_object().at("id").as_string()))] = v.as_object();
    return out;
  }
  for (const auto& o : *arr)
    out[util::ToLower(std::string(o.as_object().at("id").as_string()))] = o.as_object();
  return out;
}

// Every input object is in the output, unchanged.
void ExpectRoundTrip(const std::string& in, const std::string& out, const std::string& what) {
  auto a = ById(in);
  auto b = ById(out);
  for (const auto& [id, obj] : a) {
    auto it = b.find(id);
    ASSERT_NE(it, b.end()) << what << ": " << id << " missing after round-trip";
    EXPECT_EQ(bj::value(obj), bj::value(it->second)) << what << ": " << id << " changed:\n"
                                                     << bj::serialize(obj) << "\n"
                                                     << bj::serialize(it->second);
  }
}

bool HaveValidator() {
  std::string out;
  return testing::Run("python3 -c 'import jsonschema' 2>/dev/null", &out) == 0;
}

std::string SchemaDir() {
  std::string shared = testing::SharedDir();
  if (shared.empty()) return "";
  std::string d = shared + "/data/stix21/schemas";
  return std::filesystem::exists(d + "/common/core.json") ? d : "";
}

// Validates a bundle with tests/stix/stix_check.py; "" when valid.
std::string Validate(const std::string& bundle) {
  TempDir t;
  testing::WriteFile(t.File("b.json"), bundle);
  std::string out;
  int rc = testing::Run("python3 " + testing::SourceDir() + "/tests/stix/stix_check.py validate " +
                            SchemaDir() + " " + t.File("b.json"),
                        &out, true);
  return rc == 0 ? "" : "rc " + std::to_string(rc) + ": " + out;
}

model::Event SampleEvent(const model::Org& owner) {
  model::Event ev;
  ev.uuid = "5e0f4b5c-1a2b-4c3d-8e9f-0a1b2c3d4e51";
  ev.info = "Test event";
  ev.date = "2024-03-05";
  ev.timestamp = 1709640000;
  ev.distribution = model::Distribution::kCommunity;
  ev.org = {owner.id, owner.uuid, owner.name};
  ev.orgc = ev.org;
  ev.tags = {model::Tag{"tlp:amber", "", true, false}, model::Tag{"phishing", "", true, false}};
  auto attr = [&](std::string uuid, std::string type, std::string value, bool ids) {
    model::Attribute a;
    a.uuid = uuid;
    a.type = type;
    a.value = value;
    a.category = "Network activity";
    a.to_ids = ids;
    a.timestamp = 1709640000;
    a.canonical = a.canonical1 = value;
    return a;
  };
  ev.attributes.push_back(
      attr("7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e01", "ip-dst", "198.51.100.23", true));
  ev.attributes.push_back(
      attr("7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e02", "domain", "evil.example", false));
  ev.attributes.push_back(attr("7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e03", "text", "free text", false));
  model::Attribute port =
      attr("7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e04", "ip-dst|port", "2001:db8::1|443", true);
  port.canonical1 = "2001:db8::1";
  port.canonical2 = "443";
  ev.attributes.push_back(port);
  model::Object o;
  o.uuid = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e01";
  o.name = "file";
  o.meta_category = "file";
  o.timestamp = 1709640000;
  model::Attribute fn =
      attr("7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e05", "filename|sha256",
           "a.exe|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", true);
  fn.object_relation = "file";
  fn.category = "Payload delivery";
  fn.tags = {model::Tag{"tlp:red", "", true, false}};
  o.attributes.push_back(fn);
  model::ObjectReference r;
  r.uuid = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c01";
  r.referenced_uuid = "7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e01";
  r.relationship_type = "communicates-with";
  r.timestamp = 1709640000;
  o.references.push_back(r);
  ev.objects.push_back(o);
  return ev;
}

TEST(StixExportTest, EventMapsToReportIndicatorsObservablesMarkings) {
  Env env;
  model::Event ev = SampleEvent(env.a);
  ASSERT_TRUE(env.s->events().UpsertEvent(&ev).ok());
  auto v = env.ViewerOf(env.a);
  auto stored = env.s->events().GetEvent(v, ev.uuid);
  ASSERT_TRUE(stored.ok());
  ExportOptions o;
  o.viewer = &v;
  auto objs = EventToObjects(env.s.get(), *stored, o);
  ASSERT_TRUE(objs.ok()) << objs.status().ToString();
  auto again = EventToObjects(env.s.get(), *stored, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*objs, *again) << "export must be deterministic";
  auto by = ById(MakeBundle(*objs));
  // Report with the event's uuid, created by the orgc identity, TLP:AMBER.
  const auto& rep = by.at("report--" + ev.uuid);
  EXPECT_EQ(rep.at("name").as_string(), "Test event");
  EXPECT_EQ(rep.at("created_by_ref").as_string(), "identity--" + env.a.uuid);
  EXPECT_EQ(rep.at("object_marking_refs").as_array()[0].as_string(),
            TlpMarkingId(model::Tlp::kAmber));
  EXPECT_EQ(rep.at("labels").as_array()[0].as_string(), "phishing");
  EXPECT_TRUE(by.count("identity--" + env.a.uuid));
  EXPECT_TRUE(by.count(TlpMarkingId(model::Tlp::kAmber)));
  EXPECT_TRUE(by.count(TlpMarkingId(model::Tlp::kRed)));  // the file attribute is TLP:RED
  EXPECT_EQ(std::string(TlpMarkingId(model::Tlp::kClear)),
            "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487");
  // to_ids attribute -> indicator with a pattern, uuid kept.
  const auto& ind = by.at("indicator--7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e01");
  EXPECT_EQ(ind.at("pattern").as_string(), "[ipv4-addr:value = '198.51.100.23']");
  EXPECT_EQ(ind.at("pattern_type").as_string(), "stix");
  const auto& port = by.at("indicator--7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e04");
  EXPECT_EQ(port.at("pattern").as_string(),
            "[network-traffic:dst_ref.value = '2001:db8::1' AND network-traffic:dst_port = 443]");
  // Not to_ids -> observed-data with an SCO whose id is a UUIDv5.
  const auto& od = by.at("observed-data--7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e02");
  std::string sco_id(od.at("object_refs").as_array()[0].as_string());
  ASSERT_TRUE(by.count(sco_id));
  EXPECT_EQ(by.at(sco_id).at("value").as_string(), "evil.example");
  EXPECT_EQ(sco_id.substr(0, 13), "domain-name--");
  EXPECT_EQ(sco_id[13 + 14], '5') << "SCO ids are UUIDv5";
  // Unmapped type -> x-misp-attribute; object -> x-misp-object; reference -> relationship.
  EXPECT_EQ(by.at("x-misp-attribute--7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e03")
                .at("x_misp_value")
                .as_string(),
            "free text");
  EXPECT_TRUE(by.count("x-misp-object--2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e01"));
  const auto& rel = by.at("relationship--9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c01");
  EXPECT_EQ(rel.at("source_ref").as_string(),
            "x-misp-object--2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e01");
  EXPECT_EQ(rel.at("target_ref").as_string(), "indicator--7d8c3c7e-0b0a-4f4b-9f8a-7a6b5c4d3e01");
  // Every object but markings is in the report's object_refs.
  std::set<std::string> refs;
  for (const auto& r : rep.at("object_refs").as_array()) refs.insert(std::string(r.as_string()));
  for (const auto& [id, obj] : by)
    if (obj.at("type") != "marking-definition" && obj.at("type") != "report" &&
        obj.at("type") != "identity")
      EXPECT_TRUE(refs.count(id)) << id;
}

TEST(StixExportTest, ExportedObjectsValidateAgainstSchemas) {
  if (SchemaDir().empty() || !HaveValidator())
    GTEST_SKIP() << "STIX schemas or python3-jsonschema missing";
  Env env;
  model::Event ev = SampleEvent(env.a);
  ev.attributes[0].sightings.push_back(model::Sighting{0,
                                                       "",
                                                       0,
                                                       "",
                                                       {env.a.id, env.a.uuid, env.a.name},
                                                       model::SightingType::kSeen,
                                                       "ids",
                                                       1709650000});
  ASSERT_TRUE(env.s->events().UpsertEvent(&ev).ok());
  std::string bundle = env.Export(env.a);
  EXPECT_NE(bundle.find("\"type\":\"sighting\""), std::string::npos);
  EXPECT_EQ(Validate(bundle), "");
}

TEST(StixExportTest, SightingsFollowTheSightingPolicy) {
  Env env;
  model::Event ev = SampleEvent(env.a);
  ev.attributes[0].sightings.push_back(model::Sighting{0,
                                                       "",
                                                       0,
                                                       "",
                                                       {env.a.id, env.a.uuid, env.a.name},
                                                       model::SightingType::kSeen,
                                                       "ids",
                                                       1709650000});
  ASSERT_TRUE(env.s->events().UpsertEvent(&ev).ok());
  EXPECT_NE(env.Export(env.a).find("\"type\":\"sighting\""), std::string::npos);
  // CERT-B sees the event (community) but only counts of CERT-A's sightings.
  std::string b = env.Export(env.b);
  EXPECT_NE(b.find("report--" + ev.uuid), std::string::npos);
  EXPECT_EQ(b.find("\"type\":\"sighting\""), std::string::npos);
}

std::string MixedBundle() { return testing::ReadFile(testing::TestData("stix/mixed.json")); }

TEST(StixImportTest, MapsWhatItCanAndKeepsTheRest) {
  Env env;
  ImportReport r = env.Import(MixedBundle(), env.a);
  EXPECT_EQ(r.events, 1);
  // report, indicator, observed-data + its ipv4-addr, sighting, creator identity, TLP marking.
  EXPECT_EQ(r.mapped, 7);
  EXPECT_EQ(r.kept_unmapped, 3);  // malware, relationship, x-acme-widget
  ASSERT_EQ(r.unmapped.size(), 3u);
  EXPECT_NE(r.unmapped[0].find("malware malware--3b4c5d6e"), std::string::npos) << r.unmapped[0];
  auto v = env.ViewerOf(env.a);
  auto ev = env.s->events().GetEvent(v, "7c6b5a49-3e2d-4c1b-8a09-f8e7d6c5b4a3");
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->info, "Credential phishing wave");
  EXPECT_EQ(ev->orgc.uuid, "5d2a8e11-3c4b-4d6e-8f70-1a2b3c4d5e6f");
  EXPECT_EQ(model::StrictestTlp(ev->tags), model::Tlp::kGreen);
  ASSERT_EQ(ev->attributes.size(), 2u);
  EXPECT_EQ(ev->attributes[0].type, "domain");
  EXPECT_TRUE(ev->attributes[0].to_ids);
  EXPECT_EQ(ev->attributes[1].type, "ip-dst");
  EXPECT_FALSE(ev->attributes[1].to_ids);
  std::vector<model::Sighting> sightings;
  ASSERT_TRUE(env.s->sightings().ListEventSightings(ev->id, &sightings).ok());
  ASSERT_EQ(sightings.size(), 1u);
  EXPECT_EQ(sightings[0].uuid, "5d6e7f80-91a2-4c3d-8e4f-5a6b7c8d9e0f");
  auto ss = store::NewStixStore(env.s.get());
  std::vector<store::StixObject> rows;
  ASSERT_TRUE(ss->ListEventObjects(ev->id, &rows).ok());
  EXPECT_EQ(rows.size(), 10u) << "every object is stored";
}

TEST(StixImportTest, RoundTripsExactlyAndIdempotently) {
  Env env;
  env.Import(MixedBundle(), env.a);
  std::string out = env.Export(env.a);
  ExpectRoundTrip(MixedBundle(), out, "mixed.json");
  ImportReport again = env.Import(MixedBundle(), env.a);
  EXPECT_EQ(again.events, 0);
  EXPECT_EQ(again.unchanged, 1);
  EXPECT_EQ(env.Export(env.a), out);
}

TEST(StixImportTest, ChangedItemIsRegeneratedKeepingUnmappedProperties) {
  Env env;
  env.Import(MixedBundle(), env.a);
  std::string newer = MixedBundle();
  auto replace = [&](const std::string& a, const std::string& b) {
    size_t p = newer.find(a);
    ASSERT_NE(p, std::string::npos) << a;
    newer.replace(p, a.size(), b);
  };
  replace("\"modified\": \"2024-01-11T10:30:00.000Z\"",
          "\"modified\": \"2024-02-01T00:00:00.000Z\"");
  replace(
      "\"created\": \"2024-01-10T09:00:00.000Z\", \"modified\": \"2024-01-10T09:00:00.000Z\",\n    "
      " \"name\": \"Phishing landing",
      "\"created\": \"2024-01-10T09:00:00.000Z\", \"modified\": \"2024-02-01T00:00:00.000Z\",\n    "
      " \"name\": \"Phishing landing");
  replace("login-portal.example.net", "login-portal.example.org");
  ImportReport r = env.Import(newer, env.a);
  EXPECT_EQ(r.events, 1);
  // Re-export: the new version of the indicator is exactly what was sent.
  ExpectRoundTrip(newer, env.Export(env.a), "newer mixed.json");
  // Now change the attribute in MISP: the indicator is regenerated, and keeps
  // what Sanad does not map (name, kill_chain_phases, indicator_types).
  auto v = env.ViewerOf(env.a);
  auto ev = env.s->events().GetEvent(v, "7c6b5a49-3e2d-4c1b-8a09-f8e7d6c5b4a3");
  ASSERT_TRUE(ev.ok());
  ev->timestamp += 100;
  ev->attributes[0].value = "changed.example.org";
  ev->attributes[0].canonical = ev->attributes[0].canonical1 = "changed.example.org";
  ev->attributes[0].timestamp = ev->timestamp;
  ASSERT_TRUE(env.s->events().UpsertEvent(&*ev).ok());
  auto by = ById(env.Export(env.a));
  const auto& ind = by.at("indicator--1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9");
  EXPECT_EQ(ind.at("pattern").as_string(), "[domain-name:value = 'changed.example.org']");
  EXPECT_EQ(ind.at("name").as_string(), "Phishing landing domain");
  EXPECT_TRUE(ind.contains("kill_chain_phases"));
  EXPECT_EQ(ind.at("created").as_string(), "2024-01-10T09:00:00.000Z");
  // The report is regenerated too (the event changed) and still lists the kept objects.
  const auto& rep = by.at("report--7c6b5a49-3e2d-4c1b-8a09-f8e7d6c5b4a3");
  std::string refs = bj::serialize(rep.at("object_refs"));
  EXPECT_NE(refs.find("malware--3b4c5d6e"), std::string::npos);
  EXPECT_NE(refs.find("x-acme-widget--7f8091a2"), std::string::npos);
}

TEST(StixImportTest, StrictestMarkingOfAKeptObjectMarksTheEvent) {
  Env env;
  std::string b = MixedBundle();
  std::string from = "\"x_acme_note\": \"custom\"";
  b.replace(b.find(from), from.size(),
            from +
                ", \"object_marking_refs\": "
                "[\"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1\"]");
  ImportReport r = env.Import(b, env.a);
  bool warned = false;
  for (const auto& w : r.warnings) warned = warned || w.find("TLP:RED") != std::string::npos;
  EXPECT_TRUE(warned);
  auto v = env.ViewerOf(env.a);
  auto ev = env.s->events().GetEvent(v, "7c6b5a49-3e2d-4c1b-8a09-f8e7d6c5b4a3");
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(model::StrictestTlp(ev->tags), model::Tlp::kRed);
}

TEST(StixImportTest, ErrorsNameTheJsonPathAndWriteNothing) {
  Env env;
  std::string b = MixedBundle();
  std::string from = "\"id\": \"malware--3b4c5d6e-7f80-4a9b-8c1d-2e3f4a5b6c7d\"";
  b.replace(b.find(from), from.size(), "\"id\": \"tool--3b4c5d6e-7f80-4a9b-8c1d-2e3f4a5b6c7d\"");
  store::Transaction tx(env.s.get());
  ImportParams p;
  p.org_id = env.a.id;
  auto r = ImportBundle(env.s.get(), b, p);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("objects[6].id"), std::string::npos) << r.status().ToString();
  auto bad = ImportBundle(env.s.get(), "{\"type\":\"bundle\",\"objects\":{}}", p);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("objects"), std::string::npos);
  EXPECT_FALSE(ImportBundle(env.s.get(), "not json", p).ok());
}

TEST(StixImportTest, BundleDetection) {
  EXPECT_TRUE(LooksLikeBundle(MixedBundle()));
  EXPECT_TRUE(LooksLikeBundle("{\"objects\":[], \"type\" : \"bundle\"}"));
  EXPECT_FALSE(LooksLikeBundle("{\"Event\": {\"info\": \"x\"}}"));
  EXPECT_FALSE(LooksLikeBundle("{\"response\": []}"));
}

TEST(StixPatternTest, SimplePatternsMapBothWays) {
  using namespace internal;  // NOLINT
  std::vector<Comparison> cs;
  std::string type, value;
  ASSERT_TRUE(
      ParseSimplePattern("[file:hashes.'SHA-256' = 'AB' AND file:name = 'x\\'y.exe']", &cs));
  ASSERT_TRUE(MispTypeOf(cs, "", &type, &value));
  EXPECT_EQ(type, "filename|sha256");
  EXPECT_EQ(value, "x'y.exe|AB");
  EXPECT_FALSE(ParseSimplePattern("[ipv4-addr:value = '1.2.3.4' OR domain-name:value = 'a']", &cs));
  EXPECT_FALSE(ParseSimplePattern("[ipv4-addr:value = '1.2.3.4'] WITHIN 5 SECONDS", &cs));
  EXPECT_FALSE(ParseSimplePattern("[ipv4-addr:value != '1.2.3.4']", &cs));
  for (const char* t :
       {"ip-dst", "domain", "url", "email-src", "md5", "filename|md5", "AS", "regkey|value",
        "domain|ip", "ip-src|port", "mutex", "x509-fingerprint-sha1", "email-subject"}) {
    std::string v = std::string(t) == "AS"                          ? "AS64500"
                    : std::string(t) == "ip-src|port"               ? "192.0.2.1|8080"
                    : std::string(t) == "domain|ip"                 ? "a.example|192.0.2.1"
                    : std::string(t).find('|') != std::string::npos ? "k|v"
                                                                    : "v";
    ASSERT_TRUE(ComparisonsOf(t, v, &cs)) << t;
    std::vector<Comparison> back;
    ASSERT_TRUE(ParseSimplePattern(PatternOf(cs), &back)) << PatternOf(cs);
    ASSERT_TRUE(MispTypeOf(back, t, &type, &value)) << t;
    EXPECT_EQ(type, t);
    EXPECT_EQ(value, v);
    // And through the observables.
    auto scos = ScosOf(cs);
    std::map<std::string, const bj::object*> by;
    for (const auto& o : scos) by[std::string(o.at("id").as_string())] = &o;
    std::string why;
    ASSERT_TRUE(ComparisonsOfSco(scos[0], by, &back, &why)) << t << ": " << why;
    ASSERT_TRUE(MispTypeOf(back, t, &type, &value)) << t;
    EXPECT_EQ(value, v) << t;
  }
}

TEST(StixExamplesTest, SharedExamplesRoundTripAndValidate) {
  std::string shared = testing::SharedDir();
  std::string dir = shared.empty() ? "" : shared + "/data/stix21/examples";
  if (dir.empty() || !std::filesystem::exists(dir)) GTEST_SKIP() << "no shared STIX examples";
  bool validate = !SchemaDir().empty() && HaveValidator();
  int n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    Env env;
    std::string in = testing::ReadFile(e.path().string());
    ImportReport r = env.Import(in, env.a);
    EXPECT_EQ(r.mapped + r.kept_unmapped, static_cast<int>(ById(in).size())) << e.path();
    std::string out = env.Export(env.a);
    ExpectRoundTrip(in, out, e.path().filename().string());
    if (validate) {
      // Sanad's own objects must validate; the examples' originals are
      // exported unchanged (whatever their own validity).
      auto src = ById(in);
      std::vector<std::string> own;
      for (const auto& [id, o] : ById(out))
        if (!src.count(id)) own.push_back(bj::serialize(o));
      if (!own.empty()) EXPECT_EQ(Validate(MakeBundle(own)), "") << e.path();
    }
    ++n;
  }
  EXPECT_GE(n, 6);
}

}  // namespace
}  // namespace sanad::stix
