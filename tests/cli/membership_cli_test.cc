// End-to-end tests of `sanad membership ...`: an admission with two sponsors
// and a vote, the register, a chair decision, a suspension, the audiences an
// originator uses to keep an event from the commercial member, the TLP
// check, rules, and exit codes (0 ok, 1 failure, 2 usage).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

#include "test_util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace json = boost::json;

class MembershipCliTest : public ::testing::Test {
 protected:
  int Sanad(const std::string& args, std::string* out = nullptr, bool merge = true) {
    std::string o;
    int rc = RunSanad(dir_.path() + "/store", args, &o, merge);
    if (out) *out = o;
    return rc;
  }
  std::string JsonField(const std::string& args, const char* field) {
    std::string out;
    EXPECT_EQ(Sanad("--json " + args, &out, false), 0) << out;
    boost::system::error_code ec;
    json::value v = json::parse(out, ec);
    if (ec || !v.is_object() || !v.as_object().contains(field) ||
        !v.as_object().at(field).is_string()) {
      ADD_FAILURE() << "no " << field << " in " << out;
      return "";
    }
    return std::string(v.as_object().at(field).as_string());
  }

  void SetUp() override {
    ASSERT_EQ(Sanad("init"), 0);
    ASSERT_EQ(Sanad("-q org add 'MY-CERT' --country MY --chair"), 0);
    ASSERT_EQ(Sanad("-q org add 'ID-CSIRT' --country ID"), 0);
    ASSERT_EQ(Sanad("-q org add 'SA-CERT' --country SA"), 0);
    ASSERT_EQ(Sanad("-q org add 'TR-CERT' --country TR --category general"), 0);
    ASSERT_EQ(Sanad("-q org add 'GlobalSec' --country GB --kind industry --category commercial"),
              0);
    WriteFile(dir_.File("profile.json"),
              R"({"contacts": [{"type": "email", "value": "cert@cybershield.example"}],
                  "constituency": "CyberShield customers", "services": ["incident response"],
                  "public_keys": [{"type": "pgp", "fingerprint": "ABCD 1234"}]})");
  }

  TempDir dir_;
};

