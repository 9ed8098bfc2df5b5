// Requests for assistance and offers of help (incident/incident.h).
#include "incident/internal.h"

#include <algorithm>
#include <map>

namespace sanad::incident {

// ---- requests for assistance ----

StatusOr<model::Rfa> Coordinator::CreateRfa(const policy::Actor& c, const NewRfa& nr) {
  Impl& m = *impl_;
  auto l = m.Managed(c, nr.incident_uuid, "ask for assistance");
  if (!l.ok()) return l.status();
  SANAD_RETURN_IF_ERROR(m.NeedOpen(*l));
  model::Rfa r;
  if (!model::Parse(nr.kind, &r.kind))
    return Status::Invalid(
        "kind: expected sample-analysis, takedown, sinkholing, blocking, "
        "forensics, information or other, got '" +
        nr.kind + "'");
  SANAD_RETURN_IF_ERROR(CheckText("description", nr.description, kMaxTextBytes, true));
  r.description = std::string(util::Trim(nr.description));
  if (!model::Parse(nr.audience, &r.audience))
    return Status::Invalid("audience: expected all-members, sharing-group or orgs, got '" +
                           nr.audience + "'");
  auto v = m.ViewerOf(c);
  if (!v.ok()) return v.status();
  if (r.audience == model::RfaAudience::kSharingGroup) {
    if (nr.sharing_group.empty())
      return Status::Invalid("sharing_group: required for audience sharing-group");
    // A group the caller does not belong to reads like a missing one.
    auto g = m.s->community().FindSharingGroup(nr.sharing_group);
    if (!g.ok() || !v->InGroup(g->id))
      return Status::Invalid("sharing_group: no sharing group '" + nr.sharing_group + "' that " +
                             c.org.name + " belongs to");
    r.sharing_group_id = g->id;
  } else if (!nr.sharing_group.empty()) {
    return Status::Invalid("sharing_group: only for audience sharing-group");
  }
  if (r.audience == model::RfaAudience::kOrgs) {
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
  r.status = model::RfaStatus::kOpen;
  r.created = m.Now();
  SANAD_RETURN_IF_ERROR(m.rfas->AddRfa(&r));
  SANAD_RETURN_IF_ERROR(m.Touch(&l->inc));
  SANAD_RETURN_IF_ERROR(m.Record(c, l->inc, "rfa.create", "rfa", r.uuid,
                                 std::string("request ") + Short(r.uuid) + ": " +
                                     model::Name(r.kind) + " asked of " + model::Name(r.audience)));
  auto stored = m.rfas->GetRfa(r.id);
  if (!stored.ok()) return stored.status();
  return std::move(*stored);
}

Status Coordinator::ListRfas(const policy::Actor& c, bool open_only, std::vector<RfaView>* out) {
  Impl& m = *impl_;
  out->clear();
  auto v = m.ViewerOf(c);
  if (!v.ok()) return v.status();
  std::vector<model::Rfa> all;
  SANAD_RETURN_IF_ERROR(m.rfas->ListRfas(0, &all));
  std::map<int64_t, Impl::Loaded> cache;
  for (const auto& r : all) {
    if (open_only && r.status != model::RfaStatus::kOpen) continue;
    auto it = cache.find(r.incident_id);
    if (it == cache.end()) {
      auto l = m.LoadById(r.incident_id);
      if (!l.ok()) return l.status();
      it = cache.emplace(r.incident_id, std::move(*l)).first;
    }
    if (!policy::MaySeeRfa(*v, m.RfaAccessOf(r, it->second.access))) continue;
    std::vector<model::Offer> offers;
    SANAD_RETURN_IF_ERROR(m.rfas->ListOffers(r.id, &offers));
    if (Sensitive(it->second.inc.tlp))
      SANAD_RETURN_IF_ERROR(m.Audit(c, "read.rfa", "rfa", r.uuid, it->second.inc, "list"));
    out->push_back(m.MakeRfaView(*v, r, it->second, offers));
  }
  return Status::Ok();
}

StatusOr<RfaView> Coordinator::GetRfa(const policy::Actor& c, std::string_view rfa_uuid) {
  Impl& m = *impl_;
  auto lr = m.VisibleRfa(c, rfa_uuid);
  if (!lr.ok()) return lr.status();
  std::vector<model::Offer> offers;
  SANAD_RETURN_IF_ERROR(m.rfas->ListOffers(lr->rfa.id, &offers));
  if (Sensitive(lr->l.inc.tlp))
    SANAD_RETURN_IF_ERROR(m.Audit(c, "read.rfa", "rfa", lr->rfa.uuid, lr->l.inc));
  return m.MakeRfaView(lr->viewer, lr->rfa, lr->l, offers);
}

StatusOr<model::Rfa> Coordinator::WithdrawRfa(const policy::Actor& c, std::string_view rfa_uuid,
                                              std::string_view note) {
  Impl& m = *impl_;
  auto lr = m.VisibleRfa(c, rfa_uuid);
  if (!lr.ok()) return lr.status();
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  if (c.org.id != lr->rfa.requester_org_id && !Impl::Manages(c, lr->l))
    return Status::Permission("only the requester (" + lr->rfa.requester_org.name +
                              ") or the coordinator may withdraw the request");
  if (lr->rfa.status != model::RfaStatus::kOpen)
    return Status::Conflict("request " + lr->rfa.uuid + " is " + model::Name(lr->rfa.status));
  model::Timestamp now = m.Now();
  model::Rfa r = lr->rfa;
  r.status = model::RfaStatus::kWithdrawn;
  r.ended = now;
  SANAD_RETURN_IF_ERROR(m.rfas->UpdateRfa(r));
  std::vector<model::Offer> offers;
  SANAD_RETURN_IF_ERROR(m.rfas->ListOffers(r.id, &offers));
  for (auto& o : offers) {
    if (o.status != model::OfferStatus::kPending) continue;
    o.status = model::OfferStatus::kDeclined;
    o.note = "request withdrawn";
    o.decided = now;
    SANAD_RETURN_IF_ERROR(m.rfas->UpdateOffer(o));
  }
  SANAD_RETURN_IF_ERROR(m.Record(c, lr->l.inc, "rfa.withdraw", "rfa", r.uuid,
                                 "request " + Short(r.uuid) + " withdrawn" +
                                     (note.empty() ? std::string() : ": " + std::string(note))));
  return r;
}

StatusOr<model::Offer> Coordinator::Offer(const policy::Actor& c, std::string_view rfa_uuid,
                                          std::string_view description, model::Timestamp by_when) {
  Impl& m = *impl_;
  auto lr = m.VisibleRfa(c, rfa_uuid);
  if (!lr.ok()) return lr.status();
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  if (c.org.id == lr->rfa.requester_org_id || !policy::InRfaAudience(lr->viewer, lr->access))
    return Status::Permission(c.org.name + " is not in the audience of request " + lr->rfa.uuid);
  if (lr->rfa.status != model::RfaStatus::kOpen)
    return Status::Conflict("request " + lr->rfa.uuid + " is " + model::Name(lr->rfa.status));
  SANAD_RETURN_IF_ERROR(CheckText("description", description, kMaxTextBytes, true));
  if (by_when < 0) return Status::Invalid("by_when: negative");
  std::vector<model::Offer> offers;
  SANAD_RETURN_IF_ERROR(m.rfas->ListOffers(lr->rfa.id, &offers));
  for (const auto& o : offers)
    if (o.org_id == c.org.id &&
        (o.status == model::OfferStatus::kPending || o.status == model::OfferStatus::kAccepted))
      return Status::Conflict(c.org.name + " has a " + model::Name(o.status) + " offer " + o.uuid +
                              " on this request");
  model::Offer o;
  o.rfa_id = lr->rfa.id;
  o.org_id = c.org.id;
  o.description = std::string(util::Trim(description));
  o.by_when = by_when;
  o.status = model::OfferStatus::kPending;
  o.created = m.Now();
  SANAD_RETURN_IF_ERROR(m.rfas->AddOffer(&o));
  o.org = {c.org.id, c.org.uuid, c.org.name};
  // The timeline (seen by every party of the incident) does not name the
  // helper until its offer is accepted.
  SANAD_RETURN_IF_ERROR(
      m.Audit(c, "rfa.offer", "offer", o.uuid, lr->l.inc, "on request " + lr->rfa.uuid));
  SANAD_RETURN_IF_ERROR(m.Timeline(c, lr->l.inc.id, "rfa.offer",
                                   "an offer of help arrived on request " + Short(lr->rfa.uuid)));
  return o;
}

StatusOr<model::Offer> Coordinator::DecideOffer(const policy::Actor& c, std::string_view offer_uuid,
                                                bool accept, std::string_view note) {
  Impl& m = *impl_;
  Status hidden =
      Status::NotFound("no offer " + std::string(offer_uuid) + " that " + c.org.name + " may see");
  auto o = m.rfas->FindOffer(offer_uuid);
  if (!o.ok()) return o.status().code() == Status::Code::kNotFound ? hidden : o.status();
  auto r = m.rfas->GetRfa(o->rfa_id);
  if (!r.ok()) return r.status();
  auto lr = m.VisibleRfa(c, r->uuid);
  if (!lr.ok()) return lr.status().code() == Status::Code::kNotFound ? hidden : lr.status();
  if (!policy::MaySeeOffer(lr->viewer, o->org_id, lr->access)) return hidden;
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  if (c.org.id != lr->rfa.requester_org_id && !Impl::Manages(c, lr->l))
    return Status::Permission("only the requester (" + lr->rfa.requester_org.name +
                              ") or the coordinator decides on offers");
  if (o->status != model::OfferStatus::kPending)
    return Status::Conflict("offer " + o->uuid + " is " + model::Name(o->status));
  if (lr->rfa.status != model::RfaStatus::kOpen)
    return Status::Conflict("request " + lr->rfa.uuid + " is " + model::Name(lr->rfa.status));
  SANAD_RETURN_IF_ERROR(CheckText("note", note, kMaxTextBytes, false));
  model::Timestamp now = m.Now();
  o->status = accept ? model::OfferStatus::kAccepted : model::OfferStatus::kDeclined;
  o->note = std::string(note);
  o->decided = now;
  SANAD_RETURN_IF_ERROR(m.rfas->UpdateOffer(*o));
  SANAD_RETURN_IF_ERROR(
      m.Audit(c, accept ? "rfa.accept" : "rfa.decline", "offer", o->uuid, lr->l.inc, o->org.name));
  if (accept) {
    model::Participant p{lr->l.inc.id, o->org_id, lr->rfa.id, now, {}};
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

StatusOr<model::Offer> Coordinator::WithdrawOffer(const policy::Actor& c,
                                                  std::string_view offer_uuid) {
  Impl& m = *impl_;
  Status hidden =
      Status::NotFound("no offer " + std::string(offer_uuid) + " that " + c.org.name + " may see");
  auto o = m.rfas->FindOffer(offer_uuid);
  if (!o.ok()) return o.status().code() == Status::Code::kNotFound ? hidden : o.status();
  if (o->org_id != c.org.id) {
    auto r = m.rfas->GetRfa(o->rfa_id);
    if (!r.ok()) return r.status();
    auto lr = m.VisibleRfa(c, r->uuid);
    if (!lr.ok() || !policy::MaySeeOffer(lr->viewer, o->org_id, lr->access)) return hidden;
    return Status::Permission("only " + o->org.name + " withdraws its offer");
  }
  SANAD_RETURN_IF_ERROR(m.NeedWrite(c));
  if (o->status != model::OfferStatus::kPending)
    return Status::Conflict("offer " + o->uuid + " is " + model::Name(o->status));
  auto r = m.rfas->GetRfa(o->rfa_id);
  if (!r.ok()) return r.status();
  auto l = m.LoadById(r->incident_id);
  if (!l.ok()) return l.status();
  o->status = model::OfferStatus::kWithdrawn;
  o->decided = m.Now();
  SANAD_RETURN_IF_ERROR(m.rfas->UpdateOffer(*o));
  SANAD_RETURN_IF_ERROR(m.Audit(c, "rfa.offer-withdraw", "offer", o->uuid, l->inc));
  SANAD_RETURN_IF_ERROR(m.Timeline(c, l->inc.id, "rfa.offer-withdraw",
                                   "an offer on request " + Short(r->uuid) + " was withdrawn"));
  return std::move(*o);
}

}  // namespace sanad::incident
