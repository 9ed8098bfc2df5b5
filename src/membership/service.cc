// The membership process: the service's shared helpers, community rules
// and the clock's tick. Applications: applications.cc; votes, motions, the
// chair and the board: votes.cc; audiences and the register: register.cc.
#include <boost/json.hpp>

#include <set>

#include "membership/internal.h"
#include "util/util.h"

namespace sanad::membership {

namespace json = boost::json;

policy::Actor ClockActor() {
  policy::Actor a;
  a.name = "sanad:clock";
  return a;
}

const char* Name(Motion m) {
  switch (m) {
    case Motion::kSuspension:
      return "suspension";
    case Motion::kRevocation:
      return "revocation";
    case Motion::kReinstatement:
      return "reinstatement";
  }
  return "";
}

Status Service::Impl::Audit(const policy::Actor& who, std::string_view action,
                            std::string_view type, std::string_view uuid, std::string_view owner,
                            std::string_view details) {
  return audit::Record(s, who, action, type, uuid, owner, details);
}

StatusOr<std::optional<model::Org>> Service::Impl::Fresh(const policy::Actor& a) {
  if (!a.has_org()) return std::optional<model::Org>();
  auto o = s->community().GetOrg(a.org.id);
  if (!o.ok()) return o.status();
  return std::optional<model::Org>(*o);
}

StatusOr<std::vector<model::Org>> Service::Impl::FullMembers(int64_t except_org) {
  std::vector<model::Org> all, out;
  SANAD_RETURN_IF_ERROR(s->community().ListOrgs(&all));
  for (auto& o : all)
    if (FullMember(o) && o.id != except_org) out.push_back(std::move(o));
  return out;
}

StatusOr<bool> Service::Impl::MayReadApplications(const policy::Actor& a, int64_t app_org) {
  auto org = Fresh(a);
  if (!org.ok()) return org.status();
  if (!*org) return true;
  const model::Org& o = **org;
  return (Good(o) && (o.is_chair || o.category == model::MembershipCategory::kFull)) ||
         (app_org != 0 && o.id == app_org);
}

StatusOr<ApplicationView> Service::Impl::View(const model::MembershipApplication& app) {
  ApplicationView v;
  v.app = app;
  SANAD_RETURN_IF_ERROR(ms->ListSponsors(app.id, &v.sponsors));
  std::vector<model::MembershipVote> votes;
  SANAD_RETURN_IF_ERROR(vs->ListVotes(false, &votes));
  for (auto& x : votes)
    if (x.application_id == app.id) v.vote = x;
  auto rules = sv->CurrentRules();
  if (!rules.ok()) return rules.status();
  std::string unmet;
  SponsorshipMet(*rules, app, v.sponsors, &v.sponsorship, &unmet);
  return v;
}

bool Service::Impl::SponsorshipMet(const Rules& r, const model::MembershipApplication& app,
                                   const std::vector<model::MembershipSponsor>& sponsors,
                                   std::string* summary, std::string* unmet) {
  const CategoryRule& cr = r.categories.at(app.category);
  std::set<std::string> countries;
  int valid = 0;
  for (const auto& sp : sponsors) {
    auto o = s->community().GetOrg(sp.org_id);
    if (!o.ok() || !Good(*o)) continue;  // a sponsor no longer in good standing does not count
    ++valid;
    countries.insert(o->country);
  }
  *summary = std::to_string(valid) + " of " + std::to_string(cr.sponsors) + " sponsors";
  if (cr.distinct_countries > 0)
    *summary += ", " + std::to_string(countries.size()) + " of " +
                std::to_string(cr.distinct_countries) + " countries";
  bool ok = valid >= cr.sponsors && static_cast<int>(countries.size()) >= cr.distinct_countries;
  *unmet = ok ? "" : *summary;
  return ok;
}

Status Service::Impl::Advance(const policy::Actor& who, const Rules& r,
                              model::MembershipApplication* app) {
  if (app->status != kAwaitingSponsors) return Status::Ok();
  std::vector<model::MembershipSponsor> sponsors;
  SANAD_RETURN_IF_ERROR(ms->ListSponsors(app->id, &sponsors));
  std::string summary, unmet;
  if (!SponsorshipMet(r, *app, sponsors, &summary, &unmet)) return Status::Ok();
  const CategoryRule& cr = r.categories.at(app->category);
  if (cr.decision == "chair") {
    app->status = kAwaitingDecision;
    SANAD_RETURN_IF_ERROR(ms->UpdateApplication(*app));
    return Audit(who, "membership.application.sponsored", "application", app->uuid, "",
                 app->name + ": " + summary + "; awaiting the chair's decision");
  }
  auto voters = FullMembers(app->org_id);
  if (!voters.ok()) return voters.status();
  if (voters->empty())
    return Status::Conflict("no Full member in good standing can vote on " + app->name);
  int64_t now = sv->Now();
  model::MembershipVote v;
  v.kind = "admission";
  v.subject_org_id = app->org_id;
  v.application_id = app->id;
  v.motion = "Admit " + app->name + " (" + app->country + ", " + model::Name(app->kind) +
             ") as a " + model::Name(app->category) + " member";
  v.opens = now;
  v.closes = now + r.admission_vote.duration_days * kDay;
  v.quorum = FractionText(r.admission_vote.quorum);
  v.majority = FractionText(r.admission_vote.majority);
  v.eligible = static_cast<int64_t>(voters->size());
  v.status = "open";
  SANAD_RETURN_IF_ERROR(vs->AddVote(&v));
  app->status = kVoting;
  SANAD_RETURN_IF_ERROR(ms->UpdateApplication(*app));
  return Audit(who, "membership.vote.open", "vote", v.uuid, "",
               v.motion + "; closes " + util::FormatIso8601(v.closes));
}

Status Service::Impl::Conclude(const policy::Actor& who, model::MembershipApplication* app,
                               const char* status, int64_t now, const std::string& reason,
                               model::MembershipDecision* d) {
  app->status = status;
  app->decided = now;
  app->reason = reason;
  SANAD_RETURN_IF_ERROR(ms->UpdateApplication(*app));
  d->time = now;
  d->application_id = app->id;
  d->actor = who.name;
  return ms->AddDecision(d);
}

Status Service::Impl::Accept(const policy::Actor& who, model::MembershipApplication* app,
                             const std::string& decided_by, int64_t vote_id,
                             const std::string& reason) {
  int64_t now = sv->Now();
  model::Org org;
  bool exists = false;
  if (app->org_id) {
    auto o = s->community().GetOrg(app->org_id);
    if (!o.ok()) return o.status();
    org = *o;
    exists = true;
  } else if (auto o = s->community().FindOrg(app->name); o.ok()) {
    org = *o;
    exists = true;
  }
  if (exists && org.status == model::OrgStatus::kMember && org.category == app->category)
    return Status::Conflict(org.name + " is already a " + model::Name(app->category) + " member");
  org.name = exists ? org.name : app->name;
  org.country = app->country;
  org.kind = app->kind;
  org.category = app->category;
  org.status = model::OrgStatus::kMember;
  if (exists) {
    SANAD_RETURN_IF_ERROR(s->community().UpdateOrg(org));
    SANAD_RETURN_IF_ERROR(ms->EndPeriods(org.id, now));
  } else {
    org.uuid = app->org_uuid;
    org.created = now;
    boost::system::error_code ec;
    json::value prof = json::parse(app->profile_json, ec);
    if (!ec && prof.is_object())
      if (auto* c = prof.as_object().if_contains("constituency"); c && c->is_string())
        org.description = std::string(c->as_string());
    SANAD_RETURN_IF_ERROR(s->community().AddOrg(&org));
  }
  app->org_id = org.id;
  app->org_uuid = org.uuid;
  model::MembershipDecision d;
  d.kind = "admission";
  d.subject_org_id = org.id;
  d.vote_id = vote_id;
  d.decided_by = decided_by;
  d.details = org.name + " admitted as a " + model::Name(org.category) + " member" +
              (reason.empty() ? "" : ": " + reason);
  SANAD_RETURN_IF_ERROR(Conclude(who, app, "accepted", now, reason, &d));
  model::MembershipPeriod p;
  p.org_id = org.id;
  p.category = org.category;
  p.since = now;
  p.decision_id = d.id;
  SANAD_RETURN_IF_ERROR(ms->AddPeriod(&p));
  SANAD_RETURN_IF_ERROR(Audit(who, "membership.admit", "org", org.uuid, "", d.details));
  auto sync = sv->SyncAudiences(who);
  return sync.ok() ? Status::Ok() : sync.status();
}

Status Service::Impl::Reject(const policy::Actor& who, model::MembershipApplication* app,
                             const std::string& decided_by, int64_t vote_id,
                             const std::string& reason) {
  model::MembershipDecision d;
  d.kind = "rejection";
  d.subject_org_id = app->org_id;
  d.vote_id = vote_id;
  d.decided_by = decided_by;
  d.details = "application of " + app->name + " for " + model::Name(app->category) +
              " membership rejected" + (reason.empty() ? "" : ": " + reason);
  SANAD_RETURN_IF_ERROR(Conclude(who, app, "rejected", sv->Now(), reason, &d));
  return Audit(who, "membership.reject", "application", app->uuid, "", d.details);
}

Status Service::Impl::LeaveAllGroups(const model::Org& org, const std::string& reason) {
  std::vector<int64_t> groups;
  SANAD_RETURN_IF_ERROR(rs->ListOrgGroups(org.id, &groups));
  for (int64_t g : groups) {
    SANAD_RETURN_IF_ERROR(rs->RemoveSharingGroupOrg(g, org.id));
    model::GroupChange c;
    c.sharing_group_id = g;
    c.org_id = org.id;
    c.action = "leave";
    c.time = sv->Now();
    c.reason = reason;
    SANAD_RETURN_IF_ERROR(rs->AddGroupChange(c));
  }
  return Status::Ok();
}

Status Service::Impl::ApplyMotion(const policy::Actor& who, const model::MembershipVote& v,
                                  bool passed, const std::string& tally) {
  int64_t now = sv->Now();
  auto org = s->community().GetOrg(v.subject_org_id);
  if (!org.ok()) return org.status();
  model::MembershipDecision d;
  d.time = now;
  d.subject_org_id = org->id;
  d.vote_id = v.id;
  d.decided_by = "vote";
  d.actor = who.name;
  if (!passed) {
    d.kind = "motion-failed";
    d.details = "the " + v.kind + " of " + org->name + " was not carried (" + tally + ")";
    SANAD_RETURN_IF_ERROR(ms->AddDecision(&d));
    return Audit(who, "membership.motion-failed", "org", org->uuid, "", d.details);
  }
  model::OrgStatus want = v.kind == "suspension"      ? model::OrgStatus::kMember
                          : v.kind == "reinstatement" ? model::OrgStatus::kSuspended
                                                      : org->status;
  bool still = v.kind == "revocation" ? (org->status == model::OrgStatus::kMember ||
                                         org->status == model::OrgStatus::kSuspended)
                                      : org->status == want;
  if (!still) {
    d.kind = "motion-failed";
    d.details = "the " + v.kind + " of " + org->name + " was carried but " + org->name +
                " is now " + model::Name(org->status) + "; nothing changed";
    SANAD_RETURN_IF_ERROR(ms->AddDecision(&d));
    return Audit(who, "membership.motion-failed", "org", org->uuid, "", d.details);
  }
  model::Org changed = *org;
  d.kind = v.kind;
  if (v.kind == "suspension") {
    changed.status = model::OrgStatus::kSuspended;
    d.details = org->name + " suspended (" + tally + ")";
  } else if (v.kind == "reinstatement") {
    changed.status = model::OrgStatus::kMember;
    d.details = org->name + " reinstated (" + tally + ")";
  } else {
    changed.status = model::OrgStatus::kLeft;
    d.details = org->name + " revoked (" + tally + "); it left every sharing group";
  }
  SANAD_RETURN_IF_ERROR(s->community().UpdateOrg(changed));
  SANAD_RETURN_IF_ERROR(ms->AddDecision(&d));
  if (v.kind == "revocation") {
    SANAD_RETURN_IF_ERROR(ms->EndPeriods(org->id, now));
    SANAD_RETURN_IF_ERROR(LeaveAllGroups(changed, "membership revoked"));
  }
  SANAD_RETURN_IF_ERROR(Audit(who, "membership." + v.kind, "org", org->uuid, "", d.details));
  auto sync = sv->SyncAudiences(who);
  return sync.ok() ? Status::Ok() : sync.status();
}

StatusOr<VoteView> Service::Impl::VoteViewOf(const model::MembershipVote& v) {
  VoteView vv;
  vv.vote = v;
  std::vector<model::MembershipBallot> ballots;
  SANAD_RETURN_IF_ERROR(vs->ListBallots(v.id, &ballots));
  vv.cast = static_cast<int64_t>(ballots.size());
  if (v.status != "open") vv.ballots = std::move(ballots);  // secret until the vote closes
  return vv;
}

Service::Service(store::Store* s, Clock clock)
    : s_(s),
      ms_(&s->membership()),
      vs_(&s->membership_votes()),
      rs_(&s->membership_rules()),
      clock_(clock ? std::move(clock) : Clock(util::Now)) {}

StatusOr<Rules> Service::CurrentRules() {
  auto row = rs_->GetRules(0);
  if (!row.ok()) {
    if (row.status().code() == Status::Code::kNotFound) return DefaultRules();
    return row.status();
  }
  auto r = ParseRules(row->rules_json);
  if (!r.ok())
    return Status::Corrupt("stored membership rules v" + std::to_string(row->version) + ": " +
                           r.status().message());
  r->version = row->version;
  return r;
}

StatusOr<int64_t> Service::SetRules(const policy::Actor& a, Rules r) {
  SANAD_IMPL;
  auto org = impl.Fresh(a);
  if (!org.ok()) return org.status();
  if (*org && !((*org)->is_chair && Good(**org)))
    return Status::Permission("only the chair or the local operator changes the community rules");
  // Round-trip through the parser: the stored text is always valid.
  std::string text = RulesJson(r);
  auto check = ParseRules(text);
  if (!check.ok()) return check.status();
  model::MembershipRulesRow row;
  row.rules_json = text;
  row.created = Now();
  row.actor = a.name;
  row.org_uuid = a.org.uuid;
  SANAD_RETURN_IF_ERROR(rs_->AddRules(&row));
  model::MembershipDecision d;
  d.time = row.created;
  d.kind = "rules";
  d.decided_by = *org ? "chair" : "operator";
  d.actor = a.name;
  d.details = "community rules version " + std::to_string(row.version);
  SANAD_RETURN_IF_ERROR(ms_->AddDecision(&d));
  SANAD_RETURN_IF_ERROR(impl.Audit(a, "membership.rules.set", "membership-rules",
                                   std::to_string(row.version), "", d.details));
  return row.version;
}

StatusOr<int> Service::Tick(const policy::Actor& who) {
  SANAD_IMPL;
  int changes = 0;
  int64_t now = Now();
  std::vector<model::MembershipVote> open;
  SANAD_RETURN_IF_ERROR(vs_->ListVotes(true, &open));
  for (const auto& v : open) {
    if (v.closes > now) continue;
    auto c = Close(who, v.uuid);
    if (!c.ok()) return c.status();
    ++changes;
  }
  auto rules = CurrentRules();
  if (!rules.ok()) return rules.status();
  std::vector<model::MembershipApplication> apps;
  SANAD_RETURN_IF_ERROR(ms_->ListApplications(&apps));
  for (auto& app : apps) {
    if (app.status != kAwaitingSponsors && app.status != kAwaitingDecision) continue;
    if (app.submitted + rules->application_days * kDay > now) continue;
    app.status = "lapsed";
    app.decided = now;
    app.reason = "not decided within " + std::to_string(rules->application_days) + " days";
    SANAD_RETURN_IF_ERROR(ms_->UpdateApplication(app));
    model::MembershipDecision d;
    d.time = now;
    d.kind = "lapse";
    d.subject_org_id = app.org_id;
    d.application_id = app.id;
    d.decided_by = "process";
    d.actor = who.name;
    d.details = "application of " + app.name + " lapsed: " + app.reason;
    SANAD_RETURN_IF_ERROR(ms_->AddDecision(&d));
    SANAD_RETURN_IF_ERROR(
        impl.Audit(who, "membership.lapse", "application", app.uuid, "", d.details));
    ++changes;
  }
  return changes;
}

}  // namespace sanad::membership
