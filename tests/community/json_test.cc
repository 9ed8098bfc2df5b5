// community/json.h: the JSON views of organisations, users, API keys and
// sharing groups, in both shapes; an API key view never holds the hash.
#include "community/json.h"

#include <gtest/gtest.h>

namespace sanad::community {
namespace {

namespace json = boost::json;

TEST(CommunityJson, OrgFields) {
  model::Org o;
  o.uuid = "5f0c0a9e-0000-4000-8000-000000000001";
  o.name = "CERT-X";
  o.country = "XX";
  o.is_chair = true;
  o.created = 0;
  json::object j = ToJson(o);
  EXPECT_EQ(j.at("uuid").as_string(), o.uuid);
  EXPECT_EQ(j.at("name").as_string(), "CERT-X");
  EXPECT_EQ(j.at("country").as_string(), "XX");
  EXPECT_TRUE(j.at("chair").as_bool());
  EXPECT_EQ(j.at("created").as_string(), "1970-01-01T00:00:00Z");
  EXPECT_EQ(json::serialize(ToJson(model::OrgRef{7, "u", "n"})), R"({"uuid":"u","name":"n"})");
}

TEST(CommunityJson, UserShapes) {
  model::User u;
  u.id = 42;
  u.email = "a@example.org";
  u.org_name = "CERT-X";
  u.role = model::Role::kAdmin;
  json::object api = ToJson(u);
  EXPECT_EQ(api.at("id").as_int64(), 42);
  EXPECT_EQ(api.at("email").as_string(), "a@example.org");
  EXPECT_EQ(api.at("org").as_string(), "CERT-X");
  EXPECT_EQ(api.at("role").as_string(), model::Name(model::Role::kAdmin));
  json::object cli = ToJson(u, Shape::kCli);
  EXPECT_FALSE(cli.contains("id"));
  EXPECT_EQ(cli.size(), api.size() - 1);
  EXPECT_EQ(cli.begin()->key(), "email");
}

TEST(CommunityJson, ApiKeyNeverShowsTheHash) {
  model::ApiKey k;
  k.id = 3;
  k.prefix = "abcdefgh";
  k.hash = "SECRET-HASH-BYTES";
  k.allowed_cidrs = "10.0.0.0/8, 192.0.2.1/32";
  json::object j = ToJson(k);
  EXPECT_FALSE(j.contains("hash"));
  std::string text = json::serialize(j);
  EXPECT_EQ(text.find("SECRET-HASH-BYTES"), std::string::npos) << text;
  EXPECT_EQ(j.at("prefix").as_string(), "abcdefgh");
  ASSERT_EQ(j.at("allowed_cidrs").as_array().size(), 2u);
  EXPECT_EQ(j.at("allowed_cidrs").as_array()[1].as_string(), "192.0.2.1/32");
  EXPECT_TRUE(j.at("expires").is_null());
}

TEST(CommunityJson, SharingGroupShapes) {
  model::SharingGroup g;
  g.uuid = "g";
  g.name = "Group";
  g.owner = {1, "o", "Owner"};
  g.members = {{1, "o", "Owner"}, {2, "m", "Member"}};
  json::object api = ToJson(g);
  EXPECT_EQ(api.at("owner").as_object().at("name").as_string(), "Owner");
  EXPECT_EQ(api.at("members").as_array().size(), 2u);
  EXPECT_TRUE(api.contains("created"));
  json::object cli = ToJson(g, Shape::kCli);
  EXPECT_EQ(cli.at("owner").as_string(), "Owner");
  EXPECT_FALSE(cli.contains("description"));
  EXPECT_EQ(json::serialize(cli.at("members").as_array()[1]), R"({"uuid":"m","name":"Member"})");
}

}  // namespace
}  // namespace sanad::community
