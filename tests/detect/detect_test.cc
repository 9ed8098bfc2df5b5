// Unit tests of the detection engine: what is extracted, how it matches,
// which indicators are in the tables, formats, compression and streaming.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <fstream>
#include <random>

#include "detect/detect.h"
#include "detect/internal.h"
#include "detect_test_util.h"
#include "intel/warninglist.h"
#include "model/ip.h"
#include "test_util.h"

namespace sanad::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::vector<std::string> Hits(const std::vector<store::IndexRow>& rows,
                              const std::string& text, MatchOptions opts = {}) {
  return MatchAll(Build(rows), text, opts);
}

TEST(DetectTest, IPv4HostsAndCidrs) {
  std::vector<store::IndexRow> rows = {
      Row(1, "ip-dst", "192.0.2.10"), Row(2, "ip-src", "198.51.100.0/24"),
      Row(3, "ip-dst", "198.51.0.0/16"), Row(4, "ip-dst|port", "203.0.113.5|443")};
  EXPECT_THAT(Hits(rows, "conn 192.0.2.10:443 -> x\n"), ElementsAre("1:5 exact 1 192.0.2.10"));
  // Both containing prefixes, the most specific first.
  EXPECT_THAT(Hits(rows, "198.51.100.255\n"),
              ElementsAre("1:0 cidr 2 198.51.100.255", "1:0 cidr 3 198.51.100.255"));
  // CIDR edges.
  EXPECT_THAT(Hits(rows, "198.51.100.0 198.51.99.255 198.52.0.0\n"),
              ElementsAre("1:0 cidr 2 198.51.100.0", "1:0 cidr 3 198.51.100.0",
                          "1:13 cidr 3 198.51.99.255"));
  EXPECT_THAT(Hits(rows, "dst=203.0.113.5,\n"), ElementsAre("1:4 exact 4 203.0.113.5"));
  // Not dotted quads: leading zeros, five parts, embedded in a word.
  EXPECT_THAT(Hits(rows, "192.0.2.010 192.0.2.10.7 x192.0.2.10 1.192.0.2.10\n"), IsEmpty());
}

TEST(DetectTest, IPv6FormsAndMappedIPv4) {
  std::vector<store::IndexRow> rows = {Row(1, "ip-dst", "2001:db8::1"),
                                              Row(2, "ip-dst", "2001:db8:aa::/48"),
                                              Row(3, "ip-dst", "192.0.2.77")};
  EXPECT_THAT(Hits(rows, "a 2001:DB8:0:0:0:0:0:1 b\n"),
              ElementsAre("1:2 exact 1 2001:DB8:0:0:0:0:0:1"));
  EXPECT_THAT(Hits(rows, "[2001:0db8::0001]:443\n"), ElementsAre("1:1 exact 1 2001:0db8::0001"));
  EXPECT_THAT(Hits(rows, "2001:db8:aa:ffff::2\n"), ElementsAre("1:0 cidr 2 2001:db8:aa:ffff::2"));
  EXPECT_THAT(Hits(rows, "2001:db8:ab::2\n"), IsEmpty());
  // IPv4-mapped IPv6 matches the IPv4 indicator.
  EXPECT_THAT(Hits(rows, "src=::ffff:192.0.2.77 x\n"),
              ElementsAre("1:4 exact 3 ::ffff:192.0.2.77"));
  // Trailing colon of "addr: ..." is not part of the address; timestamps are not.
  EXPECT_THAT(Hits(rows, "from 2001:db8::1: hello 12:30:01\n"),
              ElementsAre("1:5 exact 1 2001:db8::1"));
}

