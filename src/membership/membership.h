// Membership governance: community rules, sponsored applications, votes of
// Full members, decisions by the chair, suspension, revocation and
// reinstatement, chair handover and board elections, audiences that follow
// membership, the TLP audience check and the membership register.
// See docs/membership.md.
//
// Contract:
//  - Every Service method that writes must run inside a store::Transaction
//    of the Service's store; it records each governance action in the audit
//    log (audit::Record) and in the register tables in that transaction, and
//    on error the caller rolls back (nothing is half-written).
//  - Time comes from the Service's clock (injectable); clock-driven rules
//    (votes closing, applications lapsing) are applied by Tick(), which the
//    CLI and the API call before every membership operation.
//  - Who may do what is decided here from the acting organisation; the API
//    additionally requires an org-admin or admin user for writes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "model/model.h"
#include "policy/actor.h"
#include "store/membership_rules_store.h"
#include "store/membership_store.h"
#include "store/membership_vote_store.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::membership {

using Clock = std::function<int64_t()>;

// ---- rules -----------------------------------------------------------------

// A fraction N/D (quorum: of the eligible voters; majority: of the yes and
// no ballots, abstentions count towards the quorum only).
struct Fraction {
  int64_t num = 1, den = 2;
  bool strict = false;  // "more than" rather than "at least" (simple majority)
};
std::string FractionText(const Fraction& f);  // "1/2", "2/3", "simple"
// "simple" (more than half), "N/D" (at least N/D), 0 < N <= D <= 100.
bool ParseFraction(std::string_view s, Fraction* out);

struct CategoryRule {
  int sponsors = 2;  // sponsors needed (0-10)
  // Sponsors must be members in good standing of one of these categories
  // (and of one of these kinds when non-empty).
  std::vector<model::MembershipCategory> sponsor_categories{model::MembershipCategory::kFull};
  std::vector<model::OrgKind> sponsor_kinds;
  int distinct_countries = 0;     // sponsors from at least this many countries
  std::string decision = "vote";  // "vote" (Full members) or "chair"
};

struct VoteRule {
  int duration_days = 14;  // default closing time after opening (1-365)
  Fraction quorum{1, 2, false};
  Fraction majority{1, 2, true};
};

// An audience: a sharing group Sanad keeps equal to the members (status
// member) that match every non-empty filter.
struct Audience {
  std::string key;   // "national-certs"
  std::string name;  // sharing group name
  std::vector<model::OrgKind> kinds;
  std::vector<model::MembershipCategory> categories;
};

struct Rules {
  int64_t version = 0;  // stored version; 0 = built-in defaults
  std::map<model::MembershipCategory, CategoryRule> categories;  // one per category
  VoteRule admission_vote;                                       // quorum 1/2, simple majority
  VoteRule sanction_vote;     // suspension/revocation/reinstatement: 2/3
  int application_days = 90;  // undecided applications lapse after this
  int board_seats = 7;
  int board_term_years = 2;
  // Distribution of new events when none is given: "organisation",
  // "community", "connected", "all" or "audience:<key>".
  std::string default_distribution = "organisation";  // the most restrictive; communities widen it
  std::vector<Audience> audiences;
  bool country_audiences = true;  // one audience per member country ("country-XX")
};

// The built-in defaults (docs/membership.md lists them).
Rules DefaultRules();
// Parses and validates a rules document; errors name the JSON path. Missing
// members keep their defaults.
StatusOr<Rules> ParseRules(std::string_view json);
std::string RulesJson(const Rules& r, bool pretty = false);

// ---- profile ---------------------------------------------------------------

// The RFC 2350-style profile of an applicant:
// {"contacts": [{"type": "email|phone|url|other", "value": "..."}],   (1-20)
//  "constituency": "...", "services": ["..."] (0-50),
//  "public_keys": [{"type": "pgp|x509|other", "fingerprint": "...",
//                   "url": "..."}] (0-20), "policies": "..."}
// Strings up to 2000 characters, the whole document up to 64 KiB. Contacts
// are team addresses (no personal data beyond what incident handling needs).
// Returns the normalised JSON text.
StatusOr<std::string> ValidateProfile(std::string_view json);

