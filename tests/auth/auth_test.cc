#include "auth/auth.h"

#include <gtest/gtest.h>

#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::auth {
namespace {

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::NewStore(dir_.path());
    ASSERT_NE(store_, nullptr);
    org_.name = "Alpha CERT";
    org_.country = "MY";
    ASSERT_TRUE(store_->community().AddOrg(&org_).ok());
    user_.email = "a@alpha.example";
    user_.org_id = org_.id;
    ASSERT_TRUE(store_->community().AddUser(&user_).ok());
  }
  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  model::Org org_;
  model::User user_;
};

TEST_F(AuthTest, KeysAreRandomHashedAndAuthenticate) {
  auto k = CreateApiKey(store_.get(), user_.id, 0, false);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->key.size(), 64u);
  EXPECT_NE(GenerateApiKey(), k->key);
  EXPECT_NE(k->record.hash, k->key);  // only the hash is stored
  EXPECT_EQ(k->record.hash, HashApiKey(k->key));
  auto p = Authenticate(store_.get(), k->key, util::Now());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->org.id, org_.id);
  EXPECT_EQ(p->user.email, "a@alpha.example");
  // A wrong key of the right length, a short key, and a flipped character.
  std::string wrong = k->key;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(Authenticate(store_.get(), wrong, util::Now()).status().code(),
            Status::Code::kPermission);
  EXPECT_FALSE(Authenticate(store_.get(), "short", util::Now()).ok());
}

TEST_F(AuthTest, ExpiredKeysAndInactiveOrgsAreRefused) {
  auto k = CreateApiKey(store_.get(), user_.id, 1000, false);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(Authenticate(store_.get(), k->key, 999).ok());
  EXPECT_FALSE(Authenticate(store_.get(), k->key, 1000).ok());
  auto k2 = CreateApiKey(store_.get(), user_.id, 0, true);
  ASSERT_TRUE(k2.ok());
  org_.status = model::OrgStatus::kSuspended;
  ASSERT_TRUE(store_->community().UpdateOrg(org_).ok());
  EXPECT_FALSE(Authenticate(store_.get(), k2->key, util::Now()).ok());
}

}  // namespace
}  // namespace sanad::auth
