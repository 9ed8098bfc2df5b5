// Table snapshots (BuildOptions::snapshot_dir): a second build for the same
// viewer, options, warninglists and store data replays the snapshot and
// gives the same tables; anything that could change the tables (a write, a
// different viewer, other warninglists, other options) misses it; a damaged
// file is ignored; each organisation only ever gets its own view.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "detect/detect.h"
#include "intel/warninglist.h"
#include "model/canon.h"
#include "store/store.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::detect {
namespace {

namespace fs = std::filesystem;
using model::Distribution;

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open(dir_.path() + "/store", {.create_if_missing = true});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    orgs_ = testing::AddOrgs(store_.get(), {"Alpha", "Beta", "Gamma"});
    // Alpha's own data (organisation only), a community event from Beta.
    AddEvent(
        0, Distribution::kOrganisation,
        {{"domain", "alpha-only.example"}, {"ip-dst", "10.1.1.1"}, {"md5", std::string(32, 'a')}});
    AddEvent(1, Distribution::kCommunity,
             {{"domain", "shared.example"},
              {"url", "http://shared.example/x.php"},
              {"ip-dst", "192.0.2.0/24"}});
    snap_dir_ = dir_.path() + "/detect";
  }

  void AddEvent(int owner, Distribution d,
                const std::vector<std::pair<std::string, std::string>>& attrs) {
    model::Event e;
    e.uuid = util::NewUuid();
    e.info = "event";
    e.date = "2026-01-10";
    e.timestamp = 10000;
    e.distribution = d;
    e.org = e.orgc = {orgs_[owner].id, orgs_[owner].uuid, orgs_[owner].name};
    for (const auto& [type, value] : attrs)
      e.attributes.push_back(testing::NewAttribute(type, value, true, 10000));
    auto r = store_->events().UpsertEvent(&e);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  struct Built {
    std::shared_ptr<const IndicatorSet> set;
    BuildStats stats;
  };
  Built BuildFor(int org, BuildOptions o = {}) {
    if (o.snapshot_dir.empty()) o.snapshot_dir = snap_dir_;
    auto v = store_->community().ViewerFor(orgs_[org].id);
    EXPECT_TRUE(v.ok());
    Built b;
    auto s = BuildIndicatorSet(store_.get(), *v, o, &b.stats);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (s.ok()) b.set = *s;
    return b;
  }
  // "type value attribute" of every indicator, in table order.
  static std::vector<std::string> Contents(const IndicatorSet& s) {
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size(); ++i) {
      const Indicator& ind = s.indicator(static_cast<uint32_t>(i));
      out.push_back(ind.type + " " + ind.value + " " + std::to_string(ind.attribute_id) + " " +
                    std::to_string(ind.event_id));
    }
    return out;
  }
  static std::vector<std::string> Hits(std::shared_ptr<const IndicatorSet> set) {
    const std::string log = "a.alpha-only.example 10.1.1.1 " + std::string(32, 'A') +
                            " www.shared.example http://shared.example/x.php 192.0.2.77\n";
    auto m = Matcher::Create(set, {});
    EXPECT_TRUE(m.ok());
    std::vector<std::string> out;
    EXPECT_TRUE((*m)->MatchBuffer(std::span<const char>(log.data(), log.size()),
                                  [&](const Hit& h) {
                                    out.push_back(std::string(h.observable) + " " +
                                                  MatchKindName(h.kind));
                                    return true;
                                  })
                    .ok());
    return out;
  }
  size_t SnapshotFiles() const {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(snap_dir_, ec)) {
      n += e.path().extension() == ".snap" ? 1 : 0;
    }
    return n;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<model::Org> orgs_;
  std::string snap_dir_;
};

TEST_F(SnapshotTest, SecondBuildReplaysTheSameTables) {
  Built first = BuildFor(0);
  ASSERT_NE(first.set, nullptr);
  EXPECT_FALSE(first.stats.from_snapshot);
  EXPECT_EQ(SnapshotFiles(), 1u);
  Built second = BuildFor(0);
  ASSERT_NE(second.set, nullptr);
  EXPECT_TRUE(second.stats.from_snapshot);
  EXPECT_EQ(Contents(*first.set), Contents(*second.set));
  EXPECT_EQ(Hits(first.set), Hits(second.set));
  EXPECT_EQ(first.stats.rows, second.stats.rows);
  EXPECT_EQ(first.stats.not_visible, second.stats.not_visible);
  EXPECT_EQ(first.stats.indicators, second.stats.indicators);
  EXPECT_EQ(Hits(second.set).size(), 7u) << ::testing::PrintToString(Hits(second.set));
}

