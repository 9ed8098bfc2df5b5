// Votes, motions, the chair's handover and board elections
// (membership/membership.h).
#include "membership/internal.h"


#include <set>

#include "util/util.h"

namespace sanad::membership {


StatusOr<VoteView> Service::Cast(const policy::Actor& a, std::string_view vote_uuid,
                                 std::string_view choice, std::string comment) {
  SANAD_IMPL;
  SANAD_RETURN_IF_ERROR(CheckText("comment", comment));
  if (choice != "yes" && choice != "no" && choice != "abstain")
    return Status::Invalid("choice: expected yes, no or abstain, got '" + std::string(choice) +
                           "'");
  auto v = vs_->GetVote(vote_uuid);
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
  model::MembershipBallot b;
  b.vote_id = v->id;
  b.org_id = o.id;
  b.choice = std::string(choice);
  b.time = now;
  b.comment = comment;
  SANAD_RETURN_IF_ERROR(vs_->AddBallot(b));
  SANAD_RETURN_IF_ERROR(impl.Audit(a, "membership.ballot", "vote", v->uuid, "",
                                   o.name + " votes " + b.choice + " on: " + v->motion));
  return impl.VoteViewOf(*v);
}

StatusOr<VoteView> Service::Close(const policy::Actor& who, std::string_view vote_uuid) {
  SANAD_IMPL;
  auto v = vs_->GetVote(vote_uuid);
  if (!v.ok()) return v.status();
  if (v->status != "open") return Status::Conflict("the vote is closed (" + v->status + ")");
  int64_t now = Now();
  std::vector<model::MembershipBallot> ballots;
  SANAD_RETURN_IF_ERROR(vs_->ListBallots(v->id, &ballots));
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
  SANAD_RETURN_IF_ERROR(vs_->UpdateVote(*v));
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

StatusOr<VoteView> Service::GetVote(const policy::Actor& a, std::string_view vote_uuid) {
  SANAD_IMPL;
  auto v = vs_->GetVote(vote_uuid);
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

StatusOr<std::vector<VoteView>> Service::ListVotes(const policy::Actor& a, bool open_only) {
  SANAD_IMPL;
  auto org = impl.Fresh(a);
  if (!org.ok()) return org.status();
  if (*org && !Good(**org))
    return Status::Permission((*org)->name + " is not a member in good standing");
  auto may = impl.MayReadApplications(a, 0);
  if (!may.ok()) return may.status();
  std::vector<model::MembershipVote> votes;
  SANAD_RETURN_IF_ERROR(vs_->ListVotes(open_only, &votes));
  std::vector<VoteView> out;
  for (const auto& v : votes) {
    if (v.kind == "admission" && v.status == "open" && !*may) continue;
    auto vv = impl.VoteViewOf(v);
    if (!vv.ok()) return vv.status();
    out.push_back(std::move(*vv));
  }
  return out;
}

StatusOr<VoteView> Service::OpenMotion(const policy::Actor& a, Motion m, std::string_view org_name,
                                       std::string reason, int64_t opens, int64_t closes) {
  SANAD_IMPL;
  SANAD_RETURN_IF_ERROR(CheckText("reason", reason));
  if (util::Trim(reason).empty()) return Status::Invalid("reason: a motion states its reason");
  auto actor = impl.Fresh(a);
  if (!actor.ok()) return actor.status();
  if (!*actor || !((*actor)->is_chair || (*actor)->category == model::MembershipCategory::kFull) ||
      !Good(**actor))
    return Status::Permission("a motion is moved by the chair or a Full member in good standing");
  auto subject = s_->community().FindOrg(org_name);
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
  std::vector<model::MembershipVote> open;
  SANAD_RETURN_IF_ERROR(vs_->ListVotes(true, &open));
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
  model::MembershipVote v;
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
  SANAD_RETURN_IF_ERROR(vs_->AddVote(&v));
  SANAD_RETURN_IF_ERROR(impl.Audit(
      a, "membership.vote.open", "vote", v.uuid, subject->uuid,
      v.motion + " (moved by " + (*actor)->name + "); closes " + util::FormatIso8601(v.closes)));
  auto fresh = vs_->GetVote(v.uuid);
  if (!fresh.ok()) return fresh.status();
  return impl.VoteViewOf(*fresh);
}

Status Service::HandOverChair(const policy::Actor& a, std::string_view org_name) {
  SANAD_IMPL;
  auto actor = impl.Fresh(a);
  if (!actor.ok()) return actor.status();
  if (*actor && !((*actor)->is_chair && Good(**actor)))
    return Status::Permission("the chair hands over the chair (or the local operator records it)");
  auto to = s_->community().FindOrg(org_name);
  if (!to.ok()) return Status::NotFound("unknown organisation '" + std::string(org_name) + "'");
  if (!FullMember(*to))
    return Status::Permission("the chair passes to a Full member in good standing; " + to->name +
                              " is " + model::Name(to->category) + ", " + model::Name(to->status));
  if (to->is_chair) return Status::Conflict(to->name + " is the chair already");
  std::vector<model::Org> orgs;
  SANAD_RETURN_IF_ERROR(s_->community().ListOrgs(&orgs));
  std::string from = "(none)";
  for (const auto& o : orgs)
    if (o.is_chair) from = o.name;
  SANAD_RETURN_IF_ERROR(s_->community().SetChair(to->id));
  model::MembershipDecision d;
  d.time = Now();
  d.kind = "chair-handover";
  d.subject_org_id = to->id;
  d.decided_by = *actor ? "chair" : "operator";
  d.actor = a.name;
  d.details = "the chair passes from " + from + " to " + to->name;
  SANAD_RETURN_IF_ERROR(ms_->AddDecision(&d));
  SANAD_RETURN_IF_ERROR(impl.Audit(a, "membership.chair", "org", to->uuid, "", d.details));
  auto sync = SyncAudiences(a);
  return sync.ok() ? Status::Ok() : sync.status();
}

StatusOr<model::BoardTerm> Service::RecordBoardElection(const policy::Actor& a,
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
  model::BoardTerm t;
  t.starts = starts ? starts : Now();
  t.ends = AddYears(t.starts, rules->board_term_years);
  std::string names;
  for (size_t i = 0; i < seats.size(); ++i) {
    auto o = s_->community().FindOrg(seats[i]);
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
  model::MembershipDecision d;
  d.time = Now();
  d.kind = "board-election";
  d.decided_by = "vote";
  d.actor = a.name;
  d.details = "board elected for " + util::FormatDate(t.starts) + " to " +
              util::FormatDate(t.ends) + ": " + names;
  SANAD_RETURN_IF_ERROR(ms_->AddDecision(&d));
  t.decision_id = d.id;
  SANAD_RETURN_IF_ERROR(vs_->AddBoardTerm(&t));
  SANAD_RETURN_IF_ERROR(impl.Audit(a, "membership.board", "board-term", t.uuid, "", d.details));
  return t;
}

}  // namespace sanad::membership
