// Records of incident coordination (docs/incidents.md): incident reports,
// incidents, requests for assistance (RFAs) and offers, participants, tasks
// and their work logs, the timeline, comments and links to intelligence, and
// the enumerations they use with their text names.
//
// Plain values: who may see or change them is decided by the incident
// module over policy/; store/incident_store.h keeps them. uuids are lower
// case. Timestamps are Unix seconds; 0 means "not yet".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace sanad::model {

// ---- enums (stored as their Name() text) ----

enum class IncidentStatus {
  kNew,
  kTriage,
  kInProgress,
  kContained,
  kResolved,
  kClosed,
  kRejected,
  kDuplicate,
};
enum class Severity { kLow, kMedium, kHigh, kCritical };
enum class RfaKind {
  kSampleAnalysis,
  kTakedown,
  kSinkholing,
  kBlocking,
  kForensics,
  kInformation,
  kOther,
};
enum class RfaStatus { kOpen, kWithdrawn, kClosed };
enum class OfferStatus { kPending, kAccepted, kDeclined, kWithdrawn };
enum class TaskStatus { kWaiting, kInProgress, kDone, kCancelled };
// The audience of a request for assistance (policy::InRfaAudience).
enum class RfaAudience { kAllMembers, kSharingGroup, kOrgs };

// "new", "triage", "in-progress", "contained", "resolved", "closed",
// "rejected", "duplicate"
const char* Name(IncidentStatus v);
const char* Name(Severity v);     // "low", "medium", "high", "critical"
const char* Name(RfaKind v);      // "sample-analysis", "takedown", "sinkholing", "blocking",
                                  // "forensics", "information", "other"
const char* Name(RfaStatus v);    // "open", "withdrawn", "closed"
const char* Name(OfferStatus v);  // "pending", "accepted", "declined", "withdrawn"
const char* Name(TaskStatus v);   // "waiting", "in-progress", "done", "cancelled"
const char* Name(RfaAudience v);  // "all-members", "sharing-group", "orgs"
// Parse the names above (case-insensitive; '_' reads as '-'; "all" reads as
// kAllMembers).
bool Parse(std::string_view s, IncidentStatus* out);
bool Parse(std::string_view s, Severity* out);
bool Parse(std::string_view s, RfaKind* out);
bool Parse(std::string_view s, RfaStatus* out);
bool Parse(std::string_view s, OfferStatus* out);
bool Parse(std::string_view s, TaskStatus* out);
bool Parse(std::string_view s, RfaAudience* out);

// ---- records ----

struct Incident {
  int64_t id = 0;
  std::string uuid;
  std::string title;
  std::string description;
  std::string rsit_class;  // ENISA RSIT class, canonical spelling
  std::string rsit_type;   // RSIT type within the class
  Severity severity = Severity::kMedium;
  Tlp tlp = Tlp::kAmber;
  Pap pap = Pap::kNone;
  int64_t affected_org_id = 0;   // the member under attack (required)
  std::string affected_country;  // ISO 3166-1 alpha-2 or ""
  int64_t coordinator_org_id = 0;
  IncidentStatus status = IncidentStatus::kNew;
  int64_t duplicate_of_id = 0;  // kDuplicate: the incident it was merged into
  std::string resolution;       // free text set when resolved/rejected/closed
  int64_t created_by_org_id = 0;
  Timestamp opened = 0;        // when the first report arrived
  Timestamp acknowledged = 0;  // first move out of kNew
  Timestamp contained = 0;     // first reached contained (or later)
  Timestamp resolved = 0;      // reached resolved (or closed)
  Timestamp closed = 0;        // reached closed, rejected or duplicate
  Timestamp modified = 0;
  // Filled on reads.
  OrgRef affected_org, coordinator_org;
  std::string duplicate_of_uuid;
};

struct Indicator {  // an observable of an incident
  int64_t id = 0;
  int64_t incident_id = 0;
  int64_t report_id = 0;  // 0 when added to the incident directly
  std::string type;       // MISP type
  std::string value;      // as given (validated by the incident module)
  std::string comment;
  bool to_ids = true;
  int64_t added_by_org_id = 0;
  Timestamp created = 0;
};

