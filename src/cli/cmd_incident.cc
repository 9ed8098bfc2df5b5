// sanad incident ... and sanad rfa ...: incident coordination between
// members (docs/incidents.md). Every command acts --as a member org, runs in
// one transaction and prints after the commit.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "cli/context.h"
#include "cli/options.h"
#include "cli/register.h"
#include "incident/incident.h"
#include "incident/json.h"
#include "intel/correlation.h"
#include "model/types.h"
#include "util/util.h"

namespace sanad::cli {

namespace {

namespace json = boost::json;
using incident::Coordinator;
using policy::Actor;

// Opens the store, resolves --as, runs `fn` in one transaction and prints
// what it wrote to `out` after the commit.
int Run(const Context& ctx, const std::string& as,
        const std::function<Status(Coordinator&, const Actor&, store::Store*, std::string*)>& fn) {
  std::string out;
  int rc = InTransactionAs(ctx, as, [&](store::Store* s, const model::Org& org) -> Status {
    auto co = Coordinator::Create(s);
    if (!co.ok()) return co.status();
    return fn(**co, CliActor(&org), s, &out);
  });
  if (rc == kExitOk && (!ctx.quiet || ctx.json)) std::cout << out;
  return rc;
}

std::string J(const json::value& v) { return json::serialize(v) + "\n"; }

// The JSON array of `items` (incident::ToJson), a line.
template <class T>
std::string JArray(const std::vector<T>& items) {
  json::array arr;
  for (const auto& x : items) arr.push_back(incident::ToJson(x));
  return J(arr);
}

// Run() for a coordinator call that returns an item: prints its JSON with
// --json, else text(item).
template <class CallFn, class TextFn>
int RunItem(const Context& ctx, const std::string& as, CallFn call, TextFn text) {
  return Run(ctx, as,
             [&](Coordinator& co, const Actor& c, store::Store*, std::string* out) -> Status {
               auto x = call(co, c);
               if (!x.ok()) return x.status();
               *out = ctx.json ? J(incident::ToJson(*x)) : std::string(text(*x));
               return Status::Ok();
             });
}

std::string Time(model::Timestamp t) { return t ? util::FormatIso8601(t) : "-"; }

// "+4h" (from now), "30h" (ago), an ISO-8601 date/time or Unix seconds.
bool ParseWhen(const std::string& s, int64_t* out) {
  if (!s.empty() && s[0] == '+') {
    int64_t secs = 0;
    if (!incident::ParseDuration(s.substr(1), &secs)) return false;
    *out = util::Now() + secs;
    return true;
  }
  return ParseTimeArg(s, out);
}

std::string Tlp(model::Tlp t) {
  const char* l = model::TlpLabel(t);
  return *l ? l : "-";
}

std::string ClockLine(const incident::ClockView& c) {
  std::string s = std::string(incident::Name(c.kind)) + " " + incident::Name(c.state);
  if (c.state == incident::ClockState::kNotStarted) return s;
  s += " (" + incident::FormatDuration(c.elapsed);
  if (c.target) s += " of " + incident::FormatDuration(c.target);
  return s + ")";
}

std::vector<std::vector<std::string>> SummaryRows(
    const std::vector<incident::IncidentSummary>& list) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : list) {
    const auto& i = s.incident;
    std::string overdue;
    for (const auto& c : s.clocks)
      if (c.state == incident::ClockState::kOverdue)
        overdue += (overdue.empty() ? "" : ",") + std::string(incident::Name(c.kind));
    if (s.overdue_tasks)
      overdue += (overdue.empty() ? "" : ",") + std::to_string(s.overdue_tasks) + " task(s)";
    rows.push_back({i.uuid, model::Name(i.status), model::Name(i.severity), Tlp(i.tlp),
                    i.rsit_class + ":" + i.rsit_type, i.affected_org.name,
                    overdue.empty() ? "-" : overdue, i.title});
  }
  return rows;
}

std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows) {
  std::ostringstream os;
  std::streambuf* old = std::cout.rdbuf(os.rdbuf());
  PrintTable(header, rows);
  std::cout.rdbuf(old);
  return os.str();
}

