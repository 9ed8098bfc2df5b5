#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "store/schema.h"
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

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
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

std::vector<model::Event> Scan(Store* s, const policy::Viewer& v, const EventQuery& q = {}) {
  std::vector<model::Event> out;
  Status st = s->events().ScanEvents(v, q, [&](model::Event& e) {
    out.push_back(e);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

std::vector<std::string> Values(const std::vector<model::Attribute>& attrs) {
  std::vector<std::string> v;
  for (const auto& a : attrs) v.push_back(a.value);
  return v;
}

// Runs one SQL statement on the store file directly (outside Store).
void RawExec(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
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

// ---- opening and migrations --------------------------------------------------

TEST(StoreOpen, RefusesMissingStoreAndCreatesOnRequest) {
  TempDir tmp;
  std::string dir = tmp.File("nested/store");
  auto missing = Store::Open(dir, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("no Sanad store at " + dir), std::string::npos);
  EXPECT_NE(missing.status().message().find("sanad init"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir));

  OpenOptions create;
  create.create_if_missing = true;
  {
    auto s = Store::Open(dir, create);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ((*s)->SchemaVersion(), kSchemaVersion);
    EXPECT_EQ((*s)->path(), dir + "/sanad.db");
    AddOrg(s->get(), "CERT-A");
  }
  EXPECT_TRUE(std::filesystem::exists(dir + "/sanad.db"));
  auto again = Store::Open(dir, {});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto org = (*again)->community().FindOrg("cert-a");
  ASSERT_TRUE(org.ok()) << org.status().ToString();

  OpenOptions ro;
  ro.read_only = true;
  auto r = Store::Open(dir, ro);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)->community().FindOrg("CERT-A").ok());
  model::Org o;
  o.name = "CERT-B";
  EXPECT_FALSE((*r)->community().AddOrg(&o).ok());
}

TEST(StoreOpen, UsesWalAndForeignKeys) {
  TempDir tmp;
  { MustOpen(tmp.path()); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(tmp.File("sanad.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);

  // Foreign keys are enforced: a user of an unknown org is refused.
  auto s = MustOpen(tmp.path());
  model::User u;
  u.email = "x@example.org";
  u.org_id = 999;
  Status bad = s->community().AddUser(&u);
  EXPECT_EQ(bad.code(), Status::Code::kNotFound) << bad.ToString();
}

TEST(StoreOpen, RefusesNewerSchemaVersion) {
  TempDir tmp;
  { MustOpen(tmp.path()); }
  RawExec(tmp.File("sanad.db"), "UPDATE meta SET value = " + std::to_string(kSchemaVersion + 1) +
                                    " WHERE key = 'schema_version'");
  auto s = Store::Open(tmp.path(), {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kInvalid);
  EXPECT_NE(s.status().message().find("newer than this sanad supports"), std::string::npos)
      << s.status().message();
  OpenOptions ro;
  ro.read_only = true;
  EXPECT_FALSE(Store::Open(tmp.path(), ro).ok());
}

TEST(StoreOpen, RefusesFilesThatAreNotSanadStores) {
  TempDir tmp;
  testing::WriteFile(tmp.File("a/sanad.db"), std::string(4096, 'x'));
  auto garbage = Store::Open(tmp.File("a"), {});
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), Status::Code::kCorrupt) << garbage.status().ToString();

  std::filesystem::create_directories(tmp.File("b"));
  RawExec(tmp.File("b/sanad.db"), "CREATE TABLE foreign_app(x)");
  auto other = Store::Open(tmp.File("b"), {});
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("not a Sanad store"), std::string::npos)
      << other.status().ToString();
}

TEST(StoreMigrations, ForwardMigrationKeepsData) {
  TempDir tmp;
  const std::vector<std::string> v1 = internal::Migrations();
  ASSERT_EQ(static_cast<int>(v1.size()), kSchemaVersion);
  std::string event_uuid;
  OpenOptions create;
  create.create_if_missing = true;
  {
    auto s = internal::OpenWithMigrations(tmp.path(), create, v1);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ((*s)->SchemaVersion(), kSchemaVersion);
    model::Org o = AddOrg(s->get(), "CERT-A");
    model::Event e = Event(o);
    e.attributes.push_back(Attr("evil.example"));
    ASSERT_TRUE((*s)->events().UpsertEvent(&e).ok());
    event_uuid = e.uuid;
  }
  EXPECT_EQ(RawInt(tmp.File("sanad.db"), "SELECT value FROM meta WHERE key='schema_version'"),
            kSchemaVersion);

  // A future build adds two migrations.
  std::vector<std::string> v3 = v1;
  v3.push_back("ALTER TABLE events ADD COLUMN note TEXT NOT NULL DEFAULT 'migrated';");
  v3.push_back(
      "CREATE TABLE watchlist (id INTEGER PRIMARY KEY, value TEXT NOT NULL);"
      "INSERT INTO watchlist(value) SELECT value FROM attributes;");
  {
    auto s = internal::OpenWithMigrations(tmp.path(), {}, v3);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ((*s)->SchemaVersion(), kSchemaVersion + 2);
    auto org = (*s)->community().FindOrg("CERT-A");
    ASSERT_TRUE(org.ok());
    auto ev = (*s)->events().GetEvent(ViewerOf(s->get(), *org), event_uuid);
    ASSERT_TRUE(ev.ok()) << ev.status().ToString();
    ASSERT_EQ(ev->attributes.size(), 1u);
    EXPECT_EQ(ev->attributes[0].value, "evil.example");
  }
  EXPECT_EQ(RawInt(tmp.File("sanad.db"), "SELECT value FROM meta WHERE key='schema_version'"),
            kSchemaVersion + 2);
  EXPECT_EQ(RawInt(tmp.File("sanad.db"), "SELECT count(*) FROM events WHERE note='migrated'"), 1);
  EXPECT_EQ(RawInt(tmp.File("sanad.db"), "SELECT count(*) FROM watchlist"), 1);

  // The current build refuses the migrated store.
  auto old = Store::Open(tmp.path(), {});
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.status().message().find("schema version " + std::to_string(kSchemaVersion + 2)),
            std::string::npos);

  // A failing migration applies nothing: version and data stay.
  std::vector<std::string> bad = v3;
  bad.push_back("CREATE TABLE ok_table(x); THIS IS NOT SQL;");
  bad.push_back("CREATE TABLE never(x);");
  auto failed = internal::OpenWithMigrations(tmp.path(), {}, bad);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("schema version " + std::to_string(kSchemaVersion + 3)),
            std::string::npos)
      << failed.status().message();
  EXPECT_EQ(RawInt(tmp.File("sanad.db"), "SELECT value FROM meta WHERE key='schema_version'"),
            kSchemaVersion + 2);
  EXPECT_EQ(RawInt(tmp.File("sanad.db"),
                   "SELECT count(*) FROM sqlite_schema WHERE name IN ('ok_table', 'never')"),
            0);
  EXPECT_TRUE(internal::OpenWithMigrations(tmp.path(), {}, v3).ok());
}

// ---- community ----------------------------------------------------------------

TEST(StoreOrgs, AddFindUpdateAndConflicts) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a;
  a.name = "JO-CERT";
  a.country = "JO";
  a.kind = model::OrgKind::kSectorCert;
  a.category = model::MembershipCategory::kAffiliate;
  a.status = model::OrgStatus::kApplicant;
  a.description = "Jordan";
  ASSERT_OK(s->community().AddOrg(&a));
  EXPECT_GT(a.id, 0);
  EXPECT_TRUE(util::IsUuid(a.uuid));
  EXPECT_GT(a.created, 0);

  auto by_name = s->community().FindOrg("jo-cert");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->id, a.id);
  EXPECT_EQ(by_name->kind, model::OrgKind::kSectorCert);
  EXPECT_EQ(by_name->category, model::MembershipCategory::kAffiliate);
  EXPECT_EQ(by_name->status, model::OrgStatus::kApplicant);
  EXPECT_EQ(by_name->description, "Jordan");
  EXPECT_EQ(by_name->created, a.created);
  auto by_uuid = s->community().FindOrg(Upper(a.uuid));
  ASSERT_TRUE(by_uuid.ok()) << by_uuid.status().ToString();
  EXPECT_EQ(by_uuid->id, a.id);
  EXPECT_EQ(s->community().FindOrg("nobody").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(s->community().GetOrg(9999).status().code(), Status::Code::kNotFound);

  model::Org dup_name;
  dup_name.name = "Jo-Cert";
  Status st = s->community().AddOrg(&dup_name);
  EXPECT_EQ(st.code(), Status::Code::kConflict);
  EXPECT_NE(st.message().find("named 'Jo-Cert'"), std::string::npos) << st.message();
  model::Org dup_uuid;
  dup_uuid.name = "Other";
  dup_uuid.uuid = a.uuid;
  st = s->community().AddOrg(&dup_uuid);
  EXPECT_EQ(st.code(), Status::Code::kConflict);
  EXPECT_NE(st.message().find("uuid"), std::string::npos) << st.message();
  model::Org bad_uuid;
  bad_uuid.name = "Bad";
  bad_uuid.uuid = "not-a-uuid";
  EXPECT_EQ(s->community().AddOrg(&bad_uuid).code(), Status::Code::kInvalid);

  model::Org b = AddOrg(s.get(), "EG-CERT");
  a.name = "JO-CERT (renamed)";
  a.status = model::OrgStatus::kMember;
  ASSERT_OK(s->community().UpdateOrg(a));
  EXPECT_EQ(s->community().GetOrg(a.id)->name, "JO-CERT (renamed)");
  EXPECT_EQ(s->community().GetOrg(a.id)->status, model::OrgStatus::kMember);
  a.name = "eg-cert";
  EXPECT_EQ(s->community().UpdateOrg(a).code(), Status::Code::kConflict);
  model::Org ghost = a;
  ghost.id = 4242;
  ghost.name = "ghost";
  EXPECT_EQ(s->community().UpdateOrg(ghost).code(), Status::Code::kNotFound);

  std::vector<model::Org> all;
  ASSERT_OK(s->community().ListOrgs(&all));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, a.id);
  EXPECT_EQ(all[1].id, b.id);
}

