// sanad sighting add | list: record sightings, read them through the
// sighting policy, with the attribute's current score.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <cstdio>
#include <iostream>

#include "cli/cli.h"
#include "cli/context.h"
#include "cli/options.h"
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
  std::vector<model::Sighting> added;
  std::string as;
  int rc = InTransactionAs(ctx, a.as, [&](store::Store* s, const model::Org& org) {
    as = org.name;
    return intel::AddSighting(s, org, {a.uuid, a.value}, ns, &added);
  });
  if (rc != kExitOk) return rc;
  if (ctx.json) {
    json::array arr;
    for (const auto& x : added) arr.push_back(intel::ToJson(x));
    std::cout << json::serialize(json::object{{"count", added.size()}, {"sightings", arr}}) << "\n";
    return kExitOk;
  }
  if (!ctx.quiet) {
    std::cout << "recorded " << added.size() << " " << model::Name(ns.type) << " sighting(s) by "
              << util::EscapeForTerminal(as) << " at "
              << util::FormatIso8601(added[0].date_sighting) << ":\n";
    for (const auto& x : added) std::cout << "  attribute " << x.attribute_uuid << "\n";
  }
  return kExitOk;
}

int CmdSightingList(const Context& ctx, const SightingListArgs& a) {
  intel::DecayConfig cfg;
  intel::SightingSummary sum;
  int rc = InTransactionAs(ctx, a.as, [&](store::Store* s, const model::Org& as) -> Status {
    auto viewer = s->community().ViewerFor(as.id);
    if (!viewer.ok()) return viewer.status();
    auto c = intel::LoadDecayConfig(s);
    if (!c.ok()) return c.status();
    cfg = std::move(*c);
    // Absent and hidden attributes read the same.
    Status hidden =
        Status::NotFound("no attribute with uuid " + a.uuid + " that " + as.name + " may see");
    auto id = s->intel().FindAttributeId(a.uuid);
    if (!id.ok()) return id.status().code() == Status::Code::kNotFound ? hidden : id.status();
    auto x = intel::ListSightings(s, *viewer, *id, cfg, util::Now());
    if (!x.ok()) return x.status().code() == Status::Code::kNotFound ? hidden : x.status();
    sum = std::move(*x);
    return Status::Ok();
  });
  if (rc != kExitOk) return rc;

  if (ctx.json || a.json) {
    std::cout << json::serialize(intel::ToJson(sum)) << "\n";
    return kExitOk;
  }
  std::cout << "attribute  " << sum.attribute_uuid << " (" << util::EscapeForTerminal(sum.type)
            << ") " << util::EscapeForTerminal(sum.value) << "\n"
            << "score      " << FormatScore(sum.score) << " (decay class "
            << intel::Name(sum.decay_class) << ", lifetime "
            << cfg.tau_days[static_cast<int>(sum.decay_class)] << " days)\n"
            << "sightings  seen " << sum.counts[0] << ", false-positive " << sum.counts[1]
            << ", expiration " << sum.counts[2] << "\n";
  if (!sum.details.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& x : sum.details) {
      rows.push_back({util::FormatIso8601(x.date_sighting), model::Name(x.type),
                      x.org.id ? x.org.name : "(anonymous)", x.source});
    }
    std::cout << "\n";
    PrintTable({"TIME", "TYPE", "ORGANISATION", "SOURCE"}, rows);
  }
  int64_t total = sum.counts[0] + sum.counts[1] + sum.counts[2];
  int64_t hidden_details = total - static_cast<int64_t>(sum.details.size());
  if (hidden_details > 0) {
    std::cout << "\n"
              << hidden_details << " sighting(s) by other organisations: counts only (sighting "
              << "policy)\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterSightingCommands(CLI::App* app, Context* ctx, int* rc) {
  auto* sg = AddGroup(app, "sighting", "Sightings of attributes and their scores");
  {
    static SightingAddArgs a;
    auto* c = AddCommand(sg, "add", "Record that an organisation saw an attribute's value", rc,
                         [ctx] { return CmdSightingAdd(*ctx, a); });
    auto* u = c->add_option("--uuid", a.uuid, "Attribute uuid");
    auto* v = c->add_option("--value", a.value,
                            "Every attribute with this value that the organisation may see");
    u->excludes(v);
    AddAs(c, &a.as, "Reporting organisation");
    c->add_option("--type", a.type, "seen|false-positive|expiration")->capture_default_str();
    c->add_option("--source", a.source, "Where it was seen (sensor, feed, ...)");
    c->add_option("--time", a.time, "When (date, ISO-8601, Unix time, or 7d/12h ago; default now)");
  }
  {
    static SightingListArgs a;
    auto* c = AddCommand(
        sg, "list", "Sightings of one attribute as an organisation may see them, with its score",
        rc, [ctx] { return CmdSightingList(*ctx, a); });
    c->add_option("--uuid", a.uuid, "Attribute uuid")->required();
    AddAs(c, &a.as, "Viewing organisation");
    AddJsonFlag(c, &a.json);
  }
}

}  // namespace sanad::cli
