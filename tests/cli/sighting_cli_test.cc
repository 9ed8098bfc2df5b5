// End-to-end tests of `sanad sighting add|list` and `sanad export
// --min-score`: recording by uuid and by value through the visibility policy,
// details versus counts per the sighting policy, imported sightings, scores.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "test_util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBeta[] = "bbbbbbbb-0000-4000-8000-000000000002";
constexpr char kA1[] = "51515151-0000-4000-8000-000000000001";  // evil.example, community
constexpr char kA2[] = "51515151-0000-4000-8000-000000000002";  // evil.example, Alpha only
constexpr char kA3[] = "51515151-0000-4000-8000-000000000003";  // IP, 40 days old
constexpr char kA4[] = "51515151-0000-4000-8000-000000000004";  // c2.example, imported sightings

class SightingCliTest : public ::testing::Test {
 protected:
  int Sanad(const std::string& args, std::string* out = nullptr, bool merge = true) {
    std::string o;
    int rc = sanad::testing::RunSanad(dir_.path() + "/store", args, &o, merge);
    if (out) *out = o;
    return rc;
  }

  void SetUp() override {
    ASSERT_EQ(Sanad("init"), 0);
    ASSERT_EQ(Sanad("-q org add 'Alpha CERT' --country MY --chair "
                    "--uuid aaaaaaaa-0000-4000-8000-000000000001"),
              0);
    ASSERT_EQ(Sanad(std::string("-q org add 'Beta CERT' --country ID --uuid ") + kBeta), 0);
    ASSERT_EQ(Sanad("-q org add 'Gamma Vendor' --country GB --kind industry --category commercial"),
              0);
    const long long now = static_cast<long long>(std::time(nullptr));
    auto ts = [&](int days_ago) { return "\"" + std::to_string(now - days_ago * 86400) + "\""; };
    std::string event =
        R"({"Event": {
      "uuid": "51515151-0000-4000-8000-0000000000e1", "info": "sightings test",
      "date": "2025-11-20", "published": true, "timestamp": )" +
        ts(10) + R"(, "distribution": "1",
      "Orgc": {"uuid": "aaaaaaaa-0000-4000-8000-000000000001", "name": "Alpha CERT"},
      "Attribute": [
        {"uuid": ")" +
        kA1 + R"(", "type": "domain", "category": "Network activity",
         "value": "evil.example", "to_ids": true, "distribution": "5", "timestamp": )" +
        ts(10) + R"(},
        {"uuid": ")" +
        kA2 + R"(", "type": "domain", "category": "Network activity",
         "value": "evil.example", "to_ids": true, "distribution": "0", "timestamp": )" +
        ts(10) + R"(},
        {"uuid": ")" +
        kA3 + R"(", "type": "ip-dst", "category": "Network activity",
         "value": "198.51.100.9", "to_ids": true, "distribution": "5", "timestamp": )" +
        ts(40) + R"(},
        {"uuid": ")" +
        kA4 + R"(", "type": "domain", "category": "Network activity",
         "value": "c2.example", "to_ids": true, "distribution": "5", "timestamp": )" +
        ts(10) + R"(,
         "Sighting": [
           {"uuid": "5a5a5a5a-0000-4000-8000-000000000001", "type": "0", "source": "beta-ids",
            "date_sighting": )" +
        ts(5) + R"(, "Organisation": {"uuid": ")" + kBeta + R"(", "name": "Beta CERT"}},
           {"uuid": "5a5a5a5a-0000-4000-8000-000000000002", "type": "0", "source": "far-away",
            "date_sighting": )" +
        ts(6) + R"(, "Organisation": {"uuid": "dddddddd-0000-4000-8000-000000000009",
                                            "name": "Delta Remote"}},
           {"type": "1", "date_sighting": )" +
        ts(7) + R"(}
         ]}
      ]}})";
    WriteFile(dir_.File("event.json"), event);
    std::string out;
    ASSERT_EQ(Sanad("import " + dir_.File("event.json") + " --as 'Alpha CERT'", &out), 0) << out;
  }

  TempDir dir_;
};

