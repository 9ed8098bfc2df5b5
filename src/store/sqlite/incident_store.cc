// The incident section of the store: schema version 4 and the SQLite
// implementation of store::IncidentStore (incident_internal.h): incidents,
// reports, indicators, attachments, participants, the timeline, comments and
// links to intelligence.
#include <algorithm>

#include "store/sqlite/incident_internal.h"

namespace sanad::store::internal {

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

void AssignUuid(std::string* uuid) {
  if (uuid->empty()) *uuid = util::NewUuid();
  *uuid = util::ToLower(*uuid);
}

Status Corrupt(std::string_view table, int64_t id, std::string_view field, std::string_view value) {
  return Status::Corrupt(std::string(table) + " row " + std::to_string(id) + ": unknown " +
                         std::string(field) + " '" + std::string(value) + "'");
}

Status IncidentSection::Insert(Query& q, const std::string& conflict, std::string_view what,
                                   int64_t* id) {
  int rc = q.Step();
  if (rc != SQLITE_DONE) {
    if (!conflict.empty() && (rc & 0xff) == SQLITE_CONSTRAINT) return Status::Conflict(conflict);
    return SqlStatus(db_, rc, what);
  }
  if (id) *id = sqlite3_last_insert_rowid(db_);
  return Status::Ok();
}

Status IncidentSection::Update(Query& q, std::string_view what, const std::string& missing) {
  SANAD_RETURN_IF_ERROR(q.Exec(what));
  if (sqlite3_changes(db_) == 0) return Status::NotFound(missing);
  return Status::Ok();
}

namespace {

// ---- incidents ----

#define INCIDENT_SELECT                                                                    \
  "SELECT i.id, i.uuid, i.title, i.description, i.rsit_class, i.rsit_type, i.severity,"    \
  " i.tlp, i.pap, i.affected_org_id, i.affected_country, i.coordinator_org_id, i.status,"  \
  " i.duplicate_of_id, i.resolution, i.created_by_org_id, i.opened, i.acknowledged,"       \
  " i.contained, i.resolved, i.closed, i.modified, a.uuid, a.name, c.uuid, c.name, d.uuid" \
  " FROM incidents i JOIN orgs a ON a.id = i.affected_org_id"                              \
  " JOIN orgs c ON c.id = i.coordinator_org_id LEFT JOIN incidents d ON d.id = i.duplicate_of_id "

model::Tlp TlpOf(const std::string& tag) {
  return tag.empty() ? model::Tlp::kNone : model::ParseTlpTag(tag);
}
model::Pap PapOf(const std::string& tag) {
  return tag.empty() ? model::Pap::kNone : model::ParsePapTag(tag);
}

StatusOr<model::Incident> ReadIncident(Row& r) {
  EnumColumns e;
  model::Incident i{r.Int(),
                    r.Text(),
                    r.Text(),
                    r.Text(),
                    r.Text(),
                    r.Text(),
                    e.Read<model::Severity>(r, "severity"),
                    TlpOf(r.Text()),
                    PapOf(r.Text()),
                    r.Int(),
                    r.Text(),
                    r.Int(),
                    e.Read<model::IncidentStatus>(r, "status"),
                    r.Int(),
                    r.Text(),
                    r.Int(),
                    r.Int(),
                    r.Int(),
                    r.Int(),
                    r.Int(),
                    r.Int(),
                    r.Int(),
                    {},
                    {},
                    {}};
  i.affected_org = ReadOrgRef(r, i.affected_org_id);
  i.coordinator_org = ReadOrgRef(r, i.coordinator_org_id);
  i.duplicate_of_uuid = r.Text();
  SANAD_RETURN_IF_ERROR(e.Check("incidents", i.id));
  return i;
}

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

// Binds ?1..?21 of kInsertIncident / kUpdateIncident (?1 is the uuid here).
void BindIncident(Query& q, const model::Incident& i) {
  q.Bind(1, i.uuid).Bind(2, i.title).Bind(3, i.description).Bind(4, i.rsit_class);
  q.Bind(5, i.rsit_type).Bind(6, Name(i.severity)).Bind(7, TlpText(i.tlp));
  q.Bind(8, PapText(i.pap)).Bind(9, i.affected_org_id).Bind(10, i.affected_country);
  q.Bind(11, i.coordinator_org_id).Bind(12, Name(i.status)).BindId(13, i.duplicate_of_id);
  q.Bind(14, i.resolution).BindId(15, i.created_by_org_id);
  int n = 16;
  for (model::Timestamp t :
       {i.opened, i.acknowledged, i.contained, i.resolved, i.closed, i.modified})
    q.Bind(n++, t);
}

// ---- reports, indicators, attachments, participants ----

#define REPORT_SELECT                                                                           \
  "SELECT r.id, r.uuid, r.incident_id, r.reporter_org_id, r.reporter_name, r.reporter_contact," \
  " r.entered_by_org_id, r.description, r.affected_org_id, r.affected_country, r.received,"     \
  " ro.uuid, ro.name, eo.uuid, eo.name FROM incident_reports r"                                 \
  " LEFT JOIN orgs ro ON ro.id = r.reporter_org_id JOIN orgs eo ON eo.id = r.entered_by_org_id "

model::IncidentReport ReadReport(Row& r) {
  model::IncidentReport p{r.Int(),  r.Text(), r.Int(),  r.Int(), r.Text(),
                          r.Text(), r.Int(),  r.Text(), r.Int(), r.Text(),
                          r.Int(),  {},       {},       {},      {}};
  p.reporter_org = ReadOrgRef(r, p.reporter_org_id);
  p.entered_by_org = ReadOrgRef(r, p.entered_by_org_id);
  return p;
}

#define INDICATOR_SELECT                                                                      \
  "SELECT id, incident_id, report_id, type, value, comment, to_ids, added_by_org_id, created" \
  " FROM incident_indicators "

model::Indicator ReadIndicator(Row& r) {
  return {r.Int(), r.Int(), r.Int(), r.Text(), r.Text(), r.Text(), r.Bool(), r.Int(), r.Int()};
}

#define ATTACHMENT_SELECT \
  "SELECT id, incident_id, report_id, name, sha256, size FROM incident_attachments "

model::Attachment ReadAttachment(Row& r) {
  return {r.Int(), r.Int(), r.Int(), r.Text(), r.Text(), r.Int()};
}

#define PARTICIPANT_SELECT                                            \
  "SELECT p.incident_id, p.org_id, p.rfa_id, p.since, o.uuid, o.name" \
  " FROM incident_participants p JOIN orgs o ON o.id = p.org_id "

model::Participant ReadParticipant(Row& r) {
  return WithOrg(model::Participant{r.Int(), r.Int(), r.Int(), r.Int(), {}}, r);
}

constexpr const char kInsertReport[] =
    "INSERT INTO incident_reports(uuid, incident_id, reporter_org_id, reporter_name,"
    " reporter_contact, entered_by_org_id, description, affected_org_id, affected_country,"
    " received) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr const char kListReports[] = REPORT_SELECT "WHERE r.incident_id = ?1 ORDER BY r.id";
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
constexpr const char kListIndicators[] = INDICATOR_SELECT "WHERE incident_id = ?1 ORDER BY id";
constexpr const char kInsertAttachment[] =
    "INSERT INTO incident_attachments(incident_id, report_id, name, sha256, size)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kListAttachments[] = ATTACHMENT_SELECT "WHERE incident_id = ?1 ORDER BY id";
constexpr const char kInsertParticipant[] =
    "INSERT OR IGNORE INTO incident_participants(incident_id, org_id, rfa_id, since)"
    " VALUES (?1, ?2, ?3, ?4)";
constexpr const char kListParticipants[] =
    PARTICIPANT_SELECT "WHERE p.incident_id = ?1 ORDER BY p.since, p.org_id";

// ---- timeline, comments, links ----

// Timeline and comment rows: an entry by an actor of an org (the org's uuid
// and name last).
#define TIMELINE_SELECT                                                                     \
  "SELECT l.id, l.incident_id, l.time, l.actor, l.org_id, l.action, l.text, o.uuid, o.name" \
  " FROM incident_timeline l LEFT JOIN orgs o ON o.id = l.org_id "

model::TimelineEntry ReadTimelineEntry(Row& r) {
  return WithOrg(
      model::TimelineEntry{r.Int(), r.Int(), r.Int(), r.Text(), r.Int(), r.Text(), r.Text(), {}},
      r);
}

#define COMMENT_SELECT                                                                    \
  "SELECT c.id, c.uuid, c.incident_id, c.time, c.actor, c.org_id, c.text, o.uuid, o.name" \
  " FROM incident_comments c LEFT JOIN orgs o ON o.id = c.org_id "

model::Comment ReadComment(Row& r) {
  return WithOrg(
      model::Comment{r.Int(), r.Text(), r.Int(), r.Int(), r.Text(), r.Int(), r.Text(), {}}, r);
}

#define LINK_SELECT "SELECT incident_id, kind, uuid, org_id, created FROM incident_links "

model::IntelLink ReadLink(Row& r) { return {r.Int(), r.Text(), r.Text(), r.Int(), r.Int()}; }

constexpr const char kInsertTimeline[] =
    "INSERT INTO incident_timeline(incident_id, time, actor, org_id, action, text)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char kListTimeline[] = TIMELINE_SELECT "WHERE l.incident_id = ?1 ORDER BY l.id";

constexpr const char kInsertComment[] =
    "INSERT INTO incident_comments(uuid, incident_id, time, actor, org_id, text)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char kListComments[] = COMMENT_SELECT "WHERE c.incident_id = ?1 ORDER BY c.id";

constexpr const char kInsertLink[] =
    "INSERT INTO incident_links(incident_id, kind, uuid, org_id, created)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kListLinks[] = LINK_SELECT "WHERE incident_id = ?1 ORDER BY created, uuid";

class SqliteIncidentStore final : public IncidentStore, IncidentSection {
 public:
  explicit SqliteIncidentStore(Conn* c) : IncidentSection(c) {}

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
  Status AddTimelineEntry(model::TimelineEntry* e) override;
  Status ListTimeline(int64_t incident_id, std::vector<model::TimelineEntry>* out) override;
  Status AddComment(model::Comment* c) override;
  Status ListComments(int64_t incident_id, std::vector<model::Comment>* out) override;
  Status AddLink(const model::IntelLink& l) override;
  Status ListLinks(int64_t incident_id, std::vector<model::IntelLink>* out) override;
};

}  // namespace

// ---- incidents ----

Status SqliteIncidentStore::AddIncident(model::Incident* inc) {
  AssignUuid(&inc->uuid);
  SANAD_USE(q, kInsertIncident);
  BindIncident(q, *inc);
  return Insert(q, "incident " + inc->uuid + " exists", "adding incident", &inc->id);
}

Status SqliteIncidentStore::UpdateIncident(const model::Incident& inc) {
  SANAD_USE(q, kUpdateIncident);
  BindIncident(q, inc);
  q.Bind(1, inc.id);
  return Update(q, "updating incident", "no incident with id " + std::to_string(inc.id));
}

StatusOr<model::Incident> SqliteIncidentStore::GetIncident(int64_t id) {
  std::string what = "incident " + std::to_string(id);
  return OneRowBy<model::Incident>(stmts_, kGetIncident, id, "reading " + what, ReadIncident,
                                   "no " + what);
}

StatusOr<model::Incident> SqliteIncidentStore::FindIncident(std::string_view uuid) {
  std::string u = util::ToLower(uuid);
  return OneRowBy<model::Incident>(stmts_, kFindIncident, u, "reading incident " + u,
                                   ReadIncident, "no incident " + u);
}

Status SqliteIncidentStore::ListIncidents(const IncidentQuery& iq,
                                          std::vector<model::Incident>* out) {
  out->clear();
  SANAD_USE(q, kListIncidents);
  q.Bind(1, iq.after_id).Bind(2, iq.involved_org_id);
  Status err;
  SANAD_RETURN_IF_ERROR(ForEachRow(q, "listing incidents", [&](Row& r) {
    auto inc = ReadIncident(r);
    if (!inc.ok()) {
      err = inc.status();
      return false;
    }
    const auto& want = iq.statuses;
    if (!want.empty() && std::find(want.begin(), want.end(), inc->status) == want.end())
      return true;
    out->push_back(std::move(*inc));
    return iq.limit <= 0 || static_cast<int64_t>(out->size()) < iq.limit;
  }));
  return err;
}

StatusOr<policy::IncidentAccess> SqliteIncidentStore::AccessOf(const model::Incident& inc) {
  policy::IncidentAccess a;
  a.affected_org_id = inc.affected_org_id;
  a.coordinator_org_id = inc.coordinator_org_id;
  auto id = [](Row& r) { return r.Int(); };
  {
    SANAD_USE(q, kReportingOrgs);
    q.Bind(1, inc.id);
    SANAD_RETURN_IF_ERROR(AppendRows(q, "reading reporting orgs", id, &a.reporting_org_ids));
  }
  SANAD_USE(q, kParticipantOrgs);
  q.Bind(1, inc.id);
  SANAD_RETURN_IF_ERROR(AppendRows(q, "reading participants", id, &a.participant_org_ids));
  return a;
}

// ---- reports, indicators, attachments ----

Status SqliteIncidentStore::AddReport(model::IncidentReport* r) {
  AssignUuid(&r->uuid);
  {
    SANAD_USE(q, kInsertReport);
    q.Bind(1, r->uuid).Bind(2, r->incident_id).BindId(3, r->reporter_org_id);
    q.Bind(4, r->reporter_name).Bind(5, r->reporter_contact).Bind(6, r->entered_by_org_id);
    q.Bind(7, r->description).BindId(8, r->affected_org_id).Bind(9, r->affected_country);
    q.Bind(10, r->received);
    SANAD_RETURN_IF_ERROR(
        Insert(q, "report " + r->uuid + " exists", "adding incident report", &r->id));
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
    SANAD_RETURN_IF_ERROR(Insert(q, "", "adding attachment", &at.id));
  }
  return Status::Ok();
}

Status SqliteIncidentStore::ListReports(int64_t incident_id,
                                        std::vector<model::IncidentReport>* out) {
  out->clear();
  {
    SANAD_USE(q, kListReports);
    q.Bind(1, incident_id);
    SANAD_RETURN_IF_ERROR(AppendRows(q, "listing reports", ReadReport, out));
  }
  if (out->empty()) return Status::Ok();
  std::vector<model::Indicator> inds;
  std::vector<model::Attachment> atts;
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

Status SqliteIncidentStore::MoveReports(int64_t from, int64_t to) {
  for (const char* sql : {kMoveReports, kMoveIndicators, kMoveAttachments}) {
    SANAD_USE(q, sql);
    q.Bind(1, from).Bind(2, to);
    SANAD_RETURN_IF_ERROR(q.Exec("moving reports"));
  }
  return Status::Ok();
}

Status SqliteIncidentStore::AddIndicator(model::Indicator* ind) {
  SANAD_USE(q, kInsertIndicator);
  q.Bind(1, ind->incident_id).BindId(2, ind->report_id).Bind(3, ind->type).Bind(4, ind->value);
  q.Bind(5, ind->comment).Bind(6, ind->to_ids).BindId(7, ind->added_by_org_id);
  q.Bind(8, ind->created);
  return Insert(q, "", "adding indicator", &ind->id);
}

Status SqliteIncidentStore::ListIndicators(int64_t incident_id,
                                           std::vector<model::Indicator>* out) {
  return ListBy(stmts_, kListIndicators, incident_id, "listing indicators", ReadIndicator, out);
}

Status SqliteIncidentStore::ListAttachments(int64_t incident_id,
                                            std::vector<model::Attachment>* out) {
  return ListBy(stmts_, kListAttachments, incident_id, "listing attachments", ReadAttachment, out);
}

// ---- participants ----

Status SqliteIncidentStore::AddParticipant(model::Participant* p) {
  SANAD_USE(q, kInsertParticipant);
  q.Bind(1, p->incident_id).Bind(2, p->org_id).BindId(3, p->rfa_id).Bind(4, p->since);
  return q.Exec("adding participant");
}

Status SqliteIncidentStore::ListParticipants(int64_t incident_id,
                                             std::vector<model::Participant>* out) {
  return ListBy(stmts_, kListParticipants, incident_id, "listing participants", ReadParticipant,
                out);
}

// ---- timeline, comments, links ----

Status SqliteIncidentStore::AddTimelineEntry(model::TimelineEntry* e) {
  SANAD_USE(q, kInsertTimeline);
  q.Bind(1, e->incident_id).Bind(2, e->time).Bind(3, e->actor).BindId(4, e->org_id);
  q.Bind(5, e->action).Bind(6, e->text);
  return Insert(q, "", "adding timeline entry", &e->id);
}

Status SqliteIncidentStore::ListTimeline(int64_t incident_id,
                                         std::vector<model::TimelineEntry>* out) {
  return ListBy(stmts_, kListTimeline, incident_id, "listing timeline", ReadTimelineEntry, out);
}

Status SqliteIncidentStore::AddComment(model::Comment* c) {
  AssignUuid(&c->uuid);
  SANAD_USE(q, kInsertComment);
  q.Bind(1, c->uuid).Bind(2, c->incident_id).Bind(3, c->time).Bind(4, c->actor);
  q.BindId(5, c->org_id).Bind(6, c->text);
  return Insert(q, "", "adding comment", &c->id);
}

Status SqliteIncidentStore::ListComments(int64_t incident_id, std::vector<model::Comment>* out) {
  return ListBy(stmts_, kListComments, incident_id, "listing comments", ReadComment, out);
}

Status SqliteIncidentStore::AddLink(const model::IntelLink& l) {
  std::string u = util::ToLower(l.uuid);
  SANAD_USE(q, kInsertLink);
  q.Bind(1, l.incident_id).Bind(2, l.kind).Bind(3, u).BindId(4, l.org_id).Bind(5, l.created);
  return Insert(q, l.kind + " " + u + " is linked already", "adding link", nullptr);
}

Status SqliteIncidentStore::ListLinks(int64_t incident_id, std::vector<model::IntelLink>* out) {
  return ListBy(stmts_, kListLinks, incident_id, "listing links", ReadLink, out);
}

std::unique_ptr<IncidentStore> NewIncidentStore(Conn* c) {
  return std::make_unique<SqliteIncidentStore>(c);
}

}  // namespace sanad::store::internal
