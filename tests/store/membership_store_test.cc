// The membership section of the store: schema version 5 tables, round trips,
// uniqueness of sponsors and ballots, rules versions, and sharing-group
// removal bumping the data generation.
#include "store/membership_store.h"

#include <gtest/gtest.h>

#include "store/membership_rules_store.h"
#include "store/membership_vote_store.h"
#include "store/store.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::store {
namespace {

class MembershipStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    util::Init();
    OpenOptions o;
    o.create_if_missing = true;
    auto s = Store::Open(dir_.path(), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    s_ = std::move(*s);
    ms_ = &s_->membership();
    vs_ = &s_->membership_votes();
    rs_ = &s_->membership_rules();
    for (const char* n : {"alpha", "beta", "gamma"}) {
      model::Org org;
      org.name = n;
      org.country = "JO";
      ASSERT_OK(s_->community().AddOrg(&org));
      orgs_.push_back(org);
    }
  }

  model::MembershipApplication App(const std::string& name) {
    model::MembershipApplication a;
    a.name = name;
    a.country = "DE";
    a.kind = model::OrgKind::kIndustry;
    a.category = model::MembershipCategory::kCommercial;
    a.profile_json = "{}";
    a.status = "awaiting-sponsors";
    a.submitted = 100;
    a.submitted_by = "cli";
    return a;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> s_;
  MembershipStore* ms_;
  MembershipVoteStore* vs_;
  MembershipRulesStore* rs_;
  std::vector<model::Org> orgs_;
};

TEST_F(MembershipStoreTest, SchemaVersionIncludesMembership) {
  EXPECT_GE(s_->SchemaVersion(), 5);
  EXPECT_EQ(rs_->GetRules(0).status().code(), Status::Code::kNotFound);
}

TEST_F(MembershipStoreTest, RulesAreAppendedAsVersions) {
  model::MembershipRulesRow r{0, "{\"a\":1}", 10, "cli", ""};
  ASSERT_OK(rs_->AddRules(&r));
  EXPECT_EQ(r.version, 1);
  model::MembershipRulesRow r2{0, "{\"a\":2}", 20, "x@y", "u"};
  ASSERT_OK(rs_->AddRules(&r2));
  EXPECT_EQ(r2.version, 2);
  EXPECT_EQ(rs_->GetRules(0)->rules_json, "{\"a\":2}");
  EXPECT_EQ(rs_->GetRules(1)->rules_json, "{\"a\":1}");
  EXPECT_EQ(rs_->GetRules(3).status().code(), Status::Code::kNotFound);
}

TEST_F(MembershipStoreTest, ApplicationsSponsorsVotesBallotsRoundTrip) {
  model::MembershipApplication a = App("Vendor");
  ASSERT_OK(ms_->AddApplication(&a));
  EXPECT_FALSE(a.uuid.empty());
  ASSERT_OK(ms_->AddSponsor({a.id, orgs_[0].id, 101, "ok"}));
  EXPECT_EQ(ms_->AddSponsor({a.id, orgs_[0].id, 102, "again"}).code(), Status::Code::kConflict);
  std::vector<model::MembershipSponsor> sp;
  ASSERT_OK(ms_->ListSponsors(a.id, &sp));
  ASSERT_EQ(sp.size(), 1u);
  EXPECT_EQ(sp[0].org_name, "alpha");
  EXPECT_EQ(sp[0].org_country, "JO");

  model::MembershipVote v;
  v.kind = "admission";
  v.application_id = a.id;
  v.opens = 100;
  v.closes = 200;
  v.quorum = "1/2";
  v.majority = "simple";
  v.eligible = 3;
  v.status = "open";
  ASSERT_OK(vs_->AddVote(&v));
  ASSERT_OK(vs_->AddBallot({v.id, orgs_[1].id, "yes", 150, ""}));
  EXPECT_EQ(vs_->AddBallot({v.id, orgs_[1].id, "no", 151, ""}).code(), Status::Code::kConflict);
  v.status = "passed";
  v.closed = 200;
  v.yes = 1;
  ASSERT_OK(vs_->UpdateVote(v));
  auto got = vs_->GetVote(util::ToLower(v.uuid));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, "passed");
  EXPECT_EQ(got->yes, 1);
  EXPECT_EQ(got->subject_name, "Vendor");  // the applicant's name for a new org
  EXPECT_EQ(got->application_uuid, a.uuid);
  std::vector<model::MembershipVote> open;
  ASSERT_OK(vs_->ListVotes(true, &open));
  EXPECT_TRUE(open.empty());

