// Membership applications: applying, sponsorship and decisions
// (membership/membership.h).
#include "membership/internal.h"

#include <set>

#include "util/util.h"

namespace sanad::membership {

StatusOr<ApplicationView> Service::Apply(const policy::Actor& a, ApplicationInput in) {
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

  model::MembershipApplication app;
  app.name = in.name;
  app.country = in.country;
  app.kind = in.kind;
  app.category = in.category;
  app.profile_json = *profile;
  if (auto existing = s_->community().FindOrg(in.name); existing.ok()) {
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
  std::vector<model::MembershipApplication> apps;
  SANAD_RETURN_IF_ERROR(ms_->ListApplications(&apps));
  for (const auto& x : apps)
    if (Pending(x.status) && util::ToLower(x.name) == util::ToLower(app.name))
      return Status::Conflict(app.name + " has a pending application (" + x.uuid + ")");
  app.status = kAwaitingSponsors;
  app.rules_version = rules->version;
  app.submitted = Now();
  app.submitted_by = a.name + (a.has_org() ? " (" + a.org.name + ")" : "");
  SANAD_RETURN_IF_ERROR(ms_->AddApplication(&app));
  SANAD_RETURN_IF_ERROR(
      impl.Audit(a, "membership.apply", "application", app.uuid, "",
                 app.name + " applies for " + model::Name(app.category) + " membership"));
  SANAD_RETURN_IF_ERROR(impl.Advance(a, *rules, &app));
  return impl.View(app);
}

StatusOr<ApplicationView> Service::GetApplication(const policy::Actor& a, std::string_view uuid) {
  SANAD_IMPL;
  auto app = ms_->GetApplication(uuid);
  if (!app.ok()) return app.status();
  auto may = impl.MayReadApplications(a, app->org_id);
  if (!may.ok()) return may.status();
  if (!*may) return Status::Permission("applications are visible to Full members and the chair");
  return impl.View(*app);
}

StatusOr<std::vector<ApplicationView>> Service::ListApplications(const policy::Actor& a) {
  SANAD_IMPL;
  std::vector<model::MembershipApplication> apps;
  SANAD_RETURN_IF_ERROR(ms_->ListApplications(&apps));
  auto all = impl.MayReadApplications(a, 0);
  if (!all.ok()) return all.status();
  std::vector<ApplicationView> out;
  for (const auto& app : apps) {
    if (!*all && !(a.has_org() && app.org_id == a.org.id)) continue;
    auto v = impl.View(app);
    if (!v.ok()) return v.status();
    out.push_back(std::move(*v));
  }
  if (!*all && out.empty())
    return Status::Permission("applications are visible to Full members and the chair");
  return out;
}

StatusOr<ApplicationView> Service::Sponsor(const policy::Actor& a, std::string_view app_uuid,
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
  model::MembershipSponsor sp;
  sp.application_id = app->id;
  sp.org_id = o.id;
  sp.time = Now();
  sp.statement = statement;
  SANAD_RETURN_IF_ERROR(ms_->AddSponsor(sp));
  SANAD_RETURN_IF_ERROR(impl.Audit(a, "membership.sponsor", "application", app->uuid, "",
                                   o.name + " sponsors " + app->name));
  SANAD_RETURN_IF_ERROR(impl.Advance(a, *rules, &*app));
  return impl.View(*app);
}

StatusOr<ApplicationView> Service::Decide(const policy::Actor& a, std::string_view app_uuid,
                                          bool accept, std::string reason) {
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
    SANAD_RETURN_IF_ERROR(impl.Accept(a, &*app, "chair", 0, reason));
  else
    SANAD_RETURN_IF_ERROR(impl.Reject(a, &*app, "chair", 0, reason));
  return impl.View(*app);
}

}  // namespace sanad::membership