// ---- the process -------------------------------------------------------------

// Every operation takes the policy::Actor: a member org acting through a
// user, or the local operator (the secretariat when it acts for no org,
// !has_org(); policy::LocalActor). Only its name, org and org uuid are read;
// the org is re-read from the store (actors carry a snapshot).

struct ApplicationInput {
  std::string name;
  std::string country;
  model::OrgKind kind = model::OrgKind::kNationalCert;
  model::MembershipCategory category = model::MembershipCategory::kFull;
  std::string profile_json;
  std::string org_uuid;  // optional uuid for the new org
};

struct ApplicationView {
  model::MembershipApplication app;
  std::vector<model::MembershipSponsor> sponsors;
  std::optional<model::MembershipVote> vote;  // the admission vote, when any
  std::string sponsorship;                    // "2 of 2 sponsors; 2 countries" etc.
};

struct VoteView {
  model::MembershipVote vote;
  int64_t cast = 0;  // ballots so far
  // Ballots: of a closed vote always; of an open vote only when the viewer
  // asks as the local operator... never: open votes show the count only.
  std::vector<model::MembershipBallot> ballots;
};

enum class Motion { kSuspension, kRevocation, kReinstatement };
const char* Name(Motion m);  // "suspension", "revocation", "reinstatement"

struct MemberEntry {
  model::Org org;
  model::Timestamp since = 0;         // start of the current period (org.created for founders)
  bool founding = false;              // member before the process existed (no admission decision)
  std::vector<std::string> sponsors;  // names of the sponsors of its admission
  bool board = false;                 // holds a seat on the current board
};

struct Register {
  int64_t rules_version = 0;
  std::vector<MemberEntry> members;  // members and suspended members, by name
  std::vector<model::MembershipDecision> decisions;
  std::vector<VoteView> votes;            // admission votes once closed; every other vote
  std::optional<model::BoardTerm> board;  // current term
  std::vector<model::GroupChange> group_changes;
};

struct SyncReport {
  int groups_created = 0;
  int joined = 0;
  int left = 0;
};

// The actor of clock-driven changes: named "sanad:clock", no org.
policy::Actor ClockActor();

class Service {
 public:
  // `s` must outlive the service. `clock` defaults to util::Now.
  explicit Service(store::Store* s, Clock clock = nullptr);

  // The store the service works on (its membership sections hold the rows).
  store::Store* store() { return s_; }
  int64_t Now() const { return clock_(); }

  // Rules in force (the latest stored version, or the defaults).
  StatusOr<Rules> CurrentRules();
  // Stores a new version (operator or the chair). Returns the new version.
  StatusOr<int64_t> SetRules(const policy::Actor& a, Rules r);

  // Closes votes whose closing time has passed and lapses applications older
  // than rules.application_days that are still awaiting sponsors or a
  // decision. Returns the number of changes. `who` is recorded as the actor
  // (callers pass ClockActor(): the process, not the user whose request
  // happened to run it).
  StatusOr<int> Tick(const policy::Actor& who);

  // Submits an application (operator, the chair, or an existing org applying
  // for another category for itself).
  StatusOr<ApplicationView> Apply(const policy::Actor& a, ApplicationInput in);
  // Applications are visible to Full members in good standing, the chair and
  // the operator; an org sees its own.
  StatusOr<ApplicationView> GetApplication(const policy::Actor& a, std::string_view uuid);
  StatusOr<std::vector<ApplicationView>> ListApplications(const policy::Actor& a);
  // A member in good standing endorses an application awaiting sponsors;
  // when the rule is met the application moves on (a vote opens, or it
  // awaits the chair's decision).
  StatusOr<ApplicationView> Sponsor(const policy::Actor& a, std::string_view app_uuid,
                                    std::string statement);
  // The chair decides an application of a category decided by the chair
  // (after full sponsorship to accept; at any time to reject).
  StatusOr<ApplicationView> Decide(const policy::Actor& a, std::string_view app_uuid, bool accept,
                                   std::string reason);

