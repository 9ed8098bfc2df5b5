// End-to-end tests of `sanad match`: hits through the visibility policy,
// to_ids and warninglists, compressed input and stdin, --summary,
// --record-sightings, --scan and usage errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kEvents[] = R"({"response": [
{"Event": {
  "uuid": "5a000000-0000-4000-8000-000000000001", "info": "Loader campaign", "date": "2026-01-10",
  "timestamp": "1768000000", "distribution": "1", "published": true,
  "Orgc": {"uuid": "aaaaaaaa-0000-4000-8000-000000000001", "name": "Alpha CERT"},
  "Tag": [{"name": "tlp:amber"}],
  "Attribute": [
    {"uuid": "5a000000-0000-4000-8000-0000000000a1", "type": "domain", "category": "Network activity",
     "value": "Loader-CDN-x7.NET.", "to_ids": true, "timestamp": "1768000000"},
    {"uuid": "5a000000-0000-4000-8000-0000000000a2", "type": "ip-dst", "category": "Network activity",
     "value": "45.77.9.0/24", "to_ids": true, "timestamp": "1768000000"},
    {"uuid": "5a000000-0000-4000-8000-0000000000a3", "type": "domain", "category": "Network activity",
     "value": "quiet-x7.net", "to_ids": false, "timestamp": "1768000000"},
    {"uuid": "5a000000-0000-4000-8000-0000000000a4", "type": "ip-dst", "category": "Network activity",
     "value": "8.8.8.8", "to_ids": true, "timestamp": "1768000000"},
    {"uuid": "5a000000-0000-4000-8000-0000000000a5", "type": "mutex", "category": "Artifacts dropped",
     "value": "Global\\LdrMtx42", "to_ids": true, "timestamp": "1768000000"}
  ]}},
{"Event": {
  "uuid": "5a000000-0000-4000-8000-000000000002", "info": "Alpha internal", "date": "2026-01-10",
  "timestamp": "1768000000", "distribution": "0",
  "Orgc": {"uuid": "aaaaaaaa-0000-4000-8000-000000000001", "name": "Alpha CERT"},
  "Attribute": [
    {"uuid": "5a000000-0000-4000-8000-0000000000b1", "type": "domain", "category": "Network activity",
     "value": "secret-x7.net", "to_ids": true, "timestamp": "1768000000"}
  ]}}
]})";

constexpr char kLog[] =
    "2026-01-11T10:00:00Z dns query a.LOADER-cdn-x7.net from 10.0.0.5\n"
    "2026-01-11T10:00:01Z conn 10.0.0.5 -> 45.77.9.200:443\n"
    "2026-01-11T10:00:02Z dns query secret-x7.net quiet-x7.net 8.8.8.8\n"
    "2026-01-11T10:00:03Z process opened mutex global\\ldrmtx42\n";

class MatchCliTest : public ::testing::Test {
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
    ASSERT_EQ(Sanad("-q org add 'Beta CERT' --country ID"), 0);
    WriteFile(dir_.File("events.json"), kEvents);
    std::string out;
    ASSERT_EQ(Sanad("-q import " + dir_.File("events.json") + " --as 'Alpha CERT'", &out), 0)
        << out;
    WriteFile(dir_.File("dns.log"), kLog);
  }
  TempDir dir_;
};

TEST_F(MatchCliTest, HitsAsJsonLinesThroughThePolicy) {
  std::string out;
  ASSERT_EQ(Sanad("-q match --as 'Beta CERT' " + dir_.File("dns.log"), &out, false), 0) << out;
  EXPECT_THAT(
      out,
      HasSubstr(
          R"("line":1,"offset":31,"observable":"a.LOADER-cdn-x7.net","match":"subdomain","attribute_uuid":"5a000000-0000-4000-8000-0000000000a1","event_uuid":"5a000000-0000-4000-8000-000000000001","type":"domain","value":"loader-cdn-x7.net","tlp":"TLP:AMBER"})"));
  EXPECT_THAT(out, HasSubstr(R"("line":2,"offset":103,"observable":"45.77.9.200","match":"cidr")"));
  // Hidden from Beta (distribution 0), not to_ids, warninglisted, substring without --scan.
  EXPECT_THAT(out, Not(HasSubstr("secret-x7.net")));
  EXPECT_THAT(out, Not(HasSubstr("quiet-x7.net")));
  EXPECT_THAT(out, Not(HasSubstr("8.8.8.8")));
  EXPECT_THAT(out, Not(HasSubstr("ldrmtx42")));
  // The owner sees its own event; --all and --include-warninglisted widen the set.
  ASSERT_EQ(
      Sanad("-q match --as 'Alpha CERT' --all --include-warninglisted " + dir_.File("dns.log"),
            &out, false),
      0);
  EXPECT_THAT(out, HasSubstr(R"("observable":"secret-x7.net","match":"exact")"));
  EXPECT_THAT(out, HasSubstr(R"("observable":"quiet-x7.net","match":"exact")"));
  EXPECT_THAT(out, HasSubstr(R"("observable":"8.8.8.8","match":"exact")"));
  // --scan finds the mutex anywhere, case-insensitively.
  ASSERT_EQ(Sanad("-q match --as 'Beta CERT' --scan " + dir_.File("dns.log"), &out, false), 0);
  EXPECT_THAT(
      out,
      HasSubstr(R"("line":4,"offset":227,"observable":"global\\ldrmtx42","match":"substring")"));
}

