// Local tags, sighting details and the holder rule of policy/, checked
// against a plain reference on random events and viewers: a redacted event
// never carries a local tag unless the viewer holds it; summaries and
// outbound forms never do; only the holder changes an event.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "policy/policy.h"

namespace sanad::policy {
namespace {

using model::Distribution;

model::Tag RandomTag(std::mt19937& rng, int i) {
  model::Tag t;
  t.name = "tag:" + std::to_string(i);
  t.local = rng() % 3 == 0;
  return t;
}

std::vector<model::Tag> RandomTags(std::mt19937& rng) {
  std::vector<model::Tag> tags;
  int n = static_cast<int>(rng() % 4);
  for (int i = 0; i < n; ++i) tags.push_back(RandomTag(rng, i));
  return tags;
}

// A random event held by org 1..4 with attributes and objects carrying
// random tags (some local) and random distributions.
model::Event RandomEvent(std::mt19937& rng) {
  model::Event ev;
  ev.uuid = "e";
  ev.org.id = 1 + rng() % 4;
  ev.orgc.id = 1 + rng() % 4;
  ev.distribution = static_cast<Distribution>(rng() % 5);
  ev.sharing_group.id = 1 + rng() % 2;
  ev.tags = RandomTags(rng);
  auto attr = [&](int i) {
    model::Attribute a;
    a.id = i;
    a.uuid = "a" + std::to_string(i);
    a.distribution = static_cast<Distribution>(rng() % 6);
    a.sharing_group.id = 1 + rng() % 2;
    a.tags = RandomTags(rng);
    return a;
  };
  int n = static_cast<int>(rng() % 4);
  for (int i = 0; i < n; ++i) ev.attributes.push_back(attr(i));
  int objects = static_cast<int>(rng() % 3);
  for (int k = 0; k < objects; ++k) {
    model::Object o;
    o.uuid = "o" + std::to_string(k);
    o.distribution = static_cast<Distribution>(rng() % 6);
    o.sharing_group.id = 1 + rng() % 2;
    for (int i = 0; i < 2; ++i) o.attributes.push_back(attr(10 * (k + 1) + i));
    ev.objects.push_back(std::move(o));
  }
  return ev;
}

Viewer RandomViewer(std::mt19937& rng) {
  Viewer v;
  v.org_id = rng() % 5;  // 0: a viewer without an org
  for (int64_t g = 1; g <= 2; ++g)
    if (rng() % 2) v.sharing_groups.push_back(g);
  return v;
}

int CountLocal(const model::Event& ev) {
  int n = 0;
  auto count = [&](const std::vector<model::Tag>& tags) {
    for (const auto& t : tags) n += t.local;
  };
  count(ev.tags);
  for (const auto& a : ev.attributes) count(a.tags);
  for (const auto& o : ev.objects)
    for (const auto& a : o.attributes) count(a.tags);
  return n;
}

int CountTags(const model::Event& ev) {
  size_t n = ev.tags.size();
  for (const auto& a : ev.attributes) n += a.tags.size();
  for (const auto& o : ev.objects)
    for (const auto& a : o.attributes) n += a.tags.size();
  return static_cast<int>(n);
}

// Reference: local tags are the holder's; a viewer without an org holds
// nothing.
bool RefHolds(int64_t viewer, int64_t holder) { return viewer != 0 && viewer == holder; }

TEST(LocalTagPolicy, RedactedEventsCarryLocalTagsOnlyForTheHolder) {
  std::mt19937 rng(1611);
  int held = 0, foreign = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    model::Event ev = RandomEvent(rng);
    Viewer v = RandomViewer(rng);
    const bool holds = RefHolds(v.org_id, ev.org.id);
    ASSERT_EQ(MaySeeLocalTags(v, ev.org.id), holds) << iter;
    model::Event out = ev;
    if (!Redact(v, &out)) continue;
    const int shared_before = CountTags(out) - CountLocal(out);
    const int local_before = CountLocal(out);
    RedactLocalTags(v, &out);
    if (holds) {
      ++held;
      ASSERT_EQ(CountLocal(out), local_before) << iter;  // the holder keeps every tag
    } else {
      ++foreign;
      ASSERT_EQ(CountLocal(out), 0) << iter;
    }
    // Shared tags are never touched.
    ASSERT_EQ(CountTags(out) - CountLocal(out), shared_before) << iter;
    // Every tag a caller shows through ShowTag with the policy's answer is
    // one the reference allows.
    for (const auto& t : ev.tags)
      ASSERT_EQ(ShowTag(t, MaySeeLocalTags(v, ev.org.id)), !t.local || holds) << iter;
  }
  EXPECT_GT(held, 100);
  EXPECT_GT(foreign, 100);
}

TEST(LocalTagPolicy, SummariesAndOutboundFormsShowSharedTagsOnly) {
  model::Tag shared{.name = "tlp:green"};
  model::Tag local{.name = "internal:triage", .local = true};
  EXPECT_TRUE(ShowTag(shared, false));
  EXPECT_TRUE(ShowTag(shared, true));
  EXPECT_FALSE(ShowTag(local, false));
  EXPECT_TRUE(ShowTag(local, true));
  // A viewer without an org never holds an event.
  EXPECT_FALSE(MaySeeLocalTags(Viewer{0, {}}, 0));
}

// Reference sighting rule (MISP "event owner"): details for the holder, the
// creator and the reporter of a visible attribute.
TEST(SightingDetailsPolicy, AgreesWithReferenceOnRandomEvents) {
  std::mt19937 rng(2711);
  int details = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    model::Event ev = RandomEvent(rng);
    Viewer v = RandomViewer(rng);
    model::Sighting s;
    s.org.id = rng() % 5;  // 0: anonymous
    auto check = [&](const model::Object* o, const model::Attribute& a) {
      const bool visible = MaySeeAttribute(v, ev, o, a);
      const bool expect = visible && v.org_id != 0 &&
                          (v.org_id == ev.org.id || v.org_id == ev.orgc.id ||
                           v.org_id == s.org.id);
      details += expect;
      ASSERT_EQ(MaySeeSightingDetails(v, ev, o, a, s), expect) << iter << " " << a.uuid;
      ASSERT_EQ(MaySee(v, AttributePath(ev, o, a)), visible) << iter << " " << a.uuid;
    };
    for (const auto& a : ev.attributes) check(nullptr, a);
    for (const auto& o : ev.objects)
      for (const auto& a : o.attributes) check(&o, a);
  }
  EXPECT_GT(details, 100);
}

