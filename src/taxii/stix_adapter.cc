// The one place the TAXII module calls the STIX conversion module.
#include "stix/stix.h"
#include "taxii/taxii.h"

namespace sanad::taxii {

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
            const AddTarget& t) -> StatusOr<std::vector<std::string>> {
    stix::ImportParams p;
    p.org_id = t.org_id;
    p.distribution = t.distribution;
    p.actor = t.actor;
    p.sharing_group_id = t.sharing_group_id;
    auto r = stix::ImportBundle(s, bundle, p);
    if (!r.ok()) return r.status();
    std::vector<std::string> notes;
    for (const auto& u : r->unmapped) notes.push_back("kept unmapped: " + u);
    for (const auto& w : r->warnings) notes.push_back(w);
    if (r->skipped_older)
      notes.push_back(std::to_string(r->skipped_older) +
                      " event(s) skipped: a newer version is stored");
    return notes;
  };
}

}  // namespace sanad::taxii
