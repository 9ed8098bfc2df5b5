// sanad audit verify | list | access
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <iostream>

#include "audit/audit.h"
#include "cli/cli.h"
#include "cli/context.h"
#include "cli/register.h"
#include "util/util.h"

namespace sanad::cli {

namespace json = boost::json;

namespace {

json::object EntryJson(const store::AuditEntry& e) {
  return {{"seq", e.seq},
          {"time", util::FormatIso8601(e.time)},
          {"actor", e.actor},
          {"org", e.org_uuid},
          {"action", e.action},
          {"object_type", e.object_type},
          {"object", e.object_uuid},
          {"owner_org", e.owner_org_uuid},
          {"details", e.details},
          {"hash", util::ToHex(e.hash)}};
}

int PrintEntries(const Context& ctx, store::Store* s, const std::string& owner, int64_t limit) {
  std::vector<store::AuditEntry> entries;
  auto keep = [&](const store::AuditEntry& e) {
    entries.push_back(e);
    if (limit > 0 && static_cast<int64_t>(entries.size()) > limit) entries.erase(entries.begin());
    return true;
  };
  Status st = owner.empty() ? s->ScanAuditEntries(keep) : s->ScanAuditEntriesByOwner(owner, keep);
  if (!st.ok()) return Fail(st);
  if (ctx.json) {
    json::array arr;
    for (const auto& e : entries) arr.push_back(EntryJson(e));
    std::cout << json::serialize(arr) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : entries)
    rows.push_back({std::to_string(e.seq), util::FormatIso8601(e.time), e.actor,
                    e.org_uuid.substr(0, 8), e.action, e.object_type, e.object_uuid, e.details});
  PrintTable({"SEQ", "TIME", "ACTOR", "ORG", "ACTION", "TYPE", "OBJECT", "DETAILS"}, rows);
  return kExitOk;
}

int Verify(const Context& ctx) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto r = audit::Verify(s->get());
  if (!r.ok()) return Fail(r.status());
  // The head this node saw last: a truncated tail shows as a head that went back.
  std::string head_file = ctx.data_dir + "/audit.head";
  std::string previous;
  {
    std::ifstream f(head_file);
    std::getline(f, previous);
  }
  bool truncated = false;
  if (r->ok && !previous.empty()) {
    auto sp = previous.find(' ');
    int64_t prev_entries = sp == std::string::npos ? 0 : std::atoll(previous.c_str());
    if (prev_entries > r->entries) truncated = true;
  }
  if (r->ok && !truncated) {
    std::ofstream f(head_file, std::ios::trunc);
    f << r->entries << " " << r->head_hash << "\n";
  }
  if (ctx.json) {
    std::cout << json::serialize(json::object{{"ok", r->ok && !truncated},
                                              {"entries", r->entries},
                                              {"head", r->head_hash},
                                              {"problem", truncated ? "the log is shorter than the "
                                                                      "head recorded in audit.head"
                                                                    : r->problem}})
              << "\n";
  } else if (r->ok && !truncated) {
    std::cout << "audit log intact: " << r->entries << " entries, head " << r->head_hash << "\n";
  } else {
    std::cout << "AUDIT LOG TAMPERED: "
              << (truncated ? "the log is shorter than the head recorded in " + head_file
                            : r->problem)
              << "\n";
  }
  return r->ok && !truncated ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterAuditCommands(CLI::App* app, Context* ctx, int* rc) {
  auto* audit = app->add_subcommand("audit", "The tamper-evident audit log");
  audit->require_subcommand(1);
  audit->add_subcommand("verify", "Recompute the hash chain; exit 1 when it was tampered with")
      ->callback([ctx, rc] { *rc = Verify(*ctx); });
  {
    static int64_t limit = 50;
    auto* c = audit->add_subcommand("list", "The last entries");
    c->add_option("--limit", limit, "At most this many (0 = all)")->capture_default_str();
    c->callback([ctx, rc] {
      auto s = OpenStore(*ctx);
      *rc = s.ok() ? PrintEntries(*ctx, s->get(), "", limit) : Fail(s.status());
    });
  }
  {
    static std::string as;
    static int64_t limit = 0;
    auto* c = audit->add_subcommand(
        "access", "Who touched the items an organisation created (access transparency)");
    c->add_option("--as", as, "The originating organisation; it sees only its own items")
        ->required();
    c->add_option("--limit", limit, "At most this many (0 = all)");
    c->callback([ctx, rc] {
      auto s = OpenStore(*ctx);
      if (!s.ok()) {
        *rc = Fail(s.status());
        return;
      }
      auto org = ResolveActingOrg(s->get(), as);
      if (!org.ok()) {
        *rc = Fail(org.status());
        return;
      }
      *rc = PrintEntries(*ctx, s->get(), org->uuid, limit);
    });
  }
}

}  // namespace sanad::cli
