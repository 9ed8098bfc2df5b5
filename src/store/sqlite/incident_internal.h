// Internal to the SQLite backend: store::IncidentStore over the store's
// connection. One class, its methods in three files: incident_store.cc
// (schema version 4, incidents, reports, indicators, attachments,
// participants), incident_rfa.cc (requests for assistance and offers) and
// incident_tasks.cc (tasks, work logs, timeline, comments, links).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/incident.h"
#include "store/incident_store.h"
#include "store/sqlite/internal.h"

namespace sanad::store::internal {

class SqliteIncidentStore final : public IncidentStore {
 public:
  SqliteIncidentStore(sqlite3* db, StmtCache* stmts) : db_(db), stmts_(stmts) {}

  // incident_store.cc
  Status AddIncident(model::Incident* inc) override;
  Status UpdateIncident(const model::Incident& inc) override;
  StatusOr<model::Incident> GetIncident(int64_t id) override;
  StatusOr<model::Incident> FindIncident(std::string_view uuid) override;
  Status ListIncidents(const IncidentQuery& q, std::vector<model::Incident>* out) override;
  StatusOr<policy::IncidentAccess> AccessOf(const model::Incident& inc) override;
  Status AddReport(model::IncidentReport* r) override;
  Status ListReports(int64_t incident_id, std::vector<model::IncidentReport>* out) override;
  Status MoveReports(int64_t from_incident_id, int64_t to_incident_id) override;
  Status AddIndicator(model::Indicator* ind) override;
  Status ListIndicators(int64_t incident_id, std::vector<model::Indicator>* out) override;
  Status ListAttachments(int64_t incident_id, std::vector<model::Attachment>* out) override;
  Status AddParticipant(model::Participant* p) override;
  Status ListParticipants(int64_t incident_id, std::vector<model::Participant>* out) override;

  // incident_rfa.cc
  Status AddRfa(model::Rfa* r) override;
  Status UpdateRfa(const model::Rfa& r) override;
  StatusOr<model::Rfa> GetRfa(int64_t id) override;
  StatusOr<model::Rfa> FindRfa(std::string_view uuid) override;
  Status ListRfas(int64_t incident_id, std::vector<model::Rfa>* out) override;
  Status AddOffer(model::Offer* o) override;
  Status UpdateOffer(const model::Offer& o) override;
  StatusOr<model::Offer> FindOffer(std::string_view uuid) override;
  Status ListOffers(int64_t rfa_id, std::vector<model::Offer>* out) override;

  // incident_tasks.cc
  Status AddTask(model::Task* t) override;
  Status UpdateTask(const model::Task& t) override;
  StatusOr<model::Task> FindTask(std::string_view uuid) override;
  Status ListTasks(int64_t incident_id, std::vector<model::Task>* out) override;
  Status AddTaskLog(model::TaskLog* l) override;
  Status ListTaskLogs(int64_t task_id, std::vector<model::TaskLog>* out) override;
  Status AddTimelineEntry(model::TimelineEntry* e) override;
  Status ListTimeline(int64_t incident_id, std::vector<model::TimelineEntry>* out) override;
  Status AddComment(model::Comment* c) override;
  Status ListComments(int64_t incident_id, std::vector<model::Comment>* out) override;
  Status AddLink(const model::IntelLink& l) override;
  Status ListLinks(int64_t incident_id, std::vector<model::IntelLink>* out) override;

 private:
  // Steps the INSERT `q` and stores the new row id in *id (when not null).
  // A constraint violation is Conflict(`conflict`) when `conflict` is not
  // empty; other errors name `what`.
  Status Insert(Query& q, const std::string& conflict, std::string_view what, int64_t* id);
  // Executes the UPDATE `q`; NotFound(`missing`) when it changed no row.
  Status Update(Query& q, std::string_view what, const std::string& missing);
  // Clears *out and appends the rows of `sql` (its ?1 bound to `key`) read
  // by `read`.
  template <class T, class Read>
  Status ListBy(const char* sql, int64_t key, std::string_view what, Read&& read,
                std::vector<T>* out) {
    out->clear();
    SANAD_USE(q, sql);
    q.Bind(1, key);
    return AppendRows(q, what, read, out);
  }
  // Reads the audience orgs of the requests addressed to listed orgs.
  Status FillAudience(std::vector<model::Rfa>* rfas);

  sqlite3* db_;
  StmtCache* stmts_;
};

// Assigns a new uuid when `*uuid` is empty; lower-cases it.
void AssignUuid(std::string* uuid);

// Corrupt("<table> row <id>: unknown <field> '<value>'").
Status Corrupt(std::string_view table, int64_t id, std::string_view field, std::string_view value);

// Reads the enum columns of one row as their text names (model/incident.h);
// the first unknown name is kept for Check.
class EnumColumns {
 public:
  template <class E>
  E Read(Row& r, std::string_view field) {
    std::string v = r.Text();
    E e{};
    if (!model::Parse(v, &e) && field_.empty()) {
      field_ = field;
      value_ = std::move(v);
    }
    return e;
  }
  // Corrupt naming the row and the first unknown name, if any.
  Status Check(std::string_view table, int64_t id) const {
    return field_.empty() ? Status::Ok() : Corrupt(table, id, field_, value_);
  }

 private:
  std::string field_, value_;
};

// An org reference read from the next two columns (uuid, name).
inline model::OrgRef ReadOrgRef(Row& r, int64_t id) {
  model::OrgRef o;
  o.id = id;
  o.uuid = r.Text();
  o.name = r.Text();
  return o;
}

}  // namespace sanad::store::internal
