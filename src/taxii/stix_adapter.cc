// The one place the TAXII module calls the STIX conversion module.
#include <map>
#include <set>

#include "stix/stix.h"
#include "taxii/taxii.h"
#include "util/util.h"

namespace sanad::taxii {

namespace {

// STIX 2.1 cyber-observable types (ids derived from the observed values).
bool ObservableType(std::string_view t) {
  static const std::set<std::string_view> kScos = {
      "artifact",     "autonomous-system", "directory",       "domain-name",
      "email-addr",   "email-message",     "file",            "ipv4-addr",
      "ipv6-addr",    "mac-addr",          "mutex",           "network-traffic",
      "process",      "software",          "url",             "user-account",
      "windows-registry-key", "x509-certificate"};
  return kScos.count(t) > 0;
}

}  // namespace

bool SharedStixId(std::string_view type, std::string_view id) {
  if (ObservableType(type)) return true;
  return type == "marking-definition" && stix::TlpFromMarkingId(id) != model::Tlp::kNone;
}

Converter StixConverter() {
  return [](store::Store* s, const model::Event& ev) {
    stix::ExportOptions o;
    o.container = stix::Container::kReport;
    o.include_sightings = false;  // they depend on the individual viewer
    o.include_kept = true;
    return stix::EventToObjects(s, ev, o);
  };
}

Importer StixImporter() {
  return [](store::Store* s, std::string_view bundle,
            const AddTarget& t) -> StatusOr<ImportOutcome> {
    // Which objects go to which event: the parse ImportBundle makes (the
    // assignment does not depend on the options).
    auto parsed = stix::ParseBundle(bundle, stix::ParseOptions{});
    if (!parsed.ok()) return parsed.status();
    stix::ImportParams p;
    p.org_id = t.org_id;
    p.distribution = t.distribution;
    p.actor = t.actor;
    p.sharing_group_id = t.sharing_group_id;
    p.creators = t.creators;
    auto r = stix::ImportBundle(s, bundle, p);
    if (!r.ok()) return r.status();
    // ImportBundle reports the events it did not write in its warnings
    // ("event <uuid>: held by another organisation; ..." and "event <uuid>:
    // older than the stored version; skipped"): their objects were not
    // written. The first must not reach the caller (it would confirm an
    // event the caller may not see): it becomes kIdNotAccepted.
    std::map<std::string, std::string> event_failure;  // event uuid -> reason
    ImportOutcome out;
    for (const auto& pe : parsed->events) {
      const std::string prefix = "event " + pe.event.uuid + ": ";
      for (const auto& w : r->warnings) {
        if (w.rfind(prefix + "held by another organisation", 0) == 0)
          event_failure[pe.event.uuid] = kIdNotAccepted;
        else if (w.rfind(prefix + "older than the stored version", 0) == 0)
          event_failure[pe.event.uuid] =
              "not added: a newer version of the report (event) it belongs to is stored";
      }
    }
    for (const auto& u : r->unmapped) out.notes.push_back("kept unmapped: " + u);
    for (const auto& w : r->warnings)
      if (w.find(": held by another organisation") == std::string::npos) out.notes.push_back(w);
    std::set<std::string> written;
    std::map<std::string, std::string> failed;
    for (const auto& pe : parsed->events) {
      auto f = event_failure.find(pe.event.uuid);
      for (const auto& k : pe.objects) {
        size_t sep = k.stix_id.find("--");
        std::string key = sep == std::string::npos
                              ? k.stix_id
                              : k.stix_id.substr(0, sep + 2) + util::ToLower(k.stix_id.substr(sep + 2));
        if (f == event_failure.end())
          written.insert(key);
        else
          failed.emplace(key, f->second);
      }
    }
    for (auto& [key, why] : failed)
      if (!written.count(key)) out.not_written.emplace_back(key, why);
    return out;
  };
}

}  // namespace sanad::taxii
