// The membership section of the store: schema version 5 and the SQLite
// implementation of its three parts (store/membership_store.h,
// membership_vote_store.h, membership_rules_store.h).
#include "store/sqlite/membership_internal.h"

namespace sanad::store::internal {

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

namespace {

// ---- rules ----

#define RULES_SELECT "SELECT version, rules_json, created, actor, org_uuid FROM membership_rules "

model::MembershipRulesRow ReadRules(Row& r) {
  return {r.Int(), r.Text(), r.Int(), r.Text(), r.Text()};
}

constexpr const char kAddRules[] =
    "INSERT INTO membership_rules(version, rules_json, created, actor, org_uuid)"
    " VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM membership_rules), ?1, ?2, ?3, ?4)";
constexpr const char kGetRules[] = RULES_SELECT
    "WHERE version = (CASE WHEN ?1 = 0 THEN (SELECT MAX(version) FROM membership_rules)"
    " ELSE ?1 END)";

// ---- applications and sponsors ----

#define APPLICATION_SELECT                                                             \
  "SELECT id, uuid, name, country, kind, category, profile_json, COALESCE(org_id, 0)," \
  " org_uuid, status, rules_version, submitted, submitted_by, decided, reason"         \
  " FROM membership_applications "

model::MembershipApplication ReadApplication(Row& r) {
  model::MembershipApplication a;
  a.id = r.Int();
  a.uuid = r.Text();
  a.name = r.Text();
  a.country = r.Text();
  model::Parse(r.Text(), &a.kind);
  model::Parse(r.Text(), &a.category);
  a.profile_json = r.Text();
  a.org_id = r.Int();
  a.org_uuid = r.Text();
  a.status = r.Text();
  a.rules_version = r.Int();
  a.submitted = r.Int();
  a.submitted_by = r.Text();
  a.decided = r.Int();
  a.reason = r.Text();
  return a;
}

#define SPONSOR_SELECT                                                                 \
  "SELECT s.application_id, s.org_id, s.time, s.statement, o.uuid, o.name, o.country," \
  " o.category, o.kind FROM membership_sponsors s JOIN orgs o ON o.id = s.org_id "

model::MembershipSponsor ReadSponsor(Row& r) {
  model::MembershipSponsor s{r.Int(), r.Int(), r.Int(), r.Text(), r.Text(), r.Text(), r.Text()};
  model::Parse(r.Text(), &s.org_category);
  model::Parse(r.Text(), &s.org_kind);
  return s;
}

constexpr const char kAddApplication[] =
    "INSERT INTO membership_applications(uuid, name, country, kind, category, profile_json,"
    " org_id, org_uuid, status, rules_version, submitted, submitted_by, decided, reason)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
constexpr const char kUpdateApplication[] =
    "UPDATE membership_applications SET org_id = ?2, org_uuid = ?3, status = ?4, decided = ?5,"
    " reason = ?6 WHERE id = ?1";
constexpr const char kGetApplication[] = APPLICATION_SELECT "WHERE uuid = ?1";
constexpr const char kGetApplicationById[] = APPLICATION_SELECT "WHERE id = ?1";
constexpr const char kListApplications[] = APPLICATION_SELECT "ORDER BY id";
constexpr const char kAddSponsor[] =
    "INSERT INTO membership_sponsors(application_id, org_id, time, statement)"
    " VALUES (?1, ?2, ?3, ?4)";
constexpr const char kListSponsors[] =
    SPONSOR_SELECT "WHERE s.application_id = ?1 ORDER BY s.time, s.org_id";

// ---- votes and ballots ----

#define VOTE_SELECT                                                                            \
  "SELECT v.id, v.uuid, v.kind, COALESCE(v.subject_org_id, 0), COALESCE(v.application_id, 0)," \
  " v.motion, v.proposed_by, v.opens, v.closes, v.quorum, v.majority, v.eligible, v.status,"   \
  " v.closed, v.yes, v.no, v.abstain, COALESCE(o.name, a.name, ''), COALESCE(o.uuid, ''),"     \
  " COALESCE(a.uuid, '') FROM membership_votes v LEFT JOIN orgs o ON o.id = v.subject_org_id"  \
  " LEFT JOIN membership_applications a ON a.id = v.application_id "

model::MembershipVote ReadVote(Row& r) {
  model::MembershipVote v;
  v.id = r.Int();
  v.uuid = r.Text();
  v.kind = r.Text();
  v.subject_org_id = r.Int();
  v.application_id = r.Int();
  v.motion = r.Text();
  v.proposed_by = r.Text();
  v.opens = r.Int();
  v.closes = r.Int();
  v.quorum = r.Text();
  v.majority = r.Text();
  v.eligible = r.Int();
  v.status = r.Text();
  v.closed = r.Int();
  v.yes = r.Int();
  v.no = r.Int();
  v.abstain = r.Int();
  v.subject_name = r.Text();
  v.subject_uuid = r.Text();
  v.application_uuid = r.Text();
  return v;
}

#define BALLOT_SELECT                                                       \
  "SELECT b.vote_id, b.org_id, b.choice, b.time, b.comment, o.uuid, o.name" \
  " FROM membership_ballots b JOIN orgs o ON o.id = b.org_id "

model::MembershipBallot ReadBallot(Row& r) {
  return {r.Int(), r.Int(), r.Text(), r.Int(), r.Text(), r.Text(), r.Text()};
}

constexpr const char kAddVote[] =
    "INSERT INTO membership_votes(uuid, kind, subject_org_id, application_id, motion,"
    " proposed_by, opens, closes, quorum, majority, eligible, status, closed, yes, no, abstain)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
constexpr const char kUpdateVote[] =
    "UPDATE membership_votes SET status = ?2, closed = ?3, yes = ?4, no = ?5, abstain = ?6"
    " WHERE id = ?1";
constexpr const char kGetVote[] = VOTE_SELECT "WHERE v.uuid = ?1";
constexpr const char kGetVoteById[] = VOTE_SELECT "WHERE v.id = ?1";
constexpr const char kListVotes[] = VOTE_SELECT "WHERE ?1 = 0 OR v.status = 'open' ORDER BY v.id";
constexpr const char kAddBallot[] =
    "INSERT INTO membership_ballots(vote_id, org_id, choice, time, comment)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kListBallots[] =
    BALLOT_SELECT "WHERE b.vote_id = ?1 ORDER BY b.time, b.org_id";

// ---- decisions, periods, board ----

#define DECISION_SELECT                                                                       \
  "SELECT d.id, d.uuid, d.time, d.kind, COALESCE(d.subject_org_id, 0),"                       \
  " COALESCE(d.application_id, 0), COALESCE(d.vote_id, 0), d.decided_by, d.actor, d.details," \
  " COALESCE(o.name, a.name, ''), COALESCE(o.uuid, ''), COALESCE(a.uuid, ''),"                \
  " COALESCE(v.uuid, '') FROM membership_decisions d"                                         \
  " LEFT JOIN orgs o ON o.id = d.subject_org_id"                                              \
  " LEFT JOIN membership_applications a ON a.id = d.application_id"                           \
  " LEFT JOIN membership_votes v ON v.id = d.vote_id "

model::MembershipDecision ReadDecision(Row& r) {
  return {r.Int(),  r.Text(), r.Int(),  r.Text(), r.Int(),  r.Int(),  r.Int(),
          r.Text(), r.Text(), r.Text(), r.Text(), r.Text(), r.Text(), r.Text()};
}

#define PERIOD_SELECT \
  "SELECT id, org_id, category, since, until, COALESCE(decision_id, 0) FROM membership_periods "

model::MembershipPeriod ReadPeriod(Row& r) {
  model::MembershipPeriod p;
  p.id = r.Int();
  p.org_id = r.Int();
  model::Parse(r.Text(), &p.category);
  p.since = r.Int();
  p.until = r.Int();
  p.decision_id = r.Int();
  return p;
}

#define BOARD_TERM_SELECT \
  "SELECT id, uuid, starts, ends, COALESCE(decision_id, 0) FROM membership_board_terms "

model::BoardTerm ReadBoardTerm(Row& r) {
  return {r.Int(), r.Text(), r.Int(), r.Int(), r.Int(), {}};
}

model::OrgRef ReadOrg(Row& r) { return {r.Int(), r.Text(), r.Text()}; }

constexpr const char kAddDecision[] =
    "INSERT INTO membership_decisions(uuid, time, kind, subject_org_id, application_id,"
    " vote_id, decided_by, actor, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char kListDecisions[] = DECISION_SELECT "ORDER BY d.id";
constexpr const char kAddPeriod[] =
    "INSERT INTO membership_periods(org_id, category, since, until, decision_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kEndPeriods[] =
    "UPDATE membership_periods SET until = ?2 WHERE org_id = ?1 AND until = 0";
constexpr const char kListPeriods[] = PERIOD_SELECT "ORDER BY org_id, since, id";
constexpr const char kAddBoardTerm[] =
    "INSERT INTO membership_board_terms(uuid, starts, ends, decision_id) VALUES (?1, ?2, ?3, ?4)";
constexpr const char kAddBoardSeat[] =
    "INSERT INTO membership_board_seats(term_id, org_id) VALUES (?1, ?2)";
constexpr const char kListBoardTerms[] = BOARD_TERM_SELECT "ORDER BY id";
constexpr const char kListBoardSeats[] =
    "SELECT o.id, o.uuid, o.name FROM membership_board_seats s JOIN orgs o ON o.id = s.org_id"
    " WHERE s.term_id = ?1 ORDER BY o.name";

// ---- audience groups and sharing-group membership ----

#define GROUP_CHANGE_SELECT                                                               \
  "SELECT c.id, c.sharing_group_id, c.org_id, c.action, c.time, c.reason, g.name, o.name" \
  " FROM membership_group_changes c JOIN sharing_groups g ON g.id = c.sharing_group_id"   \
  " JOIN orgs o ON o.id = c.org_id "

model::GroupChange ReadGroupChange(Row& r) {
  return {r.Int(), r.Int(), r.Int(), r.Text(), r.Int(), r.Text(), r.Text(), r.Text()};
}

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
    GROUP_CHANGE_SELECT "WHERE ?1 = 0 OR c.org_id = ?1 ORDER BY c.id";

int64_t ReadId(Row& r) { return r.Int(); }

// The connection and the row helpers the membership sections share.
class MembershipSection {
 protected:
  explicit MembershipSection(Conn* c) : c_(c), db_(c->db), stmts_(&c->stmts) {}

