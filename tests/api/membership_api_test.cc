// The membership routes end to end on a real server: admission of a
// commercial applicant (application, two sponsors from two countries, a vote,
// the register), role and visibility checks, a suspension that stops the
// suspended org's keys, and the TLP audience warnings (check-event and the
// event create response).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/api.h"
#include "auth/auth.h"
#include "api_server.h"
#include "http_client.h"
#include "server/server.h"
#include "store/store.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::testing {
namespace {

namespace json = boost::json;

json::value Parse(const std::string& s) {
  boost::system::error_code ec;
  json::value v = json::parse(s, ec);
  EXPECT_FALSE(ec) << "not JSON: " << s.substr(0, 500);
  return ec ? json::value() : v;
}

class MembershipApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    util::Init();
    store_ = NewStore(dir_.path());
    ASSERT_NE(store_, nullptr);
    alpha_ = AddOrg("Alpha CERT", "MY", model::MembershipCategory::kFull, true);
    beta_ = AddOrg("Beta CERT", "ID", model::MembershipCategory::kFull, false);
    gamma_ = AddOrg("Gamma Vendor", "GB", model::MembershipCategory::kCommercial, false);
    admin_ = AddUser("admin@alpha.example", alpha_, model::Role::kAdmin);
    beta_boss_ = AddUser("boss@beta.example", beta_, model::Role::kOrgAdmin);
    beta_analyst_ = AddUser("analyst@beta.example", beta_, model::Role::kAnalyst);
    gamma_analyst_ = AddUser("analyst@gamma.example", gamma_, model::Role::kAnalyst);
    api::Options ao;
    ao.data_dir = dir_.path();
    Status st = StartApi(ao, &metrics_, &api_, &server_);
    ASSERT_TRUE(st.ok()) << st.ToString();
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  void TearDown() override {
    client_.reset();
    server_->Stop();
    server_->Wait();
  }

  model::Org AddOrg(const std::string& name, const std::string& cc, model::MembershipCategory c,
                    bool chair) {
    model::Org g;
    g.name = name;
    g.country = cc;
    g.category = c;
    g.kind = c == model::MembershipCategory::kCommercial ? model::OrgKind::kIndustry
                                                         : model::OrgKind::kNationalCert;
    g.is_chair = chair;
    EXPECT_TRUE(store_->AddOrg(&g).ok());
    return g;
  }

  std::string AddUser(const std::string& email, const model::Org& org, model::Role role) {
    model::User u;
    u.email = email;
    u.org_id = org.id;
    u.role = role;
    EXPECT_TRUE(store_->AddUser(&u).ok());
    auto k = auth::CreateApiKey(store_.get(), u.id, 0, false);
    EXPECT_TRUE(k.ok());
    return k->key;
  }

  HttpClient::Reply Do(const std::string& method, const std::string& key, const std::string& target,
                       const std::string& body = "") {
    return client_->Send(method, target, body, "Bearer " + key);
  }

  std::string Str(const json::value& v, std::initializer_list<const char*> path) {
    const json::value* cur = &v;
    for (const char* p : path) {
      if (!cur->is_object() || !cur->as_object().contains(p)) return "";
      cur = &cur->as_object().at(p);
    }
    return cur->is_string() ? std::string(cur->as_string()) : "";
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  server::Metrics metrics_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<HttpClient> client_;
  model::Org alpha_, beta_, gamma_;
  std::string admin_, beta_boss_, beta_analyst_, gamma_analyst_;
};

constexpr const char kApplication[] = R"({"name": "Delta Vendor", "country": "DE",
  "kind": "industry", "category": "commercial",
  "profile": {"contacts": [{"type": "email", "value": "cert@delta.example"}],
              "constituency": "Delta customers", "services": ["incident response"],
              "public_keys": [{"type": "pgp", "fingerprint": "AAAA BBBB"}]}})";

