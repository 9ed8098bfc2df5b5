// The incident section of the store (schema version 4): incident reports,
// incidents, requests for assistance (RFAs) and offers, participants, tasks
// and their work logs, the timeline, comments and links to intelligence.
//
// Records only: this layer checks no permission and no lifecycle rule; the
// incident module (incident/incident.h) decides who may do what and asks the
// visibility policy (policy::MaySeeIncident, MaySeeRfa, MaySeeOffer) before
// anything leaves. Reads here are therefore unfiltered; listings can be
// pre-filtered in SQL to the incidents an org is involved in.
//
// Writes share the store's connection and thus its transactions
// (store::Transaction); none opens a transaction of its own. uuids are
// stored in lower case. Timestamps are Unix seconds; 0 means "not yet".
//
// The interface is abstract so that another backend can implement it;
// OpenIncidentStore returns the SQLite implementation over a store opened by
// Store::Open.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "policy/policy.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::store {

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

// "new", "triage", "in-progress", "contained", "resolved", "closed",
// "rejected", "duplicate"
const char* Name(IncidentStatus v);
const char* Name(Severity v);     // "low", "medium", "high", "critical"
const char* Name(RfaKind v);      // "sample-analysis", "takedown", "sinkholing", "blocking",
                                  // "forensics", "information", "other"
const char* Name(RfaStatus v);    // "open", "withdrawn", "closed"
const char* Name(OfferStatus v);  // "pending", "accepted", "declined", "withdrawn"
const char* Name(TaskStatus v);   // "waiting", "in-progress", "done", "cancelled"
const char* Name(policy::RfaAudience v);  // "all-members", "sharing-group", "orgs"
// Parse the names above (case-insensitive; '_' reads as '-').
bool Parse(std::string_view s, IncidentStatus* out);
bool Parse(std::string_view s, Severity* out);
bool Parse(std::string_view s, RfaKind* out);
bool Parse(std::string_view s, RfaStatus* out);
bool Parse(std::string_view s, OfferStatus* out);
bool Parse(std::string_view s, TaskStatus* out);
bool Parse(std::string_view s, policy::RfaAudience* out);

// ---- records ----

struct Incident {
  int64_t id = 0;
  std::string uuid;
  std::string title;
  std::string description;
  std::string rsit_class;  // ENISA RSIT class, canonical spelling
  std::string rsit_type;   // RSIT type within the class
  Severity severity = Severity::kMedium;
  model::Tlp tlp = model::Tlp::kAmber;
  model::Pap pap = model::Pap::kNone;
  int64_t affected_org_id = 0;   // the member under attack (required)
  std::string affected_country;  // ISO 3166-1 alpha-2 or ""
  int64_t coordinator_org_id = 0;
  IncidentStatus status = IncidentStatus::kNew;
  int64_t duplicate_of_id = 0;  // kDuplicate: the incident it was merged into
  std::string resolution;       // free text set when resolved/rejected/closed
  int64_t created_by_org_id = 0;
  model::Timestamp opened = 0;        // when the first report arrived
  model::Timestamp acknowledged = 0;  // first move out of kNew
  model::Timestamp contained = 0;     // first reached contained (or later)
  model::Timestamp resolved = 0;      // reached resolved (or closed)
  model::Timestamp closed = 0;        // reached closed, rejected or duplicate
  model::Timestamp modified = 0;
  // Filled on reads.
  model::OrgRef affected_org, coordinator_org;
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
  model::Timestamp created = 0;
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
  model::Timestamp received = 0;
  std::vector<Indicator> indicators;  // stored as the incident's indicators
  std::vector<Attachment> attachments;
  // Filled on reads.
  model::OrgRef reporter_org, entered_by_org;
};

struct Participant {
  int64_t incident_id = 0;
  int64_t org_id = 0;
  int64_t rfa_id = 0;  // the request whose offer was accepted
  model::Timestamp since = 0;
  model::OrgRef org;  // filled on reads
};

struct Rfa {
  int64_t id = 0;
  std::string uuid;
  int64_t incident_id = 0;
  int64_t requester_org_id = 0;
  RfaKind kind = RfaKind::kOther;
  std::string description;
  policy::RfaAudience audience = policy::RfaAudience::kAllMembers;
  int64_t sharing_group_id = 0;
  std::vector<int64_t> audience_org_ids;  // kOrgs, sorted
  model::Timestamp needed_by = 0;         // 0 = no date
  RfaStatus status = RfaStatus::kOpen;
  model::Timestamp created = 0;
  model::Timestamp ended = 0;  // withdrawn or closed
  // Filled on reads.
  model::OrgRef requester_org;
  std::string incident_uuid;
  model::SharingGroupRef sharing_group;
};

struct Offer {
  int64_t id = 0;
  std::string uuid;
  int64_t rfa_id = 0;
  int64_t org_id = 0;
  std::string description;  // what is offered
  model::Timestamp by_when = 0;
  OfferStatus status = OfferStatus::kPending;
  std::string note;  // the requester's note on acceptance/decline
  model::Timestamp created = 0;
  model::Timestamp decided = 0;
  model::OrgRef org;  // filled on reads
};

struct Task {
  int64_t id = 0;
  std::string uuid;
  int64_t incident_id = 0;
  std::string title;
  std::string description;
  int64_t assignee_org_id = 0;
  int64_t assignee_user_id = 0;  // 0 = the org as a whole
  model::Timestamp due = 0;      // 0 = no due date
  TaskStatus status = TaskStatus::kWaiting;
  int64_t created_by_org_id = 0;
  model::Timestamp created = 0;
  model::Timestamp finished = 0;  // done or cancelled
  // Filled on reads.
  model::OrgRef assignee_org;
  std::string assignee_email;
  std::string incident_uuid;
};