TEST(StoreOrgs, ExactlyOneChair) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a;
  a.name = "A";
  a.is_chair = true;
  ASSERT_OK(s->community().AddOrg(&a));
  model::Org b;
  b.name = "B";
  b.is_chair = true;
  Status st = s->community().AddOrg(&b);
  EXPECT_EQ(st.code(), Status::Code::kConflict);
  EXPECT_NE(st.message().find("already the chair"), std::string::npos) << st.message();
  b.is_chair = false;
  ASSERT_OK(s->community().AddOrg(&b));

  ASSERT_OK(s->community().SetChair(b.id));
  EXPECT_FALSE(s->community().GetOrg(a.id)->is_chair);
  EXPECT_TRUE(s->community().GetOrg(b.id)->is_chair);
  ASSERT_OK(s->community().SetChair(b.id));  // idempotent
  EXPECT_TRUE(s->community().GetOrg(b.id)->is_chair);
  EXPECT_EQ(s->community().SetChair(777).code(), Status::Code::kNotFound);
  EXPECT_TRUE(s->community().GetOrg(b.id)->is_chair);
}

TEST(StoreUsers, UsersAndApiKeys) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a = AddOrg(s.get(), "A");
  model::Org b = AddOrg(s.get(), "B");
  model::User u;
  u.email = "analyst@a.example";
  u.org_id = a.id;
  u.role = model::Role::kOrgAdmin;
  ASSERT_OK(s->community().AddUser(&u));
  EXPECT_GT(u.id, 0);
  model::User dup;
  dup.email = "ANALYST@a.example";
  dup.org_id = b.id;
  EXPECT_EQ(s->community().AddUser(&dup).code(), Status::Code::kConflict);
  model::User v;
  v.email = "reader@b.example";
  v.org_id = b.id;
  v.role = model::Role::kReader;
  v.disabled = true;
  ASSERT_OK(s->community().AddUser(&v));

  auto found = s->community().FindUser("Analyst@A.example");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, u.id);
  EXPECT_EQ(found->org_name, "A");
  EXPECT_EQ(found->role, model::Role::kOrgAdmin);
  EXPECT_EQ(s->community().GetUser(v.id)->disabled, true);
  EXPECT_EQ(s->community().FindUser("none@x").status().code(), Status::Code::kNotFound);
  std::vector<model::User> users;
  ASSERT_OK(s->community().ListUsers(0, &users));
  EXPECT_EQ(users.size(), 2u);
  ASSERT_OK(s->community().ListUsers(b.id, &users));
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].email, "reader@b.example");

  model::ApiKey k;
  k.user_id = u.id;
  k.prefix = "abcd1234";
  k.hash = std::string("\x00\x01\xff", 3) + std::string(29, 'h');
  k.expires = 2000000000;
  k.read_only = true;
  k.allowed_cidrs = "10.0.0.0/8";
  ASSERT_OK(s->community().AddApiKey(&k));
  model::ApiKey k2 = k;
  k2.id = 0;
  EXPECT_EQ(s->community().AddApiKey(&k2).code(), Status::Code::kConflict);
  k2.hash = std::string(32, 'z');
  k2.user_id = 9999;
  EXPECT_EQ(s->community().AddApiKey(&k2).code(), Status::Code::kNotFound);
  auto got = s->community().FindApiKeyByHash(k.hash);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, k.id);
  EXPECT_EQ(got->hash, k.hash);
  EXPECT_EQ(got->prefix, "abcd1234");
  EXPECT_EQ(got->expires, 2000000000);
  EXPECT_TRUE(got->read_only);
  EXPECT_EQ(got->allowed_cidrs, "10.0.0.0/8");
  EXPECT_FALSE(got->revoked);
  EXPECT_EQ(s->community().FindApiKeyByHash(std::string("\x00\x01", 2)).status().code(),
            Status::Code::kNotFound);
  std::vector<model::ApiKey> keys;
  ASSERT_OK(s->community().ListApiKeys(u.id, &keys));
  EXPECT_EQ(keys.size(), 1u);
  ASSERT_OK(s->community().ListApiKeys(v.id, &keys));
  EXPECT_TRUE(keys.empty());
}

