// The TAXII module over a real store with an injected converter and clock:
// collections per viewer, the object log (unique, increasing date_added;
// versions; withdrawal), paging with next and added_after, filters, the
// policy check on every row for each collection type, add requests and
// their status, delete by the event's owner only.
#include "taxii/taxii.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <set>

#include "store/stix_store.h"
#include "store/store.h"
#include "store/taxii_store.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::taxii {
namespace {

namespace json = boost::json;
using sanad::testing::TempDir;

int64_t g_us = 0;
// A clock that stands still: uniqueness of date_added must not rely on it.
int64_t FrozenClock() { return g_us; }

std::string Iso(int64_t secs) { return util::FormatIso8601(secs); }

// One report per event, one indicator per attribute (id from the attribute
// uuid, version from its timestamp), one SCO per attribute (no version), and
// the creator's identity (shared by every event of the creator).
StatusOr<std::vector<std::string>> FakeConvert(store::Store*, const model::Event& ev) {
  std::vector<std::string> out;
  out.push_back(json::serialize(json::object{{"type", "identity"},
                                             {"spec_version", "2.1"},
                                             {"id", "identity--" + ev.orgc.uuid},
                                             {"created", "2020-01-01T00:00:00.000Z"},
                                             {"modified", "2020-01-01T00:00:00.000Z"},
                                             {"name", ev.orgc.name}}));
  json::array refs;
  auto attr = [&](const model::Attribute& a) {
    refs.push_back(json::value("indicator--" + a.uuid));
    out.push_back(json::serialize(json::object{{"type", "indicator"},
                                               {"spec_version", "2.1"},
                                               {"id", "indicator--" + a.uuid},
                                               {"created", Iso(a.timestamp)},
                                               {"modified", Iso(a.timestamp)},
                                               {"pattern", "[x:value = '" + a.value + "']"}}));
    out.push_back(json::serialize(
        json::object{{"type", "x-sco"}, {"id", "x-sco--" + a.uuid}, {"value", a.value}}));
  };
  for (const auto& a : ev.attributes) attr(a);
  for (const auto& o : ev.objects)
    for (const auto& a : o.attributes) attr(a);
  out.insert(out.begin() + 1, json::serialize(json::object{{"type", "report"},
                                                           {"spec_version", "2.1"},
                                                           {"id", "report--" + ev.uuid},
                                                           {"created", Iso(ev.timestamp)},
                                                           {"modified", Iso(ev.timestamp)},
                                                           {"name", ev.info},
                                                           {"object_refs", refs}}));
  return out;
}

class TaxiiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    util::Init();
    g_us = 1'700'000'000'000'000;
    s_ = testing::NewStore(dir_.path());
    ASSERT_NE(s_, nullptr);
    a_ = AddOrg("Alpha");
    b_ = AddOrg("Beta");
    c_ = AddOrg("Gamma");
    group_.name = "AB group";
    group_.owner = {a_.id, a_.uuid, a_.name};
    ASSERT_TRUE(s_->community().AddSharingGroup(&group_).ok());
    ASSERT_TRUE(s_->community().AddSharingGroupOrg(group_.id, b_.id).ok());
  }

  model::Org AddOrg(const std::string& name) {
    model::Org g;
    g.name = name;
    g.country = "MY";
    EXPECT_TRUE(s_->community().AddOrg(&g).ok());
    return g;
  }

  policy::Actor CallerOf(const model::Org& org) {
    policy::Actor c;
    c.org = org;
    c.viewer = *s_->community().ViewerFor(org.id);
    c.may_write = true;
    return c;
  }

  model::Attribute Attr(const std::string& value,
                        model::Distribution d = model::Distribution::kInherit, int64_t ts = 1000) {
    model::Attribute a;
    a.uuid = util::NewUuid();
    a.type = "domain";
    a.category = "Network activity";
    a.value = a.canonical = a.canonical1 = value;
    a.distribution = d;
    if (d == model::Distribution::kSharingGroup)
      a.sharing_group = {group_.id, group_.uuid, group_.name};
    a.timestamp = ts;
    a.to_ids = true;
    return a;
  }

  // An event held and created by `owner` with attributes `values`.
  model::Event AddEvent(const model::Org& owner, model::Distribution d,
                        std::vector<model::Attribute> attrs, std::vector<std::string> tags = {},
                        int64_t ts = 1000) {
    model::Event e;
    e.uuid = util::NewUuid();
    e.info = "event of " + owner.name;
    e.date = "2026-01-01";
    e.timestamp = ts;
    e.distribution = d;
    if (d == model::Distribution::kSharingGroup)
      e.sharing_group = {group_.id, group_.uuid, group_.name};
    e.org = e.orgc = {owner.id, owner.uuid, owner.name};
    for (const auto& t : tags) e.tags.push_back({t, "", true, false});
    e.attributes = std::move(attrs);
    auto r = s_->events().UpsertEvent(&e);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return e;
  }

  Collection Col(const policy::Actor& c, const std::string& id) {
    auto col = FindCollection(s_.get(), c, id);
    EXPECT_TRUE(col.ok()) << id << ": " << col.status().ToString();
    return col.ok() ? *col : Collection{};
  }

  void Refresh(const Collection& col) {
    Status st = taxii::Refresh(s_.get(), col, FakeConvert, FrozenClock, nullptr);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  // Every object `c` reads from `col` (all pages), as ids.
  std::vector<std::string> ReadAll(const Collection& col, const policy::Viewer& v,
                                   int64_t limit = 1000, Filter f = {}) {
    std::vector<std::string> ids;
    f.limit = limit;
    for (int guard = 0; guard < 10000; ++guard) {
      auto p = Read(s_.get(), col, v, f);
      EXPECT_TRUE(p.ok()) << p.status().ToString();
      if (!p.ok()) break;
      for (const auto& r : p->rows) ids.push_back(r.stix_id);
      if (!p->more) break;
      EXPECT_FALSE(p->next.empty());
      auto nf = ParseFilter({{"next", p->next}}, true);
      EXPECT_TRUE(nf.ok());
      f.next_after = nf->next_after;
    }
    return ids;
  }

  static bool Has(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }

  TempDir dir_;
  std::unique_ptr<store::Store> s_;
  model::Org a_, b_, c_;
  model::SharingGroup group_;
};

