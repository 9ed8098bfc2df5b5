// Incident coordination between members (docs/incidents.md): incident
// reports and incidents with their lifecycle, requests for assistance (RFAs)
// with offers of help, tasks with work logs, a timeline, comments, links to
// shared intelligence, SLA clocks, and exports (JSON, IODEF v2).
//
// Contract:
//  - Every operation takes the policy::Actor (an active member org acting
//    through a user or the local operator, policy::LocalActor; the caller
//    must give it an org) and decides what it may do from its org, may_write
//    and community_admin (SLA settings); visibility is
//    always policy::MaySeeIncident / MaySeeRfa / MaySeeOffer. An incident,
//    request, offer or task the caller may not see reads as NotFound (absent
//    and hidden are indistinguishable); seeing but not being allowed to act
//    is Permission.
//  - Operations are not transactional by themselves: the caller wraps each
//    command or request in one store::Transaction. Every write appends an
//    audit entry (audit::Record) and a timeline entry; reads of incidents
//    marked TLP:AMBER, AMBER+STRICT or RED are audited too.
//  - Time comes from the injectable Clock given to the Coordinator.
//  - Errors are Invalid naming the field ("title: empty"), NotFound,
//    Permission, Conflict (lifecycle: "cannot move from closed to triage").
//
// Lifecycle: new -> triage -> in-progress -> contained -> resolved -> closed,
// with shortcuts forward, reopening (contained/resolved/closed ->
// in-progress) and two terminal side exits from any open state: rejected and
// duplicate (merged into another incident, whose reports it takes over).
// Reaching closed, rejected or duplicate cascades: open tasks are cancelled,
// open requests closed, pending offers declined.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "model/model.h"
#include "policy/actor.h"
#include "policy/policy.h"
#include "store/incident_store.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::intel {
class CorrelationIndex;
struct CorrelationSettings;
}  // namespace sanad::intel

