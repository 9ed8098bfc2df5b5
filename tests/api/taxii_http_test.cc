// TAXII 2.1 over HTTP against a real server on port 0 with the real STIX
// conversion: every endpoint, filter and error; the media type on every
// response (errors included); X-TAXII-Date-Added-First/Last; paths with and
// without the trailing slash; paging with next/more (OpenCTI style: next,
// added_after and limit together); strictly increasing date_added; Basic and
// Bearer authentication; visibility for each collection type; add (202 and a
// status), status, delete by the owner only; audit of TLP:AMBER reads.
#include <gtest/gtest.h>

#include <cstring>

#include <boost/json.hpp>

#include <map>
#include <set>

#include <sodium.h>

#include "api/api.h"
#include "auth/auth.h"
#include "api_server.h"
#include "http_client.h"
#include "server/server.h"
#include "store/store.h"
#include "taxii/taxii.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::testing {
namespace {

namespace json = boost::json;
constexpr const char kTaxii[] = "application/taxii+json;version=2.1";
constexpr const char kRoot[] = "/taxii2/api/";

json::value Parse(const std::string& s) {
  boost::system::error_code ec;
  json::value v = json::parse(s, ec);
  EXPECT_FALSE(ec) << "not JSON: " << s.substr(0, 300);
  return v;
}

std::string Base64(const std::string& s) {
  std::string out(sodium_base64_ENCODED_LEN(s.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()),
                    s.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// A TAXII error resource with the right media type and status.
void ExpectTaxiiError(const HttpClient::Reply& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("content-type"), kTaxii) << status;
  json::value v = Parse(r.body);
  ASSERT_TRUE(v.is_object());
  EXPECT_TRUE(v.as_object().contains("title")) << r.body;
  EXPECT_TRUE(v.as_object().contains("description")) << r.body;
  EXPECT_EQ(v.at("http_status").as_string(), std::to_string(status));
  EXPECT_FALSE(v.as_object().contains("error")) << "API error shape leaked: " << r.body;
}

class TaxiiHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    util::Init();
    store_ = NewStore(dir_.path());
    ASSERT_NE(store_, nullptr);
    alpha_ = AddOrg("Alpha CERT", true);
    beta_ = AddOrg("Beta CERT", false);
    gamma_ = AddOrg("Gamma Vendor", false);
    alpha_key_ = AddUser("analyst@alpha.example", alpha_, model::Role::kAnalyst);
    beta_key_ = AddUser("analyst@beta.example", beta_, model::Role::kAnalyst);
    gamma_key_ = AddUser("analyst@gamma.example", gamma_, model::Role::kAnalyst);
    beta_reader_ = AddUser("reader@beta.example", beta_, model::Role::kReader);
    group_.name = "Alpha and Beta";
    group_.owner = {alpha_.id, alpha_.uuid, alpha_.name};
    ASSERT_TRUE(store_->community().AddSharingGroup(&group_).ok());
    ASSERT_TRUE(store_->community().AddSharingGroupOrg(group_.id, beta_.id).ok());

    Status st = StartApi(api::Options{.data_dir = dir_.path()}, nullptr, &api_, &server_);
    ASSERT_TRUE(st.ok()) << st.ToString();
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  void TearDown() override {
    server_->Stop();
    server_->Wait();
  }

  model::Org AddOrg(const std::string& name, bool chair) {
    model::Org g;
    g.name = name;
    g.country = "MY";
    g.is_chair = chair;
    EXPECT_TRUE(store_->community().AddOrg(&g).ok());
    return g;
  }

  std::string AddUser(const std::string& email, const model::Org& org, model::Role role,
                      bool read_only = false) {
    model::User u;
    u.email = email;
    u.org_id = org.id;
    u.role = role;
    EXPECT_TRUE(store_->community().AddUser(&u).ok());
    model::ApiKey k;
    std::string key = auth::GenerateApiKey();
    k.user_id = u.id;
    k.prefix = key.substr(0, 8);
    k.hash = auth::HashApiKey(key);
    k.created = util::Now();
    k.read_only = read_only;
    EXPECT_TRUE(store_->community().AddApiKey(&k).ok());
    return key;
  }

  model::Attribute Attr(const std::string& ip,
                        model::Distribution d = model::Distribution::kInherit) {
    model::Attribute a;
    a.uuid = util::NewUuid();
    a.type = "ip-dst";
    a.category = "Network activity";
    a.value = a.canonical = a.canonical1 = ip;
    a.to_ids = true;
    a.distribution = d;
    a.timestamp = 1700000000;
    return a;
  }

  model::Event AddEvent(const model::Org& owner, model::Distribution d,
                        std::vector<model::Attribute> attrs, std::vector<std::string> tags = {},
                        int64_t ts = 1700000000) {
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
    auto r = store_->events().UpsertEvent(&e);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return e;
  }

  HttpClient::Reply Get(const std::string& key, const std::string& target,
                        std::vector<std::pair<std::string, std::string>> extra = {}) {
    if (extra.empty()) extra.emplace_back("Accept", kTaxii);
    return client_->Send("GET", target, "", key.empty() ? "" : "Bearer " + key, extra);
  }
  HttpClient::Reply Post(const std::string& key, const std::string& target, const std::string& body,
                         const std::string& ctype = kTaxii) {
    return client_->Send("POST", target, body, "Bearer " + key,
                         {{"Accept", kTaxii}, {"Content-Type", ctype}});
  }
  std::string Coll(const std::string& id, const std::string& rest = "") {
    return std::string(kRoot) + "collections/" + id + "/" + rest;
  }

  // Every object of a collection, following next/more; checks the envelope
  // shape and the date headers on the way.
  std::vector<json::value> ReadAll(const std::string& key, const std::string& coll, int limit,
                                   const std::string& extra_query = "") {
    std::vector<json::value> out;
    std::string next;
    for (int guard = 0; guard < 10000; ++guard) {
      std::string target = Coll(coll, "objects/") + "?limit=" + std::to_string(limit) + extra_query;
      if (!next.empty()) target += "&next=" + next;
      auto r = Get(key, target);
      EXPECT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(r.Header("content-type"), kTaxii);
      if (r.status != 200) break;
      json::value v = Parse(r.body);
      EXPECT_TRUE(v.at("more").is_bool());
      EXPECT_TRUE(v.at("objects").is_array());
      const auto& objs = v.at("objects").as_array();
      EXPECT_LE(objs.size(), static_cast<size_t>(limit));
      if (!objs.empty()) {
        EXPECT_FALSE(r.Header("x-taxii-date-added-first").empty());
        EXPECT_FALSE(r.Header("x-taxii-date-added-last").empty());
      }
      for (const auto& o : objs) out.push_back(o);
      if (!v.at("more").as_bool()) {
        EXPECT_FALSE(v.as_object().contains("next"));
        break;
      }
      EXPECT_TRUE(v.at("next").is_string()) << "more: true without next";
      next = std::string(v.at("next").as_string());
    }
    return out;
  }

  static std::set<std::string> Ids(const std::vector<json::value>& objs) {
    std::set<std::string> ids;
    for (const auto& o : objs) ids.insert(std::string(o.at("id").as_string()));
    return ids;
  }
  static std::string Dump(const std::vector<json::value>& objs) {
    std::string s;
    for (const auto& o : objs) s += json::serialize(o) + "\n";
    return s;
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<HttpClient> client_;
  model::Org alpha_, beta_, gamma_;
  model::SharingGroup group_;
  std::string alpha_key_, beta_key_, gamma_key_, beta_reader_;
};

TEST_F(TaxiiHttpTest, DiscoveryApiRootAndCollectionsWithAndWithoutTrailingSlash) {
  for (const char* path : {"/taxii2/", "/taxii2"}) {
    auto r = Get(beta_key_, path);
    ASSERT_EQ(r.status, 200) << path << r.body;
    EXPECT_EQ(r.Header("content-type"), kTaxii);
    json::value v = Parse(r.body);
    EXPECT_EQ(v.at("api_roots").at(0).as_string(), kRoot);
    EXPECT_EQ(v.at("default").as_string(), kRoot);
    EXPECT_FALSE(v.at("title").as_string().empty());
  }
  for (const char* path : {"/taxii2/api/", "/taxii2/api"}) {
    auto r = Get(beta_key_, path);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("content-type"), kTaxii);
    json::value v = Parse(r.body);
    EXPECT_EQ(v.at("versions").at(0).as_string(), kTaxii);
    EXPECT_GT(v.at("max_content_length").as_int64(), 0);
  }
  auto ids_of = [&](const std::string& key) {
    std::set<std::string> ids;
    for (const char* path : {"/taxii2/api/collections/", "/taxii2/api/collections"}) {
      auto r = Get(key, path);
      EXPECT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(r.Header("content-type"), kTaxii);
      ids.clear();
      json::value doc = Parse(r.body);
      for (const auto& c : doc.at("collections").as_array()) {
        EXPECT_TRUE(c.at("can_read").as_bool());
        ids.insert(std::string(c.at("id").as_string()));
      }
    }
    return ids;
  };
  EXPECT_EQ(ids_of(beta_key_),
            (std::set<std::string>{taxii::kCommunityCollectionId, taxii::kPublicCollectionId,
                                   beta_.uuid, group_.uuid}));
  EXPECT_EQ(ids_of(gamma_key_), (std::set<std::string>{taxii::kCommunityCollectionId,
                                                       taxii::kPublicCollectionId, gamma_.uuid}));
  for (std::string path :
       {Coll(group_.uuid), Coll(group_.uuid).substr(0, Coll(group_.uuid).size() - 1)}) {
    auto r = Get(beta_key_, path);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Parse(r.body).at("id").as_string(), group_.uuid);
  }
  auto pub = Get(beta_key_, Coll(taxii::kPublicCollectionId));
  EXPECT_FALSE(Parse(pub.body).at("can_write").as_bool());
  // Absolute API root URLs when the community says where it is reached.
  ASSERT_TRUE(store_->settings().SetSetting("taxii.base_url", "https://sanad.example.org/").ok());
  auto abs = Get(beta_key_, "/taxii2/");
  EXPECT_EQ(Parse(abs.body).at("api_roots").at(0).as_string(),
            "https://sanad.example.org/taxii2/api/");
}

