// sanad match: did any shared indicator touch my network? Matches logs
// against every indicator the acting organisation may see (src/detect).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <unordered_map>

#include "cli/cli.h"
#include "cli/context.h"
#include "cli/options.h"
#include "cli/register.h"
#include "detect/detect.h"
#include "detect/json.h"
#include "intel/sighting.h"
#include "util/util.h"

namespace sanad::cli {

namespace {

namespace json = boost::json;

struct MatchArgs {
  std::string as, format = "auto", source = "sanad match";
  std::vector<std::string> fields, files;
  bool scan = false, all = false, include_warninglisted = false, summary = false;
  bool record_sightings = false, skip_expired = false;
  double min_score = -1;
  int threads = 0;
};

double Seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// What a hit's attribute looks like to the viewer (loaded once per attribute).
struct SummaryRow {
  std::string type, value, event_uuid, event_info, tlp;
  uint64_t hits = 0;
  std::map<std::string, uint64_t> kinds;
  std::string first;  // file:line
};

// Progress on stderr when it is a terminal.
class MatchProgress {
 public:
  explicit MatchProgress(bool quiet) : enabled_(!quiet && isatty(STDERR_FILENO) == 1) {}
  void Update(const std::string& file, const detect::MatchStats& st, uint64_t total_hits) {
    if (!enabled_) return;
    double now = Seconds();
    if (now - last_ < 0.2) return;
    last_ = now;
    double el = std::max(now - start_, 1e-6);
    std::fprintf(stderr, "\r%s: %.1f MB, %.2fM lines (%.2fM lines/s, %.0f MB/s), %llu hits   ",
                 file.c_str(), (bytes_done_ + st.bytes) / 1e6, (lines_done_ + st.lines) / 1e6,
                 (lines_done_ + st.lines) / 1e6 / el, (bytes_done_ + st.bytes) / 1e6 / el,
                 static_cast<unsigned long long>(total_hits));
    printed_ = true;
  }
  void FileDone(const detect::MatchStats& st) {
    bytes_done_ += st.bytes;
    lines_done_ += st.lines;
  }
  void Finish() {
    if (printed_) std::fprintf(stderr, "\r\033[K");
    printed_ = false;
  }

