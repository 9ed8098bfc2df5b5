// End-to-end tests of `sanad org|user|sharing-group ...` input checks (issue
// #15): a key expiry in the past is refused like the API refuses it, and
// names have documented length limits (model::kMax*; docs/api.md "Limits").
// Exit codes: 0 ok, 1 failure, 2 usage.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "model/model.h"
#include "test_util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CommunityCliTest : public ::testing::Test {
 protected:
  int Sanad(const std::string& args, std::string* out = nullptr) {
    std::string o;
    int rc = RunSanad(dir_.path() + "/store", args, &o, true);
    if (out) *out = o;
    return rc;
  }
  void SetUp() override {
    ASSERT_EQ(Sanad("init"), 0);
    ASSERT_EQ(Sanad("-q org add 'Alpha CERT' --country MY --chair"), 0);
  }
  TempDir dir_;
};

TEST_F(CommunityCliTest, KeyExpiryInThePastIsAUsageError) {
  std::string out;
  // Before: exit 0 and an already expired key.
  EXPECT_EQ(Sanad("user add old@alpha.example --org 'Alpha CERT' --key-expires 2020-01-01", &out),
            2)
      << out;
  EXPECT_THAT(out, HasSubstr("--key-expires"));
  EXPECT_THAT(out, HasSubstr("already in the past"));
  EXPECT_THAT(out, Not(HasSubstr("API key")));
  ASSERT_EQ(Sanad("user list", &out), 0);
  EXPECT_THAT(out, Not(HasSubstr("old@alpha.example"))) << "nothing was added";
  EXPECT_EQ(Sanad("user add old@alpha.example --org 'Alpha CERT' --key-expires 1000", &out), 2)
      << out;  // Unix seconds, 1970
  EXPECT_EQ(Sanad("user add x@alpha.example --org 'Alpha CERT' --key-expires soon", &out), 2);
  EXPECT_THAT(out, HasSubstr("cannot read time"));
  // A future expiry works; so does no expiry.
  ASSERT_EQ(Sanad("user add new@alpha.example --org 'Alpha CERT' --key-expires 2999-01-01", &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("API key"));
  // `user new-key --expires` follows the same rule.
  EXPECT_EQ(Sanad("user new-key new@alpha.example --expires 2020-01-01", &out), 2) << out;
  EXPECT_THAT(out, HasSubstr("--expires"));
  EXPECT_THAT(out, HasSubstr("already in the past"));
  EXPECT_EQ(Sanad("user new-key new@alpha.example --expires 2999-01-01", &out), 0) << out;
  EXPECT_EQ(Sanad("user new-key new@alpha.example", &out), 0) << out;
}

TEST_F(CommunityCliTest, NamesHaveDocumentedLengthLimits) {
  std::string out;
  // Before: a 100,000-character organisation name was stored.
  const std::string huge(100000, 'A');
  EXPECT_EQ(Sanad("org add '" + huge + "' --country DE", &out), 1);
  EXPECT_THAT(out, HasSubstr("NAME: 100000 characters, at most 256"));
  EXPECT_EQ(Sanad("org add '" + std::string(257, 'b') + "' --country DE", &out), 1);
  EXPECT_EQ(Sanad("-q org add '" + std::string(256, 'b') + "' --country DE", &out), 0) << out;
  std::string arabic;  // 256 two-byte characters: within the limit
  for (size_t i = 0; i < model::kMaxOrgNameChars; ++i) arabic += "\xd8\xb3";
  EXPECT_EQ(Sanad("-q org add '" + arabic + "' --country SA", &out), 0) << out;
  EXPECT_EQ(Sanad("org add 'Desc CERT' --country DE --description '" + std::string(65537, 'd') +
                      "'",
                  &out),
            1);
  EXPECT_THAT(out, HasSubstr("--description: 65537 bytes, at most 65536"));

  const std::string domain = "@alpha.example";
  const std::string local(model::kMaxEmailBytes - domain.size(), 'u');
  EXPECT_EQ(Sanad("user add u" + local + domain + " --org 'Alpha CERT'", &out), 1);
  EXPECT_THAT(out, HasSubstr("EMAIL: 255 bytes, at most 254"));
  EXPECT_EQ(Sanad("-q user add " + local + domain + " --org 'Alpha CERT'", &out), 0) << out;

  EXPECT_EQ(Sanad("sharing-group add '" + std::string(257, 'g') + "' --owner 'Alpha CERT'", &out),
            1);
  EXPECT_THAT(out, HasSubstr("NAME: 257 characters, at most 256"));
  EXPECT_EQ(Sanad("sharing-group add circle --owner 'Alpha CERT' --releasability '" +
                      std::string(65537, 'r') + "'",
                  &out),
            1);
  EXPECT_THAT(out, HasSubstr("--releasability: 65537 bytes, at most 65536"));
  EXPECT_EQ(Sanad("-q sharing-group add '" + std::string(256, 'g') + "' --owner 'Alpha CERT'",
                  &out),
            0)
      << out;
  ASSERT_EQ(Sanad("sharing-group list", &out), 0);
  EXPECT_THAT(out, Not(HasSubstr(std::string(257, 'g'))));
}

}  // namespace
}  // namespace sanad::testing