TEST_F(TaxiiHttpTest, ErrorsCarryTheTaxiiMediaTypeAndErrorFormat) {
  // Authentication, made before any TAXII handler runs.
  auto none = client_->Send("GET", "/taxii2/", "", "", {{"Accept", kTaxii}});
  ExpectTaxiiError(none, 401);
  EXPECT_NE(none.Header("www-authenticate").find("Basic"), std::string::npos);
  ExpectTaxiiError(Get("not-a-key", "/taxii2/api/"), 401);
  // Unknown paths and methods under /taxii2.
  ExpectTaxiiError(Get(beta_key_, "/taxii2/api/nothing-here/"), 404);
  ExpectTaxiiError(client_->Send("PUT", Coll(taxii::kCommunityCollectionId, "objects/"), "{}",
                                 "Bearer " + beta_key_, {{"Content-Type", kTaxii}}),
                   405);
  // Collections the caller may not use are indistinguishable from absent.
  ExpectTaxiiError(Get(gamma_key_, Coll(group_.uuid)), 404);
  ExpectTaxiiError(Get(gamma_key_, Coll(alpha_.uuid, "objects/")), 404);
  ExpectTaxiiError(Get(beta_key_, Coll(util::NewUuid())), 404);
  // Accept and Content-Type.
  ExpectTaxiiError(Get(beta_key_, "/taxii2/", {{"Accept", "application/json"}}), 406);
  ExpectTaxiiError(Get(beta_key_, kRoot, {{"Accept", "application/taxii+json;version=2.0"}}), 406);
  EXPECT_EQ(Get(beta_key_, kRoot, {{"Accept", "application/taxii+json"}}).status, 200);
  EXPECT_EQ(Get(beta_key_, kRoot, {{"Accept", "*/*"}}).status, 200);
  EXPECT_EQ(
      Get(beta_key_, kRoot, {{"Accept", "text/html, application/taxii+json;version=2.1"}}).status,
      200);
  ExpectTaxiiError(Post(beta_key_, Coll(taxii::kCommunityCollectionId, "objects/"),
                        R"({"objects": []})", "application/json"),
                   415);
  // Bad filters and bodies.
  ExpectTaxiiError(
      Get(beta_key_, Coll(taxii::kCommunityCollectionId, "objects/?added_after=yesterday")), 400);
  ExpectTaxiiError(Get(beta_key_, Coll(taxii::kCommunityCollectionId, "objects/?next=forged")),
                   400);
  ExpectTaxiiError(
      Get(beta_key_, Coll(taxii::kCommunityCollectionId, "objects/?match[colour]=red")), 400);
  ExpectTaxiiError(Post(beta_key_, Coll(taxii::kCommunityCollectionId, "objects/"), "[1, 2]"), 400);
  ExpectTaxiiError(Get(beta_key_, Coll(taxii::kCommunityCollectionId,
                                       "objects/indicator--" + util::NewUuid() + "/")),
                   404);
  ExpectTaxiiError(Get(beta_key_, "/taxii2/api/status/" + util::NewUuid() + "/"), 404);
}

