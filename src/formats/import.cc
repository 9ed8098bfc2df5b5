#include "formats/import.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "formats/misp.h"
#include "stix/stix.h"
#include "util/util.h"

namespace sanad::formats {

namespace fs = std::filesystem;

namespace {

// Expands feed directories into their event files, in a stable order.
Status ExpandPaths(const std::vector<std::string>& paths, std::vector<std::string>* files) {
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        if (!e.is_regular_file()) continue;
        std::string name = e.path().filename().string();
        if (name == "manifest.json" || name == "hashes.csv") continue;
        if (e.path().extension() == ".json") found.push_back(e.path().string());
      }
      if (ec) return Status::Io(p + ": cannot list directory: " + ec.message());
      if (found.empty()) return Status::Invalid(p + ": directory holds no .json event files");
      std::sort(found.begin(), found.end());
      files->insert(files->end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      files->push_back(p);
    } else {
      return Status::NotFound(p + ": no such file or directory");
    }
  }
  return Status::Ok();
}

Status ReadWholeFile(const std::string& path, std::string* out) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return Status::Io(path + ": " + ec.message());
  if (size > kMaxFileBytes)
    return Status::Limit(path + ": file is " + std::to_string(size) + " bytes; the limit is " +
                         std::to_string(kMaxFileBytes));
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Io(path + ": cannot open");
  out->resize(size);
  if (size && !f.read(out->data(), static_cast<std::streamsize>(size)))
    return Status::Io(path + ": read failed");
  return Status::Ok();
}

void AppendUnique(std::vector<std::string>* dst, const std::vector<std::string>& src) {
  for (const auto& s : src)
    if (std::find(dst->begin(), dst->end(), s) == dst->end()) dst->push_back(s);
}

// Resolves org and sharing-group references of parsed events to store ids,
// creating external orgs and embedded sharing groups on first sight.
class Resolver {
 public:
  Resolver(store::Store* s, const model::Org& as, ImportReport* r) : s_(s), as_(as), r_(r) {}

  void AddEmbeddedGroups(const std::vector<model::SharingGroup>& groups) {
    for (const auto& g : groups)
      if (!g.uuid.empty()) embedded_.emplace(g.uuid, g);
  }

  Status Org(model::OrgRef* ref, std::string_view what) {
    if (ref->uuid.empty() && ref->name.empty()) {
      *ref = {as_.id, as_.uuid, as_.name};
      return Status::Ok();
    }
    std::string key = !ref->uuid.empty() ? ref->uuid : "name:" + util::ToLower(ref->name);
    auto it = orgs_.find(key);
    if (it != orgs_.end()) {
      *ref = it->second;
      return Status::Ok();
    }
    auto found = s_->FindOrg(!ref->uuid.empty() ? ref->uuid : ref->name);
    model::OrgRef resolved;
    if (found.ok()) {
      resolved = {found->id, found->uuid, found->name};
    } else {
      if (ref->uuid.empty())
        return Status::Invalid(std::string(what) + ": organisation '" + ref->name +
                               "' has no uuid and is not known here");
      model::Org ext;
      ext.uuid = ref->uuid;
      ext.name = ref->name.empty() ? "external " + ref->uuid.substr(0, 8) : ref->name;
      // A member may already carry that name under another uuid.
      if (s_->FindOrg(ext.name).ok()) ext.name += " (" + ref->uuid.substr(0, 8) + ")";
      ext.status = model::OrgStatus::kExternal;
      ext.kind = model::OrgKind::kObserver;
      ext.category = model::MembershipCategory::kAffiliate;
      SANAD_RETURN_IF_ERROR(s_->AddOrg(&ext).WithContext(std::string(what)));
      r_->external_orgs_created.push_back(ext.name + " " + ext.uuid);
      resolved = {ext.id, ext.uuid, ext.name};
    }
    orgs_[key] = resolved;
    *ref = resolved;
    return Status::Ok();
  }

  Status Group(model::SharingGroupRef* ref, model::Distribution d, std::string_view what) {
    if (d != model::Distribution::kSharingGroup) {
      *ref = {};
      return Status::Ok();
    }
    if (ref->uuid.empty())
      return Status::Invalid(std::string(what) +
                             ": distribution 4 (sharing group) without a SharingGroup uuid");
    auto it = groups_.find(ref->uuid);
    if (it != groups_.end()) {
      *ref = it->second;
      return Status::Ok();
    }
    auto found = s_->FindSharingGroup(ref->uuid);
    model::SharingGroupRef resolved;
    if (found.ok()) {
      resolved = {found->id, found->uuid, found->name};
    } else {
      auto emb = embedded_.find(ref->uuid);
      if (emb == embedded_.end())
        return Status::Invalid(std::string(what) + ": unknown sharing group " + ref->uuid +
                               " and no SharingGroup definition in the document");
      model::SharingGroup g = emb->second;
      SANAD_RETURN_IF_ERROR(Org(&g.owner, what));
      std::vector<model::OrgRef> members = g.members;
      g.members.clear();
      SANAD_RETURN_IF_ERROR(s_->AddSharingGroup(&g).WithContext(std::string(what)));
      for (auto& m : members) {
        SANAD_RETURN_IF_ERROR(Org(&m, what));
        SANAD_RETURN_IF_ERROR(s_->AddSharingGroupOrg(g.id, m.id));
      }
      r_->sharing_groups_created.push_back(g.name + " " + g.uuid);
      resolved = {g.id, g.uuid, g.name};
    }
    // An organisation shares only through groups it belongs to (MISP's rule):
    // otherwise it could address a group's members in its name.
    auto viewer = s_->ViewerFor(as_.id);
    if (!viewer.ok()) return viewer.status();
    if (!viewer->InGroup(resolved.id))
      return Status::Permission(std::string(what) + ": " + as_.name +
                                " is not a member of sharing group '" + resolved.name + "' (" +
                                resolved.uuid + ") and cannot share through it");
    groups_[ref->uuid] = resolved;
    *ref = resolved;
    return Status::Ok();
  }

