#include "intel/warninglist.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "test_util.h"

namespace sanad::intel {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// A MISP warninglist document.
std::string ListJson(const std::string& name, const std::string& type,
                     const std::string& attrs_json, const std::string& entries_json) {
  return R"({"name": ")" + name + R"(", "version": 3, "description": "test list", "type": ")" +
         type + R"(", "matching_attributes": )" + attrs_json + R"(, "list": )" + entries_json + "}";
}

WarninglistSet SetWith(const std::string& json) {
  WarninglistSet set;
  Status st = set.AddJson(json, "test.json");
  EXPECT_TRUE(st.ok()) << st.ToString();
  return set;
}

std::vector<std::string> HitLists(const std::vector<WarninglistHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.list);
  return out;
}

// ---- parsing ---------------------------------------------------------------

TEST(WarninglistParse, ReadsAllFields) {
  WarninglistSet set = SetWith(
      R"({"name": "Resolvers", "version": 20240101, "description": "public DNS",
          "type": "cidr", "matching_attributes": ["ip-src", "ip-dst"],
          "list": ["8.8.8.8", "", "1.1.1.0/24"], "category": "false-positive"})");
  auto lists = set.List();
  ASSERT_THAT(lists, SizeIs(1));
  EXPECT_EQ(lists[0].name, "Resolvers");
  EXPECT_EQ(lists[0].version, 20240101);
  EXPECT_EQ(lists[0].description, "public DNS");
  EXPECT_EQ(lists[0].type, WarninglistType::kCidr);
  EXPECT_THAT(lists[0].matching_attributes, ElementsAre("ip-src", "ip-dst"));
  EXPECT_EQ(lists[0].entries, 2u);  // the empty entry is ignored
  EXPECT_FALSE(lists[0].builtin);
  EXPECT_EQ(WarninglistTypeName(lists[0].type), "cidr");
}

TEST(WarninglistParse, TypeDefaultsToStringAndVersionMayBeText) {
  WarninglistSet set = SetWith(R"({"name": "x", "version": "7", "list": ["abc"]})");
  auto lists = set.List();
  ASSERT_THAT(lists, SizeIs(1));
  EXPECT_EQ(lists[0].type, WarninglistType::kString);
  EXPECT_EQ(lists[0].version, 7);
  EXPECT_TRUE(lists[0].matching_attributes.empty());
  // No matching_attributes: applies to every type.
  EXPECT_TRUE(set.Hits("filename", "ABC"));
  EXPECT_TRUE(set.Hits("text", "abc"));
}

struct BadCase {
  const char* json;
  const char* expected;  // substring of the error message
};

