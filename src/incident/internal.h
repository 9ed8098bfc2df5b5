// Private to the incident module: the Coordinator's state and the helpers
// its operations share (incident/coordinator.cc defines them). The
// operations themselves are split by concept: incidents.cc, rfa.cc,
// tasks.cc, links.cc and figures.cc.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "incident/incident.h"
#include "store/incident_rfa_store.h"
#include "store/incident_store.h"
#include "store/incident_task_store.h"
#include "util/util.h"

namespace sanad::incident {

// Closed, rejected or duplicate.
bool Terminal(model::IncidentStatus s);
// The first 8 characters of a uuid, for timeline texts.
std::string Short(std::string_view uuid);
// Invalid "<field>: empty" when required and blank; Limit over `max` bytes.
Status CheckText(std::string_view field, std::string_view v, size_t max, bool required);
// "amber", "TLP:AMBER", ... -> the level; false when unknown or empty.
bool ParseTlp(std::string_view s, model::Tlp* out);
// "amber", "PAP:AMBER", ... -> the level; "" and "none" are kNone.
bool ParsePap(std::string_view s, model::Pap* out);
// The TLP label (model::TlpLabel), or "none".
const char* TlpName(model::Tlp t);
// AMBER, AMBER+STRICT and RED: reads are audited.
bool Sensitive(model::Tlp t);

struct Coordinator::Impl {
  store::Store* s = nullptr;
  // The store's incident sections.
  store::IncidentStore* is = nullptr;
  store::RfaStore* rfas = nullptr;
  store::TaskStore* tasks = nullptr;
  Clock clock;

  model::Timestamp Now() const { return clock ? clock() : util::Now(); }

  // One incident with what decides its visibility.
  struct Loaded {
    model::Incident inc;
    policy::IncidentAccess access;
  };

  // The caller's organisation as a policy viewer (with its sharing groups).
  StatusOr<policy::Viewer> ViewerOf(const policy::Actor& c);
  StatusOr<Loaded> LoadById(int64_t id);

  // The incident `uuid` if the caller may see it; NotFound otherwise.
  StatusOr<Loaded> Visible(const policy::Actor& c, std::string_view uuid);
  // Visible, when the caller may also write (NeedWrite) / manage the
  // incident (NeedManage, refusing to `what`).
  StatusOr<Loaded> Writable(const policy::Actor& c, std::string_view uuid);
  StatusOr<Loaded> Managed(const policy::Actor& c, std::string_view uuid, std::string_view what);
  static bool Manages(const policy::Actor& c, const Loaded& l);
  static Status NeedWrite(const policy::Actor& c);
  static Status NeedManage(const policy::Actor& c, const Loaded& l, std::string_view what);
  static Status NeedOpen(const Loaded& l);
  Status Timeline(const policy::Actor& c, int64_t incident_id, std::string_view action,
                  std::string text);
  Status Audit(const policy::Actor& c, std::string_view action, std::string_view type,
               std::string_view uuid, const model::Incident& inc, std::string_view details = {});

  // Both: a change is always on the timeline and in the audit log.
  Status Record(const policy::Actor& c, const model::Incident& inc, std::string_view action,
                std::string_view type, std::string_view uuid, std::string text);
  Status Touch(model::Incident* inc);
  StatusOr<model::Org> MemberOrg(std::string_view field, std::string_view name_or_uuid);
  StatusOr<model::Org> Chair();
  Status ValidateIndicator(size_t i, model::Indicator* ind);

  // First request and first offer of an incident; tasks.
  struct Facts {
    model::Timestamp first_rfa = 0, first_offer = 0;
    std::vector<model::Rfa> rfas;
    std::vector<std::vector<model::Offer>> offers;  // per rfa
    std::vector<model::Task> tasks;
  };
  Status FactsOf(const model::Incident& inc, Facts* f);
  bool TaskOverdue(const model::Task& t, model::Timestamp now) const;
  StatusOr<IncidentSummary> Summarise(const model::Incident& inc, const SlaTargets& sla, Facts* f);
  policy::RfaAccess RfaAccessOf(const model::Rfa& r, const policy::IncidentAccess& a);
  RfaView MakeRfaView(const policy::Viewer& v, const model::Rfa& r, const Loaded& l,
                      const std::vector<model::Offer>& offers);

  // Closing cascade: open tasks cancelled, open requests closed, pending
  // offers declined.
  Status Cascade(const policy::Actor& c, const model::Incident& inc);
  StatusOr<IncidentView> View(const policy::Actor& c, const Loaded& l);
  bool TargetVisible(const policy::Viewer& v, std::string_view kind, std::string_view uuid);

  // The RFA `uuid` with its incident, if the caller may see the request.
  struct LoadedRfa {
    model::Rfa rfa;
    Loaded l;
    policy::RfaAccess access;
    policy::Viewer viewer;
  };
  StatusOr<LoadedRfa> VisibleRfa(const policy::Actor& c, std::string_view uuid);
  StatusOr<model::Task> VisibleTask(const policy::Actor& c, std::string_view uuid, Loaded* l);
  // VisibleTask, when the caller may also change it: a writer of the
  // assignee or of an org that manages the incident; else Permission "only
  // the assignee ... or the coordinator <what>" (tasks.cc).
  StatusOr<model::Task> WritableTask(const policy::Actor& c, std::string_view uuid, Loaded* l,
                                     std::string_view what);
};

}  // namespace sanad::incident
