// The membership routes end to end on a real server: admission of a
// commercial applicant (application, two sponsors from two countries, a vote,
// the register), role and visibility checks, a suspension that stops the
// suspended org's keys, and the TLP audience warnings (check-event and the
// event create response). Also the community routes' answers for issue #15:
// users and sharing groups of other organisations read like unusable input,
// and name length limits.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cctype>

#include "api/api.h"
#include "auth/auth.h"
#include "api_server.h"
#include "http_client.h"
#include "server/server.h"
#include "store/store.h"
#include "store_fixtures.h"
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
    EXPECT_TRUE(store_->community().AddOrg(&g).ok());
    return g;
  }

  std::string AddUser(const std::string& email, const model::Org& org, model::Role role) {
    model::User u;
    u.email = email;
    u.org_id = org.id;
    u.role = role;
    EXPECT_TRUE(store_->community().AddUser(&u).ok());
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
  EXPECT_FALSE(store_->community().FindOrg("Delta Vendor").ok());
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
  EXPECT_EQ(store_->community().FindOrg("Gamma Vendor")->status, model::OrgStatus::kSuspended);
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
  EXPECT_TRUE(store_->community().FindOrg("Beta CERT")->is_chair);
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

// ---- community routes (users, sharing groups): issue #15 ----

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// Finding 7: an org-admin adding a user with another organisation's e-mail
// got 409, confirming that the address exists elsewhere. Now the answer is
// the very one a malformed address gets and names no organisation; only the
// community's administrators get the precise conflict.
TEST_F(MembershipApiTest, AnotherOrgsUserReadsLikeAnUnusableAddress) {
  auto taken = Do("POST", beta_boss_, "/api/v1/users", R"({"email": "analyst@gamma.example"})");
  auto junk = Do("POST", beta_boss_, "/api/v1/users", R"({"email": "no-at-sign.example"})");
  EXPECT_EQ(taken.status, 400) << taken.body;
  EXPECT_EQ(junk.status, taken.status);
  EXPECT_EQ(Replace(taken.body, "analyst@gamma.example", "X"),
            Replace(junk.body, "no-at-sign.example", "X"));
  EXPECT_EQ(taken.body.find("Gamma"), std::string::npos) << taken.body;
  EXPECT_EQ(taken.body.find(gamma_.uuid), std::string::npos) << taken.body;
  EXPECT_EQ(taken.body.find("exists"), std::string::npos) << taken.body;
  // The org-admin's own users: it lists them anyway, a plain conflict.
  auto own = Do("POST", beta_boss_, "/api/v1/users", R"({"email": "analyst@beta.example"})");
  EXPECT_EQ(own.status, 409) << own.body;
  // The community's administrators get the precise answer.
  auto adm = Do("POST", admin_, "/api/v1/users",
                R"({"email": "analyst@gamma.example", "org": "Beta CERT"})");
  EXPECT_EQ(adm.status, 409) << adm.body;
  EXPECT_NE(adm.body.find("Gamma Vendor"), std::string::npos) << adm.body;
  // A free address works, and nothing was added by the refusals.
  EXPECT_EQ(Do("POST", beta_boss_, "/api/v1/users", R"({"email": "new@beta.example"})").status, 201);
  auto g = store_->community().FindUser("analyst@gamma.example");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->org_id, gamma_.id);
}

// Finding 7: creating a sharing group with the uuid of a hidden group gave
// 409. Now a hidden group's uuid reads like a malformed uuid (400, the same
// message); a group the caller belongs to is a plain 409.
TEST_F(MembershipApiTest, AHiddenSharingGroupUuidReadsLikeAnUnusableUuid) {
  const std::string uuid = "6f1c2a9e-3b7d-4c5e-9a1f-0b2c3d4e5f60";
  auto made = Do("POST", gamma_analyst_, "/api/v1/sharing_groups",
                 R"({"name": "Vendor circle", "uuid": ")" + uuid + R"("})");
  ASSERT_EQ(made.status, 201) << made.body;
  ASSERT_EQ(Do("GET", beta_analyst_, "/api/v1/sharing_groups/" + uuid).status, 404);
  auto hidden = Do("POST", beta_analyst_, "/api/v1/sharing_groups",
                   R"({"name": "Mine", "uuid": ")" + uuid + R"("})");
  auto junk = Do("POST", beta_analyst_, "/api/v1/sharing_groups",
                 R"({"name": "Mine", "uuid": "not-a-uuid"})");
  EXPECT_EQ(hidden.status, 400) << hidden.body;
  EXPECT_EQ(junk.status, hidden.status);
  EXPECT_EQ(Replace(hidden.body, uuid, "X"), Replace(junk.body, "not-a-uuid", "X"));
  EXPECT_EQ(hidden.body.find("Vendor circle"), std::string::npos) << hidden.body;
  // Upper case is the same uuid and the same answer.
  std::string upper = uuid;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto hidden_upper = Do("POST", beta_analyst_, "/api/v1/sharing_groups",
                         R"({"name": "Mine", "uuid": ")" + upper + R"("})");
  EXPECT_EQ(hidden_upper.status, 400) << hidden_upper.body;
  // The owner (a member) gets the plain conflict.
  EXPECT_EQ(Do("POST", gamma_analyst_, "/api/v1/sharing_groups",
               R"({"name": "Again", "uuid": ")" + uuid + R"("})")
                .status,
            409);
  EXPECT_EQ(Do("POST", beta_analyst_, "/api/v1/sharing_groups",
               R"({"name": "Mine", "uuid": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"})")
                .status,
            201);
}