TEST(StoreSharingGroups, MembershipAndViewer) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a = AddOrg(s.get(), "A");
  model::Org b = AddOrg(s.get(), "B");
  model::Org c = AddOrg(s.get(), "C");
  model::SharingGroup g1;
  g1.name = "Gulf";
  g1.releasability = "members";
  g1.owner = Ref(b);
  ASSERT_OK(s->community().AddSharingGroup(&g1));
  EXPECT_GT(g1.id, 0);
  EXPECT_TRUE(util::IsUuid(g1.uuid));
  ASSERT_EQ(g1.members.size(), 1u);
  EXPECT_EQ(g1.members[0].id, b.id);
  EXPECT_EQ(g1.members[0].name, "B");
  EXPECT_EQ(g1.owner.name, "B");

  model::SharingGroup g2;
  g2.name = "Levant";
  g2.owner = Ref(a);
  g2.members = {Ref(c)};
  ASSERT_OK(s->community().AddSharingGroup(&g2));
  ASSERT_EQ(g2.members.size(), 2u);

  ASSERT_OK(s->community().AddSharingGroupOrg(g1.id, a.id));
  ASSERT_OK(s->community().AddSharingGroupOrg(g1.id, a.id));  // idempotent
  EXPECT_EQ(s->community().AddSharingGroupOrg(g1.id, 999).code(), Status::Code::kNotFound);
  EXPECT_EQ(s->community().AddSharingGroupOrg(999, a.id).code(), Status::Code::kNotFound);

  auto found = s->community().FindSharingGroup("gulf");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->id, g1.id);
  EXPECT_EQ(found->releasability, "members");
  ASSERT_EQ(found->members.size(), 2u);
  EXPECT_EQ(found->members[0].id, a.id);
  EXPECT_EQ(found->members[1].id, b.id);
  EXPECT_EQ(s->community().FindSharingGroup(g2.uuid)->id, g2.id);
  EXPECT_EQ(s->community().FindSharingGroup("nothing").status().code(), Status::Code::kNotFound);
  model::SharingGroup dup;
  dup.name = "Other";
  dup.uuid = g1.uuid;
  dup.owner = Ref(a);
  EXPECT_EQ(s->community().AddSharingGroup(&dup).code(), Status::Code::kConflict);
  model::SharingGroup orphan;
  orphan.name = "Orphan";
  orphan.owner.id = 12345;
  EXPECT_EQ(s->community().AddSharingGroup(&orphan).code(), Status::Code::kNotFound);
  std::vector<model::SharingGroup> all;
  ASSERT_OK(s->community().ListSharingGroups(&all));
  ASSERT_EQ(all.size(), 2u);  // the failed adds left nothing behind

  auto va = s->community().ViewerFor(a.id);
  ASSERT_TRUE(va.ok());
  EXPECT_EQ(va->org_id, a.id);
  EXPECT_EQ(va->sharing_groups, (std::vector<int64_t>{g1.id, g2.id}));
  EXPECT_EQ(s->community().ViewerFor(b.id)->sharing_groups, (std::vector<int64_t>{g1.id}));
  EXPECT_EQ(s->community().ViewerFor(c.id)->sharing_groups, (std::vector<int64_t>{g2.id}));
  EXPECT_EQ(s->community().ViewerFor(999).status().code(), Status::Code::kNotFound);
}

// ---- events ---------------------------------------------------------------------

TEST(StoreEvents, UpsertOutcomes) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a = AddOrg(s.get(), "A");
  auto v = ViewerOf(s.get(), a);

  model::Event e = Event(a, 1000);
  e.tags = {{"tlp:green", "#00ff00", true, false}, {"old-tag", "", true, false}};
  model::Attribute keep = Attr("keep.example", 1000);
  model::Attribute newer = Attr("v1.example", 1000);
  model::Attribute older = Attr("stays.example", 1000);
  newer.tags = {{"old-attr-tag", "", true, false}};
  e.attributes = {keep, newer, older};
  auto r = s->events().UpsertEvent(&e);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, UpsertOutcome::kCreated);
  EXPECT_GT(e.id, 0);
  for (const auto& a2 : e.attributes) EXPECT_GT(a2.id, 0);

  model::Event same = e;
  EXPECT_EQ(*s->events().UpsertEvent(&same), UpsertOutcome::kUnchanged);
  model::Event old = e;
  old.timestamp = 900;
  old.info = "should not be stored";
  EXPECT_EQ(*s->events().UpsertEvent(&old), UpsertOutcome::kSkippedOlder);
  EXPECT_EQ(s->events().GetEvent(v, e.uuid)->info, "test event");

  auto head = s->events().FindEventHead(e.uuid);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->id, e.id);
  EXPECT_EQ(head->timestamp, 1000);
  EXPECT_EQ(head->org_id, a.id);
  EXPECT_EQ(s->events().FindEventHead(util::NewUuid()).status().code(), Status::Code::kNotFound);

  // Update: newer event; one attribute newer, one older, one new, one missing.
  model::Event upd = Event(a, 2000);
  upd.uuid = e.uuid;
  upd.info = "updated";
  upd.tags = {{"tlp:amber", "", true, false}};
  model::Attribute n2 = newer;
  n2.value = n2.canonical = n2.canonical1 = "v2.example";
  n2.timestamp = 2000;
  n2.tags = {{"new-attr-tag", "#123456", false, true}};
  model::Attribute o2 = older;
  o2.value = "changed-but-older.example";
  o2.timestamp = 500;
  model::Attribute added = Attr("added.example", 2000);
  upd.attributes = {n2, o2, added};
  r = s->events().UpsertEvent(&upd);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, UpsertOutcome::kUpdated);
  EXPECT_EQ(upd.id, e.id);
  EXPECT_EQ(upd.attributes[0].id, e.attributes[1].id);
  EXPECT_EQ(upd.attributes[1].id, e.attributes[2].id);

  auto got = s->events().GetEvent(v, e.uuid);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->info, "updated");
  EXPECT_EQ(got->timestamp, 2000);
  ASSERT_EQ(got->tags.size(), 1u);
  EXPECT_EQ(got->tags[0].name, "tlp:amber");
  EXPECT_EQ(Values(got->attributes), (std::vector<std::string>{"keep.example", "v2.example",
                                                               "stays.example", "added.example"}));
  ASSERT_EQ(got->attributes[1].tags.size(), 1u);
  EXPECT_EQ(got->attributes[1].tags[0].name, "new-attr-tag");
  EXPECT_EQ(got->attributes[1].tags[0].colour, "#123456");
  EXPECT_FALSE(got->attributes[1].tags[0].exportable);
  EXPECT_TRUE(got->attributes[1].tags[0].local);
  EXPECT_EQ(got->attributes[1].timestamp, 2000);
  EXPECT_EQ(got->attributes[2].timestamp, 1000);

  auto stats = s->GetStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events, 1);
  EXPECT_EQ(stats->attributes, 4);
  EXPECT_EQ(stats->tags, 5);  // tags are kept even when no longer used
}

