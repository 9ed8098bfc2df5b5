// sanad correlate ... and sanad search ... (intel/correlation.h, intel/search.h).
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/cli.h"
#include "cli/context.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/register.h"
#include "intel/correlation.h"
#include "intel/json.h"
#include "intel/search.h"
#include "model/canon.h"
#include "util/util.h"

namespace sanad::cli {

namespace json = boost::json;

namespace {

double Seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// A store, the acting org's viewer, the index and the settings.
struct Session {
  std::unique_ptr<store::Store> store;
  model::Org as;
  policy::Viewer viewer;
  std::unique_ptr<intel::CorrelationIndex> index;
  intel::CorrelationSettings settings;
};

Status OpenSession(const Context& ctx, const std::string& as, bool force_rebuild, Session* out) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return s.status();
  out->store = std::move(*s);
  if (!as.empty()) {
    auto org = ResolveActingOrg(out->store.get(), as);
    if (!org.ok()) return org.status();
    out->as = *org;
    auto v = out->store->community().ViewerFor(org->id);
    if (!v.ok()) return v.status();
    out->viewer = *v;
  }
  auto settings = intel::LoadCorrelationSettings(out->store.get());
  if (!settings.ok()) return settings.status();
  out->settings = std::move(*settings);
  auto idx = intel::OpenCorrelationIndex(out->store.get(), ctx.data_dir, force_rebuild);
  if (!idx.ok()) return idx.status();
  out->index = std::move(*idx);
  return Status::Ok();
}

std::string Short(const std::string& s, size_t max = 60) {
  return s.size() > max ? s.substr(0, max - 3) + "..." : s;
}

// The CLI's --json view of attributes in context (intel/json.h).
const intel::ContextJsonOptions kCliView{intel::Shape::kCli, nullptr};

void PrintCorrelations(const std::vector<intel::CorrelatedAttribute>& corr,
                       const std::vector<intel::OverCorrelation>& over, int64_t max_events,
                       const std::string& indent) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : corr) {
    rows.push_back({indent + c.context.event_uuid, Short(c.context.event_info, 40),
                    c.context.attribute.type, Short(c.context.attribute.value),
                    intel::Name(c.match.rule)});
  }
  if (!rows.empty()) PrintTable({indent + "EVENT", "INFO", "TYPE", "VALUE", "RULE"}, rows);
  for (const auto& o : over) {
    std::cout << indent << "over-correlating: " << util::EscapeForTerminal(o.value) << " ("
              << intel::Name(o.rule) << "): " << o.visible_count << " attributes in "
              << o.visible_events << " events (more than " << max_events << "), not listed\n";
  }
}

// --- correlate --rebuild -------------------------------------------------------

int CmdRebuild(const Context& ctx) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  double t0 = Seconds();
  auto idx = intel::CorrelationIndex::BuildFromStore(s->get());
  if (!idx.ok()) return Fail(idx.status());
  double secs = Seconds() - t0;
  Status saved = (*idx)->Save(intel::CorrelationIndexPath(ctx.data_dir));
  if (!saved.ok()) return Fail(saved);
  auto st = (*idx)->Stats(intel::kDefaultMaxCorrelationEvents);
  if (ctx.json) {
    std::cout << json::serialize(json::object{{"rebuilt", true},
                                              {"seconds", secs},
                                              {"attributes", st.attributes},
                                              {"values", st.values},
                                              {"memory_bytes", st.memory_bytes},
                                              {"generation", st.generation}})
              << "\n";
  } else if (!ctx.quiet) {
    std::printf("correlation index rebuilt: %lld attributes, %lld values, %.1f MB, %.2f s\n",
                static_cast<long long>(st.attributes), static_cast<long long>(st.values),
                st.memory_bytes / 1048576.0, secs);
  }
  return kExitOk;
}

// --- correlate stats -----------------------------------------------------------