TEST_F(SnapshotTest, EachOrganisationGetsOnlyItsOwnView) {
  Built alpha = BuildFor(0);
  Built beta = BuildFor(1);
  EXPECT_FALSE(beta.stats.from_snapshot) << "Alpha's snapshot must not serve Beta";
  EXPECT_EQ(SnapshotFiles(), 2u);
  Built beta2 = BuildFor(1);
  EXPECT_TRUE(beta2.stats.from_snapshot);
  for (const auto& c : Contents(*beta2.set)) {
    EXPECT_EQ(c.find("alpha-only"), std::string::npos) << c;
    EXPECT_EQ(c.find("10.1.1.1"), std::string::npos) << c;
  }
  EXPECT_EQ(Contents(*beta.set), Contents(*beta2.set));
  EXPECT_GT(alpha.set->size(), beta2.set->size());
}

TEST_F(SnapshotTest, AWriteToTheStoreMissesTheSnapshot) {
  BuildFor(2);
  AddEvent(1, Distribution::kCommunity, {{"domain", "new.example"}});
  Built after = BuildFor(2);
  EXPECT_FALSE(after.stats.from_snapshot);
  bool found = false;
  for (const auto& c : Contents(*after.set)) found |= c.find("new.example") != std::string::npos;
  EXPECT_TRUE(found);
  EXPECT_TRUE(BuildFor(2).stats.from_snapshot);
}

TEST_F(SnapshotTest, OptionsAndWarninglistsArePartOfTheKey) {
  BuildFor(0);
  BuildOptions all;
  all.include_non_ids = true;
  EXPECT_FALSE(BuildFor(0, all).stats.from_snapshot);
  auto wl = intel::WarninglistSet::Defaults();
  BuildOptions with_wl;
  with_wl.warninglists = &wl;
  Built wl_first = BuildFor(0, with_wl);
  EXPECT_FALSE(wl_first.stats.from_snapshot);
  EXPECT_TRUE(BuildFor(0, with_wl).stats.from_snapshot);
  // A list added (or edited) changes the fingerprint.
  auto wl2 = intel::WarninglistSet::Defaults();
  ASSERT_TRUE(wl2.AddJson(R"({"name":"local","type":"string","list":[")" + std::string(32, 'a') +
                              R"("],"matching_attributes":["md5"]})",
                          "local.json")
                  .ok());
  EXPECT_NE(wl.Fingerprint(), wl2.Fingerprint());
  BuildOptions with_wl2;
  with_wl2.warninglists = &wl2;
  Built b = BuildFor(0, with_wl2);
  EXPECT_FALSE(b.stats.from_snapshot);
  EXPECT_EQ(b.stats.warninglisted, wl_first.stats.warninglisted + 1);
  // A time-dependent filter never uses snapshots.
  BuildOptions keep;
  keep.keep = [](const store::IndexRow&) { return true; };
  size_t files = SnapshotFiles();
  EXPECT_FALSE(BuildFor(0, keep).stats.from_snapshot);
  EXPECT_FALSE(BuildFor(0, keep).stats.from_snapshot);
  EXPECT_EQ(SnapshotFiles(), files);
}

TEST_F(SnapshotTest, DamagedSnapshotsAreIgnoredAndRewritten) {
  Built first = BuildFor(0);
  std::string path;
  for (const auto& e : fs::directory_iterator(snap_dir_)) path = e.path().string();
  ASSERT_FALSE(path.empty());
  const auto size = fs::file_size(path);
  for (int damage = 0; damage < 3; ++damage) {
    if (damage == 0) {
      fs::resize_file(path, size / 2);  // truncated
    } else {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(damage == 1 ? size / 2 : 20));  // body / key
      f.put('\x7f');
    }
    Built b = BuildFor(0);
    EXPECT_FALSE(b.stats.from_snapshot) << "damage " << damage;
    EXPECT_EQ(Contents(*first.set), Contents(*b.set));
    EXPECT_EQ(fs::file_size(path), size) << "rewritten";
    EXPECT_TRUE(BuildFor(0).stats.from_snapshot);
  }
}

TEST_F(SnapshotTest, OnlyTheNewestSnapshotsAreKept) {
  for (int i = 0; i < 12; ++i) {
    AddEvent(1, Distribution::kCommunity, {{"domain", "d" + std::to_string(i) + ".example"}});
    BuildFor(0);
  }
  EXPECT_LE(SnapshotFiles(), 8u);
  EXPECT_TRUE(BuildFor(0).stats.from_snapshot);
}

}  // namespace
}  // namespace sanad::detect
