// The incident coordinator: its state and the checks, records and views
// every operation shares; timeline authorship; exports. The operations are
// in incidents.cc, rfa.cc, tasks.cc, links.cc and figures.cc. See
// incident/incident.h for the contract.
#include "incident/internal.h"

#include <set>

#include "model/canon.h"
#include "model/types.h"

namespace sanad::incident {

bool Terminal(model::IncidentStatus s) {
  return s == model::IncidentStatus::kClosed || s == model::IncidentStatus::kRejected ||
         s == model::IncidentStatus::kDuplicate;
}

std::string Short(std::string_view uuid) { return std::string(uuid.substr(0, 8)); }

Status CheckText(std::string_view field, std::string_view v, size_t max, bool required) {
  if (required && util::Trim(v).empty()) return Status::Invalid(std::string(field) + ": empty");
  if (v.size() > max)
    return Status::Limit(std::string(field) + ": " + std::to_string(v.size()) + " bytes, at most " +
                         std::to_string(max));
  return Status::Ok();
}

bool ParseTlp(std::string_view s, model::Tlp* out) {
  std::string t = util::ToLower(util::Trim(s));
  if (t.empty()) return false;
  if (t.rfind("tlp:", 0) != 0) t = "tlp:" + t;
  model::Tlp v = model::ParseTlpTag(t);
  if (v == model::Tlp::kNone) return false;
  *out = v;
  return true;
}

bool ParsePap(std::string_view s, model::Pap* out) {
  std::string t = util::ToLower(util::Trim(s));
  if (t.empty() || t == "none") {
    *out = model::Pap::kNone;
    return true;
  }
  if (t.rfind("pap:", 0) != 0) t = "pap:" + t;
  model::Pap v = model::ParsePapTag(t);
  if (v == model::Pap::kNone) return false;
  *out = v;
  return true;
}

const char* TlpName(model::Tlp t) {
  const char* l = model::TlpLabel(t);
  return *l ? l : "none";
}

bool Sensitive(model::Tlp t) {
  return t == model::Tlp::kAmber || t == model::Tlp::kAmberStrict || t == model::Tlp::kRed;
}

// ---- timeline authorship ----

bool MayNameTimelineAuthor(const policy::Viewer& viewer, const policy::IncidentAccess& access,
                           int64_t author_org_id) {
  if (author_org_id == 0) return true;  // no member to name
  if (viewer.org_id == 0) return false;
  if (author_org_id == viewer.org_id) return true;
  if (policy::MayManageIncident(viewer, access)) return true;
  policy::Viewer author;
  author.org_id = author_org_id;
  return policy::MaySeeIncident(author, access);  // a party: named to every party
}

model::TimelineEntry TimelineEntryFor(const policy::Viewer& viewer,
                                      const policy::IncidentAccess& access,
                                      model::TimelineEntry entry) {
  if (MayNameTimelineAuthor(viewer, access, entry.org_id)) return entry;
  entry.org_id = 0;
  entry.org = {};
  entry.actor.clear();
  return entry;
}

// ---- the coordinator ----

StatusOr<policy::Viewer> Coordinator::Impl::ViewerOf(const policy::Actor& c) {
  return s->community().ViewerFor(c.org.id);
}

StatusOr<Coordinator::Impl::Loaded> Coordinator::Impl::LoadById(int64_t id) {
  auto inc = is->GetIncident(id);
  if (!inc.ok()) return inc.status();
  auto acc = is->AccessOf(*inc);
  if (!acc.ok()) return acc.status();
  return Loaded{std::move(*inc), std::move(*acc)};
}

StatusOr<Coordinator::Impl::Loaded> Coordinator::Impl::Visible(const policy::Actor& c,
                                                               std::string_view uuid) {
  Status hidden =
      Status::NotFound("no incident " + std::string(uuid) + " that " + c.org.name + " may see");
  auto inc = is->FindIncident(uuid);
  if (!inc.ok()) return inc.status().code() == Status::Code::kNotFound ? hidden : inc.status();
  auto acc = is->AccessOf(*inc);
  if (!acc.ok()) return acc.status();
  policy::Viewer v;
  v.org_id = c.org.id;
  if (!policy::MaySeeIncident(v, *acc)) return hidden;
  return Loaded{std::move(*inc), std::move(*acc)};
}

bool Coordinator::Impl::Manages(const policy::Actor& c, const Loaded& l) {
  policy::Viewer v;
  v.org_id = c.org.id;
  return policy::MayManageIncident(v, l.access);
}

Status Coordinator::Impl::NeedWrite(const policy::Actor& c) {
  if (!c.may_write) return Status::Permission("readers cannot change incidents");
  return Status::Ok();
}

Status Coordinator::Impl::NeedManage(const policy::Actor& c, const Loaded& l,
                                     std::string_view what) {
  SANAD_RETURN_IF_ERROR(NeedWrite(c));
  if (!Manages(c, l))
    return Status::Permission("only the affected organisation (" + l.inc.affected_org.name +
                              ") or the coordinator (" + l.inc.coordinator_org.name + ") may " +
                              std::string(what));
  return Status::Ok();
}

StatusOr<Coordinator::Impl::Loaded> Coordinator::Impl::Writable(const policy::Actor& c,
                                                                std::string_view uuid) {
  auto l = Visible(c, uuid);
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(NeedWrite(c));
  return l;
}

StatusOr<Coordinator::Impl::Loaded> Coordinator::Impl::Managed(const policy::Actor& c,
                                                               std::string_view uuid,
                                                               std::string_view what) {
  auto l = Visible(c, uuid);
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(NeedManage(c, *l, what));
  return l;
}

Status Coordinator::Impl::NeedOpen(const Loaded& l) {
  if (Terminal(l.inc.status))
    return Status::Conflict("incident " + l.inc.uuid + " is " + model::Name(l.inc.status));
  return Status::Ok();
}

Status Coordinator::Impl::Timeline(const policy::Actor& c, int64_t incident_id,
                                   std::string_view action, std::string text) {
  model::TimelineEntry e;
  e.incident_id = incident_id;
  e.time = Now();
  e.actor = c.name;
  e.org_id = c.org.id;
  e.action = std::string(action);
  e.text = std::move(text);
  return is->AddTimelineEntry(&e);
}

Status Coordinator::Impl::Audit(const policy::Actor& c, std::string_view action,
                                std::string_view type, std::string_view uuid,
                                const model::Incident& inc, std::string_view details) {
  return audit::Record(s, c, action, type, uuid, inc.affected_org.uuid, details);
}

Status Coordinator::Impl::Record(const policy::Actor& c, const model::Incident& inc,
                                 std::string_view action, std::string_view type,
                                 std::string_view uuid, std::string text) {
  SANAD_RETURN_IF_ERROR(Audit(c, action, type, uuid, inc, text));
  return Timeline(c, inc.id, action, std::move(text));
}

Status Coordinator::Impl::Touch(model::Incident* inc) {
  inc->modified = Now();
  return is->UpdateIncident(*inc);
}

StatusOr<model::Org> Coordinator::Impl::MemberOrg(std::string_view field,
                                                  std::string_view name_or_uuid) {
  auto o = s->community().FindOrg(name_or_uuid);
  if (!o.ok())
    return Status::Invalid(std::string(field) + ": unknown organisation '" +
                           std::string(name_or_uuid) + "'");
  if (o->status != model::OrgStatus::kMember)
    return Status::Invalid(std::string(field) + ": " + o->name + " is " + model::Name(o->status) +
                           ", not an active member");
  return o;
}

StatusOr<model::Org> Coordinator::Impl::Chair() {
  std::vector<model::Org> orgs;
  SANAD_RETURN_IF_ERROR(s->community().ListOrgs(&orgs));
  for (auto& o : orgs)
    if (o.is_chair && o.status == model::OrgStatus::kMember) return o;
  return Status::NotFound("the community has no chair");
}

Status Coordinator::Impl::ValidateIndicator(size_t i, model::Indicator* ind) {
  std::string field = "indicators[" + std::to_string(i) + "]";
  std::string value(util::Trim(ind->value));
  if (value.empty()) return Status::Invalid(field + ".value: empty");
  SANAD_RETURN_IF_ERROR(CheckText(field + ".value", value, kMaxIndicatorValueBytes, true));
  if (ind->type.empty()) ind->type = std::string(model::GuessType(value));
  model::CanonicalValue cv;
  Status st = model::Canonicalise(ind->type, value, &cv);
  if (!st.ok())
    return Status::Invalid(field + ": '" + value + "' is not a valid " + ind->type + ": " +
                           st.message());
  SANAD_RETURN_IF_ERROR(CheckText(field + ".comment", ind->comment, kMaxTextBytes, false));
  ind->value = value;
  return Status::Ok();
}

Status Coordinator::Impl::FactsOf(const model::Incident& inc, Facts* f) {
  SANAD_RETURN_IF_ERROR(rfas->ListRfas(inc.id, &f->rfas));
  f->offers.resize(f->rfas.size());
  for (size_t i = 0; i < f->rfas.size(); ++i) {
    const auto& r = f->rfas[i];
    if (f->first_rfa == 0 || r.created < f->first_rfa) f->first_rfa = r.created;
    SANAD_RETURN_IF_ERROR(rfas->ListOffers(r.id, &f->offers[i]));
    for (const auto& o : f->offers[i])
      if (f->first_offer == 0 || o.created < f->first_offer) f->first_offer = o.created;
  }
  return tasks->ListTasks(inc.id, &f->tasks);
}

bool Coordinator::Impl::TaskOverdue(const model::Task& t, model::Timestamp now) const {
  return t.due > 0 && t.due < now &&
         (t.status == model::TaskStatus::kWaiting || t.status == model::TaskStatus::kInProgress);
}

StatusOr<IncidentSummary> Coordinator::Impl::Summarise(const model::Incident& inc,
                                                       const SlaTargets& sla, Facts* f) {
  SANAD_RETURN_IF_ERROR(FactsOf(inc, f));
  IncidentSummary sum;
  sum.incident = inc;
  model::Timestamp now = Now();
  sum.clocks = ComputeClocks(inc, f->first_rfa, f->first_offer, sla, now);
  for (const auto& t : f->tasks) {
    if (t.status == model::TaskStatus::kWaiting || t.status == model::TaskStatus::kInProgress)
      ++sum.open_tasks;
    if (TaskOverdue(t, now)) ++sum.overdue_tasks;
  }
  for (const auto& r : f->rfas)
    if (r.status == model::RfaStatus::kOpen) ++sum.open_rfas;
  sum.overdue = sum.overdue_tasks > 0;
  for (const auto& cl : sum.clocks)
    if (cl.state == ClockState::kOverdue) sum.overdue = true;
  return sum;
}

policy::RfaAccess Coordinator::Impl::RfaAccessOf(const model::Rfa& r,
                                                 const policy::IncidentAccess& a) {
  policy::RfaAccess ra;
  ra.requester_org_id = r.requester_org_id;
  ra.audience = r.audience;
  ra.sharing_group_id = r.sharing_group_id;
  ra.audience_org_ids = r.audience_org_ids;
  ra.incident = a;
  return ra;
}

RfaView Coordinator::Impl::MakeRfaView(const policy::Viewer& v, const model::Rfa& r,
                                       const Loaded& l, const std::vector<model::Offer>& offers) {
  RfaView rv;
  rv.rfa = r;
  rv.incident_visible = policy::MaySeeIncident(v, l.access);
  rv.rsit_class = l.inc.rsit_class;
  rv.rsit_type = l.inc.rsit_type;
  rv.severity = l.inc.severity;
  rv.tlp = l.inc.tlp;
  if (!rv.incident_visible) rv.rfa.incident_uuid.clear();
  policy::RfaAccess ra = RfaAccessOf(r, l.access);
  rv.offer_count = static_cast<int64_t>(offers.size());
  for (const auto& o : offers)
    if (policy::MaySeeOffer(v, o.org_id, ra)) rv.offers.push_back(o);
  return rv;
}

Status Coordinator::Impl::Cascade(const policy::Actor& c, const model::Incident& inc) {
  model::Timestamp now = Now();
  int cancelled = 0, closed = 0, declined = 0;
  std::vector<model::Task> ts;
  SANAD_RETURN_IF_ERROR(tasks->ListTasks(inc.id, &ts));
  for (auto& t : ts) {
    if (t.status != model::TaskStatus::kWaiting && t.status != model::TaskStatus::kInProgress)
      continue;
    t.status = model::TaskStatus::kCancelled;
    t.finished = now;
    SANAD_RETURN_IF_ERROR(tasks->UpdateTask(t));
    model::TaskLog l{0,        t.id,
                     now,      c.name,
                     c.org.id, std::string("cancelled: incident ") + model::Name(inc.status),
                     {}};
    SANAD_RETURN_IF_ERROR(tasks->AddTaskLog(&l));
    ++cancelled;
  }
  std::vector<model::Rfa> rs;
  SANAD_RETURN_IF_ERROR(rfas->ListRfas(inc.id, &rs));
  for (auto& r : rs) {
    std::vector<model::Offer> os;
    SANAD_RETURN_IF_ERROR(rfas->ListOffers(r.id, &os));
    for (auto& o : os) {
      if (o.status != model::OfferStatus::kPending) continue;
      o.status = model::OfferStatus::kDeclined;
      o.decided = now;
      o.note = std::string("incident ") + model::Name(inc.status);
      SANAD_RETURN_IF_ERROR(rfas->UpdateOffer(o));
      ++declined;
    }
    if (r.status != model::RfaStatus::kOpen) continue;
    r.status = model::RfaStatus::kClosed;
    r.ended = now;
    SANAD_RETURN_IF_ERROR(rfas->UpdateRfa(r));
    ++closed;
  }
  if (cancelled + closed + declined == 0) return Status::Ok();
  return Record(c, inc, "incident.cascade", "incident", inc.uuid,
                std::to_string(cancelled) + " task(s) cancelled, " + std::to_string(closed) +
                    " request(s) closed, " + std::to_string(declined) +
                    " pending offer(s) declined");
}

StatusOr<IncidentView> Coordinator::Impl::View(const policy::Actor& c, const Loaded& l) {
  auto v = ViewerOf(c);
  if (!v.ok()) return v.status();
  auto sla = LoadSla(s);
  if (!sla.ok()) return sla.status();
  IncidentView view;
  Facts f;
  auto sum = Summarise(l.inc, *sla, &f);
  if (!sum.ok()) return sum.status();
  view.summary = std::move(*sum);
  bool manages = Manages(c, l);
  SANAD_RETURN_IF_ERROR(is->ListReports(l.inc.id, &view.reports));
  std::set<int64_t> seen_orgs;
  for (auto& r : view.reports) {
    if (!manages) r.reporter_contact.clear();  // personal data: managers only
    for (const auto& o : {r.reporter_org, r.entered_by_org})
      if (o.id != 0 && seen_orgs.insert(o.id).second) view.reporting_orgs.push_back(o);
  }
  SANAD_RETURN_IF_ERROR(is->ListIndicators(l.inc.id, &view.indicators));
  SANAD_RETURN_IF_ERROR(is->ListParticipants(l.inc.id, &view.participants));
  for (size_t i = 0; i < f.rfas.size(); ++i)
    view.rfas.push_back(MakeRfaView(*v, f.rfas[i], l, f.offers[i]));
  model::Timestamp now = Now();
  for (const auto& t : f.tasks) {
    TaskView tv;
    tv.task = t;
    tv.overdue = TaskOverdue(t, now);
    SANAD_RETURN_IF_ERROR(tasks->ListTaskLogs(t.id, &tv.log));
    view.tasks.push_back(std::move(tv));
  }
  SANAD_RETURN_IF_ERROR(is->ListComments(l.inc.id, &view.comments));
  SANAD_RETURN_IF_ERROR(is->ListTimeline(l.inc.id, &view.timeline));
  // Offers are written by members that are not parties yet: other helpers
  // do not learn who offered (docs/incidents.md, "Visibility").
  for (auto& e : view.timeline) e = TimelineEntryFor(*v, l.access, std::move(e));
  std::vector<model::IntelLink> links;
  SANAD_RETURN_IF_ERROR(is->ListLinks(l.inc.id, &links));
  for (const auto& k : links) {
    // Links to intelligence go through the intel visibility policy too.
    if (TargetVisible(*v, k.kind, k.uuid)) view.links.push_back(k);
  }
  if (Sensitive(l.inc.tlp))
    SANAD_RETURN_IF_ERROR(
        Audit(c, "read.incident", "incident", l.inc.uuid, l.inc, TlpName(l.inc.tlp)));
  return view;
}

bool Coordinator::Impl::TargetVisible(const policy::Viewer& v, std::string_view kind,
                                      std::string_view uuid) {
  if (kind == "event") return s->events().GetEvent(v, uuid).ok();
  auto id = s->intel().FindAttributeId(util::ToLower(uuid));
  return id.ok() && s->intel().GetAttributeContext(v, *id).ok();
}

StatusOr<Coordinator::Impl::LoadedRfa> Coordinator::Impl::VisibleRfa(const policy::Actor& c,
                                                                     std::string_view uuid) {
  Status hidden = Status::NotFound("no request for assistance " + std::string(uuid) + " that " +
                                   c.org.name + " may see");
  auto r = rfas->FindRfa(uuid);
  if (!r.ok()) return r.status().code() == Status::Code::kNotFound ? hidden : r.status();
  auto l = LoadById(r->incident_id);
  if (!l.ok()) return l.status();
  auto v = ViewerOf(c);
  if (!v.ok()) return v.status();
  policy::RfaAccess ra = RfaAccessOf(*r, l->access);
  if (!policy::MaySeeRfa(*v, ra)) return hidden;
  return LoadedRfa{std::move(*r), std::move(*l), std::move(ra), std::move(*v)};
}

StatusOr<model::Task> Coordinator::Impl::VisibleTask(const policy::Actor& c, std::string_view uuid,
                                                     Loaded* l) {
  Status hidden =
      Status::NotFound("no task " + std::string(uuid) + " that " + c.org.name + " may see");
  auto t = tasks->FindTask(uuid);
  if (!t.ok()) return t.status().code() == Status::Code::kNotFound ? hidden : t.status();
  auto loaded = LoadById(t->incident_id);
  if (!loaded.ok()) return loaded.status();
  policy::Viewer v;
  v.org_id = c.org.id;
  if (!policy::MaySeeIncident(v, loaded->access)) return hidden;
  *l = std::move(*loaded);
  return t;
}

Coordinator::Coordinator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Coordinator::~Coordinator() = default;

StatusOr<std::unique_ptr<Coordinator>> Coordinator::Create(store::Store* s, Clock now) {
  auto impl = std::make_unique<Impl>();
  impl->s = s;
  impl->is = &s->incidents();
  impl->rfas = &s->rfas();
  impl->tasks = &s->incident_tasks();
  impl->clock = std::move(now);
  return std::unique_ptr<Coordinator>(new Coordinator(std::move(impl)));
}

model::Timestamp Coordinator::Now() const { return impl_->Now(); }

StatusOr<std::string> Coordinator::ExportJson(const policy::Actor& c, std::string_view uuid) {
  auto v = Get(c, uuid);
  if (!v.ok()) return v.status();
  return ToJsonText(*v);
}

StatusOr<std::string> Coordinator::ExportIodef(const policy::Actor& c, std::string_view uuid,
                                               std::string_view node_name) {
  auto v = Get(c, uuid);
  if (!v.ok()) return v.status();
  return ToIodef(*v, node_name, Now());
}

}  // namespace sanad::incident