int CmdStats(const Context& ctx, bool force) {
  Session ss;
  double t0 = Seconds();
  bool rebuilt = false;
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  ss.store = std::move(*s);
  auto settings = intel::LoadCorrelationSettings(ss.store.get());
  if (!settings.ok()) return Fail(settings.status());
  auto idx = intel::OpenCorrelationIndex(ss.store.get(), ctx.data_dir, force, &rebuilt);
  if (!idx.ok()) return Fail(idx.status());
  double secs = Seconds() - t0;
  auto st = (*idx)->Stats(settings->max_events);
  std::error_code ec;
  auto snap_size = std::filesystem::file_size(intel::CorrelationIndexPath(ctx.data_dir), ec);
  if (ec) snap_size = 0;
  if (ctx.json) {
    json::object o{{"generation", st.generation},
                   {"attributes", st.attributes},
                   {"correlation_disabled", st.correlation_disabled},
                   {"values", st.values},
                   {"ip_entries", st.ip_entries},
                   {"cidrs", st.cidrs},
                   {"host_entries", st.host_entries},
                   {"access_paths", st.access_paths},
                   {"memory_bytes", st.memory_bytes},
                   {"over_correlating_values", st.over_correlating_values},
                   {"max_events", settings->max_events},
                   {"exclusions", settings->exclusions.size()},
                   {"snapshot_bytes", snap_size},
                   {"rebuilt", rebuilt},
                   {"open_seconds", secs}};
    std::cout << json::serialize(o) << "\n";
    return kExitOk;
  }
  PrintTable({"STATISTIC", "VALUE"},
             {{"indexed attributes", std::to_string(st.attributes)},
              {"  with correlation disabled", std::to_string(st.correlation_disabled)},
              {"distinct values", std::to_string(st.values)},
              {"IP entries (CIDRs)",
               std::to_string(st.ip_entries) + " (" + std::to_string(st.cidrs) + ")"},
              {"host entries", std::to_string(st.host_entries)},
              {"visibility paths", std::to_string(st.access_paths)},
              {"index memory (MB)", std::to_string(st.memory_bytes / 1048576)},
              {"over-correlating values", std::to_string(st.over_correlating_values)},
              {"threshold (events)", std::to_string(settings->max_events)},
              {"exclusions", std::to_string(settings->exclusions.size())},
              {"snapshot (MB)", std::to_string(snap_size / 1048576)},
              {"data generation", std::to_string(st.generation)},
              {"index", std::string(rebuilt ? "rebuilt" : "loaded from snapshot")}});
  return kExitOk;
}

// --- correlate show ---------------------------------------------------------------

int CmdShow(const Context& ctx, const std::string& uuid, const std::string& as, bool force) {
  Session ss;
  Status st = OpenSession(ctx, as, force, &ss);
  if (!st.ok()) return Fail(st);
  Status hidden = Status::NotFound("no attribute " + uuid + " visible to " + ss.as.name);
  auto id = ss.store->intel().FindAttributeId(util::ToLower(uuid));
  if (!id.ok()) return Fail(id.status().code() == Status::Code::kNotFound ? hidden : id.status());
  auto self = ss.store->intel().GetAttributeContext(ss.viewer, *id);
  if (!self.ok())
    return Fail(self.status().code() == Status::Code::kNotFound ? hidden : self.status());
  auto r = ss.index->Correlations(ss.viewer, *id, ss.settings);
  if (!r.ok()) return Fail(r.status().code() == Status::Code::kNotFound ? hidden : r.status());
  std::vector<intel::CorrelatedAttribute> corr;
  st = intel::DescribeCorrelations(ss.store.get(), ss.viewer, *r, &corr);
  if (!st.ok()) return Fail(st);
  if (ctx.json) {
    std::cout << json::serialize(intel::ToJson(*self, corr, r->over_correlating,
                                               ss.settings.max_events, kCliView))
              << "\n";
    return kExitOk;
  }
  const auto& a = self->attribute;
  std::cout << "attribute " << a.uuid << "  " << util::EscapeForTerminal(a.type) << "  "
            << util::EscapeForTerminal(a.value) << "\n"
            << "event     " << self->event_uuid << "  " << util::EscapeForTerminal(self->event_info)
            << "\n";
  if (corr.empty() && r->over_correlating.empty()) {
    std::cout << "no correlations visible to " << util::EscapeForTerminal(ss.as.name) << "\n";
    return kExitOk;
  }
  std::cout << corr.size() << " correlation(s) visible to " << util::EscapeForTerminal(ss.as.name)
            << "\n\n";
  PrintCorrelations(corr, r->over_correlating, ss.settings.max_events, "");
  return kExitOk;
}

