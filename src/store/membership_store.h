// The membership section of the store (schema version 5), part 1 of 3: the
// members — applications and their sponsors, the decisions taken, and the
// membership periods of each org. Votes, ballots and board terms are
// store/membership_vote_store.h; the community rules, the automatic audience
// groups and governance's changes to sharing groups are
// store/membership_rules_store.h. store::Store hands the three out
// (membership(), membership_votes(), membership_rules()).
//
// Rows only (the records are model/membership.h): the rules of the process
// live in src/membership. Every method runs inside the caller's transaction
// (store::Transaction on the Store the section came from); nothing here
// commits. Records are never deleted: a rejected application, a closed vote
// or a past board term stays.
//
// Enumerations are stored as text (the values documented per field).
// Timestamps are Unix seconds; 0 means "not yet".
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/membership.h"
#include "util/status.h"

namespace sanad::store {

class MembershipStore {
 public:
  virtual ~MembershipStore() = default;

  // ---- applications and sponsors ----
  virtual Status AddApplication(model::MembershipApplication* a) = 0;
  // Updates org_id, org_uuid, status, decided and reason of a->id.
  virtual Status UpdateApplication(const model::MembershipApplication& a) = 0;
  virtual StatusOr<model::MembershipApplication> GetApplication(std::string_view uuid) = 0;
  virtual StatusOr<model::MembershipApplication> GetApplicationById(int64_t id) = 0;
  // Oldest first.
  virtual Status ListApplications(std::vector<model::MembershipApplication>* out) = 0;
  // Conflict when the org already sponsors the application.
  virtual Status AddSponsor(const model::MembershipSponsor& s) = 0;
  virtual Status ListSponsors(int64_t application_id,
                              std::vector<model::MembershipSponsor>* out) = 0;

  // ---- decisions and periods ----
  virtual Status AddDecision(model::MembershipDecision* d) = 0;
  virtual Status ListDecisions(std::vector<model::MembershipDecision>* out) = 0;  // oldest first
  virtual Status AddPeriod(model::MembershipPeriod* p) = 0;
  // Sets until = `until` on the org's ongoing periods.
  virtual Status EndPeriods(int64_t org_id, model::Timestamp until) = 0;
  virtual Status ListPeriods(std::vector<model::MembershipPeriod>* out) = 0;  // by org, then since
};

}  // namespace sanad::store
