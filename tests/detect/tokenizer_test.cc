// Differential test of the bit-mask tokenizer (Scanner::ScanText, with each
// SIMD classifier the CPU has: SSE2, AVX2, AVX-512BW) against the reference tokenizer that reads
// one byte at a time (MatchOptions::byte_tokenizer): on dense random text, where tokens start and
// end at every position of the 64-byte blocks and the 4 KiB windows, both must report exactly the
// same hits in the same order.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "detect/scanner.h"
#include "detect_test_util.h"

namespace sanad::detect::testing {
namespace {

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  size_t N(size_t n) { return rng_() % n; }
  bool P(int percent) { return N(100) < static_cast<size_t>(percent); }
  std::string Pick(const std::vector<std::string>& v) { return v[N(v.size())]; }
  std::string Hex(size_t n) {
    std::string s;
    for (size_t k = 0; k < n; ++k) s += "0123456789abcdefABCDEF"[N(22)];
    return s;
  }
  std::mt19937 rng_;
};

// Indicators: their values and near misses appear in the text.
std::vector<std::pair<std::string, std::string>> Indicators(Gen& g) {
  std::vector<std::pair<std::string, std::string>> v = {
      {"domain", "evil.example"},
      {"domain", "c2.test"},
      {"hostname", "www.bad.org"},
      {"domain", "xn--bcher-kva.example"},
      {"ip-dst", "10.1.2.3"},
      {"ip-dst", "192.168.7.0/24"},
      {"ip-dst", "45.0.0.0/8"},
      {"ip-dst", "2001:db8::1"},
      {"ip-dst", "2001:db8:1::/48"},
      {"ip-dst", "::ffff:10.9.9.9"},
      {"url", "http://evil.example/a/b.php"},
      {"url", "https://c2.test:8443/x?y=1"},
      {"email-src", "bob@evil.example"},
      {"email-src", "x.y@mail.c2.test"},
  };
  for (int i = 0; i < 8; ++i) v.push_back({"md5", g.Hex(32)});
  for (int i = 0; i < 8; ++i) v.push_back({"sha1", g.Hex(40)});
  for (int i = 0; i < 8; ++i) v.push_back({"sha256", g.Hex(64)});
  return v;
}

std::string RandomText(Gen& g, const std::vector<std::pair<std::string, std::string>>& inds,
                       size_t bytes) {
  const std::vector<std::string> pieces = {
      "evil.example",
      "EVIL.Example.",
      "sub.evil.example",
      "c2.test",
      "www.bad.org",
      "bad.org",
      "bücher.example",
      "10.1.2.3",
      "010.1.2.3",
      "10.1.2.300",
      "192.168.7.99",
      "45.6.7.8",
      "1.2.3",
      "1.2.3.4.5",
      "2001:db8::1",
      "2001:DB8:0:0:0:0:0:1",
      "2001:db8:1:2::9",
      "fe80::1",
      "::ffff:10.9.9.9",
      "::",
      ":::",
      "12:30:01",
      "a:b:c",
      "2026:10:05:03",
      "http://",
      "https://",
      "http://evil.example/a/b.php",
      "HTTP://user:pw@EVIL.example:80/a/b.php",
      "https://c2.test:8443/x?y=1",
      "http://[2001:db8::1]/p",
      "http://10.1.2.3/",
      "bob@evil.example",
      "x.y@mail.c2.test",
      "mailto:bob@evil.example",
      "app.js",
      "index.html",
      "id.orig_h",
      "1768000123.456789",
      "537.36",
      "5.0",
      "..",
      ".",
      ":",
      "-",
      "_",
      "@",
      "/",
      "a",
      "ab",
      "abc",
      "Mozilla/5.0",
      "«",
      "»",
      "…",
      "\xC2\xA0",
      "日本",
      "café",
  };
  const std::vector<std::string> glue = {"",  "",  " ", " ", "  ", "\t", "\"", "'",        "(",
                                         ")", "[", "]", ",", ";",  "=",  ":",  ".",        "/",
                                         "@", "<", ">", "-", "_",  "x",  "0",  "\xC2\xA0", "“"};
  std::string s;
  while (s.size() < bytes) {
    int kind = static_cast<int>(g.N(10));
    if (kind < 3) {
      s += g.Pick(pieces);
    } else if (kind < 5) {
      const auto& [type, value] = inds[g.N(inds.size())];
      std::string v = value;
      if (type == "ip-dst" && v.find('/') != std::string::npos) v = v.substr(0, v.find('/'));
      if (g.P(20) && !v.empty()) v.pop_back();  // a near miss
      s += v;
    } else if (kind < 6) {
      s += g.Hex(g.P(50) ? 28 + g.N(40) : 32 + 8 * g.N(5));  // runs around hash lengths
    } else if (kind < 7) {
      if (g.P(50)) {
        for (size_t k = 0, n = g.N(80); k < n; ++k) s += "abc019.:-_"[g.N(10)];
      } else {  // dotted numbers: addresses, near misses, leading zeros, 3-5 parts
        const char* first[] = {"10", "45", "192", "0", "255", "256", "045"};
        s += first[g.N(7)];
        for (size_t k = 0, parts = 2 + g.N(4); k < parts; ++k) {
          s += ".";
          s += g.P(10) ? "0" + std::to_string(g.N(100)) : std::to_string(g.N(g.P(80) ? 256 : 1200));
        }
      }
    } else {
      s += g.Pick(glue);
    }
    s += g.Pick(glue);
    if (g.P(4)) s += "\n";
  }
  return s;
}

// level: 0 SSE2, 1 AVX2, 2 AVX-512BW (at most; the CPU may have less).
std::vector<std::string> MatchWith(std::shared_ptr<const IndicatorSet> set, const std::string& text,
                                   bool bytes, int level, detect::Format format) {
  MatchOptions o;
  o.byte_tokenizer = bytes;
  o.format = format;
  UseSimdForTesting(level);
  auto out = MatchAll(std::move(set), text, o);
  UseSimdForTesting(2);
  return out;
}

// Every classifier this CPU has.
std::vector<int> Levels() {
  std::vector<int> out;
  for (int l = 0; l <= 2; ++l) {
    if (UseSimdForTesting(l) == l) out.push_back(l);
  }
  UseSimdForTesting(2);
  return out;
}

void ExpectSame(const std::vector<std::string>& want, const std::vector<std::string>& got,
                const char* what) {
  EXPECT_EQ(want.size(), got.size()) << what;
  for (size_t i = 0; i < want.size() && i < got.size(); ++i) {
    if (want[i] != got[i]) {
      ADD_FAILURE() << what << ": first difference at hit " << i << ": want " << want[i] << ", got "
                    << got[i];
      return;
    }
  }
}

// The tables of `inds` (hash types left out when !with_hashes).
std::shared_ptr<const IndicatorSet> SetOf(
    const std::vector<std::pair<std::string, std::string>>& inds, bool with_hashes = true) {
  std::vector<store::IndexRow> rows;
  int64_t id = 0;
  for (const auto& [type, value] : inds) {
    if (with_hashes || (type != "md5" && type != "sha1" && type != "sha256"))
      rows.push_back(Row(++id, type, value));
  }
  return Build(rows);
}

// The byte tokenizer's hits on `text`, after checking that every SIMD level
// of the bit-mask tokenizer gives the same.
std::vector<std::string> ExpectEveryLevelAgrees(std::shared_ptr<const IndicatorSet> set,
                                                const std::string& text, detect::Format format) {
  auto want = MatchWith(set, text, true, 2, format);
  for (int level : Levels()) {
    ExpectSame(want, MatchWith(set, text, false, level, format),
               ("masks, SIMD level " + std::to_string(level)).c_str());
  }
  return want;
}

TEST(TokenizerTest, BitMasksAgreeWithBytesOnDenseRandomText) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    Gen g(seed);
    auto inds = Indicators(g);
    auto set = SetOf(inds);
    ASSERT_NE(set, nullptr);
    std::string text = RandomText(g, inds, 300000);
    auto want = ExpectEveryLevelAgrees(set, text, Format::kText);
    ASSERT_GT(want.size(), 1000u) << "the random text should hit often";
    // Every alignment of the same text against the blocks and windows.
    for (size_t shift : {1u, 7u, 31u, 63u}) {
      std::string shifted = std::string(shift, ' ') + text;
      ExpectSame(MatchWith(set, shifted, true, 2, Format::kText),
                 MatchWith(set, shifted, false, 2, Format::kText), "shifted");
    }
  }
}

TEST(TokenizerTest, BitMasksAgreeWithBytesWithoutHashIndicators) {
  // No hash indicators: no long-run trigger (a different path).
  Gen g(9);
  auto inds = Indicators(g);
  auto set = SetOf(inds, false);
  ASSERT_NE(set, nullptr);
  std::string text = RandomText(g, inds, 200000);
  EXPECT_GT(ExpectEveryLevelAgrees(set, text, Format::kText).size(), 500u);
}

TEST(TokenizerTest, BitMasksAgreeWithBytesInsideJsonFields) {
  Gen g(5);
  auto inds = Indicators(g);
  auto set = SetOf(inds);
  ASSERT_NE(set, nullptr);
  std::string text;
  while (text.size() < 200000) {
    std::string v = RandomText(g, inds, 10 + g.N(150));
    std::string esc;
    for (char c : v) {
      if (c == '\n') continue;
      if (c == '"' || c == '\\') esc += '\\';
      esc += c;
    }
    text += "{\"msg\":\"" + esc + "\",\"n\":" + std::to_string(g.N(1000)) + "}\n";
  }
  EXPECT_GT(ExpectEveryLevelAgrees(set, text, Format::kJsonl).size(), 300u);
}

}  // namespace
}  // namespace sanad::detect::testing
