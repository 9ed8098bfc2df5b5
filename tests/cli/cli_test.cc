// End-to-end tests of the `sanad` command: exit codes, the community set-up,
// import/export through the visibility policy, and all-or-nothing imports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliTest : public ::testing::Test {
 protected:
  // Runs sanad with --data set; returns the exit code, output in *out.
  int Sanad(const std::string& args, std::string* out = nullptr, bool merge = true) {
    std::string o;
    int rc = sanad::testing::RunSanad(dir_.path() + "/store", args, &o, merge);
    if (out) *out = o;
    return rc;
  }
  std::string Fixture(const std::string& name) { return TestData("cli/" + name); }

  void SetUpCommunity() {
    ASSERT_EQ(Sanad("init"), 0);
    ASSERT_EQ(Sanad("-q org add 'Alpha CERT' --country MY --chair "
                    "--uuid aaaaaaaa-0000-4000-8000-000000000001"),
              0);
    ASSERT_EQ(Sanad("-q org add 'Beta CERT' --country ID"), 0);
    ASSERT_EQ(Sanad("-q org add 'Gamma Vendor' --country GB --kind industry --category commercial"),
              0);
    ASSERT_EQ(Sanad("-q sharing-group add 'national CERTs only' --owner 'Alpha CERT' "
                    "--uuid cccccccc-0000-4000-8000-000000000001 --org 'Beta CERT'"),
              0);
  }

  TempDir dir_;
};

TEST_F(CliTest, UsageErrorsExitTwo) {
  std::string out;
  EXPECT_EQ(Sanad("", &out), 2);
  EXPECT_EQ(Sanad("no-such-command", &out), 2);
  EXPECT_EQ(Sanad("org add", &out), 2);  // missing name and country
  ASSERT_EQ(Sanad("init"), 0);
  EXPECT_EQ(Sanad("org add X --country ZZ", &out), 2);
  EXPECT_THAT(out, HasSubstr("ISO 3166"));
  EXPECT_EQ(Sanad("org add X --country MY --kind spy-agency", &out), 2);
  EXPECT_EQ(Sanad("export --as X --format pdf", &out), 2);
  EXPECT_EQ(Sanad("--help", &out), 0);
  EXPECT_THAT(out, HasSubstr("import"));
}

TEST_F(CliTest, CommandsNeedAStore) {
  std::string out;
  EXPECT_EQ(Sanad("org list", &out), 1);
  EXPECT_THAT(out, HasSubstr("sanad init"));
  ASSERT_EQ(Sanad("init"), 0);
  EXPECT_EQ(Sanad("init", &out), 1);  // already exists
}

TEST_F(CliTest, OrgsUsersAndKeys) {
  SetUpCommunity();
  std::string out;
  ASSERT_EQ(Sanad("--json org list", &out, false), 0);
  EXPECT_THAT(out, HasSubstr("\"name\":\"Alpha CERT\""));
  EXPECT_THAT(out, HasSubstr("\"chair\":true"));
  EXPECT_EQ(Sanad("-q org add 'alpha cert' --country MY", &out), 1);  // names are unique
  ASSERT_EQ(Sanad("--json user add ana@beta.example --org 'Beta CERT'", &out, false), 0);
  auto pos = out.find("\"api_key\":\"");
  ASSERT_NE(pos, std::string::npos);
  std::string key = out.substr(pos + 11, 64);
  EXPECT_EQ(key.find('"'), std::string::npos);
  // The key is shown once: listings never contain it.
  ASSERT_EQ(Sanad("user list", &out), 0);
  EXPECT_THAT(out, HasSubstr("ana@beta.example"));
  EXPECT_THAT(out, Not(HasSubstr(key)));
  // Only the chair's users may be admins.
  EXPECT_EQ(Sanad("user add root@beta.example --org 'Beta CERT' --role admin", &out), 1);
  ASSERT_EQ(Sanad("sharing-group list", &out), 0);
  EXPECT_THAT(out, HasSubstr("Alpha CERT, Beta CERT"));
}

