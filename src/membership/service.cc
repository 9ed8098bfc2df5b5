// The membership process: applications, sponsorship, decisions, votes,
// motions, chair handover, board elections, audiences and the register.
#include <boost/json.hpp>

#include <algorithm>
#include <ctime>
#include <set>

#include "membership/membership.h"
#include "util/util.h"

namespace sanad::membership {

namespace json = boost::json;

namespace {

constexpr int64_t kDay = 86400;
constexpr size_t kMaxText = 2000;

const char* const kAwaitingSponsors = "awaiting-sponsors";
const char* const kVoting = "voting";
const char* const kAwaitingDecision = "awaiting-decision";

bool Pending(const std::string& status) {
  return status == kAwaitingSponsors || status == kVoting || status == kAwaitingDecision;
}

bool Good(const model::Org& o) { return o.status == model::OrgStatus::kMember; }
bool FullMember(const model::Org& o) {
  return Good(o) && o.category == model::MembershipCategory::kFull;
}

template <class T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

int64_t AddYears(int64_t t, int years) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  tm.tm_year += years;
  return static_cast<int64_t>(timegm(&tm));
}

Status CheckText(const std::string& field, const std::string& s) {
  if (s.size() > kMaxText)
    return Status::Limit(field + ": longer than " + std::to_string(kMaxText) + " characters");
  return Status::Ok();
}

}  // namespace

audit::Actor ClockActor() { return audit::Actor{"sanad:clock", 0, ""}; }

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

// Private helpers with access to the service's members.
struct Service::Impl {
  Service* sv;
  store::Store* s;
  store::MembershipStore* ms;

  Status Audit(const audit::Actor& who, std::string_view action, std::string_view type,
               std::string_view uuid, std::string_view owner, std::string_view details) {
    return audit::Record(s, who, action, type, uuid, owner, details);
  }

  // The acting org as stored now (actors carry a snapshot).
  StatusOr<std::optional<model::Org>> Fresh(const Actor& a) {
    if (!a.org) return std::optional<model::Org>();
    auto o = s->GetOrg(a.org->id);
    if (!o.ok()) return o.status();
    return std::optional<model::Org>(*o);
  }

  StatusOr<std::vector<model::Org>> FullMembers(int64_t except_org) {
    std::vector<model::Org> all, out;
    SANAD_RETURN_IF_ERROR(s->ListOrgs(&all));
    for (auto& o : all)
      if (FullMember(o) && o.id != except_org) out.push_back(std::move(o));
    return out;
  }

  // Operator, chair in good standing, or a Full member in good standing.
  StatusOr<bool> MayReadApplications(const Actor& a, int64_t app_org) {
    auto org = Fresh(a);
    if (!org.ok()) return org.status();
    if (!*org) return true;
    const model::Org& o = **org;
    return (Good(o) && (o.is_chair || o.category == model::MembershipCategory::kFull)) ||
           (app_org != 0 && o.id == app_org);
  }

  StatusOr<ApplicationView> View(const store::MembershipApplication& app) {
    ApplicationView v;
    v.app = app;
    SANAD_RETURN_IF_ERROR(ms->ListSponsors(app.id, &v.sponsors));
    std::vector<store::MembershipVote> votes;
    SANAD_RETURN_IF_ERROR(ms->ListVotes(false, &votes));
    for (auto& x : votes)
      if (x.application_id == app.id) v.vote = x;
    auto rules = sv->CurrentRules();
    if (!rules.ok()) return rules.status();
    std::string unmet;
    SponsorshipMet(*rules, app, v.sponsors, &v.sponsorship, &unmet);
    return v;
  }

