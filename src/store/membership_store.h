// The membership section of the store (schema version 5): community rules
// (versioned), applications and their sponsors, votes and ballots, decisions,
// membership periods, board terms, the automatic audience groups and the
// history of sharing-group membership changes made by governance.
//
// Rows only: the rules of the process live in src/membership. Every method
// runs inside the caller's transaction (store::Transaction on the Store the
// section was made from); nothing here commits. Records are never deleted:
// a rejected application, a closed vote or a past board term stays.
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

#include "model/model.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::store {

struct MembershipRulesRow {
  int64_t version = 0;  // 1, 2, ...: assigned by AddRules
  std::string rules_json;
  model::Timestamp created = 0;
  std::string actor;     // "cli" or a user e-mail
  std::string org_uuid;  // acting org ("" for a local operator)
};

struct MembershipApplication {
  int64_t id = 0;
  std::string uuid;  // assigned when empty
  std::string name;
  std::string country;
  model::OrgKind kind = model::OrgKind::kNationalCert;
  model::MembershipCategory category = model::MembershipCategory::kFull;
  std::string profile_json;  // the RFC 2350-style profile (validated by src/membership)
  // The organisation: an existing org applying for another category, or the
  // org created on acceptance; 0 until then.
  int64_t org_id = 0;
  std::string org_uuid;  // uuid the new org receives (assigned by the domain)
  // awaiting-sponsors, voting, awaiting-decision, accepted, rejected, lapsed
  std::string status;
  int64_t rules_version = 0;  // rules in force when submitted
  model::Timestamp submitted = 0;
  std::string submitted_by;  // actor text
  model::Timestamp decided = 0;
  std::string reason;  // decision reason
};

struct MembershipSponsor {
  int64_t application_id = 0;
  int64_t org_id = 0;
  model::Timestamp time = 0;
  std::string statement;
  // Filled on reads.
  std::string org_uuid, org_name, org_country;
  model::MembershipCategory org_category = model::MembershipCategory::kFull;
  model::OrgKind org_kind = model::OrgKind::kNationalCert;
};

struct MembershipVote {
  int64_t id = 0;
  std::string uuid;            // assigned when empty
  std::string kind;            // admission, suspension, revocation, reinstatement
  int64_t subject_org_id = 0;  // 0 for the admission of a new org
  int64_t application_id = 0;  // admission votes
  std::string motion;          // the question / reason
  std::string proposed_by;     // org uuid ("" for the local operator or the process)
  model::Timestamp opens = 0;
  model::Timestamp closes = 0;
  std::string quorum;    // "N/D" of the eligible voters
  std::string majority;  // "simple" or "N/D" of the yes+no ballots
  int64_t eligible = 0;  // eligible voters when the vote opened
  std::string status;    // open, passed, failed, no-quorum
  model::Timestamp closed = 0;
  int64_t yes = 0, no = 0, abstain = 0;  // set when closed
  // Filled on reads.
  std::string subject_name, subject_uuid, application_uuid;
};

struct MembershipBallot {
  int64_t vote_id = 0;
  int64_t org_id = 0;
  std::string choice;  // yes, no, abstain
  model::Timestamp time = 0;
  std::string comment;
  std::string org_uuid, org_name;  // filled on reads
};

struct MembershipDecision {
  int64_t id = 0;
  std::string uuid;  // assigned when empty
  model::Timestamp time = 0;
  // admission, rejection, lapse, suspension, revocation, reinstatement,
  // motion-failed, chair-handover, board-election, rules
  std::string kind;
  int64_t subject_org_id = 0;
  int64_t application_id = 0;
  int64_t vote_id = 0;
  std::string decided_by;  // "vote", "chair", "process" (clock rules), "operator"
  std::string actor;       // who recorded it (user e-mail or "cli")
  std::string details;
  // Filled on reads.
  std::string subject_name, subject_uuid, application_uuid, vote_uuid;
};