// --- exclusions and threshold ------------------------------------------------------

// Exact exclusions are stored canonical (as the guessed type), patterns as given.
std::string ExclusionValue(const std::string& raw) {
  std::string v(util::Trim(raw));
  if (v.find('%') != std::string::npos) return v;
  model::CanonicalValue cv;
  std::string type(model::GuessType(v));
  if (type != "text" && model::Canonicalise(type, v, &cv).ok()) return cv.value;
  return v;
}

int CmdExclusionAdd(const Context& ctx, const std::string& value, const std::string& comment) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  store::CorrelationExclusion e;
  e.value = ExclusionValue(value);
  e.comment = comment;
  if (e.value.empty()) return Usage("correlation exclusion: empty value");
  Status st = (*s)->intel().AddCorrelationExclusion(&e);
  if (!st.ok()) return Fail(st);
  if (ctx.json) {
    std::cout << json::serialize(json::object{{"id", e.id}, {"value", e.value}}) << "\n";
  } else if (!ctx.quiet) {
    std::cout << "excluded from correlation: " << util::EscapeForTerminal(e.value) << "\n";
  }
  return kExitOk;
}

int CmdExclusionRemove(const Context& ctx, const std::string& value) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  std::string v(util::Trim(value));
  Status st = (*s)->intel().RemoveCorrelationExclusion(v);
  if (st.code() == Status::Code::kNotFound && ExclusionValue(v) != v) {
    st = (*s)->intel().RemoveCorrelationExclusion(ExclusionValue(v));
  }
  if (!st.ok()) return Fail(st);
  if (!ctx.quiet && !ctx.json) std::cout << "correlation exclusion removed: " << v << "\n";
  return kExitOk;
}

int CmdExclusionList(const Context& ctx) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  std::vector<store::CorrelationExclusion> ex;
  Status st = (*s)->intel().ListCorrelationExclusions(&ex);
  if (!st.ok()) return Fail(st);
  return PrintItems(
      ctx, ex, [](const store::CorrelationExclusion& e) { return intel::ToJson(e); },
      {"VALUE", "CREATED", "COMMENT"},
      [](const store::CorrelationExclusion& e) -> std::vector<std::string> {
        return {e.value, util::FormatIso8601(e.created), e.comment};
      });
}

int CmdSetThreshold(const Context& ctx, int64_t n) {
  if (n < 1) return Usage("set-threshold: the number of events must be at least 1");
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  Status st = (*s)->settings().SetSetting(intel::kMaxEventsSetting, std::to_string(n));
  if (!st.ok()) return Fail(st);
  if (!ctx.quiet && !ctx.json) {
    std::cout << "values in more than " << n << " events are now over-correlating\n";
  }
  return kExitOk;
}

// --- hidden: lookup benchmark --------------------------------------------------------

int CmdBenchLookup(const Context& ctx, const std::string& file, const std::string& as) {
  Session ss;
  double t0 = Seconds();
  Status st = OpenSession(ctx, as, false, &ss);
  if (!st.ok()) return Fail(st);
  double open_secs = Seconds() - t0;
  std::ifstream in(file);
  if (!in) return Fail(Status::Io("cannot read " + file));
  std::vector<std::string> values;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) values.push_back(line);
  }
  std::vector<intel::CorrelationMatch> out;
  int64_t matches = 0, invalid = 0;
  double t1 = Seconds();
  for (const auto& v : values) {
    if (ss.index->Lookup(ss.viewer, v, "", 1000, &out).ok()) {
      matches += static_cast<int64_t>(out.size());
    } else {
      ++invalid;
    }
  }
  double secs = Seconds() - t1;
  std::cout << json::serialize(json::object{
                   {"lookups", values.size()},
                   {"seconds", secs},
                   {"lookups_per_second", secs > 0 ? values.size() / secs : 0.0},
                   {"matches", matches},
                   {"invalid", invalid},
                   {"open_seconds", open_secs},
                   {"memory_bytes", ss.index->Stats(ss.settings.max_events).memory_bytes}})
            << "\n";
  return kExitOk;
}

// --- search ----------------------------------------------------------------------------

