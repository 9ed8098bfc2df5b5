// The correlation index: every rule, the exceptions (same event, disabled,
// non-correlating types, exclusions), over-correlation, visibility on both
// sides, and snapshots.
#include "intel/correlation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

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

constexpr int64_t kOwner = 1;   // owns every event unless said otherwise
constexpr int64_t kMember = 2;  // member of sharing group kGroup
constexpr int64_t kOutsider = 3;
constexpr int64_t kGroup = 10;

policy::Viewer Viewer(int64_t org) {
  policy::Viewer v;
  v.org_id = org;
  if (org == kOwner || org == kMember) v.sharing_groups = {kGroup};
  return v;
}

policy::AccessPath Community(int64_t owner = kOwner) {
  policy::AccessPath p;
  p.event_owner_org_id = owner;
  p.event_distribution = Distribution::kCommunity;
  return p;
}
policy::AccessPath OrgOnly(int64_t owner = kOwner) {
  policy::AccessPath p = Community(owner);
  p.event_distribution = Distribution::kOrganisation;
  return p;
}
policy::AccessPath GroupEvent(int64_t owner = kOwner) {
  policy::AccessPath p = Community(owner);
  p.event_distribution = Distribution::kSharingGroup;
  p.event_sharing_group_id = kGroup;
  return p;
}

// Rows are built with real canonicalisation.
class IndexTest : public ::testing::Test {
 protected:
  int64_t Add(int64_t event, const std::string& type, const std::string& value,
              policy::AccessPath access = Community(), bool disabled = false) {
    model::CanonicalValue cv;
    Status st = model::Canonicalise(type, value, &cv);
    EXPECT_TRUE(st.ok()) << type << " " << value << ": " << st.ToString();
    store::IndexRow r;
    r.attribute_id = ++next_id_;
    r.event_id = event;
    r.type = type;
    r.canonical1 = cv.part1;
    r.canonical2 = cv.part2;
    r.correlation_disabled = disabled;
    r.access = access;
    rows_.push_back(r);
    return r.attribute_id;
  }
  void Build() { index_ = CorrelationIndex::Build(rows_, 7); }

