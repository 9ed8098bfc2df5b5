// Sightings and indicator scores.
//
// A sighting is an organisation's report that it saw an attribute's value
// (seen), found it to be a false positive, or declares it expired. Who may
// read which sighting is policy::ViewSighting (MISP's "event owner" policy:
// the event owner and the reporter see details, other viewers of the
// attribute see counts per type).
//
// The score of an attribute follows MISP's polynomial decay model; the
// formula is documented in docs/intel.md, "Sightings and decay":
//   score(t) = base * (1 - (t / tau)^(1 / delta)), clamped to [0, base]
// where t is the age of the attribute's freshest evidence, tau the lifetime
// of its type class and base 100 halved for every false-positive sighting
// beyond the number of seen sightings; an expiration sighting dated at or
// before `now` makes the score 0.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "policy/policy.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::intel {

// ---- decay ------------------------------------------------------------------

// Type classes with their own lifetime.
enum class DecayClass { kIp = 0, kDomain, kUrl, kHash, kOther };
inline constexpr int kDecayClasses = 5;
const char* Name(DecayClass c);  // "ip", "domain", "url", "hash", "other"
// By the MISP type's value kind: IP types (ip-dst, ip-src|port, ...) -> kIp;
// hostname types (domain, hostname, domain|ip) -> kDomain; url, uri, link ->
// kUrl; hash types (md5, sha256, ssdeep, filename|sha1, ...) -> kHash;
// everything else (and unknown types) -> kOther.
DecayClass ClassifyForDecay(std::string_view attribute_type);

struct DecayConfig {
  // Lifetime tau in days per DecayClass: ip 30, domain 90, url 90, hash 365,
  // other 180.
  std::array<double, kDecayClasses> tau_days = {30, 90, 90, 365, 180};
  double delta = 1.0;  // 1 = linear; > 1 decays slowly first, < 1 fast first
  double base = 100.0;
  double false_positive_factor = 0.5;
};

// The defaults overridden by the store settings "decay.tau.<class>" (days)
// and "decay.delta". Invalid (naming the setting) when a value is not a
// positive finite number.
StatusOr<DecayConfig> LoadDecayConfig(store::Store* store);

// The score in [0, cfg.base] of one attribute of `type` last changed at
// `attribute_timestamp`, given all its sightings (any order).
double Score(const DecayConfig& cfg, std::string_view type, model::Timestamp attribute_timestamp,
             std::span<const model::Sighting> sightings, model::Timestamp now);

// ---- recording and reading ----------------------------------------------------

// Where a new sighting goes: exactly one of the two.
struct SightingTarget {
  std::string attribute_uuid;  // one attribute
  std::string value;           // every attribute with this canonical value
};

struct NewSighting {
  model::SightingType type = model::SightingType::kSeen;
  std::string source;
  model::Timestamp time = 0;  // 0 = now
};

// Records a sighting by `org` on the target attributes that `org` may see
// (by value: canonical1 or canonical2 equal to the value as given or as
// canonicalised for its guessed type; deleted and hidden attributes are
// skipped). NotFound when no visible attribute matches (a hidden one reads as
// absent); Invalid when the target is empty or names both. `added` receives
// the stored sightings, in attribute id order. Not transactional by itself.
Status AddSighting(store::Store* store, const model::Org& org, const SightingTarget& target,
                   const NewSighting& sighting, std::vector<model::Sighting>* added);

// What a viewer may learn of the sightings of one attribute.
struct SightingSummary {
  int64_t attribute_id = 0;
  std::string attribute_uuid;
  std::string type;
  std::string value;
  // Number of sightings per model::SightingType (seen, false-positive,
  // expiration), all reporters included.
  std::array<int64_t, 3> counts = {0, 0, 0};
  // The sightings `v` may see in full (policy::SightingView::kDetails),
  // oldest first.
  std::vector<model::Sighting> details;
  bool all_details = false;  // true when `details` holds every sighting
  double score = 0;
  DecayClass decay_class = DecayClass::kOther;
};

// The sightings of attribute `attribute_id` as `v` sees them, with the
// current score. NotFound when the attribute is absent, deleted or hidden.
StatusOr<SightingSummary> ListSightings(store::Store* store, const policy::Viewer& v,
                                        int64_t attribute_id, const DecayConfig& cfg,
                                        model::Timestamp now);

// The score of one attribute as `v` may ask for it (NotFound as above).
StatusOr<double> ScoreAttribute(store::Store* store, const policy::Viewer& v, int64_t attribute_id,
                                const DecayConfig& cfg, model::Timestamp now);

}  // namespace sanad::intel