  a.status = "accepted";
  a.org_id = orgs_[2].id;
  a.decided = 200;
  ASSERT_OK(ms_->UpdateApplication(a));
  auto ga = ms_->GetApplication(a.uuid);
  ASSERT_TRUE(ga.ok());
  EXPECT_EQ(ga->status, "accepted");
  EXPECT_EQ(ga->org_id, orgs_[2].id);
  EXPECT_EQ(ga->category, model::MembershipCategory::kCommercial);

  model::MembershipDecision d;
  d.time = 200;
  d.kind = "admission";
  d.subject_org_id = orgs_[2].id;
  d.application_id = a.id;
  d.vote_id = v.id;
  d.decided_by = "vote";
  d.actor = "cli";
  ASSERT_OK(ms_->AddDecision(&d));
  std::vector<model::MembershipDecision> ds;
  ASSERT_OK(ms_->ListDecisions(&ds));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].subject_name, "gamma");
  EXPECT_EQ(ds[0].vote_uuid, v.uuid);

  model::MembershipPeriod p{0, orgs_[2].id, model::MembershipCategory::kCommercial, 200, 0, d.id};
  ASSERT_OK(ms_->AddPeriod(&p));
  ASSERT_OK(ms_->EndPeriods(orgs_[2].id, 300));
  std::vector<model::MembershipPeriod> ps;
  ASSERT_OK(ms_->ListPeriods(&ps));
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].until, 300);
}

TEST_F(MembershipStoreTest, BoardTermsKeepTheirSeats) {
  model::BoardTerm t;
  t.starts = 10;
  t.ends = 20;
  t.seats = {{orgs_[0].id, "", ""}, {orgs_[1].id, "", ""}};
  ASSERT_OK(vs_->AddBoardTerm(&t));
  std::vector<model::BoardTerm> terms;
  ASSERT_OK(vs_->ListBoardTerms(&terms));
  ASSERT_EQ(terms.size(), 1u);
  ASSERT_EQ(terms[0].seats.size(), 2u);
  EXPECT_EQ(terms[0].seats[0].name, "alpha");
}

TEST_F(MembershipStoreTest, LeavingAGroupBumpsTheGenerationAndIsRecorded) {
  model::SharingGroup g;
  g.name = "g";
  g.owner = {orgs_[0].id, orgs_[0].uuid, orgs_[0].name};
  g.members = {{orgs_[1].id, orgs_[1].uuid, orgs_[1].name}};
  ASSERT_OK(s_->community().AddSharingGroup(&g));
  ASSERT_OK(rs_->SetAudienceGroup("k", g.id));
  EXPECT_EQ(*rs_->GetAudienceGroup("k"), g.id);
  int64_t gen = *s_->intel().DataGeneration();
  ASSERT_OK(s_->Begin());
  ASSERT_OK(rs_->RemoveSharingGroupOrg(g.id, orgs_[1].id));
  ASSERT_OK(rs_->AddGroupChange({0, g.id, orgs_[1].id, "leave", 5, "test", "", ""}));
  ASSERT_OK(rs_->SetSharingGroupOwner(g.id, orgs_[2].id));
  ASSERT_OK(s_->Commit());
  EXPECT_EQ(*s_->intel().DataGeneration(), gen + 1);
  // Removing an absent member is a no-op that does not bump.
  ASSERT_OK(rs_->RemoveSharingGroupOrg(g.id, orgs_[1].id));
  EXPECT_EQ(*s_->intel().DataGeneration(), gen + 1);
  std::vector<int64_t> groups;
  ASSERT_OK(rs_->ListOrgGroups(orgs_[1].id, &groups));
  EXPECT_TRUE(groups.empty());
  EXPECT_EQ(s_->community().GetSharingGroup(g.id)->owner.id, orgs_[2].id);
  std::vector<model::GroupChange> ch;
  ASSERT_OK(rs_->ListGroupChanges(orgs_[1].id, &ch));
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].group_name, "g");
  EXPECT_EQ(ch[0].org_name, "beta");
}

TEST_F(MembershipStoreTest, RollbackLeavesNothing) {
  ASSERT_OK(s_->Begin());
  model::MembershipApplication a = App("Gone");
  ASSERT_OK(ms_->AddApplication(&a));
  s_->Rollback();
  std::vector<model::MembershipApplication> apps;
  ASSERT_OK(ms_->ListApplications(&apps));
  EXPECT_TRUE(apps.empty());
}

}  // namespace
}  // namespace sanad::store
