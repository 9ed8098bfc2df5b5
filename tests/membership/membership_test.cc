// The membership process with an injected clock: rules, sponsorship rules per
// category, votes (quorum, majority, ballots, closing by time), chair
// decisions, suspension/revocation/reinstatement and their effects (keys,
// sharing groups), lapse, chair handover, board, audiences, register
// visibility, and the audit trail.
#include "membership/membership.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "audit/audit.h"
#include "auth/auth.h"
#include "store/membership_store.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::membership {
namespace {

using model::MembershipCategory;
using model::OrgKind;
using model::OrgStatus;

constexpr int64_t kDay = 86400;
constexpr const char kProfile[] =
    R"({"contacts": [{"type": "email", "value": "cert@applicant.example"}],
        "constituency": "customers of the applicant", "services": ["incident response"],
        "public_keys": [{"type": "pgp", "fingerprint": "0123 4567 89AB CDEF"}]})";

class MembershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    util::Init();
    s_ = testing::NewStore(dir_.path());
    ASSERT_NE(s_, nullptr);
    svc_ = std::make_unique<Service>(s_.get(), [this] { return now_; });
    chair_ = AddOrg("MY-CERT", "MY", OrgKind::kNationalCert, MembershipCategory::kFull, true);
    id_ = AddOrg("ID-CSIRT", "ID", OrgKind::kNationalCert, MembershipCategory::kFull);
    sa_ = AddOrg("SA-CERT", "SA", OrgKind::kNationalCert, MembershipCategory::kFull);
    eg_ = AddOrg("EG-CERT", "EG", OrgKind::kNationalCert, MembershipCategory::kFull);
    my2_ = AddOrg("MY-Sector", "MY", OrgKind::kSectorCert, MembershipCategory::kFull);
    tr_ = AddOrg("TR-CERT", "TR", OrgKind::kNationalCert, MembershipCategory::kGeneral);
    vendor_ = AddOrg("GlobalSec", "GB", OrgKind::kIndustry, MembershipCategory::kCommercial);
  }

  model::Org AddOrg(const std::string& name, const std::string& cc, OrgKind kind,
                    MembershipCategory cat, bool chair = false) {
    model::Org o;
    o.name = name;
    o.country = cc;
    o.kind = kind;
    o.category = cat;
    o.created = now_;
    EXPECT_TRUE(s_->community().AddOrg(&o).ok());
    if (chair) {
      EXPECT_TRUE(s_->community().SetChair(o.id).ok());
      o.is_chair = true;
    }
    return o;
  }

  policy::Actor As(const model::Org& o) {
    policy::Actor a;
    a.name = "cli";
    a.org = o;
    return a;
  }
  policy::Actor Operator() {
    policy::Actor a;
    a.name = "cli";
    return a;
  }

  // Runs `fn` in a transaction; commits on success, rolls back otherwise.
  Status Tx(const std::function<Status()>& fn) {
    store::Transaction tx(s_.get());
    SANAD_RETURN_IF_ERROR(tx.status());
    SANAD_RETURN_IF_ERROR(fn());
    return tx.Commit();
  }

  StatusOr<ApplicationView> Apply(const std::string& name, const std::string& cc,
                                  MembershipCategory cat, OrgKind kind = OrgKind::kIndustry) {
    StatusOr<ApplicationView> out = Status::Internal("unset");
    Status st = Tx([&] {
      ApplicationInput in{name, cc, kind, cat, kProfile, ""};
      out = svc_->Apply(Operator(), in);
      return out.status();
    });
    if (!st.ok()) return st;
    return out;
  }
  StatusOr<ApplicationView> Sponsor(const model::Org& o, const std::string& app) {
    StatusOr<ApplicationView> out = Status::Internal("unset");
    Status st = Tx([&] {
      out = svc_->Sponsor(As(o), app, "known to us");
      return out.status();
    });
    if (!st.ok()) return st;
    return out;
  }
  Status Cast(const model::Org& o, const std::string& vote, const char* choice) {
    return Tx([&] { return svc_->Cast(As(o), vote, choice, "").status(); });
  }
  StatusOr<VoteView> Close(const std::string& vote) {
    StatusOr<VoteView> out = Status::Internal("unset");
    Status st = Tx([&] {
      out = svc_->Close({"cli", 0, ""}, vote);
      return out.status();
    });
    if (!st.ok()) return st;
    return out;
  }
  Status Tick() {
    return Tx([&] { return svc_->Tick(ClockActor()).status(); });
  }
  StatusOr<VoteView> Motion(const model::Org& by, Motion m, const std::string& org) {
    StatusOr<VoteView> out = Status::Internal("unset");
    Status st = Tx([&] {
      out = svc_->OpenMotion(As(by), m, org, "breach of the code of conduct");
      return out.status();
    });
    if (!st.ok()) return st;
    return out;
  }
  model::Org Org(const std::string& name) {
    auto o = s_->community().FindOrg(name);
    EXPECT_TRUE(o.ok()) << name;
    return o.ok() ? *o : model::Org{};
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> s_;
  std::unique_ptr<Service> svc_;
  int64_t now_ = 1'750'000'000;
  model::Org chair_, id_, sa_, eg_, my2_, tr_, vendor_;
};