 private:
  store::Store* s_;
  const model::Org& as_;
  ImportReport* r_;
  std::unordered_map<std::string, model::OrgRef> orgs_;
  std::unordered_map<std::string, model::SharingGroupRef> groups_;
  std::unordered_map<std::string, model::SharingGroup> embedded_;
};

// Sighting reporters resolve like Orgc (unknown uuid -> external org); a
// sighting without Organisation, or naming an unknown org without uuid,
// stays anonymous (org id 0).
Status ResolveSightings(Resolver* res, store::Store* store, model::Attribute* a,
                        const std::string& where) {
  for (auto& s : a->sightings) {
    if (s.org.uuid.empty()) {
      auto found = s.org.name.empty() ? StatusOr<model::Org>(Status::NotFound(""))
                                      : store->FindOrg(s.org.name);
      s.org = found.ok() ? model::OrgRef{found->id, found->uuid, found->name} : model::OrgRef{};
      continue;
    }
    SANAD_RETURN_IF_ERROR(res->Org(&s.org, where + " attribute " + a->uuid + " sighting"));
  }
  return Status::Ok();
}

Status ResolveEvent(Resolver* res, store::Store* store, model::Event* ev, const model::Org& as) {
  std::string where = "event " + ev->uuid;
  SANAD_RETURN_IF_ERROR(res->Org(&ev->orgc, where + " Orgc"));
  ev->org = {as.id, as.uuid, as.name};
  SANAD_RETURN_IF_ERROR(res->Group(&ev->sharing_group, ev->distribution, where));
  for (auto& a : ev->attributes) {
    SANAD_RETURN_IF_ERROR(
        res->Group(&a.sharing_group, a.distribution, where + " attribute " + a.uuid));
    SANAD_RETURN_IF_ERROR(ResolveSightings(res, store, &a, where));
  }
  for (auto& o : ev->objects) {
    SANAD_RETURN_IF_ERROR(
        res->Group(&o.sharing_group, o.distribution, where + " object " + o.uuid));
    for (auto& a : o.attributes) {
      SANAD_RETURN_IF_ERROR(
          res->Group(&a.sharing_group, a.distribution, where + " attribute " + a.uuid));
      SANAD_RETURN_IF_ERROR(ResolveSightings(res, store, &a, where));
    }
  }
  return Status::Ok();
}

void FillDefaults(model::Event* ev, model::Timestamp now) {
  if (ev->timestamp == 0) ev->timestamp = now;
  if (ev->date.empty()) ev->date = util::FormatDate(ev->timestamp);
  auto fix = [&](model::Attribute& a) {
    if (a.timestamp == 0) a.timestamp = ev->timestamp;
  };
  for (auto& a : ev->attributes) fix(a);
  for (auto& o : ev->objects) {
    if (o.timestamp == 0) o.timestamp = ev->timestamp;
    for (auto& a : o.attributes) fix(a);
    for (auto& r : o.references)
      if (r.timestamp == 0) r.timestamp = o.timestamp;
  }
}

int64_t CountAttributes(const model::Event& ev) {
  int64_t n = static_cast<int64_t>(ev.attributes.size());
  for (const auto& o : ev.objects) n += static_cast<int64_t>(o.attributes.size());
  return n;
}

void CheckWarninglists(const intel::WarninglistSet& lists, const model::Event& ev,
                       ImportReport* report) {
  auto check = [&](const model::Attribute& a) {
    if (a.deleted) return;
    auto hits = lists.Check(a.type, a.canonical);
    if (hits.empty()) return;
    report->warninglist_hits++;
    if (report->warnings.size() < kMaxListedWarnings)
      report->warnings.push_back("event " + ev.uuid + " attribute " + a.uuid + ": " + a.type +
                                 " " + a.canonical + " is on warninglist '" + hits[0].list +
                                 "' (kept; left out of to_ids exports)");
  };
  for (const auto& a : ev.attributes) check(a);
  for (const auto& o : ev.objects)
    for (const auto& a : o.attributes) check(a);
}

