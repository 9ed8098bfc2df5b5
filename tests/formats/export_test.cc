// formats/export.h: the export filter on the sighting score (min_score).
#include "formats/export.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <sstream>

#include "intel/sighting.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::formats {
namespace {

using model::Distribution;
using model::SightingType;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr model::Timestamp kNow = 1700000000;
constexpr model::Timestamp kDay = 86400;

// Orgs A (owner), B, C; group {A, B}. Event E1 (A, community) holds
// evil.example and 10.0.0.1|443; E2 (A, group) and an org-only attribute of
// E1 hold evil.example too. Everything was last changed 45 days ago.
class ExportScoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s_ = testing::NewStore(tmp_.path());
    ASSERT_NE(s_, nullptr);
    auto orgs = testing::AddOrgs(s_.get(), {"A", "B", "C"}, "JO");
    a_ = orgs[0];
    b_ = orgs[1];
    c_ = orgs[2];
    model::SharingGroup g;
    g.name = "AB";
    g.owner = Ref(a_);
    g.members = {Ref(b_)};
    ASSERT_OK(s_->community().AddSharingGroup(&g));

    model::Event e1 = Event(Distribution::kCommunity);
    e1.attributes.push_back(Attr("domain", "evil.example"));
    e1.attributes.push_back(Attr("ip-dst|port", "10.0.0.1|443"));
    model::Attribute hidden = Attr("domain", "evil.example");
    hidden.distribution = Distribution::kOrganisation;
    e1.attributes.push_back(hidden);
    ASSERT_TRUE(s_->events().UpsertEvent(&e1).ok());
    model::Event e2 = Event(Distribution::kSharingGroup);
    e2.sharing_group = {g.id, g.uuid, g.name};
    e2.attributes.push_back(Attr("domain", "evil.example"));
    ASSERT_TRUE(s_->events().UpsertEvent(&e2).ok());
    community_ = e1.attributes[0];
    composite_ = e1.attributes[1];
    group_ = e2.attributes[0];
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
  static model::Attribute Attr(const std::string& type, const std::string& value) {
    return testing::NewAttribute(type, value, /*to_ids=*/true, kNow - 45 * kDay);
  }
  policy::Viewer ViewerOf(const model::Org& o) { return *s_->community().ViewerFor(o.id); }

  testing::TempDir tmp_;
  std::unique_ptr<store::Store> s_;
  model::Org a_, b_, c_;
  model::Attribute community_, composite_, group_;
};

TEST_F(ExportScoreTest, MinScore) {
  // evil.example (community) seen yesterday: 100 * (1 - 1/90). The IP is
  // past its lifetime: 0. evil.example in E2 never seen: 50.
  std::vector<model::Sighting> added;
  intel::NewSighting ns;
  ns.time = kNow - kDay;
  struct Clock {
    Clock() {
      util::SetClockForTesting([] { return kNow; });
    }
    ~Clock() { util::SetClockForTesting(nullptr); }
  } clock;
  ASSERT_OK(intel::AddSighting(s_.get(), c_, {community_.uuid, ""}, ns, &added));
  auto run = [&](const model::Org& as, std::optional<double> min) {
    ExportFilter f;
    f.min_score = min;
    std::ostringstream out;
    ExportStats stats;
    Status st = Export(s_.get(), ViewerOf(as), ExportFormat::kCsv, f, out, &stats);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out.str();
  };
  std::string all = run(b_, std::nullopt);
  EXPECT_THAT(all, HasSubstr(composite_.uuid));
  EXPECT_THAT(all, HasSubstr(group_.uuid));
  std::string high = run(b_, 60.0);
  EXPECT_THAT(high, HasSubstr(community_.uuid));
  EXPECT_THAT(high, Not(HasSubstr(composite_.uuid)));
  EXPECT_THAT(high, Not(HasSubstr(group_.uuid)));
  std::string mid = run(b_, 50.0);
  EXPECT_THAT(mid, HasSubstr(group_.uuid));
  EXPECT_THAT(mid, Not(HasSubstr(composite_.uuid)));
  // An expiration ends it for everyone.
  intel::NewSighting exp;
  exp.type = SightingType::kExpiration;
  exp.time = kNow - 10;
  ASSERT_OK(intel::AddSighting(s_.get(), a_, {community_.uuid, ""}, exp, &added));
  EXPECT_THAT(run(b_, 1.0), Not(HasSubstr(community_.uuid)));
  EXPECT_THAT(run(b_, 0.0), HasSubstr(community_.uuid));
}

}  // namespace
}  // namespace sanad::formats
