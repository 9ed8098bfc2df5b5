// Incidents and shared intelligence: links, promotion of indicators into
// an event, and who else has seen them (incident/incident.h).
#include "incident/internal.h"

#include <algorithm>
#include <set>

#include "intel/correlation.h"
#include "intel/search.h"
#include "intel/sighting.h"
#include "model/canon.h"
#include "model/types.h"

namespace sanad::incident {

// ---- intelligence ----

Status Coordinator::Link(const policy::Actor& c, std::string_view uuid, std::string_view kind,
                         std::string_view target_uuid) {
  Impl& m = *impl_;
  auto l = m.Writable(c, uuid);
  if (!l.ok()) return l.status();
  if (kind != "event" && kind != "attribute")
    return Status::Invalid("kind: expected event or attribute, got '" + std::string(kind) + "'");
  if (!util::IsUuid(target_uuid))
    return Status::Invalid("uuid: '" + std::string(target_uuid) + "' is not a uuid");
  auto v = m.ViewerOf(c);
  if (!v.ok()) return v.status();
  if (!m.TargetVisible(*v, kind, target_uuid))
    return Status::NotFound("no " + std::string(kind) + " " + std::string(target_uuid) + " that " +
                            c.org.name + " may see");
  model::IntelLink link{l->inc.id, std::string(kind), util::LowerUuid(target_uuid), c.org.id,
                        m.Now()};
  SANAD_RETURN_IF_ERROR(m.is->AddLink(link));
  SANAD_RETURN_IF_ERROR(m.Touch(&l->inc));
  return m.Record(c, l->inc, "incident.link", "incident", l->inc.uuid,
                  "linked " + link.kind + " " + link.uuid);
}

StatusOr<std::string> Coordinator::Promote(const policy::Actor& c, std::string_view uuid,
                                           const std::vector<int64_t>& indicator_ids,
                                           model::Distribution distribution,
                                           std::string_view sharing_group, std::string_view info,
                                           std::string_view tlp) {
  Impl& m = *impl_;
  auto l = m.Managed(c, uuid, "promote indicators into shared intelligence");
  if (!l.ok()) return l.status();
  std::vector<model::Indicator> all, chosen;
  SANAD_RETURN_IF_ERROR(m.is->ListIndicators(l->inc.id, &all));
  if (indicator_ids.empty()) {
    chosen = all;
  } else {
    for (int64_t id : indicator_ids) {
      auto it = std::find_if(all.begin(), all.end(),
                             [&](const model::Indicator& i) { return i.id == id; });
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
    Status unusable =
        Status::Invalid("sharing_group: no sharing group '" + std::string(sharing_group) +
                        "' that " + c.org.name + " belongs to");
    auto g = m.s->community().FindSharingGroup(sharing_group);
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
  ev.threat_level_id = l->inc.severity == model::Severity::kLow      ? 3
                       : l->inc.severity == model::Severity::kMedium ? 2
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
  auto out = m.s->events().UpsertEvent(&ev);
  if (!out.ok()) return out.status();
  SANAD_RETURN_IF_ERROR(audit::Record(m.s, c, "event.create", "event", ev.uuid, c.org.uuid,
                                      "promoted from incident " + l->inc.uuid));
  model::IntelLink link{l->inc.id, "event", ev.uuid, c.org.id, now};
  SANAD_RETURN_IF_ERROR(m.is->AddLink(link));
  SANAD_RETURN_IF_ERROR(m.Touch(&l->inc));
  SANAD_RETURN_IF_ERROR(m.Record(c, l->inc, "incident.promote", "incident", l->inc.uuid,
                                 std::to_string(chosen.size()) +
                                     " indicator(s) promoted into event " + ev.uuid +
                                     " (distribution " + model::Name(distribution) + ")"));
  return ev.uuid;
}

Status Coordinator::SeenElsewhere(const policy::Actor& c, std::string_view uuid,
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
  std::vector<model::IntelLink> links;
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
      auto ev = m.s->events().GetEvent(*v, k.uuid);
      if (!ev.ok()) continue;  // hidden from this caller
      for (const auto& a : ev->attributes) SANAD_RETURN_IF_ERROR(describe(ev->uuid, a));
      for (const auto& o : ev->objects)
        for (const auto& a : o.attributes) SANAD_RETURN_IF_ERROR(describe(ev->uuid, a));
    } else {
      auto id = m.s->intel().FindAttributeId(k.uuid);
      if (!id.ok()) continue;
      auto ctx = m.s->intel().GetAttributeContext(*v, *id);
      if (!ctx.ok()) continue;
      ctx->attribute.id = *id;
      SANAD_RETURN_IF_ERROR(describe(ctx->event_uuid, ctx->attribute));
    }
  }
  if (Sensitive(l->inc.tlp))
    SANAD_RETURN_IF_ERROR(m.Audit(c, "read.incident", "incident", l->inc.uuid, l->inc, "seen"));
  return Status::Ok();
}

}  // namespace sanad::incident