TEST(TaxiiTime, FormatsAndParsesMicroseconds) {
  int64_t us = 0;
  ASSERT_TRUE(ParseTimestamp("2026-11-30T01:02:03.123456Z", &us));
  EXPECT_EQ(FormatTimestamp(us), "2026-11-30T01:02:03.123456Z");
  ASSERT_TRUE(ParseTimestamp("2026-11-30T01:02:03Z", &us));
  EXPECT_EQ(us % 1000000, 0);
  ASSERT_TRUE(ParseTimestamp("2026-11-30T01:02:03.1Z", &us));
  EXPECT_EQ(FormatTimestamp(us), "2026-11-30T01:02:03.100000Z");
  ASSERT_TRUE(ParseTimestamp("1970-01-01T00:00:00.000001Z", &us));
  EXPECT_EQ(us, 1);
  for (const char* bad : {"", "2026-11-30", "2026-11-30T01:02:03", "2026-13-30T01:02:03Z",
                          "2026-11-30T01:02:03.Z", "2026-11-30T01:02:03+01:00", "yesterday"})
    EXPECT_FALSE(ParseTimestamp(bad, &us)) << bad;
}

TEST_F(TaxiiTest, CollectionsPerViewer) {
  auto ca = CollectionsFor(s_.get(), CallerOf(a_));
  ASSERT_TRUE(ca.ok());
  std::vector<std::string> ids;
  for (const auto& c : *ca) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{kCommunityCollectionId, a_.uuid, group_.uuid,
                                           kPublicCollectionId}));
  EXPECT_FALSE(ca->back().can_write);  // public is read-only
  auto cc = CollectionsFor(s_.get(), CallerOf(c_));
  ASSERT_TRUE(cc.ok());
  ASSERT_EQ(cc->size(), 3u);  // no group for Gamma
  // Another org's own collection and a group one is not in are unknown.
  EXPECT_EQ(FindCollection(s_.get(), CallerOf(c_), a_.uuid).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(FindCollection(s_.get(), CallerOf(c_), group_.uuid).status().code(),
            Status::Code::kNotFound);
  policy::Actor reader = CallerOf(b_);
  reader.may_write = false;
  auto cr = CollectionsFor(s_.get(), reader);
  ASSERT_TRUE(cr.ok());
  for (const auto& c : *cr) EXPECT_FALSE(c.can_write);
  json::value v = json::parse(CollectionJson(ca->front()));
  EXPECT_EQ(v.at("id").as_string(), kCommunityCollectionId);
  EXPECT_TRUE(v.at("can_read").as_bool());
  EXPECT_EQ(v.at("media_types").at(0).as_string(), kStixMediaType);
}

TEST_F(TaxiiTest, DateAddedIsUniqueAndIncreasingAndPagingVisitsEachObjectOnce) {
  for (int i = 0; i < 7; ++i)
    AddEvent(
        a_, model::Distribution::kCommunity,
        {Attr("a" + std::to_string(i) + ".example"), Attr("b" + std::to_string(i) + ".example")});
  policy::Actor cb = CallerOf(b_);
  Collection col = Col(cb, kCommunityCollectionId);
  Refresh(col);
  auto count = store::NewTaxiiStore(s_.get())->CountLatest(col.id);
  // 7 reports + 14 indicators + 14 SCOs + 1 shared identity.
  EXPECT_EQ(*count, 36);
  Filter all;
  all.limit = 1000;
  auto p = Read(s_.get(), col, cb.viewer, all);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->rows.size(), 36u);
  EXPECT_FALSE(p->more);
  EXPECT_TRUE(p->next.empty());
  for (size_t i = 1; i < p->rows.size(); ++i)
    EXPECT_LT(p->rows[i - 1].date_added, p->rows[i].date_added);  // the clock stood still
  EXPECT_EQ(DateAddedFirst(*p), FormatTimestamp(p->rows.front().date_added));
  EXPECT_EQ(DateAddedLast(*p), FormatTimestamp(p->rows.back().date_added));

  for (int64_t limit : {1, 5, 35, 36, 37}) {
    auto ids = ReadAll(col, cb.viewer, limit);
    EXPECT_EQ(ids.size(), 36u) << limit;
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 36u) << limit;
  }
  // added_after is exclusive: paging by the last date_added also works.
  Filter f;
  f.limit = 10;
  std::vector<std::string> ids;
  while (true) {
    auto pg = Read(s_.get(), col, cb.viewer, f);
    ASSERT_TRUE(pg.ok());
    for (auto& r : pg->rows) ids.push_back(r.stix_id);
    if (pg->rows.empty()) break;
    f.added_after = pg->rows.back().date_added;
  }
  EXPECT_EQ(ids.size(), 36u);

  // A refresh without changes appends nothing; an update appends versions
  // after everything else.
  RefreshStats st;
  ASSERT_TRUE(taxii::Refresh(s_.get(), col, FakeConvert, FrozenClock, nullptr, &st).ok());
  EXPECT_EQ(st.appended, 0);
  int64_t last = p->rows.back().date_added;
  model::Event e = AddEvent(a_, model::Distribution::kCommunity, {Attr("new.example")});
  Refresh(col);
  Filter after;
  after.added_after = last;
  auto np = Read(s_.get(), col, cb.viewer, after);
  ASSERT_TRUE(np.ok());
  std::vector<std::string> fresh;
  for (const auto& r : np->rows) fresh.push_back(r.stix_id);
  EXPECT_EQ(fresh.size(), 3u);  // report, indicator, SCO; the identity is unchanged
  EXPECT_TRUE(Has(fresh, "report--" + e.uuid));
}