  // Whether the sponsors meet the category rule; `summary` says how far.
  bool SponsorshipMet(const Rules& r, const store::MembershipApplication& app,
                      const std::vector<store::MembershipSponsor>& sponsors, std::string* summary,
                      std::string* unmet) {
    const CategoryRule& cr = r.categories.at(app.category);
    std::set<std::string> countries;
    int valid = 0;
    for (const auto& sp : sponsors) {
      auto o = s->GetOrg(sp.org_id);
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

  // Moves an application awaiting sponsors on when its sponsorship is met.
  Status Advance(const audit::Actor& who, const Rules& r, store::MembershipApplication* app) {
    if (app->status != kAwaitingSponsors) return Status::Ok();
    std::vector<store::MembershipSponsor> sponsors;
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
    store::MembershipVote v;
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
    SANAD_RETURN_IF_ERROR(ms->AddVote(&v));
    app->status = kVoting;
    SANAD_RETURN_IF_ERROR(ms->UpdateApplication(*app));
    return Audit(who, "membership.vote.open", "vote", v.uuid, "",
                 v.motion + "; closes " + util::FormatIso8601(v.closes));
  }

  Status Accept(const audit::Actor& who, store::MembershipApplication* app,
                const std::string& decided_by, int64_t vote_id, const std::string& reason) {
    int64_t now = sv->Now();
    model::Org org;
    bool exists = false;
    if (app->org_id) {
      auto o = s->GetOrg(app->org_id);
      if (!o.ok()) return o.status();
      org = *o;
      exists = true;
    } else if (auto o = s->FindOrg(app->name); o.ok()) {
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
      SANAD_RETURN_IF_ERROR(s->UpdateOrg(org));
      SANAD_RETURN_IF_ERROR(ms->EndPeriods(org.id, now));
    } else {
      org.uuid = app->org_uuid;
      org.created = now;
      boost::system::error_code ec;
      json::value prof = json::parse(app->profile_json, ec);
      if (!ec && prof.is_object())
        if (auto* c = prof.as_object().if_contains("constituency"); c && c->is_string())
          org.description = std::string(c->as_string());
      SANAD_RETURN_IF_ERROR(s->AddOrg(&org));
    }
    app->org_id = org.id;
    app->org_uuid = org.uuid;
    app->status = "accepted";
    app->decided = now;
    app->reason = reason;
    SANAD_RETURN_IF_ERROR(ms->UpdateApplication(*app));
    store::MembershipDecision d;
    d.time = now;
    d.kind = "admission";
    d.subject_org_id = org.id;
    d.application_id = app->id;
    d.vote_id = vote_id;
    d.decided_by = decided_by;
    d.actor = who.name;
    d.details = org.name + " admitted as a " + model::Name(org.category) + " member" +
                (reason.empty() ? "" : ": " + reason);
    SANAD_RETURN_IF_ERROR(ms->AddDecision(&d));
    store::MembershipPeriod p;
    p.org_id = org.id;
    p.category = org.category;
    p.since = now;
    p.decision_id = d.id;
    SANAD_RETURN_IF_ERROR(ms->AddPeriod(&p));
    SANAD_RETURN_IF_ERROR(Audit(who, "membership.admit", "org", org.uuid, "", d.details));
    auto sync = sv->SyncAudiences(who);
    return sync.ok() ? Status::Ok() : sync.status();
  }

  Status Reject(const audit::Actor& who, store::MembershipApplication* app,
                const std::string& decided_by, int64_t vote_id, const std::string& reason) {
    int64_t now = sv->Now();
    app->status = "rejected";
    app->decided = now;
    app->reason = reason;
    SANAD_RETURN_IF_ERROR(ms->UpdateApplication(*app));
    store::MembershipDecision d;
    d.time = now;
    d.kind = "rejection";
    d.subject_org_id = app->org_id;
    d.application_id = app->id;
    d.vote_id = vote_id;
    d.decided_by = decided_by;
    d.actor = who.name;
    d.details = "application of " + app->name + " for " + model::Name(app->category) +
                " membership rejected" + (reason.empty() ? "" : ": " + reason);
    SANAD_RETURN_IF_ERROR(ms->AddDecision(&d));
    return Audit(who, "membership.reject", "application", app->uuid, "", d.details);
  }

  // A revoked org leaves every sharing group; the changes are kept.
  Status LeaveAllGroups(const model::Org& org, const std::string& reason) {
    std::vector<int64_t> groups;
    SANAD_RETURN_IF_ERROR(ms->ListOrgGroups(org.id, &groups));
    for (int64_t g : groups) {
      SANAD_RETURN_IF_ERROR(ms->RemoveSharingGroupOrg(g, org.id));
      store::GroupChange c;
      c.sharing_group_id = g;
      c.org_id = org.id;
      c.action = "leave";
      c.time = sv->Now();
      c.reason = reason;
      SANAD_RETURN_IF_ERROR(ms->AddGroupChange(c));
    }
    return Status::Ok();
  }

  Status ApplyMotion(const audit::Actor& who, const store::MembershipVote& v, bool passed,
                     const std::string& tally) {
    int64_t now = sv->Now();
    auto org = s->GetOrg(v.subject_org_id);
    if (!org.ok()) return org.status();
    store::MembershipDecision d;
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
    SANAD_RETURN_IF_ERROR(s->UpdateOrg(changed));
    SANAD_RETURN_IF_ERROR(ms->AddDecision(&d));
    if (v.kind == "revocation") {
      SANAD_RETURN_IF_ERROR(ms->EndPeriods(org->id, now));
      SANAD_RETURN_IF_ERROR(LeaveAllGroups(changed, "membership revoked"));
    }
    SANAD_RETURN_IF_ERROR(Audit(who, "membership." + v.kind, "org", org->uuid, "", d.details));
    auto sync = sv->SyncAudiences(who);
    return sync.ok() ? Status::Ok() : sync.status();
  }

  StatusOr<VoteView> VoteViewOf(const store::MembershipVote& v) {
    VoteView vv;
    vv.vote = v;
    std::vector<store::MembershipBallot> ballots;
    SANAD_RETURN_IF_ERROR(ms->ListBallots(v.id, &ballots));
    vv.cast = static_cast<int64_t>(ballots.size());
    if (v.status != "open") vv.ballots = std::move(ballots);  // secret until the vote closes
    return vv;
  }
};

Service::Service(store::Store* s, Clock clock)
    : s_(s),
      ms_(store::NewMembershipStore(s)),
      clock_(clock ? std::move(clock) : Clock(util::Now)) {}

#define SANAD_IMPL \
  Impl impl { this, s_, ms_.get() }

StatusOr<Rules> Service::CurrentRules() {
  auto row = ms_->GetRules(0);
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

StatusOr<int64_t> Service::SetRules(const Actor& a, Rules r) {
  SANAD_IMPL;
  auto org = impl.Fresh(a);
  if (!org.ok()) return org.status();
  if (*org && !((*org)->is_chair && Good(**org)))
    return Status::Permission("only the chair or the local operator changes the community rules");
  // Round-trip through the parser: the stored text is always valid.
  std::string text = RulesJson(r);
  auto check = ParseRules(text);
  if (!check.ok()) return check.status();
  store::MembershipRulesRow row;
  row.rules_json = text;
  row.created = Now();
  row.actor = a.audit.name;
  row.org_uuid = a.audit.org_uuid;
  SANAD_RETURN_IF_ERROR(ms_->AddRules(&row));
  store::MembershipDecision d;
  d.time = row.created;
  d.kind = "rules";
  d.decided_by = *org ? "chair" : "operator";
  d.actor = a.audit.name;
  d.details = "community rules version " + std::to_string(row.version);
  SANAD_RETURN_IF_ERROR(ms_->AddDecision(&d));
  SANAD_RETURN_IF_ERROR(impl.Audit(a.audit, "membership.rules.set", "membership-rules",
                                   std::to_string(row.version), "", d.details));
  return row.version;
}

StatusOr<int> Service::Tick(const audit::Actor& who) {
  SANAD_IMPL;
  int changes = 0;
  int64_t now = Now();
  std::vector<store::MembershipVote> open;
  SANAD_RETURN_IF_ERROR(ms_->ListVotes(true, &open));
  for (const auto& v : open) {
    if (v.closes > now) continue;
    auto c = Close(who, v.uuid);
    if (!c.ok()) return c.status();
    ++changes;
  }
  auto rules = CurrentRules();
  if (!rules.ok()) return rules.status();
  std::vector<store::MembershipApplication> apps;
  SANAD_RETURN_IF_ERROR(ms_->ListApplications(&apps));
  for (auto& app : apps) {
    if (app.status != kAwaitingSponsors && app.status != kAwaitingDecision) continue;
    if (app.submitted + rules->application_days * kDay > now) continue;
    app.status = "lapsed";
    app.decided = now;
    app.reason = "not decided within " + std::to_string(rules->application_days) + " days";
    SANAD_RETURN_IF_ERROR(ms_->UpdateApplication(app));
    store::MembershipDecision d;
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

StatusOr<ApplicationView> Service::Apply(const Actor& a, ApplicationInput in) {
  SANAD_IMPL;
  in.name = std::string(util::Trim(in.name));
  in.country = std::string(util::Trim(in.country));
  if (in.name.empty()) return Status::Invalid("name: must not be empty");
  // The application becomes an organisation: the organisation name's limit.
  SANAD_RETURN_IF_ERROR(model::CheckNameLength("name", in.name, model::kMaxOrgNameChars));
  if (!model::IsCountryCode(in.country))
    return Status::Invalid("country: '" + in.country + "' is not an ISO 3166-1 alpha-2 code");
  if (!in.org_uuid.empty() && !util::IsUuid(in.org_uuid))
    return Status::Invalid("uuid: '" + in.org_uuid + "' is not a uuid");
  auto profile = ValidateProfile(in.profile_json);
  if (!profile.ok()) return profile.status();
  auto rules = CurrentRules();
  if (!rules.ok()) return rules.status();
  auto actor = impl.Fresh(a);
  if (!actor.ok()) return actor.status();
  const bool operator_or_chair = !*actor || ((*actor)->is_chair && Good(**actor));

  store::MembershipApplication app;
  app.name = in.name;
  app.country = in.country;
  app.kind = in.kind;
  app.category = in.category;
  app.profile_json = *profile;
  if (auto existing = s_->FindOrg(in.name); existing.ok()) {
    if (existing->status == model::OrgStatus::kMember && existing->category == in.category)
      return Status::Conflict(existing->name + " is already a " + model::Name(in.category) +
                              " member");
    if (existing->status == model::OrgStatus::kSuspended)
      return Status::Permission(existing->name + " is suspended; reinstatement is a vote");
    bool self = *actor && (*actor)->id == existing->id && Good(**actor);
    if (!operator_or_chair && !self)
      return Status::Permission(
          "an organisation applies for itself, or the chair or the "
          "operator submits the application");
    app.org_id = existing->id;
    app.org_uuid = existing->uuid;
    app.name = existing->name;
  } else {
    if (!operator_or_chair)
      return Status::Permission(
          "applications of new organisations are submitted by the chair "
          "or the operator (secretariat)");
    app.org_uuid = in.org_uuid.empty() ? util::NewUuid() : util::LowerUuid(in.org_uuid);
  }
  std::vector<store::MembershipApplication> apps;
  SANAD_RETURN_IF_ERROR(ms_->ListApplications(&apps));
  for (const auto& x : apps)
    if (Pending(x.status) && util::ToLower(x.name) == util::ToLower(app.name))
      return Status::Conflict(app.name + " has a pending application (" + x.uuid + ")");
  app.status = kAwaitingSponsors;
  app.rules_version = rules->version;
  app.submitted = Now();
  app.submitted_by = a.audit.name + (a.org ? " (" + a.org->name + ")" : "");
  SANAD_RETURN_IF_ERROR(ms_->AddApplication(&app));
  SANAD_RETURN_IF_ERROR(
      impl.Audit(a.audit, "membership.apply", "application", app.uuid, "",
                 app.name + " applies for " + model::Name(app.category) + " membership"));
  SANAD_RETURN_IF_ERROR(impl.Advance(a.audit, *rules, &app));
  return impl.View(app);
}

StatusOr<ApplicationView> Service::GetApplication(const Actor& a, std::string_view uuid) {
  SANAD_IMPL;
  auto app = ms_->GetApplication(uuid);
  if (!app.ok()) return app.status();
  auto may = impl.MayReadApplications(a, app->org_id);
  if (!may.ok()) return may.status();
  if (!*may) return Status::Permission("applications are visible to Full members and the chair");
  return impl.View(*app);
}

StatusOr<std::vector<ApplicationView>> Service::ListApplications(const Actor& a) {
  SANAD_IMPL;
  std::vector<store::MembershipApplication> apps;
  SANAD_RETURN_IF_ERROR(ms_->ListApplications(&apps));
  auto all = impl.MayReadApplications(a, 0);
  if (!all.ok()) return all.status();
  std::vector<ApplicationView> out;
  for (const auto& app : apps) {
    if (!*all && !(a.org && app.org_id == a.org->id)) continue;
    auto v = impl.View(app);
    if (!v.ok()) return v.status();
    out.push_back(std::move(*v));
  }
  if (!*all && out.empty())
    return Status::Permission("applications are visible to Full members and the chair");
  return out;
}

StatusOr<ApplicationView> Service::Sponsor(const Actor& a, std::string_view app_uuid,
                                           std::string statement) {
  SANAD_IMPL;
  SANAD_RETURN_IF_ERROR(CheckText("statement", statement));
  auto app = ms_->GetApplication(app_uuid);
  if (!app.ok()) return app.status();
  auto org = impl.Fresh(a);
  if (!org.ok()) return org.status();
  if (!*org) return Status::Permission("a sponsor is a member organisation (give --as ORG)");
  const model::Org& o = **org;
  if (!Good(o)) return Status::Permission(o.name + " is not a member in good standing");
  if (o.id == app->org_id) return Status::Permission("an organisation cannot sponsor itself");
  if (app->status != kAwaitingSponsors)
    return Status::Conflict("the application of " + app->name + " is " + app->status +
                            ", not awaiting sponsors");
  auto rules = CurrentRules();
  if (!rules.ok()) return rules.status();
  const CategoryRule& cr = rules->categories.at(app->category);
  if (!Contains(cr.sponsor_categories, o.category)) {
    std::string cats;
    for (auto c : cr.sponsor_categories)
      cats += (cats.empty() ? "" : ", ") + std::string(model::Name(c));
    return Status::Permission(std::string(model::Name(app->category)) +
                              " applications are sponsored by members of category " + cats + "; " +
                              o.name + " is " + model::Name(o.category));
  }
  if (!cr.sponsor_kinds.empty() && !Contains(cr.sponsor_kinds, o.kind))
    return Status::Permission(o.name + " (" + model::Name(o.kind) +
                              ") is not of a kind that may sponsor this category");
  store::MembershipSponsor sp;
  sp.application_id = app->id;
  sp.org_id = o.id;
  sp.time = Now();
  sp.statement = statement;
  SANAD_RETURN_IF_ERROR(ms_->AddSponsor(sp));
  SANAD_RETURN_IF_ERROR(impl.Audit(a.audit, "membership.sponsor", "application", app->uuid, "",
                                   o.name + " sponsors " + app->name));
  SANAD_RETURN_IF_ERROR(impl.Advance(a.audit, *rules, &*app));
  return impl.View(*app);
}

StatusOr<ApplicationView> Service::Decide(const Actor& a, std::string_view app_uuid, bool accept,
                                          std::string reason) {
  SANAD_IMPL;
  SANAD_RETURN_IF_ERROR(CheckText("reason", reason));
  auto app = ms_->GetApplication(app_uuid);
  if (!app.ok()) return app.status();
  auto org = impl.Fresh(a);
  if (!org.ok()) return org.status();
  if (!*org || !(*org)->is_chair || !Good(**org))
    return Status::Permission("applications are decided by the chair (give --as CHAIR)");
  auto rules = CurrentRules();
  if (!rules.ok()) return rules.status();
  if (rules->categories.at(app->category).decision != "chair")
    return Status::Permission(std::string(model::Name(app->category)) +
                              " applications are decided by a vote of Full members");
  if (!Pending(app->status))
    return Status::Conflict("the application of " + app->name + " is " + app->status);
  if (accept && app->status != kAwaitingDecision)
    return Status::Conflict("the application of " + app->name + " does not have its sponsors yet");
  if (accept)
    SANAD_RETURN_IF_ERROR(impl.Accept(a.audit, &*app, "chair", 0, reason));
  else
    SANAD_RETURN_IF_ERROR(impl.Reject(a.audit, &*app, "chair", 0, reason));
  return impl.View(*app);
}

StatusOr<VoteView> Service::Cast(const Actor& a, std::string_view vote_uuid,
                                 std::string_view choice, std::string comment) {
  SANAD_IMPL;
  SANAD_RETURN_IF_ERROR(CheckText("comment", comment));
  if (choice != "yes" && choice != "no" && choice != "abstain")
    return Status::Invalid("choice: expected yes, no or abstain, got '" + std::string(choice) +
                           "'");
  auto v = ms_->GetVote(vote_uuid);
  if (!v.ok()) return v.status();
  auto org = impl.Fresh(a);
  if (!org.ok()) return org.status();
  if (!*org) return Status::Permission("a ballot is cast by a Full member (give --as ORG)");
  const model::Org& o = **org;
  if (!FullMember(o))
    return Status::Permission("only Full members in good standing vote; " + o.name + " is " +
                              model::Name(o.category) + ", " + model::Name(o.status));
  if (o.id == v->subject_org_id)
    return Status::Permission(o.name + " does not vote on its own " + v->kind);
  int64_t now = Now();
  if (v->status != "open" || now >= v->closes)
    return Status::Conflict("the vote closed at " + util::FormatIso8601(v->closes));
  if (now < v->opens) return Status::Conflict("the vote opens at " + util::FormatIso8601(v->opens));
  store::MembershipBallot b;
  b.vote_id = v->id;
  b.org_id = o.id;
  b.choice = std::string(choice);
  b.time = now;
  b.comment = comment;
  SANAD_RETURN_IF_ERROR(ms_->AddBallot(b));
  SANAD_RETURN_IF_ERROR(impl.Audit(a.audit, "membership.ballot", "vote", v->uuid, "",
                                   o.name + " votes " + b.choice + " on: " + v->motion));
  return impl.VoteViewOf(*v);
}

StatusOr<VoteView> Service::Close(const audit::Actor& who, std::string_view vote_uuid) {
  SANAD_IMPL;
  auto v = ms_->GetVote(vote_uuid);
  if (!v.ok()) return v.status();
  if (v->status != "open") return Status::Conflict("the vote is closed (" + v->status + ")");
  int64_t now = Now();
  std::vector<store::MembershipBallot> ballots;
  SANAD_RETURN_IF_ERROR(ms_->ListBallots(v->id, &ballots));
  if (now < v->closes) {
    auto voters = impl.FullMembers(v->subject_org_id);
    if (!voters.ok()) return voters.status();
    std::set<int64_t> voted;
    for (const auto& b : ballots) voted.insert(b.org_id);
    // While a vote is open only the number of ballots is shown: the refusal
    // names nobody (who has or has not voted stays secret until closing).
    for (const auto& o : *voters)
      if (!voted.count(o.id))
        return Status::Conflict("the vote closes at " + util::FormatIso8601(v->closes) +
                                " and not every eligible member has voted yet");
  }
  v->yes = v->no = v->abstain = 0;
  for (const auto& b : ballots) {
    if (b.choice == "yes")
      ++v->yes;
    else if (b.choice == "no")
      ++v->no;
    else
      ++v->abstain;
  }
  Fraction q, m;
  if (!ParseFraction(v->quorum, &q) || !ParseFraction(v->majority, &m))
    return Status::Corrupt("vote " + v->uuid + ": bad quorum or majority");
  int64_t cast = v->yes + v->no + v->abstain;
  bool quorum = cast * q.den >= q.num * v->eligible;
  int64_t decisive = v->yes + v->no;
  bool majority = m.strict ? v->yes * m.den > m.num * decisive
                           : (v->yes > 0 && v->yes * m.den >= m.num * decisive);
  v->status = !quorum ? "no-quorum" : majority ? "passed" : "failed";
  v->closed = now;
  SANAD_RETURN_IF_ERROR(ms_->UpdateVote(*v));
  std::string tally = std::to_string(v->yes) + " yes, " + std::to_string(v->no) + " no, " +
                      std::to_string(v->abstain) + " abstain of " + std::to_string(v->eligible) +
                      " eligible; quorum " + v->quorum + ", majority " + v->majority;
  SANAD_RETURN_IF_ERROR(
      impl.Audit(who, "membership.vote.close", "vote", v->uuid, "", v->status + ": " + tally));
  bool passed = v->status == "passed";
  if (v->kind == "admission") {
    auto app = ms_->GetApplicationById(v->application_id);
    if (!app.ok()) return app.status();
    if (passed) {
      Status st = impl.Accept(who, &*app, "vote", v->id, tally);
      if (st.code() == Status::Code::kConflict)  // already a member meanwhile
        st = impl.Reject(who, &*app, "vote", v->id, st.message());
      SANAD_RETURN_IF_ERROR(st);
    } else {
      SANAD_RETURN_IF_ERROR(impl.Reject(who, &*app, "vote", v->id, v->status + ": " + tally));
    }
  } else {
    SANAD_RETURN_IF_ERROR(impl.ApplyMotion(who, *v, passed, v->status + ": " + tally));
  }
  return impl.VoteViewOf(*v);
}

StatusOr<VoteView> Service::GetVote(const Actor& a, std::string_view vote_uuid) {
  SANAD_IMPL;
  auto v = ms_->GetVote(vote_uuid);
  if (!v.ok()) return v.status();
  auto org = impl.Fresh(a);
  if (!org.ok()) return org.status();
  if (*org && !Good(**org))
    return Status::Permission((*org)->name + " is not a member in good standing");
  if (v->kind == "admission" && v->status == "open") {
    auto may = impl.MayReadApplications(a, v->subject_org_id);
    if (!may.ok()) return may.status();
    if (!*may)
      return Status::Permission("open admission votes are visible to Full members and the chair");
  }
  return impl.VoteViewOf(*v);
}

StatusOr<std::vector<VoteView>> Service::ListVotes(const Actor& a, bool open_only) {
  SANAD_IMPL;
  auto org = impl.Fresh(a);
  if (!org.ok()) return org.status();
  if (*org && !Good(**org))
    return Status::Permission((*org)->name + " is not a member in good standing");
  auto may = impl.MayReadApplications(a, 0);
  if (!may.ok()) return may.status();
  std::vector<store::MembershipVote> votes;
  SANAD_RETURN_IF_ERROR(ms_->ListVotes(open_only, &votes));
  std::vector<VoteView> out;
  for (const auto& v : votes) {
    if (v.kind == "admission" && v.status == "open" && !*may) continue;
    auto vv = impl.VoteViewOf(v);
    if (!vv.ok()) return vv.status();
    out.push_back(std::move(*vv));
  }
  return out;
}

StatusOr<VoteView> Service::OpenMotion(const Actor& a, Motion m, std::string_view org_name,
                                       std::string reason, int64_t opens, int64_t closes) {
  SANAD_IMPL;
  SANAD_RETURN_IF_ERROR(CheckText("reason", reason));
  if (util::Trim(reason).empty()) return Status::Invalid("reason: a motion states its reason");
  auto actor = impl.Fresh(a);
  if (!actor.ok()) return actor.status();
  if (!*actor || !((*actor)->is_chair || (*actor)->category == model::MembershipCategory::kFull) ||
      !Good(**actor))
    return Status::Permission("a motion is moved by the chair or a Full member in good standing");
  auto subject = s_->FindOrg(org_name);
  if (!subject.ok())
    return Status::NotFound("unknown organisation '" + std::string(org_name) + "'");
  if (subject->id == (*actor)->id)
    return Status::Permission("an organisation does not move a motion about itself");
  using S = model::OrgStatus;
  bool ok = m == Motion::kSuspension ? subject->status == S::kMember
            : m == Motion::kRevocation
                ? (subject->status == S::kMember || subject->status == S::kSuspended)
                : subject->status == S::kSuspended;
  if (!ok)
    return Status::Conflict(subject->name + " is " + model::Name(subject->status) + "; no " +
                            Name(m) + " possible");
  std::vector<store::MembershipVote> open;
  SANAD_RETURN_IF_ERROR(ms_->ListVotes(true, &open));
  for (const auto& v : open)
    if (v.subject_org_id == subject->id && v.kind != "admission")
      return Status::Conflict("a " + v.kind + " vote on " + subject->name + " is open (" + v.uuid +
                              ")");
  auto rules = CurrentRules();
  if (!rules.ok()) return rules.status();
  int64_t now = Now();
  if (opens == 0) opens = now;
  if (opens < now - 60) return Status::Invalid("opens: in the past");
  if (closes == 0) closes = opens + rules->sanction_vote.duration_days * kDay;
  if (closes <= opens) return Status::Invalid("closes: must be after the opening time");
  if (closes - opens > 365 * kDay) return Status::Limit("closes: a vote lasts at most 365 days");
  auto voters = impl.FullMembers(subject->id);
  if (!voters.ok()) return voters.status();
  if (voters->empty()) return Status::Conflict("no Full member in good standing can vote");
  store::MembershipVote v;
  v.kind = Name(m);
  v.subject_org_id = subject->id;
  v.motion = std::string(m == Motion::kSuspension   ? "Suspend "
                         : m == Motion::kRevocation ? "Revoke the membership of "
                                                    : "Reinstate ") +
             subject->name + ": " + std::string(util::Trim(reason));
  v.proposed_by = (*actor)->uuid;
  v.opens = opens;
  v.closes = closes;
  v.quorum = FractionText(rules->sanction_vote.quorum);
  v.majority = FractionText(rules->sanction_vote.majority);
  v.eligible = static_cast<int64_t>(voters->size());
  v.status = "open";
  SANAD_RETURN_IF_ERROR(ms_->AddVote(&v));
  SANAD_RETURN_IF_ERROR(impl.Audit(
      a.audit, "membership.vote.open", "vote", v.uuid, subject->uuid,
      v.motion + " (moved by " + (*actor)->name + "); closes " + util::FormatIso8601(v.closes)));
  auto fresh = ms_->GetVote(v.uuid);
  if (!fresh.ok()) return fresh.status();
  return impl.VoteViewOf(*fresh);
}

Status Service::HandOverChair(const Actor& a, std::string_view org_name) {
  SANAD_IMPL;
  auto actor = impl.Fresh(a);
  if (!actor.ok()) return actor.status();
  if (*actor && !((*actor)->is_chair && Good(**actor)))
    return Status::Permission("the chair hands over the chair (or the local operator records it)");
  auto to = s_->FindOrg(org_name);
  if (!to.ok()) return Status::NotFound("unknown organisation '" + std::string(org_name) + "'");
  if (!FullMember(*to))
    return Status::Permission("the chair passes to a Full member in good standing; " + to->name +
                              " is " + model::Name(to->category) + ", " + model::Name(to->status));
  if (to->is_chair) return Status::Conflict(to->name + " is the chair already");
  std::vector<model::Org> orgs;
  SANAD_RETURN_IF_ERROR(s_->ListOrgs(&orgs));
  std::string from = "(none)";
  for (const auto& o : orgs)
    if (o.is_chair) from = o.name;
  SANAD_RETURN_IF_ERROR(s_->SetChair(to->id));
  store::MembershipDecision d;
  d.time = Now();
  d.kind = "chair-handover";
  d.subject_org_id = to->id;
  d.decided_by = *actor ? "chair" : "operator";
  d.actor = a.audit.name;
  d.details = "the chair passes from " + from + " to " + to->name;
  SANAD_RETURN_IF_ERROR(ms_->AddDecision(&d));
  SANAD_RETURN_IF_ERROR(impl.Audit(a.audit, "membership.chair", "org", to->uuid, "", d.details));
  auto sync = SyncAudiences(a.audit);
  return sync.ok() ? Status::Ok() : sync.status();
}

StatusOr<store::BoardTerm> Service::RecordBoardElection(const Actor& a,
                                                        const std::vector<std::string>& seats,
                                                        int64_t starts) {
  SANAD_IMPL;
  auto actor = impl.Fresh(a);
  if (!actor.ok()) return actor.status();
  if (*actor && !((*actor)->is_chair && Good(**actor)))
    return Status::Permission("the chair (or the local operator) records a board election");
  auto rules = CurrentRules();
  if (!rules.ok()) return rules.status();
  if (seats.empty()) return Status::Invalid("seats: at least one elected member");
  if (static_cast<int>(seats.size()) > rules->board_seats)
    return Status::Limit("seats: the board has at most " + std::to_string(rules->board_seats) +
                         " seats");
  store::BoardTerm t;
  t.starts = starts ? starts : Now();
  t.ends = AddYears(t.starts, rules->board_term_years);
  std::string names;
  for (size_t i = 0; i < seats.size(); ++i) {
    auto o = s_->FindOrg(seats[i]);
    if (!o.ok())
      return Status::NotFound("seats[" + std::to_string(i) + "]: unknown organisation '" +
                              seats[i] + "'");
    if (!FullMember(*o))
      return Status::Invalid("seats[" + std::to_string(i) + "]: " + o->name +
                             " is not a Full member in good standing");
    for (const auto& x : t.seats)
      if (x.id == o->id) return Status::Invalid("seats: " + o->name + " is named twice");
    t.seats.push_back({o->id, o->uuid, o->name});
    names += (names.empty() ? "" : ", ") + o->name;
  }
  store::MembershipDecision d;
  d.time = Now();
  d.kind = "board-election";
  d.decided_by = "vote";
  d.actor = a.audit.name;
  d.details = "board elected for " + util::FormatDate(t.starts) + " to " +
              util::FormatDate(t.ends) + ": " + names;
  SANAD_RETURN_IF_ERROR(ms_->AddDecision(&d));
  t.decision_id = d.id;
  SANAD_RETURN_IF_ERROR(ms_->AddBoardTerm(&t));
  SANAD_RETURN_IF_ERROR(
      impl.Audit(a.audit, "membership.board", "board-term", t.uuid, "", d.details));
  return t;
}

StatusOr<SyncReport> Service::SyncAudiences(const audit::Actor& who) {
  SyncReport rep;
  auto rules = CurrentRules();
  if (!rules.ok()) return rules.status();
  std::vector<model::Org> orgs;
  SANAD_RETURN_IF_ERROR(s_->ListOrgs(&orgs));
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
    SANAD_RETURN_IF_ERROR(ms_->ListAudienceGroups(&existing));
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
    auto gid = ms_->GetAudienceGroup(au.key);
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
      SANAD_RETURN_IF_ERROR(s_->AddSharingGroup(&g));
      SANAD_RETURN_IF_ERROR(ms_->SetAudienceGroup(au.key, g.id));
      sg_id = g.id;
      ++rep.groups_created;
      summary += " +group " + au.key;
    }
    auto g = s_->GetSharingGroup(sg_id);
    if (!g.ok()) return g.status();
    if (chair && g->owner.id != chair->id)
      SANAD_RETURN_IF_ERROR(ms_->SetSharingGroupOwner(sg_id, chair->id));
    std::set<int64_t> have;
    for (const auto& m : g->members) have.insert(m.id);
    for (int64_t id : want) {
      if (have.count(id)) continue;
      SANAD_RETURN_IF_ERROR(s_->AddSharingGroupOrg(sg_id, id));
      SANAD_RETURN_IF_ERROR(
          ms_->AddGroupChange({0, sg_id, id, "join", now, "audience " + au.key, "", ""}));
      ++rep.joined;
    }
    for (int64_t id : have) {
      if (want.count(id)) continue;
      SANAD_RETURN_IF_ERROR(ms_->RemoveSharingGroupOrg(sg_id, id));
      SANAD_RETURN_IF_ERROR(
          ms_->AddGroupChange({0, sg_id, id, "leave", now, "audience " + au.key, "", ""}));
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
  return ms_->GetAudienceGroup(key);
}

StatusOr<Register> Service::GetRegister(const Actor& a) {
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
  SANAD_RETURN_IF_ERROR(s_->ListOrgs(&orgs));
  std::vector<store::MembershipPeriod> periods;
  SANAD_RETURN_IF_ERROR(ms_->ListPeriods(&periods));
  std::vector<store::MembershipApplication> apps;
  SANAD_RETURN_IF_ERROR(ms_->ListApplications(&apps));
  std::vector<store::BoardTerm> terms;
  SANAD_RETURN_IF_ERROR(ms_->ListBoardTerms(&terms));
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
        std::vector<store::MembershipSponsor> sp;
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
  std::vector<store::MembershipVote> votes;
  SANAD_RETURN_IF_ERROR(ms_->ListVotes(false, &votes));
  for (const auto& v : votes) {
    if (v.kind == "admission" && v.status == "open") continue;
    auto vv = impl.VoteViewOf(v);
    if (!vv.ok()) return vv.status();
    r.votes.push_back(std::move(*vv));
  }
  SANAD_RETURN_IF_ERROR(ms_->ListGroupChanges(0, &r.group_changes));
  return r;
}

}  // namespace sanad::membership
