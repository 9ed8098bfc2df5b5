// Community settings and figures: SLA targets and per-member
// responsiveness (incident/incident.h).
#include "incident/internal.h"

#include <algorithm>
#include <map>

namespace sanad::incident {

namespace {

int64_t Median(std::vector<int64_t> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

// ---- settings and figures ----

Status Coordinator::SetSla(const policy::Actor& c, model::Severity sv, ClockKind k,
                           int64_t seconds) {
  Impl& m = *impl_;
  if (!c.may_write || !c.community_admin)
    return Status::Permission("only the community's administrators set SLA targets");
  if (seconds < 0) return Status::Invalid("target: negative");
  std::string key = std::string("incident.sla.") + model::Name(sv) + "." + Name(k);
  SANAD_RETURN_IF_ERROR(m.s->settings().SetSetting(key, std::to_string(seconds)));
  return audit::Record(m.s, c, "incident.sla", "setting", key, "", std::to_string(seconds));
}

Status Coordinator::MemberResponsiveness(const policy::Actor& c, std::vector<Responsiveness>* out) {
  Impl& m = *impl_;
  out->clear();
  if (!c.org.is_chair)
    return Status::Permission("only the chair reads per-member responsiveness figures");
  auto sla = LoadSla(m.s);
  if (!sla.ok()) return sla.status();
  model::Timestamp now = m.Now();
  std::vector<model::Org> orgs;
  SANAD_RETURN_IF_ERROR(m.s->community().ListOrgs(&orgs));
  std::map<int64_t, Responsiveness> by_org;
  std::map<int64_t, std::vector<int64_t>> offer_times, ack_times;
  std::vector<int64_t> members;
  for (const auto& o : orgs) {
    if (o.status != model::OrgStatus::kMember) continue;
    members.push_back(o.id);
    by_org[o.id].org = {o.id, o.uuid, o.name};
  }
  std::vector<model::Incident> incs;
  SANAD_RETURN_IF_ERROR(m.is->ListIncidents({}, &incs));
  for (const auto& inc : incs) {
    auto it = by_org.find(inc.coordinator_org_id);
    if (it == by_org.end()) continue;
    auto& r = it->second;
    ++r.incidents_coordinated;
    int64_t target = sla->Get(inc.severity, ClockKind::kAcknowledge);
    if (inc.acknowledged) {
      ++r.acknowledged;
      ack_times[inc.coordinator_org_id].push_back(inc.acknowledged - inc.opened);
      if (target && inc.acknowledged - inc.opened > target) ++r.ack_breached;
    } else if (target && !Terminal(inc.status) && now - inc.opened > target) {
      ++r.ack_breached;
    }
  }
  std::vector<model::Rfa> rfas;
  SANAD_RETURN_IF_ERROR(m.rfas->ListRfas(0, &rfas));
  for (const auto& rfa : rfas) {
    std::vector<int64_t> audience;
    if (rfa.audience == model::RfaAudience::kAllMembers) {
      audience = members;
    } else if (rfa.audience == model::RfaAudience::kSharingGroup) {
      auto g = m.s->community().GetSharingGroup(rfa.sharing_group_id);
      if (!g.ok()) return g.status();
      for (const auto& o : g->members) audience.push_back(o.id);
    } else {
      audience = rfa.audience_org_ids;
    }
    for (int64_t id : audience)
      if (id != rfa.requester_org_id && by_org.count(id)) ++by_org[id].rfas_received;
    std::vector<model::Offer> offers;
    SANAD_RETURN_IF_ERROR(m.rfas->ListOffers(rfa.id, &offers));
    for (const auto& o : offers) {
      auto it = by_org.find(o.org_id);
      if (it == by_org.end()) continue;
      ++it->second.offers_made;
      if (o.status == model::OfferStatus::kAccepted) ++it->second.offers_accepted;
      offer_times[o.org_id].push_back(o.created - rfa.created);
    }
  }
  std::vector<model::Task> tasks;
  SANAD_RETURN_IF_ERROR(m.tasks->ListTasks(0, &tasks));
  for (const auto& t : tasks) {
    auto it = by_org.find(t.assignee_org_id);
    if (it == by_org.end()) continue;
    auto& r = it->second;
    ++r.tasks_assigned;
    if (t.status == model::TaskStatus::kDone) {
      ++r.tasks_done;
      if (t.due && t.finished > t.due) ++r.tasks_done_late;
    }
    if (m.TaskOverdue(t, now)) ++r.tasks_overdue;
  }
  for (auto& [id, r] : by_org) {
    r.median_time_to_offer = Median(offer_times[id]);
    r.median_time_to_acknowledge = Median(ack_times[id]);
    out->push_back(r);
  }
  return audit::Record(m.s, c, "read.responsiveness", "community", "", "");
}

}  // namespace sanad::incident
