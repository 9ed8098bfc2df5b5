// Event writes over REST that must never widen an audience, forge a creator
// or reveal hidden events (security findings 1, 3 and 7 of the probe):
//  - an update keeps every field its body does not give (distribution,
//    sharing group, tags, published, threat level, date; the same for each
//    attribute it names);
//  - a new event that names no distribution gets the community default,
//    organisation only unless the community chose otherwise;
//  - a member creates events only in its own name; administrators may import
//    on behalf of an external source, and the answer says so;
//  - uuid conflicts answer the same whether or not the caller may see the
//    event that holds the uuid, and never name it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/api.h"
#include "api_server.h"
#include "http_client.h"
#include "server/server.h"
#include "store/store.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace json = boost::json;

class EventWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    util::Init();
    store_ = NewStore(dir_.path());
    ASSERT_NE(store_, nullptr);
    orgs_ = AddOrgs(store_.get(), {"Alpha", "Beta"});
    ASSERT_EQ(orgs_.size(), 2u);
    alpha_ = AddUser("analyst@alpha.example", orgs_[0], model::Role::kAnalyst);
    alpha_admin_ = AddUser("admin@alpha.example", orgs_[0], model::Role::kOrgAdmin);
    beta_ = AddUser("analyst@beta.example", orgs_[1], model::Role::kAnalyst);
    api::Options ao;
    ao.data_dir = dir_.path();
    ao.rate.per_minute = 0;
    Status st = StartApi(ao, nullptr, &api_, &server_);
    ASSERT_TRUE(st.ok()) << st.ToString();
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  void TearDown() override {
    client_.reset();
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
  }

  std::string AddUser(const std::string& email, const model::Org& org, model::Role role) {
    std::string key = AddUserWithKey(store_.get(), email, org, role);
    EXPECT_FALSE(key.empty()) << email;
    return key;
  }

  HttpClient::Reply Send(const std::string& method, const std::string& target,
                         const std::string& key, const json::value& body = nullptr) {
    return client_->Send(method, target, body.is_null() ? "" : json::serialize(body),
                         "Bearer " + key);
  }

  static json::object EventOf(const HttpClient::Reply& r) {
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("Event")) {
      ADD_FAILURE() << "not an event: " << r.body;
      return {};
    }
    return v.at("Event").as_object();
  }

  // An organisation-only event of Alpha's marked TLP:RED, published, with
  // one organisation-only attribute carrying its own tag.
  std::string AddSecretEvent() {
    std::string uuid = util::NewUuid();
    json::object ev{
        {"uuid", uuid},
        {"info", "Alpha internal"},
        {"date", "2026-03-04"},
        {"distribution", "0"},
        {"threat_level_id", "1"},
        {"analysis", "2"},
        {"published", true},
        {"timestamp", "1700000000"},
        {"Tag", json::array{json::object{{"name", "tlp:red"}}}},
        {"Attribute",
         json::array{json::object{{"uuid", attr_uuid_ = util::NewUuid()},
                                  {"type", "ip-dst"},
                                  {"category", "Network activity"},
                                  {"value", "198.51.100.7"},
                                  {"to_ids", true},
                                  {"distribution", "0"},
                                  {"comment", "seen on the mail relay"},
                                  {"Tag", json::array{json::object{{"name", "pap:red"}}}}}}}};
    auto r = Send("POST", "/api/v1/events", alpha_, json::object{{"Event", ev}});
    EXPECT_EQ(r.status, 201) << r.body;
    return uuid;
  }

  void ExpectStillSecret(const std::string& uuid, const std::string& after) {
    SCOPED_TRACE(after);
    auto r = Send("GET", "/api/v1/events/" + uuid, alpha_);
    ASSERT_EQ(r.status, 200) << r.body;
    json::object ev = EventOf(r);
    EXPECT_EQ(ev["distribution"], json::value("0"));
    EXPECT_EQ(ev["threat_level_id"], json::value("1"));
    EXPECT_EQ(ev["analysis"], json::value("2"));
    EXPECT_EQ(ev["published"], json::value(true));
    EXPECT_EQ(ev["date"], json::value("2026-03-04"));
    EXPECT_THAT(json::serialize(ev["Tag"]), HasSubstr("tlp:red"));
    const auto& attrs = ev["Attribute"].as_array();
    ASSERT_EQ(attrs.size(), 1u);
    const auto& a = attrs[0].as_object();
    EXPECT_EQ(a.at("distribution"), json::value("0"));
    EXPECT_THAT(json::serialize(a.at("Tag")), HasSubstr("pap:red"));
    EXPECT_EQ(Send("GET", "/api/v1/events/" + uuid, beta_).status, 404)
        << "Beta reads Alpha's organisation-only event";
    EXPECT_EQ(Send("GET", "/api/v1/attributes/" + attr_uuid_, beta_).status, 404);
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<model::Org> orgs_;
  std::string alpha_, alpha_admin_, beta_, attr_uuid_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(EventWriteTest, PartialUpdateKeepsWhatItDoesNotName) {
  std::string uuid = AddSecretEvent();
  ExpectStillSecret(uuid, "created");
  // The probe's request: a typo fix that names nothing else.
  auto r = Send("PUT", "/api/v1/events/" + uuid, alpha_,
                json::object{{"Event", json::object{{"info", "Alpha internal (typo fixed)"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(EventOf(r)["info"], json::value("Alpha internal (typo fixed)"));
  ExpectStillSecret(uuid, "PUT with info only");
  // MISP's edit style, bare event object, with the attribute named partially.
  json::object bare{{"info", "edited again"},
                    {"Attribute", json::array{json::object{{"uuid", attr_uuid_},
                                                           {"type", "ip-dst"},
                                                           {"value", "198.51.100.7"},
                                                           {"comment", "new comment"}}}}};
  r = Send("POST", "/api/v1/events/" + uuid, alpha_, bare);
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectStillSecret(uuid, "POST with a partial attribute");
  EXPECT_THAT(r.body, HasSubstr("new comment"));
  // Naming the distribution does change it: that is the caller's choice.
  r = Send("PUT", "/api/v1/events/" + uuid, alpha_,
           json::object{{"Event", json::object{{"info", "now shared"}, {"distribution", "1"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Send("GET", "/api/v1/events/" + uuid, beta_).status, 200);
  // ... and the attribute's own organisation-only level still holds.
  EXPECT_EQ(Send("GET", "/api/v1/attributes/" + attr_uuid_, beta_).status, 404);
}

TEST_F(EventWriteTest, NewEventWithoutDistributionIsOrganisationOnlyByDefault) {
  auto r = Send("POST", "/api/v1/events", alpha_,
                json::object{{"Event", json::object{{"info", "no distribution named"}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  json::object ev = EventOf(r);
  EXPECT_EQ(ev["distribution"], json::value("0"));
  std::string uuid(ev["uuid"].as_string());
  EXPECT_EQ(Send("GET", "/api/v1/events/" + uuid, beta_).status, 404);
}

TEST_F(EventWriteTest, MembersCreateEventsOnlyInTheirOwnName) {
  // Alpha names Beta as the creator: refused, nothing written.
  std::string uuid = util::NewUuid();
  json::object forged{{"uuid", uuid},
                      {"info", "Beta says"},
                      {"distribution", "1"},
                      {"Orgc", json::object{{"uuid", orgs_[1].uuid}, {"name", orgs_[1].name}}}};
  for (const std::string* key : {&alpha_, &alpha_admin_}) {
    auto r = Send("POST", "/api/v1/events", *key, json::object{{"Event", forged}});
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_THAT(r.body, HasSubstr("another community member"));
  }
  EXPECT_EQ(Send("GET", "/api/v1/events/" + uuid, beta_).status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/events/" + uuid, alpha_).status, 404);
  // An external source: an analyst may not import on its behalf ...
  json::object external = forged;
  std::string ext_uuid = util::NewUuid();
  external["Orgc"] = json::object{{"uuid", ext_uuid}, {"name", "CIRCL"}};
  auto r = Send("POST", "/api/v1/events", alpha_, json::object{{"Event", external}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_THAT(r.body, HasSubstr("external source"));
  EXPECT_FALSE(store_->community().FindOrg(ext_uuid).ok()) << "a refused write created the external org";
  // ... an org-admin may, and the answer says so.
  r = Send("POST", "/api/v1/events", alpha_admin_, json::object{{"Event", external}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_THAT(r.body, HasSubstr("on behalf of external creator CIRCL"));
  EXPECT_EQ(EventOf(r)["Orgc"].as_object()["uuid"], json::value(ext_uuid));
  // Naming oneself is always fine.
  json::object own = forged;
  own["uuid"] = util::NewUuid();
  own["Orgc"] = json::object{{"uuid", orgs_[0].uuid}, {"name", orgs_[0].name}};
  EXPECT_EQ(Send("POST", "/api/v1/events", alpha_, json::object{{"Event", own}}).status, 201);
}

TEST_F(EventWriteTest, UuidConflictsDoNotRevealHiddenEvents) {
  std::string secret = AddSecretEvent();  // Alpha's, hidden from Beta
  // A visible event of Alpha's for comparison.
  std::string shared = util::NewUuid();
  ASSERT_EQ(Send("POST", "/api/v1/events", alpha_,
                 json::object{{"Event", json::object{{"uuid", shared},
                                                     {"info", "shared"},
                                                     {"distribution", "1"}}}})
                .status,
            201);
  auto message = [](const HttpClient::Reply& r, const std::string& uuid) {
    std::string m = r.body;
    for (size_t p = m.find(uuid); p != std::string::npos; p = m.find(uuid))
      m.replace(p, uuid.size(), "<uuid>");
    return std::to_string(r.status) + " " + m;
  };
  auto post = [&](const std::string& uuid) {
    return Send("POST", "/api/v1/events", beta_,
                json::object{{"Event", json::object{{"uuid", uuid}, {"info", "mine"}}}});
  };
  auto hidden = post(secret), visible = post(shared);
  EXPECT_EQ(hidden.status, 409);
  EXPECT_EQ(message(hidden, secret), message(visible, shared))
      << "a hidden event's uuid answers differently from a visible one's";
  // An attribute uuid of the hidden event: the conflict does not name the event.
  auto r = Send("POST", "/api/v1/events", beta_,
                json::object{{"Event", json::object{
                                           {"info", "reuse"},
                                           {"Attribute", json::array{json::object{
                                                             {"uuid", attr_uuid_},
                                                             {"type", "domain"},
                                                             {"value", "example.org"}}}}}}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_THAT(r.body, Not(HasSubstr(secret)));
  // Updating a hidden event is "not found", exactly as for a missing one.
  std::string missing = util::NewUuid();
  auto put_hidden = Send("PUT", "/api/v1/events/" + secret, beta_,
                         json::object{{"Event", json::object{{"info", "x"}}}});
  auto put_missing = Send("PUT", "/api/v1/events/" + missing, beta_,
                          json::object{{"Event", json::object{{"info", "x"}}}});
  EXPECT_EQ(message(put_hidden, secret), message(put_missing, missing));
}

}  // namespace
}  // namespace sanad::testing
