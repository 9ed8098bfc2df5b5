// STIX 2.1 conversion: MISP events <-> STIX 2.1 objects and bundles.
//
// Export (EventToObjects): one event becomes a report (or grouping) whose
// object_refs list everything else; to_ids attributes become indicators with
// STIX patterns, the others observed-data with their SCOs; the creator org
// (orgc) an identity used as created_by_ref; TLP 2.0 tags the official TLP 2.0
// marking-definitions (extension-definition--60a3c5c5-...); object references
// relationships; sightings (only those the viewer may see in full, MISP's
// sighting policy, intel/sighting.h) sighting SROs. Ids are deterministic:
// the MISP uuid of the item where there is one, otherwise a UUIDv5 (SCOs use
// the STIX 2.1 SCO namespace and id-contributing properties). The mapping is
// the table in docs/stix.md.
//
// Import (ImportBundle): every object of the bundle is stored. Reports and
// groupings become events; indicators, observed-data and standalone SCOs
// become attributes (or MISP objects); the creator identity becomes orgc; TLP
// marking-definitions become TLP tags; relationships from MISP objects become
// object references; sightings of mapped items become MISP sightings. Every
// original object is also kept verbatim beside its event (store/stix_store.h):
// objects Sanad does not map are exported again unchanged, and a mapped
// object is exported in its original form as long as the MISP item it became
// is unchanged (so a bundle round-trips exactly; see docs/stix.md). Objects
// not mapped are listed in ImportReport::unmapped ("type id: reason").
//
// Limits: a bundle is at most kMaxBundleBytes and kMaxObjects objects; a
// single object at most kMaxObjectBytes once serialised.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "model/model.h"
#include "policy/policy.h"
#include "store/stix_store.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::stix {

inline constexpr size_t kMaxBundleBytes = 256u << 20;  // 256 MiB
inline constexpr size_t kMaxObjects = 1000000;
inline constexpr size_t kMaxObjectBytes = 16u << 20;  // 16 MiB

// The TLP 2.0 extension and its marking-definition ids (OASIS
// cti-stix-common-objects, extension-definition-specifications/tlp-2.0).
inline constexpr const char* kTlp2ExtensionId =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
// The id of the TLP 2.0 marking-definition for `t` ("" for kNone).
const char* TlpMarkingId(model::Tlp t);
// The TLP level of a marking-definition id: TLP 2.0 ids and the STIX 2.1
// predefined TLP 1.0 ids (white reads as clear). kNone otherwise.
model::Tlp TlpFromMarkingId(std::string_view id);
// The complete marking-definition object text for `t` (t != kNone).
std::string TlpMarkingObject(model::Tlp t);

enum class Container { kReport, kGrouping };

struct ExportOptions {
  Container container = Container::kReport;
  // Add sighting SROs for the sightings `viewer` may see in full
  // (policy::SightingView::kDetails). Requires `viewer`.
  bool include_sightings = true;
  const policy::Viewer* viewer = nullptr;
  // Add the kept (unmapped) objects imported with the event.
  bool include_kept = true;
};

// The STIX 2.1 objects of one (already policy-redacted) event, each a
// complete JSON object text, in a deterministic order: marking-definitions,
// identities, the report/grouping, then the event's objects in MISP order,
// relationships, sightings, then the kept objects in import order. Includes
// the identity and marking-definition objects the event references. No
// duplicate ids. `s` may be null (no kept objects, no sightings).
StatusOr<std::vector<std::string>> EventToObjects(store::Store* s, const model::Event& ev,
                                                  const ExportOptions& o);

// A bundle {"type":"bundle","id":...,"objects":[...]} of already-serialised
// objects; objects whose id appeared earlier are dropped (shared identities
// and markings of several events). The bundle id is a UUIDv5 of the object ids
// (deterministic).
std::string MakeBundle(const std::vector<std::string>& objects);

