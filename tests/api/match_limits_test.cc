// Issue 15, finding 2: POST /api/v1/match and decompression bombs. The
// decompression limits of detect::InputStream (size, ratio, the ratio's
// floor, cancellation) on their own, then the route over a real server:
// zstd and gzip bombs are refused with 413 before anything is streamed,
// corrupt compressed bodies are a 400, and ordinary compressed logs still
// match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <boost/json.hpp>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "api/api.h"
#include "api_server.h"
#include "auth/auth.h"
#include "detect/detect.h"
#include "http_client.h"
#include "server/server.h"
#include "store/store.h"
#include "store_fixtures.h"
#include "test_util.h"
#include "util/util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
namespace json = boost::json;

// One zstd frame of `n` zero bytes, repeated `frames` times (frames
// concatenate: the decoder reads them as one input).
std::string ZstdBomb(size_t n, int frames) {
  std::string zeros(n, '\0');
  std::string frame(ZSTD_compressBound(n), '\0');
  size_t len = ZSTD_compress(frame.data(), frame.size(), zeros.data(), zeros.size(), 3);
  EXPECT_FALSE(ZSTD_isError(len));
  frame.resize(len);
  std::string out;
  for (int i = 0; i < frames; ++i) out += frame;
  return out;
}

// One gzip member of `data`.
std::string Gzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Reads `in` to the end; returns the status and the bytes read.
Status Drain(detect::InputStream* in, uint64_t* total) {
  std::string buf(1 << 20, '\0');
  *total = 0;
  for (int i = 0; i < 100000; ++i) {
    auto r = in->Read(buf.data(), buf.size());
    if (!r.ok()) return r.status();
    if (*r == 0) return Status::Ok();
    *total += *r;
  }
  return Status::Internal("no end");
}

TEST(InputLimits, DecompressedSizeIsCapped) {
  std::string bomb = ZstdBomb(16 << 20, 4);  // 64 MiB
  detect::InputLimits l;
  l.max_bytes = 32 << 20;
  auto in = detect::InputStream::FromMemory(bomb, "body", l);
  uint64_t got = 0;
  Status st = Drain(in.get(), &got);
  EXPECT_EQ(st.code(), Status::Code::kLimit) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr("33554432"));
  EXPECT_LE(got, uint64_t{33} << 20);
  // Without limits the same input reads to its end.
  auto free = detect::InputStream::FromMemory(bomb, "body");
  EXPECT_TRUE(Drain(free.get(), &got).ok());
  EXPECT_EQ(got, uint64_t{64} << 20);
}

TEST(InputLimits, RatioIsCappedAboveItsFloor) {
  std::string bomb = Gzip(std::string(32 << 20, '\0'));  // about 1,000 : 1
  detect::InputLimits l;
  l.max_ratio = 100;
  l.ratio_floor_bytes = 1 << 20;
  auto in = detect::InputStream::FromMemory(bomb, "body", l);
  uint64_t got = 0;
  Status st = Drain(in.get(), &got);
  EXPECT_EQ(st.code(), Status::Code::kLimit) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr("more than 100 times"));
  EXPECT_LT(got, uint64_t{8} << 20);

  // Below the floor a very repetitive input is fine.
  std::string lines;
  for (int i = 0; i < 20000; ++i) lines += "GET /index.html 198.51.100.7\n";
  std::string small = Gzip(lines);
  l.ratio_floor_bytes = 16 << 20;
  auto ok = detect::InputStream::FromMemory(small, "body", l);
  EXPECT_TRUE(Drain(ok.get(), &got).ok());
  EXPECT_EQ(got, lines.size());
}

TEST(InputLimits, CancelledStopsReading) {
  std::string bomb = ZstdBomb(16 << 20, 2);
  int polls = 0;
  detect::InputLimits l;
  l.cancelled = [&polls] { return ++polls > 3; };
  auto in = detect::InputStream::FromMemory(bomb, "body", l);
  uint64_t got = 0;
  Status st = Drain(in.get(), &got);
  EXPECT_EQ(st.code(), Status::Code::kIo);
  EXPECT_THAT(st.message(), HasSubstr("cancelled"));
  EXPECT_EQ(got, uint64_t{3} << 20);
}

class MatchLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    util::Init();
    store_ = NewStore(dir_.path());
    ASSERT_NE(store_, nullptr);
    model::Org g;
    g.name = "Alpha CERT";
    g.country = "MY";
    g.is_chair = true;
    ASSERT_TRUE(store_->community().AddOrg(&g).ok());
    model::User u;
    u.email = "analyst@alpha.example";
    u.org_id = g.id;
    u.role = model::Role::kAnalyst;
    ASSERT_TRUE(store_->community().AddUser(&u).ok());
    model::ApiKey k;
    key_ = auth::GenerateApiKey();
    k.user_id = u.id;
    k.prefix = key_.substr(0, 8);
    k.hash = auth::HashApiKey(key_);
    k.created = util::Now();
    k.read_only = true;  // any key, read-only included, could post bombs
    ASSERT_TRUE(store_->community().AddApiKey(&k).ok());
    api::Options ao;
    ao.data_dir = dir_.path();
    Status st = StartApi(ao, &metrics_, &api_, &server_);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void TearDown() override {
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
  }

  HttpClient::Reply PostMatch(const std::string& body, const std::string& query = "") {
    HttpClient c(server_->port());
    return c.Send("POST", "/api/v1/match" + query, body, "Bearer " + key_);
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::string key_;
  server::Metrics metrics_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<server::Server> server_;
};