namespace sanad::incident {


// Seconds since the Unix epoch; injectable for tests.
using Clock = std::function<model::Timestamp()>;

// Documented limits.
inline constexpr size_t kMaxTitleBytes = 300;
inline constexpr size_t kMaxTextBytes = 64 << 10;  // descriptions, comments, log entries
inline constexpr size_t kMaxIndicatorValueBytes = 8 << 10;  // one observable (URL, hash, ...)
inline constexpr size_t kMaxPromoteInfoBytes = 1024;        // `promote --info`: the event's info
inline constexpr size_t kMaxIndicatorsPerReport = 1000;
inline constexpr size_t kMaxAttachmentsPerReport = 100;
inline constexpr size_t kMaxAudienceOrgs = 200;

// ---- timeline authorship (docs/incidents.md, "Visibility") ----
//
// Whether `viewer` may read who wrote a timeline entry written by
// `author_org_id`: the incident's managers (affected member, coordinator)
// always; anyone else only when the author is the viewer's own organisation
// or a party to the incident (affected member, coordinator, reporter,
// accepted helper). An offer of help is written by a member that is not a
// party yet, so other helpers do not learn who offered: a helper is named
// only once its offer is accepted. Entries without an author org (0) name no
// member. Pure; built on policy::MaySeeIncident / MayManageIncident.
bool MayNameTimelineAuthor(const policy::Viewer& viewer, const policy::IncidentAccess& access,
                           int64_t author_org_id);
// The entry as `viewer` reads it: when MayNameTimelineAuthor is false the
// author is withheld (org cleared: JSON `"org": null`; actor ""). Every read
// of a timeline (show, JSON and IODEF exports, the API) goes through it.
model::TimelineEntry TimelineEntryFor(const policy::Viewer& viewer,
                                      const policy::IncidentAccess& access,
                                      model::TimelineEntry entry);

// ---- ENISA RSIT ----

struct RsitClass {
  std::string name;                // "malicious-code"
  std::vector<std::string> types;  // "c2-server", ...
};
// The taxonomy (ENISA RSIT, as in MISP's rsit taxonomy, version 1003).
const std::vector<RsitClass>& RsitTaxonomy();
// Validates and canonicalises an RSIT class and type. Accepts IntelMQ's
// spellings: case and '_'/' ' for '-', American "unauthorized", and IntelMQ's
// older type names ("malware" -> infected-system, "c2server" -> c2-server,
// "compromised" -> system-compromise, "leak" -> data-leak, "dga domain"...).
// An empty type defaults to the class's catch-all ("other"/"undetermined"
// for class other). Invalid names the field and lists the choices.
Status NormaliseRsit(std::string_view cls, std::string_view type, std::string* out_class,
                     std::string* out_type);

// ---- SLA clocks ----

enum class ClockKind { kAcknowledge, kFirstOffer, kContainment, kResolution };
inline constexpr int kClockKinds = 4;
const char* Name(ClockKind k);  // "acknowledge", "first-offer", "containment", "resolution"
bool Parse(std::string_view s, ClockKind* out);

// Targets in seconds per severity (index: model::Severity) and clock
// (index: ClockKind); 0 = no target. Defaults (acknowledge / first offer /
// containment / resolution): critical 1h/4h/24h/7d, high 4h/12h/3d/14d,
// medium 1d/2d/7d/30d, low 3d/5d/30d/90d. Stored as community settings
// "incident.sla.<severity>.<clock>" (seconds).
struct SlaTargets {
  std::array<std::array<int64_t, kClockKinds>, 4> seconds;
  int64_t Get(model::Severity s, ClockKind k) const {
    return seconds[static_cast<int>(s)][static_cast<int>(k)];
  }
};
SlaTargets DefaultSla();
StatusOr<SlaTargets> LoadSla(store::Store* s);
// Parses "90m", "4h", "3d", "2w" or plain seconds; false otherwise.
bool ParseDuration(std::string_view s, int64_t* seconds);
std::string FormatDuration(int64_t seconds);  // "3d 4h", "45m", "0m"

enum class ClockState {
  kNotStarted,     // first-offer before any request for assistance
  kRunning,        // within target
  kOverdue,        // past target, not stopped
  kMet,            // stopped within target
  kBreached,       // stopped after target
  kNotApplicable,  // rejected/duplicate incidents: containment and resolution
};
const char* Name(ClockState s);  // "not-started", "running", "overdue", "met", "breached", "n/a"

struct ClockView {
  ClockKind kind = ClockKind::kAcknowledge;
  model::Timestamp start = 0;
  model::Timestamp stop = 0;  // 0 while running
  int64_t elapsed = 0;        // seconds (to stop, or to now)
  int64_t target = 0;         // 0 = none
  ClockState state = ClockState::kNotStarted;
};
// The four clocks of one incident at `now`. `first_rfa`/`first_offer` are
// the times of the incident's first request and first offer (0 = none).
std::vector<ClockView> ComputeClocks(const model::Incident& inc, model::Timestamp first_rfa,
                                     model::Timestamp first_offer, const SlaTargets& sla,
                                     model::Timestamp now);

// ---- inputs ----

struct NewReport {
  std::string incident_uuid;                    // attach to this incident; "" = open a new one
  bool third_party = false;                     // reported by someone outside the community
  std::string reporter_name, reporter_contact;  // third party only
  std::string description;
  std::string affected_org;  // name or uuid; "" = the caller (member report)
  std::string affected_country;
  model::Timestamp received = 0;               // 0 = now
  std::vector<model::Indicator> indicators;    // type ("" = guessed) and value
  std::vector<model::Attachment> attachments;  // name, sha256, size
  // For a new incident (ignored when attaching):
  std::string title;  // "" = first line of the description
  std::string rsit_class = "other", rsit_type;
  std::string severity = "medium";
  std::string tlp = "amber", pap;
  std::string coordinator;  // name or uuid; "" = the chair
};

struct IncidentChanges {
  std::optional<std::string> title, description, rsit_class, rsit_type, severity, tlp, pap,
      coordinator, affected_country;
};

struct NewRfa {
  std::string incident_uuid;
  std::string kind;  // model::RfaKind name
  std::string description;
  std::string audience = "all-members";  // all-members|sharing-group|orgs
  std::string sharing_group;             // name or uuid
  std::vector<std::string> orgs;         // names or uuids
  model::Timestamp needed_by = 0;
};

struct NewTask {
  std::string incident_uuid;
  std::string title, description;
  std::string assignee_org;   // name or uuid; "" = the assignee user's org or the caller
  std::string assignee_user;  // e-mail, optional
  model::Timestamp due = 0;
};

struct IncidentFilter {
  std::vector<model::IncidentStatus> statuses;  // empty = any
  bool open_only = false;                // not closed, rejected or duplicate
  int64_t limit = 0;
};

// ---- views (what the caller may see) ----

struct OfferView {
  model::Offer offer;
};
struct RfaView {
  model::Rfa rfa;
  bool incident_visible = false;  // the caller may see the incident itself
  // Classification of the incident, shown to the audience.
  std::string rsit_class, rsit_type;
  model::Severity severity = model::Severity::kMedium;
  model::Tlp tlp = model::Tlp::kNone;
  std::vector<model::Offer> offers;  // those the caller may see
  int64_t offer_count = 0;           // all offers (a count reveals no helper)
};
struct TaskView {
  model::Task task;
  std::vector<model::TaskLog> log;
  bool overdue = false;
};
struct IncidentSummary {
  model::Incident incident;
  std::vector<ClockView> clocks;
  int64_t open_tasks = 0, overdue_tasks = 0, open_rfas = 0;
  bool overdue = false;  // any clock overdue or any open task past due
};
struct IncidentView {
  IncidentSummary summary;
  std::vector<model::IncidentReport> reports;  // third-party contact only for managers
  std::vector<model::Indicator> indicators;
  std::vector<model::Participant> participants;
  std::vector<RfaView> rfas;
  std::vector<TaskView> tasks;
  std::vector<model::Comment> comments;
  std::vector<model::TimelineEntry> timeline;
  std::vector<model::IntelLink> links;  // only links to intelligence the caller may see
  std::vector<model::OrgRef> reporting_orgs;
};

// Indicators of linked events and who else has seen them.
struct SeenIndicator {
  std::string event_uuid, attribute_uuid, type, value;
  int64_t correlated_events = 0;                 // other events the caller may see
  std::vector<std::string> correlated_orgs;      // their creators (names, sorted, unique)
  std::array<int64_t, 3> sightings = {0, 0, 0};  // seen, false-positive, expiration
};

struct Responsiveness {  // one member, for the chair
  model::OrgRef org;
  int64_t rfas_received = 0, offers_made = 0, offers_accepted = 0;
  int64_t median_time_to_offer = -1;  // seconds; -1 = no offers
  int64_t incidents_coordinated = 0, acknowledged = 0, ack_breached = 0;
  int64_t median_time_to_acknowledge = -1;
  int64_t tasks_assigned = 0, tasks_done = 0, tasks_overdue = 0, tasks_done_late = 0;
};

// ---- the service ----

class Coordinator {
 public:
  // Borrows `s`; `now` defaults to util::Now.
  static StatusOr<std::unique_ptr<Coordinator>> Create(store::Store* s, Clock now = nullptr);
  ~Coordinator();

