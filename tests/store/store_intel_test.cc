// The store's intelligence section: index rows, attribute context, lookups
// by value, correlation exclusions, settings, sightings, the data
// generation counter, and the migration from schema version 1.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "store/schema.h"
#include "store/store.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::store {
namespace {

using model::Distribution;
using testing::TempDir;

std::unique_ptr<Store> MustOpen(const std::string& dir, OpenOptions o = {}) {
  o.create_if_missing = true;
  auto s = Store::Open(dir, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

model::Org AddOrg(Store* s, const std::string& name) {
  model::Org o;
  o.name = name;
  o.country = "JO";
  Status st = s->community().AddOrg(&o);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return o;
}

model::OrgRef Ref(const model::Org& o) { return model::OrgRef{o.id, o.uuid, o.name}; }

model::Attribute Attr(const std::string& value, model::Timestamp ts = 1000) {
  model::Attribute a;
  a.uuid = util::NewUuid();
  a.type = "domain";
  a.category = "Network activity";
  a.value = value;
  a.canonical = a.canonical1 = value;
  a.to_ids = true;
  a.timestamp = ts;
  return a;
}

model::Event Event(const model::Org& owner, model::Timestamp ts = 1000,
                   Distribution d = Distribution::kCommunity) {
  model::Event e;
  e.uuid = util::NewUuid();
  e.info = "test event";
  e.date = "2024-01-02";
  e.timestamp = ts;
  e.distribution = d;
  e.org = Ref(owner);
  e.orgc = Ref(owner);
  return e;
}

policy::Viewer ViewerOf(Store* s, const model::Org& o) {
  auto v = s->community().ViewerFor(o.id);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : policy::Viewer{};
}

int64_t Generation(Store* s) {
  auto g = s->intel().DataGeneration();
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return g.ok() ? *g : -1;
}

std::vector<IndexRow> ScanAll(Store* s) {
  std::vector<IndexRow> rows;
  Status st = s->intel().UnfilteredScanAttributes([&](const IndexRow& r) {
    rows.push_back(r);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return rows;
}

const IndexRow* RowOf(const std::vector<IndexRow>& rows, int64_t id) {
  for (const auto& r : rows)
    if (r.attribute_id == id) return &r;
  return nullptr;
}

int64_t RawInt(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

// A community of three orgs and one sharing group {A, B}, with one event of
// A holding every kind of access path.
struct Fixture {
  TempDir tmp;
  std::unique_ptr<Store> s;
  model::Org a, b, c;
  model::SharingGroup sg;
  model::Event ev;
  // Attribute ids by role.
  int64_t plain = 0, org_only = 0, in_sg_object = 0, deleted = 0, no_corr = 0, composite = 0;

  Fixture() {
    s = MustOpen(tmp.path());
    a = AddOrg(s.get(), "A");
    b = AddOrg(s.get(), "B");
    c = AddOrg(s.get(), "C");
    sg.name = "AB";
    sg.owner = Ref(a);
    sg.members = {Ref(b)};
    EXPECT_OK(s->community().AddSharingGroup(&sg));

    ev = Event(a);
    ev.tags = {{"tlp:amber", "", true, false}};
    ev.attributes.push_back(Attr("plain.example"));
    model::Attribute org_only_attr = Attr("secret.example");
    org_only_attr.distribution = Distribution::kOrganisation;
    org_only_attr.tags = {{"tlp:green", "", true, false}, {"kill-chain:c2", "", true, false}};
    ev.attributes.push_back(org_only_attr);
    model::Attribute del = Attr("gone.example");
    del.deleted = true;
    ev.attributes.push_back(del);
    model::Attribute nc = Attr("plain.example");
    nc.disable_correlation = true;
    nc.to_ids = false;
    ev.attributes.push_back(nc);
    model::Object o;
    o.uuid = util::NewUuid();
    o.name = "domain-ip";
    o.distribution = Distribution::kSharingGroup;
    o.sharing_group = {sg.id, sg.uuid, sg.name};
    o.timestamp = 1000;
    model::Attribute in_obj = Attr("obj.example");
    in_obj.object_relation = "domain";
    o.attributes.push_back(in_obj);
    model::Attribute comp = Attr("10.0.0.1|443");
    comp.type = "ip-dst|port";
    comp.canonical1 = "10.0.0.1";
    comp.canonical2 = "443";
    comp.tags = {{"tlp:red", "", true, false}};
    o.attributes.push_back(comp);
    ev.objects.push_back(o);
    auto r = s->events().UpsertEvent(&ev);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    plain = ev.attributes[0].id;
    org_only = ev.attributes[1].id;
    deleted = ev.attributes[2].id;
    no_corr = ev.attributes[3].id;
    in_sg_object = ev.objects[0].attributes[0].id;
    composite = ev.objects[0].attributes[1].id;
  }
};

// ---- migration ------------------------------------------------------------------

TEST(StoreIntelMigration, VersionOneStoreOpensAndMigrates) {
  TempDir tmp;
  const std::vector<std::string> v1 = {internal::Migrations()[0]};
  OpenOptions create;
  create.create_if_missing = true;
  int64_t attr_id = 0;
  model::Org org;
  {
    auto s = internal::OpenWithMigrations(tmp.path(), create, v1);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_EQ((*s)->SchemaVersion(), 1);
    org = AddOrg(s->get(), "A");
    model::Event e = Event(org);
    e.attributes.push_back(Attr("evil.example"));
    auto r = (*s)->events().UpsertEvent(&e);
    // A v1 store has no generation counter yet: the bump is a no-op there.
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    attr_id = e.attributes[0].id;
  }
  // A sighting written by the version 1 code.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(tmp.File("sanad.db").c_str(), &db), SQLITE_OK);
    std::string sql =
        "INSERT INTO sightings(uuid, attribute_id, org_id, type, source,"
        " date_sighting) VALUES ('5a1b2c3d-0000-4000-8000-000000000001', " +
        std::to_string(attr_id) + ", " + std::to_string(org.id) + ", 1, 'ids', 77)";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  // Read-only cannot migrate.
  OpenOptions ro;
  ro.read_only = true;
  auto refused = Store::Open(tmp.path(), ro);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("open it once read-write"), std::string::npos);

  auto s = Store::Open(tmp.path(), {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Store* st = s->get();
  EXPECT_EQ(st->SchemaVersion(), kSchemaVersion);
  EXPECT_GE(kSchemaVersion, 2);
  EXPECT_EQ(Generation(st), 0);
  // Old data readable through the new methods.
  std::vector<model::Sighting> sightings;
  ASSERT_OK(st->sightings().ListSightings(attr_id, &sightings));
  ASSERT_EQ(sightings.size(), 1u);
  EXPECT_EQ(sightings[0].type, model::SightingType::kFalsePositive);
  EXPECT_EQ(sightings[0].source, "ids");
  EXPECT_EQ(sightings[0].org.name, "A");
  EXPECT_EQ(ScanAll(st).size(), 1u);
  // New tables work.
  ASSERT_OK(st->settings().SetSetting("decay.tau.ip", "86400"));
  CorrelationExclusion x;
  x.value = "8.8.8.8";
  ASSERT_OK(st->intel().AddCorrelationExclusion(&x));
  model::Event e2 = Event(org, 2000);
  ASSERT_TRUE(st->events().UpsertEvent(&e2).ok());
  EXPECT_EQ(Generation(st), 1);
  s->reset();
  EXPECT_EQ(RawInt(tmp.File("sanad.db"), "SELECT value FROM meta WHERE key='schema_version'"),
            kSchemaVersion);
  EXPECT_EQ(RawInt(tmp.File("sanad.db"),
                   "SELECT count(*) FROM sqlite_schema WHERE name IN ('correlation_exclusions',"
                   " 'settings', 'sightings_attribute', 'sightings_natural')"),
            4);
}

// ---- generation -----------------------------------------------------------------

TEST(StoreIntel, DataGenerationCountsDataChanges) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  EXPECT_EQ(Generation(s.get()), 0);
  model::Org a = AddOrg(s.get(), "A");
  model::Org b = AddOrg(s.get(), "B");
  EXPECT_EQ(Generation(s.get()), 0) << "orgs are not intelligence data";
  model::SharingGroup sg;
  sg.name = "G";
  sg.owner = Ref(a);
  ASSERT_OK(s->community().AddSharingGroup(&sg));
  EXPECT_EQ(Generation(s.get()), 1);
  ASSERT_OK(s->community().AddSharingGroupOrg(sg.id, b.id));
  EXPECT_EQ(Generation(s.get()), 2);
  ASSERT_OK(s->community().AddSharingGroupOrg(sg.id, b.id));
  EXPECT_EQ(Generation(s.get()), 2) << "an idempotent re-add changes nothing";

  model::Event e = Event(a);
  e.attributes.push_back(Attr("x.example"));
  ASSERT_EQ(*s->events().UpsertEvent(&e), UpsertOutcome::kCreated);
  EXPECT_EQ(Generation(s.get()), 3);
  model::Event same = e;
  ASSERT_EQ(*s->events().UpsertEvent(&same), UpsertOutcome::kUnchanged);
  EXPECT_EQ(Generation(s.get()), 3);
  model::Event newer = e;
  newer.timestamp = 2000;
  ASSERT_EQ(*s->events().UpsertEvent(&newer), UpsertOutcome::kUpdated);
  EXPECT_EQ(Generation(s.get()), 4);
  ASSERT_OK(s->events().SoftDeleteEvent(e.id, 3000));
  EXPECT_EQ(Generation(s.get()), 5);
  EXPECT_EQ(s->events().SoftDeleteEvent(e.id + 100, 3000).code(), Status::Code::kNotFound);
  EXPECT_EQ(Generation(s.get()), 5);

  // Settings, exclusions and sightings are not data changes.
  ASSERT_OK(s->settings().SetSetting("k", "v"));
  CorrelationExclusion x;
  x.value = "1.1.1.1";
  ASSERT_OK(s->intel().AddCorrelationExclusion(&x));
  model::Sighting si;
  si.attribute_id = e.attributes[0].id;
  si.org = Ref(a);
  ASSERT_OK(s->sightings().AddSighting(&si));
  EXPECT_EQ(Generation(s.get()), 5);

  // A rolled-back write leaves the generation alone.
  {
    Transaction tx(s.get());
    ASSERT_OK(tx.status());
    model::Event e2 = Event(a, 5000);
    ASSERT_TRUE(s->events().UpsertEvent(&e2).ok());
    EXPECT_EQ(Generation(s.get()), 6);  // inside the transaction
  }
  EXPECT_EQ(Generation(s.get()), 5);
}

// ---- index rows -----------------------------------------------------------------

TEST(StoreIntel, UnfilteredScanAttributesFillsAccessPaths) {
  Fixture f;
  auto rows = ScanAll(f.s.get());
  ASSERT_EQ(rows.size(), 6u);
  for (size_t i = 1; i < rows.size(); ++i)
    EXPECT_LT(rows[i - 1].attribute_id, rows[i].attribute_id);

  const auto* p = RowOf(rows, f.plain);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->event_id, f.ev.id);
  EXPECT_EQ(p->type, "domain");
  EXPECT_EQ(p->canonical1, "plain.example");
  EXPECT_EQ(p->canonical2, "");
  EXPECT_TRUE(p->to_ids);
  EXPECT_FALSE(p->correlation_disabled);
  EXPECT_EQ(p->timestamp, 1000);
  EXPECT_EQ(p->access.event_owner_org_id, f.a.id);
  EXPECT_EQ(p->access.event_distribution, Distribution::kCommunity);
  EXPECT_FALSE(p->access.in_object);
  EXPECT_EQ(p->access.attribute_distribution, Distribution::kInherit);
  EXPECT_FALSE(p->access.deleted);

  const auto* oo = RowOf(rows, f.org_only);
  ASSERT_NE(oo, nullptr);
  EXPECT_EQ(oo->access.attribute_distribution, Distribution::kOrganisation);
  EXPECT_TRUE(policy::MaySee(ViewerOf(f.s.get(), f.a), oo->access));
  EXPECT_FALSE(policy::MaySee(ViewerOf(f.s.get(), f.b), oo->access));

  const auto* ob = RowOf(rows, f.in_sg_object);
  ASSERT_NE(ob, nullptr);
  EXPECT_TRUE(ob->access.in_object);
  EXPECT_EQ(ob->access.object_distribution, Distribution::kSharingGroup);
  EXPECT_EQ(ob->access.object_sharing_group_id, f.sg.id);
  EXPECT_TRUE(policy::MaySee(ViewerOf(f.s.get(), f.b), ob->access));
  EXPECT_FALSE(policy::MaySee(ViewerOf(f.s.get(), f.c), ob->access));

  const auto* comp = RowOf(rows, f.composite);
  ASSERT_NE(comp, nullptr);
  EXPECT_EQ(comp->canonical1, "10.0.0.1");
  EXPECT_EQ(comp->canonical2, "443");

  const auto* del = RowOf(rows, f.deleted);
  ASSERT_NE(del, nullptr);
  EXPECT_TRUE(del->access.deleted);
  EXPECT_FALSE(policy::MaySee(ViewerOf(f.s.get(), f.a), del->access));

  const auto* nc = RowOf(rows, f.no_corr);
  ASSERT_NE(nc, nullptr);
  EXPECT_TRUE(nc->correlation_disabled);
  EXPECT_FALSE(nc->to_ids);

  // Event-level flags reach every row: correlation off, then deleted.
  model::Event upd = f.ev;
  upd.timestamp = 2000;
  upd.disable_correlation = true;
  ASSERT_TRUE(f.s->events().UpsertEvent(&upd).ok());
  rows = ScanAll(f.s.get());
  for (const auto& r : rows) EXPECT_TRUE(r.correlation_disabled) << r.attribute_id;
  ASSERT_OK(f.s->events().SoftDeleteEvent(f.ev.id, 3000));
  rows = ScanAll(f.s.get());
  ASSERT_EQ(rows.size(), 6u) << "deleted rows are still scanned";
  for (const auto& r : rows) EXPECT_TRUE(r.access.deleted) << r.attribute_id;
}

TEST(StoreIntel, ScanStopsEarlyAndAllowsStoreUseInCallback) {
  Fixture f;
  int seen = 0;
  ASSERT_OK(f.s->intel().UnfilteredScanAttributes([&](const IndexRow& r) {
    ++seen;
    auto ctx = f.s->intel().GetAttributeContext(ViewerOf(f.s.get(), f.a), r.attribute_id);
    EXPECT_TRUE(ctx.ok()) << ctx.status().ToString();
    return seen < 2;
  }));
  EXPECT_EQ(seen, 2);
}

TEST(StoreIntel, UnfilteredGetAttributesSkipsMissingIds) {
  Fixture f;
  std::vector<IndexRow> rows;
  ASSERT_OK(f.s->intel().UnfilteredGetAttributes({f.composite, 999999, f.plain, f.plain}, &rows));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].attribute_id, f.plain);
  EXPECT_EQ(rows[1].attribute_id, f.composite);
  EXPECT_EQ(rows[1].access.object_sharing_group_id, f.sg.id);
  EXPECT_EQ(rows[1].canonical2, "443");
  ASSERT_OK(f.s->intel().UnfilteredGetAttributes({}, &rows));
  EXPECT_TRUE(rows.empty());
}

// ---- attribute context ------------------------------------------------------------

TEST(StoreIntel, GetAttributeContextAppliesPolicyAndTlp) {
  Fixture f;
  auto va = ViewerOf(f.s.get(), f.a);
  auto vb = ViewerOf(f.s.get(), f.b);
  auto vc = ViewerOf(f.s.get(), f.c);

  auto c = f.s->intel().GetAttributeContext(va, f.org_only);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->attribute.value, "secret.example");
  EXPECT_EQ(c->attribute.distribution, Distribution::kOrganisation);
  ASSERT_EQ(c->attribute.tags.size(), 2u);
  EXPECT_EQ(c->attribute.tags[0].name, "tlp:green");
  EXPECT_EQ(c->object_uuid, "");
  EXPECT_EQ(c->event_uuid, f.ev.uuid);
  EXPECT_EQ(c->event_info, "test event");
  EXPECT_EQ(c->event_date, "2024-01-02");
  EXPECT_FALSE(c->event_published);
  EXPECT_EQ(c->event_orgc.id, f.a.id);
  EXPECT_EQ(c->event_orgc.name, "A");
  ASSERT_EQ(c->event_tags.size(), 1u);
  EXPECT_EQ(c->tlp, model::Tlp::kAmber) << "event amber is stricter than attribute green";
  EXPECT_EQ(f.s->intel().GetAttributeContext(vb, f.org_only).status().code(), Status::Code::kNotFound);

  auto o = f.s->intel().GetAttributeContext(vb, f.composite);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->object_uuid, f.ev.objects[0].uuid);
  EXPECT_EQ(o->object_name, "domain-ip");
  EXPECT_EQ(o->attribute.canonical2, "443");
  EXPECT_EQ(o->tlp, model::Tlp::kRed);
  EXPECT_EQ(f.s->intel().GetAttributeContext(vc, f.composite).status().code(), Status::Code::kNotFound);

  EXPECT_EQ(f.s->intel().GetAttributeContext(va, f.deleted).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(f.s->intel().GetAttributeContext(va, 424242).status().code(), Status::Code::kNotFound);
  auto plain = f.s->intel().GetAttributeContext(vc, f.plain);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->attribute.tags.empty());
  EXPECT_EQ(plain->tlp, model::Tlp::kAmber);
}

TEST(StoreIntel, FindAttributeIdAndByCanonical) {
  Fixture f;
  auto id = f.s->intel().FindAttributeId(f.ev.objects[0].attributes[1].uuid);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, f.composite);
  std::string upper = f.ev.attributes[0].uuid;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  ASSERT_TRUE(f.s->intel().FindAttributeId(upper).ok());
  EXPECT_EQ(*f.s->intel().FindAttributeId(upper), f.plain);
  EXPECT_EQ(f.s->intel().FindAttributeId(util::NewUuid()).status().code(), Status::Code::kNotFound);