std::string ViewText(const incident::IncidentView& v) {
  const auto& i = v.summary.incident;
  std::ostringstream o;
  o << "incident    " << i.uuid << "\n"
    << "title       " << i.title << "\n"
    << "status      " << model::Name(i.status)
    << (i.duplicate_of_uuid.empty() ? "" : " of " + i.duplicate_of_uuid) << "\n"
    << "class       " << i.rsit_class << ":" << i.rsit_type << "\n"
    << "severity    " << model::Name(i.severity) << "   " << Tlp(i.tlp)
    << (i.pap == model::Pap::kNone ? "" : "   " + model::PapTagName(i.pap)) << "\n"
    << "affected    " << i.affected_org.name
    << (i.affected_country.empty() ? "" : " (" + i.affected_country + ")") << "\n"
    << "coordinator " << i.coordinator_org.name << "\n";
  if (!v.participants.empty()) {
    o << "helpers     ";
    for (size_t k = 0; k < v.participants.size(); ++k)
      o << (k ? ", " : "") << v.participants[k].org.name;
    o << "\n";
  }
  o << "opened      " << Time(i.opened) << "\n";
  o << "clocks      ";
  for (size_t k = 0; k < v.summary.clocks.size(); ++k)
    o << (k ? "\n            " : "") << ClockLine(v.summary.clocks[k]);
  o << "\n";
  o << "reports     " << v.reports.size() << ", indicators " << v.indicators.size() << ", links "
    << v.links.size() << ", comments " << v.comments.size() << "\n";
  for (const auto& r : v.rfas) {
    o << "rfa         " << r.rfa.uuid << " " << model::Name(r.rfa.kind) << " "
      << model::Name(r.rfa.status) << " (" << r.offer_count << " offer(s))\n";
    for (const auto& f : r.offers)
      o << "  offer     " << f.uuid << " " << f.org.name << " " << model::Name(f.status) << ": "
        << f.description << (f.by_when ? " by " + Time(f.by_when) : "") << "\n";
  }
  for (const auto& t : v.tasks)
    o << "task        " << t.task.uuid << " " << model::Name(t.task.status) << " "
      << t.task.assignee_org.name << " due " << Time(t.task.due) << (t.overdue ? " OVERDUE" : "")
      << ": " << t.task.title << "\n";
  return o.str();
}

// ---- argument bundles ----

struct ReportArgs {
  std::string as, incident, third_party, contact, description, affected, country, received;
  std::vector<std::string> indicators, attachments;
  std::string title, cls = "other", type, severity = "medium", tlp = "amber", pap, coordinator;
};
struct UpdateArgs {
  std::string as, uuid;
  std::optional<std::string> title, description, cls, type, severity, tlp, pap, coordinator,
      country;
};
struct StatusArgs {
  std::string as, uuid, status, note, duplicate_of;
};
struct SimpleArgs {
  std::string as, uuid, text, type, comment, format = "json", output;
  bool open = false;
  std::vector<std::string> statuses;
};
struct TaskArgs {
  std::string as, uuid, title, description, org, user, due, status, note, text;
};
struct LinkArgs {
  std::string as, uuid, event, attribute;
};
struct PromoteArgs {
  std::string as, uuid, distribution = "1", sharing_group, info, tlp;
  std::vector<int64_t> ids;
};
struct SlaArgs {
  std::string as, severity, clock, duration;
};
struct RfaArgs {
  std::string as, incident, kind, description, audience = "all-members", sharing_group, needed_by;
  std::vector<std::string> orgs;
};
struct OfferArgs {
  std::string as, uuid, description, by, note;
};

Status ParseIndicator(const std::string& s, model::Indicator* out) {
  // TYPE:VALUE when TYPE is a MISP type, else VALUE with a guessed type.
  size_t c = s.find(':');
  if (c != std::string::npos && c > 0 && s.find("://") != c &&
      model::FindType(s.substr(0, c)) != nullptr) {
    out->type = s.substr(0, c);
    out->value = s.substr(c + 1);
  } else {
    out->value = s;
  }
  return Status::Ok();
}

int CmdReport(const Context& ctx, const ReportArgs& a) {
  incident::NewReport r;
  r.incident_uuid = a.incident;
  r.third_party = !a.third_party.empty();
  r.reporter_name = a.third_party;
  r.reporter_contact = a.contact;
  if (!a.contact.empty() && !r.third_party) return Usage("--contact: only with --third-party");
  r.description = a.description;
  r.affected_org = a.affected;
  r.affected_country = a.country;
  if (!a.received.empty() && !ParseWhen(a.received, &r.received))
    return Usage("--received: cannot read time '" + a.received + "'");
  for (const auto& s : a.indicators) {
    model::Indicator ind;
    ParseIndicator(s, &ind);
    r.indicators.push_back(ind);
  }
  for (const auto& s : a.attachments) {
    model::Attachment at;
    size_t c = s.rfind(':');
    if (c == std::string::npos) return Usage("--attachment: expected NAME:SHA256, got '" + s + "'");
    at.name = s.substr(0, c);
    at.sha256 = s.substr(c + 1);
    r.attachments.push_back(at);
  }
  r.title = a.title;
  r.rsit_class = a.cls;
  r.rsit_type = a.type;
  r.severity = a.severity;
  r.tlp = a.tlp;
  r.pap = a.pap;
  r.coordinator = a.coordinator;
  return Run(ctx, a.as, [&](Coordinator& co, const Actor& c, store::Store*, std::string* out) {
    auto f = co.FileReport(c, r);
    if (!f.ok()) return f.status();
    if (ctx.json) {
      *out = J(json::object{{"created", f->created},
                            {"incident", incident::ToJson(f->incident)},
                            {"report", incident::ToJson(f->report)}});
    } else {
      *out = (f->created ? "opened incident " : "added report to incident ") + f->incident.uuid +
             " (" + model::Name(f->incident.status) + ", " + f->incident.rsit_class + ":" +
             f->incident.rsit_type + ", " + model::Name(f->incident.severity) + ", coordinator " +
             f->incident.coordinator_org.name + ")\n";
    }
    return Status::Ok();
  });
}

