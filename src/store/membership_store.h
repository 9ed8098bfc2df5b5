// The membership section of the store (schema version 5): community rules
// (versioned), applications and their sponsors, votes and ballots, decisions,
// membership periods, board terms, the automatic audience groups and the
// history of sharing-group membership changes made by governance.
//
// Rows only (the records are model/membership.h): the rules of the process
// live in src/membership. Every method runs inside the caller's transaction
// (store::Transaction on the Store the section was made from); nothing here
// commits. Records are never deleted: a rejected application, a closed vote
// or a past board term stays.
//
// Enumerations are stored as text (the values documented per field).
// Timestamps are Unix seconds; 0 means "not yet".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/membership.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::store {

class MembershipStore {
 public:
  virtual ~MembershipStore() = default;

  // ---- rules ----
  // Appends a new version (row->version = previous + 1).
  virtual Status AddRules(model::MembershipRulesRow* row) = 0;
  // Latest version when version is 0. NotFound when none was ever stored.
  virtual StatusOr<model::MembershipRulesRow> GetRules(int64_t version) = 0;

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

  // ---- votes and ballots ----
  virtual Status AddVote(model::MembershipVote* v) = 0;
  // Updates status, closed and the tallies of v.id.
  virtual Status UpdateVote(const model::MembershipVote& v) = 0;
  virtual StatusOr<model::MembershipVote> GetVote(std::string_view uuid) = 0;
  virtual StatusOr<model::MembershipVote> GetVoteById(int64_t id) = 0;
  // Oldest first; only open votes when open_only.
  virtual Status ListVotes(bool open_only, std::vector<model::MembershipVote>* out) = 0;
  // Conflict when the org has voted already.
  virtual Status AddBallot(const model::MembershipBallot& b) = 0;
  virtual Status ListBallots(int64_t vote_id, std::vector<model::MembershipBallot>* out) = 0;

  // ---- decisions, periods, board ----
  virtual Status AddDecision(model::MembershipDecision* d) = 0;
  virtual Status ListDecisions(std::vector<model::MembershipDecision>* out) = 0;  // oldest first
  virtual Status AddPeriod(model::MembershipPeriod* p) = 0;
  // Sets until = `until` on the org's ongoing periods.
  virtual Status EndPeriods(int64_t org_id, model::Timestamp until) = 0;
  virtual Status ListPeriods(std::vector<model::MembershipPeriod>* out) = 0;  // by org, then since
  virtual Status AddBoardTerm(model::BoardTerm* t) = 0;
  virtual Status ListBoardTerms(std::vector<model::BoardTerm>* out) = 0;  // oldest first

  // ---- audience groups and sharing-group membership ----
  // The sharing group maintained for audience `key` (NotFound when none).
  virtual StatusOr<int64_t> GetAudienceGroup(std::string_view key) = 0;
  virtual Status SetAudienceGroup(std::string_view key, int64_t sharing_group_id) = 0;
  virtual Status ListAudienceGroups(std::vector<std::pair<std::string, int64_t>>* out) = 0;
  // Removes an org from a sharing group (no-op when absent); bumps the data
  // generation when a row was removed.
  virtual Status RemoveSharingGroupOrg(int64_t sg_id, int64_t org_id) = 0;
  // Ids of the groups `org_id` belongs to.
  virtual Status ListOrgGroups(int64_t org_id, std::vector<int64_t>* out) = 0;
  virtual Status SetSharingGroupOwner(int64_t sg_id, int64_t org_id) = 0;
  virtual Status AddGroupChange(const model::GroupChange& c) = 0;
  // Changes concerning one org (0 = all), oldest first.
  virtual Status ListGroupChanges(int64_t org_id, std::vector<model::GroupChange>* out) = 0;
};

// The membership section over a store opened by Store::Open (shares its
// connection and transactions). `s` must outlive the result.
std::unique_ptr<MembershipStore> NewMembershipStore(Store* s);

}  // namespace sanad::store
