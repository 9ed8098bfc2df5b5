// The audit log end to end: writes and sensitive reads are recorded, the
// originator sees who accessed its items, and tampering is detected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>
#include <filesystem>

#include "audit/audit.h"
#include "store/store.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void Exec(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_close(db);
}

// Edits entry `seq` and recomputes the hash of every later entry, as an
// attacker with write access to the database would.
void RewriteChainFrom(const std::string& dir, int64_t seq, const std::string& details) {
  std::vector<model::AuditEntry> all;
  {
    auto s = store::Store::Open(dir, store::OpenOptions{});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE((*s)->audit_log().ScanAuditEntries([&](const model::AuditEntry& e) {
                      all.push_back(e);
                      return true;
                    })
                    .ok());
  }
  std::string sql = "BEGIN;", prev;
  for (auto& e : all) {
    if (e.seq == seq) e.details = details;
    if (e.seq >= seq) {
      e.prev_hash = prev;
      e.hash = audit::ComputeHash(prev, e);
      sql += "UPDATE audit_log SET details = '" + e.details + "', prev_hash = x'" +
             util::ToHex(e.prev_hash) + "', hash = x'" + util::ToHex(e.hash) +
             "' WHERE seq = " + std::to_string(e.seq) + ";";
    }
    prev = e.hash;
  }
  Exec(dir + "/sanad.db", sql + "COMMIT;");
}

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

// Issue 15, finding 6: audit.head used to be compared by entry count only,
// so deleting the last entry and then writing anything passed as intact.
TEST(AuditCliTest, DeletedEntryFollowedByAWriteIsCaught) {
  TempDir dir;
  auto S = [&](const std::string& args, std::string* out) {
    return sanad::testing::RunSanad(dir.path(), args, out, true);
  };
  std::string out;
  ASSERT_EQ(S("-q init", &out), 0);
  ASSERT_EQ(S("-q org add 'Alpha CERT' --country MY", &out), 0);
  ASSERT_EQ(S("-q org add 'Beta CERT' --country ID", &out), 0);
  ASSERT_EQ(S("audit verify", &out), 0) << out;
  Exec(dir.File("sanad.db"), "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)");
  ASSERT_EQ(S("-q org add 'Gamma CERT' --country EG", &out), 0);
  EXPECT_EQ(S("audit verify", &out), 1) << out;
  EXPECT_THAT(out, HasSubstr("TAMPERED"));
  EXPECT_THAT(out, HasSubstr("audit.head says entry"));
}

// Issue 15, finding 6: a signed checkpoint kept by another member catches a
// rewrite that the node's own operator re-signed with a fresh key.
TEST(AuditCliTest, CheckpointsAreSignedExportedAndCheckedByPeers) {
  TempDir dir;
  auto S = [&](const std::string& args, std::string* out) {
    return sanad::testing::RunSanad(dir.path(), args, out, true);
  };
  std::string out;
  ASSERT_EQ(S("-q init", &out), 0);
  ASSERT_EQ(S("-q org add 'Alpha CERT' --country MY", &out), 0);
  ASSERT_EQ(S("-q org add 'Beta CERT' --country ID", &out), 0);
  ASSERT_EQ(S("-q org add 'Gamma CERT' --country EG", &out), 0);

  // The first checkpoint creates the node key, mode 0600.
  ASSERT_EQ(S("audit checkpoint --json", &out), 0) << out;
  EXPECT_EQ(std::filesystem::status(dir.File("node.key")).permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  boost::json::value cp = boost::json::parse(out);
  EXPECT_EQ(cp.at("format").as_string(), "sanad-audit-checkpoint-v1");
  const int64_t n = cp.at("seq").as_int64();
  EXPECT_GE(n, 3);  // the three org.add entries at least
  const std::string entry_n = "entry " + std::to_string(n);
  EXPECT_EQ(cp.at("hash").as_string().size(), 64u);
  EXPECT_EQ(cp.at("public_key").as_string().size(), 64u);
  EXPECT_EQ(cp.at("signature").as_string().size(), 128u);
  // A peer keeps it.
  const std::string kept = dir.File("kept-by-beta.json");
  WriteFile(kept, out);

  ASSERT_EQ(S("-q org add 'Delta CERT' --country KE", &out), 0);
  ASSERT_EQ(S("audit verify --checkpoint " + kept, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("audit log intact"));
  EXPECT_THAT(out, HasSubstr("1 kept checkpoints match"));
  ASSERT_EQ(S("--json audit verify", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("\"ok\":true"));

  // A rewrite recomputing the whole chain is caught by the stored signed
  // checkpoint even when audit.head is removed.
  RewriteChainFrom(dir.path(), 2, "nothing to see");
  std::filesystem::remove(dir.File("audit.head"));
  EXPECT_EQ(S("audit verify", &out), 1);
  EXPECT_THAT(out, HasSubstr("TAMPERED"));
  EXPECT_THAT(out, HasSubstr("the signed checkpoint of " + entry_n));
  EXPECT_THAT(out, HasSubstr("audit.head is missing"));

  // The operator, holding every file, removes the checkpoints and the key
  // and re-signs: locally nothing is left to tell ...
  Exec(dir.File("sanad.db"), "DELETE FROM audit_checkpoints; DELETE FROM audit_log WHERE seq > " + std::to_string(n));
  std::filesystem::remove(dir.File("node.key"));
  ASSERT_EQ(S("audit verify", &out), 0) << out;
  ASSERT_EQ(S("--json audit checkpoint", &out), 0) << out;
  EXPECT_NE(boost::json::parse(out).at("public_key"), cp.at("public_key"));
  // ... but the checkpoint Beta kept does.
  EXPECT_EQ(S("audit verify --checkpoint " + kept, &out), 1);
  EXPECT_THAT(out, HasSubstr("the kept checkpoint of " + entry_n));
  EXPECT_THAT(out, HasSubstr("rewritten"));

  // A kept checkpoint that was altered is refused.
  std::string text = ReadFile(kept);
  const std::string seq_field = "\"seq\":" + std::to_string(n);
  ASSERT_NE(text.find(seq_field), std::string::npos) << text;
  text.replace(text.find(seq_field), seq_field.size(), "\"seq\":" + std::to_string(n - 1));
  WriteFile(kept, text);
  EXPECT_EQ(S("audit verify --checkpoint " + kept, &out), 1);
  EXPECT_THAT(out, HasSubstr("no valid signature"));
  WriteFile(kept, "{\"format\":\"something else\"}");
  EXPECT_EQ(S("audit verify --checkpoint " + kept, &out), 1);
  EXPECT_THAT(out, HasSubstr("not a sanad-audit-checkpoint-v1 checkpoint"));
}

}  // namespace
}  // namespace sanad::testing
