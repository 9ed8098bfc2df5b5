// The event service (event/event.h): create, update, publish and delete with
// the holder rule, the update timestamp rule, readers refused, and one audit
// record per operation in the same transaction.
#include "event/event.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/actor.h"
#include "store/store.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::event {
namespace {

using testing::AddOrgs;
using testing::NewAttribute;
using testing::NewStore;

class EventServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    util::Init();
    store_ = NewStore(dir_.path());
    ASSERT_NE(store_, nullptr);
    orgs_ = AddOrgs(store_.get(), {"Alpha", "Beta"});
    ASSERT_EQ(orgs_.size(), 2u);
    alpha_ = ActorOf(orgs_[0], "analyst@alpha.example", model::Role::kAnalyst);
    beta_ = ActorOf(orgs_[1], "analyst@beta.example", model::Role::kAnalyst);
    reader_ = ActorOf(orgs_[0], "reader@alpha.example", model::Role::kReader);
  }

  policy::Actor ActorOf(const model::Org& org, const std::string& email, model::Role role) {
    policy::Actor a;
    a.name = email;
    a.user.id = 1;
    a.user.email = email;
    a.user.role = role;
    a.org = org;
    auto v = store_->community().ViewerFor(org.id);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    if (v.ok()) a.viewer = *v;
    a.creators = policy::CreatorsFor(role);
    return a;
  }

  // A community-wide event created by Alpha, naming Alpha as creator.
  model::Event NewEvent(const std::string& uuid, model::Timestamp ts = 1000) {
    model::Event ev;
    ev.uuid = uuid;
    ev.info = "phishing wave";
    ev.date = "2026-01-02";
    ev.timestamp = ts;
    ev.distribution = model::Distribution::kCommunity;
    ev.orgc = {orgs_[0].id, orgs_[0].uuid, orgs_[0].name};
    ev.attributes.push_back(NewAttribute("domain", "evil.example", true, ts));
    return ev;
  }

  std::vector<std::string> AuditActions() {
    std::vector<std::string> out;
    Status st = store_->audit_log().ScanAuditEntries([&](const model::AuditEntry& e) {
      out.push_back(e.action + " " + e.object_uuid);
      return true;
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<model::Org> orgs_;
  policy::Actor alpha_, beta_, reader_;
  const std::string kUuid = "7b0e6f1e-8f2a-4c55-9a4e-0c1d2e3f4a5b";
};

TEST_F(EventServiceTest, CreateHoldsTheEventForTheActorAndAudits) {
  auto w = Create(store_.get(), alpha_, NewEvent(kUuid));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->event.org.id, orgs_[0].id);
  auto ev = store_->events().GetEvent(alpha_.viewer, kUuid);
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->attributes.size(), 1u);
  EXPECT_EQ(AuditActions(), std::vector<std::string>{"event.create " + kUuid});
}

TEST_F(EventServiceTest, CreateRefusesATakenUuidWithoutNamingTheHolder) {
  ASSERT_TRUE(Create(store_.get(), alpha_, NewEvent(kUuid)).ok());
  WriteOptions o;
  o.conflict_hint = "update it instead";
  auto again = Create(store_.get(), beta_, NewEvent(kUuid), o);
  ASSERT_EQ(again.status().code(), Status::Code::kConflict);
  EXPECT_EQ(again.status().message(),
            "event uuid " + kUuid + " is already in use on this node; update it instead");
  EXPECT_EQ(again.status().message().find("Alpha"), std::string::npos);
}

TEST_F(EventServiceTest, ReadersWriteNothing) {
  auto c = Create(store_.get(), reader_, NewEvent(kUuid));
  ASSERT_EQ(c.status().code(), Status::Code::kPermission);
  EXPECT_EQ(c.status().message(), "readers cannot add events");
  ASSERT_TRUE(Create(store_.get(), alpha_, NewEvent(kUuid)).ok());
  EXPECT_EQ(Update(store_.get(), reader_, kUuid, NewEvent(kUuid, 2000)).status().message(),
            "readers cannot change events");
  EXPECT_EQ(Publish(store_.get(), reader_, kUuid).status().message(),
            "readers cannot publish events");
  EXPECT_EQ(Delete(store_.get(), reader_, kUuid).status().message(),
            "readers cannot delete events");
  EXPECT_EQ(AuditActions().size(), 1u);
}

