#include "audit/audit.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::audit {
namespace {

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::NewStore(dir_.path());
    ASSERT_NE(store_, nullptr);
    actor_.name = "ana@alpha.example";
    actor_.org.id = 1;
    actor_.org.uuid = "aaaaaaaa-0000-4000-8000-000000000001";
    for (int i = 0; i < 5; ++i)
      ASSERT_TRUE(Record(store_.get(), actor_, "event.create", "event",
                         "e-" + std::to_string(i), "owner-" + std::to_string(i % 2), "d")
                      .ok());
  }

  // Tampers with the database behind the store's back, as an attacker with
  // file access would.
  void Sql(const std::string& sql) {
    store_.reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_.path() + "/sanad.db").c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
    sqlite3_close(db);
    auto s = store::Store::Open(dir_.path(), store::OpenOptions{});
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  policy::Actor actor_;
};

TEST_F(AuditTest, IntactChainVerifies) {
  auto r = Verify(store_.get());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok) << r->problem;
  EXPECT_EQ(r->entries, 5);
  EXPECT_EQ(r->head_hash.size(), 64u);
  int n = 0;
  ASSERT_TRUE(store_
                  ->audit_log().ScanAuditEntriesByOwner("owner-1",
                                            [&](const model::AuditEntry& e) {
                                              EXPECT_EQ(e.owner_org_uuid, "owner-1");
                                              ++n;
                                              return true;
                                            })
                  .ok());
  EXPECT_EQ(n, 2);
}

TEST_F(AuditTest, EditIsDetected) {
  Sql("UPDATE audit_log SET details = 'nothing to see' WHERE seq = 3");
  auto r = Verify(store_.get());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok);
  EXPECT_NE(r->problem.find("entry 3"), std::string::npos) << r->problem;
}

TEST_F(AuditTest, DeletionIsDetected) {
  Sql("DELETE FROM audit_log WHERE seq = 2");
  auto r = Verify(store_.get());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok);
  EXPECT_NE(r->problem.find("missing"), std::string::npos) << r->problem;
}

TEST_F(AuditTest, DeletionWithRenumberingIsDetected) {
  Sql("DELETE FROM audit_log WHERE seq = 2; UPDATE audit_log SET seq = seq - 1 WHERE seq > 2");
  auto r = Verify(store_.get());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok);
}

TEST_F(AuditTest, ReorderingIsDetected) {
  Sql("UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3;"
      "UPDATE audit_log SET seq = 3 WHERE seq = 100");
  auto r = Verify(store_.get());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok);
}

TEST_F(AuditTest, RecomputedHashWithoutTheChainIsDetected) {
  // An attacker who edits entry 4 and recomputes its own hash still breaks
  // the link from entry 5.
  model::AuditEntry e4;
  ASSERT_TRUE(store_
                  ->audit_log().ScanAuditEntries([&](const model::AuditEntry& e) {
                    if (e.seq == 4) e4 = e;
                    return true;
                  })
                  .ok());
  e4.details = "forged";
  std::string h = util::ToHex(ComputeHash(e4.prev_hash, e4));
  Sql("UPDATE audit_log SET details = 'forged', hash = x'" + h + "' WHERE seq = 4");
  auto r = Verify(store_.get());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok);
  EXPECT_NE(r->problem.find("entry 5"), std::string::npos) << r->problem;
}

TEST(AuditEncodingTest, FieldsAreUnambiguous) {
  model::AuditEntry a, b;
  a.actor = "x;1:y";
  b.actor = "x";
  b.org_uuid = "y";
  EXPECT_NE(CanonicalEncoding(a), CanonicalEncoding(b));
}

}  // namespace
}  // namespace sanad::audit