TEST(StoreEvents, AttributeUuidConflicts) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a = AddOrg(s.get(), "A");
  model::Event e1 = Event(a);
  model::Attribute shared = Attr("one.example");
  e1.attributes = {shared};
  ASSERT_TRUE(s->events().UpsertEvent(&e1).ok());

  // A new event reusing the uuid: refused, and nothing of it is stored.
  model::Event e2 = Event(a);
  e2.tags = {{"brand-new-tag", "", true, false}};
  e2.attributes = {Attr("fine.example"), shared};
  auto r = s->events().UpsertEvent(&e2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kConflict);
  EXPECT_NE(r.status().message().find(shared.uuid), std::string::npos) << r.status().message();
  // The holder is never named: the writer may not be allowed to see it.
  EXPECT_NE(r.status().message().find("already in use on this node"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(r.status().message().find(e1.uuid), std::string::npos) << r.status().message();
  EXPECT_EQ(s->events().FindEventHead(e2.uuid).status().code(), Status::Code::kNotFound);
  auto stats = s->GetStats();
  EXPECT_EQ(stats->events, 1);
  EXPECT_EQ(stats->attributes, 1);
  EXPECT_EQ(stats->tags, 0);

  // The same tag works afterwards (the tag cache forgot the rolled-back id).
  model::Event e3 = Event(a);
  e3.tags = {{"brand-new-tag", "", true, false}};
  ASSERT_TRUE(s->events().UpsertEvent(&e3).ok());

  // An update of an existing event that steals the uuid is refused too.
  model::Event e3u = e3;
  e3u.timestamp += 10;
  e3u.attributes = {shared};
  r = s->events().UpsertEvent(&e3u);
  EXPECT_EQ(r.status().code(), Status::Code::kConflict);

  // The same uuid twice inside one event.
  model::Event e4 = Event(a);
  model::Attribute twice = Attr("twice.example");
  e4.attributes = {twice, twice};
  r = s->events().UpsertEvent(&e4);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("appears more than once"), std::string::npos)
      << r.status().message();

  // Objects conflict the same way.
  model::Event e5 = Event(a);
  model::Object obj;
  obj.uuid = util::NewUuid();
  obj.name = "domain-ip";
  obj.timestamp = 1000;
  e5.objects = {obj};
  ASSERT_TRUE(s->events().UpsertEvent(&e5).ok());
  model::Event e6 = Event(a);
  e6.objects = {obj};
  r = s->events().UpsertEvent(&e6);
  EXPECT_EQ(r.status().code(), Status::Code::kConflict);
  EXPECT_NE(r.status().message().find("object uuid " + obj.uuid), std::string::npos)
      << r.status().message();
  EXPECT_EQ(r.status().message().find(e5.uuid), std::string::npos) << r.status().message();
}

TEST(StoreEvents, RejectsUnresolvedReferences) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a = AddOrg(s.get(), "A");
  model::Event e = Event(a);
  e.orgc.id = 0;
  EXPECT_EQ(s->events().UpsertEvent(&e).status().code(), Status::Code::kInvalid);
  e = Event(a);
  e.orgc.id = 555;
  EXPECT_EQ(s->events().UpsertEvent(&e).status().code(), Status::Code::kInvalid);
  e = Event(a, 1000, Distribution::kSharingGroup);
  EXPECT_EQ(s->events().UpsertEvent(&e).status().code(), Status::Code::kInvalid);
  e = Event(a);
  model::Attribute at = Attr("x.example");
  at.distribution = Distribution::kSharingGroup;
  at.sharing_group.id = 77;
  e.attributes = {at};
  auto r = s->events().UpsertEvent(&e);
  EXPECT_EQ(r.status().code(), Status::Code::kInvalid) << r.status().ToString();
  EXPECT_EQ(s->GetStats()->events, 0);
}

// Field-by-field comparison of what was stored and what came back.
void ExpectSameAttribute(const model::Attribute& a, const model::Attribute& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.uuid, b.uuid);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.canonical, b.canonical);
  EXPECT_EQ(a.canonical1, b.canonical1);
  EXPECT_EQ(a.canonical2, b.canonical2);
  EXPECT_EQ(a.to_ids, b.to_ids);
  EXPECT_EQ(a.comment, b.comment);
  EXPECT_EQ(a.distribution, b.distribution);
  EXPECT_EQ(a.sharing_group.id, b.sharing_group.id);
  EXPECT_EQ(a.sharing_group.uuid, b.sharing_group.uuid);
  EXPECT_EQ(a.sharing_group.name, b.sharing_group.name);
  EXPECT_EQ(a.timestamp, b.timestamp);
  EXPECT_EQ(a.first_seen, b.first_seen);
  EXPECT_EQ(a.last_seen, b.last_seen);
  EXPECT_EQ(a.disable_correlation, b.disable_correlation);
  EXPECT_EQ(a.deleted, b.deleted);
  EXPECT_EQ(a.object_relation, b.object_relation);
  EXPECT_EQ(a.extra_json, b.extra_json);
  ASSERT_EQ(a.tags.size(), b.tags.size());
  for (size_t i = 0; i < a.tags.size(); ++i) {
    EXPECT_EQ(a.tags[i].name, b.tags[i].name);
    EXPECT_EQ(a.tags[i].colour, b.tags[i].colour);
    EXPECT_EQ(a.tags[i].exportable, b.tags[i].exportable);
    EXPECT_EQ(a.tags[i].local, b.tags[i].local);
  }
}

