// Audiences and markings: the TLP audience check and the community default
// distribution.
#include "membership/membership.h"

#include "util/util.h"

namespace sanad::membership {

namespace {

// How far a distribution level reaches: organisation < sharing group <
// community < connected < all.
int Reach(model::Distribution d) {
  switch (d) {
    case model::Distribution::kOrganisation:
      return 0;
    case model::Distribution::kSharingGroup:
      return 1;
    case model::Distribution::kCommunity:
      return 2;
    case model::Distribution::kConnected:
      return 3;
    case model::Distribution::kAll:
      return 4;
    case model::Distribution::kInherit:
      return 5;
  }
  return 5;
}

struct Level {
  model::Distribution d = model::Distribution::kOrganisation;
  model::SharingGroupRef sg;
};

// The narrower of `outer` and an item's own level (inherit keeps outer).
Level Narrow(const Level& outer, model::Distribution d, const model::SharingGroupRef& sg) {
  if (d == model::Distribution::kInherit || Reach(d) >= Reach(outer.d)) return outer;
  return Level{d, sg};
}

std::string GroupKey(const model::SharingGroupRef& sg) {
  if (!sg.uuid.empty()) return util::ToLower(sg.uuid);
  return "#" + std::to_string(sg.id);
}

void Check(const std::string& item, model::Tlp tlp, const Level& lv,
           const std::map<std::string, GroupInfo>& groups, int64_t community,
           std::vector<AudienceWarning>* out) {
  if (tlp != model::Tlp::kRed && tlp != model::Tlp::kAmberStrict) return;
  std::string label = model::TlpLabel(tlp);
  std::string msg;
  switch (lv.d) {
    case model::Distribution::kOrganisation:
    case model::Distribution::kInherit:
      return;
    case model::Distribution::kSharingGroup: {
      if (tlp != model::Tlp::kRed) return;
      auto it = groups.find(GroupKey(lv.sg));
      if (it == groups.end() || !it->second.audience) return;
      msg = label + " is for named recipients only, but sharing group '" + it->second.name +
            "' is an audience that follows membership (" + std::to_string(it->second.members) +
            " organisations now, more as members join)";
      break;
    }
    case model::Distribution::kCommunity:
      if (tlp != model::Tlp::kRed) return;
      msg = label +
            " is for named recipients only, but distribution 'community' reaches every "
            "member (" +
            std::to_string(community) + " organisations)";
      break;
    case model::Distribution::kConnected:
    case model::Distribution::kAll:
      msg = label +
            (tlp == model::Tlp::kRed ? " is for named recipients only"
                                     : " must stay within the recipients' organisations") +
            ", but distribution '" + model::Name(lv.d) + "' lets it leave the community";
      break;
  }
  out->push_back({item, tlp, msg});
}

}  // namespace

std::vector<AudienceWarning> CheckAudience(const model::Event& ev,
                                           const std::map<std::string, GroupInfo>& groups,
                                           int64_t community_members) {
  std::vector<AudienceWarning> out;
  model::Tlp ev_tlp = model::StrictestTlp(ev.tags);
  Level ev_level{ev.distribution, ev.sharing_group};
  if (ev.distribution == model::Distribution::kInherit)
    ev_level.d = model::Distribution::kCommunity;
  Check("event", ev_tlp, ev_level, groups, community_members, &out);
  // An item needs its own warning only when it is marked more strictly than
  // the event (its reach is never wider than the event's).
  auto item = [&](const std::string& name, const std::vector<model::Tag>& tags, const Level& lv) {
    model::Tlp t = model::StrictestTlp(tags);
    if (t <= ev_tlp) return;
    Check(name, t, lv, groups, community_members, &out);
  };
  for (const auto& a : ev.attributes)
    item("attribute " + a.uuid, a.tags, Narrow(ev_level, a.distribution, a.sharing_group));
  for (const auto& o : ev.objects) {
    Level ol = Narrow(ev_level, o.distribution, o.sharing_group);
    for (const auto& a : o.attributes)
      item("attribute " + a.uuid + " (object " + o.uuid + ")", a.tags,
           Narrow(ol, a.distribution, a.sharing_group));
  }
  return out;
}

StatusOr<std::vector<AudienceWarning>> CheckEventAudience(store::Store* s, const model::Event& ev) {
  std::vector<model::SharingGroupRef> refs;
  auto add = [&](model::Distribution d, const model::SharingGroupRef& sg) {
    if (d == model::Distribution::kSharingGroup) refs.push_back(sg);
  };
  add(ev.distribution, ev.sharing_group);
  for (const auto& a : ev.attributes) add(a.distribution, a.sharing_group);
  for (const auto& o : ev.objects) {
    add(o.distribution, o.sharing_group);
    for (const auto& a : o.attributes) add(a.distribution, a.sharing_group);
  }
  std::vector<std::pair<std::string, int64_t>> auds;
  SANAD_RETURN_IF_ERROR(s->membership_rules().ListAudienceGroups(&auds));
  std::map<std::string, GroupInfo> groups;
  for (const auto& ref : refs) {
    if (groups.count(GroupKey(ref))) continue;
    StatusOr<model::SharingGroup> g =
        ref.id ? s->community().GetSharingGroup(ref.id)
               : s->community().FindSharingGroup(ref.uuid.empty() ? ref.name : ref.uuid);
    if (!g.ok()) {
      if (g.status().code() == Status::Code::kNotFound) continue;  // named recipients, unknown here
      return g.status();
    }
    GroupInfo info;
    info.name = g->name;
    info.members = static_cast<int64_t>(g->members.size());
    for (const auto& a : auds) info.audience = info.audience || a.second == g->id;
    groups[GroupKey(ref)] = info;
  }
  std::vector<model::Org> orgs;
  SANAD_RETURN_IF_ERROR(s->community().ListOrgs(&orgs));
  int64_t members = 0;
  for (const auto& o : orgs) members += o.status == model::OrgStatus::kMember;
  return CheckAudience(ev, groups, members);
}

Status DefaultDistribution(store::Store* s, model::Distribution* d, model::SharingGroupRef* sg) {
  Service svc(s);
  auto rules = svc.CurrentRules();
  if (!rules.ok()) return rules.status();
  const std::string& dd = rules->default_distribution;
  if (dd.rfind("audience:", 0) == 0) {
    auto id = svc.AudienceGroup(dd.substr(9));
    if (!id.ok())
      return Status::NotFound("default distribution " + dd +
                              ": the audience group does not exist yet (sanad membership "
                              "audiences sync)");
    auto g = s->community().GetSharingGroup(*id);
    if (!g.ok()) return g.status();
    *d = model::Distribution::kSharingGroup;
    *sg = {g->id, g->uuid, g->name};
    return Status::Ok();
  }
  if (!model::Parse(dd, d)) return Status::Corrupt("default distribution '" + dd + "'");
  *sg = {};
  return Status::Ok();
}

}  // namespace sanad::membership
