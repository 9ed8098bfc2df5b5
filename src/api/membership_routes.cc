// Membership governance: rules, applications, sponsorship, decisions, votes,
// motions, chair handover, board, audiences, the register and the TLP
// audience check (src/membership; docs/membership.md).
//
// Who may do what is decided by membership::Service from the caller's
// organisation. Writes on behalf of an organisation (applying, sponsoring,
// voting, moving a motion, deciding as the chair, rules, chair, board)
// additionally need an org-admin or admin user. Every request is one
// transaction under the write lock, after the clock-driven rules ran.
#include <mutex>

#include "api/json.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/services.h"
#include "community/json.h"
#include "formats/misp.h"
#include "membership/json.h"
#include "membership/membership.h"
#include "util/util.h"

namespace sanad::api {

namespace {

bool MayActForOrg(const policy::Actor& a) {
  return a.user.role == model::Role::kAdmin || a.user.role == model::Role::kOrgAdmin;
}

// Runs `fn` (which fills `body`) in one transaction with the clock-driven
// rules applied first; replies `status` with the body.
void Run(
    Call& c, bool write, int status,
    const std::function<Status(membership::Service&, const policy::Actor&, std::string*)>& fn) {
  if (write && !MayActForOrg(*c.actor))
    return c.Error(403, "forbidden",
                   "membership actions are taken by an org-admin or admin of the organisation");
  std::lock_guard<std::mutex> l(c.svc->write_mutex());
  store::Transaction tx(c.store);
  if (!tx.status().ok()) return c.Fail(tx.status());
  membership::Service svc(c.store);
  auto ticked = svc.Tick(membership::ClockActor());
  if (!ticked.ok()) return c.Fail(ticked.status());
  std::string body;
  Status st = fn(svc, *c.actor, &body);
  if (st.ok()) st = tx.Commit();
  if (!st.ok()) return c.Fail(st);
  c.Json(status, body + "\n");
}

// Run() for a service call that returns an item (StatusOr), replied with
// the item's JSON (membership::ToJson).
template <class Fn>
void RunAndSend(Call& c, bool write, int status, Fn&& fn) {
  Run(c, write, status,
      [&](membership::Service& svc, const policy::Actor& a, std::string* out) -> Status {
        auto v = fn(svc, a);
        if (!v.ok()) return v.status();
        *out = boost::json::serialize(membership::ToJson(*v));
        return Status::Ok();
      });
}

Status Str(const json::object& o, std::string_view key, std::string* out, bool required) {
  return GetString(o, key, out, required);
}

void GetRules(Call& c) {
  Run(c, false, 200, [&](membership::Service& svc, const policy::Actor&, std::string* out) {
    auto r = svc.CurrentRules();
    if (!r.ok()) return r.status();
    *out = membership::RulesJson(*r);
    return Status::Ok();
  });
}

void PutRules(Call& c) {
  auto rules = membership::ParseRules(c.req.body);
  if (!rules.ok()) return c.Fail(rules.status().WithContext("request body"));
  Run(c, true, 200, [&](membership::Service& svc, const policy::Actor& a, std::string* out) {
    auto v = svc.SetRules(a, *rules);
    if (!v.ok()) return v.status();
    auto now = svc.CurrentRules();
    if (!now.ok()) return now.status();
    *out = membership::RulesJson(*now);
    return Status::Ok();
  });
}

void ListApplications(Call& c) {
  RunAndSend(c, false, 200, [&](membership::Service& svc, const policy::Actor& a) {
    return svc.ListApplications(a);
  });
}

void Apply(Call& c) {
  auto in = membership::ParseApplicationJson(c.req.body);
  if (!in.ok()) return c.Fail(in.status());
  RunAndSend(c, true, 201,
             [&](membership::Service& svc, const policy::Actor& a) { return svc.Apply(a, *in); });
}

void GetApplication(Call& c) {
  RunAndSend(c, false, 200, [&](membership::Service& svc, const policy::Actor& a) {
    return svc.GetApplication(a, c.Param("uuid"));
  });
}

void SponsorApplication(Call& c) {
  auto body = c.req.body.empty() ? StatusOr<json::object>(json::object()) : BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string statement;
  Status st = Str(*body, "statement", &statement, false);
  if (!st.ok()) return c.Fail(st);
  RunAndSend(c, true, 200, [&](membership::Service& svc, const policy::Actor& a) {
    return svc.Sponsor(a, c.Param("uuid"), statement);
  });
}

void DecideApplication(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string decision, reason;
  Status st = Str(*body, "decision", &decision, true);
  if (st.ok()) st = Str(*body, "reason", &reason, false);
  if (!st.ok()) return c.Fail(st);
  if (decision != "accept" && decision != "reject")
    return c.Fail(Status::Invalid("$.decision: expected accept or reject"));
  RunAndSend(c, true, 200, [&](membership::Service& svc, const policy::Actor& a) {
    return svc.Decide(a, c.Param("uuid"), decision == "accept", reason);
  });
}

void ListVotes(Call& c) {
  std::optional<bool> open;
  Status st = QueryBool(c.req, "open", &open);
  if (!st.ok()) return c.Fail(st);
  RunAndSend(c, false, 200, [&](membership::Service& svc, const policy::Actor& a) {
    return svc.ListVotes(a, open.value_or(false));
  });
}

void GetVote(Call& c) {
  RunAndSend(c, false, 200, [&](membership::Service& svc, const policy::Actor& a) {
    return svc.GetVote(a, c.Param("uuid"));
  });
}

void CastBallot(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string choice, comment;
  Status st = Str(*body, "choice", &choice, true);
  if (st.ok()) st = Str(*body, "comment", &comment, false);
  if (!st.ok()) return c.Fail(st);
  Run(c, true, 200, [&](membership::Service& svc, const policy::Actor& a, std::string* out) {
    auto v = svc.Cast(a, c.Param("uuid"), choice, comment);
    if (!v.ok())
      return v.status().code() == Status::Code::kInvalid
                 ? Status::Invalid("$." + v.status().message())
                 : v.status();
    *out = boost::json::serialize(membership::ToJson(*v));
    return Status::Ok();
  });
}

void CloseVote(Call& c) {
  Run(c, false, 200, [&](membership::Service& svc, const policy::Actor& a, std::string* out) {
    auto v = svc.store()->membership_votes().GetVote(c.Param("uuid"));
    if (!v.ok()) return v.status();
    StatusOr<membership::VoteView> vv =
        v->status == "open" ? svc.Close(a, c.Param("uuid")) : svc.GetVote(a, c.Param("uuid"));
    if (!vv.ok()) return vv.status();
    *out = boost::json::serialize(membership::ToJson(*vv));
    return Status::Ok();
  });
}

void OpenMotion(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string kind, org, reason;
  int64_t opens = 0, closes = 0;
  Status st = Str(*body, "kind", &kind, true);
  if (st.ok()) st = Str(*body, "org", &org, true);
  if (st.ok()) st = Str(*body, "reason", &reason, true);
  if (st.ok()) st = GetTime(*body, "opens", &opens);
  if (st.ok()) st = GetTime(*body, "closes", &closes);
  if (!st.ok()) return c.Fail(st);
  membership::Motion m;
  if (kind == "suspension")
    m = membership::Motion::kSuspension;
  else if (kind == "revocation")
    m = membership::Motion::kRevocation;
  else if (kind == "reinstatement")
    m = membership::Motion::kReinstatement;
  else
    return c.Fail(Status::Invalid("$.kind: expected suspension, revocation or reinstatement"));
  RunAndSend(c, true, 201, [&](membership::Service& svc, const policy::Actor& a) {
    return svc.OpenMotion(a, m, org, reason, opens, closes);
  });
}

void HandOverChair(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::string org;
  Status st = Str(*body, "org", &org, true);
  if (!st.ok()) return c.Fail(st);
  Run(c, true, 200, [&](membership::Service& svc, const policy::Actor& a, std::string* out) {
    SANAD_RETURN_IF_ERROR(svc.HandOverChair(a, org));
    auto o = c.store->community().FindOrg(org);
    if (!o.ok()) return o.status();
    *out = Text(community::ToJson(*o));
    out->pop_back();
    return Status::Ok();
  });
}

void GetBoard(Call& c) {
  Run(c, false, 200, [&](membership::Service& svc, const policy::Actor&, std::string* out) {
    std::vector<model::BoardTerm> terms;
    SANAD_RETURN_IF_ERROR(svc.store()->membership_votes().ListBoardTerms(&terms));
    *out = "{\"terms\": [";
    for (size_t i = 0; i < terms.size(); ++i)
      *out += (i ? ", " : "") + boost::json::serialize(membership::ToJson(terms[i]));
    *out += "]}";
    return Status::Ok();
  });
}

void ElectBoard(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  std::vector<std::string> seats;
  int64_t starts = 0;
  Status st = GetStringList(*body, "seats", &seats);
  if (st.ok()) st = GetTime(*body, "starts", &starts);
  if (!st.ok()) return c.Fail(st);
  Run(c, true, 201, [&](membership::Service& svc, const policy::Actor& a, std::string* out) {
    auto t = svc.RecordBoardElection(a, seats, starts);
    if (!t.ok()) return t.status().WithContext("$");
    *out = boost::json::serialize(membership::ToJson(*t));
    return Status::Ok();
  });
}

void GetRegister(Call& c) {
  RunAndSend(c, false, 200,
             [&](membership::Service& svc, const policy::Actor& a) { return svc.GetRegister(a); });
}

void ListAudiences(Call& c) {
  Run(c, false, 200, [&](membership::Service& svc, const policy::Actor&, std::string* out) {
    std::vector<std::pair<std::string, int64_t>> auds;
    SANAD_RETURN_IF_ERROR(svc.store()->membership_rules().ListAudienceGroups(&auds));
    json::array arr;
    for (const auto& [key, id] : auds) {
      auto g = c.store->community().GetSharingGroup(id);
      if (!g.ok()) return g.status();
      json::object o = community::ToJson(*g);
      o["audience"] = key;
      arr.push_back(std::move(o));
    }
    *out = json::serialize(json::object{{"audiences", std::move(arr)}});
    return Status::Ok();
  });
}

void SyncAudiences(Call& c) {
  if (!c.actor->community_admin)
    return c.Error(403, "forbidden", "the community's administrators synchronise audiences");
  Run(c, true, 200, [&](membership::Service& svc, const policy::Actor& a, std::string* out) {
    auto r = svc.SyncAudiences(a);
    if (!r.ok()) return r.status();
    *out = json::serialize(json::object{
        {"groups_created", r->groups_created}, {"joined", r->joined}, {"left", r->left}});
    return Status::Ok();
  });
}

void CheckEvent(Call& c) {
  auto body = BodyObject(c.req);
  if (!body.ok()) return c.Fail(body.status());
  if (!body->contains("Event")) (*body) = json::object{{"Event", std::move(*body)}};
  if (auto* e = body->at("Event").if_object(); e && !e->contains("uuid"))
    (*e)["uuid"] = util::NewUuid();
  model::Event ev;
  formats::ParseNotes notes;
  Status st = formats::ParseMispEventJson(json::serialize(*body), "request body", &ev, &notes);
  if (!st.ok()) return c.Fail(st);
  auto w = membership::CheckEventAudience(c.store, ev);
  if (!w.ok()) return c.Fail(w.status());
  c.Json(200, boost::json::serialize(membership::ToJson(*w)) + "\n");
}

constexpr const char kUuidParam[] = R"({"$ref": "#/components/parameters/Uuid"})";

std::string Op(const std::string& id, const std::string& summary, const std::string& extra,
               const std::string& ok_code, const std::string& ok_schema) {
  std::string s = R"({"operationId": ")" + id + R"(", "summary": ")" + summary + "\"";
  if (!extra.empty()) s += ", " + extra;
  s += R"(, "responses": {")" + ok_code +
       R"(": {"description": "OK", "content": {"application/json": {"schema": )" + ok_schema +
       R"(}}}, "400": {"$ref": "#/components/responses/Invalid"},
       "403": {"$ref": "#/components/responses/Forbidden"},
       "404": {"$ref": "#/components/responses/NotFound"},
       "409": {"$ref": "#/components/responses/Error"}}})";
  return s;
}

