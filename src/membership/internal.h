// Private to the membership service (membership/service.cc,
// applications.cc, votes.cc, register.cc): the helpers and the Impl they
// share. See membership/membership.h for the contract.
#pragma once

#include <algorithm>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "membership/membership.h"

namespace sanad::membership {

inline constexpr int64_t kDay = 86400;
inline constexpr size_t kMaxText = 2000;

const char* const kAwaitingSponsors = "awaiting-sponsors";
const char* const kVoting = "voting";
const char* const kAwaitingDecision = "awaiting-decision";

inline bool Pending(const std::string& status) {
  return status == kAwaitingSponsors || status == kVoting || status == kAwaitingDecision;
}

inline bool Good(const model::Org& o) { return o.status == model::OrgStatus::kMember; }
inline bool FullMember(const model::Org& o) {
  return Good(o) && o.category == model::MembershipCategory::kFull;
}

template <class T>
inline bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

inline int64_t AddYears(int64_t t, int years) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  tm.tm_year += years;
  return static_cast<int64_t>(timegm(&tm));
}

inline Status CheckText(const std::string& field, const std::string& s) {
  if (s.size() > kMaxText)
    return Status::Limit(field + ": longer than " + std::to_string(kMaxText) + " characters");
  return Status::Ok();
}

// Private helpers with access to the service's members (service.cc).
struct Service::Impl {
  Service* sv;
  store::Store* s;
  store::MembershipStore* ms;  // applications, sponsors, decisions, periods
  store::MembershipVoteStore* vs;  // votes, ballots, board terms
  store::MembershipRulesStore* rs;  // rules, audience groups, group changes

  Status Audit(const policy::Actor& who, std::string_view action, std::string_view type,
               std::string_view uuid, std::string_view owner, std::string_view details);

  // The acting org as stored now (actors carry a snapshot).
  StatusOr<std::optional<model::Org>> Fresh(const policy::Actor& a);

  StatusOr<std::vector<model::Org>> FullMembers(int64_t except_org);

  // Operator, chair in good standing, or a Full member in good standing.
  StatusOr<bool> MayReadApplications(const policy::Actor& a, int64_t app_org);

  StatusOr<ApplicationView> View(const model::MembershipApplication& app);

  // Whether the sponsors meet the category rule; `summary` says how far.
  bool SponsorshipMet(const Rules& r, const model::MembershipApplication& app,
                      const std::vector<model::MembershipSponsor>& sponsors, std::string* summary,
                      std::string* unmet);

  // Moves an application awaiting sponsors on when its sponsorship is met.
  Status Advance(const policy::Actor& who, const Rules& r, model::MembershipApplication* app);

  // Closes `app` as `status` at `now` for `reason` and stores decision *d
  // (kind, subject, vote, decided_by and details set by the caller) about it.
  Status Conclude(const policy::Actor& who, model::MembershipApplication* app,
                  const char* status, int64_t now, const std::string& reason,
                  model::MembershipDecision* d);

  Status Accept(const policy::Actor& who, model::MembershipApplication* app,
                const std::string& decided_by, int64_t vote_id, const std::string& reason);

  Status Reject(const policy::Actor& who, model::MembershipApplication* app,
                const std::string& decided_by, int64_t vote_id, const std::string& reason);

  // A revoked org leaves every sharing group; the changes are kept.
  Status LeaveAllGroups(const model::Org& org, const std::string& reason);

  Status ApplyMotion(const policy::Actor& who, const model::MembershipVote& v, bool passed,
                     const std::string& tally);

  StatusOr<VoteView> VoteViewOf(const model::MembershipVote& v);
};

// Declares `impl`, the Impl of this Service, in a Service member.
#define SANAD_IMPL \
  Impl impl { this, s_, ms_, vs_, rs_ }

}  // namespace sanad::membership
