// Argument parsing (CLI11) and dispatch. Only this file includes CLI11.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/register.h"

namespace sanad::cli {

namespace {

// "--to-ids" / "--no-to-ids" style tri-state flags.
void TriState(CLI::App* app, const std::string& name, std::optional<bool>* target,
              const std::string& help) {
  app->add_flag_callback("--" + name, [target] { *target = true; }, help);
  app->add_flag_callback("--no-" + name, [target] { *target = false; }, "Negation of --" + name);
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"Sanad: threat-intelligence sharing and incident coordination for CERT communities"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every command");
  Context ctx;
  const char* env = std::getenv("SANAD_DATA");
  ctx.data_dir = env && *env ? env : "sanad-data";
  app.add_option("--data", ctx.data_dir, "Store directory (env SANAD_DATA, default ./sanad-data)");
  app.add_flag("--json", ctx.json, "Machine-readable JSON output");
  app.add_flag("-q,--quiet", ctx.quiet, "Less output");
  app.add_flag_callback("--version", [] {
    std::cout << "sanad 0.1.0\n";
    std::exit(0);
  }, "Print the version");

  int rc = kExitOk;
  auto run = [&rc](auto fn) { return [&rc, fn] { rc = fn(); }; };

  // init / status
  app.add_subcommand("init", "Create an empty store")->callback(run([&] { return CmdInit(ctx); }));
  app.add_subcommand("status", "Show store counts")->callback(run([&] { return CmdStatus(ctx); }));

  // org
  auto* org = app.add_subcommand("org", "Organisations of the community");
  org->require_subcommand(1);
  {
    static OrgAddArgs a;
    auto* c = org->add_subcommand("add", "Add an organisation");
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
    c->callback(run([&] { return CmdOrgAdd(ctx, a); }));
  }
  org->add_subcommand("list", "List organisations")->callback(run([&] { return CmdOrgList(ctx); }));
  {
    static std::string name;
    auto* c = org->add_subcommand("show", "Show one organisation");
    c->add_option("org", name, "Name or uuid")->required();
    c->callback(run([&] { return CmdOrgShow(ctx, name); }));
  }
  {
    static std::string name;
    auto* c = org->add_subcommand("set-chair", "Hand the chair to an organisation");
    c->add_option("org", name, "Name or uuid")->required();
    c->callback(run([&] { return CmdOrgSetChair(ctx, name); }));
  }

  // user
  auto* user = app.add_subcommand("user", "Users and their API keys");
  user->require_subcommand(1);
  {
    static UserAddArgs a;
    auto* c = user->add_subcommand("add", "Add a user; prints a new API key once");
    c->add_option("email", a.email, "E-mail address")->required();
    c->add_option("--org", a.org, "Organisation (name or uuid)")->required();
    c->add_option("--role", a.role, "admin|org-admin|analyst|reader")->capture_default_str();
    c->add_option("--key-expires", a.expires, "Key expiry (date, ISO-8601 or Unix time)");
    c->add_flag("--read-only-key", a.read_only, "The key may only read");
    c->callback(run([&] { return CmdUserAdd(ctx, a); }));
  }
  {
    static UserAddArgs a;
    auto* c = user->add_subcommand("new-key", "Issue another API key for a user; printed once");
    c->add_option("email", a.email, "E-mail address")->required();
    c->add_option("--expires", a.expires, "Key expiry (date, ISO-8601 or Unix time)");
    c->add_flag("--read-only", a.read_only, "The key may only read");
    c->callback(run([&] { return CmdUserNewKey(ctx, a); }));
  }
  {
    static std::string o;
    auto* c = user->add_subcommand("list", "List users");
    c->add_option("--org", o, "Only this organisation");
    c->callback(run([&] { return CmdUserList(ctx, o); }));
  }

  // sharing-group
  auto* sg = app.add_subcommand("sharing-group", "Sharing groups");
  sg->require_subcommand(1);
  {
    static SharingGroupAddArgs a;
    auto* c = sg->add_subcommand("add", "Create a sharing group");
    c->add_option("name", a.name, "Group name")->required();
    c->add_option("--owner", a.owner, "Owning organisation")->required();
    c->add_option("--releasability", a.releasability, "Who may receive data of this group");
    c->add_option("--description", a.description, "Free text");
    c->add_option("--uuid", a.uuid, "Use this uuid");
    c->add_option("--org", a.orgs, "Member organisation (repeatable)");
    c->callback(run([&] { return CmdSharingGroupAdd(ctx, a); }));
  }
  {
    static std::string group;
    static std::vector<std::string> orgs;
    auto* c = sg->add_subcommand("add-org", "Add organisations to a group");
    c->add_option("group", group, "Group name or uuid")->required();
    c->add_option("orgs", orgs, "Organisations")->required();
    c->callback(run([&] { return CmdSharingGroupAddOrg(ctx, group, orgs); }));
  }
  sg->add_subcommand("list", "List sharing groups")
      ->callback(run([&] { return CmdSharingGroupList(ctx); }));

  // import / export
  {
    static ImportArgs a;
    auto* c = app.add_subcommand(
        "import", "Import MISP JSON files, {\"response\": [...]} lists or MISP feed directories");
    c->add_option("paths", a.paths, "Files or feed directories")->required();
    c->add_option("--as", a.as, "Importing organisation (becomes the local owner)")->required();
    c->add_option("--distribution", a.distribution,
                  "Distribution of new events that name none, and of STIX bundles: "
                  "organisation|community|connected|all or a sharing group (default: the "
                  "community rules' default_distribution)");
    c->callback(run([&] { return CmdImport(ctx, a); }));
  }
  {
    static ExportArgs a;
    auto* c = app.add_subcommand("export", "Export what an organisation may see");
    c->add_option("--as", a.as, "Organisation whose view is exported")->required();
    c->add_option("--format", a.format, "misp|csv|text|stix21")->capture_default_str();
    c->add_option("-o,--output", a.output, "Output file (default: stdout)");
    c->add_option("--type", a.types, "Attribute type (repeatable)");
    c->add_option("--category", a.categories, "Attribute category (repeatable)");
    c->add_option("--tag", a.tags, "Tag; prefix with ! to exclude (repeatable)");
    c->add_option("--since", a.since, "Attributes changed since (date, ISO-8601, Unix time, 7d)");
    TriState(c, "to-ids", &a.to_ids, "Only attributes flagged for detection");
    TriState(c, "published", &a.published, "Only published events");
    c->add_flag("--include-deleted", a.include_deleted, "Include soft-deleted items");
    c->add_flag("--include-warninglisted", a.include_warninglisted,
                "With --to-ids: keep values that hit a warninglist");
    c->add_option("--min-score", a.min_score, "Only attributes scoring at least N (0-100)");
    c->callback(run([&] { return CmdExport(ctx, a); }));
  }

  // warninglist
  auto* wl = app.add_subcommand("warninglist", "Lists of known-benign values (MISP warninglists)");
  wl->require_subcommand(1);
  wl->add_subcommand("list", "List the built-in and installed warninglists")
      ->callback(run([&] { return CmdWarninglistList(ctx); }));
  {
    static std::string file;
    auto* c = wl->add_subcommand("add", "Install a MISP warninglist JSON file");
    c->add_option("file", file, "list.json")->required()->check(CLI::ExistingFile);
    c->callback(run([&] { return CmdWarninglistAdd(ctx, file); }));
  }
  {
    static std::vector<std::string> values;
    static std::string type;
    auto* c = wl->add_subcommand("check", "Check values against the warninglists");
    c->add_option("values", values, "Values to check")->required();
    c->add_option("--type", type, "MISP type of the values (default: guessed)");
    c->callback(run([&] { return CmdWarninglistCheck(ctx, values, type); }));
  }

  // event
  auto* event = app.add_subcommand("event", "Events");
  event->require_subcommand(1);
  {
    static std::string uuid, as;
    auto* c = event->add_subcommand("show", "Show one event as an organisation sees it");
    c->add_option("uuid", uuid, "Event uuid")->required();
    c->add_option("--as", as, "Viewing organisation")->required();
    c->callback(run([&] { return CmdEventShow(ctx, uuid, as); }));
  }
  {
    static std::string as;
    static int64_t limit = 50;
    auto* c = event->add_subcommand("list", "List the events an organisation sees");
    c->add_option("--as", as, "Viewing organisation")->required();
    c->add_option("--limit", limit, "At most this many")->capture_default_str();
    c->callback(run([&] { return CmdEventList(ctx, as, limit); }));
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
