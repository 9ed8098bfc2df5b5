// community/community.h: each operation of the community service, who may
// do it, and that a refused or failed operation leaves the store as it was
// and writes no audit entry.
#include "community/community.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "auth/auth.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::community {
namespace {

using Code = Status::Code;

// What an operation may change: counts of every community record, the keys
// of every user and the audit log's length.
struct Snapshot {
  int64_t orgs = 0, users = 0, groups = 0, keys = 0, audit = 0, members = 0;
  std::string chair;
  bool operator==(const Snapshot&) const = default;
};

class CommunityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::OpenOptions o;
    o.create_if_missing = true;
    auto s = store::Store::Open(dir_.path(), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    s_ = std::move(*s);
    alpha_ = AddOrgDirect("Alpha CERT", model::OrgStatus::kMember);
    ASSERT_TRUE(s_->community().SetChair(alpha_.id).ok());
    alpha_.is_chair = true;
    beta_ = AddOrgDirect("Beta CERT", model::OrgStatus::kMember);
    gamma_ = AddOrgDirect("Gamma CERT", model::OrgStatus::kMember);
    ext_ = AddOrgDirect("Outside Source", model::OrgStatus::kExternal);
    applicant_ = AddOrgDirect("Applicant CERT", model::OrgStatus::kApplicant);
    admin_ = Member("root@alpha.example", alpha_, model::Role::kAdmin);
    alpha_analyst_ = Member("ana@alpha.example", alpha_, model::Role::kAnalyst);
    beta_orgadmin_ = Member("boss@beta.example", beta_, model::Role::kOrgAdmin);
    beta_analyst_ = Member("ana@beta.example", beta_, model::Role::kAnalyst);
    beta_reader_ = Member("read@beta.example", beta_, model::Role::kReader);
    gamma_analyst_ = Member("ana@gamma.example", gamma_, model::Role::kAnalyst);
  }

  model::Org AddOrgDirect(const std::string& name, model::OrgStatus status) {
    model::Org o;
    o.name = name;
    o.country = "MY";
    o.status = status;
    EXPECT_TRUE(s_->community().AddOrg(&o).ok()) << name;
    return o;
  }

  // A user of `org` with a key, as auth::Authenticate sees it; `key_out`
  // receives the key.
  policy::Actor Member(const std::string& email, const model::Org& org, model::Role role,
                       model::Timestamp expires = 0, const std::string& cidrs = "",
                       std::string* key_out = nullptr) {
    auto u = s_->community().FindUser(email);
    model::User user;
    if (u.ok()) {
      user = *u;
    } else {
      user.email = email;
      user.org_id = org.id;
      user.role = role;
      EXPECT_TRUE(s_->community().AddUser(&user).ok()) << email;
    }
    auto k = auth::CreateApiKey(s_.get(), user.id, expires, false, cidrs);
    EXPECT_TRUE(k.ok());
    if (key_out) *key_out = k->key;
    auto a = auth::Authenticate(s_.get(), k->key, util::Now());
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? *a : policy::Actor();
  }

  Snapshot Take() {
    Snapshot x;
    auto st = s_->GetStats();
    EXPECT_TRUE(st.ok());
    x.orgs = st->orgs;
    x.users = st->users;
    x.groups = st->sharing_groups;
    std::vector<model::User> users;
    EXPECT_TRUE(s_->community().ListUsers(0, &users).ok());
    for (const auto& u : users) {
      std::vector<model::ApiKey> keys;
      EXPECT_TRUE(s_->community().ListApiKeys(u.id, &keys).ok());
      for (const auto& k : keys) x.keys += k.revoked ? 1000 : 1;
    }
    std::vector<model::SharingGroup> groups;
    EXPECT_TRUE(s_->community().ListSharingGroups(&groups).ok());
    for (const auto& g : groups) x.members += static_cast<int64_t>(g.members.size());
    std::vector<model::Org> orgs;
    EXPECT_TRUE(s_->community().ListOrgs(&orgs).ok());
    for (const auto& o : orgs)
      if (o.is_chair) x.chair = o.name;
    x.audit = static_cast<int64_t>(Audit().size());
    return x;
  }

