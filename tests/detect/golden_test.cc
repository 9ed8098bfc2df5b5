// Data-driven golden tests of the matcher: tests/data/detect/<case>/ holds
// indicators, a log, options and the expected hits (see the README there).
// Each case runs twice, on one thread (MatchBuffer) and streamed through
// worker threads (MatchStream), and both must give the expected hits.
// SANAD_UPDATE_GOLDEN=1 rewrites expected.txt from the one-thread run.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "detect_test_util.h"
#include "util/util.h"

namespace sanad::detect::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

struct Case {
  std::vector<store::IndexRow> rows;
  std::string input;
  MatchOptions opts;
  bool scan = false;
};

Case Load(const fs::path& dir) {
  Case c;
  for (const auto& line : Lines(ReadAll(dir / "indicators.tsv"))) {
    if (line.empty() || line[0] == '#') continue;
    size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    EXPECT_NE(t2, std::string::npos) << dir << ": bad indicator line: " << line;
    if (t2 == std::string::npos) continue;
    c.rows.push_back(Row(std::stoll(line.substr(0, t1)), line.substr(t1 + 1, t2 - t1 - 1),
                         line.substr(t2 + 1)));
  }
  c.input = ReadAll(dir / "input.log");
  if (fs::exists(dir / "options")) {
    for (const auto& line : Lines(ReadAll(dir / "options"))) {
      size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string k = line.substr(0, eq), v = line.substr(eq + 1);
      if (k == "format") {
        EXPECT_TRUE(ParseFormat(v, &c.opts.format)) << dir << ": format " << v;
      } else if (k == "field") {
        c.opts.fields.push_back(v);
      } else if (k == "scan") {
        c.scan = c.opts.scan = v == "1";
      } else {
        ADD_FAILURE() << dir << ": unknown option " << k;
      }
    }
  }
  return c;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

TEST(GoldenTest, EveryCaseGivesItsExpectedHits) {
  util::Init();
  fs::path root = fs::path(SANAD_SOURCE_DIR) / "tests/data/detect";
  ASSERT_TRUE(fs::is_directory(root)) << root;
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory()) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  ASSERT_GE(cases.size(), 8u);
  const bool update = std::getenv("SANAD_UPDATE_GOLDEN") != nullptr;
  for (const auto& dir : cases) {
    SCOPED_TRACE(dir.filename().string());
    Case c = Load(dir);
    ASSERT_FALSE(c.rows.empty());
    BuildOptions bo;
    bo.scan = c.scan;
    auto set = Build(c.rows, bo);
    ASSERT_NE(set, nullptr);
    std::string one = Join(MatchAll(set, c.input, c.opts, /*stream=*/false));
    MatchOptions mo = c.opts;
    mo.threads = 2;
    mo.chunk_bytes = 4096;  // the smallest work unit
    std::string streamed = Join(MatchAll(set, c.input, mo, /*stream=*/true));
    EXPECT_EQ(one, streamed) << "one-thread and streamed runs differ";
    if (update) {
      std::ofstream(dir / "expected.txt", std::ios::binary) << one;
      continue;
    }
    ASSERT_TRUE(fs::exists(dir / "expected.txt")) << "no expected.txt (SANAD_UPDATE_GOLDEN=1)";
    EXPECT_EQ(one, ReadAll(dir / "expected.txt"));
  }
}

}  // namespace
}  // namespace sanad::detect::testing