TEST(StoreEvents, RichEventRoundTrip) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org owner = AddOrg(s.get(), "Owner");
  model::Org creator = AddOrg(s.get(), "Creator");
  model::SharingGroup sg;
  sg.name = "Group";
  sg.owner = Ref(owner);
  ASSERT_OK(s->community().AddSharingGroup(&sg));
  model::SharingGroupRef sg_ref{sg.id, sg.uuid, sg.name};

  model::Event e = Event(owner, 1700000000, Distribution::kSharingGroup);
  e.sharing_group = sg_ref;
  e.orgc = Ref(creator);
  e.info = "Rich \"event\" — ünïcode";
  e.threat_level_id = 2;
  e.analysis = 1;
  e.published = true;
  e.publish_timestamp = 1700000100;
  e.disable_correlation = true;
  e.extends_uuid = util::NewUuid();
  e.extra_json = R"({"proposal_email_lock":false})";
  e.tags = {{"tlp:amber", "#FFC000", true, false},
            {"misp-galaxy:threat-actor=\"X\"", "#0088cc", false, false},
            {"workflow:todo", "", true, true},
            {"tlp:amber", "#FFC000", true, false}};  // duplicate dropped

  model::Attribute ip;
  ip.uuid = util::NewUuid();
  ip.type = "ip-dst|port";
  ip.category = "Network activity";
  ip.value = "2001:DB8::1|443";
  ip.canonical = "2001:db8::1|443";
  ip.canonical1 = "2001:db8::1";
  ip.canonical2 = "443";
  ip.to_ids = true;
  ip.comment = "c2";
  ip.distribution = Distribution::kSharingGroup;
  ip.sharing_group = sg_ref;
  ip.timestamp = 1700000000;
  ip.first_seen = "2023-11-01T00:00:00.000000+00:00";
  ip.last_seen = "2023-11-02T00:00:00Z";
  ip.disable_correlation = true;
  ip.extra_json = R"({"Galaxy":[]})";
  ip.tags = {{"kill-chain:c2", "#ff0000", true, false}, {"tlp:amber", "#FFC000", true, false}};
  model::Attribute del = Attr("deleted.example", 1700000000);
  del.deleted = true;
  del.distribution = Distribution::kOrganisation;
  e.attributes = {ip, del};

  model::Object file;
  file.uuid = util::NewUuid();
  file.name = "file";
  file.meta_category = "file";
  file.description = "File object";
  file.template_uuid = "688c46fb-5edb-40a3-8273-1af7923e2215";
  file.template_version = "24";
  file.comment = "dropper";
  file.distribution = Distribution::kInherit;
  file.timestamp = 1700000000;
  file.first_seen = "2023-10-01";
  file.extra_json = R"({"ObjectReference_extra":1})";
  model::Attribute sha;
  sha.uuid = util::NewUuid();
  sha.type = "sha256";
  sha.category = "Payload delivery";
  sha.value = std::string(64, 'A');
  sha.canonical = sha.canonical1 = std::string(64, 'a');
  sha.object_relation = "sha256";
  sha.timestamp = 1700000000;
  model::Attribute fname = Attr("dropper.exe", 1700000000);
  fname.type = "filename";
  fname.object_relation = "filename";
  fname.canonical = fname.canonical1 = "";
  file.attributes = {sha, fname};
  model::Object net;
  net.uuid = util::NewUuid();
  net.name = "domain-ip";
  net.distribution = Distribution::kCommunity;
  net.timestamp = 1700000000;
  net.last_seen = "2023-12-01";
  net.attributes = {Attr("c2.example", 1700000000)};
  net.attributes[0].object_relation = "domain";
  model::ObjectReference ref;
  ref.uuid = util::NewUuid();
  ref.referenced_uuid = net.uuid;
  ref.referenced_type = "Object";
  ref.relationship_type = "communicates-with";
  ref.comment = "beacon";
  ref.timestamp = 1700000000;
  ref.extra_json = R"({"x":2})";
  model::ObjectReference ref2;
  ref2.referenced_uuid = ip.uuid;  // no uuid: one is assigned
  ref2.relationship_type = "connects-to";
  ref2.timestamp = 1700000000;
  file.references = {ref, ref2};
  e.objects = {file, net};

  auto r = s->events().UpsertEvent(&e);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(util::IsUuid(e.objects[0].references[1].uuid));

  auto v = ViewerOf(s.get(), owner);
  auto got_or = s->events().GetEvent(v, e.uuid, /*include_deleted=*/true);
  ASSERT_TRUE(got_or.ok()) << got_or.status().ToString();
  model::Event& g = *got_or;
  EXPECT_EQ(g.id, e.id);
  EXPECT_EQ(g.uuid, e.uuid);
  EXPECT_EQ(g.info, e.info);
  EXPECT_EQ(g.date, e.date);
  EXPECT_EQ(g.threat_level_id, 2);
  EXPECT_EQ(g.analysis, 1);
  EXPECT_TRUE(g.published);
  EXPECT_EQ(g.publish_timestamp, 1700000100);
  EXPECT_EQ(g.timestamp, 1700000000);
  EXPECT_EQ(g.distribution, Distribution::kSharingGroup);
  EXPECT_EQ(g.sharing_group.id, sg.id);
  EXPECT_EQ(g.sharing_group.uuid, sg.uuid);
  EXPECT_EQ(g.sharing_group.name, "Group");
  EXPECT_EQ(g.org.id, owner.id);
  EXPECT_EQ(g.org.uuid, owner.uuid);
  EXPECT_EQ(g.org.name, "Owner");
  EXPECT_EQ(g.orgc.id, creator.id);
  EXPECT_EQ(g.orgc.uuid, creator.uuid);
  EXPECT_EQ(g.orgc.name, "Creator");
  EXPECT_TRUE(g.disable_correlation);
  EXPECT_FALSE(g.deleted);
  EXPECT_EQ(g.extends_uuid, e.extends_uuid);
  EXPECT_EQ(g.extra_json, e.extra_json);
  ASSERT_EQ(g.tags.size(), 3u);
  EXPECT_EQ(g.tags[0].name, "tlp:amber");
  EXPECT_EQ(g.tags[0].colour, "#FFC000");
  EXPECT_EQ(g.tags[1].name, "misp-galaxy:threat-actor=\"X\"");
  EXPECT_FALSE(g.tags[1].exportable);
  EXPECT_EQ(g.tags[2].name, "workflow:todo");
  EXPECT_TRUE(g.tags[2].local);
  ASSERT_EQ(g.attributes.size(), 2u);
  ExpectSameAttribute(g.attributes[0], e.attributes[0]);
  ExpectSameAttribute(g.attributes[1], e.attributes[1]);
  ASSERT_EQ(g.objects.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const model::Object& a = g.objects[i];
    const model::Object& b = e.objects[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.uuid, b.uuid);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.meta_category, b.meta_category);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.template_uuid, b.template_uuid);
    EXPECT_EQ(a.template_version, b.template_version);
    EXPECT_EQ(a.comment, b.comment);
    EXPECT_EQ(a.distribution, b.distribution);
    EXPECT_EQ(a.sharing_group.id, b.sharing_group.id);
    EXPECT_EQ(a.timestamp, b.timestamp);
    EXPECT_EQ(a.first_seen, b.first_seen);
    EXPECT_EQ(a.last_seen, b.last_seen);
    EXPECT_EQ(a.deleted, b.deleted);
    EXPECT_EQ(a.extra_json, b.extra_json);
    ASSERT_EQ(a.attributes.size(), b.attributes.size());
    for (size_t j = 0; j < a.attributes.size(); ++j) {
      ExpectSameAttribute(a.attributes[j], b.attributes[j]);
    }
    ASSERT_EQ(a.references.size(), b.references.size());
    for (size_t j = 0; j < a.references.size(); ++j) {
      const auto& x = a.references[j];
      const auto& y = b.references[j];
      EXPECT_EQ(x.id, y.id);
      EXPECT_EQ(x.uuid, y.uuid);
      EXPECT_EQ(x.referenced_uuid, y.referenced_uuid);
      EXPECT_EQ(x.referenced_type, y.referenced_type);
      EXPECT_EQ(x.relationship_type, y.relationship_type);
      EXPECT_EQ(x.comment, y.comment);
      EXPECT_EQ(x.timestamp, y.timestamp);
      EXPECT_EQ(x.deleted, y.deleted);
      EXPECT_EQ(x.extra_json, y.extra_json);
    }
  }
  EXPECT_FALSE(g.objects[0].last_seen.has_value());
  EXPECT_FALSE(g.objects[1].first_seen.has_value());

  // Without include_deleted the deleted attribute is not returned.
  auto live = s->events().GetEvent(v, e.uuid);
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(Values(live->attributes), (std::vector<std::string>{"2001:DB8::1|443"}));

  // Lookups are case-insensitive on uuids.
  EXPECT_TRUE(s->events().GetEvent(v, Upper(e.uuid)).ok());
}

