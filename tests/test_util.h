// Helpers shared by every test binary: temporary directories, files, test
// data paths and running the `sanad` program. They depend on util only, so a
// test binary of any module can link them; fixtures that open a store live in
// store_fixtures.h.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "util/status.h"

// ASSERT_OK / EXPECT_OK: the Status `expr` is ok, or the test fails with its text.
#define ASSERT_OK(expr)                    \
  do {                                     \
    const ::sanad::Status& _s = (expr);    \
    ASSERT_TRUE(_s.ok()) << _s.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                    \
  do {                                     \
    const ::sanad::Status& _s = (expr);    \
    EXPECT_TRUE(_s.ok()) << _s.ToString(); \
  } while (0)

namespace sanad::testing {

// A fresh empty directory, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The project's source root (for tests/data/...).
std::string SourceDir();
// tests/data/<rel>
std::string TestData(const std::string& rel);
// ../shared beside the project root, or "" when it does not exist (tests
// that need it call GTEST_SKIP()).
std::string SharedDir();
// Path of the built `sanad` program.
std::string SanadBinary();

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

// Runs a shell command line, capturing stdout (and stderr when merge_stderr);
// returns the exit code.
int Run(const std::string& cmdline, std::string* output, bool merge_stderr = false);

// Runs `sanad --data DATA_DIR ARGS` (ARGS is shell text); returns the exit code.
int RunSanad(const std::string& data_dir, const std::string& args, std::string* output,
             bool merge_stderr = true);

}  // namespace sanad::testing
