// The OASIS reference matcher's own v2.1 test cases (tests/data/stix/oasis/,
// ported from oasis-open/cti-pattern-matcher with its expected answers)
// against Sanad's pattern engine.
//
// Each case's answer is match, nomatch or error (the reference's
// ParseException and MatcherException both count as error). The cases where
// Sanad does not yet agree with the reference are listed, one id a line, in
// tests/data/stix/oasis/known_disagreements.txt (issue 21 works that list
// down). The test fails when a case outside the list disagrees (a
// regression) and when a listed case now agrees (remove it from the list).
// SANAD_OASIS_WRITE=1 rewrites the list from the current engine instead.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "stix/pattern.h"
#include "test_util.h"

namespace sanad::stix {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;

// The observations the reference's match() receives: a list of bundles (or
// of objects), merged into one array of objects.
bj::value MergeObservations(const bj::value& fixture) {
  bj::array all;
  for (const auto& item : fixture.as_array()) {
    const auto& o = item.as_object();
    if (const auto* t = o.if_contains("type"); t && *t == "bundle") {
      for (const auto& inner : o.at("objects").as_array()) all.push_back(inner);
    } else {
      all.push_back(item);
    }
  }
  return all;
}

// Sanad's answer to one case: "match", "nomatch" or "error".
std::string Answer(const std::string& pattern_text, const bj::value& fixture) {
  auto pattern = Pattern::Parse(pattern_text);
  if (!pattern.ok()) return "error";
  auto data = ObservedData::FromJson(MergeObservations(fixture));
  if (!data.ok()) return "error";
  MatchResult r = Match(*pattern, *data);
  if (!r.status.ok()) return "error";
  return r.matched ? "match" : "nomatch";
}

TEST(OasisReferenceCases, AgreeExceptKnownDisagreements) {
  fs::path dir = fs::path(testing::SourceDir()) / "tests/data/stix/oasis";
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  fs::path list_path = dir / "known_disagreements.txt";
  std::set<std::string> known;
  {
    std::ifstream in(list_path);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line[0] != '#') known.insert(line);
    }
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());

  int cases = 0, agree = 0;
  std::vector<std::string> disagreements;
  for (const auto& f : files) {
    bj::value doc = bj::parse(testing::ReadFile(f.string()));
    const auto& fixtures = doc.at("fixtures").as_object();
    for (const auto& c : doc.at("cases").as_array()) {
      const auto& o = c.as_object();
      if (o.at("stix_version") != "2.1") continue;  // the 2.0-only cases
      std::string id = f.stem().string() + ":" + std::string(o.at("test").as_string()) + ":" +
                       std::to_string(o.at("index").as_int64());
      std::string expected(o.at("expected").as_string());
      std::string got = Answer(std::string(o.at("pattern").as_string()),
                               fixtures.at(o.at("observations").as_string()));
      ++cases;
      if (got == expected) {
        ++agree;
        EXPECT_EQ(known.count(id), 0u)
            << id << " now agrees with the reference: remove it from " << list_path;
      } else {
        disagreements.push_back(id);
        EXPECT_EQ(known.count(id), 1u)
            << id << ": pattern " << o.at("pattern") << " expected " << expected << ", got "
            << got << " (a regression, or list it in " << list_path << ")";
      }
    }
  }
  std::printf("OASIS v2.1 cases: %d, Sanad agrees on %d, disagrees on %zu\n", cases, agree,
              disagreements.size());
  EXPECT_GT(cases, 400);
  if (const char* w = std::getenv("SANAD_OASIS_WRITE"); w && std::string(w) == "1") {
    std::ofstream out(list_path);
    out << "# Cases of tests/data/stix/oasis/ where Sanad's answer differs from the OASIS\n"
           "# reference (file:test:index). Written by SANAD_OASIS_WRITE=1 stix_test\n"
           "# --gtest_filter='OasisReferenceCases.*'; issue 21 empties it.\n";
    for (const auto& id : disagreements) out << id << "\n";
  }
}

}  // namespace
}  // namespace sanad::stix
