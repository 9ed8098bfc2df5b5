// The membership section of the store: schema version 5 and its SQLite
// implementation (see store/membership_store.h).
#include "store/membership_store.h"

#include "store/schema.h"
#include "util/util.h"

namespace sanad::store {
namespace internal {

// Version 5: membership governance. Rows are appended and updated, never
// deleted (rejected applications, closed votes and past terms stay).
const char* MembershipMigration() {
  return R"sql(
CREATE TABLE membership_rules (
  version INTEGER PRIMARY KEY,
  rules_json TEXT NOT NULL,
  created INTEGER NOT NULL,
  actor TEXT NOT NULL,
  org_uuid TEXT NOT NULL DEFAULT ''
);

CREATE TABLE membership_applications (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  country TEXT NOT NULL,
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  profile_json TEXT NOT NULL,
  org_id INTEGER REFERENCES orgs(id),
  org_uuid TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  rules_version INTEGER NOT NULL,
  submitted INTEGER NOT NULL,
  submitted_by TEXT NOT NULL,
  decided INTEGER NOT NULL DEFAULT 0,
  reason TEXT NOT NULL DEFAULT ''
);

CREATE TABLE membership_sponsors (
  application_id INTEGER NOT NULL REFERENCES membership_applications(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  time INTEGER NOT NULL,
  statement TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (application_id, org_id)
) WITHOUT ROWID;

CREATE TABLE membership_votes (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  subject_org_id INTEGER REFERENCES orgs(id),
  application_id INTEGER REFERENCES membership_applications(id),
  motion TEXT NOT NULL DEFAULT '',
  proposed_by TEXT NOT NULL DEFAULT '',
  opens INTEGER NOT NULL,
  closes INTEGER NOT NULL,
  quorum TEXT NOT NULL,
  majority TEXT NOT NULL,
  eligible INTEGER NOT NULL,
  status TEXT NOT NULL,
  closed INTEGER NOT NULL DEFAULT 0,
  yes INTEGER NOT NULL DEFAULT 0,
  no INTEGER NOT NULL DEFAULT 0,
  abstain INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX membership_votes_status ON membership_votes(status);

CREATE TABLE membership_ballots (
  vote_id INTEGER NOT NULL REFERENCES membership_votes(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  choice TEXT NOT NULL,
  time INTEGER NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (vote_id, org_id)
) WITHOUT ROWID;

CREATE TABLE membership_decisions (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  time INTEGER NOT NULL,
  kind TEXT NOT NULL,
  subject_org_id INTEGER REFERENCES orgs(id),
  application_id INTEGER REFERENCES membership_applications(id),
  vote_id INTEGER REFERENCES membership_votes(id),
  decided_by TEXT NOT NULL,
  actor TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT ''
);

CREATE TABLE membership_periods (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  category TEXT NOT NULL,
  since INTEGER NOT NULL,
  until INTEGER NOT NULL DEFAULT 0,
  decision_id INTEGER REFERENCES membership_decisions(id)
);
CREATE INDEX membership_periods_org ON membership_periods(org_id, since);

CREATE TABLE membership_board_terms (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  starts INTEGER NOT NULL,
  ends INTEGER NOT NULL,
  decision_id INTEGER REFERENCES membership_decisions(id)
);

CREATE TABLE membership_board_seats (
  term_id INTEGER NOT NULL REFERENCES membership_board_terms(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (term_id, org_id)
) WITHOUT ROWID;

CREATE TABLE membership_audiences (
  key TEXT PRIMARY KEY,
  sharing_group_id INTEGER NOT NULL REFERENCES sharing_groups(id)
) WITHOUT ROWID;

CREATE TABLE membership_group_changes (
  id INTEGER PRIMARY KEY,
  sharing_group_id INTEGER NOT NULL REFERENCES sharing_groups(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  action TEXT NOT NULL,
  time INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX membership_group_changes_org ON membership_group_changes(org_id, id);
)sql";
}

}  // namespace internal

namespace {

using internal::Query;
using internal::StmtCache;

constexpr const char kAddRules[] =
    "INSERT INTO membership_rules(version, rules_json, created, actor, org_uuid)"
    " VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM membership_rules), ?1, ?2, ?3, ?4)";
constexpr const char kLatestRulesVersion[] = "SELECT MAX(version) FROM membership_rules";
constexpr const char kGetRules[] =
    "SELECT version, rules_json, created, actor, org_uuid FROM membership_rules"
    " WHERE version = (CASE WHEN ?1 = 0 THEN (SELECT MAX(version) FROM membership_rules)"
    " ELSE ?1 END)";

constexpr const char kAddApplication[] =
    "INSERT INTO membership_applications(uuid, name, country, kind, category, profile_json,"
    " org_id, org_uuid, status, rules_version, submitted, submitted_by, decided, reason)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
constexpr const char kUpdateApplication[] =
    "UPDATE membership_applications SET org_id = ?2, org_uuid = ?3, status = ?4, decided = ?5,"
    " reason = ?6 WHERE id = ?1";
#define SANAD_APP_SELECT                                                               \
  "SELECT id, uuid, name, country, kind, category, profile_json, COALESCE(org_id, 0)," \
  " org_uuid, status, rules_version, submitted, submitted_by, decided, reason"         \
  " FROM membership_applications "
constexpr const char kGetApplication[] = SANAD_APP_SELECT "WHERE uuid = ?1";
constexpr const char kGetApplicationById[] = SANAD_APP_SELECT "WHERE id = ?1";
constexpr const char kListApplications[] = SANAD_APP_SELECT "ORDER BY id";

constexpr const char kAddSponsor[] =
    "INSERT INTO membership_sponsors(application_id, org_id, time, statement)"
    " VALUES (?1, ?2, ?3, ?4)";
constexpr const char kListSponsors[] =
    "SELECT s.application_id, s.org_id, s.time, s.statement, o.uuid, o.name, o.country,"
    " o.category, o.kind FROM membership_sponsors s JOIN orgs o ON o.id = s.org_id"
    " WHERE s.application_id = ?1 ORDER BY s.time, s.org_id";

constexpr const char kAddVote[] =
    "INSERT INTO membership_votes(uuid, kind, subject_org_id, application_id, motion,"
    " proposed_by, opens, closes, quorum, majority, eligible, status, closed, yes, no, abstain)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
constexpr const char kUpdateVote[] =
    "UPDATE membership_votes SET status = ?2, closed = ?3, yes = ?4, no = ?5, abstain = ?6"
    " WHERE id = ?1";
#define SANAD_VOTE_SELECT                                                                      \
  "SELECT v.id, v.uuid, v.kind, COALESCE(v.subject_org_id, 0), COALESCE(v.application_id, 0)," \
  " v.motion, v.proposed_by, v.opens, v.closes, v.quorum, v.majority, v.eligible, v.status,"   \
  " v.closed, v.yes, v.no, v.abstain, COALESCE(o.name, a.name, ''), COALESCE(o.uuid, ''),"     \
  " COALESCE(a.uuid, '') FROM membership_votes v LEFT JOIN orgs o ON o.id = v.subject_org_id"  \
  " LEFT JOIN membership_applications a ON a.id = v.application_id "
constexpr const char kGetVote[] = SANAD_VOTE_SELECT "WHERE v.uuid = ?1";
constexpr const char kGetVoteById[] = SANAD_VOTE_SELECT "WHERE v.id = ?1";
constexpr const char kListVotes[] =
    SANAD_VOTE_SELECT "WHERE ?1 = 0 OR v.status = 'open' ORDER BY v.id";

constexpr const char kAddBallot[] =
    "INSERT INTO membership_ballots(vote_id, org_id, choice, time, comment)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kListBallots[] =
    "SELECT b.vote_id, b.org_id, b.choice, b.time, b.comment, o.uuid, o.name"
    " FROM membership_ballots b JOIN orgs o ON o.id = b.org_id WHERE b.vote_id = ?1"
    " ORDER BY b.time, b.org_id";

constexpr const char kAddDecision[] =
    "INSERT INTO membership_decisions(uuid, time, kind, subject_org_id, application_id,"
    " vote_id, decided_by, actor, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char kListDecisions[] =
    "SELECT d.id, d.uuid, d.time, d.kind, COALESCE(d.subject_org_id, 0),"
    " COALESCE(d.application_id, 0), COALESCE(d.vote_id, 0), d.decided_by, d.actor, d.details,"
    " COALESCE(o.name, a.name, ''), COALESCE(o.uuid, ''), COALESCE(a.uuid, ''),"
    " COALESCE(v.uuid, '') FROM membership_decisions d"
    " LEFT JOIN orgs o ON o.id = d.subject_org_id"
    " LEFT JOIN membership_applications a ON a.id = d.application_id"
    " LEFT JOIN membership_votes v ON v.id = d.vote_id ORDER BY d.id";

constexpr const char kAddPeriod[] =
    "INSERT INTO membership_periods(org_id, category, since, until, decision_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kEndPeriods[] =
    "UPDATE membership_periods SET until = ?2 WHERE org_id = ?1 AND until = 0";
constexpr const char kListPeriods[] =
    "SELECT id, org_id, category, since, until, COALESCE(decision_id, 0)"
    " FROM membership_periods ORDER BY org_id, since, id";

constexpr const char kAddBoardTerm[] =
    "INSERT INTO membership_board_terms(uuid, starts, ends, decision_id) VALUES (?1, ?2, ?3, ?4)";
constexpr const char kAddBoardSeat[] =
    "INSERT INTO membership_board_seats(term_id, org_id) VALUES (?1, ?2)";
constexpr const char kListBoardTerms[] =
    "SELECT id, uuid, starts, ends, COALESCE(decision_id, 0) FROM membership_board_terms"
    " ORDER BY id";
constexpr const char kListBoardSeats[] =
    "SELECT o.id, o.uuid, o.name FROM membership_board_seats s JOIN orgs o ON o.id = s.org_id"
    " WHERE s.term_id = ?1 ORDER BY o.name";

constexpr const char kGetAudience[] =
    "SELECT sharing_group_id FROM membership_audiences WHERE key = ?1";
constexpr const char kSetAudience[] =
    "INSERT INTO membership_audiences(key, sharing_group_id) VALUES (?1, ?2)"
    " ON CONFLICT(key) DO UPDATE SET sharing_group_id = excluded.sharing_group_id";
constexpr const char kListAudiences[] =
    "SELECT key, sharing_group_id FROM membership_audiences ORDER BY key";
constexpr const char kRemoveSgOrg[] =
    "DELETE FROM sharing_group_orgs WHERE sharing_group_id = ?1 AND org_id = ?2";
constexpr const char kOrgGroups[] =
    "SELECT sharing_group_id FROM sharing_group_orgs WHERE org_id = ?1 ORDER BY sharing_group_id";
constexpr const char kSetSgOwner[] = "UPDATE sharing_groups SET owner_org_id = ?2 WHERE id = ?1";
constexpr const char kAddGroupChange[] =
    "INSERT INTO membership_group_changes(sharing_group_id, org_id, action, time, reason)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kListGroupChanges[] =
    "SELECT c.id, c.sharing_group_id, c.org_id, c.action, c.time, c.reason, g.name, o.name"
    " FROM membership_group_changes c JOIN sharing_groups g ON g.id = c.sharing_group_id"
    " JOIN orgs o ON o.id = c.org_id WHERE ?1 = 0 OR c.org_id = ?1 ORDER BY c.id";

bool IsUnique(int rc) {
  return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY;
}

class SqliteMembershipStore final : public MembershipStore {
 public:
  explicit SqliteMembershipStore(Store* s)
      : s_(s), db_(internal::ConnectionOf(s)), stmts_(internal::StatementsOf(s)) {}

  Status AddRules(MembershipRulesRow* row) override {
    {
      auto q = stmts_->Use(kAddRules);
      if (!q.ok()) return q.status();
      q->Bind(1, row->rules_json).Bind(2, row->created).Bind(3, row->actor).Bind(4, row->org_uuid);
      SANAD_RETURN_IF_ERROR(q->Exec("storing membership rules"));
    }
    auto q = stmts_->Use(kLatestRulesVersion);
    if (!q.ok()) return q.status();
    Status st;
    if (!q->Next(&st, "reading rules version")) return st.ok() ? Status::Internal("no rules") : st;
    row->version = q->Int(0);
    return Status::Ok();
  }

  StatusOr<MembershipRulesRow> GetRules(int64_t version) override {
    auto q = stmts_->Use(kGetRules);
    if (!q.ok()) return q.status();
    q->Bind(1, version);
    Status st;
    if (!q->Next(&st, "reading membership rules")) {
      if (!st.ok()) return st;
      return Status::NotFound(version ? "no membership rules version " + std::to_string(version)
                                      : "no membership rules stored");
    }
    MembershipRulesRow r;
    r.version = q->Int(0);
    r.rules_json = q->Text(1);
    r.created = q->Int(2);
    r.actor = q->Text(3);
    r.org_uuid = q->Text(4);
    return r;
  }

  Status AddApplication(MembershipApplication* a) override {
    if (a->uuid.empty()) a->uuid = util::NewUuid();
    a->uuid = util::LowerUuid(a->uuid);
    auto q = stmts_->Use(kAddApplication);
    if (!q.ok()) return q.status();
    q->Bind(1, a->uuid)
        .Bind(2, a->name)
        .Bind(3, a->country)
        .Bind(4, model::Name(a->kind))
        .Bind(5, model::Name(a->category))
        .Bind(6, a->profile_json)
        .BindId(7, a->org_id)
        .Bind(8, a->org_uuid)
        .Bind(9, a->status)
        .Bind(10, a->rules_version)
        .Bind(11, a->submitted)
        .Bind(12, a->submitted_by)
        .Bind(13, a->decided)
        .Bind(14, a->reason);
    int rc = q->Step();
    if (IsUnique(rc)) return Status::Conflict("an application with uuid " + a->uuid + " exists");
    if (rc != SQLITE_DONE) return internal::SqlStatus(db_, rc, "adding application");
    a->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status UpdateApplication(const MembershipApplication& a) override {
    auto q = stmts_->Use(kUpdateApplication);
    if (!q.ok()) return q.status();
    q->Bind(1, a.id)
        .BindId(2, a.org_id)
        .Bind(3, a.org_uuid)
        .Bind(4, a.status)
        .Bind(5, a.decided)
        .Bind(6, a.reason);
    SANAD_RETURN_IF_ERROR(q->Exec("updating application"));
    if (sqlite3_changes(db_) == 0)
      return Status::NotFound("no application with id " + std::to_string(a.id));
    return Status::Ok();
  }

  StatusOr<MembershipApplication> GetApplication(std::string_view uuid) override {
    std::string u = util::LowerUuid(uuid);
    return OneApplication(
        kGetApplication, [&](Query& q) { q.Bind(1, u); }, "no application " + std::string(uuid));
  }

  StatusOr<MembershipApplication> GetApplicationById(int64_t id) override {
    return OneApplication(
        kGetApplicationById, [&](Query& q) { q.Bind(1, id); },
        "no application with id " + std::to_string(id));
  }

  Status ListApplications(std::vector<MembershipApplication>* out) override {
    out->clear();
    auto q = stmts_->Use(kListApplications);
    if (!q.ok()) return q.status();
    Status st;
    while (q->Next(&st, "listing applications")) out->push_back(ReadApplication(*q));
    return st;
  }

  Status AddSponsor(const MembershipSponsor& s) override {
    auto q = stmts_->Use(kAddSponsor);
    if (!q.ok()) return q.status();
    q->Bind(1, s.application_id).Bind(2, s.org_id).Bind(3, s.time).Bind(4, s.statement);
    int rc = q->Step();
    if (IsUnique(rc)) return Status::Conflict("this organisation already sponsors the application");
    if (rc != SQLITE_DONE) return internal::SqlStatus(db_, rc, "adding sponsor");
    return Status::Ok();
  }

  Status ListSponsors(int64_t application_id, std::vector<MembershipSponsor>* out) override {
    out->clear();
    auto q = stmts_->Use(kListSponsors);
    if (!q.ok()) return q.status();
    q->Bind(1, application_id);
    Status st;
    while (q->Next(&st, "listing sponsors")) {
      MembershipSponsor s;
      s.application_id = q->Int(0);
      s.org_id = q->Int(1);
      s.time = q->Int(2);
      s.statement = q->Text(3);
      s.org_uuid = q->Text(4);
      s.org_name = q->Text(5);
      s.org_country = q->Text(6);
      model::Parse(q->Text(7), &s.org_category);
      model::Parse(q->Text(8), &s.org_kind);
      out->push_back(std::move(s));
    }
    return st;
  }

  Status AddVote(MembershipVote* v) override {
    if (v->uuid.empty()) v->uuid = util::NewUuid();
    auto q = stmts_->Use(kAddVote);
    if (!q.ok()) return q.status();
    q->Bind(1, v->uuid)
        .Bind(2, v->kind)
        .BindId(3, v->subject_org_id)
        .BindId(4, v->application_id)
        .Bind(5, v->motion)
        .Bind(6, v->proposed_by)
        .Bind(7, v->opens)
        .Bind(8, v->closes)
        .Bind(9, v->quorum)
        .Bind(10, v->majority)
        .Bind(11, v->eligible)
        .Bind(12, v->status)
        .Bind(13, v->closed)
        .Bind(14, v->yes)
        .Bind(15, v->no)
        .Bind(16, v->abstain);
    int rc = q->Step();
    if (IsUnique(rc)) return Status::Conflict("a vote with uuid " + v->uuid + " exists");
    if (rc != SQLITE_DONE) return internal::SqlStatus(db_, rc, "adding vote");
    v->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status UpdateVote(const MembershipVote& v) override {
    auto q = stmts_->Use(kUpdateVote);
    if (!q.ok()) return q.status();
    q->Bind(1, v.id)
        .Bind(2, v.status)
        .Bind(3, v.closed)
        .Bind(4, v.yes)
        .Bind(5, v.no)
        .Bind(6, v.abstain);
    SANAD_RETURN_IF_ERROR(q->Exec("updating vote"));
    if (sqlite3_changes(db_) == 0)
      return Status::NotFound("no vote with id " + std::to_string(v.id));
    return Status::Ok();
  }

  StatusOr<MembershipVote> GetVote(std::string_view uuid) override {
    std::string u = util::LowerUuid(uuid);
    return OneVote(
        kGetVote, [&](Query& q) { q.Bind(1, u); }, "no vote " + std::string(uuid));
  }

  StatusOr<MembershipVote> GetVoteById(int64_t id) override {
    return OneVote(
        kGetVoteById, [&](Query& q) { q.Bind(1, id); }, "no vote with id " + std::to_string(id));
  }

  Status ListVotes(bool open_only, std::vector<MembershipVote>* out) override {
    out->clear();
    auto q = stmts_->Use(kListVotes);
    if (!q.ok()) return q.status();
    q->Bind(1, open_only);
    Status st;
    while (q->Next(&st, "listing votes")) out->push_back(ReadVote(*q));
    return st;
  }

  Status AddBallot(const MembershipBallot& b) override {
    auto q = stmts_->Use(kAddBallot);
    if (!q.ok()) return q.status();
    q->Bind(1, b.vote_id).Bind(2, b.org_id).Bind(3, b.choice).Bind(4, b.time).Bind(5, b.comment);
    int rc = q->Step();
    if (IsUnique(rc)) return Status::Conflict("this organisation has voted already");
    if (rc != SQLITE_DONE) return internal::SqlStatus(db_, rc, "adding ballot");
    return Status::Ok();
  }

  Status ListBallots(int64_t vote_id, std::vector<MembershipBallot>* out) override {
    out->clear();
    auto q = stmts_->Use(kListBallots);
    if (!q.ok()) return q.status();
    q->Bind(1, vote_id);
    Status st;
    while (q->Next(&st, "listing ballots")) {
      MembershipBallot b;
      b.vote_id = q->Int(0);
      b.org_id = q->Int(1);
      b.choice = q->Text(2);
      b.time = q->Int(3);
      b.comment = q->Text(4);
      b.org_uuid = q->Text(5);
      b.org_name = q->Text(6);
      out->push_back(std::move(b));
    }
    return st;
  }

  Status AddDecision(MembershipDecision* d) override {
    if (d->uuid.empty()) d->uuid = util::NewUuid();
    auto q = stmts_->Use(kAddDecision);
    if (!q.ok()) return q.status();
    q->Bind(1, d->uuid)
        .Bind(2, d->time)
        .Bind(3, d->kind)
        .BindId(4, d->subject_org_id)
        .BindId(5, d->application_id)
        .BindId(6, d->vote_id)
        .Bind(7, d->decided_by)
        .Bind(8, d->actor)
        .Bind(9, d->details);
    int rc = q->Step();
    if (rc != SQLITE_DONE) return internal::SqlStatus(db_, rc, "adding decision");
    d->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status ListDecisions(std::vector<MembershipDecision>* out) override {
    out->clear();
    auto q = stmts_->Use(kListDecisions);
    if (!q.ok()) return q.status();
    Status st;
    while (q->Next(&st, "listing decisions")) {
      MembershipDecision d;
      d.id = q->Int(0);
      d.uuid = q->Text(1);
      d.time = q->Int(2);
      d.kind = q->Text(3);
      d.subject_org_id = q->Int(4);
      d.application_id = q->Int(5);
      d.vote_id = q->Int(6);
      d.decided_by = q->Text(7);
      d.actor = q->Text(8);
      d.details = q->Text(9);
      d.subject_name = q->Text(10);
      d.subject_uuid = q->Text(11);
      d.application_uuid = q->Text(12);
      d.vote_uuid = q->Text(13);
      out->push_back(std::move(d));
    }
    return st;
  }

  Status AddPeriod(MembershipPeriod* p) override {
    auto q = stmts_->Use(kAddPeriod);
    if (!q.ok()) return q.status();
    q->Bind(1, p->org_id)
        .Bind(2, model::Name(p->category))
        .Bind(3, p->since)
        .Bind(4, p->until)
        .BindId(5, p->decision_id);
    SANAD_RETURN_IF_ERROR(q->Exec("adding membership period"));
    p->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status EndPeriods(int64_t org_id, model::Timestamp until) override {
    auto q = stmts_->Use(kEndPeriods);
    if (!q.ok()) return q.status();
    return q->Bind(1, org_id).Bind(2, until).Exec("ending membership periods");
  }

  Status ListPeriods(std::vector<MembershipPeriod>* out) override {
    out->clear();
    auto q = stmts_->Use(kListPeriods);
    if (!q.ok()) return q.status();
    Status st;
    while (q->Next(&st, "listing membership periods")) {
      MembershipPeriod p;
      p.id = q->Int(0);
      p.org_id = q->Int(1);
      model::Parse(q->Text(2), &p.category);
      p.since = q->Int(3);
      p.until = q->Int(4);
      p.decision_id = q->Int(5);
      out->push_back(p);
    }
    return st;
  }

  Status AddBoardTerm(BoardTerm* t) override {
    if (t->uuid.empty()) t->uuid = util::NewUuid();
    {
      auto q = stmts_->Use(kAddBoardTerm);
      if (!q.ok()) return q.status();
      q->Bind(1, t->uuid).Bind(2, t->starts).Bind(3, t->ends).BindId(4, t->decision_id);
      SANAD_RETURN_IF_ERROR(q->Exec("adding board term"));
      t->id = sqlite3_last_insert_rowid(db_);
    }
    for (const auto& seat : t->seats) {
      auto q = stmts_->Use(kAddBoardSeat);
      if (!q.ok()) return q.status();
      int rc = q->Bind(1, t->id).Bind(2, seat.id).Step();
      if (IsUnique(rc)) return Status::Conflict(seat.name + " holds two seats");
      if (rc != SQLITE_DONE) return internal::SqlStatus(db_, rc, "adding board seat");
    }
    return Status::Ok();
  }

  Status ListBoardTerms(std::vector<BoardTerm>* out) override {
    out->clear();
    {
      auto q = stmts_->Use(kListBoardTerms);
      if (!q.ok()) return q.status();
      Status st;
      while (q->Next(&st, "listing board terms")) {
        BoardTerm t;
        t.id = q->Int(0);
        t.uuid = q->Text(1);
        t.starts = q->Int(2);
        t.ends = q->Int(3);
        t.decision_id = q->Int(4);
        out->push_back(std::move(t));
      }
      SANAD_RETURN_IF_ERROR(st);
    }
    for (auto& t : *out) {
      auto q = stmts_->Use(kListBoardSeats);
      if (!q.ok()) return q.status();
      q->Bind(1, t.id);
      Status st;
      while (q->Next(&st, "listing board seats"))
        t.seats.push_back({q->Int(0), q->Text(1), q->Text(2)});
      SANAD_RETURN_IF_ERROR(st);
    }
    return Status::Ok();
  }

  StatusOr<int64_t> GetAudienceGroup(std::string_view key) override {
    auto q = stmts_->Use(kGetAudience);
    if (!q.ok()) return q.status();
    q->Bind(1, key);
    Status st;
    if (!q->Next(&st, "reading audience group"))
      return st.ok() ? Status::NotFound("no audience group '" + std::string(key) + "'") : st;
    return q->Int(0);
  }

  Status SetAudienceGroup(std::string_view key, int64_t sharing_group_id) override {
    auto q = stmts_->Use(kSetAudience);
    if (!q.ok()) return q.status();
    return q->Bind(1, key).Bind(2, sharing_group_id).Exec("storing audience group");
  }

  Status ListAudienceGroups(std::vector<std::pair<std::string, int64_t>>* out) override {
    out->clear();
    auto q = stmts_->Use(kListAudiences);
    if (!q.ok()) return q.status();
    Status st;
    while (q->Next(&st, "listing audience groups")) out->emplace_back(q->Text(0), q->Int(1));
    return st;
  }

  Status RemoveSharingGroupOrg(int64_t sg_id, int64_t org_id) override {
    {
      auto q = stmts_->Use(kRemoveSgOrg);
      if (!q.ok()) return q.status();
      SANAD_RETURN_IF_ERROR(q->Bind(1, sg_id).Bind(2, org_id).Exec("leaving sharing group"));
    }
    if (sqlite3_changes(db_) == 0) return Status::Ok();
    return internal::BumpDataGeneration(s_);
  }

  Status ListOrgGroups(int64_t org_id, std::vector<int64_t>* out) override {
    out->clear();
    auto q = stmts_->Use(kOrgGroups);
    if (!q.ok()) return q.status();
    q->Bind(1, org_id);
    Status st;
    while (q->Next(&st, "listing groups of organisation")) out->push_back(q->Int(0));
    return st;
  }

  Status SetSharingGroupOwner(int64_t sg_id, int64_t org_id) override {
    auto q = stmts_->Use(kSetSgOwner);
    if (!q.ok()) return q.status();
    return q->Bind(1, sg_id).Bind(2, org_id).Exec("changing sharing group owner");
  }

  Status AddGroupChange(const GroupChange& c) override {
    auto q = stmts_->Use(kAddGroupChange);
    if (!q.ok()) return q.status();
    q->Bind(1, c.sharing_group_id)
        .Bind(2, c.org_id)
        .Bind(3, c.action)
        .Bind(4, c.time)
        .Bind(5, c.reason);
    return q->Exec("recording sharing group change");
  }

  Status ListGroupChanges(int64_t org_id, std::vector<GroupChange>* out) override {
    out->clear();
    auto q = stmts_->Use(kListGroupChanges);
    if (!q.ok()) return q.status();
    q->Bind(1, org_id);
    Status st;
    while (q->Next(&st, "listing sharing group changes")) {
      GroupChange c;
      c.id = q->Int(0);
      c.sharing_group_id = q->Int(1);
      c.org_id = q->Int(2);
      c.action = q->Text(3);
      c.time = q->Int(4);
      c.reason = q->Text(5);
      c.group_name = q->Text(6);
      c.org_name = q->Text(7);
      out->push_back(std::move(c));
    }
    return st;
  }

 private:
  static MembershipApplication ReadApplication(const Query& q) {
    MembershipApplication a;
    a.id = q.Int(0);
    a.uuid = q.Text(1);
    a.name = q.Text(2);
    a.country = q.Text(3);
    model::Parse(q.Text(4), &a.kind);
    model::Parse(q.Text(5), &a.category);
    a.profile_json = q.Text(6);
    a.org_id = q.Int(7);
    a.org_uuid = q.Text(8);
    a.status = q.Text(9);
    a.rules_version = q.Int(10);
    a.submitted = q.Int(11);
    a.submitted_by = q.Text(12);
    a.decided = q.Int(13);
    a.reason = q.Text(14);
    return a;
  }

  static MembershipVote ReadVote(const Query& q) {
    MembershipVote v;
    v.id = q.Int(0);
    v.uuid = q.Text(1);
    v.kind = q.Text(2);
    v.subject_org_id = q.Int(3);
    v.application_id = q.Int(4);
    v.motion = q.Text(5);
    v.proposed_by = q.Text(6);
    v.opens = q.Int(7);
    v.closes = q.Int(8);
    v.quorum = q.Text(9);
    v.majority = q.Text(10);
    v.eligible = q.Int(11);
    v.status = q.Text(12);
    v.closed = q.Int(13);
    v.yes = q.Int(14);
    v.no = q.Int(15);
    v.abstain = q.Int(16);
    v.subject_name = q.Text(17);
    v.subject_uuid = q.Text(18);
    v.application_uuid = q.Text(19);
    return v;
  }

  template <class Binder>
  StatusOr<MembershipApplication> OneApplication(const char* sql, Binder bind,
                                                 const std::string& missing) {
    auto q = stmts_->Use(sql);
    if (!q.ok()) return q.status();
    bind(*q);
    Status st;
    if (!q->Next(&st, "reading application")) return st.ok() ? Status::NotFound(missing) : st;
    return ReadApplication(*q);
  }

  template <class Binder>
  StatusOr<MembershipVote> OneVote(const char* sql, Binder bind, const std::string& missing) {
    auto q = stmts_->Use(sql);
    if (!q.ok()) return q.status();
    bind(*q);
    Status st;
    if (!q->Next(&st, "reading vote")) return st.ok() ? Status::NotFound(missing) : st;
    return ReadVote(*q);
  }

  Store* s_;
  sqlite3* db_;
  StmtCache* stmts_;
};

}  // namespace

std::unique_ptr<MembershipStore> NewMembershipStore(Store* s) {
  return std::make_unique<SqliteMembershipStore>(s);
}

}  // namespace sanad::store