  // Steps the INSERT `q` and stores the new row id in *id (when not null).
  // A uniqueness violation is Conflict(`conflict`) when `conflict` is not
  // empty; other errors name `what`.
  Status Insert(Query& q, const std::string& conflict, std::string_view what, int64_t* id) {
    int rc = q.Step();
    if (!conflict.empty() && IsUniqueViolation(rc)) return Status::Conflict(conflict);
    if (rc != SQLITE_DONE) return SqlStatus(db_, rc, what);
    if (id) *id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  // Executes the UPDATE `q`; NotFound(`missing`) when it changed no row.
  Status Update(Query& q, std::string_view what, const std::string& missing) {
    SANAD_RETURN_IF_ERROR(q.Exec(what));
    if (sqlite3_changes(db_) == 0) return Status::NotFound(missing);
    return Status::Ok();
  }

  Conn* c_;
  sqlite3* db_;
  StmtCache* stmts_;
};

// Applications, sponsors, decisions and periods.
class SqliteMembershipStore final : public MembershipStore, MembershipSection {
 public:
  explicit SqliteMembershipStore(Conn* c) : MembershipSection(c) {}

  Status AddApplication(model::MembershipApplication* a) override {
    if (a->uuid.empty()) a->uuid = util::NewUuid();
    a->uuid = util::LowerUuid(a->uuid);
    SANAD_USE(q, kAddApplication);
    q.Bind(1, a->uuid).Bind(2, a->name).Bind(3, a->country).Bind(4, model::Name(a->kind));
    q.Bind(5, model::Name(a->category)).Bind(6, a->profile_json).BindId(7, a->org_id);
    q.Bind(8, a->org_uuid).Bind(9, a->status).Bind(10, a->rules_version).Bind(11, a->submitted);
    q.Bind(12, a->submitted_by).Bind(13, a->decided).Bind(14, a->reason);
    return Insert(q, "an application with uuid " + a->uuid + " exists", "adding application",
                  &a->id);
  }

