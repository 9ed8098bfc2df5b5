// The embedded store: SQLite in WAL mode with foreign keys on, a versioned
// schema with forward migrations, prepared statements. Returns model types.
//
// Threading: one Store per thread. Writers wrap work in a Transaction; every
// import or request is exactly one transaction, so a failure leaves the store
// unchanged. Readers in other processes/threads do not wait for the writer
// (WAL).
//
// Reads of shared intelligence for an organisation take a policy::Viewer and
// return only what the policy allows (events are pre-filtered in SQL and then
// redacted by policy::Redact). Unfiltered reads exist only for internal
// maintenance (index rebuilds) and are named Unfiltered*.
//
// uuids are stored in lower case: writes lower-case the uuids of what they
// store (in the caller's object too) and lookups by uuid ignore case.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "policy/policy.h"
#include "util/status.h"

namespace sanad::store {

// Versions 1-3: the core (orgs, intel, audit). 4: incident coordination
// (store/incident_store.h), 5: membership governance
// (store/membership_store.h), 6: STIX objects kept beside events
// (store/stix_store.h), 7: TAXII collections (store/taxii_store.h), 8: signed
// checkpoints of the audit log (audit/checkpoint.h).
inline constexpr int kSchemaVersion = 8;

struct OpenOptions {
  bool create_if_missing = false;  // sanad init creates; other commands require an existing store
  bool read_only = false;
  int cache_mb = 64;  // SQLite page cache; imports raise it
};

struct ApiKey {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string prefix;  // first 8 characters of the key, shown in listings
  std::string hash;    // BLAKE2b-256 of the key (binary)
  model::Timestamp created = 0;
  model::Timestamp expires = 0;  // 0 = never
  bool read_only = false;
  std::string allowed_cidrs;  // comma-separated, empty = any
  bool revoked = false;
};

// What is known of a stored event without loading it.
struct EventHead {
  int64_t id = 0;
  std::string uuid;
  model::Timestamp timestamp = 0;
  int64_t org_id = 0;
  int64_t orgc_id = 0;
  bool deleted = false;
};

// Event-level filters applied in SQL before policy redaction.
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

// One entry of the hash-chained audit log (see audit/audit.h).
struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3, ... : the position in the chain
  model::Timestamp time = 0;
  std::string actor;           // user e-mail or "cli"
  std::string org_uuid;        // acting org ("" for a local operator)
  std::string action;          // "event.import", "read.export", ...
  std::string object_type;     // "event", "org", "sharing-group", ...
  std::string object_uuid;
  std::string owner_org_uuid;  // org whose item it is ("" for community objects)
  std::string details;
  std::string prev_hash;       // binary BLAKE2b-256 of the previous entry ("" for seq 1)
  std::string hash;            // binary
};

// A signed checkpoint of the audit log: the node's key vouches that entry
// `seq` had `hash` at `time` (see audit/checkpoint.h).
struct AuditCheckpoint {
  int64_t seq = 0;
  model::Timestamp time = 0;
  std::string hash;        // binary BLAKE2b-256 of entry `seq`
  std::string public_key;  // binary Ed25519 public key (32 bytes)
  std::string signature;   // binary Ed25519 signature (64 bytes)
};

enum class UpsertOutcome { kCreated, kUpdated, kUnchanged, kSkippedOlder };

class Transaction;

class Store {
 public:
  // Opens the store in directory `dir` (file `dir`/sanad.db). Migrates an
  // older schema forward; refuses a newer one.
  // NotFound when there is no store and !opts.create_if_missing.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& dir, const OpenOptions& opts);
  virtual ~Store() = default;

  virtual int SchemaVersion() = 0;
  virtual const std::string& path() const = 0;  // the database file, `dir`/sanad.db

  // ---- transactions (nesting is not allowed) ----
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;

