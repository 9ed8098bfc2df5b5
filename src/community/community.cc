#include "community/community.h"

#include <algorithm>
#include <string_view>

#include "audit/actions.h"
#include "audit/audit.h"
#include "util/util.h"

namespace sanad::community {

namespace {

namespace action = audit::action;

// Runs `fn` in one transaction: committed when it succeeds, rolled back
// (with whatever it wrote, audit entries included) when it fails.
template <class Fn>
Status InTransaction(store::Store* s, Fn&& fn) {
  store::Transaction tx(s);
  SANAD_RETURN_IF_ERROR(tx.status());
  SANAD_RETURN_IF_ERROR(fn());
  return tx.Commit();
}

// Administers the whole community: the local operator or an admin of the
// chair organisation.
bool Administers(const policy::Actor& a) { return a.local() || a.community_admin; }

// The canonical text form of allowed source CIDRs ("" when none).
std::string CidrText(const std::vector<model::IpPrefix>& prefixes) {
  std::string out;
  for (const auto& p : prefixes) {
    if (!out.empty()) out += ",";
    out += model::FormatIpPrefix(model::UnmapV4(p));
  }
  return out;
}

std::vector<model::IpPrefix> ParseCidrText(std::string_view s) {
  std::vector<model::IpPrefix> out;
  while (!s.empty()) {
    size_t c = s.find(',');
    model::IpPrefix p;
    if (model::ParseIpPrefix(util::Trim(s.substr(0, c)), &p)) out.push_back(model::UnmapV4(p));
    s = c == std::string_view::npos ? std::string_view() : s.substr(c + 1);
  }
  return out;
}

// A key never issues a key with more reach than itself: `used` is the key
// the actor authenticated with.
Status CheckReach(const model::ApiKey& used, const KeyOptions& key) {
  if (used.expires && (key.expires == 0 || key.expires > used.expires))
    return Status::Permission("this key expires at " + util::FormatIso8601(used.expires) +
                              "; a key it issues must expire no later");
  if (used.allowed_cidrs.empty()) return Status::Ok();
  auto own = ParseCidrText(used.allowed_cidrs);
  bool inside = !key.allowed_cidrs.empty();
  for (const auto& p : key.allowed_cidrs) {
    model::IpPrefix np = model::UnmapV4(p);
    inside = inside && std::any_of(own.begin(), own.end(), [&](const model::IpPrefix& op) {
               return op.v6 == np.v6 && model::PrefixContains(op, np);
             });
  }
  if (!inside)
    return Status::Permission("this key is limited to " + used.allowed_cidrs +
                              "; a key it issues must be limited to addresses inside those");
  return Status::Ok();
}

// Whether the actor may see group `sg_id` (its organisation is a member);
// the local operator sees every group.
bool SeesGroup(const policy::Actor& a, int64_t sg_id) {
  return a.local() || a.viewer.InGroup(sg_id);
}

}  // namespace

// ---- who may ----

Status MayAddOrgs(const policy::Actor& a) {
  if (Administers(a)) return Status::Ok();
  return Status::Permission(
      "only the community's administrators (admin role in the chair organisation) add "
      "organisations");
}

Status MayAddUsers(const policy::Actor& a) {
  if (Administers(a) || a.user.role == model::Role::kOrgAdmin) return Status::Ok();
  return Status::Permission("only org-admins and the community's administrators add users");
}

Status MayCreateSharingGroups(const policy::Actor& a) {
  if (a.may_write) return Status::Ok();
  return Status::Permission("readers cannot create sharing groups");
}

Status MayAddSharingGroupOrgs(const policy::Actor& a, const model::SharingGroup& g) {
  if (a.local()) return Status::Ok();
  if (!SeesGroup(a, g.id)) return Status::NotFound("no sharing group '" + g.uuid + "'");
  if (g.owner.id != a.org.id || !a.may_write)
    return Status::Permission("only the owner of sharing group '" + g.name + "' (" +
                              g.owner.name + ") adds members");
  return Status::Ok();
}

// ---- organisations ----

StatusOr<model::Org> AddOrg(store::Store* s, const policy::Actor& a, model::Org org, bool chair) {
  SANAD_RETURN_IF_ERROR(MayAddOrgs(a));
  if (chair && !a.local())
    return Status::Permission(
        "only the node's operator adds an organisation as the chair; members hand the chair "
        "over through membership");
  org.name = std::string(util::Trim(org.name));
  if (org.name.empty()) return Status::Invalid("$.name: must not be empty");
  if (!model::IsCountryCode(org.country))
    return Status::Invalid("$.country: '" + org.country + "' is not an ISO 3166-1 alpha-2 code");
  if (org.status == model::OrgStatus::kExternal)
    return Status::Invalid("$.status: 'external' is not applicant, member, suspended or left");
  if (!org.uuid.empty()) {
    if (!util::IsUuid(org.uuid)) return Status::Invalid("$.uuid: '" + org.uuid + "' is not a uuid");
    org.uuid = util::LowerUuid(org.uuid);
  }
  SANAD_RETURN_IF_ERROR(model::CheckOrgLimits(org, "$.name", "$.description"));
  org.is_chair = false;
  SANAD_RETURN_IF_ERROR(InTransaction(s, [&]() -> Status {
    SANAD_RETURN_IF_ERROR(s->community().AddOrg(&org));
    if (chair) SANAD_RETURN_IF_ERROR(s->community().SetChair(org.id));
    return audit::Record(s, a, action::kOrgAdd, "org", org.uuid, "",
                         org.name + (chair ? " (chair)" : ""));
  }));
  org.is_chair = chair;
  return org;
}

Status SetChair(store::Store* s, const policy::Actor& a, const model::Org& org) {
  if (!a.local())
    return Status::Permission(
        "only the node's operator sets the chair; members hand it over through membership");
  if (org.status != model::OrgStatus::kMember)
    return Status::Permission("organisation '" + org.name + "' is " + model::Name(org.status) +
                              ", not an active member");
  return InTransaction(s, [&]() -> Status {
    SANAD_RETURN_IF_ERROR(s->community().SetChair(org.id));
    return audit::Record(s, a, action::kOrgSetChair, "org", org.uuid, "", org.name);
  });
}

// ---- users and API keys ----

StatusOr<NewUser> AddUser(store::Store* s, const policy::Actor& a, model::User user,
                          const model::Org& org, const KeyOptions& key) {
  SANAD_RETURN_IF_ERROR(MayAddUsers(a));
  const bool admin = Administers(a);
  user.email = util::ToLower(util::Trim(user.email));
  SANAD_RETURN_IF_ERROR(model::CheckUserLimits(user, "$.email"));
  // E-mail addresses are unique across the node, so an org-admin must be
  // refused an address a user of another organisation holds. The refusal
  // must not confirm that such a user exists (issue #15, finding 7): it is
  // the very answer a malformed address gets, and names no organisation.
  // The community's administrators, who list every user, get the precise one.
  const Status unusable_email = Status::Invalid(
      "$.email: '" + user.email +
      "' cannot be used for a new user (not a valid e-mail address, or not available on this "
      "node; the community's administrators can tell which)");
  auto at = user.email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= user.email.size())
    return admin ? Status::Invalid("$.email: '" + user.email + "' is not an e-mail address")
                 : unusable_email;
  if (org.id == 0) return Status::Invalid("$.org: a user belongs to an organisation");
  if (org.id != a.org.id && !admin)
    return Status::Permission("an org-admin adds users of its own organisation only");
  if (org.status == model::OrgStatus::kExternal)
    return Status::Invalid("'" + org.name + "' is an external organisation; it has no users");
  if (user.role == model::Role::kAdmin && (!admin || !org.is_chair))
    return Status::Permission(
        "the admin role is reserved for the chair's users and granted by an admin");
  if (key.expires && key.expires <= util::Now())
    return Status::Invalid("$.key_expires: already in the past");
  user.org_id = org.id;
  user.org_name = org.name;
  NewUser out;
  SANAD_RETURN_IF_ERROR(InTransaction(s, [&]() -> Status {
    if (auto held = s->community().FindUser(user.email); held.ok()) {
      if (admin)
        return Status::Conflict("a user with e-mail '" + user.email + "' already exists (" +
                                held->org_name + ")");
      if (held->org_id == a.org.id)  // the org-admin lists its own users anyway
        return Status::Conflict("a user with e-mail '" + user.email + "' already exists in " +
                                a.org.name);
      return unusable_email;
    } else if (held.status().code() != Status::Code::kNotFound) {
      return held.status();
    }
    Status st = s->community().AddUser(&user);
    if (!st.ok()) return st.code() == Status::Code::kConflict && !admin ? unusable_email : st;
    auto nk = auth::CreateApiKey(s, user.id, key.expires, key.read_only,
                                 CidrText(key.allowed_cidrs));
    if (!nk.ok()) return nk.status();
    out.key = std::move(*nk);
    return audit::Record(s, a, action::kUserAdd, "user", user.email, org.uuid,
                         model::Name(user.role));
  }));
  out.user = std::move(user);
  return out;
}