// Every event `viewer` may see (store::ScanEvents, policy-redacted) as one
// bundle, written to `out` as it goes. With `actor`, every exported event
// marked TLP:AMBER/AMBER+STRICT/RED is recorded in the audit log.
struct BundleStats {
  int64_t events = 0;
  int64_t objects = 0;
};
Status ExportBundle(store::Store* s, const policy::Viewer& viewer, const store::EventQuery& q,
                    const ExportOptions& o, std::ostream& out, BundleStats* stats,
                    const policy::Actor* actor = nullptr);

// ---- import ----------------------------------------------------------------

struct ImportReport {
  int events = 0;  // events created or updated
  int created = 0, updated = 0;
  int unchanged = 0;                  // events already stored with the same timestamp
  int skipped_older = 0;              // events stored with a newer timestamp (nothing written)
  int mapped = 0;                     // objects mapped to MISP (events, attributes, objects, ...)
  int kept_unmapped = 0;              // objects stored verbatim only
  std::vector<std::string> unmapped;  // "type id: reason"
  std::vector<std::string> warnings;
  std::vector<std::string> external_orgs_created;
};

// One original STIX object kept beside an event (store/stix_store.h).
using KeptObject = store::StixObject;

struct ParsedEvent {
  model::Event event;               // orgc carries uuid/name; ids unresolved
  std::string orgc_identity_json;   // the identity the orgc came from ("" if none)
  std::vector<KeptObject> objects;  // every original object assigned to the event
};

struct ParsedBundle {
  std::vector<ParsedEvent> events;
  ImportReport report;  // mapped/kept counts, unmapped list, warnings
};

struct ParseOptions {
  // Creator of events whose report has no created_by_ref.
  model::OrgRef default_orgc;
  // Distribution of imported events (MISP default: community).
  model::Distribution distribution = model::Distribution::kCommunity;
};

// Parses a STIX 2.1 bundle, or a TAXII envelope ({"objects": [...]}), or a
// bare array of objects, into MISP events plus the kept originals. Every
// report/grouping is an event; objects are assigned to the first report
// that references them (directly, or through a relationship/sighting/
// observed-data that is), the rest to the first event; a bundle without
// report or grouping becomes one event whose uuid is a UUIDv5 of its sorted
// object ids. Errors (Invalid) name the JSON path, e.g. "objects[3].id: ...".
StatusOr<ParsedBundle> ParseBundle(std::string_view json, const ParseOptions& o);

struct ImportParams {
  int64_t org_id = 0;  // the importing org: local owner of the events
  model::Distribution distribution = model::Distribution::kCommunity;
  // With distribution kSharingGroup: the group the events go to (the
  // importing org must belong to it).
  int64_t sharing_group_id = 0;
  // When set, every created/updated event is recorded in the audit log.
  const policy::Actor* actor = nullptr;
  // Whose name a created event may carry as its creator (created_by_ref):
  // another member's identity is refused (Permission) unless this is sync;
  // external identities need kOwnOrExternal (policy::MayNameCreator).
  policy::CreatorRule creators = policy::CreatorRule::kOwnOrExternal;
};

// Imports a bundle into the store as org `org_id` within the caller's
// transaction (no Begin/Commit here; on error the caller rolls back).
// Unknown creator identities become external orgs. Re-importing is
// idempotent; an event stored with a newer timestamp is skipped and reported;
// only the org holding an event may update it (another org's import of it is
// skipped and reported in warnings). An indicator/observable whose uuid is
// already stored in another event is kept unmapped in this one (reported).
StatusOr<ImportReport> ImportBundle(store::Store* s, std::string_view json, const ImportParams& p);

// True when `json` looks like a STIX bundle (a top-level object whose "type"
// is "bundle") or one bare STIX 2.1 object ("spec_version" and a type--uuid
// "id"); cheap (first 64 KiB), for format auto-detection.
bool LooksLikeBundle(std::string_view json);

}  // namespace sanad::stix
