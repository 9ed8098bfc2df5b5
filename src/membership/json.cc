#include "membership/json.h"

#include "util/util.h"

namespace sanad::membership {

namespace json = boost::json;

namespace {

json::value Time(int64_t t) {
  return t ? json::value(util::FormatIso8601(t)) : json::value(nullptr);
}

}  // namespace

json::object ToJson(const ApplicationView& v) {
  const auto& a = v.app;
  boost::system::error_code ec;
  json::value profile = json::parse(a.profile_json, ec);
  if (ec) profile = json::object();
  json::array sponsors;
  for (const auto& s : v.sponsors)
    sponsors.push_back(
        json::object{{"org", json::object{{"uuid", s.org_uuid}, {"name", s.org_name}}},
                     {"country", s.org_country},
                     {"category", model::Name(s.org_category)},
                     {"time", Time(s.time)},
                     {"statement", s.statement}});
  json::object o{{"uuid", a.uuid},
                 {"name", a.name},
                 {"country", a.country},
                 {"kind", model::Name(a.kind)},
                 {"category", model::Name(a.category)},
                 {"status", a.status},
                 {"org_uuid", a.org_uuid},
                 {"profile", profile},
                 {"rules_version", a.rules_version},
                 {"submitted", Time(a.submitted)},
                 {"submitted_by", a.submitted_by},
                 {"decided", Time(a.decided)},
                 {"reason", a.reason},
                 {"sponsorship", v.sponsorship},
                 {"sponsors", std::move(sponsors)}};
  o["vote_uuid"] = v.vote ? json::value(v.vote->uuid) : json::value(nullptr);
  return o;
}

json::object ToJson(const VoteView& vv) {
  const auto& v = vv.vote;
  json::object o{{"uuid", v.uuid},
                 {"kind", v.kind},
                 {"motion", v.motion},
                 {"subject", json::object{{"uuid", v.subject_uuid}, {"name", v.subject_name}}},
                 {"opens", Time(v.opens)},
                 {"closes", Time(v.closes)},
                 {"quorum", v.quorum},
                 {"majority", v.majority},
                 {"eligible", v.eligible},
                 {"ballots_cast", vv.cast},
                 {"status", v.status},
                 {"closed", Time(v.closed)}};
  o["application_uuid"] =
      v.application_uuid.empty() ? json::value(nullptr) : json::value(v.application_uuid);
  if (v.status != "open") {
    o["tally"] = json::object{{"yes", v.yes}, {"no", v.no}, {"abstain", v.abstain}};
    json::array ballots;
    for (const auto& b : vv.ballots)
      ballots.push_back(
          json::object{{"org", json::object{{"uuid", b.org_uuid}, {"name", b.org_name}}},
                       {"choice", b.choice},
                       {"time", Time(b.time)},
                       {"comment", b.comment}});
    o["ballots"] = std::move(ballots);
  }
  return o;
}

json::object ToJson(const model::BoardTerm& t) {
  json::array seats;
  for (const auto& s : t.seats) seats.push_back(json::object{{"uuid", s.uuid}, {"name", s.name}});
  return {{"uuid", t.uuid},
          {"starts", Time(t.starts)},
          {"ends", Time(t.ends)},
          {"seats", std::move(seats)}};
}

json::object ToJson(const std::vector<ApplicationView>& v) {
  json::array a;
  for (const auto& x : v) a.push_back(ToJson(x));
  return {{"applications", std::move(a)}};
}

json::object ToJson(const std::vector<VoteView>& v) {
  json::array a;
  for (const auto& x : v) a.push_back(ToJson(x));
  return {{"votes", std::move(a)}};
}

json::object ToJson(const Register& r) {
  json::array members;
  for (const auto& m : r.members) {
    json::array sponsors;
    for (const auto& s : m.sponsors) sponsors.emplace_back(s);
    members.push_back(json::object{{"uuid", m.org.uuid},
                                   {"name", m.org.name},
                                   {"country", m.org.country},
                                   {"kind", model::Name(m.org.kind)},
                                   {"category", model::Name(m.org.category)},
                                   {"status", model::Name(m.org.status)},
                                   {"chair", m.org.is_chair},
                                   {"board", m.board},
                                   {"since", Time(m.since)},
                                   {"founding", m.founding},
                                   {"sponsors", std::move(sponsors)}});
  }
  json::array decisions;
  for (const auto& d : r.decisions) {
    json::object o{{"uuid", d.uuid},
                   {"time", Time(d.time)},
                   {"kind", d.kind},
                   {"subject", json::object{{"uuid", d.subject_uuid}, {"name", d.subject_name}}},
                   {"decided_by", d.decided_by},
                   {"actor", d.actor},
                   {"details", d.details}};
    o["application_uuid"] =
        d.application_uuid.empty() ? json::value(nullptr) : json::value(d.application_uuid);
    o["vote_uuid"] = d.vote_uuid.empty() ? json::value(nullptr) : json::value(d.vote_uuid);
    decisions.push_back(std::move(o));
  }
  json::array votes;
  for (const auto& v : r.votes) votes.push_back(ToJson(v));
  json::array changes;
  for (const auto& c : r.group_changes)
    changes.push_back(json::object{{"time", Time(c.time)},
                                   {"org", c.org_name},
                                   {"sharing_group", c.group_name},
                                   {"action", c.action},
                                   {"reason", c.reason}});
  json::object o{{"rules_version", r.rules_version},
                 {"members", std::move(members)},
                 {"decisions", std::move(decisions)},
                 {"votes", std::move(votes)},
                 {"sharing_group_changes", std::move(changes)}};
  o["board"] = r.board ? json::value(ToJson(*r.board)) : json::value(nullptr);
  return o;
}

json::object ToJson(const std::vector<AudienceWarning>& w) {
  json::array a;
  for (const auto& x : w)
    a.push_back(
        json::object{{"item", x.item}, {"tlp", model::TlpLabel(x.tlp)}, {"message", x.message}});
  return {{"warnings", std::move(a)}};
}

StatusOr<ApplicationInput> ParseApplicationJson(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Status::Invalid("request body: not JSON: " + ec.message());
  if (!v.is_object()) return Status::Invalid("$: must be an object");
  const auto& o = v.as_object();
  ApplicationInput in;
  auto str = [&](const char* key, bool required, std::string* out) -> Status {
    const json::value* x = o.if_contains(key);
    if (!x)
      return required ? Status::Invalid(std::string("$.") + key + ": is required") : Status::Ok();
    if (!x->is_string()) return Status::Invalid(std::string("$.") + key + ": must be a string");
    *out = std::string(x->as_string());
    return Status::Ok();
  };
  std::string kind = "national-cert", category;
  SANAD_RETURN_IF_ERROR(str("name", true, &in.name));
  SANAD_RETURN_IF_ERROR(str("country", true, &in.country));
  SANAD_RETURN_IF_ERROR(str("kind", false, &kind));
  SANAD_RETURN_IF_ERROR(str("category", true, &category));
  SANAD_RETURN_IF_ERROR(str("uuid", false, &in.org_uuid));
  if (!model::Parse(kind, &in.kind)) return Status::Invalid("$.kind: unknown kind '" + kind + "'");
  if (!model::Parse(category, &in.category))
    return Status::Invalid("$.category: unknown category '" + category + "'");
  const json::value* p = o.if_contains("profile");
  if (!p || !p->is_object())
    return Status::Invalid("$.profile: must be an object (RFC 2350 profile)");
  in.profile_json = json::serialize(*p);
  return in;
}

}  // namespace sanad::membership
