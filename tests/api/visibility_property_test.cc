// Visibility property test of the REST API: a random community (orgs,
// sharing groups with random members, events with random distributions,
// attributes and objects with their own distributions, soft-deleted items,
// values shared across events so that correlations exist) is queried as
// every organisation through every read endpoint, and each answer is compared
// with a small reference policy written plainly below. Any attribute, object
// or event uuid, or any unique value, that appears in an answer while the
// reference says it is hidden from the caller fails the test; the main lists
// must also be complete.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "api/api.h"
#include "auth/auth.h"
#include "formats/import.h"
#include "formats/misp.h"
#include "api_server.h"
#include "http_client.h"
#include "model/canon.h"
#include "server/server.h"
#include "store/store.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::testing {
namespace {

namespace json = boost::json;

constexpr int kOrgs = 6;
constexpr int kGroups = 3;
constexpr int kEvents = 40;

// ---- the reference model ---------------------------------------------------------

struct RefItem {  // an event, object or attribute as the reference sees it
  std::string uuid;
  int dist = 5;    // 0..5
  int group = -1;  // sharing group index when dist == 4
  bool deleted = false;
};
struct RefAttr : RefItem {
  std::string value;
  int event = 0;
  int object = -1;  // index into RefEvent::objects, -1 outside objects
};
struct RefEvent : RefItem {
  int owner = 0;  // org index (holder and creator)
  std::vector<RefItem> objects;
};

struct Community {
  std::vector<std::set<int>> members;  // per sharing group: org indexes (owner included)
  std::vector<RefEvent> events;
  std::vector<RefAttr> attrs;

  // One distribution level: the owner passes; 1-3 pass; 4 passes for members;
  // 5 inherits (the parent is checked on its own).
  bool Passes(int org, int owner, const RefItem& it) const {
    if (org == owner) return true;
    if (it.dist >= 1 && it.dist <= 3) return true;
    if (it.dist == 4) return members[it.group].count(org) > 0;
    return it.dist == 5;
  }
  bool EventVisible(int org, int e) const {
    const RefEvent& ev = events[e];
    return !ev.deleted && Passes(org, ev.owner, ev);
  }
  bool ObjectVisible(int org, int e, int o) const {
    const RefItem& ob = events[e].objects[o];
    return EventVisible(org, e) && !ob.deleted && Passes(org, events[e].owner, ob);
  }
  bool AttrVisible(int org, int a) const {
    const RefAttr& at = attrs[a];
    if (at.deleted || !EventVisible(org, at.event)) return false;
    if (at.object >= 0 && !ObjectVisible(org, at.event, at.object)) return false;
    return Passes(org, events[at.event].owner, at);
  }
};

// Every lower-case uuid (8-4-4-4-12 hex) in `s`.
std::set<std::string> UuidTokens(const std::string& s) {
  std::set<std::string> out;
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  for (size_t i = 0; i + 36 <= s.size(); ++i) {
    bool ok = true;
    for (size_t j = 0; j < 36 && ok; ++j) {
      char c = s[i + j];
      ok = (j == 8 || j == 13 || j == 18 || j == 23) ? c == '-' : hex(c);
    }
    if (ok) {
      out.insert(s.substr(i, 36));
      i += 35;
    }
  }
  return out;
}

// Every unique marker value ("zq1234.example") in `s`.
std::set<std::string> UniqueValueTokens(const std::string& s) {
  std::set<std::string> out;
  for (size_t i = s.find("zq"); i != std::string::npos; i = s.find("zq", i + 2)) {
    if (i + 14 <= s.size() && s.compare(i + 6, 8, ".example") == 0) out.insert(s.substr(i, 14));
  }
  return out;
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  const char* hexd = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hexd[c >> 4];
      out += hexd[c & 15];
    }
  }
  return out;
}

class VisibilityPropertyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    util::Init();
    uint32_t seed = 20261128;
    if (const char* s = std::getenv("SANAD_PROPERTY_SEED")) seed = std::strtoul(s, nullptr, 10);
    seed_ = seed;
    rng_.seed(seed);
    store_ = NewStore(dir_.path());
    ASSERT_NE(store_, nullptr);
    BuildCommunity();
    if (HasFatalFailure()) return;
    api::Options ao;
    ao.data_dir = dir_.path();
    ao.rate.per_minute = 0;  // no rate limit
    Status st = StartApi(ao, nullptr, &api_, &server_);
    ASSERT_TRUE(st.ok()) << st.ToString();
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  void TearDown() override {
    client_.reset();
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
    server_.reset();
    api_.reset();
  }

  int Rand(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  model::OrgRef Ref(int org) { return {orgs_[org].id, orgs_[org].uuid, orgs_[org].name}; }

  // A random distribution for an item (events 0-4, others 0-5).
  void RandomDist(RefItem* it, bool allow_inherit, model::Distribution* d,
                  model::SharingGroupRef* sg) {
    it->dist = Rand(0, allow_inherit ? 5 : 4);
    *d = static_cast<model::Distribution>(it->dist);
    if (it->dist == 4) {
      it->group = Rand(0, kGroups - 1);
      const auto& g = groups_[it->group];
      *sg = model::SharingGroupRef{g.id, g.uuid, g.name};
    }
  }

  // A value from the shared pool (correlating across events), or a unique one.
  void RandomValue(model::Attribute* a) {
    static const std::vector<std::pair<std::string, std::string>> kPool = [] {
      std::vector<std::pair<std::string, std::string>> p;
      for (int i = 1; i <= 6; ++i) p.push_back({"ip-dst", "203.0.113." + std::to_string(i)});
      p.push_back({"ip-src", "203.0.113.0/29"});
      for (int i = 1; i <= 3; ++i) {
        std::string d = "evil" + std::to_string(i) + ".example";
        p.push_back({"domain", d});
        p.push_back({"hostname", "www." + d});
        p.push_back({"url", "http://" + d + "/x"});
      }
      return p;
    }();
    if (Chance(0.35)) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "zq%04d.example", next_unique_++);
      a->type = "domain";
      a->value = buf;
    } else {
      const auto& [t, v] = kPool[Rand(0, static_cast<int>(kPool.size()) - 1)];
      a->type = t;
      a->value = v;
    }
    a->category = "Network activity";
    model::CanonicalValue cv;
    Status st = model::Canonicalise(a->type, a->value, &cv);
    ASSERT_TRUE(st.ok()) << a->value << ": " << st.ToString();
    a->canonical = cv.value;
    a->canonical1 = cv.part1;
    a->canonical2 = cv.part2;
  }

  model::Attribute NewAttr(int e, int object) {
    RefAttr r;
    model::Attribute a;
    a.uuid = util::NewUuid();
    a.timestamp = 1700000000;
    a.to_ids = Chance(0.7);
    RandomDist(&r, true, &a.distribution, &a.sharing_group);
    RandomValue(&a);
    a.deleted = Chance(0.1);
    r.uuid = a.uuid;
    r.value = a.canonical;
    attr_type_[a.uuid] = {a.type, a.value};
    r.deleted = a.deleted;
    r.event = e;
    r.object = object;
    ref_.attrs.push_back(r);
    return a;
  }

  void BuildCommunity() {
    for (int i = 0; i < kOrgs; ++i) {
      model::Org g;
      g.name = "Org " + std::to_string(i);
      g.country = "SA";
      g.is_chair = i == 0;
      ASSERT_TRUE(store_->community().AddOrg(&g).ok());
      orgs_.push_back(g);
      std::string key = AddUserWithKey(store_.get(), "analyst@org" + std::to_string(i) + ".example",
                                       g, model::Role::kAnalyst);
      ASSERT_FALSE(key.empty());
      keys_.push_back(key);
    }
    for (int i = 0; i < kGroups; ++i) {
      model::SharingGroup g;
      int owner = Rand(0, kOrgs - 1);
      g.name = "Group " + std::to_string(i);
      g.owner = Ref(owner);
      ASSERT_TRUE(store_->community().AddSharingGroup(&g).ok());
      std::set<int> m{owner};
      for (int o = 0; o < kOrgs; ++o) {
        if (o != owner && Chance(0.4)) {
          ASSERT_TRUE(store_->community().AddSharingGroupOrg(g.id, orgs_[o].id).ok());
          m.insert(o);
        }
      }
      groups_.push_back(g);
      ref_.members.push_back(m);
    }
    for (int e = 0; e < kEvents; ++e) {
      RefEvent r;
      model::Event ev;
      ev.uuid = util::NewUuid();
      r.uuid = ev.uuid;
      r.owner = Rand(0, kOrgs - 1);
      ev.org = ev.orgc = Ref(r.owner);
      ev.info = "event " + std::to_string(e);
      ev.date = "2026-01-" + std::to_string(10 + e % 18);
      ev.timestamp = 1700000000;
      ev.published = Chance(0.5);
      RandomDist(&r, false, &ev.distribution, &ev.sharing_group);
      ref_.events.push_back(r);
      int n = Rand(3, 6);
      for (int i = 0; i < n; ++i) ev.attributes.push_back(NewAttr(e, -1));
      int nobj = Rand(0, 2);
      for (int o = 0; o < nobj; ++o) {
        RefItem ro;
        model::Object ob;
        ob.uuid = util::NewUuid();
        ob.name = "domain-ip";
        ob.meta_category = "network";
        ob.timestamp = 1700000000;
        RandomDist(&ro, true, &ob.distribution, &ob.sharing_group);
        ob.deleted = Chance(0.1);
        ro.uuid = ob.uuid;
        ro.deleted = ob.deleted;
        ref_.events[e].objects.push_back(ro);
        int na = Rand(1, 3);
        for (int i = 0; i < na; ++i) {
          model::Attribute a = NewAttr(e, o);
          a.object_relation = "domain";
          ob.attributes.push_back(std::move(a));
        }
        ev.objects.push_back(std::move(ob));
      }
      if (HasFatalFailure()) return;
      auto up = store_->events().UpsertEvent(&ev);
      ASSERT_TRUE(up.ok()) << up.status().ToString();
      if (Chance(0.1)) {
        ASSERT_TRUE(store_->events().SoftDeleteEvent(ev.id, 1700000100).ok());
        ref_.events[e].deleted = true;
      }
    }
    for (size_t i = 0; i < ref_.attrs.size(); ++i) attr_index_[ref_.attrs[i].uuid] = i;
    for (size_t e = 0; e < ref_.events.size(); ++e) {
      event_index_[ref_.events[e].uuid] = e;
      for (size_t o = 0; o < ref_.events[e].objects.size(); ++o)
        object_index_[ref_.events[e].objects[o].uuid] = {e, o};
    }
  }

  HttpClient::Reply Get(int org, const std::string& target) {
    auto r = client_->Send("GET", target, "", "Bearer " + keys_[org]);
    ++requests_;
    EXPECT_NE(r.status, 0) << target << ": " << r.error;
    return r;
  }
  HttpClient::Reply Post(int org, const std::string& target, const std::string& body) {
    auto r = client_->Send("POST", target, body, "Bearer " + keys_[org]);
    ++requests_;
    return r;
  }

  // The leak check every answer passes: each known attribute, object and
  // event uuid and each unique value in `body` is visible to `org`. `except`
  // is the uuid the request named (echoed in a 404 message).
  void CheckNoLeak(int org, const std::string& what, const std::string& body,
                   const std::string& except = "") {
    for (const auto& t : UuidTokens(body)) {
      if (t == except) continue;
      if (auto it = attr_index_.find(t); it != attr_index_.end()) {
        EXPECT_TRUE(ref_.AttrVisible(org, it->second))
            << what << ": org " << org << " received hidden attribute " << t;
      } else if (auto ie = event_index_.find(t); ie != event_index_.end()) {
        EXPECT_TRUE(ref_.EventVisible(org, ie->second))
            << what << ": org " << org << " received hidden event " << t;
      } else if (auto io = object_index_.find(t); io != object_index_.end()) {
        EXPECT_TRUE(ref_.ObjectVisible(org, io->second.first, io->second.second))
            << what << ": org " << org << " received hidden object " << t;
      }
    }
    for (const auto& v : UniqueValueTokens(body)) {
      bool visible = false;
      for (size_t a = 0; a < ref_.attrs.size() && !visible; ++a)
        visible = ref_.attrs[a].value == v && ref_.AttrVisible(org, a);
      EXPECT_TRUE(visible) << what << ": org " << org << " received hidden value " << v;
    }
  }

  // The known attribute uuids in `body`.
  std::set<std::string> AttrUuids(const std::string& body) {
    std::set<std::string> out;
    for (const auto& t : UuidTokens(body))
      if (attr_index_.count(t)) out.insert(t);
    return out;
  }
  std::set<std::string> VisibleAttrs(int org, int event = -1) {
    std::set<std::string> out;
    for (size_t a = 0; a < ref_.attrs.size(); ++a)
      if ((event < 0 || ref_.attrs[a].event == event) && ref_.AttrVisible(org, a))
        out.insert(ref_.attrs[a].uuid);
    return out;
  }

  static std::string ErrorShape(const std::string& body, const std::string& uuid) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("error")) return "not an error: " + body;
    const auto& e = v.at("error").as_object();
    std::string msg = e.contains("message") ? json::serialize(e.at("message")) : "";
    for (size_t p = uuid.empty() ? std::string::npos : msg.find(uuid); p != std::string::npos;
         p = msg.find(uuid, p + 6))
      msg.replace(p, uuid.size(), "<uuid>");
    return json::serialize(e.at("code")) + " " + msg;
  }

  uint32_t seed_ = 0;
  std::mt19937 rng_;
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<model::Org> orgs_;
  std::vector<model::SharingGroup> groups_;
  std::vector<std::string> keys_;
  Community ref_;
  int next_unique_ = 0;
  std::map<std::string, size_t> attr_index_, event_index_;
  std::map<std::string, std::pair<std::string, std::string>> attr_type_;  // uuid -> (type, value)
  std::map<std::string, std::pair<size_t, size_t>> object_index_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<HttpClient> client_;
  int requests_ = 0;
};

