// The SQLite implementation of store::Store: opening and migrating the
// database, transactions, and the sections (one object each, over the one
// connection: src/store/sqlite/*.cc).
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "store/sqlite/incident_internal.h"
#include "store/sqlite/internal.h"
#include "store/sqlite/membership_internal.h"

namespace sanad::store::internal {
namespace {

// 'SAND' in the database header: marks the file as a Sanad store.
constexpr int kApplicationId = 0x53414e44;

constexpr const char kStats[] =
    "SELECT (SELECT COUNT(*) FROM orgs), (SELECT COUNT(*) FROM users),"
    " (SELECT COUNT(*) FROM sharing_groups), (SELECT COUNT(*) FROM events),"
    " (SELECT COUNT(*) FROM attributes), (SELECT COUNT(*) FROM objects),"
    " (SELECT COUNT(*) FROM tags), (SELECT COUNT(*) FROM sightings)";

class SqliteStore final : public Store {
 public:
  SqliteStore(sqlite3* db, std::string path, int version, bool read_only)
      : conn_(db, read_only),
        c_(&conn_),
        db_(db),
        stmts_(&conn_.stmts),
        path_(std::move(path)),
        version_(version),
        community_(NewCommunityStore(c_)),
        events_(NewEventStore(c_)),
        intel_(NewIntelStore(c_)),
        sightings_(NewSightingStore(c_)),
        audit_log_(NewAuditLogStore(c_)),
        settings_(NewSettingsStore(c_)),
        incidents_(NewIncidentStore(c_)),
        rfas_(NewRfaStore(c_)),
        incident_tasks_(NewTaskStore(c_)),
        membership_(NewMembershipStore(c_)),
        membership_votes_(NewMembershipVoteStore(c_)),
        membership_rules_(NewMembershipRulesStore(c_)) {}

  ~SqliteStore() override {
    if (c_->in_tx) ExecScript(db_, kRollback, "rollback");
    community_.reset();
    events_.reset();
    intel_.reset();
    sightings_.reset();
    audit_log_.reset();
    settings_.reset();
    incidents_.reset();
    rfas_.reset();
    incident_tasks_.reset();
    membership_.reset();
    membership_votes_.reset();
    membership_rules_.reset();
    conn_.stmts.Clear();
    sqlite3_close_v2(db_);
  }

  Conn* conn() { return c_; }

  int SchemaVersion() override { return version_; }
  const std::string& path() const override { return path_; }

  CommunityStore& community() override { return *community_; }
  EventStore& events() override { return *events_; }
  IntelStore& intel() override { return *intel_; }
  SightingStore& sightings() override { return *sightings_; }
  AuditLogStore& audit_log() override { return *audit_log_; }
  SettingsStore& settings() override { return *settings_; }
  IncidentStore& incidents() override { return *incidents_; }
  RfaStore& rfas() override { return *rfas_; }
  TaskStore& incident_tasks() override { return *incident_tasks_; }
  MembershipStore& membership() override { return *membership_; }
  MembershipVoteStore& membership_votes() override { return *membership_votes_; }
  MembershipRulesStore& membership_rules() override { return *membership_rules_; }

  // ---- transactions ----
  Status Begin() override {
    if (c_->in_tx) return Status::Internal("a transaction is already open (nesting is not allowed)");
    SANAD_USE(q, c_->read_only ? kBeginRead : kBegin);
    SANAD_RETURN_IF_ERROR(q.Exec("begin transaction"));
    c_->in_tx = true;
    return Status::Ok();
  }

  Status Commit() override {
    if (!c_->in_tx) return Status::Internal("commit without an open transaction");
    Status st;
    {
      auto q = stmts_->Use(kCommit);
      st = q.ok() ? q->Exec("commit") : q.status();
    }
    if (!st.ok() && !sqlite3_get_autocommit(db_)) {
      ExecScript(db_, kRollback, "rollback");
      c_->tag_ids.clear();
    }
    c_->in_tx = false;
    return st;
  }

  void Rollback() override {
    if (!c_->in_tx) return;
    if (!sqlite3_get_autocommit(db_)) ExecScript(db_, kRollback, "rollback");
    c_->tag_ids.clear();
    c_->in_tx = false;
  }