  std::vector<model::AuditEntry> Audit() {
    std::vector<model::AuditEntry> out;
    EXPECT_TRUE(s_->audit_log()
                    .ScanAuditEntries([&](const model::AuditEntry& e) {
                      out.push_back(e);
                      return true;
                    })
                    .ok());
    return out;
  }
  model::AuditEntry LastAudit() {
    auto all = Audit();
    return all.empty() ? model::AuditEntry() : all.back();
  }

  // `a` with its viewer read again (as each request authenticates afresh).
  policy::Actor Fresh(policy::Actor a) {
    auto v = s_->community().ViewerFor(a.org.id);
    EXPECT_TRUE(v.ok());
    if (v.ok()) a.viewer = *v;
    return a;
  }

  static model::Org NewOrg(const std::string& name) {
    model::Org o;
    o.name = name;
    o.country = "FR";
    return o;
  }
  static model::User NewUser(const std::string& email, model::Role role = model::Role::kAnalyst) {
    model::User u;
    u.email = email;
    u.role = role;
    return u;
  }
  static model::SharingGroup NewGroup(const std::string& name, const std::string& uuid = "") {
    model::SharingGroup g;
    g.name = name;
    g.uuid = uuid;
    return g;
  }
  static model::IpPrefix Prefix(const std::string& text) {
    model::IpPrefix p;
    EXPECT_TRUE(model::ParseIpPrefix(text, &p)) << text;
    return p;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> s_;
  model::Org alpha_, beta_, gamma_, ext_, applicant_;
  policy::Actor admin_, alpha_analyst_, beta_orgadmin_, beta_analyst_, beta_reader_,
      gamma_analyst_;
  const policy::Actor local_ = policy::LocalActor();
};

// Expects `expr` (a Status) to fail with `want` and the store to equal
// `before`: nothing written, nothing audited.
#define EXPECT_REFUSED(expr, want, before)                                   \
  do {                                                                       \
    auto _r = (expr);                                                        \
    EXPECT_EQ(_r.code(), want) << #expr << ": " << _r.ToString();            \
    EXPECT_EQ(Take(), before) << #expr << " changed the store or the audit"; \
  } while (0)

// The status of an operation that returns a value.
template <class T>
Status StatusOf(const StatusOr<T>& s) {
  return s.status();
}

// ---- organisations ----

TEST_F(CommunityTest, AddOrgByTheOperatorAndTheAdministratorsOnly) {
  auto a = AddOrg(s_.get(), local_, NewOrg("Delta CERT"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_GT(a->id, 0);
  EXPECT_TRUE(util::IsUuid(a->uuid));
  EXPECT_FALSE(a->is_chair);
  model::AuditEntry e = LastAudit();
  EXPECT_EQ(e.action, "org.add");
  EXPECT_EQ(e.actor, "cli");
  EXPECT_EQ(e.object_uuid, a->uuid);
  EXPECT_EQ(e.details, "Delta CERT");

  auto b = AddOrg(s_.get(), admin_, NewOrg("Epsilon CERT"));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(LastAudit().actor, "root@alpha.example");
  EXPECT_EQ(LastAudit().org_uuid, alpha_.uuid);

  Snapshot before = Take();
  EXPECT_REFUSED(StatusOf(AddOrg(s_.get(), beta_orgadmin_, NewOrg("Zeta"))), Code::kPermission,
                 before);
  EXPECT_REFUSED(StatusOf(AddOrg(s_.get(), alpha_analyst_, NewOrg("Zeta"))), Code::kPermission,
                 before);
  EXPECT_TRUE(MayAddOrgs(admin_).ok());
  EXPECT_EQ(MayAddOrgs(beta_orgadmin_).code(), Code::kPermission);
}

TEST_F(CommunityTest, AddOrgChecksTheRecordAndUniqueness) {
  Snapshot before = Take();
  model::Org o = NewOrg("  ");
  EXPECT_REFUSED(StatusOf(AddOrg(s_.get(), local_, o)), Code::kInvalid, before);
  o = NewOrg("Zeta");
  o.country = "ZZ";
  EXPECT_REFUSED(StatusOf(AddOrg(s_.get(), local_, o)), Code::kInvalid, before);
  o = NewOrg("Zeta");
  o.status = model::OrgStatus::kExternal;
  EXPECT_REFUSED(StatusOf(AddOrg(s_.get(), local_, o)), Code::kInvalid, before);
  o = NewOrg("Zeta");
  o.uuid = "not-a-uuid";
  EXPECT_REFUSED(StatusOf(AddOrg(s_.get(), local_, o)), Code::kInvalid, before);
  o = NewOrg(std::string(model::kMaxOrgNameChars + 1, 'z'));
  EXPECT_REFUSED(StatusOf(AddOrg(s_.get(), local_, o)), Code::kLimit, before);
  EXPECT_REFUSED(StatusOf(AddOrg(s_.get(), local_, NewOrg("beta cert"))), Code::kConflict, before);

  o = NewOrg("Zeta");
  o.uuid = "AAAAAAAA-0000-4000-8000-000000000001";
  auto z = AddOrg(s_.get(), local_, o);
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  EXPECT_EQ(z->uuid, "aaaaaaaa-0000-4000-8000-000000000001");
}

TEST_F(CommunityTest, AddOrgAsTheChairIsTheOperators) {
  Snapshot before = Take();
  EXPECT_REFUSED(StatusOf(AddOrg(s_.get(), admin_, NewOrg("Chair Two"), true)), Code::kPermission,
                 before);
  auto c = AddOrg(s_.get(), local_, NewOrg("Chair Two"), true);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->is_chair);
  EXPECT_EQ(Take().chair, "Chair Two");
  EXPECT_EQ(LastAudit().details, "Chair Two (chair)");
}

TEST_F(CommunityTest, SetChairByTheOperatorToAnActiveMember) {
  Snapshot before = Take();
  EXPECT_REFUSED(SetChair(s_.get(), admin_, beta_), Code::kPermission, before);
  EXPECT_REFUSED(SetChair(s_.get(), local_, applicant_), Code::kPermission, before);
  ASSERT_TRUE(SetChair(s_.get(), local_, beta_).ok());
  EXPECT_EQ(Take().chair, "Beta CERT");
  EXPECT_EQ(LastAudit().action, "org.set-chair");
  EXPECT_EQ(LastAudit().object_uuid, beta_.uuid);
}

// ---- users ----

TEST_F(CommunityTest, AddUserWithAFirstKey) {
  KeyOptions k;
  k.read_only = true;
  auto u = AddUser(s_.get(), beta_orgadmin_, NewUser("  New@Beta.Example "), beta_, k);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->user.email, "new@beta.example");
  EXPECT_EQ(u->user.org_name, "Beta CERT");
  EXPECT_TRUE(u->key.record.read_only);
  EXPECT_EQ(u->key.key.size(), 64u);
  auto who = auth::Authenticate(s_.get(), u->key.key, util::Now());
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->user.email, "new@beta.example");
  EXPECT_FALSE(who->may_write);
  model::AuditEntry e = LastAudit();
  EXPECT_EQ(e.action, "user.add");
  EXPECT_EQ(e.object_uuid, "new@beta.example");
  EXPECT_EQ(e.owner_org_uuid, beta_.uuid);
  EXPECT_EQ(e.details, "analyst");

