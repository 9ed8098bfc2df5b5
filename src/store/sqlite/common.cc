// Shared pieces of the SQLite backend: write scopes and helpers.
#include "store/sqlite/internal.h"

namespace sanad::store::internal {
namespace {

constexpr char kSavepoint[] = "SAVEPOINT sanad_op";
constexpr char kRelease[] = "RELEASE sanad_op";
constexpr char kRollbackTo[] = "ROLLBACK TO sanad_op";
constexpr char kBumpGeneration[] = "UPDATE meta SET value = value + 1 WHERE key = 'data_generation'";

}  // namespace

Status Conn::BumpGeneration() {
  auto q = stmts.Use(kBumpGeneration);
  return q.ok() ? q->Exec("updating the data generation") : q.status();
}

Savepoint::Savepoint(Conn* c) : ScopeBase(c) {
  auto q = c_->stmts.Use(kSavepoint);
  status_ = q.ok() ? q->Exec("savepoint") : q.status();
}

Savepoint::~Savepoint() {
  if (!status_.ok() || released_) return;
  {
    auto q = c_->stmts.Use(kRollbackTo);
    if (q.ok()) (void)q->Exec("rollback to savepoint");
  }
  {
    auto q = c_->stmts.Use(kRelease);
    if (q.ok()) (void)q->Exec("release savepoint");
  }
  // Tags created inside the savepoint are gone.
  c_->tag_ids.clear();
}

Status Savepoint::Release() {
  auto q = c_->stmts.Use(kRelease);
  Status st = q.ok() ? q->Exec("release savepoint") : q.status();
  if (st.ok()) released_ = true;
  return st;
}

WriteScope::WriteScope(Conn* c) : ScopeBase(c) {
  if (!sqlite3_get_autocommit(c_->db)) return;
  auto q = c_->stmts.Use(kBegin);
  status_ = q.ok() ? q->Exec("begin transaction") : q.status();
  own_ = status_.ok();
}

WriteScope::~WriteScope() {
  if (!own_) return;
  if (!sqlite3_get_autocommit(c_->db)) ExecScript(c_->db, kRollback, "rollback");
  c_->tag_ids.clear();
}

Status WriteScope::Finish() {
  if (!own_) return Status::Ok();
  auto q = c_->stmts.Use(kCommit);
  Status st = q.ok() ? q->Exec("commit") : q.status();
  if (st.ok()) own_ = false;  // else the destructor rolls back
  return st;
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// uuids are stored and compared in lower case.
void LowerInPlace(std::string* s) {
  for (char& c : *s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  LowerInPlace(&out);
  return out;
}

Status AssignUuid(std::string* uuid, std::string_view what) {
  if (uuid->empty()) {
    *uuid = util::NewUuid();
  } else if (!util::IsUuid(*uuid)) {
    return Status::Invalid(std::string(what) + ": invalid uuid " + Quote(*uuid));
  }
  LowerInPlace(uuid);
  return Status::Ok();
}

bool IsUniqueViolation(int rc) {
  return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// Sharing group ref from columns (id, uuid, name); none when id is NULL.
model::SharingGroupRef ReadSgRef(Row& r) {
  model::SharingGroupRef ref;
  if (r.NextIsNull()) {
    r.Skip(3);
    return ref;
  }
  ref.id = r.Int();
  ref.uuid = r.Text();
  ref.name = r.Text();
  return ref;
}


Status ToDistribution(int64_t v, Distribution* out, std::string_view what) {
  if (v < 0 || v > 5) {
    return Status::Corrupt(std::string(what) + ": stored distribution " + std::to_string(v) +
                           " is not 0..5");
  }
  *out = static_cast<Distribution>(v);
  return Status::Ok();
}

Status ReadAttributeBody(Row& r, model::Attribute* a, std::string_view what) {
  a->object_relation = r.Text();
  a->type = r.Text();
  a->category = r.Text();
  a->value = r.Text();
  a->canonical = r.Text();
  a->canonical1 = r.Text();
  a->canonical2 = r.Text();
  a->to_ids = r.Bool();
  a->comment = r.Text();
  Status d = ToDistribution(r.Int(), &a->distribution, what);
  a->sharing_group = ReadSgRef(r);
  a->timestamp = r.Int();
  a->first_seen = r.OptText();
  a->last_seen = r.OptText();
  a->disable_correlation = r.Bool();
  a->deleted = r.Bool();
  a->extra_json = r.Text();
  return d;
}

Query& BindSighting(Query& q, const model::Sighting& s) {
  return q.Bind(1, s.uuid)
      .Bind(2, s.attribute_id)
      .BindId(3, s.org.id)
      .Bind(4, static_cast<int>(s.type))
      .Bind(5, s.source)
      .Bind(6, s.date_sighting);
}

}  // namespace sanad::store::internal
