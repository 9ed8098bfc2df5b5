// The incident coordinator: lifecycle, permissions and visibility, requests
// for assistance, tasks, clocks (with an injected clock), links and exports.
#include "incident/incident.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "audit/audit.h"
#include "incident/json.h"
#include "intel/correlation.h"
#include "store/store.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::incident {
namespace {

using ::testing::HasSubstr;
using Code = Status::Code;

constexpr int64_t kT0 = 1'700'000'000;
constexpr int64_t kHour = 3600, kDay = 86400;

class IncidentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    util::Init();
    s_ = testing::NewStore(dir_.path());
    ASSERT_NE(s_, nullptr);
    chair_ = AddOrg("Chair CERT", "MY", true);
    victim_ = AddOrg("Victim CERT", "EG", false);
    helper_ = AddOrg("Helper CERT", "TR", false);
    other_ = AddOrg("Other CERT", "PK", false);
    outsider_ = AddOrg("Outsider CERT", "NG", false);
    auto co = Coordinator::Create(s_.get(), [this] { return now_; });
    ASSERT_TRUE(co.ok());
    co_ = std::move(*co);
  }

  model::Org AddOrg(const std::string& name, const std::string& cc, bool chair) {
    model::Org g;
    g.name = name;
    g.country = cc;
    g.is_chair = chair;
    EXPECT_TRUE(s_->community().AddOrg(&g).ok());
    return g;
  }

  policy::Actor C(const model::Org& o) { return policy::LocalActor(o); }

  // Each domain call is wrapped in a transaction like the CLI and API do.
  template <class F>
  auto Tx(F f) {
    store::Transaction tx(s_.get());
    EXPECT_TRUE(tx.status().ok());
    auto r = f();
    if (StatusOf(r).ok()) EXPECT_TRUE(tx.Commit().ok());
    return r;
  }
  template <class T>
  static Status StatusOf(const StatusOr<T>& r) {
    return r.status();
  }
  static Status StatusOf(const Status& s) { return s; }

  // A member report by the victim; returns the incident uuid.
  std::string Open(const std::string& severity = "high", const std::string& tlp = "amber") {
    NewReport r;
    r.description = "Ransomware at the ministry\nmore details";
    r.rsit_class = "malicious-code";
    r.rsit_type = "infected-system";
    r.severity = severity;
    r.tlp = tlp;
    r.indicators.push_back({0, 0, 0, "", "198.51.100.7", "C2", true, 0, 0});
    auto f = Tx([&] { return co_->FileReport(C(victim_), r); });
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? f->incident.uuid : "";
  }

  model::Rfa Ask(const std::string& uuid, const std::string& audience = "all-members",
                 std::vector<std::string> orgs = {}) {
    NewRfa r;
    r.incident_uuid = uuid;
    r.kind = "forensics";
    r.description = "Disk forensics of two servers";
    r.audience = audience;
    r.orgs = std::move(orgs);
    auto rfa = Tx([&] { return co_->CreateRfa(C(victim_), r); });
    EXPECT_TRUE(rfa.ok()) << rfa.status().ToString();
    return rfa.ok() ? *rfa : model::Rfa{};
  }

  int64_t AuditCount(std::string_view action) {
    int64_t n = 0;
    EXPECT_TRUE(s_->audit_log().ScanAuditEntries([&](const model::AuditEntry& e) {
                    if (e.action == action) ++n;
                    return true;
                  }).ok());
    return n;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> s_;
  std::unique_ptr<Coordinator> co_;
  model::Org chair_, victim_, helper_, other_, outsider_;
  int64_t now_ = kT0;
};

// ---- RSIT ----

TEST(RsitTest, AcceptsTaxonomyAndIntelMqSpellings) {
  std::string c, t;
  ASSERT_TRUE(NormaliseRsit("malicious-code", "c2-server", &c, &t).ok());
  EXPECT_EQ(c + ":" + t, "malicious-code:c2-server");
  // IntelMQ spells American and uses underscores/spaces in places.
  ASSERT_TRUE(NormaliseRsit("fraud", "unauthorized-use-of-resources", &c, &t).ok());
  EXPECT_EQ(t, "unauthorised-use-of-resources");
  ASSERT_TRUE(
      NormaliseRsit("Information Content Security", "Unauthorized_Information_Access", &c, &t)
          .ok());
  EXPECT_EQ(c + ":" + t, "information-content-security:unauthorised-information-access");
  // IntelMQ's pre-3.0 type names.
  ASSERT_TRUE(NormaliseRsit("malicious-code", "malware", &c, &t).ok());
  EXPECT_EQ(t, "infected-system");
  ASSERT_TRUE(NormaliseRsit("malicious code", "c2server", &c, &t).ok());
  EXPECT_EQ(t, "c2-server");
  // Class inferred from a type, "class:type" and MISP's machine tag.
  ASSERT_TRUE(NormaliseRsit("", "phishing", &c, &t).ok());
  EXPECT_EQ(c, "fraud");
  ASSERT_TRUE(NormaliseRsit("availability:ddos", "", &c, &t).ok());
  EXPECT_EQ(c + ":" + t, "availability:ddos");
  ASSERT_TRUE(NormaliseRsit("rsit:intrusions=\"system-compromise\"", "", &c, &t).ok());
  EXPECT_EQ(c + ":" + t, "intrusions:system-compromise");
  ASSERT_TRUE(NormaliseRsit("other", "", &c, &t).ok());
  EXPECT_EQ(t, "undetermined");
}