// ---- rules ----

TEST(RulesTest, DefaultsMatchTheDocumentedCommunityRules) {
  Rules r = DefaultRules();
  EXPECT_EQ(r.categories.size(), 5u);
  const auto& full = r.categories[MembershipCategory::kFull];
  EXPECT_EQ(full.sponsors, 2);
  EXPECT_EQ(full.sponsor_categories, std::vector<MembershipCategory>{MembershipCategory::kFull});
  EXPECT_EQ(full.decision, "vote");
  EXPECT_EQ(r.categories[MembershipCategory::kCommercial].distinct_countries, 2);
  EXPECT_EQ(FractionText(r.admission_vote.quorum), "1/2");
  EXPECT_EQ(FractionText(r.sanction_vote.majority), "2/3");
  EXPECT_EQ(r.board_seats, 7);
  EXPECT_EQ(r.board_term_years, 2);
}

TEST(RulesTest, RoundTripAndPartialDocuments) {
  auto r = ParseRules(RulesJson(DefaultRules(), true));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(RulesJson(*r), RulesJson(DefaultRules()));
  auto p = ParseRules(R"({"categories": {"general": {"sponsors": 3, "decision": "chair"}},
                          "sanction_vote": {"majority": "3/4"}, "board": {"seats": 5}})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->categories[MembershipCategory::kGeneral].sponsors, 3);
  EXPECT_EQ(p->categories[MembershipCategory::kGeneral].decision, "chair");
  EXPECT_EQ(p->categories[MembershipCategory::kFull].sponsors, 2);  // default kept
  EXPECT_EQ(FractionText(p->sanction_vote.majority), "3/4");
  EXPECT_EQ(p->board_seats, 5);
}

TEST(RulesTest, ErrorsNameTheJsonPath) {
  struct Case {
    const char* json;
    const char* path;
  } cases[] = {
      {R"({"categories": {"gold": {}}})", "$.categories.gold"},
      {R"({"categories": {"full": {"sponsors": 11}}})", "$.categories.full.sponsors"},
      {R"({"categories": {"full": {"decision": "coin"}}})", "$.categories.full.decision"},
      {R"({"categories": {"full": {"sponsor_categories": ["gold"]}}})",
       "$.categories.full.sponsor_categories[0]"},
      {R"({"admission_vote": {"quorum": "3/2"}})", "$.admission_vote.quorum"},
      {R"({"sanction_vote": {"majority": "most"}})", "$.sanction_vote.majority"},
      {R"({"default_distribution": "audience:nobody"})", "$.default_distribution"},
      {R"({"audiences": [{"key": "x", "name": "X"}]})", "$.audiences[0]"},
      {R"({"surprise": 1})", "$.surprise"},
  };
  for (const auto& c : cases) {
    auto r = ParseRules(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_NE(r.status().message().find(c.path), std::string::npos)
        << c.json << " -> " << r.status().message();
  }
  EXPECT_FALSE(ParseRules("not json").ok());
}

TEST(RulesTest, FractionsParse) {
  Fraction f;
  EXPECT_TRUE(ParseFraction("2/3", &f));
  EXPECT_EQ(f.num, 2);
  EXPECT_EQ(f.den, 3);
  EXPECT_FALSE(f.strict);
  EXPECT_TRUE(ParseFraction("simple", &f));
  EXPECT_TRUE(f.strict);
  for (const char* bad : {"", "0/3", "4/3", "1/", "/2", "a/b", "1/1000", "-1/2"})
    EXPECT_FALSE(ParseFraction(bad, &f)) << bad;
}

TEST(ProfileTest, ValidatesAndNormalises) {
  auto p = ValidateProfile(kProfile);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_NE(p->find("\"constituency\""), std::string::npos);
  struct Case {
    const char* json;
    const char* path;
  } cases[] = {
      {R"({"constituency": "x"})", "$.contacts"},
      {R"({"contacts": [{"type": "email", "value": "nobody"}], "constituency": "x"})",
       "$.contacts[0].value"},
      {R"({"contacts": [{"type": "fax", "value": "1"}], "constituency": "x"})",
       "$.contacts[0].type"},
      {R"({"contacts": [{"type": "url", "value": "https://x"}]})", "$.constituency"},
      {R"({"contacts": [{"type": "url", "value": "https://x"}], "constituency": "x",
           "public_keys": [{"type": "pgp"}]})",
       "$.public_keys[0].fingerprint"},
      {R"({"contacts": [{"type": "url", "value": "https://x"}], "constituency": "x",
           "home_address": "y"})",
       "$.home_address"},
  };
  for (const auto& c : cases) {
    auto r = ValidateProfile(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_NE(r.status().message().find(c.path), std::string::npos) << r.status().message();
  }
}

