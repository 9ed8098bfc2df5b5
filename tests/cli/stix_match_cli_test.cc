// `sanad stix match` and `sanad stix validate-pattern` end to end.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "test_util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class StixPatternCliTest : public ::testing::Test {
 protected:
  int Sanad(const std::string& args, std::string* out, bool merge = true) {
    return RunSanad(dir_.path() + "/store", args, out, merge);
  }
  std::string Data(const std::string& name) { return TestData("stix_pattern/" + name); }
  TempDir dir_;
};

TEST_F(StixPatternCliTest, MatchPatternLines) {
  std::string out;
  ASSERT_EQ(Sanad("stix match --patterns " + Data("patterns.txt") + " --observed " +
                      Data("observed.json"),
                  &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("line 2: [ipv4-addr:value = '198.51.100.3']\n"
                             "  observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf\n"));
  EXPECT_THAT(out, HasSubstr("line 4: [domain-name:value LIKE '%.evil.example'] FOLLOWEDBY"));
  EXPECT_THAT(out, HasSubstr("  observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf\n"
                             "  observed-data--cf8eaa41-6f4c-482e-89b9-9cd2d6a83cb1\n"));
  EXPECT_THAT(out, HasSubstr("line 5: "));
  EXPECT_THAT(out, HasSubstr("line 7: "));
  EXPECT_THAT(out, Not(HasSubstr("line 6: ")));
  EXPECT_THAT(out, Not(HasSubstr("line 8: ")));
  EXPECT_THAT(out, Not(HasSubstr("line 9: ")));
  EXPECT_THAT(out, HasSubstr("5 of 8 patterns matched; 3 of 3 observed-data involved"));
}

TEST_F(StixPatternCliTest, MatchJson) {
  std::string out;
  ASSERT_EQ(Sanad("stix match --patterns " + Data("patterns.txt") + " --observed " +
                      Data("observed.json") + " --json",
                  &out, /*merge=*/false),
            0)
      << out;
  boost::json::value v = boost::json::parse(out);
  EXPECT_EQ(v.at("patterns").to_number<int64_t>(), 8);
  EXPECT_EQ(v.at("matched").to_number<int64_t>(), 5);
  const auto& rs = v.at("results").as_array();
  ASSERT_EQ(rs.size(), 8u);
  EXPECT_EQ(rs[2].at("source").as_string(), "line 4");
  EXPECT_TRUE(rs[2].at("matched").as_bool());
  EXPECT_EQ(rs[2].at("observed_data").as_array().size(), 2u);
  EXPECT_EQ(rs[3].at("observed_data").as_array()[0].as_string(),
            "observed-data--cf8eaa41-6f4c-482e-89b9-9cd2d6a83cb1");
  EXPECT_FALSE(rs[4].at("matched").as_bool());  // REPEATS 3 with number_observed 2
  EXPECT_TRUE(rs[5].at("matched").as_bool());   // STIX 2.0 embedded objects
  EXPECT_FALSE(rs[6].at("matched").as_bool());  // an hour apart, WITHIN 60
}

TEST_F(StixPatternCliTest, MatchIndicatorBundle) {
  std::string out;
  ASSERT_EQ(Sanad("stix match --patterns " + Data("indicators.json") + " --observed " +
                      Data("observed.json"),
                  &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f: "
                             "[ipv4-addr:value = '198.51.100.3']"));
  EXPECT_THAT(out, Not(HasSubstr("indicator--a0b1c2d3")));
  EXPECT_THAT(out, HasSubstr("1 of 2 patterns matched"));
  EXPECT_THAT(out, HasSubstr("1 non-STIX indicators skipped"));
}

TEST_F(StixPatternCliTest, ErrorsAndUsage) {
  std::string out;
  // An invalid pattern: exit 1, file, line, offset and reason; nothing matched.
  EXPECT_EQ(Sanad("stix match --patterns " + Data("invalid_patterns.txt") + " --observed " +
                      Data("observed.json"),
                  &out),
            1);
  EXPECT_THAT(out, HasSubstr("invalid_patterns.txt: line 2: offset 20 (line 1, column 21): "
                             "expected an object path"));
  EXPECT_THAT(out, Not(HasSubstr("line 1: [ipv4")));
  // Bad observed-data: the JSON path.
  WriteFile(dir_.File("bad.json"),
            R"({"type": "bundle", "objects": [{"type": "observed-data", "id": "observed-data--1",
            "first_observed": "2020-01-01T00:00:00Z", "last_observed": "x",
            "number_observed": 1, "objects": {}}]})");
  EXPECT_EQ(Sanad("stix match --patterns " + Data("patterns.txt") + " --observed " +
                      dir_.File("bad.json"),
                  &out),
            1);
  EXPECT_THAT(out, HasSubstr("objects[0].last_observed: not a STIX timestamp"));
  EXPECT_EQ(Sanad("stix match --patterns /nonexistent --observed " + Data("observed.json"), &out),
            1);
  EXPECT_THAT(out, HasSubstr("cannot open"));
  // Usage errors.
  EXPECT_EQ(Sanad("stix match --patterns " + Data("patterns.txt"), &out), 2);
  EXPECT_EQ(Sanad("stix", &out), 2);
  EXPECT_EQ(Sanad("stix validate-pattern", &out), 2);
}

TEST_F(StixPatternCliTest, ValidatePattern) {
  std::string out;
  EXPECT_EQ(Sanad("stix validate-pattern \"[file:name = 'a']\" \"[domain-name:value = 'x.example'] "
                  "WITHIN 5 SECONDS\"",
                  &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("valid: [file:name = 'a']"));
  EXPECT_EQ(
      Sanad("stix validate-pattern \"[file:name = 'a']\" \"[file:name = 'a'] REPEATS 0 TIMES\"",
            &out),
      1);
  EXPECT_THAT(out,
              HasSubstr("invalid: [file:name = 'a'] REPEATS 0 TIMES\n"
                        "  offset 26 (line 1, column 27): REPEATS needs a count of at least 1\n"
                        "  [file:name = 'a'] REPEATS 0 TIMES\n"
                        "                            ^\n"));
  EXPECT_EQ(Sanad("stix validate-pattern --json \"[fi:x = 1]\"", &out, /*merge=*/false), 1);
  boost::json::value v = boost::json::parse(out);
  const auto& r = v.at("results").as_array()[0];
  EXPECT_FALSE(r.at("valid").as_bool());
  EXPECT_EQ(r.at("offset").to_number<int64_t>(), 1);
  EXPECT_EQ(r.at("column").to_number<int64_t>(), 2);
  EXPECT_THAT(std::string(r.at("error").as_string()), HasSubstr("invalid object type 'fi'"));
}

}  // namespace
}  // namespace sanad::testing