TEST(StoreEvents, UuidsAreStoredInLowerCase) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a = AddOrg(s.get(), "A");
  auto v = ViewerOf(s.get(), a);
  model::Event e = Event(a);
  e.uuid = Upper(e.uuid);
  model::Attribute at = Attr("x.example");
  at.uuid = Upper(at.uuid);
  model::Object o;
  o.uuid = Upper(util::NewUuid());
  o.name = "domain-ip";
  o.timestamp = 1000;
  model::ObjectReference r;
  r.uuid = Upper(util::NewUuid());
  r.referenced_uuid = at.uuid;
  r.relationship_type = "related-to";
  o.references = {r};
  e.attributes = {at};
  e.objects = {o};
  ASSERT_TRUE(s->events().UpsertEvent(&e).ok());
  EXPECT_EQ(e.uuid, util::ToLower(e.uuid));
  EXPECT_EQ(e.attributes[0].uuid, util::ToLower(at.uuid));
  auto g = s->events().GetEvent(v, Upper(e.uuid));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->uuid, util::ToLower(e.uuid));
  ASSERT_EQ(g->objects.size(), 1u);
  ASSERT_EQ(g->objects[0].references.size(), 1u);  // the reference still resolves
  EXPECT_EQ(g->objects[0].references[0].referenced_uuid, util::ToLower(at.uuid));
  EXPECT_EQ(g->objects[0].uuid, util::ToLower(o.uuid));
  EXPECT_TRUE(s->events().FindEventHead(Upper(e.uuid)).ok());

  // The same uuid in another case is the same attribute.
  model::Event other = Event(a);
  model::Attribute dup = Attr("y.example");
  dup.uuid = Upper(at.uuid);
  other.attributes = {dup};
  EXPECT_EQ(s->events().UpsertEvent(&other).status().code(), Status::Code::kConflict);
  EventQuery q;
  q.uuids = {Upper(e.uuid)};
  EXPECT_EQ(Scan(s.get(), v, q).size(), 1u);
}

TEST(StoreEvents, ObjectUpdateByTimestamp) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a = AddOrg(s.get(), "A");
  auto v = ViewerOf(s.get(), a);
  model::Event e = Event(a, 100);
  model::Object o;
  o.uuid = util::NewUuid();
  o.name = "file";
  o.comment = "v1";
  o.timestamp = 100;
  o.attributes = {Attr("a.exe", 100)};
  model::Object kept;
  kept.uuid = util::NewUuid();
  kept.name = "url";
  kept.timestamp = 100;
  e.objects = {o, kept};
  ASSERT_TRUE(s->events().UpsertEvent(&e).ok());

  model::Event u = e;
  u.timestamp = 200;
  u.objects = {o};
  u.objects[0].comment = "v2";
  u.objects[0].timestamp = 200;
  u.objects[0].attributes.push_back(Attr("b.exe", 200));
  model::ObjectReference ref;
  ref.uuid = util::NewUuid();
  ref.referenced_uuid = kept.uuid;
  ref.relationship_type = "related-to";
  ref.timestamp = 200;
  u.objects[0].references = {ref};
  auto r = s->events().UpsertEvent(&u);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, UpsertOutcome::kUpdated);
  auto g = s->events().GetEvent(v, e.uuid);
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->objects.size(), 2u);
  EXPECT_EQ(g->objects[0].comment, "v2");
  EXPECT_EQ(Values(g->objects[0].attributes), (std::vector<std::string>{"a.exe", "b.exe"}));
  ASSERT_EQ(g->objects[0].references.size(), 1u);
  EXPECT_EQ(g->objects[0].references[0].referenced_uuid, kept.uuid);
  EXPECT_EQ(g->objects[1].uuid, kept.uuid);
}

