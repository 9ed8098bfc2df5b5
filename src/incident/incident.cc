// The incident coordinator: lifecycle, permissions, requests for assistance,
// tasks, links and figures. See incident/incident.h for the contract.
#include "incident/incident.h"

#include <algorithm>
#include <map>
#include <set>

#include "intel/correlation.h"
#include "intel/search.h"
#include "intel/sighting.h"
#include "model/canon.h"
#include "model/types.h"
#include "util/util.h"

namespace sanad::incident {

using store::Incident;
using store::IncidentStore;

Caller LocalCaller(const model::Org& org) {
  Caller c;
  c.org = org;
  c.actor.name = "cli";
  c.actor.org_id = org.id;
  c.actor.org_uuid = org.uuid;
  c.may_write = true;
  c.community_admin = org.is_chair;
  return c;
}

namespace {

bool Terminal(IncidentStatus s) {
  return s == IncidentStatus::kClosed || s == IncidentStatus::kRejected ||
         s == IncidentStatus::kDuplicate;
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

int64_t Median(std::vector<int64_t> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

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

store::TimelineEntry TimelineEntryFor(const policy::Viewer& viewer,
                                      const policy::IncidentAccess& access,
                                      store::TimelineEntry entry) {
  if (MayNameTimelineAuthor(viewer, access, entry.org_id)) return entry;
  entry.org_id = 0;
  entry.org = {};
  entry.actor.clear();
  return entry;
}

// ---- the coordinator ----

struct Coordinator::Impl {
  store::Store* s = nullptr;
  std::unique_ptr<IncidentStore> is;
  Clock clock;

  model::Timestamp Now() const { return clock ? clock() : util::Now(); }

  // One incident with what decides its visibility.
  struct Loaded {
    Incident inc;
    policy::IncidentAccess access;
  };

  StatusOr<policy::Viewer> ViewerOf(const Caller& c) { return s->ViewerFor(c.org.id); }

  StatusOr<Loaded> LoadById(int64_t id) {
    auto inc = is->GetIncident(id);
    if (!inc.ok()) return inc.status();
    auto acc = is->AccessOf(*inc);
    if (!acc.ok()) return acc.status();
    return Loaded{std::move(*inc), std::move(*acc)};
  }

  // The incident `uuid` if the caller may see it; NotFound otherwise.
  StatusOr<Loaded> Visible(const Caller& c, std::string_view uuid) {
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

  static bool Manages(const Caller& c, const Loaded& l) {
    policy::Viewer v;
    v.org_id = c.org.id;
    return policy::MayManageIncident(v, l.access);
  }

  static Status NeedWrite(const Caller& c) {
    if (!c.may_write) return Status::Permission("readers cannot change incidents");
    return Status::Ok();
  }

  static Status NeedManage(const Caller& c, const Loaded& l, std::string_view what) {
    SANAD_RETURN_IF_ERROR(NeedWrite(c));
    if (!Manages(c, l))
      return Status::Permission("only the affected organisation (" + l.inc.affected_org.name +
                                ") or the coordinator (" + l.inc.coordinator_org.name + ") may " +
                                std::string(what));
    return Status::Ok();
  }

  static Status NeedOpen(const Loaded& l) {
    if (Terminal(l.inc.status))
      return Status::Conflict("incident " + l.inc.uuid + " is " + store::Name(l.inc.status));
    return Status::Ok();
  }

  Status Timeline(const Caller& c, int64_t incident_id, std::string_view action, std::string text) {
    store::TimelineEntry e;
    e.incident_id = incident_id;
    e.time = Now();
    e.actor = c.actor.name;
    e.org_id = c.org.id;
    e.action = std::string(action);
    e.text = std::move(text);
    return is->AddTimelineEntry(&e);
  }

  Status Audit(const Caller& c, std::string_view action, std::string_view type,
               std::string_view uuid, const Incident& inc, std::string_view details = {}) {
    return audit::Record(s, c.actor, action, type, uuid, inc.affected_org.uuid, details);
  }

  // Both: a change is always on the timeline and in the audit log.
  Status Record(const Caller& c, const Incident& inc, std::string_view action,
                std::string_view type, std::string_view uuid, std::string text) {
    SANAD_RETURN_IF_ERROR(Audit(c, action, type, uuid, inc, text));
    return Timeline(c, inc.id, action, std::move(text));
  }

  Status Touch(Incident* inc) {
    inc->modified = Now();
    return is->UpdateIncident(*inc);
  }

  StatusOr<model::Org> MemberOrg(std::string_view field, std::string_view name_or_uuid) {
    auto o = s->FindOrg(name_or_uuid);
    if (!o.ok())
      return Status::Invalid(std::string(field) + ": unknown organisation '" +
                             std::string(name_or_uuid) + "'");
    if (o->status != model::OrgStatus::kMember)
      return Status::Invalid(std::string(field) + ": " + o->name + " is " + model::Name(o->status) +
                             ", not an active member");
    return o;
  }

  StatusOr<model::Org> Chair() {
    std::vector<model::Org> orgs;
    SANAD_RETURN_IF_ERROR(s->ListOrgs(&orgs));
    for (auto& o : orgs)
      if (o.is_chair && o.status == model::OrgStatus::kMember) return o;
    return Status::NotFound("the community has no chair");
  }

  Status ValidateIndicator(size_t i, store::Indicator* ind) {
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

  // First request and first offer of an incident; tasks.
  struct Facts {
    model::Timestamp first_rfa = 0, first_offer = 0;
    std::vector<store::Rfa> rfas;
    std::vector<std::vector<store::Offer>> offers;  // per rfa
    std::vector<store::Task> tasks;
  };
  Status FactsOf(const Incident& inc, Facts* f) {
    SANAD_RETURN_IF_ERROR(is->ListRfas(inc.id, &f->rfas));
    f->offers.resize(f->rfas.size());
    for (size_t i = 0; i < f->rfas.size(); ++i) {
      const auto& r = f->rfas[i];
      if (f->first_rfa == 0 || r.created < f->first_rfa) f->first_rfa = r.created;
      SANAD_RETURN_IF_ERROR(is->ListOffers(r.id, &f->offers[i]));
      for (const auto& o : f->offers[i])
        if (f->first_offer == 0 || o.created < f->first_offer) f->first_offer = o.created;
    }
    return is->ListTasks(inc.id, &f->tasks);
  }

  bool TaskOverdue(const store::Task& t, model::Timestamp now) const {
    return t.due > 0 && t.due < now &&
           (t.status == TaskStatus::kWaiting || t.status == TaskStatus::kInProgress);
  }

  StatusOr<IncidentSummary> Summarise(const Incident& inc, const SlaTargets& sla, Facts* f) {
    SANAD_RETURN_IF_ERROR(FactsOf(inc, f));
    IncidentSummary sum;
    sum.incident = inc;
    model::Timestamp now = Now();
    sum.clocks = ComputeClocks(inc, f->first_rfa, f->first_offer, sla, now);
    for (const auto& t : f->tasks) {
      if (t.status == TaskStatus::kWaiting || t.status == TaskStatus::kInProgress) ++sum.open_tasks;
      if (TaskOverdue(t, now)) ++sum.overdue_tasks;
    }
    for (const auto& r : f->rfas)
      if (r.status == RfaStatus::kOpen) ++sum.open_rfas;
    sum.overdue = sum.overdue_tasks > 0;
    for (const auto& cl : sum.clocks)
      if (cl.state == ClockState::kOverdue) sum.overdue = true;
    return sum;
  }

  policy::RfaAccess RfaAccessOf(const store::Rfa& r, const policy::IncidentAccess& a) {
    policy::RfaAccess ra;
    ra.requester_org_id = r.requester_org_id;
    ra.audience = r.audience;
    ra.sharing_group_id = r.sharing_group_id;
    ra.audience_org_ids = r.audience_org_ids;
    ra.incident = a;
    return ra;
  }

  RfaView MakeRfaView(const policy::Viewer& v, const store::Rfa& r, const Loaded& l,
                      const std::vector<store::Offer>& offers) {
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

  // Closing cascade: open tasks cancelled, open requests closed, pending
  // offers declined.
  Status Cascade(const Caller& c, const Incident& inc) {
    model::Timestamp now = Now();
    int tasks = 0, rfas = 0, offers = 0;
    std::vector<store::Task> ts;
    SANAD_RETURN_IF_ERROR(is->ListTasks(inc.id, &ts));
    for (auto& t : ts) {
      if (t.status != TaskStatus::kWaiting && t.status != TaskStatus::kInProgress) continue;
      t.status = TaskStatus::kCancelled;
      t.finished = now;
      SANAD_RETURN_IF_ERROR(is->UpdateTask(t));
      store::TaskLog l{0,        t.id,
                       now,      c.actor.name,
                       c.org.id, std::string("cancelled: incident ") + store::Name(inc.status),
                       {}};
      SANAD_RETURN_IF_ERROR(is->AddTaskLog(&l));
      ++tasks;
    }
    std::vector<store::Rfa> rs;
    SANAD_RETURN_IF_ERROR(is->ListRfas(inc.id, &rs));
    for (auto& r : rs) {
      std::vector<store::Offer> os;
      SANAD_RETURN_IF_ERROR(is->ListOffers(r.id, &os));
      for (auto& o : os) {
        if (o.status != OfferStatus::kPending) continue;
        o.status = OfferStatus::kDeclined;
        o.decided = now;
        o.note = std::string("incident ") + store::Name(inc.status);
        SANAD_RETURN_IF_ERROR(is->UpdateOffer(o));
        ++offers;
      }
      if (r.status != RfaStatus::kOpen) continue;
      r.status = RfaStatus::kClosed;
      r.ended = now;
      SANAD_RETURN_IF_ERROR(is->UpdateRfa(r));
      ++rfas;
    }
    if (tasks + rfas + offers == 0) return Status::Ok();
    return Record(c, inc, "incident.cascade", "incident", inc.uuid,
                  std::to_string(tasks) + " task(s) cancelled, " + std::to_string(rfas) +
                      " request(s) closed, " + std::to_string(offers) +
                      " pending offer(s) declined");
  }

  StatusOr<IncidentView> View(const Caller& c, const Loaded& l) {
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
      SANAD_RETURN_IF_ERROR(is->ListTaskLogs(t.id, &tv.log));
      view.tasks.push_back(std::move(tv));
    }
    SANAD_RETURN_IF_ERROR(is->ListComments(l.inc.id, &view.comments));
    SANAD_RETURN_IF_ERROR(is->ListTimeline(l.inc.id, &view.timeline));
    // Offers are written by members that are not parties yet: other helpers
    // do not learn who offered (docs/incidents.md, "Visibility").
    for (auto& e : view.timeline) e = TimelineEntryFor(*v, l.access, std::move(e));
    std::vector<store::IntelLink> links;
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

  bool TargetVisible(const policy::Viewer& v, std::string_view kind, std::string_view uuid) {
    if (kind == "event") return s->GetEvent(v, uuid).ok();
    auto id = s->FindAttributeId(util::ToLower(uuid));
    return id.ok() && s->GetAttributeContext(v, *id).ok();
  }

  // The RFA `uuid` with its incident, if the caller may see the request.
  struct LoadedRfa {
    store::Rfa rfa;
    Loaded l;
    policy::RfaAccess access;
    policy::Viewer viewer;
  };
  StatusOr<LoadedRfa> VisibleRfa(const Caller& c, std::string_view uuid) {
    Status hidden = Status::NotFound("no request for assistance " + std::string(uuid) + " that " +
                                     c.org.name + " may see");
    auto r = is->FindRfa(uuid);
    if (!r.ok()) return r.status().code() == Status::Code::kNotFound ? hidden : r.status();
    auto l = LoadById(r->incident_id);
    if (!l.ok()) return l.status();
    auto v = ViewerOf(c);
    if (!v.ok()) return v.status();
    policy::RfaAccess ra = RfaAccessOf(*r, l->access);
    if (!policy::MaySeeRfa(*v, ra)) return hidden;
    return LoadedRfa{std::move(*r), std::move(*l), std::move(ra), std::move(*v)};
  }

  StatusOr<store::Task> VisibleTask(const Caller& c, std::string_view uuid, Loaded* l) {
    Status hidden =
        Status::NotFound("no task " + std::string(uuid) + " that " + c.org.name + " may see");
    auto t = is->FindTask(uuid);
    if (!t.ok()) return t.status().code() == Status::Code::kNotFound ? hidden : t.status();
    auto loaded = LoadById(t->incident_id);
    if (!loaded.ok()) return loaded.status();
    policy::Viewer v;
    v.org_id = c.org.id;
    if (!policy::MaySeeIncident(v, loaded->access)) return hidden;
    *l = std::move(*loaded);
    return t;
  }
};

Coordinator::Coordinator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Coordinator::~Coordinator() = default;

StatusOr<std::unique_ptr<Coordinator>> Coordinator::Create(store::Store* s, Clock now) {
  auto is = store::OpenIncidentStore(s);
  if (!is.ok()) return is.status();
  auto impl = std::make_unique<Impl>();
  impl->s = s;
  impl->is = std::move(*is);
  impl->clock = std::move(now);
  return std::unique_ptr<Coordinator>(new Coordinator(std::move(impl)));
}

model::Timestamp Coordinator::Now() const { return impl_->Now(); }

// ---- reports and incidents ----

StatusOr<Coordinator::Filed> Coordinator::FileReport(const Caller& c, NewReport r) {
  Impl& m = *impl_;
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  model::Timestamp now = m.Now();
  SANAD_RETURN_IF_ERROR(CheckText("description", r.description, kMaxTextBytes, true));
  store::IncidentReport rep;
  rep.description = std::string(util::Trim(r.description));
  rep.entered_by_org_id = c.org.id;
  rep.received = r.received ? r.received : now;
  if (rep.received > now + 300) return Status::Invalid("received: in the future");
  if (r.third_party) {
    SANAD_RETURN_IF_ERROR(CheckText("reporter_name", r.reporter_name, kMaxTitleBytes, true));
    SANAD_RETURN_IF_ERROR(CheckText("reporter_contact", r.reporter_contact, kMaxTitleBytes, false));
    rep.reporter_name = std::string(util::Trim(r.reporter_name));
    rep.reporter_contact = std::string(util::Trim(r.reporter_contact));
  } else {
    if (!r.reporter_name.empty() || !r.reporter_contact.empty())
      return Status::Invalid("reporter_name: only for third-party reports");
    rep.reporter_org_id = c.org.id;
  }
  model::Org affected = c.org;
  if (!r.affected_org.empty()) {
    auto o = m.MemberOrg("affected_org", r.affected_org);
    if (!o.ok()) return o.status();
    affected = *o;
  } else if (r.third_party && r.incident_uuid.empty()) {
    return Status::Invalid("affected_org: required for a third-party report");
  }
  rep.affected_org_id = affected.id;
  std::string cc = util::ToLower(r.affected_country);
  std::transform(cc.begin(), cc.end(), cc.begin(), ::toupper);
  if (!cc.empty() && !model::IsCountryCode(cc))
    return Status::Invalid("affected_country: '" + r.affected_country +
                           "' is not an ISO 3166-1 alpha-2 code");
  rep.affected_country = cc.empty() ? affected.country : cc;
  if (r.indicators.size() > kMaxIndicatorsPerReport)
    return Status::Limit("indicators: at most " + std::to_string(kMaxIndicatorsPerReport));
  for (size_t i = 0; i < r.indicators.size(); ++i) {
    SANAD_RETURN_IF_ERROR(m.ValidateIndicator(i, &r.indicators[i]));
    r.indicators[i].added_by_org_id = c.org.id;
    r.indicators[i].created = now;
  }
  rep.indicators = std::move(r.indicators);
  if (r.attachments.size() > kMaxAttachmentsPerReport)
    return Status::Limit("attachments: at most " + std::to_string(kMaxAttachmentsPerReport));
  for (size_t i = 0; i < r.attachments.size(); ++i) {
    auto& a = r.attachments[i];
    std::string field = "attachments[" + std::to_string(i) + "]";
    SANAD_RETURN_IF_ERROR(CheckText(field + ".name", a.name, kMaxTitleBytes, true));
    std::string h = util::ToLower(util::Trim(a.sha256)), bytes;
    if (h.size() != 64 || !util::FromHex(h, &bytes))
      return Status::Invalid(field + ".sha256: expected 64 hex digits");
    if (a.size < 0) return Status::Invalid(field + ".size: negative");
    a.sha256 = h;
  }
  rep.attachments = std::move(r.attachments);

  Filed out;
  if (!r.incident_uuid.empty()) {
    auto l = m.Visible(c, r.incident_uuid);
    if (!l.ok()) return l.status();
    SANAD_RETURN_IF_ERROR(m.NeedOpen(*l));
    if (r.affected_org.empty()) {
      rep.affected_org_id = l->inc.affected_org_id;
      if (cc.empty()) rep.affected_country = l->inc.affected_country;
    }
    rep.incident_id = l->inc.id;
    SANAD_RETURN_IF_ERROR(m.is->AddReport(&rep));
    SANAD_RETURN_IF_ERROR(m.Touch(&l->inc));
    SANAD_RETURN_IF_ERROR(
        m.Record(c, l->inc, "incident.report", "incident", l->inc.uuid,
                 "report " + Short(rep.uuid) + " added by " + c.org.name +
                     (r.third_party ? " for third party " + rep.reporter_name : "") + ", " +
                     std::to_string(rep.indicators.size()) + " indicator(s)"));
    out.incident = l->inc;
  } else {
    Incident inc;
    std::string title = r.title;
    if (util::Trim(title).empty()) {
      title = rep.description.substr(0, rep.description.find('\n'));
      if (title.size() > 120) title = title.substr(0, 117) + "...";
    }
    SANAD_RETURN_IF_ERROR(CheckText("title", title, kMaxTitleBytes, true));
    inc.title = std::string(util::Trim(title));
    inc.description = rep.description;
    SANAD_RETURN_IF_ERROR(
        NormaliseRsit(r.rsit_class, r.rsit_type, &inc.rsit_class, &inc.rsit_type));
    if (!store::Parse(r.severity, &inc.severity))
      return Status::Invalid("severity: expected low, medium, high or critical, got '" +
                             r.severity + "'");
    if (!ParseTlp(r.tlp, &inc.tlp))
      return Status::Invalid("tlp: expected clear, green, amber, amber+strict or red, got '" +
                             r.tlp + "'");
    if (!ParsePap(r.pap, &inc.pap))
      return Status::Invalid("pap: expected clear, green, amber or red, got '" + r.pap + "'");
    inc.affected_org_id = affected.id;
    inc.affected_country = rep.affected_country;
    if (!r.coordinator.empty()) {
      auto o = m.MemberOrg("coordinator", r.coordinator);
      if (!o.ok()) return o.status();
      inc.coordinator_org_id = o->id;
    } else {
      auto chair = m.Chair();
      inc.coordinator_org_id = chair.ok() ? chair->id : c.org.id;
    }
    inc.status = IncidentStatus::kNew;
    inc.created_by_org_id = c.org.id;
    inc.opened = rep.received;
    inc.modified = now;
    SANAD_RETURN_IF_ERROR(m.is->AddIncident(&inc));
    rep.incident_id = inc.id;
    SANAD_RETURN_IF_ERROR(m.is->AddReport(&rep));
    auto stored = m.is->GetIncident(inc.id);
    if (!stored.ok()) return stored.status();
    out.incident = std::move(*stored);
    out.created = true;
    SANAD_RETURN_IF_ERROR(
        m.Record(c, out.incident, "incident.create", "incident", out.incident.uuid,
                 "opened from report " + Short(rep.uuid) + " by " + c.org.name +
                     (r.third_party ? " for third party " + rep.reporter_name : "") + "; " +
                     out.incident.rsit_class + ":" + out.incident.rsit_type + ", " +
                     store::Name(out.incident.severity) + ", " + TlpName(out.incident.tlp) +
                     ", coordinator " + out.incident.coordinator_org.name));
  }
  out.report = std::move(rep);
  return out;
}

StatusOr<store::Incident> Coordinator::Update(const Caller& c, std::string_view uuid,
                                              const IncidentChanges& ch) {
  Impl& m = *impl_;
  auto l = m.Visible(c, uuid);
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(m.NeedManage(c, *l, "change the incident"));
  SANAD_RETURN_IF_ERROR(m.NeedOpen(*l));
  Incident& inc = l->inc;
  std::vector<std::string> changes;
  auto note = [&](std::string_view field, const std::string& from, const std::string& to) {
    if (from != to) changes.push_back(std::string(field) + ": " + from + " -> " + to);
  };
  if (ch.title) {
    SANAD_RETURN_IF_ERROR(CheckText("title", *ch.title, kMaxTitleBytes, true));
    note("title", inc.title, std::string(util::Trim(*ch.title)));
    inc.title = std::string(util::Trim(*ch.title));
  }
  if (ch.description) {
    SANAD_RETURN_IF_ERROR(CheckText("description", *ch.description, kMaxTextBytes, false));
    if (*ch.description != inc.description) changes.push_back("description changed");
    inc.description = *ch.description;
  }
  if (ch.rsit_class || ch.rsit_type) {
    std::string cls, type;
    std::string in_cls = ch.rsit_class ? *ch.rsit_class : inc.rsit_class;
    std::string in_type = ch.rsit_type ? *ch.rsit_type : (ch.rsit_class ? "" : inc.rsit_type);
    SANAD_RETURN_IF_ERROR(NormaliseRsit(in_cls, in_type, &cls, &type));
    note("classification", inc.rsit_class + ":" + inc.rsit_type, cls + ":" + type);
    inc.rsit_class = cls;
    inc.rsit_type = type;
  }
  if (ch.severity) {
    Severity sv;
    if (!store::Parse(*ch.severity, &sv))
      return Status::Invalid("severity: expected low, medium, high or critical, got '" +
                             *ch.severity + "'");
    note("severity", store::Name(inc.severity), store::Name(sv));
    inc.severity = sv;
  }
  if (ch.tlp) {
    model::Tlp t;
    if (!ParseTlp(*ch.tlp, &t))
      return Status::Invalid("tlp: expected clear, green, amber, amber+strict or red, got '" +
                             *ch.tlp + "'");
    note("tlp", TlpName(inc.tlp), TlpName(t));
    inc.tlp = t;
  }
  if (ch.pap) {
    model::Pap p;
    if (!ParsePap(*ch.pap, &p))
      return Status::Invalid("pap: expected clear, green, amber or red, got '" + *ch.pap + "'");
    note("pap", model::PapTagName(inc.pap), model::PapTagName(p));
    inc.pap = p;
  }
  if (ch.affected_country) {
    std::string cc(util::Trim(*ch.affected_country));
    std::transform(cc.begin(), cc.end(), cc.begin(), ::toupper);
    if (!cc.empty() && !model::IsCountryCode(cc))
      return Status::Invalid("affected_country: '" + *ch.affected_country +
                             "' is not an ISO 3166-1 alpha-2 code");
    note("affected_country", inc.affected_country, cc);
    inc.affected_country = cc;
  }
  if (ch.coordinator) {
    if (c.org.id != inc.coordinator_org_id && !c.org.is_chair)
      return Status::Permission("only the coordinator (" + inc.coordinator_org.name +
                                ") or the chair may hand over coordination");
    auto o = m.MemberOrg("coordinator", *ch.coordinator);
    if (!o.ok()) return o.status();
    note("coordinator", inc.coordinator_org.name, o->name);
    inc.coordinator_org_id = o->id;
    inc.coordinator_org = {o->id, o->uuid, o->name};
  }
  if (changes.empty()) return inc;
  SANAD_RETURN_IF_ERROR(m.Touch(&inc));
  std::string text;
  for (const auto& x : changes) text += (text.empty() ? "" : "; ") + x;
  SANAD_RETURN_IF_ERROR(m.Record(c, inc, "incident.update", "incident", inc.uuid, text));
  return inc;
}

namespace {

bool Allowed(IncidentStatus from, IncidentStatus to) {
  using S = IncidentStatus;
  switch (from) {
    case S::kNew:
      return to == S::kTriage || to == S::kInProgress || to == S::kContained ||
             to == S::kResolved || to == S::kRejected || to == S::kDuplicate;
    case S::kTriage:
      return to == S::kInProgress || to == S::kContained || to == S::kResolved ||
             to == S::kRejected || to == S::kDuplicate;
    case S::kInProgress:
      return to == S::kContained || to == S::kResolved || to == S::kRejected || to == S::kDuplicate;
    case S::kContained:
      return to == S::kInProgress || to == S::kResolved;
    case S::kResolved:
      return to == S::kClosed || to == S::kInProgress;
    case S::kClosed:
      return to == S::kInProgress;
    case S::kRejected:
    case S::kDuplicate:
      return false;
  }
  return false;
}

}  // namespace

StatusOr<store::Incident> Coordinator::SetStatus(const Caller& c, std::string_view uuid,
                                                 IncidentStatus to, std::string_view note,
                                                 std::string_view duplicate_of) {
  Impl& m = *impl_;
  auto l = m.Visible(c, uuid);
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(m.NeedManage(c, *l, "change the incident's status"));
  SANAD_RETURN_IF_ERROR(CheckText("note", note, kMaxTextBytes, false));
  Incident& inc = l->inc;
  IncidentStatus from = inc.status;
  if (from == to) return Status::Conflict("incident " + inc.uuid + " is " + store::Name(to));
  if (!Allowed(from, to))
    return Status::Conflict(std::string("cannot move incident ") + inc.uuid + " from " +
                            store::Name(from) + " to " + store::Name(to));
  bool coordinator = c.org.id == inc.coordinator_org_id;
  if (!coordinator && (from == IncidentStatus::kNew || to == IncidentStatus::kRejected ||
                       to == IncidentStatus::kDuplicate))
    return Status::Permission("only the coordinator (" + inc.coordinator_org.name +
                              ") acknowledges, rejects or merges an incident");
  model::Timestamp now = m.Now();
  std::optional<Impl::Loaded> target;
  if (to == IncidentStatus::kDuplicate) {
    if (duplicate_of.empty())
      return Status::Invalid("duplicate_of: required to mark an incident as a duplicate");
    auto t = m.Visible(c, duplicate_of);
    if (!t.ok()) return Status::Invalid("duplicate_of: " + t.status().message());
    if (t->inc.id == inc.id) return Status::Invalid("duplicate_of: the incident itself");
    if (Terminal(t->inc.status))
      return Status::Invalid("duplicate_of: incident " + t->inc.uuid + " is " +
                             store::Name(t->inc.status));
    target = std::move(*t);
    inc.duplicate_of_id = target->inc.id;
    inc.duplicate_of_uuid = target->inc.uuid;
  } else if (!duplicate_of.empty()) {
    return Status::Invalid("duplicate_of: only with status duplicate");
  }
  inc.status = to;
  if (from == IncidentStatus::kNew && inc.acknowledged == 0) inc.acknowledged = now;
  if ((to == IncidentStatus::kContained || to == IncidentStatus::kResolved ||
       to == IncidentStatus::kClosed) &&
      inc.contained == 0)
    inc.contained = now;
  if ((to == IncidentStatus::kResolved || to == IncidentStatus::kClosed) && inc.resolved == 0)
    inc.resolved = now;
  if (Terminal(to)) inc.closed = now;
  if (to == IncidentStatus::kInProgress &&
      (from == IncidentStatus::kResolved || from == IncidentStatus::kClosed)) {
    inc.resolved = 0;  // reopened: the resolution clock runs again
    inc.closed = 0;
  }
  if (!note.empty() && (to == IncidentStatus::kResolved || to == IncidentStatus::kClosed ||
                        to == IncidentStatus::kRejected))
    inc.resolution = std::string(note);
  SANAD_RETURN_IF_ERROR(m.Touch(&inc));
  std::string text = std::string(store::Name(from)) + " -> " + store::Name(to);
  if (target) text += " (merged into " + target->inc.uuid + ")";
  if (!note.empty()) text += ": " + std::string(note);
  SANAD_RETURN_IF_ERROR(m.Record(c, inc, "incident.status", "incident", inc.uuid, text));
  if (target) {
    SANAD_RETURN_IF_ERROR(m.is->MoveReports(inc.id, target->inc.id));
    SANAD_RETURN_IF_ERROR(m.Touch(&target->inc));
    SANAD_RETURN_IF_ERROR(m.Record(c, target->inc, "incident.merge", "incident", target->inc.uuid,
                                   "incident " + inc.uuid + " merged in (its reports moved here)"));
  }
  if (Terminal(to)) SANAD_RETURN_IF_ERROR(m.Cascade(c, inc));
  return inc;
}

StatusOr<IncidentView> Coordinator::Get(const Caller& c, std::string_view uuid) {
  auto l = impl_->Visible(c, uuid);
  if (!l.ok()) return l.status();
  return impl_->View(c, *l);
}

Status Coordinator::List(const Caller& c, const IncidentFilter& f,
                         std::vector<IncidentSummary>* out) {
  Impl& m = *impl_;
  out->clear();
  store::IncidentQuery q;
  q.involved_org_id = c.org.id;
  q.statuses = f.statuses;
  std::vector<Incident> incs;
  SANAD_RETURN_IF_ERROR(m.is->ListIncidents(q, &incs));
  auto sla = LoadSla(m.s);
  if (!sla.ok()) return sla.status();
  policy::Viewer v;
  v.org_id = c.org.id;
  for (const auto& inc : incs) {
    auto acc = m.is->AccessOf(inc);
    if (!acc.ok()) return acc.status();
    if (!policy::MaySeeIncident(v, *acc)) continue;
    if (f.open_only && Terminal(inc.status)) continue;
    Impl::Facts facts;
    auto sum = m.Summarise(inc, *sla, &facts);
    if (!sum.ok()) return sum.status();
    if (Sensitive(inc.tlp))
      SANAD_RETURN_IF_ERROR(m.Audit(c, "read.incident", "incident", inc.uuid, inc, "list"));
    out->push_back(std::move(*sum));
    if (f.limit > 0 && static_cast<int64_t>(out->size()) >= f.limit) break;
  }
  return Status::Ok();
}

Status Coordinator::Overdue(const Caller& c, std::vector<IncidentSummary>* out) {
  IncidentFilter f;
  f.open_only = true;
  std::vector<IncidentSummary> all;
  SANAD_RETURN_IF_ERROR(List(c, f, &all));
  out->clear();
  for (auto& s : all)
    if (s.overdue) out->push_back(std::move(s));
  return Status::Ok();
}

StatusOr<store::Indicator> Coordinator::AddIndicator(const Caller& c, std::string_view uuid,
                                                     store::Indicator ind) {
  Impl& m = *impl_;
  auto l = m.Visible(c, uuid);
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  SANAD_RETURN_IF_ERROR(m.NeedOpen(*l));
  SANAD_RETURN_IF_ERROR(m.ValidateIndicator(0, &ind));
  ind.incident_id = l->inc.id;
  ind.report_id = 0;
  ind.added_by_org_id = c.org.id;
  ind.created = m.Now();
  SANAD_RETURN_IF_ERROR(m.is->AddIndicator(&ind));
  SANAD_RETURN_IF_ERROR(m.Touch(&l->inc));
  SANAD_RETURN_IF_ERROR(m.Record(c, l->inc, "incident.indicator", "incident", l->inc.uuid,
                                 ind.type + " " + ind.value));
  return ind;
}

StatusOr<store::Comment> Coordinator::AddComment(const Caller& c, std::string_view uuid,
                                                 std::string_view text) {
  Impl& m = *impl_;
  auto l = m.Visible(c, uuid);
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  SANAD_RETURN_IF_ERROR(CheckText("text", text, kMaxTextBytes, true));
  store::Comment cm;
  cm.incident_id = l->inc.id;
  cm.time = m.Now();
  cm.actor = c.actor.name;
  cm.org_id = c.org.id;
  cm.text = std::string(util::Trim(text));
  SANAD_RETURN_IF_ERROR(m.is->AddComment(&cm));
  cm.org = {c.org.id, c.org.uuid, c.org.name};
  SANAD_RETURN_IF_ERROR(m.Record(c, l->inc, "incident.comment", "incident", l->inc.uuid,
                                 "comment " + Short(cm.uuid)));
  return cm;
}

// ---- requests for assistance ----

StatusOr<store::Rfa> Coordinator::CreateRfa(const Caller& c, const NewRfa& nr) {
  Impl& m = *impl_;
  auto l = m.Visible(c, nr.incident_uuid);
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(m.NeedManage(c, *l, "ask for assistance"));
  SANAD_RETURN_IF_ERROR(m.NeedOpen(*l));
  store::Rfa r;
  if (!store::Parse(nr.kind, &r.kind))
    return Status::Invalid(
        "kind: expected sample-analysis, takedown, sinkholing, blocking, "
        "forensics, information or other, got '" +
        nr.kind + "'");
  SANAD_RETURN_IF_ERROR(CheckText("description", nr.description, kMaxTextBytes, true));
  r.description = std::string(util::Trim(nr.description));
  if (!store::Parse(nr.audience, &r.audience))
    return Status::Invalid("audience: expected all-members, sharing-group or orgs, got '" +
                           nr.audience + "'");
  auto v = m.ViewerOf(c);
  if (!v.ok()) return v.status();
  if (r.audience == policy::RfaAudience::kSharingGroup) {
    if (nr.sharing_group.empty())
      return Status::Invalid("sharing_group: required for audience sharing-group");
    // A group the caller does not belong to reads like a missing one.
    auto g = m.s->FindSharingGroup(nr.sharing_group);
    if (!g.ok() || !v->InGroup(g->id))
      return Status::Invalid("sharing_group: no sharing group '" + nr.sharing_group + "' that " +
                             c.org.name + " belongs to");
    r.sharing_group_id = g->id;
  } else if (!nr.sharing_group.empty()) {
    return Status::Invalid("sharing_group: only for audience sharing-group");
  }
  if (r.audience == policy::RfaAudience::kOrgs) {
    if (nr.orgs.empty()) return Status::Invalid("orgs: name at least one organisation");
    if (nr.orgs.size() > kMaxAudienceOrgs)
      return Status::Limit("orgs: at most " + std::to_string(kMaxAudienceOrgs));
    for (size_t i = 0; i < nr.orgs.size(); ++i) {
      auto o = m.MemberOrg("orgs[" + std::to_string(i) + "]", nr.orgs[i]);
      if (!o.ok()) return o.status();
      if (o->id == c.org.id)
        return Status::Invalid("orgs[" + std::to_string(i) + "]: the requester itself");
      r.audience_org_ids.push_back(o->id);
    }
    std::sort(r.audience_org_ids.begin(), r.audience_org_ids.end());
    r.audience_org_ids.erase(std::unique(r.audience_org_ids.begin(), r.audience_org_ids.end()),
                             r.audience_org_ids.end());
  } else if (!nr.orgs.empty()) {
    return Status::Invalid("orgs: only for audience orgs");
  }
  r.incident_id = l->inc.id;
  r.requester_org_id = c.org.id;
  r.needed_by = nr.needed_by;
  r.status = RfaStatus::kOpen;
  r.created = m.Now();
  SANAD_RETURN_IF_ERROR(m.is->AddRfa(&r));
  SANAD_RETURN_IF_ERROR(m.Touch(&l->inc));
  SANAD_RETURN_IF_ERROR(m.Record(c, l->inc, "rfa.create", "rfa", r.uuid,
                                 std::string("request ") + Short(r.uuid) + ": " +
                                     store::Name(r.kind) + " asked of " + store::Name(r.audience)));
  auto stored = m.is->GetRfa(r.id);
  if (!stored.ok()) return stored.status();
  return std::move(*stored);
}

Status Coordinator::ListRfas(const Caller& c, bool open_only, std::vector<RfaView>* out) {
  Impl& m = *impl_;
  out->clear();
  auto v = m.ViewerOf(c);
  if (!v.ok()) return v.status();
  std::vector<store::Rfa> all;
  SANAD_RETURN_IF_ERROR(m.is->ListRfas(0, &all));
  std::map<int64_t, Impl::Loaded> cache;
  for (const auto& r : all) {
    if (open_only && r.status != RfaStatus::kOpen) continue;
    auto it = cache.find(r.incident_id);
    if (it == cache.end()) {
      auto l = m.LoadById(r.incident_id);
      if (!l.ok()) return l.status();
      it = cache.emplace(r.incident_id, std::move(*l)).first;
    }
    if (!policy::MaySeeRfa(*v, m.RfaAccessOf(r, it->second.access))) continue;
    std::vector<store::Offer> offers;
    SANAD_RETURN_IF_ERROR(m.is->ListOffers(r.id, &offers));
    if (Sensitive(it->second.inc.tlp))
      SANAD_RETURN_IF_ERROR(m.Audit(c, "read.rfa", "rfa", r.uuid, it->second.inc, "list"));
    out->push_back(m.MakeRfaView(*v, r, it->second, offers));
  }
  return Status::Ok();
}

StatusOr<RfaView> Coordinator::GetRfa(const Caller& c, std::string_view rfa_uuid) {
  Impl& m = *impl_;
  auto lr = m.VisibleRfa(c, rfa_uuid);
  if (!lr.ok()) return lr.status();
  std::vector<store::Offer> offers;
  SANAD_RETURN_IF_ERROR(m.is->ListOffers(lr->rfa.id, &offers));
  if (Sensitive(lr->l.inc.tlp))
    SANAD_RETURN_IF_ERROR(m.Audit(c, "read.rfa", "rfa", lr->rfa.uuid, lr->l.inc));
  return m.MakeRfaView(lr->viewer, lr->rfa, lr->l, offers);
}

StatusOr<store::Rfa> Coordinator::WithdrawRfa(const Caller& c, std::string_view rfa_uuid,
                                              std::string_view note) {
  Impl& m = *impl_;
  auto lr = m.VisibleRfa(c, rfa_uuid);
  if (!lr.ok()) return lr.status();
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  if (c.org.id != lr->rfa.requester_org_id && !Impl::Manages(c, lr->l))
    return Status::Permission("only the requester (" + lr->rfa.requester_org.name +
                              ") or the coordinator may withdraw the request");
  if (lr->rfa.status != RfaStatus::kOpen)
    return Status::Conflict("request " + lr->rfa.uuid + " is " + store::Name(lr->rfa.status));
  model::Timestamp now = m.Now();
  store::Rfa r = lr->rfa;
  r.status = RfaStatus::kWithdrawn;
  r.ended = now;
  SANAD_RETURN_IF_ERROR(m.is->UpdateRfa(r));
  std::vector<store::Offer> offers;
  SANAD_RETURN_IF_ERROR(m.is->ListOffers(r.id, &offers));
  for (auto& o : offers) {
    if (o.status != OfferStatus::kPending) continue;
    o.status = OfferStatus::kDeclined;
    o.note = "request withdrawn";
    o.decided = now;
    SANAD_RETURN_IF_ERROR(m.is->UpdateOffer(o));
  }
  SANAD_RETURN_IF_ERROR(m.Record(c, lr->l.inc, "rfa.withdraw", "rfa", r.uuid,
                                 "request " + Short(r.uuid) + " withdrawn" +
                                     (note.empty() ? std::string() : ": " + std::string(note))));
  return r;
}

StatusOr<store::Offer> Coordinator::Offer(const Caller& c, std::string_view rfa_uuid,
                                          std::string_view description, model::Timestamp by_when) {
  Impl& m = *impl_;
  auto lr = m.VisibleRfa(c, rfa_uuid);
  if (!lr.ok()) return lr.status();
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  if (c.org.id == lr->rfa.requester_org_id || !policy::InRfaAudience(lr->viewer, lr->access))
    return Status::Permission(c.org.name + " is not in the audience of request " + lr->rfa.uuid);
  if (lr->rfa.status != RfaStatus::kOpen)
    return Status::Conflict("request " + lr->rfa.uuid + " is " + store::Name(lr->rfa.status));
  SANAD_RETURN_IF_ERROR(CheckText("description", description, kMaxTextBytes, true));
  if (by_when < 0) return Status::Invalid("by_when: negative");
  std::vector<store::Offer> offers;
  SANAD_RETURN_IF_ERROR(m.is->ListOffers(lr->rfa.id, &offers));
  for (const auto& o : offers)
    if (o.org_id == c.org.id &&
        (o.status == OfferStatus::kPending || o.status == OfferStatus::kAccepted))
      return Status::Conflict(c.org.name + " has a " + store::Name(o.status) + " offer " + o.uuid +
                              " on this request");
  store::Offer o;
  o.rfa_id = lr->rfa.id;
  o.org_id = c.org.id;
  o.description = std::string(util::Trim(description));
  o.by_when = by_when;
  o.status = OfferStatus::kPending;
  o.created = m.Now();
  SANAD_RETURN_IF_ERROR(m.is->AddOffer(&o));
  o.org = {c.org.id, c.org.uuid, c.org.name};
  // The timeline (seen by every party of the incident) does not name the
  // helper until its offer is accepted.
  SANAD_RETURN_IF_ERROR(
      m.Audit(c, "rfa.offer", "offer", o.uuid, lr->l.inc, "on request " + lr->rfa.uuid));
  SANAD_RETURN_IF_ERROR(m.Timeline(c, lr->l.inc.id, "rfa.offer",
                                   "an offer of help arrived on request " + Short(lr->rfa.uuid)));
  return o;
}

StatusOr<store::Offer> Coordinator::DecideOffer(const Caller& c, std::string_view offer_uuid,
                                                bool accept, std::string_view note) {
  Impl& m = *impl_;
  Status hidden =
      Status::NotFound("no offer " + std::string(offer_uuid) + " that " + c.org.name + " may see");
  auto o = m.is->FindOffer(offer_uuid);
  if (!o.ok()) return o.status().code() == Status::Code::kNotFound ? hidden : o.status();
  auto r = m.is->GetRfa(o->rfa_id);
  if (!r.ok()) return r.status();
  auto lr = m.VisibleRfa(c, r->uuid);
  if (!lr.ok()) return lr.status().code() == Status::Code::kNotFound ? hidden : lr.status();
  if (!policy::MaySeeOffer(lr->viewer, o->org_id, lr->access)) return hidden;
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  if (c.org.id != lr->rfa.requester_org_id && !Impl::Manages(c, lr->l))
    return Status::Permission("only the requester (" + lr->rfa.requester_org.name +
                              ") or the coordinator decides on offers");
  if (o->status != OfferStatus::kPending)
    return Status::Conflict("offer " + o->uuid + " is " + store::Name(o->status));
  if (lr->rfa.status != RfaStatus::kOpen)
    return Status::Conflict("request " + lr->rfa.uuid + " is " + store::Name(lr->rfa.status));
  SANAD_RETURN_IF_ERROR(CheckText("note", note, kMaxTextBytes, false));
  model::Timestamp now = m.Now();
  o->status = accept ? OfferStatus::kAccepted : OfferStatus::kDeclined;
  o->note = std::string(note);
  o->decided = now;
  SANAD_RETURN_IF_ERROR(m.is->UpdateOffer(*o));
  SANAD_RETURN_IF_ERROR(
      m.Audit(c, accept ? "rfa.accept" : "rfa.decline", "offer", o->uuid, lr->l.inc, o->org.name));
  if (accept) {
    store::Participant p{lr->l.inc.id, o->org_id, lr->rfa.id, now, {}};
    SANAD_RETURN_IF_ERROR(m.is->AddParticipant(&p));
    SANAD_RETURN_IF_ERROR(m.Touch(&lr->l.inc));
    SANAD_RETURN_IF_ERROR(m.Timeline(c, lr->l.inc.id, "participant.add",
                                     o->org.name + " joined: offer accepted on request " +
                                         Short(lr->rfa.uuid) + " (" + o->description + ")"));
  } else {
    SANAD_RETURN_IF_ERROR(
        m.Timeline(c, lr->l.inc.id, "rfa.decline",
                   "an offer on request " + Short(lr->rfa.uuid) + " was declined"));
  }
  return std::move(*o);
}

StatusOr<store::Offer> Coordinator::WithdrawOffer(const Caller& c, std::string_view offer_uuid) {
  Impl& m = *impl_;
  Status hidden =
      Status::NotFound("no offer " + std::string(offer_uuid) + " that " + c.org.name + " may see");
  auto o = m.is->FindOffer(offer_uuid);
  if (!o.ok()) return o.status().code() == Status::Code::kNotFound ? hidden : o.status();
  if (o->org_id != c.org.id) {
    auto r = m.is->GetRfa(o->rfa_id);
    if (!r.ok()) return r.status();
    auto lr = m.VisibleRfa(c, r->uuid);
    if (!lr.ok() || !policy::MaySeeOffer(lr->viewer, o->org_id, lr->access)) return hidden;
    return Status::Permission("only " + o->org.name + " withdraws its offer");
  }
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  if (o->status != OfferStatus::kPending)
    return Status::Conflict("offer " + o->uuid + " is " + store::Name(o->status));
  auto r = m.is->GetRfa(o->rfa_id);
  if (!r.ok()) return r.status();
  auto l = m.LoadById(r->incident_id);
  if (!l.ok()) return l.status();
  o->status = OfferStatus::kWithdrawn;
  o->decided = m.Now();
  SANAD_RETURN_IF_ERROR(m.is->UpdateOffer(*o));
  SANAD_RETURN_IF_ERROR(m.Audit(c, "rfa.offer-withdraw", "offer", o->uuid, l->inc));
  SANAD_RETURN_IF_ERROR(m.Timeline(c, l->inc.id, "rfa.offer-withdraw",
                                   "an offer on request " + Short(r->uuid) + " was withdrawn"));
  return std::move(*o);
}

// ---- tasks ----

StatusOr<store::Task> Coordinator::AddTask(const Caller& c, const NewTask& nt) {
  Impl& m = *impl_;
  auto l = m.Visible(c, nt.incident_uuid);
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(m.NeedManage(c, *l, "add tasks"));
  SANAD_RETURN_IF_ERROR(m.NeedOpen(*l));
  SANAD_RETURN_IF_ERROR(CheckText("title", nt.title, kMaxTitleBytes, true));
  SANAD_RETURN_IF_ERROR(CheckText("description", nt.description, kMaxTextBytes, false));
  store::Task t;
  t.incident_id = l->inc.id;
  t.title = std::string(util::Trim(nt.title));
  t.description = nt.description;
  model::Org assignee = c.org;
  if (!nt.assignee_user.empty()) {
    auto u = m.s->FindUser(nt.assignee_user);
    if (!u.ok()) return Status::Invalid("assignee_user: unknown user '" + nt.assignee_user + "'");
    t.assignee_user_id = u->id;
    auto o = m.s->GetOrg(u->org_id);
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
  t.status = TaskStatus::kWaiting;
  t.created_by_org_id = c.org.id;
  t.created = m.Now();
  SANAD_RETURN_IF_ERROR(m.is->AddTask(&t));
  auto stored = m.is->FindTask(t.uuid);
  if (!stored.ok()) return stored.status();
  SANAD_RETURN_IF_ERROR(m.Touch(&l->inc));
  SANAD_RETURN_IF_ERROR(m.Record(c, l->inc, "task.add", "task", t.uuid,
                                 "task " + Short(t.uuid) + " '" + t.title + "' for " +
                                     assignee.name +
                                     (t.due ? ", due " + util::FormatIso8601(t.due) : "")));
  return std::move(*stored);
}

StatusOr<store::Task> Coordinator::SetTaskStatus(const Caller& c, std::string_view task_uuid,
                                                 TaskStatus to, std::string_view note) {
  Impl& m = *impl_;
  Impl::Loaded l;
  auto t = m.VisibleTask(c, task_uuid, &l);
  if (!t.ok()) return t.status();
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  if (c.org.id != t->assignee_org_id && !Impl::Manages(c, l))
    return Status::Permission("only the assignee (" + t->assignee_org.name +
                              "), the affected organisation or the coordinator update a task");
  SANAD_RETURN_IF_ERROR(CheckText("note", note, kMaxTextBytes, false));
  TaskStatus from = t->status;
  if (from == to) return Status::Conflict("task " + t->uuid + " is " + store::Name(to));
  if (from == TaskStatus::kDone || from == TaskStatus::kCancelled)
    return Status::Conflict("task " + t->uuid + " is " + store::Name(from));
  model::Timestamp now = m.Now();
  t->status = to;
  if (to == TaskStatus::kDone || to == TaskStatus::kCancelled) t->finished = now;
  SANAD_RETURN_IF_ERROR(m.is->UpdateTask(*t));
  std::string text = std::string(store::Name(from)) + " -> " + store::Name(to);
  if (!note.empty()) text += ": " + std::string(note);
  store::TaskLog lg{0, t->id, now, c.actor.name, c.org.id, text, {}};
  SANAD_RETURN_IF_ERROR(m.is->AddTaskLog(&lg));
  SANAD_RETURN_IF_ERROR(m.Touch(&l.inc));
  SANAD_RETURN_IF_ERROR(
      m.Record(c, l.inc, "task.status", "task", t->uuid, "task " + Short(t->uuid) + " " + text));
  return std::move(*t);
}

StatusOr<store::TaskLog> Coordinator::LogWork(const Caller& c, std::string_view task_uuid,
                                              std::string_view text) {
  Impl& m = *impl_;
  Impl::Loaded l;
  auto t = m.VisibleTask(c, task_uuid, &l);
  if (!t.ok()) return t.status();
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  if (c.org.id != t->assignee_org_id && !Impl::Manages(c, l))
    return Status::Permission("only the assignee (" + t->assignee_org.name +
                              "), the affected organisation or the coordinator log work");
  SANAD_RETURN_IF_ERROR(CheckText("text", text, kMaxTextBytes, true));
  store::TaskLog lg{0, t->id, m.Now(), c.actor.name, c.org.id, std::string(util::Trim(text)), {}};
  SANAD_RETURN_IF_ERROR(m.is->AddTaskLog(&lg));
  lg.org = {c.org.id, c.org.uuid, c.org.name};
  SANAD_RETURN_IF_ERROR(
      m.Record(c, l.inc, "task.log", "task", t->uuid, "work logged on task " + Short(t->uuid)));
  return lg;
}

// ---- intelligence ----

Status Coordinator::Link(const Caller& c, std::string_view uuid, std::string_view kind,
                         std::string_view target_uuid) {
  Impl& m = *impl_;
  auto l = m.Visible(c, uuid);
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  if (kind != "event" && kind != "attribute")
    return Status::Invalid("kind: expected event or attribute, got '" + std::string(kind) + "'");
  if (!util::IsUuid(target_uuid))
    return Status::Invalid("uuid: '" + std::string(target_uuid) + "' is not a uuid");
  auto v = m.ViewerOf(c);
  if (!v.ok()) return v.status();
  if (!m.TargetVisible(*v, kind, target_uuid))
    return Status::NotFound("no " + std::string(kind) + " " + std::string(target_uuid) + " that " +
                            c.org.name + " may see");
  store::IntelLink link{l->inc.id, std::string(kind), util::LowerUuid(target_uuid), c.org.id,
                        m.Now()};
  SANAD_RETURN_IF_ERROR(m.is->AddLink(link));
  SANAD_RETURN_IF_ERROR(m.Touch(&l->inc));
  return m.Record(c, l->inc, "incident.link", "incident", l->inc.uuid,
                  "linked " + link.kind + " " + link.uuid);
}

StatusOr<std::string> Coordinator::Promote(const Caller& c, std::string_view uuid,
                                           const std::vector<int64_t>& indicator_ids,
                                           model::Distribution distribution,
                                           std::string_view sharing_group, std::string_view info,
                                           std::string_view tlp) {
  Impl& m = *impl_;
  auto l = m.Visible(c, uuid);
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(m.NeedManage(c, *l, "promote indicators into shared intelligence"));
  std::vector<store::Indicator> all, chosen;
  SANAD_RETURN_IF_ERROR(m.is->ListIndicators(l->inc.id, &all));
  if (indicator_ids.empty()) {
    chosen = all;
  } else {
    for (int64_t id : indicator_ids) {
      auto it = std::find_if(all.begin(), all.end(),
                             [&](const store::Indicator& i) { return i.id == id; });
      if (it == all.end())
        return Status::Invalid("indicators: " + std::to_string(id) +
                               " is not an indicator of this incident");
      chosen.push_back(*it);
    }
  }
  if (chosen.empty()) return Status::Invalid("indicators: the incident has none to promote");
  SANAD_RETURN_IF_ERROR(CheckText("info", info, kMaxPromoteInfoBytes, false));
  if (static_cast<int>(distribution) < 0 || static_cast<int>(distribution) > 4)
    return Status::Invalid("distribution: expected 0-4");
  model::Event ev;
  if (distribution == model::Distribution::kSharingGroup) {
    if (sharing_group.empty()) return Status::Invalid("sharing_group: required for distribution 4");
    // A group the caller does not belong to reads like a missing one (and
    // is not named): its existence and name are the group's members' to know.
    Status unusable = Status::Invalid("sharing_group: no sharing group '" +
                                      std::string(sharing_group) + "' that " + c.org.name +
                                      " belongs to");
    auto g = m.s->FindSharingGroup(sharing_group);
    if (!g.ok()) return unusable;
    auto v = m.ViewerOf(c);
    if (!v.ok()) return v.status();
    if (!v->InGroup(g->id)) return unusable;
    ev.sharing_group = {g->id, g->uuid, g->name};
  } else if (!sharing_group.empty()) {
    return Status::Invalid("sharing_group: only for distribution 4");
  }
  model::Tlp mark = l->inc.tlp;
  if (!tlp.empty() && !ParseTlp(tlp, &mark))
    return Status::Invalid("tlp: expected clear, green, amber, amber+strict or red, got '" +
                           std::string(tlp) + "'");
  model::Timestamp now = m.Now();
  ev.uuid = util::NewUuid();
  ev.info = info.empty() ? "Indicators from incident " + Short(l->inc.uuid) + " (" +
                               l->inc.rsit_class + ":" + l->inc.rsit_type + ")"
                         : std::string(info);
  ev.date = util::FormatDate(now);
  ev.timestamp = now;
  ev.distribution = distribution;
  ev.threat_level_id = l->inc.severity == Severity::kLow      ? 3
                       : l->inc.severity == Severity::kMedium ? 2
                                                              : 1;
  ev.analysis = 1;
  ev.org = {c.org.id, c.org.uuid, c.org.name};
  ev.orgc = ev.org;
  if (mark != model::Tlp::kNone) ev.tags.push_back({model::TlpTagName(mark), "", true, false});
  ev.tags.push_back(
      {"rsit:" + l->inc.rsit_class + "=\"" + l->inc.rsit_type + "\"", "", true, false});
  for (const auto& ind : chosen) {
    model::Attribute a;
    a.uuid = util::NewUuid();
    a.type = ind.type;
    const model::TypeInfo* ti = model::FindType(ind.type);
    a.category = ti ? std::string(ti->default_category) : "Other";
    a.value = ind.value;
    model::CanonicalValue cv;
    SANAD_RETURN_IF_ERROR(model::Canonicalise(a.type, a.value, &cv));
    a.canonical = cv.value;
    a.canonical1 = cv.part1;
    a.canonical2 = cv.part2;
    a.to_ids = ind.to_ids;
    a.comment = ind.comment;
    a.distribution = model::Distribution::kInherit;
    a.timestamp = now;
    ev.attributes.push_back(std::move(a));
  }
  auto out = m.s->UpsertEvent(&ev);
  if (!out.ok()) return out.status();
  SANAD_RETURN_IF_ERROR(audit::Record(m.s, c.actor, "event.create", "event", ev.uuid, c.org.uuid,
                                      "promoted from incident " + l->inc.uuid));
  store::IntelLink link{l->inc.id, "event", ev.uuid, c.org.id, now};
  SANAD_RETURN_IF_ERROR(m.is->AddLink(link));
  SANAD_RETURN_IF_ERROR(m.Touch(&l->inc));
  SANAD_RETURN_IF_ERROR(m.Record(c, l->inc, "incident.promote", "incident", l->inc.uuid,
                                 std::to_string(chosen.size()) +
                                     " indicator(s) promoted into event " + ev.uuid +
                                     " (distribution " + model::Name(distribution) + ")"));
  return ev.uuid;
}

Status Coordinator::SeenElsewhere(const Caller& c, std::string_view uuid,
                                  const intel::CorrelationIndex& index,
                                  const intel::CorrelationSettings& settings,
                                  std::vector<SeenIndicator>* out) {
  Impl& m = *impl_;
  out->clear();
  auto l = m.Visible(c, uuid);
  if (!l.ok()) return l.status();
  auto v = m.ViewerOf(c);
  if (!v.ok()) return v.status();
  auto cfg = intel::LoadDecayConfig(m.s);
  if (!cfg.ok()) return cfg.status();
  std::vector<store::IntelLink> links;
  SANAD_RETURN_IF_ERROR(m.is->ListLinks(l->inc.id, &links));
  std::set<int64_t> done;
  auto describe = [&](const std::string& event_uuid, const model::Attribute& a) -> Status {
    if (a.id == 0 || !done.insert(a.id).second) return Status::Ok();
    SeenIndicator si;
    si.event_uuid = event_uuid;
    si.attribute_uuid = a.uuid;
    si.type = a.type;
    si.value = a.value;
    auto r = index.Correlations(*v, a.id, settings);
    if (r.ok()) {
      std::vector<intel::CorrelatedAttribute> corr;
      SANAD_RETURN_IF_ERROR(intel::DescribeCorrelations(m.s, *v, *r, &corr));
      std::set<std::string> events, orgs;
      for (const auto& x : corr) {
        events.insert(x.context.event_uuid);
        orgs.insert(x.context.event_orgc.name);
      }
      si.correlated_events = static_cast<int64_t>(events.size());
      si.correlated_orgs.assign(orgs.begin(), orgs.end());
    }
    auto sum = intel::ListSightings(m.s, *v, a.id, *cfg, m.Now());
    if (sum.ok()) si.sightings = sum->counts;
    out->push_back(std::move(si));
    return Status::Ok();
  };
  for (const auto& k : links) {
    if (k.kind == "event") {
      auto ev = m.s->GetEvent(*v, k.uuid);
      if (!ev.ok()) continue;  // hidden from this caller
      for (const auto& a : ev->attributes) SANAD_RETURN_IF_ERROR(describe(ev->uuid, a));
      for (const auto& o : ev->objects)
        for (const auto& a : o.attributes) SANAD_RETURN_IF_ERROR(describe(ev->uuid, a));
    } else {
      auto id = m.s->FindAttributeId(k.uuid);
      if (!id.ok()) continue;
      auto ctx = m.s->GetAttributeContext(*v, *id);
      if (!ctx.ok()) continue;
      ctx->attribute.id = *id;
      SANAD_RETURN_IF_ERROR(describe(ctx->event_uuid, ctx->attribute));
    }
  }
  if (Sensitive(l->inc.tlp))
    SANAD_RETURN_IF_ERROR(m.Audit(c, "read.incident", "incident", l->inc.uuid, l->inc, "seen"));
  return Status::Ok();
}

// ---- settings and figures ----

Status Coordinator::SetSla(const Caller& c, Severity sv, ClockKind k, int64_t seconds) {
  Impl& m = *impl_;
  if (!c.may_write || !c.community_admin)
    return Status::Permission("only the community's administrators set SLA targets");
  if (seconds < 0) return Status::Invalid("target: negative");
  std::string key = std::string("incident.sla.") + store::Name(sv) + "." + Name(k);
  SANAD_RETURN_IF_ERROR(m.s->SetSetting(key, std::to_string(seconds)));
  return audit::Record(m.s, c.actor, "incident.sla", "setting", key, "", std::to_string(seconds));
}

Status Coordinator::MemberResponsiveness(const Caller& c, std::vector<Responsiveness>* out) {
  Impl& m = *impl_;
  out->clear();
  if (!c.org.is_chair)
    return Status::Permission("only the chair reads per-member responsiveness figures");
  auto sla = LoadSla(m.s);
  if (!sla.ok()) return sla.status();
  model::Timestamp now = m.Now();
  std::vector<model::Org> orgs;
  SANAD_RETURN_IF_ERROR(m.s->ListOrgs(&orgs));
  std::map<int64_t, Responsiveness> by_org;
  std::map<int64_t, std::vector<int64_t>> offer_times, ack_times;
  std::vector<int64_t> members;
  for (const auto& o : orgs) {
    if (o.status != model::OrgStatus::kMember) continue;
    members.push_back(o.id);
    by_org[o.id].org = {o.id, o.uuid, o.name};
  }
  std::vector<Incident> incs;
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
  std::vector<store::Rfa> rfas;
  SANAD_RETURN_IF_ERROR(m.is->ListRfas(0, &rfas));
  for (const auto& rfa : rfas) {
    std::vector<int64_t> audience;
    if (rfa.audience == policy::RfaAudience::kAllMembers) {
      audience = members;
    } else if (rfa.audience == policy::RfaAudience::kSharingGroup) {
      auto g = m.s->GetSharingGroup(rfa.sharing_group_id);
      if (!g.ok()) return g.status();
      for (const auto& o : g->members) audience.push_back(o.id);
    } else {
      audience = rfa.audience_org_ids;
    }
    for (int64_t id : audience)
      if (id != rfa.requester_org_id && by_org.count(id)) ++by_org[id].rfas_received;
    std::vector<store::Offer> offers;
    SANAD_RETURN_IF_ERROR(m.is->ListOffers(rfa.id, &offers));
    for (const auto& o : offers) {
      auto it = by_org.find(o.org_id);
      if (it == by_org.end()) continue;
      ++it->second.offers_made;
      if (o.status == OfferStatus::kAccepted) ++it->second.offers_accepted;
      offer_times[o.org_id].push_back(o.created - rfa.created);
    }
  }
  std::vector<store::Task> tasks;
  SANAD_RETURN_IF_ERROR(m.is->ListTasks(0, &tasks));
  for (const auto& t : tasks) {
    auto it = by_org.find(t.assignee_org_id);
    if (it == by_org.end()) continue;
    auto& r = it->second;
    ++r.tasks_assigned;
    if (t.status == TaskStatus::kDone) {
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
  return audit::Record(m.s, c.actor, "read.responsiveness", "community", "", "");
}

StatusOr<std::string> Coordinator::ExportJson(const Caller& c, std::string_view uuid) {
  auto v = Get(c, uuid);
  if (!v.ok()) return v.status();
  return ToJsonText(*v);
}

StatusOr<std::string> Coordinator::ExportIodef(const Caller& c, std::string_view uuid,
                                               std::string_view node_name) {
  auto v = Get(c, uuid);
  if (!v.ok()) return v.status();
  return ToIodef(*v, node_name, Now());
}

}  // namespace sanad::incident