TEST(DetectTest, HostnamesAndDomains) {
  std::vector<store::IndexRow> rows = {
      Row(1, "domain", "evil.example"), Row(2, "hostname", "c2.bad.test"),
      Row(3, "domain", "bücher.example"), Row(4, "domain|ip", "Relay.Example.ORG|192.0.2.1")};
  EXPECT_THAT(Hits(rows, "query EVIL.Example. A\n"), ElementsAre("1:6 exact 1 EVIL.Example"));
  EXPECT_THAT(Hits(rows, "www.cdn.evil.example\n"),
              ElementsAre("1:0 subdomain 1 www.cdn.evil.example"));
  // Hostnames match exactly only.
  EXPECT_THAT(Hits(rows, "c2.bad.test x.c2.bad.test bad.test\n"),
              ElementsAre("1:0 exact 2 c2.bad.test"));
  // Unicode and punycode forms of the same name.
  EXPECT_THAT(Hits(rows, "Bücher.example xn--bcher-kva.example\n"),
              ElementsAre("1:0 exact 3 Bücher.example", "1:16 exact 3 xn--bcher-kva.example"));
  // Glued to punctuation and Unicode quotes.
  EXPECT_THAT(Hits(rows, "(relay.example.org), “evil.example”\n"),
              ElementsAre("1:1 exact 4 relay.example.org", "1:24 exact 1 evil.example"));
  // Not the same name.
  EXPECT_THAT(Hits(rows, "notevil.example evil.example.com evil-example\n"), IsEmpty());
}

TEST(DetectTest, UrlsExactAndHostFallback) {
  std::vector<store::IndexRow> rows = {
      Row(1, "url", "http://evil.example/dl/payload.exe"), Row(2, "domain", "evil.example"),
      Row(3, "url", "https://Shop.Example:8443/a%7eb?q=1"), Row(4, "url", "evil.test/x"),
      Row(5, "ip-dst", "192.0.2.9")};
  // Exact URL (scheme and host case, default port, userinfo) plus the host fallback.
  EXPECT_THAT(Hits(rows, "GET HTTP://user:pw@EVIL.example:80/dl/payload.exe 200\n"),
              ElementsAre("1:4 exact 1 HTTP://user:pw@EVIL.example:80/dl/payload.exe",
                          "1:4 url-host 2 HTTP://user:pw@EVIL.example:80/dl/payload.exe"));
  // Percent-encoding normalised, port kept, https.
  EXPECT_THAT(Hits(rows, "<https://shop.example:8443/a~b?q=1>\n"),
              ElementsAre("1:1 exact 3 https://shop.example:8443/a~b?q=1"));
  EXPECT_THAT(Hits(rows, "https://shop.example/a~b?q=1\n"), IsEmpty());  // other port
  // A scheme-less indicator matches http(s) URLs.
  EXPECT_THAT(Hits(rows, "see https://evil.test/x.\n"),
              ElementsAre("1:4 exact 4 https://evil.test/x"));
  // IP-literal host; observables in the path are extracted too.
  EXPECT_THAT(
      Hits(rows, "http://192.0.2.9/evil.example\n"),
      ElementsAre("1:0 url-host 5 http://192.0.2.9/evil.example", "1:17 exact 2 evil.example"));
  // Parenthesised URL.
  EXPECT_THAT(Hits(rows, "(http://evil.example/dl/payload.exe)\n"),
              ElementsAre("1:1 exact 1 http://evil.example/dl/payload.exe",
                          "1:1 url-host 2 http://evil.example/dl/payload.exe"));
}

TEST(DetectTest, EmailsAndHashes) {
  std::string md5 = "d41d8cd98f00b204e9800998ecf8427e";
  std::string sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  std::string sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  std::vector<store::IndexRow> rows = {
      Row(1, "email-src", "Phish@Bad.Example"), Row(2, "domain", "spam.example"),
      Row(3, "md5", md5), Row(4, "filename|sha1", "a.exe|" + sha1), Row(5, "sha256", sha256)};
  EXPECT_THAT(Hits(rows, "from=<PHISH@bad.example>\n"),
              ElementsAre("1:6 exact 1 PHISH@bad.example"));
  EXPECT_THAT(Hits(rows, "to: bob+x@mail.spam.example\n"),
              ElementsAre("1:4 email-domain 2 bob+x@mail.spam.example"));
  std::string upper = md5;
  for (auto& c : upper) c = static_cast<char>(toupper(c));
  EXPECT_THAT(
      Hits(rows, "md5:" + upper + "\nfile_" + sha1 + ".bin\n" + sha256),
      ElementsAre("1:4 exact 3 " + upper, "2:42 exact 4 " + sha1, "3:87 exact 5 " + sha256));
  // Part of a longer hex run: not a hash.
  EXPECT_THAT(Hits(rows, md5 + "00\n" + "x" + md5 + "\n"), IsEmpty());
}

