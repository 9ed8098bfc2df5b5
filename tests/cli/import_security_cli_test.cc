// `sanad import` and the security findings of the probe: a re-import that
// omits fields keeps them (an organisation-only event stays so), a new event
// without distribution gets the community default, a document cannot name
// another member as its creator, and a feed directory with a symlink loop is
// an error naming the path, not an abort.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kAlphaUuid = "aaaaaaaa-0000-4000-8000-000000000001";
constexpr const char* kBetaUuid = "bbbbbbbb-0000-4000-8000-000000000002";
constexpr const char* kEventUuid = "e0e0e0e0-0000-4000-8000-000000000001";

class ImportSecurityCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Sanad("init"), 0);
    ASSERT_EQ(Sanad(std::string("-q org add Alpha --country MY --chair --uuid ") + kAlphaUuid), 0);
    ASSERT_EQ(Sanad(std::string("-q org add Beta --country ID --uuid ") + kBetaUuid), 0);
  }
  int Sanad(const std::string& args, std::string* out = nullptr) {
    std::string o;
    int rc = RunSanad(dir_.path() + "/store", args, &o, true);
    if (out) *out = o;
    return rc;
  }
  std::string Write(const std::string& name, const std::string& json) {
    std::string p = dir_.File(name);
    WriteFile(p, json);
    return p;
  }
  TempDir dir_;
};

TEST_F(ImportSecurityCliTest, ReimportWithoutDistributionKeepsTheStoredAudience) {
  std::string v1 = Write("v1.json", std::string(R"({"Event": {"uuid": ")") + kEventUuid + R"(",
      "info": "Alpha internal", "distribution": "0", "timestamp": "1700000000",
      "published": true, "threat_level_id": "1",
      "Tag": [{"name": "tlp:red"}],
      "Attribute": [{"uuid": "a0a0a0a0-0000-4000-8000-000000000001", "type": "domain",
                     "value": "secret.example", "distribution": "0"}]}})");
  ASSERT_EQ(Sanad("import " + v1 + " --as Alpha"), 0);
  // A newer version that names neither distribution nor tags.
  std::string v2 = Write("v2.json", std::string(R"({"Event": {"uuid": ")") + kEventUuid + R"(",
      "info": "Alpha internal, typo fixed", "timestamp": "1700000100",
      "Attribute": [{"uuid": "a0a0a0a0-0000-4000-8000-000000000001", "type": "domain",
                     "value": "secret.example", "comment": "edited"}]}})");
  std::string out;
  ASSERT_EQ(Sanad("import " + v2 + " --as Alpha", &out), 0) << out;
  EXPECT_EQ(Sanad("export --as Beta --format text", &out), 0);
  EXPECT_THAT(out, Not(HasSubstr("secret.example")));
  EXPECT_EQ(Sanad(std::string("event show ") + kEventUuid + " --as Beta", &out), 1);
  EXPECT_EQ(Sanad("--json export --as Alpha --format misp", &out), 0);
  EXPECT_THAT(out, HasSubstr("typo fixed"));
  EXPECT_THAT(out, HasSubstr("tlp:red"));
  EXPECT_THAT(out, HasSubstr("edited"));
  EXPECT_THAT(out, Not(HasSubstr(R"("distribution":"1")")));
}

