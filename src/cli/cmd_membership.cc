// sanad membership ...: rules, applications, sponsorship, decisions, votes,
// motions (suspend, revoke, reinstate), chair handover, board elections,
// audiences, the register and the TLP audience check. Each command is one
// transaction; clock-driven rules (votes closing, applications lapsing) are
// applied first (membership::Service::Tick).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "cli/context.h"
#include "cli/options.h"
#include "cli/register.h"
#include "formats/misp.h"
#include "membership/json.h"
#include "membership/membership.h"
#include "util/util.h"

namespace sanad::cli {

namespace {

using policy::Actor;

constexpr size_t kMaxInputBytes = 64u << 20;

struct Args {
  std::string as, target, choice, file, reason, statement, comment, opens, closes, starts;
  std::string name, country, kind = "national-cert", category, uuid;
  std::vector<std::string> seats;
  bool accept = false, reject = false, open_only = false;
  int64_t version = 0;
};

StatusOr<std::string> ReadInput(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io(path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > kMaxInputBytes)
    return Status::Limit(path + ": larger than " + std::to_string(kMaxInputBytes) + " bytes");
  return s;
}

// "14d", "36h", "2w", "90m" from now; or a date, ISO-8601 time or Unix time.
bool ParseFuture(const std::string& s, int64_t* out) {
  if (s.size() > 1 && std::string("mhdw").find(s.back()) != std::string::npos &&
      std::all_of(s.begin(), s.end() - 1, ::isdigit) && s.size() < 10) {
    int64_t n = std::stoll(s.substr(0, s.size() - 1));
    char u = s.back();
    *out = util::Now() + n * (u == 'w' ? 604800 : u == 'd' ? 86400 : u == 'h' ? 3600 : 60);
    return true;
  }
  if (!s.empty() && s.size() <= 12 && std::all_of(s.begin(), s.end(), ::isdigit)) {
    *out = std::stoll(s);
    return true;
  }
  return util::ParseIso8601(s, out);
}

std::string Date(int64_t t) { return t ? util::FormatIso8601(t) : "-"; }

// The result of a service call: JSON with --json; otherwise `print(*v)`,
// which --quiet silences unless `even_quiet` (reads print anyway).
template <class T, class Print>
Status Show(const Context& ctx, StatusOr<T> v, Print print, bool even_quiet = false) {
  if (!v.ok()) return v.status();
  if (ctx.json)
    std::cout << boost::json::serialize(membership::ToJson(*v)) << "\n";
  else if (even_quiet || !ctx.quiet)
    print(*v);
  return Status::Ok();
}

// Runs `fn` in one transaction with a Service and the acting org (--as,
// optional), after applying the clock-driven rules.
int WithService(const Context& ctx, const std::string& as,
                const std::function<Status(membership::Service&, const Actor&)>& fn) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  store::Transaction tx(s->get());
  if (!tx.status().ok()) return Fail(tx.status());
  Actor actor = CliActor();
  if (!as.empty()) {
    auto org = (*s)->community().FindOrg(as);
    if (!org.ok()) return Fail(Status::NotFound("unknown organisation '" + as + "'"));
    actor = CliActor(&*org);
  }
  membership::Service svc(s->get());
  auto ticked = svc.Tick(membership::ClockActor());
  if (!ticked.ok()) return Fail(ticked.status());
  Status st = fn(svc, actor);
  if (!st.ok()) return Fail(st);
  st = tx.Commit();
  if (!st.ok()) return Fail(st);
  return kExitOk;
}

void PrintApplication(const membership::ApplicationView& v, bool details) {
  const auto& a = v.app;
  std::cout << "application " << a.uuid << ": " << util::EscapeForTerminal(a.name) << " ("
            << util::EscapeForTerminal(a.country) << ", " << model::Name(a.kind) << ") for "
            << model::Name(a.category) << " membership\n"
            << "  status      " << util::EscapeForTerminal(a.status) << " ("
            << util::EscapeForTerminal(v.sponsorship) << ")\n";
  if (!v.sponsors.empty()) {
    std::cout << "  sponsors    ";
    for (size_t i = 0; i < v.sponsors.size(); ++i)
      std::cout << (i ? ", " : "") << util::EscapeForTerminal(v.sponsors[i].org_name) << " ("
                << util::EscapeForTerminal(v.sponsors[i].org_country) << ")";
    std::cout << "\n";
  }
  if (v.vote)
    std::cout << "  vote        " << v.vote->uuid << " " << v.vote->status << ", closes "
              << Date(v.vote->closes) << "\n";
  if (a.decided)
    std::cout << "  decided     " << Date(a.decided) << ": " << util::EscapeForTerminal(a.reason)
              << "\n";
  if (details) {
    std::cout << "  submitted   " << Date(a.submitted) << " by "
              << util::EscapeForTerminal(a.submitted_by) << " (rules v" << a.rules_version << ")\n"
              << "  profile     " << a.profile_json << "\n";
  }
}

void PrintVote(const membership::VoteView& vv) {
  const auto& v = vv.vote;
  std::cout << "vote " << v.uuid << " (" << util::EscapeForTerminal(v.kind)
            << "): " << util::EscapeForTerminal(v.motion) << "\n"
            << "  " << util::EscapeForTerminal(v.status) << "; opens " << Date(v.opens)
            << ", closes " << Date(v.closes) << "; " << vv.cast << " of " << v.eligible
            << " ballots cast; quorum " << v.quorum << ", majority " << v.majority << "\n";
  if (v.status != "open") {
    std::cout << "  result: " << v.yes << " yes, " << v.no << " no, " << v.abstain << " abstain\n";
    for (const auto& b : vv.ballots)
      std::cout << "    " << util::EscapeForTerminal(b.org_name) << ": "
                << util::EscapeForTerminal(b.choice)
                << (b.comment.empty() ? "" : " (" + util::EscapeForTerminal(b.comment) + ")")
                << "\n";
  }
}

int CmdRulesShow(const Context& ctx, const Args& a) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  membership::Service svc(s->get());
  StatusOr<membership::Rules> r = Status::Internal("unset");
  if (a.version) {
    auto row = svc.store()->membership_rules().GetRules(a.version);
    if (!row.ok()) return Fail(row.status());
    r = membership::ParseRules(row->rules_json);
    if (r.ok()) r->version = row->version;
  } else {
    r = svc.CurrentRules();
  }
  if (!r.ok()) return Fail(r.status());
  std::cout << membership::RulesJson(*r, !ctx.json);
  if (ctx.json) std::cout << "\n";
  return kExitOk;
}

