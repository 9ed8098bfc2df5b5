// End-to-end tests of `sanad correlate ...` and `sanad search ...`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAlpha[] = "aaaaaaaa-0000-4000-8000-000000000001";
constexpr char kBeta[] = "bbbbbbbb-0000-4000-8000-000000000001";
constexpr char kGamma[] = "dddddddd-0000-4000-8000-000000000001";
constexpr char kGroup[] = "cccccccc-0000-4000-8000-000000000001";

// Attribute uuids.
constexpr char kEvilDomain[] = "a0000000-0000-4000-8000-000000000001";
constexpr char kIpA[] = "a0000000-0000-4000-8000-000000000002";
constexpr char kIpPortA[] = "a0000000-0000-4000-8000-000000000003";
constexpr char kWwwB[] = "b0000000-0000-4000-8000-000000000001";
constexpr char kCidrB[] = "b0000000-0000-4000-8000-000000000002";
constexpr char kUrlC[] = "c0000000-0000-4000-8000-000000000001";
constexpr char kIpC[] = "c0000000-0000-4000-8000-000000000002";

std::string Attr(const std::string& uuid, const std::string& type, const std::string& value,
                 const std::string& tag = "") {
  return "{\"uuid\": \"" + uuid + "\", \"type\": \"" + type +
         "\", \"category\": \"Network activity\", \"value\": \"" + value +
         "\", \"to_ids\": true, \"timestamp\": \"1763700000\"" +
         (tag.empty() ? "" : ", \"Tag\": [{\"name\": \"" + tag + "\"}]") + "}";
}

std::string Event(const std::string& uuid, const std::string& org_uuid, const std::string& org,
                  const std::string& date, const std::string& distribution,
                  const std::vector<std::string>& attrs) {
  std::string j = "{\"Event\": {\"uuid\": \"" + uuid + "\", \"info\": \"event of " + org +
                  "\", \"date\": \"" + date +
                  "\", \"published\": true, \"timestamp\": "
                  "\"1763700000\", \"distribution\": \"" +
                  distribution + "\", ";
  if (distribution == "4") {
    j += "\"SharingGroup\": {\"uuid\": \"" + std::string(kGroup) + "\", \"name\": \"ab\"}, ";
  }
  j += "\"Orgc\": {\"uuid\": \"" + org_uuid + "\", \"name\": \"" + org + "\"}, \"Attribute\": [";
  for (size_t i = 0; i < attrs.size(); ++i) j += (i ? ", " : "") + attrs[i];
  return j + "]}}";
}

class CorrelateCliTest : public ::testing::Test {
 protected:
  int Sanad(const std::string& args, std::string* out = nullptr, bool merge = true) {
    std::string o;
    int rc = sanad::testing::RunSanad(dir_.path() + "/store", args, &o, merge);
    if (out) *out = o;
    return rc;
  }

  void SetUp() override {
    ASSERT_EQ(Sanad("init"), 0);
    ASSERT_EQ(Sanad(std::string("-q org add Alpha --country MY --chair --uuid ") + kAlpha), 0);
    ASSERT_EQ(Sanad(std::string("-q org add Beta --country ID --uuid ") + kBeta), 0);
    ASSERT_EQ(Sanad(std::string("-q org add Gamma --country GB --uuid ") + kGamma), 0);
    ASSERT_EQ(
        Sanad(std::string("-q sharing-group add ab --owner Alpha --org Beta --uuid ") + kGroup), 0);
    WriteFile(dir_.File("a.json"),
              Event("a1111111-0000-4000-8000-000000000000", kAlpha, "Alpha", "2025-01-10", "1",
                    {Attr(kEvilDomain, "domain", "Evil.Example"), Attr(kIpA, "ip-dst", "192.0.2.5"),
                     Attr(kIpPortA, "ip-dst|port", "198.51.100.1|443", "tlp:green")}));
    WriteFile(dir_.File("b.json"),
              Event("b1111111-0000-4000-8000-000000000000", kBeta, "Beta", "2025-02-10", "4",
                    {Attr(kWwwB, "hostname", "www.evil.example"),
                     Attr(kCidrB, "ip-src", "192.0.2.0/24")}));
    WriteFile(dir_.File("c.json"),
              Event("c1111111-0000-4000-8000-000000000000", kGamma, "Gamma", "2025-03-10", "1",
                    {Attr(kUrlC, "url", "http://WWW.evil.example:80/login"),
                     Attr(kIpC, "ip-dst", "198.51.100.1")}));
    std::string out;
    ASSERT_EQ(Sanad("import " + dir_.File("a.json") + " --as Alpha", &out), 0) << out;
    ASSERT_EQ(Sanad("import " + dir_.File("b.json") + " --as Beta", &out), 0) << out;
    ASSERT_EQ(Sanad("import " + dir_.File("c.json") + " --as Gamma", &out), 0) << out;
  }

