// The SQLite implementation of store::CommunityStore: organisations, users,
// API keys and sharing groups.
#include "store/sqlite/internal.h"

namespace sanad::store::internal {
namespace {

constexpr char kInsertOrg[] =
    "INSERT INTO orgs(uuid, name, country, kind, category, status, is_chair, description, created)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr char kUpdateOrg[] =
    "UPDATE orgs SET name = ?2, country = ?3, kind = ?4, category = ?5, status = ?6,"
    " description = ?7 WHERE id = ?1";

// Columns of an organisation, read by ReadOrg.
#define SANAD_ORG_COLUMNS \
  "SELECT id, uuid, name, country, kind, category, status, is_chair, description, created FROM orgs "

StatusOr<model::Org> ReadOrg(Row& r) {
  model::Org o;
  o.id = r.Int();
  o.uuid = r.Text();
  o.name = r.Text();
  o.country = r.Text();
  std::string kind = r.Text(), category = r.Text(), status = r.Text();
  if (!model::Parse(kind, &o.kind) || !model::Parse(category, &o.category) ||
      !model::Parse(status, &o.status)) {
    return Status::Corrupt("organisation " + std::to_string(o.id) + ": unknown kind, category" +
                           " or status ('" + kind + "', '" + category + "', '" + status + "')");
  }
  o.is_chair = r.Bool();
  o.description = r.Text();
  o.created = r.Int();
  return o;
}

constexpr char kFindOrg[] =
    SANAD_ORG_COLUMNS "WHERE uuid = ?2 OR name = ?1 ORDER BY (uuid = ?2) DESC LIMIT 1";
constexpr char kGetOrg[] = SANAD_ORG_COLUMNS "WHERE id = ?1";
constexpr char kListOrgs[] = SANAD_ORG_COLUMNS "ORDER BY id";
constexpr char kOrgExists[] = "SELECT 1 FROM orgs WHERE id = ?1";
constexpr char kUnsetChair[] =
    "UPDATE orgs SET is_chair = 0 WHERE is_chair <> 0 AND id <> ?1";
constexpr char kSetChair[] = "UPDATE orgs SET is_chair = 1 WHERE id = ?1";
constexpr char kInsertUser[] =
    "INSERT INTO users(email, org_id, role, created, disabled) VALUES (?1, ?2, ?3, ?4, ?5)";

// Columns of a user, read by ReadUser.
#define SANAD_USER_COLUMNS                                                              \
  "SELECT u.id, u.email, u.org_id, o.name, u.role, u.created, u.disabled FROM users u" \
  " JOIN orgs o ON o.id = u.org_id "

StatusOr<model::User> ReadUser(Row& r) {
  model::User u;
  u.id = r.Int();
  u.email = r.Text();
  u.org_id = r.Int();
  u.org_name = r.Text();
  std::string role = r.Text();
  if (!model::Parse(role, &u.role)) {
    return Status::Corrupt("user " + std::to_string(u.id) + ": unknown role '" + role + "'");
  }
  u.created = r.Int();
  u.disabled = r.Bool();
  return u;
}

constexpr char kFindUser[] = SANAD_USER_COLUMNS "WHERE u.email = ?1";
constexpr char kGetUser[] = SANAD_USER_COLUMNS "WHERE u.id = ?1";
constexpr char kListUsers[] = SANAD_USER_COLUMNS "WHERE ?1 = 0 OR u.org_id = ?1 ORDER BY u.id";
constexpr char kInsertKey[] =
    "INSERT INTO api_keys(user_id, prefix, hash, created, expires, read_only, allowed_cidrs,"
    " revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

// Columns of an API key, read by ReadKey.
#define SANAD_KEY_COLUMNS                                                                 \
  "SELECT id, user_id, prefix, hash, created, expires, read_only, allowed_cidrs, revoked" \
  " FROM api_keys "

ApiKey ReadKey(Row& r) {
  ApiKey k;
  k.id = r.Int();
  k.user_id = r.Int();
  k.prefix = r.Text();
  k.hash = r.Blob();
  k.created = r.Int();
  k.expires = r.Int();
  k.read_only = r.Bool();
  k.allowed_cidrs = r.Text();
  k.revoked = r.Bool();
  return k;
}

constexpr char kFindKey[] = SANAD_KEY_COLUMNS "WHERE hash = ?1";
constexpr char kListKeys[] = SANAD_KEY_COLUMNS "WHERE user_id = ?1 ORDER BY id";
constexpr char kRevokeKey[] = "UPDATE api_keys SET revoked = 1 WHERE id = ?1";
constexpr char kInsertSg[] =
    "INSERT INTO sharing_groups(uuid, name, releasability, description, owner_org_id, created,"
    " modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr char kInsertSgOrg[] =
    "INSERT OR IGNORE INTO sharing_group_orgs(sharing_group_id, org_id) VALUES (?1, ?2)";
constexpr char kTouchSg[] = "UPDATE sharing_groups SET modified = ?2 WHERE id = ?1";

// Columns of a sharing group (without members), read by ReadSg.
#define SANAD_SG_COLUMNS                                                                 \
  "SELECT s.id, s.uuid, s.name, s.releasability, s.description, s.owner_org_id, o.uuid," \
  " o.name, s.created, s.modified FROM sharing_groups s JOIN orgs o ON o.id = s.owner_org_id "

model::SharingGroup ReadSg(Row& r) {
  model::SharingGroup s;
  s.id = r.Int();
  s.uuid = r.Text();
  s.name = r.Text();
  s.releasability = r.Text();
  s.description = r.Text();
  s.owner.id = r.Int();
  s.owner.uuid = r.Text();
  s.owner.name = r.Text();
  s.created = r.Int();
  s.modified = r.Int();
  return s;
}

constexpr char kGetSg[] = SANAD_SG_COLUMNS "WHERE s.id = ?1";
constexpr char kFindSgByUuid[] = SANAD_SG_COLUMNS "WHERE s.uuid = ?1";
constexpr char kFindSgByName[] = SANAD_SG_COLUMNS "WHERE s.name = ?1 ORDER BY s.id LIMIT 2";
constexpr char kListSgs[] = SANAD_SG_COLUMNS "ORDER BY s.id";

// Columns (id, uuid, name) of a member organisation.
model::OrgRef ReadMember(Row& r) { return model::OrgRef{r.Int(), r.Text(), r.Text()}; }

constexpr char kSgMembers[] =
    "SELECT o.id, o.uuid, o.name FROM sharing_group_orgs m JOIN orgs o ON o.id = m.org_id"
    " WHERE m.sharing_group_id = ?1 ORDER BY o.id";
constexpr char kSgExists[] = "SELECT 1 FROM sharing_groups WHERE id = ?1";
constexpr char kGroupsOfOrg[] =
    "SELECT sharing_group_id FROM sharing_group_orgs WHERE org_id = ?1 ORDER BY sharing_group_id";

class SqliteCommunity final : public CommunityStore, private ConnSection {
 public:
  explicit SqliteCommunity(Conn* c) : ConnSection(c) {}