  // The administrators add users of any member, and alone grant admin (chair only).
  ASSERT_TRUE(AddUser(s_.get(), admin_, NewUser("x@gamma.example"), gamma_, {}).ok());
  ASSERT_TRUE(
      AddUser(s_.get(), admin_, NewUser("root2@alpha.example", model::Role::kAdmin), alpha_, {})
          .ok());
  ASSERT_TRUE(AddUser(s_.get(), local_, NewUser("op@beta.example"), beta_, {}).ok());
}

TEST_F(CommunityTest, AddUserPermissions) {
  Snapshot before = Take();
  EXPECT_REFUSED(StatusOf(AddUser(s_.get(), beta_analyst_, NewUser("z@beta.example"), beta_, {})),
                 Code::kPermission, before);
  EXPECT_REFUSED(
      StatusOf(AddUser(s_.get(), beta_orgadmin_, NewUser("z@gamma.example"), gamma_, {})),
      Code::kPermission, before);
  EXPECT_REFUSED(StatusOf(AddUser(s_.get(), beta_orgadmin_,
                                  NewUser("z@beta.example", model::Role::kAdmin), beta_, {})),
                 Code::kPermission, before);
  // Admin is for the chair's users, even when an administrator grants it.
  EXPECT_REFUSED(StatusOf(AddUser(s_.get(), admin_, NewUser("z@beta.example", model::Role::kAdmin),
                                  beta_, {})),
                 Code::kPermission, before);
  EXPECT_REFUSED(StatusOf(AddUser(s_.get(), local_, NewUser("z@beta.example", model::Role::kAdmin),
                                  beta_, {})),
                 Code::kPermission, before);
  EXPECT_REFUSED(StatusOf(AddUser(s_.get(), admin_, NewUser("z@outside.example"), ext_, {})),
                 Code::kInvalid, before);
  KeyOptions past;
  past.expires = util::Now() - 10;
  EXPECT_REFUSED(StatusOf(AddUser(s_.get(), admin_, NewUser("z@beta.example"), beta_, past)),
                 Code::kInvalid, before);
  EXPECT_EQ(MayAddUsers(beta_analyst_).code(), Code::kPermission);
  EXPECT_TRUE(MayAddUsers(beta_orgadmin_).ok());
  EXPECT_TRUE(MayAddUsers(local_).ok());
}