std::string Body(const std::string& schema) {
  return R"("requestBody": {"required": true, "content": {"application/json": {"schema": )" +
         schema + "}}}";
}

std::string Ref(const std::string& name) {
  return R"({"$ref": "#/components/schemas/)" + name + "\"}";
}

}  // namespace

void RegisterMembershipRoutes(Router* r) {
  r->AddComponent("schemas", "MembershipRules", R"({"type": "object",
    "description": "Community rules (docs/membership.md); missing members keep their defaults.",
    "properties": {"version": {"type": "integer"},
      "categories": {"type": "object", "additionalProperties": {"type": "object", "properties": {
        "sponsors": {"type": "integer"}, "sponsor_categories": {"type": "array", "items": {"type": "string"}},
        "sponsor_kinds": {"type": "array", "items": {"type": "string"}},
        "distinct_countries": {"type": "integer"}, "decision": {"enum": ["vote", "chair"]}}}},
      "admission_vote": {"type": "object"}, "sanction_vote": {"type": "object"},
      "application_days": {"type": "integer"}, "board": {"type": "object"},
      "default_distribution": {"type": "string"}, "audiences": {"type": "array"},
      "country_audiences": {"type": "boolean"}}})");
  r->AddComponent("schemas", "MembershipApplication", R"({"type": "object", "properties": {
    "uuid": {"type": "string", "format": "uuid"}, "name": {"type": "string"},
    "country": {"type": "string"}, "kind": {"type": "string"}, "category": {"type": "string"},
    "status": {"enum": ["awaiting-sponsors", "voting", "awaiting-decision", "accepted", "rejected", "lapsed"]},
    "org_uuid": {"type": "string"}, "profile": {"type": "object"},
    "sponsorship": {"type": "string"}, "sponsors": {"type": "array", "items": {"type": "object"}},
    "vote_uuid": {"type": ["string", "null"]}, "submitted": {"type": "string", "format": "date-time"},
    "decided": {"type": ["string", "null"]}, "reason": {"type": "string"}}})");
  r->AddComponent("schemas", "MembershipVote", R"({"type": "object", "properties": {
    "uuid": {"type": "string", "format": "uuid"},
    "kind": {"enum": ["admission", "suspension", "revocation", "reinstatement"]},
    "motion": {"type": "string"}, "subject": {"type": "object"},
    "opens": {"type": "string"}, "closes": {"type": "string"},
    "quorum": {"type": "string"}, "majority": {"type": "string"}, "eligible": {"type": "integer"},
    "ballots_cast": {"type": "integer"},
    "status": {"enum": ["open", "passed", "failed", "no-quorum"]},
    "tally": {"type": "object"},
    "ballots": {"type": "array", "description": "Every ballot, once the vote is closed", "items": {"type": "object"}}}})");
  r->AddComponent("schemas", "BoardTerm", R"({"type": "object", "properties": {
    "uuid": {"type": "string"}, "starts": {"type": "string"}, "ends": {"type": "string"},
    "seats": {"type": "array", "items": {"type": "object"}}}})");
  r->AddComponent("schemas", "AudienceWarnings", R"({"type": "object", "properties": {
    "warnings": {"type": "array", "items": {"type": "object", "properties": {
      "item": {"type": "string"}, "tlp": {"type": "string"}, "message": {"type": "string"}}}}}})");

  const std::string base = "/api/v1/membership";
  r->Add({"GET", base + "/rules", Access::kRead, GetRules,
          Op("getMembershipRules", "The community rules in force", "", "200",
             Ref("MembershipRules"))});
  r->Add({"PUT", base + "/rules", Access::kWrite, PutRules,
          Op("setMembershipRules", "Store a new version of the rules (the chair)",
             Body(Ref("MembershipRules")), "200", Ref("MembershipRules"))});
  r->Add({"GET", base + "/applications", Access::kRead, ListApplications,
          Op("listApplications", "Applications (Full members and the chair)", "", "200",
             R"({"type": "object", "properties": {"applications": {"type": "array", "items": )" +
                 Ref("MembershipApplication") + "}}}")});
  r->Add({"POST", base + "/applications", Access::kWrite, Apply,
          Op("applyForMembership",
             "Submit an application (the chair for a newcomer, or an org for itself)",
             Body(R"({"type": "object", "required": ["name", "country", "category", "profile"],
               "properties": {"name": {"type": "string"}, "country": {"type": "string"},
               "kind": {"type": "string"}, "category": {"type": "string"},
               "uuid": {"type": "string", "format": "uuid"},
               "profile": {"type": "object", "description": "RFC 2350 profile: contacts, constituency, services, public_keys, policies"}}})"),
             "201", Ref("MembershipApplication"))});
  r->Add(
      {"GET", base + "/applications/{uuid}", Access::kRead, GetApplication,
       Op("getApplication", "One application", std::string("\"parameters\": [") + kUuidParam + "]",
          "200", Ref("MembershipApplication"))});
  r->Add(
      {"POST", base + "/applications/{uuid}/sponsors", Access::kWrite, SponsorApplication,
       Op("sponsorApplication", "Endorse an application as the caller's organisation",
          std::string("\"parameters\": [") + kUuidParam + R"(], "requestBody": {"required": false,
               "content": {"application/json": {"schema": {"type": "object", "properties": {
               "statement": {"type": "string"}}}}}})",
          "200", Ref("MembershipApplication"))});
  r->Add({"POST", base + "/applications/{uuid}/decision", Access::kWrite, DecideApplication,
          Op("decideApplication", "The chair accepts or rejects (chair-decided categories)",
             std::string("\"parameters\": [") + kUuidParam + "], " +
                 Body(R"({"type": "object", "required": ["decision"], "properties": {
                   "decision": {"enum": ["accept", "reject"]}, "reason": {"type": "string"}}})"),
             "200", Ref("MembershipApplication"))});
  r->Add({"GET", base + "/votes", Access::kRead, ListVotes,
          Op("listVotes", "Votes (ballots of closed votes)",
             R"("parameters": [{"name": "open", "in": "query", "schema": {"type": "boolean"}}])",
             "200",
             R"({"type": "object", "properties": {"votes": {"type": "array", "items": )" +
                 Ref("MembershipVote") + "}}}")});
  r->Add({"GET", base + "/votes/{uuid}", Access::kRead, GetVote,
          Op("getVote", "One vote", std::string("\"parameters\": [") + kUuidParam + "]", "200",
             Ref("MembershipVote"))});
  r->Add({"POST", base + "/votes/{uuid}/ballots", Access::kWrite, CastBallot,
          Op("castBallot", "Cast the caller's organisation's ballot (Full members)",
             std::string("\"parameters\": [") + kUuidParam + "], " +
                 Body(R"({"type": "object", "required": ["choice"], "properties": {
                   "choice": {"enum": ["yes", "no", "abstain"]}, "comment": {"type": "string"}}})"),
             "200", Ref("MembershipVote"))});
  r->Add({"POST", base + "/votes/{uuid}/close", Access::kWrite, CloseVote,
          Op("closeVote", "Close a vote after its closing time, or once everyone voted",
             std::string("\"parameters\": [") + kUuidParam + "]", "200", Ref("MembershipVote"))});
  r->Add({"POST", base + "/motions", Access::kWrite, OpenMotion,
          Op("openMotion", "Open a vote on suspending, revoking or reinstating a member",
             Body(R"({"type": "object", "required": ["kind", "org", "reason"], "properties": {
               "kind": {"enum": ["suspension", "revocation", "reinstatement"]},
               "org": {"type": "string"}, "reason": {"type": "string"},
               "opens": {"type": ["integer", "string"]}, "closes": {"type": ["integer", "string"]}}})"),
             "201", Ref("MembershipVote"))});
  r->Add(
      {"POST", base + "/chair", Access::kWrite, HandOverChair,
       Op("handOverChair", "The chair hands the chair to a Full member",
          Body(
              R"({"type": "object", "required": ["org"], "properties": {"org": {"type": "string"}}})"),
          "200", Ref("Org"))});
  r->Add({"GET", base + "/board", Access::kRead, GetBoard,
          Op("getBoard", "Board terms", "", "200",
             R"({"type": "object", "properties": {"terms": {"type": "array", "items": )" +
                 Ref("BoardTerm") + "}}}")});
  r->Add({"POST", base + "/board", Access::kWrite, ElectBoard,
          Op("recordBoardElection", "Record an elected board (the chair)",
             Body(R"({"type": "object", "required": ["seats"], "properties": {
               "seats": {"type": "array", "items": {"type": "string"}},
               "starts": {"type": ["integer", "string"]}}})"),
             "201", Ref("BoardTerm"))});
  r->Add({"GET", base + "/register", Access::kRead, GetRegister,
          Op("getMembershipRegister",
             "The register: members, categories, since when, sponsors, decisions, votes", "", "200",
             R"({"type": "object", "properties": {"rules_version": {"type": "integer"},
               "members": {"type": "array", "items": {"type": "object"}},
               "decisions": {"type": "array", "items": {"type": "object"}},
               "votes": {"type": "array", "items": )" +
                 Ref("MembershipVote") + R"(},
               "board": {"oneOf": [)" +
                 Ref("BoardTerm") + R"(, {"type": "null"}]},
               "sharing_group_changes": {"type": "array", "items": {"type": "object"}}}})")});
  r->Add(
      {"GET", base + "/audiences", Access::kRead, ListAudiences,
       Op("listAudiences", "Sharing groups that follow membership", "", "200",
          R"({"type": "object", "properties": {"audiences": {"type": "array", "items": {"type": "object"}}}})")});
  r->Add({"POST", base + "/audiences/sync", Access::kWrite, SyncAudiences,
          Op("syncAudiences", "Bring the audience groups in line with membership (administrators)",
             "", "200",
             R"({"type": "object", "properties": {"groups_created": {"type": "integer"},
               "joined": {"type": "integer"}, "left": {"type": "integer"}}})")});
  r->Add(
      {"POST", base + "/check-event", Access::kRead, CheckEvent,
       Op("checkEventAudience",
          "Warn when a MISP event marked TLP:RED or TLP:AMBER+STRICT reaches a wider audience",
          Body(
              R"({"type": "object", "description": "A MISP event: {\"Event\": {...}} or the bare event object"})"),
          "200", Ref("AudienceWarnings"))});
}

}  // namespace sanad::api
