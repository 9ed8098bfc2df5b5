// Status and StatusOr: results of engine operations. No exceptions cross a
// module boundary on hot paths; callers check ok().
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace sanad {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalid,     // bad input: message names the file/line/JSON path and the problem
    kNotFound,    // a named thing does not exist
    kConflict,    // already exists / constraint violated
    kPermission,  // the actor may not do this
    kLimit,       // a documented size or count limit was exceeded
    kIo,          // file system or database I/O failed
    kCorrupt,     // stored data is inconsistent
    kInternal,    // a bug
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status Invalid(std::string m) { return Status(Code::kInvalid, std::move(m)); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status Conflict(std::string m) { return Status(Code::kConflict, std::move(m)); }
  static Status Permission(std::string m) { return Status(Code::kPermission, std::move(m)); }
  static Status Limit(std::string m) { return Status(Code::kLimit, std::move(m)); }
  static Status Io(std::string m) { return Status(Code::kIo, std::move(m)); }
  static Status Corrupt(std::string m) { return Status(Code::kCorrupt, std::move(m)); }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid: <message>" style text for logs and the CLI.
  std::string ToString() const;
  static const char* CodeName(Code c);

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-ok Status.
template <class T>
class StatusOr {
 public:
  StatusOr(T v) : value_(std::move(v)) {}  // NOLINT(google-explicit-constructor)
  StatusOr(Status s) : status_(std::move(s)) { assert(!status_.ok()); }  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

#define SANAD_RETURN_IF_ERROR(expr)      \
  do {                                   \
    ::sanad::Status _st = (expr);        \
    if (!_st.ok()) return _st;           \
  } while (0)

}  // namespace sanad