  // ---- orgs ----
  Status AddOrg(model::Org* org) override {
    if (org->name.empty()) return Status::Invalid("organisation name is empty");
    // The documented limits hold on every path, imports included.
    SANAD_RETURN_IF_ERROR(model::CheckOrgLimits(*org));
    SANAD_RETURN_IF_ERROR(AssignUuid(&org->uuid, "organisation " + Quote(org->name)));
    if (org->created == 0) org->created = util::Now();
    SANAD_USE(q, kInsertOrg);
    q.Bind(1, org->uuid)
        .Bind(2, org->name)
        .Bind(3, org->country)
        .Bind(4, model::Name(org->kind))
        .Bind(5, model::Name(org->category))
        .Bind(6, model::Name(org->status))
        .Bind(7, org->is_chair)
        .Bind(8, org->description)
        .Bind(9, org->created);
    int rc = q.Step();
    if (rc != SQLITE_DONE) return OrgWriteError(rc, *org);
    org->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status UpdateOrg(const model::Org& org) override {
    if (org.name.empty()) return Status::Invalid("organisation name is empty");
    SANAD_RETURN_IF_ERROR(model::CheckOrgLimits(org));
    SANAD_USE(q, kUpdateOrg);
    q.Bind(1, org.id)
        .Bind(2, org.name)
        .Bind(3, org.country)
        .Bind(4, model::Name(org.kind))
        .Bind(5, model::Name(org.category))
        .Bind(6, model::Name(org.status))
        .Bind(7, org.description);
    int rc = q.Step();
    if (rc != SQLITE_DONE) return OrgWriteError(rc, org);
    if (sqlite3_changes(db_) == 0) {
      return Status::NotFound("no organisation with id " + std::to_string(org.id));
    }
    return Status::Ok();
  }

  StatusOr<model::Org> FindOrg(std::string_view name_or_uuid) override {
    std::string lower = Lower(name_or_uuid);
    SANAD_USE(q, kFindOrg);
    q.Bind(1, name_or_uuid).Bind(2, lower);
    return OneRow<model::Org>(q, "finding organisation", ReadOrg,
                              "no organisation named or with uuid " + Quote(name_or_uuid));
  }

  StatusOr<model::Org> GetOrg(int64_t id) override {
    return OneRowBy<model::Org>(stmts_, kGetOrg, id, "reading organisation", ReadOrg,
                                "no organisation with id " + std::to_string(id));
  }

  Status ListOrgs(std::vector<model::Org>* out) override {
    out->clear();
    SANAD_USE(q, kListOrgs);
    return AppendRows(q, "listing organisations", ReadOrg, out);
  }

  Status SetChair(int64_t org_id) override {
    Savepoint sp(c_);
    SANAD_RETURN_IF_ERROR(sp.status());
    SANAD_RETURN_IF_ERROR(OrgExists(org_id));
    {
      SANAD_USE(q, kUnsetChair);
      SANAD_RETURN_IF_ERROR(q.Bind(1, org_id).Exec("clearing the chair"));
    }
    {
      SANAD_USE(q, kSetChair);
      SANAD_RETURN_IF_ERROR(q.Bind(1, org_id).Exec("setting the chair"));
    }
    return sp.Release();
  }

  // ---- users and keys ----
  Status AddUser(model::User* user) override {
    if (user->email.empty()) return Status::Invalid("user email is empty");
    SANAD_RETURN_IF_ERROR(model::CheckUserLimits(*user));
    if (user->created == 0) user->created = util::Now();
    SANAD_USE(q, kInsertUser);
    q.Bind(1, user->email)
        .Bind(2, user->org_id)
        .Bind(3, model::Name(user->role))
        .Bind(4, user->created)
        .Bind(5, user->disabled);
    int rc = q.Step();
    if (rc != SQLITE_DONE) {
      if (IsUniqueViolation(rc)) {
        return Status::Conflict("a user with email " + Quote(user->email) + " already exists");
      }
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Status::NotFound("user " + Quote(user->email) + ": no organisation with id " +
                                std::to_string(user->org_id));
      }
      return SqlStatus(db_, rc, "adding user " + Quote(user->email));
    }
    user->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  StatusOr<model::User> FindUser(std::string_view email) override {
    return OneRowBy<model::User>(stmts_, kFindUser, email, "finding user", ReadUser,
                                 "no user with email " + Quote(email));
  }

  StatusOr<model::User> GetUser(int64_t id) override {
    return OneRowBy<model::User>(stmts_, kGetUser, id, "reading user", ReadUser,
                                 "no user with id " + std::to_string(id));
  }

  Status ListUsers(int64_t org_id, std::vector<model::User>* out) override {
    return ListBy(stmts_, kListUsers, org_id, "listing users", ReadUser, out);
  }

  Status AddApiKey(ApiKey* key) override {
    if (key->hash.empty()) return Status::Invalid("API key hash is empty");
    if (key->created == 0) key->created = util::Now();
    SANAD_USE(q, kInsertKey);
    q.Bind(1, key->user_id)
        .Bind(2, key->prefix)
        .BindBlob(3, key->hash)
        .Bind(4, key->created)
        .Bind(5, key->expires)
        .Bind(6, key->read_only)
        .Bind(7, key->allowed_cidrs)
        .Bind(8, key->revoked);
    int rc = q.Step();
    if (rc != SQLITE_DONE) {
      if (IsUniqueViolation(rc))
        return Status::Conflict("an API key with this hash already exists");
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Status::NotFound("API key: no user with id " + std::to_string(key->user_id));
      }
      return SqlStatus(db_, rc, "adding API key");
    }
    key->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  StatusOr<ApiKey> FindApiKeyByHash(std::string_view hash) override {
    SANAD_USE(q, kFindKey);
    q.BindBlob(1, hash);
    return OneRow<ApiKey>(q, "finding API key", ReadKey, "unknown API key");
  }

  Status ListApiKeys(int64_t user_id, std::vector<ApiKey>* out) override {
    return ListBy(stmts_, kListKeys, user_id, "listing API keys", ReadKey, out);
  }
  Status RevokeApiKey(int64_t key_id) override {
    {
      SANAD_USE(q, kRevokeKey);
      q.Bind(1, key_id);
      SANAD_RETURN_IF_ERROR(q.Exec("revoking an API key"));
    }
    if (sqlite3_changes(db_) == 0)
      return Status::NotFound("no API key with id " + std::to_string(key_id));
    return Status::Ok();
  }


  // ---- sharing groups ----
  Status AddSharingGroup(model::SharingGroup* sg) override {
    if (sg->name.empty()) return Status::Invalid("sharing group name is empty");
    SANAD_RETURN_IF_ERROR(model::CheckSharingGroupLimits(*sg));
    SANAD_RETURN_IF_ERROR(AssignUuid(&sg->uuid, "sharing group " + Quote(sg->name)));
    if (sg->created == 0) sg->created = util::Now();
    if (sg->modified == 0) sg->modified = sg->created;
    Savepoint sp(c_);
    SANAD_RETURN_IF_ERROR(sp.status());
    int64_t id = 0;
    {
      SANAD_USE(q, kInsertSg);
      q.Bind(1, sg->uuid)
          .Bind(2, sg->name)
          .Bind(3, sg->releasability)
          .Bind(4, sg->description)
          .Bind(5, sg->owner.id)
          .Bind(6, sg->created)
          .Bind(7, sg->modified);
      int rc = q.Step();
      if (rc != SQLITE_DONE) {
        if (IsUniqueViolation(rc)) {
          return Status::Conflict("a sharing group with uuid " + Quote(sg->uuid) +
                                  " already exists");
        }
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
          return Status::NotFound("sharing group " + Quote(sg->name) +
                                  ": no owner organisation with id " +
                                  std::to_string(sg->owner.id));
        }
        return SqlStatus(db_, rc, "adding sharing group " + Quote(sg->name));
      }
      id = sqlite3_last_insert_rowid(db_);
    }
    std::vector<int64_t> members{sg->owner.id};
    for (const auto& m : sg->members) members.push_back(m.id);
    for (int64_t org_id : members) {
      SANAD_USE(q, kInsertSgOrg);
      int rc = q.Bind(1, id).Bind(2, org_id).Step();
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Status::NotFound("sharing group " + Quote(sg->name) +
                                ": no member organisation with id " + std::to_string(org_id));
      }
      if (rc != SQLITE_DONE) return SqlStatus(db_, rc, "adding sharing group member");
    }
    auto loaded = GetSharingGroup(id);
    if (!loaded.ok()) return loaded.status();
    SANAD_RETURN_IF_ERROR(BumpGeneration());
    SANAD_RETURN_IF_ERROR(sp.Release());
    *sg = std::move(*loaded);
    return Status::Ok();
  }

