// The store: opens the database, hands out its sections and runs
// transactions. The sections are narrow interfaces (store/community.h,
// events.h, intel.h, sightings.h, audit_log.h, settings.h, and the domain
// sections incident_store.h, membership_store.h, stix_store.h,
// taxii_store.h); store/sqlite/ implements them over SQLite (WAL mode,
// foreign keys on, a versioned schema with forward migrations, prepared
// statements). Nothing backend-specific shows through a section.
//
// Threading: one Store per thread. Writers wrap work in a Transaction; every
// import or request is exactly one transaction, so a failure leaves the store
// unchanged. Readers in other processes/threads do not wait for the writer.
//
// Reads of shared intelligence for an organisation take a policy::Viewer and
// return only what the policy allows. Unfiltered reads exist only for
// internal maintenance (index rebuilds) and are named Unfiltered*.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "store/audit_log.h"
#include "store/community.h"
#include "store/events.h"
#include "store/intel.h"
#include "store/settings.h"
#include "store/sightings.h"
#include "util/status.h"

namespace sanad::store {

// The domain sections, declared in their own headers (the store only hands
// them out): store/incident_store.h, incident_rfa_store.h,
// incident_task_store.h, membership_store.h, membership_vote_store.h,
// membership_rules_store.h.
class IncidentStore;
class RfaStore;
class TaskStore;
class MembershipStore;
class MembershipVoteStore;
class MembershipRulesStore;

// Versions 1-3: the core (orgs, intel, audit). 4: incident coordination
// (store/incident_store.h), 5: membership governance
// (store/membership_store.h), 6: STIX objects kept beside events
// (store/stix_store.h), 7: TAXII collections (store/taxii_store.h), 8: signed
// checkpoints of the audit log (audit/checkpoint.h).
inline constexpr int kSchemaVersion = 8;

struct OpenOptions {
  bool create_if_missing = false;  // sanad init creates; other commands require an existing store
  bool read_only = false;
  int cache_mb = 64;  // page cache; imports raise it
};

// Counts for status output.
struct Stats {
  int64_t orgs = 0, users = 0, sharing_groups = 0, events = 0, attributes = 0, objects = 0,
          tags = 0, sightings = 0;
};

class Store {
 public:
  // Opens the store in directory `dir` (file `dir`/sanad.db). Migrates an
  // older schema forward; refuses a newer one.
  // NotFound when there is no store and !opts.create_if_missing.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& dir, const OpenOptions& opts);
  virtual ~Store() = default;

  virtual int SchemaVersion() = 0;
  virtual const std::string& path() const = 0;  // the database file, `dir`/sanad.db

  // ---- the sections (owned by the store, valid while it lives) ----
  virtual CommunityStore& community() = 0;
  virtual EventStore& events() = 0;
  virtual IntelStore& intel() = 0;
  virtual SightingStore& sightings() = 0;
  virtual AuditLogStore& audit_log() = 0;
  virtual SettingsStore& settings() = 0;
  virtual IncidentStore& incidents() = 0;
  virtual RfaStore& rfas() = 0;
  virtual TaskStore& incident_tasks() = 0;
  virtual MembershipStore& membership() = 0;
  virtual MembershipVoteStore& membership_votes() = 0;
  virtual MembershipRulesStore& membership_rules() = 0;

  virtual StatusOr<Stats> GetStats() = 0;

  // ---- transactions (nesting is not allowed; use Transaction) ----
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
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
