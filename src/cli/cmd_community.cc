// init, status, org, user, sharing-group commands.
#include <boost/json.hpp>

#include <filesystem>
#include <iostream>

#include "auth/auth.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "util/util.h"

namespace sanad::cli {

namespace json = boost::json;

namespace {

json::object OrgJson(const model::Org& o) {
  return {{"uuid", o.uuid},
          {"name", o.name},
          {"country", o.country},
          {"kind", model::Name(o.kind)},
          {"category", model::Name(o.category)},
          {"status", model::Name(o.status)},
          {"chair", o.is_chair},
          {"description", o.description},
          {"created", util::FormatIso8601(o.created)}};
}

void PrintJson(const json::value& v) { std::cout << json::serialize(v) << "\n"; }

}  // namespace

int CmdInit(const Context& ctx) {
  store::OpenOptions o;
  o.create_if_missing = true;
  if (std::filesystem::exists(std::filesystem::path(ctx.data_dir) / "sanad.db"))
    return Fail(Status::Conflict("a store already exists at " + ctx.data_dir));
  auto s = store::Store::Open(ctx.data_dir, o);
  if (!s.ok()) return Fail(s.status());
  if (ctx.json) {
    PrintJson({{"path", (*s)->path()}, {"schema_version", (*s)->SchemaVersion()}});
  } else if (!ctx.quiet) {
    std::cout << "created store " << (*s)->path() << " (schema " << (*s)->SchemaVersion()
              << ")\n";
  }
  return kExitOk;
}

int CmdStatus(const Context& ctx) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto st = (*s)->GetStats();
  if (!st.ok()) return Fail(st.status());
  if (ctx.json) {
    PrintJson({{"path", (*s)->path()},
               {"schema_version", (*s)->SchemaVersion()},
               {"orgs", st->orgs},
               {"users", st->users},
               {"sharing_groups", st->sharing_groups},
               {"events", st->events},
               {"attributes", st->attributes},
               {"objects", st->objects},
               {"tags", st->tags},
               {"sightings", st->sightings}});
    return kExitOk;
  }
  std::cout << "store           " << (*s)->path() << " (schema " << (*s)->SchemaVersion()
            << ")\n"
            << "orgs            " << st->orgs << "\n"
            << "users           " << st->users << "\n"
            << "sharing groups  " << st->sharing_groups << "\n"
            << "events          " << st->events << "\n"
            << "attributes      " << st->attributes << "\n"
            << "objects         " << st->objects << "\n"
            << "tags            " << st->tags << "\n"
            << "sightings       " << st->sightings << "\n";
  return kExitOk;
}

int CmdOrgAdd(const Context& ctx, const OrgAddArgs& a) {
  model::Org o;
  o.name = std::string(util::Trim(a.name));
  if (o.name.empty()) return Usage("organisation name is empty");
  o.country = a.country;
  for (char& c : o.country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!model::IsCountryCode(o.country))
    return Usage("--country: '" + a.country + "' is not an ISO 3166-1 alpha-2 code");
  if (!model::Parse(a.kind, &o.kind)) return Usage("--kind: unknown kind '" + a.kind + "'");
  if (!model::Parse(a.category, &o.category))
    return Usage("--category: unknown category '" + a.category + "'");
  if (!model::Parse(a.status, &o.status) || o.status == model::OrgStatus::kExternal)
    return Usage("--status: unknown status '" + a.status + "'");
  if (!a.uuid.empty()) {
    if (!util::IsUuid(a.uuid)) return Usage("--uuid: not a uuid: '" + a.uuid + "'");
    o.uuid = util::LowerUuid(a.uuid);
  }
  o.description = a.description;
  if (Status lim = model::CheckOrgLimits(o, "NAME", "--description"); !lim.ok()) return Fail(lim);
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  store::Transaction tx(s->get());
  if (!tx.status().ok()) return Fail(tx.status());
  Status st = (*s)->AddOrg(&o);
  if (st.ok() && a.chair) st = (*s)->SetChair(o.id);
  if (st.ok())
    st = audit::Record(s->get(), CliActor(), "org.add", "org", o.uuid, "",
                       o.name + (a.chair ? " (chair)" : ""));
  if (st.ok()) st = tx.Commit();
  if (!st.ok()) return Fail(st);
  o.is_chair = a.chair;
  if (ctx.json) {
    PrintJson(OrgJson(o));
  } else if (!ctx.quiet) {
    std::cout << "added organisation " << util::EscapeForTerminal(o.name) << " " << o.uuid
              << (a.chair ? " (chair)" : "") << "\n";
  }
  return kExitOk;
}

