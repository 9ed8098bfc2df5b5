// store::IncidentStore over SQLite (incident_internal.h): tasks and their
// work logs, the timeline, comments and links to intelligence.
#include "store/sqlite/incident_internal.h"

namespace sanad::store::internal {
namespace {

#define TASK_SELECT                                                                         \
  "SELECT t.id, t.uuid, t.incident_id, t.title, t.description, t.assignee_org_id,"          \
  " t.assignee_user_id, t.due, t.status, t.created_by_org_id, t.created, t.finished,"       \
  " o.uuid, o.name, u.email, i.uuid FROM incident_tasks t"                                  \
  " JOIN orgs o ON o.id = t.assignee_org_id LEFT JOIN users u ON u.id = t.assignee_user_id" \
  " JOIN incidents i ON i.id = t.incident_id "

StatusOr<model::Task> ReadTask(Row& r) {
  EnumColumns e;
  model::Task t{r.Int(),  r.Text(), r.Int(),
                r.Text(), r.Text(), r.Int(),
                r.Int(),  r.Int(),  e.Read<model::TaskStatus>(r, "status"),
                r.Int(),  r.Int(),  r.Int(),
                {},       {},       {}};
  t.assignee_org = ReadOrgRef(r, t.assignee_org_id);
  t.assignee_email = r.Text();
  t.incident_uuid = r.Text();
  SANAD_RETURN_IF_ERROR(e.Check("incident_tasks", t.id));
  return t;
}

// Work log, timeline and comment rows: an entry by an actor of an org (the
// org's uuid and name last).
#define TASK_LOG_SELECT                                                       \
  "SELECT l.id, l.task_id, l.time, l.actor, l.org_id, l.text, o.uuid, o.name" \
  " FROM incident_task_logs l LEFT JOIN orgs o ON o.id = l.org_id "

model::TaskLog ReadTaskLog(Row& r) {
  model::TaskLog l{r.Int(), r.Int(), r.Int(), r.Text(), r.Int(), r.Text(), {}};
  l.org = ReadOrgRef(r, l.org_id);
  return l;
}

#define TIMELINE_SELECT                                                                     \
  "SELECT l.id, l.incident_id, l.time, l.actor, l.org_id, l.action, l.text, o.uuid, o.name" \
  " FROM incident_timeline l LEFT JOIN orgs o ON o.id = l.org_id "

model::TimelineEntry ReadTimelineEntry(Row& r) {
  model::TimelineEntry e{r.Int(), r.Int(), r.Int(), r.Text(), r.Int(), r.Text(), r.Text(), {}};
  e.org = ReadOrgRef(r, e.org_id);
  return e;
}

#define COMMENT_SELECT                                                                    \
  "SELECT c.id, c.uuid, c.incident_id, c.time, c.actor, c.org_id, c.text, o.uuid, o.name" \
  " FROM incident_comments c LEFT JOIN orgs o ON o.id = c.org_id "

model::Comment ReadComment(Row& r) {
  model::Comment c{r.Int(), r.Text(), r.Int(), r.Int(), r.Text(), r.Int(), r.Text(), {}};
  c.org = ReadOrgRef(r, c.org_id);
  return c;
}

#define LINK_SELECT "SELECT incident_id, kind, uuid, org_id, created FROM incident_links "

model::IntelLink ReadLink(Row& r) { return {r.Int(), r.Text(), r.Text(), r.Int(), r.Int()}; }

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
constexpr const char kListTaskLogs[] = TASK_LOG_SELECT "WHERE l.task_id = ?1 ORDER BY l.id";

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

}  // namespace

// ---- tasks and work logs ----

Status SqliteIncidentStore::AddTask(model::Task* t) {
  AssignUuid(&t->uuid);
  SANAD_USE(q, kInsertTask);
  q.Bind(1, t->uuid).Bind(2, t->incident_id).Bind(3, t->title).Bind(4, t->description);
  q.Bind(5, t->assignee_org_id).BindId(6, t->assignee_user_id).Bind(7, t->due);
  q.Bind(8, Name(t->status)).BindId(9, t->created_by_org_id).Bind(10, t->created);
  q.Bind(11, t->finished);
  return Insert(q, "task " + t->uuid + " exists", "adding task", &t->id);
}

Status SqliteIncidentStore::UpdateTask(const model::Task& t) {
  SANAD_USE(q, kUpdateTask);
  q.Bind(1, t.id).Bind(2, t.title).Bind(3, t.description).Bind(4, t.assignee_org_id);
  q.BindId(5, t.assignee_user_id).Bind(6, t.due).Bind(7, Name(t.status)).Bind(8, t.finished);
  return Update(q, "updating task", "no task " + t.uuid);
}

StatusOr<model::Task> SqliteIncidentStore::FindTask(std::string_view uuid) {
  std::string u = util::ToLower(uuid);
  SANAD_USE(q, kFindTask);
  q.Bind(1, u);
  return OneRow<model::Task>(q, "reading tasks", ReadTask, "no task " + u);
}

Status SqliteIncidentStore::ListTasks(int64_t incident_id, std::vector<model::Task>* out) {
  return ListBy(kListTasks, incident_id, "reading tasks", ReadTask, out);
}

Status SqliteIncidentStore::AddTaskLog(model::TaskLog* l) {
  SANAD_USE(q, kInsertTaskLog);
  q.Bind(1, l->task_id).Bind(2, l->time).Bind(3, l->actor).BindId(4, l->org_id).Bind(5, l->text);
  return Insert(q, "", "adding work log entry", &l->id);
}

Status SqliteIncidentStore::ListTaskLogs(int64_t task_id, std::vector<model::TaskLog>* out) {
  return ListBy(kListTaskLogs, task_id, "listing work log", ReadTaskLog, out);
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
  return ListBy(kListTimeline, incident_id, "listing timeline", ReadTimelineEntry, out);
}

Status SqliteIncidentStore::AddComment(model::Comment* c) {
  AssignUuid(&c->uuid);
  SANAD_USE(q, kInsertComment);
  q.Bind(1, c->uuid).Bind(2, c->incident_id).Bind(3, c->time).Bind(4, c->actor);
  q.BindId(5, c->org_id).Bind(6, c->text);
  return Insert(q, "", "adding comment", &c->id);
}

Status SqliteIncidentStore::ListComments(int64_t incident_id, std::vector<model::Comment>* out) {
  return ListBy(kListComments, incident_id, "listing comments", ReadComment, out);
}

Status SqliteIncidentStore::AddLink(const model::IntelLink& l) {
  std::string u = util::ToLower(l.uuid);
  SANAD_USE(q, kInsertLink);
  q.Bind(1, l.incident_id).Bind(2, l.kind).Bind(3, u).BindId(4, l.org_id).Bind(5, l.created);
  return Insert(q, l.kind + " " + u + " is linked already", "adding link", nullptr);
}

Status SqliteIncidentStore::ListLinks(int64_t incident_id, std::vector<model::IntelLink>* out) {
  return ListBy(kListLinks, incident_id, "listing links", ReadLink, out);
}

}  // namespace sanad::store::internal
