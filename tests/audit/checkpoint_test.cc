// Signed checkpoints of the audit log (issue 15, finding 6): the head is
// checked at its position, checkpoints signed with the node key survive a
// recomputed chain, and checkpoints kept by peers survive even a re-signed
// rewrite by the node's own operator.
#include "audit/checkpoint.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "audit/audit.h"
#include "audit/node_key.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::audit {
namespace {

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::NewStore(dir_.path());
    ASSERT_NE(store_, nullptr);
    actor_.name = "ana@alpha.example";
    actor_.org.id = 1;
    actor_.org.uuid = "aaaaaaaa-0000-4000-8000-000000000001";
    key_ = NodeKey::Generate();
    Write(5);
  }

  void Write(int n) {
    for (int i = 0; i < n; ++i, ++written_)
      ASSERT_TRUE(Record(store_.get(), actor_, "event.create", "event",
                         "e-" + std::to_string(written_), "owner", "d")
                      .ok());
  }

  std::string HeadFile() const { return dir_.path() + "/audit.head"; }

  VerifyOptions Options(const NodeKey& key) const {
    VerifyOptions o;
    o.head_file = HeadFile();
    o.node_public_key = key.public_key();
    return o;
  }

  VerifyResult VerifyAs(const NodeKey& key, std::vector<model::AuditCheckpoint> kept = {}) {
    VerifyOptions o = Options(key);
    o.kept = std::move(kept);
    auto r = VerifyWithCheckpoints(store_.get(), o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : VerifyResult{};
  }

  // What `sanad audit verify` does: verify, sign a checkpoint, record the head.
  model::AuditCheckpoint VerifyAndCheckpoint(const NodeKey& key) {
    VerifyResult r = VerifyAs(key);
    EXPECT_TRUE(r.ok) << r.problem;
    auto c = MakeCheckpoint(store_.get(), key, actor_, r);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    RecordHead();
    return c.ok() ? *c : model::AuditCheckpoint{};
  }

  void RecordHead() {
    auto last = store_->audit_log().LastAuditEntry();
    ASSERT_TRUE(last.ok());
    ASSERT_TRUE(WriteHeadFile(HeadFile(), last->seq, util::ToHex(last->hash)).ok());
  }

  std::vector<model::AuditEntry> Entries() {
    std::vector<model::AuditEntry> out;
    EXPECT_TRUE(store_
                    ->audit_log().ScanAuditEntries([&](const model::AuditEntry& e) {
                      out.push_back(e);
                      return true;
                    })
                    .ok());
    return out;
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
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  // The attack the unkeyed chain cannot show: edit entry `seq` and recompute
  // the hash of every entry from there on.
  void RewriteFrom(int64_t seq, const std::string& details) {
    std::vector<model::AuditEntry> all = Entries();
    std::string sql = "BEGIN;";
    std::string prev;
    for (auto& e : all) {
      if (e.seq == seq) e.details = details;
      if (e.seq >= seq) {
        e.prev_hash = prev;
        e.hash = ComputeHash(prev, e);
        sql += "UPDATE audit_log SET details = '" + e.details + "', prev_hash = x'" +
               util::ToHex(e.prev_hash) + "', hash = x'" + util::ToHex(e.hash) +
               "' WHERE seq = " + std::to_string(e.seq) + ";";
      }
      prev = e.hash;
    }
    Sql(sql + "COMMIT;");
  }

  static bool Mentions(const VerifyResult& r, const std::string& what) {
    for (const auto& p : r.problems)
      if (p.find(what) != std::string::npos) return true;
    return false;
  }
  static std::string All(const VerifyResult& r) {
    std::string s;
    for (const auto& p : r.problems) s += p + "\n";
    return s;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  policy::Actor actor_;
  NodeKey key_;
  int written_ = 0;
};

TEST_F(CheckpointTest, IntactLogWithCheckpointsVerifies) {
  model::AuditCheckpoint c = VerifyAndCheckpoint(key_);
  EXPECT_EQ(c.seq, 5);
  EXPECT_TRUE(CheckpointSignatureValid(c));
  // The checkpoint is recorded in the chain itself.
  auto last = store_->audit_log().LastAuditEntry();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->seq, 6);
  EXPECT_EQ(last->action, kCheckpointAction);
  // Verifying again with nothing new adds no checkpoint (nor entry).
  EXPECT_EQ(VerifyAndCheckpoint(key_).seq, 5);
  EXPECT_EQ(store_->audit_log().LastAuditEntry()->seq, 6);
  Write(3);
  EXPECT_EQ(VerifyAndCheckpoint(key_).seq, 9);
  VerifyResult r = VerifyAs(key_);
  EXPECT_TRUE(r.ok) << All(r);
  EXPECT_EQ(r.checkpoints, 2);
  EXPECT_EQ(r.entries, 10);
  // The plain Verify also checks the stored checkpoints.
  auto plain = Verify(store_.get());
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->ok) << plain->problem;
  EXPECT_EQ(plain->checkpoints, 2);
}

