// Registration of command groups that live in their own files (internal to
// src/cli). Each adds its subcommands to `app`; their callbacks store the
// exit code in *rc. `ctx` outlives parsing.
#pragma once

namespace CLI {
class App;
}

namespace sanad::cli {

struct Context;

// sanad correlate ..., sanad search ... (src/cli/cmd_correlate.cc)
void RegisterCorrelateCommands(CLI::App* app, Context* ctx, int* rc);
// sanad sighting ... (src/cli/cmd_sighting.cc)
void RegisterSightingCommands(CLI::App* app, Context* ctx, int* rc);

// sanad match ... (src/cli/cmd_match.cc)
void RegisterMatchCommands(CLI::App* app, Context* ctx, int* rc);

// sanad serve (src/cli/cmd_serve.cc)
void RegisterServeCommands(CLI::App* app, Context* ctx, int* rc);

// sanad audit ... (src/cli/cmd_audit.cc)
void RegisterAuditCommands(CLI::App* app, Context* ctx, int* rc);

// sanad incident ..., sanad rfa ... (src/cli/cmd_incident.cc)
void RegisterIncidentCommands(CLI::App* app, Context* ctx, int* rc);

// sanad membership ... (src/cli/cmd_membership.cc)
void RegisterMembershipCommands(CLI::App* app, Context* ctx, int* rc);

// sanad stix ... (src/cli/cmd_stix.cc)
void RegisterStixCommands(CLI::App* app, Context* ctx, int* rc);

}  // namespace sanad::cli
