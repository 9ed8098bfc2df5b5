// import, export and event commands.
#include <boost/json.hpp>

#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "cli/commands.h"
#include "formats/export.h"
#include "formats/import.h"
#include "formats/misp.h"
#include "membership/membership.h"
#include "model/canon.h"
#include "policy/policy.h"
#include "util/util.h"

namespace sanad::cli {

namespace json = boost::json;

namespace {

json::array StringArray(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::string(s));
  return a;
}

void PrintList(const char* title, const std::vector<std::string>& items, size_t max = 20) {
  if (items.empty()) return;
  std::cout.flush();
  std::cerr << title << " (" << items.size() << "):\n";
  for (size_t i = 0; i < items.size() && i < max; ++i)
    std::cerr << "  " << util::EscapeForTerminal(items[i]) << "\n";
  if (items.size() > max) std::cerr << "  ... and " << items.size() - max << " more\n";
}

}  // namespace

int CmdImport(const Context& ctx, const ImportArgs& a) {
  auto s = OpenStore(ctx, 256);
  if (!s.ok()) return Fail(s.status());
  auto as = ResolveActingOrg(s->get(), a.as);
  if (!as.ok()) return Fail(as.status());
  auto lists = LoadWarninglists(ctx);
  if (!lists.ok()) return Fail(lists.status());
  formats::ImportReport report;
  formats::ImportOptions opts;
  opts.warninglists = &*lists;
  policy::Actor actor = CliActor(&*as);
  opts.actor = &actor;
  // Events marked TLP:RED or AMBER+STRICT that would reach a wider audience
  // than their marking allows are reported (docs/membership.md).
  opts.check_event = [](store::Store* st, const model::Event& ev,
                        std::vector<std::string>* warnings) -> Status {
    auto w = membership::CheckEventAudience(st, ev);
    if (!w.ok()) return w.status();
    for (const auto& x : *w) warnings->push_back("event " + ev.uuid + ": " + x.message);
    return Status::Ok();
  };
  // New events that name no distribution get the community default; the
  // local operator may import on behalf of external sources, never in
  // another member's name (policy::MayNameCreator).
  store::Store* store = s->get();
  if (a.distribution.empty()) {
    opts.default_distribution = [store](model::Distribution* d, model::SharingGroupRef* sg) {
      return membership::DefaultDistribution(store, d, sg);
    };
  } else {
    model::Distribution level;
    model::SharingGroupRef group;
    if (model::Parse(a.distribution, &level) && level != model::Distribution::kInherit &&
        level != model::Distribution::kSharingGroup) {
      // a level
    } else {
      auto g = store->community().FindSharingGroup(a.distribution);
      if (!g.ok()) {
        Fail(Status::Invalid("--distribution: '" + a.distribution +
                             "' is not organisation, community, connected, all or a "
                             "sharing group known here"));
        return kExitUsage;
      }
      level = model::Distribution::kSharingGroup;
      group = {g->id, g->uuid, g->name};
    }
    opts.default_distribution = [level, group](model::Distribution* d,
                                               model::SharingGroupRef* sg) {
      *d = level;
      *sg = group;
      return Status::Ok();
    };
  }
  opts.creators = actor.creators;  // kOwnOrExternal: the local operator
  Progress progress("import");
  opts.progress = [&](size_t done, size_t total, uint64_t bytes) {
    progress.Update(done, total, bytes);
  };
  Status st = formats::ImportPaths(s->get(), a.paths, *as, opts, &report);
  progress.Finish();
  if (!st.ok()) {
    std::fprintf(stderr, "sanad: import failed, nothing was written: %s\n",
                 util::EscapeForTerminal(st.ToString()).c_str());
    return kExitFailure;
  }
  if (ctx.json) {
    json::object o{{"files", report.files},
                   {"events_created", report.events_created},
                   {"events_updated", report.events_updated},
                   {"events_unchanged", report.events_unchanged},
                   {"events_skipped_older", report.events_skipped_older},
                   {"attributes", report.attributes},
                   {"objects", report.objects},
                   {"external_orgs_created", StringArray(report.external_orgs_created)},
                   {"sharing_groups_created", StringArray(report.sharing_groups_created)},
                   {"warnings", StringArray(report.warnings)},
                   {"warninglist_hits", report.warninglist_hits},
                   {"skipped", StringArray(report.skipped)},
                   {"preserved_fields", StringArray(report.preserved_fields)},
                   {"ignored_fields", StringArray(report.ignored_fields)},
                   {"stix_mapped", report.stix_mapped},
                   {"stix_kept_unmapped", report.stix_kept_unmapped},
                   {"stix_unmapped", StringArray(report.stix_unmapped)}};
    std::cout << json::serialize(o) << "\n";
    return kExitOk;
  }
  if (!ctx.quiet) {
    std::cout << "imported " << report.files << " file(s) as " << util::EscapeForTerminal(as->name)
              << ": " << report.events_created << " created, " << report.events_updated
              << " updated, " << report.events_unchanged << " unchanged, "
              << report.events_skipped_older << " skipped (older); " << report.attributes
              << " attributes, " << report.objects << " objects\n";
    PrintList("external organisations created", report.external_orgs_created);
    PrintList("sharing groups created", report.sharing_groups_created);
    PrintList("skipped", report.skipped);
    if (report.warninglist_hits)
      std::cerr << report.warninglist_hits
                << " attribute(s) hit a warninglist (kept; left out of to_ids exports)\n";
    PrintList("warnings", report.warnings);
    PrintList("unmodelled fields preserved verbatim", report.preserved_fields);
    PrintList("instance-local fields ignored", report.ignored_fields);
    if (report.stix_mapped || report.stix_kept_unmapped)
      std::cout << "STIX objects: " << report.stix_mapped << " mapped, " << report.stix_kept_unmapped
                << " kept verbatim (not mapped)\n";
    PrintList("STIX objects not mapped (kept, exported again unchanged)", report.stix_unmapped);
  }
  return kExitOk;
}