  // Correlated attribute ids of `id` as `org` sees them.
  std::vector<int64_t> Corr(int64_t id, int64_t org = kOwner) {
    auto r = index_->Correlations(Viewer(org), id, settings_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<int64_t> ids;
    if (!r.ok()) return ids;
    for (const auto& e : r->events) {
      for (const auto& m : e.matches) ids.push_back(m.attribute_id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  CorrelationMatch Match(int64_t id, int64_t other) {
    auto r = index_->Correlations(Viewer(kOwner), id, settings_);
    EXPECT_TRUE(r.ok());
    for (const auto& e : r->events) {
      for (const auto& m : e.matches) {
        if (m.attribute_id == other) return m;
      }
    }
    ADD_FAILURE() << id << " does not correlate with " << other;
    return {};
  }
  std::vector<int64_t> Find(const std::string& value, int64_t org = kOwner,
                            const std::string& type = "") {
    std::vector<CorrelationMatch> out;
    Status st = index_->Lookup(Viewer(org), value, type, 0, &out);
    EXPECT_TRUE(st.ok()) << st.ToString();
    std::vector<int64_t> ids;
    for (const auto& m : out) ids.push_back(m.attribute_id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::vector<store::IndexRow> rows_;
  std::unique_ptr<CorrelationIndex> index_;
  CorrelationSettings settings_;
  int64_t next_id_ = 100;
};

const std::string kSha = std::string(63, 'a') + "b";

TEST_F(IndexTest, ExactValuesAcrossEventsButNotWithinOne) {
  int64_t a = Add(1, "sha256", kSha);
  int64_t b = Add(2, "sha256", std::string(63, 'A') + "B");  // canonical: lower case
  int64_t c = Add(1, "sha256", kSha);                        // same event as a
  int64_t d = Add(3, "md5", std::string(32, 'c'));
  Build();
  EXPECT_THAT(Corr(a), ElementsAre(b));
  EXPECT_THAT(Corr(b), ElementsAre(a, c));
  EXPECT_THAT(Corr(c), ElementsAre(b));
  EXPECT_THAT(Corr(d), IsEmpty());
  EXPECT_EQ(Match(a, b).rule, CorrelationRule::kExact);
  EXPECT_EQ(Match(a, b).value, kSha);
  // Different types with the same canonical value correlate too.
  rows_.clear();
  int64_t f = Add(1, "filename", "invoice.pdf.exe");
  int64_t g = Add(2, "email-attachment", "invoice.pdf.exe");
  Build();
  EXPECT_THAT(Corr(f), ElementsAre(g));
}

TEST_F(IndexTest, CompositeTypesCorrelateOnTheirComponents) {
  int64_t fs = Add(1, "filename|sha256", "dropper.exe|" + kSha);
  int64_t sha = Add(2, "sha256", kSha);
  int64_t fn = Add(3, "filename", "dropper.exe");
  int64_t ipport = Add(4, "ip-dst|port", "192.0.2.7|443");
  int64_t ip = Add(5, "ip-dst", "192.0.2.7");
  int64_t other_port = Add(6, "ip-src|port", "198.51.100.1|443");
  int64_t port = Add(7, "port", "443");
  int64_t domip = Add(8, "domain|ip", "evil.example|198.51.100.1");
  int64_t dom = Add(9, "domain", "EVIL.example.");
  Build();
  EXPECT_THAT(Corr(fs), ElementsAre(sha, fn));
  EXPECT_THAT(Corr(sha), ElementsAre(fs));
  EXPECT_THAT(Corr(fn), ElementsAre(fs));
  // ip-dst|port on the IP only: the shared port 443 correlates nothing.
  EXPECT_THAT(Corr(ipport), ElementsAre(ip));
  EXPECT_THAT(Corr(port), IsEmpty());
  // domain|ip on both parts.
  EXPECT_THAT(Corr(domip), ElementsAre(other_port, dom));
  EXPECT_THAT(Corr(other_port), ElementsAre(domip));
  EXPECT_EQ(Match(domip, dom).value, "evil.example");
  EXPECT_EQ(Match(domip, other_port).value, "198.51.100.1");
}

TEST_F(IndexTest, Ipv4CidrBothWays) {
  int64_t host = Add(1, "ip-dst", "10.1.2.3");
  int64_t net16 = Add(2, "ip-src", "10.1.0.0/16");
  int64_t other16 = Add(3, "ip-dst", "10.2.0.0/16");
  int64_t net8 = Add(4, "ip-dst", "10.0.0.0/8");
  int64_t outside = Add(5, "ip-dst", "11.1.2.3");
  int64_t sloppy = Add(6, "ip-dst", "10.1.2.99/16");  // host bits cleared: 10.1.0.0/16
  Build();
  EXPECT_THAT(Corr(host), ElementsAre(net16, net8, sloppy));
  EXPECT_THAT(Corr(net16), ElementsAre(host, net8, sloppy));
  EXPECT_THAT(Corr(net8), ElementsAre(host, net16, other16, sloppy));
  EXPECT_THAT(Corr(other16), ElementsAre(net8));
  EXPECT_THAT(Corr(outside), IsEmpty());
  EXPECT_EQ(Match(host, net16).rule, CorrelationRule::kCidr);
  EXPECT_EQ(Match(net16, sloppy).rule, CorrelationRule::kExact);
  EXPECT_EQ(Match(host, net8).value, "10.0.0.0/8");
}

TEST_F(IndexTest, Ipv6CidrBothWays) {
  int64_t host = Add(1, "ip-dst", "2001:DB8:0:0::1");
  int64_t net = Add(2, "ip-src", "2001:db8::/32");
  int64_t narrow = Add(3, "ip-dst", "2001:db8:0:1::/64");
  int64_t other = Add(4, "ip-dst", "2001:db9::1");
  int64_t v4 = Add(5, "ip-dst", "32.1.13.184");  // same leading bytes, other family
  int64_t top = Add(6, "ip-dst", "2000::/3");
  Build();
  EXPECT_THAT(Corr(host), ElementsAre(net, top));
  EXPECT_THAT(Corr(net), ElementsAre(host, narrow, top));
  EXPECT_THAT(Corr(narrow), ElementsAre(net, top));
  EXPECT_THAT(Corr(other), ElementsAre(top));
  EXPECT_THAT(Corr(v4), IsEmpty());
  EXPECT_THAT(Corr(top), ElementsAre(host, net, narrow, other));
  EXPECT_EQ(Match(host, net).value, "2001:db8::/32");
}

TEST_F(IndexTest, HostnamesAndSubdomains) {
  int64_t dom = Add(1, "domain", "evil.example");
  int64_t www = Add(2, "hostname", "www.evil.example");
  int64_t deep = Add(3, "hostname", "a.b.evil.example");
  int64_t lookalike = Add(4, "domain", "notevil.example");
  int64_t sub = Add(5, "domain", "b.evil.example");
  int64_t hostport = Add(6, "hostname|port", "cdn.evil.example|8443");
  Build();
  EXPECT_THAT(Corr(dom), ElementsAre(www, deep, sub, hostport));
  EXPECT_THAT(Corr(www), ElementsAre(dom));
  EXPECT_THAT(Corr(deep), ElementsAre(dom, sub));
  EXPECT_THAT(Corr(sub), ElementsAre(dom, deep));
  EXPECT_THAT(Corr(lookalike), IsEmpty());
  EXPECT_THAT(Corr(hostport), ElementsAre(dom));
  EXPECT_EQ(Match(www, dom).rule, CorrelationRule::kSubdomain);
  EXPECT_EQ(Match(dom, deep).value, "a.b.evil.example");
}

TEST_F(IndexTest, PunycodeHosts) {
  int64_t uni = Add(1, "domain", "bücher.example");
  int64_t ace = Add(2, "hostname", "shop.xn--bcher-kva.example");
  int64_t url = Add(3, "url", "https://Shop.Bücher.example/cart?id=1");
  int64_t same = Add(4, "domain", "XN--BCHER-KVA.example");
  Build();
  EXPECT_THAT(Corr(uni), ElementsAre(ace, url, same));
  EXPECT_THAT(Corr(url), ElementsAre(uni, ace, same));
  EXPECT_EQ(Match(uni, same).value, "xn--bcher-kva.example");
  EXPECT_EQ(Match(url, uni).matched_value, "shop.xn--bcher-kva.example");
}

TEST_F(IndexTest, UrlHostMatchesDomainHostnameAndIpIndicators) {
  int64_t url = Add(1, "url", "http://user@WWW.evil.example:8080/x/../login.php");
  int64_t dom = Add(2, "domain", "evil.example");
  int64_t host = Add(3, "hostname", "www.evil.example");
  int64_t other_url = Add(4, "url", "http://www.evil.example/other");  // same host: no rule
  int64_t same_url = Add(5, "link", "http://user@www.evil.example:8080/login.php");
  int64_t ipurl = Add(6, "url", "http://192.0.2.10/gate.php");
  int64_t ip = Add(7, "ip-dst", "192.0.2.10");
  int64_t cidr = Add(8, "ip-src", "192.0.2.0/24");
  int64_t v6url = Add(9, "url", "https://[2001:db8::5]:8443/");
  int64_t v6net = Add(10, "ip-dst", "2001:db8::/48");
  int64_t schemeless = Add(11, "url", "deep.www.evil.example/a");
  Build();
  EXPECT_THAT(Corr(url), ElementsAre(dom, host, same_url));
  EXPECT_EQ(Match(url, dom).rule, CorrelationRule::kUrlHost);
  EXPECT_EQ(Match(url, same_url).rule, CorrelationRule::kExact);
  EXPECT_THAT(Corr(dom), ElementsAre(url, host, other_url, same_url, schemeless));
  EXPECT_THAT(Corr(host), ElementsAre(url, dom, other_url, same_url, schemeless));
  EXPECT_THAT(Corr(other_url), ElementsAre(dom, host));
  EXPECT_THAT(Corr(ipurl), ElementsAre(ip, cidr));
  EXPECT_THAT(Corr(ip), ElementsAre(ipurl, cidr));
  EXPECT_EQ(Match(ip, ipurl).rule, CorrelationRule::kUrlHost);
  EXPECT_THAT(Corr(cidr), ElementsAre(ipurl, ip));
  EXPECT_THAT(Corr(v6url), ElementsAre(v6net));
  EXPECT_THAT(Corr(v6net), ElementsAre(v6url));
  EXPECT_THAT(Corr(schemeless), ElementsAre(dom, host));
}

TEST_F(IndexTest, UrlHostExtraction) {
  EXPECT_EQ(UrlHost("http://user:pw@evil.example:8080/x"), "evil.example");
  EXPECT_EQ(UrlHost("https://[2001:db8::1]:443/"), "2001:db8::1");
  EXPECT_EQ(UrlHost("evil.example/path"), "evil.example");
  EXPECT_EQ(UrlHost("evil.example:8080/path"), "evil.example");
  EXPECT_EQ(UrlHost("//evil.example/path"), "evil.example");
  EXPECT_EQ(UrlHost("http://192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(UrlHost("mailto:a@evil.example"), "");
  EXPECT_EQ(UrlHost("file:///etc/passwd"), "");
}

TEST_F(IndexTest, DisableCorrelationAtAttributeOrEventLevel) {
  int64_t a = Add(1, "ip-dst", "203.0.113.5");
  int64_t off = Add(2, "ip-dst", "203.0.113.5", Community(), /*disabled=*/true);
  int64_t cidr_off = Add(3, "ip-src", "203.0.113.0/24", Community(), true);
  int64_t b = Add(4, "ip-dst", "203.0.113.5");
  Build();
  EXPECT_THAT(Corr(a), ElementsAre(b));
  EXPECT_THAT(Corr(off), IsEmpty());
  EXPECT_THAT(Corr(cidr_off), IsEmpty());
  // Search still finds the disabled attributes.
  EXPECT_THAT(Find("203.0.113.5"), ElementsAre(a, off, cidr_off, b));
}

TEST_F(IndexTest, NonCorrelatingTypesNeverCorrelate) {
  int64_t ip = Add(1, "ip-dst", "198.51.100.9");
  int64_t comment = Add(2, "comment", "198.51.100.9");
  int64_t text = Add(3, "text", "198.51.100.9");
  int64_t other = Add(4, "other", "198.51.100.9");
  int64_t size = Add(5, "size-in-bytes", "443");
  int64_t size2 = Add(6, "size-in-bytes", "443");
  int64_t unknown1 = Add(7, "x-custom-type", "Opaque Value");
  int64_t unknown2 = Add(8, "x-custom-type", "Opaque Value");
  Build();
  EXPECT_THAT(Corr(ip), IsEmpty());
  EXPECT_THAT(Corr(comment), IsEmpty());
  EXPECT_THAT(Corr(text), IsEmpty());
  EXPECT_THAT(Corr(other), IsEmpty());
  EXPECT_THAT(Corr(size), IsEmpty());
  EXPECT_FALSE(index_->Contains(size2));
  // Types unknown to MISP's table correlate on their exact value.
  EXPECT_THAT(Corr(unknown1), ElementsAre(unknown2));
}

TEST_F(IndexTest, DeletedAttributesAreLeftOut) {
  int64_t a = Add(1, "domain", "gone.example");
  policy::AccessPath del = Community();
  del.deleted = true;
  int64_t b = Add(2, "domain", "gone.example", del);
  Build();
  EXPECT_THAT(Corr(a), IsEmpty());
  EXPECT_FALSE(index_->Contains(b));
}

TEST(ExclusionMatcherTest, ExactAndWildcards) {
  ExclusionMatcher m;
  EXPECT_FALSE(m.Matches("anything"));
  m.Add("8.8.8.8");
  m.Add("%.GOOGLE.com");
  m.Add("update.%.example%");
  m.Add("%microsoft%");
  EXPECT_EQ(m.size(), 4u);
  EXPECT_TRUE(m.Matches("8.8.8.8"));
  EXPECT_FALSE(m.Matches("8.8.8.80"));
  EXPECT_TRUE(m.Matches("www.google.com"));
  EXPECT_FALSE(m.Matches("google.com"));  // "%.google.com" needs a dot before
  EXPECT_TRUE(m.Matches("update.x.example"));
  EXPECT_TRUE(m.Matches("update.x.y.example.org"));
  EXPECT_FALSE(m.Matches("update.example"));
  EXPECT_TRUE(m.Matches("http://Microsoft.com/x"));
  EXPECT_FALSE(m.Matches("micro-soft"));
  ExclusionMatcher all;
  all.Add("%");
  EXPECT_TRUE(all.Matches(""));
  EXPECT_TRUE(all.Matches("x"));
}

TEST_F(IndexTest, ExclusionsApplyToBothSidesAtQueryTime) {
  int64_t a = Add(1, "ip-dst", "8.8.8.8");
  int64_t b = Add(2, "ip-dst", "8.8.8.8");
  int64_t net = Add(3, "ip-dst", "8.8.8.0/24");
  int64_t dom = Add(4, "domain", "cdn.example");
  int64_t sub = Add(5, "hostname", "static.cdn.example");
  int64_t url = Add(6, "url", "https://static.cdn.example/lib.js");
  Build();
  EXPECT_THAT(Corr(a), ElementsAre(b, net));
  settings_.exclusions.Add("8.8.8.8");
  EXPECT_THAT(Corr(a), IsEmpty());
  EXPECT_THAT(Corr(net), IsEmpty());  // the excluded addresses drop out of the CIDR's list too
  EXPECT_THAT(Corr(dom), ElementsAre(sub, url));
  settings_.exclusions.Add("STATIC.%");
  EXPECT_THAT(Corr(dom), IsEmpty());  // hostname by value, URL by its host
  EXPECT_THAT(Corr(sub), IsEmpty());
  EXPECT_THAT(Corr(url), IsEmpty());
  // Nothing was rebuilt: a fresh matcher restores everything.
  settings_.exclusions = ExclusionMatcher();
  EXPECT_THAT(Corr(dom), ElementsAre(sub, url));
}

TEST_F(IndexTest, OverCorrelationIsACountOfVisibleAttributesOnly) {
  // 30 events carry the value; 8 of them are visible only to kOwner.
  std::vector<int64_t> ids;
  for (int e = 1; e <= 30; ++e) {
    ids.push_back(Add(e, "domain", "popular.example", e <= 8 ? OrgOnly() : Community(kMember)));
  }
  int64_t sub = Add(31, "hostname", "www.popular.example");
  Build();
  settings_.max_events = 20;
  // kOwner sees 29 other events: over-correlating, reported as a count.
  auto r = index_->Correlations(Viewer(kOwner), ids[10], settings_);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->over_correlating.size(), 1u);
  EXPECT_EQ(r->over_correlating[0].value, "popular.example");
  EXPECT_EQ(r->over_correlating[0].visible_count, 29);
  EXPECT_EQ(r->over_correlating[0].visible_events, 29);
  EXPECT_THAT(Corr(ids[10]), ElementsAre(sub));  // the subdomain group is small
  // kMember sees 21 other events of 22: still over, and the count says 21.
  r = index_->Correlations(Viewer(kMember), ids[10], settings_);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->over_correlating.size(), 1u);
  EXPECT_EQ(r->over_correlating[0].visible_count, 21);
  // With two more hidden, the group is small enough to list: the hidden
  // events do not count towards the threshold.
  settings_.max_events = 21;
  r = index_->Correlations(Viewer(kMember), ids[10], settings_);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->over_correlating, IsEmpty());
  EXPECT_EQ(r->total(), 22);  // 21 domains + the subdomain
  for (const auto& e : r->events) EXPECT_GT(e.event_id, 8);
  // The subdomain sees the domain group as one over-correlating parent.
  settings_.max_events = 20;
  r = index_->Correlations(Viewer(kOwner), sub, settings_);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->over_correlating.size(), 1u);
  EXPECT_EQ(r->over_correlating[0].visible_count, 30);
  EXPECT_EQ(r->over_correlating[0].rule, CorrelationRule::kSubdomain);
  // Stats count the value as over-correlating.
  EXPECT_EQ(index_->Stats(20).over_correlating_values, 1);
  EXPECT_EQ(index_->Stats(30).over_correlating_values, 0);
}

TEST_F(IndexTest, CidrRangesOverCorrelateAsOneGroup) {
  int64_t net = Add(1, "ip-src", "10.0.0.0/8");
  for (int e = 2; e <= 40; ++e) Add(e, "ip-dst", "10.0.0." + std::to_string(e));
  Build();
  auto r = index_->Correlations(Viewer(kOwner), net, settings_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total(), 0);
  ASSERT_EQ(r->over_correlating.size(), 1u);
  EXPECT_EQ(r->over_correlating[0].value, "within 10.0.0.0/8");
  EXPECT_EQ(r->over_correlating[0].visible_count, 39);
}

TEST_F(IndexTest, VisibilityOnBothSides) {
  // In a sharing-group event (kOwner, kMember), in a community event, in an
  // attribute restricted to the group inside a community event, and in an
  // object restricted to kOwner's organisation.
  int64_t in_group = Add(1, "domain", "shared.example", GroupEvent());
  int64_t open = Add(2, "domain", "shared.example", Community(kMember));
  policy::AccessPath attr_sg = Community();
  attr_sg.attribute_distribution = Distribution::kSharingGroup;
  attr_sg.attribute_sharing_group_id = kGroup;
  int64_t attr_restricted = Add(3, "domain", "shared.example", attr_sg);
  policy::AccessPath obj_org = Community();
  obj_org.in_object = true;
  obj_org.object_distribution = Distribution::kOrganisation;
  int64_t obj_restricted = Add(4, "domain", "shared.example", obj_org);
  int64_t member_private = Add(5, "domain", "shared.example", OrgOnly(kMember));
  Build();
  EXPECT_THAT(Corr(open, kOwner), ElementsAre(in_group, attr_restricted, obj_restricted));
  EXPECT_THAT(Corr(open, kMember), ElementsAre(in_group, attr_restricted, member_private));
  EXPECT_THAT(Corr(open, kOutsider), IsEmpty());
  EXPECT_THAT(Corr(in_group, kMember), ElementsAre(open, attr_restricted, member_private));
  // An attribute the viewer may not see has no correlations for it: NotFound,
  // as for an unknown one.
  for (int64_t hidden : {in_group, attr_restricted}) {
    auto r = index_->Correlations(Viewer(kOutsider), hidden, settings_);
    EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  }
  auto r = index_->Correlations(Viewer(kMember), obj_restricted, settings_);
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  // Search filters the same way.
  EXPECT_THAT(Find("shared.example", kOutsider), ElementsAre(open));
  EXPECT_THAT(Find("shared.example", kMember),
              ElementsAre(in_group, open, attr_restricted, member_private));
}

TEST_F(IndexTest, LookupForSearch) {
  int64_t host = Add(1, "ip-dst", "10.9.8.7");
  int64_t net = Add(2, "ip-src", "10.9.0.0/16");
  int64_t dom = Add(3, "domain", "search.example");
  int64_t www = Add(4, "hostname", "www.search.example");
  int64_t url = Add(5, "url", "http://www.search.example/a");
  int64_t v6 = Add(6, "ip-dst", "2001:db8:1::1");
  Build();
  EXPECT_THAT(Find("10.0.0.0/8"), ElementsAre(host, net));
  EXPECT_THAT(Find("10.9.8.7"), ElementsAre(host, net));
  EXPECT_THAT(Find("search.example"), ElementsAre(dom, www, url));
  EXPECT_THAT(Find("www.search.example"), ElementsAre(dom, www, url));
  EXPECT_THAT(Find("2001:db8::/32"), ElementsAre(v6));
  EXPECT_THAT(Find("http://www.search.example/a"), ElementsAre(dom, www, url));
  EXPECT_THAT(Find("nothing.example"), IsEmpty());
  std::vector<CorrelationMatch> out;
  bool truncated = false;
  ASSERT_TRUE(index_->Lookup(Viewer(kOwner), "search.example", "", 2, &out, &truncated).ok());
  EXPECT_EQ(out.size(), 2u);
  EXPECT_TRUE(truncated);
  Status st = index_->Lookup(Viewer(kOwner), "not an ip", "ip-dst", 0, &out);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
}

TEST_F(IndexTest, RowsInAnyOrder) {
  Add(1, "domain", "order.example");
  Add(2, "domain", "order.example");
  Add(3, "hostname", "x.order.example");
  std::reverse(rows_.begin(), rows_.end());
  Build();
  EXPECT_THAT(Corr(101), ElementsAre(102, 103));
  EXPECT_THAT(Corr(103), ElementsAre(101, 102));
}

TEST_F(IndexTest, StatsCountWhatIsIndexed) {
  Add(1, "ip-dst", "10.0.0.1");
  Add(2, "ip-dst", "10.0.0.0/24");
  Add(3, "domain|ip", "a.example|10.0.0.1");
  Add(4, "url", "http://b.example/");
  Add(5, "text", "ignored");
  Add(6, "domain", "a.example", Community(), true);
  Build();
  CorrelationStats s = index_->Stats(20);
  EXPECT_EQ(s.generation, 7);
  EXPECT_EQ(s.attributes, 5);
  EXPECT_EQ(s.correlation_disabled, 1);
  EXPECT_EQ(s.values, 4);  // 10.0.0.1, 10.0.0.0/24, a.example, the URL
  EXPECT_EQ(s.ip_entries, 3);
  EXPECT_EQ(s.cidrs, 1);
  EXPECT_EQ(s.host_entries, 3);  // a.example twice, b.example (URL host)
  EXPECT_GT(s.memory_bytes, 0);
}

TEST_F(IndexTest, SnapshotRoundTripAndDamage) {
  int64_t a = Add(1, "url", "http://snap.example/x");
  int64_t b = Add(2, "domain", "snap.example", GroupEvent());
  int64_t c = Add(3, "ip-dst", "2001:db8::/32");
  int64_t d = Add(4, "ip-dst", "2001:db8::9");
  Build();
  testing::TempDir dir;
  std::string path = dir.File("correlation.idx");
  ASSERT_TRUE(index_->Save(path).ok());
  auto loaded = CorrelationIndex::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  index_ = std::move(*loaded);
  EXPECT_EQ(index_->generation(), 7);
  EXPECT_THAT(Corr(a), ElementsAre(b));
  EXPECT_THAT(Corr(a, kOutsider), IsEmpty());
  EXPECT_THAT(Corr(c), ElementsAre(d));
  EXPECT_THAT(Find("snap.example"), ElementsAre(a, b));

  std::string data = testing::ReadFile(path);
  // A flipped byte, a truncated file, a foreign file: Corrupt, no crash.
  for (size_t pos : {size_t{20}, data.size() / 2, data.size() - 3}) {
    std::string bad = data;
    bad[pos] ^= 0x5a;
    testing::WriteFile(path, bad);
    EXPECT_EQ(CorrelationIndex::Load(path).status().code(), Status::Code::kCorrupt) << pos;
  }
  testing::WriteFile(path, data.substr(0, data.size() - 9));
  EXPECT_EQ(CorrelationIndex::Load(path).status().code(), Status::Code::kCorrupt);
  testing::WriteFile(path, "SQLite format 3");
  EXPECT_EQ(CorrelationIndex::Load(path).status().code(), Status::Code::kCorrupt);
  EXPECT_EQ(CorrelationIndex::Load(dir.File("absent.idx")).status().code(),
            Status::Code::kNotFound);
}

// ---- with a store ---------------------------------------------------------------

class StoreIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.path(), {.create_if_missing = true});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    orgs_ = testing::AddOrgs(store_.get(), {"Alpha", "Beta", "Gamma"}, "JO");
  }
  model::Attribute Attr(const std::string& type, const std::string& value) {
    return testing::NewAttribute(type, value);
  }
  model::Event AddEvent(std::vector<model::Attribute> attrs, const model::Org& owner,
                        Distribution d = Distribution::kCommunity) {
    model::Event e;
    e.uuid = util::NewUuid();
    e.info = "event";
    e.date = "2024-03-01";
    e.timestamp = 1000;
    e.distribution = d;
    e.org = e.orgc = model::OrgRef{owner.id, owner.uuid, owner.name};
    e.attributes = std::move(attrs);
    auto r = store_->events().UpsertEvent(&e);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return e;
  }
  policy::Viewer ViewerOf(int i) {
    auto v = store_->community().ViewerFor(orgs_[i].id);
    EXPECT_TRUE(v.ok());
    return *v;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::vector<model::Org> orgs_;
};

TEST_F(StoreIndexTest, SnapshotIsReusedUntilTheDataChanges) {
  model::Event e1 = AddEvent({Attr("domain", "store.example")}, orgs_[0]);
  model::Event e2 = AddEvent({Attr("hostname", "www.store.example")}, orgs_[1]);
  bool rebuilt = false;
  auto idx = OpenCorrelationIndex(store_.get(), dir_.path(), false, &rebuilt);
  ASSERT_TRUE(idx.ok()) << idx.status().ToString();
  EXPECT_TRUE(rebuilt);
  EXPECT_TRUE(std::filesystem::exists(CorrelationIndexPath(dir_.path())));
  auto settings = LoadCorrelationSettings(store_.get());
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->max_events, kDefaultMaxCorrelationEvents);
  auto r = (*idx)->Correlations(ViewerOf(2), e1.attributes[0].id, *settings);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->total(), 1);
  EXPECT_EQ(r->events[0].matches[0].attribute_id, e2.attributes[0].id);

