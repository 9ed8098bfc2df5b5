// Building blocks of the CLI11 command registrations (internal to src/cli):
// command groups, commands that store their exit code, and the options many
// commands share. Included by the files that register commands only.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <utility>

namespace sanad::cli {

// Subcommand `name` of `parent` that needs one of its own subcommands.
inline CLI::App* AddGroup(CLI::App* parent, const std::string& name, const std::string& help) {
  auto* g = parent->add_subcommand(name, help);
  g->require_subcommand(1);
  return g;
}

// Subcommand `name` of `parent`; when it runs, the exit code `run()` returns
// is stored in *rc.
template <class Run>
CLI::App* AddCommand(CLI::App* parent, const std::string& name, const std::string& help, int* rc,
                     Run run) {
  auto* c = parent->add_subcommand(name, help);
  c->callback([rc, run = std::move(run)] { *rc = run(); });
  return c;
}

// --as ORG: the organisation a command acts or views as; required unless
// `required` is false.
inline CLI::Option* AddAs(CLI::App* c, std::string* as, const std::string& help,
                          bool required = true) {
  auto* o = c->add_option("--as", *as, help);
  if (required) o->required();
  return o;
}

// --json: machine-readable output (Context::json).
inline CLI::Option* AddJsonFlag(CLI::App* c, bool* json,
                                const std::string& help = "Machine-readable JSON output") {
  return c->add_flag("--json", *json, help);
}

// "--to-ids" / "--no-to-ids" style tri-state flags: --NAME sets *target to
// true, --no-NAME to false; untouched when neither is given.
inline void TriState(CLI::App* app, const std::string& name, std::optional<bool>* target,
                     const std::string& help) {
  app->add_flag_callback(
      "--" + name, [target] { *target = true; }, help);
  app->add_flag_callback(
      "--no-" + name, [target] { *target = false; }, "Negation of --" + name);
}

}  // namespace sanad::cli