struct SearchArgs {
  std::vector<std::string> values;
  std::string as, value_type, org, from, to, last;
  std::vector<std::string> types, categories, tags, all_tags;
  std::optional<bool> to_ids, published;
  size_t limit = 100;
  bool no_correlations = false;
};

bool DateArg(const std::string& s, std::string* out) {
  if (s.size() == 10 && s[4] == '-' && s[7] == '-') {
    int64_t t;
    if (!util::ParseIso8601(s + "T00:00:00Z", &t)) return false;
    *out = s;
    return true;
  }
  int64_t t;
  if (!ParseTimeArg(s, &t)) return false;
  *out = util::FormatDate(t);
  return true;
}

int CmdSearch(const Context& ctx, const SearchArgs& a, bool force) {
  intel::SearchFilters f;
  f.type = a.value_type;
  f.types = a.types;
  f.categories = a.categories;
  intel::AddTagFilters(a.tags, &f);
  f.all_tags = a.all_tags;
  f.org = a.org;
  f.to_ids = a.to_ids;
  f.published = a.published;
  f.limit = a.limit;
  f.correlations = !a.no_correlations;
  if (!a.from.empty() && !DateArg(a.from, &f.from)) {
    return Usage("--from: '" + a.from + "' is not a date (YYYY-MM-DD, ISO-8601, 7d)");
  }
  if (!a.to.empty() && !DateArg(a.to, &f.to)) {
    return Usage("--to: '" + a.to + "' is not a date (YYYY-MM-DD, ISO-8601, 7d)");
  }
  if (!a.last.empty()) {
    int64_t since;
    if (!ParseTimeArg(a.last, &since)) {
      return Usage("--last: '" + a.last + "' is not a duration (30m, 12h, 7d, 2w) or time");
    }
    f.since = since;
  }
  if (!a.value_type.empty() && !model::FindType(a.value_type)) {
    return Usage("--value-type: unknown MISP type '" + a.value_type + "'");
  }
  Session ss;
  Status st = OpenSession(ctx, a.as, force, &ss);
  if (!st.ok()) return Fail(st);
  intel::SearchResult res;
  st = intel::Search(ss.store.get(), *ss.index, ss.settings, ss.viewer, a.values, f, &res);
  if (!st.ok()) return st.code() == Status::Code::kInvalid ? Usage(st.message()) : Fail(st);
  if (ctx.json) {
    std::cout << json::serialize(intel::ToJson(res, f.correlations, kCliView)) << "\n";
    return kExitOk;
  }
  if (res.hits.empty()) {
    std::cout << "no attributes found visible to " << util::EscapeForTerminal(ss.as.name) << "\n";
    return kExitOk;
  }
  for (const auto& h : res.hits) {
    const auto& c = h.context;
    const auto& at = c.attribute;
    std::string tlp = model::TlpLabel(c.tlp);
    std::cout << util::EscapeForTerminal(at.value) << "  [" << util::EscapeForTerminal(at.type)
              << ", " << util::EscapeForTerminal(at.category) << (at.to_ids ? ", ids" : "")
              << (tlp.empty() ? "" : ", " + tlp) << "]  " << intel::Name(h.rule) << " match of "
              << util::EscapeForTerminal(h.query) << "\n"
              << "  event " << c.event_uuid << "  " << c.event_date << "  "
              << util::EscapeForTerminal(c.event_orgc.name) << "  "
              << util::EscapeForTerminal(Short(c.event_info))
              << (c.event_published ? "" : "  (unpublished)") << "\n"
              << "  attribute " << at.uuid << "\n";
    if (f.correlations && (!h.correlations.empty() || !h.over_correlating.empty())) {
      std::cout << "  correlations (" << h.correlations.size() << "):\n";
      PrintCorrelations(h.correlations, h.over_correlating, ss.settings.max_events, "    ");
    }
    std::cout << "\n";
  }
  std::cout << res.hits.size() << " attribute(s)"
            << (res.truncated ? " (limit reached; use --limit for more)" : "") << "\n";
  return kExitOk;
}

}  // namespace

