#include "incident/json.h"

#include "util/util.h"

namespace sanad::incident {

namespace json = boost::json;

namespace {

json::value Time(model::Timestamp t) {
  return t ? json::value(util::FormatIso8601(t)) : json::value(nullptr);
}

json::value Org(const model::OrgRef& o) {
  if (o.id == 0 && o.uuid.empty()) return nullptr;
  return json::object{{"uuid", o.uuid}, {"name", o.name}};
}

json::value Tlp(model::Tlp t) {
  const char* l = model::TlpLabel(t);
  return *l ? json::value(l) : json::value(nullptr);
}

json::value Pap(model::Pap p) {
  return p == model::Pap::kNone ? json::value(nullptr) : json::value(model::PapTagName(p));
}

template <class T>
json::array Array(const std::vector<T>& v) {
  json::array a;
  for (const auto& x : v) a.push_back(ToJson(x));
  return a;
}

}  // namespace

json::object ToJson(const model::Incident& i) {
  json::object o{{"uuid", i.uuid},
                 {"title", i.title},
                 {"description", i.description},
                 {"rsit", {{"class", i.rsit_class}, {"type", i.rsit_type}}},
                 {"severity", model::Name(i.severity)},
                 {"tlp", Tlp(i.tlp)},
                 {"pap", Pap(i.pap)},
                 {"status", model::Name(i.status)},
                 {"affected_org", Org(i.affected_org)},
                 {"affected_country", i.affected_country},
                 {"coordinator", Org(i.coordinator_org)},
                 {"resolution", i.resolution},
                 {"opened", Time(i.opened)},
                 {"acknowledged", Time(i.acknowledged)},
                 {"contained", Time(i.contained)},
                 {"resolved", Time(i.resolved)},
                 {"closed", Time(i.closed)},
                 {"modified", Time(i.modified)}};
  o["duplicate_of"] =
      i.duplicate_of_uuid.empty() ? json::value(nullptr) : json::value(i.duplicate_of_uuid);
  return o;
}

json::object ToJson(const ClockView& c) {
  json::object o{{"clock", Name(c.kind)},
                 {"state", Name(c.state)},
                 {"start", Time(c.start)},
                 {"stop", Time(c.stop)},
                 {"elapsed_seconds", c.elapsed}};
  o["target_seconds"] = c.target ? json::value(c.target) : json::value(nullptr);
  return o;
}

json::object ToJson(const IncidentSummary& s) {
  json::object o = ToJson(s.incident);
  o["clocks"] = Array(s.clocks);
  o["open_tasks"] = s.open_tasks;
  o["overdue_tasks"] = s.overdue_tasks;
  o["open_rfas"] = s.open_rfas;
  o["overdue"] = s.overdue;
  return o;
}

json::object ToJson(const model::Indicator& i) {
  return {{"id", i.id},           {"type", i.type},     {"value", i.value},
          {"comment", i.comment}, {"to_ids", i.to_ids}, {"created", Time(i.created)}};
}

json::object ToJson(const model::IncidentReport& r) {
  json::object o{{"uuid", r.uuid},
                 {"received", Time(r.received)},
                 {"third_party", r.reporter_org_id == 0},
                 {"reporter_org", Org(r.reporter_org)},
                 {"entered_by", Org(r.entered_by_org)},
                 {"description", r.description},
                 {"affected_country", r.affected_country}};
  if (r.reporter_org_id == 0) {
    o["reporter_name"] = r.reporter_name;
    if (!r.reporter_contact.empty()) o["reporter_contact"] = r.reporter_contact;
  }
  o["indicators"] = Array(r.indicators);
  json::array atts;
  for (const auto& a : r.attachments)
    atts.push_back(json::object{{"name", a.name}, {"sha256", a.sha256}, {"size", a.size}});
  o["attachments"] = std::move(atts);
  return o;
}

json::object ToJson(const model::Rfa& r) {
  json::object o{{"uuid", r.uuid},
                 {"kind", model::Name(r.kind)},
                 {"description", r.description},
                 {"audience", model::Name(r.audience)},
                 {"requester", Org(r.requester_org)},
                 {"status", model::Name(r.status)},
                 {"needed_by", Time(r.needed_by)},
                 {"created", Time(r.created)},
                 {"ended", Time(r.ended)}};
  o["incident_uuid"] =
      r.incident_uuid.empty() ? json::value(nullptr) : json::value(r.incident_uuid);
  if (r.audience == model::RfaAudience::kSharingGroup)
    o["sharing_group"] = {{"uuid", r.sharing_group.uuid}, {"name", r.sharing_group.name}};
  if (r.audience == model::RfaAudience::kOrgs) o["audience_org_count"] = r.audience_org_ids.size();
  return o;
}

json::object ToJson(const RfaView& r) {
  json::object o = ToJson(r.rfa);
  o["incident_visible"] = r.incident_visible;
  o["rsit"] = {{"class", r.rsit_class}, {"type", r.rsit_type}};
  o["severity"] = model::Name(r.severity);
  o["tlp"] = Tlp(r.tlp);
  o["offer_count"] = r.offer_count;
  o["offers"] = Array(r.offers);
  return o;
}

json::object ToJson(const model::Offer& f) {
  return {{"uuid", f.uuid},
          {"org", Org(f.org)},
          {"description", f.description},
          {"by_when", Time(f.by_when)},
          {"status", model::Name(f.status)},
          {"note", f.note},
          {"created", Time(f.created)},
          {"decided", Time(f.decided)}};
}

json::object ToJson(const model::Task& t) {
  json::object o{{"uuid", t.uuid},
                 {"incident_uuid", t.incident_uuid},
                 {"title", t.title},
                 {"description", t.description},
                 {"assignee_org", Org(t.assignee_org)},
                 {"due", Time(t.due)},
                 {"status", model::Name(t.status)},
                 {"created", Time(t.created)},
                 {"finished", Time(t.finished)}};
  o["assignee_user"] =
      t.assignee_email.empty() ? json::value(nullptr) : json::value(t.assignee_email);
  return o;
}

json::object ToJson(const TaskView& t) {
  json::object o = ToJson(t.task);
  o["overdue"] = t.overdue;
  o["log"] = Array(t.log);
  return o;
}

json::object ToJson(const model::TaskLog& l) {
  return {{"time", Time(l.time)}, {"actor", l.actor}, {"org", Org(l.org)}, {"text", l.text}};
}

json::object ToJson(const model::Comment& c) {
  return {{"uuid", c.uuid},
          {"time", Time(c.time)},
          {"actor", c.actor},
          {"org", Org(c.org)},
          {"text", c.text}};
}

json::object ToJson(const model::TimelineEntry& e) {
  return {{"time", Time(e.time)},
          {"actor", e.actor},
          {"org", Org(e.org)},
          {"action", e.action},
          {"text", e.text}};
}

json::object ToJson(const SeenIndicator& s) {
  json::array orgs;
  for (const auto& o : s.correlated_orgs) orgs.emplace_back(o);
  return {{"event_uuid", s.event_uuid},
          {"attribute_uuid", s.attribute_uuid},
          {"type", s.type},
          {"value", s.value},
          {"correlated_events", s.correlated_events},
          {"correlated_orgs", std::move(orgs)},
          {"sightings",
           {{"seen", s.sightings[0]},
            {"false-positive", s.sightings[1]},
            {"expiration", s.sightings[2]}}}};
}

json::object ToJson(const Responsiveness& r) {
  auto secs = [](int64_t v) { return v < 0 ? json::value(nullptr) : json::value(v); };
  return {{"org", Org(r.org)},
          {"rfas_received", r.rfas_received},
          {"offers_made", r.offers_made},
          {"offers_accepted", r.offers_accepted},
          {"median_seconds_to_offer", secs(r.median_time_to_offer)},
          {"incidents_coordinated", r.incidents_coordinated},
          {"acknowledged", r.acknowledged},
          {"acknowledge_breached", r.ack_breached},
          {"median_seconds_to_acknowledge", secs(r.median_time_to_acknowledge)},
          {"tasks_assigned", r.tasks_assigned},
          {"tasks_done", r.tasks_done},
          {"tasks_overdue", r.tasks_overdue},
          {"tasks_done_late", r.tasks_done_late}};
}

json::object ToJson(const SlaTargets& t) {
  json::object o;
  for (int sv = 0; sv < 4; ++sv) {
    json::object row;
    for (int k = 0; k < kClockKinds; ++k) row[Name(static_cast<ClockKind>(k))] = t.seconds[sv][k];
    o[model::Name(static_cast<model::Severity>(sv))] = std::move(row);
  }
  return o;
}

json::object ToJson(const IncidentView& v) {
  json::object o = ToJson(v.summary);
  json::array rep;
  for (const auto& r : v.reporting_orgs) rep.push_back(Org(r));
  o["reporting_orgs"] = std::move(rep);
  json::array parts;
  for (const auto& p : v.participants)
    parts.push_back(json::object{{"org", Org(p.org)}, {"since", Time(p.since)}});
  o["participants"] = std::move(parts);
  o["reports"] = Array(v.reports);
  o["indicators"] = Array(v.indicators);
  o["rfas"] = Array(v.rfas);
  o["tasks"] = Array(v.tasks);
  o["comments"] = Array(v.comments);
  o["timeline"] = Array(v.timeline);
  json::array links;
  for (const auto& l : v.links)
    links.push_back(json::object{{"kind", l.kind}, {"uuid", l.uuid}, {"created", Time(l.created)}});
  o["links"] = std::move(links);
  return o;
}

std::string ToJsonText(const IncidentView& v) {
  return json::serialize(json::object{{"incident", ToJson(v)}}) + "\n";
}

}  // namespace sanad::incident