  // Reports and incidents.
  struct Filed {
    model::Incident incident;
    model::IncidentReport report;
    bool created = false;  // a new incident was opened
  };
  StatusOr<Filed> FileReport(const policy::Actor& c, NewReport r);
  StatusOr<model::Incident> Update(const policy::Actor& c, std::string_view uuid,
                                   const IncidentChanges& ch);
  // Moves the incident to `to`. duplicate_of names the surviving incident
  // (required for kDuplicate). `note` goes to the timeline and, for
  // resolved/closed/rejected, to the resolution.
  StatusOr<model::Incident> SetStatus(const policy::Actor& c, std::string_view uuid,
                                      model::IncidentStatus to, std::string_view note = {},
                                      std::string_view duplicate_of = {});
  StatusOr<IncidentView> Get(const policy::Actor& c, std::string_view uuid);
  Status List(const policy::Actor& c, const IncidentFilter& f, std::vector<IncidentSummary>* out);
  // Visible incidents with an overdue clock or an overdue open task.
  Status Overdue(const policy::Actor& c, std::vector<IncidentSummary>* out);
  StatusOr<model::Indicator> AddIndicator(const policy::Actor& c, std::string_view uuid,
                                          model::Indicator ind);
  StatusOr<model::Comment> AddComment(const policy::Actor& c, std::string_view uuid,
                                      std::string_view text);