TEST_F(CommunityTest, AnOrgAdminIsNotToldWhoHoldsAnAddress) {
  Snapshot before = Take();
  // Held by Gamma's user: the same answer as a malformed address.
  auto held = AddUser(s_.get(), beta_orgadmin_, NewUser("ana@gamma.example"), beta_, {});
  auto bad = AddUser(s_.get(), beta_orgadmin_, NewUser("not-an-address"), beta_, {});
  EXPECT_EQ(held.status().code(), Code::kInvalid);
  EXPECT_EQ(bad.status().code(), Code::kInvalid);
  EXPECT_EQ(held.status().message(),
            "$.email: 'ana@gamma.example' cannot be used for a new user (not a valid e-mail "
            "address, or not available on this node; the community's administrators can tell "
            "which)");
  EXPECT_EQ(held.status().message().find("Gamma"), std::string::npos);
  EXPECT_NE(bad.status().message().find("cannot be used for a new user"), std::string::npos);
  // Its own organisation's user: a plain conflict.
  auto own = AddUser(s_.get(), beta_orgadmin_, NewUser("ana@beta.example"), beta_, {});
  EXPECT_EQ(own.status().code(), Code::kConflict);
  // The administrators are told precisely.
  auto precise = AddUser(s_.get(), admin_, NewUser("ana@gamma.example"), beta_, {});
  EXPECT_EQ(precise.status().code(), Code::kConflict);
  EXPECT_NE(precise.status().message().find("Gamma CERT"), std::string::npos);
  auto malformed = AddUser(s_.get(), admin_, NewUser("nope"), beta_, {});
  EXPECT_EQ(malformed.status().message(), "$.email: 'nope' is not an e-mail address");
  EXPECT_EQ(Take(), before);
}

// ---- keys ----

TEST_F(CommunityTest, IssueKeyForItselfOrByTheOperator) {
  KeyOptions k;
  auto mine = IssueKey(s_.get(), beta_analyst_, beta_analyst_.user, k);
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  model::AuditEntry e = LastAudit();
  EXPECT_EQ(e.action, "key.create");
  EXPECT_EQ(e.object_uuid, "ana@beta.example");
  EXPECT_EQ(e.owner_org_uuid, beta_.uuid);
  EXPECT_EQ(e.details, mine->record.prefix);
  auto op = IssueKey(s_.get(), local_, gamma_analyst_.user, k);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ(LastAudit().owner_org_uuid, gamma_.uuid);
  auto who = auth::Authenticate(s_.get(), op->key, util::Now());
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->user.email, "ana@gamma.example");

  Snapshot before = Take();
  EXPECT_REFUSED(StatusOf(IssueKey(s_.get(), beta_orgadmin_, beta_analyst_.user, k)),
                 Code::kPermission, before);
  KeyOptions past;
  past.expires = util::Now() - 1;
  EXPECT_REFUSED(StatusOf(IssueKey(s_.get(), beta_analyst_, beta_analyst_.user, past)),
                 Code::kInvalid, before);
}

