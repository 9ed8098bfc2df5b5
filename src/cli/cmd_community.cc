// init, status, org, user, sharing-group commands: parse the arguments, call
// the community service (community/community.h), print.
#include <boost/json.hpp>

#include <filesystem>
#include <iostream>

#include "auth/auth.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "community/community.h"
#include "community/json.h"
#include "util/util.h"

namespace sanad::cli {

namespace json = boost::json;

namespace {

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
  auto added = community::AddOrg(s->get(), CliActor(), std::move(o), a.chair);
  if (!added.ok()) return Fail(added.status());
  if (ctx.json) {
    PrintJson(community::ToJson(*added));
  } else if (!ctx.quiet) {
    std::cout << "added organisation " << util::EscapeForTerminal(added->name) << " "
              << added->uuid << (a.chair ? " (chair)" : "") << "\n";
  }
  return kExitOk;
}

int CmdOrgList(const Context& ctx) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  std::vector<model::Org> orgs;
  Status st = (*s)->community().ListOrgs(&orgs);
  if (!st.ok()) return Fail(st);
  return PrintItems(
      ctx, orgs, [](const model::Org& o) { return community::ToJson(o); },
      {"NAME", "CC", "KIND", "CATEGORY", "STATUS", "ROLE", "UUID"},
      [](const model::Org& o) -> std::vector<std::string> {
        return {o.name,
                o.country,
                model::Name(o.kind),
                model::Name(o.category),
                model::Name(o.status),
                o.is_chair ? "chair" : "",
                o.uuid};
      });
}

int CmdOrgShow(const Context& ctx, const std::string& name) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto o = (*s)->community().FindOrg(name);
  if (!o.ok()) return Fail(o.status());
  std::vector<model::User> users;
  Status st = (*s)->community().ListUsers(o->id, &users);
  if (!st.ok()) return Fail(st);
  if (ctx.json) {
    auto j = community::ToJson(*o);
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
  Status st = community::SetChair(s->get(), CliActor(), *o);
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

// Prints a new key (shown once) of `u`; `new_user` also announces the user.
void PrintKey(const Context& ctx, const model::User& u, const auth::NewKey& key, bool new_user) {
  if (ctx.json) {
    PrintJson({{"email", u.email},
               {"org", u.org_name},
               {"role", model::Name(u.role)},
               {"api_key", key.key},
               {"key_prefix", key.record.prefix}});
    return;
  }
  if (new_user)
    std::cout << "added user " << util::EscapeForTerminal(u.email) << " (" << model::Name(u.role)
              << ", " << util::EscapeForTerminal(u.org_name) << ")\n";
  std::cout << "API key (shown once, store it now): " << key.key << "\n";
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
  community::KeyOptions key;
  key.read_only = a.read_only;
  if (int rc = ParseKeyExpiry("--key-expires", a.expires, &key.expires); rc != kExitOk) return rc;
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto org = (*s)->community().FindOrg(a.org);
  if (!org.ok()) return Fail(Status::NotFound("unknown organisation '" + a.org + "'"));
  auto added = community::AddUser(s->get(), CliActor(&*org), std::move(u), *org, key);
  if (!added.ok()) return Fail(added.status());
  PrintKey(ctx, added->user, added->key, true);
  return kExitOk;
}

int CmdUserNewKey(const Context& ctx, const UserAddArgs& a) {
  community::KeyOptions key;
  key.read_only = a.read_only;
  if (int rc = ParseKeyExpiry("--expires", a.expires, &key.expires); rc != kExitOk) return rc;
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto u = (*s)->community().FindUser(util::ToLower(util::Trim(a.email)));
  if (!u.ok()) return Fail(u.status());
  auto nk = community::IssueKey(s->get(), CliActor(), *u, key);
  if (!nk.ok()) return Fail(nk.status());
  PrintKey(ctx, *u, *nk, false);
  return kExitOk;
}

int CmdUserList(const Context& ctx, const std::string& org) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  int64_t org_id = 0;
  if (!org.empty()) {
    auto o = (*s)->community().FindOrg(org);
    if (!o.ok()) return Fail(o.status());
    org_id = o->id;
  }
  std::vector<model::User> users;
  Status st = (*s)->community().ListUsers(org_id, &users);
  if (!st.ok()) return Fail(st);
  return PrintItems(
      ctx, users, [](const model::User& u) { return community::ToJson(u, community::Shape::kCli); },
      {"EMAIL", "ORG", "ROLE", "STATE"},
      [](const model::User& u) -> std::vector<std::string> {
        return {u.email, u.org_name, model::Name(u.role), u.disabled ? "disabled" : ""};
      });
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
  std::vector<model::Org> members;
  for (const auto& name : a.orgs) {
    auto o = (*s)->community().FindOrg(name);
    if (!o.ok()) return Fail(Status::NotFound("--org: unknown organisation '" + name + "'"));
    members.push_back(std::move(*o));
  }
  auto added = community::AddSharingGroup(s->get(), CliActor(&*owner), std::move(g), members);
  if (!added.ok()) return Fail(added.status());
  if (ctx.json) {
    PrintJson({{"uuid", added->uuid}, {"name", added->name}});
  } else if (!ctx.quiet) {
    std::cout << "added sharing group " << util::EscapeForTerminal(added->name) << " "
              << added->uuid << "\n";
  }
  return kExitOk;
}

int CmdSharingGroupAddOrg(const Context& ctx, const std::string& group,
                          const std::vector<std::string>& orgs) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto g = (*s)->community().FindSharingGroup(group);
  if (!g.ok()) return Fail(g.status());
  std::vector<model::Org> add;
  for (const auto& name : orgs) {
    auto o = (*s)->community().FindOrg(name);
    if (!o.ok()) return Fail(Status::NotFound("unknown organisation '" + name + "'"));
    add.push_back(std::move(*o));
  }
  auto added = community::AddSharingGroupOrgs(s->get(), CliActor(), *g, add);
  if (!added.ok()) return Fail(added.status());
  if (!ctx.quiet && !ctx.json)
    std::cout << "added " << orgs.size() << " organisation(s) to " << g->name << "\n";
  return kExitOk;
}

int CmdSharingGroupList(const Context& ctx) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  std::vector<model::SharingGroup> groups;
  Status st = (*s)->community().ListSharingGroups(&groups);
  if (!st.ok()) return Fail(st);
  return PrintItems(
      ctx, groups,
      [](const model::SharingGroup& g) { return community::ToJson(g, community::Shape::kCli); },
      {"NAME", "OWNER", "ORGS", "MEMBERS", "UUID"},
      [](const model::SharingGroup& g) -> std::vector<std::string> {
        std::string members;
        for (const auto& m : g.members) members += (members.empty() ? "" : ", ") + m.name;
        return {g.name, g.owner.name, std::to_string(g.members.size()), members, g.uuid};
      });
}

}  // namespace sanad::cli