TEST(DetectTest, TablesHonourPolicyToIdsAndWarninglists) {
  std::vector<store::IndexRow> rows = {
      Row(1, "ip-dst", "45.77.9.1"), Row(2, "ip-dst", "45.77.9.2", /*to_ids=*/false),
      Row(3, "ip-dst", "45.77.9.3"), Row(4, "ip-dst", "8.8.8.8"), Row(5, "ip-dst", "45.77.9.5")};
  rows[2].access.event_distribution = model::Distribution::kOrganisation;  // owner only
  rows[4].access.deleted = true;
  auto wl = intel::WarninglistSet::Defaults();
  ASSERT_TRUE(wl.Hits("ip-dst", "8.8.8.8"));
  BuildOptions o;
  o.warninglists = &wl;
  BuildStats st;
  auto set = Build(rows, o, &st);
  EXPECT_EQ(st.rows, 5u);
  EXPECT_EQ(st.not_ids, 1u);
  EXPECT_EQ(st.not_visible, 2u);
  EXPECT_EQ(st.warninglisted, 1u);
  EXPECT_EQ(set->size(), 1u);
  std::string log = "45.77.9.1 45.77.9.2 45.77.9.3 8.8.8.8 45.77.9.5\n";
  EXPECT_THAT(MatchAll(set, log), ElementsAre("1:0 exact 1 45.77.9.1"));
  o.include_non_ids = true;
  o.include_warninglisted = true;
  o.keep = [](const store::IndexRow& r) { return r.attribute_id != 1; };
  EXPECT_THAT(MatchAll(Build(rows, o), log),
              ElementsAre("1:10 exact 2 45.77.9.2", "1:30 exact 4 8.8.8.8"));
}

TEST(DetectTest, JsonLinesFields) {
  std::vector<store::IndexRow> rows = {Row(1, "domain", "evil.example"),
                                              Row(2, "ip-dst", "192.0.2.1"),
                                              Row(3, "url", "http://evil.example/a/b")};
  std::string log =
      R"({"ts":1,"id.orig_h":"192.0.2.1","query":"www.evil.example","note":"evil.example"})"
      "\n"
      R"({"dns":{"rrname":"EVIL.example","answers":[{"rdata":"192.0.2.1"}]}})"
      "\n"
      R"({"url":{"full":"http:\/\/evil.example\/a\/b"}})"
      "\n"
      "not json evil.example\n";
  MatchOptions o;
  EXPECT_THAT(
      MatchAll(Build(rows), log, o),
      ElementsAre("1:21 exact 2 192.0.2.1", "1:41 subdomain 1 www.evil.example",
                  "1:67 exact 1 evil.example", "2:100 exact 1 EVIL.example",
                  "2:135 exact 2 192.0.2.1", "3:166 exact 3 http://evil.example/a/b",
                  "3:166 url-host 1 http://evil.example/a/b", "4:206 exact 1 evil.example"));
  o.fields = {"query", "dns.answers.rdata", "url.full"};
  EXPECT_THAT(
      MatchAll(Build(rows), log, o),
      ElementsAre("1:41 subdomain 1 www.evil.example", "2:135 exact 2 192.0.2.1",
                  "3:166 exact 3 http://evil.example/a/b",
                  "3:166 url-host 1 http://evil.example/a/b", "4:206 exact 1 evil.example"));
  // The field name is reported.
  auto m = Matcher::Create(Build(rows), o);
  ASSERT_TRUE(m.ok());
  std::vector<std::string> fields;
  ASSERT_TRUE((*m)->MatchBuffer(std::span<const char>(log.data(), log.size()),
                                [&](const Hit& h) {
                                  fields.emplace_back(h.field);
                                  return true;
                                })
                  .ok());
  EXPECT_THAT(fields, ElementsAre("query", "dns.answers.rdata", "url.full", "url.full", ""));
  EXPECT_EQ((*m)->format(), Format::kJsonl);
}