TEST_F(TaxiiTest, RefreshInChunksResumesAfterAFailure) {
  const int n = static_cast<int>(kRefreshChunk) * 2 + 50;
  for (int i = 0; i < n; ++i)
    AddEvent(a_, model::Distribution::kCommunity, {Attr("c" + std::to_string(i) + ".example")});
  policy::Actor cb = CallerOf(b_);
  Collection col = Col(cb, kCommunityCollectionId);
  // The conversion fails in the third chunk: the first two chunks stay
  // committed, the collection does not count as refreshed.
  int calls = 0;
  Converter failing = [&](store::Store* s,
                          const model::Event& ev) -> StatusOr<std::vector<std::string>> {
    if (++calls > static_cast<int>(kRefreshChunk) * 2 + 10)
      return Status::Internal("converter down");
    return FakeConvert(s, ev);
  };
  std::mutex writer;
  Status st = taxii::Refresh(s_.get(), col, failing, FrozenClock, &writer);
  EXPECT_EQ(st.code(), Status::Code::kInternal);
  auto ts = store::NewTaxiiStore(s_.get());
  EXPECT_EQ(*ts->CountLatest(col.id), static_cast<int64_t>(kRefreshChunk) * 2 * 3 + 1);
  EXPECT_TRUE(*NeedsRefresh(s_.get(), col));
  RefreshStats stats;
  ASSERT_TRUE(taxii::Refresh(s_.get(), col, FakeConvert, FrozenClock, &writer, &stats).ok());
  EXPECT_EQ(stats.events, n - static_cast<int>(kRefreshChunk) * 2);  // resumed, not restarted
  EXPECT_FALSE(*NeedsRefresh(s_.get(), col));
  auto ids = ReadAll(col, cb.viewer, 1000);
  EXPECT_EQ(ids.size(), static_cast<size_t>(n * 3 + 1));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  Filter all;
  all.limit = kMaxPage;
  int64_t prev = 0;
  for (;;) {
    auto p = Read(s_.get(), col, cb.viewer, all);
    ASSERT_TRUE(p.ok());
    for (const auto& r : p->rows) {
      EXPECT_LT(prev, r.date_added);
      prev = r.date_added;
    }
    if (!p->more) break;
    all.added_after = prev;
  }
}

TEST_F(TaxiiTest, VersionsFiltersAndWithdrawal) {
  model::Attribute keep = Attr("keep.example");
  model::Attribute gone = Attr("gone.example");
  model::Event e = AddEvent(a_, model::Distribution::kCommunity, {keep, gone});
  policy::Actor cb = CallerOf(b_);
  Collection col = Col(cb, kCommunityCollectionId);
  Refresh(col);
  // A new version of the event: keep changes, gone is deleted.
  model::Event upd = *s_->events().GetEvent(CallerOf(a_).viewer, e.uuid);
  upd.timestamp = 3000;
  for (auto& a : upd.attributes) {
    a.timestamp = 3000;
    if (a.uuid == gone.uuid) a.deleted = true;
    if (a.uuid == keep.uuid) a.comment = "changed";
  }
  ASSERT_TRUE(s_->events().UpsertEvent(&upd).ok());
  Refresh(col);

  auto ids = ReadAll(col, cb.viewer);
  EXPECT_TRUE(Has(ids, "indicator--" + keep.uuid));
  EXPECT_FALSE(Has(ids, "indicator--" + gone.uuid)) << "withdrawn objects are not served";
  EXPECT_FALSE(Has(ids, "x-sco--" + gone.uuid));

  auto versions = [&](const char* spec) {
    auto f = ParseFilter({{"match[version]", spec}}, true);
    EXPECT_TRUE(f.ok());
    auto p = Read(s_.get(), col, cb.viewer, *f, "indicator--" + keep.uuid);
    EXPECT_TRUE(p.ok());
    std::vector<std::string> out;
    for (const auto& r : p->rows) out.push_back(r.version);
    return out;
  };
  EXPECT_EQ(versions("last"), (std::vector<std::string>{Iso(3000)}));
  EXPECT_EQ(versions("first"), (std::vector<std::string>{Iso(1000)}));
  EXPECT_EQ(versions("all"), (std::vector<std::string>{Iso(1000), Iso(3000)}));
  EXPECT_EQ(versions("first,last").size(), 2u);
  EXPECT_EQ(versions(Iso(1000).c_str()), (std::vector<std::string>{Iso(1000)}));
  EXPECT_TRUE(versions("2001-01-01T00:00:00Z").empty());

  auto by = [&](std::vector<std::pair<std::string, std::string>> q) {
    auto f = ParseFilter(q, true);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    f->limit = 1000;
    auto p = Read(s_.get(), col, cb.viewer, *f);
    EXPECT_TRUE(p.ok());
    std::set<std::string> types;
    for (const auto& r : p->rows) types.insert(r.type);
    return std::make_pair(p->rows.size(), types);
  };
  EXPECT_EQ(by({{"match[type]", "report"}}).first, 1u);
  EXPECT_EQ(by({{"match[type]", "report,identity"}}).second,
            (std::set<std::string>{"report", "identity"}));
  EXPECT_EQ(by({{"match[type]", "report"}, {"match[type]", "x-sco"}}).second,
            (std::set<std::string>{"report", "x-sco"}));
  EXPECT_EQ(by({{"match[id]", "report--" + util::ToLower(e.uuid)}}).first, 1u);
  EXPECT_EQ(by({{"match[spec_version]", "2.0"}}).first, 0u);
  EXPECT_EQ(by({{"match[spec_version]", "2.1"}}).first, 4u);  // identity, report, indicator, SCO
}