int CmdList(const Context& ctx, const SimpleArgs& a, bool overdue) {
  incident::IncidentFilter f;
  f.open_only = a.open;
  for (const auto& s : a.statuses) {
    model::IncidentStatus st;
    if (!model::Parse(s, &st)) return Usage("--status: unknown status '" + s + "'");
    f.statuses.push_back(st);
  }
  return Run(ctx, a.as, [&](Coordinator& co, const Actor& c, store::Store*, std::string* out) {
    std::vector<incident::IncidentSummary> list;
    Status st = overdue ? co.Overdue(c, &list) : co.List(c, f, &list);
    if (!st.ok()) return st;
    if (ctx.json) {
      *out = JArray(list);
    } else if (list.empty()) {
      *out = overdue ? "nothing overdue\n" : "no incidents\n";
    } else {
      *out = Table({"UUID", "STATUS", "SEVERITY", "TLP", "CLASS", "AFFECTED", "OVERDUE", "TITLE"},
                   SummaryRows(list));
    }
    return Status::Ok();
  });
}

int CmdShow(const Context& ctx, const SimpleArgs& a) {
  return Run(ctx, a.as, [&](Coordinator& co, const Actor& c, store::Store*, std::string* out) {
    auto v = co.Get(c, a.uuid);
    if (!v.ok()) return v.status();
    *out = ctx.json ? incident::ToJsonText(*v) : ViewText(*v);
    return Status::Ok();
  });
}

int CmdExport(const Context& ctx, const SimpleArgs& a) {
  if (a.format != "json" && a.format != "iodef")
    return Usage("--format: expected json or iodef, got '" + a.format + "'");
  std::string doc;
  int rc = Run(ctx, a.as, [&](Coordinator& co, const Actor& c, store::Store*, std::string*) {
    auto d = a.format == "json" ? co.ExportJson(c, a.uuid) : co.ExportIodef(c, a.uuid);
    if (!d.ok()) return d.status();
    doc = std::move(*d);
    return Status::Ok();
  });
  if (rc != kExitOk) return rc;
  if (a.output.empty() || a.output == "-") {
    std::cout << doc;
    return kExitOk;
  }
  std::ofstream f(a.output, std::ios::binary);
  f << doc;
  if (!f) return Fail(Status::Io("cannot write " + a.output));
  if (!ctx.quiet) std::cerr << "wrote " << a.output << "\n";
  return kExitOk;
}

int CmdUpdate(const Context& ctx, const UpdateArgs& a) {
  incident::IncidentChanges ch{a.title, a.description, a.cls,         a.type,   a.severity,
                               a.tlp,   a.pap,         a.coordinator, a.country};
  return RunItem(
      ctx, a.as, [&](Coordinator& co, const Actor& c) { return co.Update(c, a.uuid, ch); },
      [&](const auto& inc) { return "updated incident " + inc.uuid + "\n"; });
}

int CmdStatus(const Context& ctx, const StatusArgs& a) {
  model::IncidentStatus to;
  if (!model::Parse(a.status, &to))
    return Usage(
        "STATUS: expected new, triage, in-progress, contained, resolved, closed, "
        "rejected or duplicate, got '" +
        a.status + "'");
  return RunItem(
      ctx, a.as,
      [&](Coordinator& co, const Actor& c) {
        return co.SetStatus(c, a.uuid, to, a.note, a.duplicate_of);
      },
      [&](const auto& inc) {
        return "incident " + inc.uuid + " is " + model::Name(inc.status) + "\n";
      });
}

int CmdIndicator(const Context& ctx, const SimpleArgs& a) {
  model::Indicator ind;
  ind.type = a.type;
  ind.value = a.text;
  ind.comment = a.comment;
  return RunItem(
      ctx, a.as, [&](Coordinator& co, const Actor& c) { return co.AddIndicator(c, a.uuid, ind); },
      [&](const auto& r) {
        return "indicator " + std::to_string(r.id) + " " + r.type + " " + r.value + "\n";
      });
}

int CmdComment(const Context& ctx, const SimpleArgs& a) {
  return RunItem(
      ctx, a.as, [&](Coordinator& co, const Actor& c) { return co.AddComment(c, a.uuid, a.text); },
      [&](const auto& r) { return "comment " + r.uuid + "\n"; });
}