TEST(RsitTest, RejectsUnknownNamesWithTheChoices) {
  std::string c, t;
  Status st = NormaliseRsit("espionage", "x", &c, &t);
  EXPECT_EQ(st.code(), Code::kInvalid);
  EXPECT_THAT(st.message(), HasSubstr("rsit_class"));
  EXPECT_THAT(st.message(), HasSubstr("malicious-code"));
  st = NormaliseRsit("fraud", "c2-server", &c, &t);
  EXPECT_THAT(st.message(), HasSubstr("rsit_type"));
  EXPECT_THAT(st.message(), HasSubstr("phishing"));
  EXPECT_EQ(NormaliseRsit("intrusions", "", &c, &t).code(), Code::kInvalid);
  EXPECT_EQ(RsitTaxonomy().size(), 11u);
}

// ---- lifecycle ----

TEST_F(IncidentTest, ReportOpensAnIncidentCoordinatedByTheChair) {
  std::string u = Open();
  auto v = Tx([&] { return co_->Get(C(victim_), u); });
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const auto& inc = v->summary.incident;
  EXPECT_EQ(inc.status, model::IncidentStatus::kNew);
  EXPECT_EQ(inc.coordinator_org.name, "Chair CERT");
  EXPECT_EQ(inc.affected_org.name, "Victim CERT");
  EXPECT_EQ(inc.affected_country, "EG");
  EXPECT_EQ(inc.title, "Ransomware at the ministry");
  EXPECT_EQ(inc.opened, kT0);
  ASSERT_EQ(v->reports.size(), 1u);
  ASSERT_EQ(v->indicators.size(), 1u);
  EXPECT_EQ(v->indicators[0].type, "ip-dst");  // guessed
  ASSERT_FALSE(v->timeline.empty());
  EXPECT_EQ(v->timeline[0].action, "incident.create");
  EXPECT_EQ(AuditCount("incident.create"), 1);
}

TEST_F(IncidentTest, InvalidReportsNameTheFieldAndWriteNothing) {
  NewReport r;
  r.description = "x";
  r.indicators.push_back({0, 0, 0, "ip-dst", "not-an-ip", "", true, 0, 0});
  auto f = Tx([&] { return co_->FileReport(C(victim_), r); });
  EXPECT_EQ(f.status().code(), Code::kInvalid);
  EXPECT_THAT(f.status().message(), HasSubstr("indicators[0]"));
  r.indicators.clear();
  r.severity = "apocalyptic";
  EXPECT_THAT(Tx([&] { return co_->FileReport(C(victim_), r); }).status().message(),
              HasSubstr("severity"));
  r.severity = "low";
  r.third_party = true;
  r.reporter_name = "A researcher";
  EXPECT_THAT(Tx([&] { return co_->FileReport(C(chair_), r); }).status().message(),
              HasSubstr("affected_org"));
  r.affected_org = "Victim CERT";
  r.attachments.push_back({0, 0, 0, "dump.pcap", "abc", 0});
  EXPECT_THAT(Tx([&] { return co_->FileReport(C(chair_), r); }).status().message(),
              HasSubstr("attachments[0].sha256"));
  std::vector<IncidentSummary> list;
  ASSERT_TRUE(co_->List(C(chair_), {}, &list).ok());
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(AuditCount("incident.create"), 0);
}

TEST_F(IncidentTest, LifecycleTransitionsAndTimestamps) {
  std::string u = Open();
  // Only the coordinator acknowledges.
  EXPECT_EQ(Tx([&] { return co_->SetStatus(C(victim_), u, model::IncidentStatus::kTriage); })
                .status()
                .code(),
            Code::kPermission);
  now_ = kT0 + 2 * kHour;
  auto inc = Tx([&] { return co_->SetStatus(C(chair_), u, model::IncidentStatus::kTriage); });
  ASSERT_TRUE(inc.ok()) << inc.status().ToString();
  EXPECT_EQ(inc->acknowledged, kT0 + 2 * kHour);
  // Illegal moves are conflicts naming both states.
  auto bad = Tx([&] { return co_->SetStatus(C(victim_), u, model::IncidentStatus::kClosed); });
  EXPECT_EQ(bad.status().code(), Code::kConflict);
  EXPECT_THAT(bad.status().message(), HasSubstr("from triage to closed"));
  // The affected member drives the response once acknowledged.
  ASSERT_TRUE(
      Tx([&] { return co_->SetStatus(C(victim_), u, model::IncidentStatus::kInProgress); }).ok());
  now_ = kT0 + 10 * kHour;
  inc = Tx([&] { return co_->SetStatus(C(victim_), u, model::IncidentStatus::kContained); });
  ASSERT_TRUE(inc.ok());
  EXPECT_EQ(inc->contained, kT0 + 10 * kHour);
  now_ = kT0 + 2 * kDay;
  inc = Tx(
      [&] { return co_->SetStatus(C(victim_), u, model::IncidentStatus::kResolved, "restored"); });
  ASSERT_TRUE(inc.ok());
  EXPECT_EQ(inc->resolved, kT0 + 2 * kDay);
  EXPECT_EQ(inc->resolution, "restored");
  // Reopening clears the resolution time; containment is kept.
  inc = Tx([&] { return co_->SetStatus(C(chair_), u, model::IncidentStatus::kInProgress); });
  ASSERT_TRUE(inc.ok());
  EXPECT_EQ(inc->resolved, 0);
  EXPECT_EQ(inc->contained, kT0 + 10 * kHour);
  ASSERT_TRUE(
      Tx([&] { return co_->SetStatus(C(chair_), u, model::IncidentStatus::kResolved); }).ok());
  inc = Tx([&] { return co_->SetStatus(C(chair_), u, model::IncidentStatus::kClosed); });
  ASSERT_TRUE(inc.ok());
  EXPECT_NE(inc->closed, 0);
  // Closed incidents take no new work.
  EXPECT_EQ(Tx([&] { return co_->AddComment(C(victim_), u, "late"); }).status().code(), Code::kOk);
  NewTask t{u, "late task", "", "", "", 0};
  EXPECT_EQ(Tx([&] { return co_->AddTask(C(victim_), t); }).status().code(), Code::kConflict);
  EXPECT_EQ(AuditCount("incident.status"), 7);
}