  Status UpdateApplication(const model::MembershipApplication& a) override {
    SANAD_USE(q, kUpdateApplication);
    q.Bind(1, a.id).BindId(2, a.org_id).Bind(3, a.org_uuid).Bind(4, a.status);
    q.Bind(5, a.decided).Bind(6, a.reason);
    return Update(q, "updating application", "no application with id " + std::to_string(a.id));
  }

  StatusOr<model::MembershipApplication> GetApplication(std::string_view uuid) override {
    std::string u = util::LowerUuid(uuid);
    return OneRowBy<model::MembershipApplication>(stmts_, kGetApplication, u, "reading application",
                                                  ReadApplication,
                                                  "no application " + std::string(uuid));
  }

  StatusOr<model::MembershipApplication> GetApplicationById(int64_t id) override {
    return OneRowBy<model::MembershipApplication>(stmts_, kGetApplicationById, id,
                                                  "reading application", ReadApplication,
                                                  "no application with id " + std::to_string(id));
  }

  Status ListApplications(std::vector<model::MembershipApplication>* out) override {
    out->clear();
    SANAD_USE(q, kListApplications);
    return AppendRows(q, "listing applications", ReadApplication, out);
  }

  Status AddSponsor(const model::MembershipSponsor& s) override {
    SANAD_USE(q, kAddSponsor);
    q.Bind(1, s.application_id).Bind(2, s.org_id).Bind(3, s.time).Bind(4, s.statement);
    return Insert(q, "this organisation already sponsors the application", "adding sponsor",
                  nullptr);
  }