TEST(DetectTest, CsvAndZeekFields) {
  std::vector<store::IndexRow> rows = {Row(1, "domain", "evil.example"),
                                              Row(2, "ip-dst", "192.0.2.1")};
  std::string csv =
      "time,src,host,comment\n1,192.0.2.1,evil.example,\"said \"\"evil.example\"\"\"\n";
  MatchOptions o;
  o.format = Format::kCsv;
  EXPECT_THAT(MatchAll(Build(rows), csv, o),
              ElementsAre("2:24 exact 2 192.0.2.1", "2:34 exact 1 evil.example",
                          "2:48 exact 1 evil.example"));
  o.fields = {"host"};
  EXPECT_THAT(MatchAll(Build(rows), csv, o), ElementsAre("2:34 exact 1 evil.example"));
  o.fields = {"nope"};
  auto m = Matcher::Create(Build(rows), o);
  ASSERT_TRUE(m.ok());
  Status st = (*m)->MatchBuffer(std::span<const char>(csv.data(), csv.size()),
                                [](const Hit&) { return true; });
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(st.message(), ::testing::HasSubstr("no column named 'nope'"));

  std::string zeek =
      "#separator \\x09\n#set_separator\t,\n#fields\tts\tuid\tid.orig_h\tquery\n"
      "#types\ttime\tstring\taddr\tstring\n"
      "1.0\tCx1\t192.0.2.1\ta.evil.example\n#close\t2024\n";
  o = {};
  o.fields = {"query"};
  EXPECT_THAT(MatchAll(Build(rows), zeek, o), ElementsAre("5:113 subdomain 1 a.evil.example"));
  o.fields = {};
  EXPECT_THAT(MatchAll(Build(rows), zeek, o),
              ElementsAre("5:103 exact 2 192.0.2.1", "5:113 subdomain 1 a.evil.example"));
  // --field with free text is a usage error.
  o.fields = {"x"};
  m = Matcher::Create(Build(rows), o);
  ASSERT_TRUE(m.ok());
  std::string text = "plain evil.example\n";
  EXPECT_FALSE((*m)->MatchBuffer(std::span<const char>(text.data(), text.size()),
                                 [](const Hit&) { return true; })
                   .ok());
}

std::string Gzip(const std::string& in) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
  return out;
}

// A log where every 97th line holds an indicator somewhere.
std::string BigLog(size_t lines, std::vector<std::string>* expected) {
  std::string s;
  std::mt19937 rng(7);
  for (size_t i = 1; i <= lines; ++i) {
    std::string line = "2024-01-01T00:00:00Z host" + std::to_string(rng() % 1000) +
                       ".internal.lan GET /index.html 10.1." + std::to_string(rng() % 250) + "." +
                       std::to_string(rng() % 250);
    if (i % 97 == 0) {
      size_t off = s.size() + line.size() + 1;
      line += " evil.example";
      expected->push_back(std::to_string(i) + ":" + std::to_string(off) + " exact 1 evil.example");
    }
    s += line + "\n";
  }
  return s;
}

