// The STIX section of the store (schema version 6): original STIX 2.1
// objects kept beside the event they were imported with.
//
// Every object of an imported bundle is kept verbatim (compact JSON) with
// the event it was assigned to: objects Sanad does not map to MISP (misp_uuid
// "") are exported again unchanged with the event; mapped objects carry the
// uuid of the MISP item they became and a fingerprint of what Sanad would
// export for that item as imported, so the exporter can return the original
// while the item is unchanged (stix/stix.h).
//
// Rows are not filtered by policy here: callers read the rows of an event
// only after policy::Redact showed the event to the viewer, and drop the rows
// of mapped items the viewer may not see. Not transactional by itself: the
// caller holds the store transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/store.h"
#include "util/status.h"

namespace sanad::store {

struct StixObject {
  std::string stix_id;  // "type--uuid", as received (lower-cased uuid part is not forced)
  std::string type;
  std::string json;         // the object as received, compact serialisation
  std::string misp_uuid;    // MISP item it was mapped to; "" when kept unmapped
  std::string fingerprint;  // see above; "" when kept unmapped
  int64_t position = 0;     // order within the event (import order); set by the store
};

class StixStore {
 public:
  virtual ~StixStore() = default;
  // Upserts `objects` for event `event_id` by stix_id: an existing row is
  // replaced in place (keeping its position), new rows are appended in the
  // given order. Rows of the event not named in `objects` are kept.
  // Invalid for an empty stix_id or an unknown event.
  virtual Status PutEventObjects(int64_t event_id, const std::vector<StixObject>& objects) = 0;
  // The rows of one event in position order.
  virtual Status ListEventObjects(int64_t event_id, std::vector<StixObject>* out) = 0;
  // Removes every row of the event (idempotent).
  virtual Status DeleteEventObjects(int64_t event_id) = 0;
  // The ids of the events holding a row with this stix id (any case of the
  // uuid part), ascending.
  virtual Status FindEventsByStixId(const std::string& stix_id,
                                    std::vector<int64_t>* event_ids) = 0;
  // Number of rows, and of rows kept unmapped.
  struct Counts {
    int64_t objects = 0;
    int64_t unmapped = 0;
  };
  virtual StatusOr<Counts> Count() = 0;
};

// The SQLite implementation over an open store (shares its connection and
// transactions). `s` must outlive the returned object.
std::unique_ptr<StixStore> NewStixStore(Store* s);

}  // namespace sanad::store