TEST_F(EventServiceTest, OnlyTheHolderChangesPublishesOrDeletes) {
  ASSERT_TRUE(Create(store_.get(), alpha_, NewEvent(kUuid)).ok());
  auto u = Update(store_.get(), beta_, kUuid, NewEvent(kUuid, 2000));
  ASSERT_EQ(u.status().code(), Status::Code::kPermission);
  EXPECT_EQ(u.status().message(),
            "event " + kUuid + " is held by Alpha; only its holder changes it");
  auto p = Publish(store_.get(), beta_, kUuid);
  ASSERT_EQ(p.status().code(), Status::Code::kPermission);
  EXPECT_EQ(p.status().message(),
            "event " + kUuid + " is held by Alpha; only its holder publishes it");
  auto d = Delete(store_.get(), beta_, kUuid);
  ASSERT_EQ(d.status().code(), Status::Code::kPermission);
  EXPECT_EQ(d.status().message(),
            "event " + kUuid + " is held by Alpha; only its holder deletes it");
  // Nothing changed, nothing recorded.
  auto ev = store_->events().GetEvent(alpha_.viewer, kUuid);
  ASSERT_TRUE(ev.ok());
  EXPECT_FALSE(ev->published);
  EXPECT_EQ(ev->timestamp, 1000);
  EXPECT_EQ(AuditActions().size(), 1u);
}

TEST_F(EventServiceTest, AHiddenEventReadsAsAbsent) {
  model::Event ev = NewEvent(kUuid);
  ev.distribution = model::Distribution::kOrganisation;
  ASSERT_TRUE(Create(store_.get(), alpha_, ev).ok());
  EXPECT_EQ(Publish(store_.get(), beta_, kUuid).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(Delete(store_.get(), beta_, kUuid).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(Update(store_.get(), beta_, kUuid, NewEvent(kUuid, 2000)).status().code(),
            Status::Code::kNotFound);
}

TEST_F(EventServiceTest, UpdateTimestampRule) {
  ASSERT_TRUE(Create(store_.get(), alpha_, NewEvent(kUuid, 1000)).ok());
  // Not newer than the stored one: a conflict.
  auto same = Update(store_.get(), alpha_, kUuid, NewEvent(kUuid, 1000));
  ASSERT_EQ(same.status().code(), Status::Code::kConflict);
  EXPECT_EQ(same.status().message(), "event timestamp 1000 is not newer than the stored 1000");
  // Newer: applied.
  model::Event next = NewEvent(kUuid, 1500);
  next.info = "phishing wave (updated)";
  auto w = Update(store_.get(), alpha_, kUuid, next);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->event.timestamp, 1500);
  // None given: now (which is later than the stored one).
  model::Event untimed = NewEvent(kUuid, 0);
  untimed.info = "phishing wave (again)";
  auto w2 = Update(store_.get(), alpha_, kUuid, untimed);
  ASSERT_TRUE(w2.ok()) << w2.status().ToString();
  EXPECT_GE(w2->event.timestamp, util::Now() - 60);
  auto ev = store_->events().GetEvent(alpha_.viewer, kUuid);
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->info, "phishing wave (again)");
  EXPECT_EQ(AuditActions(), (std::vector<std::string>{"event.create " + kUuid,
                                                      "event.update " + kUuid,
                                                      "event.update " + kUuid}));
}

TEST_F(EventServiceTest, PublishAndDelete) {
  ASSERT_TRUE(Create(store_.get(), alpha_, NewEvent(kUuid, 1000)).ok());
  auto p = Publish(store_.get(), alpha_, kUuid);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->published);
  EXPECT_GT(p->publish_timestamp, 0);
  EXPECT_GT(p->timestamp, 1000);
  auto stored = store_->events().GetEvent(beta_.viewer, kUuid);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->published);
  auto d = Delete(store_.get(), alpha_, kUuid);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->uuid, kUuid);
  EXPECT_EQ(store_->events().GetEvent(alpha_.viewer, kUuid).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(AuditActions(), (std::vector<std::string>{"event.create " + kUuid,
                                                      "event.publish " + kUuid,
                                                      "event.delete " + kUuid}));
}

}  // namespace
}  // namespace sanad::event
