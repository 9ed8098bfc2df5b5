// The incident visibility functions of the one policy module
// (policy::MaySeeIncident, MayManageIncident, InRfaAudience, MaySeeRfa,
// MaySeeOffer): explicit cases, and agreement with a naive restatement of the
// rules over random parties.
#include <gtest/gtest.h>

#include <random>

#include "incident/incident.h"
#include "policy/policy.h"

namespace sanad::policy {
namespace {

Viewer V(int64_t org, std::vector<int64_t> groups = {}) {
  Viewer v;
  v.org_id = org;
  v.sharing_groups = std::move(groups);
  return v;
}

TEST(IncidentPolicyTest, PartiesOnly) {
  IncidentAccess a;
  a.affected_org_id = 1;
  a.coordinator_org_id = 2;
  a.reporting_org_ids = {3};
  a.participant_org_ids = {4};
  for (int64_t o : {1, 2, 3, 4}) EXPECT_TRUE(MaySeeIncident(V(o), a)) << o;
  EXPECT_FALSE(MaySeeIncident(V(5), a));
  EXPECT_FALSE(MaySeeIncident(V(0), a)) << "no org, no access";
  EXPECT_TRUE(MayManageIncident(V(1), a));
  EXPECT_TRUE(MayManageIncident(V(2), a));
  EXPECT_FALSE(MayManageIncident(V(3), a)) << "reporters see, they do not manage";
  EXPECT_FALSE(MayManageIncident(V(4), a)) << "helpers see, they do not manage";
}

TEST(IncidentPolicyTest, RequestAudiencesAndOffers) {
  RfaAccess r;
  r.requester_org_id = 1;
  r.incident.affected_org_id = 1;
  r.incident.coordinator_org_id = 2;
  r.audience = model::RfaAudience::kOrgs;
  r.audience_org_ids = {5, 6};
  EXPECT_TRUE(MaySeeRfa(V(5), r));
  EXPECT_FALSE(MaySeeRfa(V(7), r));
  EXPECT_TRUE(MaySeeRfa(V(2), r)) << "the coordinator sees requests of its incident";
  EXPECT_FALSE(InRfaAudience(V(2), r));
  r.audience = model::RfaAudience::kSharingGroup;
  r.sharing_group_id = 9;
  EXPECT_TRUE(MaySeeRfa(V(7, {3, 9}), r));
  EXPECT_FALSE(MaySeeRfa(V(5, {3}), r));
  r.audience = model::RfaAudience::kAllMembers;
  EXPECT_TRUE(MaySeeRfa(V(8), r));
  EXPECT_FALSE(MaySeeRfa(V(0), r));
  // Offers: the offerer, the requester, the managers; not other helpers.
  EXPECT_TRUE(MaySeeOffer(V(5), 5, r));
  EXPECT_TRUE(MaySeeOffer(V(1), 5, r));
  EXPECT_TRUE(MaySeeOffer(V(2), 5, r));
  EXPECT_FALSE(MaySeeOffer(V(6), 5, r));
  r.incident.participant_org_ids = {6};
  EXPECT_FALSE(MaySeeOffer(V(6), 5, r)) << "a participant does not see others' offers";
}

// Issue #15: the timeline names an offering member to the managers and to
// itself; other parties read it only once it is a party (accepted helper).
TEST(IncidentPolicyTest, TimelineNamesNonPartiesOnlyToManagersAndThemselves) {
  IncidentAccess a;
  a.affected_org_id = 1;
  a.coordinator_org_id = 2;
  a.reporting_org_ids = {3};
  a.participant_org_ids = {4};
  const int64_t offerer = 6;  // offered, not accepted
  EXPECT_TRUE(incident::MayNameTimelineAuthor(V(1), a, offerer)) << "affected member";
  EXPECT_TRUE(incident::MayNameTimelineAuthor(V(2), a, offerer)) << "coordinator";
  EXPECT_TRUE(incident::MayNameTimelineAuthor(V(6), a, offerer)) << "its own entry";
  EXPECT_FALSE(incident::MayNameTimelineAuthor(V(4), a, offerer)) << "an accepted helper";
  EXPECT_FALSE(incident::MayNameTimelineAuthor(V(3), a, offerer)) << "a reporter";
  EXPECT_FALSE(incident::MayNameTimelineAuthor(V(0), a, offerer));
  for (int64_t party : {1, 2, 3, 4})
    EXPECT_TRUE(incident::MayNameTimelineAuthor(V(4), a, party)) << party;
  EXPECT_TRUE(incident::MayNameTimelineAuthor(V(4), a, 0)) << "no author org";

  model::TimelineEntry e;
  e.org_id = offerer;
  e.org = {offerer, "uuid-6", "Offering CERT"};
  e.actor = "user@offering.example";
  e.action = "rfa.offer";
  e.text = "an offer of help arrived on request 12345678";
  model::TimelineEntry seen = incident::TimelineEntryFor(V(4), a, e);
  EXPECT_EQ(seen.org_id, 0);
  EXPECT_TRUE(seen.org.name.empty() && seen.org.uuid.empty() && seen.org.id == 0);
  EXPECT_TRUE(seen.actor.empty());
  EXPECT_EQ(seen.action, e.action);
  EXPECT_EQ(seen.text, e.text);
  EXPECT_EQ(incident::TimelineEntryFor(V(1), a, e).org.name, "Offering CERT");
  a.participant_org_ids.push_back(offerer);  // accepted
  EXPECT_EQ(incident::TimelineEntryFor(V(4), a, e).org.name, "Offering CERT");
}

TEST(IncidentPolicyTest, AgreesWithANaiveRestatementOnRandomParties) {
  std::mt19937 rng(7);
  auto pick = [&](int n) { return static_cast<int64_t>(rng() % n); };
  for (int i = 0; i < 20000; ++i) {
    IncidentAccess a;
    a.affected_org_id = 1 + pick(6);
    a.coordinator_org_id = 1 + pick(6);
    for (int k = pick(3); k > 0; --k) a.reporting_org_ids.push_back(1 + pick(6));
    for (int k = pick(3); k > 0; --k) a.participant_org_ids.push_back(1 + pick(6));
    RfaAccess r;
    r.incident = a;
    r.requester_org_id = pick(2) ? a.affected_org_id : a.coordinator_org_id;
    r.audience = static_cast<model::RfaAudience>(pick(3));
    r.sharing_group_id = 1 + pick(2);
    for (int k = pick(3); k > 0; --k) r.audience_org_ids.push_back(1 + pick(6));
    int64_t org = pick(7);  // 0 = no org
    std::vector<int64_t> groups;
    if (pick(2)) groups.push_back(1 + pick(2));
    Viewer v = V(org, groups);
    int64_t offerer = 1 + pick(6);

    auto in = [](const std::vector<int64_t>& xs, int64_t x) {
      for (int64_t y : xs)
        if (y == x) return true;
      return false;
    };
    bool sees = org != 0 && (org == a.affected_org_id || org == a.coordinator_org_id ||
                             in(a.reporting_org_ids, org) || in(a.participant_org_ids, org));
    bool manages = org != 0 && (org == a.affected_org_id || org == a.coordinator_org_id);
    bool audience =
        org != 0 &&
        (r.audience == model::RfaAudience::kAllMembers ||
         (r.audience == model::RfaAudience::kSharingGroup && in(groups, r.sharing_group_id)) ||
         (r.audience == model::RfaAudience::kOrgs && in(r.audience_org_ids, org)));
    bool sees_rfa = org != 0 && (org == r.requester_org_id || audience || sees);
    bool sees_offer = org != 0 && (org == offerer || org == r.requester_org_id || manages);
    ASSERT_EQ(MaySeeIncident(v, a), sees) << i;
    ASSERT_EQ(MayManageIncident(v, a), manages) << i;
    ASSERT_EQ(InRfaAudience(v, r), audience) << i;
    ASSERT_EQ(MaySeeRfa(v, r), sees_rfa) << i;
    ASSERT_EQ(MaySeeOffer(v, offerer, r), sees_offer) << i;
    // Timeline authors: named to managers, to themselves, and when a party.
    bool author_party = offerer == a.affected_org_id || offerer == a.coordinator_org_id ||
                        in(a.reporting_org_ids, offerer) || in(a.participant_org_ids, offerer);
    bool names = org != 0 && (org == offerer || manages || author_party);
    ASSERT_EQ(incident::MayNameTimelineAuthor(v, a, offerer), names) << i;
  }
}

}  // namespace
}  // namespace sanad::policy