  std::vector<int64_t> ids = {77};  // replaced
  ASSERT_OK(f.s->intel().FindAttributesByCanonical({"plain.example", "443", "", "plain.example"}, &ids));
  std::vector<int64_t> want = {f.plain, f.no_corr, f.composite};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(ids, want);
  ASSERT_OK(f.s->intel().FindAttributesByCanonical({"10.0.0.1", "gone.example"}, &ids));
  want = {f.deleted, f.composite};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(ids, want);
  ASSERT_OK(f.s->intel().FindAttributesByCanonical({"", "nothing.example"}, &ids));
  EXPECT_TRUE(ids.empty());
}

// ---- exclusions and settings --------------------------------------------------------

TEST(StoreIntel, CorrelationExclusions) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  std::vector<CorrelationExclusion> list;
  ASSERT_OK(s->intel().ListCorrelationExclusions(&list));
  EXPECT_TRUE(list.empty());
  CorrelationExclusion x;
  x.value = "8.8.8.8";
  x.comment = "public resolver";
  ASSERT_OK(s->intel().AddCorrelationExclusion(&x));
  EXPECT_GT(x.id, 0);
  EXPECT_GT(x.created, 0);
  CorrelationExclusion y;
  y.value = "%.Example.ORG";
  y.created = 1234;
  ASSERT_OK(s->intel().AddCorrelationExclusion(&y));
  CorrelationExclusion dup;
  dup.value = "%.example.org";
  Status st = s->intel().AddCorrelationExclusion(&dup);
  EXPECT_EQ(st.code(), Status::Code::kConflict) << st.ToString();
  EXPECT_NE(st.message().find("%.example.org"), std::string::npos);
  CorrelationExclusion empty;
  EXPECT_EQ(s->intel().AddCorrelationExclusion(&empty).code(), Status::Code::kInvalid);

  ASSERT_OK(s->intel().ListCorrelationExclusions(&list));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].value, "8.8.8.8");
  EXPECT_EQ(list[0].comment, "public resolver");
  EXPECT_EQ(list[1].value, "%.Example.ORG");
  EXPECT_EQ(list[1].created, 1234);

  ASSERT_OK(s->intel().RemoveCorrelationExclusion("8.8.8.8"));
  EXPECT_EQ(s->intel().RemoveCorrelationExclusion("8.8.8.8").code(), Status::Code::kNotFound);
  ASSERT_OK(s->intel().ListCorrelationExclusions(&list));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].value, "%.Example.ORG");
}