int CmdTaskAdd(const Context& ctx, const TaskArgs& a) {
  incident::NewTask t{a.uuid, a.title, a.description, a.org, a.user, 0};
  if (!a.due.empty() && !ParseWhen(a.due, &t.due))
    return Usage("--due: cannot read time '" + a.due + "' (use +2d, a date or ISO-8601)");
  return RunItem(
      ctx, a.as, [&](Coordinator& co, const Actor& c) { return co.AddTask(c, t); },
      [&](const auto& r) {
        return "task " + r.uuid + " for " + r.assignee_org.name + ", due " + Time(r.due) + ": " +
               r.title + "\n";
      });
}

int CmdTaskStatus(const Context& ctx, const TaskArgs& a) {
  model::TaskStatus to;
  if (!model::Parse(a.status, &to))
    return Usage("STATUS: expected waiting, in-progress, done or cancelled, got '" + a.status +
                 "'");
  return RunItem(
      ctx, a.as,
      [&](Coordinator& co, const Actor& c) { return co.SetTaskStatus(c, a.uuid, to, a.note); },
      [&](const auto& r) { return "task " + r.uuid + " is " + model::Name(r.status) + "\n"; });
}

int CmdTaskLog(const Context& ctx, const TaskArgs& a) {
  return RunItem(
      ctx, a.as, [&](Coordinator& co, const Actor& c) { return co.LogWork(c, a.uuid, a.text); },
      [&](const auto& r) { return "logged work on task " + a.uuid + "\n"; });
}

int CmdLink(const Context& ctx, const LinkArgs& a) {
  if (a.event.empty() == a.attribute.empty())
    return Usage("incident link: give exactly one of --event or --attribute");
  return Run(ctx, a.as, [&](Coordinator& co, const Actor& c, store::Store*, std::string* out) {
    std::string kind = a.event.empty() ? "attribute" : "event";
    Status st = co.Link(c, a.uuid, kind, a.event.empty() ? a.attribute : a.event);
    if (!st.ok()) return st;
    *out = ctx.json ? J(json::object{{"linked", true}}) : "linked " + kind + "\n";
    return Status::Ok();
  });
}

int CmdPromote(const Context& ctx, const PromoteArgs& a) {
  model::Distribution d;
  if (!model::Parse(a.distribution, &d) || d == model::Distribution::kInherit)
    return Usage("--distribution: expected 0-4 or a name, got '" + a.distribution + "'");
  return Run(ctx, a.as, [&](Coordinator& co, const Actor& c, store::Store*, std::string* out) {
    auto ev = co.Promote(c, a.uuid, a.ids, d, a.sharing_group, a.info, a.tlp);
    if (!ev.ok()) return ev.status();
    *out = ctx.json ? J(json::object{{"event_uuid", *ev}})
                    : "promoted into event " + *ev + " (distribution " + model::Name(d) + ")\n";
    return Status::Ok();
  });
}

int CmdSeen(const Context& ctx, const SimpleArgs& a) {
  return Run(ctx, a.as, [&](Coordinator& co, const Actor& c, store::Store* s, std::string* out) {
    auto settings = intel::LoadCorrelationSettings(s);
    if (!settings.ok()) return settings.status();
    auto index = intel::OpenCorrelationIndex(s, ctx.data_dir);
    if (!index.ok()) return index.status();
    std::vector<incident::SeenIndicator> seen;
    Status st = co.SeenElsewhere(c, a.uuid, **index, *settings, &seen);
    if (!st.ok()) return st;
    if (ctx.json) {
      *out = JArray(seen);
      return Status::Ok();
    }
    if (seen.empty()) {
      *out = "no indicators in linked intelligence\n";
      return Status::Ok();
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& x : seen) {
      std::string orgs;
      for (const auto& o : x.correlated_orgs) orgs += (orgs.empty() ? "" : ", ") + o;
      rows.push_back({x.type, x.value, std::to_string(x.correlated_events),
                      orgs.empty() ? "-" : orgs, std::to_string(x.sightings[0])});
    }
    *out = Table({"TYPE", "VALUE", "OTHER EVENTS", "ALSO REPORTED BY", "SIGHTINGS"}, rows);
    return Status::Ok();
  });
}

int CmdSlaShow(const Context& ctx) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  auto sla = incident::LoadSla(s->get());
  if (!sla.ok()) return Fail(sla.status());
  if (ctx.json) {
    std::cout << J(incident::ToJson(*sla));
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (int sv = 3; sv >= 0; --sv) {
    std::vector<std::string> row{model::Name(static_cast<model::Severity>(sv))};
    for (int k = 0; k < incident::kClockKinds; ++k)
      row.push_back(sla->seconds[sv][k] ? incident::FormatDuration(sla->seconds[sv][k]) : "-");
    rows.push_back(row);
  }
  PrintTable({"SEVERITY", "ACKNOWLEDGE", "FIRST-OFFER", "CONTAINMENT", "RESOLUTION"}, rows);
  return kExitOk;
}