 private:
  bool enabled_;
  bool printed_ = false;
  double start_ = Seconds();
  double last_ = 0;
  uint64_t bytes_done_ = 0, lines_done_ = 0;
};

int CmdMatch(const Context& ctx, const MatchArgs& a) {
  detect::MatchOptions mo;
  if (!detect::ParseFormat(a.format, &mo.format))
    return Usage("--format: expected auto, text, jsonl, csv or zeek, got '" + a.format + "'");
  if (mo.format == detect::Format::kText && !a.fields.empty())
    return Usage("--field needs --format jsonl, csv or zeek (or auto-detected JSON lines / Zeek)");
  if (a.min_score > 100) return Usage("--min-score: a score is 0..100");
  if (a.threads < 0 || a.threads > 64) return Usage("--threads: 0..64");
  mo.fields = a.fields;
  mo.scan = a.scan;
  mo.threads = a.threads;

  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  store::Store* st = s->get();
  auto as = ResolveActingOrg(st, a.as);
  if (!as.ok()) return Fail(as.status());
  auto viewer = st->community().ViewerFor(as->id);
  if (!viewer.ok()) return Fail(viewer.status());
  auto wl = LoadWarninglists(ctx);
  if (!wl.ok()) return Fail(wl.status());

  detect::BuildOptions bo;
  bo.include_non_ids = a.all;
  bo.warninglists = &wl.value();
  bo.include_warninglisted = a.include_warninglisted;
  bo.scan = a.scan;
  bo.scan_cache_dir = ctx.data_dir + "/detect";
  bo.snapshot_dir = ctx.data_dir + "/detect";
  std::unordered_map<int64_t, std::vector<model::Sighting>> sightings_of;
  intel::DecayConfig decay;
  const int64_t now = util::Now();
  if (a.min_score >= 0 || a.skip_expired) {
    auto cfg = intel::LoadDecayConfig(st);
    if (!cfg.ok()) return Fail(cfg.status());
    decay = *cfg;
    // All sightings at once (one ordered scan), not one query per candidate.
    Status ss = st->sightings().UnfilteredScanSightings([&](const model::Sighting& x) {
      sightings_of[x.attribute_id].push_back(x);
      return true;
    });
    if (!ss.ok()) return Fail(ss.WithContext("reading sightings"));
    bo.keep = [&](const store::IndexRow& row) {
      static const std::vector<model::Sighting> kNone;
      auto it = sightings_of.find(row.attribute_id);
      const std::vector<model::Sighting>& sightings = it == sightings_of.end() ? kNone : it->second;
      if (a.skip_expired) {
        for (const auto& x : sightings) {
          if (x.type == model::SightingType::kExpiration && x.date_sighting <= now) return false;
        }
      }
      if (a.min_score >= 0 &&
          intel::Score(decay, row.type, row.timestamp, sightings, now) < a.min_score)
        return false;
      return true;
    };
  }
  detect::BuildStats bs;
  double t0 = Seconds();
  auto set = detect::BuildIndicatorSet(st, *viewer, bo, &bs);
  if (!set.ok()) return Fail(set.status());
  double build_seconds = Seconds() - t0;
  auto matcher = detect::Matcher::Create(*set, mo);
  if (!matcher.ok()) return Usage(matcher.status().message());

  detect::HitResolver resolver(st, *viewer);
  Status lookup_error;
  static const detect::HitResolver::Info kHidden;
  auto resolve = [&](int64_t attribute_id) -> const detect::HitResolver::Info& {
    auto r = resolver.Resolve(attribute_id);
    if (r.ok()) return **r;
    if (lookup_error.ok()) lookup_error = r.status();
    return kHidden;
  };

  std::map<int64_t, SummaryRow> summary;
  uint64_t total_hits = 0;
  detect::MatchStats totals;
  MatchProgress progress(ctx.quiet);
  double m0 = Seconds();
  const std::clock_t c0 = std::clock();  // process CPU time, all threads
  for (const auto& file : a.files) {
    auto in = detect::InputStream::OpenFile(file);
    if (!in.ok()) {
      progress.Finish();
      return Fail(in.status());
    }
    detect::MatchStats fst;
    Status ms = (*matcher)->MatchStream(
        in->get(),
        [&](const detect::Hit& h) {
          const detect::Indicator& ind = (*set)->indicator(h.indicator);
          const detect::HitResolver::Info& r = resolve(ind.attribute_id);
          if (!lookup_error.ok()) return false;
          if (!r.visible) return true;  // the policy decides, always
          ++total_hits;
          if (a.summary || a.record_sightings) {
            SummaryRow& row = summary[ind.attribute_id];
            if (row.hits == 0) {
              row.type = ind.type;
              row.value = ind.value;
              row.event_uuid = r.event_uuid;
              row.event_info = r.event_info;
              row.tlp = r.tlp;
              row.first = file + ":" + std::to_string(h.line);
            }
            ++row.hits;
            ++row.kinds[detect::MatchKindName(h.kind)];
          }
          if (!a.summary) {
            std::cout << boost::json::serialize(
                             detect::ToJson(h, ind, {file, r.attribute_uuid, r.event_uuid, r.tlp}))
                      << "\n";
          }
          return true;
        },
        &fst, [&](const detect::MatchStats& p) { progress.Update(file, p, total_hits); });
    progress.FileDone(fst);
    totals.bytes += fst.bytes;
    totals.lines += fst.lines;
    totals.malformed_lines += fst.malformed_lines;
    if (ms.ok() && !lookup_error.ok()) ms = lookup_error.WithContext("reading matched attributes");
    if (!ms.ok()) {
      progress.Finish();
      std::cout.flush();
      if (ms.code() == Status::Code::kInvalid &&
          ms.message().find("no column") != std::string::npos)
        return Usage(ms.message());
      return Fail(ms);
    }
  }
  std::cout.flush();
  progress.Finish();
  double match_seconds = Seconds() - m0;
  const double match_cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;

  if (a.record_sightings && !summary.empty()) {
    store::Transaction tx(st);
    if (!tx.status().ok()) return Fail(tx.status());
    for (const auto& [id, row] : summary) {
      intel::NewSighting ns;
      ns.source = a.source;
      ns.time = now;
      std::vector<model::Sighting> added;
      Status ss = intel::AddSighting(st, *as, {resolve(id).attribute_uuid, ""}, ns, &added);
      if (!ss.ok()) return Fail(ss.WithContext("recording sightings (none recorded)"));
    }
    Status cs = tx.Commit();
    if (!cs.ok()) return Fail(cs.WithContext("recording sightings (none recorded)"));
  }

  if (a.summary) {
    std::vector<std::pair<int64_t, const SummaryRow*>> order;
    for (const auto& [id, row] : summary) order.emplace_back(id, &row);
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& x, const auto& y) { return x.second->hits > y.second->hits; });
    if (ctx.json) {
      json::array arr;
      for (const auto& [id, row] : order) {
        json::object kinds;
        for (const auto& [k, n] : row->kinds) kinds[k] = n;
        arr.push_back(json::object{{"attribute_uuid", resolve(id).attribute_uuid},
                                   {"type", row->type},
                                   {"value", row->value},
                                   {"event_uuid", row->event_uuid},
                                   {"event_info", row->event_info},
                                   {"tlp", row->tlp},
                                   {"hits", row->hits},
                                   {"matches", kinds},
                                   {"first", row->first}});
      }
      std::cout << json::serialize(json::object{{"hits", total_hits},
                                                {"indicators", summary.size()},
                                                {"bytes", totals.bytes},
                                                {"lines", totals.lines},
                                                {"summary", arr}})
                << "\n";
    } else {
      std::vector<std::vector<std::string>> rows;
      for (const auto& [id, row] : order) {
        std::string kinds;
        for (const auto& [k, n] : row->kinds) kinds += (kinds.empty() ? "" : ",") + k;
        std::string info =
            row->event_info.size() > 40 ? row->event_info.substr(0, 37) + "..." : row->event_info;
        rows.push_back({std::to_string(row->hits), row->type, row->value, kinds, row->event_uuid,
                        info, row->tlp, row->first});
      }
      if (rows.empty()) {
        std::cout << "no hits\n";
      } else {
        PrintTable({"HITS", "TYPE", "INDICATOR", "MATCH", "EVENT", "INFO", "TLP", "FIRST SEEN AT"},
                   rows);
      }
    }
  }
  if (!ctx.quiet) {
    std::fprintf(
        stderr,
        "match: %zu file(s), %.1f MB, %llu lines in %.2f s (%.0f MB/s, %.0f MB per CPU second); "
        "%llu hits on %zu "
        "indicator(s); %zu indicators for %s built in %.2f s%s%s%s\n",
        a.files.size(), totals.bytes / 1e6, static_cast<unsigned long long>(totals.lines),
        match_seconds, totals.bytes / 1e6 / std::max(match_seconds, 1e-6),
        totals.bytes / 1e6 / std::max(match_cpu, 1e-6), static_cast<unsigned long long>(total_hits),
        a.summary || a.record_sightings ? summary.size() : resolver.size(), (*set)->size(),
        as->name.c_str(), build_seconds, bs.from_snapshot ? " (from a snapshot)" : "",
        bs.warninglisted
            ? (", " + std::to_string(bs.warninglisted) + " warninglisted left out").c_str()
            : "",
        a.record_sightings
            ? ("; " + std::to_string(summary.size()) + " sighting(s) recorded").c_str()
            : "");
    if (totals.malformed_lines > 0)
      std::fprintf(stderr, "match: %llu line(s) were not valid %s and were scanned as text\n",
                   static_cast<unsigned long long>(totals.malformed_lines),
                   detect::FormatName((*matcher)->format()));
  }
  // The tables go with the process: freeing them one indicator at a time
  // would take longer than matching a small log (a reachable pointer, not
  // a leak).
  static auto* const kKeepUntilExit = new std::vector<std::shared_ptr<const detect::IndicatorSet>>;
  kKeepUntilExit->push_back(*set);
  return kExitOk;
}

}  // namespace