TEST_F(MembershipTest, RulesAreVersionedAndSetByTheChairOnly) {
  auto r = svc_->CurrentRules();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->version, 0);
  Rules changed = *r;
  changed.categories[MembershipCategory::kGeneral].sponsors = 3;
  EXPECT_EQ(Tx([&] { return svc_->SetRules(As(id_), changed).status(); }).code(),
            Status::Code::kPermission);
  ASSERT_OK(Tx([&] { return svc_->SetRules(As(chair_), changed).status(); }));
  ASSERT_OK(Tx([&] { return svc_->SetRules(Operator(), changed).status(); }));
  r = svc_->CurrentRules();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(r->categories[MembershipCategory::kGeneral].sponsors, 3);
  auto v1 = svc_->store()->membership_rules().GetRules(1);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->org_uuid, chair_.uuid);
}

// ---- applications, sponsorship, votes ----

TEST_F(MembershipTest, CommercialNeedsTwoFullSponsorsFromTwoCountries) {
  auto app = Apply("CyberShield", "DE", MembershipCategory::kCommercial);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  EXPECT_EQ(app->app.status, "awaiting-sponsors");
  const std::string uuid = app->app.uuid;
  // A General member may not sponsor; nor may the commercial member.
  EXPECT_EQ(Sponsor(tr_, uuid).status().code(), Status::Code::kPermission);
  EXPECT_EQ(Sponsor(vendor_, uuid).status().code(), Status::Code::kPermission);
  ASSERT_TRUE(Sponsor(chair_, uuid).ok());
  EXPECT_EQ(Sponsor(chair_, uuid).status().code(), Status::Code::kConflict);  // once
  // Two sponsors from one country are not enough.
  auto two = Sponsor(my2_, uuid);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->app.status, "awaiting-sponsors");
  EXPECT_EQ(two->sponsorship, "2 of 2 sponsors, 1 of 2 countries");
  auto three = Sponsor(id_, uuid);
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(three->app.status, "voting");
  ASSERT_TRUE(three->vote.has_value());
  EXPECT_EQ(three->vote->opens, now_);
  EXPECT_EQ(three->vote->closes, now_ + 14 * kDay);
  EXPECT_EQ(three->vote->eligible, 5);  // the Full members in good standing
  // Sponsorship is closed once the vote runs.
  EXPECT_EQ(Sponsor(sa_, uuid).status().code(), Status::Code::kConflict);
}

TEST_F(MembershipTest, VoteAdmitsAndRecordsEveryBallot) {
  auto app = Apply("CyberShield", "DE", MembershipCategory::kCommercial);
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE(Sponsor(chair_, app->app.uuid).ok());
  auto v = Sponsor(id_, app->app.uuid);
  ASSERT_TRUE(v.ok() && v->vote);
  const std::string vote = v->vote->uuid;
  EXPECT_EQ(Cast(tr_, vote, "yes").code(), Status::Code::kPermission);      // General member
  EXPECT_EQ(Cast(vendor_, vote, "yes").code(), Status::Code::kPermission);  // commercial
  EXPECT_EQ(Cast(chair_, vote, "maybe").code(), Status::Code::kInvalid);
  ASSERT_OK(Cast(chair_, vote, "yes"));
  EXPECT_EQ(Cast(chair_, vote, "no").code(), Status::Code::kConflict);  // one ballot
  ASSERT_OK(Cast(id_, vote, "yes"));
  ASSERT_OK(Cast(sa_, vote, "no"));
  // Not everyone voted and the vote has not reached its closing time.
  EXPECT_EQ(Close(vote).status().code(), Status::Code::kConflict);
  // Ballots stay secret while the vote is open.
  auto open = svc_->GetVote(As(eg_), vote);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->cast, 3);
  EXPECT_TRUE(open->ballots.empty());
  ASSERT_OK(Cast(eg_, vote, "abstain"));
  ASSERT_OK(Cast(my2_, vote, "yes"));
  auto closed = Close(vote);  // everyone voted: may close early
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->vote.status, "passed");
  EXPECT_EQ(closed->vote.yes, 3);
  EXPECT_EQ(closed->vote.no, 1);
  EXPECT_EQ(closed->vote.abstain, 1);
  ASSERT_EQ(closed->ballots.size(), 5u);
  auto org = s_->community().FindOrg("CyberShield");
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(org->status, OrgStatus::kMember);
  EXPECT_EQ(org->category, MembershipCategory::kCommercial);
  EXPECT_EQ(org->country, "DE");
  EXPECT_EQ(org->uuid, app->app.org_uuid);
  // The register shows the member, its sponsors, the decision and the ballots.
  auto reg = svc_->GetRegister(As(vendor_));
  ASSERT_TRUE(reg.ok());
  bool found = false;
  for (const auto& m : reg->members)
    if (m.org.name == "CyberShield") {
      found = true;
      EXPECT_EQ(m.since, now_);
      EXPECT_FALSE(m.founding);
      EXPECT_EQ(m.sponsors, (std::vector<std::string>{"MY-CERT", "ID-CSIRT"}));
    }
  EXPECT_TRUE(found);
  ASSERT_EQ(reg->decisions.size(), 1u);
  EXPECT_EQ(reg->decisions[0].kind, "admission");
  EXPECT_EQ(reg->decisions[0].decided_by, "vote");
  ASSERT_EQ(reg->votes.size(), 1u);
  EXPECT_EQ(reg->votes[0].ballots.size(), 5u);
}

