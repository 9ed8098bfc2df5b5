// libFuzzer target: the detection scanner must never crash on any log, and
// the bit-mask tokenizer must report exactly the hits of the byte-at-a-time
// tokenizer (MatchOptions::byte_tokenizer), in every input format and with
// every SIMD classifier the CPU has.
//
// Input: the first byte picks the format (auto, text, jsonl, csv, zeek) and
// the SIMD level; the rest is the log. The indicators are fixed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "detect/detect.h"
#include "detect/scanner.h"
#include "model/canon.h"

namespace {

using namespace sanad;

std::shared_ptr<const detect::IndicatorSet> Indicators() {
  static const std::shared_ptr<const detect::IndicatorSet> set = [] {
    const std::pair<const char*, const char*> values[] = {
        {"domain", "evil.example"},
        {"hostname", "www.bad.org"},
        {"domain", "xn--bcher-kva.example"},
        {"ip-dst", "10.1.2.3"},
        {"ip-dst", "192.168.7.0/24"},
        {"ip-dst", "45.0.0.0/8"},
        {"ip-dst", "2001:db8::1"},
        {"ip-dst", "2001:db8:1::/48"},
        {"url", "http://evil.example/a/b.php"},
        {"url", "https://c2.test:8443/x?y=1"},
        {"email-src", "bob@evil.example"},
        {"md5", "0123456789abcdef0123456789abcdef"},
        {"sha1", "0123456789abcdef0123456789abcdef01234567"},
        {"sha256", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
    };
    policy::Viewer viewer;
    viewer.org_id = 2;
    detect::IndicatorSetBuilder b(viewer, {});
    int64_t id = 0;
    for (const auto& [type, raw] : values) {
      model::CanonicalValue cv;
      if (!model::Canonicalise(type, raw, &cv).ok()) std::abort();
      store::IndexRow r;
      r.attribute_id = ++id;
      r.event_id = 1;
      r.type = type;
      r.canonical1 = cv.part1;
      r.canonical2 = cv.part2;
      r.to_ids = true;
      r.access.event_owner_org_id = 1;
      r.access.event_distribution = model::Distribution::kCommunity;
      b.Add(r);
    }
    auto s = b.Finish();
    if (!s.ok()) std::abort();
    return *s;
  }();
  return set;
}

struct Result {
  bool ok = false;
  std::vector<std::string> hits;
};

Result Run(std::string_view log, detect::Format format, bool bytes) {
  Result r;
  detect::MatchOptions o;
  o.format = format;
  o.byte_tokenizer = bytes;
  auto m = detect::Matcher::Create(Indicators(), o);
  if (!m.ok()) return r;
  auto cb = [&](const detect::Hit& h) {
    r.hits.push_back(std::to_string(h.line) + ":" + std::to_string(h.offset) + " " +
                     detect::MatchKindName(h.kind) + " " + std::to_string(h.indicator) + " " +
                     std::string(h.observable) + " " + std::string(h.field));
    return true;
  };
  r.ok = (*m)->MatchBuffer(std::span<const char>(log.data(), log.size()), cb).ok();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const detect::Format kFormats[] = {detect::Format::kAuto, detect::Format::kText,
                                            detect::Format::kJsonl, detect::Format::kCsv,
                                            detect::Format::kZeek};
  const detect::Format format = kFormats[data[0] % 5];
  const int level = (data[0] / 5) % 3;
  std::string_view log(reinterpret_cast<const char*>(data + 1), size - 1);

  Result want = Run(log, format, true);
  detect::UseSimdForTesting(level);
  Result got = Run(log, format, false);
  detect::UseSimdForTesting(2);
  if (want.ok != got.ok || want.hits != got.hits) {
    std::fprintf(stderr, "format %s, SIMD level %d: byte tokenizer %zu hits, masks %zu hits\n",
                 detect::FormatName(format), level, want.hits.size(), got.hits.size());
    for (size_t i = 0; i < want.hits.size() || i < got.hits.size(); ++i) {
      const char* a = i < want.hits.size() ? want.hits[i].c_str() : "-";
      const char* b = i < got.hits.size() ? got.hits[i].c_str() : "-";
      if (std::string_view(a) != b) std::fprintf(stderr, "  %zu: want %s, got %s\n", i, a, b);
    }
    std::abort();
  }
  return 0;
}
