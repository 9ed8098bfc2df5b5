// intel/sighting.h: the decay score, decay settings, recording sightings by
// uuid and by value through the visibility policy, reading them through the
// sighting policy.
#include "intel/sighting.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::intel {
namespace {

using model::Distribution;
using model::SightingType;
using ::testing::HasSubstr;

constexpr model::Timestamp kNow = 1700000000;
constexpr model::Timestamp kDay = 86400;

model::Sighting S(SightingType t, model::Timestamp when, int64_t org = 1) {
  model::Sighting s;
  s.type = t;
  s.date_sighting = when;
  s.org.id = org;
  return s;
}

// ---- the formula -------------------------------------------------------------

TEST(DecayScore, ClassesAndDefaults) {
  EXPECT_EQ(ClassifyForDecay("ip-dst"), DecayClass::kIp);
  EXPECT_EQ(ClassifyForDecay("ip-src|port"), DecayClass::kIp);
  EXPECT_EQ(ClassifyForDecay("domain"), DecayClass::kDomain);
  EXPECT_EQ(ClassifyForDecay("hostname"), DecayClass::kDomain);
  EXPECT_EQ(ClassifyForDecay("domain|ip"), DecayClass::kDomain);
  EXPECT_EQ(ClassifyForDecay("url"), DecayClass::kUrl);
  EXPECT_EQ(ClassifyForDecay("link"), DecayClass::kUrl);
  EXPECT_EQ(ClassifyForDecay("sha256"), DecayClass::kHash);
  EXPECT_EQ(ClassifyForDecay("ssdeep"), DecayClass::kHash);
  EXPECT_EQ(ClassifyForDecay("filename|sha256"), DecayClass::kHash);
  EXPECT_EQ(ClassifyForDecay("email-src"), DecayClass::kOther);
  EXPECT_EQ(ClassifyForDecay("no-such-type"), DecayClass::kOther);
  EXPECT_STREQ(Name(DecayClass::kHash), "hash");
  DecayConfig cfg;
  EXPECT_EQ(cfg.tau_days[static_cast<int>(DecayClass::kIp)], 30);
  EXPECT_EQ(cfg.tau_days[static_cast<int>(DecayClass::kDomain)], 90);
  EXPECT_EQ(cfg.tau_days[static_cast<int>(DecayClass::kUrl)], 90);
  EXPECT_EQ(cfg.tau_days[static_cast<int>(DecayClass::kHash)], 365);
  EXPECT_EQ(cfg.tau_days[static_cast<int>(DecayClass::kOther)], 180);
}

TEST(DecayScore, LinearDecayFromFreshestEvidence) {
  DecayConfig cfg;
  std::vector<model::Sighting> none;
  EXPECT_DOUBLE_EQ(Score(cfg, "domain", kNow, none, kNow), 100.0);
  EXPECT_DOUBLE_EQ(Score(cfg, "domain", kNow - 45 * kDay, none, kNow), 50.0);
  EXPECT_DOUBLE_EQ(Score(cfg, "ip-dst", kNow - 15 * kDay, none, kNow), 50.0);
  EXPECT_DOUBLE_EQ(Score(cfg, "sha256", kNow - 73 * kDay, none, kNow), 80.0);
  EXPECT_DOUBLE_EQ(Score(cfg, "email-src", kNow - 90 * kDay, none, kNow), 50.0);
  EXPECT_DOUBLE_EQ(Score(cfg, "domain", kNow - 90 * kDay, none, kNow), 0.0);
  EXPECT_DOUBLE_EQ(Score(cfg, "domain", kNow - 400 * kDay, none, kNow), 0.0);
  EXPECT_DOUBLE_EQ(Score(cfg, "domain", kNow + kDay, none, kNow), 100.0) << "future: fresh";

  // A recent "seen" sighting refreshes; an older one does not age it.
  std::vector<model::Sighting> seen = {S(SightingType::kSeen, kNow - 9 * kDay)};
  EXPECT_DOUBLE_EQ(Score(cfg, "domain", kNow - 45 * kDay, seen, kNow), 90.0);
  EXPECT_DOUBLE_EQ(Score(cfg, "domain", kNow - 3 * kDay, seen, kNow), 100.0 * (1 - 3.0 / 90));
  // False positives do not refresh.
  std::vector<model::Sighting> fp_only = {S(SightingType::kFalsePositive, kNow)};
  EXPECT_DOUBLE_EQ(Score(cfg, "domain", kNow - 45 * kDay, fp_only, kNow), 25.0);
}

TEST(DecayScore, FalsePositivesBeyondConfirmationsHalveTheBase) {
  DecayConfig cfg;
  auto at = [&](int seen, int fp) {
    std::vector<model::Sighting> v;
    for (int i = 0; i < seen; ++i) v.push_back(S(SightingType::kSeen, kNow - 9 * kDay));
    for (int i = 0; i < fp; ++i) v.push_back(S(SightingType::kFalsePositive, kNow));
    return Score(cfg, "domain", kNow - 45 * kDay, v, kNow);
  };
  EXPECT_DOUBLE_EQ(at(1, 0), 90.0);
  EXPECT_DOUBLE_EQ(at(1, 1), 90.0);
  EXPECT_DOUBLE_EQ(at(1, 2), 45.0);
  EXPECT_DOUBLE_EQ(at(1, 3), 22.5);
  EXPECT_DOUBLE_EQ(at(3, 3), 90.0);
}

TEST(DecayScore, ExpirationAndDelta) {
  DecayConfig cfg;
  std::vector<model::Sighting> past = {S(SightingType::kSeen, kNow),
                                       S(SightingType::kExpiration, kNow - 1)};
  EXPECT_DOUBLE_EQ(Score(cfg, "domain", kNow, past, kNow), 0.0);
  std::vector<model::Sighting> at_now = {S(SightingType::kExpiration, kNow)};
  EXPECT_DOUBLE_EQ(Score(cfg, "domain", kNow, at_now, kNow), 0.0);
  std::vector<model::Sighting> future = {S(SightingType::kExpiration, kNow + kDay)};
  EXPECT_DOUBLE_EQ(Score(cfg, "domain", kNow, future, kNow), 100.0);
  EXPECT_DOUBLE_EQ(Score(cfg, "domain", kNow, future, kNow + kDay), 0.0);

  std::vector<model::Sighting> none;
  cfg.delta = 2;  // 1 - (1/4)^(1/2)
  EXPECT_NEAR(Score(cfg, "domain", kNow - 22 * kDay - kDay / 2, none, kNow), 50.0, 1e-9);
  cfg.delta = 0.5;  // 1 - (1/2)^2
  EXPECT_NEAR(Score(cfg, "domain", kNow - 45 * kDay, none, kNow), 75.0, 1e-9);
}

// ---- with a store ------------------------------------------------------------------

// Orgs A (owner), B, C; group {A, B}. Event E1 (A, community) holds
// evil.example and 10.0.0.1|443; E2 (A, group) and an org-only attribute of
// E1 hold evil.example too.
class SightingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s_ = testing::NewStore(tmp_.path());
    ASSERT_NE(s_, nullptr);
    a_ = AddOrg("A");
    b_ = AddOrg("B");
    c_ = AddOrg("C");
    model::SharingGroup g;
    g.name = "AB";
    g.owner = Ref(a_);
    g.members = {Ref(b_)};
    ASSERT_OK(s_->community().AddSharingGroup(&g));

