// Internal to the SQLite backend: the three incident sections over the
// store's connection, one file each: incident_store.cc (schema version 4 and
// store::IncidentStore: incidents, reports, indicators, attachments,
// participants, timeline, comments, links), incident_rfa.cc (store::RfaStore:
// requests for assistance and offers) and incident_tasks.cc
// (store::TaskStore: tasks and work logs).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/incident.h"
#include "store/incident_rfa_store.h"
#include "store/incident_store.h"
#include "store/incident_task_store.h"
#include "store/sqlite/internal.h"

namespace sanad::store::internal {

std::unique_ptr<IncidentStore> NewIncidentStore(Conn* c);
std::unique_ptr<RfaStore> NewRfaStore(Conn* c);
std::unique_ptr<TaskStore> NewTaskStore(Conn* c);

// The connection and the row helpers the incident sections share.
class IncidentSection {
 protected:
  explicit IncidentSection(Conn* c) : db_(c->db), stmts_(&c->stmts) {}

  // Steps the INSERT `q` and stores the new row id in *id (when not null).
  // A constraint violation is Conflict(`conflict`) when `conflict` is not
  // empty; other errors name `what`.
  Status Insert(Query& q, const std::string& conflict, std::string_view what, int64_t* id);
  // Executes the UPDATE `q`; NotFound(`missing`) when it changed no row.
  Status Update(Query& q, std::string_view what, const std::string& missing);

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

// `v` with its org (v.org, for v.org_id) read from the next two columns.
template <class T>
T WithOrg(T v, Row& r) {
  v.org = ReadOrgRef(r, v.org_id);
  return v;
}

}  // namespace sanad::store::internal