TEST_F(IncidentTest, ClosingCascadesToTasksRequestsAndOffers) {
  std::string u = Open();
  ASSERT_TRUE(
      Tx([&] { return co_->SetStatus(C(chair_), u, model::IncidentStatus::kTriage); }).ok());
  model::Rfa rfa = Ask(u);
  auto offer = Tx([&] { return co_->Offer(C(helper_), rfa.uuid, "forensic team", 0); });
  ASSERT_TRUE(offer.ok()) << offer.status().ToString();
  auto task = Tx([&] { return co_->AddTask(C(victim_), {u, "image disks", "", "", "", 0}); });
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  auto done = Tx([&] { return co_->AddTask(C(victim_), {u, "notify", "", "", "", 0}); });
  ASSERT_TRUE(Tx([&] {
                return co_->SetTaskStatus(C(victim_), done->uuid, model::TaskStatus::kDone);
              }).ok());
  ASSERT_TRUE(Tx([&] {
                return co_->SetStatus(C(chair_), u, model::IncidentStatus::kRejected, "test");
              }).ok());
  auto v = Tx([&] { return co_->Get(C(victim_), u); });
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->tasks.size(), 2u);
  EXPECT_EQ(v->tasks[0].task.status, model::TaskStatus::kCancelled);
  EXPECT_EQ(v->tasks[1].task.status, model::TaskStatus::kDone);  // finished tasks keep their status
  ASSERT_EQ(v->rfas.size(), 1u);
  EXPECT_EQ(v->rfas[0].rfa.status, model::RfaStatus::kClosed);
  ASSERT_EQ(v->rfas[0].offers.size(), 1u);
  EXPECT_EQ(v->rfas[0].offers[0].status, model::OfferStatus::kDeclined);
  EXPECT_EQ(v->timeline.back().action, "incident.cascade");
  EXPECT_EQ(AuditCount("incident.cascade"), 1);
  // Rejected is terminal.
  EXPECT_EQ(Tx([&] { return co_->SetStatus(C(chair_), u, model::IncidentStatus::kTriage); })
                .status()
                .code(),
            Code::kConflict);
}

TEST_F(IncidentTest, DuplicateMergesReportsIntoTheSurvivor) {
  std::string a = Open();
  // The helper reports the same attack on the victim independently.
  NewReport r;
  r.description = "Seen the same C2 from our sensors";
  r.affected_org = "Victim CERT";
  auto f = Tx([&] { return co_->FileReport(C(helper_), r); });
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  std::string b = f->incident.uuid;
  // The helper does not see the first incident yet.
  EXPECT_EQ(Tx([&] { return co_->Get(C(helper_), a); }).status().code(), Code::kNotFound);
  EXPECT_EQ(
      Tx([&] { return co_->SetStatus(C(chair_), b, model::IncidentStatus::kDuplicate, "", ""); })
          .status()
          .code(),
      Code::kInvalid);
  auto inc =
      Tx([&] { return co_->SetStatus(C(chair_), b, model::IncidentStatus::kDuplicate, "", a); });
  ASSERT_TRUE(inc.ok()) << inc.status().ToString();
  EXPECT_EQ(inc->duplicate_of_uuid, a);
  auto v = Tx([&] { return co_->Get(C(helper_), a); });
  ASSERT_TRUE(v.ok()) << "the reporter follows its report: " << v.status().ToString();
  EXPECT_EQ(v->reports.size(), 2u);
}

// ---- visibility and permissions ----

