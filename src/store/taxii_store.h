// The TAXII section of the store (schema version 7): the object log of each
// TAXII collection and the status resources of add requests.
//
// A collection's log holds one row per (STIX id, version) served by the
// collection, with the date it was added: microseconds, unique and strictly
// increasing within the collection, so that exclusive added_after paging
// never drops or repeats an object. Rows are appended (or moved to a new
// date_added when the same version's content changed) by taxii::Refresh,
// which converts the events changed since the collection was last refreshed;
// reads never convert.
//
// Every row names the event it came from (`event_id`, the visibility anchor):
// readers check that event with the one policy before serving the row.
// Nothing here filters by policy. Not transactional by itself: the caller
// holds the store transaction for writes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "util/status.h"

namespace sanad::store {

// One version of one STIX object in a collection.
struct TaxiiObjectRow {
  int64_t seq = 0;
  std::string collection;
  std::string stix_id;
  std::string type;
  std::string spec_version;  // "2.1"
  std::string version;       // the object's modified (or created) text; "" for SCOs
  int64_t version_us = 0;    // version as microseconds; date_added for SCOs
  int64_t date_added = 0;    // microseconds since the epoch
  int64_t event_id = 0;      // the event the row came from (visibility anchor)
  bool latest = false;       // newest version of stix_id in the collection
  bool first = false;        // oldest version
  bool withdrawn = false;    // no event of the collection produces it any more
  std::string hash;          // BLAKE2b-256 of `json`
  std::string json;          // the object, compact JSON
};

// What a refresh remembers of one event of one collection.
struct TaxiiEventState {
  int64_t event_id = 0;
  int64_t timestamp = 0;   // events.timestamp when last converted
  bool present = false;    // the event contributed objects
  bool sensitive = false;  // TLP:AMBER, AMBER+STRICT or RED in what was converted
  std::string event_uuid;
  std::string orgc_uuid;
};

// Which events a collection draws from (pre-filter in SQL; the policy
// redaction decides).
struct TaxiiSource {
  enum Kind { kAll, kSharingGroup, kOrg, kClear } kind = kAll;
  int64_t id = 0;  // sharing group id (kSharingGroup) or org id (kOrg)
};

// Filters of a log read; empty lists match anything.
struct TaxiiQuery {
  std::string collection;
  int64_t after = 0;  // date_added > after (0: from the start)
  std::vector<std::string> ids, types, spec_versions;
  // Versions: latest, first, all (overrides both), or these version_us.
  bool latest = true, first = false, all = false;
  std::vector<int64_t> versions_us;
  int64_t limit = 100;  // rows returned at most
};

// The fields of an event that the policy needs (no attributes loaded).
struct TaxiiEventAccess {
  int64_t org_id = 0;
  int distribution = 0;
  int64_t sharing_group_id = 0;
  bool deleted = false;
  std::string uuid;
  int64_t timestamp = 0;
};

class TaxiiStore {
 public:
  virtual ~TaxiiStore() = default;

  // ---- refresh bookkeeping ----
  // The data generation the collection was last refreshed at (-1: never),
  // and the last date_added it handed out (0: none).
  struct CollectionState {
    int64_t generation = -1;
    int64_t last_added = 0;
  };
  virtual StatusOr<CollectionState> GetCollectionState(std::string_view collection) = 0;
  virtual Status SetCollectionState(std::string_view collection, const CollectionState& st) = 0;
  // Ids of the events to (re)convert for `collection`, ascending: events of
  // `src` never seen, and seen events whose timestamp changed since.
  virtual Status ChangedEvents(std::string_view collection, const TaxiiSource& src,
                               std::vector<int64_t>* event_ids) = 0;
  virtual Status PutEventState(std::string_view collection, const TaxiiEventState& st) = 0;
  virtual StatusOr<TaxiiEventState> GetEventState(std::string_view collection,
                                                  int64_t event_id) = 0;

  // ---- the object log ----
  // Every row of stix_id (withdrawn ones included), oldest version first.
  virtual Status ObjectVersions(std::string_view collection, std::string_view stix_id,
                                std::vector<TaxiiObjectRow>* out) = 0;
  // Appends a version (assigns seq) and recomputes latest/first of stix_id.
  virtual Status InsertObject(TaxiiObjectRow* row) = 0;
  // Replaces the content of row `seq` (new json, hash, date_added, anchor)
  // and clears its withdrawn flag.
  virtual Status ReplaceObject(const TaxiiObjectRow& row) = 0;
  // Sets the withdrawn flag and anchor of every version of stix_id.
  virtual Status SetWithdrawn(std::string_view collection, std::string_view stix_id, bool withdrawn,
                              int64_t anchor_event_id) = 0;
  // Which events currently produce which ids in the collection.
  virtual Status EventObjectIds(std::string_view collection, int64_t event_id,
                                std::vector<std::string>* stix_ids) = 0;
  virtual Status SetEventObjectIds(std::string_view collection, int64_t event_id,
                                   const std::vector<std::string>& stix_ids) = 0;
  // Another event (not `except`) producing stix_id, or 0.
  virtual StatusOr<int64_t> OtherProducer(std::string_view collection, std::string_view stix_id,
                                          int64_t except_event_id) = 0;
  // Rows matching `q` (withdrawn rows never), by date_added.
  virtual Status Query(const TaxiiQuery& q, std::vector<TaxiiObjectRow>* out) = 0;
  // Number of served rows (latest, not withdrawn) of the collection.
  virtual StatusOr<int64_t> CountLatest(std::string_view collection) = 0;

  // The policy-relevant fields of an event; NotFound when absent.
  virtual StatusOr<TaxiiEventAccess> EventAccess(int64_t event_id) = 0;

  // ---- who holds a STIX id (write checks of add requests) ----
  // One entry per stored row carrying `stix_id`: MISP items whose uuid is the
  // id's uuid part (events, attributes, objects, object references), kept
  // STIX originals (store/stix_store.h) and object-log rows of every
  // collection, each with the organisation holding the event of the row (its
  // local owner) and, for kept originals and log rows, the object text (""
  // for MISP items). The uuid part is matched lower-cased. Not filtered by
  // policy: for write checks only, never to answer a reader.
  struct StixIdHolder {
    int64_t org_id = 0;
    std::string json;
  };
  virtual Status StixIdHolders(std::string_view stix_id, std::vector<StixIdHolder>* out) = 0;

  // ---- status resources (add requests) ----
  struct StatusResource {
    std::string id;  // uuid
    std::string collection;
    int64_t org_id = 0;
    int64_t request_us = 0;
    std::string json;  // the status resource as served
  };
  virtual Status PutStatus(const StatusResource& s) = 0;
  // NotFound when absent.
  virtual StatusOr<StatusResource> GetStatus(std::string_view id) = 0;
};

// The SQLite implementation over an open store (shares its connection and
// transactions). `s` must outlive the returned object.
std::unique_ptr<TaxiiStore> NewTaxiiStore(Store* s);

}  // namespace sanad::store
