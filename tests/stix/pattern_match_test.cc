// STIX pattern matcher: every operator and qualifier, references, binary and
// timestamp values, observed-data in STIX 2.0 and 2.1 form, and the
// specification's examples.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "stix/pattern.h"

namespace sanad::stix {
namespace {

namespace bj = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// An observed-data (STIX 2.0 style, objects embedded) with the given SCOs.
bj::value Obs(const std::string& id, const std::string& first, const std::string& last, int count,
              const std::string& objects_json) {
  bj::object o;
  o["type"] = "observed-data";
  o["id"] = "observed-data--" + id;
  o["first_observed"] = first;
  o["last_observed"] = last;
  o["number_observed"] = count;
  o["objects"] = bj::parse(objects_json);
  return o;
}

ObservedData Bundle(std::vector<bj::value> objs) {
  bj::object b;
  b["type"] = "bundle";
  b["id"] = "bundle--00000000-0000-4000-8000-000000000000";
  bj::array a;
  for (auto& o : objs) a.push_back(std::move(o));
  b["objects"] = std::move(a);
  auto d = ObservedData::FromJson(b);
  EXPECT_TRUE(d.ok()) << d.status().message();
  return std::move(d.value());
}

// One observation at a fixed time holding `objects_json`.
ObservedData One(const std::string& objects_json, int count = 1) {
  return Bundle({Obs("1", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", count, objects_json)});
}

bool Matches(const std::string& pattern, const ObservedData& d) {
  auto p = Pattern::Parse(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << p.status().message();
  if (!p.ok()) return false;
  MatchResult r = Match(p.value(), d);
  EXPECT_TRUE(r.status.ok()) << r.status.message();
  // The indexed evaluation agrees.
  PatternSet set;
  set.Add(p.value());
  MatchResult ri = set.MatchAll(d)[0];
  EXPECT_EQ(ri.matched, r.matched) << pattern;
  EXPECT_EQ(ri.observed, r.observed) << pattern;
  return r.matched;
}

const char* const kFile = R"({
  "0": {"type": "file", "name": "invoice.exe", "size": 2048, "is_encrypted": false,
        "hashes": {"MD5": "79054025255fb1a26e4bc422aef54eb4", "SHA-256": "aa"},
        "ctime": "2020-01-01T10:00:00.500Z",
        "magic_number_hex": "4D5A", "tags": ["a", "b", "c"],
        "extensions": {"windows-pebinary-ext": {"sections": [{"entropy": 7.5}, {"entropy": 1.0}]}},
        "parent_directory_ref": "1"},
  "1": {"type": "directory", "path": "C:\\Users\\x\\Downloads"},
  "2": {"type": "ipv4-addr", "value": "10.1.2.3"},
  "3": {"type": "ipv6-addr", "value": "2001:db8::1"},
  "4": {"type": "artifact", "payload_bin": "SGVsbG8gd29ybGQ=", "mime_type": "text/plain"},
  "5": {"type": "ipv4-addr", "value": "192.0.2.0/25"},
  "6": {"type": "x-thing", "name": "caf\u00e9", "n": 5, "f": 2.5, "big": 18446744073709551615}
})";

TEST(PatternMatch, Equality) {
  ObservedData d = One(kFile);
  EXPECT_TRUE(Matches("[file:name = 'invoice.exe']", d));
  EXPECT_FALSE(Matches("[file:name = 'Invoice.exe']", d));  // case-sensitive
  EXPECT_TRUE(Matches("[file:name == 'invoice.exe']", d));
  EXPECT_TRUE(Matches("[file:name != 'other.exe']", d));
  EXPECT_FALSE(Matches("[file:name != 'invoice.exe']", d));
  EXPECT_TRUE(Matches("[file:name <> 'other.exe']", d));
  EXPECT_TRUE(Matches("[file:name NOT = 'other.exe']", d));
  EXPECT_FALSE(Matches("[file:name NOT = 'invoice.exe']", d));
  EXPECT_TRUE(Matches("[file:size = 2048]", d));
  EXPECT_TRUE(Matches("[file:size = 2048.0]", d));
  EXPECT_FALSE(Matches("[file:size = '2048']", d));  // no coercion from strings
  EXPECT_TRUE(Matches("[file:size != '2048']", d));  // ... so != holds
  EXPECT_TRUE(Matches("[file:is_encrypted = false]", d));
  EXPECT_FALSE(Matches("[file:is_encrypted = true]", d));
  EXPECT_TRUE(Matches("[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4']", d));
  EXPECT_TRUE(Matches("[file:hashes.'SHA-256' = 'aa']", d));
  EXPECT_FALSE(Matches("[file:hashes.'SHA-1' = 'aa']", d));   // absent property
  EXPECT_FALSE(Matches("[file:hashes.'SHA-1' != 'aa']", d));  // absent: false, even !=
  EXPECT_TRUE(Matches("[x-thing:name = 'caf\xC3\xA9']", d));
  EXPECT_TRUE(Matches("[x-thing:big > 1.5]", d));
  EXPECT_FALSE(Matches("[x-thing:big = -1]", d));
  EXPECT_TRUE(Matches("[x-thing:big > 9223372036854775807]", d));
  EXPECT_FALSE(Matches("[file:size = 2048 AND file:name = 'x']", d));
  EXPECT_TRUE(Matches("[file:size = 1 OR file:name = 'invoice.exe']", d));
}

TEST(PatternMatch, Ordering) {
  ObservedData d = One(kFile);
  EXPECT_TRUE(Matches("[file:size > 2047]", d));
  EXPECT_FALSE(Matches("[file:size > 2048]", d));
  EXPECT_TRUE(Matches("[file:size >= 2048]", d));
  EXPECT_TRUE(Matches("[file:size < 2048.5]", d));
  EXPECT_TRUE(Matches("[file:size <= 2048]", d));
  EXPECT_FALSE(Matches("[file:size < 2048]", d));
  EXPECT_TRUE(Matches("[file:size NOT < 2048]", d));
  EXPECT_TRUE(Matches("[x-thing:f > 2]", d));
  EXPECT_TRUE(Matches("[x-thing:f < 2.6]", d));
  EXPECT_TRUE(Matches("[file:name > 'invoice']", d));  // code point order
  EXPECT_TRUE(Matches("[file:name < 'j']", d));
  EXPECT_FALSE(Matches("[file:name < 5]", d));      // not comparable: false ...
  EXPECT_FALSE(Matches("[file:name NOT < 5]", d));  // ... with NOT too
  // Timestamps: the JSON string is read as a timestamp when the literal is one.
  EXPECT_TRUE(Matches("[file:ctime > t'2020-01-01T10:00:00Z']", d));
  EXPECT_TRUE(Matches("[file:ctime = t'2020-01-01T10:00:00.5Z']", d));
  EXPECT_TRUE(Matches("[file:ctime = t'2020-01-01T10:00:00.500000Z']", d));
  EXPECT_FALSE(Matches("[file:ctime < t'2020-01-01T10:00:00.5Z']", d));
  EXPECT_FALSE(Matches("[file:name < t'2020-01-01T10:00:00.5Z']", d));  // not a timestamp
}

TEST(PatternMatch, InLikeMatches) {
  ObservedData d = One(kFile);
  EXPECT_TRUE(Matches("[file:size IN (1, 2048, 3)]", d));
  EXPECT_FALSE(Matches("[file:size IN (1, 3)]", d));
  EXPECT_TRUE(Matches("[file:size NOT IN (1, 3)]", d));
  EXPECT_FALSE(Matches("[file:size IN ()]", d));
  EXPECT_TRUE(Matches("[file:size NOT IN ()]", d));
  EXPECT_TRUE(Matches("[file:name IN ('a', 'invoice.exe')]", d));

  EXPECT_TRUE(Matches("[file:name LIKE 'invoice.exe']", d));
  EXPECT_TRUE(Matches("[file:name LIKE 'inv%']", d));
  EXPECT_TRUE(Matches("[file:name LIKE '%.ex_']", d));
  EXPECT_TRUE(Matches("[file:name LIKE '%o%e%']", d));
  EXPECT_FALSE(Matches("[file:name LIKE 'inv']", d));  // the whole value
  EXPECT_FALSE(Matches("[file:name LIKE '%.ex']", d));
  EXPECT_TRUE(Matches("[file:name NOT LIKE '%.dll']", d));
  EXPECT_TRUE(Matches("[x-thing:name LIKE 'caf_']", d));  // '_' is one code point
  EXPECT_FALSE(Matches("[x-thing:name LIKE 'caf__']", d));
  EXPECT_FALSE(Matches("[file:size LIKE '%']", d));      // not a string
  EXPECT_FALSE(Matches("[file:size NOT LIKE 'x']", d));  // ... with NOT too

  EXPECT_TRUE(Matches("[file:name MATCHES 'voice']", d));  // search, not full match
  EXPECT_TRUE(Matches("[file:name MATCHES '^inv.*\\\\.exe$']", d));
  EXPECT_FALSE(Matches("[file:name MATCHES '^voice']", d));
  EXPECT_TRUE(Matches("[file:name NOT MATCHES '^voice']", d));
  EXPECT_TRUE(Matches("[file:name MATCHES '(?i)^INVOICE']", d));
  EXPECT_FALSE(Matches("[file:name MATCHES '^INVOICE']", d));
  EXPECT_TRUE(Matches("[file:name MATCHES '\\\\Ainv']", d));  // PCRE \A and \z
  EXPECT_FALSE(Matches("[file:name MATCHES '\\\\Avoice']", d));
  EXPECT_TRUE(Matches("[file:name MATCHES 'exe\\\\z']", d));
  EXPECT_TRUE(Matches("[file:name MATCHES '[\\\\A]|inv']", d));
  // Binary values (…_bin, …_hex) are matched byte by byte.
  EXPECT_TRUE(Matches("[artifact:payload_bin MATCHES '^Hello w']", d));
  EXPECT_TRUE(Matches("[file:magic_number_hex MATCHES '^MZ$']", d));
  EXPECT_FALSE(Matches("[file:size MATCHES '2048']", d));
}

TEST(PatternMatch, SubsetSuperset) {
  ObservedData d = One(kFile);
  EXPECT_TRUE(Matches("[ipv4-addr:value ISSUBSET '10.0.0.0/8']", d));
  EXPECT_TRUE(Matches("[ipv4-addr:value ISSUBSET '10.1.2.3/32']", d));
  EXPECT_TRUE(Matches("[ipv4-addr:value ISSUBSET '192.0.2.0/24']", d));  // the /25
  EXPECT_FALSE(Matches("[ipv4-addr:value ISSUBSET '172.16.0.0/12']", d));
  EXPECT_TRUE(Matches("[ipv4-addr:value NOT ISSUBSET '10.0.0.0/8']", d));  // the other one
  EXPECT_TRUE(Matches("[ipv4-addr:value ISSUPERSET '192.0.2.77']", d));
  EXPECT_FALSE(Matches("[ipv4-addr:value ISSUPERSET '192.0.2.200']", d));
  EXPECT_TRUE(Matches("[ipv4-addr:value ISSUPERSET '10.1.2.3']", d));  // a host contains itself
  EXPECT_TRUE(Matches("[ipv6-addr:value ISSUBSET '2001:db8::/32']", d));
  EXPECT_FALSE(Matches("[ipv6-addr:value ISSUBSET '10.0.0.0/8']", d));  // other family
  EXPECT_FALSE(Matches("[file:name ISSUBSET '10.0.0.0/8']", d));
  EXPECT_FALSE(Matches("[file:name NOT ISSUBSET '10.0.0.0/8']", d));  // not an address
}

TEST(PatternMatch, ExistsPathsAndLists) {
  ObservedData d = One(kFile);
  EXPECT_TRUE(Matches("[EXISTS file:hashes.MD5]", d));
  EXPECT_FALSE(Matches("[EXISTS file:hashes.'SHA-1']", d));
  EXPECT_TRUE(Matches("[EXISTS file:extensions.'windows-pebinary-ext']", d));
  EXPECT_TRUE(Matches("[file:tags[0] = 'a']", d));
  EXPECT_TRUE(Matches("[file:tags[2] = 'c']", d));
  EXPECT_TRUE(Matches("[file:tags[-1] = 'c']", d));
  EXPECT_FALSE(Matches("[file:tags[3] = 'c']", d));
  EXPECT_FALSE(Matches("[file:tags[-4] = 'a']", d));
  EXPECT_TRUE(Matches("[file:tags[*] = 'b']", d));
  EXPECT_FALSE(Matches("[file:tags[*] = 'z']", d));
  EXPECT_TRUE(Matches("[file:tags[*] != 'a']", d));  // some element differs
  EXPECT_FALSE(Matches("[file:tags = 'a']", d));     // a list is not a string
  EXPECT_TRUE(Matches("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]", d));
  EXPECT_FALSE(Matches("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 8]", d));
  EXPECT_TRUE(Matches("[file:extensions.'windows-pebinary-ext'.sections[1].entropy < 2]", d));
  EXPECT_FALSE(Matches("[file:name.x = 'a']", d));  // stepping into a string
}

TEST(PatternMatch, BinaryValues) {
  ObservedData d = One(kFile);
  EXPECT_TRUE(Matches("[artifact:payload_bin = b'SGVsbG8gd29ybGQ=']", d));
  EXPECT_TRUE(Matches("[artifact:payload_bin = h'48656c6c6f20776f726c64']", d));
  EXPECT_TRUE(Matches("[artifact:payload_bin = 'Hello world']", d));  // string vs binary
  EXPECT_FALSE(Matches("[artifact:payload_bin = 'Hello']", d));
  EXPECT_TRUE(Matches("[artifact:payload_bin > h'48']", d));
  EXPECT_TRUE(Matches("[file:magic_number_hex = h'4d5a']", d));
  EXPECT_TRUE(Matches("[file:magic_number_hex = 'MZ']", d));
  EXPECT_TRUE(Matches("[file:name = b'aW52b2ljZS5leGU=']", d));  // binary literal vs string
  EXPECT_FALSE(Matches("[x-thing:name = h'636166']", d));
  EXPECT_TRUE(Matches("[x-thing:name = h'636166e9']", d));  // "café" as ISO-8859-1 bytes
}

// References: STIX 2.0 (keys of "objects") and STIX 2.1 (object_refs, ids).
TEST(PatternMatch, References) {
  ObservedData d20 = One(kFile);
  EXPECT_TRUE(Matches("[file:parent_directory_ref.path LIKE 'C:\\\\Users%']", d20));
  EXPECT_FALSE(Matches("[file:parent_directory_ref.path = 'x']", d20));

  const char* bundle21 = R"({"type": "bundle", "id": "bundle--1", "objects": [
    {"type": "observed-data", "id": "observed-data--a", "spec_version": "2.1",
     "first_observed": "2020-01-01T00:00:00Z", "last_observed": "2020-01-01T00:00:00Z",
     "number_observed": 1,
     "object_refs": ["email-message--1", "email-addr--from", "email-addr--to1",
                     "email-addr--to2", "network-traffic--1", "ipv4-addr--dst"]},
    {"type": "email-message", "id": "email-message--1", "is_multipart": true,
     "from_ref": "email-addr--from", "to_refs": ["email-addr--to1", "email-addr--missing",
     "email-addr--to2"], "body_multipart": [{"body_raw_ref": "file--att"}]},
    {"type": "email-addr", "id": "email-addr--from", "value": "boss@example.com"},
    {"type": "email-addr", "id": "email-addr--to1", "value": "a@victim.example"},
    {"type": "email-addr", "id": "email-addr--to2", "value": "b@victim.example"},
    {"type": "file", "id": "file--att", "name": "Final Report 2020.exe"},
    {"type": "network-traffic", "id": "network-traffic--1", "dst_ref": "ipv4-addr--dst",
     "protocols": ["tcp"], "dst_port": 443},
    {"type": "ipv4-addr", "id": "ipv4-addr--dst", "value": "203.0.113.9"}
  ]})";
  auto d = ObservedData::Parse(bundle21);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->size(), 1u);
  // Specification example: the sender and an attachment.
  EXPECT_TRUE(Matches(
      "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND "
      "email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
      *d));
  EXPECT_TRUE(Matches("[email-message:to_refs[*].value = 'b@victim.example']", *d));
  EXPECT_TRUE(Matches("[email-message:to_refs[1].value = 'b@victim.example']", *d));  // resolved
  EXPECT_FALSE(Matches("[email-message:to_refs[2].value = 'b@victim.example']", *d));
  EXPECT_TRUE(Matches("[EXISTS email-message:to_refs]", *d));
  EXPECT_TRUE(
      Matches("[network-traffic:dst_ref.type = 'ipv4-addr' AND "
              "network-traffic:dst_ref.value ISSUBSET '203.0.113.0/24']",
              *d));
  EXPECT_FALSE(Matches("[network-traffic:dst_ref.value ISSUBSET '198.51.100.0/24']", *d));
  // The file is referenced but not listed in object_refs: it is no root.
  EXPECT_FALSE(Matches("[file:name LIKE 'Final%']", *d));
}