TEST_F(MatchCliTest, CompressedStdinSummaryAndSightings) {
  ASSERT_EQ(sanad::testing::Run("gzip -c " + dir_.File("dns.log") + " > " + dir_.File("dns.log.gz"),
                                nullptr),
            0);
  std::string out;
  ASSERT_EQ(Sanad("-q match --as 'Beta CERT' - < " + dir_.File("dns.log.gz"), &out, false), 0);
  EXPECT_THAT(out, HasSubstr(R"("file":"-","line":2)"));
  ASSERT_EQ(Sanad("--json match --as 'Beta CERT' --summary --record-sightings " +
                      dir_.File("dns.log.gz") + " " + dir_.File("dns.log"),
                  &out, false),
            0);
  EXPECT_THAT(out, HasSubstr(R"("hits":4,"indicators":2)"));
  EXPECT_THAT(
      out,
      HasSubstr(R"("value":"45.77.9.0/24","event_uuid":"5a000000-0000-4000-8000-000000000001")"));
  ASSERT_EQ(
      Sanad("sighting list --json --as 'Beta CERT' --uuid 5a000000-0000-4000-8000-0000000000a2",
            &out, false),
      0);
  EXPECT_THAT(out, HasSubstr(R"("seen":1)"));
  ASSERT_EQ(Sanad("match --as 'Beta CERT' --summary " + dir_.File("dns.log"), &out), 0);
  EXPECT_THAT(out, HasSubstr("loader-cdn-x7.net"));
  EXPECT_THAT(out, HasSubstr("Loader campaign"));
  EXPECT_THAT(out, HasSubstr("2 hits on 2 indicator(s)"));
}

TEST_F(MatchCliTest, UsageAndInputErrors) {
  std::string out;
  EXPECT_EQ(Sanad("match --as 'Beta CERT' --format pdf " + dir_.File("dns.log"), &out), 2);
  EXPECT_THAT(out, HasSubstr("--format"));
  EXPECT_EQ(Sanad("match --as 'Beta CERT' --format text --field x " + dir_.File("dns.log"), &out),
            2);
  WriteFile(dir_.File("a.csv"), "ts,host\n1,a.loader-cdn-x7.net\n");
  EXPECT_EQ(Sanad("match --as 'Beta CERT' --format csv --field nope " + dir_.File("a.csv"), &out),
            2);
  EXPECT_THAT(out, HasSubstr("no column named 'nope' (columns: ts, host)"));
  ASSERT_EQ(Sanad("-q match --as 'Beta CERT' --format csv --field host " + dir_.File("a.csv"), &out,
                  false),
            0);
  EXPECT_THAT(out, HasSubstr(R"("field":"host")"));
  EXPECT_EQ(Sanad("match --as 'Beta CERT' " + dir_.File("missing.log"), &out), 1);
  EXPECT_THAT(out, HasSubstr("missing.log: cannot open"));
  EXPECT_EQ(Sanad("match --as 'Nobody' " + dir_.File("dns.log"), &out), 1);
  EXPECT_THAT(out, HasSubstr("unknown organisation"));
}

TEST_F(MatchCliTest, ExpiredIndicatorsCanBeLeftOut) {
  std::string out;
  ASSERT_EQ(Sanad("-q sighting add --uuid 5a000000-0000-4000-8000-0000000000a2 --as 'Alpha CERT' "
                  "--type expiration --time 7d",
                  &out),
            0)
      << out;
  ASSERT_EQ(Sanad("-q match --as 'Beta CERT' " + dir_.File("dns.log"), &out, false), 0);
  EXPECT_THAT(out, HasSubstr("45.77.9.200"));
  ASSERT_EQ(Sanad("-q match --as 'Beta CERT' --skip-expired " + dir_.File("dns.log"), &out, false),
            0);
  EXPECT_THAT(out, Not(HasSubstr("45.77.9.200")));
  EXPECT_THAT(out, HasSubstr("a.LOADER-cdn-x7.net"));
  ASSERT_EQ(Sanad("-q match --as 'Beta CERT' --min-score 0.1 " + dir_.File("dns.log"), &out, false),
            0);
  EXPECT_THAT(out, Not(HasSubstr("45.77.9.200")));
  EXPECT_EQ(Sanad("match --as 'Beta CERT' --min-score 101 " + dir_.File("dns.log"), &out), 2);
}

}  // namespace
}  // namespace sanad::testing
