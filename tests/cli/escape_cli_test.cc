// Issue 15, finding 10: names and titles other members chose are printed
// with their control characters escaped, so that "Evil\e[2K\rAlpha" cannot
// erase itself and display as "Alpha"; JSON output escapes them as JSON does.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// No byte that a terminal would act on: C0 controls (newline aside), DEL,
// the C1 CSI, and the right-to-left override U+202E.
::testing::AssertionResult NoRawControls(const std::string& out) {
  for (size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7f)
      return ::testing::AssertionFailure() << "raw control byte " << int(c) << " at " << i;
  }
  if (out.find("\xc2\x9b") != std::string::npos || out.find("\xe2\x80\xae") != std::string::npos)
    return ::testing::AssertionFailure() << "raw C1 or bidi control";
  return ::testing::AssertionSuccess();
}

TEST(EscapeCliTest, ControlCharactersInNamesAndTitlesAreShownEscaped) {
  TempDir dir;
  auto S = [&](const std::string& args, std::string* out) {
    return RunSanad(dir.path(), args, out, true);
  };
  std::string out;
  ASSERT_EQ(S("-q init", &out), 0) << out;
  ASSERT_EQ(
      S("-q org add 'Alpha CERT' --country MY --uuid aaaaaaaa-0000-4000-8000-000000000001", &out),
      0)
      << out;
  // An organisation whose name erases the line and prints a trusted name.
  ASSERT_EQ(S("org add 'Evil\x1b[2K\rBeta CERT' --country ID", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("Evil\\x1b[2K\\x0dBeta CERT"));
  EXPECT_TRUE(NoRawControls(out)) << out;

  const std::string event = R"({"Event": {
    "uuid": "eeeeeeee-1111-4111-8111-111111111111",
    "info": "Evil\u001b[2K\rAlpha report \u202eexe.pdf",
    "date": "2025-11-20", "threat_level_id": "2", "analysis": "1", "published": true,
    "timestamp": "1763600000", "distribution": "1",
    "Orgc": {"uuid": "aaaaaaaa-0000-4000-8000-000000000001", "name": "Alpha CERT"},
    "Attribute": [{"uuid": "eeeeeeee-0000-4000-8000-000000000001", "type": "ip-dst",
                   "category": "Network activity", "value": "203.0.113.9", "to_ids": true,
                   "timestamp": "1763600000"}]}})";
  WriteFile(dir.File("event.json"), event);
  ASSERT_EQ(S("import " + dir.File("event.json") + " --as 'Alpha CERT'", &out), 0) << out;

  ASSERT_EQ(S("org list", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("Evil\\x1b[2K\\x0dBeta CERT"));
  EXPECT_TRUE(NoRawControls(out)) << out;

  ASSERT_EQ(S("org show 'Evil\x1b[2K\rBeta CERT'", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("Evil\\x1b[2K\\x0dBeta CERT"));
  EXPECT_TRUE(NoRawControls(out)) << out;

  ASSERT_EQ(S("event list --as 'Alpha CERT'", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("Evil\\x1b[2K\\x0dAlpha report \\u202eexe.pdf"));
  EXPECT_TRUE(NoRawControls(out)) << out;

  ASSERT_EQ(S("event show eeeeeeee-1111-4111-8111-111111111111 --as 'Alpha CERT'", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("info      Evil\\x1b[2K\\x0dAlpha report \\u202eexe.pdf"));
  EXPECT_TRUE(NoRawControls(out)) << out;

  // Errors quoting a name are escaped too.
  EXPECT_NE(S("org show 'Nobody\x1b[2K\rAlpha CERT'", &out), 0);
  EXPECT_THAT(out, HasSubstr("Nobody\\x1b[2K\\x0dAlpha CERT"));
  EXPECT_TRUE(NoRawControls(out)) << out;

  // JSON escapes control characters as JSON does (and keeps the text exact).
  ASSERT_EQ(S("--json event list --as 'Alpha CERT'", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("Evil\\u001b[2K\\rAlpha report"));
  EXPECT_THAT(out, Not(HasSubstr("\x1b")));
  ASSERT_EQ(S("--json org list", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("Evil\\u001b[2K\\rBeta CERT"));
  EXPECT_THAT(out, Not(HasSubstr("\x1b")));
}

}  // namespace
}  // namespace sanad::testing