TEST_F(MembershipApiTest, AdmissionWithTwoSponsorsAndAVote) {
  const std::string base = "/api/v1/membership";
  // An analyst does not act for its organisation; an ordinary member does not
  // submit a newcomer's application.
  EXPECT_EQ(Do("POST", beta_analyst_, base + "/applications", kApplication).status, 403);
  EXPECT_EQ(Do("POST", beta_boss_, base + "/applications", kApplication).status, 403);
  auto bad = Do("POST", admin_, base + "/applications",
                R"({"name": "X", "country": "XX", "category": "commercial", "profile": {}})");
  EXPECT_EQ(bad.status, 400);
  auto r = Do("POST", admin_, base + "/applications", kApplication);
  ASSERT_EQ(r.status, 201) << r.body;
  json::value app = Parse(r.body);
  const std::string uuid = Str(app, {"uuid"});
  EXPECT_EQ(Str(app, {"status"}), "awaiting-sponsors");
  // Applications are for Full members and the chair.
  EXPECT_EQ(Do("GET", gamma_analyst_, base + "/applications/" + uuid).status, 403);
  EXPECT_EQ(Do("GET", beta_analyst_, base + "/applications/" + uuid).status, 200);

  r = Do("POST", admin_, base + "/applications/" + uuid + "/sponsors",
         R"({"statement": "we worked with Delta"})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = Do("POST", beta_boss_, base + "/applications/" + uuid + "/sponsors");
  ASSERT_EQ(r.status, 200) << r.body;
  app = Parse(r.body);
  EXPECT_EQ(Str(app, {"status"}), "voting");
  const std::string vote = Str(app, {"vote_uuid"});
  ASSERT_FALSE(vote.empty());

  auto b = Do("POST", admin_, base + "/votes/" + vote + "/ballots", R"({"choice": "perhaps"})");
  EXPECT_EQ(b.status, 400);
  EXPECT_NE(b.body.find("$.choice"), std::string::npos) << b.body;
  EXPECT_EQ(Do("POST", gamma_analyst_, base + "/votes/" + vote + "/ballots", R"({"choice": "yes"})")
                .status,
            403);
  ASSERT_EQ(Do("POST", admin_, base + "/votes/" + vote + "/ballots", R"({"choice": "yes"})").status,
            200);
  // Open: ballots are secret, and the vote cannot close before everyone voted.
  auto open = Do("GET", beta_analyst_, base + "/votes/" + vote);
  ASSERT_EQ(open.status, 200);
  EXPECT_FALSE(Parse(open.body).as_object().contains("ballots"));
  EXPECT_EQ(Do("POST", admin_, base + "/votes/" + vote + "/close").status, 409);
  ASSERT_EQ(Do("POST", beta_boss_, base + "/votes/" + vote + "/ballots",
               R"({"choice": "no", "comment": "surveillance tools"})")
                .status,
            200);
  auto closed = Do("POST", admin_, base + "/votes/" + vote + "/close");
  ASSERT_EQ(closed.status, 200) << closed.body;
  json::value cv = Parse(closed.body);
  EXPECT_EQ(Str(cv, {"status"}), "failed");  // 1 yes, 1 no: not more than half
  EXPECT_EQ(cv.at("ballots").as_array().size(), 2u);

  // The register, read by the commercial member, shows the decision and ballots.
  auto reg = Do("GET", gamma_analyst_, base + "/register");
  ASSERT_EQ(reg.status, 200) << reg.body;
  json::value rv = Parse(reg.body);
  ASSERT_EQ(rv.at("decisions").as_array().size(), 1u);
  EXPECT_EQ(Str(rv.at("decisions").as_array()[0], {"kind"}), "rejection");
  ASSERT_EQ(rv.at("votes").as_array().size(), 1u);
  EXPECT_NE(reg.body.find("surveillance tools"), std::string::npos);
  EXPECT_FALSE(store_->FindOrg("Delta Vendor").ok());
  // The rejected application keeps its record.
  auto kept = Do("GET", admin_, base + "/applications/" + uuid);
  ASSERT_EQ(kept.status, 200);
  EXPECT_EQ(Str(Parse(kept.body), {"status"}), "rejected");
}

TEST_F(MembershipApiTest, SuspensionStopsTheKeys) {
  const std::string base = "/api/v1/membership";
  ASSERT_EQ(Do("GET", gamma_analyst_, base + "/register").status, 200);
  auto m = Do("POST", beta_boss_, base + "/motions",
              R"({"kind": "suspension", "org": "Gamma Vendor", "reason": "code of conduct"})");
  ASSERT_EQ(m.status, 201) << m.body;
  const std::string vote = Str(Parse(m.body), {"uuid"});
  for (const auto* k : {&admin_, &beta_boss_})
    ASSERT_EQ(Do("POST", *k, base + "/votes/" + vote + "/ballots", R"({"choice": "yes"})").status,
              200);
  auto c = Do("POST", admin_, base + "/votes/" + vote + "/close");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(Str(Parse(c.body), {"status"}), "passed");
  EXPECT_EQ(store_->FindOrg("Gamma Vendor")->status, model::OrgStatus::kSuspended);
  auto denied = Do("GET", gamma_analyst_, base + "/register");
  EXPECT_EQ(denied.status, 401) << denied.body;
  EXPECT_EQ(Do("GET", gamma_analyst_, "/api/v1/events").status, 401);
}

TEST_F(MembershipApiTest, RulesAndBoardAndChair) {
  const std::string base = "/api/v1/membership";
  auto r = Do("GET", beta_analyst_, base + "/rules");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Parse(r.body).at("board").at("seats").as_int64(), 7);
  EXPECT_EQ(Do("PUT", beta_boss_, base + "/rules", R"({"board": {"seats": 5}})").status, 403);
  auto bad = Do("PUT", admin_, base + "/rules", R"({"board": {"seats": 0}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("$.board.seats"), std::string::npos) << bad.body;
  auto ok = Do("PUT", admin_, base + "/rules", R"({"board": {"seats": 5}})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Parse(ok.body).at("version").as_int64(), 1);
  auto board = Do("POST", admin_, base + "/board", R"({"seats": ["Alpha CERT", "Beta CERT"]})");
  ASSERT_EQ(board.status, 201) << board.body;
  auto chair = Do("POST", admin_, base + "/chair", R"({"org": "Beta CERT"})");
  ASSERT_EQ(chair.status, 200) << chair.body;
  EXPECT_TRUE(store_->FindOrg("Beta CERT")->is_chair);
}

TEST_F(MembershipApiTest, AudienceWarnings) {
  const std::string base = "/api/v1/membership";
  ASSERT_EQ(Do("POST", admin_, base + "/audiences/sync").status, 200);
  auto auds = Do("GET", beta_analyst_, base + "/audiences");
  ASSERT_EQ(auds.status, 200);
  EXPECT_NE(auds.body.find("Audience: national CERTs"), std::string::npos);
  const std::string red = R"({"Event": {"info": "red", "distribution": "1",
    "Tag": [{"name": "tlp:red"}],
    "Attribute": [{"type": "ip-dst", "category": "Network activity", "value": "203.0.113.9",
      "uuid": "5f6b2a34-0c1e-4e8a-9a51-00000000beef"}]}})";
  auto w = Do("POST", beta_analyst_, base + "/check-event", red);
  ASSERT_EQ(w.status, 200) << w.body;
  ASSERT_EQ(Parse(w.body).at("warnings").as_array().size(), 1u);
  auto created = Do("POST", beta_analyst_, "/api/v1/events", red);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_NE(created.body.find("audience: event: TLP:RED"), std::string::npos) << created.body;
  const std::string amber = R"({"Event": {"info": "a", "distribution": "1",
    "Tag": [{"name": "tlp:amber+strict"}]}})";
  auto none = Do("POST", beta_analyst_, base + "/check-event", amber);
  ASSERT_EQ(none.status, 200);
  EXPECT_TRUE(Parse(none.body).at("warnings").as_array().empty());
}