int CmdSlaSet(const Context& ctx, const SlaArgs& a) {
  model::Severity sv;
  incident::ClockKind k;
  int64_t secs = 0;
  if (!model::Parse(a.severity, &sv))
    return Usage("SEVERITY: expected low, medium, high or critical, got '" + a.severity + "'");
  if (!incident::Parse(a.clock, &k))
    return Usage("CLOCK: expected acknowledge, first-offer, containment or resolution, got '" +
                 a.clock + "'");
  if (!incident::ParseDuration(a.duration, &secs))
    return Usage("DURATION: expected e.g. 90m, 4h, 3d, 2w, got '" + a.duration + "'");
  return Run(ctx, a.as, [&](Coordinator& co, const Actor& c, store::Store*, std::string* out) {
    SANAD_RETURN_IF_ERROR(co.SetSla(c, sv, k, secs));
    *out = std::string("SLA ") + model::Name(sv) + " " + incident::Name(k) + " = " +
           incident::FormatDuration(secs) + "\n";
    return Status::Ok();
  });
}

int CmdResponsiveness(const Context& ctx, const SimpleArgs& a) {
  return Run(ctx, a.as, [&](Coordinator& co, const Actor& c, store::Store*, std::string* out) {
    std::vector<incident::Responsiveness> rs;
    SANAD_RETURN_IF_ERROR(co.MemberResponsiveness(c, &rs));
    if (ctx.json) {
      *out = JArray(rs);
      return Status::Ok();
    }
    auto d = [](int64_t v) { return v < 0 ? std::string("-") : incident::FormatDuration(v); };
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : rs) {
      rows.push_back(
          {r.org.name, std::to_string(r.rfas_received),
           std::to_string(r.offers_made) + "/" + std::to_string(r.offers_accepted),
           d(r.median_time_to_offer),
           std::to_string(r.acknowledged) + "/" + std::to_string(r.incidents_coordinated),
           d(r.median_time_to_acknowledge), std::to_string(r.ack_breached),
           std::to_string(r.tasks_done) + "/" + std::to_string(r.tasks_assigned),
           std::to_string(r.tasks_overdue)});
    }
    *out = Table({"MEMBER", "RFAS", "OFFERS/ACCEPTED", "MEDIAN-TO-OFFER", "ACKED/COORD",
                  "MEDIAN-TO-ACK", "ACK-LATE", "TASKS-DONE", "TASKS-OVERDUE"},
                 rows);
    return Status::Ok();
  });
}

// ---- rfa ----

std::string RfaLine(const incident::RfaView& r) {
  std::string s = r.rfa.uuid + "  " + model::Name(r.rfa.kind) + "  " + model::Name(r.rfa.status) +
                  "  from " + r.rfa.requester_org.name + "  " + Tlp(r.tlp) + "  " + r.rsit_class +
                  ":" + r.rsit_type;
  if (r.rfa.needed_by) s += "  needed by " + Time(r.rfa.needed_by);
  s += "\n    " + r.rfa.description + "\n";
  for (const auto& f : r.offers)
    s += "    offer " + f.uuid + "  " + f.org.name + "  " + model::Name(f.status) + ": " +
         f.description + (f.by_when ? " (by " + Time(f.by_when) + ")" : "") + "\n";
  return s;
}

int CmdRfaCreate(const Context& ctx, const RfaArgs& a) {
  incident::NewRfa r{a.incident, a.kind, a.description, a.audience, a.sharing_group, a.orgs, 0};
  if (!a.needed_by.empty() && !ParseWhen(a.needed_by, &r.needed_by))
    return Usage("--needed-by: cannot read time '" + a.needed_by + "'");
  if (!a.orgs.empty() && a.audience == "all-members") r.audience = "orgs";
  if (!a.sharing_group.empty() && a.audience == "all-members") r.audience = "sharing-group";
  return RunItem(
      ctx, a.as, [&](Coordinator& co, const Actor& c) { return co.CreateRfa(c, r); },
      [&](const auto& rfa) {
        return "request " + rfa.uuid + " (" + model::Name(rfa.kind) + ") sent to " +
               model::Name(rfa.audience) + "\n";
      });
}

int CmdRfaList(const Context& ctx, const SimpleArgs& a) {
  return Run(ctx, a.as, [&](Coordinator& co, const Actor& c, store::Store*, std::string* out) {
    std::vector<incident::RfaView> list;
    SANAD_RETURN_IF_ERROR(co.ListRfas(c, a.open, &list));
    if (ctx.json) {
      *out = JArray(list);
      return Status::Ok();
    }
    if (list.empty()) *out = "no requests for assistance\n";
    for (const auto& r : list) *out += RfaLine(r);
    return Status::Ok();
  });
}

int CmdRfaShow(const Context& ctx, const SimpleArgs& a) {
  return RunItem(
      ctx, a.as, [&](Coordinator& co, const Actor& c) { return co.GetRfa(c, a.uuid); },
      [&](const auto& r) { return RfaLine(r); });
}

