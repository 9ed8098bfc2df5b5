// Attributes of MISP type "stix2-pattern" feed the detection tables when the
// pattern is a simple indicator (equality on IPs, domains, URLs, e-mail
// addresses, file hashes, OR of these).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "detect_test_util.h"

namespace sanad::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST(StixPatternTables, SimplePatternsBecomeIndicators) {
  std::vector<store::IndexRow> rows = {
      Row(1, "stix2-pattern",
          "[ipv4-addr:value = '198.51.100.7' OR domain-name:value = 'Evil.Example']"),
      Row(2, "stix2-pattern",
          "[url:value = 'http://bad.example/x'] OR [email-addr:value = "
          "'Phish@Bad.Example']"),
      Row(3, "stix2-pattern",
          "[file:hashes.'SHA-256' = "
          "'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F']"),
      Row(4, "stix2-pattern", "[ipv6-addr:value IN ('2001:db8::1', '2001:db8::2')]"),
  };
  BuildStats stats;
  auto set = Build(rows, {}, &stats);
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(stats.indicators, 7u);
  EXPECT_EQ(stats.unsupported, 0u);
  // Indicators carry the MISP type the observable maps to, canonicalised.
  std::vector<std::string> got;
  for (uint32_t i = 0; i < set->size(); ++i) {
    got.push_back(set->indicator(i).type + " " + set->indicator(i).value);
  }
  EXPECT_THAT(got, UnorderedElementsAre(
                       "ip-dst 198.51.100.7", "domain evil.example", "url http://bad.example/x",
                       "email phish@bad.example",
                       "sha256 aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f",
                       "ip-dst 2001:db8::1", "ip-dst 2001:db8::2"));

  EXPECT_THAT(MatchAll(set, "conn 198.51.100.7 -> www.evil.example\n"),
              ElementsAre("1:5 exact 1 198.51.100.7", "1:21 subdomain 1 www.evil.example"));
  EXPECT_THAT(MatchAll(set, "GET http://bad.example/x from phish@bad.example\n"),
              ::testing::Contains("1:4 exact 2 http://bad.example/x"));
  EXPECT_THAT(
      MatchAll(set, "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f\n"),
      ElementsAre("1:0 exact 3 aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f"));
  EXPECT_THAT(MatchAll(set, "2001:db8::2\n"), ElementsAre("1:0 exact 4 2001:db8::2"));
}

TEST(StixPatternTables, OtherPatternsAndNonIdsRowsAreLeftOut) {
  std::vector<store::IndexRow> rows = {
      Row(1, "stix2-pattern",
          "[ipv4-addr:value = '198.51.100.7'] AND [domain-name:value = 'a.example']"),
      Row(2, "stix2-pattern", "[ipv4-addr:value = '198.51.100.8'] REPEATS 2 TIMES"),
      Row(3, "stix2-pattern", "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"),
      Row(4, "stix2-pattern", "[file:name = 'evil.exe']"),
      Row(5, "stix2-pattern", "not a pattern"),
      Row(6, "stix2-pattern", "[ipv4-addr:value = 'not-an-ip']"),
      Row(7, "stix2-pattern", "[ipv4-addr:value = '198.51.100.9']", /*to_ids=*/false),
  };
  BuildStats stats;
  auto set = Build(rows, {}, &stats);
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->size(), 0u);
  EXPECT_EQ(stats.unsupported, 6u);
  EXPECT_EQ(stats.not_ids, 1u);
  EXPECT_THAT(MatchAll(set, "198.51.100.7 198.51.100.8 198.51.100.9 a.example evil.exe\n"),
              IsEmpty());
}

}  // namespace
}  // namespace sanad::detect::testing