TEST_F(VisibilityPropertyTest, NoEndpointLeaksWhatThePolicyHides) {
  SCOPED_TRACE("seed " + std::to_string(seed_) + " (set SANAD_PROPERTY_SEED to replay)");
  // The community must exercise both sides of the policy.
  int visible_pairs = 0, hidden_pairs = 0;
  for (int o = 0; o < kOrgs; ++o)
    for (size_t a = 0; a < ref_.attrs.size(); ++a)
      (ref_.AttrVisible(o, a) ? visible_pairs : hidden_pairs)++;
  ASSERT_GT(visible_pairs, 100);
  ASSERT_GT(hidden_pairs, 100);

  // ---- sightings, recorded through the API by random orgs ----
  // reporters[attribute index] = org indexes of the sightings stored on it.
  std::map<size_t, std::vector<int>> reporters;
  for (int i = 0; i < 60; ++i) {
    int org = Rand(0, kOrgs - 1);
    size_t a = static_cast<size_t>(Rand(0, static_cast<int>(ref_.attrs.size()) - 1));
    const std::string& uuid = ref_.attrs[a].uuid;
    auto r = Post(org, "/api/v1/sightings",
                  json::serialize(json::object{{"attribute_uuid", uuid}, {"source", "ids"}}));
    CheckNoLeak(org, "POST /sightings", r.body, uuid);
    if (ref_.AttrVisible(org, a)) {
      EXPECT_EQ(r.status, 201) << r.body;
      reporters[a].push_back(org);
    } else {
      EXPECT_EQ(r.status, 404) << "org " << org << " sighted hidden attribute " << uuid;
    }
  }
  for (int i = 0; i < 12; ++i) {
    int org = Rand(0, kOrgs - 1);
    std::string value = "203.0.113." + std::to_string(Rand(1, 6));
    auto r = Post(org, "/api/v1/sightings",
                  json::serialize(json::object{{"value", value}, {"type", "false-positive"}}));
    CheckNoLeak(org, "POST /sightings by value", r.body);
    std::set<std::string> expected;
    for (size_t a = 0; a < ref_.attrs.size(); ++a)
      if (ref_.attrs[a].value == value && ref_.AttrVisible(org, a))
        expected.insert(ref_.attrs[a].uuid);
    if (expected.empty()) {
      EXPECT_EQ(r.status, 404) << r.body;
      continue;
    }
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(AttrUuids(r.body), expected) << "sighting by value " << value << " as org " << org;
    for (const auto& u : expected) reporters[attr_index_[u]].push_back(org);
  }

  std::string absent = util::NewUuid();
  int correlations_seen = 0, hits_seen = 0, match_hits_seen = 0;
  for (int org = 0; org < kOrgs; ++org) {
    SCOPED_TRACE("org " + std::to_string(org));
    // ---- events list, every page ----
    std::set<std::string> listed;
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
      auto r = Get(org, "/api/v1/events?limit=7" + (cursor.empty() ? "" : "&cursor=" + cursor));
      ASSERT_EQ(r.status, 200) << r.body;
      CheckNoLeak(org, "GET /events", r.body);
      json::value v = json::parse(r.body);
      for (const auto& e : v.at("events").as_array()) {
        std::string u(e.at("uuid").as_string());
        listed.insert(u);
        // Counts count only what the caller may see.
        size_t ei = event_index_.at(u);
        int64_t attrs = static_cast<int64_t>(VisibleAttrs(org, static_cast<int>(ei)).size());
        int64_t objects = 0;
        for (size_t o = 0; o < ref_.events[ei].objects.size(); ++o)
          objects += ref_.ObjectVisible(org, static_cast<int>(ei), static_cast<int>(o));
        EXPECT_EQ(e.at("attribute_count").to_number<int64_t>(), attrs) << u;
        EXPECT_EQ(e.at("object_count").to_number<int64_t>(), objects) << u;
      }
      if (v.at("next_cursor").is_null()) break;
      cursor = std::string(v.at("next_cursor").as_string());
    }
    std::set<std::string> expected_events;
    for (int e = 0; e < kEvents; ++e)
      if (ref_.EventVisible(org, e)) expected_events.insert(ref_.events[e].uuid);
    EXPECT_EQ(listed, expected_events);

    // ---- every event by uuid: hidden reads exactly like absent ----
    auto none = Get(org, "/api/v1/events/" + absent);
    ASSERT_EQ(none.status, 404);
    std::string absent_shape = ErrorShape(none.body, absent);
    for (int e = 0; e < kEvents; ++e) {
      const std::string& u = ref_.events[e].uuid;
      auto r = Get(org, "/api/v1/events/" + u);
      CheckNoLeak(org, "GET /events/" + u, r.body, u);
      if (!ref_.EventVisible(org, e)) {
        EXPECT_EQ(r.status, 404) << "hidden event " << u;
        EXPECT_EQ(ErrorShape(r.body, u), absent_shape);
        continue;
      }
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(AttrUuids(r.body), VisibleAttrs(org, e)) << "event " << u;
    }

    // ---- every attribute by uuid ----
    auto none_attr = Get(org, "/api/v1/attributes/" + absent);
    ASSERT_EQ(none_attr.status, 404);
    std::string absent_attr_shape = ErrorShape(none_attr.body, absent);
    for (size_t a = 0; a < ref_.attrs.size(); ++a) {
      const std::string& u = ref_.attrs[a].uuid;
      auto r = Get(org, "/api/v1/attributes/" + u);
      CheckNoLeak(org, "GET /attributes/" + u, r.body, u);
      if (ref_.AttrVisible(org, a)) {
        EXPECT_EQ(r.status, 200) << r.body;
      } else {
        EXPECT_EQ(r.status, 404) << "hidden attribute " << u;
        EXPECT_EQ(ErrorShape(r.body, u), absent_attr_shape);
      }
    }

    // ---- exports ----
    {
      auto r = Get(org, "/api/v1/events/export?format=misp&include_warninglisted=true");
      ASSERT_EQ(r.status, 200);
      CheckNoLeak(org, "export misp", r.body);
      EXPECT_EQ(AttrUuids(r.body), VisibleAttrs(org)) << "misp export";
      auto t = Get(org, "/api/v1/events/export?format=text&include_warninglisted=true");
      ASSERT_EQ(t.status, 200);
      CheckNoLeak(org, "export text", t.body);
      std::set<std::string> visible_values;
      for (size_t a = 0; a < ref_.attrs.size(); ++a)
        if (ref_.AttrVisible(org, a)) visible_values.insert(ref_.attrs[a].value);
      size_t start = 0;
      while (start < t.body.size()) {
        size_t nl = t.body.find('\n', start);
        if (nl == std::string::npos) nl = t.body.size();
        std::string line = t.body.substr(start, nl - start);
        start = nl + 1;
        if (line.empty()) continue;
        EXPECT_TRUE(visible_values.count(line)) << "text export line " << line;
      }
    }

    // ---- search by values (shared, unique, hidden and visible alike) ----
    for (int q = 0; q < 6; ++q) {
      std::vector<std::string> values;
      std::string target = "/api/v1/search?limit=1000";
      for (int k = 0; k < 4; ++k) {
        const RefAttr& at = ref_.attrs[Rand(0, static_cast<int>(ref_.attrs.size()) - 1)];
        values.push_back(at.value);
        target += "&value=" + UrlEncode(at.value);
      }
      auto r = Get(org, target);
      ASSERT_EQ(r.status, 200) << r.body;
      CheckNoLeak(org, target, r.body);
      json::value v = json::parse(r.body);
      std::set<std::string> hit_uuids;
      for (const auto& h : v.at("hits").as_array()) {
        hit_uuids.insert(std::string(h.at("uuid").as_string()));
        correlations_seen += static_cast<int>(h.at("correlations").as_array().size());
      }
      hits_seen += static_cast<int>(hit_uuids.size());
      // Complete for exact values: every visible attribute holding a query
      // value is a hit.
      for (size_t a = 0; a < ref_.attrs.size(); ++a) {
        if (!ref_.AttrVisible(org, a)) continue;
        if (std::find(values.begin(), values.end(), ref_.attrs[a].value) == values.end()) continue;
        EXPECT_TRUE(hit_uuids.count(ref_.attrs[a].uuid))
            << target << ": visible attribute " << ref_.attrs[a].uuid << " missing";
      }
    }

    // ---- match: a log holding every value of the community ----
    {
      std::set<std::string> values;
      for (const auto& at : ref_.attrs) values.insert(at.value);
      std::string log;
      for (const auto& v : values) log += "seen " + v + " here\n";
      auto r = Post(org, "/api/v1/match?format=text&all=true&include_warninglisted=true", log);
      ASSERT_EQ(r.status, 200) << r.body;
      CheckNoLeak(org, "match", r.body);
      std::set<std::string> hit_uuids;
      size_t start = 0;
      bool summary = false;
      while (start < r.body.size()) {
        size_t nl = r.body.find('\n', start);
        if (nl == std::string::npos) nl = r.body.size();
        json::value v = json::parse(r.body.substr(start, nl - start));
        start = nl + 1;
        if (v.as_object().contains("summary")) {
          summary = true;
          continue;
        }
        hit_uuids.insert(std::string(v.at("attribute_uuid").as_string()));
      }
      EXPECT_TRUE(summary) << "match answer without its summary line";
      match_hits_seen += static_cast<int>(hit_uuids.size());
      // Sound (only visible attributes) and complete (every visible
      // attribute's own value, present in the log, is a hit).
      std::set<std::string> visible = VisibleAttrs(org);
      for (const auto& u : hit_uuids) EXPECT_TRUE(visible.count(u)) << "match hit on hidden " << u;
      for (const auto& u : visible) EXPECT_TRUE(hit_uuids.count(u)) << "match missed visible " << u;
    }

    // ---- correlations and sightings of a sample of attributes ----
    for (int k = 0; k < 50; ++k) {
      size_t a = static_cast<size_t>(Rand(0, static_cast<int>(ref_.attrs.size()) - 1));
      const std::string& u = ref_.attrs[a].uuid;
      bool visible = ref_.AttrVisible(org, a);
      auto c = Get(org, "/api/v1/attributes/" + u + "/correlations");
      CheckNoLeak(org, "correlations of " + u, c.body, u);
      EXPECT_EQ(c.status, visible ? 200 : 404) << c.body;
      if (visible && c.status == 200) {
        json::value v = json::parse(c.body);
        for (const auto& x : v.at("correlations").as_array()) {
          ++correlations_seen;
          std::string xu(x.at("uuid").as_string());
          EXPECT_NE(ref_.attrs[attr_index_.at(xu)].event, ref_.attrs[a].event)
              << "correlation inside one event";
        }
      }
      auto s = Get(org, "/api/v1/attributes/" + u + "/sightings");
      CheckNoLeak(org, "sightings of " + u, s.body, u);
      EXPECT_EQ(s.status, visible ? 200 : 404) << s.body;
      if (!visible || s.status != 200) continue;
      // The sighting policy: the event owner and each reporter see details;
      // everyone who sees the attribute sees the counts.
      json::value v = json::parse(s.body);
      const auto& rep = reporters[a];
      int64_t total = 0;
      for (const auto& [t, n] : v.at("counts").as_object()) total += n.to_number<int64_t>();
      EXPECT_EQ(total, static_cast<int64_t>(rep.size())) << u;
      bool owner = ref_.events[ref_.attrs[a].event].owner == org;
      size_t own = std::count(rep.begin(), rep.end(), org);
      EXPECT_EQ(v.at("sightings").as_array().size(), owner ? rep.size() : own) << u;
      for (const auto& d : v.at("sightings").as_array()) {
        if (owner) continue;
        EXPECT_EQ(d.at("org").at("uuid").as_string(), orgs_[org].uuid)
            << "org " << org << " sees another reporter's sighting on " << u;
      }
    }
  }
  // The answers were not vacuous.
  EXPECT_GT(hits_seen, 20);
  EXPECT_GT(correlations_seen, 20);
  EXPECT_GT(match_hits_seen, 20);
  EXPECT_GT(requests_, 1000);
}

