// The event section of the store: MISP events with their objects,
// attributes, references, tags and carried sightings.
//
// Reads take a policy::Viewer and return only what the policy allows (events
// are pre-filtered by the backend and then redacted by policy::Redact).
// uuids are stored in lower case: writes lower-case the uuids of what they
// store (in the caller's object too) and lookups by uuid ignore case.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "policy/policy.h"
#include "util/status.h"

namespace sanad::store {

// What is known of a stored event without loading it.
struct EventHead {
  int64_t id = 0;
  std::string uuid;
  model::Timestamp timestamp = 0;
  int64_t org_id = 0;
  int64_t orgc_id = 0;
  bool deleted = false;
};

// Event-level filters applied before policy redaction.
struct EventQuery {
  std::optional<bool> published;
  std::optional<model::Timestamp> since;  // event timestamp >= since
  std::optional<model::Timestamp> until;  // event timestamp <= until
  std::vector<std::string> uuids;         // empty = any
  std::optional<int64_t> orgc_id;
  bool include_deleted = false;
  int64_t limit = 0;     // 0 = no limit
  int64_t after_id = 0;  // only events with id > after_id (paging cursors)
};

enum class UpsertOutcome { kCreated, kUpdated, kUnchanged, kSkippedOlder };

class EventStore {
 public:
  virtual ~EventStore() = default;

  virtual StatusOr<EventHead> FindEventHead(std::string_view uuid) = 0;
  // Inserts or updates `ev` following MISP semantics: a new uuid is created;
  // an existing one is updated only when ev.timestamp is newer (attributes,
  // objects and references are upserted by uuid, each by its own timestamp;
  // items missing from `ev` are kept; tags of updated items are replaced);
  // equal timestamp -> kUnchanged; older -> kSkippedOlder.
  // An update keeps the stored org and orgc (check FindEventHead first).
  // All org and sharing-group refs in `ev` must carry resolved ids.
  // Assigns ids to everything inserted. Conflict when an attribute/object
  // uuid already belongs to another event (or appears twice in `ev`);
  // Invalid when an org/sharing-group id does not exist.
  // Sightings carried on attributes (Attribute::sightings) are stored when
  // the event is created or updated: a sighting whose uuid is stored already
  // is skipped; one without uuid gets a new uuid unless a sighting with the
  // same (attribute, org, type, date, source) exists. s.org.id 0 stores an
  // anonymous sighting (no org).
  // Outside a transaction the upsert is atomic. Inside one it takes no
  // savepoint (for speed): after an error part of the event may be written,
  // and the caller must roll the transaction back.
  virtual StatusOr<UpsertOutcome> UpsertEvent(model::Event* ev) = 0;
  // Sets the deleted flag and raises the event timestamp to `now`. NotFound.
  virtual Status SoftDeleteEvent(int64_t event_id, model::Timestamp now) = 0;

  // Visits the events `v` may see, in event id order, each loaded in full and
  // redacted by policy. `fn` returns false to stop early. Memory is bounded by
  // the largest single event.
  virtual Status ScanEvents(const policy::Viewer& v, const EventQuery& q,
                            const std::function<bool(model::Event&)>& fn) = 0;
  // One event by uuid as `v` may see it; NotFound when absent or hidden (the
  // two are indistinguishable on purpose).
  virtual StatusOr<model::Event> GetEvent(const policy::Viewer& v, std::string_view uuid,
                                          bool include_deleted = false) = 0;
};

}  // namespace sanad::store