TEST(WarninglistParse, MalformedListsNameSourceAndPath) {
  const BadCase cases[] = {
      {R"({"name": "x", "list": [)", "lists/bad.json: invalid JSON at line 1"},
      {"{\"name\": \"x\",\n  \"list\": [1,,2]}", "lists/bad.json: invalid JSON at line 2, column"},
      {R"([1, 2])", "lists/bad.json: $: expected a JSON object"},
      {R"({"list": []})", "lists/bad.json: $.name: missing"},
      {R"({"name": 5, "list": []})", "$.name: expected a string"},
      {R"({"name": "  ", "list": []})", "$.name: empty"},
      {R"({"name": "x"})", "$.list: missing"},
      {R"({"name": "x", "list": "8.8.8.8"})", "$.list: expected an array"},
      {R"({"name": "x", "list": ["a", {"b": 1}]})", "$.list[1]: expected a string"},
      {R"({"name": "x", "type": "cidr", "list": ["10.0.0.0/8", "10.0.0.300"]})",
       R"(lists/bad.json: $.list[1]: not an IP address or CIDR: "10.0.0.300")"},
      {R"({"name": "x", "type": "cidr", "list": ["10.0.0.0/33"]})",
       "$.list[0]: not an IP address or CIDR"},
      {R"({"name": "x", "type": "regex", "list": ["ok", "(unclosed"]})",
       R"($.list[1]: invalid regular expression "(unclosed")"},
      {R"({"name": "x", "type": "bloom", "list": []})",
       R"($.type: unknown warninglist type "bloom")"},
      {R"({"name": "x", "type": 3, "list": []})", "$.type: expected a string"},
      {R"({"name": "x", "version": 1.5, "list": []})", "$.version: expected an integer"},
      {R"({"name": "x", "version": -2, "list": []})", "$.version: not an integer"},
      {R"({"name": "x", "matching_attributes": "ip-dst", "list": []})",
       "$.matching_attributes: expected an array"},
      {R"({"name": "x", "matching_attributes": ["ip-dst", 4], "list": []})",
       "$.matching_attributes[1]: expected a string"},
  };
  for (const BadCase& c : cases) {
    WarninglistSet set;
    Status st = set.AddJson(c.json, "lists/bad.json");
    EXPECT_EQ(st.code(), Status::Code::kInvalid) << c.json;
    EXPECT_THAT(st.message(), HasSubstr(c.expected)) << c.json;
    EXPECT_THAT(st.message(), HasSubstr("lists/bad.json")) << c.json;
    EXPECT_THAT(set.List(), IsEmpty()) << c.json;
  }
}

TEST(WarninglistParse, SameNameReplacesList) {
  WarninglistSet set;
  ASSERT_TRUE(set.AddJson(ListJson("L", "string", "[]", R"(["one"])"), "a").ok());
  ASSERT_TRUE(set.AddJson(ListJson("Other", "string", "[]", R"(["x"])"), "b").ok());
  ASSERT_TRUE(set.AddJson(ListJson("L", "string", "[]", R"(["two", "three"])"), "c").ok());
  auto lists = set.List();
  ASSERT_THAT(lists, SizeIs(2));
  EXPECT_EQ(lists[0].name, "L");
  EXPECT_EQ(lists[0].entries, 2u);
  EXPECT_FALSE(set.Hits("text", "one"));
  EXPECT_TRUE(set.Hits("text", "two"));
}

// ---- cidr -------------------------------------------------------------------

TEST(WarninglistCidr, V4Containment) {
  WarninglistSet set = SetWith(ListJson("nets", "cidr", R"(["ip-dst", "ip-src"])",
                                        R"(["10.0.0.0/8", "192.0.2.7", "172.16.5.9/12"])"));
  auto hits = set.Check("ip-dst", "10.1.2.3");
  ASSERT_THAT(hits, SizeIs(1));
  EXPECT_EQ(hits[0].list, "nets");
  EXPECT_EQ(hits[0].entry, "10.0.0.0/8");
  EXPECT_TRUE(set.Hits("ip-src", "10.255.255.255"));
  EXPECT_FALSE(set.Hits("ip-dst", "11.0.0.1"));
  EXPECT_FALSE(set.Hits("ip-dst", "9.255.255.255"));
  // Single-host entries.
  EXPECT_TRUE(set.Hits("ip-dst", "192.0.2.7"));
  EXPECT_FALSE(set.Hits("ip-dst", "192.0.2.8"));
  // Host bits of an entry are cleared: 172.16.5.9/12 is 172.16.0.0/12.
  EXPECT_TRUE(set.Hits("ip-dst", "172.31.0.1"));
  EXPECT_FALSE(set.Hits("ip-dst", "172.32.0.1"));
  // A CIDR value hits only when it lies entirely inside a listed range.
  EXPECT_TRUE(set.Hits("ip-dst", "10.20.0.0/16"));
  EXPECT_TRUE(set.Hits("ip-dst", "10.0.0.0/8"));
  EXPECT_FALSE(set.Hits("ip-dst", "10.0.0.0/7"));
  EXPECT_FALSE(set.Hits("ip-dst", "192.0.2.0/24"));
  // Not a matching attribute type.
  EXPECT_FALSE(set.Hits("domain", "10.1.2.3"));
  // Not an IP at all.
  EXPECT_FALSE(set.Hits("ip-dst", "not-an-ip"));
}

TEST(WarninglistCidr, V6Containment) {
  WarninglistSet set = SetWith(ListJson(
      "v6", "cidr", R"(["ip-dst"])", R"(["2001:db8::/32", "fe80::/10", "2001:4860:4860::8888"])"));
  EXPECT_TRUE(set.Hits("ip-dst", "2001:db8::1"));
  EXPECT_TRUE(set.Hits("ip-dst", "2001:db8:ffff:ffff::1"));
  EXPECT_FALSE(set.Hits("ip-dst", "2001:db9::1"));
  EXPECT_TRUE(set.Hits("ip-dst", "febf::1"));   // inside fe80::/10
  EXPECT_FALSE(set.Hits("ip-dst", "fec0::1"));  // just outside
  EXPECT_TRUE(set.Hits("ip-dst", "2001:db8:1::/48"));
  EXPECT_FALSE(set.Hits("ip-dst", "2001:db8::/31"));
  EXPECT_TRUE(set.Hits("ip-dst", "2001:4860:4860::8888"));
  EXPECT_FALSE(set.Hits("ip-dst", "2001:4860:4860::8889"));
  // IPv4 values never hit IPv6 ranges and the reverse.
  EXPECT_FALSE(set.Hits("ip-dst", "32.1.13.184"));
}

TEST(WarninglistCidr, Ipv4MappedIsUnmapped) {
  // Documented choice: ::ffff:a.b.c.d is compared as the IPv4 address, both
  // for values and for entries.
  WarninglistSet set = SetWith(
      ListJson("mapped", "cidr", R"(["ip-dst"])", R"(["10.0.0.0/8", "::ffff:192.0.2.0/120"])"));
  EXPECT_TRUE(set.Hits("ip-dst", "::ffff:10.1.2.3"));
  EXPECT_FALSE(set.Hits("ip-dst", "::ffff:11.1.2.3"));
  EXPECT_TRUE(set.Hits("ip-dst", "192.0.2.55"));
  EXPECT_FALSE(set.Hits("ip-dst", "192.0.3.55"));
}

TEST(WarninglistCidr, CompositeAndUrlValues) {
  WarninglistSet set =
      SetWith(ListJson("private", "cidr", R"(["ip-dst|port", "domain|ip", "url", "filename|md5"])",
                       R"(["10.0.0.0/8", "2001:db8::/32"])"));
  EXPECT_TRUE(set.Hits("ip-dst|port", "10.0.0.1|443"));
  EXPECT_FALSE(set.Hits("ip-dst|port", "8.8.8.8|10"));
  EXPECT_TRUE(set.Hits("domain|ip", "intranet.example|10.9.9.9"));
  EXPECT_FALSE(set.Hits("domain|ip", "intranet.example|11.9.9.9"));
  EXPECT_TRUE(set.Hits("url", "http://10.0.0.5:8080/admin"));
  EXPECT_TRUE(set.Hits("url", "https://[2001:db8::5]/x"));
  EXPECT_TRUE(set.Hits("url", "10.0.0.5/path"));  // scheme-less
  EXPECT_FALSE(set.Hits("url", "http://11.0.0.5/admin"));
  EXPECT_FALSE(set.Hits("url", "http://evil.example/10.0.0.1"));
  // A hash component is never read as an IP.
  EXPECT_FALSE(set.Hits("filename|md5", "a.exe|d41d8cd98f00b204e9800998ecf8427e"));
}

TEST(WarninglistCidr, LargeListUsesAllPrefixLengths) {
  // 4096 /24s and 256 host entries; every listed block hits, neighbours do not.
  std::string entries = "[";
  for (int a = 0; a < 16; ++a) {
    for (int b = 0; b < 256; ++b) {
      entries += "\"" + std::to_string(20 + a) + "." + std::to_string(b) + ".7.0/24\",";
    }
  }
  for (int h = 0; h < 256; ++h) entries += "\"100.0.0." + std::to_string(h) + "\",";
  entries += "\"2001:db8::/32\"]";
  WarninglistSet set = SetWith(ListJson("big", "cidr", "[]", entries));
  EXPECT_EQ(set.List()[0].entries, 16u * 256 + 256 + 1);
  EXPECT_TRUE(set.Hits("ip-dst", "27.200.7.99"));
  EXPECT_FALSE(set.Hits("ip-dst", "27.200.8.99"));
  EXPECT_TRUE(set.Hits("ip-dst", "100.0.0.255"));
  EXPECT_FALSE(set.Hits("ip-dst", "100.0.1.0"));
  auto hits = set.Check("ip-dst", "35.255.7.1");
  ASSERT_THAT(hits, SizeIs(1));
  EXPECT_EQ(hits[0].entry, "35.255.7.0/24");
}

// ---- hostname ---------------------------------------------------------------

TEST(WarninglistHostname, ParentDomainsAndWildcards) {
  WarninglistSet set = SetWith(
      ListJson("hosts", "hostname",
               R"(["domain", "hostname", "url", "email-src", "domain|ip", "hostname|port"])",
               R"(["Example.COM.", ".cdn.test", "*.wild.test", "single"])"));
  auto hits = set.Check("domain", "example.com");
  ASSERT_THAT(hits, SizeIs(1));
  EXPECT_EQ(hits[0].entry, "Example.COM.");
  EXPECT_TRUE(set.Hits("hostname", "www.example.com"));
  EXPECT_TRUE(set.Hits("hostname", "a.b.c.example.com"));
  EXPECT_FALSE(set.Hits("domain", "notexample.com"));
  EXPECT_FALSE(set.Hits("domain", "example.com.evil.net"));
  EXPECT_FALSE(set.Hits("domain", "com"));
  // Leading "." or "*.": subdomains only.
  EXPECT_FALSE(set.Hits("domain", "cdn.test"));
  EXPECT_TRUE(set.Hits("domain", "x.cdn.test"));
  EXPECT_FALSE(set.Hits("domain", "wild.test"));
  EXPECT_TRUE(set.Hits("domain", "a.b.wild.test"));
  // Single-label entries.
  EXPECT_TRUE(set.Hits("hostname", "single"));
  EXPECT_TRUE(set.Hits("hostname", "host.single"));
  // URLs are checked on their host, e-mail addresses on their domain.
  EXPECT_TRUE(set.Hits("url", "https://user@www.example.com:8443/path?q=example.org"));
  EXPECT_TRUE(set.Hits("url", "www.example.com/path"));
  EXPECT_FALSE(set.Hits("url", "https://evil.net/www.example.com"));
  EXPECT_TRUE(set.Hits("email-src", "alice@mail.example.com"));
  EXPECT_FALSE(set.Hits("email-src", "example.com@evil.net"));
  // Composite: the host component.
  EXPECT_TRUE(set.Hits("domain|ip", "www.example.com|203.0.113.9"));
  EXPECT_FALSE(set.Hits("domain|ip", "evil.net|203.0.113.9"));
  EXPECT_TRUE(set.Hits("hostname|port", "www.example.com|80"));
  // Type filter.
  EXPECT_FALSE(set.Hits("filename", "example.com"));
}

TEST(WarninglistHostname, PunycodeEntriesAndValues) {
  // Entries are canonicalised to punycode; canonical values are punycode too.
  WarninglistSet set =
      SetWith(ListJson("idn", "hostname", R"(["domain", "url"])", R"(["bücher.example"])"));
  EXPECT_TRUE(set.Hits("domain", "xn--bcher-kva.example"));
  EXPECT_TRUE(set.Hits("domain", "shop.xn--bcher-kva.example"));
  EXPECT_TRUE(set.Hits("url", "https://xn--bcher-kva.example/"));
  EXPECT_FALSE(set.Hits("domain", "bucher.example"));
  // CheckValue canonicalises a raw Unicode value first.
  EXPECT_THAT(HitLists(set.CheckValue("Bücher.example")), ElementsAre("idn"));
}

// ---- string, substring, regex ------------------------------------------------

TEST(WarninglistString, CaseInsensitiveExactAndComponents) {
  WarninglistSet set = SetWith(ListJson("empty-hashes", "string", R"(["md5", "filename|md5"])",
                                        R"(["D41D8CD98F00B204E9800998ECF8427E"])"));
  auto hits = set.Check("md5", "d41d8cd98f00b204e9800998ecf8427e");
  ASSERT_THAT(hits, SizeIs(1));
  EXPECT_EQ(hits[0].entry, "D41D8CD98F00B204E9800998ECF8427E");
  EXPECT_FALSE(set.Hits("md5", "d41d8cd98f00b204e9800998ecf8427f"));
  EXPECT_TRUE(set.Hits("filename|md5", "empty.txt|d41d8cd98f00b204e9800998ecf8427e"));
  EXPECT_FALSE(set.Hits("filename|md5", "empty.txt|00000000000000000000000000000000"));
  EXPECT_FALSE(set.Hits("sha1", "d41d8cd98f00b204e9800998ecf8427e"));  // type filter
}

TEST(WarninglistString, SubstringIsCaseInsensitive) {
  WarninglistSet set =
      SetWith(ListJson("ua", "substring", R"(["user-agent"])", R"(["Googlebot", "bingbot/"])"));
  auto hits = set.Check("user-agent", "Mozilla/5.0 (compatible; GOOGLEBOT/2.1)");
  ASSERT_THAT(hits, SizeIs(1));
  EXPECT_EQ(hits[0].entry, "Googlebot");
  EXPECT_TRUE(set.Hits("user-agent", "x bingbot/2.0"));
  EXPECT_FALSE(set.Hits("user-agent", "Mozilla/5.0 (Windows NT 10.0)"));
}

TEST(WarninglistRegex, EcmaScriptAndMispDelimiters) {
  WarninglistSet set = SetWith(
      ListJson("rx", "regex", R"(["url", "filename|sha256"])",
               R"(["^https?://[^/]*\\.sharepoint\\.com/", "/^SETUP[0-9]+\\.EXE$/i", "/^a/b$/"])"));
  EXPECT_TRUE(set.Hits("url", "https://corp.sharepoint.com/sites/x"));
  EXPECT_FALSE(set.Hits("url", "https://corp.sharepoint.com.evil.net/x"));
  // "/.../i" entries: delimiters removed, case-insensitive.
  auto hits =
      set.Check("filename|sha256",
                "setup12.exe|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ASSERT_THAT(hits, SizeIs(1));
  EXPECT_EQ(hits[0].entry, "/^SETUP[0-9]+\\.EXE$/i");
  EXPECT_FALSE(set.Hits("filename|sha256", "xsetup12.exe|00"));
  // A slash inside the pattern: "/^a/b$/" is the pattern ^a/b$.
  EXPECT_TRUE(set.Hits("url", "a/b"));
}

TEST(WarninglistRegex, BackReferencesAreSupported) {
  WarninglistSet set =
      SetWith(ListJson("rx", "regex", R"(["text"])", R"(["^(ab)\\1$", "^(x)\\1*y$"])"));
  EXPECT_TRUE(set.Hits("text", "abab"));
  EXPECT_FALSE(set.Hits("text", "abba"));
  // Long input against a back-reference pattern (backtracking matcher): the
  // value is cut at kMaxRegexInputBytes, so this terminates without a hit.
  EXPECT_FALSE(set.Hits("text", std::string(200000, 'x') + "y"));
  EXPECT_TRUE(set.Hits("text", std::string(1000, 'x') + "y"));
}

TEST(WarninglistRegex, LongValuesAreBoundedAndSafe) {
  WarninglistSet set = SetWith(ListJson("rx", "regex", R"(["text"])", R"(["^(a|aa)+b$", "TAIL"])"));
  // A match beyond the first kMaxRegexInputBytes is not seen.
  std::string v(kMaxRegexInputBytes, 'x');
  v += "TAIL";
  EXPECT_FALSE(set.Hits("text", v));
  EXPECT_TRUE(set.Hits("text", "xTAIL"));
  // A long value against an ambiguous pattern terminates without crashing.
  std::string as(100000, 'a');
  as += 'b';
  EXPECT_FALSE(set.Hits("text", as));
}

// ---- defaults ------------------------------------------------------------------

TEST(WarninglistDefaults, AllBuiltinListsAreComplete) {
  auto lists = WarninglistSet::Defaults().List();
  ASSERT_GE(lists.size(), 10u);
  for (const auto& l : lists) {
    EXPECT_TRUE(l.builtin) << l.name;
    EXPECT_FALSE(l.name.empty());
    EXPECT_FALSE(l.description.empty()) << l.name;
    EXPECT_GT(l.version, 0) << l.name;
    EXPECT_GT(l.entries, 0u) << l.name;
    EXPECT_FALSE(l.matching_attributes.empty()) << l.name;
  }
}

TEST(WarninglistDefaults, HitKnownBenignValues) {
  WarninglistSet set = WarninglistSet::Defaults();
  EXPECT_THAT(HitLists(set.Check("ip-dst", "10.1.2.3")),
              ElementsAre("RFC 1918 private IPv4 networks"));
  EXPECT_THAT(HitLists(set.Check("ip-src", "192.0.2.1")),
              ElementsAre("Documentation address ranges"));
  EXPECT_THAT(HitLists(set.Check("ip-dst", "8.8.8.8")),
              ElementsAre("Well-known public DNS resolvers"));
  EXPECT_THAT(HitLists(set.Check("domain", "www.example.com")),
              ElementsAre("Reserved example and test domains"));
  EXPECT_THAT(HitLists(set.Check("hostname", "localhost")), ElementsAre("Localhost names"));
  EXPECT_TRUE(set.Hits("ip-dst", "100.64.1.1"));
  EXPECT_TRUE(set.Hits("ip-dst", "127.0.0.1"));
  EXPECT_TRUE(set.Hits("ip-dst", "::1"));
  EXPECT_TRUE(set.Hits("ip-dst", "169.254.169.254"));
  EXPECT_TRUE(set.Hits("ip-dst", "fe80::1"));
  EXPECT_TRUE(set.Hits("ip-dst", "fd12:3456::1"));
  EXPECT_TRUE(set.Hits("ip-dst", "2001:db8::10"));
  EXPECT_TRUE(set.Hits("ip-dst", "239.255.255.250"));
  EXPECT_TRUE(set.Hits("ip-dst", "ff02::1"));
  EXPECT_TRUE(set.Hits("ip-dst", "0.0.0.0"));
  EXPECT_TRUE(set.Hits("ip-dst", "255.255.255.255"));
  EXPECT_TRUE(set.Hits("ip-dst", "2001:4860:4860::8888"));
  EXPECT_TRUE(set.Hits("ip-dst|port", "1.1.1.1|53"));
  EXPECT_TRUE(set.Hits("ip-dst", "::ffff:192.168.1.1"));
  EXPECT_TRUE(set.Hits("domain", "mail.google.com"));
  EXPECT_TRUE(set.Hits("url", "https://www.microsoft.com/en-us/"));
  EXPECT_TRUE(set.Hits("domain", "foo.test"));
  EXPECT_TRUE(set.Hits("domain", "printer.invalid"));
  EXPECT_TRUE(set.Hits("email-src", "bob@example.org"));
  EXPECT_TRUE(set.Hits("hostname", "app.localhost"));
}

TEST(WarninglistDefaults, DoNotHitOrdinaryIndicators) {
  WarninglistSet set = WarninglistSet::Defaults();
  for (const char* ip : {"185.220.101.4", "45.77.12.9", "8.8.8.9", "172.32.0.1", "2a00:1450::1",
                         "11.0.0.1", "192.0.3.1"}) {
    EXPECT_THAT(set.Check("ip-dst", ip), IsEmpty()) << ip;
  }
  for (const char* d : {"evil-updates.net", "google.com.evil-updates.net", "examples.com",
                        "notgoogle.com", "testing.org"}) {
    EXPECT_THAT(set.Check("domain", d), IsEmpty()) << d;
  }
  EXPECT_THAT(set.Check("url", "http://evil-updates.net/google.com"), IsEmpty());
  EXPECT_THAT(set.Check("md5", "d41d8cd98f00b204e9800998ecf8427e"), IsEmpty());
  // Popular domains are not applied to e-mail addresses (phishing senders).
  EXPECT_THAT(set.Check("email-src", "it-support@microsoft.com"), IsEmpty());
}

TEST(WarninglistDefaults, CheckValueGuessesType) {
  WarninglistSet set = WarninglistSet::Defaults();
  EXPECT_THAT(HitLists(set.CheckValue(" 10.1.2.3 ")),
              ElementsAre("RFC 1918 private IPv4 networks"));
  EXPECT_THAT(HitLists(set.CheckValue("WWW.Example.COM")),
              ElementsAre("Reserved example and test domains"));
  EXPECT_FALSE(set.CheckValue("https://8.8.8.8/dns-query").empty());
  EXPECT_THAT(set.CheckValue("203.0.114.1"), IsEmpty());
  EXPECT_THAT(set.CheckValue("evil-updates.net"), IsEmpty());
  EXPECT_THAT(set.CheckValue(""), IsEmpty());
}

// ---- persistence ---------------------------------------------------------------

TEST(WarninglistPersistence, InstallAndLoadRoundTrip) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("data/warninglists");
  const std::string src = tmp.File("my-list.json");
  testing::WriteFile(src, ListJson("Corporate Proxies (v2)", "cidr", R"(["ip-dst"])",
                                   R"(["45.60.0.0/16", "2001:db8:aaaa::/48"])"));

  auto info = InstallWarninglist(dir, src);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->name, "Corporate Proxies (v2)");
  EXPECT_EQ(info->entries, 2u);
  EXPECT_EQ(info->version, 3);
  EXPECT_TRUE(std::filesystem::exists(dir + "/corporate-proxies-v2.json"));
  EXPECT_EQ(WarninglistFileName("Corporate Proxies (v2)"), "corporate-proxies-v2.json");

  auto loaded = WarninglistSet::Load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const size_t defaults = WarninglistSet::Defaults().List().size();
  auto lists = loaded->List();
  ASSERT_EQ(lists.size(), defaults + 1);
  EXPECT_EQ(lists.back().name, "Corporate Proxies (v2)");
  EXPECT_FALSE(lists.back().builtin);
  EXPECT_THAT(HitLists(loaded->Check("ip-dst", "45.60.4.4")),
              ElementsAre("Corporate Proxies (v2)"));
  EXPECT_TRUE(loaded->Hits("ip-dst", "10.0.0.1"));  // defaults still there

  // Re-installing a list of the same name replaces it.
  testing::WriteFile(
      src, ListJson("Corporate Proxies (v2)", "cidr", R"(["ip-dst"])", R"(["45.61.0.0/16"])"));
  ASSERT_TRUE(InstallWarninglist(dir, src).ok());
  loaded = WarninglistSet::Load(dir);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->List().size(), defaults + 1);
  EXPECT_FALSE(loaded->Hits("ip-dst", "45.60.4.4"));
  EXPECT_TRUE(loaded->Hits("ip-dst", "45.61.4.4"));
}

TEST(WarninglistPersistence, InstalledListCanReplaceBuiltin) {
  testing::TempDir tmp;
  const std::string src = tmp.File("l.json");
  testing::WriteFile(src, ListJson("RFC 1918 private IPv4 networks", "cidr", R"(["ip-dst"])",
                                   R"(["192.168.0.0/16"])"));
  ASSERT_TRUE(InstallWarninglist(tmp.File("wl"), src).ok());
  auto loaded = WarninglistSet::Load(tmp.File("wl"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->List().size(), WarninglistSet::Defaults().List().size());
  EXPECT_FALSE(loaded->Hits("ip-dst", "10.1.2.3"));
  EXPECT_TRUE(loaded->Hits("ip-dst", "192.168.3.3"));
}

TEST(WarninglistPersistence, InstallRejectsInvalidFileAndWritesNothing) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("wl");
  const std::string src = tmp.File("bad.json");
  testing::WriteFile(src, R"({"name": "x", "type": "cidr", "list": ["nope"]})");
  auto info = InstallWarninglist(dir, src);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.status().message(), HasSubstr(src + ": $.list[0]: not an IP address or CIDR"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.json"));

  auto missing = InstallWarninglist(dir, tmp.File("absent.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kIo);
  EXPECT_THAT(missing.status().message(), HasSubstr("absent.json"));
}

TEST(WarninglistPersistence, LoadMissingDirAndBadFiles) {
  testing::TempDir tmp;
  auto none = WarninglistSet::Load(tmp.File("does-not-exist"));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->List().size(), WarninglistSet::Defaults().List().size());

  // Files other than *.json are ignored; a broken *.json fails the load and
  // the error names the file.
  testing::WriteFile(tmp.File("notes.txt"), "not json");
  auto ok = WarninglistSet::Load(tmp.path());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  testing::WriteFile(tmp.File("broken.json"), "{\"name\": \"b\", \"list\": [\"a\",]}");
  auto bad = WarninglistSet::Load(tmp.path());
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("broken.json: invalid JSON at line 1"));

  // A regular file where the directory should be.
  auto notdir = WarninglistSet::Load(tmp.File("notes.txt"));
  ASSERT_FALSE(notdir.ok());
  EXPECT_EQ(notdir.status().code(), Status::Code::kIo);
}

TEST(WarninglistSet, MovedFromSetIsEmptyButUsable) {
  WarninglistSet a = WarninglistSet::Defaults();
  WarninglistSet b = std::move(a);
  EXPECT_TRUE(b.Hits("ip-dst", "10.0.0.1"));
  EXPECT_THAT(a.Check("ip-dst", "10.0.0.1"), IsEmpty());  // NOLINT(bugprone-use-after-move)
  EXPECT_THAT(a.List(), IsEmpty());                       // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(a.AddJson(ListJson("x", "string", "[]", R"(["y"])"), "x").ok());
  EXPECT_TRUE(a.Hits("text", "Y"));
}

}  // namespace
}  // namespace sanad::intel