TEST_F(CheckpointTest, SignatureCoversEveryField) {
  model::AuditCheckpoint c = SignCheckpoint(key_, 5, std::string(32, 'h'), 1763600000);
  ASSERT_TRUE(CheckpointSignatureValid(c));
  auto bad = c;
  bad.seq = 4;
  EXPECT_FALSE(CheckpointSignatureValid(bad));
  bad = c;
  bad.time += 1;
  EXPECT_FALSE(CheckpointSignatureValid(bad));
  bad = c;
  bad.hash[0] = 'x';
  EXPECT_FALSE(CheckpointSignatureValid(bad));
  bad = c;
  bad.public_key = NodeKey::Generate().public_key();
  EXPECT_FALSE(CheckpointSignatureValid(bad));
  bad = c;
  bad.signature[10] ^= 1;
  EXPECT_FALSE(CheckpointSignatureValid(bad));
}

// Finding 6: audit.head used to be compared by entry count only, so deleting
// the last entry and then writing anything passed.
TEST_F(CheckpointTest, DeletedEntryFollowedByAWriteIsCaughtByTheHeadHash) {
  RecordHead();  // entry 5, no checkpoint yet
  Sql("DELETE FROM audit_log WHERE seq = 5");
  Write(1);  // a new entry 5, chained onto entry 4: the chain alone is intact
  auto chain_only = Verify(store_.get());
  ASSERT_TRUE(chain_only.ok());
  EXPECT_TRUE(chain_only->ok);
  VerifyResult r = VerifyAs(key_);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r, "audit.head says entry 5 has hash")) << All(r);
}

TEST_F(CheckpointTest, DeletedEntryFollowedByWritesIsCaughtByTheCheckpoint) {
  VerifyAndCheckpoint(key_);  // checkpoint of entry 5; entry 6 records it
  // Delete entries 5 and 6, write new ones in their place, and rewrite
  // audit.head to match: the chain and audit.head agree again.
  Sql("DELETE FROM audit_log WHERE seq >= 5");
  Write(4);
  RecordHead();
  VerifyResult r = VerifyAs(key_);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r, "the signed checkpoint of entry 5 says entry 5 has hash")) << All(r);
}

TEST_F(CheckpointTest, RecomputedChainIsCaughtByTheSignedCheckpoint) {
  VerifyAndCheckpoint(key_);
  Write(2);
  RewriteFrom(3, "nothing to see");
  // The chain itself is consistent again, and the attacker also rewrites
  // audit.head to the new head.
  RecordHead();
  VerifyResult r = VerifyAs(key_);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r, "the signed checkpoint of entry 5 says entry 5 has hash")) << All(r);
  EXPECT_TRUE(Mentions(r, "rewritten")) << All(r);

  // Signing a new checkpoint without the node key does not help: a
  // checkpoint by another key is reported, and a forged signature too.
  NodeKey other = NodeKey::Generate();
  auto head = store_->audit_log().LastAuditEntry();
  ASSERT_TRUE(head.ok());
  ASSERT_TRUE(store_->audit_log().AddAuditCheckpoint(SignCheckpoint(other, head->seq, head->hash, 1)).ok());
  r = VerifyAs(key_);
  EXPECT_TRUE(Mentions(r, "not by this node's key")) << All(r);
}

TEST_F(CheckpointTest, AlteredCheckpointRowIsCaught) {
  model::AuditCheckpoint c = VerifyAndCheckpoint(key_);
  Write(1);
  RewriteFrom(2, "forged");
  auto h = Entries()[4].hash;
  Sql("UPDATE audit_checkpoints SET hash = x'" + util::ToHex(h) + "'");
  RecordHead();
  VerifyResult r = VerifyAs(key_);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r, "no valid signature")) << All(r);
}

TEST_F(CheckpointTest, DeletedAuditHeadIsReportedWhenCheckpointsExist) {
  VerifyAndCheckpoint(key_);
  ASSERT_TRUE(std::filesystem::remove(HeadFile()));
  VerifyResult r = VerifyAs(key_);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r, "audit.head is missing")) << All(r);
  // ... and a rewrite behind a deleted audit.head is still caught.
  RewriteFrom(2, "forged");
  r = VerifyAs(key_);
  EXPECT_TRUE(Mentions(r, "the signed checkpoint of entry 5")) << All(r);
}

TEST_F(CheckpointTest, DeletedCheckpointsAreReported) {
  VerifyAndCheckpoint(key_);
  Sql("DELETE FROM audit_checkpoints");
  VerifyResult r = VerifyAs(key_);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r, "entry 6 records a signed checkpoint of entry 5 that is missing"))
      << All(r);
  Sql("DROP TABLE audit_checkpoints");
  r = VerifyAs(key_);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r, "the audit_checkpoints table was removed")) << All(r);
}

TEST_F(CheckpointTest, DeletedNodeKeyIsReportedWhenCheckpointsExist) {
  VerifyAndCheckpoint(key_);
  VerifyOptions o = Options(key_);
  o.node_public_key = "";  // node.key is gone
  auto r = VerifyWithCheckpoints(store_.get(), o);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok);
  EXPECT_TRUE(Mentions(*r, "node.key is missing")) << All(*r);
}