  Status ListSponsors(int64_t application_id, std::vector<model::MembershipSponsor>* out) override {
    return ListBy(stmts_, kListSponsors, application_id, "listing sponsors", ReadSponsor, out);
  }

  Status AddDecision(model::MembershipDecision* d) override {
    if (d->uuid.empty()) d->uuid = util::NewUuid();
    SANAD_USE(q, kAddDecision);
    q.Bind(1, d->uuid).Bind(2, d->time).Bind(3, d->kind).BindId(4, d->subject_org_id);
    q.BindId(5, d->application_id).BindId(6, d->vote_id).Bind(7, d->decided_by);
    q.Bind(8, d->actor).Bind(9, d->details);
    return Insert(q, "", "adding decision", &d->id);
  }

  Status ListDecisions(std::vector<model::MembershipDecision>* out) override {
    out->clear();
    SANAD_USE(q, kListDecisions);
    return AppendRows(q, "listing decisions", ReadDecision, out);
  }

  Status AddPeriod(model::MembershipPeriod* p) override {
    SANAD_USE(q, kAddPeriod);
    q.Bind(1, p->org_id).Bind(2, model::Name(p->category)).Bind(3, p->since);
    q.Bind(4, p->until).BindId(5, p->decision_id);
    return Insert(q, "", "adding membership period", &p->id);
  }

  Status EndPeriods(int64_t org_id, model::Timestamp until) override {
    SANAD_USE(q, kEndPeriods);
    return q.Bind(1, org_id).Bind(2, until).Exec("ending membership periods");
  }