TEST(DetectTest, StreamingInOrderAcrossChunksThreadsAndCodecs) {
  auto set = Build({Row(1, "domain", "evil.example")});
  std::vector<std::string> expected;
  std::string log = BigLog(20000, &expected);
  for (int threads : {1, 2, 3}) {
    for (size_t chunk : {size_t{4096}, size_t{65536}}) {
      MatchOptions o;
      o.threads = threads;
      o.chunk_bytes = chunk;
      for (const std::string& data :
           {log, Gzip(log), Zstd(log), Gzip(log) + Gzip("evil.example\n")}) {
        auto m = Matcher::Create(set, o);
        ASSERT_TRUE(m.ok());
        auto in = InputStream::FromMemory(data, "mem");
        std::vector<std::string> got;
        MatchStats st;
        ASSERT_TRUE((*m)->MatchStream(
                            in.get(),
                            [&](const Hit& h) {
                              got.push_back(Format(*set, h));
                              return true;
                            },
                            &st)
                        .ok());
        std::vector<std::string> want = expected;
        if (data.size() != log.size() && st.lines == 20001) {
          want.push_back("20001:" + std::to_string(log.size()) + " exact 1 evil.example");
        }
        EXPECT_EQ(got, want) << "threads " << threads << " chunk " << chunk;
        EXPECT_EQ(st.bytes, st.lines == 20001 ? log.size() + 13 : log.size());
        EXPECT_EQ(st.hits, want.size());
        EXPECT_EQ(st.format, Format::kText);
      }
    }
  }
}

TEST(DetectTest, MappedFilesGiveTheSameHitsAsStreams) {
  auto set = Build({Row(1, "domain", "evil.example")});
  std::vector<std::string> expected;
  std::string log = BigLog(20000, &expected);
  sanad::testing::TempDir dir;
  for (bool final_newline : {true, false}) {
    std::string data = final_newline ? log : log + "last evil.example";
    std::vector<std::string> want = expected;
    if (!final_newline) {
      want.push_back("20001:" + std::to_string(log.size() + 5) + " exact 1 evil.example");
    }
    const std::string path = dir.path() + "/plain.log";
    std::ofstream(path, std::ios::binary) << data;
    for (size_t chunk : {size_t{4096}, size_t{65536}, size_t{2} << 20}) {
      MatchOptions o;
      o.threads = 2;
      o.chunk_bytes = chunk;
      auto m = Matcher::Create(set, o);
      ASSERT_TRUE(m.ok());
      auto in = InputStream::OpenFile(path);
      ASSERT_TRUE(in.ok());
      EXPECT_EQ((*in)->Mapped().size(), data.size()) << "a plain regular file is mapped";
      std::vector<std::string> got;
      MatchStats st;
      ASSERT_TRUE((*m)->MatchStream(
                          in->get(),
                          [&](const Hit& h) {
                            got.push_back(Format(*set, h));
                            return true;
                          },
                          &st)
                      .ok());
      EXPECT_EQ(got, want) << "chunk " << chunk;
      EXPECT_EQ(st.lines, final_newline ? 20000u : 20001u);
      EXPECT_EQ(st.bytes, data.size());
    }
  }
  // Compressed files are read, not mapped.
  const std::string gz = dir.path() + "/log.gz";
  std::ofstream(gz, std::ios::binary) << Gzip(log);
  auto in = InputStream::OpenFile(gz);
  ASSERT_TRUE(in.ok());
  EXPECT_TRUE((*in)->Mapped().empty());
}

TEST(DetectTest, AFileThatShrinksWhileMappedIsAnErrorNotACrash) {
  auto set = Build({Row(1, "domain", "evil.example")});
  std::vector<std::string> expected;
  std::string log = BigLog(100000, &expected);  // about 8 MB
  sanad::testing::TempDir dir;
  const std::string path = dir.path() + "/rotated.log";
  std::ofstream(path, std::ios::binary) << log;
  for (size_t chunk : {size_t{65536}, size_t{2} << 20}) {
    auto in = InputStream::OpenFile(path);
    ASSERT_TRUE(in.ok());
    ASSERT_FALSE((*in)->Mapped().empty());
    // Truncated after opening, as logrotate's copytruncate does.
    ASSERT_EQ(::truncate(path.c_str(), 4096), 0);
    MatchOptions o;
    o.threads = 2;
    o.chunk_bytes = chunk;
    auto m = Matcher::Create(set, o);
    ASSERT_TRUE(m.ok());
    Status st = (*m)->MatchStream(
        in->get(), [](const Hit&) { return true; }, nullptr);
    EXPECT_FALSE(st.ok());
    EXPECT_NE(st.message().find("shrank"), std::string::npos) << st.ToString();
    EXPECT_NE(st.message().find("rotated.log"), std::string::npos) << st.ToString();
    std::ofstream(path, std::ios::binary) << log;  // whole again for the next round
  }
}