int CmdRfaWithdraw(const Context& ctx, const OfferArgs& a) {
  return RunItem(
      ctx, a.as, [&](Coordinator& co, const Actor& c) { return co.WithdrawRfa(c, a.uuid, a.note); },
      [&](const auto& r) { return "request " + r.uuid + " withdrawn\n"; });
}

int CmdRfaOffer(const Context& ctx, const OfferArgs& a) {
  int64_t by = 0;
  if (!a.by.empty() && !ParseWhen(a.by, &by))
    return Usage("--by: cannot read time '" + a.by + "' (use +1d, a date or ISO-8601)");
  return RunItem(
      ctx, a.as,
      [&](Coordinator& co, const Actor& c) { return co.Offer(c, a.uuid, a.description, by); },
      [&](const auto& o) {
        return "offer " + o.uuid + " sent" + (by ? " (by " + Time(by) + ")" : "") + "\n";
      });
}

int CmdOfferDecide(const Context& ctx, const OfferArgs& a, int what) {
  return RunItem(
      ctx, a.as,
      [&](Coordinator& co, const Actor& c) {
        return what == 2 ? co.WithdrawOffer(c, a.uuid)
                         : co.DecideOffer(c, a.uuid, what == 1, a.note);
      },
      [&](const auto& o) {
        return "offer " + o.uuid + " from " + o.org.name + " " + model::Name(o.status) + "\n";
      });
}

}  // namespace