TEST_F(SightingCliTest, AddByValueAndUuidFollowsVisibility) {
  std::string out;
  ASSERT_EQ(Sanad("--json sighting add --value EVIL.EXAMPLE --as 'Gamma Vendor' --source honeypot",
                  &out, false),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("\"count\":1"));
  EXPECT_THAT(out, HasSubstr(kA1));
  EXPECT_THAT(out, Not(HasSubstr(kA2))) << "Gamma may not see the owner-only attribute";
  ASSERT_EQ(Sanad("sighting add --value evil.example --as 'Alpha CERT'", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("recorded 2 seen sighting(s) by Alpha CERT"));
  EXPECT_THAT(out, HasSubstr(kA2));

  EXPECT_EQ(Sanad("sighting add --value nothing.example --as 'Beta CERT'", &out), 1);
  EXPECT_THAT(out, HasSubstr("no attribute with value 'nothing.example' that Beta CERT may see"));
  // Hidden reads as absent.
  EXPECT_EQ(Sanad(std::string("sighting add --uuid ") + kA2 + " --as 'Beta CERT'", &out), 1);
  EXPECT_THAT(out, HasSubstr("no attribute " + std::string(kA2) + " that Beta CERT may see"));
  EXPECT_EQ(
      Sanad("sighting add --uuid 51515151-0000-4000-8000-0000000000ff --as 'Beta CERT'", &out), 1);
  EXPECT_THAT(out, HasSubstr("that Beta CERT may see"));

  ASSERT_EQ(Sanad(std::string("sighting add --uuid ") + kA1 +
                      " --as 'Beta CERT' --type false-positive --time 2d",
                  &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("false-positive"));

  // Usage errors.
  EXPECT_EQ(Sanad("sighting add --as 'Beta CERT'", &out), 2);
  EXPECT_EQ(Sanad(std::string("sighting add --uuid ") + kA1 + " --value x --as 'Beta CERT'", &out),
            2);
  EXPECT_EQ(
      Sanad(std::string("sighting add --uuid ") + kA1 + " --as 'Beta CERT' --type maybe", &out), 2);
  EXPECT_EQ(
      Sanad(std::string("sighting add --uuid ") + kA1 + " --as 'Beta CERT' --time never", &out), 2);
  EXPECT_EQ(Sanad(std::string("sighting add --uuid ") + kA1, &out), 2);  // --as required
  EXPECT_EQ(Sanad(std::string("sighting add --uuid ") + kA1 + " --as Nobody", &out), 1);

  ASSERT_EQ(Sanad("--json status", &out, false), 0);
  EXPECT_THAT(out, HasSubstr("\"sightings\":7"));  // 3 imported + 1 + 2 + 1
}

TEST_F(SightingCliTest, ListShowsDetailsOrCountsPerPolicy) {
  std::string out;
  ASSERT_EQ(
      Sanad(std::string("sighting add --uuid ") + kA1 + " --as 'Gamma Vendor' --source gx", &out),
      0);
  ASSERT_EQ(
      Sanad(std::string("sighting add --uuid ") + kA1 + " --as 'Beta CERT' --source bx", &out), 0);

  // The event owner sees every reporter.
  ASSERT_EQ(Sanad(std::string("sighting list --uuid ") + kA1 + " --as 'Alpha CERT'", &out), 0)
      << out;
  EXPECT_THAT(out, HasSubstr("seen 2, false-positive 0, expiration 0"));
  EXPECT_THAT(out, HasSubstr("Gamma Vendor"));
  EXPECT_THAT(out, HasSubstr("Beta CERT"));
  EXPECT_THAT(out, HasSubstr("gx"));
  EXPECT_THAT(out, HasSubstr("score      100.0"));
  EXPECT_THAT(out, Not(HasSubstr("counts only")));

  // Beta sees its own in full, Gamma's only as a count.
  ASSERT_EQ(Sanad(std::string("sighting list --uuid ") + kA1 + " --as 'Beta CERT'", &out), 0);
  EXPECT_THAT(out, HasSubstr("seen 2"));
  EXPECT_THAT(out, HasSubstr("bx"));
  EXPECT_THAT(out, Not(HasSubstr("Gamma Vendor")));
  EXPECT_THAT(out, Not(HasSubstr("gx")));
  EXPECT_THAT(out, HasSubstr("1 sighting(s) by other organisations: counts only"));

  ASSERT_EQ(
      Sanad(std::string("sighting list --uuid ") + kA1 + " --as 'Beta CERT' --json", &out, false),
      0);
  EXPECT_THAT(out, HasSubstr("\"counts\":{\"seen\":2,\"false-positive\":0,\"expiration\":0}"));
  EXPECT_THAT(out, HasSubstr("\"details_complete\":false"));
  EXPECT_THAT(out, HasSubstr("\"source\":\"bx\""));
  EXPECT_THAT(out, Not(HasSubstr("\"source\":\"gx\"")));
  EXPECT_THAT(out, HasSubstr("\"score\":"));
  EXPECT_THAT(out, HasSubstr("\"decay_class\":\"domain\""));

  // Hidden attribute: nothing, and the same message as an absent one.
  EXPECT_EQ(Sanad(std::string("sighting list --uuid ") + kA2 + " --as 'Beta CERT'", &out), 1);
  EXPECT_THAT(out,
              HasSubstr("no attribute with uuid " + std::string(kA2) + " that Beta CERT may see"));
  EXPECT_EQ(
      Sanad("sighting list --uuid 51515151-0000-4000-8000-0000000000ff --as 'Beta CERT'", &out), 1);
  EXPECT_THAT(out, HasSubstr("that Beta CERT may see"));
}

TEST_F(SightingCliTest, ImportedSightingsResolveOrgs) {
  std::string out;
  ASSERT_EQ(Sanad(std::string("sighting list --uuid ") + kA4 + " --as 'Alpha CERT'", &out), 0)
      << out;
  EXPECT_THAT(out, HasSubstr("seen 2, false-positive 1, expiration 0"));
  EXPECT_THAT(out, HasSubstr("beta-ids"));
  EXPECT_THAT(out, HasSubstr("Delta Remote"));  // created as an external org
  EXPECT_THAT(out, HasSubstr("(anonymous)"));
  ASSERT_EQ(Sanad("org list", &out), 0);
  EXPECT_THAT(out, HasSubstr("Delta Remote"));
  ASSERT_EQ(Sanad(std::string("sighting list --uuid ") + kA4 + " --as 'Beta CERT'", &out), 0);
  EXPECT_THAT(out, HasSubstr("beta-ids"));
  EXPECT_THAT(out, Not(HasSubstr("Delta Remote")));
  EXPECT_THAT(out, HasSubstr("2 sighting(s) by other organisations"));
  // Re-importing the same document adds nothing.
  ASSERT_EQ(Sanad("import " + dir_.File("event.json") + " --as 'Alpha CERT'", &out), 0);
  ASSERT_EQ(Sanad("--json status", &out, false), 0);
  EXPECT_THAT(out, HasSubstr("\"sightings\":3"));
}

TEST_F(SightingCliTest, ExportMinScore) {
  std::string out;
  // Scores now: evil.example 10 of 90 days old (88.9); c2.example seen 5
  // days ago (94.4); the IP is 40 days old, past its 30-day lifetime (0).
  ASSERT_EQ(Sanad("export --as 'Beta CERT' --format text --min-score 50", &out, false), 0) << out;
  EXPECT_THAT(out, HasSubstr("evil.example"));
  EXPECT_THAT(out, HasSubstr("c2.example"));
  EXPECT_THAT(out, Not(HasSubstr("198.51.100.9")));
  ASSERT_EQ(Sanad("export --as 'Beta CERT' --format text", &out, false), 0);
  EXPECT_THAT(out, HasSubstr("198.51.100.9"));

  // Two false positives against no confirmation halve the base twice.
  ASSERT_EQ(
      Sanad(std::string("sighting add --uuid ") + kA1 + " --as 'Beta CERT' --type false-positive",
            &out),
      0);
  ASSERT_EQ(Sanad(std::string("sighting add --uuid ") + kA1 +
                      " --as 'Gamma Vendor' --type false-positive",
                  &out),
            0);
  ASSERT_EQ(Sanad("export --as 'Beta CERT' --format text --min-score 50", &out, false), 0);
  EXPECT_THAT(out, Not(HasSubstr("evil.example")));
  EXPECT_THAT(out, HasSubstr("c2.example"));
  ASSERT_EQ(Sanad("export --as 'Beta CERT' --format text --min-score 20", &out, false), 0);
  EXPECT_THAT(out, HasSubstr("evil.example"));

  // Expired: out at any positive threshold.
  ASSERT_EQ(Sanad("sighting add --value c2.example --as 'Beta CERT' --type expiration", &out), 0);
  ASSERT_EQ(Sanad("export --as 'Beta CERT' --format text --min-score 1", &out, false), 0);
  EXPECT_THAT(out, Not(HasSubstr("c2.example")));

  // The IP's score as a viewer reads it.
  ASSERT_EQ(
      Sanad(std::string("sighting list --uuid ") + kA3 + " --as 'Beta CERT' --json", &out, false),
      0);
  EXPECT_THAT(out, HasSubstr("\"score\":0"));
  EXPECT_EQ(Sanad("export --as 'Beta CERT' --min-score abc", &out), 2);
}

}  // namespace
}  // namespace sanad::testing