StatusOr<auth::NewKey> IssueKey(store::Store* s, const policy::Actor& a, const model::User& user,
                                const KeyOptions& key) {
  if (!a.local() && user.id != a.user.id)
    return Status::Permission("a user issues API keys for itself only");
  if (key.expires && key.expires <= util::Now())
    return Status::Invalid("$.expires: already in the past");
  if (!a.local()) {
    std::vector<model::ApiKey> own;
    SANAD_RETURN_IF_ERROR(s->community().ListApiKeys(a.user.id, &own));
    auto used = std::find_if(own.begin(), own.end(),
                             [&](const model::ApiKey& k) { return k.id == a.key_id; });
    if (used == own.end()) return Status::Internal("the key in use is not listed");
    SANAD_RETURN_IF_ERROR(CheckReach(*used, key));
  }
  auth::NewKey out;
  SANAD_RETURN_IF_ERROR(InTransaction(s, [&]() -> Status {
    std::string owner = a.org.uuid;
    if (user.org_id != a.org.id) {
      auto org = s->community().GetOrg(user.org_id);
      if (!org.ok()) return org.status();
      owner = org->uuid;
    }
    auto nk = auth::CreateApiKey(s, user.id, key.expires, key.read_only,
                                 CidrText(key.allowed_cidrs));
    if (!nk.ok()) return nk.status();
    out = std::move(*nk);
    return audit::Record(s, a, action::kKeyCreate, "user", user.email, owner, out.record.prefix);
  }));
  return out;
}

