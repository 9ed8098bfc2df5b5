// sanad sighting add | list: record sightings, read them through the
// sighting policy, with the attribute's current score.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <cstdio>
#include <iostream>

#include "cli/cli.h"
#include "cli/context.h"
#include "cli/register.h"
#include "intel/json.h"
#include "intel/sighting.h"
#include "util/util.h"

namespace sanad::cli {

namespace {

namespace json = boost::json;

struct SightingAddArgs {
  std::string uuid, value, as, type = "seen", source, time;
};

struct SightingListArgs {
  std::string uuid, as;
  bool json = false;
};

std::string FormatScore(double score) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", score);
  return buf;
}

int CmdSightingAdd(const Context& ctx, const SightingAddArgs& a) {
  if (a.uuid.empty() == a.value.empty())
    return Usage("sighting add: give exactly one of --uuid or --value");
  intel::NewSighting ns;
  if (!model::Parse(a.type, &ns.type))
    return Usage("--type: expected seen, false-positive or expiration, got '" + a.type + "'");
  ns.source = a.source;
  if (!a.time.empty() && !ParseTimeArg(a.time, &ns.time))
    return Usage("--time: cannot read time '" + a.time + "'");
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  store::Transaction tx(s->get());
  if (!tx.status().ok()) return Fail(tx.status());
  auto as = ResolveActingOrg(s->get(), a.as);
  if (!as.ok()) return Fail(as.status());
  std::vector<model::Sighting> added;
  Status st = intel::AddSighting(s->get(), *as, {a.uuid, a.value}, ns, &added);
  if (!st.ok()) return Fail(st);
  st = tx.Commit();
  if (!st.ok()) return Fail(st);
  if (ctx.json) {
    json::array arr;
    for (const auto& x : added) arr.push_back(intel::ToJson(x));
    std::cout << json::serialize(json::object{{"count", added.size()}, {"sightings", arr}}) << "\n";
    return kExitOk;
  }
  if (!ctx.quiet) {
    std::cout << "recorded " << added.size() << " " << model::Name(ns.type) << " sighting(s) by "
              << util::EscapeForTerminal(as->name) << " at "
              << util::FormatIso8601(added[0].date_sighting) << ":\n";
    for (const auto& x : added) std::cout << "  attribute " << x.attribute_uuid << "\n";
  }
  return kExitOk;
}

int CmdSightingList(const Context& ctx, const SightingListArgs& a) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  store::Transaction tx(s->get());
  if (!tx.status().ok()) return Fail(tx.status());
  auto as = ResolveActingOrg(s->get(), a.as);
  if (!as.ok()) return Fail(as.status());
  auto viewer = (*s)->community().ViewerFor(as->id);
  if (!viewer.ok()) return Fail(viewer.status());
  auto cfg = intel::LoadDecayConfig(s->get());
  if (!cfg.ok()) return Fail(cfg.status());
  // Absent and hidden attributes read the same.
  Status hidden =
      Status::NotFound("no attribute with uuid " + a.uuid + " that " + as->name + " may see");
  auto id = (*s)->intel().FindAttributeId(a.uuid);
  if (!id.ok()) return Fail(id.status().code() == Status::Code::kNotFound ? hidden : id.status());
  auto sum = intel::ListSightings(s->get(), *viewer, *id, *cfg, util::Now());
  if (!sum.ok())
    return Fail(sum.status().code() == Status::Code::kNotFound ? hidden : sum.status());
  Status st = tx.Commit();
  if (!st.ok()) return Fail(st);

  if (ctx.json || a.json) {
    std::cout << json::serialize(intel::ToJson(*sum)) << "\n";
    return kExitOk;
  }
  std::cout << "attribute  " << sum->attribute_uuid << " (" << util::EscapeForTerminal(sum->type)
            << ") " << util::EscapeForTerminal(sum->value) << "\n"
            << "score      " << FormatScore(sum->score) << " (decay class "
            << intel::Name(sum->decay_class) << ", lifetime "
            << cfg->tau_days[static_cast<int>(sum->decay_class)] << " days)\n"
            << "sightings  seen " << sum->counts[0] << ", false-positive " << sum->counts[1]
            << ", expiration " << sum->counts[2] << "\n";
  if (!sum->details.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& x : sum->details) {
      rows.push_back({util::FormatIso8601(x.date_sighting), model::Name(x.type),
                      x.org.id ? x.org.name : "(anonymous)", x.source});
    }
    std::cout << "\n";
    PrintTable({"TIME", "TYPE", "ORGANISATION", "SOURCE"}, rows);
  }
  int64_t total = sum->counts[0] + sum->counts[1] + sum->counts[2];
  int64_t hidden_details = total - static_cast<int64_t>(sum->details.size());
  if (hidden_details > 0) {
    std::cout << "\n"
              << hidden_details << " sighting(s) by other organisations: counts only (sighting "
              << "policy)\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterSightingCommands(CLI::App* app, Context* ctx, int* rc) {
  auto* sg = app->add_subcommand("sighting", "Sightings of attributes and their scores");
  sg->require_subcommand(1);
  {
    static SightingAddArgs a;
    auto* c = sg->add_subcommand("add", "Record that an organisation saw an attribute's value");
    auto* u = c->add_option("--uuid", a.uuid, "Attribute uuid");
    auto* v = c->add_option("--value", a.value,
                            "Every attribute with this value that the organisation may see");
    u->excludes(v);
    c->add_option("--as", a.as, "Reporting organisation")->required();
    c->add_option("--type", a.type, "seen|false-positive|expiration")->capture_default_str();
    c->add_option("--source", a.source, "Where it was seen (sensor, feed, ...)");
    c->add_option("--time", a.time, "When (date, ISO-8601, Unix time, or 7d/12h ago; default now)");
    c->callback([ctx, rc] { *rc = CmdSightingAdd(*ctx, a); });
  }
  {
    static SightingListArgs a;
    auto* c = sg->add_subcommand(
        "list", "Sightings of one attribute as an organisation may see them, with its score");
    c->add_option("--uuid", a.uuid, "Attribute uuid")->required();
    c->add_option("--as", a.as, "Viewing organisation")->required();
    c->add_flag("--json", a.json, "Machine-readable JSON output");
    c->callback([ctx, rc] { *rc = CmdSightingList(*ctx, a); });
  }
}

}  // namespace sanad::cli