void RegisterIncidentCommands(CLI::App* app, Context* ctx, int* rc) {
  auto* inc = AddGroup(app, "incident", "Incident coordination between members");
  {
    static ReportArgs a;
    auto* c = AddCommand(inc, "report",
                         "File an incident report: opens a new incident, or adds to --incident", rc,
                         [ctx] { return CmdReport(*ctx, a); });
    AddAs(c, &a.as, "Member filing the report");
    c->add_option("--description", a.description, "What happened")->required();
    c->add_option("--incident", a.incident, "Add the report to this incident");
    c->add_option("--third-party", a.third_party, "Reported by this third party (name)");
    c->add_option("--contact", a.contact, "How to reach the third party (kept, never exported)");
    c->add_option("--affected", a.affected, "Affected member (default: the reporter)");
    c->add_option("--country", a.country, "Affected country (ISO 3166-1 alpha-2)");
    c->add_option("--received", a.received, "When it was reported (30h = 30 hours ago, ISO-8601)");
    c->add_option("--indicator", a.indicators, "[MISP-TYPE:]VALUE (repeatable)");
    c->add_option("--attachment", a.attachments, "NAME:SHA256 of a file kept by the reporter");
    c->add_option("--title", a.title, "Title of a new incident (default: first line)");
    c->add_option("--class", a.cls, "ENISA RSIT class (IntelMQ spellings accepted)")
        ->capture_default_str();
    c->add_option("--type", a.type, "ENISA RSIT type");
    c->add_option("--severity", a.severity, "low|medium|high|critical")->capture_default_str();
    c->add_option("--tlp", a.tlp, "clear|green|amber|amber+strict|red")->capture_default_str();
    c->add_option("--pap", a.pap, "clear|green|amber|red");
    c->add_option("--coordinator", a.coordinator, "Coordinating member (default: the chair)");
  }
  {
    static SimpleArgs a;
    auto* c = AddCommand(inc, "list", "Incidents the organisation may see, with clocks", rc,
                         [ctx] { return CmdList(*ctx, a, false); });
    AddAs(c, &a.as, "Viewing organisation");
    c->add_option("--status", a.statuses, "Only these statuses (repeatable)");
    c->add_flag("--open", a.open, "Only open incidents");
  }
  {
    static SimpleArgs a;
    auto* c = AddCommand(inc, "overdue", "Open incidents with an overdue clock or task", rc,
                         [ctx] { return CmdList(*ctx, a, true); });
    AddAs(c, &a.as, "Viewing organisation");
  }
  {
    static SimpleArgs a;
    auto* c = AddCommand(inc, "show", "One incident as the organisation may see it", rc,
                         [ctx] { return CmdShow(*ctx, a); });
    c->add_option("UUID", a.uuid, "Incident uuid")->required();
    AddAs(c, &a.as, "Viewing organisation");
  }
  {
    static SimpleArgs a;
    auto* c = AddCommand(inc, "export", "Export one incident as JSON or IODEF v2 XML", rc,
                         [ctx] { return CmdExport(*ctx, a); });
    c->add_option("UUID", a.uuid, "Incident uuid")->required();
    AddAs(c, &a.as, "Viewing organisation");
    c->add_option("--format", a.format, "json|iodef")->capture_default_str();
    c->add_option("-o,--output", a.output, "Output file (default: stdout)");
  }
  {
    static UpdateArgs a;
    auto* c = AddCommand(inc, "update", "Change an incident's fields", rc,
                         [ctx] { return CmdUpdate(*ctx, a); });
    c->add_option("UUID", a.uuid, "Incident uuid")->required();
    AddAs(c, &a.as, "Acting organisation");
    c->add_option("--title", a.title);
    c->add_option("--description", a.description);
    c->add_option("--class", a.cls, "ENISA RSIT class");
    c->add_option("--type", a.type, "ENISA RSIT type");
    c->add_option("--severity", a.severity);
    c->add_option("--tlp", a.tlp);
    c->add_option("--pap", a.pap);
    c->add_option("--coordinator", a.coordinator, "Hand over coordination");
    c->add_option("--country", a.country, "Affected country");
  }
  {
    static StatusArgs a;
    auto* c = AddCommand(inc, "status", "Move an incident through its lifecycle", rc,
                         [ctx] { return CmdStatus(*ctx, a); });
    c->add_option("UUID", a.uuid, "Incident uuid")->required();
    c->add_option("STATUS", a.status,
                  "triage|in-progress|contained|resolved|closed|rejected|duplicate")
        ->required();
    AddAs(c, &a.as, "Acting organisation");
    c->add_option("--note", a.note, "Why (kept as the resolution when resolving)");
    c->add_option("--duplicate-of", a.duplicate_of, "The incident this one duplicates");
  }
  {
    static SimpleArgs a;
    auto* c = AddCommand(inc, "indicator", "Add an indicator (observable) to an incident", rc,
                         [ctx] { return CmdIndicator(*ctx, a); });
    c->add_option("UUID", a.uuid, "Incident uuid")->required();
    c->add_option("VALUE", a.text, "The value")->required();
    c->add_option("--type", a.type, "MISP type (default: guessed)");
    c->add_option("--comment", a.comment);
    AddAs(c, &a.as, "Acting organisation");
  }
  {
    static SimpleArgs a;
    auto* c = AddCommand(inc, "comment", "Comment on an incident", rc,
                         [ctx] { return CmdComment(*ctx, a); });
    c->add_option("UUID", a.uuid, "Incident uuid")->required();
    c->add_option("TEXT", a.text, "The comment")->required();
    AddAs(c, &a.as, "Acting organisation");
  }
  {
    auto* task = AddGroup(inc, "task", "Tasks of an incident");
    static TaskArgs add, st, log;
    auto* c = AddCommand(task, "add", "Add a task to an incident", rc,
                         [ctx] { return CmdTaskAdd(*ctx, add); });
    c->add_option("UUID", add.uuid, "Incident uuid")->required();
    c->add_option("--title", add.title)->required();
    c->add_option("--description", add.description);
    c->add_option("--assignee-org", add.org, "Assigned member (a party to the incident)");
    c->add_option("--assignee-user", add.user, "Assigned user (e-mail)");
    c->add_option("--due", add.due, "Due date (+2d, a date or ISO-8601)");
    AddAs(c, &add.as, "Acting organisation");
    c = AddCommand(task, "status", "Change a task's status", rc,
                   [ctx] { return CmdTaskStatus(*ctx, st); });
    c->add_option("TASK", st.uuid, "Task uuid")->required();
    c->add_option("STATUS", st.status, "waiting|in-progress|done|cancelled")->required();
    c->add_option("--note", st.note);
    AddAs(c, &st.as, "Acting organisation");
    c = AddCommand(task, "log", "Add to a task's work log", rc,
                   [ctx] { return CmdTaskLog(*ctx, log); });
    c->add_option("TASK", log.uuid, "Task uuid")->required();
    c->add_option("TEXT", log.text)->required();
    AddAs(c, &log.as, "Acting organisation");
  }
  {
    static LinkArgs a;
    auto* c = AddCommand(inc, "link", "Link an intel event or attribute to an incident", rc,
                         [ctx] { return CmdLink(*ctx, a); });
    c->add_option("UUID", a.uuid, "Incident uuid")->required();
    c->add_option("--event", a.event, "Event uuid");
    c->add_option("--attribute", a.attribute, "Attribute uuid");
    AddAs(c, &a.as, "Acting organisation");
  }
  {
    static PromoteArgs a;
    auto* c = AddCommand(inc, "promote", "Share an incident's indicators as a new event", rc,
                         [ctx] { return CmdPromote(*ctx, a); });
    c->add_option("UUID", a.uuid, "Incident uuid")->required();
    c->add_option("--distribution", a.distribution, "0-4 or organisation|community|...")
        ->capture_default_str();
    c->add_option("--sharing-group", a.sharing_group, "For distribution 4");
    c->add_option("--indicator", a.ids, "Indicator ids (repeatable; default all)");
    c->add_option("--info", a.info, "Event info (default: neutral text without the title)");
    c->add_option("--tlp", a.tlp, "TLP of the event (default: the incident's)");
    AddAs(c, &a.as, "Acting organisation");
  }
  {
    static SimpleArgs a;
    auto* c = AddCommand(inc, "seen",
                         "Indicators of linked intelligence: who else reported or sighted them", rc,
                         [ctx] { return CmdSeen(*ctx, a); });
    c->add_option("UUID", a.uuid, "Incident uuid")->required();
    AddAs(c, &a.as, "Viewing organisation");
  }
  {
    auto* sla = AddGroup(inc, "sla", "SLA targets per severity");
    AddCommand(sla, "show", "Show the targets", rc, [ctx] { return CmdSlaShow(*ctx); });
    static SlaArgs a;
    auto* c = AddCommand(sla, "set", "Set one target (community administrators)", rc,
                         [ctx] { return CmdSlaSet(*ctx, a); });
    c->add_option("SEVERITY", a.severity)->required();
    c->add_option("CLOCK", a.clock, "acknowledge|first-offer|containment|resolution")->required();
    c->add_option("DURATION", a.duration, "90m, 4h, 3d, 2w; 0 = no target")->required();
    AddAs(c, &a.as, "The chair");
  }
  {
    static SimpleArgs a;
    auto* c = AddCommand(inc, "responsiveness", "Per-member response figures (the chair)", rc,
                         [ctx] { return CmdResponsiveness(*ctx, a); });
    AddAs(c, &a.as, "The chair");
  }

  auto* rfa = AddGroup(app, "rfa", "Requests for assistance between members");
  {
    static RfaArgs a;
    auto* c = AddCommand(rfa, "create", "Ask members for help with an incident", rc,
                         [ctx] { return CmdRfaCreate(*ctx, a); });
    c->add_option("INCIDENT", a.incident, "Incident uuid")->required();
    c->add_option("--kind", a.kind,
                  "sample-analysis|takedown|sinkholing|blocking|forensics|information|other")
        ->required();
    c->add_option("--description", a.description, "What is needed (seen by the audience)")
        ->required();
    c->add_option("--audience", a.audience, "all-members|sharing-group|orgs")
        ->capture_default_str();
    c->add_option("--sharing-group", a.sharing_group, "Audience: this sharing group");
    c->add_option("--org", a.orgs, "Audience: these members (repeatable)");
    c->add_option("--needed-by", a.needed_by, "+2d, a date or ISO-8601");
    AddAs(c, &a.as, "Requesting organisation");
  }
  {
    static SimpleArgs a;
    auto* c = AddCommand(rfa, "list", "Requests the organisation may see", rc,
                         [ctx] { return CmdRfaList(*ctx, a); });
    AddAs(c, &a.as, "Viewing organisation");
    c->add_flag("--open", a.open, "Only open requests");
  }
  {
    static SimpleArgs a;
    auto* c = AddCommand(rfa, "show", "One request with the offers the organisation may see", rc,
                         [ctx] { return CmdRfaShow(*ctx, a); });
    c->add_option("RFA", a.uuid, "Request uuid")->required();
    AddAs(c, &a.as, "Viewing organisation");
  }
  {
    static OfferArgs a;
    auto* c = AddCommand(rfa, "withdraw", "Withdraw a request", rc,
                         [ctx] { return CmdRfaWithdraw(*ctx, a); });
    c->add_option("RFA", a.uuid, "Request uuid")->required();
    c->add_option("--note", a.note);
    AddAs(c, &a.as, "Requesting organisation");
  }
  {
    static OfferArgs a;
    auto* c = AddCommand(rfa, "offer", "Offer help in answer to a request", rc,
                         [ctx] { return CmdRfaOffer(*ctx, a); });
    c->add_option("RFA", a.uuid, "Request uuid")->required();
    c->add_option("--description", a.description, "What you offer")->required();
    c->add_option("--by", a.by, "By when (+1d, a date or ISO-8601)");
    AddAs(c, &a.as, "Offering organisation");
  }
  {
    static OfferArgs acc, dec, wd;
    auto* c = AddCommand(rfa, "accept", "Accept an offer: the helper joins the incident", rc,
                         [ctx] { return CmdOfferDecide(*ctx, acc, 1); });
    c->add_option("OFFER", acc.uuid, "Offer uuid")->required();
    c->add_option("--note", acc.note);
    AddAs(c, &acc.as, "Requesting organisation");
    c = AddCommand(rfa, "decline", "Decline an offer", rc,
                   [ctx] { return CmdOfferDecide(*ctx, dec, 0); });
    c->add_option("OFFER", dec.uuid, "Offer uuid")->required();
    c->add_option("--note", dec.note);
    AddAs(c, &dec.as, "Requesting organisation");
    c = AddCommand(rfa, "withdraw-offer", "Withdraw your pending offer", rc,
                   [ctx] { return CmdOfferDecide(*ctx, wd, 2); });
    c->add_option("OFFER", wd.uuid, "Offer uuid")->required();
    AddAs(c, &wd.as, "Offering organisation");
  }
}

}  // namespace sanad::cli