struct Attachment {  // kept by hash only; the bytes stay with the reporter
  int64_t id = 0;
  int64_t incident_id = 0;
  int64_t report_id = 0;
  std::string name;
  std::string sha256;  // lower-case hex
  int64_t size = 0;    // bytes, 0 when unknown
};

struct IncidentReport {
  int64_t id = 0;
  std::string uuid;
  int64_t incident_id = 0;
  int64_t reporter_org_id = 0;    // 0: a third party (reporter_name set)
  std::string reporter_name;      // third party: who reported
  std::string reporter_contact;   // third party: how to reach them (kept, never exported)
  int64_t entered_by_org_id = 0;  // the member that filed the report
  std::string description;
  int64_t affected_org_id = 0;  // as reported (0 when unknown)
  std::string affected_country;
  Timestamp received = 0;
  std::vector<Indicator> indicators;  // stored as the incident's indicators
  std::vector<Attachment> attachments;
  // Filled on reads.
  OrgRef reporter_org, entered_by_org;
};

struct Participant {
  int64_t incident_id = 0;
  int64_t org_id = 0;
  int64_t rfa_id = 0;  // the request whose offer was accepted
  Timestamp since = 0;
  OrgRef org;  // filled on reads
};

struct Rfa {
  int64_t id = 0;
  std::string uuid;
  int64_t incident_id = 0;
  int64_t requester_org_id = 0;
  RfaKind kind = RfaKind::kOther;
  std::string description;
  RfaAudience audience = RfaAudience::kAllMembers;
  int64_t sharing_group_id = 0;
  std::vector<int64_t> audience_org_ids;  // kOrgs, sorted
  Timestamp needed_by = 0;                // 0 = no date
  RfaStatus status = RfaStatus::kOpen;
  Timestamp created = 0;
  Timestamp ended = 0;  // withdrawn or closed
  // Filled on reads.
  OrgRef requester_org;
  std::string incident_uuid;
  SharingGroupRef sharing_group;
};

struct Offer {
  int64_t id = 0;
  std::string uuid;
  int64_t rfa_id = 0;
  int64_t org_id = 0;
  std::string description;  // what is offered
  Timestamp by_when = 0;
  OfferStatus status = OfferStatus::kPending;
  std::string note;  // the requester's note on acceptance/decline
  Timestamp created = 0;
  Timestamp decided = 0;
  OrgRef org;  // filled on reads
};

struct Task {
  int64_t id = 0;
  std::string uuid;
  int64_t incident_id = 0;
  std::string title;
  std::string description;
  int64_t assignee_org_id = 0;
  int64_t assignee_user_id = 0;  // 0 = the org as a whole
  Timestamp due = 0;             // 0 = no due date
  TaskStatus status = TaskStatus::kWaiting;
  int64_t created_by_org_id = 0;
  Timestamp created = 0;
  Timestamp finished = 0;  // done or cancelled
  // Filled on reads.
  OrgRef assignee_org;
  std::string assignee_email;
  std::string incident_uuid;
};

struct TaskLog {
  int64_t id = 0;
  int64_t task_id = 0;
  Timestamp time = 0;
  std::string actor;
  int64_t org_id = 0;
  std::string text;
  OrgRef org;  // filled on reads
};

struct TimelineEntry {
  int64_t id = 0;
  int64_t incident_id = 0;
  Timestamp time = 0;
  std::string actor;  // user e-mail or "cli"
  int64_t org_id = 0;
  std::string action;  // "incident.create", "status", "rfa.create", ...
  std::string text;
  OrgRef org;  // filled on reads
};

struct Comment {
  int64_t id = 0;
  std::string uuid;
  int64_t incident_id = 0;
  Timestamp time = 0;
  std::string actor;
  int64_t org_id = 0;
  std::string text;
  OrgRef org;  // filled on reads
};

struct IntelLink {
  int64_t incident_id = 0;
  std::string kind;  // "event" or "attribute"
  std::string uuid;
  int64_t org_id = 0;  // who linked it
  Timestamp created = 0;
};

}  // namespace sanad::model
