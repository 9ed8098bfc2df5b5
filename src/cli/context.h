// Shared state and helpers of CLI commands (internal to src/cli).
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "intel/warninglist.h"
#include "model/model.h"
#include "policy/actor.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::cli {

struct Context {
  std::string data_dir;  // --data, SANAD_DATA, or ./sanad-data
  bool json = false;     // --json: machine-readable output on stdout
  bool quiet = false;
};

// Prints "sanad: <status message>" on stderr and returns the exit code
// (2 for usage errors, 1 otherwise).
int Fail(const Status& st);
int Usage(const std::string& message);

StatusOr<std::unique_ptr<store::Store>> OpenStore(const Context& ctx, int cache_mb = 64);
// The local operator as the actor of a command (policy::LocalActor), acting
// as `as` (--as) when given; the one place the CLI builds its actor.
policy::Actor CliActor(const model::Org* as = nullptr);

// <data>/warninglists: MISP warninglists installed by `sanad warninglist add`.
std::string WarninglistDir(const Context& ctx);
// The defaults plus the installed lists.
StatusOr<intel::WarninglistSet> LoadWarninglists(const Context& ctx);

// Resolves --as ORG (name or uuid) to an org that may act: a member.
StatusOr<model::Org> ResolveActingOrg(store::Store* s, const std::string& name_or_uuid);
// ResolveActingOrg, then the org's policy viewer: what `--as ORG` sees.
Status ResolveViewer(store::Store* s, const std::string& name_or_uuid, model::Org* org,
                     policy::Viewer* viewer);
// Opens the store, begins a transaction, resolves `as` (ResolveActingOrg)
// and runs `fn` with both; commits when `fn` succeeds. A failure of any step
// is reported (Fail) and its exit code returned; kExitOk otherwise.
int InTransactionAs(const Context& ctx, const std::string& as,
                    const std::function<Status(store::Store*, const model::Org&)>& fn);
// Parses "2024-01-31", ISO-8601 or a Unix timestamp; also "7d", "12h", "30m"
// (relative to now).
bool ParseTimeArg(const std::string& s, int64_t* out);

// Progress on stderr when it is a terminal; silent otherwise.
class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  void Update(uint64_t done, uint64_t total, uint64_t bytes);
  void Finish();

 private:
  std::string label_;
  bool enabled_;
  bool printed_ = false;
  double start_;
  double last_ = 0;
};

// Column-aligned plain table on stdout.
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

}  // namespace sanad::cli
