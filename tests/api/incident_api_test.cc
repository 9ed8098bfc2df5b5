// Incident routes in process (api::Api::Handle without a socket): the
// coordinated-response flow over REST, 404 for hidden incidents, requests and
// offers, role checks, error shape naming the body member, and exports.
// tests/api/api_test.cc checks these routes against the OpenAPI document.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/api.h"
#include "api/router.h"
#include "auth/auth.h"
#include "server/http.h"
#include "store/store.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
namespace json = boost::json;

class IncidentApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    util::Init();
    store_ = NewStore(dir_.path());
    ASSERT_NE(store_, nullptr);
    chair_ = Key(AddOrg("Chair CERT", true), "admin@chair.example", model::Role::kAdmin);
    victim_ = Key(AddOrg("Victim CERT", false), "a@victim.example", model::Role::kAnalyst);
    victim_reader_ = Key(FindOrg("Victim CERT"), "r@victim.example", model::Role::kReader);
    helper_ = Key(AddOrg("Helper CERT", false), "a@helper.example", model::Role::kAnalyst);
    other_ = Key(AddOrg("Other CERT", false), "a@other.example", model::Role::kAnalyst);
    api::Options ao;
    ao.data_dir = dir_.path();
    auto a = api::Api::Create(ao, nullptr);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    api_ = std::move(*a);
  }

  model::Org AddOrg(const std::string& name, bool chair) {
    model::Org g;
    g.name = name;
    g.country = "MY";
    g.is_chair = chair;
    EXPECT_TRUE(store_->community().AddOrg(&g).ok());
    return g;
  }
  model::Org FindOrg(const std::string& name) { return *store_->community().FindOrg(name); }
  std::string Key(const model::Org& org, const std::string& email, model::Role role) {
    model::User u;
    u.email = email;
    u.org_id = org.id;
    u.role = role;
    EXPECT_TRUE(store_->community().AddUser(&u).ok());
    auto k = auth::CreateApiKey(store_.get(), u.id, 0, false);
    EXPECT_TRUE(k.ok());
    return k->key;
  }

  struct Reply {
    int status = 0;
    std::string body, content_type;
    json::value Json() const {
      boost::system::error_code ec;
      json::value v = json::parse(body, ec);
      EXPECT_FALSE(ec) << body;
      return v;
    }
  };
  Reply Send(const std::string& method, const std::string& target, const std::string& key,
             const std::string& body = "") {
    server::Request q;
    q.method = method;
    q.target = target;
    EXPECT_TRUE(server::ParseTarget(target, &q.path, &q.query));
    q.headers.emplace_back("authorization", "Bearer " + key);
    if (!body.empty()) q.headers.emplace_back("content-type", "application/json");
    q.body = body;
    q.remote_ip = "127.0.0.1";
    q.request_id = "test";
    server::Response r;
    api_->Handle(q, &r);
    return {r.status, r.body, r.content_type};
  }
  static std::string S(const json::value& v) { return std::string(v.as_string()); }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Api> api_;
  std::string chair_, victim_, victim_reader_, helper_, other_;
};