TEST(StoreEvents, ScanEventsAppliesPolicyAndFilters) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a = AddOrg(s.get(), "A");
  model::Org b = AddOrg(s.get(), "B");
  model::Org c = AddOrg(s.get(), "C");
  model::SharingGroup sg;
  sg.name = "AB";
  sg.owner = Ref(a);
  sg.members = {Ref(b)};
  ASSERT_OK(s->community().AddSharingGroup(&sg));
  model::SharingGroupRef sg_ref{sg.id, sg.uuid, sg.name};

  model::Event private_ev = Event(a, 100, Distribution::kOrganisation);
  private_ev.info = "private";
  private_ev.attributes = {Attr("p.example")};
  model::Event community = Event(a, 200, Distribution::kCommunity);
  community.info = "community";
  community.published = true;
  model::Attribute org_only = Attr("org-only.example");
  org_only.distribution = Distribution::kOrganisation;
  model::Attribute group_only = Attr("group-only.example");
  group_only.distribution = Distribution::kSharingGroup;
  group_only.sharing_group = sg_ref;
  community.attributes = {Attr("public.example"), org_only, group_only};
  model::Event grouped = Event(a, 300, Distribution::kSharingGroup);
  grouped.info = "grouped";
  grouped.sharing_group = sg_ref;
  grouped.attributes = {Attr("g.example")};
  model::Event by_c = Event(c, 400, Distribution::kAll);
  by_c.info = "by C";
  by_c.published = true;
  model::Event deleted = Event(c, 500, Distribution::kCommunity);
  deleted.info = "deleted";
  for (auto* e : {&private_ev, &community, &grouped, &by_c, &deleted}) {
    auto r = s->events().UpsertEvent(e);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  ASSERT_OK(s->events().SoftDeleteEvent(deleted.id, 600));
  EXPECT_EQ(s->events().SoftDeleteEvent(98765, 600).code(), Status::Code::kNotFound);
  EXPECT_TRUE(s->events().FindEventHead(deleted.uuid)->deleted);

  auto infos = [](const std::vector<model::Event>& evs) {
    std::vector<std::string> v;
    for (const auto& e : evs) v.push_back(e.info);
    return v;
  };
  auto va = ViewerOf(s.get(), a), vb = ViewerOf(s.get(), b), vc = ViewerOf(s.get(), c);

  auto for_a = Scan(s.get(), va);
  EXPECT_EQ(infos(for_a), (std::vector<std::string>{"private", "community", "grouped", "by C"}));
  EXPECT_EQ(Values(for_a[1].attributes),
            (std::vector<std::string>{"public.example", "org-only.example", "group-only.example"}));

  auto for_b = Scan(s.get(), vb);
  EXPECT_EQ(infos(for_b), (std::vector<std::string>{"community", "grouped", "by C"}));
  EXPECT_EQ(Values(for_b[0].attributes),
            (std::vector<std::string>{"public.example", "group-only.example"}));

  auto for_c = Scan(s.get(), vc);
  EXPECT_EQ(infos(for_c), (std::vector<std::string>{"community", "by C"}));
  EXPECT_EQ(Values(for_c[0].attributes), (std::vector<std::string>{"public.example"}));

  // GetEvent: hidden and absent look the same.
  auto hidden = s->events().GetEvent(vb, private_ev.uuid);
  auto absent = s->events().GetEvent(vb, util::NewUuid());
  EXPECT_EQ(hidden.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(absent.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(s->events().GetEvent(vc, grouped.uuid).status().code(), Status::Code::kNotFound);
  EXPECT_TRUE(s->events().GetEvent(vb, grouped.uuid).ok());
  EXPECT_EQ(s->events().GetEvent(vc, deleted.uuid).status().code(), Status::Code::kNotFound);
  EXPECT_TRUE(s->events().GetEvent(vc, deleted.uuid, /*include_deleted=*/true).ok());

  // Filters.
  EventQuery q;
  q.published = true;
  EXPECT_EQ(infos(Scan(s.get(), vb, q)), (std::vector<std::string>{"community", "by C"}));
  q = {};
  q.since = 200;
  q.until = 300;
  EXPECT_EQ(infos(Scan(s.get(), vb, q)), (std::vector<std::string>{"community", "grouped"}));
  q = {};
  q.uuids = {grouped.uuid, private_ev.uuid, by_c.uuid, "not-a-uuid\"\\"};
  EXPECT_EQ(infos(Scan(s.get(), vb, q)), (std::vector<std::string>{"grouped", "by C"}));
  q = {};
  q.orgc_id = c.id;
  EXPECT_EQ(infos(Scan(s.get(), vb, q)), (std::vector<std::string>{"by C"}));
  q.include_deleted = true;
  EXPECT_EQ(infos(Scan(s.get(), vb, q)), (std::vector<std::string>{"by C", "deleted"}));
  q = {};
  q.limit = 2;
  EXPECT_EQ(infos(Scan(s.get(), vb, q)), (std::vector<std::string>{"community", "grouped"}));

  // The callback stops the scan.
  int seen = 0;
  ASSERT_OK(s->events().ScanEvents(va, {}, [&](model::Event&) { return ++seen < 2; }));
  EXPECT_EQ(seen, 2);
}

TEST(StoreEvents, ScanPagesThroughManyEvents) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a = AddOrg(s.get(), "A");
  model::Org b = AddOrg(s.get(), "B");
  {
    Transaction tx(s.get());
    ASSERT_OK(tx.status());
    for (int i = 0; i < 700; ++i) {
      model::Event e =
          Event(a, 1000 + i, i % 3 == 0 ? Distribution::kOrganisation : Distribution::kCommunity);
      e.attributes = {Attr("e" + std::to_string(i) + ".example")};
      ASSERT_TRUE(s->events().UpsertEvent(&e).ok());
    }
    ASSERT_OK(tx.Commit());
  }
  auto all = Scan(s.get(), ViewerOf(s.get(), a));
  EXPECT_EQ(all.size(), 700u);
  auto visible = Scan(s.get(), ViewerOf(s.get(), b));
  EXPECT_EQ(visible.size(), 466u);
  for (size_t i = 1; i < visible.size(); ++i) EXPECT_LT(visible[i - 1].id, visible[i].id);
}

TEST(StoreTransactions, RollbackLeavesStoreUnchanged) {
  TempDir tmp;
  auto s = MustOpen(tmp.path());
  model::Org a = AddOrg(s.get(), "A");
  model::Event first = Event(a);
  first.tags = {{"kept", "", true, false}};
  ASSERT_TRUE(s->events().UpsertEvent(&first).ok());
  auto before = s->GetStats();
  ASSERT_TRUE(before.ok());

  std::string rolled_back_uuid;
  {
    Transaction tx(s.get());
    ASSERT_OK(tx.status());
    EXPECT_EQ(s->Begin().code(), Status::Code::kInternal);  // no nesting
    AddOrg(s.get(), "B");
    model::Event e = Event(a);
    e.tags = {{"ephemeral", "", true, false}, {"kept", "", true, false}};
    e.attributes = {Attr("x.example"), Attr("y.example")};
    ASSERT_TRUE(s->events().UpsertEvent(&e).ok());
    rolled_back_uuid = e.uuid;
    model::Event upd = first;
    upd.timestamp += 1;
    upd.info = "changed";
    ASSERT_TRUE(s->events().UpsertEvent(&upd).ok());
    EXPECT_EQ(s->GetStats()->events, 2);
    // no Commit: the destructor rolls back
  }
  auto after = s->GetStats();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->orgs, before->orgs);
  EXPECT_EQ(after->events, before->events);
  EXPECT_EQ(after->attributes, before->attributes);
  EXPECT_EQ(after->tags, before->tags);
  EXPECT_EQ(s->events().FindEventHead(rolled_back_uuid).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(s->events().GetEvent(ViewerOf(s.get(), a), first.uuid)->info, "test event");
  EXPECT_EQ(s->community().FindOrg("B").status().code(), Status::Code::kNotFound);

  // The tag created inside the rolled-back transaction can be created again.
  model::Event again = Event(a);
  again.tags = {{"ephemeral", "", true, false}};
  auto r = s->events().UpsertEvent(&again);
  ASSERT_TRUE(r.ok()) << r.status().ToString();

  // Explicit Begin/Rollback and a committed transaction.
  ASSERT_OK(s->Begin());
  AddOrg(s.get(), "C");
  s->Rollback();
  EXPECT_EQ(s->community().FindOrg("C").status().code(), Status::Code::kNotFound);
  {
    Transaction tx(s.get());
    AddOrg(s.get(), "D");
    ASSERT_OK(tx.Commit());
  }
  EXPECT_TRUE(s->community().FindOrg("D").ok());
  EXPECT_EQ(s->Commit().code(), Status::Code::kInternal);
}

TEST(StoreTransactions, ReadersSeeCommittedDataOnly) {
  TempDir tmp;
  auto w = MustOpen(tmp.path());
  model::Org a = AddOrg(w.get(), "A");
  auto r = Store::Open(tmp.path(), {});
  ASSERT_TRUE(r.ok());
  Transaction tx(w.get());
  ASSERT_OK(tx.status());
  model::Event e = Event(a);
  ASSERT_TRUE(w->events().UpsertEvent(&e).ok());
  // The reader is not blocked and does not see the uncommitted event.
  auto stats = (*r)->GetStats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->events, 0);
  ASSERT_OK(tx.Commit());
  EXPECT_EQ((*r)->GetStats()->events, 1);
}

