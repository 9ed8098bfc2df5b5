#include "policy/policy.h"

#include <gtest/gtest.h>

#include <random>

namespace sanad::policy {
namespace {

using model::Distribution;

model::Event MakeEvent(int64_t owner, Distribution d, int64_t sg = 0) {
  model::Event ev;
  ev.uuid = "e";
  ev.org.id = owner;
  ev.distribution = d;
  ev.sharing_group.id = sg;
  return ev;
}

model::Attribute Attr(const std::string& uuid, Distribution d, int64_t sg = 0) {
  model::Attribute a;
  a.uuid = uuid;
  a.distribution = d;
  a.sharing_group.id = sg;
  return a;
}

TEST(PolicyTest, EventLevels) {
  Viewer owner{1, {}};
  Viewer other{2, {}};
  Viewer member{3, {7}};
  EXPECT_TRUE(MaySeeEvent(owner, MakeEvent(1, Distribution::kOrganisation)));
  EXPECT_FALSE(MaySeeEvent(other, MakeEvent(1, Distribution::kOrganisation)));
  for (auto d : {Distribution::kCommunity, Distribution::kConnected, Distribution::kAll})
    EXPECT_TRUE(MaySeeEvent(other, MakeEvent(1, d)));
  EXPECT_FALSE(MaySeeEvent(other, MakeEvent(1, Distribution::kSharingGroup, 7)));
  EXPECT_TRUE(MaySeeEvent(member, MakeEvent(1, Distribution::kSharingGroup, 7)));
  EXPECT_FALSE(MaySeeEvent(member, MakeEvent(1, Distribution::kSharingGroup, 8)));
  // A stray "inherit" on an event is treated as organisation-only.
  EXPECT_FALSE(MaySeeEvent(other, MakeEvent(1, Distribution::kInherit)));
  // Org id 0 (unresolved) never matches an owner.
  EXPECT_FALSE(MaySeeEvent(Viewer{0, {}}, MakeEvent(0, Distribution::kOrganisation)));
}

TEST(PolicyTest, StricterOfEventAndAttributeWins) {
  Viewer member{3, {7}};
  Viewer outsider{2, {}};
  auto ev = MakeEvent(1, Distribution::kSharingGroup, 7);
  ev.attributes.push_back(Attr("a-community", Distribution::kCommunity));
  ev.attributes.push_back(Attr("a-org", Distribution::kOrganisation));
  ev.attributes.push_back(Attr("a-inherit", Distribution::kInherit));
  ev.attributes.push_back(Attr("a-sg8", Distribution::kSharingGroup, 8));
  auto copy = ev;
  ASSERT_TRUE(Redact(member, &copy));
  ASSERT_EQ(copy.attributes.size(), 2u);
  EXPECT_EQ(copy.attributes[0].uuid, "a-community");
  EXPECT_EQ(copy.attributes[1].uuid, "a-inherit");
  copy = ev;
  EXPECT_FALSE(Redact(outsider, &copy));
  copy = ev;
  ASSERT_TRUE(Redact(Viewer{1, {}}, &copy));
  EXPECT_EQ(copy.attributes.size(), 4u);
}

TEST(PolicyTest, ObjectsInheritAndReferencesToHiddenItemsDrop) {
  Viewer other{2, {}};
  auto ev = MakeEvent(1, Distribution::kCommunity);
  model::Object visible;
  visible.uuid = "o1";
  visible.distribution = Distribution::kInherit;
  visible.attributes.push_back(Attr("o1-a", Distribution::kInherit));
  visible.attributes.push_back(Attr("o1-hidden", Distribution::kOrganisation));
  model::ObjectReference r1;
  r1.referenced_uuid = "o2";
  model::ObjectReference r2;
  r2.referenced_uuid = "o1-hidden";
  model::ObjectReference r3;
  r3.referenced_uuid = "o1-a";
  visible.references = {r1, r2, r3};
  model::Object hidden;
  hidden.uuid = "o2";
  hidden.distribution = Distribution::kOrganisation;
  hidden.attributes.push_back(Attr("o2-a", Distribution::kCommunity));
  ev.objects = {visible, hidden};
  ASSERT_TRUE(Redact(other, &ev));
  ASSERT_EQ(ev.objects.size(), 1u);
  ASSERT_EQ(ev.objects[0].attributes.size(), 1u);
  EXPECT_EQ(ev.objects[0].attributes[0].uuid, "o1-a");
  ASSERT_EQ(ev.objects[0].references.size(), 1u);
  EXPECT_EQ(ev.objects[0].references[0].referenced_uuid, "o1-a");
}

TEST(PolicyTest, DeletedHiddenUnlessAsked) {
  Viewer owner{1, {}};
  auto ev = MakeEvent(1, Distribution::kCommunity);
  auto a = Attr("gone", Distribution::kInherit);
  a.deleted = true;
  ev.attributes.push_back(a);
  auto copy = ev;
  ASSERT_TRUE(Redact(owner, &copy));
  EXPECT_TRUE(copy.attributes.empty());
  copy = ev;
  ASSERT_TRUE(Redact(owner, &copy, RedactOptions{.include_deleted = true}));
  EXPECT_EQ(copy.attributes.size(), 1u);
  ev.deleted = true;
  EXPECT_FALSE(Redact(owner, &ev));
}

// Reference policy, written as plainly as possible from domain.md, checked
// against the implementation on random events.
bool RefLevel(int64_t viewer, const std::vector<int64_t>& groups, int64_t owner, int d,
              int64_t sg) {
  if (viewer == owner) return true;
  if (d == 1 || d == 2 || d == 3 || d == 5) return true;
  if (d == 4) {
    for (auto g : groups)
      if (g == sg) return true;
  }
  return false;
}

TEST(PolicyTest, RandomAgainstReference) {
  std::mt19937 rng(42);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  for (int iter = 0; iter < 20000; ++iter) {
    int64_t owner = 1 + pick(4);
    Viewer v;
    v.org_id = 1 + pick(4);
    for (int64_t g = 1; g <= 3; ++g)
      if (pick(2)) v.sharing_groups.push_back(g);
    int ed = pick(5);
    int64_t esg = 1 + pick(3);
    int od = pick(6);
    int64_t osg = 1 + pick(3);
    int ad = pick(6);
    int64_t asg = 1 + pick(3);
    bool in_object = pick(2);
    auto ev = MakeEvent(owner, static_cast<Distribution>(ed), esg);
    auto a = Attr("x", static_cast<Distribution>(ad), asg);
    if (in_object) {
      model::Object o;
      o.uuid = "o";
      o.distribution = static_cast<Distribution>(od);
      o.sharing_group.id = osg;
      o.attributes.push_back(a);
      ev.objects.push_back(o);
    } else {
      ev.attributes.push_back(a);
    }
    bool expect_event = RefLevel(v.org_id, v.sharing_groups, owner, ed, esg);
    bool expect_attr = expect_event && RefLevel(v.org_id, v.sharing_groups, owner, ad, asg) &&
                       (!in_object || RefLevel(v.org_id, v.sharing_groups, owner, od, osg));
    bool got_event = Redact(v, &ev);
    ASSERT_EQ(got_event, expect_event) << iter;
    if (!got_event) continue;
    size_t n = in_object ? (ev.objects.empty() ? 0 : ev.objects[0].attributes.size())
                         : ev.attributes.size();
    ASSERT_EQ(n == 1, expect_attr) << iter;
  }
}

}  // namespace
}  // namespace sanad::policy