TEST_F(TaxiiTest, ParseFilterClampsLimitAndRejectsBadValues) {
  EXPECT_EQ(ParseFilter({{"limit", "0"}}, true)->limit, 1);
  EXPECT_EQ(ParseFilter({{"limit", "100000"}}, true)->limit, kMaxPage);
  EXPECT_EQ(ParseFilter({}, true)->limit, kDefaultPage);
  for (auto q : std::vector<std::pair<std::string, std::string>>{{"limit", "ten"},
                                                                 {"added_after", "yesterday"},
                                                                 {"next", "garbage"},
                                                                 {"match[version]", "newest"},
                                                                 {"match[colour]", "red"}})
    EXPECT_EQ(ParseFilter({q}, true).status().code(), Status::Code::kInvalid) << q.first;
  EXPECT_EQ(ParseFilter({{"match[version]", "all"}}, false).status().code(),
            Status::Code::kInvalid);
}

// ---- visibility: one test per collection type ----

TEST_F(TaxiiTest, CommunityCollectionServesOnlyWhatEveryMemberMaySee) {
  model::Attribute shared = Attr("shared.example");
  model::Attribute org_only = Attr("org-only.example", model::Distribution::kOrganisation);
  model::Attribute group_only = Attr("group-only.example", model::Distribution::kSharingGroup);
  model::Event community =
      AddEvent(a_, model::Distribution::kCommunity, {shared, org_only, group_only});
  model::Event private_ev =
      AddEvent(a_, model::Distribution::kOrganisation, {Attr("private.example")});
  model::Event group_ev = AddEvent(a_, model::Distribution::kSharingGroup, {Attr("group.example")});
  for (const model::Org* org : {&a_, &b_, &c_}) {
    policy::Actor c = CallerOf(*org);
    Collection col = Col(c, kCommunityCollectionId);
    Refresh(col);
    auto ids = ReadAll(col, c.viewer);
    EXPECT_TRUE(Has(ids, "report--" + community.uuid)) << org->name;
    EXPECT_TRUE(Has(ids, "indicator--" + shared.uuid)) << org->name;
    EXPECT_FALSE(Has(ids, "indicator--" + org_only.uuid)) << org->name;
    EXPECT_FALSE(Has(ids, "indicator--" + group_only.uuid)) << org->name;
    EXPECT_FALSE(Has(ids, "report--" + private_ev.uuid)) << org->name;
    EXPECT_FALSE(Has(ids, "report--" + group_ev.uuid)) << org->name;
  }
  // The row check uses the event as stored now: an event made private after
  // the last refresh is not served, even before the next refresh.
  policy::Actor cb = CallerOf(b_);
  Collection col = Col(cb, kCommunityCollectionId);
  model::Event now_private = *s_->events().GetEvent(CallerOf(a_).viewer, community.uuid);
  now_private.distribution = model::Distribution::kOrganisation;
  now_private.timestamp = 5000;
  ASSERT_TRUE(s_->events().UpsertEvent(&now_private).ok());
  auto ids = ReadAll(col, cb.viewer);
  EXPECT_FALSE(Has(ids, "report--" + community.uuid));
  EXPECT_FALSE(Has(ids, "indicator--" + shared.uuid));
  Refresh(col);
  ids = ReadAll(col, CallerOf(a_).viewer);  // withdrawn for everyone after the refresh
  EXPECT_FALSE(Has(ids, "report--" + community.uuid));
}