TEST_F(ImportSecurityCliTest, NewEventWithoutDistributionIsOrganisationOnly) {
  std::string f = Write("new.json", R"({"Event": {"info": "no distribution",
      "Attribute": [{"type": "domain", "value": "quiet.example",
                     "uuid": "a0a0a0a0-0000-4000-8000-000000000002"}]}})");
  // MISP documents need an event uuid; this one has none and gets... an error
  // or a uuid; either way nothing may reach Beta.
  std::string out;
  Sanad("import " + f + " --as Alpha", &out);
  EXPECT_EQ(Sanad("export --as Beta --format text", &out), 0);
  EXPECT_THAT(out, Not(HasSubstr("quiet.example")));
  std::string g = Write("new2.json", R"({"Event": {"uuid": "e0e0e0e0-0000-4000-8000-000000000009",
      "info": "no distribution",
      "Attribute": [{"type": "domain", "value": "quiet2.example",
                     "uuid": "a0a0a0a0-0000-4000-8000-000000000003"}]}})");
  ASSERT_EQ(Sanad("import " + g + " --as Alpha", &out), 0) << out;
  EXPECT_EQ(Sanad("export --as Alpha --format text", &out), 0);
  EXPECT_THAT(out, HasSubstr("quiet2.example"));
  EXPECT_EQ(Sanad("export --as Beta --format text", &out), 0);
  EXPECT_THAT(out, Not(HasSubstr("quiet2.example")));
  // The operator names the audience of documents that name none.
  std::string h = Write("new3.json", R"({"Event": {"uuid": "e0e0e0e0-0000-4000-8000-00000000000a",
      "info": "no distribution", "Attribute": [{"type": "domain", "value": "open.example",
      "uuid": "a0a0a0a0-0000-4000-8000-000000000004"}]}})");
  EXPECT_EQ(Sanad("import " + h + " --as Alpha --distribution everyone", &out), 2) << out;
  ASSERT_EQ(Sanad("import " + h + " --as Alpha --distribution community", &out), 0) << out;
  EXPECT_EQ(Sanad("export --as Beta --format text", &out), 0);
  EXPECT_THAT(out, HasSubstr("open.example"));
}

TEST_F(ImportSecurityCliTest, AnotherMembersNameAsCreatorIsRefused) {
  std::string f = Write("forged.json", std::string(R"({"Event": {"uuid": ")") + kEventUuid + R"(",
      "info": "Beta says", "distribution": "1",
      "Orgc": {"uuid": ")" + kBetaUuid + R"(", "name": "Beta"}}})");
  std::string out;
  EXPECT_EQ(Sanad("import " + f + " --as Alpha", &out), 1);
  EXPECT_THAT(out, HasSubstr("another community member"));
  EXPECT_EQ(Sanad("event list --as Beta", &out), 0);
  EXPECT_THAT(out, Not(HasSubstr("Beta says")));
  // An external source is the operator's to import, and the report says so.
  std::string ext = Write("external.json", R"({"Event": {"uuid": "e0e0e0e0-0000-4000-8000-000000000002",
      "info": "OSINT", "distribution": "1",
      "Orgc": {"uuid": "cccccccc-0000-4000-8000-0000000000cc", "name": "CIRCL"}}})");
  EXPECT_EQ(Sanad("import " + ext + " --as Alpha", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("on behalf of external creator CIRCL"));
}

TEST_F(ImportSecurityCliTest, OverlongNamesInSharedDataAreShortenedNotStoredWhole) {
  std::string longname;
  for (int i = 0; i < 10000; ++i) longname += "\xc3\x9c";  // "Ü", two bytes each
  std::string f = Write("long.json", R"({"Event": {"uuid": "e0e0e0e0-0000-4000-8000-000000000003",
      "info": "OSINT", "distribution": "1",
      "Orgc": {"uuid": "dddddddd-0000-4000-8000-0000000000dd", "name": ")" + longname + R"("}}})");
  std::string out;
  ASSERT_EQ(Sanad("import " + f + " --as Alpha", &out), 0) << out.substr(0, 500);
  ASSERT_EQ(Sanad("--json org show dddddddd-0000-4000-8000-0000000000dd", &out), 0);
  EXPECT_LT(out.size(), 2000u) << "the 10,000-character name was stored whole";
}

TEST_F(ImportSecurityCliTest, SymlinkLoopInAFeedDirectoryIsAnError) {
  namespace fs = std::filesystem;
  std::string feed = dir_.File("feed");
  fs::create_directories(feed);
  WriteFile(feed + "/e.json", std::string(R"({"Event": {"uuid": ")") + kEventUuid +
                                  R"(", "info": "x", "distribution": "1"}})");
  fs::create_symlink(feed + "/loop.json", feed + "/loop.json");
  std::string out;
  int rc = Sanad("import " + feed + " --as Alpha", &out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_THAT(out, HasSubstr("loop.json"));
  EXPECT_THAT(out, HasSubstr("nothing was written"));
}

}  // namespace
}  // namespace sanad::testing