Status ImportWithResolver(store::Store* store, Resolver* res, std::vector<model::Event>* events,
                          const model::Org& as, const ImportOptions& opts,
                          ImportReport* report) {
  model::Timestamp now = util::Now();
  for (auto& ev : *events) {
    FillDefaults(&ev, now);
    auto head = store->FindEventHead(ev.uuid);
    if (head.ok() && head->org_id != as.id) {
      // Only the holder of an event may change it: another member cannot
      // overwrite intelligence it did not import.
      if (ev.timestamp > head->timestamp) {
        report->skipped.push_back(ev.uuid +
                                  ": held by another organisation; only its owner updates it");
      } else {
        report->events_unchanged++;
      }
      continue;
    }
    SANAD_RETURN_IF_ERROR(ResolveEvent(res, store, &ev, as));
    if (ev.orgc.id != as.id) {
      auto orgc = store->GetOrg(ev.orgc.id);
      if (orgc.ok() && orgc->status != model::OrgStatus::kExternal)
        report->warnings.push_back("event " + ev.uuid + ": creator " + orgc->name +
                                   " is a community member other than the importing org");
    }
    if (opts.warninglists) CheckWarninglists(*opts.warninglists, ev, report);
    report->attributes += static_cast<int64_t>(ev.attributes.size());
    report->objects += static_cast<int64_t>(ev.objects.size());
    for (const auto& o : ev.objects) report->attributes += static_cast<int64_t>(o.attributes.size());
    auto outcome = store->UpsertEvent(&ev);
    if (!outcome.ok()) return outcome.status().WithContext("event " + ev.uuid);
    if (opts.actor && (*outcome == store::UpsertOutcome::kCreated ||
                       *outcome == store::UpsertOutcome::kUpdated)) {
      SANAD_RETURN_IF_ERROR(audit::Record(
          store, *opts.actor,
          *outcome == store::UpsertOutcome::kCreated ? "event.create" : "event.update", "event",
          ev.uuid, ev.orgc.uuid, std::to_string(CountAttributes(ev)) + " attributes"));
    }
    if (opts.check_event && (*outcome == store::UpsertOutcome::kCreated ||
                             *outcome == store::UpsertOutcome::kUpdated)) {
      SANAD_RETURN_IF_ERROR(opts.check_event(store, ev, &report->warnings));
    }
    switch (*outcome) {
      case store::UpsertOutcome::kCreated: report->events_created++; break;
      case store::UpsertOutcome::kUpdated: report->events_updated++; break;
      case store::UpsertOutcome::kUnchanged: report->events_unchanged++; break;
      case store::UpsertOutcome::kSkippedOlder:
        report->events_skipped_older++;
        report->skipped.push_back(ev.uuid + ": older than the stored version");
        break;
    }
  }
  return Status::Ok();
}

}  // namespace

Status ImportEvents(store::Store* store, std::vector<model::Event>* events, const model::Org& as,
                    const ImportOptions& opts, ImportReport* report) {
  Resolver res(store, as, report);
  return ImportWithResolver(store, &res, events, as, opts, report);
}

Status ImportPaths(store::Store* store, const std::vector<std::string>& paths,
                   const model::Org& as, const ImportOptions& opts, ImportReport* report) {
  std::vector<std::string> files;
  SANAD_RETURN_IF_ERROR(ExpandPaths(paths, &files));
  store::Transaction tx(store);
  SANAD_RETURN_IF_ERROR(tx.status());
  Resolver res(store, as, report);
  std::string buf;
  uint64_t bytes = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& f = files[i];
    SANAD_RETURN_IF_ERROR(ReadWholeFile(f, &buf));
    bytes += buf.size();
    if (stix::LooksLikeBundle(buf)) {  // STIX 2.1 bundle ("type": "bundle")
      stix::ImportParams sp;
      sp.org_id = as.id;
      sp.actor = opts.actor;
      auto sr = stix::ImportBundle(store, buf, sp);
      if (!sr.ok()) return sr.status().WithContext(f);
      report->events_created += sr->created;
      report->events_updated += sr->updated;
      report->events_unchanged += sr->unchanged;
      report->events_skipped_older += sr->skipped_older;
      report->stix_mapped += sr->mapped;
      report->stix_kept_unmapped += sr->kept_unmapped;
      report->stix_unmapped.insert(report->stix_unmapped.end(), sr->unmapped.begin(), sr->unmapped.end());
      AppendUnique(&report->warnings, sr->warnings);
      AppendUnique(&report->external_orgs_created, sr->external_orgs_created);
      report->files++;
      if (opts.progress) opts.progress(i + 1, files.size(), bytes);
      continue;
    }
    std::vector<model::Event> events;
    ParseNotes notes;
    SANAD_RETURN_IF_ERROR(ParseMispDocument(buf, f, &events, &notes));
    res.AddEmbeddedGroups(notes.sharing_groups);
    AppendUnique(&report->warnings, notes.warnings);
    AppendUnique(&report->preserved_fields, notes.preserved_fields);
    AppendUnique(&report->ignored_fields, notes.ignored_fields);
    SANAD_RETURN_IF_ERROR(ImportWithResolver(store, &res, &events, as, opts, report).WithContext(f));
    report->files++;
    if (opts.progress) opts.progress(i + 1, files.size(), bytes);
  }
  return tx.Commit();
}

}  // namespace sanad::formats