TEST_F(TaxiiHttpTest, BasicAndBearerAuthentication) {
  auto with = [&](const std::string& auth) {
    return client_->Send("GET", kRoot, "", auth, {{"Accept", kTaxii}}).status;
  };
  EXPECT_EQ(with("Bearer " + beta_key_), 200);
  EXPECT_EQ(with(beta_key_), 200);             // MISP's bare key
  EXPECT_EQ(with("Token " + beta_key_), 200);  // taxii2client TokenAuth (OpenCTI)
  EXPECT_EQ(with("Basic " + Base64("analyst@beta.example:" + beta_key_)), 200);
  EXPECT_EQ(with("Basic " + Base64("anything:" + beta_key_)), 200);
  EXPECT_EQ(with("Basic " + Base64(beta_key_ + ":")), 200);  // key as user name
  EXPECT_EQ(with("basic " + Base64("x:" + beta_key_)), 200);
  EXPECT_EQ(with("Basic " + Base64("analyst@beta.example:wrong")), 401);
  EXPECT_EQ(with("Basic !!!not-base64"), 401);
  EXPECT_EQ(with("Basic " + Base64("no-colon")), 401);
  // The Basic identity is the key's: Basic as Beta sees Beta's own collection.
  auto r = client_->Send("GET", Coll(beta_.uuid), "", "Basic " + Base64("x:" + beta_key_),
                         {{"Accept", kTaxii}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(TaxiiHttpTest, PagingWithNextMoreAndIncreasingDateAdded) {
  for (int i = 0; i < 12; ++i)
    AddEvent(
        alpha_, model::Distribution::kCommunity,
        {Attr("198.51.100." + std::to_string(i + 1)), Attr("203.0.113." + std::to_string(i + 1))});
  auto all = ReadAll(beta_key_, taxii::kCommunityCollectionId, 1000);
  ASSERT_GT(all.size(), 24u) << Dump(all);
  auto ids = Ids(all);
  EXPECT_EQ(ids.size(), all.size()) << "an object was served twice";
  for (int limit : {1, 7, 25}) {
    auto paged = ReadAll(beta_key_, taxii::kCommunityCollectionId, limit);
    EXPECT_EQ(Ids(paged), ids) << limit;
    EXPECT_EQ(paged.size(), all.size()) << limit;
  }
  // The manifest: date_added strictly increasing, one record per object.
  auto m = Get(beta_key_, Coll(taxii::kCommunityCollectionId, "manifest/?limit=1000"));
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.Header("content-type"), kTaxii);
  json::value mdoc = Parse(m.body);
  const auto& recs = mdoc.at("objects").as_array();
  ASSERT_EQ(recs.size(), all.size());
  std::string prev;
  for (const auto& rec : recs) {
    std::string d(rec.at("date_added").as_string());
    EXPECT_LT(prev, d);
    prev = d;
    EXPECT_EQ(rec.at("media_type").as_string(), taxii::kStixMediaType);
    EXPECT_FALSE(rec.at("version").as_string().empty());
  }
  EXPECT_EQ(m.Header("x-taxii-date-added-first"),
            std::string(recs.front().at("date_added").as_string()));
  EXPECT_EQ(m.Header("x-taxii-date-added-last"), prev);
  // OpenCTI pages with added_after, next and limit together.
  auto first = Get(beta_key_, Coll(taxii::kCommunityCollectionId, "objects/?limit=10"));
  std::string after = first.Header("x-taxii-date-added-first");
  std::set<std::string> seen;
  std::string next;
  while (true) {
    std::string t = Coll(taxii::kCommunityCollectionId, "objects/?limit=10&added_after=") + after;
    if (!next.empty()) t += "&next=" + next;
    auto r = Get(beta_key_, t);
    ASSERT_EQ(r.status, 200) << r.body;
    json::value v = Parse(r.body);
    for (const auto& o : v.at("objects").as_array())
      EXPECT_TRUE(seen.insert(std::string(o.at("id").as_string())).second);
    if (!v.at("more").as_bool()) break;
    next = std::string(v.at("next").as_string());
  }
  EXPECT_EQ(seen.size(), all.size() - 1);  // added_after is exclusive: the very first is skipped
  // added_after = the last date: nothing more, more false, no headers.
  auto end = Get(beta_key_, Coll(taxii::kCommunityCollectionId, "objects/?added_after=" + prev));
  ASSERT_EQ(end.status, 200);
  json::value ev = Parse(end.body);
  EXPECT_TRUE(ev.at("objects").as_array().empty());
  EXPECT_FALSE(ev.at("more").as_bool());
  EXPECT_TRUE(end.Header("x-taxii-date-added-first").empty());
  // limit is clamped, not rejected.
  auto big = Get(beta_key_, Coll(taxii::kCommunityCollectionId, "objects/?limit=99999"));
  EXPECT_EQ(big.status, 200);
  auto zero = Get(beta_key_, Coll(taxii::kCommunityCollectionId, "objects/?limit=0"));
  ASSERT_EQ(zero.status, 200);
  EXPECT_EQ(Parse(zero.body).at("objects").as_array().size(), 1u);
}

TEST_F(TaxiiHttpTest, FiltersObjectByIdAndVersions) {
  model::Event e = AddEvent(alpha_, model::Distribution::kCommunity, {Attr("198.51.100.7")});
  std::string report = "report--" + e.uuid;
  std::string objs = Coll(taxii::kCommunityCollectionId, "objects/");
  auto types = [&](const std::string& query) {
    auto r = Get(beta_key_, objs + query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::multiset<std::string> t;
    json::value doc = Parse(r.body);
    for (const auto& o : doc.at("objects").as_array())
      t.insert(std::string(o.at("type").as_string()));
    return t;
  };
  EXPECT_EQ(types("?match[type]=report"), (std::multiset<std::string>{"report"}));
  EXPECT_EQ(types("?match[id]=" + report), (std::multiset<std::string>{"report"}));
  EXPECT_TRUE(types("?match[spec_version]=2.0").empty());
  EXPECT_FALSE(types("?match[spec_version]=2.1").empty());
  EXPECT_EQ(types("?match[type]=report,identity").count("identity"), 1u);
  // Object by id, with and without the trailing slash.
  for (std::string path : {objs + report + "/", objs + report}) {
    auto r = Get(beta_key_, path);
    ASSERT_EQ(r.status, 200) << r.body;
    json::value doc = Parse(r.body);
    const auto& o = doc.at("objects").as_array();
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(o[0].at("id").as_string(), report);
    EXPECT_FALSE(r.Header("x-taxii-date-added-last").empty());
  }
  // A newer version of the event: two versions of the report.
  model::Event upd = *store_->events().GetEvent(*store_->community().ViewerFor(alpha_.id), e.uuid);
  upd.timestamp = 1800000000;
  upd.info = "updated";
  ASSERT_TRUE(store_->events().UpsertEvent(&upd).ok());
  auto v = Get(beta_key_, objs + report + "/versions/");
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.Header("content-type"), kTaxii);
  json::value vv = Parse(v.body);
  ASSERT_EQ(vv.at("versions").as_array().size(), 2u) << v.body;
  EXPECT_FALSE(vv.at("more").as_bool());
  EXPECT_LT(std::string(vv.at("versions").at(0).as_string()),
            std::string(vv.at("versions").at(1).as_string()));
  auto last = Get(beta_key_, objs + report + "/");
  EXPECT_EQ(Parse(last.body).at("objects").at(0).at("name").as_string(), "updated");
  auto all = Get(beta_key_, objs + report + "/?match[version]=all");
  EXPECT_EQ(Parse(all.body).at("objects").as_array().size(), 2u);
  auto first = Get(beta_key_, objs + report + "/?match[version]=first");
  EXPECT_EQ(Parse(first.body).at("objects").at(0).at("name").as_string(), e.info);
  std::string ver(vv.at("versions").at(0).as_string());
  auto exact = Get(beta_key_, objs + report + "/?match[version]=" + ver);
  EXPECT_EQ(Parse(exact.body).at("objects").as_array().size(), 1u);
  ExpectTaxiiError(Get(beta_key_, objs + report + "/versions/?match[version]=all"), 400);
}

TEST_F(TaxiiHttpTest, EachCollectionServesOnlyWhatTheCallerMaySee) {
  model::Attribute shared = Attr("198.51.100.1");
  model::Attribute org_only = Attr("198.51.100.66", model::Distribution::kOrganisation);
  AddEvent(alpha_, model::Distribution::kCommunity, {shared, org_only});
  model::Event private_ev =
      AddEvent(alpha_, model::Distribution::kOrganisation, {Attr("192.0.2.77")});
  model::Event group_ev =
      AddEvent(alpha_, model::Distribution::kSharingGroup, {Attr("192.0.2.88")});
  model::Attribute clear_attr = Attr("203.0.113.10");
  model::Attribute amber_attr = Attr("203.0.113.99");
  amber_attr.tags = {{"tlp:amber", "", true, false}};
  model::Event clear_ev =
      AddEvent(alpha_, model::Distribution::kAll, {clear_attr, amber_attr}, {"tlp:clear"});
  model::Event green_ev =
      AddEvent(alpha_, model::Distribution::kAll, {Attr("203.0.113.55")}, {"tlp:green"});

  // Community: the shared parts only, for everyone.
  for (const std::string* key : {&alpha_key_, &beta_key_, &gamma_key_}) {
    std::string dump = Dump(ReadAll(*key, taxii::kCommunityCollectionId, 1000));
    EXPECT_NE(dump.find("198.51.100.1'"), std::string::npos) << dump;
    EXPECT_EQ(dump.find("198.51.100.66"), std::string::npos) << dump;
    EXPECT_EQ(dump.find(org_only.uuid), std::string::npos);
    EXPECT_EQ(dump.find("192.0.2.77"), std::string::npos);
    EXPECT_EQ(dump.find(private_ev.uuid), std::string::npos);
    EXPECT_EQ(dump.find("192.0.2.88"), std::string::npos);
  }
  // Own: Alpha sees its private data; nobody else can open the collection.
  std::string own = Dump(ReadAll(alpha_key_, alpha_.uuid, 1000));
  EXPECT_NE(own.find("192.0.2.77"), std::string::npos);
  EXPECT_NE(own.find("198.51.100.66"), std::string::npos);
  ExpectTaxiiError(Get(beta_key_, Coll(alpha_.uuid, "objects/")), 404);
  ExpectTaxiiError(Get(gamma_key_, Coll(alpha_.uuid, "manifest/")), 404);
  // Sharing group: members only.
  std::string grp = Dump(ReadAll(beta_key_, group_.uuid, 1000));
  EXPECT_NE(grp.find("192.0.2.88"), std::string::npos) << grp;
  EXPECT_NE(grp.find(group_ev.uuid), std::string::npos);
  EXPECT_EQ(grp.find("192.0.2.77"), std::string::npos);
  ExpectTaxiiError(Get(gamma_key_, Coll(group_.uuid, "objects/")), 404);
  ExpectTaxiiError(Get(gamma_key_, Coll(taxii::kCommunityCollectionId,
                                        "objects/report--" + group_ev.uuid + "/")),
                   404);
  // Public: TLP:CLEAR events without stricter attributes.
  std::string pub = Dump(ReadAll(gamma_key_, taxii::kPublicCollectionId, 1000));
  EXPECT_NE(pub.find(clear_ev.uuid), std::string::npos) << pub;
  EXPECT_NE(pub.find("203.0.113.10"), std::string::npos);
  EXPECT_EQ(pub.find("203.0.113.99"), std::string::npos);
  EXPECT_EQ(pub.find(green_ev.uuid), std::string::npos);
  EXPECT_EQ(pub.find("192.0.2.77"), std::string::npos);
}

TEST_F(TaxiiHttpTest, AddObjectsStatusAndDelete) {
  std::string report = "report--" + util::NewUuid();
  std::string indicator = "indicator--" + util::NewUuid();
  std::string env = R"({"objects": [
    {"type": "report", "spec_version": "2.1", "id": ")" +
                    report + R"(",
     "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
     "name": "posted over TAXII", "published": "2026-01-01T00:00:00Z",
     "report_types": ["threat-report"], "object_refs": [")" +
                    indicator + R"("]},
    {"type": "indicator", "spec_version": "2.1", "id": ")" +
                    indicator + R"(",
     "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
     "pattern": "[ipv4-addr:value = '203.0.113.200']", "pattern_type": "stix",
     "valid_from": "2026-01-01T00:00:00Z", "indicator_types": ["malicious-activity"]}]})";
  std::string objs = Coll(taxii::kCommunityCollectionId, "objects/");
  auto r = Post(beta_key_, objs, env);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.Header("content-type"), kTaxii);
  json::value st = Parse(r.body);
  EXPECT_EQ(st.at("status").as_string(), "complete");
  EXPECT_EQ(st.at("total_count").as_int64(), 2);
  EXPECT_EQ(st.at("success_count").as_int64(), 2) << r.body;
  EXPECT_EQ(st.at("failure_count").as_int64(), 0);
  EXPECT_EQ(st.at("pending_count").as_int64(), 0);
  std::string sid(st.at("id").as_string());
  for (std::string path : {"/taxii2/api/status/" + sid + "/", "/taxii2/api/status/" + sid}) {
    auto g = Get(beta_key_, path);
    ASSERT_EQ(g.status, 200) << g.body;
    EXPECT_EQ(Parse(g.body), st);
  }
  ExpectTaxiiError(Get(gamma_key_, "/taxii2/api/status/" + sid + "/"), 404);
  // The posted report reaches the other members through the community collection.
  auto got = Get(alpha_key_, objs + report + "/");
  ASSERT_EQ(got.status, 200) << got.body;
  // Writes refused: the public collection, read-only roles, unknown collections.
  ExpectTaxiiError(Post(beta_key_, Coll(taxii::kPublicCollectionId, "objects/"), env), 403);
  ExpectTaxiiError(Post(beta_reader_, objs, env), 403);
  std::string ro = AddUser("ro@beta.example", beta_, model::Role::kAnalyst, /*read_only=*/true);
  ExpectTaxiiError(Post(ro, objs, env), 403);
  ExpectTaxiiError(Post(beta_key_, Coll(alpha_.uuid, "objects/"), env), 404);
  // Delete: only the owner of the event.
  auto del = [&](const std::string& key, const std::string& id) {
    return client_->Send("DELETE", objs + id + "/", "", "Bearer " + key, {{"Accept", kTaxii}});
  };
  ExpectTaxiiError(del(alpha_key_, report), 403);
  ExpectTaxiiError(del(gamma_key_, "indicator--" + util::NewUuid()), 404);
  auto ok = del(beta_key_, report);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Header("content-type"), kTaxii);
  ExpectTaxiiError(Get(alpha_key_, objs + report + "/"), 404);
}