TEST_F(IncidentTest, OnlyPartiesSeeAnIncident) {
  std::string u = Open();
  for (const auto& o : {chair_, victim_}) EXPECT_TRUE(Tx([&] { return co_->Get(C(o), u); }).ok());
  for (const auto& o : {helper_, other_, outsider_}) {
    auto v = Tx([&] { return co_->Get(C(o), u); });
    EXPECT_EQ(v.status().code(), Code::kNotFound) << o.name;
    EXPECT_EQ(Tx([&] { return co_->AddComment(C(o), u, "hi"); }).status().code(), Code::kNotFound);
    std::vector<IncidentSummary> list;
    ASSERT_TRUE(co_->List(C(o), {}, &list).ok());
    EXPECT_TRUE(list.empty()) << o.name;
  }
  // Handing coordination over takes it from the chair.
  auto inc = Tx([&] {
    IncidentChanges ch;
    ch.coordinator = "Other CERT";
    return co_->Update(C(chair_), u, ch);
  });
  ASSERT_TRUE(inc.ok()) << inc.status().ToString();
  EXPECT_TRUE(Tx([&] { return co_->Get(C(other_), u); }).ok());
  EXPECT_EQ(Tx([&] { return co_->Get(C(chair_), u); }).status().code(), Code::kNotFound);
}

TEST_F(IncidentTest, ReadersAndNonManagersCannotChangeTheIncident) {
  std::string u = Open();
  policy::Actor reader = C(victim_);
  reader.may_write = false;
  EXPECT_EQ(Tx([&] { return co_->AddComment(reader, u, "x"); }).status().code(), Code::kPermission);
  // A reporter that is neither affected nor coordinator may comment but not
  // change the incident or ask for help.
  NewReport r;
  r.incident_uuid = u;
  r.description = "we see it too";
  EXPECT_EQ(Tx([&] { return co_->FileReport(C(other_), r); }).status().code(), Code::kNotFound);
  r.affected_org = "Victim CERT";
  r.incident_uuid.clear();
  ASSERT_TRUE(Tx([&] { return co_->AddComment(C(chair_), u, "ok"); }).ok());
  IncidentChanges ch;
  ch.severity = "critical";
  EXPECT_EQ(Tx([&] { return co_->Update(C(other_), u, ch); }).status().code(), Code::kNotFound);
  auto inc = Tx([&] { return co_->Update(C(victim_), u, ch); });
  ASSERT_TRUE(inc.ok());
  EXPECT_EQ(inc->severity, model::Severity::kCritical);
  ch = {};
  ch.coordinator = "Helper CERT";
  EXPECT_EQ(Tx([&] { return co_->Update(C(victim_), u, ch); }).status().code(), Code::kPermission);
}

TEST_F(IncidentTest, RequestsReachTheirAudienceAndAcceptedHelpersJoin) {
  std::string u = Open("high", "red");
  model::Rfa rfa = Ask(u, "orgs", {"Helper CERT", "Other CERT"});
  // The audience sees the request, not the incident.
  auto seen = Tx([&] { return co_->GetRfa(C(helper_), rfa.uuid); });
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_FALSE(seen->incident_visible);
  EXPECT_TRUE(seen->rfa.incident_uuid.empty());
  EXPECT_EQ(seen->tlp, model::Tlp::kRed);
  EXPECT_EQ(Tx([&] { return co_->GetRfa(C(outsider_), rfa.uuid); }).status().code(),
            Code::kNotFound);
  EXPECT_EQ(Tx([&] { return co_->Offer(C(outsider_), rfa.uuid, "me", 0); }).status().code(),
            Code::kNotFound);
  EXPECT_EQ(Tx([&] { return co_->Get(C(helper_), u); }).status().code(), Code::kNotFound);
  // Two offers; each helper sees only its own; the requester sees both.
  auto o1 = Tx([&] { return co_->Offer(C(helper_), rfa.uuid, "forensics team", kT0 + kDay); });
  auto o2 = Tx([&] { return co_->Offer(C(other_), rfa.uuid, "remote triage", 0); });
  ASSERT_TRUE(o1.ok() && o2.ok());
  EXPECT_EQ(Tx([&] { return co_->Offer(C(helper_), rfa.uuid, "again", 0); }).status().code(),
            Code::kConflict);
  auto hv = Tx([&] { return co_->GetRfa(C(helper_), rfa.uuid); });
  ASSERT_EQ(hv->offers.size(), 1u);
  EXPECT_EQ(hv->offers[0].uuid, o1->uuid);
  EXPECT_EQ(hv->offer_count, 2);
  EXPECT_EQ(Tx([&] { return co_->GetRfa(C(victim_), rfa.uuid); })->offers.size(), 2u);
  // Helpers cannot decide; a hidden offer reads as absent.
  EXPECT_EQ(Tx([&] { return co_->DecideOffer(C(helper_), o1->uuid, true); }).status().code(),
            Code::kPermission);
  EXPECT_EQ(Tx([&] { return co_->DecideOffer(C(helper_), o2->uuid, true); }).status().code(),
            Code::kNotFound);
  ASSERT_TRUE(Tx([&] { return co_->DecideOffer(C(victim_), o1->uuid, true, "thanks"); }).ok());
  ASSERT_TRUE(Tx([&] { return co_->DecideOffer(C(victim_), o2->uuid, false); }).ok());
  // The accepted helper now sees the incident (TLP:RED: the read is audited);
  // the declined one does not.
  int64_t reads = AuditCount("read.incident");
  auto v = Tx([&] { return co_->Get(C(helper_), u); });
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(AuditCount("read.incident"), reads + 1);
  ASSERT_EQ(v->participants.size(), 1u);
  EXPECT_EQ(v->participants[0].org.name, "Helper CERT");
  EXPECT_EQ(Tx([&] { return co_->Get(C(other_), u); }).status().code(), Code::kNotFound);
  // A participant may be assigned tasks and log work on them.
  auto t = Tx([&] {
    return co_->AddTask(C(victim_), {u, "image disks", "", "Helper CERT", "", 0});
  });
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Tx([&] { return co_->LogWork(C(helper_), t->uuid, "imaged srv1"); }).status().code(),
            Code::kOk);
  EXPECT_EQ(
      Tx([&] { return co_->SetTaskStatus(C(helper_), t->uuid, model::TaskStatus::kInProgress); })
          .status()
          .code(),
      Code::kOk);
  EXPECT_EQ(Tx([&] { return co_->LogWork(C(other_), t->uuid, "x"); }).status().code(),
            Code::kNotFound);
  EXPECT_EQ(Tx([&] {
              return co_->AddTask(C(victim_), {u, "x", "", "Other CERT", "", 0});
            })
                .status()
                .code(),
            Code::kInvalid);
}

