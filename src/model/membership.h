// Records of membership governance (docs/membership.md): the community
// rules (versioned), applications and their sponsors, votes and ballots,
// decisions, membership periods, board terms and the history of
// sharing-group membership changes made by governance.
//
// Plain values: the rules of the process live in src/membership,
// store/membership_store.h keeps them. Enumerations are text (the values
// documented per field). Timestamps are Unix seconds; 0 means "not yet".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"

namespace sanad::model {

struct MembershipRulesRow {
  int64_t version = 0;  // 1, 2, ...: assigned by AddRules
  std::string rules_json;
  Timestamp created = 0;
  std::string actor;     // "cli" or a user e-mail
  std::string org_uuid;  // acting org ("" for a local operator)
};

struct MembershipApplication {
  int64_t id = 0;
  std::string uuid;  // assigned when empty
  std::string name;
  std::string country;
  OrgKind kind = OrgKind::kNationalCert;
  MembershipCategory category = MembershipCategory::kFull;
  std::string profile_json;  // the RFC 2350-style profile (validated by src/membership)
  // The organisation: an existing org applying for another category, or the
  // org created on acceptance; 0 until then.
  int64_t org_id = 0;
  std::string org_uuid;  // uuid the new org receives (assigned by the domain)
  // awaiting-sponsors, voting, awaiting-decision, accepted, rejected, lapsed
  std::string status;
  int64_t rules_version = 0;  // rules in force when submitted
  Timestamp submitted = 0;
  std::string submitted_by;  // actor text
  Timestamp decided = 0;
  std::string reason;  // decision reason
};

struct MembershipSponsor {
  int64_t application_id = 0;
  int64_t org_id = 0;
  Timestamp time = 0;
  std::string statement;
  // Filled on reads.
  std::string org_uuid, org_name, org_country;
  MembershipCategory org_category = MembershipCategory::kFull;
  OrgKind org_kind = OrgKind::kNationalCert;
};

struct MembershipVote {
  int64_t id = 0;
  std::string uuid;            // assigned when empty
  std::string kind;            // admission, suspension, revocation, reinstatement
  int64_t subject_org_id = 0;  // 0 for the admission of a new org
  int64_t application_id = 0;  // admission votes
  std::string motion;          // the question / reason
  std::string proposed_by;     // org uuid ("" for the local operator or the process)
  Timestamp opens = 0;
  Timestamp closes = 0;
  std::string quorum;    // "N/D" of the eligible voters
  std::string majority;  // "simple" or "N/D" of the yes+no ballots
  int64_t eligible = 0;  // eligible voters when the vote opened
  std::string status;    // open, passed, failed, no-quorum
  Timestamp closed = 0;
  int64_t yes = 0, no = 0, abstain = 0;  // set when closed
  // Filled on reads.
  std::string subject_name, subject_uuid, application_uuid;
};

struct MembershipBallot {
  int64_t vote_id = 0;
  int64_t org_id = 0;
  std::string choice;  // yes, no, abstain
  Timestamp time = 0;
  std::string comment;
  std::string org_uuid, org_name;  // filled on reads
};

struct MembershipDecision {
  int64_t id = 0;
  std::string uuid;  // assigned when empty
  Timestamp time = 0;
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
  MembershipCategory category = MembershipCategory::kFull;
  Timestamp since = 0;
  Timestamp until = 0;
  int64_t decision_id = 0;
};

struct BoardTerm {
  int64_t id = 0;
  std::string uuid;
  Timestamp starts = 0;
  Timestamp ends = 0;
  int64_t decision_id = 0;
  std::vector<OrgRef> seats;  // ids required on write; names filled on reads
};

// A sharing-group membership change made by governance (audience sync,
// revocation): the history a revoked org keeps.
struct GroupChange {
  int64_t id = 0;
  int64_t sharing_group_id = 0;
  int64_t org_id = 0;
  std::string action;  // join, leave
  Timestamp time = 0;
  std::string reason;
  std::string group_name, org_name;  // filled on reads
};

}  // namespace sanad::model