// Issue #15: closing an open vote early named a member that had not voted
// yet. While a vote is open only the number of ballots is shown, so the
// refusal names no member (neither those that voted nor those that did not).
TEST_F(MembershipTest, ClosingEarlyNamesNoMember) {
  auto app = Apply("CyberShield", "DE", MembershipCategory::kCommercial);
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE(Sponsor(chair_, app->app.uuid).ok());
  auto v = Sponsor(id_, app->app.uuid);
  ASSERT_TRUE(v.ok() && v->vote);
  const std::string vote = v->vote->uuid;
  ASSERT_OK(Cast(chair_, vote, "yes"));
  ASSERT_OK(Cast(id_, vote, "no"));
  for (const model::Org* next : {&sa_, &eg_}) {
    auto c = Close(vote);
    ASSERT_EQ(c.status().code(), Status::Code::kConflict);
    const std::string msg = c.status().message();
    EXPECT_THAT(msg, ::testing::HasSubstr("not every eligible member has voted"));
    for (const model::Org* o : {&chair_, &id_, &sa_, &eg_, &my2_, &tr_, &vendor_}) {
      EXPECT_THAT(msg, ::testing::Not(::testing::HasSubstr(o->name))) << msg;
      EXPECT_THAT(msg, ::testing::Not(::testing::HasSubstr(o->uuid))) << msg;
    }
    ASSERT_OK(Cast(*next, vote, "yes"));
  }
  ASSERT_OK(Cast(my2_, vote, "yes"));
  auto closed = Close(vote);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->ballots.size(), 5u) << "every ballot is public once closed";
}

TEST_F(MembershipTest, VoteWithoutQuorumClosesAtItsTimeAndTheRejectionIsKept) {
  auto app = Apply("Shady Vendor", "GB", MembershipCategory::kCommercial);
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE(Sponsor(chair_, app->app.uuid).ok());
  auto v = Sponsor(id_, app->app.uuid);
  ASSERT_TRUE(v.ok() && v->vote);
  ASSERT_OK(Cast(chair_, v->vote->uuid, "yes"));
  ASSERT_OK(Cast(id_, v->vote->uuid, "yes"));  // 2 of 5: below the quorum of 1/2
  now_ += 14 * kDay - 1;
  ASSERT_OK(Tick());
  EXPECT_EQ(svc_->store()->membership_votes().GetVote(v->vote->uuid)->status, "open");
  now_ += 1;
  EXPECT_EQ(Cast(sa_, v->vote->uuid, "yes").code(), Status::Code::kConflict);  // closed
  ASSERT_OK(Tick());
  auto closed = svc_->store()->membership_votes().GetVote(v->vote->uuid);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->status, "no-quorum");
  EXPECT_EQ(closed->closed, now_);
  auto rejected = svc_->GetApplication(As(chair_), app->app.uuid);
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->app.status, "rejected");
  EXPECT_EQ(rejected->sponsors.size(), 2u);  // the record is kept
  EXPECT_FALSE(s_->community().FindOrg("Shady Vendor").ok());
}

TEST_F(MembershipTest, MajorityIsOfYesAndNoBallots) {
  auto app = Apply("Split Vendor", "FR", MembershipCategory::kCommercial);
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE(Sponsor(chair_, app->app.uuid).ok());
  auto v = Sponsor(id_, app->app.uuid);
  ASSERT_TRUE(v.ok() && v->vote);
  ASSERT_OK(Cast(chair_, v->vote->uuid, "yes"));
  ASSERT_OK(Cast(id_, v->vote->uuid, "yes"));
  ASSERT_OK(Cast(sa_, v->vote->uuid, "no"));
  ASSERT_OK(Cast(eg_, v->vote->uuid, "no"));
  now_ += 15 * kDay;
  ASSERT_OK(Tick());
  EXPECT_EQ(svc_->store()->membership_votes().GetVote(v->vote->uuid)->status,
            "failed");  // a tie is not more than half
}