// Issue #15: a helper whose offer was accepted read, in the timeline, which
// other members had offered help (the offer entries carry the offering org
// and user). Every read path (view, JSON and IODEF exports, offers of a
// request) names another helper only once its offer is accepted.
TEST_F(IncidentTest, TimelineNamesOtherHelpersOnlyOnceAccepted) {
  std::string u = Open("high", "amber");
  model::Rfa rfa = Ask(u);
  auto as = [&](const model::Org& o, const std::string& user) {
    policy::Actor c = C(o);
    c.name = user;
    return c;
  };
  policy::Actor helper = as(helper_, "ana@helper.example"),
                other = as(other_, "omar@other.example");
  auto o1 = Tx([&] { return co_->Offer(helper, rfa.uuid, "forensics team", 0); });
  auto o2 = Tx([&] { return co_->Offer(other, rfa.uuid, "remote triage", 0); });
  ASSERT_TRUE(o1.ok() && o2.ok());
  ASSERT_TRUE(Tx([&] { return co_->DecideOffer(C(victim_), o1->uuid, true); }).ok());

  auto v = Tx([&] { return co_->Get(helper, u); });
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  bool own_named = false;
  for (const auto& e : v->timeline) {
    EXPECT_NE(e.org.name, "Other CERT") << e.action << ": " << e.text;
    EXPECT_NE(e.org_id, other_.id) << e.action;
    EXPECT_NE(e.actor, "omar@other.example") << e.action;
    EXPECT_THAT(e.text, ::testing::Not(HasSubstr("Other CERT")));
    if (e.action == "rfa.offer" && e.org.name == "Helper CERT") own_named = true;
  }
  EXPECT_TRUE(own_named) << "a helper reads its own offer";
  ASSERT_EQ(v->rfas.size(), 1u);
  ASSERT_EQ(v->rfas[0].offers.size(), 1u);
  EXPECT_EQ(v->rfas[0].offers[0].uuid, o1->uuid);
  EXPECT_EQ(v->rfas[0].offer_count, 2) << "the number of offers is shown";
  for (auto doc : {Tx([&] { return co_->ExportJson(helper, u); }),
                   Tx([&] { return co_->ExportIodef(helper, u, "sanad.test"); })}) {
    ASSERT_TRUE(doc.ok());
    EXPECT_THAT(*doc, ::testing::Not(HasSubstr("Other CERT")));
    EXPECT_THAT(*doc, ::testing::Not(HasSubstr("omar@other.example")));
    EXPECT_THAT(*doc, ::testing::Not(HasSubstr(other_.uuid)));
  }
  auto rv = Tx([&] { return co_->GetRfa(helper, rfa.uuid); });
  ASSERT_TRUE(rv.ok());
  ASSERT_EQ(rv->offers.size(), 1u);
  EXPECT_EQ(rv->offers[0].org.name, "Helper CERT");

  // The managers read who offered.
  auto mv = Tx([&] { return co_->Get(C(victim_), u); });
  ASSERT_TRUE(mv.ok());
  bool other_named = false;
  for (const auto& e : mv->timeline)
    if (e.action == "rfa.offer" && e.org.name == "Other CERT" && e.actor == "omar@other.example")
      other_named = true;
  EXPECT_TRUE(other_named);

  // Once accepted, the other helper is a party and is named to every party.
  ASSERT_TRUE(Tx([&] { return co_->DecideOffer(C(victim_), o2->uuid, true); }).ok());
  v = Tx([&] { return co_->Get(helper, u); });
  ASSERT_TRUE(v.ok());
  other_named = false;
  for (const auto& e : v->timeline)
    if (e.action == "rfa.offer" && e.org.name == "Other CERT") other_named = true;
  EXPECT_TRUE(other_named);
}