TEST(DetectTest, BadZeekSeparatorIsAnErrorNotACrash) {
  // Found by detect_fuzz: "\x" with non-hex digits made std::stoi throw.
  auto set = Build({Row(1, "domain", "evil.example")});
  for (const char* sep : {"\\x:0", "\\xZZ", "ab"}) {
    std::string log = std::string("#separator ") + sep + "\n#fields\tq\nevil.example\n";
    MatchOptions o;
    o.format = Format::kZeek;
    auto m = Matcher::Create(set, o);
    ASSERT_TRUE(m.ok());
    Status st = (*m)->MatchBuffer(std::span<const char>(log.data(), log.size()),
                                  [](const Hit&) { return true; });
    EXPECT_EQ(st.code(), Status::Code::kInvalid) << sep;
    EXPECT_NE(st.message().find("#separator"), std::string::npos) << st.ToString();
  }
  std::string ok = "#separator \\x09\n#fields\tq\nevil.example\n";
  MatchOptions o;
  o.format = Format::kZeek;
  EXPECT_EQ(MatchAll(set, ok, o).size(), 1u);
}

TEST(DetectTest, StreamStopsWhenTheCallbackSaysSo) {
  auto set = Build({Row(1, "domain", "evil.example")});
  std::vector<std::string> expected;
  std::string log = BigLog(5000, &expected);
  MatchOptions o;
  o.chunk_bytes = 4096;
  auto m = Matcher::Create(set, o);
  ASSERT_TRUE(m.ok());
  auto in = InputStream::FromMemory(log, "mem");
  int n = 0;
  ASSERT_TRUE((*m)->MatchStream(
                      in.get(), [&](const Hit&) { return ++n < 3; }, nullptr)
                  .ok());
  EXPECT_EQ(n, 3);
}

TEST(DetectTest, CorruptCompressedInputIsAnError) {
  auto set = Build({Row(1, "domain", "evil.example")});
  std::string gz = Gzip(std::string(100000, 'a'));
  gz.resize(gz.size() / 2);
  auto m = Matcher::Create(set, {});
  ASSERT_TRUE(m.ok());
  auto in = InputStream::FromMemory(gz, "half.gz");
  Status st = (*m)->MatchStream(
      in.get(), [](const Hit&) { return true; }, nullptr);
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(st.message(), ::testing::HasSubstr("half.gz: truncated gzip"));
  auto f = InputStream::OpenFile("/nonexistent/x.log");
  EXPECT_FALSE(f.ok());
}

TEST(DetectTest, LongLinesAreCutNotFatal) {
  auto set = Build({Row(1, "domain", "evil.example")});
  std::string log = std::string(20000, 'x') + " evil.example\nevil.example\n";
  MatchOptions o;
  o.chunk_bytes = 4096;
  auto got = MatchAll(set, log, o, /*stream=*/true);
  EXPECT_THAT(got, ElementsAre("1:20001 exact 1 evil.example", "2:20014 exact 1 evil.example"));
}

TEST(DetectTest, FastIPv4ParserAgreesWithModel) {
  std::mt19937 rng(1);
  const char alphabet[] = "0123456789.";
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    size_t len = 7 + rng() % 9;
    for (size_t k = 0; k < len; ++k) s.push_back(alphabet[rng() % 11]);
    if (i % 3 == 0) {
      s = std::to_string(rng() % 300) + "." + std::to_string(rng() % 260) + "." +
          std::to_string(rng() % 256) + "." + (rng() % 5 == 0 ? "0" : "") +
          std::to_string(rng() % 256);
    }
    uint32_t a = 0;
    model::IpPrefix p;
    bool fast = ParseV4Fast(s.data(), s.size(), &a);
    bool ref = model::ParseIpPrefix(s, &p) && !p.v6 && s.find('/') == std::string::npos;
    ASSERT_EQ(fast, ref) << s;
    if (fast) {
      ASSERT_EQ(a, uint32_t{p.addr[0]} << 24 | uint32_t{p.addr[1]} << 16 |
                       uint32_t{p.addr[2]} << 8 | p.addr[3]);
    }
  }
}

