// The incident section of the store (schema version 4): round trips of every
// record, the involvement pre-filter, moving reports, and atomicity with the
// store's transactions.
#include "store/incident_store.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "store/incident_rfa_store.h"
#include "store/incident_task_store.h"
#include "store/store.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::store {
namespace {

class IncidentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    util::Init();
    OpenOptions o;
    o.create_if_missing = true;
    auto s = Store::Open(dir_.path(), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    s_ = std::move(*s);
    is_ = &s_->incidents();
    rfas_ = &s_->rfas();
    tasks_ = &s_->incident_tasks();
    for (const char* n : {"A", "B", "C", "D"}) {
      model::Org g;
      g.name = n;
      g.country = "MY";
      ASSERT_TRUE(s_->community().AddOrg(&g).ok());
      orgs_.push_back(g);
    }
  }

  model::Incident NewIncident(int64_t affected, int64_t coordinator) {
    model::Incident i;
    i.title = "t";
    i.rsit_class = "availability";
    i.rsit_type = "ddos";
    i.severity = model::Severity::kHigh;
    i.tlp = model::Tlp::kAmberStrict;
    i.pap = model::Pap::kGreen;
    i.affected_org_id = affected;
    i.coordinator_org_id = coordinator;
    i.opened = 100;
    i.modified = 100;
    EXPECT_TRUE(is_->AddIncident(&i).ok());
    return i;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> s_;
  IncidentStore* is_;
  RfaStore* rfas_;
  TaskStore* tasks_;
  std::vector<model::Org> orgs_;
};

TEST_F(IncidentStoreTest, SchemaVersionAndEnumNames) {
  EXPECT_EQ(s_->SchemaVersion(), kSchemaVersion);
  model::IncidentStatus st;
  EXPECT_TRUE(Parse("In_Progress", &st));
  EXPECT_EQ(st, model::IncidentStatus::kInProgress);
  EXPECT_STREQ(Name(model::IncidentStatus::kDuplicate), "duplicate");
  model::RfaKind k;
  EXPECT_TRUE(Parse("sample-analysis", &k));
  EXPECT_FALSE(Parse("hack-back", &k));
  model::RfaAudience a;
  EXPECT_TRUE(Parse("all", &a));
  EXPECT_EQ(a, model::RfaAudience::kAllMembers);
}

TEST_F(IncidentStoreTest, IncidentRoundTripAndUpdate) {
  model::Incident i = NewIncident(orgs_[0].id, orgs_[1].id);
  auto got = is_->FindIncident(util::ToLower(i.uuid));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->tlp, model::Tlp::kAmberStrict);
  EXPECT_EQ(got->pap, model::Pap::kGreen);
  EXPECT_EQ(got->affected_org.name, "A");
  EXPECT_EQ(got->coordinator_org.name, "B");
  got->status = model::IncidentStatus::kContained;
  got->contained = 200;
  got->tlp = model::Tlp::kNone;
  ASSERT_TRUE(is_->UpdateIncident(*got).ok());
  auto again = is_->GetIncident(i.id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, model::IncidentStatus::kContained);
  EXPECT_EQ(again->contained, 200);
  EXPECT_EQ(again->tlp, model::Tlp::kNone);
  EXPECT_EQ(is_->FindIncident(util::NewUuid()).status().code(), Status::Code::kNotFound);
  model::Incident dup = i;
  dup.id = 0;
  EXPECT_EQ(is_->AddIncident(&dup).code(), Status::Code::kConflict);
}

TEST_F(IncidentStoreTest, ListingIsPrefilteredToInvolvedOrgs) {
  model::Incident i1 = NewIncident(orgs_[0].id, orgs_[1].id);
  model::Incident i2 = NewIncident(orgs_[1].id, orgs_[1].id);
  model::IncidentReport r;
  r.incident_id = i2.id;
  r.reporter_org_id = orgs_[2].id;
  r.entered_by_org_id = orgs_[2].id;
  r.description = "d";
  r.received = 90;
  r.indicators.push_back({0, 0, 0, "ip-dst", "192.0.2.1", "", true, 0, 0});
  r.attachments.push_back({0, 0, 0, "x.pcap", std::string(64, 'a'), 10});
  ASSERT_TRUE(is_->AddReport(&r).ok());
  model::Participant p{i1.id, orgs_[3].id, 0, 150, {}};
  ASSERT_TRUE(is_->AddParticipant(&p).ok());
  ASSERT_TRUE(is_->AddParticipant(&p).ok());  // idempotent
  auto ids = [&](int64_t org) {
    std::vector<model::Incident> out;
    IncidentQuery q;
    q.involved_org_id = org;
    EXPECT_TRUE(is_->ListIncidents(q, &out).ok());
    std::vector<int64_t> v;
    for (const auto& x : out) v.push_back(x.id);
    return v;
  };
  EXPECT_EQ(ids(orgs_[0].id), std::vector<int64_t>({i1.id}));
  EXPECT_EQ(ids(orgs_[1].id), std::vector<int64_t>({i1.id, i2.id}));
  EXPECT_EQ(ids(orgs_[2].id), std::vector<int64_t>({i2.id}));
  EXPECT_EQ(ids(orgs_[3].id), std::vector<int64_t>({i1.id}));
  EXPECT_EQ(ids(0).size(), 2u);
  auto acc = is_->AccessOf(i2);
  ASSERT_TRUE(acc.ok());
  EXPECT_EQ(acc->reporting_org_ids, std::vector<int64_t>({orgs_[2].id}));
  // Moving the reports carries indicators and attachments along.
  ASSERT_TRUE(is_->MoveReports(i2.id, i1.id).ok());
  std::vector<model::IncidentReport> reps;
  ASSERT_TRUE(is_->ListReports(i1.id, &reps).ok());
  ASSERT_EQ(reps.size(), 1u);
  ASSERT_EQ(reps[0].indicators.size(), 1u);
  ASSERT_EQ(reps[0].attachments.size(), 1u);
  EXPECT_EQ(reps[0].reporter_org.name, "C");
  EXPECT_EQ(ids(orgs_[2].id), std::vector<int64_t>({i1.id}));
}