TEST_F(IncidentTest, WithdrawnRequestsDeclinePendingOffers) {
  std::string u = Open();
  model::Rfa rfa = Ask(u);
  auto o = Tx([&] { return co_->Offer(C(other_), rfa.uuid, "sinkhole", 0); });
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(Tx([&] { return co_->WithdrawRfa(C(helper_), rfa.uuid); }).status().code(),
            Code::kPermission);
  ASSERT_TRUE(Tx([&] { return co_->WithdrawRfa(C(victim_), rfa.uuid, "solved"); }).ok());
  EXPECT_EQ(Tx([&] { return co_->Offer(C(helper_), rfa.uuid, "late", 0); }).status().code(),
            Code::kConflict);
  auto rv = Tx([&] { return co_->GetRfa(C(other_), rfa.uuid); });
  ASSERT_TRUE(rv.ok());
  EXPECT_EQ(rv->rfa.status, model::RfaStatus::kWithdrawn);
  EXPECT_EQ(rv->offers[0].status, model::OfferStatus::kDeclined);
  std::vector<RfaView> open;
  ASSERT_TRUE(co_->ListRfas(C(other_), true, &open).ok());
  EXPECT_TRUE(open.empty());
}

TEST_F(IncidentTest, SharingGroupAudience) {
  model::SharingGroup g;
  g.name = "nationals";
  g.owner = {victim_.id, victim_.uuid, victim_.name};
  ASSERT_TRUE(s_->community().AddSharingGroup(&g).ok());
  ASSERT_TRUE(s_->community().AddSharingGroupOrg(g.id, helper_.id).ok());
  std::string u = Open();
  NewRfa r{u, "takedown", "take down the phishing site", "sharing-group", "nationals", {}, 0};
  auto rfa = Tx([&] { return co_->CreateRfa(C(victim_), r); });
  ASSERT_TRUE(rfa.ok()) << rfa.status().ToString();
  EXPECT_TRUE(Tx([&] { return co_->GetRfa(C(helper_), rfa->uuid); }).ok());
  EXPECT_EQ(Tx([&] { return co_->GetRfa(C(other_), rfa->uuid); }).status().code(), Code::kNotFound);
  r.sharing_group = "nope";
  EXPECT_THAT(Tx([&] { return co_->CreateRfa(C(victim_), r); }).status().message(),
              HasSubstr("sharing_group"));
}

// ---- clocks ----

TEST(ClockTest, StatesAgainstTargets) {
  model::Incident inc;
  inc.severity = model::Severity::kCritical;  // ack 1h, offer 4h, contain 24h, resolve 7d
  inc.opened = kT0;
  SlaTargets sla = DefaultSla();
  auto c = ComputeClocks(inc, 0, 0, sla, kT0 + 30 * 60);
  EXPECT_EQ(c[0].state, ClockState::kRunning);
  EXPECT_EQ(c[0].elapsed, 30 * 60);
  EXPECT_EQ(c[1].state, ClockState::kNotStarted);
  c = ComputeClocks(inc, 0, 0, sla, kT0 + 2 * kHour);
  EXPECT_EQ(c[0].state, ClockState::kOverdue);
  inc.acknowledged = kT0 + 50 * 60;
  c = ComputeClocks(inc, kT0 + kHour, kT0 + 6 * kHour, sla, kT0 + 7 * kHour);
  EXPECT_EQ(c[0].state, ClockState::kMet);
  EXPECT_EQ(c[1].state, ClockState::kBreached);
  EXPECT_EQ(c[1].elapsed, 5 * kHour);
  EXPECT_EQ(c[2].state, ClockState::kRunning);
  inc.status = model::IncidentStatus::kRejected;
  inc.closed = kT0 + 8 * kHour;
  c = ComputeClocks(inc, 0, 0, sla, kT0 + 30 * kDay);
  EXPECT_EQ(c[2].state, ClockState::kNotApplicable);
  EXPECT_EQ(c[3].state, ClockState::kNotApplicable);
  int64_t secs = 0;
  EXPECT_TRUE(ParseDuration("90m", &secs));
  EXPECT_EQ(secs, 5400);
  EXPECT_TRUE(ParseDuration("2w", &secs));
  EXPECT_EQ(secs, 14 * kDay);
  EXPECT_FALSE(ParseDuration("soon", &secs));
  EXPECT_EQ(FormatDuration(26 * kHour), "1d 2h");
}