  Status ListPeriods(std::vector<model::MembershipPeriod>* out) override {
    out->clear();
    SANAD_USE(q, kListPeriods);
    return AppendRows(q, "listing membership periods", ReadPeriod, out);
  }
};

// Votes, ballots and board terms.
class SqliteMembershipVoteStore final : public MembershipVoteStore, MembershipSection {
 public:
  explicit SqliteMembershipVoteStore(Conn* c) : MembershipSection(c) {}

  Status AddVote(model::MembershipVote* v) override {
    if (v->uuid.empty()) v->uuid = util::NewUuid();
    SANAD_USE(q, kAddVote);
    q.Bind(1, v->uuid).Bind(2, v->kind).BindId(3, v->subject_org_id);
    q.BindId(4, v->application_id).Bind(5, v->motion).Bind(6, v->proposed_by);
    q.Bind(7, v->opens).Bind(8, v->closes).Bind(9, v->quorum).Bind(10, v->majority);
    q.Bind(11, v->eligible).Bind(12, v->status).Bind(13, v->closed);
    q.Bind(14, v->yes).Bind(15, v->no).Bind(16, v->abstain);
    return Insert(q, "a vote with uuid " + v->uuid + " exists", "adding vote", &v->id);
  }

  Status UpdateVote(const model::MembershipVote& v) override {
    SANAD_USE(q, kUpdateVote);
    q.Bind(1, v.id).Bind(2, v.status).Bind(3, v.closed);
    q.Bind(4, v.yes).Bind(5, v.no).Bind(6, v.abstain);
    return Update(q, "updating vote", "no vote with id " + std::to_string(v.id));
  }

  StatusOr<model::MembershipVote> GetVote(std::string_view uuid) override {
    std::string u = util::LowerUuid(uuid);
    return OneRowBy<model::MembershipVote>(stmts_, kGetVote, u, "reading vote", ReadVote,
                                           "no vote " + std::string(uuid));
  }

  StatusOr<model::MembershipVote> GetVoteById(int64_t id) override {
    return OneRowBy<model::MembershipVote>(stmts_, kGetVoteById, id, "reading vote", ReadVote,
                                           "no vote with id " + std::to_string(id));
  }

  Status ListVotes(bool open_only, std::vector<model::MembershipVote>* out) override {
    return ListBy(stmts_, kListVotes, open_only, "listing votes", ReadVote, out);
  }

  Status AddBallot(const model::MembershipBallot& b) override {
    SANAD_USE(q, kAddBallot);
    q.Bind(1, b.vote_id).Bind(2, b.org_id).Bind(3, b.choice).Bind(4, b.time).Bind(5, b.comment);
    return Insert(q, "this organisation has voted already", "adding ballot", nullptr);
  }

  Status ListBallots(int64_t vote_id, std::vector<model::MembershipBallot>* out) override {
    return ListBy(stmts_, kListBallots, vote_id, "listing ballots", ReadBallot, out);
  }

  Status AddBoardTerm(model::BoardTerm* t) override {
    if (t->uuid.empty()) t->uuid = util::NewUuid();
    {
      SANAD_USE(q, kAddBoardTerm);
      q.Bind(1, t->uuid).Bind(2, t->starts).Bind(3, t->ends).BindId(4, t->decision_id);
      SANAD_RETURN_IF_ERROR(Insert(q, "", "adding board term", &t->id));
    }
    for (const auto& seat : t->seats) {
      SANAD_USE(q, kAddBoardSeat);
      q.Bind(1, t->id).Bind(2, seat.id);
      SANAD_RETURN_IF_ERROR(
          Insert(q, seat.name + " holds two seats", "adding board seat", nullptr));
    }
    return Status::Ok();
  }