int CmdRulesSet(const Context& ctx, const Args& a) {
  auto text = ReadInput(a.file);
  if (!text.ok()) return Fail(text.status());
  auto rules = membership::ParseRules(*text);
  if (!rules.ok()) return Fail(rules.status().WithContext(a.file));
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    auto v = svc.SetRules(actor, *rules);
    if (!v.ok()) return v.status();
    if (!ctx.quiet) std::cout << "community rules version " << *v << " in force\n";
    return Status::Ok();
  });
}

int CmdApply(const Context& ctx, const Args& a) {
  membership::ApplicationInput in;
  in.name = a.name;
  in.country = a.country;
  in.org_uuid = a.uuid;
  if (!model::Parse(a.kind, &in.kind)) return Usage("--kind: unknown kind '" + a.kind + "'");
  if (!model::Parse(a.category, &in.category))
    return Usage("--category: unknown category '" + a.category + "'");
  auto profile = ReadInput(a.file);
  if (!profile.ok()) return Fail(profile.status());
  in.profile_json = *profile;
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    auto v = svc.Apply(actor, in);
    if (!v.ok())
      return v.status().code() == Status::Code::kInvalid ? v.status().WithContext(a.file)
                                                         : v.status();
    if (ctx.json)
      std::cout << boost::json::serialize(membership::ToJson(*v)) << "\n";
    else if (!ctx.quiet)
      PrintApplication(*v, false);
    return Status::Ok();
  });
}