TEST_F(TaxiiTest, OwnCollectionIsTheOwnersAndRowsAreCheckedForOthers) {
  model::Attribute secret = Attr("secret.example", model::Distribution::kOrganisation);
  model::Event private_ev = AddEvent(a_, model::Distribution::kOrganisation, {secret});
  model::Event b_ev = AddEvent(b_, model::Distribution::kCommunity, {Attr("b.example")});
  policy::Actor ca = CallerOf(a_);
  Collection own = Col(ca, a_.uuid);
  Refresh(own);
  auto ids = ReadAll(own, ca.viewer);
  EXPECT_TRUE(Has(ids, "report--" + private_ev.uuid));
  EXPECT_TRUE(Has(ids, "indicator--" + secret.uuid));
  EXPECT_FALSE(Has(ids, "report--" + b_ev.uuid));  // only events Alpha holds
  // Beta cannot name Alpha's own collection; even read directly, the policy
  // check drops every row of Alpha's private event.
  EXPECT_EQ(FindCollection(s_.get(), CallerOf(b_), a_.uuid).status().code(),
            Status::Code::kNotFound);
  auto leaked = ReadAll(own, CallerOf(b_).viewer);
  EXPECT_FALSE(Has(leaked, "report--" + private_ev.uuid));
  EXPECT_FALSE(Has(leaked, "indicator--" + secret.uuid));
}

TEST_F(TaxiiTest, SharingGroupCollectionIsForMembersOnly) {
  model::Attribute in_group = Attr("in-group.example", model::Distribution::kSharingGroup);
  model::Event group_ev = AddEvent(a_, model::Distribution::kSharingGroup, {Attr("g.example")});
  model::Event mixed =
      AddEvent(a_, model::Distribution::kCommunity, {Attr("pub.example"), in_group});
  model::Event outside = AddEvent(a_, model::Distribution::kCommunity, {Attr("other.example")});
  policy::Actor cb = CallerOf(b_);
  Collection col = Col(cb, group_.uuid);
  Refresh(col);
  auto ids = ReadAll(col, cb.viewer);
  EXPECT_TRUE(Has(ids, "report--" + group_ev.uuid));
  EXPECT_TRUE(Has(ids, "indicator--" + in_group.uuid));  // group attribute of a community event
  EXPECT_TRUE(Has(ids, "report--" + mixed.uuid));
  EXPECT_FALSE(Has(ids, "report--" + outside.uuid));  // nothing of the group in it
  // Gamma is not in the group: no collection, and the rows of the group's
  // event fail the policy check.
  EXPECT_EQ(FindCollection(s_.get(), CallerOf(c_), group_.uuid).status().code(),
            Status::Code::kNotFound);
  auto leaked = ReadAll(col, CallerOf(c_).viewer);
  EXPECT_FALSE(Has(leaked, "report--" + group_ev.uuid));
}

TEST_F(TaxiiTest, PublicCollectionHoldsOnlyClearData) {
  model::Attribute clear = Attr("clear.example");
  model::Attribute amber = Attr("amber.example");
  amber.tags = {{"tlp:amber", "", true, false}};
  model::Event clear_ev = AddEvent(a_, model::Distribution::kAll, {clear, amber}, {"tlp:clear"});
  model::Event white_ev =
      AddEvent(b_, model::Distribution::kCommunity, {Attr("w.example")}, {"tlp:white"});
  model::Event green_ev =
      AddEvent(a_, model::Distribution::kAll, {Attr("g.example")}, {"tlp:green"});
  model::Event private_clear =
      AddEvent(a_, model::Distribution::kOrganisation, {Attr("p.example")}, {"tlp:clear"});
  model::Event group_clear =
      AddEvent(a_, model::Distribution::kSharingGroup, {Attr("s.example")}, {"tlp:clear"});
  for (const model::Org* org : {&a_, &c_}) {
    policy::Actor c = CallerOf(*org);
    Collection col = Col(c, kPublicCollectionId);
    EXPECT_FALSE(col.can_write);
    Refresh(col);
    auto ids = ReadAll(col, c.viewer);
    EXPECT_TRUE(Has(ids, "report--" + clear_ev.uuid)) << org->name;
    EXPECT_TRUE(Has(ids, "indicator--" + clear.uuid));
    EXPECT_FALSE(Has(ids, "indicator--" + amber.uuid));
    EXPECT_TRUE(Has(ids, "report--" + white_ev.uuid));
    EXPECT_FALSE(Has(ids, "report--" + green_ev.uuid));
    EXPECT_FALSE(Has(ids, "report--" + private_clear.uuid));
    EXPECT_FALSE(Has(ids, "report--" + group_clear.uuid));
  }
  auto st = AddObjects(s_.get(), Col(CallerOf(a_), kPublicCollectionId), CallerOf(a_),
                       R"({"objects": []})", nullptr, FrozenClock);
  EXPECT_EQ(st.status().code(), Status::Code::kPermission);
}

TEST_F(TaxiiTest, SensitiveEventsAreReportedForTheAuditLog) {
  model::Event amber =
      AddEvent(a_, model::Distribution::kCommunity, {Attr("x.example")}, {"tlp:amber"});
  AddEvent(a_, model::Distribution::kCommunity, {Attr("y.example")}, {"tlp:green"});
  policy::Actor cb = CallerOf(b_);
  Collection col = Col(cb, kCommunityCollectionId);
  Refresh(col);
  auto p = Read(s_.get(), col, cb.viewer, Filter{});
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->sensitive_events.size(), 1u);
  EXPECT_EQ(p->sensitive_events[0].first, amber.uuid);
  EXPECT_EQ(p->sensitive_events[0].second, a_.uuid);
}

// ---- add, status, delete ----