    model::Event e1 = Event(Distribution::kCommunity);
    e1.attributes.push_back(Attr("domain", "evil.example", "evil.example", ""));
    e1.attributes.push_back(Attr("ip-dst|port", "10.0.0.1|443", "10.0.0.1", "443"));
    model::Attribute hidden = Attr("domain", "evil.example", "evil.example", "");
    hidden.distribution = Distribution::kOrganisation;
    e1.attributes.push_back(hidden);
    ASSERT_TRUE(s_->events().UpsertEvent(&e1).ok());
    model::Event e2 = Event(Distribution::kSharingGroup);
    e2.sharing_group = {g.id, g.uuid, g.name};
    e2.attributes.push_back(Attr("domain", "evil.example", "evil.example", ""));
    ASSERT_TRUE(s_->events().UpsertEvent(&e2).ok());
    e1_ = e1;
    e2_ = e2;
    community_ = e1.attributes[0];
    composite_ = e1.attributes[1];
    org_only_ = e1.attributes[2];
    group_ = e2.attributes[0];
  }

  model::Org AddOrg(const std::string& name) {
    model::Org o;
    o.name = name;
    o.country = "JO";
    Status st = s_->community().AddOrg(&o);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return o;
  }
  static model::OrgRef Ref(const model::Org& o) { return {o.id, o.uuid, o.name}; }
  model::Event Event(Distribution d) {
    model::Event e;
    e.info = "sightings";
    e.date = "2024-01-01";
    e.timestamp = kNow - 45 * kDay;
    e.distribution = d;
    e.org = Ref(a_);
    e.orgc = Ref(a_);
    return e;
  }
  static model::Attribute Attr(const std::string& type, const std::string& value,
                               const std::string& c1, const std::string& c2) {
    model::Attribute at;
    at.type = type;
    at.category = "Network activity";
    at.value = value;
    at.canonical = c2.empty() ? c1 : c1 + "|" + c2;
    at.canonical1 = c1;
    at.canonical2 = c2;
    at.to_ids = true;
    at.timestamp = kNow - 45 * kDay;
    return at;
  }
  policy::Viewer ViewerOf(const model::Org& o) { return *s_->community().ViewerFor(o.id); }
  std::vector<int64_t> Ids(const std::vector<model::Sighting>& v) {
    std::vector<int64_t> ids;
    for (const auto& s : v) ids.push_back(s.attribute_id);
    return ids;
  }

  testing::TempDir tmp_;
  std::unique_ptr<store::Store> s_;
  model::Org a_, b_, c_;
  model::Event e1_, e2_;
  model::Attribute community_, composite_, org_only_, group_;
};