TEST_F(MembershipTest, ChairDecidesProfessionalApplications) {
  auto app =
      Apply("Gulf Energy CERT", "AE", MembershipCategory::kProfessional, OrgKind::kSectorCert);
  ASSERT_TRUE(app.ok());
  auto decide = [&](const model::Org& by, bool accept) {
    return Tx([&] { return svc_->Decide(As(by), app->app.uuid, accept, "ok").status(); });
  };
  EXPECT_EQ(decide(chair_, true).code(), Status::Code::kConflict);  // sponsors first
  auto s = Sponsor(sa_, app->app.uuid);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->app.status, "awaiting-decision");
  EXPECT_FALSE(s->vote.has_value());
  EXPECT_EQ(decide(id_, true).code(), Status::Code::kPermission);  // not the chair
  ASSERT_OK(decide(chair_, true));
  auto org = s_->community().FindOrg("Gulf Energy CERT");
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(org->category, MembershipCategory::kProfessional);
  EXPECT_EQ(org->kind, OrgKind::kSectorCert);
  EXPECT_EQ(org->description, "customers of the applicant");
  // Vote-decided categories cannot be decided by the chair.
  auto full = Apply("New NCSC", "JO", MembershipCategory::kFull, OrgKind::kNationalCert);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(Tx([&] { return svc_->Decide(As(chair_), full->app.uuid, false, "").status(); }).code(),
            Status::Code::kPermission);
}

TEST_F(MembershipTest, ExistingMemberAppliesForAnotherCategory) {
  // TR-CERT (General) applies for Full membership for itself.
  StatusOr<ApplicationView> app = Status::Internal("unset");
  ASSERT_OK(Tx([&] {
    ApplicationInput in{"TR-CERT", "TR", OrgKind::kNationalCert, MembershipCategory::kFull,
                        kProfile,  ""};
    app = svc_->Apply(As(tr_), in);
    return app.status();
  }));
  EXPECT_EQ(app->app.org_id, tr_.id);
  // Another ordinary member cannot apply on behalf of a newcomer.
  EXPECT_EQ(Tx([&] {
              ApplicationInput in{"Newcomer",         "TR",
                                  OrgKind::kIndustry, MembershipCategory::kAffiliate,
                                  kProfile,           ""};
              return svc_->Apply(As(id_), in).status();
            }).code(),
            Status::Code::kPermission);
  ASSERT_TRUE(Sponsor(chair_, app->app.uuid).ok());
  auto v = Sponsor(id_, app->app.uuid);
  ASSERT_TRUE(v.ok() && v->vote);
  for (const auto* o : {&chair_, &id_, &sa_, &eg_, &my2_})
    ASSERT_OK(Cast(*o, v->vote->uuid, "yes"));
  ASSERT_TRUE(Close(v->vote->uuid).ok());
  EXPECT_EQ(Org("TR-CERT").category, MembershipCategory::kFull);
  EXPECT_EQ(Org("TR-CERT").id, tr_.id);
}

TEST_F(MembershipTest, ApplicationsAreVisibleToFullMembersAndTheChair) {
  auto app = Apply("CyberShield", "DE", MembershipCategory::kCommercial);
  ASSERT_TRUE(app.ok());
  EXPECT_TRUE(svc_->GetApplication(As(eg_), app->app.uuid).ok());
  EXPECT_EQ(svc_->GetApplication(As(vendor_), app->app.uuid).status().code(),
            Status::Code::kPermission);
  EXPECT_EQ(svc_->ListApplications(As(tr_)).status().code(), Status::Code::kPermission);
  auto all = svc_->ListApplications(Operator());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
  // Duplicate pending applications are refused.
  EXPECT_EQ(Apply("cybershield", "DE", MembershipCategory::kCommercial).status().code(),
            Status::Code::kConflict);
}

TEST_F(MembershipTest, UndecidedApplicationsLapse) {
  auto app = Apply("Slow Applicant", "KE", MembershipCategory::kAffiliate);
  ASSERT_TRUE(app.ok());
  now_ += 90 * kDay - 1;
  ASSERT_OK(Tick());
  EXPECT_EQ(svc_->store()->membership().GetApplication(app->app.uuid)->status, "awaiting-sponsors");
  now_ += 1;
  ASSERT_OK(Tick());
  auto lapsed = svc_->store()->membership().GetApplication(app->app.uuid);
  ASSERT_TRUE(lapsed.ok());
  EXPECT_EQ(lapsed->status, "lapsed");
  std::vector<model::MembershipDecision> d;
  ASSERT_OK(svc_->store()->membership().ListDecisions(&d));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, "lapse");
  EXPECT_EQ(d[0].decided_by, "process");
  auto last = s_->audit_log().LastAuditEntry();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->action, "membership.lapse");
  EXPECT_EQ(last->actor, "sanad:clock");
}

