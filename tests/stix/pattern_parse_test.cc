// STIX 2.1 pattern parser: a table of valid patterns (the specification's
// examples and every construct of the grammar) and of invalid ones with the
// expected error position and reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "stix/pattern.h"
#include "stix/pattern_internal.h"
#include "test_util.h"

namespace sanad::stix {
namespace {

using ::testing::HasSubstr;

// ---- valid patterns --------------------------------------------------------------

const char* const kValid[] = {
    // Specification examples (STIX 2.1 part 9.9).
    "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND "
    "email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
    "[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR "
    "ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128']",
    "[domain-name:value = 'example.com'] AND [url:value = 'https://example.com/x']",
    "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY "
    "[file:hashes.MD5 = '3d31b3ed2c9d7ae2c1e06d1e3b1f4bc4'] WITHIN 300 SECONDS",
    "([file:name = 'foo.dll'] AND [process:name = 'svchost.exe']) WITHIN 5 SECONDS",
    "[file:name = 'foo.dll'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
    "[file:mime_type = 'application/x-pdf'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
    "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value ISSUBSET "
    "'203.0.113.0/24']",
    "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\System\\\\Foo\\\\Bar']",
    "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
    "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] "
    "FOLLOWEDBY [process:command_line MATCHES "
    "'^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS",
    "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
    "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
    "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND "
    "user-account:account_login = 'Peter' AND EXISTS user-account:extensions.'unix-account-ext']",
    "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES "
    "'\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
    // Operators, NOT, literals.
    "[file:size != 10]", "[file:size == 10]", "[file:size <> 10]",
    "[file:size < 10 AND file:size <= 10 AND file:size > -10 AND file:size >= +10]",
    "[file:size NOT < 10.5]", "[file:size > -0.5 OR file:size > .5 OR file:size < +1.25]",
    "[network-traffic:dst_port IN (80, 443, 8080)]", "[network-traffic:dst_port NOT IN (80)]",
    "[file:name IN ()]", "[file:name LIKE 'a%b_c' OR file:name NOT LIKE '%.exe']",
    "[file:name NOT MATCHES '^x']",
    "[ipv4-addr:value NOT ISSUBSET '10.0.0.0/8' AND ipv4-addr:value ISSUPERSET '10.1.2.3']",
    "[EXISTS windows-registry-key:values]",
    "[windows-registry-key:values[0].name = 'x' AND windows-registry-key:values[-1].data = 'y']",
    "[file:is_encrypted = true OR file:is_encrypted = false]",
    "[file:ctime > t'2020-01-01T00:00:00.123456789Z' AND file:mtime <= t'2016-12-31T23:59:60Z']",
    "[file:created = t'2000-02-29T12:00:00Z']",
    "[artifact:payload_bin = b'SGVsbG8=' OR artifact:payload_bin = b'SGk=' OR "
    "artifact:payload_bin = b'QUJD']",
    "[artifact:payload_bin = h'48656c6C6f' OR artifact:payload_bin = h'']",
    "[file:name = 'it\\'s a \\\\ backslash']", "[file:name = 'caf\xC3\xA9']",
    "[file:'name' = 'a' AND file:hashes.'SHA-1' = 'b' AND file:x.'a.b'[*].c = 'd']",
    "[x-custom-object:x_field = 'v']",
    "[file:name = 'a'] OR [file:name = 'b'] AND [file:name = 'c'] FOLLOWEDBY [file:name = 'd']",
    "(([file:name = 'a'] REPEATS 2 TIMES) FOLLOWEDBY [file:name = 'b']) WITHIN 10.5 SECONDS "
    "START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'",
    "[((file:name = 'a') OR (file:name = 'b' AND (file:size > 1)))]",
    // White space and comments.
    "  /* leading */ [file:name\t=\n'a'] // trailing comment",
    "[file:name\xC2\xA0=\xE2\x80\x83'a']",
    "[file:size=5AND file:name='a'] WITHIN 5SECONDS",  // tokens may abut
};

TEST(PatternParse, AcceptsTheGrammar) {
  for (const char* text : kValid) {
    PatternError err;
    auto p = Pattern::Parse(text, &err);
    EXPECT_TRUE(p.ok()) << text << "\n  " << p.status().message();
  }
}

// ---- invalid patterns: '|' marks where the error is reported ------------------------

struct Bad {
  const char* text;  // contains exactly one '|' (removed before parsing)
  const char* reason;
};

const Bad kInvalid[] = {
    {"|", "expected '[' or '('"},
    {"   |", "expected '[' or '('"},
    {"[file:name = 'a'|", "expected ']'"},
    {"[file:name = 'a']|]", "expected AND, OR, FOLLOWEDBY"},
    {"[file:name |'a']", "expected a comparison operator"},
    {"[file:name = 'a|\\x']", "invalid escape"},
    {"[file:name = |'abc", "unterminated string"},
    {"[|fi:name = 'a']", "3 to 250 characters"},
    {"[|File:name = 'a']", "start with a lower-case letter"},
    {"[|file_x:name = 'a']", "only a-z, 0-9 and '-'"},
    {"[|a--b:name = 'a']", "'--'"},
    {"[file:|name-x = 'a']", "must be quoted"},
    {"[file:name = 'a'] REPEATS |0 TIMES", "at least 1"},
    {"[file:name = 'a'] REPEATS |1.5 TIMES", "positive integer"},
    {"[file:name = 'a'] WITHIN |0 SECONDS", "greater than 0"},
    {"[file:name = 'a'] WITHIN |-5 SECONDS", "positive number"},
    {"[file:name = 'a'] WITHIN 5|", "expected SECONDS"},
    {"[file:name = 'a'] WITHIN 5 |MINUTES", "expected SECONDS"},
    {"[file:name = 'a'] START t'2020-01-02T00:00:00Z' STOP |t'2020-01-01T00:00:00Z'",
     "later than START"},
    {"[file:name = 'a'] START |'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'",
     "expected a timestamp"},
    {"[file:created = |t'2020-02-30T00:00:00Z']", "invalid timestamp"},
    {"[file:created = |t'2021-02-29T00:00:00Z']", "invalid timestamp"},
    {"[file:created = |t'2020-01-01T00:00:00']", "invalid timestamp"},
    {"[file:created = |t'2020-01-01t00:00:00z']", "invalid timestamp"},
    {"[file:created = |t'2020-01-01T24:00:00Z']", "invalid timestamp"},
    {"[file:x = |h'abc']", "even number"},
    {"[file:x = h'|zz']", "invalid digit"},
    {"[file:x = |b'abc']", "multiple of 4"},
    {"[file:x = b'ab|*d']", "invalid character in base64"},
    {"[file:x IN (1, |'a')]", "same type"},
    {"[file:x IN (1, 2|]", "expected ')'"},
    {"[file:x MATCHES |'(']", "invalid regular expression"},
    {"[file:x MATCHES |'(a{100}){100}(b{100})']", "repetition bounds"},
    {"[file:x MATCHES |'a++']", "possessive"},
    {"[file:x MATCHES |'a\\\\Z']", "PCRE escape \\Z"},
    {"[file:x MATCHES |'(?s)a']", "invalid regular expression"},
    {"[file:x ISSUBSET |'foo']", "IPv4/IPv6"},
    {"[file:x < |true]", "booleans cannot be compared"},
    {"[file:x = |01]", "leading zeros"},
    {"[file:x LIKE |5]", "expected a string"},
    {"[file:x = 'a'] |and [file:y = 'b']", "expected AND, OR, FOLLOWEDBY"},
    {"[file:x = |99999999999999999999]", "out of range"},
    {"[file:x = 'a'] |/* unterminated", "unterminated comment"},
    {"[file:x = 'a'] FOLLOWEDBY |", "expected '[' or '('"},
    {"[file:x[|a] = 1]", "expected a list index"},
    {"[file:x = 'a' AND|]", "expected an object path"},
    {"[file:x = 'a' OR EXISTS |]", "expected an object path"},
    {"[file:x NOT |EXISTS]", "expected a comparison operator"},
    {"[file:x = |]", "expected a literal"},
    {"[file:x = 'a']\nAND [file:y = |]", "expected a literal"},
    {"[file:name = '\xC3\xA9'] |X", "expected AND, OR, FOLLOWEDBY"},
    {"[file:x = 'a'] |# comment", "unexpected character '#'"},
    {"[file:x = |!'a']", "unexpected '!'"},
};

TEST(PatternParse, RejectsWithPositionAndReason) {
  for (const Bad& b : kInvalid) {
    std::string text = b.text;
    size_t mark = text.find('|');
    ASSERT_NE(mark, std::string::npos) << text;
    text.erase(mark, 1);
    PatternError err;
    auto p = Pattern::Parse(text, &err);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(err.offset, mark) << text << "\n  " << err.ToString();
    EXPECT_THAT(err.reason, HasSubstr(b.reason)) << text;
    EXPECT_THAT(p.status().message(), HasSubstr("offset " + std::to_string(mark))) << text;
  }
}

TEST(PatternParse, LineAndColumnCountCodePoints) {
  PatternError err;
  ASSERT_FALSE(Pattern::Parse("[file:x = 'a']\nAND [file:y = ]", &err).ok());
  EXPECT_EQ(err.line, 2u);
  EXPECT_EQ(err.column, 15u);
  EXPECT_EQ(err.offset, 29u);
  ASSERT_FALSE(Pattern::Parse("[file:name = '\xC3\xA9'] X", &err).ok());
  EXPECT_EQ(err.offset, 19u);
  EXPECT_EQ(err.column, 19u);  // é is two bytes, one column
  EXPECT_EQ(err.ToString(), "offset 19 (line 1, column 19): " + err.reason);
}

TEST(PatternParse, Limits) {
  PatternError err;
  std::string deep(kMaxPatternDepth + 1, '(');
  deep += "[file:x = 1]";
  EXPECT_FALSE(Pattern::Parse(deep, &err).ok());
  EXPECT_THAT(err.reason, HasSubstr("nesting"));
  std::string ok_depth(kMaxPatternDepth - 1, '(');
  ok_depth += "[file:x = 1]" + std::string(kMaxPatternDepth - 1, ')');
  EXPECT_TRUE(Pattern::Parse(ok_depth, &err).ok()) << err.ToString();

  EXPECT_FALSE(Pattern::Parse("[file:x = 'a'] REPEATS 1001 TIMES", &err).ok());
  EXPECT_THAT(err.reason, HasSubstr("more than 1000 observations"));
  EXPECT_EQ(err.offset, 23u);
  EXPECT_FALSE(Pattern::Parse("([file:x = 'a'] AND [file:x = 'b']) REPEATS 501 TIMES", &err).ok());
  EXPECT_TRUE(Pattern::Parse("([file:x = 'a'] AND [file:x = 'b']) REPEATS 500 TIMES", &err).ok());

  std::string big = "[file:name = '" + std::string(kMaxPatternBytes, 'a') + "']";
  EXPECT_FALSE(Pattern::Parse(big, &err).ok());
  EXPECT_THAT(err.reason, HasSubstr("longer than"));
}

TEST(PatternParse, ParsedForm) {
  auto p = Pattern::Parse(
      "[file:hashes.'SHA-256' = 'ab' AND file:parent_directory_ref.path LIKE 'C:%'] "
      "FOLLOWEDBY ([email-message:to_refs[*].value IN ('a@b.example', 'c@d.example')] "
      "REPEATS 2 TIMES) WITHIN 60 SECONDS");
  ASSERT_TRUE(p.ok()) << p.status().message();
  const PatternImpl& im = p->impl();
  EXPECT_EQ(p->observation_expressions(), 2u);
  ASSERT_EQ(im.cmps.size(), 3u);
  EXPECT_EQ(im.cmps[0].path.Text(), "file:hashes.'SHA-256'");
  EXPECT_EQ(im.cmps[1].path.Text(), "file:parent_directory_ref.path");
  EXPECT_EQ(im.cmps[1].path.steps[0].suffix, PathStep::kRef);
  EXPECT_EQ(im.cmps[1].op, Op::kLike);
  EXPECT_EQ(im.cmps[2].path.Text(), "email-message:to_refs[*].value");
  EXPECT_EQ(im.cmps[2].path.steps[0].suffix, PathStep::kRefs);
  EXPECT_EQ(im.cmps[2].values.size(), 2u);
  const ObsNode& root = im.onodes[static_cast<size_t>(im.root)];
  EXPECT_EQ(root.kind, ObsNode::kFollowedBy);
  const ObsNode& rhs = im.onodes[static_cast<size_t>(root.b)];
  EXPECT_EQ(rhs.kind, ObsNode::kWithin);
  EXPECT_EQ(rhs.within, 60 * kNanosPerSecond);
  EXPECT_EQ(im.onodes[static_cast<size_t>(rhs.a)].kind, ObsNode::kRepeat);
  EXPECT_FALSE(im.single_observation);

  auto lit = Pattern::Parse(
      "[file:name = 'it\\'s \\\\'] OR [file:x = h'0aFF'] OR "
      "[file:y = b'SGk='] OR [file:z = -7] OR [file:w = t'1970-01-01T00:00:01.5Z']");
  ASSERT_TRUE(lit.ok()) << lit.status().message();
  const auto& c = lit->impl().cmps;
  EXPECT_EQ(c[0].values[0].bytes, "it's \\");
  EXPECT_EQ(c[1].values[0].bytes, std::string("\x0a\xff", 2));
  EXPECT_EQ(c[2].values[0].bytes, "Hi");
  EXPECT_EQ(c[3].values[0].i, -7);
  EXPECT_EQ(c[4].values[0].t, kNanosPerSecond + kNanosPerSecond / 2);
  EXPECT_TRUE(lit->impl().single_observation);
}

TEST(PatternParse, Timestamps) {
  Nanos t;
  ASSERT_TRUE(ParseStixTimestamp("2016-04-06T19:58:16.000Z", &t));
  EXPECT_EQ(t, static_cast<Nanos>(1459972696) * kNanosPerSecond);
  ASSERT_TRUE(ParseStixTimestamp("1969-12-31T23:59:59.999999999999Z", &t));
  EXPECT_EQ(t, -1);
  EXPECT_TRUE(ParseStixTimestamp("0001-01-01T00:00:00Z", &t));
  EXPECT_TRUE(ParseStixTimestamp("9999-12-31T23:59:60Z", &t));
  EXPECT_FALSE(ParseStixTimestamp("2016-04-06T19:58:16.Z", &t));
  EXPECT_FALSE(ParseStixTimestamp("2016-04-06 19:58:16Z", &t));
  EXPECT_FALSE(ParseStixTimestamp("2016-04-06T19:58:16+00:00", &t));
  EXPECT_FALSE(ParseStixTimestamp("2016-13-06T19:58:16Z", &t));
  EXPECT_FALSE(ParseStixTimestamp("1900-02-29T00:00:00Z", &t));
}

// Every seed of the fuzz corpus is a pattern; the valid ones parse.
TEST(PatternParse, SeedCorpusParses) {
  std::string dir = sanad::testing::TestData("stix_pattern/valid.txt");
  std::ifstream in(dir);
  ASSERT_TRUE(in.good()) << dir;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto p = Pattern::Parse(line);
    EXPECT_TRUE(p.ok()) << line << "\n  " << p.status().message();
    ++n;
  }
  EXPECT_GT(n, 10);
}

// Every indicator pattern of the shared STIX 2.1 examples parses; the
// domain/IP indicators of the threat reports are simple observables.
TEST(PatternParse, SharedExamples) {
  std::string shared = sanad::testing::SharedDir();
  if (shared.empty()) GTEST_SKIP() << "../shared not present";
  std::filesystem::path dir = std::filesystem::path(shared) / "data/stix21/examples";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir;
  int patterns = 0, simple = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(sanad::testing::ReadFile(e.path().string()), ec);
    if (ec || !v.is_object() || !v.as_object().contains("objects")) continue;
    for (const auto& o : v.at("objects").as_array()) {
      const auto* obj = o.if_object();
      if (obj == nullptr || !obj->contains("pattern")) continue;
      std::string text(obj->at("pattern").as_string());
      auto p = Pattern::Parse(text);
      EXPECT_TRUE(p.ok()) << e.path() << ": " << text << "\n  " << p.status().message();
      ++patterns;
      std::vector<std::pair<std::string, std::string>> out;
      if (p.ok() && SimpleObservables(*p, &out)) ++simple;
    }
  }
  EXPECT_GT(patterns, 20);
  EXPECT_GT(simple, 20);
}

}  // namespace
}  // namespace sanad::stix