int CmdOrgList(const Context& ctx) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  std::vector<model::Org> orgs;
  Status st = (*s)->ListOrgs(&orgs);
  if (!st.ok()) return Fail(st);
  if (ctx.json) {
    json::array arr;
    for (const auto& o : orgs) arr.push_back(OrgJson(o));
    PrintJson(arr);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& o : orgs)
    rows.push_back({o.name, o.country, model::Name(o.kind), model::Name(o.category),
                    model::Name(o.status), o.is_chair ? "chair" : "", o.uuid});
  PrintTable({"NAME", "CC", "KIND", "CATEGORY", "STATUS", "ROLE", "UUID"}, rows);
  return kExitOk;
}

int CmdOrgShow(const Context& ctx, const std::string& name) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto o = (*s)->FindOrg(name);
  if (!o.ok()) return Fail(o.status());
  std::vector<model::User> users;
  Status st = (*s)->ListUsers(o->id, &users);
  if (!st.ok()) return Fail(st);
  if (ctx.json) {
    auto j = OrgJson(*o);
    json::array u;
    for (const auto& x : users) u.push_back({{"email", x.email}, {"role", model::Name(x.role)}});
    j["users"] = std::move(u);
    PrintJson(j);
    return kExitOk;
  }
  std::cout << "name         " << util::EscapeForTerminal(o->name) << "\n"
            << "uuid         " << o->uuid << "\n"
            << "country      " << o->country << "\n"
            << "kind         " << model::Name(o->kind) << "\n"
            << "category     " << model::Name(o->category) << "\n"
            << "status       " << model::Name(o->status) << "\n"
            << "chair        " << (o->is_chair ? "yes" : "no") << "\n"
            << "since        " << util::FormatIso8601(o->created) << "\n";
  if (!o->description.empty())
    std::cout << "description  " << util::EscapeForTerminal(o->description) << "\n";
  for (const auto& x : users)
    std::cout << "user         " << util::EscapeForTerminal(x.email) << " (" << model::Name(x.role)
              << ")\n";
  return kExitOk;
}

int CmdOrgSetChair(const Context& ctx, const std::string& name) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto o = ResolveActingOrg(s->get(), name);
  if (!o.ok()) return Fail(o.status());
  store::Transaction tx(s->get());
  Status st = tx.status();
  if (st.ok()) st = (*s)->SetChair(o->id);
  if (st.ok()) st = audit::Record(s->get(), CliActor(), "org.set-chair", "org", o->uuid, "", o->name);
  if (st.ok()) st = tx.Commit();
  if (!st.ok()) return Fail(st);
  if (!ctx.quiet && !ctx.json) std::cout << o->name << " is now the chair\n";
  return kExitOk;
}

namespace {
// Reads a key expiry option (`flag` names it in errors): 0 when not given.
// A time that has already passed is refused like the API refuses it
// ($.key_expires / $.expires): an expired key would be created silently.
int ParseKeyExpiry(const std::string& flag, const std::string& expires, int64_t* out) {
  *out = 0;
  if (expires.empty()) return kExitOk;
  if (!ParseTimeArg(expires, out)) return Usage(flag + ": cannot read time '" + expires + "'");
  if (*out <= util::Now())
    return Usage(flag + ": '" + expires + "' (" + util::FormatIso8601(*out) +
                 ") is already in the past; a key must expire in the future");
  return kExitOk;
}

int IssueKey(const Context& ctx, store::Store* s, const model::User& u, int64_t exp,
             bool read_only, bool new_user) {
  auto key = auth::CreateApiKey(s, u.id, exp, read_only);
  if (!key.ok()) return Fail(key.status());
  if (ctx.json) {
    PrintJson({{"email", u.email},
               {"org", u.org_name},
               {"role", model::Name(u.role)},
               {"api_key", key->key},
               {"key_prefix", key->record.prefix}});
  } else {
    if (new_user)
      std::cout << "added user " << util::EscapeForTerminal(u.email) << " (" << model::Name(u.role)
                << ", " << util::EscapeForTerminal(u.org_name) << ")\n";
    std::cout << "API key (shown once, store it now): " << key->key << "\n";
  }
  return kExitOk;
}
}  // namespace