struct TaskLog {
  int64_t id = 0;
  int64_t task_id = 0;
  model::Timestamp time = 0;
  std::string actor;
  int64_t org_id = 0;
  std::string text;
  model::OrgRef org;  // filled on reads
};

struct TimelineEntry {
  int64_t id = 0;
  int64_t incident_id = 0;
  model::Timestamp time = 0;
  std::string actor;  // user e-mail or "cli"
  int64_t org_id = 0;
  std::string action;  // "incident.create", "status", "rfa.create", ...
  std::string text;
  model::OrgRef org;  // filled on reads
};

struct Comment {
  int64_t id = 0;
  std::string uuid;
  int64_t incident_id = 0;
  model::Timestamp time = 0;
  std::string actor;
  int64_t org_id = 0;
  std::string text;
  model::OrgRef org;  // filled on reads
};

struct IntelLink {
  int64_t incident_id = 0;
  std::string kind;  // "event" or "attribute"
  std::string uuid;
  int64_t org_id = 0;  // who linked it
  model::Timestamp created = 0;
};

struct IncidentQuery {
  int64_t involved_org_id = 0;  // 0 = all; else affected, coordinator, reporter or participant
  std::vector<IncidentStatus> statuses;  // empty = any
  int64_t after_id = 0;
  int64_t limit = 0;  // 0 = no limit
};

class IncidentStore {
 public:
  virtual ~IncidentStore() = default;

  // Assigns id (and uuid when empty). Conflict on a duplicate uuid.
  virtual Status AddIncident(Incident* inc) = 0;
  // Writes every field of inc.id except uuid and created_by. NotFound.
  virtual Status UpdateIncident(const Incident& inc) = 0;
  virtual StatusOr<Incident> GetIncident(int64_t id) = 0;
  virtual StatusOr<Incident> FindIncident(std::string_view uuid) = 0;  // NotFound
  // In id order.
  virtual Status ListIncidents(const IncidentQuery& q, std::vector<Incident>* out) = 0;
  // The orgs that decide visibility (policy::IncidentAccess) of one incident.
  virtual StatusOr<policy::IncidentAccess> AccessOf(const Incident& inc) = 0;

  // Stores the report with its indicators and attachments (assigning ids).
  virtual Status AddReport(IncidentReport* r) = 0;
  virtual Status ListReports(int64_t incident_id, std::vector<IncidentReport>* out) = 0;
  // Moves reports, their indicators and attachments from one incident to
  // another (merging a duplicate).
  virtual Status MoveReports(int64_t from_incident_id, int64_t to_incident_id) = 0;
  virtual Status AddIndicator(Indicator* ind) = 0;
  virtual Status ListIndicators(int64_t incident_id, std::vector<Indicator>* out) = 0;
  virtual Status ListAttachments(int64_t incident_id, std::vector<Attachment>* out) = 0;

  // Idempotent per (incident, org).
  virtual Status AddParticipant(Participant* p) = 0;
  virtual Status ListParticipants(int64_t incident_id, std::vector<Participant>* out) = 0;

  virtual Status AddRfa(Rfa* r) = 0;
  virtual Status UpdateRfa(const Rfa& r) = 0;  // status and ended
  virtual StatusOr<Rfa> GetRfa(int64_t id) = 0;
  virtual StatusOr<Rfa> FindRfa(std::string_view uuid) = 0;
  // Requests of one incident, or of all incidents when incident_id is 0.
  virtual Status ListRfas(int64_t incident_id, std::vector<Rfa>* out) = 0;

  virtual Status AddOffer(Offer* o) = 0;
  virtual Status UpdateOffer(const Offer& o) = 0;  // status, note, decided
  virtual StatusOr<Offer> FindOffer(std::string_view uuid) = 0;
  virtual Status ListOffers(int64_t rfa_id, std::vector<Offer>* out) = 0;

  virtual Status AddTask(Task* t) = 0;
  // status, finished, due, assignee, title, description
  virtual Status UpdateTask(const Task& t) = 0;
  virtual StatusOr<Task> FindTask(std::string_view uuid) = 0;
  // Tasks of one incident, or of all incidents when incident_id is 0.
  virtual Status ListTasks(int64_t incident_id, std::vector<Task>* out) = 0;
  virtual Status AddTaskLog(TaskLog* l) = 0;
  virtual Status ListTaskLogs(int64_t task_id, std::vector<TaskLog>* out) = 0;

  virtual Status AddTimelineEntry(TimelineEntry* e) = 0;
  virtual Status ListTimeline(int64_t incident_id, std::vector<TimelineEntry>* out) = 0;

  virtual Status AddComment(Comment* c) = 0;
  virtual Status ListComments(int64_t incident_id, std::vector<Comment>* out) = 0;

  // Conflict when the link exists.
  virtual Status AddLink(const IntelLink& l) = 0;
  virtual Status ListLinks(int64_t incident_id, std::vector<IntelLink>* out) = 0;
};

// The incident section of a store opened by Store::Open. The result borrows
// `s` (it must outlive it). Internal when `s` is not such a store.
StatusOr<std::unique_ptr<IncidentStore>> OpenIncidentStore(Store* s);

}  // namespace sanad::store