TEST_F(IncidentStoreTest, RequestsOffersTasksTimelineCommentsLinks) {
  model::Incident i = NewIncident(orgs_[0].id, orgs_[1].id);
  model::Rfa r;
  r.incident_id = i.id;
  r.requester_org_id = orgs_[0].id;
  r.kind = model::RfaKind::kTakedown;
  r.audience = model::RfaAudience::kOrgs;
  r.audience_org_ids = {orgs_[3].id, orgs_[2].id};
  r.created = 110;
  ASSERT_TRUE(rfas_->AddRfa(&r).ok());
  auto got = rfas_->FindRfa(r.uuid);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->audience_org_ids, std::vector<int64_t>({orgs_[2].id, orgs_[3].id}));
  EXPECT_EQ(got->incident_uuid, i.uuid);
  model::Offer o;
  o.rfa_id = r.id;
  o.org_id = orgs_[2].id;
  o.description = "we can";
  o.created = 120;
  ASSERT_TRUE(rfas_->AddOffer(&o).ok());
  o.status = model::OfferStatus::kAccepted;
  o.decided = 130;
  ASSERT_TRUE(rfas_->UpdateOffer(o).ok());
  auto fo = rfas_->FindOffer(o.uuid);
  ASSERT_TRUE(fo.ok());
  EXPECT_EQ(fo->status, model::OfferStatus::kAccepted);
  EXPECT_EQ(fo->org.name, "C");
  model::Task t;
  t.incident_id = i.id;
  t.title = "block";
  t.assignee_org_id = orgs_[2].id;
  t.due = 500;
  t.created = 140;
  ASSERT_TRUE(tasks_->AddTask(&t).ok());
  model::TaskLog lg{0, t.id, 150, "cli", orgs_[2].id, "started", {}};
  ASSERT_TRUE(tasks_->AddTaskLog(&lg).ok());
  std::vector<model::TaskLog> logs;
  ASSERT_TRUE(tasks_->ListTaskLogs(t.id, &logs).ok());
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].org.name, "C");
  std::vector<model::Task> tasks;
  ASSERT_TRUE(tasks_->ListTasks(0, &tasks).ok());
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].incident_uuid, i.uuid);
  model::TimelineEntry e{0, i.id, 160, "cli", orgs_[0].id, "x", "y", {}};
  ASSERT_TRUE(is_->AddTimelineEntry(&e).ok());
  model::Comment c;
  c.incident_id = i.id;
  c.time = 170;
  c.actor = "cli";
  c.org_id = orgs_[1].id;
  c.text = "hello";
  ASSERT_TRUE(is_->AddComment(&c).ok());
  std::vector<model::Comment> cs;
  ASSERT_TRUE(is_->ListComments(i.id, &cs).ok());
  EXPECT_EQ(cs.at(0).org.name, "B");
  std::string ev = util::NewUuid();
  ASSERT_TRUE(is_->AddLink({i.id, "event", ev, orgs_[0].id, 180}).ok());
  EXPECT_EQ(is_->AddLink({i.id, "event", ev, orgs_[0].id, 181}).code(), Status::Code::kConflict);
}

TEST_F(IncidentStoreTest, WritesFollowTheStoresTransactions) {
  {
    Transaction tx(s_.get());
    ASSERT_TRUE(tx.status().ok());
    NewIncident(orgs_[0].id, orgs_[1].id);
  }  // rolled back
  std::vector<model::Incident> out;
  ASSERT_TRUE(is_->ListIncidents({}, &out).ok());
  EXPECT_TRUE(out.empty());
  {
    Transaction tx(s_.get());
    NewIncident(orgs_[0].id, orgs_[1].id);
    ASSERT_TRUE(tx.Commit().ok());
  }
  ASSERT_TRUE(is_->ListIncidents({}, &out).ok());
  EXPECT_EQ(out.size(), 1u);
}

}  // namespace
}  // namespace sanad::store