// ---- suspension, revocation, reinstatement ----

TEST_F(MembershipTest, SuspensionNeedsTwoThirdsAndStopsKeys) {
  // A key for the vendor works while it is a member.
  model::User u;
  u.email = "analyst@globalsec.example";
  u.org_id = vendor_.id;
  ASSERT_OK(s_->community().AddUser(&u));
  auto key = auth::CreateApiKey(s_.get(), u.id, 0, false);
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(auth::Authenticate(s_.get(), key->key, now_).ok());
  // A manual sharing group the vendor belongs to.
  model::SharingGroup g;
  g.name = "vendor briefing";
  g.owner = {chair_.id, chair_.uuid, chair_.name};
  g.members = {{vendor_.id, vendor_.uuid, vendor_.name}};
  ASSERT_OK(s_->community().AddSharingGroup(&g));
  ASSERT_OK(Tx([&] { return svc_->SyncAudiences({"cli", 0, ""}).status(); }));

  EXPECT_EQ(Motion(tr_, Motion::kSuspension, "GlobalSec").status().code(),
            Status::Code::kPermission);  // General members do not move motions
  auto v = Motion(sa_, Motion::kSuspension, "GlobalSec");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->vote.majority, "2/3");
  EXPECT_EQ(Motion(eg_, Motion::kSuspension, "GlobalSec").status().code(),
            Status::Code::kConflict);  // one open motion per org
  // 3 yes, 2 no: 60% is short of two-thirds.
  for (const auto* o : {&chair_, &id_, &sa_}) ASSERT_OK(Cast(*o, v->vote.uuid, "yes"));
  for (const auto* o : {&eg_, &my2_}) ASSERT_OK(Cast(*o, v->vote.uuid, "no"));
  auto c = Close(v->vote.uuid);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->vote.status, "failed");
  EXPECT_EQ(Org("GlobalSec").status, OrgStatus::kMember);

  v = Motion(sa_, Motion::kSuspension, "GlobalSec");
  ASSERT_TRUE(v.ok());
  for (const auto* o : {&chair_, &id_, &sa_, &eg_}) ASSERT_OK(Cast(*o, v->vote.uuid, "yes"));
  ASSERT_OK(Cast(my2_, v->vote.uuid, "no"));
  c = Close(v->vote.uuid);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->vote.status, "passed");
  model::Org suspended = Org("GlobalSec");
  EXPECT_EQ(suspended.status, OrgStatus::kSuspended);
  // Its keys stop working; it cannot read the register; it keeps its manual
  // groups but leaves the audiences (it receives nothing new).
  EXPECT_EQ(auth::Authenticate(s_.get(), key->key, now_).status().code(),
            Status::Code::kPermission);
  EXPECT_EQ(svc_->GetRegister(As(suspended)).status().code(), Status::Code::kPermission);
  auto viewer = s_->community().ViewerFor(vendor_.id);
  ASSERT_TRUE(viewer.ok());
  EXPECT_TRUE(viewer->InGroup(g.id));
  auto gb = svc_->AudienceGroup("country-GB");
  ASSERT_TRUE(gb.ok());
  EXPECT_FALSE(viewer->InGroup(*gb));

  // Reinstatement is a vote too.
  auto r = Motion(chair_, Motion::kReinstatement, "GlobalSec");
  ASSERT_TRUE(r.ok());
  for (const auto* o : {&chair_, &id_, &sa_}) ASSERT_OK(Cast(*o, r->vote.uuid, "yes"));
  now_ += 15 * kDay;
  ASSERT_OK(Tick());
  EXPECT_EQ(Org("GlobalSec").status, OrgStatus::kMember);
  EXPECT_TRUE(auth::Authenticate(s_.get(), key->key, now_).ok());
  viewer = s_->community().ViewerFor(vendor_.id);
  ASSERT_TRUE(viewer.ok());
  EXPECT_TRUE(viewer->InGroup(*gb));
}