// Builds `events` events of `per_event` attributes each (some tagged).
std::vector<model::Event> BulkEvents(const model::Org& a, int events, int per_event,
                                     int first = 0) {
  std::vector<model::Event> out;
  out.reserve(events);
  for (int i = first; i < first + events; ++i) {
    model::Event e = Event(a, 1000 + i);
    e.tags = {{"tlp:green", "", true, false}};
    e.attributes.reserve(per_event);
    for (int j = 0; j < per_event; ++j) {
      model::Attribute at =
          Attr("h" + std::to_string(i) + "-" + std::to_string(j) + ".example", 1000 + i);
      if (j % 10 == 0) at.tags = {{"kill-chain:delivery", "", true, false}};
      if (j % 4 == 0) {
        at.type = "ip-dst|port";
        at.value = "10." + std::to_string(i % 256) + "." + std::to_string(j % 256) + ".1|443";
        at.canonical = at.value;
        at.canonical1 = at.value.substr(0, at.value.find('|'));
        at.canonical2 = "443";
      }
      e.attributes.push_back(std::move(at));
    }
    out.push_back(std::move(e));
  }
  return out;
}

TEST(StoreBulk, FiftyThousandAttributesInOneTransaction) {
  TempDir tmp;
  OpenOptions o;
  o.cache_mb = 128;
  auto s = MustOpen(tmp.path(), o);
  model::Org a = AddOrg(s.get(), "A");
  auto events = BulkEvents(a, 100, 500);
  {
    Transaction tx(s.get());
    ASSERT_OK(tx.status());
    for (auto& e : events) {
      auto r = s->events().UpsertEvent(&e);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(*r, UpsertOutcome::kCreated);
    }
    ASSERT_OK(tx.Commit());
  }
  auto st = s->GetStats();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->events, 100);
  EXPECT_EQ(st->attributes, 50000);
  EXPECT_EQ(st->tags, 2);
  auto g = s->events().GetEvent(ViewerOf(s.get(), a), events[57].uuid);
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->attributes.size(), 500u);
  EXPECT_EQ(g->attributes[0].canonical2, "443");
  EXPECT_EQ(g->attributes[0].tags.size(), 1u);
  EXPECT_EQ(g->attributes[1].tags.size(), 0u);
  EXPECT_EQ(g->attributes[499].value, "h57-499.example");
  EXPECT_EQ(RawInt(tmp.File("sanad.db"),
                   "SELECT count(*) FROM attributes INDEXED BY attributes_canonical2"
                   " WHERE canonical2 = '443' AND canonical2 <> ''"),
            100 * 125);
}

// Throughput probe (no assertion on time): run with
//   store_test --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'
// SANAD_BENCH_ATTRS sets the number of attributes (default 200000, 100 per
// event); SANAD_BENCH_CACHE_MB the page cache. Only store calls are timed.
TEST(StoreBulk, DISABLED_Throughput) {
  TempDir tmp;
  const char* n_env = std::getenv("SANAD_BENCH_ATTRS");
  const char* c_env = std::getenv("SANAD_BENCH_CACHE_MB");
  const int total = n_env ? std::atoi(n_env) : 200000;
  OpenOptions o;
  o.cache_mb = c_env ? std::atoi(c_env) : 256;
  auto s = MustOpen(tmp.path(), o);
  model::Org a = AddOrg(s.get(), "A");
  std::chrono::duration<double> spent{0};
  {
    Transaction tx(s.get());
    ASSERT_OK(tx.status());
    for (int i = 0; i < total / 100; ++i) {
      auto batch = BulkEvents(a, 1, 100, i);
      auto t0 = std::chrono::steady_clock::now();
      auto r = s->events().UpsertEvent(&batch[0]);
      spent += std::chrono::steady_clock::now() - t0;
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_OK(tx.Commit());
    spent += std::chrono::steady_clock::now() - t0;
  }
  std::printf("inserted %d attributes in %.2f s: %.0f rows/s\n", total, spent.count(),
              total / spent.count());
  auto t1 = std::chrono::steady_clock::now();
  size_t n = 0;
  ASSERT_OK(s->events().ScanEvents(ViewerOf(s.get(), a), {}, [&](model::Event& e) {
    n += e.attributes.size();
    return true;
  }));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::printf("scanned %zu attributes in %.2f s: %.0f rows/s\n", n, secs, n / secs);
  EXPECT_EQ(n, static_cast<size_t>(total / 100 * 100));
}

}  // namespace
}  // namespace sanad::store
