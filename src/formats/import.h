// Imports files into the store: MISP JSON files, {"response": [...]} lists,
// and MISP feed directories (manifest.json plus <uuid>.json files).
//
// The whole import is one transaction: any error rolls everything back and
// the store is unchanged. The importing org (--as) becomes the local owner
// (event.org); the creator (orgc) is kept from the document; an orgc unknown
// to the store is created as an external org and reported. Sharing groups
// are resolved by uuid (or created from an embedded SharingGroup definition);
// an unknown group without a definition is an error.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "intel/warninglist.h"
#include "model/model.h"
#include "policy/policy.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::formats {

struct ImportReport {
  int files = 0;
  int events_created = 0;
  int events_updated = 0;
  int events_unchanged = 0;
  int events_skipped_older = 0;
  int64_t attributes = 0;  // attributes read (inside and outside objects)
  int64_t objects = 0;
  std::vector<std::string> external_orgs_created;
  std::vector<std::string> sharing_groups_created;
  std::vector<std::string> warnings;          // category mismatches, warninglist hits, ...
  int64_t warninglist_hits = 0;               // attributes hitting a warninglist
  std::vector<std::string> skipped;           // "uuid: older than the stored version"
  std::vector<std::string> preserved_fields;  // unmodelled fields kept verbatim
  std::vector<std::string> ignored_fields;    // instance-local fields ignored
  // STIX 2.1 bundles (stix/stix.h): objects mapped to MISP, objects kept
  // verbatim only, and the latter listed as "type id: reason".
  int64_t stix_mapped = 0;
  int64_t stix_kept_unmapped = 0;
  std::vector<std::string> stix_unmapped;
};

struct ImportOptions {
  // Called after each file with (files done, total files, bytes done); for
  // progress display. May be empty.
  std::function<void(size_t, size_t, uint64_t)> progress;
  // Attributes whose canonical value hits one of these lists are reported as
  // warnings (never rejected). Null: no check.
  const intel::WarninglistSet* warninglists = nullptr;
  // When set, every created or updated event is recorded in the audit log
  // (same transaction).
  const policy::Actor* actor = nullptr;
  // Called for each created or updated event (inside the import's
  // transaction) to add warnings of the caller's own checks to the report,
  // e.g. the membership module's TLP audience check. May be empty.
  std::function<Status(store::Store*, const model::Event&, std::vector<std::string>*)> check_event;
  // Whose name a created event may carry as its creator (policy::CreatorRule):
  // another member's name is refused unless this is sync (kAny); an external
  // creator needs an administrator's import (kOwnOrExternal, the CLI's
  // default) and is reported. Refusal is a Permission error naming the event.
  policy::CreatorRule creators = policy::CreatorRule::kOwnOrExternal;
  // Gives the distribution of a new event whose document names none: the
  // community's default (membership::DefaultDistribution); called only when
  // needed. Empty: organisation only. An update that names none keeps the
  // stored distribution.
  std::function<Status(model::Distribution*, model::SharingGroupRef*)> default_distribution;
};

// At most this many warninglist hits are listed one by one in the report;
// the rest are counted.
inline constexpr size_t kMaxListedWarnings = 200;

// Imports `paths` (files or feed directories) as org `as`.
Status ImportPaths(store::Store* store, const std::vector<std::string>& paths,
                   const model::Org& as, const ImportOptions& opts, ImportReport* report);

// Updates follow MISP's edit semantics on every path: a field that the
// document did not give (model::field, Event/Object/Attribute::absent) keeps
// its stored value, so an update never widens an audience, drops a marking or
// resets a state it did not name. Items absent from the document are kept.

// Imports already-parsed events (used by the API and tests). Not
// transactional by itself: the caller holds the transaction.
Status ImportEvents(store::Store* store, std::vector<model::Event>* events,
                    const model::Org& as, const ImportOptions& opts, ImportReport* report);

}  // namespace sanad::formats