TEST(SightingDetailsPolicy, DeletedItemsShowNothing) {
  model::Event ev;
  ev.org.id = 1;
  ev.orgc.id = 1;
  ev.distribution = Distribution::kCommunity;
  model::Attribute a;
  a.distribution = Distribution::kInherit;
  model::Sighting s;
  s.org.id = 1;
  Viewer holder{1, {}};
  EXPECT_TRUE(MaySeeSightingDetails(holder, ev, nullptr, a, s));
  a.deleted = true;
  EXPECT_FALSE(MaySeeSightingDetails(holder, ev, nullptr, a, s));
  a.deleted = false;
  model::Object o;
  o.deleted = true;
  EXPECT_TRUE(AttributePath(ev, &o, a).deleted);
  EXPECT_FALSE(MaySeeSightingDetails(holder, ev, &o, a, s));
}

TEST(HolderPolicy, OnlyTheHolderChangesAnEvent) {
  std::mt19937 rng(99);
  for (int iter = 0; iter < 2000; ++iter) {
    int64_t org = rng() % 4, holder = rng() % 4;
    const bool expect = RefHolds(org, holder);
    ASSERT_EQ(HoldsEvent(org, holder), expect);
    Status st = CheckHolder(org, holder, "Alpha", "e1", "deletes");
    ASSERT_EQ(st.ok(), expect);
    if (!expect) ASSERT_EQ(st.code(), Status::Code::kPermission);
  }
}

TEST(HolderPolicy, MessagesNameTheHolderToCallersWhoSeeTheEvent) {
  EXPECT_EQ(CheckHolder(2, 1, "Alpha", "e1", "publishes").message(),
            "event e1 is held by Alpha; only its holder publishes it");
  EXPECT_EQ(CheckHolder(2, 1, "Alpha", "e1", "deletes", "object indicator--x").message(),
            "object indicator--x comes from event e1 held by Alpha; only its holder deletes it");
  // Imports skip without naming the holder.
  EXPECT_EQ(NotHolderNote("event e1"),
            "event e1: held by another organisation; only its owner updates it");
}

}  // namespace
}  // namespace sanad::policy