// AND inside [...] needs one object; across observation expressions it
// needs distinct observations.
TEST(PatternMatch, ObservationAndOr) {
  ObservedData one = One(R"({"0": {"type": "file", "name": "a"},
                             "1": {"type": "file", "name": "b"}})");
  EXPECT_FALSE(Matches("[file:name = 'a' AND file:name = 'b']", one));
  EXPECT_TRUE(Matches("[file:name = 'a' OR file:name = 'b']", one));
  EXPECT_FALSE(Matches("[file:name = 'a'] AND [file:name = 'b']", one));  // one observation
  EXPECT_TRUE(Matches("[file:name = 'a'] OR [file:name = 'b']", one));
  ObservedData twice = One(R"({"0": {"type": "file", "name": "a"},
                               "1": {"type": "file", "name": "b"}})",
                           2);  // number_observed 2: two observations
  EXPECT_TRUE(Matches("[file:name = 'a'] AND [file:name = 'b']", twice));
  EXPECT_FALSE(Matches("[file:name = 'a'] AND [file:name = 'b'] AND [file:name = 'a']", twice));

  ObservedData two = Bundle({Obs("1", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", 1,
                                 R"({"0": {"type": "file", "name": "a"}})"),
                             Obs("2", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", 1,
                                 R"({"0": {"type": "ipv4-addr", "value": "10.0.0.1"}})")});
  auto p = Pattern::Parse("[file:name = 'a'] AND [ipv4-addr:value = '10.0.0.1']");
  ASSERT_TRUE(p.ok());
  MatchResult r = Match(*p, two);
  EXPECT_TRUE(r.matched);
  EXPECT_THAT(r.observed, ElementsAre(0u, 1u));
  // ORs of single observation expressions report every observed-data.
  auto q = Pattern::Parse("[file:name = 'a'] OR [ipv4-addr:value = '10.0.0.1']");
  ASSERT_TRUE(q.ok());
  EXPECT_THAT(Match(*q, two).observed, ElementsAre(0u, 1u));
  EXPECT_EQ(two.id(1), "observed-data--2");
}