TEST_F(IncidentApiTest, CoordinatedResponseOverRest) {
  auto r = Send("POST", "/api/v1/incidents", victim_,
                R"({"description": "Phishing kit impersonating the tax office",
                    "rsit_class": "fraud", "rsit_type": "phishing", "severity": "critical",
                    "tlp": "amber", "indicators": ["https://tax-refund.example/login",
                    {"type": "domain", "value": "tax-refund.example", "comment": "kit host"}]})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string inc = S(r.Json().at("incident").at("uuid"));
  EXPECT_EQ(S(r.Json().at("incident").at("coordinator").at("name")), "Chair CERT");

  // Hidden from non-parties exactly like an absent incident.
  auto hidden = Send("GET", "/api/v1/incidents/" + inc, helper_);
  auto absent = Send("GET", "/api/v1/incidents/" + util::NewUuid(), helper_);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(absent.status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/incidents", helper_).Json().at("count").as_int64(), 0);

  // Readers read but do not write.
  EXPECT_EQ(Send("GET", "/api/v1/incidents/" + inc, victim_reader_).status, 200);
  EXPECT_EQ(
      Send("POST", "/api/v1/incidents/" + inc + "/comments", victim_reader_, R"({"text": "x"})")
          .status,
      403);

  // Acknowledge (coordinator only), then ask the helper for a takedown.
  EXPECT_EQ(Send("POST", "/api/v1/incidents/" + inc + "/status", victim_, R"({"status": "triage"})")
                .status,
            403);
  ASSERT_EQ(Send("POST", "/api/v1/incidents/" + inc + "/status", chair_, R"({"status": "triage"})")
                .status,
            200);
  r = Send("POST", "/api/v1/rfas", victim_,
           R"({"incident_uuid": ")" + inc +
               R"(", "kind": "takedown", "description": "Take down the kit host",
               "audience": "orgs", "orgs": ["Helper CERT", "Other CERT"], "needed_by": "2030-01-01"})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string rfa = S(r.Json().at("uuid"));
  auto seen = Send("GET", "/api/v1/rfas/" + rfa, helper_);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_TRUE(seen.Json().at("incident_uuid").is_null());
  r = Send("POST", "/api/v1/rfas/" + rfa + "/offers", helper_,
           R"({"description": "Registrar contact", "by_when": "2030-01-01T12:00:00Z"})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string offer = S(r.Json().at("uuid"));
  ASSERT_EQ(
      Send("POST", "/api/v1/rfas/" + rfa + "/offers", other_, R"({"description": "We block it"})")
          .status,
      201);
  EXPECT_EQ(Send("POST", "/api/v1/offers/" + offer + "/accept", other_).status, 404);
  EXPECT_EQ(Send("POST", "/api/v1/offers/" + offer + "/accept", helper_).status, 403);
  r = Send("POST", "/api/v1/offers/" + offer + "/accept", victim_, R"({"note": "thanks"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(S(r.Json().at("status")), "accepted");
  ASSERT_EQ(Send("GET", "/api/v1/incidents/" + inc, helper_).status, 200);
  // Issue #15: the accepted helper does not learn from any read (view,
  // exports, the request's offers) that Other CERT offered help too; the
  // managers do.
  for (const char* path : {"", "/export?format=json", "/export?format=iodef"}) {
    auto h = Send("GET", "/api/v1/incidents/" + inc + path, helper_);
    ASSERT_EQ(h.status, 200) << path;
    EXPECT_THAT(h.body, ::testing::Not(HasSubstr("Other CERT"))) << path;
    EXPECT_THAT(h.body, ::testing::Not(HasSubstr("a@other.example"))) << path;
    EXPECT_THAT(h.body, HasSubstr("Helper CERT")) << path;
  }
  auto hr = Send("GET", "/api/v1/rfas/" + rfa, helper_);
  ASSERT_EQ(hr.status, 200);
  EXPECT_THAT(hr.body, ::testing::Not(HasSubstr("Other CERT")));
  auto vt = Send("GET", "/api/v1/incidents/" + inc, victim_);
  EXPECT_THAT(vt.body, HasSubstr("a@other.example"));

  // Tasks and their log.
  r = Send("POST", "/api/v1/incidents/" + inc + "/tasks", victim_,
           R"({"title": "Request takedown at registrar", "assignee_org": "Helper CERT",
               "due": "2030-01-02"})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string task = S(r.Json().at("uuid"));
  EXPECT_EQ(
      Send("POST", "/api/v1/tasks/" + task + "/log", helper_, R"({"text": "ticket 42"})").status,
      201);
  EXPECT_EQ(
      Send("POST", "/api/v1/tasks/" + task + "/status", helper_, R"({"status": "done"})").status,
      200);
  EXPECT_EQ(
      Send("POST", "/api/v1/tasks/" + task + "/status", other_, R"({"status": "done"})").status,
      404);

  // The full view and the exports.
  r = Send("GET", "/api/v1/incidents/" + inc, victim_);
  json::value v = r.Json();
  const auto& i = v.at("incident");
  EXPECT_EQ(i.at("indicators").as_array().size(), 2u);
  EXPECT_EQ(S(i.at("indicators").as_array()[0].at("type")), "url");
  EXPECT_EQ(i.at("rfas").as_array()[0].at("offers").as_array().size(), 2u);
  EXPECT_EQ(S(i.at("tasks").as_array()[0].at("status")), "done");
  r = Send("GET", "/api/v1/incidents/" + inc + "/export?format=iodef", helper_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/xml");
  EXPECT_THAT(r.body, HasSubstr("<Address category=\"site-uri\">https://tax-refund.example/login"));
  EXPECT_EQ(Send("GET", "/api/v1/incidents/" + inc + "/export?format=pdf", victim_).status, 400);

  // Promote into a community event.
  r = Send("POST", "/api/v1/incidents/" + inc + "/promote", victim_,
           R"({"distribution": 1, "info": "Tax-office phishing kit"})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string ev = S(r.Json().at("event_uuid"));
  EXPECT_EQ(Send("GET", "/api/v1/events/" + ev, other_).status, 200);
  r = Send("GET", "/api/v1/incidents/" + inc + "/seen", victim_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().at("indicators").as_array().size(), 2u);
}

TEST_F(IncidentApiTest, ErrorsNameTheMemberAndLifecycleConflictsAre409) {
  auto r = Send("POST", "/api/v1/incidents", victim_, R"({"description": 5})");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("description"));
  r = Send("POST", "/api/v1/incidents", victim_,
           R"({"description": "x", "indicators": [{"type": "ip-dst", "value": "999.1.1.1"}]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("indicators[0]"));
  r = Send("POST", "/api/v1/incidents", victim_, R"({"description": "x", "rsit_class": "spying"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("rsit_class"));
  r = Send("POST", "/api/v1/incidents", victim_, R"({"description": "x"})");
  ASSERT_EQ(r.status, 201);
  std::string inc = S(r.Json().at("incident").at("uuid"));
  r = Send("POST", "/api/v1/incidents/" + inc + "/status", chair_, R"({"status": "closed"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_THAT(r.body, HasSubstr("from new to closed"));
}

TEST_F(IncidentApiTest, SlaAndResponsivenessBelongToTheCommunityAdministrators) {
  auto r = Send("PUT", "/api/v1/incidents/sla", victim_,
                R"({"severity": "high", "clock": "acknowledge", "target": "2h"})");
  EXPECT_EQ(r.status, 403);
  r = Send("PUT", "/api/v1/incidents/sla", chair_,
           R"({"severity": "high", "clock": "acknowledge", "target": "2h"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().at("high").at("acknowledge").as_int64(), 7200);
  EXPECT_EQ(
      Send("GET", "/api/v1/incidents/sla", helper_).Json().at("high").at("acknowledge").as_int64(),
      7200);
  EXPECT_EQ(Send("GET", "/api/v1/incidents/responsiveness", victim_).status, 403);
  r = Send("GET", "/api/v1/incidents/responsiveness", chair_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().at("members").as_array().size(), 4u);
  ASSERT_EQ(Send("POST", "/api/v1/incidents", victim_,
                 R"({"description": "x", "severity": "high", "received": 1000})")
                .status,
            201);
  r = Send("GET", "/api/v1/incidents/overdue", victim_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().at("count").as_int64(), 1);
}

}  // namespace
}  // namespace sanad::testing
