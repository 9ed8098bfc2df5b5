#include "policy/policy.h"

#include <algorithm>

namespace sanad::policy {

using model::Distribution;

bool Viewer::InGroup(int64_t sg_id) const {
  return sg_id != 0 && std::binary_search(sharing_groups.begin(), sharing_groups.end(), sg_id);
}

bool PassesDistribution(const Viewer& v, int64_t event_owner_org_id, Distribution d,
                        int64_t sharing_group_id) {
  if (v.org_id != 0 && v.org_id == event_owner_org_id) return true;
  switch (d) {
    case Distribution::kOrganisation:
      return false;
    case Distribution::kCommunity:
    case Distribution::kConnected:
    case Distribution::kAll:
      return true;
    case Distribution::kSharingGroup:
      return v.InGroup(sharing_group_id);
    case Distribution::kInherit:
      return true;  // the parent's check decides; callers check the parent too
  }
  return false;
}

bool MaySeeEvent(const Viewer& v, const model::Event& ev) {
  // An event cannot inherit; treat a stray 5 as the most restrictive level.
  Distribution d = ev.distribution == Distribution::kInherit ? Distribution::kOrganisation
                                                              : ev.distribution;
  return PassesDistribution(v, ev.org.id, d, ev.sharing_group.id);
}

bool MaySee(const Viewer& v, const AccessPath& p) {
  if (p.deleted) return false;
  Distribution ed = p.event_distribution == Distribution::kInherit ? Distribution::kOrganisation
                                                                   : p.event_distribution;
  if (!PassesDistribution(v, p.event_owner_org_id, ed, p.event_sharing_group_id)) return false;
  if (p.in_object && !PassesDistribution(v, p.event_owner_org_id, p.object_distribution,
                                         p.object_sharing_group_id))
    return false;
  return PassesDistribution(v, p.event_owner_org_id, p.attribute_distribution,
                            p.attribute_sharing_group_id);
}

SightingView ViewSighting(const Viewer& v, const AccessPath& attribute,
                          int64_t event_creator_org_id, int64_t sighting_org_id) {
  if (!MaySee(v, attribute)) return SightingView::kNone;
  if (v.org_id != 0 && (v.org_id == attribute.event_owner_org_id ||
                        v.org_id == event_creator_org_id || v.org_id == sighting_org_id)) {
    return SightingView::kDetails;
  }
  return SightingView::kCounts;
}

AccessPath AttributePath(const model::Event& ev, const model::Object* parent,
                         const model::Attribute& a) {
  AccessPath p;
  p.event_owner_org_id = ev.org.id;
  p.event_distribution = ev.distribution;
  p.event_sharing_group_id = ev.sharing_group.id;
  p.in_object = parent != nullptr;
  if (parent) {
    p.object_distribution = parent->distribution;
    p.object_sharing_group_id = parent->sharing_group.id;
  }
  p.attribute_distribution = a.distribution;
  p.attribute_sharing_group_id = a.sharing_group.id;
  p.deleted = ev.deleted || (parent && parent->deleted) || a.deleted;
  return p;
}

bool MaySeeSightingDetails(const Viewer& v, const model::Event& ev, const model::Object* parent,
                           const model::Attribute& a, const model::Sighting& s) {
  return ViewSighting(v, AttributePath(ev, parent, a), ev.orgc.id, s.org.id) ==
         SightingView::kDetails;
}

bool MaySeeLocalTags(const Viewer& v, int64_t event_org_id) {
  return v.org_id != 0 && v.org_id == event_org_id;
}

bool ShowTag(const model::Tag& t, bool local_tags_visible) {
  return local_tags_visible || !t.local;
}

void RedactLocalTags(const Viewer& v, model::Event* ev) {
  if (!MaySeeLocalTags(v, ev->org.id)) model::DropLocalTags(ev);
}

bool HoldsEvent(int64_t org_id, int64_t holder_org_id) {
  return org_id != 0 && org_id == holder_org_id;
}

Status CheckHolder(int64_t org_id, int64_t holder_org_id, std::string_view holder_name,
                   std::string_view event_uuid, std::string_view verb, std::string_view item) {
  if (HoldsEvent(org_id, holder_org_id)) return Status::Ok();
  std::string subject = item.empty() ? "event " + std::string(event_uuid) + " is"
                                     : std::string(item) + " comes from event " +
                                           std::string(event_uuid);
  return Status::Permission(subject + " held by " + std::string(holder_name) +
                            "; only its holder " + std::string(verb) + " it");
}

std::string NotHolderNote(std::string_view what) {
  return std::string(what) + ": held by another organisation; only its owner updates it";
}

bool MaySeeObject(const Viewer& v, const model::Event& ev, const model::Object& o) {
  return MaySeeEvent(v, ev) && PassesDistribution(v, ev.org.id, o.distribution, o.sharing_group.id);
}

bool MaySeeAttribute(const Viewer& v, const model::Event& ev, const model::Object* parent,
                     const model::Attribute& a) {
  if (parent && !MaySeeObject(v, ev, *parent)) return false;
  if (!parent && !MaySeeEvent(v, ev)) return false;
  return PassesDistribution(v, ev.org.id, a.distribution, a.sharing_group.id);
}

Distribution EffectiveDistribution(const model::Event& ev, const model::Object* obj,
                                   Distribution item) {
  if (item != Distribution::kInherit) return item;
  if (obj && obj->distribution != Distribution::kInherit) return obj->distribution;
  return ev.distribution == Distribution::kInherit ? Distribution::kOrganisation : ev.distribution;
}

namespace {
template <class T, class Pred>
void EraseIf(std::vector<T>* v, Pred p) {
  v->erase(std::remove_if(v->begin(), v->end(), p), v->end());
}
}  // namespace

bool Redact(const Viewer& v, model::Event* ev, const RedactOptions& opts) {
  if (!MaySeeEvent(v, *ev)) return false;
  if (ev->deleted && !opts.include_deleted) return false;
  EraseIf(&ev->attributes, [&](const model::Attribute& a) {
    return (a.deleted && !opts.include_deleted) || !MaySeeAttribute(v, *ev, nullptr, a);
  });
  EraseIf(&ev->objects, [&](const model::Object& o) {
    return (o.deleted && !opts.include_deleted) || !MaySeeObject(v, *ev, o);
  });
  for (auto& o : ev->objects) {
    EraseIf(&o.attributes, [&](const model::Attribute& a) {
      return (a.deleted && !opts.include_deleted) || !MaySeeAttribute(v, *ev, &o, a);
    });
  }
  // Object references may only point at items that are still visible; a
  // reference to a hidden item would reveal that the item exists.
  std::vector<std::string_view> visible;
  visible.reserve(ev->attributes.size() + ev->objects.size() * 4);
  for (const auto& a : ev->attributes) visible.push_back(a.uuid);
  for (const auto& o : ev->objects) {
    visible.push_back(o.uuid);
    for (const auto& a : o.attributes) visible.push_back(a.uuid);
  }
  std::sort(visible.begin(), visible.end());
  if (v.org_id == ev->org.id && opts.include_deleted) return true;
  for (auto& o : ev->objects) {
    EraseIf(&o.references, [&](const model::ObjectReference& r) {
      if (r.deleted && !opts.include_deleted) return true;
      // Conservative: a reference whose target is not visible inside this
      // event (hidden, or outside the event) is dropped.
      return !std::binary_search(visible.begin(), visible.end(),
                                 std::string_view(r.referenced_uuid));
    });
  }
  return true;
}

namespace {
bool Contains(const std::vector<int64_t>& ids, int64_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}
}  // namespace

bool MaySeeIncident(const Viewer& v, const IncidentAccess& a) {
  if (v.org_id == 0) return false;
  return v.org_id == a.affected_org_id || v.org_id == a.coordinator_org_id ||
         Contains(a.reporting_org_ids, v.org_id) || Contains(a.participant_org_ids, v.org_id);
}

bool MayManageIncident(const Viewer& v, const IncidentAccess& a) {
  return v.org_id != 0 && (v.org_id == a.affected_org_id || v.org_id == a.coordinator_org_id);
}

bool InRfaAudience(const Viewer& v, const RfaAccess& a) {
  if (v.org_id == 0) return false;
  switch (a.audience) {
    case model::RfaAudience::kAllMembers:
      return true;
    case model::RfaAudience::kSharingGroup:
      return v.InGroup(a.sharing_group_id);
    case model::RfaAudience::kOrgs:
      return Contains(a.audience_org_ids, v.org_id);
  }
  return false;
}

bool MaySeeRfa(const Viewer& v, const RfaAccess& a) {
  if (v.org_id == 0) return false;
  return v.org_id == a.requester_org_id || InRfaAudience(v, a) || MaySeeIncident(v, a.incident);
}

bool MaySeeOffer(const Viewer& v, int64_t offer_org_id, const RfaAccess& a) {
  if (v.org_id == 0) return false;
  return v.org_id == offer_org_id || v.org_id == a.requester_org_id ||
         MayManageIncident(v, a.incident);
}

bool MayNameCreator(CreatorRule rule, int64_t writer_org_id, int64_t creator_org_id,
                    bool creator_is_external) {
  if (creator_org_id == writer_org_id) return true;
  switch (rule) {
    case CreatorRule::kOwnOnly: return false;
    case CreatorRule::kOwnOrExternal: return creator_is_external;
    case CreatorRule::kAny: return true;
  }
  return false;
}

Status CheckCreator(CreatorRule rule, int64_t writer_org_id, const model::Org& creator,
                    std::string_view what) {
  const bool external = creator.status == model::OrgStatus::kExternal;
  if (MayNameCreator(rule, writer_org_id, creator.id, external)) return Status::Ok();
  return Status::Permission(
      std::string(what) + ": its creator is " + creator.name +
      (external ? ", an external source; only an administrator imports on behalf of one"
                : ", another community member; a member creates events only in its own name"));
}

}  // namespace sanad::policy
