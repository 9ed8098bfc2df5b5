// Argument parsing (CLI11) and dispatch. Only this file includes CLI11.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/register.h"

namespace sanad::cli {

int Main(int argc, char** argv) {
  CLI::App app{"Sanad: threat-intelligence sharing and incident coordination for CERT communities"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every command");
  Context ctx;
  const char* env = std::getenv("SANAD_DATA");
  ctx.data_dir = env && *env ? env : "sanad-data";
  app.add_option("--data", ctx.data_dir, "Store directory (env SANAD_DATA, default ./sanad-data)");
  AddJsonFlag(&app, &ctx.json);
  app.add_flag("-q,--quiet", ctx.quiet, "Less output");
  app.add_flag_callback("--version", [] {
    std::cout << "sanad 0.1.0\n";
    std::exit(0);
  }, "Print the version");

  int rc = kExitOk;

  // init / status
  AddCommand(&app, "init", "Create an empty store", &rc, [&] { return CmdInit(ctx); });
  AddCommand(&app, "status", "Show store counts", &rc, [&] { return CmdStatus(ctx); });

  // org
  auto* org = AddGroup(&app, "org", "Organisations of the community");
  {
    static OrgAddArgs a;
    auto* c = AddCommand(org, "add", "Add an organisation", &rc, [&] { return CmdOrgAdd(ctx, a); });
    c->add_option("name", a.name, "Organisation name")->required();
    c->add_option("--country", a.country, "ISO 3166-1 alpha-2 code")->required();
    c->add_option("--kind", a.kind, "national-cert|sector-cert|industry|observer")
        ->capture_default_str();
    c->add_option("--category", a.category, "full|general|professional|affiliate|commercial")
        ->capture_default_str();
    c->add_option("--status", a.status, "applicant|member|suspended|left")->capture_default_str();
    c->add_option("--uuid", a.uuid, "Use this uuid (default: a new one)");
    c->add_option("--description", a.description, "Free text");
    c->add_flag("--chair", a.chair, "Make this organisation the community's chair");
  }
  AddCommand(org, "list", "List organisations", &rc, [&] { return CmdOrgList(ctx); });
  {
    static std::string name;
    auto* c = AddCommand(org, "show", "Show one organisation", &rc,
                         [&] { return CmdOrgShow(ctx, name); });
    c->add_option("org", name, "Name or uuid")->required();
  }
  {
    static std::string name;
    auto* c = AddCommand(org, "set-chair", "Hand the chair to an organisation", &rc,
                         [&] { return CmdOrgSetChair(ctx, name); });
    c->add_option("org", name, "Name or uuid")->required();
  }

  // user
  auto* user = AddGroup(&app, "user", "Users and their API keys");
  {
    static UserAddArgs a;
    auto* c = AddCommand(user, "add", "Add a user; prints a new API key once", &rc,
                         [&] { return CmdUserAdd(ctx, a); });
    c->add_option("email", a.email, "E-mail address")->required();
    c->add_option("--org", a.org, "Organisation (name or uuid)")->required();
    c->add_option("--role", a.role, "admin|org-admin|analyst|reader")->capture_default_str();
    c->add_option("--key-expires", a.expires, "Key expiry (date, ISO-8601 or Unix time)");
    c->add_flag("--read-only-key", a.read_only, "The key may only read");
  }
  {
    static UserAddArgs a;
    auto* c = AddCommand(user, "new-key", "Issue another API key for a user; printed once", &rc,
                         [&] { return CmdUserNewKey(ctx, a); });
    c->add_option("email", a.email, "E-mail address")->required();
    c->add_option("--expires", a.expires, "Key expiry (date, ISO-8601 or Unix time)");
    c->add_flag("--read-only", a.read_only, "The key may only read");
  }
  {
    static std::string o;
    auto* c = AddCommand(user, "list", "List users", &rc, [&] { return CmdUserList(ctx, o); });
    c->add_option("--org", o, "Only this organisation");
  }

  // sharing-group
  auto* sg = AddGroup(&app, "sharing-group", "Sharing groups");
  {
    static SharingGroupAddArgs a;
    auto* c = AddCommand(sg, "add", "Create a sharing group", &rc,
                         [&] { return CmdSharingGroupAdd(ctx, a); });
    c->add_option("name", a.name, "Group name")->required();
    c->add_option("--owner", a.owner, "Owning organisation")->required();
    c->add_option("--releasability", a.releasability, "Who may receive data of this group");
    c->add_option("--description", a.description, "Free text");
    c->add_option("--uuid", a.uuid, "Use this uuid");
    c->add_option("--org", a.orgs, "Member organisation (repeatable)");
  }
  {
    static std::string group;
    static std::vector<std::string> orgs;
    auto* c = AddCommand(sg, "add-org", "Add organisations to a group", &rc,
                         [&] { return CmdSharingGroupAddOrg(ctx, group, orgs); });
    c->add_option("group", group, "Group name or uuid")->required();
    c->add_option("orgs", orgs, "Organisations")->required();
  }
  AddCommand(sg, "list", "List sharing groups", &rc, [&] { return CmdSharingGroupList(ctx); });

  // import / export
  {
    static ImportArgs a;
    auto* c =
        AddCommand(&app, "import",
                   "Import MISP JSON files, {\"response\": [...]} lists or MISP feed directories",
                   &rc, [&] { return CmdImport(ctx, a); });
    c->add_option("paths", a.paths, "Files or feed directories")->required();
    AddAs(c, &a.as, "Importing organisation (becomes the local owner)");
    c->add_option("--distribution", a.distribution,
                  "Distribution of new events that name none, and of STIX bundles: "
                  "organisation|community|connected|all or a sharing group (default: the "
                  "community rules' default_distribution)");
  }
  {
    static ExportArgs a;
    auto* c = AddCommand(&app, "export", "Export what an organisation may see", &rc,
                         [&] { return CmdExport(ctx, a); });
    AddAs(c, &a.as, "Organisation whose view is exported");
    c->add_option("--format", a.format, "misp|csv|text|stix21")->capture_default_str();
    c->add_option("-o,--output", a.output, "Output file (default: stdout)");
    c->add_option("--type", a.filter.types, "Attribute type (repeatable)");
    c->add_option("--category", a.filter.categories, "Attribute category (repeatable)");
    c->add_option("--tag", a.filter.tags, "Tag; prefix with ! to exclude (repeatable)");
    c->add_option("--since", a.since, "Attributes changed since (date, ISO-8601, Unix time, 7d)");
    TriState(c, "to-ids", &a.filter.to_ids, "Only attributes flagged for detection");
    TriState(c, "published", &a.filter.published, "Only published events");
    c->add_flag("--include-deleted", a.filter.include_deleted, "Include soft-deleted items");
    c->add_flag("--include-warninglisted", a.filter.include_warninglisted,
                "With --to-ids: keep values that hit a warninglist");
    c->add_option("--min-score", a.filter.min_score, "Only attributes scoring at least N (0-100)");
  }

  // warninglist
  auto* wl = AddGroup(&app, "warninglist", "Lists of known-benign values (MISP warninglists)");
  AddCommand(wl, "list", "List the built-in and installed warninglists", &rc,
             [&] { return CmdWarninglistList(ctx); });
  {
    static std::string file;
    auto* c = AddCommand(wl, "add", "Install a MISP warninglist JSON file", &rc,
                         [&] { return CmdWarninglistAdd(ctx, file); });
    c->add_option("file", file, "list.json")->required()->check(CLI::ExistingFile);
  }
  {
    static std::vector<std::string> values;
    static std::string type;
    auto* c = AddCommand(wl, "check", "Check values against the warninglists", &rc,
                         [&] { return CmdWarninglistCheck(ctx, values, type); });
    c->add_option("values", values, "Values to check")->required();
    c->add_option("--type", type, "MISP type of the values (default: guessed)");
  }

  // event
  auto* event = AddGroup(&app, "event", "Events");
  {
    static std::string uuid, as;
    auto* c = AddCommand(event, "show", "Show one event as an organisation sees it", &rc,
                         [&] { return CmdEventShow(ctx, uuid, as); });
    c->add_option("uuid", uuid, "Event uuid")->required();
    AddAs(c, &as, "Viewing organisation");
  }
  {
    static std::string as;
    static int64_t limit = 50;
    auto* c = AddCommand(event, "list", "List the events an organisation sees", &rc,
                         [&] { return CmdEventList(ctx, as, limit); });
    AddAs(c, &as, "Viewing organisation");
    c->add_option("--limit", limit, "At most this many")->capture_default_str();
  }

  RegisterCorrelateCommands(&app, &ctx, &rc);
  RegisterSightingCommands(&app, &ctx, &rc);
  RegisterMatchCommands(&app, &ctx, &rc);
  RegisterAuditCommands(&app, &ctx, &rc);
  RegisterServeCommands(&app, &ctx, &rc);
  RegisterIncidentCommands(&app, &ctx, &rc);
  RegisterMembershipCommands(&app, &ctx, &rc);
  RegisterStixCommands(&app, &ctx, &rc);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  } catch (const std::exception& e) {
    // A last resort: every command reports its errors as Status; an
    // exception reaching here is a bug, reported and never an abort.
    std::cerr << "sanad: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
  return rc;
}

}  // namespace sanad::cli