TEST_F(MembershipTest, RevokedOrgLeavesEveryGroupWithHistoryKept) {
  model::SharingGroup g;
  g.name = "vendor briefing";
  g.owner = {chair_.id, chair_.uuid, chair_.name};
  g.members = {{vendor_.id, vendor_.uuid, vendor_.name}};
  ASSERT_OK(s_->community().AddSharingGroup(&g));
  ASSERT_OK(Tx([&] { return svc_->SyncAudiences({"cli", 0, ""}).status(); }));
  auto gen = s_->intel().DataGeneration();
  ASSERT_TRUE(gen.ok());
  auto v = Motion(chair_, Motion::kRevocation, "GlobalSec");
  ASSERT_TRUE(v.ok());
  for (const auto* o : {&chair_, &id_, &sa_, &eg_, &my2_}) ASSERT_OK(Cast(*o, v->vote.uuid, "yes"));
  ASSERT_TRUE(Close(v->vote.uuid).ok());
  EXPECT_EQ(Org("GlobalSec").status, OrgStatus::kLeft);
  auto viewer = s_->community().ViewerFor(vendor_.id);
  ASSERT_TRUE(viewer.ok());
  EXPECT_TRUE(viewer->sharing_groups.empty());
  EXPECT_GT(*s_->intel().DataGeneration(), *gen);
  std::vector<model::GroupChange> changes;
  ASSERT_OK(svc_->store()->membership_rules().ListGroupChanges(vendor_.id, &changes));
  bool left_manual = false;
  for (const auto& c : changes)
    left_manual = left_manual || (c.sharing_group_id == g.id && c.action == "leave" &&
                                  c.reason == "membership revoked");
  EXPECT_TRUE(left_manual);
  // A revoked org is not reinstated by a motion: it applies again.
  EXPECT_EQ(Motion(chair_, Motion::kReinstatement, "GlobalSec").status().code(),
            Status::Code::kConflict);
}

// ---- chair, board ----

TEST_F(MembershipTest, ChairHandoverIsRecorded) {
  EXPECT_EQ(Tx([&] { return svc_->HandOverChair(As(id_), "SA-CERT"); }).code(),
            Status::Code::kPermission);
  EXPECT_EQ(Tx([&] { return svc_->HandOverChair(As(chair_), "TR-CERT"); }).code(),
            Status::Code::kPermission);  // not a Full member
  ASSERT_OK(Tx([&] { return svc_->HandOverChair(As(chair_), "SA-CERT"); }));
  EXPECT_TRUE(Org("SA-CERT").is_chair);
  EXPECT_FALSE(Org("MY-CERT").is_chair);
  std::vector<model::MembershipDecision> d;
  ASSERT_OK(svc_->store()->membership().ListDecisions(&d));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].details, "the chair passes from MY-CERT to SA-CERT");
}

TEST_F(MembershipTest, BoardElectionHasSeatsAndTerms) {
  std::vector<std::string> eight = {"MY-CERT",   "ID-CSIRT", "SA-CERT", "EG-CERT",
                                    "MY-Sector", "x",        "y",       "z"};
  EXPECT_EQ(Tx([&] { return svc_->RecordBoardElection(As(chair_), eight).status(); }).code(),
            Status::Code::kLimit);
  EXPECT_EQ(Tx([&] { return svc_->RecordBoardElection(As(chair_), {"TR-CERT"}).status(); }).code(),
            Status::Code::kInvalid);
  EXPECT_EQ(Tx([&] { return svc_->RecordBoardElection(As(sa_), {"SA-CERT"}).status(); }).code(),
            Status::Code::kPermission);
  StatusOr<model::BoardTerm> t = Status::Internal("unset");
  ASSERT_OK(Tx([&] {
    t = svc_->RecordBoardElection(As(chair_), {"SA-CERT", "EG-CERT"});
    return t.status();
  }));
  EXPECT_EQ(t->starts, now_);
  EXPECT_EQ(util::FormatDate(t->ends), "2027-06-15");  // two years after 2025-06-15
  auto reg = svc_->GetRegister(Operator());
  ASSERT_TRUE(reg.ok());
  ASSERT_TRUE(reg->board.has_value());
  EXPECT_EQ(reg->board->seats.size(), 2u);
}

// ---- audiences ----

TEST_F(MembershipTest, AudiencesFollowMembership) {
  StatusOr<SyncReport> rep = Status::Internal("unset");
  ASSERT_OK(Tx([&] {
    rep = svc_->SyncAudiences({"cli", 0, ""});
    return rep.status();
  }));
  EXPECT_GT(rep->groups_created, 3);
  auto national = svc_->AudienceGroup("national-certs");
  ASSERT_TRUE(national.ok());
  auto g = s_->community().GetSharingGroup(*national);
  ASSERT_TRUE(g.ok());
  std::set<std::string> names;
  for (const auto& m : g->members) names.insert(m.name);
  EXPECT_EQ(names, (std::set<std::string>{"MY-CERT", "ID-CSIRT", "SA-CERT", "EG-CERT", "TR-CERT"}));
  EXPECT_EQ(g->owner.id, chair_.id);
  auto my = s_->community().GetSharingGroup(*svc_->AudienceGroup("country-MY"));
  ASSERT_TRUE(my.ok());
  EXPECT_EQ(my->members.size(), 2u);
  // A second sync changes nothing.
  ASSERT_OK(Tx([&] {
    rep = svc_->SyncAudiences({"cli", 0, ""});
    return rep.status();
  }));
  EXPECT_EQ(rep->groups_created + rep->joined + rep->left, 0);
}