int CmdApplications(const Context& ctx, const Args& a) {
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    return Show(
        ctx, svc.ListApplications(actor),
        [](const auto& list) {
          std::vector<std::vector<std::string>> rows;
          for (const auto& v : list)
            rows.push_back({v.app.uuid, v.app.name, v.app.country, model::Name(v.app.category),
                            v.app.status, v.sponsorship, util::FormatDate(v.app.submitted)});
          PrintTable({"UUID", "NAME", "CC", "CATEGORY", "STATUS", "SPONSORSHIP", "SUBMITTED"},
                     rows);
        },
        true);
  });
}

int CmdShow(const Context& ctx, const Args& a) {
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    return Show(
        ctx, svc.GetApplication(actor, a.target),
        [](const membership::ApplicationView& v) { PrintApplication(v, true); }, true);
  });
}

int CmdSponsor(const Context& ctx, const Args& a) {
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    return Show(ctx, svc.Sponsor(actor, a.target, a.statement), [&](const auto& v) {
      std::cout << util::EscapeForTerminal(actor.org.name) << " sponsors "
                << util::EscapeForTerminal(v.app.name) << ": "
                << util::EscapeForTerminal(v.sponsorship) << " -> "
                << util::EscapeForTerminal(v.app.status);
      if (v.vote)
        std::cout << " (vote " << v.vote->uuid << " closes " << Date(v.vote->closes) << ")";
      std::cout << "\n";
    });
  });
}

int CmdDecide(const Context& ctx, const Args& a) {
  if (a.accept == a.reject)
    return Usage("membership decide: give exactly one of --accept or --reject");
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    return Show(ctx, svc.Decide(actor, a.target, a.accept, a.reason),
                [](const membership::ApplicationView& v) { PrintApplication(v, false); });
  });
}

int CmdVote(const Context& ctx, const Args& a) {
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    return Show(ctx, svc.Cast(actor, a.target, a.choice, a.comment), [&](const auto& v) {
      std::cout << util::EscapeForTerminal(actor.org.name) << " voted "
                << util::EscapeForTerminal(a.choice) << " (" << v.cast << " of " << v.vote.eligible
                << " ballots cast; closes " << Date(v.vote.closes) << ")\n";
    });
  });
}

int CmdVotesList(const Context& ctx, const Args& a) {
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    return Show(
        ctx, svc.ListVotes(actor, a.open_only),
        [](const auto& list) {
          std::vector<std::vector<std::string>> rows;
          for (const auto& v : list)
            rows.push_back({v.vote.uuid, v.vote.kind, v.vote.subject_name, v.vote.status,
                            std::to_string(v.cast) + "/" + std::to_string(v.vote.eligible),
                            util::FormatDate(v.vote.closes)});
          PrintTable({"UUID", "KIND", "SUBJECT", "STATUS", "BALLOTS", "CLOSES"}, rows);
        },
        true);
  });
}

int CmdVotesShow(const Context& ctx, const Args& a) {
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    return Show(
        ctx, svc.GetVote(actor, a.target), [](const membership::VoteView& v) { PrintVote(v); },
        true);
  });
}

int CmdVotesClose(const Context& ctx, const Args& a) {
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    // Tick may have closed it already (closing time passed).
    auto v = svc.store()->membership_votes().GetVote(a.target);
    if (!v.ok()) return v.status();
    StatusOr<membership::VoteView> vv = Status::Internal("unset");
    if (v->status == "open")
      vv = svc.Close(actor, a.target);
    else
      vv = svc.GetVote(actor, a.target);
    return Show(ctx, std::move(vv), [](const membership::VoteView& v) { PrintVote(v); });
  });
}