TEST_F(SightingStoreTest, AddByValueReachesOnlyVisibleAttributes) {
  std::vector<model::Sighting> added;
  NewSighting ns;
  ns.source = "dns-sensor";
  ns.time = kNow - kDay;
  ASSERT_OK(AddSighting(s_.get(), c_, {"", "EVIL.example."}, ns, &added));
  EXPECT_EQ(Ids(added), std::vector<int64_t>({community_.id}));
  EXPECT_EQ(added[0].org.id, c_.id);
  EXPECT_EQ(added[0].source, "dns-sensor");
  EXPECT_EQ(added[0].date_sighting, kNow - kDay);
  EXPECT_EQ(added[0].attribute_uuid, community_.uuid);
  ASSERT_OK(AddSighting(s_.get(), b_, {"", "evil.example"}, ns, &added));
  EXPECT_EQ(Ids(added), std::vector<int64_t>({community_.id, group_.id}));
  ASSERT_OK(AddSighting(s_.get(), a_, {"", "evil.example"}, ns, &added));
  EXPECT_EQ(Ids(added), std::vector<int64_t>({community_.id, org_only_.id, group_.id}));
  // A component of a composite value.
  ASSERT_OK(AddSighting(s_.get(), c_, {"", "10.0.0.1"}, ns, &added));
  EXPECT_EQ(Ids(added), std::vector<int64_t>({composite_.id}));

  Status st = AddSighting(s_.get(), c_, {"", "benign.example"}, ns, &added);
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
  EXPECT_THAT(st.message(), HasSubstr("benign.example"));
  EXPECT_TRUE(added.empty());
  EXPECT_EQ(s_->GetStats()->sightings, 7);
}

TEST_F(SightingStoreTest, AddByUuidHidesHiddenAttributes) {
  std::vector<model::Sighting> added;
  NewSighting ns;
  ns.type = SightingType::kFalsePositive;
  model::Timestamp before = util::Now();
  ASSERT_OK(AddSighting(s_.get(), b_, {group_.uuid, ""}, ns, &added));
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].type, SightingType::kFalsePositive);
  EXPECT_GE(added[0].date_sighting, before) << "time defaults to now";

  Status hidden = AddSighting(s_.get(), c_, {group_.uuid, ""}, ns, &added);
  EXPECT_EQ(hidden.code(), Status::Code::kNotFound);
  std::string absent_uuid = util::NewUuid();
  Status absent = AddSighting(s_.get(), c_, {absent_uuid, ""}, ns, &added);
  EXPECT_EQ(absent.code(), Status::Code::kNotFound);
  // Identical but for the uuid: a hidden attribute reads as absent.
  std::string h = hidden.message(), a = absent.message();
  h.replace(h.find(group_.uuid), group_.uuid.size(), "X");
  a.replace(a.find(absent_uuid), absent_uuid.size(), "X");
  EXPECT_EQ(h, a);

  EXPECT_EQ(AddSighting(s_.get(), c_, {"", ""}, ns, &added).code(), Status::Code::kInvalid);
  EXPECT_EQ(AddSighting(s_.get(), c_, {community_.uuid, "evil.example"}, ns, &added).code(),
            Status::Code::kInvalid);
  EXPECT_EQ(s_->GetStats()->sightings, 1);
}