TEST(StoreIntel, Settings) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  auto missing = s->settings().GetSetting("correlation.max_events");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("correlation.max_events"), std::string::npos);
  ASSERT_OK(s->settings().SetSetting("correlation.max_events", "50"));
  EXPECT_EQ(*s->settings().GetSetting("correlation.max_events"), "50");
  ASSERT_OK(s->settings().SetSetting("correlation.max_events", "75"));
  EXPECT_EQ(*s->settings().GetSetting("correlation.max_events"), "75");
  ASSERT_OK(s->settings().SetSetting("empty", ""));
  EXPECT_EQ(*s->settings().GetSetting("empty"), "");
  EXPECT_EQ(s->settings().SetSetting("", "x").code(), Status::Code::kInvalid);
  {
    Transaction tx(s.get());
    ASSERT_OK(tx.status());
    ASSERT_OK(s->settings().SetSetting("correlation.max_events", "1"));
  }
  EXPECT_EQ(*s->settings().GetSetting("correlation.max_events"), "75");
}

// ---- sightings ------------------------------------------------------------------------

TEST(StoreIntel, AddAndListSightings) {
  Fixture f;
  model::Sighting s1;
  s1.attribute_id = f.plain;
  s1.org = {f.b.id, "", ""};
  s1.source = "sensor-1";
  s1.date_sighting = 5000;
  ASSERT_OK(f.s->sightings().AddSighting(&s1));
  EXPECT_GT(s1.id, 0);
  EXPECT_TRUE(util::IsUuid(s1.uuid));
  EXPECT_EQ(s1.attribute_uuid, f.ev.attributes[0].uuid);
  EXPECT_EQ(s1.org.name, "B");

  model::Sighting s2;
  s2.attribute_uuid = f.ev.attributes[0].uuid;
  for (auto& ch : s2.attribute_uuid)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  s2.uuid = "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE";
  s2.org = Ref(f.a);
  s2.type = model::SightingType::kFalsePositive;
  s2.date_sighting = 4000;
  ASSERT_OK(f.s->sightings().AddSighting(&s2));
  EXPECT_EQ(s2.uuid, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  EXPECT_EQ(s2.attribute_id, f.plain);

  model::Sighting now;
  now.attribute_id = f.composite;
  now.org = Ref(f.c);
  ASSERT_OK(f.s->sightings().AddSighting(&now));
  EXPECT_GT(now.date_sighting, 1600000000) << "date defaults to now";

  model::Sighting dup = s2;
  dup.id = 0;
  EXPECT_EQ(f.s->sightings().AddSighting(&dup).code(), Status::Code::kConflict);
  model::Sighting no_attr;
  no_attr.attribute_uuid = util::NewUuid();
  no_attr.org = Ref(f.a);
  Status st = f.s->sightings().AddSighting(&no_attr);
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
  EXPECT_NE(st.message().find(no_attr.attribute_uuid), std::string::npos);
  model::Sighting no_org;
  no_org.attribute_id = f.plain;
  EXPECT_EQ(f.s->sightings().AddSighting(&no_org).code(), Status::Code::kInvalid);
  model::Sighting bad_org;
  bad_org.attribute_id = f.plain;
  bad_org.org.id = 9999;
  EXPECT_EQ(f.s->sightings().AddSighting(&bad_org).code(), Status::Code::kNotFound);
  model::Sighting bad_uuid;
  bad_uuid.attribute_id = f.plain;
  bad_uuid.org = Ref(f.a);
  bad_uuid.uuid = "not-a-uuid";
  EXPECT_EQ(f.s->sightings().AddSighting(&bad_uuid).code(), Status::Code::kInvalid);

  std::vector<model::Sighting> list;
  ASSERT_OK(f.s->sightings().ListSightings(f.plain, &list));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].uuid, s2.uuid) << "oldest first";
  EXPECT_EQ(list[0].type, model::SightingType::kFalsePositive);
  EXPECT_EQ(list[0].org.id, f.a.id);
  EXPECT_EQ(list[0].attribute_uuid, f.ev.attributes[0].uuid);
  EXPECT_EQ(list[1].uuid, s1.uuid);
  EXPECT_EQ(list[1].source, "sensor-1");
  EXPECT_EQ(list[1].date_sighting, 5000);
  EXPECT_EQ(list[1].org.uuid, f.b.uuid);
  ASSERT_OK(f.s->sightings().ListSightings(f.org_only, &list));
  EXPECT_TRUE(list.empty());

  ASSERT_OK(f.s->sightings().ListEventSightings(f.ev.id, &list));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].attribute_id, f.plain);
  EXPECT_EQ(list[1].attribute_id, f.plain);
  EXPECT_EQ(list[2].attribute_id, f.composite);
  ASSERT_OK(f.s->sightings().ListEventSightings(f.ev.id + 1, &list));
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(f.s->GetStats()->sightings, 3);
}