int CmdUserAdd(const Context& ctx, const UserAddArgs& a) {
  model::User u;
  u.email = util::ToLower(util::Trim(a.email));
  auto at = u.email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= u.email.size())
    return Usage("not an e-mail address: '" + a.email + "'");
  if (Status lim = model::CheckUserLimits(u, "EMAIL"); !lim.ok()) return Fail(lim);
  if (!model::Parse(a.role, &u.role)) return Usage("--role: unknown role '" + a.role + "'");
  int64_t exp = 0;
  if (int rc = ParseKeyExpiry("--key-expires", a.expires, &exp); rc != kExitOk) return rc;
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto org = (*s)->FindOrg(a.org);
  if (!org.ok()) return Fail(Status::NotFound("unknown organisation '" + a.org + "'"));
  if (org->status == model::OrgStatus::kExternal)
    return Fail(Status::Invalid("'" + org->name + "' is an external organisation; it has no users"));
  if (u.role == model::Role::kAdmin && !org->is_chair)
    return Fail(Status::Permission("the admin role is reserved for the chair's users"));
  u.org_id = org->id;
  u.org_name = org->name;
  store::Transaction tx(s->get());
  Status st = tx.status();
  if (st.ok()) st = (*s)->AddUser(&u);
  if (st.ok())
    st = audit::Record(s->get(), CliActor(&*org), "user.add", "user", u.email, org->uuid,
                       model::Name(u.role));
  if (!st.ok()) return Fail(st);
  int rc = IssueKey(ctx, s->get(), u, exp, a.read_only, true);
  if (rc != kExitOk) return rc;
  st = tx.Commit();
  if (!st.ok()) return Fail(st);
  return kExitOk;
}

int CmdUserNewKey(const Context& ctx, const UserAddArgs& a) {
  int64_t exp = 0;
  if (int rc = ParseKeyExpiry("--expires", a.expires, &exp); rc != kExitOk) return rc;
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto u = (*s)->FindUser(util::ToLower(util::Trim(a.email)));
  if (!u.ok()) return Fail(u.status());
  store::Transaction tx(s->get());
  if (!tx.status().ok()) return Fail(tx.status());
  int rc = IssueKey(ctx, s->get(), *u, exp, a.read_only, false);
  if (rc != kExitOk) return rc;
  Status st = audit::Record(s->get(), CliActor(), "key.create", "user", u->email, "");
  if (st.ok()) st = tx.Commit();
  return st.ok() ? kExitOk : Fail(st);
}

int CmdUserList(const Context& ctx, const std::string& org) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  int64_t org_id = 0;
  if (!org.empty()) {
    auto o = (*s)->FindOrg(org);
    if (!o.ok()) return Fail(o.status());
    org_id = o->id;
  }
  std::vector<model::User> users;
  Status st = (*s)->ListUsers(org_id, &users);
  if (!st.ok()) return Fail(st);
  if (ctx.json) {
    json::array arr;
    for (const auto& u : users)
      arr.push_back({{"email", u.email},
                     {"org", u.org_name},
                     {"role", model::Name(u.role)},
                     {"disabled", u.disabled},
                     {"created", util::FormatIso8601(u.created)}});
    PrintJson(arr);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& u : users)
    rows.push_back({u.email, u.org_name, model::Name(u.role), u.disabled ? "disabled" : ""});
  PrintTable({"EMAIL", "ORG", "ROLE", "STATE"}, rows);
  return kExitOk;
}