void RegisterCorrelateCommands(CLI::App* app, Context* ctx, int* rc) {
  static bool rebuild = false;
  auto* cor = app->add_subcommand(
      "correlate",
      "Correlation index: rebuild, statistics, exclusions, one attribute's correlations");
  cor->add_flag("--rebuild", rebuild, "Rebuild the correlation index from the store and save it");
  cor->require_subcommand(0, 1);
  cor->callback([cor, ctx, rc] {
    if (!cor->get_subcommands().empty()) return;
    *rc = rebuild ? CmdRebuild(*ctx)
                  : Usage(
                        "correlate: give --rebuild or a subcommand (stats, show, exclusions, "
                        "set-threshold)");
  });
  {
    auto* c = AddCommand(cor, "stats", "Statistics of the correlation index", rc,
                         [ctx] { return CmdStats(*ctx, rebuild); });
    AddJsonFlag(c, &ctx->json);
  }
  {
    static std::string uuid, as;
    auto* c = AddCommand(cor, "show", "The correlations of one attribute an org may see", rc,
                         [ctx] { return CmdShow(*ctx, uuid, as, rebuild); });
    c->add_option("attribute", uuid, "Attribute uuid")->required();
    AddAs(c, &as, "Viewing organisation");
    AddJsonFlag(c, &ctx->json);
  }
  {
    auto* ex = AddGroup(cor, "exclusions", "Values that never correlate ('%' = wildcard)");
    static std::string value, comment, rvalue;
    auto* add = AddCommand(ex, "add", "Exclude a value or pattern from correlation", rc,
                           [ctx] { return CmdExclusionAdd(*ctx, value, comment); });
    add->add_option("value", value, "Exact value, or a pattern with % wildcards")->required();
    add->add_option("--comment", comment, "Why");
    auto* rm = AddCommand(ex, "remove", "Remove an exclusion", rc,
                          [ctx] { return CmdExclusionRemove(*ctx, rvalue); });
    rm->add_option("value", rvalue, "The value or pattern as listed")->required();
    auto* ls =
        AddCommand(ex, "list", "List exclusions", rc, [ctx] { return CmdExclusionList(*ctx); });
    AddJsonFlag(ls, &ctx->json);
  }
  {
    static int64_t n = 0;
    auto* c = AddCommand(cor, "set-threshold",
                         "Values in more than N events are over-correlating (default 20)", rc,
                         [ctx] { return CmdSetThreshold(*ctx, n); });
    c->add_option("events", n, "N")->required();
  }
  {
    static std::string file, as;
    auto* c = AddCommand(cor, "bench-lookup", "Benchmark: time index lookups of values", rc,
                         [ctx] { return CmdBenchLookup(*ctx, file, as); });
    c->group("");  // hidden
    c->add_option("file", file, "Values, one per line")->required();
    AddAs(c, &as, "Viewing organisation");
  }

  static SearchArgs a;
  auto* s = AddCommand(app, "search",
                       "Find attributes by value, CIDR and domain, with their correlations", rc,
                       [ctx] { return CmdSearch(*ctx, a, false); });
  s->add_option("values", a.values, "Values (IP, CIDR, domain, URL, hash, ...)")->required();
  AddAs(s, &a.as, "Searching organisation");
  s->add_option("--value-type", a.value_type, "MISP type of the values (default: guessed)");
  s->add_option("--type", a.types, "Only attributes of this type (repeatable)");
  s->add_option("--category", a.categories, "Only this category (repeatable)");
  s->add_option("--tag", a.tags, "Has this tag (repeatable: any of them); '!TAG' excludes");
  s->add_option("--all-tags", a.all_tags, "Has this tag (repeatable: all of them)");
  s->add_option("--org", a.org, "Event creator organisation (name or uuid)");
  s->add_option("--from", a.from, "Event date from (YYYY-MM-DD)");
  s->add_option("--to", a.to, "Event date to (YYYY-MM-DD)");
  s->add_option("--last", a.last, "Attributes changed within (30m, 12h, 7d, 2w)");
  TriState(s, "to-ids", &a.to_ids, "Only attributes flagged for detection");
  TriState(s, "published", &a.published, "Only published events");
  s->add_option("--limit", a.limit, "At most this many attributes (0 = all)")
      ->capture_default_str();
  s->add_flag("--no-correlations", a.no_correlations, "Do not list correlations");
  AddJsonFlag(s, &ctx->json);
}

}  // namespace sanad::cli