ObservedData Timeline() {
  // a at 00:00, b at 00:10, a again at 00:20, c spanning 00:05-00:30.
  return Bundle({
      Obs("a1", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", 1,
          R"({"0": {"type": "file", "name": "a"}})"),
      Obs("b1", "2020-01-01T00:10:00Z", "2020-01-01T00:10:00Z", 1,
          R"({"0": {"type": "file", "name": "b"}})"),
      Obs("a2", "2020-01-01T00:20:00Z", "2020-01-01T00:20:00Z", 1,
          R"({"0": {"type": "file", "name": "a"}})"),
      Obs("c1", "2020-01-01T00:05:00Z", "2020-01-01T00:30:00Z", 1,
          R"({"0": {"type": "file", "name": "c"}})"),
  });
}

TEST(PatternMatch, FollowedBy) {
  ObservedData d = Timeline();
  EXPECT_TRUE(Matches("[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", d));
  EXPECT_TRUE(Matches("[file:name = 'b'] FOLLOWEDBY [file:name = 'a']", d));   // a2 after b1
  EXPECT_FALSE(Matches("[file:name = 'b'] FOLLOWEDBY [file:name = 'b']", d));  // one b only
  EXPECT_TRUE(Matches("[file:name = 'a'] FOLLOWEDBY [file:name = 'a']", d));
  EXPECT_TRUE(Matches("[file:name = 'c'] FOLLOWEDBY [file:name = 'a']", d));  // c spans a2
  EXPECT_TRUE(Matches("[file:name = 'c'] FOLLOWEDBY [file:name = 'b']", d));
  EXPECT_FALSE(
      Matches("[file:name = 'b'] FOLLOWEDBY [file:name = 'a'] FOLLOWEDBY "
              "[file:name = 'b']",
              d));
  // Left side with two observations: its latest start must not be after the
  // right side's end.
  EXPECT_TRUE(Matches("([file:name = 'a'] AND [file:name = 'b']) FOLLOWEDBY [file:name = 'a']", d));
  EXPECT_FALSE(
      Matches("([file:name = 'a'] AND [file:name = 'a']) FOLLOWEDBY [file:name = 'b']", d));
  auto p = Pattern::Parse("[file:name = 'b'] FOLLOWEDBY [file:name = 'a']");
  MatchResult r = Match(*p, d);
  EXPECT_THAT(r.observed, ElementsAre(1u, 2u));  // b1 then a2
}

