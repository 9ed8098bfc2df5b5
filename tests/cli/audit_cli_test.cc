// The audit log end to end: writes and sensitive reads are recorded, the
// originator sees who accessed its items, and tampering is detected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "test_util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(AuditCliTest, RecordsWritesAndSensitiveReadsAndDetectsTampering) {
  TempDir dir;
  auto S = [&](const std::string& args, std::string* out) {
    return sanad::testing::RunSanad(dir.path(), args, out, true);
  };
  std::string out;
  ASSERT_EQ(S("-q init", &out), 0);
  ASSERT_EQ(
      S("-q org add 'Alpha CERT' --country MY --uuid aaaaaaaa-0000-4000-8000-000000000001", &out),
      0);
  ASSERT_EQ(
      S("-q org add 'Beta CERT' --country ID --uuid bbbbbbbb-0000-4000-8000-000000000002", &out),
      0);
  ASSERT_EQ(S("-q org add 'Gamma CERT' --country EG", &out), 0);
  ASSERT_EQ(S("-q sharing-group add 'national CERTs only' --owner 'Alpha CERT' "
              "--uuid cccccccc-0000-4000-8000-000000000001 --org 'Beta CERT'",
              &out),
            0);
  // group_event.json is TLP:AMBER, community_event.json TLP:GREEN.
  ASSERT_EQ(S("import " + TestData("cli/group_event.json") + " " +
                  TestData("cli/community_event.json") + " --as 'Alpha CERT'",
              &out),
            0)
      << out;
  ASSERT_EQ(S("export --as 'Beta CERT' --format text", &out), 0);
  ASSERT_EQ(S("event show 11111111-1111-4111-8111-111111111111 --as 'Gamma CERT'", &out), 0);

  ASSERT_EQ(S("audit list", &out), 0);
  EXPECT_THAT(out, HasSubstr("org.add"));
  EXPECT_THAT(out, HasSubstr("event.create"));
  EXPECT_THAT(out, HasSubstr("read.export"));
  // The GREEN event read by Gamma is not a sensitive read.
  EXPECT_THAT(out, Not(HasSubstr("read.event.show")));

  // Alpha created both events: it sees Beta's read of the AMBER one.
  ASSERT_EQ(S("--json audit access --as 'Alpha CERT'", &out), 0);
  EXPECT_THAT(out, HasSubstr("\"action\":\"read.export\""));
  EXPECT_THAT(out, HasSubstr("\"org\":\"bbbbbbbb-0000-4000-8000-000000000002\""));
  EXPECT_THAT(out, HasSubstr("TLP:AMBER"));
  // Beta created nothing: it sees nothing about Alpha's items.
  ASSERT_EQ(S("--json audit access --as 'Beta CERT'", &out), 0);
  EXPECT_THAT(out, Not(HasSubstr("22222222-2222-4222-8222-222222222222")));

  ASSERT_EQ(S("audit verify", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("audit log intact"));

  // Hide Beta's read.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() + "/sanad.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DELETE FROM audit_log WHERE action = 'read.export'", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(S("audit verify", &out), 1);
  EXPECT_THAT(out, HasSubstr("TAMPERED"));
}

TEST(AuditCliTest, TruncatedTailIsCaughtByTheRecordedHead) {
  TempDir dir;
  auto S = [&](const std::string& args, std::string* out) {
    return sanad::testing::RunSanad(dir.path(), args, out, true);
  };
  std::string out;
  ASSERT_EQ(S("-q init", &out), 0);
  ASSERT_EQ(S("-q org add 'Alpha CERT' --country MY", &out), 0);
  ASSERT_EQ(S("-q org add 'Beta CERT' --country ID", &out), 0);
  ASSERT_EQ(S("audit verify", &out), 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() + "/sanad.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(S("audit verify", &out), 1);
  EXPECT_THAT(out, HasSubstr("shorter"));
}

}  // namespace
}  // namespace sanad::testing