TEST_F(CheckpointTest, TruncationIsCaught) {
  VerifyAndCheckpoint(key_);  // checkpoint of 5, entry 6
  Write(2);
  VerifyAndCheckpoint(key_);  // checkpoint of 8, entry 9
  // Cut the tail and put audit.head back to the new end.
  Sql("DELETE FROM audit_log WHERE seq > 7");
  RecordHead();
  VerifyResult r = VerifyAs(key_);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r, "the log is shorter than the signed checkpoint of entry 8")) << All(r);
  // Cut below every checkpoint and delete audit.head: still caught.
  Sql("DELETE FROM audit_log WHERE seq > 3");
  ASSERT_TRUE(std::filesystem::remove(HeadFile()));
  r = VerifyAs(key_);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r, "the log is shorter than the signed checkpoint of entry 5")) << All(r);
  EXPECT_TRUE(Mentions(r, "audit.head is missing")) << All(r);
}

// The limit, and what covers it: whoever can write every file of the node
// (its operator) can delete all local evidence, or re-sign a rewritten
// chain with a fresh key. A checkpoint kept by a peer still catches it.
TEST_F(CheckpointTest, KeptCheckpointCatchesARewriteResignedWithAFreshKey) {
  model::AuditCheckpoint kept = VerifyAndCheckpoint(key_);
  Write(2);
  VerifyAndCheckpoint(key_);
  {
    VerifyResult r = VerifyAs(key_, {kept});
    EXPECT_TRUE(r.ok) << All(r);
    EXPECT_EQ(r.kept_checked, 1);
  }

  // The operator rewrites history, removes every local trace of the old
  // checkpoints, and signs fresh ones with a new key.
  RewriteFrom(2, "forged");
  Sql("DELETE FROM audit_checkpoints");
  std::vector<model::AuditEntry> all = Entries();
  // Drop the chain's own checkpoint records as well (entries 6 and 9) by
  // truncating to entry 5 and writing new entries on top.
  Sql("DELETE FROM audit_log WHERE seq > 5");
  ASSERT_TRUE(std::filesystem::remove(HeadFile()));
  Write(3);
  NodeKey fresh = NodeKey::Generate();
  VerifyResult local = VerifyAs(fresh);
  EXPECT_TRUE(local.ok) << All(local);  // nothing local is left to tell
  VerifyAndCheckpoint(fresh);
  EXPECT_TRUE(VerifyAs(fresh).ok);

  // The peer's copy tells.
  VerifyResult r = VerifyAs(fresh, {kept});
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r, "the kept checkpoint of entry 5")) << All(r);
  EXPECT_TRUE(Mentions(r, "rewritten")) << All(r);
  EXPECT_EQ(r.kept_checked, 0);

  // A kept checkpoint that was itself altered is refused, not trusted.
  model::AuditCheckpoint forged = kept;
  forged.hash = all[4].hash;
  r = VerifyAs(fresh, {forged});
  EXPECT_TRUE(Mentions(r, "has no valid signature")) << All(r);
}

TEST_F(CheckpointTest, KeptCheckpointCatchesTruncation) {
  Write(5);
  model::AuditCheckpoint kept = VerifyAndCheckpoint(key_);  // entry 10
  Sql("DELETE FROM audit_log WHERE seq > 7; DELETE FROM audit_checkpoints");
  ASSERT_TRUE(std::filesystem::remove(HeadFile()));
  VerifyResult r = VerifyAs(key_, {kept});
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r, "shorter than the kept checkpoint of entry 10")) << All(r);
}

TEST(NodeKeyTest, CreatedOnceWithMode0600AndReloaded) {
  testing::TempDir dir;
  const std::string path = NodeKeyPath(dir.path());
  EXPECT_EQ(LoadNodeKey(path).status().code(), Status::Code::kNotFound);
  auto k1 = LoadOrCreateNodeKey(path);
  ASSERT_TRUE(k1.ok()) << k1.status().ToString();
  EXPECT_EQ(k1->public_key().size(), 32u);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto k2 = LoadOrCreateNodeKey(path);
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(k2->public_key(), k1->public_key());
  std::string sig = k2->Sign("message");
  EXPECT_TRUE(VerifySignature(k1->public_key(), "message", sig));
  EXPECT_FALSE(VerifySignature(k1->public_key(), "messagE", sig));
  EXPECT_FALSE(VerifySignature(NodeKey::Generate().public_key(), "message", sig));
  // No leftover temporary files.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST(NodeKeyTest, RefusesAKeyOthersMayReadAndAMalformedFile) {
  testing::TempDir dir;
  const std::string path = NodeKeyPath(dir.path());
  ASSERT_TRUE(LoadOrCreateNodeKey(path).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  EXPECT_EQ(LoadNodeKey(path).status().code(), Status::Code::kPermission);
  EXPECT_EQ(LoadOrCreateNodeKey(path).status().code(), Status::Code::kPermission);
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  { std::ofstream(path, std::ios::trunc) << "sanad-node-key-v1 ed25519\nzz\n"; }
  EXPECT_EQ(LoadNodeKey(path).status().code(), Status::Code::kCorrupt);
}

}  // namespace
}  // namespace sanad::audit