  // ---- orgs ----
  // Assigns id (and uuid/created when empty). Conflict on duplicate name or uuid.
  virtual Status AddOrg(model::Org* org) = 0;
  // Updates name, country, kind, category, status and description of org.id
  // (uuid, created and the chair flag are kept; see SetChair). NotFound,
  // Conflict on a duplicate name.
  virtual Status UpdateOrg(const model::Org& org) = 0;
  // By uuid, or by name (case-insensitive). NotFound otherwise.
  virtual StatusOr<model::Org> FindOrg(std::string_view name_or_uuid) = 0;
  virtual StatusOr<model::Org> GetOrg(int64_t id) = 0;
  virtual Status ListOrgs(std::vector<model::Org>* out) = 0;
  // Makes `org_id` the only chair. Adding a second chair with AddOrg is a
  // Conflict.
  virtual Status SetChair(int64_t org_id) = 0;

  // ---- users and API keys ----
  virtual Status AddUser(model::User* user) = 0;  // Conflict on duplicate email
  virtual StatusOr<model::User> FindUser(std::string_view email) = 0;
  virtual StatusOr<model::User> GetUser(int64_t id) = 0;
  virtual Status ListUsers(int64_t org_id /*0 = all*/, std::vector<model::User>* out) = 0;
  virtual Status AddApiKey(ApiKey* key) = 0;
  // Looks a key up by its hash; NotFound when unknown.
  virtual StatusOr<ApiKey> FindApiKeyByHash(std::string_view hash) = 0;
  virtual Status ListApiKeys(int64_t user_id, std::vector<ApiKey>* out) = 0;
  // Marks a key revoked (idempotent); NotFound for an unknown id.
  virtual Status RevokeApiKey(int64_t key_id) = 0;

  // ---- sharing groups ----
  // Assigns id/uuid/created; the owner becomes a member.
  virtual Status AddSharingGroup(model::SharingGroup* sg) = 0;
  virtual Status AddSharingGroupOrg(int64_t sg_id, int64_t org_id) = 0;  // idempotent
  virtual StatusOr<model::SharingGroup> FindSharingGroup(std::string_view name_or_uuid) = 0;
  virtual StatusOr<model::SharingGroup> GetSharingGroup(int64_t id) = 0;
  virtual Status ListSharingGroups(std::vector<model::SharingGroup>* out) = 0;
  // The viewer context of an org: its id and the sorted ids of its groups.
  virtual StatusOr<policy::Viewer> ViewerFor(int64_t org_id) = 0;

  // ---- events ----
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

  // Counts for status output.
  struct Stats {
    int64_t orgs = 0, users = 0, sharing_groups = 0, events = 0, attributes = 0, objects = 0,
            tags = 0, sightings = 0;
  };
  virtual StatusOr<Stats> GetStats() = 0;

  // ---- intelligence (issue: intel engine) ----

  // One attribute as the correlation and detection indexes need it.
  struct IndexRow {
    int64_t attribute_id = 0;
    int64_t event_id = 0;
    std::string type;
    std::string canonical1;  // first (or only) canonical component
    std::string canonical2;  // second component of composite types, else ""
    bool to_ids = false;
    // attribute.disable_correlation || event.disable_correlation
    bool correlation_disabled = false;
    model::Timestamp timestamp = 0;
    policy::AccessPath access;  // what policy::MaySee needs; deleted = any level deleted
  };
  // Internal maintenance read (index rebuilds): every attribute, deleted ones
  // included (access.deleted set), in attribute id order. Not for output:
  // callers filter through policy::MaySee before anything leaves.
  virtual Status UnfilteredScanAttributes(const std::function<bool(const IndexRow&)>& fn) = 0;
  // Same row for a set of attribute ids (missing ids are skipped).
  virtual Status UnfilteredGetAttributes(const std::vector<int64_t>& ids,
                                         std::vector<IndexRow>* out) = 0;
  // Incremented by every committed write that changes events, attributes,
  // objects or sharing groups; indexes persisted beside the store record the
  // generation they were built from.
  virtual StatusOr<int64_t> DataGeneration() = 0;

