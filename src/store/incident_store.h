// The incident section of the store (schema version 4), part 1 of 3: the
// incident records themselves — incidents, their reports, indicators and
// attachments, participants, the timeline, comments and links to
// intelligence. Requests for assistance and offers are store/incident_rfa_store.h,
// tasks and work logs store/incident_task_store.h; all three are handed out
// by store::Store (incidents(), rfas(), incident_tasks()).
//
// The records are model/incident.h. This layer checks no permission and no
// lifecycle rule; the incident module (incident/incident.h) decides who may
// do what and asks the visibility policy (policy::MaySeeIncident, MaySeeRfa, MaySeeOffer) before
// anything leaves. Reads here are therefore unfiltered; listings can be
// pre-filtered in SQL to the incidents an org is involved in.
//
// Writes share the store's connection and thus its transactions
// (store::Transaction); none opens a transaction of its own. uuids are
// stored in lower case. Timestamps are Unix seconds; 0 means "not yet".
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/incident.h"
#include "policy/policy.h"
#include "util/status.h"

namespace sanad::store {

struct IncidentQuery {
  int64_t involved_org_id = 0;  // 0 = all; else affected, coordinator, reporter or participant
  std::vector<model::IncidentStatus> statuses;  // empty = any
  int64_t after_id = 0;
  int64_t limit = 0;  // 0 = no limit
};

class IncidentStore {
 public:
  virtual ~IncidentStore() = default;

  // Assigns id (and uuid when empty). Conflict on a duplicate uuid.
  virtual Status AddIncident(model::Incident* inc) = 0;
  // Writes every field of inc.id except uuid and created_by. NotFound.
  virtual Status UpdateIncident(const model::Incident& inc) = 0;
  virtual StatusOr<model::Incident> GetIncident(int64_t id) = 0;
  virtual StatusOr<model::Incident> FindIncident(std::string_view uuid) = 0;  // NotFound
  // In id order.
  virtual Status ListIncidents(const IncidentQuery& q, std::vector<model::Incident>* out) = 0;
  // The orgs that decide visibility (policy::IncidentAccess) of one incident.
  virtual StatusOr<policy::IncidentAccess> AccessOf(const model::Incident& inc) = 0;

  // Stores the report with its indicators and attachments (assigning ids).
  virtual Status AddReport(model::IncidentReport* r) = 0;
  virtual Status ListReports(int64_t incident_id, std::vector<model::IncidentReport>* out) = 0;
  // Moves reports, their indicators and attachments from one incident to
  // another (merging a duplicate).
  virtual Status MoveReports(int64_t from_incident_id, int64_t to_incident_id) = 0;
  virtual Status AddIndicator(model::Indicator* ind) = 0;
  virtual Status ListIndicators(int64_t incident_id, std::vector<model::Indicator>* out) = 0;
  virtual Status ListAttachments(int64_t incident_id, std::vector<model::Attachment>* out) = 0;

  // Idempotent per (incident, org).
  virtual Status AddParticipant(model::Participant* p) = 0;
  virtual Status ListParticipants(int64_t incident_id, std::vector<model::Participant>* out) = 0;

  virtual Status AddTimelineEntry(model::TimelineEntry* e) = 0;
  virtual Status ListTimeline(int64_t incident_id, std::vector<model::TimelineEntry>* out) = 0;

  virtual Status AddComment(model::Comment* c) = 0;
  virtual Status ListComments(int64_t incident_id, std::vector<model::Comment>* out) = 0;

  // Conflict when the link exists.
  virtual Status AddLink(const model::IntelLink& l) = 0;
  virtual Status ListLinks(int64_t incident_id, std::vector<model::IntelLink>* out) = 0;
};

}  // namespace sanad::store