TEST_F(CommunityTest, AKeyNeverIssuesAKeyWithMoreReach) {
  const model::Timestamp soon = util::Now() + 3600;
  policy::Actor limited =
      Member("ana@beta.example", beta_, model::Role::kAnalyst, soon, "192.0.2.0/24");
  Snapshot before = Take();
  KeyOptions forever;
  forever.allowed_cidrs = {Prefix("192.0.2.0/25")};
  EXPECT_REFUSED(StatusOf(IssueKey(s_.get(), limited, limited.user, forever)), Code::kPermission,
                 before);
  KeyOptions later = forever;
  later.expires = soon + 1;
  EXPECT_REFUSED(StatusOf(IssueKey(s_.get(), limited, limited.user, later)), Code::kPermission,
                 before);
  KeyOptions anywhere;
  anywhere.expires = soon;
  EXPECT_REFUSED(StatusOf(IssueKey(s_.get(), limited, limited.user, anywhere)), Code::kPermission,
                 before);
  KeyOptions outside = anywhere;
  outside.allowed_cidrs = {Prefix("198.51.100.0/24")};
  EXPECT_REFUSED(StatusOf(IssueKey(s_.get(), limited, limited.user, outside)), Code::kPermission,
                 before);
  KeyOptions inside = anywhere;
  inside.allowed_cidrs = {Prefix("192.0.2.128/25"), Prefix("::ffff:192.0.2.7")};
  auto nk = IssueKey(s_.get(), limited, limited.user, inside);
  ASSERT_TRUE(nk.ok()) << nk.status().ToString();
  EXPECT_EQ(nk->record.allowed_cidrs, "192.0.2.128/25,192.0.2.7");  // canonical, v4 unmapped
  EXPECT_EQ(nk->record.expires, soon);
}

TEST_F(CommunityTest, RevokeOwnKeysOnly) {
  std::string key;
  policy::Actor a = Member("ana@beta.example", beta_, model::Role::kAnalyst, 0, "", &key);
  Snapshot before = Take();
  EXPECT_REFUSED(StatusOf(RevokeKey(s_.get(), gamma_analyst_, a.key_id)), Code::kNotFound, before);
  EXPECT_REFUSED(StatusOf(RevokeKey(s_.get(), local_, a.key_id)), Code::kNotFound, before);
  auto r = RevokeKey(s_.get(), a, a.key_id);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->revoked);
  EXPECT_EQ(LastAudit().action, "key.revoke");
  EXPECT_EQ(LastAudit().details, r->prefix);
  EXPECT_FALSE(auth::Authenticate(s_.get(), key, util::Now()).ok());
}

// ---- sharing groups ----

TEST_F(CommunityTest, AddSharingGroupOwnedByTheActor) {
  auto g = AddSharingGroup(s_.get(), alpha_analyst_, NewGroup(" circle "), {beta_});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->name, "circle");
  EXPECT_EQ(g->owner.id, alpha_.id);
  EXPECT_EQ(g->members.size(), 2u);
  model::AuditEntry e = LastAudit();
  EXPECT_EQ(e.action, "sharing-group.add");
  EXPECT_EQ(e.object_uuid, g->uuid);
  EXPECT_EQ(e.owner_org_uuid, alpha_.uuid);
  // The operator acts as an organisation, and may add external sources.
  auto op = AddSharingGroup(s_.get(), policy::LocalActor(gamma_), NewGroup("imports"), {ext_});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ(op->owner.name, "Gamma CERT");

  Snapshot before = Take();
  EXPECT_REFUSED(StatusOf(AddSharingGroup(s_.get(), beta_reader_, NewGroup("x"), {})),
                 Code::kPermission, before);
  EXPECT_REFUSED(StatusOf(AddSharingGroup(s_.get(), local_, NewGroup("x"), {})), Code::kInvalid,
                 before);
  EXPECT_REFUSED(StatusOf(AddSharingGroup(s_.get(), beta_analyst_, NewGroup(" "), {})),
                 Code::kInvalid, before);
  EXPECT_REFUSED(StatusOf(AddSharingGroup(s_.get(), beta_analyst_, NewGroup("x"), {ext_})),
                 Code::kInvalid, before);
  EXPECT_REFUSED(
      StatusOf(AddSharingGroup(s_.get(), beta_analyst_, NewGroup(std::string(300, 'g')), {})),
      Code::kLimit, before);
  // A member that does not exist fails after the group was written: all of
  // it is rolled back.
  model::Org ghost = beta_;
  ghost.id = 999999;
  EXPECT_FALSE(AddSharingGroup(s_.get(), beta_analyst_, NewGroup("x"), {gamma_, ghost}).ok());
  EXPECT_EQ(Take(), before);
}