  // Requests for assistance and offers.
  StatusOr<model::Rfa> CreateRfa(const policy::Actor& c, const NewRfa& r);
  // RFAs the caller may see (open only when `open_only`), newest last.
  Status ListRfas(const policy::Actor& c, bool open_only, std::vector<RfaView>* out);
  StatusOr<RfaView> GetRfa(const policy::Actor& c, std::string_view rfa_uuid);
  StatusOr<model::Rfa> WithdrawRfa(const policy::Actor& c, std::string_view rfa_uuid,
                                   std::string_view note = {});
  StatusOr<model::Offer> Offer(const policy::Actor& c, std::string_view rfa_uuid,
                               std::string_view description, model::Timestamp by_when);
  // accept: the offering org becomes a participant of the incident.
  StatusOr<model::Offer> DecideOffer(const policy::Actor& c, std::string_view offer_uuid,
                                     bool accept, std::string_view note = {});
  StatusOr<model::Offer> WithdrawOffer(const policy::Actor& c, std::string_view offer_uuid);

  // Tasks.
  StatusOr<model::Task> AddTask(const policy::Actor& c, const NewTask& t);
  StatusOr<model::Task> SetTaskStatus(const policy::Actor& c, std::string_view task_uuid,
                                      model::TaskStatus to, std::string_view note = {});
  StatusOr<model::TaskLog> LogWork(const policy::Actor& c, std::string_view task_uuid,
                                   std::string_view text);

  // Intelligence.
  // Links an event or attribute the caller may see (kind "event"/"attribute").
  Status Link(const policy::Actor& c, std::string_view uuid, std::string_view kind,
              std::string_view target_uuid);
  // Promotes indicators of the incident (ids; empty = all) into a new MISP
  // event held by the caller's org, with `distribution` (0-4; 4 needs
  // `sharing_group`) and the incident's TLP unless `tlp` is given; links
  // the event to the incident. Returns the event uuid.
  StatusOr<std::string> Promote(const policy::Actor& c, std::string_view uuid,
                                const std::vector<int64_t>& indicator_ids,
                                model::Distribution distribution,
                                std::string_view sharing_group = {}, std::string_view info = {},
                                std::string_view tlp = {});
  // Attributes of the linked events the caller may see, with correlations
  // (other visible events and their creators) and sighting counts.
  Status SeenElsewhere(const policy::Actor& c, std::string_view uuid,
                       const intel::CorrelationIndex& index,
                       const intel::CorrelationSettings& settings, std::vector<SeenIndicator>* out);

  // Community settings and figures.
  Status SetSla(const policy::Actor& c, model::Severity s, ClockKind k, int64_t seconds);
  // Per-member figures; only the chair org may ask.
  Status MemberResponsiveness(const policy::Actor& c, std::vector<Responsiveness>* out);

  // Exports of one incident as the caller may see it.
  StatusOr<std::string> ExportJson(const policy::Actor& c, std::string_view uuid);
  // IODEF v2 (RFC 7970) XML; `node_name` names the issuing node in IncidentID.
  StatusOr<std::string> ExportIodef(const policy::Actor& c, std::string_view uuid,
                                    std::string_view node_name = "sanad");

  model::Timestamp Now() const;

 private:
  struct Impl;
  explicit Coordinator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Serialisations shared by the CLI and the API (incident/json.cc).
std::string ToJsonText(const IncidentView& v);
// IODEF v2 document of a view (no I/O; the Coordinator audits the read).
std::string ToIodef(const IncidentView& v, std::string_view node_name, model::Timestamp now);

}  // namespace sanad::incident