StatusOr<model::ApiKey> RevokeKey(store::Store* s, const policy::Actor& a, int64_t key_id) {
  const Status none = Status::NotFound("you have no key with id " + std::to_string(key_id));
  if (a.local()) return none;
  std::vector<model::ApiKey> keys;
  SANAD_RETURN_IF_ERROR(s->community().ListApiKeys(a.user.id, &keys));
  auto k = std::find_if(keys.begin(), keys.end(),
                        [&](const model::ApiKey& x) { return x.id == key_id; });
  if (k == keys.end()) return none;
  SANAD_RETURN_IF_ERROR(InTransaction(s, [&]() -> Status {
    SANAD_RETURN_IF_ERROR(s->community().RevokeApiKey(key_id));
    return audit::Record(s, a, action::kKeyRevoke, "user", a.user.email, a.org.uuid, k->prefix);
  }));
  model::ApiKey out = *k;
  out.revoked = true;
  return out;
}

// ---- sharing groups ----

StatusOr<model::SharingGroup> AddSharingGroup(store::Store* s, const policy::Actor& a,
                                              model::SharingGroup g,
                                              const std::vector<model::Org>& members) {
  SANAD_RETURN_IF_ERROR(MayCreateSharingGroups(a));
  if (!a.has_org())
    return Status::Invalid("a sharing group is owned by an organisation: act as one");
  g.name = std::string(util::Trim(g.name));
  if (g.name.empty()) return Status::Invalid("$.name: must not be empty");
  SANAD_RETURN_IF_ERROR(
      model::CheckSharingGroupLimits(g, "$.name", "$.releasability", "$.description"));
  // A uuid held by a group the actor does not belong to must read like any
  // other unusable uuid (issue #15, finding 7): the same error as a malformed
  // one, naming nothing. A group the actor belongs to (and so may read) is a
  // plain Conflict naming it.
  const Status unusable_uuid = Status::Invalid(
      "$.uuid: '" + g.uuid +
      "' cannot be used for a new sharing group (not a uuid, or not available); leave it out "
      "and one is generated");
  if (!g.uuid.empty() && !util::IsUuid(g.uuid)) return unusable_uuid;
  g.uuid = util::ToLower(g.uuid);
  for (size_t i = 0; i < members.size() && !a.local(); ++i)
    if (members[i].status == model::OrgStatus::kExternal)
      return Status::Invalid("$.orgs[" + std::to_string(i) + "]: '" + members[i].name +
                             "' is an external organisation");
  g.owner = {a.org.id, a.org.uuid, a.org.name};
  model::SharingGroup out;
  SANAD_RETURN_IF_ERROR(InTransaction(s, [&]() -> Status {
    if (!g.uuid.empty()) {
      auto held = s->community().FindSharingGroup(g.uuid);
      if (held.ok() && held->uuid == g.uuid) {
        if (!SeesGroup(a, held->id)) return unusable_uuid;
        return Status::Conflict("a sharing group with uuid '" + g.uuid + "' already exists: '" +
                                held->name + "'");
      }
    }
    Status st = s->community().AddSharingGroup(&g);
    if (st.code() == Status::Code::kConflict && !a.local()) return unusable_uuid;
    SANAD_RETURN_IF_ERROR(st);
    for (const auto& m : members)
      SANAD_RETURN_IF_ERROR(s->community().AddSharingGroupOrg(g.id, m.id));
    SANAD_RETURN_IF_ERROR(audit::Record(s, a, action::kSharingGroupAdd, "sharing-group", g.uuid,
                                        a.org.uuid, g.name));
    auto stored = s->community().GetSharingGroup(g.id);
    if (!stored.ok()) return stored.status();
    out = std::move(*stored);
    return Status::Ok();
  }));
  return out;
}

StatusOr<model::SharingGroup> AddSharingGroupOrgs(store::Store* s, const policy::Actor& a,
                                                  const model::SharingGroup& g,
                                                  const std::vector<model::Org>& orgs) {
  SANAD_RETURN_IF_ERROR(MayAddSharingGroupOrgs(a, g));
  if (!a.local()) {
    for (const auto& o : orgs)
      if (o.status == model::OrgStatus::kExternal)
        return Status::Invalid("'" + o.name + "' is an external organisation");
  }
  model::SharingGroup out;
  SANAD_RETURN_IF_ERROR(InTransaction(s, [&]() -> Status {
    for (const auto& o : orgs) {
      SANAD_RETURN_IF_ERROR(s->community().AddSharingGroupOrg(g.id, o.id));
      SANAD_RETURN_IF_ERROR(audit::Record(s, a, action::kSharingGroupAddOrg, "sharing-group",
                                          g.uuid, g.owner.uuid, o.name));
    }
    auto stored = s->community().GetSharingGroup(g.id);
    if (!stored.ok()) return stored.status();
    out = std::move(*stored);
    return Status::Ok();
  }));
  return out;
}

}  // namespace sanad::community