  // A located attribute, for search and correlation output. Loaded through the
  // policy: NotFound when absent or not visible to `v`.
  struct AttributeContext {
    model::Attribute attribute;  // with tags
    std::string object_uuid;     // "" when not in an object
    std::string object_name;
    std::string event_uuid;
    std::string event_info;
    std::string event_date;
    bool event_published = false;
    model::OrgRef event_orgc;
    std::vector<model::Tag> event_tags;
    model::Tlp tlp = model::Tlp::kNone;  // strictest of attribute and event tags
  };
  virtual StatusOr<AttributeContext> GetAttributeContext(const policy::Viewer& v,
                                                         int64_t attribute_id) = 0;
  // Attribute id by uuid (no visibility check: callers check with MaySee).
  virtual StatusOr<int64_t> FindAttributeId(std::string_view uuid) = 0;
  // Attribute ids whose canonical1 or canonical2 equals one of `values`
  // (empty values match nothing); `ids` is replaced, sorted and unique.
  // Deleted attributes are included (callers check with MaySee).
  virtual Status FindAttributesByCanonical(const std::vector<std::string>& values,
                                           std::vector<int64_t>* ids) = 0;

  // Correlation exclusions: exact canonical values, or patterns with '%'
  // wildcards (SQL LIKE semantics, case-insensitive).
  struct CorrelationExclusion {
    int64_t id = 0;
    std::string value;
    std::string comment;
    model::Timestamp created = 0;
  };
  virtual Status AddCorrelationExclusion(CorrelationExclusion* e) = 0;    // Conflict if present
  virtual Status RemoveCorrelationExclusion(std::string_view value) = 0;  // NotFound if absent
  virtual Status ListCorrelationExclusions(std::vector<CorrelationExclusion>* out) = 0;

  // Community settings (key/value text), e.g. "correlation.max_events".
  virtual StatusOr<std::string> GetSetting(std::string_view key) = 0;  // NotFound if unset
  virtual Status SetSetting(std::string_view key, std::string_view value) = 0;

  // Sightings. AddSighting assigns id (and uuid when empty; date_sighting
  // when 0) and fills attribute_id/attribute_uuid; the attribute is given by
  // attribute_id (or attribute_uuid when id is 0); org.id required.
  // NotFound for an unknown attribute or org, Conflict on a duplicate uuid.
  // Not a data change: DataGeneration() is not bumped.
  virtual Status AddSighting(model::Sighting* s) = 0;
  // All sightings of one attribute, oldest first (no visibility filtering:
  // intel/sighting.h applies MISP's sighting policy).
  virtual Status ListSightings(int64_t attribute_id, std::vector<model::Sighting>* out) = 0;
  // All sightings of the attributes of one event (one query), ordered by
  // attribute id, then oldest first. Same (absent) filtering as ListSightings.
  virtual Status ListEventSightings(int64_t event_id, std::vector<model::Sighting>* out) = 0;
  // The id of the newest sighting (0 when there is none). Sightings are only
  // ever added, so this changes exactly when a sighting is recorded (caches
  // of answers that include sightings key on it).
  virtual StatusOr<int64_t> LastSightingId() = 0;
  // Internal maintenance read (indicator filters by decay or expiry): every
  // sighting, ordered by attribute id, then oldest first. `fn` returns false
  // to stop.
  virtual Status UnfilteredScanSightings(const std::function<bool(const model::Sighting&)>& fn) = 0;

  // ---- audit log (append-only; audit/audit.h computes the chain) ----
  virtual StatusOr<AuditEntry> LastAuditEntry() = 0;  // NotFound when empty
  virtual Status AppendAuditEntry(const AuditEntry& e) = 0;
  // Every entry in seq order.
  virtual Status ScanAuditEntries(const std::function<bool(const AuditEntry&)>& fn) = 0;
  // Entries about items owned by `owner_org_uuid`, in seq order (access
  // transparency: an originator lists who touched its items).
  virtual Status ScanAuditEntriesByOwner(std::string_view owner_org_uuid,
                                         const std::function<bool(const AuditEntry&)>& fn) = 0;
  // Signed checkpoints (append-only), and all of them in seq order.
  virtual Status AddAuditCheckpoint(const AuditCheckpoint& c) = 0;
  virtual Status ScanAuditCheckpoints(const std::function<bool(const AuditCheckpoint&)>& fn) = 0;
};

// RAII transaction: rolls back unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Store* s) : s_(s) { status_ = s_->Begin(); }
  ~Transaction() {
    if (status_.ok() && !done_) s_->Rollback();
  }
  const Status& status() const { return status_; }
  Status Commit() {
    done_ = true;
    return s_->Commit();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  Store* s_;
  Status status_;
  bool done_ = false;
};

}  // namespace sanad::store