TEST_F(TaxiiTest, AddObjectsAnswersAStatusAndStoresIt) {
  policy::Actor cb = CallerOf(b_);
  Collection col = Col(cb, kCommunityCollectionId);
  std::string seen_bundle;
  AddTarget seen_target;
  Importer ok = [&](store::Store*, std::string_view bundle,
                    const AddTarget& t) -> StatusOr<ImportOutcome> {
    seen_bundle = bundle;
    seen_target = t;
    ImportOutcome out;
    out.notes = {"kept unmapped: x-thing x-thing--1: unknown type"};
    return out;
  };
  std::string env = R"({"objects": [
      {"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "modified": "2026-01-01T00:00:00.000Z"},
      {"type": "x-thing", "id": "x-thing--1"}]})";
  auto st = AddObjects(s_.get(), col, cb, env, ok, FrozenClock);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  json::value v = json::parse(*st);
  EXPECT_EQ(v.at("status").as_string(), "complete");
  EXPECT_EQ(v.at("total_count").as_int64(), 2);
  EXPECT_EQ(v.at("success_count").as_int64(), 2);
  EXPECT_EQ(v.at("failure_count").as_int64(), 0);
  EXPECT_EQ(v.at("pending_count").as_int64(), 0);
  EXPECT_EQ(v.at("successes").at(0).at("version").as_string(), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(seen_target.org_id, b_.id);
  EXPECT_EQ(seen_target.distribution, model::Distribution::kCommunity);
  EXPECT_EQ(json::parse(seen_bundle).at("type").as_string(), "bundle");
  // The status is kept, for the requesting org only.
  std::string id(v.at("id").as_string());
  auto again = GetStatus(s_.get(), cb, id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *st);
  EXPECT_EQ(GetStatus(s_.get(), CallerOf(c_), id).status().code(), Status::Code::kNotFound);

  // A sharing-group collection writes distribution 4 with the group; the
  // own collection distribution 0.
  ASSERT_TRUE(
      AddObjects(s_.get(), Col(cb, group_.uuid), cb, env, ok, FrozenClock).ok());
  EXPECT_EQ(seen_target.distribution, model::Distribution::kSharingGroup);
  EXPECT_EQ(seen_target.sharing_group_id, group_.id);
  ASSERT_TRUE(
      AddObjects(s_.get(), Col(cb, b_.uuid), cb, env, ok, FrozenClock).ok());
  EXPECT_EQ(seen_target.distribution, model::Distribution::kOrganisation);

  // A failed import: every object fails with the reason, nothing written.
  Importer bad = [](store::Store*, std::string_view, const AddTarget&) -> StatusOr<ImportOutcome> {
    return Status::Permission("held by someone else");
  };
  auto failed = AddObjects(s_.get(), col, cb, env, bad, FrozenClock);
  ASSERT_TRUE(failed.ok());
  json::value fv = json::parse(*failed);
  EXPECT_EQ(fv.at("failure_count").as_int64(), 2);
  EXPECT_EQ(fv.at("success_count").as_int64(), 0);
  EXPECT_EQ(fv.at("failures").at(1).at("message").as_string(), "held by someone else");

  for (const char* bad_env : {"[]", "{}", R"({"objects": {}})", R"({"objects": [1]})",
                              R"({"objects": [{"type": "indicator"}]})",
                              R"({"objects": [{"id": "indicator--1"}]})", "not json"})
    EXPECT_EQ(
        AddObjects(s_.get(), col, cb, bad_env, ok, FrozenClock).status().code(),
        Status::Code::kInvalid)
        << bad_env;
}

// ---- ids of other organisations (issue 15, findings 4, 7 and 8) ----

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// An importer that records what it was given and writes nothing.
struct RecordingImporter {
  std::vector<std::string> ids;  // ids of the bundle it received
  ImportOutcome outcome;
  Importer Get() {
    return [this](store::Store*, std::string_view bundle,
                  const AddTarget&) -> StatusOr<ImportOutcome> {
      json::value b = json::parse(bundle);
      for (const auto& o : b.at("objects").as_array())
        ids.emplace_back(o.at("id").as_string());
      return outcome;
    };
  }
};

std::string Indicator(const std::string& id, const std::string& modified,
                      const std::string& value = "evil.example") {
  return json::serialize(json::object{{"type", "indicator"},
                                      {"spec_version", "2.1"},
                                      {"id", id},
                                      {"created", "2020-01-01T00:00:00.000Z"},
                                      {"modified", modified},
                                      {"pattern", "[domain-name:value = '" + value + "']"},
                                      {"pattern_type", "stix"}});
}

// Failure messages by id, success ids.
struct Outcome {
  std::map<std::string, std::string> failures;
  std::set<std::string> successes;
  int64_t success_count = 0, failure_count = 0, total = 0;
};
Outcome ReadStatus(const std::string& text) {
  Outcome o;
  json::value v = json::parse(text);
  for (const auto& f : v.at("failures").as_array())
    o.failures[std::string(f.at("id").as_string())] = f.at("message").as_string();
  for (const auto& x : v.at("successes").as_array())
    o.successes.insert(std::string(x.at("id").as_string()));
  o.success_count = v.at("success_count").as_int64();
  o.failure_count = v.at("failure_count").as_int64();
  o.total = v.at("total_count").as_int64();
  return o;
}