// Objects added to a sharing-group collection go to that group only: its
// members read them there, an outsider does not see them anywhere.
TEST_F(TaxiiHttpTest, ObjectsAddedToAGroupCollectionStayInTheGroup) {
  std::string report = "report--" + util::NewUuid();
  std::string indicator = "indicator--" + util::NewUuid();
  std::string env = R"({"objects": [
    {"type": "report", "spec_version": "2.1", "id": ")" +
                    report + R"(",
     "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
     "name": "for the group", "published": "2026-01-01T00:00:00Z",
     "report_types": ["threat-report"], "object_refs": [")" +
                    indicator + R"("]},
    {"type": "indicator", "spec_version": "2.1", "id": ")" +
                    indicator + R"(",
     "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
     "pattern": "[ipv4-addr:value = '203.0.113.201']", "pattern_type": "stix",
     "valid_from": "2026-01-01T00:00:00Z", "indicator_types": ["malicious-activity"]}]})";
  auto col = Get(beta_key_, Coll(group_.uuid));
  ASSERT_EQ(col.status, 200) << col.body;
  EXPECT_TRUE(Parse(col.body).at("can_write").as_bool());
  auto r = Post(beta_key_, Coll(group_.uuid, "objects/"), env);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(Parse(r.body).at("success_count").as_int64(), 2) << r.body;
  // Alpha (in the group) reads it in the group collection, not in community.
  EXPECT_EQ(Get(alpha_key_, Coll(group_.uuid, "objects/") + report + "/").status, 200);
  ExpectTaxiiError(Get(alpha_key_, Coll(taxii::kCommunityCollectionId, "objects/") + report + "/"),
                   404);
  // Gamma (outside) sees it nowhere, and the event is stored for the group.
  ExpectTaxiiError(Get(gamma_key_, Coll(taxii::kCommunityCollectionId, "objects/") + report + "/"),
                   404);
  auto head = store_->events().FindEventHead(report.substr(strlen("report--")));
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  auto gv = store_->community().ViewerFor(gamma_.id);
  ASSERT_TRUE(gv.ok());
  EXPECT_FALSE(store_->events().GetEvent(*gv, head->uuid).ok());
}