TEST(CheckAudienceTest, WarnsWhenTheAudienceIsWiderThanTheMarking) {
  auto event = [](const char* tlp, model::Distribution d, const std::string& sg = "") {
    model::Event ev;
    ev.uuid = "e";
    ev.tags.push_back({tlp});
    ev.distribution = d;
    ev.sharing_group.uuid = sg;
    return ev;
  };
  std::map<std::string, GroupInfo> groups{{"named", {"two partners", 2, false}},
                                          {"aud", {"Audience: national CERTs", 30, true}}};
  using D = model::Distribution;
  auto n = [&](const model::Event& ev) { return CheckAudience(ev, groups, 40).size(); };
  EXPECT_EQ(n(event("tlp:red", D::kOrganisation)), 0u);
  EXPECT_EQ(n(event("tlp:red", D::kSharingGroup, "named")), 0u);
  EXPECT_EQ(n(event("tlp:red", D::kSharingGroup, "aud")), 1u);
  EXPECT_EQ(n(event("tlp:red", D::kCommunity)), 1u);
  EXPECT_EQ(n(event("tlp:red", D::kAll)), 1u);
  EXPECT_EQ(n(event("tlp:amber+strict", D::kCommunity)), 0u);
  EXPECT_EQ(n(event("tlp:amber+strict", D::kSharingGroup, "aud")), 0u);
  EXPECT_EQ(n(event("tlp:amber+strict", D::kConnected)), 1u);
  EXPECT_EQ(n(event("tlp:amber", D::kAll)), 0u);
  EXPECT_EQ(n(event("tlp:clear", D::kAll)), 0u);
  auto w = CheckAudience(event("tlp:red", D::kCommunity), groups, 40);
  EXPECT_NE(w[0].message.find("40 organisations"), std::string::npos) << w[0].message;
  // An attribute marked more strictly than its event.
  model::Event ev = event("tlp:amber", D::kCommunity);
  model::Attribute a;
  a.uuid = "a1";
  a.tags.push_back({"tlp:red"});
  ev.attributes.push_back(a);
  model::Attribute narrowed = a;
  narrowed.uuid = "a2";
  narrowed.distribution = D::kOrganisation;
  ev.attributes.push_back(narrowed);
  w = CheckAudience(ev, groups, 40);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].item, "attribute a1");
}

TEST_F(MembershipTest, DefaultDistributionCanBeAnAudience) {
  model::Distribution d;
  model::SharingGroupRef sg;
  ASSERT_OK(DefaultDistribution(s_.get(), &d, &sg));
  // The rules' default is the most restrictive level (security finding 1).
  EXPECT_EQ(d, model::Distribution::kOrganisation);
  auto r = ParseRules(R"({"default_distribution": "audience:national-certs"})");
  ASSERT_TRUE(r.ok());
  ASSERT_OK(Tx([&] { return svc_->SetRules(Operator(), *r).status(); }));
  EXPECT_EQ(DefaultDistribution(s_.get(), &d, &sg).code(), Status::Code::kNotFound);
  ASSERT_OK(Tx([&] { return svc_->SyncAudiences({"cli", 0, ""}).status(); }));
  ASSERT_OK(DefaultDistribution(s_.get(), &d, &sg));
  EXPECT_EQ(d, model::Distribution::kSharingGroup);
  EXPECT_EQ(sg.name, "Audience: national CERTs");
}

// ---- transparency and atomicity ----

TEST_F(MembershipTest, EveryActionIsAuditedAndFailuresWriteNothing) {
  auto app = Apply("CyberShield", "DE", MembershipCategory::kCommercial);
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE(Sponsor(chair_, app->app.uuid).ok());
  std::vector<std::string> actions;
  ASSERT_OK(s_->audit_log().ScanAuditEntries([&](const model::AuditEntry& e) {
    actions.push_back(e.action);
    return true;
  }));
  EXPECT_EQ(actions, (std::vector<std::string>{"membership.apply", "membership.sponsor"}));
  auto ver = audit::Verify(s_.get());
  ASSERT_TRUE(ver.ok());
  EXPECT_TRUE(ver->ok);
  // A failing command inside a transaction leaves no trace.
  EXPECT_FALSE(Tx([&] {
                 auto a = svc_->Apply(Operator(), {"Other", "DE", OrgKind::kIndustry,
                                                   MembershipCategory::kCommercial, kProfile, ""});
                 if (!a.ok()) return a.status();
                 return Status::Invalid("later step failed");
               }).ok());
  std::vector<model::MembershipApplication> apps;
  ASSERT_OK(svc_->store()->membership().ListApplications(&apps));
  EXPECT_EQ(apps.size(), 1u);
  int entries = 0;
  ASSERT_OK(s_->audit_log().ScanAuditEntries([&](const model::AuditEntry&) {
    ++entries;
    return true;
  }));
  EXPECT_EQ(entries, 2);
}

}  // namespace
}  // namespace sanad::membership