  idx = OpenCorrelationIndex(store_.get(), dir_.path(), false, &rebuilt);
  ASSERT_TRUE(idx.ok());
  EXPECT_FALSE(rebuilt);  // the snapshot matches the store's generation

  // A write changes the generation: the stale snapshot is replaced.
  model::Event e3 =
      AddEvent({Attr("url", "https://store.example/login")}, orgs_[2], Distribution::kOrganisation);
  idx = OpenCorrelationIndex(store_.get(), dir_.path(), false, &rebuilt);
  ASSERT_TRUE(idx.ok());
  EXPECT_TRUE(rebuilt);
  r = (*idx)->Correlations(ViewerOf(2), e1.attributes[0].id, *settings);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total(), 2);  // Gamma sees its own URL
  r = (*idx)->Correlations(ViewerOf(0), e1.attributes[0].id, *settings);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total(), 1);  // Alpha does not

  // Settings come from the store.
  ASSERT_TRUE(store_->settings().SetSetting(kMaxEventsSetting, "0").ok());
  EXPECT_EQ(LoadCorrelationSettings(store_.get()).status().code(), Status::Code::kInvalid);
  ASSERT_TRUE(store_->settings().SetSetting(kMaxEventsSetting, "5").ok());
  store::CorrelationExclusion ex;
  ex.value = "%.store.example";
  ASSERT_TRUE(store_->intel().AddCorrelationExclusion(&ex).ok());
  settings = LoadCorrelationSettings(store_.get());
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->max_events, 5);
  EXPECT_TRUE(settings->exclusions.Matches("www.store.example"));
}

}  // namespace
}  // namespace sanad::intel