// The intel routes' input errors and read-your-writes, on the same community.
TEST_F(VisibilityPropertyTest, IntelRoutesValidateInputAndReadTheirWrites) {
  auto code = [](const HttpClient::Reply& r) {
    return ErrorShape(r.body, "").substr(0, ErrorShape(r.body, "").find(' '));
  };
  auto r = Get(0, "/api/v1/search");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, ::testing::HasSubstr("at least one value"));
  r = Get(0, "/api/v1/search?value=evil1.example&value_type=no-such-type");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, ::testing::HasSubstr("no-such-type"));
  r = Get(0, "/api/v1/search?value=evil1.example&last=7x");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, ::testing::HasSubstr("query parameter last"));
  r = Get(0, "/api/v1/search?value=evil1.example&to_ids=maybe");
  EXPECT_EQ(r.status, 400);
  r = Get(0, "/api/v1/search?value=evil1.example&value_type=ip-dst");
  EXPECT_EQ(r.status, 400) << "a value that does not fit value_type is invalid: " << r.body;
  r = Post(0, "/api/v1/sightings", R"({"source": "x"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, ::testing::HasSubstr("exactly one of"));
  r = Post(0, "/api/v1/sightings",
           R"({"value": "203.0.113.1", "attribute_uuid": ")" + ref_.attrs[0].uuid + R"("})");
  EXPECT_EQ(r.status, 400);
  r = Post(0, "/api/v1/sightings", R"({"value": "203.0.113.1", "type": "maybe"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, ::testing::HasSubstr("$.type"));
  r = Post(0, "/api/v1/sightings", "not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(code(r), "\"invalid\"");

  // A sighting recorded by the owner is counted at once, dated as given.
  size_t a = 0;
  while (a < ref_.attrs.size() && !ref_.AttrVisible(ref_.events[ref_.attrs[a].event].owner, a)) ++a;
  ASSERT_LT(a, ref_.attrs.size());
  int owner = ref_.events[ref_.attrs[a].event].owner;
  const std::string& u = ref_.attrs[a].uuid;
  r = Post(owner, "/api/v1/sightings",
           R"({"attribute_uuid": ")" + u +
               R"(", "type": "seen", "source": "sensor-1", "time": 1700000500})");
  ASSERT_EQ(r.status, 201) << r.body;
  json::value v = json::parse(r.body);
  EXPECT_EQ(v.at("count").to_number<int64_t>(), 1);
  EXPECT_EQ(v.at("sightings").at(0).at("date_sighting").to_number<int64_t>(), 1700000500);
  r = Get(owner, "/api/v1/attributes/" + u + "/sightings");
  ASSERT_EQ(r.status, 200) << r.body;
  v = json::parse(r.body);
  EXPECT_EQ(v.at("counts").at("seen").to_number<int64_t>(), 1);
  EXPECT_EQ(v.at("sightings").at(0).at("source").as_string(), "sensor-1");
  EXPECT_EQ(v.at("sightings").at(0).at("org").at("uuid").as_string(), orgs_[owner].uuid);

  // Search finds a freshly added event's value (the shared index follows the
  // store's data generation).
  std::string ev = json::serialize(json::object{
      {"Event",
       json::object{{"info", "fresh"},
                    {"distribution", "1"},
                    {"threat_level_id", "2"},
                    {"analysis", "0"},
                    {"Attribute", json::array{json::object{{"type", "domain"},
                                                           {"category", "Network activity"},
                                                           {"value", "fresh-zz.example"},
                                                           {"uuid", util::NewUuid()}}}}}}});
  r = Get(owner, "/api/v1/search?value=fresh-zz.example");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).at("count").to_number<int64_t>(), 0);
  r = Post(owner, "/api/v1/events", ev);
  ASSERT_EQ(r.status, 201) << r.body;
  r = Get((owner + 1) % kOrgs, "/api/v1/search?value=fresh-zz.example&correlations=false");
  ASSERT_EQ(r.status, 200);
  v = json::parse(r.body);
  ASSERT_EQ(v.at("count").to_number<int64_t>(), 1) << r.body;
  EXPECT_EQ(v.at("hits").at(0).at("value").as_string(), "fresh-zz.example");
  EXPECT_FALSE(v.at("hits").at(0).as_object().contains("correlations"));
}


