#include "util/util.h"

#include <gtest/gtest.h>

#include "util/status.h"

namespace sanad::util {
namespace {

TEST(UtilTest, Uuids) {
  std::string u = NewUuid();
  EXPECT_TRUE(IsUuid(u));
  EXPECT_EQ(u[14], '4');
  EXPECT_NE(NewUuid(), u);
  EXPECT_TRUE(IsUuid("5F6B2A34-0C1E-4E8A-9A51-000000000001"));
  EXPECT_FALSE(IsUuid("5f6b2a34-0c1e-4e8a-9a51-00000000000"));
  EXPECT_FALSE(IsUuid("5f6b2a34x0c1e-4e8a-9a51-000000000001"));
  EXPECT_FALSE(IsUuid("a"));
}

TEST(UtilTest, Iso8601) {
  int64_t t = 0;
  ASSERT_TRUE(ParseIso8601("1970-01-01", &t));
  EXPECT_EQ(t, 0);
  ASSERT_TRUE(ParseIso8601("2025-11-20T10:00:00Z", &t));
  EXPECT_EQ(t, 1763632800);
  ASSERT_TRUE(ParseIso8601("2025-11-20T12:00:00+02:00", &t));
  EXPECT_EQ(t, 1763632800);
  ASSERT_TRUE(ParseIso8601("2025-11-20T10:00:00.123456Z", &t));
  EXPECT_EQ(t, 1763632800);
  ASSERT_TRUE(ParseIso8601("2025-11-20 10:00", &t));
  EXPECT_EQ(t, 1763632800);
  EXPECT_FALSE(ParseIso8601("2025-13-01", &t));
  EXPECT_FALSE(ParseIso8601("2025-11-20T25:00", &t));
  EXPECT_FALSE(ParseIso8601("2025-11-20T10:00:00Q", &t));
  EXPECT_FALSE(ParseIso8601("20251120", &t));
  EXPECT_EQ(FormatIso8601(1763632800), "2025-11-20T10:00:00Z");
  EXPECT_EQ(FormatDate(1763632800), "2025-11-20");
}

TEST(UtilTest, HexAndHashing) {
  std::string bin;
  ASSERT_TRUE(FromHex("00ff10Ab", &bin));
  EXPECT_EQ(ToHex(bin), "00ff10ab");
  EXPECT_FALSE(FromHex("abc", &bin));
  EXPECT_FALSE(FromHex("zz", &bin));
  // BLAKE2b-256 of "" (RFC 7693 test vectors are for 512; this is libsodium's 256-bit output).
  EXPECT_EQ(ToHex(Blake2b256("")),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_NE(Blake2b256("a", "0123456789abcdef"), Blake2b256("a"));
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
  EXPECT_EQ(RandomBytes(32).size(), 32u);
}

int64_t FixedClock() { return 42; }

TEST(UtilTest, InjectableClock) {
  SetClockForTesting(&FixedClock);
  EXPECT_EQ(Now(), 42);
  SetClockForTesting(nullptr);
  EXPECT_GT(Now(), 1700000000);
}

TEST(StatusTest, CodesAndContext) {
  Status s = Status::Invalid("bad");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "invalid: bad");
  EXPECT_EQ(s.WithContext("f.json").message(), "f.json: bad");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
  StatusOr<int> v(7);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(*v, 7);
  StatusOr<int> e(Status::NotFound("x"));
  EXPECT_EQ(e.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace sanad::util