TEST_F(IncidentTest, OverdueListingFollowsTheClockAndCommunitySettings) {
  std::string u = Open("medium");  // acknowledge within 1d by default
  std::vector<IncidentSummary> list;
  now_ = kT0 + 20 * kHour;
  ASSERT_TRUE(co_->Overdue(C(chair_), &list).ok());
  EXPECT_TRUE(list.empty());
  // The chair tightens the medium acknowledgement target to 12h.
  EXPECT_EQ(Tx([&] {
              return co_->SetSla(C(victim_), model::Severity::kMedium, ClockKind::kAcknowledge,
                                 12 * kHour);
            }).code(),
            Code::kPermission);
  ASSERT_TRUE(Tx([&] {
                return co_->SetSla(C(chair_), model::Severity::kMedium, ClockKind::kAcknowledge,
                                   12 * kHour);
              }).ok());
  ASSERT_TRUE(co_->Overdue(C(chair_), &list).ok());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].clocks[0].state, ClockState::kOverdue);
  ASSERT_TRUE(co_->Overdue(C(outsider_), &list).ok());
  EXPECT_TRUE(list.empty()) << "overdue listings go through visibility";
  // Acknowledging late stops the clock as breached.
  ASSERT_TRUE(
      Tx([&] { return co_->SetStatus(C(chair_), u, model::IncidentStatus::kTriage); }).ok());
  ASSERT_TRUE(co_->Overdue(C(chair_), &list).ok());
  EXPECT_TRUE(list.empty());
  auto v = Tx([&] { return co_->Get(C(chair_), u); });
  EXPECT_EQ(v->summary.clocks[0].state, ClockState::kBreached);
  // An open task past its due date makes the incident overdue.
  ASSERT_TRUE(Tx([&] {
                return co_->AddTask(C(victim_), {u, "patch", "", "", "", now_ + kHour});
              }).ok());
  now_ += 2 * kHour;
  ASSERT_TRUE(co_->Overdue(C(victim_), &list).ok());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].overdue_tasks, 1);
}

TEST_F(IncidentTest, FirstOfferClockAndResponsivenessForTheChair) {
  std::string u = Open("critical");
  now_ = kT0 + 30 * 60;
  ASSERT_TRUE(
      Tx([&] { return co_->SetStatus(C(chair_), u, model::IncidentStatus::kTriage); }).ok());
  now_ = kT0 + kHour;
  model::Rfa rfa = Ask(u);
  now_ = kT0 + 3 * kHour;
  auto o = Tx([&] { return co_->Offer(C(helper_), rfa.uuid, "analysis", 0); });
  ASSERT_TRUE(o.ok());
  auto v = Tx([&] { return co_->Get(C(victim_), u); });
  EXPECT_EQ(v->summary.clocks[1].state, ClockState::kMet);
  EXPECT_EQ(v->summary.clocks[1].elapsed, 2 * kHour);
  std::vector<Responsiveness> rs;
  EXPECT_EQ(co_->MemberResponsiveness(C(victim_), &rs).code(), Code::kPermission);
  ASSERT_TRUE(co_->MemberResponsiveness(C(chair_), &rs).ok());
  ASSERT_EQ(rs.size(), 5u);
  for (const auto& r : rs) {
    if (r.org.name == "Helper CERT") {
      EXPECT_EQ(r.rfas_received, 1);
      EXPECT_EQ(r.offers_made, 1);
      EXPECT_EQ(r.median_time_to_offer, 2 * kHour);
    } else if (r.org.name == "Chair CERT") {
      EXPECT_EQ(r.incidents_coordinated, 1);
      EXPECT_EQ(r.median_time_to_acknowledge, 30 * 60);
      EXPECT_EQ(r.ack_breached, 0);
    } else if (r.org.name == "Victim CERT") {
      EXPECT_EQ(r.rfas_received, 0) << "the requester is not its own audience";
    }
  }
}

// ---- intelligence ----

TEST_F(IncidentTest, PromoteSharesIndicatorsAndSeenShowsWhoElseReportedThem) {
  std::string u = Open();
  // Another member already shared the same IP in an event of its own.
  model::Event ev;
  ev.uuid = util::NewUuid();
  ev.info = "C2 list";
  ev.date = "2023-11-14";
  ev.timestamp = kT0 - kDay;
  ev.distribution = model::Distribution::kCommunity;
  ev.org = ev.orgc = {other_.id, other_.uuid, other_.name};
  model::Attribute a;
  a.uuid = util::NewUuid();
  a.type = "ip-dst";
  a.category = "Network activity";
  a.value = a.canonical = a.canonical1 = "198.51.100.7";
  a.timestamp = ev.timestamp;
  ev.attributes.push_back(a);
  ASSERT_TRUE(s_->events().UpsertEvent(&ev).ok());
  // Promotion: a non-party cannot (the incident is hidden); the victim may.
  EXPECT_EQ(Tx([&] { return co_->Promote(C(helper_), u, {}, model::Distribution::kCommunity); })
                .status()
                .code(),
            Code::kNotFound);
  auto e = Tx([&] { return co_->Promote(C(victim_), u, {}, model::Distribution::kCommunity); });
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  auto viewer = s_->community().ViewerFor(outsider_.id);
  auto shared = s_->events().GetEvent(*viewer, *e);
  ASSERT_TRUE(shared.ok()) << "distribution 1 reaches the community";
  EXPECT_EQ(shared->orgc.name, "Victim CERT");
  EXPECT_THAT(shared->info, ::testing::Not(HasSubstr("ministry")));
  EXPECT_EQ(model::StrictestTlp(shared->tags), model::Tlp::kAmber);
  ASSERT_EQ(shared->attributes.size(), 1u);
  // Linking an event the caller may not see reads as absent.
  model::Event priv = ev;
  priv.uuid = util::NewUuid();
  priv.distribution = model::Distribution::kOrganisation;
  priv.attributes[0].uuid = util::NewUuid();
  ASSERT_TRUE(s_->events().UpsertEvent(&priv).ok());
  EXPECT_EQ(Tx([&] { return co_->Link(C(victim_), u, "event", priv.uuid); }).code(),
            Code::kNotFound);
  ASSERT_TRUE(Tx([&] { return co_->Link(C(victim_), u, "event", ev.uuid); }).ok());
  EXPECT_EQ(Tx([&] { return co_->Link(C(victim_), u, "event", ev.uuid); }).code(), Code::kConflict);
  auto index = intel::CorrelationIndex::BuildFromStore(s_.get());
  ASSERT_TRUE(index.ok());
  auto settings = intel::LoadCorrelationSettings(s_.get());
  std::vector<SeenIndicator> seen;
  ASSERT_TRUE(co_->SeenElsewhere(C(victim_), u, **index, *settings, &seen).ok());
  ASSERT_EQ(seen.size(), 2u);  // the promoted attribute and the linked one
  for (const auto& x : seen) {
    EXPECT_EQ(x.value, "198.51.100.7");
    EXPECT_GE(x.correlated_events, 1);
  }
  for (const auto& x : seen) {
    // Each side sees the other member's report of the same IP.
    EXPECT_THAT(x.correlated_orgs,
                ::testing::Contains(x.event_uuid == *e ? "Other CERT" : "Victim CERT"));
  }
}