TEST(PatternMatch, Within) {
  ObservedData d = Timeline();
  EXPECT_TRUE(Matches("([file:name = 'a'] AND [file:name = 'b']) WITHIN 600 SECONDS", d));
  EXPECT_FALSE(Matches("([file:name = 'a'] AND [file:name = 'b']) WITHIN 599 SECONDS", d));
  EXPECT_FALSE(Matches("([file:name = 'a'] AND [file:name = 'b']) WITHIN 599.5 SECONDS", d));
  EXPECT_FALSE(Matches("([file:name = 'a'] AND [file:name = 'a']) WITHIN 1199 SECONDS", d));
  EXPECT_TRUE(Matches("([file:name = 'a'] AND [file:name = 'a']) WITHIN 1200 SECONDS", d));
  // c's interval overlaps a2 and b1: WITHIN 1 SECONDS holds.
  EXPECT_TRUE(Matches("([file:name = 'c'] AND [file:name = 'b']) WITHIN 1 SECONDS", d));
  EXPECT_TRUE(Matches("([file:name = 'c'] AND [file:name = 'a']) WITHIN 1 SECONDS", d));  // a2 in c
  EXPECT_TRUE(Matches("([file:name = 'a'] FOLLOWEDBY [file:name = 'b']) WITHIN 600 SECONDS", d));
  EXPECT_FALSE(Matches("([file:name = 'b'] FOLLOWEDBY [file:name = 'a']) WITHIN 599 SECONDS", d));
  EXPECT_TRUE(Matches("[file:name = 'a'] WITHIN 1 SECONDS", d));
}