TEST_F(MembershipApiTest, CommunityDefaultDistributionForNewEvents) {
  const std::string base = "/api/v1/membership";
  ASSERT_EQ(
      Do("PUT", admin_, base + "/rules", R"({"default_distribution": "audience:national-certs"})")
          .status,
      200);
  ASSERT_EQ(Do("POST", admin_, base + "/audiences/sync").status, 200);
  const std::string ev = R"({"Event": {"info": "no distribution given",
    "Attribute": [{"type": "domain", "category": "Network activity", "value": "x.example",
      "uuid": "5f6b2a34-0c1e-4e8a-9a51-00000000cafe"}]}})";
  auto created = Do("POST", beta_analyst_, "/api/v1/events", ev);
  ASSERT_EQ(created.status, 201) << created.body;
  json::value v = Parse(created.body);
  EXPECT_EQ(json::serialize(v.at("Event").at("distribution")).find('4') != std::string::npos, true)
      << created.body;
  EXPECT_NE(created.body.find("Audience: national CERTs"), std::string::npos);
  // The commercial member does not see it.
  const std::string uuid = Str(v, {"Event", "uuid"});
  EXPECT_EQ(Do("GET", gamma_analyst_, "/api/v1/events/" + uuid).status, 404);
  EXPECT_EQ(Do("GET", admin_, "/api/v1/events/" + uuid).status, 200);
}

}  // namespace
}  // namespace sanad::testing
