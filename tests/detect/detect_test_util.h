// Helpers of the detection tests: index rows built by hand (no store needed)
// and hit formatting.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "detect/detect.h"
#include "model/canon.h"
#include "model/types.h"

namespace sanad::detect::testing {

inline constexpr int64_t kOwnerOrg = 1;
inline constexpr int64_t kViewerOrg = 2;

// A row of `type`/`raw` canonicalised like the store does, visible to the
// community (distribution 1), to_ids on.
inline store::IndexRow Row(int64_t id, const std::string& type, const std::string& raw,
                                  bool to_ids = true, int64_t event_id = 0) {
  store::IndexRow r;
  r.attribute_id = id;
  r.event_id = event_id != 0 ? event_id : 1000 + id % 7;
  r.type = type;
  model::CanonicalValue cv;
  Status st = model::Canonicalise(type, raw, &cv);
  EXPECT_TRUE(st.ok()) << type << " " << raw << ": " << st.ToString();
  r.canonical1 = cv.part1;
  r.canonical2 = cv.part2;
  r.to_ids = to_ids;
  r.access.event_owner_org_id = kOwnerOrg;
  r.access.event_distribution = model::Distribution::kCommunity;
  r.access.attribute_distribution = model::Distribution::kInherit;
  return r;
}

inline policy::Viewer Viewer() {
  policy::Viewer v;
  v.org_id = kViewerOrg;
  return v;
}

inline std::shared_ptr<const IndicatorSet> Build(const std::vector<store::IndexRow>& rows,
                                                 BuildOptions opts = {},
                                                 BuildStats* stats = nullptr) {
  IndicatorSetBuilder b(Viewer(), std::move(opts));
  for (const auto& r : rows) b.Add(r);
  auto s = b.Finish();
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (stats != nullptr) *stats = b.stats();
  return s.ok() ? s.value() : nullptr;
}

// "line:offset kind attribute observable"
inline std::string Format(const IndicatorSet& set, const Hit& h) {
  return std::to_string(h.line) + ":" + std::to_string(h.offset) + " " + MatchKindName(h.kind) +
         " " + std::to_string(set.indicator(h.indicator).attribute_id) + " " +
         std::string(h.observable);
}

inline std::vector<std::string> MatchAll(std::shared_ptr<const IndicatorSet> set,
                                         const std::string& data, MatchOptions opts = {},
                                         bool stream = false) {
  auto m = Matcher::Create(set, opts);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (!m.ok()) return {};
  std::vector<std::string> out;
  auto cb = [&](const Hit& h) {
    out.push_back(Format(*set, h));
    return true;
  };
  if (stream) {
    auto in = InputStream::FromMemory(data, "<test>");
    MatchStats st;
    Status s = (*m)->MatchStream(in.get(), cb, &st);
    EXPECT_TRUE(s.ok()) << s.ToString();
  } else {
    Status s = (*m)->MatchBuffer(std::span<const char>(data.data(), data.size()), cb);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return out;
}

}  // namespace sanad::detect::testing
