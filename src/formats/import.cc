#include "formats/import.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "audit/actions.h"
#include "formats/misp.h"
#include "policy/policy.h"
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
      // Error codes throughout (no exception can escape): an entry that
      // cannot be resolved (a symlink loop, a dangling link) is an error
      // naming it, never an abort.
      fs::directory_iterator it(p, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        const fs::directory_entry& e = *it;
        std::error_code eec;
        const bool regular = e.is_regular_file(eec);
        if (eec && eec != std::errc::no_such_file_or_directory)
          return Status::Io(e.path().string() + ": " + eec.message());
        if (!regular) continue;
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
    } else if (ec && ec != std::errc::no_such_file_or_directory) {
      return Status::Io(p + ": " + ec.message());
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
    auto found = s_->community().FindOrg(!ref->uuid.empty() ? ref->uuid : ref->name);
    model::OrgRef resolved;
    if (found.ok()) {
      resolved = {found->id, found->uuid, found->name};
    } else {
      if (ref->uuid.empty())
        return Status::Invalid(std::string(what) + ": organisation '" + ref->name +
                               "' has no uuid and is not known here");
      model::Org ext;
      ext.uuid = ref->uuid;
      ext.name = ref->name.empty() ? "external " + ref->uuid.substr(0, 8)
                                   : model::TruncateChars(ref->name, model::kMaxOrgNameChars - 11);
      // A member may already carry that name under another uuid.
      if (s_->community().FindOrg(ext.name).ok()) ext.name += " (" + ref->uuid.substr(0, 8) + ")";
      ext.status = model::OrgStatus::kExternal;
      ext.kind = model::OrgKind::kObserver;
      ext.category = model::MembershipCategory::kAffiliate;
      SANAD_RETURN_IF_ERROR(s_->community().AddOrg(&ext).WithContext(std::string(what)));
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
    // A group kept from the stored version by an update (KeepAbsentFields)
    // is already resolved: keeping the audience the event has is allowed even
    // when the holder has since left the group; only naming one is checked.
    if (ref->id != 0) return Status::Ok();
    if (ref->uuid.empty())
      return Status::Invalid(std::string(what) +
                             ": distribution 4 (sharing group) without a SharingGroup uuid");
    auto it = groups_.find(ref->uuid);
    if (it != groups_.end()) {
      *ref = it->second;
      return Status::Ok();
    }
    auto found = s_->community().FindSharingGroup(ref->uuid);
    model::SharingGroupRef resolved;
    if (found.ok()) {
      resolved = {found->id, found->uuid, found->name};
    } else {
      auto emb = embedded_.find(ref->uuid);
      if (emb == embedded_.end())
        return Status::Invalid(std::string(what) + ": unknown sharing group " + ref->uuid +
                               " and no SharingGroup definition in the document");
      model::SharingGroup g = emb->second;
      g.name = model::TruncateChars(g.name, model::kMaxSharingGroupNameChars);
      if (g.releasability.size() > model::kMaxFreeTextBytes) g.releasability.clear();
      if (g.description.size() > model::kMaxFreeTextBytes) g.description.clear();
      SANAD_RETURN_IF_ERROR(Org(&g.owner, what));
      std::vector<model::OrgRef> members = g.members;
      g.members.clear();
      SANAD_RETURN_IF_ERROR(s_->community().AddSharingGroup(&g).WithContext(std::string(what)));
      for (auto& m : members) {
        SANAD_RETURN_IF_ERROR(Org(&m, what));
        SANAD_RETURN_IF_ERROR(s_->community().AddSharingGroupOrg(g.id, m.id));
      }
      r_->sharing_groups_created.push_back(g.name + " " + g.uuid);
      resolved = {g.id, g.uuid, g.name};
    }
    // An organisation shares only through groups it belongs to (MISP's rule):
    // otherwise it could address a group's members in its name.
    // The refusal names only what the document gave (the uuid): the group's
    // name and members are not the importer's to learn. Without a definition
    // in the document it reads exactly like an unknown group.
    auto viewer = s_->community().ViewerFor(as_.id);
    if (!viewer.ok()) return viewer.status();
    if (!viewer->InGroup(resolved.id)) {
      if (!embedded_.count(ref->uuid))
        return Status::Invalid(std::string(what) + ": unknown sharing group " + ref->uuid +
                               " and no SharingGroup definition in the document");
      return Status::Permission(std::string(what) + ": sharing group " + ref->uuid +
                                ": " + as_.name + " cannot share through it (not a member)");
    }
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
                                      : store->community().FindOrg(s.org.name);
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

// ---- updates keep what the document did not give -----------------------------

// The fields that events, objects and attributes share (each only those its
// type has): the stored value of each that x's document did not give is
// kept. Clears x->absent.
template <class T>
void KeepAbsentShared(const T& stored, T* x) {
  namespace f = model::field;
  const model::FieldSet absent = x->absent;
  if (absent & f::kDistribution) {
    x->distribution = stored.distribution;
    x->sharing_group = stored.sharing_group;
  }
  if (absent & f::kDeleted) x->deleted = stored.deleted;
  if (absent & f::kExtra) x->extra_json = stored.extra_json;
  if constexpr (requires { x->comment; }) {
    if (absent & f::kComment) x->comment = stored.comment;
  }
  if constexpr (requires { x->first_seen; }) {
    if (absent & f::kFirstSeen) x->first_seen = stored.first_seen;
    if (absent & f::kLastSeen) x->last_seen = stored.last_seen;
  }
  if constexpr (requires { x->tags; }) {
    if (absent & f::kTags) x->tags = stored.tags;
  }
  if constexpr (requires { x->disable_correlation; }) {
    if (absent & f::kDisableCorrelation) x->disable_correlation = stored.disable_correlation;
  }
  x->absent = 0;
}

void KeepAbsentAttribute(const model::Attribute& stored, model::Attribute* a) {
  namespace f = model::field;
  const model::FieldSet absent = a->absent;
  if (absent & f::kCategory) a->category = stored.category;
  if (absent & f::kToIds) a->to_ids = stored.to_ids;
  if (absent & f::kObjectRelation) a->object_relation = stored.object_relation;
  KeepAbsentShared(stored, a);
}

void KeepAbsentObject(const model::Object& stored, model::Object* o) {
  namespace f = model::field;
  const model::FieldSet absent = o->absent;
  if (absent & f::kMetaCategory) o->meta_category = stored.meta_category;
  if (absent & f::kDescription) o->description = stored.description;
  if (absent & f::kTemplateUuid) o->template_uuid = stored.template_uuid;
  if (absent & f::kTemplateVersion) o->template_version = stored.template_version;
  KeepAbsentShared(stored, o);
}

// Gives `ev` (an update of `stored`) the stored value of every field its
// document did not give, for the event and for each attribute and object
// that the stored event holds under the same uuid.
void KeepAbsentFields(const model::Event& stored, model::Event* ev) {
  namespace f = model::field;
  const model::FieldSet absent = ev->absent;
  if (absent & f::kDate) ev->date = stored.date;
  if (absent & f::kThreatLevel) ev->threat_level_id = stored.threat_level_id;
  if (absent & f::kAnalysis) ev->analysis = stored.analysis;
  if (absent & f::kPublished) ev->published = stored.published;
  if (absent & f::kPublishTimestamp) ev->publish_timestamp = stored.publish_timestamp;
  if (absent & f::kExtendsUuid) ev->extends_uuid = stored.extends_uuid;
  if (absent & f::kOrgc) ev->orgc = stored.orgc;
  KeepAbsentShared(stored, ev);
  std::unordered_map<std::string_view, const model::Attribute*> attrs;
  std::unordered_map<std::string_view, const model::Object*> objs;
  for (const auto& a : stored.attributes) attrs.emplace(a.uuid, &a);
  for (const auto& o : stored.objects) {
    objs.emplace(o.uuid, &o);
    for (const auto& a : o.attributes) attrs.emplace(a.uuid, &a);
  }
  auto attribute = [&](model::Attribute& a) {
    if (!a.absent) return;
    auto it = attrs.find(util::ToLower(a.uuid));
    if (it != attrs.end()) KeepAbsentAttribute(*it->second, &a);
  };
  for (auto& a : ev->attributes) attribute(a);
  for (auto& o : ev->objects) {
    if (o.absent) {
      auto it = objs.find(util::ToLower(o.uuid));
      if (it != objs.end()) KeepAbsentObject(*it->second, &o);
    }
    for (auto& a : o.attributes) attribute(a);
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
  std::optional<policy::Viewer> holder;  // `as`, reading its own events in full
  for (auto& ev : *events) {
    FillDefaults(&ev, now);
    auto head = store->events().FindEventHead(ev.uuid);
    if (head.ok() && !policy::HoldsEvent(as.id, head->org_id)) {
      // Only the holder of an event may change it: another member cannot
      // overwrite intelligence it did not import.
      if (ev.timestamp > head->timestamp) {
        report->skipped.push_back(policy::NotHolderNote(ev.uuid));
      } else {
        report->events_unchanged++;
      }
      continue;
    }
    if (head.ok() && ev.timestamp > head->timestamp) {
      // An update: what the document did not give keeps its stored value.
      if (!holder) {
        auto v = store->community().ViewerFor(as.id);
        if (!v.ok()) return v.status();
        holder = std::move(*v);
      }
      auto stored = store->events().GetEvent(*holder, ev.uuid, /*include_deleted=*/true);
      if (!stored.ok()) return stored.status().WithContext("event " + ev.uuid);
      KeepAbsentFields(*stored, &ev);
    } else if (!head.ok() && (ev.absent & model::field::kDistribution)) {
      ev.distribution = model::Distribution::kOrganisation;
      ev.sharing_group = {};
      if (opts.default_distribution)
        SANAD_RETURN_IF_ERROR(opts.default_distribution(&ev.distribution, &ev.sharing_group)
                                  .WithContext("event " + ev.uuid + ": default distribution"));
    }
    SANAD_RETURN_IF_ERROR(ResolveEvent(res, store, &ev, as));
    if (!head.ok() && ev.orgc.id != as.id) {
      auto orgc = store->community().GetOrg(ev.orgc.id);
      if (!orgc.ok()) return orgc.status();
      SANAD_RETURN_IF_ERROR(policy::CheckCreator(opts.creators, as.id, *orgc, "event " + ev.uuid));
      if (orgc->status == model::OrgStatus::kExternal)
        report->warnings.push_back("event " + ev.uuid + ": imported on behalf of external creator " +
                                   orgc->name + " (" + orgc->uuid + ")");
    }
    if (opts.warninglists) CheckWarninglists(*opts.warninglists, ev, report);
    report->attributes += static_cast<int64_t>(ev.attributes.size());
    report->objects += static_cast<int64_t>(ev.objects.size());
    for (const auto& o : ev.objects) report->attributes += static_cast<int64_t>(o.attributes.size());
    auto outcome = store->events().UpsertEvent(&ev);
    if (!outcome.ok()) return outcome.status().WithContext("event " + ev.uuid);
    if (opts.actor && (*outcome == store::UpsertOutcome::kCreated ||
                       *outcome == store::UpsertOutcome::kUpdated)) {
      SANAD_RETURN_IF_ERROR(audit::Record(
          store, *opts.actor,
          *outcome == store::UpsertOutcome::kCreated ? audit::action::kEventCreate
                                                     : audit::action::kEventUpdate,
          "event", ev.uuid, ev.orgc.uuid, std::to_string(CountAttributes(ev)) + " attributes"));
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
      sp.creators = opts.creators;
      // STIX carries no distribution: the events get the community default.
      model::SharingGroupRef sg;
      sp.distribution = model::Distribution::kOrganisation;
      if (opts.default_distribution)
        SANAD_RETURN_IF_ERROR(opts.default_distribution(&sp.distribution, &sg).WithContext(f));
      sp.sharing_group_id = sg.id;
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