// ---- issue 15: ids of other organisations, hidden vs missing, honest status ----

std::string IndicatorJson(const std::string& id, const std::string& modified,
                          const std::string& ip) {
  return R"({"type": "indicator", "spec_version": "2.1", "id": ")" + id +
         R"(", "created": "2026-01-01T00:00:00.000Z", "modified": ")" + modified +
         R"(", "pattern": "[ipv4-addr:value = ')" + ip +
         R"(']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"})";
}
std::string ReportJson(const std::string& id, const std::string& modified,
                       const std::vector<std::string>& refs) {
  std::string r;
  for (const auto& x : refs) r += (r.empty() ? "\"" : ",\"") + x + "\"";
  return R"({"type": "report", "spec_version": "2.1", "id": ")" + id +
         R"(", "created": "2026-01-01T00:00:00.000Z", "modified": ")" + modified +
         R"(", "name": "posted", "published": "2026-01-01T00:00:00Z", "object_refs": [)" + r +
         "]}";
}
std::string Envelope(const std::vector<std::string>& objs) {
  std::string body;
  for (const auto& o : objs) body += (body.empty() ? "" : ",") + o;
  return R"({"objects": [)" + body + "]}";
}
std::map<std::string, std::string> FailureMessages(const json::value& st) {
  std::map<std::string, std::string> out;
  for (const auto& f : st.at("failures").as_array())
    out[std::string(f.at("id").as_string())] = f.at("message").as_string();
  return out;
}