TEST(PatternMatch, Repeats) {
  ObservedData d = Timeline();
  EXPECT_TRUE(Matches("[file:name = 'a'] REPEATS 2 TIMES", d));
  EXPECT_FALSE(Matches("[file:name = 'a'] REPEATS 3 TIMES", d));
  EXPECT_FALSE(Matches("[file:name = 'b'] REPEATS 2 TIMES", d));
  EXPECT_TRUE(Matches("[file:name = 'a' OR file:name = 'b'] REPEATS 3 TIMES", d));
  EXPECT_FALSE(Matches("[file:name = 'a'] REPEATS 2 TIMES WITHIN 600 SECONDS", d));
  EXPECT_TRUE(Matches("[file:name = 'a'] REPEATS 2 TIMES WITHIN 1200 SECONDS", d));
  EXPECT_TRUE(Matches("([file:name = 'a'] OR [file:name = 'b']) REPEATS 3 TIMES", d));
  EXPECT_FALSE(Matches("([file:name = 'a'] FOLLOWEDBY [file:name = 'b']) REPEATS 2 TIMES", d));
  // number_observed counts as repetitions of one observed-data.
  ObservedData many = One(R"({"0": {"type": "file", "name": "x"}})", 5);
  EXPECT_TRUE(Matches("[file:name = 'x'] REPEATS 5 TIMES", many));
  EXPECT_FALSE(Matches("[file:name = 'x'] REPEATS 6 TIMES", many));
  auto p = Pattern::Parse("[file:name = 'x'] REPEATS 5 TIMES");
  EXPECT_THAT(Match(*p, many).observed, ElementsAre(0u));
}

