// Tasks of an incident and their work logs (incident/incident.h).
#include "incident/internal.h"

namespace sanad::incident {

// ---- tasks ----

StatusOr<model::Task> Coordinator::AddTask(const policy::Actor& c, const NewTask& nt) {
  Impl& m = *impl_;
  auto l = m.Managed(c, nt.incident_uuid, "add tasks");
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(m.NeedOpen(*l));
  SANAD_RETURN_IF_ERROR(CheckText("title", nt.title, kMaxTitleBytes, true));
  SANAD_RETURN_IF_ERROR(CheckText("description", nt.description, kMaxTextBytes, false));
  model::Task t;
  t.incident_id = l->inc.id;
  t.title = std::string(util::Trim(nt.title));
  t.description = nt.description;
  model::Org assignee = c.org;
  if (!nt.assignee_user.empty()) {
    auto u = m.s->community().FindUser(nt.assignee_user);
    if (!u.ok()) return Status::Invalid("assignee_user: unknown user '" + nt.assignee_user + "'");
    t.assignee_user_id = u->id;
    auto o = m.s->community().GetOrg(u->org_id);
    if (!o.ok()) return o.status();
    assignee = *o;
  }
  if (!nt.assignee_org.empty()) {
    auto o = m.MemberOrg("assignee_org", nt.assignee_org);
    if (!o.ok()) return o.status();
    if (t.assignee_user_id != 0 && o->id != assignee.id)
      return Status::Invalid("assignee_user: " + nt.assignee_user + " is not in " + o->name);
    assignee = *o;
  }
  policy::Viewer av;
  av.org_id = assignee.id;
  if (!policy::MaySeeIncident(av, l->access))
    return Status::Invalid("assignee_org: " + assignee.name +
                           " is not a party to the incident (affected, coordinator, reporter "
                           "or accepted helper)");
  t.assignee_org_id = assignee.id;
  t.due = nt.due;
  if (t.due < 0) return Status::Invalid("due: negative");
  t.status = model::TaskStatus::kWaiting;
  t.created_by_org_id = c.org.id;
  t.created = m.Now();
  SANAD_RETURN_IF_ERROR(m.tasks->AddTask(&t));
  auto stored = m.tasks->FindTask(t.uuid);
  if (!stored.ok()) return stored.status();
  SANAD_RETURN_IF_ERROR(m.Touch(&l->inc));
  SANAD_RETURN_IF_ERROR(m.Record(c, l->inc, "task.add", "task", t.uuid,
                                 "task " + Short(t.uuid) + " '" + t.title + "' for " +
                                     assignee.name +
                                     (t.due ? ", due " + util::FormatIso8601(t.due) : "")));
  return std::move(*stored);
}

StatusOr<model::Task> Coordinator::Impl::WritableTask(const policy::Actor& c, std::string_view uuid,
                                                      Loaded* l, std::string_view what) {
  auto t = VisibleTask(c, uuid, l);
  if (!t.ok()) return t.status();
  SANAD_RETURN_IF_ERROR(NeedWrite(c));
  if (c.org.id != t->assignee_org_id && !Manages(c, *l))
    return Status::Permission("only the assignee (" + t->assignee_org.name +
                              "), the affected organisation or the coordinator " +
                              std::string(what));
  return t;
}

StatusOr<model::Task> Coordinator::SetTaskStatus(const policy::Actor& c, std::string_view task_uuid,
                                                 model::TaskStatus to, std::string_view note) {
  Impl& m = *impl_;
  Impl::Loaded l;
  auto t = m.WritableTask(c, task_uuid, &l, "update a task");
  if (!t.ok()) return t.status();
  SANAD_RETURN_IF_ERROR(CheckText("note", note, kMaxTextBytes, false));
  model::TaskStatus from = t->status;
  if (from == to) return Status::Conflict("task " + t->uuid + " is " + model::Name(to));
  if (from == model::TaskStatus::kDone || from == model::TaskStatus::kCancelled)
    return Status::Conflict("task " + t->uuid + " is " + model::Name(from));
  model::Timestamp now = m.Now();
  t->status = to;
  if (to == model::TaskStatus::kDone || to == model::TaskStatus::kCancelled) t->finished = now;
  SANAD_RETURN_IF_ERROR(m.tasks->UpdateTask(*t));
  std::string text = std::string(model::Name(from)) + " -> " + model::Name(to);
  if (!note.empty()) text += ": " + std::string(note);
  model::TaskLog lg{0, t->id, now, c.name, c.org.id, text, {}};
  SANAD_RETURN_IF_ERROR(m.tasks->AddTaskLog(&lg));
  SANAD_RETURN_IF_ERROR(m.Touch(&l.inc));
  SANAD_RETURN_IF_ERROR(
      m.Record(c, l.inc, "task.status", "task", t->uuid, "task " + Short(t->uuid) + " " + text));
  return std::move(*t);
}

StatusOr<model::TaskLog> Coordinator::LogWork(const policy::Actor& c, std::string_view task_uuid,
                                              std::string_view text) {
  Impl& m = *impl_;
  Impl::Loaded l;
  auto t = m.WritableTask(c, task_uuid, &l, "log work");
  if (!t.ok()) return t.status();
  SANAD_RETURN_IF_ERROR(CheckText("text", text, kMaxTextBytes, true));
  model::TaskLog lg{0, t->id, m.Now(), c.name, c.org.id, std::string(util::Trim(text)), {}};
  SANAD_RETURN_IF_ERROR(m.tasks->AddTaskLog(&lg));
  lg.org = {c.org.id, c.org.uuid, c.org.name};
  SANAD_RETURN_IF_ERROR(
      m.Record(c, l.inc, "task.log", "task", t->uuid, "work logged on task " + Short(t->uuid)));
  return lg;
}

}  // namespace sanad::incident
