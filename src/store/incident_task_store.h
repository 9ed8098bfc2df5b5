// The incident section of the store, part 3 of 3 (see store/incident_store.h
// for what the three parts share): tasks assigned within an incident and
// their work logs. Handed out by store::Store::incident_tasks().
//
// Rows only: who may assign or finish a task is the incident module's rule.
// Writes run in the caller's transaction. uuids are stored in lower case.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/incident.h"
#include "util/status.h"

namespace sanad::store {

class TaskStore {
 public:
  virtual ~TaskStore() = default;

  // Assigns id (and uuid when empty). Conflict on a duplicate uuid.
  virtual Status AddTask(model::Task* t) = 0;
  // status, finished, due, assignee, title, description; NotFound
  virtual Status UpdateTask(const model::Task& t) = 0;
  virtual StatusOr<model::Task> FindTask(std::string_view uuid) = 0;
  // Tasks of one incident, or of all incidents when incident_id is 0.
  virtual Status ListTasks(int64_t incident_id, std::vector<model::Task>* out) = 0;
  virtual Status AddTaskLog(model::TaskLog* l) = 0;
  virtual Status ListTaskLogs(int64_t task_id, std::vector<model::TaskLog>* out) = 0;
};

}  // namespace sanad::store