TEST(PatternMatch, StartStop) {
  ObservedData d = Timeline();
  // Overlap with [START, STOP): touching START counts, touching STOP does not.
  EXPECT_TRUE(
      Matches("[file:name = 'b'] START t'2020-01-01T00:10:00Z' STOP t'2020-01-01T00:11:00Z'", d));
  EXPECT_FALSE(
      Matches("[file:name = 'b'] START t'2020-01-01T00:09:00Z' STOP t'2020-01-01T00:10:00Z'", d));
  EXPECT_TRUE(Matches(
      "[file:name = 'b'] START t'2020-01-01T00:09:00Z' STOP t'2020-01-01T00:10:00.001Z'", d));
  EXPECT_FALSE(
      Matches("[file:name = 'a'] START t'2020-01-01T00:01:00Z' STOP t'2020-01-01T00:19:00Z'", d));
  EXPECT_TRUE(
      Matches("[file:name = 'c'] START t'2020-01-01T00:29:00Z' STOP t'2020-01-01T01:00:00Z'", d));
  EXPECT_TRUE(
      Matches("([file:name = 'a'] REPEATS 2 TIMES) START t'2020-01-01T00:00:00Z' STOP "
              "t'2020-01-01T00:20:00.1Z'",
              d));
  EXPECT_FALSE(
      Matches("([file:name = 'a'] REPEATS 2 TIMES) START t'2020-01-01T00:00:00Z' STOP "
              "t'2020-01-01T00:20:00Z'",
              d));
  // The qualifier applies only to its own expression.
  EXPECT_TRUE(
      Matches("[file:name = 'b'] AND [file:name = 'a'] START t'2020-01-01T00:15:00Z' "
              "STOP t'2020-01-01T00:25:00Z'",
              d));
}