// Update sequences (issue: an update that omitted "distribution" made an
// organisation-only event visible to the whole community). Random partial
// bodies (PUT and MISP-style POST), random partial re-imports (the CLI's
// import path) and writes by other members; after each step every
// organisation reads the event and sees exactly what the reference says: a
// write widens an audience only when it names the new distribution.
TEST_F(VisibilityPropertyTest, UpdatesNeverWidenAnAudience) {
  SCOPED_TRACE("seed " + std::to_string(seed_) + " (set SANAD_PROPERTY_SEED to replay)");
  std::vector<int> live;
  for (int e = 0; e < kEvents; ++e)
    if (!ref_.events[e].deleted) live.push_back(e);
  ASSERT_GT(live.size(), 10u);
  std::map<int, bool> tlp;  // event -> carries tlp:amber (set by a step that gave tags)
  std::map<int, int64_t> ts;
  int steps = 0, refused = 0, widened = 0;
  for (int step = 0; step < 120; ++step) {
    const int e = live[Rand(0, static_cast<int>(live.size()) - 1)];
    RefEvent& re = ref_.events[e];
    const int owner = re.owner;
    SCOPED_TRACE("step " + std::to_string(step) + " event " + std::to_string(e));
    // A partial body: info always (MISP requires it); each other field by chance.
    json::object ev{{"info", "edit " + std::to_string(step)}};
    int new_dist = re.dist, new_group = re.group;
    if (Chance(0.3)) {
      new_dist = Rand(0, 4);
      new_group = new_dist == 4 ? Rand(0, kGroups - 1) : -1;
      // The owner may only share through groups it belongs to.
      if (new_dist == 4 && !ref_.members[new_group].count(owner)) new_dist = 0, new_group = -1;
      ev["distribution"] = std::to_string(new_dist);
      if (new_dist == 4)
        ev["SharingGroup"] = {{"uuid", groups_[new_group].uuid}, {"name", groups_[new_group].name}};
    }
    if (Chance(0.3)) ev["threat_level_id"] = std::to_string(Rand(1, 4));
    if (Chance(0.2)) ev["published"] = Chance(0.5);
    const bool tags_given = Chance(0.25);
    const bool with_tlp = tags_given && Chance(0.5);
    if (tags_given) {
      json::array tags;
      if (with_tlp) tags.push_back(json::object{{"name", "tlp:amber"}});
      ev["Tag"] = std::move(tags);
    }
    // Some of the event's own attributes outside objects, partially.
    std::vector<std::pair<size_t, int>> attr_changes;  // ref index, new dist (-1 = kept)
    json::array attrs;
    for (size_t a = 0; a < ref_.attrs.size(); ++a) {
      if (ref_.attrs[a].event != e || ref_.attrs[a].object >= 0 || !Chance(0.4)) continue;
      const auto& [type, value] = attr_type_[ref_.attrs[a].uuid];
      json::object ao{{"uuid", ref_.attrs[a].uuid}, {"type", type}, {"value", value},
                      {"comment", "edited"}};
      int d = -1;
      if (Chance(0.3)) {
        d = Chance(0.5) ? 0 : 5;  // narrowing or inheriting, never a group here
        ao["distribution"] = std::to_string(d);
      }
      attrs.push_back(std::move(ao));
      attr_changes.push_back({a, d});
    }
    if (!attrs.empty()) ev["Attribute"] = std::move(attrs);
    ts[e] = std::max<int64_t>(ts[e] ? ts[e] : 1700000000, 1700000000) + 10;
    const int how = Rand(0, 3);
    bool applied = false;
    if (how == 3) {
      // Another member tries: refused whatever it sends, nothing changes.
      int other = (owner + Rand(1, kOrgs - 1)) % kOrgs;
      auto r = client_->Send("PUT", "/api/v1/events/" + re.uuid,
                             json::serialize(json::object{{"Event", ev}}), "Bearer " + keys_[other]);
      EXPECT_TRUE(r.status == 403 || r.status == 404) << r.status << " " << r.body;
      if (r.status == 404) CheckNoLeak(other, "PUT by another org", r.body, re.uuid);
      ++refused;
    } else if (how == 2) {
      // The CLI's import path: a MISP document re-imported by the holder.
      ev["uuid"] = re.uuid;
      ev["timestamp"] = std::to_string(ts[e]);
      std::vector<model::Event> parsed;
      formats::ParseNotes notes;
      Status st = formats::ParseMispDocument(json::serialize(json::object{{"Event", ev}}),
                                             "step", &parsed, &notes);
      ASSERT_TRUE(st.ok()) << st.ToString();
      store::Transaction tx(store_.get());
      ASSERT_TRUE(tx.status().ok());
      formats::ImportReport report;
      st = formats::ImportEvents(store_.get(), &parsed, orgs_[owner], {}, &report);
      ASSERT_TRUE(st.ok()) << st.ToString();
      ASSERT_TRUE(tx.Commit().ok());
      ASSERT_EQ(report.events_updated, 1) << json::serialize(ev);
      applied = true;
    } else {
      ev["timestamp"] = std::to_string(ts[e]);
      auto r = client_->Send(how == 0 ? "PUT" : "POST", "/api/v1/events/" + re.uuid,
                             json::serialize(json::object{{"Event", ev}}), "Bearer " + keys_[owner]);
      ASSERT_EQ(r.status, 200) << r.body;
      applied = true;
    }
    if (applied) {
      ++steps;
      if (new_dist != re.dist && new_dist != 0) ++widened;
      re.dist = new_dist;
      re.group = new_group;
      if (tags_given) tlp[e] = with_tlp;
      for (auto [a, d] : attr_changes)
        if (d >= 0) ref_.attrs[a].dist = d, ref_.attrs[a].group = -1;
    }
    // Every organisation reads the event: exactly the reference's view.
    for (int org = 0; org < kOrgs; ++org) {
      auto r = Get(org, "/api/v1/events/" + re.uuid);
      CheckNoLeak(org, "GET /events/{uuid} after an update", r.body, re.uuid);
      if (!ref_.EventVisible(org, e)) {
        EXPECT_EQ(r.status, 404) << "org " << org << " reads event " << e << " (dist " << re.dist
                                 << ") after: " << json::serialize(ev);
        continue;
      }
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(AttrUuids(r.body), VisibleAttrs(org, e)) << "org " << org;
      if (org == owner && tlp.count(e))
        EXPECT_EQ(r.body.find("tlp:amber") != std::string::npos, tlp[e])
            << "the event's tags changed without a Tag in the body: " << json::serialize(ev);
    }
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(steps, 60);
  EXPECT_GT(refused, 10);
  EXPECT_GT(widened, 0);  // some steps did widen, by naming the distribution
}

}  // namespace
}  // namespace sanad::testing