  Status ListBoardTerms(std::vector<model::BoardTerm>* out) override {
    out->clear();
    {
      SANAD_USE(q, kListBoardTerms);
      SANAD_RETURN_IF_ERROR(AppendRows(q, "listing board terms", ReadBoardTerm, out));
    }
    for (auto& t : *out) {
      SANAD_USE(q, kListBoardSeats);
      q.Bind(1, t.id);
      SANAD_RETURN_IF_ERROR(AppendRows(q, "listing board seats", ReadOrg, &t.seats));
    }
    return Status::Ok();
  }
};

// Rules, audience groups and sharing-group membership.
class SqliteMembershipRulesStore final : public MembershipRulesStore, MembershipSection {
 public:
  explicit SqliteMembershipRulesStore(Conn* c) : MembershipSection(c) {}

  Status AddRules(model::MembershipRulesRow* row) override {
    SANAD_USE(q, kAddRules);
    q.Bind(1, row->rules_json).Bind(2, row->created).Bind(3, row->actor).Bind(4, row->org_uuid);
    // version is the table's INTEGER PRIMARY KEY, i.e. the new row id.
    return Insert(q, "", "storing membership rules", &row->version);
  }

  StatusOr<model::MembershipRulesRow> GetRules(int64_t version) override {
    return OneRowBy<model::MembershipRulesRow>(
        stmts_, kGetRules, version, "reading membership rules", ReadRules,
        version ? "no membership rules version " + std::to_string(version)
                : "no membership rules stored");
  }

  StatusOr<int64_t> GetAudienceGroup(std::string_view key) override {
    return OneRowBy<int64_t>(stmts_, kGetAudience, key, "reading audience group", ReadId,
                             "no audience group '" + std::string(key) + "'");
  }

  Status SetAudienceGroup(std::string_view key, int64_t sharing_group_id) override {
    SANAD_USE(q, kSetAudience);
    return q.Bind(1, key).Bind(2, sharing_group_id).Exec("storing audience group");
  }

  Status ListAudienceGroups(std::vector<std::pair<std::string, int64_t>>* out) override {
    out->clear();
    SANAD_USE(q, kListAudiences);
    return AppendRows(
        q, "listing audience groups",
        [](Row& r) {
          return std::pair<std::string, int64_t>{r.Text(), r.Int()};
        },
        out);
  }

  Status RemoveSharingGroupOrg(int64_t sg_id, int64_t org_id) override {
    {
      SANAD_USE(q, kRemoveSgOrg);
      SANAD_RETURN_IF_ERROR(q.Bind(1, sg_id).Bind(2, org_id).Exec("leaving sharing group"));
    }
    if (sqlite3_changes(db_) == 0) return Status::Ok();
    return c_->BumpGeneration();
  }

  Status ListOrgGroups(int64_t org_id, std::vector<int64_t>* out) override {
    return ListBy(stmts_, kOrgGroups, org_id, "listing groups of organisation", ReadId, out);
  }

  Status SetSharingGroupOwner(int64_t sg_id, int64_t org_id) override {
    SANAD_USE(q, kSetSgOwner);
    return q.Bind(1, sg_id).Bind(2, org_id).Exec("changing sharing group owner");
  }

  Status AddGroupChange(const model::GroupChange& c) override {
    SANAD_USE(q, kAddGroupChange);
    q.Bind(1, c.sharing_group_id).Bind(2, c.org_id).Bind(3, c.action).Bind(4, c.time);
    q.Bind(5, c.reason);
    return q.Exec("recording sharing group change");
  }

  Status ListGroupChanges(int64_t org_id, std::vector<model::GroupChange>* out) override {
    return ListBy(stmts_, kListGroupChanges, org_id, "listing sharing group changes",
                  ReadGroupChange, out);
  }
};

}  // namespace

std::unique_ptr<MembershipStore> NewMembershipStore(Conn* c) {
  return std::make_unique<SqliteMembershipStore>(c);
}
std::unique_ptr<MembershipVoteStore> NewMembershipVoteStore(Conn* c) {
  return std::make_unique<SqliteMembershipVoteStore>(c);
}
std::unique_ptr<MembershipRulesStore> NewMembershipRulesStore(Conn* c) {
  return std::make_unique<SqliteMembershipRulesStore>(c);
}

}  // namespace sanad::store::internal
