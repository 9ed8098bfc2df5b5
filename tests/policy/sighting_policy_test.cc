// policy::ViewSighting: MISP's "event owner" sighting policy.
#include <gtest/gtest.h>

#include "policy/policy.h"

namespace sanad::policy {
namespace {

using model::Distribution;

// An attribute of an event owned by org 1, shared as `d`.
AccessPath Path(Distribution d, int64_t sg = 0) {
  AccessPath p;
  p.event_owner_org_id = 1;
  p.event_distribution = d;
  p.event_sharing_group_id = sg;
  p.attribute_distribution = Distribution::kInherit;
  return p;
}

constexpr int64_t kCreator = 9;  // event orgc, another org than the owner
constexpr int64_t kAnonymous = 0;

TEST(SightingPolicy, OwnerAndCreatorSeeEveryDetail) {
  Viewer owner{1, {}};
  Viewer creator{kCreator, {}};
  AccessPath p = Path(Distribution::kCommunity);
  for (int64_t reporter : {int64_t{1}, int64_t{2}, kCreator, kAnonymous}) {
    EXPECT_EQ(ViewSighting(owner, p, kCreator, reporter), SightingView::kDetails) << reporter;
    EXPECT_EQ(ViewSighting(creator, p, kCreator, reporter), SightingView::kDetails) << reporter;
  }
  // The owner sees details even of an organisation-only attribute.
  EXPECT_EQ(ViewSighting(owner, Path(Distribution::kOrganisation), kCreator, 2),
            SightingView::kDetails);
}

TEST(SightingPolicy, ReportersSeeTheirOwnOthersSeeCounts) {
  Viewer b{2, {}};
  Viewer c{3, {}};
  AccessPath p = Path(Distribution::kCommunity);
  EXPECT_EQ(ViewSighting(b, p, kCreator, 2), SightingView::kDetails);
  EXPECT_EQ(ViewSighting(b, p, kCreator, 3), SightingView::kCounts);
  EXPECT_EQ(ViewSighting(b, p, kCreator, 1), SightingView::kCounts);
  EXPECT_EQ(ViewSighting(b, p, kCreator, kAnonymous), SightingView::kCounts);
  EXPECT_EQ(ViewSighting(c, p, kCreator, 2), SightingView::kCounts);
  // No creator known (0) grants nothing extra.
  EXPECT_EQ(ViewSighting(c, p, 0, 2), SightingView::kCounts);
}

TEST(SightingPolicy, NothingWithoutTheAttribute) {
  Viewer b{2, {}};
  Viewer member{3, {7}};
  // Even a reporter loses sight of its own sighting once the attribute is
  // hidden from it.
  EXPECT_EQ(ViewSighting(b, Path(Distribution::kOrganisation), kCreator, 2), SightingView::kNone);
  AccessPath sg = Path(Distribution::kSharingGroup, 7);
  EXPECT_EQ(ViewSighting(b, sg, kCreator, 2), SightingView::kNone);
  EXPECT_EQ(ViewSighting(member, sg, kCreator, 2), SightingView::kCounts);
  // An attribute-level restriction inside a visible event.
  AccessPath attr_only = Path(Distribution::kCommunity);
  attr_only.attribute_distribution = Distribution::kOrganisation;
  EXPECT_EQ(ViewSighting(member, attr_only, kCreator, 3), SightingView::kNone);
  // An object-level restriction.
  AccessPath in_obj = Path(Distribution::kCommunity);
  in_obj.in_object = true;
  in_obj.object_distribution = Distribution::kSharingGroup;
  in_obj.object_sharing_group_id = 7;
  EXPECT_EQ(ViewSighting(b, in_obj, kCreator, 2), SightingView::kNone);
  EXPECT_EQ(ViewSighting(member, in_obj, kCreator, 2), SightingView::kCounts);
  // Deleted: nobody, the owner included.
  AccessPath del = Path(Distribution::kCommunity);
  del.deleted = true;
  EXPECT_EQ(ViewSighting(Viewer{1, {}}, del, kCreator, 1), SightingView::kNone);
  EXPECT_EQ(ViewSighting(b, del, kCreator, 2), SightingView::kNone);
  // A viewer without an org is nobody's owner or reporter.
  EXPECT_EQ(ViewSighting(Viewer{0, {}}, Path(Distribution::kCommunity), 0, kAnonymous),
            SightingView::kCounts);
}

}  // namespace
}  // namespace sanad::policy
