#include "store/sqlite_util.h"

namespace sanad::store::internal {

Status SqlStatus(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Ok();
    case SQLITE_CONSTRAINT:
      return Status::Conflict(std::move(msg));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corrupt(std::move(msg));
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
    case SQLITE_ERROR:
      return Status::Internal(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Io(msg + " (another process holds the store's write lock)");
    default:  // IOERR, FULL, CANTOPEN, READONLY, NOMEM, PERM, ...
      return Status::Io(std::move(msg));
  }
}

namespace row_detail {
Status ColumnsMismatch(std::string_view what, int read, int count) {
  return Status::Internal(std::string(what) + ": the row reader took " + std::to_string(read) +
                          " of the statement's " + std::to_string(count) + " columns");
}
}  // namespace row_detail

Status ExpectRow(Query& q, std::string_view what, std::string_view not_found) {
  Status st;
  if (q.Next(&st, what)) return Status::Ok();
  if (!st.ok()) return st;
  return Status::NotFound(std::string(not_found));
}

Status ExecScript(sqlite3* db, const std::string& sql, std::string_view what) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  Status st = SqlStatus(db, rc, what);
  sqlite3_free(err);
  return st;
}

}  // namespace sanad::store::internal