TEST(StoreIntel, UpsertEventStoresCarriedSightingsOnce) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a = AddOrg(s.get(), "A");
  model::Org b = AddOrg(s.get(), "B");
  model::Event e = Event(a);
  model::Attribute at = Attr("seen.example");
  model::Sighting with_uuid;
  with_uuid.uuid = "11111111-2222-4333-8444-555555555555";
  with_uuid.org = Ref(b);
  with_uuid.date_sighting = 100;
  model::Sighting anon;  // no uuid, no org
  anon.date_sighting = 200;
  anon.type = model::SightingType::kExpiration;
  model::Sighting anon_twice = anon;  // same natural key: stored once
  at.sightings = {with_uuid, anon, anon_twice};
  e.attributes.push_back(at);
  model::Object o;
  o.name = "x";
  o.timestamp = 1000;
  model::Attribute oa = Attr("in-object.example");
  model::Sighting os;
  os.org = Ref(a);
  os.date_sighting = 300;
  os.source = "honeypot";
  oa.sightings = {os};
  o.attributes.push_back(oa);
  e.objects.push_back(o);
  ASSERT_TRUE(s->events().UpsertEvent(&e).ok());
  EXPECT_EQ(e.attributes[0].sightings[0].attribute_id, e.attributes[0].id);
  EXPECT_TRUE(util::IsUuid(e.attributes[0].sightings[1].uuid));

  std::vector<model::Sighting> list;
  ASSERT_OK(s->sightings().ListSightings(e.attributes[0].id, &list));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].uuid, with_uuid.uuid);
  EXPECT_EQ(list[0].org.id, b.id);
  EXPECT_EQ(list[1].org.id, 0) << "anonymous sighting";
  EXPECT_EQ(list[1].type, model::SightingType::kExpiration);
  ASSERT_OK(s->sightings().ListSightings(e.objects[0].attributes[0].id, &list));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].source, "honeypot");

  // The same document again, newer: no duplicates; a new sighting is added.
  model::Event again = e;
  again.timestamp = 2000;
  again.attributes[0].sightings = {with_uuid, anon};
  model::Sighting fresh;
  fresh.org = Ref(b);
  fresh.date_sighting = 400;
  again.attributes[0].sightings.push_back(fresh);
  ASSERT_EQ(*s->events().UpsertEvent(&again), UpsertOutcome::kUpdated);
  ASSERT_OK(s->sightings().ListSightings(e.attributes[0].id, &list));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[2].date_sighting, 400);
  EXPECT_EQ(s->GetStats()->sightings, 4);

  // An unknown org id is an error of the whole upsert.
  model::Event bad = Event(a, 5000);
  model::Attribute ba = Attr("bad.example");
  model::Sighting bs;
  bs.org.id = 9999;
  bs.date_sighting = 1;
  ba.sightings = {bs};
  bad.attributes.push_back(ba);
  auto r = s->events().UpsertEvent(&bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalid) << r.status().ToString();
  EXPECT_FALSE(s->events().FindEventHead(bad.uuid).ok()) << "atomic outside a transaction";
}