namespace sanad::policy {
namespace {

TEST(PolicyTest, AccessPathAgreesWithRedact) {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 5000; ++iter) {
    Viewer v{1 + static_cast<int64_t>(rng() % 3), {}};
    if (rng() % 2) v.sharing_groups.push_back(1);
    if (rng() % 2) v.sharing_groups.push_back(2);
    AccessPath p;
    p.event_owner_org_id = 1 + rng() % 3;
    p.event_distribution = static_cast<Distribution>(rng() % 5);
    p.event_sharing_group_id = 1 + rng() % 2;
    p.in_object = rng() % 2;
    p.object_distribution = static_cast<Distribution>(rng() % 6);
    p.object_sharing_group_id = 1 + rng() % 2;
    p.attribute_distribution = static_cast<Distribution>(rng() % 6);
    p.attribute_sharing_group_id = 1 + rng() % 2;
    model::Event ev;
    ev.org.id = p.event_owner_org_id;
    ev.distribution = p.event_distribution;
    ev.sharing_group.id = p.event_sharing_group_id;
    model::Attribute a;
    a.uuid = "a";
    a.distribution = p.attribute_distribution;
    a.sharing_group.id = p.attribute_sharing_group_id;
    if (p.in_object) {
      model::Object o;
      o.uuid = "o";
      o.distribution = p.object_distribution;
      o.sharing_group.id = p.object_sharing_group_id;
      o.attributes.push_back(a);
      ev.objects.push_back(o);
    } else {
      ev.attributes.push_back(a);
    }
    bool visible = Redact(v, &ev) && (p.in_object ? !ev.objects.empty() &&
                                                        !ev.objects[0].attributes.empty()
                                                  : !ev.attributes.empty());
    ASSERT_EQ(MaySee(v, p), visible) << iter;
  }
}


// Creators (writes): a member names only itself; administrators may name an
// external source; sync carries any creator.
TEST(CreatorPolicy, MembersWriteOnlyInTheirOwnName) {
  model::Org member, external;
  member.id = 2;
  member.name = "Beta";
  member.status = model::OrgStatus::kMember;
  external.id = 3;
  external.name = "CIRCL";
  external.status = model::OrgStatus::kExternal;
  model::Org self = member;
  self.id = 1;
  for (CreatorRule r : {CreatorRule::kOwnOnly, CreatorRule::kOwnOrExternal, CreatorRule::kAny})
    EXPECT_TRUE(CheckCreator(r, 1, self, "e").ok());
  EXPECT_EQ(CheckCreator(CreatorRule::kOwnOnly, 1, member, "e").code(), Status::Code::kPermission);
  EXPECT_EQ(CheckCreator(CreatorRule::kOwnOrExternal, 1, member, "e").code(),
            Status::Code::kPermission);
  EXPECT_TRUE(CheckCreator(CreatorRule::kAny, 1, member, "e").ok());
  EXPECT_EQ(CheckCreator(CreatorRule::kOwnOnly, 1, external, "e").code(),
            Status::Code::kPermission);
  EXPECT_TRUE(CheckCreator(CreatorRule::kOwnOrExternal, 1, external, "e").ok());
  EXPECT_NE(CheckCreator(CreatorRule::kOwnOnly, 1, member, "event x").message().find("Beta"),
            std::string::npos);
}

}  // namespace
}  // namespace sanad::policy
