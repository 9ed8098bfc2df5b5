// End-to-end: `sanad import BUNDLE` (auto-detected STIX 2.1) and `sanad
// export --format stix21`: the import report lists what was not mapped, the
// export round-trips the bundle and validates, other orgs see only what the
// policy allows, bad bundles change nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "test_util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class StixConvertCliTest : public ::testing::Test {
 protected:
  int Sanad(const std::string& args, std::string* out = nullptr, bool merge = true) {
    std::string o;
    int rc = RunSanad(dir_.path() + "/store", args, &o, merge);
    if (out) *out = o;
    return rc;
  }
  void SetUp() override {
    ASSERT_EQ(Sanad("init"), 0);
    ASSERT_EQ(Sanad("-q org add 'Alpha CERT' --country MY --chair"), 0);
    ASSERT_EQ(Sanad("-q org add 'Beta CERT' --country ID"), 0);
  }
  std::string Check(const std::string& mode, const std::string& a, const std::string& b) {
    std::string out;
    int rc = sanad::testing::Run(
        "python3 " + SourceDir() + "/tests/stix/stix_check.py " + mode + " " + a + " " + b, &out,
        true);
    return rc == 0 ? "" : (rc == 77 ? "skip" : out);
  }
  TempDir dir_;
};

TEST_F(StixConvertCliTest, ImportReportsUnmappedAndExportRoundTrips) {
  std::string bundle = TestData("stix/mixed.json");
  std::string out;
  // STIX carries no distribution: the bundle is shared with the community by
  // saying so (the rules' default is organisation only).
  ASSERT_EQ(Sanad("import " + bundle + " --as 'Alpha CERT' --distribution community", &out), 0)
      << out;
  EXPECT_THAT(out, HasSubstr("1 created"));
  EXPECT_THAT(out, HasSubstr("STIX objects: 7 mapped, 3 kept verbatim"));
  EXPECT_THAT(
      out,
      HasSubstr(
          "malware malware--3b4c5d6e-7f80-4a9b-8c1d-2e3f4a5b6c7d: malware has no MISP equivalent"));
  ASSERT_EQ(Sanad("--json import " + bundle + " --as 'Alpha CERT'", &out, false), 0) << out;
  EXPECT_THAT(out, HasSubstr("\"events_unchanged\":1"));
  std::string file = dir_.File("out.json");
  ASSERT_EQ(Sanad("export --as 'Alpha CERT' --format stix21 -o " + file, &out), 0) << out;
  EXPECT_EQ(Check("roundtrip", bundle, file), "");
  std::string shared = SharedDir();
  if (!shared.empty() &&
      std::filesystem::exists(shared + "/data/stix21/schemas/common/core.json")) {
    std::string v = Check("validate", shared + "/data/stix21/schemas", file);
    if (v != "skip") EXPECT_EQ(v, "");
  }
  // Beta sees the community event, but not Alpha's sighting details.
  ASSERT_EQ(Sanad("export --as 'Beta CERT' --format stix21", &out, false), 0);
  EXPECT_THAT(out, HasSubstr("report--7c6b5a49-3e2d-4c1b-8a09-f8e7d6c5b4a3"));
  EXPECT_THAT(out, Not(HasSubstr("\"type\":\"sighting\"")));
}

TEST_F(StixConvertCliTest, BadBundleFailsAndWritesNothing) {
  std::string bad = dir_.File("bad.json");
  WriteFile(bad,
            "{\"type\":\"bundle\",\"id\":\"bundle--0a9c1b6e-51f7-4f3a-9d41-2a1f6d7e8c01\","
            "\"objects\":[{\"type\":\"indicator\",\"id\":\"malware--0a9c1b6e-51f7-4f3a-9d41-"
            "2a1f6d7e8c01\"}]}");
  std::string out;
  EXPECT_EQ(Sanad("import " + bad + " --as 'Alpha CERT'", &out), 1);
  EXPECT_THAT(out, HasSubstr("objects[0].id"));
  ASSERT_EQ(Sanad("export --as 'Alpha CERT' --format stix21", &out, false), 0);
  EXPECT_THAT(out, Not(HasSubstr("report--")));
  EXPECT_EQ(Sanad("export --as 'Alpha CERT' --format stix99", &out), 2);
}

}  // namespace
}  // namespace sanad::testing