void ExpectTooLarge(const HttpClient::Reply& r) {
  ASSERT_EQ(r.status, 413) << r.error << r.body.substr(0, 300);
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  ASSERT_FALSE(ec) << r.body;
  EXPECT_EQ(v.at("error").at("code").as_string(), "payload_too_large");
  EXPECT_THAT(std::string(v.at("error").at("message").as_string()), HasSubstr("expands"));
  EXPECT_EQ(v.at("error").at("details").at("max_ratio").as_int64(), 100);
  EXPECT_EQ(v.at("error").at("details").at("max_decompressed_bytes").as_int64(), 1ll << 30);
}

// 4 GiB of zstd in some 100 KiB: refused before anything is streamed. The
// 20 s bound is a hang guard only (without the limits the body is matched
// for minutes).
TEST_F(MatchLimitsTest, ZstdBombIsRefusedWith413) {
  std::string bomb = ZstdBomb(16 << 20, 256);
  auto t0 = std::chrono::steady_clock::now();
  auto r = PostMatch(bomb, "?format=text");
  ExpectTooLarge(r);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  EXPECT_EQ(PostMatch("nothing to see\n").status, 200);  // the server is still there
}

// 1 GiB of gzip in about 1 MiB (concatenated members): refused by the ratio.
TEST_F(MatchLimitsTest, GzipBombIsRefusedWith413) {
  std::string member = Gzip(std::string(16 << 20, '\0'));
  std::string bomb;
  for (int i = 0; i < 64; ++i) bomb += member;
  auto t0 = std::chrono::steady_clock::now();
  ExpectTooLarge(PostMatch(bomb));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
}

TEST_F(MatchLimitsTest, CorruptCompressedBodyIs400) {
  std::string bad = Gzip(std::string(1 << 20, 'x'));
  bad.resize(bad.size() / 2);  // truncated
  auto r = PostMatch(bad);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, HasSubstr("gzip"));
}

// Ordinary compressed logs (gzip and zstd, small and repetitive) still match
// and end with the summary line.
TEST_F(MatchLimitsTest, OrdinaryCompressedLogsStillMatch) {
  std::string log;
  for (int i = 0; i < 50000; ++i) log += "Jan 1 10:00:00 fw1 DROP src=10.0.0.2 dst=192.0.2.1\n";
  std::string zstd(ZSTD_compressBound(log.size()), '\0');
  zstd.resize(ZSTD_compress(zstd.data(), zstd.size(), log.data(), log.size(), 19));
  for (const std::string& body : {Gzip(log), zstd}) {
    auto r = PostMatch(body, "?format=text");
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
    EXPECT_THAT(r.body, HasSubstr("\"summary\""));
    EXPECT_THAT(r.body, HasSubstr("\"lines\":50000"));
  }
}

// A body within the limits (1000 MiB of log in 10 MiB: 1 MiB zstd frames
// repeated, then a skippable frame as padding) whose client leaves as soon
// as the answer starts: matching is cancelled (the access log names the
// cancellation) instead of running through the whole log.
TEST_F(MatchLimitsTest, MatchingStopsWhenTheClientLeaves) {
  std::vector<std::string> log_lines;
  std::mutex log_mu;
  server_->Stop();
  server_->Wait();
  server::Options so;
  so.listen = "127.0.0.1:0";
  so.access_log = [&](const std::string& line) {
    std::lock_guard<std::mutex> l(log_mu);
    log_lines.push_back(line);
  };
  api::Api* h = api_.get();
  auto started = server::Server::Start(
      so, [h](const server::Request& q, server::Response* r) { h->Handle(q, r); });
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  server_ = std::move(*started);

  std::string chunk;
  while (chunk.size() < (1u << 20)) chunk += "Jan 1 10:00:00 fw1 DROP src=10.0.0.2 dst=192.0.2.1\n";
  std::string frame(ZSTD_compressBound(chunk.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), chunk.data(), chunk.size(), 3));
  std::string body;
  for (int i = 0; i < 1000; ++i) body += frame;
  uint64_t need = (uint64_t{1000} * chunk.size()) / 100 + (1 << 20);
  uint32_t pad = static_cast<uint32_t>(need - body.size());
  const unsigned char skippable[8] = {0x50, 0x2a, 0x4d, 0x18, static_cast<unsigned char>(pad),
                                      static_cast<unsigned char>(pad >> 8),
                                      static_cast<unsigned char>(pad >> 16),
                                      static_cast<unsigned char>(pad >> 24)};
  body.append(reinterpret_cast<const char*>(skippable), 8);
  body.append(pad, 'p');

  {
    HttpClient c(server_->port());
    c.WriteRaw("POST /api/v1/match?format=text HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer " +
               key_ + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    std::string head = c.ReadSome(4096);  // after the limits check: the stream starts
    ASSERT_THAT(head, HasSubstr("200")) << head;
    c.Close();
  }
  std::string line;
  for (int i = 0; i < 6000 && line.empty(); ++i) {  // hang guard: 60 s
    {
      std::lock_guard<std::mutex> l(log_mu);
      if (!log_lines.empty()) line = log_lines.back();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(line.empty());
  EXPECT_THAT(line, HasSubstr("\"status\": 200"));
  EXPECT_THAT(line, HasSubstr("\"error\"")) << "the whole log was matched for a client that left";
}

// /metrics needs no key: it shows no store-wide counts that include
// organisation-only data (events, attributes, objects, sightings).
TEST_F(MatchLimitsTest, PublicMetricsShowNoEventCounts) {
  HttpClient c(server_->port());
  auto m = c.Send("GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_THAT(m.body, HasSubstr("sanad_store_orgs 1"));
  for (const char* hidden : {"sanad_store_events", "sanad_store_attributes", "sanad_store_objects",
                             "sanad_store_sightings"})
    EXPECT_EQ(m.body.find(hidden), std::string::npos) << hidden;
}

}  // namespace
}  // namespace sanad::testing