// ---- speed probe ------------------------------------------------------------------------

// No assertion on time: run with
//   store_test --gtest_also_run_disabled_tests --gtest_filter='*ScanSpeed*'
// SANAD_BENCH_ATTRS sets the number of attributes (default 1000000).
TEST(StoreIntel, DISABLED_ScanSpeed) {
  TempDir tmp;
  const char* n_env = std::getenv("SANAD_BENCH_ATTRS");
  const int total = n_env ? std::atoi(n_env) : 1000000;
  OpenOptions o;
  o.cache_mb = 256;
  auto s = MustOpen(tmp.path(), o);
  model::Org a = AddOrg(s.get(), "A");
  {
    Transaction tx(s.get());
    ASSERT_OK(tx.status());
    for (int i = 0; i < total / 100; ++i) {
      model::Event e = Event(a, 1000 + i);
      model::Object obj;
      obj.name = "file";
      obj.timestamp = 1000;
      for (int j = 0; j < 100; ++j) {
        model::Attribute at = Attr("h" + std::to_string(i) + "-" + std::to_string(j) + ".example");
        if (j % 5 == 0) {
          obj.attributes.push_back(std::move(at));
        } else {
          e.attributes.push_back(std::move(at));
        }
      }
      e.objects.push_back(std::move(obj));
      ASSERT_TRUE(s->events().UpsertEvent(&e).ok());
    }
    ASSERT_OK(tx.Commit());
  }
  for (int round = 0; round < 2; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    size_t n = 0, in_obj = 0;
    ASSERT_OK(s->intel().UnfilteredScanAttributes([&](const IndexRow& r) {
      ++n;
      in_obj += r.access.in_object;
      return true;
    }));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("scan %d: %zu attributes (%zu in objects) in %.3f s: %.0f rows/s\n", round, n,
                in_obj, secs, n / secs);
    EXPECT_EQ(n, static_cast<size_t>(total / 100 * 100));
  }
}

}  // namespace
}  // namespace sanad::store