// One period of membership in a category; until 0 = ongoing.
struct MembershipPeriod {
  int64_t id = 0;
  int64_t org_id = 0;
  model::MembershipCategory category = model::MembershipCategory::kFull;
  model::Timestamp since = 0;
  model::Timestamp until = 0;
  int64_t decision_id = 0;
};

struct BoardTerm {
  int64_t id = 0;
  std::string uuid;
  model::Timestamp starts = 0;
  model::Timestamp ends = 0;
  int64_t decision_id = 0;
  std::vector<model::OrgRef> seats;  // ids required on write; names filled on reads
};

// A sharing-group membership change made by governance (audience sync,
// revocation): the history a revoked org keeps.
struct GroupChange {
  int64_t id = 0;
  int64_t sharing_group_id = 0;
  int64_t org_id = 0;
  std::string action;  // join, leave
  model::Timestamp time = 0;
  std::string reason;
  std::string group_name, org_name;  // filled on reads
};

class MembershipStore {
 public:
  virtual ~MembershipStore() = default;

  // ---- rules ----
  // Appends a new version (row->version = previous + 1).
  virtual Status AddRules(MembershipRulesRow* row) = 0;
  // Latest version when version is 0. NotFound when none was ever stored.
  virtual StatusOr<MembershipRulesRow> GetRules(int64_t version) = 0;

  // ---- applications and sponsors ----
  virtual Status AddApplication(MembershipApplication* a) = 0;
  // Updates org_id, org_uuid, status, decided and reason of a->id.
  virtual Status UpdateApplication(const MembershipApplication& a) = 0;
  virtual StatusOr<MembershipApplication> GetApplication(std::string_view uuid) = 0;
  virtual StatusOr<MembershipApplication> GetApplicationById(int64_t id) = 0;
  // Oldest first.
  virtual Status ListApplications(std::vector<MembershipApplication>* out) = 0;
  // Conflict when the org already sponsors the application.
  virtual Status AddSponsor(const MembershipSponsor& s) = 0;
  virtual Status ListSponsors(int64_t application_id, std::vector<MembershipSponsor>* out) = 0;

  // ---- votes and ballots ----
  virtual Status AddVote(MembershipVote* v) = 0;
  // Updates status, closed and the tallies of v.id.
  virtual Status UpdateVote(const MembershipVote& v) = 0;
  virtual StatusOr<MembershipVote> GetVote(std::string_view uuid) = 0;
  virtual StatusOr<MembershipVote> GetVoteById(int64_t id) = 0;
  // Oldest first; only open votes when open_only.
  virtual Status ListVotes(bool open_only, std::vector<MembershipVote>* out) = 0;
  // Conflict when the org has voted already.
  virtual Status AddBallot(const MembershipBallot& b) = 0;
  virtual Status ListBallots(int64_t vote_id, std::vector<MembershipBallot>* out) = 0;

  // ---- decisions, periods, board ----
  virtual Status AddDecision(MembershipDecision* d) = 0;
  virtual Status ListDecisions(std::vector<MembershipDecision>* out) = 0;  // oldest first
  virtual Status AddPeriod(MembershipPeriod* p) = 0;
  // Sets until = `until` on the org's ongoing periods.
  virtual Status EndPeriods(int64_t org_id, model::Timestamp until) = 0;
  virtual Status ListPeriods(std::vector<MembershipPeriod>* out) = 0;  // by org, then since
  virtual Status AddBoardTerm(BoardTerm* t) = 0;
  virtual Status ListBoardTerms(std::vector<BoardTerm>* out) = 0;  // oldest first

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
  virtual Status AddGroupChange(const GroupChange& c) = 0;
  // Changes concerning one org (0 = all), oldest first.
  virtual Status ListGroupChanges(int64_t org_id, std::vector<GroupChange>* out) = 0;
};

// The membership section over a store opened by Store::Open (shares its
// connection and transactions). `s` must outlive the result.
std::unique_ptr<MembershipStore> NewMembershipStore(Store* s);

}  // namespace sanad::store