TEST_F(CliTest, ImportAndExportHonourVisibility) {
  SetUpCommunity();
  std::string out;
  ASSERT_EQ(Sanad("import " + Fixture("community_event.json") + " " + Fixture("group_event.json") +
                      " --as 'Alpha CERT'",
                  &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("2 created"));

  std::string alpha, beta, gamma;
  ASSERT_EQ(Sanad("export --as 'Alpha CERT' --format text", &alpha, false), 0);
  ASSERT_EQ(Sanad("export --as 'Beta CERT' --format text", &beta, false), 0);
  ASSERT_EQ(Sanad("export --as 'Gamma Vendor' --format text", &gamma, false), 0);
  const std::string sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  // Canonical values: lower case, no trailing dot, punycode, normalised URL.
  EXPECT_THAT(alpha, HasSubstr("login-portal.example.net\n"));
  EXPECT_THAT(alpha, HasSubstr("xn--bcher-kva.example\n"));
  EXPECT_THAT(alpha, HasSubstr(sha));  // the owner sees its organisation-only attribute
  EXPECT_THAT(beta, Not(HasSubstr(sha)));
  EXPECT_THAT(beta, HasSubstr("203.0.113.7\n"));
  EXPECT_THAT(beta, HasSubstr("xn--bcher-kva.example\n"));  // member of the sharing group
  EXPECT_THAT(gamma, HasSubstr("203.0.113.7\n"));
  EXPECT_THAT(gamma, Not(HasSubstr("bcher")));  // not in the group
  EXPECT_THAT(gamma, Not(HasSubstr(sha)));

  EXPECT_EQ(Sanad("event show 22222222-2222-4222-8222-222222222222 --as 'Gamma Vendor'", &out), 1);
  EXPECT_THAT(out, HasSubstr("no event"));
  ASSERT_EQ(Sanad("event show 22222222-2222-4222-8222-222222222222 --as 'Beta CERT'", &out), 0);
  EXPECT_THAT(out, HasSubstr("Ransomware C2"));

  // Filters: type and to_ids.
  ASSERT_EQ(Sanad("export --as 'Alpha CERT' --format csv --type md5", &out, false), 0);
  EXPECT_THAT(out, HasSubstr("D41D8CD98F00B204E9800998ECF8427E"));
  EXPECT_THAT(out, Not(HasSubstr("203.0.113.7")));
  ASSERT_EQ(Sanad("export --as 'Alpha CERT' --format text --no-to-ids", &out, false), 0);
  EXPECT_EQ(out, "invoice.pdf.exe\n");
  ASSERT_EQ(Sanad("export --as 'Alpha CERT' --format text --tag tlp:amber", &out, false), 0);
  EXPECT_THAT(out, Not(HasSubstr("203.0.113.7")));
  EXPECT_THAT(out, HasSubstr("xn--bcher-kva.example"));
  ASSERT_EQ(Sanad("export --as 'Alpha CERT' --format text --tag '!tlp:amber'", &out, false), 0);
  EXPECT_THAT(out, HasSubstr("203.0.113.7"));
  EXPECT_THAT(out, Not(HasSubstr("bcher")));
}

TEST_F(CliTest, ImportIsIdempotentAndOnlyTheOwnerUpdates) {
  SetUpCommunity();
  std::string out;
  ASSERT_EQ(Sanad("import " + Fixture("community_event.json") + " --as 'Alpha CERT'", &out), 0);
  ASSERT_EQ(Sanad("import " + Fixture("community_event.json") + " --as 'Alpha CERT'", &out), 0);
  EXPECT_THAT(out, HasSubstr("0 created, 0 updated, 1 unchanged"));
  // Beta re-imports Alpha's event with a newer timestamp: not overwritten.
  std::string doc = ReadFile(Fixture("community_event.json"));
  const std::string old_ts = "\"timestamp\": \"1763600000\"";
  doc.replace(doc.find(old_ts), old_ts.size(), "\"timestamp\": \"1763609999\"");
  const std::string old_info = "Phishing kit hosting";
  doc.replace(doc.find(old_info), old_info.size(), "Tampered by Beta");
  WriteFile(dir_.File("newer.json"), doc);
  ASSERT_EQ(Sanad("import " + dir_.File("newer.json") + " --as 'Beta CERT'", &out), 0);
  EXPECT_THAT(out, HasSubstr("only its owner updates it"));
  ASSERT_EQ(Sanad("event show 11111111-1111-4111-8111-111111111111 --as 'Alpha CERT'", &out), 0);
  EXPECT_THAT(out, HasSubstr("Phishing kit hosting"));
  // The owner's newer version is applied.
  ASSERT_EQ(Sanad("import " + dir_.File("newer.json") + " --as 'Alpha CERT'", &out), 0);
  EXPECT_THAT(out, HasSubstr("1 updated"));
  ASSERT_EQ(Sanad("event show 11111111-1111-4111-8111-111111111111 --as 'Alpha CERT'", &out), 0);
  EXPECT_THAT(out, HasSubstr("Tampered by Beta"));
}

TEST_F(CliTest, BadInputRejectsTheWholeImport) {
  SetUpCommunity();
  std::string before, after, out;
  ASSERT_EQ(Sanad("--json status", &before, false), 0);
  // A good file followed by a bad one: nothing is written.
  EXPECT_EQ(Sanad("import " + Fixture("community_event.json") + " " + Fixture("bad_ip.json") +
                      " --as 'Alpha CERT'",
                  &out),
            1);
  EXPECT_THAT(out, HasSubstr("bad_ip.json: $.Event.Attribute[1].value"));
  EXPECT_THAT(out, HasSubstr("nothing was written"));
  ASSERT_EQ(Sanad("--json status", &after, false), 0);
  EXPECT_EQ(before, after);

  EXPECT_EQ(Sanad("import " + Fixture("malformed.json") + " --as 'Alpha CERT'", &out), 1);
  EXPECT_THAT(out, HasSubstr("malformed.json"));
  EXPECT_THAT(out, HasSubstr("line"));
  EXPECT_EQ(Sanad("import " + Fixture("community_event.json") + " --as 'Nobody'", &out), 1);
  EXPECT_THAT(out, HasSubstr("unknown organisation 'Nobody'"));
  EXPECT_EQ(Sanad("import /nonexistent/file.json --as 'Alpha CERT'", &out), 1);
  ASSERT_EQ(Sanad("--json status", &after, false), 0);
  EXPECT_EQ(before, after);
}

TEST_F(CliTest, MispRoundTripThroughExport) {
  SetUpCommunity();
  std::string out;
  ASSERT_EQ(Sanad("import " + Fixture("community_event.json") + " " + Fixture("group_event.json") +
                      " --as 'Alpha CERT'",
                  &out),
            0)
      << out;
  ASSERT_EQ(Sanad("export --as 'Alpha CERT' --format misp -o " + dir_.File("a.json"), &out), 0)
      << out;
  // A second node imports the export and exports it again: identical.
  std::string store2 = dir_.path() + "/store2";
  auto S2 = [&](const std::string& args, std::string* o) {
    return sanad::testing::RunSanad(store2, args, o, true);
  };
  ASSERT_EQ(S2("init", &out), 0);
  ASSERT_EQ(
      S2("-q org add 'Alpha CERT' --country MY --uuid aaaaaaaa-0000-4000-8000-000000000001", &out),
      0);
  ASSERT_EQ(S2("import " + dir_.File("a.json") + " --as 'Alpha CERT'", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("sharing groups created"));
  ASSERT_EQ(S2("export --as 'Alpha CERT' --format misp -o " + dir_.File("b.json"), &out), 0);
  EXPECT_EQ(ReadFile(dir_.File("a.json")), ReadFile(dir_.File("b.json")));
}

}  // namespace
}  // namespace sanad::testing

