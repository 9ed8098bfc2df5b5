// store::TaskStore over SQLite (incident_internal.h): tasks and their work
// logs.
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

// Work log rows: an entry by an actor of an org (the org's uuid and name
// last).
#define TASK_LOG_SELECT                                                       \
  "SELECT l.id, l.task_id, l.time, l.actor, l.org_id, l.text, o.uuid, o.name" \
  " FROM incident_task_logs l LEFT JOIN orgs o ON o.id = l.org_id "

model::TaskLog ReadTaskLog(Row& r) {
  return WithOrg(model::TaskLog{r.Int(), r.Int(), r.Int(), r.Text(), r.Int(), r.Text(), {}}, r);
}

class SqliteTaskStore final : public TaskStore, IncidentSection {
 public:
  explicit SqliteTaskStore(Conn* c) : IncidentSection(c) {}

  Status AddTask(model::Task* t) override;
  Status UpdateTask(const model::Task& t) override;
  StatusOr<model::Task> FindTask(std::string_view uuid) override;
  Status ListTasks(int64_t incident_id, std::vector<model::Task>* out) override;
  Status AddTaskLog(model::TaskLog* l) override;
  Status ListTaskLogs(int64_t task_id, std::vector<model::TaskLog>* out) override;
};

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

}  // namespace

// ---- tasks and work logs ----

Status SqliteTaskStore::AddTask(model::Task* t) {
  AssignUuid(&t->uuid);
  SANAD_USE(q, kInsertTask);
  q.Bind(1, t->uuid).Bind(2, t->incident_id).Bind(3, t->title).Bind(4, t->description);
  q.Bind(5, t->assignee_org_id).BindId(6, t->assignee_user_id).Bind(7, t->due);
  q.Bind(8, Name(t->status)).BindId(9, t->created_by_org_id).Bind(10, t->created);
  q.Bind(11, t->finished);
  return Insert(q, "task " + t->uuid + " exists", "adding task", &t->id);
}

Status SqliteTaskStore::UpdateTask(const model::Task& t) {
  SANAD_USE(q, kUpdateTask);
  q.Bind(1, t.id).Bind(2, t.title).Bind(3, t.description).Bind(4, t.assignee_org_id);
  q.BindId(5, t.assignee_user_id).Bind(6, t.due).Bind(7, Name(t.status)).Bind(8, t.finished);
  return Update(q, "updating task", "no task " + t.uuid);
}

StatusOr<model::Task> SqliteTaskStore::FindTask(std::string_view uuid) {
  std::string u = util::ToLower(uuid);
  return OneRowBy<model::Task>(stmts_, kFindTask, u, "reading tasks", ReadTask, "no task " + u);
}

Status SqliteTaskStore::ListTasks(int64_t incident_id, std::vector<model::Task>* out) {
  return ListBy(stmts_, kListTasks, incident_id, "reading tasks", ReadTask, out);
}

Status SqliteTaskStore::AddTaskLog(model::TaskLog* l) {
  SANAD_USE(q, kInsertTaskLog);
  q.Bind(1, l->task_id).Bind(2, l->time).Bind(3, l->actor).BindId(4, l->org_id).Bind(5, l->text);
  return Insert(q, "", "adding work log entry", &l->id);
}

Status SqliteTaskStore::ListTaskLogs(int64_t task_id, std::vector<model::TaskLog>* out) {
  return ListBy(stmts_, kListTaskLogs, task_id, "listing work log", ReadTaskLog, out);
}


std::unique_ptr<TaskStore> NewTaskStore(Conn* c) { return std::make_unique<SqliteTaskStore>(c); }

}  // namespace sanad::store::internal
