// sanad incident ... and sanad rfa ... end to end: a report, a request with
// two offers (one accepted), tasks, an overdue clock, visibility between
// members, exit codes, and the exports (IODEF checked well-formed by Python's
// XML parser).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "test_util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace json = boost::json;

class IncidentCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Sanad("init"), 0) << out_;
    ASSERT_EQ(Sanad("-q org add \"Chair CERT\" --country MY --chair"), 0) << out_;
    for (const char* o : {"Victim CERT", "Helper CERT", "Other CERT", "Outsider CERT"})
      ASSERT_EQ(Sanad(std::string("-q org add \"") + o + "\" --country EG"), 0) << out_;
  }

  int Sanad(const std::string& args) { return RunSanad(dir_.path(), args, &out_, true); }
  json::value Json(const std::string& args) {
    int rc = RunSanad(dir_.path(), "--json " + args, &out_, false);
    EXPECT_EQ(rc, 0) << args << "\n" << out_;
    boost::system::error_code ec;
    json::value v = json::parse(out_, ec);
    EXPECT_FALSE(ec) << out_;
    return v;
  }
  static std::string S(const json::value& v) { return std::string(v.as_string()); }

  TempDir dir_;
  std::string out_;
};

TEST_F(IncidentCliTest, CoordinatedResponseEndToEnd) {
  // Reported 30 hours ago, high severity: acknowledgement (4h) is overdue.
  json::value rep = Json(
      "incident report --as \"Victim CERT\" --description \"DDoS on the payment gateway\" "
      "--class Availability --type DDoS --severity high --tlp amber --received 30h "
      "--indicator 203.0.113.9 --indicator domain:booter.example "
      "--attachment capture.pcap:" +
      std::string(64, 'b'));
  ASSERT_TRUE(rep.at("created").as_bool());
  std::string inc = S(rep.at("incident").at("uuid"));
  EXPECT_EQ(S(rep.at("incident").at("rsit").at("class")), "availability");
  EXPECT_EQ(S(rep.at("incident").at("coordinator").at("name")), "Chair CERT");

  ASSERT_EQ(Sanad("incident overdue --as \"Chair CERT\""), 0) << out_;
  EXPECT_THAT(out_, HasSubstr("acknowledge"));
  EXPECT_THAT(out_, HasSubstr(inc));
  ASSERT_EQ(Sanad("incident list --as \"Outsider CERT\""), 0);
  EXPECT_THAT(out_, HasSubstr("no incidents"));
  EXPECT_EQ(Sanad("incident show " + inc + " --as \"Outsider CERT\""), 1);
  EXPECT_THAT(out_, HasSubstr("not found"));

  // Exit codes: usage 2, refused 1.
  EXPECT_EQ(Sanad("incident status " + inc + " sleeping --as \"Chair CERT\""), 2);
  EXPECT_EQ(Sanad("incident status " + inc + " triage --as \"Victim CERT\""), 1);
  EXPECT_THAT(out_, HasSubstr("only the coordinator"));
  ASSERT_EQ(Sanad("incident status " + inc + " triage --as \"Chair CERT\""), 0) << out_;
  ASSERT_EQ(Sanad("incident status " + inc + " in-progress --as \"Victim CERT\""), 0) << out_;

  // A request for assistance to two named members; two offers, one accepted.
  json::value rfa = Json("rfa create " + inc +
                         " --kind blocking --description \"Block the booter at your IXPs\" "
                         "--org \"Helper CERT\" --org \"Other CERT\" --needed-by +1d "
                         "--as \"Victim CERT\"");
  std::string r = S(rfa.at("uuid"));
  ASSERT_EQ(Sanad("rfa list --as \"Outsider CERT\""), 0);
  EXPECT_THAT(out_, Not(HasSubstr(r)));
  ASSERT_EQ(Sanad("rfa list --open --as \"Helper CERT\""), 0);
  EXPECT_THAT(out_, HasSubstr(r));
  std::string o1 = S(Json("rfa offer " + r +
                          " --description \"Null-route at TR-IX\" --by +4h --as \"Helper CERT\"")
                         .at("uuid"));
  std::string o2 = S(
      Json("rfa offer " + r + " --description \"Upstream filter\" --as \"Other CERT\"").at("uuid"));
  ASSERT_EQ(Sanad("rfa show " + r + " --as \"Other CERT\""), 0);
  EXPECT_THAT(out_, HasSubstr(o2));
  EXPECT_THAT(out_, Not(HasSubstr(o1)));
  EXPECT_EQ(Sanad("rfa accept " + o1 + " --as \"Helper CERT\""), 1);
  ASSERT_EQ(Sanad("rfa accept " + o1 + " --as \"Victim CERT\""), 0) << out_;
  ASSERT_EQ(Sanad("rfa decline " + o2 + " --note \"covered\" --as \"Victim CERT\""), 0) << out_;
  ASSERT_EQ(Sanad("incident show " + inc + " --as \"Helper CERT\""), 0) << out_;
  EXPECT_THAT(out_, HasSubstr("helpers     Helper CERT"));
  EXPECT_EQ(Sanad("incident show " + inc + " --as \"Other CERT\""), 1);

  // Tasks with a work log; one overdue.
  std::string t1 =
      S(Json("incident task add " + inc +
             " --title \"Null-route 203.0.113.0/24\" --assignee-org \"Helper CERT\" --due +2h "
             "--as \"Victim CERT\"")
            .at("uuid"));
  ASSERT_EQ(Sanad("incident task add " + inc +
                  " --title \"Collect netflow\" --due 1h --as \"Victim CERT\""),
            0)
      << out_;
  ASSERT_EQ(Sanad("incident task log " + t1 + " \"route installed\" --as \"Helper CERT\""), 0)
      << out_;
  ASSERT_EQ(Sanad("incident task status " + t1 + " done --as \"Helper CERT\""), 0) << out_;
  ASSERT_EQ(Sanad("incident comment " + inc + " \"traffic down 80%\" --as \"Helper CERT\""), 0);
  json::value shown = Json("incident show " + inc + " --as \"Victim CERT\"");
  const auto& i = shown.at("incident").as_object();
  EXPECT_EQ(i.at("tasks").as_array().size(), 2u);
  EXPECT_TRUE(i.at("tasks").as_array()[1].at("overdue").as_bool());
  EXPECT_EQ(S(i.at("clocks").as_array()[0].at("state")), "breached");
  EXPECT_EQ(S(i.at("clocks").as_array()[1].at("state")), "met");
  EXPECT_GE(i.at("timeline").as_array().size(), 10u);
  ASSERT_EQ(Sanad("incident overdue --as \"Victim CERT\""), 0);
  EXPECT_THAT(out_, HasSubstr("1 task(s)"));

  // Exports: JSON and well-formed IODEF v2.
  std::string xml = dir_.File("incident.xml");
  ASSERT_EQ(Sanad("incident export " + inc + " --format iodef -o " + xml + " --as \"Helper CERT\""),
            0)
      << out_;
  std::string py;
  ASSERT_EQ(testing::Run("python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); "
                         "r = d.documentElement; print(r.tagName, r.getAttribute(\"version\"), "
                         "r.namespaceURI or r.getAttribute(\"xmlns\"), "
                         "d.getElementsByTagName(\"IncidentID\")[0].firstChild.data, "
                         "len(d.getElementsByTagName(\"Contact\")))' " +
                             xml,
                         &py, true),
            0)
      << py;
  EXPECT_THAT(py, HasSubstr("IODEF-Document 2.00 urn:ietf:params:xml:ns:iodef-2.0 " + inc));
  EXPECT_THAT(ReadFile(xml), HasSubstr("<Address category=\"ipv4-addr\">203.0.113.9</Address>"));
  EXPECT_THAT(ReadFile(xml), HasSubstr("<DomainData><Name>booter.example</Name>"));
  json::value exported = Json("incident export " + inc + " --format json --as \"Victim CERT\"");
  EXPECT_EQ(S(exported.at("incident").at("uuid")), inc);
  EXPECT_EQ(Sanad("incident export " + inc + " --format stix --as \"Victim CERT\""), 2);

  // Promote the indicators for the community; the outsider then sees them.
  json::value ev = Json("incident promote " + inc + " --distribution 1 --as \"Victim CERT\"");
  std::string ev_uuid = S(ev.at("event_uuid"));
  ASSERT_EQ(Sanad("event show " + ev_uuid + " --as \"Outsider CERT\""), 0) << out_;
  EXPECT_THAT(out_, HasSubstr("203.0.113.9"));
  ASSERT_EQ(Sanad("incident seen " + inc + " --as \"Victim CERT\""), 0) << out_;
  EXPECT_THAT(out_, HasSubstr("booter.example"));

  // Closing cascades; the audit chain still verifies.
  ASSERT_EQ(Sanad("incident status " + inc + " resolved --note \"mitigated\" --as \"Victim CERT\""),
            0);
  ASSERT_EQ(Sanad("incident status " + inc + " closed --as \"Chair CERT\""), 0) << out_;
  shown = Json("incident show " + inc + " --as \"Victim CERT\"");
  EXPECT_EQ(S(shown.at("incident").at("tasks").as_array()[1].at("status")), "cancelled");
  EXPECT_EQ(S(shown.at("incident").at("rfas").as_array()[0].at("status")), "closed");
  ASSERT_EQ(Sanad("audit verify"), 0) << out_;
  ASSERT_EQ(Sanad("incident responsiveness --as \"Chair CERT\""), 0) << out_;
  EXPECT_THAT(out_, HasSubstr("Helper CERT"));
  EXPECT_EQ(Sanad("incident responsiveness --as \"Victim CERT\""), 1);
}

TEST_F(IncidentCliTest, SlaTargetsAreCommunitySettings) {
  ASSERT_EQ(Sanad("incident sla show"), 0);
  EXPECT_THAT(out_, HasSubstr("critical"));
  EXPECT_EQ(Sanad("incident sla set medium acknowledge 2h --as \"Victim CERT\""), 1);
  ASSERT_EQ(Sanad("incident sla set medium acknowledge 2h --as \"Chair CERT\""), 0) << out_;
  EXPECT_EQ(Sanad("incident sla set medium acknowledge soon --as \"Chair CERT\""), 2);
  json::value sla = Json("incident sla show");
  EXPECT_EQ(sla.at("medium").at("acknowledge").as_int64(), 7200);
  Json("incident report --as \"Victim CERT\" --description x --received 3h");
  ASSERT_EQ(Sanad("incident overdue --as \"Chair CERT\""), 0);
  EXPECT_THAT(out_, HasSubstr("acknowledge"));
}

}  // namespace
}  // namespace sanad::testing