  TempDir dir_;
};

TEST_F(CorrelateCliTest, RebuildStatsAndSnapshot) {
  std::string out;
  ASSERT_EQ(Sanad("correlate --rebuild", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("correlation index rebuilt: 7 attributes"));
  ASSERT_EQ(Sanad("correlate stats --json", &out, false), 0) << out;
  EXPECT_THAT(out, HasSubstr("\"attributes\":7"));
  EXPECT_THAT(out, HasSubstr("\"cidrs\":1"));
  EXPECT_THAT(out, HasSubstr("\"rebuilt\":false"));  // the snapshot is current
  // New data makes the snapshot stale: the next reader rebuilds it.
  WriteFile(dir_.File("d.json"),
            Event("d1111111-0000-4000-8000-000000000000", kAlpha, "Alpha", "2025-04-01", "1",
                  {Attr("d0000000-0000-4000-8000-000000000001", "domain", "new.example")}));
  ASSERT_EQ(Sanad("import " + dir_.File("d.json") + " --as Alpha", &out), 0) << out;
  ASSERT_EQ(Sanad("--json correlate stats", &out, false), 0) << out;
  EXPECT_THAT(out, HasSubstr("\"attributes\":8"));
  EXPECT_THAT(out, HasSubstr("\"rebuilt\":true"));
  ASSERT_EQ(Sanad("correlate stats", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("loaded from snapshot"));
  // A damaged snapshot is rebuilt, not trusted.
  WriteFile(dir_.path() + "/store/correlation.idx", "garbage");
  ASSERT_EQ(Sanad("--json correlate stats", &out, false), 0) << out;
  EXPECT_THAT(out, HasSubstr("\"rebuilt\":true"));
}

TEST_F(CorrelateCliTest, ShowHonoursVisibilityOnBothSides) {
  std::string out;
  ASSERT_EQ(Sanad(std::string("correlate show ") + kEvilDomain + " --as Alpha", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("2 correlation(s) visible to Alpha"));
  EXPECT_THAT(out, HasSubstr("www.evil.example"));
  EXPECT_THAT(out, HasSubstr("subdomain"));
  EXPECT_THAT(out, HasSubstr("http://WWW.evil.example:80/login") /* as received */);
  EXPECT_THAT(out, HasSubstr("url-host"));
  // Gamma is not in Beta's sharing group.
  ASSERT_EQ(Sanad(std::string("correlate show ") + kEvilDomain + " --as Gamma", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("1 correlation(s) visible to Gamma"));
  EXPECT_THAT(out, Not(HasSubstr("www.evil.example ")));
  EXPECT_THAT(out, Not(HasSubstr("b1111111")));
  EXPECT_EQ(Sanad(std::string("correlate show ") + kWwwB + " --as Gamma", &out), 1);
  EXPECT_THAT(out, HasSubstr("no attribute " + std::string(kWwwB) + " visible to Gamma"));
  EXPECT_EQ(Sanad("correlate show ffffffff-0000-4000-8000-000000000000 --as Gamma", &out), 1);
  EXPECT_THAT(out, HasSubstr("visible to Gamma"));
  // CIDR and composite correlations, as JSON.
  ASSERT_EQ(Sanad(std::string("--json correlate show ") + kIpA + " --as Beta", &out, false), 0);
  EXPECT_THAT(out, HasSubstr("\"rule\":\"cidr\""));
  EXPECT_THAT(out, HasSubstr("\"value\":\"192.0.2.0/24\""));
  ASSERT_EQ(Sanad(std::string("correlate show ") + kIpPortA + " --as Gamma --json", &out, false),
            0);
  EXPECT_THAT(out, HasSubstr("\"value\":\"198.51.100.1\""));
  EXPECT_THAT(out, HasSubstr("\"rule\":\"exact\""));
}

TEST_F(CorrelateCliTest, ExclusionsAndThresholdApplyAtOnce) {
  std::string out;
  ASSERT_EQ(Sanad("correlate --rebuild", &out), 0) << out;
  ASSERT_EQ(Sanad("correlate exclusions add '%.EVIL.example' --comment 'shared hosting'", &out), 0)
      << out;
  EXPECT_EQ(Sanad("correlate exclusions add '%.EVIL.example'", &out), 1);  // already there
  ASSERT_EQ(Sanad("correlate exclusions list", &out), 0);
  EXPECT_THAT(out, HasSubstr("%.EVIL.example"));
  EXPECT_THAT(out, HasSubstr("shared hosting"));
  ASSERT_EQ(Sanad(std::string("correlate show ") + kEvilDomain + " --as Alpha", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("no correlations visible to Alpha"));
  ASSERT_EQ(Sanad("correlate exclusions remove '%.EVIL.example'", &out), 0) << out;
  EXPECT_EQ(Sanad("correlate exclusions remove '%.EVIL.example'", &out), 1);
  // Exact values are stored canonical; an excluded host also stops URLs on it
  // correlating by host.
  ASSERT_EQ(Sanad("correlate exclusions add WWW.Evil.Example.", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("excluded from correlation: www.evil.example\n"));
  ASSERT_EQ(Sanad(std::string("correlate show ") + kEvilDomain + " --as Alpha", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("no correlations visible to Alpha"));
  ASSERT_EQ(Sanad(std::string("correlate show ") + kIpA + " --as Alpha", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("1 correlation(s)"));  // other values are unaffected
  ASSERT_EQ(Sanad("correlate exclusions remove www.evil.example", &out), 0) << out;

  // Threshold 1: Alpha sees two events under *.evil.example -> a count;
  // Gamma sees only one (the sharing-group event is hidden) -> a list.
  ASSERT_EQ(Sanad("correlate set-threshold 1", &out), 0) << out;
  ASSERT_EQ(Sanad(std::string("correlate show ") + kEvilDomain + " --as Alpha", &out), 0) << out;
  EXPECT_THAT(out,
              HasSubstr("over-correlating: *.evil.example (subdomain): 2 attributes in 2 events"));
  ASSERT_EQ(Sanad(std::string("correlate show ") + kEvilDomain + " --as Gamma", &out), 0) << out;
  EXPECT_THAT(out, Not(HasSubstr("over-correlating")));
  EXPECT_THAT(out, HasSubstr("http://WWW.evil.example:80/login") /* as received */);
  ASSERT_EQ(Sanad("correlate stats --json", &out, false), 0);
  EXPECT_THAT(out, HasSubstr("\"max_events\":1"));
  EXPECT_EQ(Sanad("correlate set-threshold 0", &out), 2);
  EXPECT_EQ(Sanad("correlate", &out), 2);
}

TEST_F(CorrelateCliTest, Search) {
  std::string out;
  ASSERT_EQ(Sanad("search 192.0.2.0/24 --as Gamma", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("192.0.2.5"));
  EXPECT_THAT(out, Not(HasSubstr("192.0.2.0/24  [")));
  EXPECT_THAT(out, HasSubstr("1 attribute(s)"));
  ASSERT_EQ(Sanad("search 192.0.2.0/24 --as Beta", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("2 attribute(s)"));
  ASSERT_EQ(Sanad("--json search evil.example --as Alpha", &out, false), 0) << out;
  EXPECT_THAT(out, HasSubstr("\"count\":3"));
  EXPECT_THAT(out, HasSubstr("\"matched_by\":\"subdomain\""));
  ASSERT_EQ(Sanad("search evil.example --as Alpha --type url --json", &out, false), 0) << out;
  EXPECT_THAT(out, HasSubstr("\"count\":1"));
  EXPECT_THAT(out, HasSubstr("\"correlations\":[{"));
  ASSERT_EQ(Sanad("search 198.51.100.1 192.0.2.5 --as Alpha --tag tlp:green --json", &out, false),
            0);
  EXPECT_THAT(out, HasSubstr("\"count\":1"));
  EXPECT_THAT(out, HasSubstr("198.51.100.1|443"));
  ASSERT_EQ(
      Sanad("search 198.51.100.1 --as Alpha --org Gamma --from 2025-03-01 --json", &out, false), 0);
  EXPECT_THAT(out, HasSubstr("\"count\":1"));
  EXPECT_THAT(out, HasSubstr("\"orgc\":\"Gamma\""));
  ASSERT_EQ(Sanad("search nothing.example --as Alpha", &out), 0);
  EXPECT_THAT(out, HasSubstr("no attributes found"));
  EXPECT_EQ(Sanad("search x --as Alpha --value-type no-such-type", &out), 2);
  EXPECT_EQ(Sanad("search evil.example --as Alpha --value-type ip-dst", &out), 2);
  EXPECT_THAT(out, HasSubstr("not a valid ip-dst"));
  EXPECT_EQ(Sanad("search 1.2.3.4 --as Nobody", &out), 1);
  EXPECT_EQ(Sanad("search 1.2.3.4 --as Alpha --from yesterday-ish", &out), 2);
}

}  // namespace
}  // namespace sanad::testing
