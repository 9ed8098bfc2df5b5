// The incident section of the store: schema version 4 and the SQLite
// implementation of store::IncidentStore.
#include "store/incident_store.h"

#include <algorithm>
#include <cstring>

#include "store/schema.h"
#include "util/util.h"

namespace sanad::store {

namespace internal {

// Version 4: incident coordination. Conventions of schema.cc: enums as their
// Name() text, TLP/PAP as their canonical tag names ('' = none), timestamps
// as Unix seconds (0 = not yet), NULL foreign keys for "none".
const char* IncidentMigration() {
  return R"sql(
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  rsit_class TEXT NOT NULL,
  rsit_type TEXT NOT NULL,
  severity TEXT NOT NULL,
  tlp TEXT NOT NULL DEFAULT '',
  pap TEXT NOT NULL DEFAULT '',
  affected_org_id INTEGER NOT NULL REFERENCES orgs(id),
  affected_country TEXT NOT NULL DEFAULT '',
  coordinator_org_id INTEGER NOT NULL REFERENCES orgs(id),
  status TEXT NOT NULL,
  duplicate_of_id INTEGER REFERENCES incidents(id),
  resolution TEXT NOT NULL DEFAULT '',
  created_by_org_id INTEGER REFERENCES orgs(id),
  opened INTEGER NOT NULL,
  acknowledged INTEGER NOT NULL DEFAULT 0,
  contained INTEGER NOT NULL DEFAULT 0,
  resolved INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0,
  modified INTEGER NOT NULL
);
CREATE INDEX incidents_affected ON incidents(affected_org_id);
CREATE INDEX incidents_coordinator ON incidents(coordinator_org_id);

CREATE TABLE incident_reports (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  reporter_org_id INTEGER REFERENCES orgs(id),
  reporter_name TEXT NOT NULL DEFAULT '',
  reporter_contact TEXT NOT NULL DEFAULT '',
  entered_by_org_id INTEGER NOT NULL REFERENCES orgs(id),
  description TEXT NOT NULL DEFAULT '',
  affected_org_id INTEGER REFERENCES orgs(id),
  affected_country TEXT NOT NULL DEFAULT '',
  received INTEGER NOT NULL
);
CREATE INDEX incident_reports_incident ON incident_reports(incident_id);
CREATE INDEX incident_reports_reporter ON incident_reports(reporter_org_id);
CREATE INDEX incident_reports_entered ON incident_reports(entered_by_org_id);

CREATE TABLE incident_indicators (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  report_id INTEGER REFERENCES incident_reports(id),
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  to_ids INTEGER NOT NULL DEFAULT 1,
  added_by_org_id INTEGER REFERENCES orgs(id),
  created INTEGER NOT NULL
);
CREATE INDEX incident_indicators_incident ON incident_indicators(incident_id);

CREATE TABLE incident_attachments (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  report_id INTEGER REFERENCES incident_reports(id),
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX incident_attachments_incident ON incident_attachments(incident_id);

CREATE TABLE incident_participants (
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  rfa_id INTEGER,
  since INTEGER NOT NULL,
  PRIMARY KEY (incident_id, org_id)
) WITHOUT ROWID;
CREATE INDEX incident_participants_org ON incident_participants(org_id);

CREATE TABLE rfas (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  requester_org_id INTEGER NOT NULL REFERENCES orgs(id),
  kind TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  audience TEXT NOT NULL,
  sharing_group_id INTEGER REFERENCES sharing_groups(id),
  needed_by INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  created INTEGER NOT NULL,
  ended INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX rfas_incident ON rfas(incident_id);

CREATE TABLE rfa_audience_orgs (
  rfa_id INTEGER NOT NULL REFERENCES rfas(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (rfa_id, org_id)
) WITHOUT ROWID;

CREATE TABLE rfa_offers (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  rfa_id INTEGER NOT NULL REFERENCES rfas(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  description TEXT NOT NULL DEFAULT '',
  by_when INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  decided INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX rfa_offers_rfa ON rfa_offers(rfa_id);

CREATE TABLE incident_tasks (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  assignee_org_id INTEGER NOT NULL REFERENCES orgs(id),
  assignee_user_id INTEGER REFERENCES users(id),
  due INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  created_by_org_id INTEGER REFERENCES orgs(id),
  created INTEGER NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX incident_tasks_incident ON incident_tasks(incident_id);

CREATE TABLE incident_task_logs (
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES incident_tasks(id),
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  org_id INTEGER REFERENCES orgs(id),
  text TEXT NOT NULL
);
CREATE INDEX incident_task_logs_task ON incident_task_logs(task_id);

CREATE TABLE incident_timeline (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  org_id INTEGER REFERENCES orgs(id),
  action TEXT NOT NULL,
  text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incident_timeline_incident ON incident_timeline(incident_id);

CREATE TABLE incident_comments (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  org_id INTEGER REFERENCES orgs(id),
  text TEXT NOT NULL
);
CREATE INDEX incident_comments_incident ON incident_comments(incident_id);

CREATE TABLE incident_links (
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  kind TEXT NOT NULL,
  uuid TEXT NOT NULL,
  org_id INTEGER REFERENCES orgs(id),
  created INTEGER NOT NULL,
  PRIMARY KEY (incident_id, kind, uuid)
) WITHOUT ROWID;
)sql";
}

}  // namespace internal

// ---- enum names ----

namespace {

template <class E, size_t N>
bool ParseName(std::string_view s, const char* const (&names)[N], E* out) {
  std::string t = util::ToLower(util::Trim(s));
  std::replace(t.begin(), t.end(), '_', '-');
  for (size_t i = 0; i < N; ++i) {
    if (t == names[i]) {
      *out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

constexpr const char* kStatusNames[] = {"new",      "triage", "in-progress", "contained",
                                        "resolved", "closed", "rejected",    "duplicate"};
constexpr const char* kSeverityNames[] = {"low", "medium", "high", "critical"};
constexpr const char* kKindNames[] = {"sample-analysis", "takedown",    "sinkholing", "blocking",
                                      "forensics",       "information", "other"};
constexpr const char* kRfaStatusNames[] = {"open", "withdrawn", "closed"};
constexpr const char* kOfferStatusNames[] = {"pending", "accepted", "declined", "withdrawn"};
constexpr const char* kTaskStatusNames[] = {"waiting", "in-progress", "done", "cancelled"};
constexpr const char* kAudienceNames[] = {"all-members", "sharing-group", "orgs"};

}  // namespace

const char* Name(IncidentStatus v) { return kStatusNames[static_cast<int>(v)]; }
const char* Name(Severity v) { return kSeverityNames[static_cast<int>(v)]; }
const char* Name(RfaKind v) { return kKindNames[static_cast<int>(v)]; }
const char* Name(RfaStatus v) { return kRfaStatusNames[static_cast<int>(v)]; }
const char* Name(OfferStatus v) { return kOfferStatusNames[static_cast<int>(v)]; }
const char* Name(TaskStatus v) { return kTaskStatusNames[static_cast<int>(v)]; }
const char* Name(policy::RfaAudience v) { return kAudienceNames[static_cast<int>(v)]; }
bool Parse(std::string_view s, IncidentStatus* out) { return ParseName(s, kStatusNames, out); }
bool Parse(std::string_view s, Severity* out) { return ParseName(s, kSeverityNames, out); }
bool Parse(std::string_view s, RfaKind* out) { return ParseName(s, kKindNames, out); }
bool Parse(std::string_view s, RfaStatus* out) { return ParseName(s, kRfaStatusNames, out); }
bool Parse(std::string_view s, OfferStatus* out) { return ParseName(s, kOfferStatusNames, out); }
bool Parse(std::string_view s, TaskStatus* out) { return ParseName(s, kTaskStatusNames, out); }
bool Parse(std::string_view s, policy::RfaAudience* out) {
  if (util::ToLower(util::Trim(s)) == "all") {
    *out = policy::RfaAudience::kAllMembers;
    return true;
  }
  return ParseName(s, kAudienceNames, out);
}

namespace {

using internal::Query;
using internal::SqlStatus;
using internal::StmtCache;

#define SANAD_USE(q, sql)                   \
  auto q##_or = stmts_->Use(sql);           \
  if (!q##_or.ok()) return q##_or.status(); \
  Query& q = *q##_or

// ---- SQL ----

#define INCIDENT_SELECT                                                                    \
  "SELECT i.id, i.uuid, i.title, i.description, i.rsit_class, i.rsit_type, i.severity,"    \
  " i.tlp, i.pap, i.affected_org_id, i.affected_country, i.coordinator_org_id, i.status,"  \
  " i.duplicate_of_id, i.resolution, i.created_by_org_id, i.opened, i.acknowledged,"       \
  " i.contained, i.resolved, i.closed, i.modified, a.uuid, a.name, c.uuid, c.name, d.uuid" \
  " FROM incidents i JOIN orgs a ON a.id = i.affected_org_id"                              \
  " JOIN orgs c ON c.id = i.coordinator_org_id LEFT JOIN incidents d ON d.id = i.duplicate_of_id "

constexpr const char kInsertIncident[] =
    "INSERT INTO incidents(uuid, title, description, rsit_class, rsit_type, severity, tlp, pap,"
    " affected_org_id, affected_country, coordinator_org_id, status, duplicate_of_id,"
    " resolution, created_by_org_id, opened, acknowledged, contained, resolved, closed,"
    " modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
    " ?17, ?18, ?19, ?20, ?21)";
constexpr const char kUpdateIncident[] =
    "UPDATE incidents SET title = ?2, description = ?3, rsit_class = ?4, rsit_type = ?5,"
    " severity = ?6, tlp = ?7, pap = ?8, affected_org_id = ?9, affected_country = ?10,"
    " coordinator_org_id = ?11, status = ?12, duplicate_of_id = ?13, resolution = ?14,"
    " opened = ?16, acknowledged = ?17, contained = ?18, resolved = ?19, closed = ?20,"
    " modified = ?21 WHERE id = ?1";
constexpr const char kGetIncident[] = INCIDENT_SELECT "WHERE i.id = ?1";
constexpr const char kFindIncident[] = INCIDENT_SELECT "WHERE i.uuid = ?1";
constexpr const char kListIncidents[] = INCIDENT_SELECT
    "WHERE i.id > ?1 AND (?2 = 0 OR i.affected_org_id = ?2 OR i.coordinator_org_id = ?2"
    " OR EXISTS (SELECT 1 FROM incident_reports r WHERE r.incident_id = i.id"
    "   AND (r.reporter_org_id = ?2 OR r.entered_by_org_id = ?2))"
    " OR EXISTS (SELECT 1 FROM incident_participants p WHERE p.incident_id = i.id"
    "   AND p.org_id = ?2)) ORDER BY i.id";
constexpr const char kReportingOrgs[] =
    "SELECT reporter_org_id FROM incident_reports WHERE incident_id = ?1"
    " AND reporter_org_id IS NOT NULL UNION"
    " SELECT entered_by_org_id FROM incident_reports WHERE incident_id = ?1";
constexpr const char kParticipantOrgs[] =
    "SELECT org_id FROM incident_participants WHERE incident_id = ?1";

constexpr const char kInsertReport[] =
    "INSERT INTO incident_reports(uuid, incident_id, reporter_org_id, reporter_name,"
    " reporter_contact, entered_by_org_id, description, affected_org_id, affected_country,"
    " received) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr const char kListReports[] =
    "SELECT r.id, r.uuid, r.incident_id, r.reporter_org_id, r.reporter_name, r.reporter_contact,"
    " r.entered_by_org_id, r.description, r.affected_org_id, r.affected_country, r.received,"
    " ro.uuid, ro.name, eo.uuid, eo.name FROM incident_reports r"
    " LEFT JOIN orgs ro ON ro.id = r.reporter_org_id JOIN orgs eo ON eo.id = r.entered_by_org_id"
    " WHERE r.incident_id = ?1 ORDER BY r.id";
constexpr const char kMoveReports[] =
    "UPDATE incident_reports SET incident_id = ?2 WHERE incident_id = ?1";
constexpr const char kMoveIndicators[] =
    "UPDATE incident_indicators SET incident_id = ?2 WHERE incident_id = ?1 AND report_id IS NOT "
    "NULL";
constexpr const char kMoveAttachments[] =
    "UPDATE incident_attachments SET incident_id = ?2 WHERE incident_id = ?1";

constexpr const char kInsertIndicator[] =
    "INSERT INTO incident_indicators(incident_id, report_id, type, value, comment, to_ids,"
    " added_by_org_id, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr const char kListIndicators[] =
    "SELECT id, incident_id, report_id, type, value, comment, to_ids, added_by_org_id, created"
    " FROM incident_indicators WHERE incident_id = ?1 ORDER BY id";
constexpr const char kInsertAttachment[] =
    "INSERT INTO incident_attachments(incident_id, report_id, name, sha256, size)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kListAttachments[] =
    "SELECT id, incident_id, report_id, name, sha256, size FROM incident_attachments"
    " WHERE incident_id = ?1 ORDER BY id";

constexpr const char kInsertParticipant[] =
    "INSERT OR IGNORE INTO incident_participants(incident_id, org_id, rfa_id, since)"
    " VALUES (?1, ?2, ?3, ?4)";
constexpr const char kListParticipants[] =
    "SELECT p.incident_id, p.org_id, p.rfa_id, p.since, o.uuid, o.name"
    " FROM incident_participants p JOIN orgs o ON o.id = p.org_id WHERE p.incident_id = ?1"
    " ORDER BY p.since, p.org_id";

#define RFA_SELECT                                                                       \
  "SELECT r.id, r.uuid, r.incident_id, r.requester_org_id, r.kind, r.description,"       \
  " r.audience, r.sharing_group_id, r.needed_by, r.status, r.created, r.ended, o.uuid,"  \
  " o.name, i.uuid, g.uuid, g.name FROM rfas r JOIN orgs o ON o.id = r.requester_org_id" \
  " JOIN incidents i ON i.id = r.incident_id LEFT JOIN sharing_groups g ON g.id = "      \
  "r.sharing_group_id "
constexpr const char kInsertRfa[] =
    "INSERT INTO rfas(uuid, incident_id, requester_org_id, kind, description, audience,"
    " sharing_group_id, needed_by, status, created, ended)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr const char kInsertRfaOrg[] =
    "INSERT OR IGNORE INTO rfa_audience_orgs(rfa_id, org_id) VALUES (?1, ?2)";
constexpr const char kRfaOrgs[] =
    "SELECT org_id FROM rfa_audience_orgs WHERE rfa_id = ?1 ORDER BY org_id";
constexpr const char kUpdateRfa[] = "UPDATE rfas SET status = ?2, ended = ?3 WHERE id = ?1";
constexpr const char kGetRfa[] = RFA_SELECT "WHERE r.id = ?1";
constexpr const char kFindRfa[] = RFA_SELECT "WHERE r.uuid = ?1";
constexpr const char kListRfas[] = RFA_SELECT "WHERE ?1 = 0 OR r.incident_id = ?1 ORDER BY r.id";

#define OFFER_SELECT                                                                     \
  "SELECT f.id, f.uuid, f.rfa_id, f.org_id, f.description, f.by_when, f.status, f.note," \
  " f.created, f.decided, o.uuid, o.name FROM rfa_offers f JOIN orgs o ON o.id = f.org_id "
constexpr const char kInsertOffer[] =
    "INSERT INTO rfa_offers(uuid, rfa_id, org_id, description, by_when, status, note, created,"
    " decided) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char kUpdateOffer[] =
    "UPDATE rfa_offers SET status = ?2, note = ?3, decided = ?4 WHERE id = ?1";
constexpr const char kFindOffer[] = OFFER_SELECT "WHERE f.uuid = ?1";
constexpr const char kListOffers[] = OFFER_SELECT "WHERE f.rfa_id = ?1 ORDER BY f.id";

#define TASK_SELECT                                                                         \
  "SELECT t.id, t.uuid, t.incident_id, t.title, t.description, t.assignee_org_id,"          \
  " t.assignee_user_id, t.due, t.status, t.created_by_org_id, t.created, t.finished,"       \
  " o.uuid, o.name, u.email, i.uuid FROM incident_tasks t"                                  \
  " JOIN orgs o ON o.id = t.assignee_org_id LEFT JOIN users u ON u.id = t.assignee_user_id" \
  " JOIN incidents i ON i.id = t.incident_id "
constexpr const char kInsertTask[] =
    "INSERT INTO incident_tasks(uuid, incident_id, title, description, assignee_org_id,"
    " assignee_user_id, due, status, created_by_org_id, created, finished)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr const char kUpdateTask[] =
    "UPDATE incident_tasks SET title = ?2, description = ?3, assignee_org_id = ?4,"
    " assignee_user_id = ?5, due = ?6, status = ?7, finished = ?8 WHERE id = ?1";
constexpr const char kFindTask[] = TASK_SELECT "WHERE t.uuid = ?1";
constexpr const char kListTasks[] = TASK_SELECT "WHERE ?1 = 0 OR t.incident_id = ?1 ORDER BY t.id";
constexpr const char kInsertTaskLog[] =
    "INSERT INTO incident_task_logs(task_id, time, actor, org_id, text)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kListTaskLogs[] =
    "SELECT l.id, l.task_id, l.time, l.actor, l.org_id, l.text, o.uuid, o.name"
    " FROM incident_task_logs l LEFT JOIN orgs o ON o.id = l.org_id WHERE l.task_id = ?1"
    " ORDER BY l.id";

constexpr const char kInsertTimeline[] =
    "INSERT INTO incident_timeline(incident_id, time, actor, org_id, action, text)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char kListTimeline[] =
    "SELECT l.id, l.incident_id, l.time, l.actor, l.org_id, l.action, l.text, o.uuid, o.name"
    " FROM incident_timeline l LEFT JOIN orgs o ON o.id = l.org_id WHERE l.incident_id = ?1"
    " ORDER BY l.id";

constexpr const char kInsertComment[] =
    "INSERT INTO incident_comments(uuid, incident_id, time, actor, org_id, text)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char kListComments[] =
    "SELECT c.id, c.uuid, c.incident_id, c.time, c.actor, c.org_id, c.text, o.uuid, o.name"
    " FROM incident_comments c LEFT JOIN orgs o ON o.id = c.org_id WHERE c.incident_id = ?1"
    " ORDER BY c.id";

constexpr const char kInsertLink[] =
    "INSERT INTO incident_links(incident_id, kind, uuid, org_id, created)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kListLinks[] =
    "SELECT incident_id, kind, uuid, org_id, created FROM incident_links WHERE incident_id = ?1"
    " ORDER BY created, uuid";

// Static texts: bound strings must outlive the statement's step.
const char* TlpText(model::Tlp t) {
  static const std::string names[] = {"",
                                      model::TlpTagName(model::Tlp::kClear),
                                      model::TlpTagName(model::Tlp::kGreen),
                                      model::TlpTagName(model::Tlp::kAmber),
                                      model::TlpTagName(model::Tlp::kAmberStrict),
                                      model::TlpTagName(model::Tlp::kRed)};
  return names[static_cast<int>(t)].c_str();
}
const char* PapText(model::Pap p) {
  static const std::string names[] = {
      "", model::PapTagName(model::Pap::kClear), model::PapTagName(model::Pap::kGreen),
      model::PapTagName(model::Pap::kAmber), model::PapTagName(model::Pap::kRed)};
  return names[static_cast<int>(p)].c_str();
}

Status Corrupt(std::string_view table, int64_t id, std::string_view field, std::string_view v) {
  return Status::Corrupt(std::string(table) + " row " + std::to_string(id) + ": unknown " +
                         std::string(field) + " '" + std::string(v) + "'");
}

bool IsUnique(int rc) { return (rc & 0xff) == SQLITE_CONSTRAINT; }

class SqliteIncidentStore : public IncidentStore {
 public:
  SqliteIncidentStore(sqlite3* db, StmtCache* stmts) : db_(db), stmts_(stmts) {}

  // ---- incidents ----

  Status AddIncident(Incident* inc) override {
    if (inc->uuid.empty()) inc->uuid = util::NewUuid();
    inc->uuid = util::ToLower(inc->uuid);
    SANAD_USE(q, kInsertIncident);
    BindIncident(q, *inc);
    int rc = q.Step();
    if (rc != SQLITE_DONE) {
      if (IsUnique(rc)) return Status::Conflict("incident " + inc->uuid + " exists");
      return SqlStatus(db_, rc, "adding incident");
    }
    inc->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status UpdateIncident(const Incident& inc) override {
    SANAD_USE(q, kUpdateIncident);
    BindIncident(q, inc);
    q.Bind(1, inc.id);
    SANAD_RETURN_IF_ERROR(q.Exec("updating incident"));
    if (sqlite3_changes(db_) == 0)
      return Status::NotFound("no incident with id " + std::to_string(inc.id));
    return Status::Ok();
  }

  StatusOr<Incident> GetIncident(int64_t id) override {
    SANAD_USE(q, kGetIncident);
    q.Bind(1, id);
    return OneIncident(q, "incident " + std::to_string(id));
  }

  StatusOr<Incident> FindIncident(std::string_view uuid) override {
    std::string u = util::ToLower(uuid);
    SANAD_USE(q, kFindIncident);
    q.Bind(1, u);
    return OneIncident(q, "incident " + u);
  }

  Status ListIncidents(const IncidentQuery& iq, std::vector<Incident>* out) override {
    out->clear();
    SANAD_USE(q, kListIncidents);
    q.Bind(1, iq.after_id).Bind(2, iq.involved_org_id);
    Status st;
    while (q.Next(&st, "listing incidents")) {
      Incident inc;
      SANAD_RETURN_IF_ERROR(ReadIncident(q, &inc));
      if (!iq.statuses.empty() &&
          std::find(iq.statuses.begin(), iq.statuses.end(), inc.status) == iq.statuses.end())
        continue;
      out->push_back(std::move(inc));
      if (iq.limit > 0 && static_cast<int64_t>(out->size()) >= iq.limit) break;
    }
    return st;
  }

  StatusOr<policy::IncidentAccess> AccessOf(const Incident& inc) override {
    policy::IncidentAccess a;
    a.affected_org_id = inc.affected_org_id;
    a.coordinator_org_id = inc.coordinator_org_id;
    Status st;
    {
      SANAD_USE(q, kReportingOrgs);
      q.Bind(1, inc.id);
      while (q.Next(&st, "reading reporting orgs")) a.reporting_org_ids.push_back(q.Int(0));
      SANAD_RETURN_IF_ERROR(st);
    }
    SANAD_USE(q, kParticipantOrgs);
    q.Bind(1, inc.id);
    while (q.Next(&st, "reading participants")) a.participant_org_ids.push_back(q.Int(0));
    SANAD_RETURN_IF_ERROR(st);
    return a;
  }

  // ---- reports, indicators, attachments ----

  Status AddReport(IncidentReport* r) override {
    if (r->uuid.empty()) r->uuid = util::NewUuid();
    r->uuid = util::ToLower(r->uuid);
    {
      SANAD_USE(q, kInsertReport);
      q.Bind(1, r->uuid)
          .Bind(2, r->incident_id)
          .BindId(3, r->reporter_org_id)
          .Bind(4, r->reporter_name)
          .Bind(5, r->reporter_contact)
          .Bind(6, r->entered_by_org_id)
          .Bind(7, r->description)
          .BindId(8, r->affected_org_id)
          .Bind(9, r->affected_country)
          .Bind(10, r->received);
      int rc = q.Step();
      if (rc != SQLITE_DONE) {
        if (IsUnique(rc)) return Status::Conflict("report " + r->uuid + " exists");
        return SqlStatus(db_, rc, "adding incident report");
      }
      r->id = sqlite3_last_insert_rowid(db_);
    }
    for (auto& ind : r->indicators) {
      ind.incident_id = r->incident_id;
      ind.report_id = r->id;
      if (ind.added_by_org_id == 0) ind.added_by_org_id = r->entered_by_org_id;
      if (ind.created == 0) ind.created = r->received;
      SANAD_RETURN_IF_ERROR(AddIndicator(&ind));
    }
    for (auto& at : r->attachments) {
      at.incident_id = r->incident_id;
      at.report_id = r->id;
      SANAD_USE(q, kInsertAttachment);
      q.Bind(1, at.incident_id).Bind(2, at.report_id).Bind(3, at.name).Bind(4, at.sha256);
      q.Bind(5, at.size);
      SANAD_RETURN_IF_ERROR(q.Exec("adding attachment"));
      at.id = sqlite3_last_insert_rowid(db_);
    }
    return Status::Ok();
  }

  Status ListReports(int64_t incident_id, std::vector<IncidentReport>* out) override {
    out->clear();
    {
      SANAD_USE(q, kListReports);
      q.Bind(1, incident_id);
      Status st;
      while (q.Next(&st, "listing reports")) {
        IncidentReport r;
        r.id = q.Int(0);
        r.uuid = q.Text(1);
        r.incident_id = q.Int(2);
        r.reporter_org_id = q.Int(3);
        r.reporter_name = q.Text(4);
        r.reporter_contact = q.Text(5);
        r.entered_by_org_id = q.Int(6);
        r.description = q.Text(7);
        r.affected_org_id = q.Int(8);
        r.affected_country = q.Text(9);
        r.received = q.Int(10);
        r.reporter_org = {r.reporter_org_id, q.Text(11), q.Text(12)};
        r.entered_by_org = {r.entered_by_org_id, q.Text(13), q.Text(14)};
        out->push_back(std::move(r));
      }
      SANAD_RETURN_IF_ERROR(st);
    }
    if (out->empty()) return Status::Ok();
    std::vector<Indicator> inds;
    std::vector<Attachment> atts;
    SANAD_RETURN_IF_ERROR(ListIndicators(incident_id, &inds));
    SANAD_RETURN_IF_ERROR(ListAttachments(incident_id, &atts));
    for (auto& r : *out) {
      for (const auto& i : inds)
        if (i.report_id == r.id) r.indicators.push_back(i);
      for (const auto& a : atts)
        if (a.report_id == r.id) r.attachments.push_back(a);
    }
    return Status::Ok();
  }

  Status MoveReports(int64_t from, int64_t to) override {
    for (const char* sql : {kMoveReports, kMoveIndicators, kMoveAttachments}) {
      SANAD_USE(q, sql);
      q.Bind(1, from).Bind(2, to);
      SANAD_RETURN_IF_ERROR(q.Exec("moving reports"));
    }
    return Status::Ok();
  }

  Status AddIndicator(Indicator* ind) override {
    SANAD_USE(q, kInsertIndicator);
    q.Bind(1, ind->incident_id)
        .BindId(2, ind->report_id)
        .Bind(3, ind->type)
        .Bind(4, ind->value)
        .Bind(5, ind->comment)
        .Bind(6, ind->to_ids)
        .BindId(7, ind->added_by_org_id)
        .Bind(8, ind->created);
    SANAD_RETURN_IF_ERROR(q.Exec("adding indicator"));
    ind->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status ListIndicators(int64_t incident_id, std::vector<Indicator>* out) override {
    out->clear();
    SANAD_USE(q, kListIndicators);
    q.Bind(1, incident_id);
    Status st;
    while (q.Next(&st, "listing indicators")) {
      Indicator i;
      i.id = q.Int(0);
      i.incident_id = q.Int(1);
      i.report_id = q.Int(2);
      i.type = q.Text(3);
      i.value = q.Text(4);
      i.comment = q.Text(5);
      i.to_ids = q.Bool(6);
      i.added_by_org_id = q.Int(7);
      i.created = q.Int(8);
      out->push_back(std::move(i));
    }
    return st;
  }

  Status ListAttachments(int64_t incident_id, std::vector<Attachment>* out) override {
    out->clear();
    SANAD_USE(q, kListAttachments);
    q.Bind(1, incident_id);
    Status st;
    while (q.Next(&st, "listing attachments")) {
      out->push_back({q.Int(0), q.Int(1), q.Int(2), q.Text(3), q.Text(4), q.Int(5)});
    }
    return st;
  }

  // ---- participants ----

  Status AddParticipant(Participant* p) override {
    SANAD_USE(q, kInsertParticipant);
    q.Bind(1, p->incident_id).Bind(2, p->org_id).BindId(3, p->rfa_id).Bind(4, p->since);
    return q.Exec("adding participant");
  }

  Status ListParticipants(int64_t incident_id, std::vector<Participant>* out) override {
    out->clear();
    SANAD_USE(q, kListParticipants);
    q.Bind(1, incident_id);
    Status st;
    while (q.Next(&st, "listing participants")) {
      Participant p;
      p.incident_id = q.Int(0);
      p.org_id = q.Int(1);
      p.rfa_id = q.Int(2);
      p.since = q.Int(3);
      p.org = {p.org_id, q.Text(4), q.Text(5)};
      out->push_back(std::move(p));
    }
    return st;
  }

  // ---- requests for assistance and offers ----

  Status AddRfa(Rfa* r) override {
    if (r->uuid.empty()) r->uuid = util::NewUuid();
    r->uuid = util::ToLower(r->uuid);
    {
      SANAD_USE(q, kInsertRfa);
      q.Bind(1, r->uuid)
          .Bind(2, r->incident_id)
          .Bind(3, r->requester_org_id)
          .Bind(4, Name(r->kind))
          .Bind(5, r->description)
          .Bind(6, Name(r->audience))
          .BindId(7, r->sharing_group_id)
          .Bind(8, r->needed_by)
          .Bind(9, Name(r->status))
          .Bind(10, r->created)
          .Bind(11, r->ended);
      int rc = q.Step();
      if (rc != SQLITE_DONE) {
        if (IsUnique(rc)) return Status::Conflict("request " + r->uuid + " exists");
        return SqlStatus(db_, rc, "adding request for assistance");
      }
      r->id = sqlite3_last_insert_rowid(db_);
    }
    std::sort(r->audience_org_ids.begin(), r->audience_org_ids.end());
    for (int64_t org : r->audience_org_ids) {
      SANAD_USE(q, kInsertRfaOrg);
      q.Bind(1, r->id).Bind(2, org);
      SANAD_RETURN_IF_ERROR(q.Exec("adding request audience"));
    }
    return Status::Ok();
  }

  Status UpdateRfa(const Rfa& r) override {
    SANAD_USE(q, kUpdateRfa);
    q.Bind(1, r.id).Bind(2, Name(r.status)).Bind(3, r.ended);
    SANAD_RETURN_IF_ERROR(q.Exec("updating request"));
    if (sqlite3_changes(db_) == 0) return Status::NotFound("no request " + r.uuid);
    return Status::Ok();
  }

  StatusOr<Rfa> GetRfa(int64_t id) override {
    std::vector<Rfa> v;
    {
      SANAD_USE(q, kGetRfa);
      q.Bind(1, id);
      SANAD_RETURN_IF_ERROR(ReadRfas(q, &v));
    }
    if (v.empty()) return Status::NotFound("no request with id " + std::to_string(id));
    SANAD_RETURN_IF_ERROR(FillAudience(&v));
    return std::move(v[0]);
  }

  StatusOr<Rfa> FindRfa(std::string_view uuid) override {
    std::string u = util::ToLower(uuid);
    std::vector<Rfa> v;
    {
      SANAD_USE(q, kFindRfa);
      q.Bind(1, u);
      SANAD_RETURN_IF_ERROR(ReadRfas(q, &v));
    }
    if (v.empty()) return Status::NotFound("no request for assistance " + u);
    SANAD_RETURN_IF_ERROR(FillAudience(&v));
    return std::move(v[0]);
  }

  Status ListRfas(int64_t incident_id, std::vector<Rfa>* out) override {
    out->clear();
    {
      SANAD_USE(q, kListRfas);
      q.Bind(1, incident_id);
      SANAD_RETURN_IF_ERROR(ReadRfas(q, out));
    }
    return FillAudience(out);
  }

  Status AddOffer(Offer* o) override {
    if (o->uuid.empty()) o->uuid = util::NewUuid();
    o->uuid = util::ToLower(o->uuid);
    SANAD_USE(q, kInsertOffer);
    q.Bind(1, o->uuid)
        .Bind(2, o->rfa_id)
        .Bind(3, o->org_id)
        .Bind(4, o->description)
        .Bind(5, o->by_when)
        .Bind(6, Name(o->status))
        .Bind(7, o->note)
        .Bind(8, o->created)
        .Bind(9, o->decided);
    int rc = q.Step();
    if (rc != SQLITE_DONE) {
      if (IsUnique(rc)) return Status::Conflict("offer " + o->uuid + " exists");
      return SqlStatus(db_, rc, "adding offer");
    }
    o->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status UpdateOffer(const Offer& o) override {
    SANAD_USE(q, kUpdateOffer);
    q.Bind(1, o.id).Bind(2, Name(o.status)).Bind(3, o.note).Bind(4, o.decided);
    SANAD_RETURN_IF_ERROR(q.Exec("updating offer"));
    if (sqlite3_changes(db_) == 0) return Status::NotFound("no offer " + o.uuid);
    return Status::Ok();
  }

  StatusOr<Offer> FindOffer(std::string_view uuid) override {
    std::string u = util::ToLower(uuid);
    std::vector<Offer> v;
    SANAD_USE(q, kFindOffer);
    q.Bind(1, u);
    SANAD_RETURN_IF_ERROR(ReadOffers(q, &v));
    if (v.empty()) return Status::NotFound("no offer " + u);
    return std::move(v[0]);
  }

  Status ListOffers(int64_t rfa_id, std::vector<Offer>* out) override {
    out->clear();
    SANAD_USE(q, kListOffers);
    q.Bind(1, rfa_id);
    return ReadOffers(q, out);
  }

  // ---- tasks ----

  Status AddTask(Task* t) override {
    if (t->uuid.empty()) t->uuid = util::NewUuid();
    t->uuid = util::ToLower(t->uuid);
    SANAD_USE(q, kInsertTask);
    q.Bind(1, t->uuid)
        .Bind(2, t->incident_id)
        .Bind(3, t->title)
        .Bind(4, t->description)
        .Bind(5, t->assignee_org_id)
        .BindId(6, t->assignee_user_id)
        .Bind(7, t->due)
        .Bind(8, Name(t->status))
        .BindId(9, t->created_by_org_id)
        .Bind(10, t->created)
        .Bind(11, t->finished);
    int rc = q.Step();
    if (rc != SQLITE_DONE) {
      if (IsUnique(rc)) return Status::Conflict("task " + t->uuid + " exists");
      return SqlStatus(db_, rc, "adding task");
    }
    t->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status UpdateTask(const Task& t) override {
    SANAD_USE(q, kUpdateTask);
    q.Bind(1, t.id)
        .Bind(2, t.title)
        .Bind(3, t.description)
        .Bind(4, t.assignee_org_id)
        .BindId(5, t.assignee_user_id)
        .Bind(6, t.due)
        .Bind(7, Name(t.status))
        .Bind(8, t.finished);
    SANAD_RETURN_IF_ERROR(q.Exec("updating task"));
    if (sqlite3_changes(db_) == 0) return Status::NotFound("no task " + t.uuid);
    return Status::Ok();
  }

  StatusOr<Task> FindTask(std::string_view uuid) override {
    std::string u = util::ToLower(uuid);
    std::vector<Task> v;
    SANAD_USE(q, kFindTask);
    q.Bind(1, u);
    SANAD_RETURN_IF_ERROR(ReadTasks(q, &v));
    if (v.empty()) return Status::NotFound("no task " + u);
    return std::move(v[0]);
  }

  Status ListTasks(int64_t incident_id, std::vector<Task>* out) override {
    out->clear();
    SANAD_USE(q, kListTasks);
    q.Bind(1, incident_id);
    return ReadTasks(q, out);
  }

  Status AddTaskLog(TaskLog* l) override {
    SANAD_USE(q, kInsertTaskLog);
    q.Bind(1, l->task_id).Bind(2, l->time).Bind(3, l->actor).BindId(4, l->org_id).Bind(5, l->text);
    SANAD_RETURN_IF_ERROR(q.Exec("adding work log entry"));
    l->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status ListTaskLogs(int64_t task_id, std::vector<TaskLog>* out) override {
    out->clear();
    SANAD_USE(q, kListTaskLogs);
    q.Bind(1, task_id);
    Status st;
    while (q.Next(&st, "listing work log")) {
      TaskLog l;
      l.id = q.Int(0);
      l.task_id = q.Int(1);
      l.time = q.Int(2);
      l.actor = q.Text(3);
      l.org_id = q.Int(4);
      l.text = q.Text(5);
      l.org = {l.org_id, q.Text(6), q.Text(7)};
      out->push_back(std::move(l));
    }
    return st;
  }

  // ---- timeline, comments, links ----

  Status AddTimelineEntry(TimelineEntry* e) override {
    SANAD_USE(q, kInsertTimeline);
    q.Bind(1, e->incident_id)
        .Bind(2, e->time)
        .Bind(3, e->actor)
        .BindId(4, e->org_id)
        .Bind(5, e->action)
        .Bind(6, e->text);
    SANAD_RETURN_IF_ERROR(q.Exec("adding timeline entry"));
    e->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status ListTimeline(int64_t incident_id, std::vector<TimelineEntry>* out) override {
    out->clear();
    SANAD_USE(q, kListTimeline);
    q.Bind(1, incident_id);
    Status st;
    while (q.Next(&st, "listing timeline")) {
      TimelineEntry e;
      e.id = q.Int(0);
      e.incident_id = q.Int(1);
      e.time = q.Int(2);
      e.actor = q.Text(3);
      e.org_id = q.Int(4);
      e.action = q.Text(5);
      e.text = q.Text(6);
      e.org = {e.org_id, q.Text(7), q.Text(8)};
      out->push_back(std::move(e));
    }
    return st;
  }

  Status AddComment(Comment* c) override {
    if (c->uuid.empty()) c->uuid = util::NewUuid();
    c->uuid = util::ToLower(c->uuid);
    SANAD_USE(q, kInsertComment);
    q.Bind(1, c->uuid)
        .Bind(2, c->incident_id)
        .Bind(3, c->time)
        .Bind(4, c->actor)
        .BindId(5, c->org_id)
        .Bind(6, c->text);
    SANAD_RETURN_IF_ERROR(q.Exec("adding comment"));
    c->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status ListComments(int64_t incident_id, std::vector<Comment>* out) override {
    out->clear();
    SANAD_USE(q, kListComments);
    q.Bind(1, incident_id);
    Status st;
    while (q.Next(&st, "listing comments")) {
      Comment c;
      c.id = q.Int(0);
      c.uuid = q.Text(1);
      c.incident_id = q.Int(2);
      c.time = q.Int(3);
      c.actor = q.Text(4);
      c.org_id = q.Int(5);
      c.text = q.Text(6);
      c.org = {c.org_id, q.Text(7), q.Text(8)};
      out->push_back(std::move(c));
    }
    return st;
  }

  Status AddLink(const IntelLink& l) override {
    std::string u = util::ToLower(l.uuid);
    SANAD_USE(q, kInsertLink);
    q.Bind(1, l.incident_id).Bind(2, l.kind).Bind(3, u).BindId(4, l.org_id).Bind(5, l.created);
    int rc = q.Step();
    if (rc != SQLITE_DONE) {
      if (IsUnique(rc)) return Status::Conflict(l.kind + " " + u + " is linked already");
      return SqlStatus(db_, rc, "adding link");
    }
    return Status::Ok();
  }

  Status ListLinks(int64_t incident_id, std::vector<IntelLink>* out) override {
    out->clear();
    SANAD_USE(q, kListLinks);
    q.Bind(1, incident_id);
    Status st;
    while (q.Next(&st, "listing links")) {
      out->push_back({q.Int(0), q.Text(1), q.Text(2), q.Int(3), q.Int(4)});
    }
    return st;
  }

 private:
  static void BindIncident(Query& q, const Incident& i) {
    q.Bind(1, i.uuid)
        .Bind(2, i.title)
        .Bind(3, i.description)
        .Bind(4, i.rsit_class)
        .Bind(5, i.rsit_type)
        .Bind(6, Name(i.severity))
        .Bind(7, TlpText(i.tlp))
        .Bind(8, PapText(i.pap))
        .Bind(9, i.affected_org_id)
        .Bind(10, i.affected_country)
        .Bind(11, i.coordinator_org_id)
        .Bind(12, Name(i.status))
        .BindId(13, i.duplicate_of_id)
        .Bind(14, i.resolution)
        .BindId(15, i.created_by_org_id)
        .Bind(16, i.opened)
        .Bind(17, i.acknowledged)
        .Bind(18, i.contained)
        .Bind(19, i.resolved)
        .Bind(20, i.closed)
        .Bind(21, i.modified);
  }

  static Status ReadIncident(const Query& q, Incident* i) {
    i->id = q.Int(0);
    i->uuid = q.Text(1);
    i->title = q.Text(2);
    i->description = q.Text(3);
    i->rsit_class = q.Text(4);
    i->rsit_type = q.Text(5);
    std::string sev = q.Text(6), status = q.Text(12);
    if (!Parse(sev, &i->severity)) return Corrupt("incidents", i->id, "severity", sev);
    std::string tlp = q.Text(7), pap = q.Text(8);
    i->tlp = tlp.empty() ? model::Tlp::kNone : model::ParseTlpTag(tlp);
    i->pap = pap.empty() ? model::Pap::kNone : model::ParsePapTag(pap);
    i->affected_org_id = q.Int(9);
    i->affected_country = q.Text(10);
    i->coordinator_org_id = q.Int(11);
    if (!Parse(status, &i->status)) return Corrupt("incidents", i->id, "status", status);
    i->duplicate_of_id = q.Int(13);
    i->resolution = q.Text(14);
    i->created_by_org_id = q.Int(15);
    i->opened = q.Int(16);
    i->acknowledged = q.Int(17);
    i->contained = q.Int(18);
    i->resolved = q.Int(19);
    i->closed = q.Int(20);
    i->modified = q.Int(21);
    i->affected_org = {i->affected_org_id, q.Text(22), q.Text(23)};
    i->coordinator_org = {i->coordinator_org_id, q.Text(24), q.Text(25)};
    i->duplicate_of_uuid = q.Text(26);
    return Status::Ok();
  }

  StatusOr<Incident> OneIncident(Query& q, const std::string& what) {
    Status st;
    if (!q.Next(&st, "reading " + what)) {
      if (!st.ok()) return st;
      return Status::NotFound("no " + what);
    }
    Incident inc;
    SANAD_RETURN_IF_ERROR(ReadIncident(q, &inc));
    return inc;
  }

  Status ReadRfas(Query& q, std::vector<Rfa>* out) {
    Status st;
    while (q.Next(&st, "reading requests")) {
      Rfa r;
      r.id = q.Int(0);
      r.uuid = q.Text(1);
      r.incident_id = q.Int(2);
      r.requester_org_id = q.Int(3);
      std::string kind = q.Text(4), aud = q.Text(6), status = q.Text(9);
      if (!Parse(kind, &r.kind)) return Corrupt("rfas", r.id, "kind", kind);
      r.description = q.Text(5);
      if (!Parse(aud, &r.audience)) return Corrupt("rfas", r.id, "audience", aud);
      r.sharing_group_id = q.Int(7);
      r.needed_by = q.Int(8);
      if (!Parse(status, &r.status)) return Corrupt("rfas", r.id, "status", status);
      r.created = q.Int(10);
      r.ended = q.Int(11);
      r.requester_org = {r.requester_org_id, q.Text(12), q.Text(13)};
      r.incident_uuid = q.Text(14);
      r.sharing_group = {r.sharing_group_id, q.Text(15), q.Text(16)};
      out->push_back(std::move(r));
    }
    return st;
  }

  Status FillAudience(std::vector<Rfa>* rfas) {
    for (auto& r : *rfas) {
      if (r.audience != policy::RfaAudience::kOrgs) continue;
      r.audience_org_ids.clear();
      SANAD_USE(q, kRfaOrgs);
      q.Bind(1, r.id);
      Status st;
      while (q.Next(&st, "reading request audience")) r.audience_org_ids.push_back(q.Int(0));
      SANAD_RETURN_IF_ERROR(st);
    }
    return Status::Ok();
  }

  Status ReadOffers(Query& q, std::vector<Offer>* out) {
    Status st;
    while (q.Next(&st, "reading offers")) {
      Offer o;
      o.id = q.Int(0);
      o.uuid = q.Text(1);
      o.rfa_id = q.Int(2);
      o.org_id = q.Int(3);
      o.description = q.Text(4);
      o.by_when = q.Int(5);
      std::string status = q.Text(6);
      if (!Parse(status, &o.status)) return Corrupt("rfa_offers", o.id, "status", status);
      o.note = q.Text(7);
      o.created = q.Int(8);
      o.decided = q.Int(9);
      o.org = {o.org_id, q.Text(10), q.Text(11)};
      out->push_back(std::move(o));
    }
    return st;
  }

  Status ReadTasks(Query& q, std::vector<Task>* out) {
    Status st;
    while (q.Next(&st, "reading tasks")) {
      Task t;
      t.id = q.Int(0);
      t.uuid = q.Text(1);
      t.incident_id = q.Int(2);
      t.title = q.Text(3);
      t.description = q.Text(4);
      t.assignee_org_id = q.Int(5);
      t.assignee_user_id = q.Int(6);
      t.due = q.Int(7);
      std::string status = q.Text(8);
      if (!Parse(status, &t.status)) return Corrupt("incident_tasks", t.id, "status", status);
      t.created_by_org_id = q.Int(9);
      t.created = q.Int(10);
      t.finished = q.Int(11);
      t.assignee_org = {t.assignee_org_id, q.Text(12), q.Text(13)};
      t.assignee_email = q.Text(14);
      t.incident_uuid = q.Text(15);
      out->push_back(std::move(t));
    }
    return st;
  }

  sqlite3* db_;
  StmtCache* stmts_;
};

#undef SANAD_USE

}  // namespace

StatusOr<std::unique_ptr<IncidentStore>> OpenIncidentStore(Store* s) {
  sqlite3* db = s ? internal::ConnectionOf(s) : nullptr;
  StmtCache* stmts = s ? internal::StatementsOf(s) : nullptr;
  if (!db || !stmts) return Status::Internal("incident store: not a store opened by Store::Open");
  return std::unique_ptr<IncidentStore>(new SqliteIncidentStore(db, stmts));
}

}  // namespace sanad::store