int CmdExport(const Context& ctx, const ExportArgs& a) {
  formats::ExportFormat fmt;
  if (!formats::ParseExportFormat(a.format, &fmt))
    return Usage("--format: expected misp, csv, text or stix21, got '" + a.format + "'");
  formats::ExportFilter f = a.filter;
  auto lists = LoadWarninglists(ctx);
  if (!lists.ok()) return Fail(lists.status());
  f.warninglists = &*lists;
  if (!a.since.empty()) {
    int64_t t;
    if (!ParseTimeArg(a.since, &t)) return Usage("--since: cannot read time '" + a.since + "'");
    f.since = t;
  }
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  model::Org as;
  policy::Viewer viewer;
  if (Status st = ResolveViewer(s->get(), a.as, &as, &viewer); !st.ok()) return Fail(st);
  std::ofstream file;
  std::ostream* out = &std::cout;
  std::string tmp;
  if (!a.output.empty()) {
    tmp = a.output + ".tmp";
    file.open(tmp, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(Status::Io("cannot write " + tmp));
    out = &file;
  }
  formats::ExportStats stats;
  policy::Actor actor = CliActor(&as);
  Status st = formats::Export(s->get(), viewer, fmt, f, *out, &stats, &actor);
  if (!a.output.empty()) {
    file.close();
    if (st.ok() && !file) st = Status::Io("cannot write " + tmp);
    if (st.ok() && std::rename(tmp.c_str(), a.output.c_str()) != 0)
      st = Status::Io("cannot rename " + tmp + " to " + a.output);
    if (!st.ok()) std::remove(tmp.c_str());
  }
  out->flush();
  if (!st.ok()) return Fail(st);
  if (!ctx.quiet && !a.output.empty())
    std::cerr << "exported " << stats.events << " event(s), " << stats.attributes
              << " attribute(s) visible to " << util::EscapeForTerminal(as.name) << " to "
              << a.output << "\n";
  return kExitOk;
}

int CmdWarninglistList(const Context& ctx) {
  auto lists = LoadWarninglists(ctx);
  if (!lists.ok()) return Fail(lists.status());
  auto infos = lists->List();
  if (ctx.json) {
    json::array arr;
    for (const auto& i : infos)
      arr.push_back({{"name", i.name},
                     {"type", std::string(intel::WarninglistTypeName(i.type))},
                     {"version", i.version},
                     {"entries", i.entries},
                     {"builtin", i.builtin},
                     {"matching_attributes", StringArray(i.matching_attributes)},
                     {"description", i.description}});
    std::cout << json::serialize(arr) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& i : infos)
    rows.push_back({i.name, std::string(intel::WarninglistTypeName(i.type)),
                    std::to_string(i.entries), i.builtin ? "built-in" : "installed"});
  PrintTable({"NAME", "TYPE", "ENTRIES", "SOURCE"}, rows);
  return kExitOk;
}

int CmdWarninglistAdd(const Context& ctx, const std::string& file) {
  auto s = OpenStore(ctx);  // only to check that the store exists
  if (!s.ok()) return Fail(s.status());
  auto info = intel::InstallWarninglist(WarninglistDir(ctx), file);
  if (!info.ok()) return Fail(info.status());
  if (ctx.json) {
    std::cout << json::serialize(json::object{{"name", info->name}, {"entries", info->entries}})
              << "\n";
  } else if (!ctx.quiet) {
    std::cout << "installed warninglist '" << util::EscapeForTerminal(info->name) << "' ("
              << info->entries << " entries, " << intel::WarninglistTypeName(info->type) << ")\n";
  }
  return kExitOk;
}

int CmdWarninglistCheck(const Context& ctx, const std::vector<std::string>& values,
                        const std::string& type) {
  auto lists = LoadWarninglists(ctx);
  if (!lists.ok()) return Fail(lists.status());
  json::array arr;
  bool any = false;
  for (const auto& v : values) {
    std::string t = type.empty() ? std::string(model::GuessType(v)) : type;
    model::CanonicalValue cv;
    std::vector<intel::WarninglistHit> hits;
    Status st = model::Canonicalise(t, v, &cv);
    if (st.ok()) {
      hits = lists->Check(t, cv.value);
    } else {
      cv.value = v;
      hits = lists->CheckValue(v);
    }
    any = any || !hits.empty();
    if (ctx.json) {
      json::array h;
      for (const auto& x : hits) h.push_back({{"list", x.list}, {"entry", x.entry}});
      arr.push_back({{"value", v}, {"type", t}, {"canonical", cv.value}, {"hits", h}});
    } else if (hits.empty()) {
      std::cout << util::EscapeForTerminal(v) << ": no warninglist hit\n";
    } else {
      for (const auto& x : hits)
        std::cout << util::EscapeForTerminal(v) << ": on '" << util::EscapeForTerminal(x.list)
                  << "' (entry " << util::EscapeForTerminal(x.entry) << ")\n";
    }
  }
  if (ctx.json) std::cout << json::serialize(arr) << "\n";
  (void)any;
  return kExitOk;
}

int CmdEventShow(const Context& ctx, const std::string& uuid, const std::string& as_name) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  model::Org as;
  policy::Viewer viewer;
  if (Status st = ResolveViewer(s->get(), as_name, &as, &viewer); !st.ok()) return Fail(st);
  auto ev = (*s)->events().GetEvent(viewer, util::ToLower(uuid));
  if (!ev.ok()) return Fail(Status::NotFound("no event " + uuid + " visible to " + as.name));
  policy::RedactLocalTags(viewer, &*ev);  // local tags are the holder's own
  Status audited = audit::RecordSensitiveRead(s->get(), CliActor(&as), "event.show", *ev);
  if (!audited.ok()) return Fail(audited);
  if (ctx.json) {
    formats::MispWriteOptions o;
    o.pretty = true;
    std::cout << formats::WriteMispEvent(*ev, o) << "\n";
    return kExitOk;
  }
  std::cout << "event     " << ev->uuid << "\n"
            << "info      " << util::EscapeForTerminal(ev->info) << "\n"
            << "date      " << util::EscapeForTerminal(ev->date)
            << "   published: " << (ev->published ? "yes" : "no") << "\n"
            << "creator   " << util::EscapeForTerminal(ev->orgc.name)
            << "   owner: " << util::EscapeForTerminal(ev->org.name) << "\n"
            << "sharing   " << model::Name(ev->distribution)
            << (ev->sharing_group.name.empty()
                    ? ""
                    : " (" + util::EscapeForTerminal(ev->sharing_group.name) + ")")
            << "\n";
  std::string tags;
  for (const auto& t : ev->tags) tags += (tags.empty() ? "" : ", ") + t.name;
  if (!tags.empty()) std::cout << "tags      " << util::EscapeForTerminal(tags) << "\n";
  std::vector<std::vector<std::string>> rows;
  auto add = [&](const model::Attribute& a, const std::string& obj) {
    rows.push_back({a.category, a.type, a.value.size() > 80 ? a.value.substr(0, 77) + "..." : a.value,
                    a.to_ids ? "yes" : "", model::Name(a.distribution), obj});
  };
  for (const auto& a : ev->attributes) add(a, "");
  for (const auto& o : ev->objects)
    for (const auto& a : o.attributes) add(a, o.name + "/" + a.object_relation);
  std::cout << "\n";
  PrintTable({"CATEGORY", "TYPE", "VALUE", "IDS", "DISTRIBUTION", "OBJECT"}, rows);
  return kExitOk;
}