TEST(PatternMatch, ObservedDataErrors) {
  auto bad = [](const std::string& json, const std::string& what) {
    auto d = ObservedData::Parse(json);
    ASSERT_FALSE(d.ok()) << json;
    EXPECT_THAT(d.status().message(), HasSubstr(what)) << json;
  };
  bad("not json", "not valid JSON");
  bad("42", "expected a STIX bundle");
  bad(R"({"type": "bundle", "objects": [{"type": "observed-data", "id": "observed-data--1",
       "first_observed": "2020-01-01T00:00:00Z", "last_observed": "2020-01-01T00:00:00Z",
       "number_observed": 0, "objects": {}}]})",
      "objects[0].number_observed");
  bad(R"({"type": "bundle", "objects": [{"type": "x"}, {"type": "observed-data",
       "id": "observed-data--1", "first_observed": "2020-01-01",
       "last_observed": "2020-01-01T00:00:00Z", "number_observed": 1, "objects": {}}]})",
      "objects[1].first_observed: not a STIX timestamp");
  bad(R"({"type": "bundle", "objects": [{"type": "observed-data", "id": "observed-data--1",
       "first_observed": "2020-01-02T00:00:00Z", "last_observed": "2020-01-01T00:00:00Z",
       "number_observed": 1, "objects": {}}]})",
      "earlier than first_observed");
  bad(R"({"type": "bundle", "objects": [{"type": "observed-data", "id": "observed-data--1",
       "first_observed": "2020-01-01T00:00:00Z", "last_observed": "2020-01-01T00:00:00Z",
       "number_observed": 1}]})",
      "needs \"objects\" or \"object_refs\"");
  // A single observed-data object and a plain array are accepted.
  auto one = ObservedData::Parse(R"({"type": "observed-data", "id": "observed-data--1",
       "first_observed": "2020-01-01T00:00:00Z", "last_observed": "2020-01-01T00:00:00Z",
       "number_observed": 3, "objects": {"0": {"type": "file", "name": "x"}}})");
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ(one->size(), 1u);
  EXPECT_EQ(one->number_observed(0), 3u);
}