int CmdMotion(const Context& ctx, const Args& a, membership::Motion m) {
  int64_t opens = 0, closes = 0;
  if (!a.opens.empty() && !ParseFuture(a.opens, &opens))
    return Usage("--opens: cannot read time '" + a.opens + "'");
  if (!a.closes.empty() && !ParseFuture(a.closes, &closes))
    return Usage("--closes: cannot read time '" + a.closes + "' (e.g. 14d, 2026-12-31)");
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    return Show(ctx, svc.OpenMotion(actor, m, a.target, a.reason, opens, closes),
                [](const membership::VoteView& v) { PrintVote(v); });
  });
}

int CmdChair(const Context& ctx, const Args& a) {
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    SANAD_RETURN_IF_ERROR(svc.HandOverChair(actor, a.target));
    if (!ctx.quiet) std::cout << "the chair is now " << util::EscapeForTerminal(a.target) << "\n";
    return Status::Ok();
  });
}

int CmdBoardElect(const Context& ctx, const Args& a) {
  int64_t starts = 0;
  if (!a.starts.empty() && !ParseFuture(a.starts, &starts))
    return Usage("--starts: cannot read time '" + a.starts + "'");
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    auto t = svc.RecordBoardElection(actor, a.seats, starts);
    if (!t.ok()) return t.status();
    if (ctx.json) {
      std::cout << boost::json::serialize(membership::ToJson(*t)) << "\n";
    } else if (!ctx.quiet) {
      std::cout << "board " << util::FormatDate(t->starts) << " to " << util::FormatDate(t->ends)
                << ": ";
      for (size_t i = 0; i < t->seats.size(); ++i)
        std::cout << (i ? ", " : "") << util::EscapeForTerminal(t->seats[i].name);
      std::cout << "\n";
    }
    return Status::Ok();
  });
}

int CmdBoardShow(const Context& ctx, const Args& a) {
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    std::vector<model::BoardTerm> terms;
    SANAD_RETURN_IF_ERROR(svc.store()->membership_votes().ListBoardTerms(&terms));
    if (ctx.json) {
      std::string out = "{\"terms\": [";
      for (size_t i = 0; i < terms.size(); ++i)
        out += (i ? ", " : "") + boost::json::serialize(membership::ToJson(terms[i]));
      std::cout << out << "]}\n";
      return Status::Ok();
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : terms) {
      std::string seats;
      for (const auto& s : t.seats) seats += (seats.empty() ? "" : ", ") + s.name;
      rows.push_back({util::FormatDate(t.starts), util::FormatDate(t.ends), seats});
    }
    PrintTable({"STARTS", "ENDS", "SEATS"}, rows);
    return Status::Ok();
  });
}

int CmdAudiencesSync(const Context& ctx, const Args& a) {
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    auto r = svc.SyncAudiences(actor);
    if (!r.ok()) return r.status();
    if (!ctx.quiet)
      std::cout << "audiences: " << r->groups_created << " groups created, " << r->joined
                << " joins, " << r->left << " leaves\n";
    return Status::Ok();
  });
}

int CmdAudiencesList(const Context& ctx, const Args& a) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  std::vector<std::pair<std::string, int64_t>> auds;
  Status st = (*s)->membership_rules().ListAudienceGroups(&auds);
  if (!st.ok()) return Fail(st);
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, id] : auds) {
    auto g = (*s)->community().GetSharingGroup(id);
    if (!g.ok()) return Fail(g.status());
    rows.push_back({key, g->name, g->uuid, std::to_string(g->members.size())});
  }
  PrintTable({"AUDIENCE", "SHARING GROUP", "UUID", "MEMBERS"}, rows);
  return kExitOk;
}