  Status AddSharingGroupOrg(int64_t sg_id, int64_t org_id) override {
    WriteScope scope(c_);
    SANAD_RETURN_IF_ERROR(scope.status());
    {
      SANAD_USE(q, kSgExists);
      q.Bind(1, sg_id);
      SANAD_RETURN_IF_ERROR(ExpectRow(q, "finding sharing group",
                                      "no sharing group with id " + std::to_string(sg_id)));
    }
    SANAD_USE(q, kInsertSgOrg);
    int rc = q.Bind(1, sg_id).Bind(2, org_id).Step();
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Status::NotFound("no organisation with id " + std::to_string(org_id));
    }
    if (rc != SQLITE_DONE) return SqlStatus(db_, rc, "adding sharing group member");
    if (sqlite3_changes(db_) > 0) {
      SANAD_USE(t, kTouchSg);
      SANAD_RETURN_IF_ERROR(t.Bind(1, sg_id).Bind(2, util::Now()).Exec("updating sharing group"));
      SANAD_RETURN_IF_ERROR(BumpGeneration());
    }
    return scope.Finish();
  }

  StatusOr<model::SharingGroup> FindSharingGroup(std::string_view name_or_uuid) override {
    std::vector<model::SharingGroup> found;
    {
      std::string lower = Lower(name_or_uuid);
      SANAD_USE(q, kFindSgByUuid);
      q.Bind(1, lower);
      SANAD_RETURN_IF_ERROR(AppendRows(q, "finding sharing group", ReadSg, &found));
    }
    if (found.empty()) {
      SANAD_USE(q, kFindSgByName);
      q.Bind(1, name_or_uuid);
      SANAD_RETURN_IF_ERROR(AppendRows(q, "finding sharing group", ReadSg, &found));
    }
    if (found.empty()) {
      return Status::NotFound("no sharing group named or with uuid " + Quote(name_or_uuid));
    }
    if (found.size() > 1) {
      return Status::Invalid("sharing group name " + Quote(name_or_uuid) +
                             " is ambiguous; use its uuid");
    }
    SANAD_RETURN_IF_ERROR(LoadMembers(&found[0]));
    return std::move(found[0]);
  }