TEST_F(MembershipCliTest, AdmissionWithTwoSponsorsAndAVote) {
  std::string out;
  const std::string app = JsonField(
      "membership apply CyberShield --country DE --kind industry "
      "--category commercial --profile " +
          dir_.File("profile.json"),
      "uuid");
  ASSERT_FALSE(app.empty());
  // A General member may not sponsor a commercial applicant.
  EXPECT_EQ(Sanad("membership sponsor " + app + " --as TR-CERT", &out), 1);
  EXPECT_THAT(out, HasSubstr("sponsored by members of category full"));
  ASSERT_EQ(Sanad("membership sponsor " + app + " --as MY-CERT", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("1 of 2 sponsors, 1 of 2 countries -> awaiting-sponsors"));
  ASSERT_EQ(Sanad("membership sponsor " + app + " --as ID-CSIRT", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("-> voting"));
  const std::string vote = JsonField("membership show " + app, "vote_uuid");
  ASSERT_FALSE(vote.empty());
  EXPECT_EQ(Sanad("membership vote " + vote + " yes --as GlobalSec", &out), 1);
  EXPECT_EQ(Sanad("membership vote " + vote + " maybe --as MY-CERT", &out), 1);
  ASSERT_EQ(Sanad("membership vote " + vote + " yes --as MY-CERT", &out), 0) << out;
  ASSERT_EQ(Sanad("membership vote " + vote + " yes --as ID-CSIRT", &out), 0) << out;
  EXPECT_EQ(Sanad("membership votes close " + vote, &out), 1);  // SA-CERT has not voted
  // Issue #15: while the vote is open the refusal names nobody.
  EXPECT_THAT(out, HasSubstr("not every eligible member has voted"));
  for (const char* org : {"SA-CERT", "MY-CERT", "ID-CSIRT"}) EXPECT_THAT(out, Not(HasSubstr(org)));
  ASSERT_EQ(Sanad("membership vote " + vote + " no --as SA-CERT --comment 'surveillance'", &out),
            0);
  ASSERT_EQ(Sanad("membership votes close " + vote, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("passed"));
  EXPECT_THAT(out, HasSubstr("SA-CERT: no (surveillance)"));
  ASSERT_EQ(Sanad("org show CyberShield", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("commercial"));
  ASSERT_EQ(Sanad("membership register --as GlobalSec", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("MY-CERT, ID-CSIRT"));
  EXPECT_THAT(out, HasSubstr("admission by vote: CyberShield admitted"));
  // The register and the audit log agree.
  ASSERT_EQ(Sanad("audit list", &out), 0);
  EXPECT_THAT(out, HasSubstr("membership.ballot"));
  EXPECT_THAT(out, HasSubstr("membership.admit"));
  ASSERT_EQ(Sanad("audit verify", &out), 0) << out;
}

TEST_F(MembershipCliTest, ChairDecisionUsageAndPermissions) {
  std::string out;
  const std::string app = JsonField(
      "membership apply 'Energy CERT' --country AE --kind "
      "sector-cert --category professional --profile " +
          dir_.File("profile.json"),
      "uuid");
  ASSERT_FALSE(app.empty());
  EXPECT_EQ(Sanad("membership decide " + app + " --as MY-CERT", &out), 2);  // neither flag
  EXPECT_EQ(Sanad("membership applications --as GlobalSec", &out), 1);
  ASSERT_EQ(Sanad("membership sponsor " + app + " --as SA-CERT", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("awaiting-decision"));
  EXPECT_EQ(Sanad("membership decide " + app + " --accept --as SA-CERT", &out), 1);
  ASSERT_EQ(
      Sanad("membership decide " + app + " --reject --as MY-CERT --reason 'no constituency'", &out),
      0)
      << out;
  EXPECT_THAT(out, HasSubstr("rejected"));
  ASSERT_EQ(Sanad("membership applications", &out), 0);
  EXPECT_THAT(out, HasSubstr("rejected"));  // the record is kept
  // Bad profile: the error names the file and the JSON path.
  WriteFile(dir_.File("bad.json"), R"({"constituency": "x"})");
  EXPECT_EQ(Sanad("membership apply X --country DE --category affiliate --profile " +
                      dir_.File("bad.json"),
                  &out),
            1);
  EXPECT_THAT(out, HasSubstr("bad.json: profile $.contacts"));
}

TEST_F(MembershipCliTest, SuspensionAndAudiences) {
  std::string out;
  ASSERT_EQ(Sanad("membership audiences sync", &out), 0) << out;
  ASSERT_EQ(Sanad("membership audiences list", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("Audience: national CERTs"));
  // An event for national CERTs only: the commercial member does not see it.
  WriteFile(dir_.File("ev.json"), R"({"Event": {"uuid": "5f6b2a34-0c1e-4e8a-9a51-0000000000e1",
    "info": "kept from commercial members", "distribution": "4", "timestamp": "1700000000",
    "SharingGroup": {"name": "Audience: national CERTs"},
    "Tag": [{"name": "tlp:amber"}],
    "Attribute": [{"uuid": "5f6b2a34-0c1e-4e8a-9a51-0000000000a1", "type": "ip-dst",
      "category": "Network activity", "value": "203.0.113.7"}]}})");
  std::string sg_uuid;
  {
    std::string list;
    ASSERT_EQ(Sanad("--json sharing-group list", &list, false), 0);
    auto pos = list.find("Audience: national CERTs");
    ASSERT_NE(pos, std::string::npos);
    auto u = list.rfind("\"uuid\":\"", pos);
    ASSERT_NE(u, std::string::npos) << list;
    sg_uuid = list.substr(u + 8, 36);
  }
  std::string ev = ReadFile(dir_.File("ev.json"));
  ev.replace(ev.find("\"name\": \"Audience"), 0, "\"uuid\": \"" + sg_uuid + "\", ");
  WriteFile(dir_.File("ev.json"), ev);
  ASSERT_EQ(Sanad("import " + dir_.File("ev.json") + " --as SA-CERT", &out), 0) << out;
  ASSERT_EQ(Sanad("event list --as ID-CSIRT", &out), 0);
  EXPECT_THAT(out, HasSubstr("kept from commercial"));
  ASSERT_EQ(Sanad("event list --as GlobalSec", &out), 0);
  EXPECT_THAT(out, Not(HasSubstr("kept from commercial")));

  // TLP check on a file: RED to the whole community warns.
  WriteFile(dir_.File("red.json"), R"({"Event": {"uuid": "5f6b2a34-0c1e-4e8a-9a51-0000000000e2",
    "info": "red", "distribution": "1", "Tag": [{"name": "tlp:red"}]}})");
  ASSERT_EQ(Sanad("membership check-event " + dir_.File("red.json"), &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("WARNING event: TLP:RED is for named recipients only"));
  // ... and importing it warns the same way (the import still succeeds).
  ASSERT_EQ(Sanad("import " + dir_.File("red.json") + " --as SA-CERT", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("event 5f6b2a34-0c1e-4e8a-9a51-0000000000e2: TLP:RED is for named"));
  ASSERT_EQ(Sanad("membership check-event 5f6b2a34-0c1e-4e8a-9a51-0000000000e1 --as SA-CERT", &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("the audience fits the marking"));

  // Suspension by two-thirds of the Full members.
  EXPECT_EQ(Sanad("membership suspend GlobalSec --as TR-CERT --reason x", &out), 1);
  EXPECT_EQ(Sanad("membership suspend GlobalSec --as SA-CERT", &out), 2);  // --reason required
  const std::string vote = JsonField(
      "membership suspend GlobalSec --as SA-CERT --reason 'code of conduct' --closes 7d", "uuid");
  ASSERT_FALSE(vote.empty());
  for (const char* o : {"MY-CERT", "ID-CSIRT", "SA-CERT"})
    ASSERT_EQ(Sanad("membership vote " + vote + " yes --as " + o, &out), 0) << out;
  ASSERT_EQ(Sanad("membership votes close " + vote, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("passed"));
  EXPECT_EQ(Sanad("event list --as GlobalSec", &out), 1);
  EXPECT_THAT(out, HasSubstr("suspended"));
  EXPECT_EQ(Sanad("membership register --as GlobalSec", &out), 1);
  ASSERT_EQ(Sanad("membership register", &out), 0);
  EXPECT_THAT(out, HasSubstr("suspension by vote: GlobalSec suspended"));
}

TEST_F(MembershipCliTest, RulesChairAndBoard) {
  std::string out;
  ASSERT_EQ(Sanad("membership rules show", &out), 0);
  EXPECT_THAT(out, HasSubstr("\"distinct_countries\": 2"));
  WriteFile(dir_.File("rules.json"), R"({"board": {"seats": 2}})");
  EXPECT_EQ(Sanad("membership rules set " + dir_.File("rules.json") + " --as ID-CSIRT", &out), 1);
  ASSERT_EQ(Sanad("membership rules set " + dir_.File("rules.json") + " --as MY-CERT", &out), 0);
  EXPECT_THAT(out, HasSubstr("version 1"));
  WriteFile(dir_.File("bad.json"), R"({"board": {"seats": "two"}})");
  EXPECT_EQ(Sanad("membership rules set " + dir_.File("bad.json"), &out), 1);
  EXPECT_THAT(out, HasSubstr("$.board.seats"));
  EXPECT_EQ(Sanad("membership board elect MY-CERT ID-CSIRT SA-CERT --as MY-CERT", &out), 1);
  ASSERT_EQ(Sanad("membership board elect ID-CSIRT SA-CERT --as MY-CERT", &out), 0) << out;
  ASSERT_EQ(Sanad("membership chair SA-CERT --as MY-CERT", &out), 0) << out;
  ASSERT_EQ(Sanad("org list", &out), 0);
  ASSERT_EQ(Sanad("membership register", &out), 0);
  EXPECT_THAT(out, HasSubstr("member (chair)"));
  EXPECT_THAT(out, HasSubstr("member (board)"));
  EXPECT_THAT(out, HasSubstr("the chair passes from MY-CERT to SA-CERT"));
}

}  // namespace
}  // namespace sanad::testing