int CmdRegister(const Context& ctx, const Args& a) {
  return WithService(ctx, a.as, [&](membership::Service& svc, const Actor& actor) -> Status {
    auto r = svc.GetRegister(actor);
    if (!r.ok()) return r.status();
    if (ctx.json) {
      std::cout << boost::json::serialize(membership::ToJson(*r)) << "\n";
      return Status::Ok();
    }
    std::cout << "Membership register (rules v" << r->rules_version << ")\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : r->members) {
      std::string sponsors;
      for (const auto& x : m.sponsors) sponsors += (sponsors.empty() ? "" : ", ") + x;
      std::string role = m.org.is_chair ? "chair" : m.board ? "board" : "";
      rows.push_back({m.org.name, m.org.country, model::Name(m.org.category),
                      model::Name(m.org.status) + (role.empty() ? "" : " (" + role + ")"),
                      util::FormatDate(m.since) + (m.founding ? " (founding)" : ""),
                      sponsors.empty() ? "-" : sponsors});
    }
    PrintTable({"MEMBER", "CC", "CATEGORY", "STATUS", "SINCE", "SPONSORS"}, rows);
    if (!r->decisions.empty()) {
      std::cout << "Decisions:\n";
      for (const auto& d : r->decisions)
        std::cout << "  " << util::FormatDate(d.time) << " " << util::EscapeForTerminal(d.kind)
                  << " by " << util::EscapeForTerminal(d.decided_by) << ": "
                  << util::EscapeForTerminal(d.details) << "\n";
    }
    if (!r->votes.empty()) {
      std::cout << "Votes:\n";
      for (const auto& v : r->votes) {
        std::cout << "  " << v.vote.uuid.substr(0, 8) << " " << util::EscapeForTerminal(v.vote.kind)
                  << " " << util::EscapeForTerminal(v.vote.subject_name) << ": "
                  << util::EscapeForTerminal(v.vote.status);
        if (v.vote.status == "open")
          std::cout << " (" << v.cast << " of " << v.vote.eligible << " ballots, closes "
                    << util::FormatDate(v.vote.closes) << ")";
        else {
          std::cout << " (";
          for (size_t i = 0; i < v.ballots.size(); ++i)
            std::cout << (i ? ", " : "") << util::EscapeForTerminal(v.ballots[i].org_name) << " "
                      << util::EscapeForTerminal(v.ballots[i].choice);
          std::cout << ")";
        }
        std::cout << "\n";
      }
    }
    return Status::Ok();
  });
}

int CmdCheckEvent(const Context& ctx, const Args& a) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  model::Event ev;
  if (util::IsUuid(a.target)) {
    auto org = ResolveActingOrg(s->get(), a.as);
    if (!org.ok()) return Fail(org.status());
    auto v = (*s)->community().ViewerFor(org->id);
    if (!v.ok()) return Fail(v.status());
    auto e = (*s)->events().GetEvent(*v, a.target);
    if (!e.ok()) return Fail(e.status());
    ev = std::move(*e);
  } else {
    auto text = ReadInput(a.target);
    if (!text.ok()) return Fail(text.status());
    formats::ParseNotes notes;
    Status st = formats::ParseMispEventJson(*text, a.target, &ev, &notes);
    if (!st.ok()) return Fail(st);
  }
  auto w = membership::CheckEventAudience(s->get(), ev);
  if (!w.ok()) return Fail(w.status());
  if (ctx.json) {
    std::cout << boost::json::serialize(membership::ToJson(*w)) << "\n";
    return kExitOk;
  }
  std::string tlp = model::TlpLabel(model::StrictestTlp(ev.tags));
  std::cout << "event " << ev.uuid << " (" << (tlp.empty() ? "no TLP" : tlp) << ", distribution "
            << model::Name(ev.distribution)
            << (ev.distribution == model::Distribution::kSharingGroup
                    ? " '" +
                          util::EscapeForTerminal(ev.sharing_group.name.empty()
                                                      ? ev.sharing_group.uuid
                                                      : ev.sharing_group.name) +
                          "'"
                    : "")
            << "): ";
  if (w->empty()) {
    std::cout << "the audience fits the marking\n";
    return kExitOk;
  }
  std::cout << w->size() << " warning(s)\n";
  for (const auto& x : *w)
    std::cout << "  WARNING " << util::EscapeForTerminal(x.item) << ": "
              << util::EscapeForTerminal(x.message) << "\n";
  return kExitOk;
}