TEST(PatternMatch, SearchBudgetIsAnErrorNotAnAnswer) {
  // 200 observations, at most 8 on one day: nine within one second do not
  // exist. The search gives up with kLimit or answers false, never a match.
  std::vector<bj::value> objs;
  for (int i = 0; i < 200; ++i) {
    char t[32];
    std::snprintf(t, sizeof t, "2020-01-%02dT00:00:00Z", 1 + i % 28);
    objs.push_back(Obs(std::to_string(i), t, t, 1, R"({"0": {"type": "file", "name": "a"}})"));
  }
  ObservedData d = Bundle(std::move(objs));
  auto p = Pattern::Parse(
      "([file:name = 'a'] AND [file:name = 'a'] AND [file:name = 'a'] AND [file:name = 'a'] AND "
      "[file:name = 'a'] AND [file:name = 'a'] AND [file:name = 'a'] AND [file:name = 'a'] AND "
      "[file:name = 'a']) "
      "WITHIN 1 SECONDS");
  ASSERT_TRUE(p.ok());
  MatchResult r = Match(*p, d);
  EXPECT_FALSE(r.matched);
  if (!r.status.ok()) {
    EXPECT_EQ(r.status.code(), Status::Code::kLimit);
  }
}

TEST(PatternMatch, LargestBindingDoesNotOverflowTheStack) {
  ObservedData many = One(R"({"0": {"type": "file", "name": "x"}})", 1000);
  EXPECT_TRUE(Matches("[file:name = 'x'] REPEATS 1000 TIMES", many));
  EXPECT_TRUE(Matches("([file:name = 'x'] AND [file:name = 'x']) REPEATS 500 TIMES", many));
  EXPECT_FALSE(Matches("([file:name = 'x'] AND [file:name = 'y']) REPEATS 500 TIMES", many));
}

TEST(SimpleObservables, Recognised) {
  auto get = [](const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    auto p = Pattern::Parse(text);
    EXPECT_TRUE(p.ok()) << text;
    bool ok = SimpleObservables(*p, &out);
    return std::make_pair(ok, out);
  };
  using V = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(get("[ipv4-addr:value = '198.51.100.1']"),
            std::make_pair(true, V{{"ip-dst", "198.51.100.1"}}));
  EXPECT_EQ(get("[ipv4-addr:value = '198.51.100.1' OR ipv6-addr:value = '2001:db8::1'] OR "
                "[domain-name:value = 'evil.example']"),
            std::make_pair(true, V{{"ip-dst", "198.51.100.1"},
                                   {"ip-dst", "2001:db8::1"},
                                   {"domain", "evil.example"}}));
  EXPECT_EQ(get("[url:value = 'http://x.example/a'] OR [email-addr:value = 'a@x.example']"),
            std::make_pair(true, V{{"url", "http://x.example/a"}, {"email", "a@x.example"}}));
  EXPECT_EQ(
      get("[file:hashes.'SHA-256' = 'ab' OR file:hashes.MD5 = 'cd' OR "
          "file:hashes.'SHA-1' = 'ef' OR file:hashes.SHA512 = '12']"),
      std::make_pair(true, V{{"sha256", "ab"}, {"md5", "cd"}, {"sha1", "ef"}, {"sha512", "12"}}));
  EXPECT_EQ(get("[domain-name:value IN ('a.example', 'b.example')]"),
            std::make_pair(true, V{{"domain", "a.example"}, {"domain", "b.example"}}));
  // Not simple: AND, qualifiers, other operators, NOT, other paths, FOLLOWEDBY.
  for (const char* text : {
           "[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '1.2.3.4']",
           "[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'a.example']",
           "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [domain-name:value = 'a.example']",
           "[ipv4-addr:value = '1.2.3.4'] REPEATS 2 TIMES",
           "[ipv4-addr:value = '1.2.3.4'] WITHIN 5 SECONDS",
           "[ipv4-addr:value != '1.2.3.4']",
           "[ipv4-addr:value NOT = '1.2.3.4']",
           "[ipv4-addr:value ISSUBSET '10.0.0.0/8']",
           "[domain-name:value LIKE '%.example']",
           "[file:name = 'evil.exe']",
           "[file:hashes.'SHA-256' = 'ab' OR file:name = 'x']",
           "[file:hashes.'X-UNKNOWN' = 'ab']",
           "[network-traffic:dst_ref.value = '1.2.3.4']",
           "[ipv4-addr:value = h'01020304']",
       }) {
    EXPECT_FALSE(get(text).first) << text;
  }
}

}  // namespace
}  // namespace sanad::stix