int CmdEventList(const Context& ctx, const std::string& as_name, int64_t limit) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  model::Org as;
  policy::Viewer viewer;
  if (Status st = ResolveViewer(s->get(), as_name, &as, &viewer); !st.ok()) return Fail(st);
  store::EventQuery q;
  q.limit = limit;
  std::vector<std::vector<std::string>> rows;
  json::array arr;
  Status st = (*s)->events().ScanEvents(viewer, q, [&](model::Event& ev) {
    size_t n = ev.attributes.size();
    for (const auto& o : ev.objects) n += o.attributes.size();
    std::string tlp = model::TlpLabel(model::StrictestTlp(ev.tags));
    if (ctx.json) {
      arr.push_back({{"uuid", ev.uuid},
                     {"info", ev.info},
                     {"date", ev.date},
                     {"orgc", ev.orgc.name},
                     {"distribution", model::Name(ev.distribution)},
                     {"tlp", tlp},
                     {"attributes", n}});
    } else {
      rows.push_back({ev.uuid, ev.date, ev.orgc.name, tlp, model::Name(ev.distribution),
                      std::to_string(n), ev.info.size() > 60 ? ev.info.substr(0, 57) + "..." : ev.info});
    }
    return true;
  });
  if (!st.ok()) return Fail(st);
  if (ctx.json) {
    std::cout << json::serialize(arr) << "\n";
  } else {
    PrintTable({"UUID", "DATE", "CREATOR", "TLP", "DISTRIBUTION", "ATTRS", "INFO"}, rows);
  }
  return kExitOk;
}

}  // namespace sanad::cli