// Finding 4: Beta cannot put, in the community collection, an object under
// the id of Alpha's organisation-only indicator (nor under the id of Alpha's
// visible one): the add is refused with the same words in both cases, and
// what members (and Alpha's own collection) serve under that id is unchanged.
TEST_F(TaxiiHttpTest, ObjectsUnderAnotherOrganisationsIdsAreRefused) {
  model::Attribute hidden = Attr("198.51.100.1");
  AddEvent(alpha_, model::Distribution::kOrganisation, {hidden});
  model::Attribute shown = Attr("198.51.100.2");
  AddEvent(alpha_, model::Distribution::kCommunity, {shown});
  std::string own_before = Get(alpha_key_, Coll(alpha_.uuid, "objects/indicator--" + hidden.uuid + "/")).body;
  std::string hid = "indicator--" + hidden.uuid, vis = "indicator--" + shown.uuid;
  std::string objs = Coll(taxii::kCommunityCollectionId, "objects/");
  auto r = Post(beta_key_, objs,
                Envelope({IndicatorJson(hid, "2030-01-01T00:00:00.000Z", "203.0.113.66"),
                          IndicatorJson(vis, "2030-01-01T00:00:00.000Z", "203.0.113.67")}));
  ASSERT_EQ(r.status, 202) << r.body;
  json::value st = Parse(r.body);
  EXPECT_EQ(st.at("success_count").as_int64(), 0) << r.body;
  EXPECT_EQ(st.at("failure_count").as_int64(), 2);
  auto msgs = FailureMessages(st);
  EXPECT_EQ(msgs[hid], taxii::kIdNotAccepted);
  EXPECT_EQ(msgs[vis], taxii::kIdNotAccepted);
  // Nothing of Beta's is served under those ids, to anyone.
  for (const std::string& key : {alpha_key_, gamma_key_, beta_key_}) {
    ExpectTaxiiError(Get(key, objs + hid + "/"), 404);
    auto v = Get(key, objs + vis + "/");
    ASSERT_EQ(v.status, 200) << v.body;
    EXPECT_EQ(v.body.find("203.0.113.67"), std::string::npos) << v.body;
  }
  EXPECT_EQ(Get(alpha_key_, Coll(alpha_.uuid, "objects/indicator--" + hidden.uuid + "/")).body,
            own_before);
  // The same id posted by its holder is accepted.
  auto mine = Post(alpha_key_, Coll(alpha_.uuid, "objects/"),
                   Envelope({IndicatorJson(hid, "2030-01-01T00:00:00.000Z", "198.51.100.1")}));
  ASSERT_EQ(mine.status, 202) << mine.body;
  EXPECT_EQ(Parse(mine.body).at("failure_count").as_int64(), 0) << mine.body;
}

