// Audiences (sharing groups kept in step with the membership) and the
// public register (membership/membership.h).
#include "membership/internal.h"


#include <set>

#include "util/util.h"

namespace sanad::membership {


StatusOr<SyncReport> Service::SyncAudiences(const policy::Actor& who) {
  SyncReport rep;
  auto rules = CurrentRules();
  if (!rules.ok()) return rules.status();
  std::vector<model::Org> orgs;
  SANAD_RETURN_IF_ERROR(s_->community().ListOrgs(&orgs));
  const model::Org* chair = nullptr;
  std::set<std::string> countries;
  for (const auto& o : orgs) {
    if (o.is_chair) chair = &o;
    if (Good(o) && !o.country.empty()) countries.insert(o.country);
  }
  std::vector<Audience> auds = rules->audiences;
  if (rules->country_audiences) {
    // Countries with members now, and countries whose group exists already
    // (it is emptied when their last member leaves).
    std::vector<std::pair<std::string, int64_t>> existing;
    SANAD_RETURN_IF_ERROR(rs_->ListAudienceGroups(&existing));
    for (const auto& e : existing)
      if (e.first.rfind("country-", 0) == 0) countries.insert(e.first.substr(8));
    for (const auto& c : countries)
      auds.push_back({"country-" + c, "Audience: members in " + c, {}, {}});
  }
  int64_t now = Now();
  std::string summary;
  for (const auto& au : auds) {
    bool country = au.key.rfind("country-", 0) == 0;
    std::set<int64_t> want;
    for (const auto& o : orgs) {
      if (!Good(o)) continue;
      if (country ? o.country != au.key.substr(8)
                  : ((!au.kinds.empty() && !Contains(au.kinds, o.kind)) ||
                     (!au.categories.empty() && !Contains(au.categories, o.category))))
        continue;
      want.insert(o.id);
    }
    auto gid = rs_->GetAudienceGroup(au.key);
    if (!gid.ok() && gid.status().code() != Status::Code::kNotFound) return gid.status();
    int64_t sg_id = gid.ok() ? *gid : 0;
    if (!sg_id) {
      if (want.empty() || !chair) continue;
      model::SharingGroup g;
      g.name = au.name;
      g.owner = {chair->id, chair->uuid, chair->name};
      g.releasability = "Maintained by Sanad from membership (audience " + au.key +
                        "): joins and leaves follow admissions, suspensions and revocations";
      g.description = "membership audience " + au.key;
      g.created = now;
      SANAD_RETURN_IF_ERROR(s_->community().AddSharingGroup(&g));
      SANAD_RETURN_IF_ERROR(rs_->SetAudienceGroup(au.key, g.id));
      sg_id = g.id;
      ++rep.groups_created;
      summary += " +group " + au.key;
    }
    auto g = s_->community().GetSharingGroup(sg_id);
    if (!g.ok()) return g.status();
    if (chair && g->owner.id != chair->id)
      SANAD_RETURN_IF_ERROR(rs_->SetSharingGroupOwner(sg_id, chair->id));
    std::set<int64_t> have;
    for (const auto& m : g->members) have.insert(m.id);
    for (int64_t id : want) {
      if (have.count(id)) continue;
      SANAD_RETURN_IF_ERROR(s_->community().AddSharingGroupOrg(sg_id, id));
      SANAD_RETURN_IF_ERROR(
          rs_->AddGroupChange({0, sg_id, id, "join", now, "audience " + au.key, "", ""}));
      ++rep.joined;
    }
    for (int64_t id : have) {
      if (want.count(id)) continue;
      SANAD_RETURN_IF_ERROR(rs_->RemoveSharingGroupOrg(sg_id, id));
      SANAD_RETURN_IF_ERROR(
          rs_->AddGroupChange({0, sg_id, id, "leave", now, "audience " + au.key, "", ""}));
      ++rep.left;
    }
  }
  if (rep.groups_created || rep.joined || rep.left)
    SANAD_RETURN_IF_ERROR(audit::Record(
        s_, who, "membership.audiences.sync", "sharing-group", "", "",
        std::to_string(rep.groups_created) + " groups created, " + std::to_string(rep.joined) +
            " joins, " + std::to_string(rep.left) + " leaves"));
  return rep;
}

StatusOr<int64_t> Service::AudienceGroup(std::string_view key) {
  return rs_->GetAudienceGroup(key);
}

StatusOr<Register> Service::GetRegister(const policy::Actor& a) {
  SANAD_IMPL;
  auto actor = impl.Fresh(a);
  if (!actor.ok()) return actor.status();
  if (*actor && !Good(**actor))
    return Status::Permission("the register is read by members in good standing; " +
                              (*actor)->name + " is " + model::Name((*actor)->status));
  Register r;
  auto rules = CurrentRules();
  if (!rules.ok()) return rules.status();
  r.rules_version = rules->version;
  std::vector<model::Org> orgs;
  SANAD_RETURN_IF_ERROR(s_->community().ListOrgs(&orgs));
  std::vector<model::MembershipPeriod> periods;
  SANAD_RETURN_IF_ERROR(ms_->ListPeriods(&periods));
  std::vector<model::MembershipApplication> apps;
  SANAD_RETURN_IF_ERROR(ms_->ListApplications(&apps));
  std::vector<model::BoardTerm> terms;
  SANAD_RETURN_IF_ERROR(vs_->ListBoardTerms(&terms));
  int64_t now = Now();
  for (const auto& t : terms)
    if (t.starts <= now && now < t.ends) r.board = t;
  for (const auto& o : orgs) {
    if (o.status != model::OrgStatus::kMember && o.status != model::OrgStatus::kSuspended) continue;
    MemberEntry e;
    e.org = o;
    e.since = o.created;
    e.founding = true;
    for (const auto& p : periods)
      if (p.org_id == o.id) {
        e.since = p.since;
        e.founding = false;
      }
    for (const auto& app : apps)
      if (app.org_id == o.id && app.status == "accepted") {
        std::vector<model::MembershipSponsor> sp;
        SANAD_RETURN_IF_ERROR(ms_->ListSponsors(app.id, &sp));
        e.sponsors.clear();
        for (const auto& x : sp) e.sponsors.push_back(x.org_name);
      }
    if (r.board)
      for (const auto& seat : r.board->seats) e.board = e.board || seat.id == o.id;
    r.members.push_back(std::move(e));
  }
  std::sort(r.members.begin(), r.members.end(), [](const MemberEntry& x, const MemberEntry& y) {
    return util::ToLower(x.org.name) < util::ToLower(y.org.name);
  });
  SANAD_RETURN_IF_ERROR(ms_->ListDecisions(&r.decisions));
  std::vector<model::MembershipVote> votes;
  SANAD_RETURN_IF_ERROR(vs_->ListVotes(false, &votes));
  for (const auto& v : votes) {
    if (v.kind == "admission" && v.status == "open") continue;
    auto vv = impl.VoteViewOf(v);
    if (!vv.ok()) return vv.status();
    r.votes.push_back(std::move(*vv));
  }
  SANAD_RETURN_IF_ERROR(rs_->ListGroupChanges(0, &r.group_changes));
  return r;
}

}  // namespace sanad::membership
