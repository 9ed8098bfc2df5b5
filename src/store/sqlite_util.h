// Internal to the store module: thin RAII helpers over the SQLite C API.
//
// Stmt owns one prepared statement. StmtCache prepares each SQL text once
// per connection and hands out the cached statement; Query is a scoped use
// of a statement that resets it on destruction, so an early return never
// leaves a statement active. Bound strings are SQLITE_STATIC: callers keep
// them alive until the Query ends (they always do: binds come from the
// caller's model objects).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "util/status.h"

namespace sanad::store::internal {

// Maps a SQLite result code to a Status. `what` names the operation.
Status SqlStatus(sqlite3* db, int rc, std::string_view what);

// Arguments of Query::BindAll that bind other than by Bind(i, v): an id
// bound as by BindId (NULL for 0), bytes bound as by BindBlob.
struct IdOrNull {
  int64_t id;
};
struct AsBlob {
  std::string_view bytes;
};

class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    if (this != &o) {
      sqlite3_finalize(s_);
      s_ = o.s_;
      o.s_ = nullptr;
    }
    return *this;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// A scoped use of a prepared statement: bind, step, read columns; the
// statement is reset (bindings cleared) when the Query dies.
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  ~Query() {
    if (s_) {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
    }
  }
  Query(Query&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Parameters are 1-based, as in SQLite.
  Query& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Query& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Query& Bind(int i, bool v) { return Bind(i, static_cast<int64_t>(v ? 1 : 0)); }
  Query& Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Query& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Query& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Query& Bind(int i, const std::optional<std::string>& v) {
    if (v) return Bind(i, std::string_view(*v));
    return BindNull(i);
  }
  Query& BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Query& BindNull(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  // Binds NULL for 0 (unset foreign keys), else the id.
  Query& BindId(int i, int64_t id) { return id ? Bind(i, id) : BindNull(i); }
  Query& Bind(int i, IdOrNull v) { return BindId(i, v.id); }
  Query& Bind(int i, AsBlob v) { return BindBlob(i, v.bytes); }
  // Binds `v...` as ?1, ?2, ... in order, each as by Bind.
  template <class... V>
  Query& BindAll(const V&... v) {
    int i = 0;
    (Bind(++i, v), ...);
    return *this;
  }

  // Steps once. Returns true with a row, false when done; `st` receives an
  // error (and false is returned).
  bool Next(Status* st, std::string_view what) {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) *st = SqlStatus(db_, rc, what);
    return false;
  }
  // Steps a statement that returns no rows.
  Status Exec(std::string_view what) {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
    return SqlStatus(db_, rc, what);
  }
  // Raw step (SQLITE_ROW / SQLITE_DONE / error).
  int Step() { return sqlite3_step(s_); }
  int ColumnCount() const { return sqlite3_column_count(s_); }

  int64_t Int(int c) const { return sqlite3_column_int64(s_, c); }
  bool Bool(int c) const { return sqlite3_column_int64(s_, c) != 0; }
  bool IsNull(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  std::string Text(int c) const {
    const unsigned char* p = sqlite3_column_text(s_, c);
    int n = sqlite3_column_bytes(s_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
  }
  std::optional<std::string> OptText(int c) const {
    if (IsNull(c)) return std::nullopt;
    return Text(c);
  }
  std::string Blob(int c) const {
    const void* p = sqlite3_column_blob(s_, c);
    int n = sqlite3_column_bytes(s_, c);
    return p ? std::string(static_cast<const char*>(p), n) : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_;
};

// Prepared statements of one connection, keyed by the address of their SQL
// text (each statement is a named constant in the store).
class StmtCache {
 public:
  explicit StmtCache(sqlite3* db) : db_(db) {}
  // Prepares `sql` on first use. On failure returns a null-statement Query
  // and sets `st`.
  StatusOr<Query> Use(const char* sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* s = nullptr;
      int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
      if (rc != SQLITE_OK) {
        sqlite3_finalize(s);
        return SqlStatus(db_, rc, std::string("preparing \"") + sql + "\"");
      }
      it = cache_.emplace(sql, Stmt(s)).first;
    }
    return Query(db_, it->second.get());
  }
  void Clear() { cache_.clear(); }

 private:
  sqlite3* db_;
  std::unordered_map<const char*, Stmt> cache_;
};

// The connection a store section's implementation works on: the handle
// and its statement cache (SANAD_USE reads `stmts_`). Sections derive from
// it (privately) instead of each holding the pair.
class ConnectionUser {
 protected:
  ConnectionUser(sqlite3* db, StmtCache* stmts) : db_(db), stmts_(stmts) {}

  sqlite3* db_;
  StmtCache* stmts_;
};

// ---- reading rows ----
//
// A column list and the function that reads it are declared together: the
// list is a macro of SQL text (statements are cached by the address of
// their text, so it must be a literal), the reader takes a Row and reads the
// columns in order. ForEachRow checks after every row that the readers took
// exactly the statement's columns, so a list and its reader cannot drift
// apart unnoticed (the check fails every test that reads such a row).

// A cursor over the columns of the current row, read left to right.
class Row {
 public:
  explicit Row(const Query& q) : q_(q) {}
  int64_t Int() { return q_.Int(c_++); }
  bool Bool() { return q_.Bool(c_++); }
  std::string Text() { return q_.Text(c_++); }
  std::optional<std::string> OptText() { return q_.OptText(c_++); }
  std::string Blob() { return q_.Blob(c_++); }
  bool NextIsNull() const { return q_.IsNull(c_); }
  void Skip(int n = 1) { c_ += n; }
  int position() const { return c_; }  // 0-based index of the next column
  const Query& query() const { return q_; }

 private:
  const Query& q_;
  int c_ = 0;
};

namespace row_detail {
Status ColumnsMismatch(std::string_view what, int read, int count);
}  // namespace row_detail

// Runs `q` and calls `fn(Row&)` for each row. `fn` returns Status (an error
// stops and is returned), bool (false stops; Ok is returned), StatusOr<bool>
// (both) or void.
template <class Fn>
Status ForEachRow(Query& q, std::string_view what, Fn&& fn) {
  Status st;
  while (q.Next(&st, what)) {
    Row r(q);
    bool more = true;
    using R = decltype(fn(r));
    if constexpr (std::is_void_v<R>) {
      fn(r);
    } else if constexpr (std::is_same_v<R, bool>) {
      more = fn(r);
    } else if constexpr (std::is_same_v<R, StatusOr<bool>>) {
      auto v = fn(r);
      if (!v.ok()) return v.status();
      more = *v;
    } else {
      Status s = fn(r);
      if (!s.ok()) return s;
    }
    if (r.position() != q.ColumnCount()) {
      return row_detail::ColumnsMismatch(what, r.position(), q.ColumnCount());
    }
    if (!more) return Status::Ok();
  }
  return st;
}

// Reads one T from `r` with `read`, which returns T or StatusOr<T>.
template <class T, class Read>
Status ReadInto(Row& r, Read& read, T* out) {
  if constexpr (std::is_same_v<std::decay_t<decltype(read(r))>, T>) {
    *out = read(r);
  } else {
    auto v = read(r);
    if (!v.ok()) return v.status();
    *out = std::move(*v);
  }
  return Status::Ok();
}

// Maps each row with `read(Row&)`, which returns T or StatusOr<T>, and
// appends it to `out`.
template <class T, class Read>
Status AppendRows(Query& q, std::string_view what, Read&& read, std::vector<T>* out) {
  return ForEachRow(q, what, [&](Row& r) -> Status {
    T v;
    Status s = ReadInto(r, read, &v);
    if (s.ok()) out->push_back(std::move(v));
    return s;
  });
}

// The first row mapped by `read`; NotFound(`not_found`) when there is none.
template <class T, class Read>
StatusOr<T> OneRow(Query& q, std::string_view what, Read&& read, std::string_view not_found) {
  std::optional<T> found;
  Status err;
  Status st = ForEachRow(q, what, [&](Row& r) {
    found.emplace();
    err = ReadInto(r, read, &*found);
    return false;  // one row is enough
  });
  if (!st.ok()) return st;
  if (!err.ok()) return err;
  if (!found) return Status::NotFound(std::string(not_found));
  return std::move(*found);
}

// ForEachRow of the cached statement `sql` with ?1 bound to `key`.
template <class Key, class Fn>
Status ForEachRowBy(StmtCache* c, const char* sql, const Key& key, std::string_view what,
                    Fn&& fn) {
  auto q = c->Use(sql);
  if (!q.ok()) return q.status();
  q->Bind(1, key);
  return ForEachRow(*q, what, fn);
}

// OneRow of the cached statement `sql` with ?1 bound to `key`.
template <class T, class Key, class Read>
StatusOr<T> OneRowBy(StmtCache* c, const char* sql, const Key& key, std::string_view what,
                     Read&& read, std::string_view not_found) {
  auto q = c->Use(sql);
  if (!q.ok()) return q.status();
  q->Bind(1, key);
  return OneRow<T>(*q, what, read, not_found);
}

// Clears `out`, then AppendRows of the cached statement `sql` with ?1 bound
// to `key`.
template <class T, class Key, class Read>
Status ListBy(StmtCache* c, const char* sql, const Key& key, std::string_view what, Read&& read,
              std::vector<T>* out) {
  out->clear();
  auto q = c->Use(sql);
  if (!q.ok()) return q.status();
  q->Bind(1, key);
  return AppendRows(*q, what, read, out);
}

// Ok when `q` returns a row, NotFound(`not_found`) when it returns none.
Status ExpectRow(Query& q, std::string_view what, std::string_view not_found);

// Use(cache, sql): the cached statement `sql`, prepared on first use.
inline StatusOr<Query> Use(StmtCache& c, const char* sql) { return c.Use(sql); }
inline StatusOr<Query> Use(StmtCache* c, const char* sql) { return c->Use(sql); }

// Declares `q`, a Query on the cached statement `sql` of the enclosing
// object's `stmts_` (a StmtCache or StmtCache*), or returns its error. The
// one definition for every backend file.
#define SANAD_USE(q, sql)                                       \
  auto q##_or = ::sanad::store::internal::Use(stmts_, (sql)); \
  if (!q##_or.ok()) return q##_or.status();                     \
  ::sanad::store::internal::Query& q = *q##_or

// Executes one or more statements without results.
Status ExecScript(sqlite3* db, const std::string& sql, std::string_view what);

}  // namespace sanad::store::internal