  // Votes. A Full member in good standing casts one ballot ("yes", "no",
  // "abstain") between opening and closing; the subject of a motion does
  // not vote on it.
  StatusOr<VoteView> Cast(const policy::Actor& a, std::string_view vote_uuid,
                          std::string_view choice, std::string comment);
  // Closes a vote: when its closing time has passed, or earlier when every
  // eligible member has voted. Applies the outcome.
  StatusOr<VoteView> Close(const policy::Actor& who, std::string_view vote_uuid);
  StatusOr<VoteView> GetVote(const policy::Actor& a, std::string_view vote_uuid);
  StatusOr<std::vector<VoteView>> ListVotes(const policy::Actor& a, bool open_only);

  // Opens a vote on suspending (member), revoking (member or suspended) or
  // reinstating (suspended) an org; moved by the chair or a Full member.
  // closes 0 = opens + the rule's duration; opens 0 = now.
  StatusOr<VoteView> OpenMotion(const policy::Actor& a, Motion m, std::string_view org,
                                std::string reason, int64_t opens = 0, int64_t closes = 0);

  // The chair (or the operator) hands the chair to a Full member in good
  // standing.
  Status HandOverChair(const policy::Actor& a, std::string_view org);
  // Records a board election held by the Full members (chair or operator):
  // up to rules.board_seats Full members in good standing; the term runs
  // rules.board_term_years from `starts` (0 = now).
  StatusOr<model::BoardTerm> RecordBoardElection(const policy::Actor& a,
                                                 const std::vector<std::string>& seats,
                                                 int64_t starts = 0);

  // Brings the audience sharing groups in line with membership (creates
  // missing groups, owned by the chair).
  StatusOr<SyncReport> SyncAudiences(const policy::Actor& who);
  // The sharing group id of an audience key (after sync); NotFound.
  StatusOr<int64_t> AudienceGroup(std::string_view key);

  // The register (every member in good standing, and the operator).
  StatusOr<Register> GetRegister(const policy::Actor& a);

 private:
  struct Impl;
  store::Store* s_;
  // The membership sections of s_.
  store::MembershipStore* ms_;
  store::MembershipVoteStore* vs_;
  store::MembershipRulesStore* rs_;
  Clock clock_;
};

// ---- audiences and markings ----------------------------------------------------

// What CheckAudience needs to know about the sharing groups an event uses.
struct GroupInfo {
  std::string name;
  int64_t members = 0;
  bool audience = false;  // maintained by Sanad from membership (not named recipients)
};

struct AudienceWarning {
  std::string item;  // "event", "attribute <uuid>", "object <uuid>"
  model::Tlp tlp = model::Tlp::kNone;
  std::string message;
};

// Pure check: items marked TLP:RED must stay with named recipients
// (distribution organisation, or a sharing group that is not an automatic
// audience); items marked TLP:AMBER+STRICT must not leave the community
// (distribution connected or all). An item's marking is the strictest of its
// own tags and the event's; its reach is its effective distribution (the
// stricter of event, object and item). `groups` describes the sharing groups
// the event uses; unknown groups are treated as named recipients. Keys of `groups`: the lower-case
// group uuid, or "#<id>" for a reference without uuid. `community_members` is used in messages
// only.
std::vector<AudienceWarning> CheckAudience(const model::Event& ev,
                                           const std::map<std::string, GroupInfo>& groups,
                                           int64_t community_members);

// CheckAudience with the group information read from the store (groups by
// id when resolved, else by uuid).
StatusOr<std::vector<AudienceWarning>> CheckEventAudience(store::Store* s, const model::Event& ev);

// The community's default distribution for new events (rules), resolved:
// `sg` receives the audience's group when it is "audience:<key>".
Status DefaultDistribution(store::Store* s, model::Distribution* d, model::SharingGroupRef* sg);

// JSON forms of these records and of an application request: membership/json.h.

}  // namespace sanad::membership