TEST_F(CommunityTest, AHeldUuidIsNamedOnlyToTheGroupsMembers) {
  const std::string uuid = "cccccccc-0000-4000-8000-000000000001";
  ASSERT_TRUE(AddSharingGroup(s_.get(), alpha_analyst_, NewGroup("circle", uuid), {beta_}).ok());
  Snapshot before = Take();
  auto hidden = AddSharingGroup(s_.get(), Fresh(gamma_analyst_), NewGroup("mine", uuid), {});
  auto malformed = AddSharingGroup(s_.get(), gamma_analyst_, NewGroup("mine", "zzz"), {});
  EXPECT_EQ(hidden.status().code(), Code::kInvalid);
  EXPECT_NE(hidden.status().message().find("cannot be used for a new sharing group"),
            std::string::npos);
  EXPECT_EQ(hidden.status().message().find("circle"), std::string::npos);
  EXPECT_EQ(malformed.status().code(), Code::kInvalid);
  auto seen = AddSharingGroup(s_.get(), Fresh(beta_analyst_), NewGroup("mine", uuid), {});
  EXPECT_EQ(seen.status().code(), Code::kConflict);
  EXPECT_NE(seen.status().message().find("circle"), std::string::npos);
  auto op = AddSharingGroup(s_.get(), policy::LocalActor(gamma_), NewGroup("mine", uuid), {});
  EXPECT_EQ(op.status().code(), Code::kConflict);
  EXPECT_EQ(Take(), before);
}

TEST_F(CommunityTest, OnlyTheOwnerAddsMembers) {
  auto g = AddSharingGroup(s_.get(), alpha_analyst_, NewGroup("circle"), {beta_});
  ASSERT_TRUE(g.ok());
  const policy::Actor alpha = Fresh(alpha_analyst_), beta = Fresh(beta_analyst_);
  Snapshot before = Take();
  EXPECT_REFUSED(StatusOf(AddSharingGroupOrgs(s_.get(), beta, *g, {gamma_})),
                 Code::kPermission, before);
  EXPECT_REFUSED(StatusOf(AddSharingGroupOrgs(s_.get(), gamma_analyst_, *g, {gamma_})),
                 Code::kNotFound, before);
  EXPECT_REFUSED(StatusOf(AddSharingGroupOrgs(s_.get(), alpha, *g, {ext_})),
                 Code::kInvalid, before);
  policy::Actor alpha_reader = Member("read@alpha.example", alpha_, model::Role::kReader);
  before = Take();
  EXPECT_REFUSED(StatusOf(AddSharingGroupOrgs(s_.get(), alpha_reader, *g, {gamma_})),
                 Code::kPermission, before);
  // A failure after the first member was added rolls both back.
  model::Org ghost = gamma_;
  ghost.id = 999999;
  auto failed = AddSharingGroupOrgs(s_.get(), alpha, *g, {gamma_, ghost});
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(Take(), before);

  auto added = AddSharingGroupOrgs(s_.get(), alpha, *g, {gamma_});
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->members.size(), 3u);
  EXPECT_EQ(LastAudit().action, "sharing-group.add-org");
  EXPECT_EQ(LastAudit().details, "Gamma CERT");
  auto op = AddSharingGroupOrgs(s_.get(), local_, *g, {ext_});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ(op->members.size(), 4u);
}

}  // namespace
}  // namespace sanad::community