// Finding 7 (TAXII): adding a report whose id is a hidden event's reads like
// adding one whose id is a visible foreign event's, and names no holder;
// reading a hidden object answers like reading a missing one (object,
// versions, manifest).
TEST_F(TaxiiHttpTest, HiddenObjectsAnswerLikeMissingOnes) {
  model::Attribute hidden = Attr("198.51.100.3");
  model::Event hidden_ev = AddEvent(alpha_, model::Distribution::kOrganisation, {hidden});
  model::Event shown_ev = AddEvent(alpha_, model::Distribution::kCommunity, {Attr("198.51.100.4")});
  std::string objs = Coll(taxii::kCommunityCollectionId, "objects/");
  auto add = [&](const std::string& report_id) {
    std::string ind = "indicator--" + util::NewUuid();
    auto r = Post(beta_key_, objs,
                  Envelope({ReportJson(report_id, "2030-01-01T00:00:00.000Z", {ind}),
                            IndicatorJson(ind, "2030-01-01T00:00:00.000Z", "203.0.113.70")}));
    EXPECT_EQ(r.status, 202) << r.body;
    return Parse(r.body);
  };
  json::value h = add("report--" + hidden_ev.uuid);
  json::value v = add("report--" + shown_ev.uuid);
  EXPECT_EQ(FailureMessages(h)["report--" + hidden_ev.uuid], taxii::kIdNotAccepted);
  EXPECT_EQ(FailureMessages(v)["report--" + shown_ev.uuid], taxii::kIdNotAccepted);
  for (const json::value* st : {&h, &v}) {
    std::string text = json::serialize(*st);
    EXPECT_EQ(text.find("held by"), std::string::npos) << text;
    EXPECT_EQ(text.find(alpha_.name), std::string::npos) << text;
    EXPECT_EQ(st->at("failure_count").as_int64(), 1) << text;
    EXPECT_EQ(st->at("success_count").as_int64(), 1) << text;
  }
  // Reads: hidden and missing give the same status and words (but the id).
  std::string own = Coll(alpha_.uuid, "objects/");
  std::string missing = "indicator--" + util::NewUuid();
  std::string hid = "indicator--" + hidden.uuid;
  for (const std::string& coll : {std::string(taxii::kCommunityCollectionId), group_.uuid}) {
    for (const std::string& tail : {std::string("/"), std::string("/versions/")}) {
      auto a = Get(beta_key_, Coll(coll, "objects/") + hid + tail);
      auto b = Get(beta_key_, Coll(coll, "objects/") + missing + tail);
      ExpectTaxiiError(a, 404);
      ExpectTaxiiError(b, 404);
      EXPECT_EQ(Parse(a.body).at("description").as_string().size(),
                Parse(b.body).at("description").as_string().size());
    }
    auto m1 = Get(beta_key_, Coll(coll, "manifest/") + "?match[id]=" + hid);
    auto m2 = Get(beta_key_, Coll(coll, "manifest/") + "?match[id]=" + missing);
    EXPECT_EQ(m1.status, 200);
    EXPECT_EQ(m1.body, m2.body);
  }
  // Another organisation's own collection: 404 like an absent one.
  ExpectTaxiiError(Get(beta_key_, own + hid + "/"), 404);
}

// Finding 8: the status says what happened. An older version of a stored
// report is not written: both objects are failures with a message; an
// identical re-add counts as success (TAXII: the object is in the collection).
TEST_F(TaxiiHttpTest, StatusReportsObjectsThatWereNotWritten) {
  std::string rep = "report--" + util::NewUuid(), ind = "indicator--" + util::NewUuid();
  std::string objs = Coll("own", "objects/");
  auto post = [&](const std::string& modified) {
    auto r = Post(beta_key_, objs,
                  Envelope({ReportJson(rep, modified, {ind}),
                            IndicatorJson(ind, modified, "203.0.113.80")}));
    EXPECT_EQ(r.status, 202) << r.body;
    return Parse(r.body);
  };
  json::value v2 = post("2026-02-01T00:00:00.000Z");
  EXPECT_EQ(v2.at("success_count").as_int64(), 2) << json::serialize(v2);
  json::value same = post("2026-02-01T00:00:00.000Z");
  EXPECT_EQ(same.at("success_count").as_int64(), 2) << json::serialize(same);
  EXPECT_EQ(same.at("failure_count").as_int64(), 0);
  json::value old = post("2026-01-01T00:00:00.000Z");
  EXPECT_EQ(old.at("total_count").as_int64(), 2);
  EXPECT_EQ(old.at("success_count").as_int64(), 0) << json::serialize(old);
  EXPECT_EQ(old.at("failure_count").as_int64(), 2);
  auto msgs = FailureMessages(old);
  EXPECT_NE(msgs[rep].find("newer version"), std::string::npos) << msgs[rep];
  EXPECT_NE(msgs[ind].find("newer version"), std::string::npos) << msgs[ind];
}