int CmdTick(const Context& ctx, const Args&) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  store::Transaction tx(s->get());
  if (!tx.status().ok()) return Fail(tx.status());
  membership::Service svc(s->get());
  auto n = svc.Tick(membership::ClockActor());
  if (!n.ok()) return Fail(n.status());
  Status st = tx.Commit();
  if (!st.ok()) return Fail(st);
  if (!ctx.quiet) std::cout << *n << " vote(s) closed or application(s) lapsed\n";
  return kExitOk;
}

}  // namespace

void RegisterMembershipCommands(CLI::App* app, Context* ctx, int* rc) {
  static Args a;
  auto* m = AddGroup(app, "membership",
                     "Membership governance: applications, sponsors, votes, register, audiences");
  // A command reading TARGET (a uuid or an organisation; none when `target`
  // is null) and --as.
  auto add = [ctx, rc](CLI::App* parent, const char* name, const char* help,
                       int (*run)(const Context&, const Args&), const char* target,
                       const char* target_help, const char* as_help, bool as_required = false) {
    auto* c = AddCommand(parent, name, help, rc, [ctx, run] { return run(*ctx, a); });
    if (target) c->add_option(target, a.target, target_help)->required();
    AddAs(c, &a.as, as_help, as_required);
    return c;
  };
  {
    auto* r = AddGroup(m, "rules", "The community rules (versioned)");
    auto* show = AddCommand(r, "show", "Print the rules in force (JSON)", rc,
                            [ctx] { return CmdRulesShow(*ctx, a); });
    show->add_option("--version", a.version, "An older version");
    auto* set = AddCommand(r, "set", "Store a new version of the rules (chair or operator)", rc,
                           [ctx] { return CmdRulesSet(*ctx, a); });
    set->add_option("FILE", a.file, "Rules JSON (missing members keep their defaults)")->required();
    AddAs(set, &a.as, "Acting organisation (the chair)", false);
  }
  {
    auto* c =
        AddCommand(m, "apply", "Submit an application (operator, chair, or an org for itself)", rc,
                   [ctx] { return CmdApply(*ctx, a); });
    c->add_option("NAME", a.name, "Applicant organisation")->required();
    c->add_option("--country", a.country, "ISO 3166-1 alpha-2")->required();
    c->add_option("--kind", a.kind, "national-cert|sector-cert|industry|observer")
        ->capture_default_str();
    c->add_option("--category", a.category, "full|general|professional|affiliate|commercial")
        ->required();
    c->add_option("--profile", a.file,
                  "RFC 2350 profile (JSON: contacts, constituency, services, public_keys)")
        ->required();
    c->add_option("--uuid", a.uuid, "uuid for the new organisation");
    AddAs(c, &a.as, "Acting organisation", false);
  }
  add(m, "applications", "List applications (Full members and the chair)", CmdApplications, nullptr,
      nullptr, "Viewing organisation");
  add(m, "show", "One application with its profile and sponsors", CmdShow, "APPLICATION",
      "Application uuid", "Viewing organisation");
  add(m, "sponsor", "Endorse an application as a member in good standing", CmdSponsor,
      "APPLICATION", "Application uuid", "Sponsoring organisation", true)
      ->add_option("--statement", a.statement, "Why the sponsor endorses the applicant");
  {
    auto* c = AddCommand(m, "decide",
                         "The chair accepts or rejects an application (chair-decided categories)",
                         rc, [ctx] { return CmdDecide(*ctx, a); });
    c->add_option("APPLICATION", a.target, "Application uuid")->required();
    c->add_flag("--accept", a.accept, "Accept");
    c->add_flag("--reject", a.reject, "Reject");
    c->add_option("--reason", a.reason, "Reason recorded in the register");
    AddAs(c, &a.as, "The chair");
  }
  {
    auto* c = AddCommand(m, "vote", "Cast a ballot as a Full member", rc,
                         [ctx] { return CmdVote(*ctx, a); });
    c->add_option("VOTE", a.target, "Vote uuid")->required();
    c->add_option("CHOICE", a.choice, "yes|no|abstain")->required();
    c->add_option("--comment", a.comment, "Comment recorded with the ballot");
    AddAs(c, &a.as, "Voting organisation");
  }
  {
    auto* v = AddGroup(m, "votes", "List, show and close votes");
    auto* l = AddCommand(v, "list", "Votes (open admission votes: Full members and the chair)", rc,
                         [ctx] { return CmdVotesList(*ctx, a); });
    l->add_flag("--open", a.open_only, "Open votes only");
    AddAs(l, &a.as, "Viewing organisation", false);
    add(v, "show", "One vote (ballots once closed)", CmdVotesShow, "VOTE", "Vote uuid",
        "Viewing organisation");
    add(v, "close", "Close a vote (after its closing time, or when everyone voted)", CmdVotesClose,
        "VOTE", "Vote uuid", "Acting organisation");
  }
  struct MotionCmd {
    const char* name;
    const char* help;
    membership::Motion m;
  };
  for (const MotionCmd& mc :
       {MotionCmd{"suspend", "Open a vote on suspending a member", membership::Motion::kSuspension},
        MotionCmd{"revoke", "Open a vote on revoking a membership",
                  membership::Motion::kRevocation},
        MotionCmd{"reinstate", "Open a vote on reinstating a suspended member",
                  membership::Motion::kReinstatement}}) {
    auto* c = AddCommand(m, mc.name, mc.help, rc,
                         [ctx, motion = mc.m] { return CmdMotion(*ctx, a, motion); });
    c->add_option("ORG", a.target, "Organisation")->required();
    c->add_option("--reason", a.reason, "The motion's reason")->required();
    c->add_option("--opens", a.opens, "Opening time (default now)");
    c->add_option("--closes", a.closes, "Closing time: 14d, 2w, a date (default: the rules)");
    AddAs(c, &a.as, "Moving organisation (the chair or a Full member)");
  }
  add(m, "chair", "Hand the chair over to a Full member", CmdChair, "ORG", "The new chair",
      "The current chair");
  {
    auto* b = AddGroup(m, "board", "Board elections");
    auto* e = AddCommand(b, "elect", "Record an elected board (Full members)", rc,
                         [ctx] { return CmdBoardElect(*ctx, a); });
    e->add_option("ORG", a.seats, "Elected members")->required();
    e->add_option("--starts", a.starts, "Start of the term (default now)");
    AddAs(e, &a.as, "The chair", false);
    AddCommand(b, "show", "Board terms", rc, [ctx] { return CmdBoardShow(*ctx, a); });
  }
  {
    auto* au = AddGroup(m, "audiences", "Sharing groups that follow membership");
    AddCommand(au, "sync", "Bring the audience groups in line with membership", rc,
               [ctx] { return CmdAudiencesSync(*ctx, a); });
    AddCommand(au, "list", "The audience groups", rc, [ctx] { return CmdAudiencesList(*ctx, a); });
  }
  add(m, "register", "The membership register (members, decisions, votes)", CmdRegister, nullptr,
      nullptr, "Reading organisation");
  add(m, "check-event",
      "Warn when an event's audience is wider than its TLP:RED/AMBER+STRICT marking", CmdCheckEvent,
      "EVENT", "MISP JSON file, or the uuid of a stored event",
      "Organisation that reads a stored event");
  AddCommand(m, "tick", "Apply clock-driven rules (close due votes, lapse applications)", rc,
             [ctx] { return CmdTick(*ctx, a); });
}

}  // namespace sanad::cli