  StatusOr<Stats> GetStats() override {
    SANAD_USE(q, kStats);
    return OneRow<Stats>(
        q, "counting",
        [](Row& r) {
          return Stats{r.Int(), r.Int(), r.Int(), r.Int(), r.Int(), r.Int(), r.Int(), r.Int()};
        },
        "counting: no result row");
  }

 private:
  Conn conn_;
  Conn* c_;
  sqlite3* db_;
  StmtCache* stmts_;
  std::string path_;
  int version_;
  std::unique_ptr<CommunityStore> community_;
  std::unique_ptr<EventStore> events_;
  std::unique_ptr<IntelStore> intel_;
  std::unique_ptr<SightingStore> sightings_;
  std::unique_ptr<AuditLogStore> audit_log_;
  std::unique_ptr<SettingsStore> settings_;
  std::unique_ptr<IncidentStore> incidents_;
  std::unique_ptr<RfaStore> rfas_;
  std::unique_ptr<TaskStore> incident_tasks_;
  std::unique_ptr<MembershipStore> membership_;
  std::unique_ptr<MembershipVoteStore> membership_votes_;
  std::unique_ptr<MembershipRulesStore> membership_rules_;
};

// ---- opening ------------------------------------------------------------------

StatusOr<int64_t> QueryInt(sqlite3* db, const char* sql, std::string_view what) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  Stmt s(raw);
  if (rc != SQLITE_OK) return SqlStatus(db, rc, what);
  rc = sqlite3_step(raw);
  if (rc == SQLITE_ROW) return static_cast<int64_t>(sqlite3_column_int64(raw, 0));
  if (rc == SQLITE_DONE) return int64_t{0};
  return SqlStatus(db, rc, what);
}

// Reads the schema version (0 when the store is empty); refuses files that
// are not Sanad stores.
StatusOr<int64_t> ReadVersion(sqlite3* db, const std::string& path) {
  auto app = QueryInt(db, "PRAGMA application_id", "reading " + path);
  if (!app.ok()) {
    if (app.status().code() == Status::Code::kCorrupt) {
      return Status::Corrupt(path + " is not a SQLite database");
    }
    return app.status();
  }
  auto has_meta = QueryInt(
      db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'", path);
  if (!has_meta.ok()) return has_meta.status();
  if (*has_meta == 0) {
    auto tables = QueryInt(db, "SELECT count(*) FROM sqlite_schema", path);
    if (!tables.ok()) return tables.status();
    if (*tables != 0 || (*app != 0 && *app != kApplicationId)) {
      return Status::Invalid(path + " is not a Sanad store");
    }
    return int64_t{0};
  }
  if (*app != kApplicationId) return Status::Invalid(path + " is not a Sanad store");
  return QueryInt(db, "SELECT value FROM meta WHERE key = 'schema_version'",
                  "reading the schema version of " + path);
}

Status Migrate(sqlite3* db, const std::string& path, const std::vector<std::string>& migrations,
               int64_t* version) {
  const int64_t target = static_cast<int64_t>(migrations.size());
  SANAD_RETURN_IF_ERROR(ExecScript(db, "BEGIN IMMEDIATE", "locking " + path + " for migration"));
  auto fail = [&](Status st) {
    ExecScript(db, "ROLLBACK", "rollback");
    return st;
  };
  auto v = ReadVersion(db, path);  // again, under the write lock
  if (!v.ok()) return fail(v.status());
  if (*v > target) {
    return fail(Status::Invalid(path + " has schema version " + std::to_string(*v) +
                                ", newer than this sanad supports (" + std::to_string(target) +
                                "); upgrade sanad"));
  }
  if (*v == target) {
    *version = *v;
    return fail(Status::Ok());  // nothing to do: end the transaction
  }
  if (*v == 0) {
    Status st = ExecScript(db,
                           "PRAGMA application_id = " + std::to_string(kApplicationId) +
                               "; CREATE TABLE meta (key TEXT PRIMARY KEY, value ANY NOT NULL)"
                               " WITHOUT ROWID",
                           "creating " + path);
    if (!st.ok()) return fail(st);
  }
  for (int64_t i = *v; i < target; ++i) {
    Status st = ExecScript(db, migrations[i],
                           "migrating " + path + " to schema version " + std::to_string(i + 1));
    if (!st.ok()) return fail(st);
  }
  Status st = ExecScript(db,
                         "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', " +
                             std::to_string(target) + ")",
                         "recording the schema version");
  if (!st.ok()) return fail(st);
  st = ExecScript(db, "COMMIT", "committing the migration of " + path);
  if (!st.ok()) return fail(st);
  *version = target;
  return Status::Ok();
}


}  // namespace

StatusOr<std::unique_ptr<Store>> OpenWithMigrations(const std::string& dir, const OpenOptions& opts,
                                                    const std::vector<std::string>& migrations) {
  namespace fs = std::filesystem;
  if (opts.read_only && opts.create_if_missing) {
    return Status::Invalid("a store cannot be created read-only");
  }
  const std::string path = dir + "/sanad.db";
  std::error_code ec;
  bool exists = fs::exists(path, ec);
  if (ec) return Status::Io("cannot access " + path + ": " + ec.message());
  if (!exists) {
    if (!opts.create_if_missing) {
      return Status::NotFound("no Sanad store at " + dir + " (run 'sanad init')");
    }
    fs::create_directories(dir, ec);
    if (ec) return Status::Io("cannot create directory " + dir + ": " + ec.message());
  }

  // Before SQLite initialises: no global memory statistics (a mutex on every
  // allocation). Fails harmlessly when SQLite is already initialised.
  static std::once_flag config_once;
  std::call_once(config_once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });

  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
              (opts.read_only ? SQLITE_OPEN_READONLY
                              : SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE));
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status st =
        Status::Io("cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return st;
  }
  struct Closer {
    sqlite3* db;
    ~Closer() {
      if (db) sqlite3_close_v2(db);
    }
  } closer{db};
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);

  std::string pragmas =
      "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;"
      " PRAGMA cache_size = -" +
      std::to_string(static_cast<int64_t>(std::max(opts.cache_mb, 1)) * 1024) + ";";
  if (!opts.read_only) pragmas = "PRAGMA journal_mode = WAL; " + pragmas;
  // 16 KiB pages: fewer levels and splits in the random-key indexes (uuids,
  // canonical values); only effective when the file is created.
  if (!exists) pragmas = "PRAGMA page_size = 16384; " + pragmas;
  Status st = ExecScript(db, pragmas, "configuring " + path);
  if (!st.ok()) {
    if (st.code() == Status::Code::kCorrupt)
      return Status::Corrupt(path + " is not a SQLite database");
    return st;
  }

  const int64_t target = static_cast<int64_t>(migrations.size());
  int64_t version = 0;
  if (opts.read_only) {
    auto v = ReadVersion(db, path);
    if (!v.ok()) return v.status();
    if (*v > target) {
      return Status::Invalid(path + " has schema version " + std::to_string(*v) +
                             ", newer than this sanad supports (" + std::to_string(target) +
                             "); upgrade sanad");
    }
    if (*v < target) {
      return Status::Invalid(path + " has schema version " + std::to_string(*v) + ", this sanad" +
                             " needs " + std::to_string(target) +
                             "; open it once read-write to migrate");
    }
    version = *v;
  } else {
    SANAD_RETURN_IF_ERROR(Migrate(db, path, migrations, &version));
  }
  closer.db = nullptr;
  return std::unique_ptr<Store>(
      new SqliteStore(db, path, static_cast<int>(version), opts.read_only));
}

sqlite3* ConnectionOf(Store* s) {
  auto* ss = dynamic_cast<SqliteStore*>(s);
  return ss ? ss->conn()->db : nullptr;
}

StmtCache* StatementsOf(Store* s) {
  auto* ss = dynamic_cast<SqliteStore*>(s);
  return ss ? &ss->conn()->stmts : nullptr;
}

Status BumpDataGeneration(Store* s) {
  auto* ss = dynamic_cast<SqliteStore*>(s);
  if (!ss) return Status::Internal("not a SQLite store");
  return ss->conn()->BumpGeneration();
}

}  // namespace sanad::store::internal

namespace sanad::store {

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir, const OpenOptions& opts) {
  const auto& m = internal::Migrations();
  if (static_cast<int>(m.size()) != kSchemaVersion) {
    return Status::Internal("schema migrations (" + std::to_string(m.size()) +
                            ") do not match kSchemaVersion (" + std::to_string(kSchemaVersion) +
                            ")");
  }
  return internal::OpenWithMigrations(dir, opts, m);
}

}  // namespace sanad::store
