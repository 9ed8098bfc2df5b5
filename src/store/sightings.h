// The sighting section of the store. Sightings are only ever added.
//
// Reads are unfiltered: intel/sighting.h applies MISP's sighting policy
// (policy::ViewSighting) before anything leaves.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "model/model.h"
#include "util/status.h"

namespace sanad::store {

class SightingStore {
 public:
  virtual ~SightingStore() = default;

  // Assigns id (and uuid when empty; date_sighting when 0) and fills
  // attribute_id/attribute_uuid; the attribute is given by attribute_id (or
  // attribute_uuid when id is 0); org.id required. NotFound for an unknown
  // attribute or org, Conflict on a duplicate uuid. Not a data change:
  // IntelStore::DataGeneration() is not bumped.
  virtual Status AddSighting(model::Sighting* s) = 0;
  // All sightings of one attribute, oldest first.
  virtual Status ListSightings(int64_t attribute_id, std::vector<model::Sighting>* out) = 0;
  // All sightings of the attributes of one event (one query), ordered by
  // attribute id, then oldest first.
  virtual Status ListEventSightings(int64_t event_id, std::vector<model::Sighting>* out) = 0;
  // The id of the newest sighting (0 when there is none): changes exactly
  // when a sighting is recorded (caches of answers that include sightings key
  // on it).
  virtual StatusOr<int64_t> LastSightingId() = 0;
  // Internal maintenance read (indicator filters by decay or expiry): every
  // sighting, ordered by attribute id, then oldest first. `fn` returns false
  // to stop.
  virtual Status UnfilteredScanSightings(const std::function<bool(const model::Sighting&)>& fn) = 0;
};

}  // namespace sanad::store