// The aliases listed in docs/taxii.md work wherever a collection id does.
TEST_F(TaxiiHttpTest, CollectionAliasesWorkInUrls) {
  AddEvent(alpha_, model::Distribution::kCommunity, {Attr("198.51.100.5")}, {"tlp:clear"});
  model::Event own_ev = AddEvent(beta_, model::Distribution::kOrganisation, {Attr("198.51.100.6")});
  for (std::string alias : {"community", "own", "public", "Community"}) {
    auto c = Get(beta_key_, Coll(alias));
    ASSERT_EQ(c.status, 200) << alias << " " << c.body;
    auto o = Get(beta_key_, Coll(alias, "objects/"));
    EXPECT_EQ(o.status, 200) << alias;
    EXPECT_FALSE(Parse(o.body).at("objects").as_array().empty()) << alias;
    EXPECT_EQ(Get(beta_key_, Coll(alias, "manifest/")).status, 200) << alias;
  }
  std::string rep = "report--" + own_ev.uuid;
  EXPECT_EQ(Get(beta_key_, Coll("own", "objects/") + rep + "/").status, 200);
  EXPECT_EQ(Get(beta_key_, Coll("own", "objects/") + rep + "/versions/").status, 200);
  ExpectTaxiiError(Get(alpha_key_, Coll("own", "objects/") + rep + "/"), 404);  // Alpha's own
  auto p = Post(beta_key_, Coll("own", "objects/"),
                Envelope({IndicatorJson("indicator--" + util::NewUuid(),
                                        "2026-01-01T00:00:00.000Z", "203.0.113.90")}));
  EXPECT_EQ(p.status, 202) << p.body;
  ExpectTaxiiError(Get(beta_key_, Coll("nonsense")), 404);
}

TEST_F(TaxiiHttpTest, AmberReadsAreAudited) {
  model::Event amber =
      AddEvent(alpha_, model::Distribution::kCommunity, {Attr("198.51.100.9")}, {"tlp:amber"});
  auto r = Get(beta_key_, Coll(taxii::kCommunityCollectionId, "objects/"));
  ASSERT_EQ(r.status, 200) << r.body;
  int reads = 0;
  ASSERT_TRUE(store_
                  ->audit_log().ScanAuditEntries([&](const model::AuditEntry& e) {
                    if (e.action == "read.taxii" && e.object_uuid == amber.uuid &&
                        e.org_uuid == beta_.uuid)
                      ++reads;
                    return true;
                  })
                  .ok());
  EXPECT_EQ(reads, 1);
}

}  // namespace
}  // namespace sanad::testing

namespace sanad::testing {
namespace {

// Objects added to the own collection (distribution 0), unmapped ones
// included, reach nobody else: not through the community collection, not by
// id.
TEST_F(TaxiiHttpTest, ObjectsAddedToTheOwnCollectionStayWithTheOrganisation) {
  std::string report = "report--" + util::NewUuid();
  std::string malware = "malware--" + util::NewUuid();
  std::string env = R"({"objects": [
    {"type": "report", "spec_version": "2.1", "id": ")" +
                    report + R"(",
     "created": "2026-02-01T00:00:00.000Z", "modified": "2026-02-01T00:00:00.000Z",
     "name": "private report", "published": "2026-02-01T00:00:00Z",
     "report_types": ["threat-report"], "object_refs": [")" +
                    malware + R"("]},
    {"type": "malware", "spec_version": "2.1", "id": ")" +
                    malware + R"(",
     "created": "2026-02-01T00:00:00.000Z", "modified": "2026-02-01T00:00:00.000Z",
     "name": "QuietRat", "is_family": true}]})";
  auto r = Post(beta_key_, Coll(beta_.uuid, "objects"), env);  // no trailing slash
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(Parse(r.body).at("success_count").as_int64(), 2) << r.body;
  std::string own = Dump(ReadAll(beta_key_, beta_.uuid, 1000));
  EXPECT_NE(own.find(report), std::string::npos) << own;
  EXPECT_NE(own.find("QuietRat"), std::string::npos) << own;
  for (const std::string* key : {&alpha_key_, &gamma_key_}) {
    std::string seen = Dump(ReadAll(*key, taxii::kCommunityCollectionId, 1000)) +
                       Dump(ReadAll(*key, taxii::kPublicCollectionId, 1000));
    EXPECT_EQ(seen.find(report), std::string::npos) << seen;
    EXPECT_EQ(seen.find("QuietRat"), std::string::npos) << seen;
    ExpectTaxiiError(Get(*key, Coll(taxii::kCommunityCollectionId, "objects/" + malware + "/")),
                     404);
  }
}

}  // namespace
}  // namespace sanad::testing

namespace sanad::testing {
namespace {

// The per-key rate limit answers 429 in the TAXII format, Retry-After kept.
TEST_F(TaxiiHttpTest, RateLimitedRequestsGetATaxiiError) {
  api::Options o;
  o.data_dir = dir_.path();
  o.rate.per_minute = 1;
  o.rate.burst = 1;
  auto a = api::Api::Create(o, nullptr);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  server::Options so;
  so.listen = "127.0.0.1:0";
  api::Api* h = a->get();
  auto srv = server::Server::Start(
      so, [h](const server::Request& q, server::Response* r) { h->Handle(q, r); });
  ASSERT_TRUE(srv.ok());
  HttpClient c((*srv)->port());
  EXPECT_EQ(c.Send("GET", kRoot, "", "Bearer " + beta_key_, {{"Accept", kTaxii}}).status, 200);
  auto limited = c.Send("GET", kRoot, "", "Bearer " + beta_key_, {{"Accept", kTaxii}});
  ExpectTaxiiError(limited, 429);
  EXPECT_FALSE(limited.Header("retry-after").empty());
  (*srv)->Stop();
  (*srv)->Wait();
}

}  // namespace
}  // namespace sanad::testing