namespace sanad::testing {
namespace {

TEST(CliSharingGroupTest, OnlyMembersShareThroughAGroup) {
  TempDir dir;
  auto S = [&](const std::string& args, std::string* out) {
    return sanad::testing::RunSanad(dir.path(), args, out, true);
  };
  std::string out;
  ASSERT_EQ(S("-q init", &out), 0);
  ASSERT_EQ(
      S("-q org add 'Alpha CERT' --country MY --uuid aaaaaaaa-0000-4000-8000-000000000001", &out),
      0);
  ASSERT_EQ(S("-q org add 'Gamma Vendor' --country GB --kind industry --category commercial", &out),
            0);
  ASSERT_EQ(S("-q sharing-group add 'national CERTs only' --owner 'Alpha CERT' "
              "--uuid cccccccc-0000-4000-8000-000000000001",
              &out),
            0);
  // The vendor is not in the group: it cannot address the group's members.
  EXPECT_EQ(S("import " + TestData("cli/group_event.json") + " --as 'Gamma Vendor'", &out), 1);
  EXPECT_THAT(out, ::testing::HasSubstr("cannot share through it (not a member)"));
  // ... and the refusal does not reveal the group's name to a non-member.
  EXPECT_THAT(out, ::testing::Not(::testing::HasSubstr("national CERTs only")));
  EXPECT_EQ(S("import " + TestData("cli/group_event.json") + " --as 'Alpha CERT'", &out), 0) << out;
}

}  // namespace
}  // namespace sanad::testing

namespace sanad::testing {
namespace {

TEST(CliFeedTest, ImportsAMispFeedDirectory) {
  TempDir dir;
  auto S = [&](const std::string& args, std::string* out) {
    return sanad::testing::RunSanad(dir.path(), args, out, true);
  };
  std::string out;
  ASSERT_EQ(S("-q init", &out), 0);
  ASSERT_EQ(S("-q org add 'Beta CERT' --country ID", &out), 0);
  ASSERT_EQ(S("--json import " + TestData("cli/feed") + " --as 'Beta CERT'", &out), 0) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("\"files\":2"));
  EXPECT_THAT(out, ::testing::HasSubstr("\"events_created\":2"));
  // The creator is unknown here: recorded as an external organisation.
  EXPECT_THAT(out, ::testing::HasSubstr("Alpha CERT aaaaaaaa-0000-4000-8000-000000000001"));
  ASSERT_EQ(S("org show 'Alpha CERT'", &out), 0);
  EXPECT_THAT(out, ::testing::HasSubstr("external"));
  ASSERT_EQ(S("event list --as 'Beta CERT'", &out), 0);
  EXPECT_THAT(out, ::testing::HasSubstr("Second feed event"));
  // An external org cannot act.
  EXPECT_EQ(S("export --as 'Alpha CERT'", &out), 1);
  EXPECT_THAT(out, ::testing::HasSubstr("not an active member"));
}

}  // namespace
}  // namespace sanad::testing