// Finding 4: a writer may not add, under an id another organisation holds
// (in an event, an attribute, a kept original or an object-log row, seen by
// the writer or not), an object of its own making; the refusal reads the same
// for hidden and visible objects; ids nobody else holds, observables, TLP
// markings and the writer's own identity pass.
TEST_F(TaxiiTest, IdsHeldByAnotherOrganisationAreRefusedAlike) {
  model::Attribute hidden = Attr("hidden.example");
  model::Event hidden_ev = AddEvent(a_, model::Distribution::kOrganisation, {hidden});
  model::Attribute shown = Attr("shown.example");
  model::Event shown_ev = AddEvent(a_, model::Distribution::kCommunity, {shown});
  // A kept original of Alpha's hidden event, and Alpha's object log.
  std::string kept_id = "x-custom--" + util::NewUuid();
  store::StixObject k;
  k.stix_id = kept_id;
  k.type = "x-custom";
  k.json = R"({"type":"x-custom","id":")" + kept_id + R"("})";
  ASSERT_TRUE(store::NewStixStore(s_.get())->PutEventObjects(hidden_ev.id, {k}).ok());
  policy::Actor ca = CallerOf(a_), cb = CallerOf(b_);
  Refresh(Col(ca, a_.uuid));
  Refresh(Col(cb, kCommunityCollectionId));
  // An id only an object-log row of Alpha's hidden event carries.
  std::string log_only = "x-other--" + util::NewUuid();
  {
    store::TaxiiObjectRow row;
    row.collection = a_.uuid;
    row.stix_id = log_only;
    row.type = "x-other";
    row.spec_version = "2.1";
    row.version_us = row.date_added = g_us * 2;
    row.event_id = hidden_ev.id;
    row.hash = "h";
    row.json = "{}";
    ASSERT_TRUE(store::NewTaxiiStore(s_.get())->InsertObject(&row).ok());
  }

  std::string mine = "indicator--" + util::NewUuid();
  std::vector<std::string> foreign = {
      "indicator--" + hidden.uuid,  // hidden attribute
      "indicator--" + Upper(hidden.uuid),
      "indicator--" + shown.uuid,    // visible attribute
      "report--" + hidden_ev.uuid,   // hidden event
      "report--" + shown_ev.uuid,    // visible event
      kept_id,                       // kept original of a hidden event
      log_only,                      // object-log row of a hidden event
      "identity--" + a_.uuid,        // another member's identity
      "identity--" + c_.uuid,        // another member's identity, in no event
  };
  json::array objs;
  for (const auto& id : foreign) {
    json::value o = json::parse(Indicator(id, "2030-01-01T00:00:00.000Z"));
    o.as_object()["type"] = id.substr(0, id.find("--"));
    objs.push_back(o);
  }
  objs.push_back(json::parse(Indicator(mine, "2026-01-01T00:00:00.000Z")));
  objs.push_back(json::object{{"type", "identity"}, {"id", "identity--" + b_.uuid}, {"name", "B"}});
  objs.push_back(json::object{{"type", "ipv4-addr"},
                              {"id", "ipv4-addr--" + util::NewUuid()},
                              {"value", "192.0.2.1"}});
  objs.push_back(json::object{
      {"type", "marking-definition"},
      {"id", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"}});  // TLP:AMBER
  // A byte-identical copy of Alpha's visible indicator as served: accepted.
  auto served = Read(s_.get(), Col(cb, kCommunityCollectionId), cb.viewer, Filter{},
                     "indicator--" + shown.uuid);
  ASSERT_TRUE(served.ok());
  ASSERT_EQ(served->rows.size(), 1u);
  std::string copy_envelope = R"({"objects": [)" + served->rows[0].json + "]}";

  for (const char* coll : {kCommunityCollectionId, "own"}) {
    RecordingImporter rec;
    std::string env = json::serialize(json::object{{"objects", objs}});
    auto st = AddObjects(s_.get(), Col(cb, coll), cb, env, rec.Get(), FrozenClock);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    Outcome o = ReadStatus(*st);
    EXPECT_EQ(o.total, static_cast<int64_t>(foreign.size() + 4));
    EXPECT_EQ(o.failure_count, static_cast<int64_t>(foreign.size())) << *st;
    EXPECT_EQ(o.success_count, 4) << *st;
    for (const auto& id : foreign) {
      ASSERT_TRUE(o.failures.count(id)) << id << " " << *st;
      EXPECT_EQ(o.failures[id], kIdNotAccepted) << id;  // hidden or not: the same words
      EXPECT_FALSE(std::count(rec.ids.begin(), rec.ids.end(), id)) << id << " was imported";
    }
    EXPECT_EQ(st->find("held by"), std::string::npos) << *st;
    EXPECT_EQ(rec.ids.size(), 4u);
    EXPECT_TRUE(o.successes.count(mine));

    RecordingImporter rec2;
    auto again = AddObjects(s_.get(), Col(cb, coll), cb, copy_envelope, rec2.Get(),
                            FrozenClock);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(ReadStatus(*again).success_count, 1) << *again;
  }
  // The owner itself may update its objects.
  RecordingImporter rec;
  std::string env = R"({"objects": [)" +
                    Indicator("indicator--" + hidden.uuid, "2030-01-01T00:00:00.000Z") + "]}";
  auto own = AddObjects(s_.get(), Col(ca, "own"), ca, env, rec.Get(), FrozenClock);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(ReadStatus(*own).success_count, 1) << *own;
}

// Finding 8: the status says what happened to each object: objects the
// import did not write, and the older duplicates of an id, are failures with
// a message; counts add up.
TEST_F(TaxiiTest, StatusListsObjectsNotWritten) {
  policy::Actor cb = CallerOf(b_);
  std::string a = "indicator--" + util::NewUuid(), b = "indicator--" + util::NewUuid();
  RecordingImporter rec;
  rec.outcome.not_written = {{a, "not added: a newer version is stored"}};
  std::string env = R"({"objects": [)" + Indicator(a, "2026-01-01T00:00:00.000Z") + "," +
                    Indicator(b, "2026-01-01T00:00:00.000Z") + "," +
                    Indicator(b, "2027-01-01T00:00:00.000Z") + "," +
                    Indicator(b, "2026-06-01T00:00:00.000Z") + "]}";
  auto st = AddObjects(s_.get(), Col(cb, kCommunityCollectionId), cb, env, rec.Get(),
                       FrozenClock);
  ASSERT_TRUE(st.ok());
  json::value v = json::parse(*st);
  EXPECT_EQ(v.at("total_count").as_int64(), 4);
  EXPECT_EQ(v.at("success_count").as_int64(), 1) << *st;
  EXPECT_EQ(v.at("failure_count").as_int64(), 3);
  const auto& ok = v.at("successes").as_array();
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].at("id").as_string(), b);
  EXPECT_EQ(ok[0].at("version").as_string(), "2027-01-01T00:00:00.000Z");
  const auto& bad = v.at("failures").as_array();
  ASSERT_EQ(bad.size(), 3u);
  EXPECT_EQ(bad[0].at("id").as_string(), a);
  EXPECT_EQ(bad[0].at("message").as_string(), "not added: a newer version is stored");
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(bad[i].at("id").as_string(), b);
    EXPECT_FALSE(bad[i].at("message").as_string().empty());
  }
  // Only the newest version of b reached the importer.
  EXPECT_EQ(rec.ids, (std::vector<std::string>{a, b}));
}

