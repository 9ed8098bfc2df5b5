// Incident reports and incidents: filing, changes, the lifecycle, reads,
// indicators and comments (incident/incident.h).
#include "incident/internal.h"

#include <algorithm>
#include <optional>

#include "model/canon.h"
#include "model/types.h"

namespace sanad::incident {

// ---- reports and incidents ----

StatusOr<Coordinator::Filed> Coordinator::FileReport(const policy::Actor& c, NewReport r) {
  Impl& m = *impl_;
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  model::Timestamp now = m.Now();
  SANAD_RETURN_IF_ERROR(CheckText("description", r.description, kMaxTextBytes, true));
  model::IncidentReport rep;
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
    model::Incident inc;
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
    if (!model::Parse(r.severity, &inc.severity))
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
    inc.status = model::IncidentStatus::kNew;
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
                     model::Name(out.incident.severity) + ", " + TlpName(out.incident.tlp) +
                     ", coordinator " + out.incident.coordinator_org.name));
  }
  out.report = std::move(rep);
  return out;
}

StatusOr<model::Incident> Coordinator::Update(const policy::Actor& c, std::string_view uuid,
                                              const IncidentChanges& ch) {
  Impl& m = *impl_;
  auto l = m.Managed(c, uuid, "change the incident");
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(m.NeedOpen(*l));
  model::Incident& inc = l->inc;
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
    model::Severity sv;
    if (!model::Parse(*ch.severity, &sv))
      return Status::Invalid("severity: expected low, medium, high or critical, got '" +
                             *ch.severity + "'");
    note("severity", model::Name(inc.severity), model::Name(sv));
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

bool Allowed(model::IncidentStatus from, model::IncidentStatus to) {
  using S = model::IncidentStatus;
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

StatusOr<model::Incident> Coordinator::SetStatus(const policy::Actor& c, std::string_view uuid,
                                                 model::IncidentStatus to, std::string_view note,
                                                 std::string_view duplicate_of) {
  Impl& m = *impl_;
  auto l = m.Managed(c, uuid, "change the incident's status");
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(CheckText("note", note, kMaxTextBytes, false));
  model::Incident& inc = l->inc;
  model::IncidentStatus from = inc.status;
  if (from == to) return Status::Conflict("incident " + inc.uuid + " is " + model::Name(to));
  if (!Allowed(from, to))
    return Status::Conflict(std::string("cannot move incident ") + inc.uuid + " from " +
                            model::Name(from) + " to " + model::Name(to));
  bool coordinator = c.org.id == inc.coordinator_org_id;
  if (!coordinator &&
      (from == model::IncidentStatus::kNew || to == model::IncidentStatus::kRejected ||
       to == model::IncidentStatus::kDuplicate))
    return Status::Permission("only the coordinator (" + inc.coordinator_org.name +
                              ") acknowledges, rejects or merges an incident");
  model::Timestamp now = m.Now();
  std::optional<Impl::Loaded> target;
  if (to == model::IncidentStatus::kDuplicate) {
    if (duplicate_of.empty())
      return Status::Invalid("duplicate_of: required to mark an incident as a duplicate");
    auto t = m.Visible(c, duplicate_of);
    if (!t.ok()) return Status::Invalid("duplicate_of: " + t.status().message());
    if (t->inc.id == inc.id) return Status::Invalid("duplicate_of: the incident itself");
    if (Terminal(t->inc.status))
      return Status::Invalid("duplicate_of: incident " + t->inc.uuid + " is " +
                             model::Name(t->inc.status));
    target = std::move(*t);
    inc.duplicate_of_id = target->inc.id;
    inc.duplicate_of_uuid = target->inc.uuid;
  } else if (!duplicate_of.empty()) {
    return Status::Invalid("duplicate_of: only with status duplicate");
  }
  inc.status = to;
  if (from == model::IncidentStatus::kNew && inc.acknowledged == 0) inc.acknowledged = now;
  if ((to == model::IncidentStatus::kContained || to == model::IncidentStatus::kResolved ||
       to == model::IncidentStatus::kClosed) &&
      inc.contained == 0)
    inc.contained = now;
  if ((to == model::IncidentStatus::kResolved || to == model::IncidentStatus::kClosed) &&
      inc.resolved == 0)
    inc.resolved = now;
  if (Terminal(to)) inc.closed = now;
  if (to == model::IncidentStatus::kInProgress &&
      (from == model::IncidentStatus::kResolved || from == model::IncidentStatus::kClosed)) {
    inc.resolved = 0;  // reopened: the resolution clock runs again
    inc.closed = 0;
  }
  if (!note.empty() &&
      (to == model::IncidentStatus::kResolved || to == model::IncidentStatus::kClosed ||
       to == model::IncidentStatus::kRejected))
    inc.resolution = std::string(note);
  SANAD_RETURN_IF_ERROR(m.Touch(&inc));
  std::string text = std::string(model::Name(from)) + " -> " + model::Name(to);
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

StatusOr<IncidentView> Coordinator::Get(const policy::Actor& c, std::string_view uuid) {
  auto l = impl_->Visible(c, uuid);
  if (!l.ok()) return l.status();
  return impl_->View(c, *l);
}

Status Coordinator::List(const policy::Actor& c, const IncidentFilter& f,
                         std::vector<IncidentSummary>* out) {
  Impl& m = *impl_;
  out->clear();
  store::IncidentQuery q;
  q.involved_org_id = c.org.id;
  q.statuses = f.statuses;
  std::vector<model::Incident> incs;
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

Status Coordinator::Overdue(const policy::Actor& c, std::vector<IncidentSummary>* out) {
  IncidentFilter f;
  f.open_only = true;
  std::vector<IncidentSummary> all;
  SANAD_RETURN_IF_ERROR(List(c, f, &all));
  out->clear();
  for (auto& s : all)
    if (s.overdue) out->push_back(std::move(s));
  return Status::Ok();
}

StatusOr<model::Indicator> Coordinator::AddIndicator(const policy::Actor& c, std::string_view uuid,
                                                     model::Indicator ind) {
  Impl& m = *impl_;
  auto l = m.Writable(c, uuid);
  if (!l.ok()) return l.status();
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

StatusOr<model::Comment> Coordinator::AddComment(const policy::Actor& c, std::string_view uuid,
                                                 std::string_view text) {
  Impl& m = *impl_;
  auto l = m.Writable(c, uuid);
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(CheckText("text", text, kMaxTextBytes, true));
  model::Comment cm;
  cm.incident_id = l->inc.id;
  cm.time = m.Now();
  cm.actor = c.name;
  cm.org_id = c.org.id;
  cm.text = std::string(util::Trim(text));
  SANAD_RETURN_IF_ERROR(m.is->AddComment(&cm));
  cm.org = {c.org.id, c.org.uuid, c.org.name};
  SANAD_RETURN_IF_ERROR(m.Record(c, l->inc, "incident.comment", "incident", l->inc.uuid,
                                 "comment " + Short(cm.uuid)));
  return cm;
}

}  // namespace sanad::incident