void RegisterMatchCommands(CLI::App* app, Context* ctx, int* rc) {
  static MatchArgs a;
  auto* c =
      AddCommand(app, "match",
                 "Match logs against every indicator an organisation may see (JSON line per hit)",
                 rc, [ctx] { return CmdMatch(*ctx, a); });
  c->add_option("files", a.files, "Log files (plain, gzip, zstd); - for stdin")->required();
  AddAs(c, &a.as, "Acting organisation");
  c->add_option("--format", a.format, "auto|text|jsonl|csv|zeek")->capture_default_str();
  c->add_option("--field", a.fields,
                "Only these fields (JSON dotted path, CSV column, Zeek field); repeatable");
  c->add_flag("--scan", a.scan,
              "Also find substring indicators (filename, mutex, user-agent, ...) anywhere");
  c->add_flag("--all", a.all, "Also attributes with to_ids off");
  c->add_flag("--include-warninglisted", a.include_warninglisted,
              "Also indicators hit by a warninglist");
  c->add_option("--min-score", a.min_score,
                "Leave out indicators whose decay score is below this (0..100)");
  c->add_flag("--skip-expired", a.skip_expired, "Leave out indicators with an expiration sighting");
  c->add_flag("--summary", a.summary, "A table by indicator and event instead of one line per hit");
  c->add_flag("--record-sightings", a.record_sightings,
              "Record one 'seen' sighting per matched attribute (one transaction)");
  c->add_option("--source", a.source, "Source of recorded sightings")->capture_default_str();
  c->add_option("--threads", a.threads, "Worker threads (0 = one per core)");
}

}  // namespace sanad::cli
