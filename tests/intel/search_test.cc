// Search over a real store: value rules, filters, visibility, correlations.
#include "intel/search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "model/canon.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::intel {
namespace {

using model::Distribution;
using store::Store;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.path(), {.create_if_missing = true});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    orgs_ = testing::AddOrgs(store_.get(), {"Alpha", "Beta", "Gamma"});
    group_.name = "Alpha and Beta";
    group_.owner = Ref(orgs_[0]);
    ASSERT_TRUE(store_->community().AddSharingGroup(&group_).ok());
    ASSERT_TRUE(store_->community().AddSharingGroupOrg(group_.id, orgs_[1].id).ok());

    // Event 1 (Alpha, community, published, 2024-01-10, tags tlp:green + apt)
    e1_ = NewEvent(orgs_[0], "2024-01-10", Distribution::kCommunity);
    e1_.published = true;
    e1_.tags = {Tag("tlp:green"), Tag("apt-x")};
    e1_.attributes = {Attr("ip-dst", "10.20.30.40", true, 5000),
                      Attr("domain", "bad.example", true, 5000, {"phishing"}),
                      Attr("comment", "bad.example is bad", false, 5000)};
    Upsert(&e1_);
    // Event 2 (Beta, sharing group, unpublished, 2024-02-20)
    e2_ = NewEvent(orgs_[1], "2024-02-20", Distribution::kSharingGroup);
    e2_.sharing_group = model::SharingGroupRef{group_.id, group_.uuid, group_.name};
    e2_.attributes = {Attr("ip-src", "10.20.0.0/16", false, 9000, {"scanner"}),
                      Attr("url", "https://login.bad.example/x", true, 9000)};
    Upsert(&e2_);
    // Event 3 (Gamma, community, published, 2024-03-30)
    e3_ = NewEvent(orgs_[2], "2024-03-30", Distribution::kCommunity);
    e3_.published = true;
    e3_.attributes = {Attr("hostname", "www.bad.example", true, 7000, {"phishing", "apt-x"})};
    Upsert(&e3_);

    auto idx = OpenCorrelationIndex(store_.get(), dir_.path());
    ASSERT_TRUE(idx.ok()) << idx.status().ToString();
    index_ = std::move(*idx);
    auto st = LoadCorrelationSettings(store_.get());
    ASSERT_TRUE(st.ok());
    settings_ = std::move(*st);
  }

  static model::OrgRef Ref(const model::Org& o) { return {o.id, o.uuid, o.name}; }
  static model::Tag Tag(const std::string& n) {
    model::Tag t;
    t.name = n;
    return t;
  }
  model::Event NewEvent(const model::Org& owner, const std::string& date, Distribution d) {
    model::Event e;
    e.uuid = util::NewUuid();
    e.info = "event of " + owner.name;
    e.date = date;
    e.timestamp = 10000;
    e.distribution = d;
    e.org = e.orgc = Ref(owner);
    return e;
  }
  model::Attribute Attr(const std::string& type, const std::string& value, bool to_ids,
                        model::Timestamp ts, std::vector<std::string> tags = {}) {
    model::Attribute a = testing::NewAttribute(type, value, to_ids, ts);
    for (const auto& t : tags) a.tags.push_back(Tag(t));
    return a;
  }
  void Upsert(model::Event* e) {
    auto r = store_->events().UpsertEvent(e);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  policy::Viewer ViewerOf(int i) { return *store_->community().ViewerFor(orgs_[i].id); }

  // Values of the hits.
  std::vector<std::string> Run(int org, const std::vector<std::string>& values,
                               SearchFilters f = {}, SearchResult* res_out = nullptr) {
    SearchResult res;
    Status st = Search(store_.get(), *index_, settings_, ViewerOf(org), values, f, &res);
    EXPECT_TRUE(st.ok()) << st.ToString();
    std::vector<std::string> out;
    for (const auto& h : res.hits) out.push_back(h.context.attribute.value);
    if (res_out) *res_out = std::move(res);
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::vector<model::Org> orgs_;
  model::SharingGroup group_;
  model::Event e1_, e2_, e3_;
  std::unique_ptr<CorrelationIndex> index_;
  CorrelationSettings settings_;
};

TEST_F(SearchTest, ValueRules) {
  // Exact, and CIDR containment both ways.
  EXPECT_THAT(Run(0, {"10.20.30.40"}), ElementsAre("10.20.30.40", "10.20.0.0/16"));
  EXPECT_THAT(Run(0, {"10.0.0.0/8"}), ElementsAre("10.20.30.40", "10.20.0.0/16"));
  // Domain: itself, subdomains and URLs on them. Free text is found only by
  // exact value.
  EXPECT_THAT(Run(0, {"BAD.example"}),
              ElementsAre("bad.example", "https://login.bad.example/x", "www.bad.example"));
  EXPECT_THAT(Run(0, {"www.bad.example"}), ElementsAre("bad.example", "www.bad.example"));
  EXPECT_THAT(Run(0, {"bad.example is bad"}), ElementsAre("bad.example is bad"));
  // Several values at once.
  EXPECT_THAT(Run(0, {"www.bad.example", "10.20.30.40"}),
              ElementsAre("10.20.30.40", "bad.example", "10.20.0.0/16", "www.bad.example"));
  EXPECT_THAT(Run(0, {"nothing.example"}), IsEmpty());
  // A value that does not fit an explicit type is an error.
  SearchFilters f;
  f.type = "ip-dst";
  SearchResult res;
  Status st = Search(store_.get(), *index_, settings_, ViewerOf(0), {"bad.example"}, f, &res);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
}

TEST_F(SearchTest, VisibilityOfHitsAndCorrelations) {
  // Gamma is not in the sharing group: Beta's event is invisible to it.
  EXPECT_THAT(Run(2, {"10.0.0.0/8"}), ElementsAre("10.20.30.40"));
  SearchResult res;
  Run(2, {"10.20.30.40"}, {}, &res);
  ASSERT_EQ(res.hits.size(), 1u);
  EXPECT_THAT(res.hits[0].correlations, IsEmpty());  // the CIDR is hidden from Gamma
  Run(1, {"10.20.30.40"}, {}, &res);
  ASSERT_EQ(res.hits.size(), 2u);
  ASSERT_EQ(res.hits[0].correlations.size(), 1u);
  EXPECT_EQ(res.hits[0].correlations[0].context.attribute.value, "10.20.0.0/16");
  EXPECT_EQ(res.hits[0].correlations[0].match.rule, CorrelationRule::kCidr);
  EXPECT_EQ(res.hits[0].correlations[0].context.event_uuid, e2_.uuid);
  // The domain's correlations as Gamma sees them: its own hostname only.
  Run(2, {"bad.example"}, {}, &res);
  ASSERT_EQ(res.hits.size(), 2u);
  EXPECT_EQ(res.hits[0].context.attribute.value, "bad.example");
  ASSERT_EQ(res.hits[0].correlations.size(), 1u);
  EXPECT_EQ(res.hits[0].correlations[0].context.attribute.value, "www.bad.example");
  EXPECT_EQ(res.hits[0].query, "bad.example");
}

TEST_F(SearchTest, Filters) {
  std::vector<std::string> all = {"bad.example"};
  SearchFilters f;
  f.types = {"hostname", "URL"};
  EXPECT_THAT(Run(0, all, f), ElementsAre("https://login.bad.example/x", "www.bad.example"));
  f = {};
  f.categories = {"other"};
  EXPECT_THAT(Run(0, {"bad.example is bad"}, f), ElementsAre("bad.example is bad"));
  EXPECT_THAT(Run(0, all, f), IsEmpty());
  // Tags: attribute and event tags count; --tag is OR, --all-tags AND, !X NOT.
  f = {};
  AddTagFilters({"scanner", "TLP:GREEN"}, &f);
  EXPECT_THAT(Run(0, {"10.0.0.0/8"}, f), ElementsAre("10.20.30.40", "10.20.0.0/16"));
  f = {};
  f.all_tags = {"phishing", "apt-x"};
  EXPECT_THAT(Run(0, all, f), ElementsAre("bad.example", "www.bad.example"));
  f = {};
  AddTagFilters({"!apt-x"}, &f);
  EXPECT_THAT(Run(0, all, f), ElementsAre("https://login.bad.example/x"));
  f = {};
  AddTagFilters({"phishing", "!tlp:green"}, &f);
  EXPECT_THAT(Run(0, all, f), ElementsAre("www.bad.example"));
  // Creator org, by name or uuid.
  f = {};
  f.org = "gamma";
  EXPECT_THAT(Run(0, all, f), ElementsAre("www.bad.example"));
  f.org = orgs_[1].uuid;
  EXPECT_THAT(Run(0, all, f), ElementsAre("https://login.bad.example/x"));
  // Event dates, attribute timestamps.
  f = {};
  f.from = "2024-02-01";
  EXPECT_THAT(Run(0, all, f), ElementsAre("https://login.bad.example/x", "www.bad.example"));
  f.to = "2024-03-01";
  EXPECT_THAT(Run(0, all, f), ElementsAre("https://login.bad.example/x"));
  f = {};
  f.since = 6000;
  EXPECT_THAT(Run(0, all, f), ElementsAre("https://login.bad.example/x", "www.bad.example"));
  // Flags.
  f = {};
  f.to_ids = false;
  EXPECT_THAT(Run(0, {"10.0.0.0/8"}, f), ElementsAre("10.20.0.0/16"));
  f = {};
  f.published = true;
  EXPECT_THAT(Run(0, all, f), ElementsAre("bad.example", "www.bad.example"));
  // Limit.
  f = {};
  f.limit = 2;
  SearchResult res;
  EXPECT_THAT(Run(0, all, f, &res), ElementsAre("bad.example", "https://login.bad.example/x"));
  EXPECT_TRUE(res.truncated);
}

}  // namespace
}  // namespace sanad::intel