TEST_F(IncidentTest, ExportsCarryTheKeyFields) {
  std::string u = Open("critical", "red");
  auto iodef = Tx([&] { return co_->ExportIodef(C(victim_), u, "sanad.test"); });
  ASSERT_TRUE(iodef.ok());
  for (const char* want :
       {"<IODEF-Document version=\"2.00\"", "xmlns=\"urn:ietf:params:xml:ns:iodef-2.0\"",
        "purpose=\"reporting\"", "restriction=\"red\"", "<IncidentID name=\"sanad.test\">",
        "<GenerationTime>", "<Description>Ransomware at the ministry</Description>",
        "<SystemImpact severity=\"high\"", "role=\"irt\"", "<ContactName>Chair CERT",
        "role=\"victim\"", "<EventData>",
        "<System category=\"target\"><Node><Address "
        "category=\"ipv4-addr\">198.51.100.7</Address>",
        "meaning=\"sanad:severity\">critical"}) {
    EXPECT_THAT(*iodef, HasSubstr(want));
  }
  // Children of Incident in the order of RFC 7970's schema sequence.
  size_t last = 0;
  for (const char* tag : {"<IncidentID", "<DetectTime", "<ReportTime", "<GenerationTime",
                          "<Description", "<Assessment", "<Method", "<Contact", "<EventData",
                          "<IndicatorData", "<History", "<AdditionalData"}) {
    size_t at = iodef->find(tag);
    ASSERT_NE(at, std::string::npos) << tag;
    EXPECT_GT(at, last) << tag << " out of order";
    last = at;
  }
  auto js = Tx([&] { return co_->ExportJson(C(victim_), u); });
  ASSERT_TRUE(js.ok());
  boost::json::value v = boost::json::parse(*js);
  EXPECT_EQ(v.at("incident").at("uuid").as_string(), u);
  EXPECT_EQ(v.at("incident").at("tlp").as_string(), "TLP:RED");
  EXPECT_EQ(Tx([&] { return co_->ExportIodef(C(outsider_), u); }).status().code(), Code::kNotFound);
}

TEST_F(IncidentTest, ThirdPartyContactIsShownOnlyToManagers) {
  NewReport r;
  r.third_party = true;
  r.reporter_name = "A researcher";
  r.reporter_contact = "researcher@example.org";
  r.affected_org = "Victim CERT";
  r.description = "Open RDP on ministry servers";
  r.rsit_class = "vulnerable";
  r.rsit_type = "vulnerable-system";
  auto f = Tx([&] { return co_->FileReport(C(other_), r); });
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->incident.coordinator_org.name, "Chair CERT");
  auto mv = Tx([&] { return co_->Get(C(victim_), f->incident.uuid); });
  ASSERT_TRUE(mv.ok());
  EXPECT_EQ(mv->reports[0].reporter_contact, "researcher@example.org");
  auto rv = Tx([&] { return co_->Get(C(other_), f->incident.uuid); });
  ASSERT_TRUE(rv.ok()) << "the member that entered the report sees the incident";
  EXPECT_EQ(rv->reports[0].reporter_contact, "");
  auto x = Tx([&] { return co_->ExportIodef(C(victim_), f->incident.uuid); });
  EXPECT_THAT(*x, HasSubstr("A researcher"));
  EXPECT_THAT(*x, ::testing::Not(HasSubstr("researcher@example.org")));
}

TEST_F(IncidentTest, ARolledBackCommandLeavesNoTraceInTheAuditLog) {
  std::string u = Open();
  int64_t before = AuditCount("incident.comment");
  {
    store::Transaction tx(s_.get());
    ASSERT_TRUE(co_->AddComment(C(victim_), u, "draft").ok());
  }  // rolled back
  EXPECT_EQ(AuditCount("incident.comment"), before);
  auto v = Tx([&] { return co_->Get(C(victim_), u); });
  EXPECT_TRUE(v->comments.empty());
  auto verify = audit::Verify(s_.get());
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok) << verify->problem;
}

}  // namespace
}  // namespace sanad::incident
