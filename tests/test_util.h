// Helpers shared by the test binaries.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

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

// A new store in `dir` (created); null, with a test failure, when it cannot
// be opened.
std::unique_ptr<store::Store> NewStore(const std::string& dir);

// An attribute of `type`/`value` canonicalised as an import does (category
// "Network activity" unless a comment, a new uuid); a test failure when the
// value does not canonicalise.
model::Attribute NewAttribute(const std::string& type, const std::string& value,
                              bool to_ids = false, int64_t timestamp = 1000);
// Organisations `names` added to `s` (members of `country`).
std::vector<model::Org> AddOrgs(store::Store* s, const std::vector<std::string>& names,
                                const std::string& country = "SA");

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