TEST_F(TaxiiTest, CollectionsAnswerToTheirAliases) {
  policy::Actor ca = CallerOf(a_);
  EXPECT_EQ(Col(ca, "community").id, kCommunityCollectionId);
  EXPECT_EQ(Col(ca, "COMMUNITY").id, kCommunityCollectionId);
  EXPECT_EQ(Col(ca, "own").id, a_.uuid);
  EXPECT_EQ(Col(CallerOf(b_), "own").id, b_.uuid);
  EXPECT_EQ(Col(ca, "public").id, kPublicCollectionId);
  EXPECT_EQ(FindCollection(s_.get(), ca, "nope").status().code(), Status::Code::kNotFound);
}

// Another organisation's status answers exactly like an absent one.
TEST_F(TaxiiTest, AnotherOrganisationsStatusReadsLikeAnAbsentOne) {
  policy::Actor cb = CallerOf(b_);
  RecordingImporter rec;
  auto st = AddObjects(s_.get(), Col(cb, "own"), cb,
                       R"({"objects": [)" + Indicator("indicator--" + util::NewUuid(),
                                                      "2026-01-01T00:00:00.000Z") + "]}",
                       rec.Get(), FrozenClock);
  ASSERT_TRUE(st.ok());
  std::string id = Upper(std::string(json::parse(*st).at("id").as_string()));
  std::string absent = Upper(util::NewUuid());
  auto other = GetStatus(s_.get(), CallerOf(c_), id);
  auto missing = GetStatus(s_.get(), CallerOf(c_), absent);
  ASSERT_FALSE(other.ok());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(other.status().code(), missing.status().code());
  std::string m1 = other.status().message(), m2 = missing.status().message();
  EXPECT_EQ(m1.substr(0, m1.size() - id.size()), m2.substr(0, m2.size() - absent.size()));
  EXPECT_EQ(m1.substr(m1.size() - id.size()), id);
}

TEST_F(TaxiiTest, OnlyTheOwnerDeletesAndTheObjectIsWithdrawn) {
  model::Attribute a1 = Attr("one.example");
  model::Attribute a2 = Attr("two.example");
  model::Event e = AddEvent(a_, model::Distribution::kCommunity, {a1, a2});
  policy::Actor ca = CallerOf(a_), cb = CallerOf(b_);
  Collection col = Col(cb, kCommunityCollectionId);
  Refresh(col);
  EXPECT_EQ(DeleteObject(s_.get(), col, cb, "indicator--" + a1.uuid).code(),
            Status::Code::kPermission);
  EXPECT_EQ(DeleteObject(s_.get(), col, ca, "indicator--" + util::NewUuid()).code(),
            Status::Code::kNotFound);
  EXPECT_EQ(DeleteObject(s_.get(), col, ca, "identity--" + a_.uuid).code(),
            Status::Code::kInvalid);
  ASSERT_TRUE(DeleteObject(s_.get(), col, ca, "indicator--" + a1.uuid).ok());
  Refresh(col);
  auto ids = ReadAll(col, cb.viewer);
  EXPECT_FALSE(Has(ids, "indicator--" + a1.uuid));
  EXPECT_TRUE(Has(ids, "indicator--" + a2.uuid));
  // Deleting the report deletes the event: everything of it goes.
  ASSERT_TRUE(DeleteObject(s_.get(), col, ca, "report--" + e.uuid).ok());
  Refresh(col);
  ids = ReadAll(col, cb.viewer);
  EXPECT_FALSE(Has(ids, "report--" + e.uuid));
  EXPECT_FALSE(Has(ids, "indicator--" + a2.uuid));
  EXPECT_FALSE(Has(ids, "identity--" + a_.uuid));  // no event produces it any more
}

}  // namespace
}  // namespace sanad::taxii