  StatusOr<model::SharingGroup> GetSharingGroup(int64_t id) override {
    auto sg = ReadOneSg(id);
    if (sg.ok()) SANAD_RETURN_IF_ERROR(LoadMembers(&*sg));
    return sg;
  }

  Status ListSharingGroups(std::vector<model::SharingGroup>* out) override {
    out->clear();
    {
      SANAD_USE(q, kListSgs);
      SANAD_RETURN_IF_ERROR(AppendRows(q, "listing sharing groups", ReadSg, out));
    }
    for (auto& sg : *out) SANAD_RETURN_IF_ERROR(LoadMembers(&sg));
    return Status::Ok();
  }

  StatusOr<policy::Viewer> ViewerFor(int64_t org_id) override {
    SANAD_RETURN_IF_ERROR(OrgExists(org_id));
    policy::Viewer v;
    v.org_id = org_id;
    SANAD_USE(q, kGroupsOfOrg);
    q.Bind(1, org_id);
    SANAD_RETURN_IF_ERROR(AppendRows(q, "listing sharing groups of organisation",
                                     [](Row& r) { return r.Int(); }, &v.sharing_groups));
    return v;
  }

  Status OrgWriteError(int rc, const model::Org& org) {
    if (IsUniqueViolation(rc)) {
      std::string msg = sqlite3_errmsg(db_);
      if (msg.find("orgs.name") != std::string::npos) {
        return Status::Conflict("an organisation named " + Quote(org.name) + " already exists");
      }
      if (msg.find("orgs.uuid") != std::string::npos) {
        return Status::Conflict("an organisation with uuid " + Quote(org.uuid) + " already exists");
      }
      if (msg.find("orgs.is_chair") != std::string::npos) {
        return Status::Conflict("organisation " + Quote(org.name) +
                                ": another organisation is already the chair");
      }
    }
    return SqlStatus(db_, rc, "writing organisation " + Quote(org.name));
  }

  Status LoadMembers(model::SharingGroup* sg) {
    return ListBy(stmts_, kSgMembers, sg->id, "listing sharing group members", ReadMember,
                  &sg->members);
  }

  StatusOr<model::SharingGroup> ReadOneSg(int64_t id) {
    return OneRowBy<model::SharingGroup>(stmts_, kGetSg, id, "reading sharing group", ReadSg,
                                         "no sharing group with id " + std::to_string(id));
  }

  Status OrgExists(int64_t org_id) {
    SANAD_USE(q, kOrgExists);
    q.Bind(1, org_id);
    return ExpectRow(q, "finding organisation", "no organisation with id " + std::to_string(org_id));
  }
};

}  // namespace

std::unique_ptr<CommunityStore> NewCommunityStore(Conn* c) { return std::make_unique<SqliteCommunity>(c); }

}  // namespace sanad::store::internal