int CmdSharingGroupAdd(const Context& ctx, const SharingGroupAddArgs& a) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto owner = ResolveActingOrg(s->get(), a.owner);
  if (!owner.ok()) return Fail(owner.status());
  model::SharingGroup g;
  g.name = std::string(util::Trim(a.name));
  if (g.name.empty()) return Usage("sharing group name is empty");
  if (!a.uuid.empty()) {
    if (!util::IsUuid(a.uuid)) return Usage("--uuid: not a uuid: '" + a.uuid + "'");
    g.uuid = util::LowerUuid(a.uuid);
  }
  g.releasability = a.releasability;
  g.description = a.description;
  if (Status lim =
          model::CheckSharingGroupLimits(g, "NAME", "--releasability", "--description");
      !lim.ok())
    return Fail(lim);
  g.owner = {owner->id, owner->uuid, owner->name};
  store::Transaction tx(s->get());
  Status st = tx.status();
  if (st.ok()) st = (*s)->AddSharingGroup(&g);
  if (st.ok())
    st = audit::Record(s->get(), CliActor(&*owner), "sharing-group.add", "sharing-group", g.uuid,
                       owner->uuid, g.name);
  for (const auto& name : a.orgs) {
    if (!st.ok()) break;
    auto o = (*s)->FindOrg(name);
    if (!o.ok()) {
      st = Status::NotFound("--org: unknown organisation '" + name + "'");
      break;
    }
    st = (*s)->AddSharingGroupOrg(g.id, o->id);
  }
  if (st.ok()) st = tx.Commit();
  if (!st.ok()) return Fail(st);
  if (ctx.json) {
    PrintJson({{"uuid", g.uuid}, {"name", g.name}});
  } else if (!ctx.quiet) {
    std::cout << "added sharing group " << util::EscapeForTerminal(g.name) << " " << g.uuid << "\n";
  }
  return kExitOk;
}

int CmdSharingGroupAddOrg(const Context& ctx, const std::string& group,
                          const std::vector<std::string>& orgs) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto g = (*s)->FindSharingGroup(group);
  if (!g.ok()) return Fail(g.status());
  store::Transaction tx(s->get());
  Status st = tx.status();
  for (const auto& name : orgs) {
    if (!st.ok()) break;
    auto o = (*s)->FindOrg(name);
    if (!o.ok()) {
      st = Status::NotFound("unknown organisation '" + name + "'");
      break;
    }
    st = (*s)->AddSharingGroupOrg(g->id, o->id);
    if (st.ok())
      st = audit::Record(s->get(), CliActor(), "sharing-group.add-org", "sharing-group", g->uuid,
                         g->owner.uuid, o->name);
  }
  if (st.ok()) st = tx.Commit();
  if (!st.ok()) return Fail(st);
  if (!ctx.quiet && !ctx.json) std::cout << "added " << orgs.size() << " organisation(s) to " << g->name << "\n";
  return kExitOk;
}

int CmdSharingGroupList(const Context& ctx) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  std::vector<model::SharingGroup> groups;
  Status st = (*s)->ListSharingGroups(&groups);
  if (!st.ok()) return Fail(st);
  if (ctx.json) {
    json::array arr;
    for (const auto& g : groups) {
      json::array members;
      for (const auto& m : g.members) members.push_back({{"uuid", m.uuid}, {"name", m.name}});
      arr.push_back({{"uuid", g.uuid},
                     {"name", g.name},
                     {"releasability", g.releasability},
                     {"owner", g.owner.name},
                     {"members", members}});
    }
    PrintJson(arr);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : groups) {
    std::string members;
    for (const auto& m : g.members) members += (members.empty() ? "" : ", ") + m.name;
    rows.push_back({g.name, g.owner.name, std::to_string(g.members.size()), members, g.uuid});
  }
  PrintTable({"NAME", "OWNER", "ORGS", "MEMBERS", "UUID"}, rows);
  return kExitOk;
}

}  // namespace sanad::cli