TEST(DetectTest, UrlKeys) {
  EXPECT_EQ(UrlKey("http://evil.example"), "evil.example/");
  EXPECT_EQ(UrlKey("https://u:p@evil.example:8443/x?y"), "evil.example:8443/x?y");
  EXPECT_EQ(UrlKey("evil.example/x"), "evil.example/x");
  EXPECT_EQ(UrlKey("evil.example?q"), "evil.example/?q");
  EXPECT_EQ(UrlKey("ftp://evil.example/f"), "ftp://evil.example/f");
  EXPECT_EQ(UrlKeyHost("ftp://evil.example:21/f"), "evil.example");
  EXPECT_EQ(UrlKeyHost("[2001:db8::1]:80/"), "[2001:db8::1]");
}

TEST(DetectTest, ScanFindsSubstringLiteralsAndCachesTheDatabase) {
  sanad::testing::TempDir dir;
  std::vector<store::IndexRow> rows = {
      Row(1, "filename", "Invoice_2024.scr"),
      Row(2, "mutex", "Global\\xyzzy-lock"),
      Row(3, "user-agent", "EvilBot/1.0"),
      Row(4, "filename|md5", "dropper.dll|d41d8cd98f00b204e9800998ecf8427e"),
      Row(5, "mutex", "abc"),  // too short
      Row(6, "domain", "evil.example")};
  BuildOptions bo;
  bo.scan = true;
  bo.scan_cache_dir = dir.path() + "/detect";
  BuildStats st;
  auto set = Build(rows, bo, &st);
  EXPECT_EQ(st.literals, 4u);
  EXPECT_FALSE(st.scan_db_cached);
  ASSERT_TRUE(set->has_scan());
  std::string log =
      "C:\\Users\\a\\invoice_2024.SCR opened; invoice_2024.scr again\n"
      "ua=\"Mozilla EvilBot/1.0\" evil.example\n"
      "OpenMutex Global\\xyzzy-lock dropper.dll abc\n";
  MatchOptions o;
  o.scan = true;
  auto want = ElementsAre("1:11 substring 1 invoice_2024.SCR", "2:71 substring 3 EvilBot/1.0",
                          "2:84 exact 6 evil.example", "3:107 substring 2 Global\\xyzzy-lock",
                          "3:125 substring 4 dropper.dll");
  EXPECT_THAT(MatchAll(set, log, o), want);
  EXPECT_THAT(MatchAll(set, log, o, /*stream=*/true), want);
  // Without --scan, only typed matching.
  EXPECT_THAT(MatchAll(set, log), ElementsAre("2:84 exact 6 evil.example"));

  // The same set again: loaded from the cache.
  auto again = Build(rows, bo, &st);
  EXPECT_TRUE(st.scan_db_cached);
  EXPECT_FALSE(st.scan_db_delta);
  EXPECT_THAT(MatchAll(again, log, o), want);
  // One more literal, one less: the base plus a small delta database.
  rows.push_back(Row(7, "pattern-in-file", "opened;"));
  rows.erase(rows.begin() + 2);
  auto delta = Build(rows, bo, &st);
  EXPECT_TRUE(st.scan_db_cached);
  EXPECT_TRUE(st.scan_db_delta);
  EXPECT_THAT(MatchAll(delta, log, o),
              ElementsAre("1:11 substring 1 invoice_2024.SCR", "1:28 substring 7 opened;",
                          "2:84 exact 6 evil.example", "3:107 substring 2 Global\\xyzzy-lock",
                          "3:125 substring 4 dropper.dll"));
}

}  // namespace
}  // namespace sanad::detect::testing