TEST_F(SightingStoreTest, ListAppliesTheSightingPolicy) {
  std::vector<model::Sighting> added;
  NewSighting seen;
  seen.source = "b-sensor";
  seen.time = kNow - 9 * kDay;
  ASSERT_OK(AddSighting(s_.get(), b_, {community_.uuid, ""}, seen, &added));
  seen.source = "c-sensor";
  seen.time = kNow - 20 * kDay;
  ASSERT_OK(AddSighting(s_.get(), c_, {community_.uuid, ""}, seen, &added));
  NewSighting fp;
  fp.type = SightingType::kFalsePositive;
  fp.time = kNow - kDay;
  ASSERT_OK(AddSighting(s_.get(), c_, {community_.uuid, ""}, fp, &added));
  DecayConfig cfg;

  auto owner = ListSightings(s_.get(), ViewerOf(a_), community_.id, cfg, kNow);
  ASSERT_TRUE(owner.ok()) << owner.status().ToString();
  EXPECT_EQ(owner->details.size(), 3u);
  EXPECT_TRUE(owner->all_details);
  EXPECT_EQ(owner->counts, (std::array<int64_t, 3>{2, 1, 0}));
  EXPECT_EQ(owner->details[0].source, "c-sensor") << "oldest first";
  EXPECT_EQ(owner->value, "evil.example");
  EXPECT_EQ(owner->decay_class, DecayClass::kDomain);
  EXPECT_DOUBLE_EQ(owner->score, 90.0);  // seen 9 days ago; 1 fp <= 2 seen

  auto b = ListSightings(s_.get(), ViewerOf(b_), community_.id, cfg, kNow);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->details.size(), 1u);
  EXPECT_EQ(b->details[0].source, "b-sensor");
  EXPECT_EQ(b->details[0].org.id, b_.id);
  EXPECT_FALSE(b->all_details);
  EXPECT_EQ(b->counts, (std::array<int64_t, 3>{2, 1, 0}));
  EXPECT_DOUBLE_EQ(b->score, 90.0);

  auto c = ListSightings(s_.get(), ViewerOf(c_), community_.id, cfg, kNow);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->details.size(), 2u);
  for (const auto& d : c->details) EXPECT_EQ(d.org.id, c_.id);

  // Hidden attributes: nothing at all.
  EXPECT_EQ(ListSightings(s_.get(), ViewerOf(c_), group_.id, cfg, kNow).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(ListSightings(s_.get(), ViewerOf(b_), org_only_.id, cfg, kNow).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(ScoreAttribute(s_.get(), ViewerOf(c_), group_.id, cfg, kNow).status().code(),
            Status::Code::kNotFound);
  auto score = ScoreAttribute(s_.get(), ViewerOf(c_), community_.id, cfg, kNow);
  ASSERT_TRUE(score.ok());
  EXPECT_DOUBLE_EQ(*score, 90.0);
  // No sightings: age only (45 of 90 days).
  auto plain = ScoreAttribute(s_.get(), ViewerOf(c_), composite_.id, cfg, kNow);
  ASSERT_TRUE(plain.ok());
  EXPECT_DOUBLE_EQ(*plain, 0.0) << "an IP of 45 days is past its 30-day lifetime";
}

TEST_F(SightingStoreTest, DecaySettings) {
  auto cfg = LoadDecayConfig(s_.get());
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->tau_days[0], 30);
  EXPECT_EQ(cfg->delta, 1);
  ASSERT_OK(s_->settings().SetSetting("decay.tau.ip", "60"));
  ASSERT_OK(s_->settings().SetSetting("decay.tau.hash", " 730.5 "));
  ASSERT_OK(s_->settings().SetSetting("decay.delta", "2"));
  cfg = LoadDecayConfig(s_.get());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->tau_days[static_cast<int>(DecayClass::kIp)], 60);
  EXPECT_EQ(cfg->tau_days[static_cast<int>(DecayClass::kHash)], 730.5);
  EXPECT_EQ(cfg->tau_days[static_cast<int>(DecayClass::kDomain)], 90);
  EXPECT_EQ(cfg->delta, 2);
  for (const char* bad : {"0", "-3", "abc", "", "1e999", "5 days"}) {
    ASSERT_OK(s_->settings().SetSetting("decay.tau.url", bad));
    auto r = LoadDecayConfig(s_.get());
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalid);
    EXPECT_THAT(r.status().message(), HasSubstr("decay.tau.url"));
  }
}

}  // namespace
}  // namespace sanad::intel