// Names had no length limit (100,000 characters were accepted). Each limit
// is a 413 naming the field and the limit; names count characters, so a
// name in Arabic script gets as much room as one in Latin script.
TEST_F(MembershipApiTest, NameLengthLimits) {
  const std::string huge(100000, 'A');
  auto org = Do("POST", admin_, "/api/v1/orgs",
                R"({"name": ")" + huge + R"(", "country": "DE"})");
  EXPECT_EQ(org.status, 413);
  EXPECT_NE(org.body.find("$.name: 100000 characters, at most 256"), std::string::npos)
      << org.body.substr(0, 300);
  std::string arabic;
  for (int i = 0; i < 256; ++i) arabic += "\xd8\xb3";  // U+0633, 2 bytes each
  EXPECT_EQ(Do("POST", admin_, "/api/v1/orgs",
               R"({"name": ")" + arabic + R"(", "country": "SA"})")
                .status,
            201);
  EXPECT_EQ(Do("POST", admin_, "/api/v1/orgs",
               R"({"name": ")" + arabic + "\xd8\xb3" + R"(", "country": "SA"})")
                .status,
            413);
  auto desc = Do("POST", admin_, "/api/v1/orgs",
                 R"({"name": "Long CERT", "country": "DE", "description": ")" +
                     std::string(65537, 'd') + R"("})");
  EXPECT_EQ(desc.status, 413);
  EXPECT_NE(desc.body.find("$.description: 65537 bytes, at most 65536"), std::string::npos);

  std::string local(254 - std::string("@beta.example").size(), 'u');
  EXPECT_EQ(Do("POST", beta_boss_, "/api/v1/users",
               R"({"email": ")" + local + R"(@beta.example"})")
                .status,
            201);
  auto mail = Do("POST", beta_boss_, "/api/v1/users",
                 R"({"email": "u)" + local + R"(@beta.example"})");
  EXPECT_EQ(mail.status, 413);
  EXPECT_NE(mail.body.find("$.email: 255 bytes, at most 254"), std::string::npos) << mail.body;

  auto sg = Do("POST", beta_analyst_, "/api/v1/sharing_groups",
               R"({"name": ")" + std::string(257, 'g') + R"("})");
  EXPECT_EQ(sg.status, 413);
  EXPECT_NE(sg.body.find("$.name: 257 characters, at most 256"), std::string::npos) << sg.body;
  auto rel = Do("POST", beta_analyst_, "/api/v1/sharing_groups",
                R"({"name": "ok", "releasability": ")" + std::string(65537, 'r') + R"("})");
  EXPECT_EQ(rel.status, 413);
  EXPECT_NE(rel.body.find("$.releasability"), std::string::npos);
  EXPECT_EQ(Do("POST", beta_analyst_, "/api/v1/sharing_groups",
               R"({"name": ")" + std::string(256, 'g') + R"("})")
                .status,
            201);
  // A membership application becomes an organisation: the same name limit.
  std::string app = kApplication;
  app.replace(app.find("Delta Vendor"), 12, std::string(257, 'D'));
  auto ap = Do("POST", admin_, "/api/v1/membership/applications", app);
  EXPECT_EQ(ap.status, 413) << ap.body.substr(0, 300);
  EXPECT_NE(ap.body.find("name: 257 characters, at most 256"), std::string::npos);
}

}  // namespace
}  // namespace sanad::testing
