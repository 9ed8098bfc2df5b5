// The HTTP server on its own (no API): keep-alive, limits, error shape,
// streaming with backpressure, graceful shutdown, connection limit, TLS,
// access log. Servers listen on 127.0.0.1 port 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "http_client.h"
#include "server/server.h"
#include "test_util.h"
#include "util/json_writer.h"
#include "util/util.h"

namespace sanad::testing {
namespace {

using ::testing::HasSubstr;
namespace json = boost::json;

// Checks the JSON error shape and returns error.code.
std::string ErrorCode(const HttpClient::Reply& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << r.body;
  if (ec || !v.is_object() || !v.as_object().contains("error")) {
    ADD_FAILURE() << "not an error body: " << r.body;
    return "";
  }
  const auto& e = v.at("error").as_object();
  EXPECT_TRUE(e.contains("message") && e.at("message").is_string()) << r.body;
  EXPECT_TRUE(e.contains("details") && e.at("details").is_object()) << r.body;
  return std::string(e.at("code").as_string());
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { util::Init(); }
  void TearDown() override {
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
  }

  void Start(server::Handler h, server::Options o = {}) {
    o.listen = "127.0.0.1:0";
    o.metrics = &metrics_;
    o.access_log = [this](const std::string& line) {
      std::lock_guard<std::mutex> l(log_mu_);
      log_.push_back(line);
    };
    auto s = server::Server::Start(o, std::move(h));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
  }

  static server::Handler Echo() {
    return [](const server::Request& q, server::Response* r) {
      r->content_type = "text/plain";
      r->body = q.method + " " + q.path + " " + std::to_string(q.body.size());
      for (const auto& [k, v] : q.query) r->body += " " + k + "=" + v;
    };
  }

  // The access log; a line is written once its response has been sent, so
  // this waits (up to 10 s) until at least `n` lines are there.
  std::vector<std::string> Log(size_t n = 1) {
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard<std::mutex> l(log_mu_);
        if (log_.size() >= n) return log_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard<std::mutex> l(log_mu_);
    return log_;
  }

  server::Metrics metrics_;
  std::unique_ptr<server::Server> server_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Start(Echo());
  HttpClient c(server_->port());
  auto a = c.Send("GET", "/a%20b?x=1&y=two+words");
  ASSERT_EQ(a.status, 200) << a.error;
  EXPECT_EQ(a.body, "GET /a b 0 x=1 y=two words");
  EXPECT_TRUE(a.keep_alive);
  EXPECT_FALSE(a.Header("x-request-id").empty());
  ASSERT_TRUE(c.connected());
  auto b = c.Send("POST", "/p", "12345");
  ASSERT_EQ(b.status, 200) << b.error;
  EXPECT_EQ(b.body, "POST /p 5");
  EXPECT_NE(a.Header("x-request-id"), b.Header("x-request-id"));
  EXPECT_EQ(metrics_.Value("sanad_http_connections_open", ""), 1);
  // Connection: close is honoured.
  auto d = c.Send("GET", "/c", "", "", {{"Connection", "close"}});
  EXPECT_EQ(d.status, 200);
  EXPECT_FALSE(d.keep_alive);
}

TEST_F(ServerTest, OversizedHeaderIs431AndBodyIs413) {
  server::Options o;
  o.max_header_bytes = 1024;
  o.max_body_bytes = 100;
  Start(Echo(), o);
  {
    HttpClient c(server_->port());
    auto r = c.Send("GET", "/x", "", "", {{"X-Big", std::string(4000, 'a')}});
    EXPECT_EQ(r.status, 431) << r.error;
    EXPECT_EQ(ErrorCode(r), "header_too_large");
    EXPECT_FALSE(r.keep_alive);
  }
  {
    HttpClient c(server_->port());
    auto r = c.Send("POST", "/x", std::string(101, 'b'));
    EXPECT_EQ(r.status, 413) << r.error;
    EXPECT_EQ(ErrorCode(r), "payload_too_large");
  }
  {
    // A chunked body has no Content-Length: the limit applies while reading.
    HttpClient c(server_->port());
    std::string chunk(80, 'c');
    auto r = c.Raw("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" +
                   chunk + "\r\n50\r\n" + chunk + "\r\n0\r\n\r\n");
    EXPECT_EQ(r.status, 413) << r.error;
    EXPECT_EQ(ErrorCode(r), "payload_too_large");
  }
  {
    HttpClient c(server_->port());
    auto r = c.Send("POST", "/x", std::string(100, 'b'));
    EXPECT_EQ(r.status, 200);  // exactly at the limit
  }
}

TEST_F(ServerTest, MalformedRequestIs400WithJsonError) {
  Start(Echo());
  HttpClient c(server_->port());
  auto r = c.Raw("GARBAGE\r\n\r\n");
  EXPECT_EQ(r.status, 400) << r.error;
  EXPECT_EQ(ErrorCode(r), "bad_request");
  HttpClient c2(server_->port());
  auto r2 = c2.Raw("GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(r2.status, 400) << r2.error;
  EXPECT_EQ(ErrorCode(r2), "bad_request");
}

TEST_F(ServerTest, HandlerExceptionIs500) {
  Start([](const server::Request&, server::Response*) { throw std::runtime_error("boom"); });
  HttpClient c(server_->port());
  auto r = c.Send("GET", "/");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(ErrorCode(r), "internal");
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr("boom")));  // details stay in the log
  auto log = Log();
  ASSERT_FALSE(log.empty());
  EXPECT_THAT(log.back(), HasSubstr("boom"));
}

TEST_F(ServerTest, StreamedResponseIsChunkedAndComplete) {
  const size_t kTotal = 5 * server::kStreamChunk + 123;
  Start([&](const server::Request&, server::Response* r) {
    r->content_type = "text/plain";
    r->stream = [kTotal](std::ostream& out) {
      for (size_t i = 0; i < kTotal; ++i) out.put(static_cast<char>('a' + i % 26));
      return Status::Ok();
    };
  });
  HttpClient c(server_->port());
  for (int round = 0; round < 2; ++round) {  // keep-alive after a stream
    auto r = c.Send("GET", "/stream");
    ASSERT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.Header("transfer-encoding"), "chunked");
    ASSERT_EQ(r.body.size(), kTotal);
    for (size_t i = 0; i < kTotal; i += 4099) ASSERT_EQ(r.body[i], static_cast<char>('a' + i % 26));
    EXPECT_TRUE(r.keep_alive);
  }
}

TEST_F(ServerTest, StreamFailureTruncatesTheBody) {
  Start([&](const server::Request&, server::Response* r) {
    r->stream = [](std::ostream& out) {
      out << std::string(3 * server::kStreamChunk, 'x');
      return Status::Io("disk on fire");
    };
  });
  HttpClient c(server_->port());
  auto r = c.Send("GET", "/stream");
  EXPECT_EQ(r.status, 0);  // no complete message: the final chunk never came
  EXPECT_FALSE(r.error.empty());
}

// The producer is held back by the client: when the client stops reading and
// goes away, the producer's writes fail long before it has produced 1 GiB
// (without backpressure it would buffer everything in memory).
TEST_F(ServerTest, StreamBackpressureStopsTheProducerWhenTheClientLeaves) {
  std::atomic<uint64_t> produced{0};
  std::atomic<bool> saw_failure{false};
  std::atomic<bool> finished{false};
  const uint64_t kHuge = 1ull << 30;
  Start([&](const server::Request&, server::Response* r) {
    r->stream = [&, kHuge](std::ostream& out) {
      std::string piece(64 << 10, 'z');
      while (produced < kHuge) {
        out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
        if (!out) {
          saw_failure = true;
          break;
        }
        produced += piece.size();
      }
      finished = true;
      return Status::Ok();
    };
  });
  {
    HttpClient c(server_->port());
    c.WriteRaw("GET /big HTTP/1.1\r\nHost: h\r\n\r\n");
    std::string got;
    while (got.size() < (1u << 20)) {
      std::string s = c.ReadSome(1 << 16);
      ASSERT_FALSE(s.empty());
      got += s;
    }
    c.Close();
  }
  for (int i = 0; i < 2000 && !finished; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(finished);
  EXPECT_TRUE(saw_failure);
  EXPECT_LT(produced.load(), kHuge / 4);
}

// Clients that start a stream and do not read hold stream threads only:
// with one request worker and two such clients, other requests are still
// answered.
TEST_F(ServerTest, SlowStreamingClientsDoNotHoldRequestWorkers) {
  std::atomic<int> producing{0};
  server::Options o;
  o.worker_threads = 1;
  o.stream_threads = 2;
  Start(
      [&](const server::Request& q, server::Response* r) {
        if (q.path != "/big") {
          r->body = "pong";
          return;
        }
        r->stream = [&](std::ostream& out) {
          ++producing;
          std::string piece(64 << 10, 'z');
          for (int i = 0; i < 4096 && out; ++i)
            out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
          return Status::Ok();
        };
      },
      o);
  HttpClient slow1(server_->port()), slow2(server_->port());
  slow1.WriteRaw("GET /big HTTP/1.1\r\nHost: h\r\n\r\n");
  slow2.WriteRaw("GET /big HTTP/1.1\r\nHost: h\r\n\r\n");
  for (int i = 0; i < 1000 && producing < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(producing.load(), 2);
  HttpClient c(server_->port());
  auto r = c.Send("GET", "/ping");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "pong");
  slow1.Close();
  slow2.Close();
}

TEST_F(ServerTest, GracefulShutdownFinishesInFlightRequests) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false, release = false;
  Start([&](const server::Request& q, server::Response* r) {
    if (q.path == "/slow") {
      std::unique_lock<std::mutex> l(mu);
      entered = true;
      cv.notify_all();
      cv.wait(l, [&] { return release; });
    }
    r->body = "done " + q.path;
  });
  HttpClient idle(server_->port());
  ASSERT_EQ(idle.Send("GET", "/first").status, 200);  // now idle on keep-alive

  HttpClient::Reply slow;
  std::thread t([&] {
    HttpClient c(server_->port());
    slow = c.Send("GET", "/slow");
  });
  {
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [&] { return entered; });
  }
  server_->Stop();
  EXPECT_TRUE(idle.ServerClosed());  // the idle connection is closed
  {
    std::lock_guard<std::mutex> l(mu);
    release = true;
  }
  cv.notify_all();
  t.join();
  EXPECT_EQ(slow.status, 200) << slow.error;
  EXPECT_EQ(slow.body, "done /slow");
  EXPECT_FALSE(slow.keep_alive);  // Connection: close during shutdown
  server_->Wait();
  HttpClient late(server_->port());
  EXPECT_EQ(late.Send("GET", "/late").status, 0);  // no longer listening
  server_.reset();
}

TEST_F(ServerTest, ConnectionsBeyondTheLimitGet503) {
  server::Options o;
  o.max_connections = 1;
  Start(Echo(), o);
  HttpClient first(server_->port());
  ASSERT_EQ(first.Send("GET", "/").status, 200);
  HttpClient second(server_->port());
  auto r = second.Send("GET", "/");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(ErrorCode(r), "unavailable");
  first.Close();
  // Once the first connection is gone a new one is served.
  for (int i = 0; i < 200; ++i) {
    if (metrics_.Value("sanad_http_connections_open", "") == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  HttpClient third(server_->port());
  EXPECT_EQ(third.Send("GET", "/").status, 200);
}

TEST_F(ServerTest, IncompleteRequestTimesOut) {
  server::Options o;
  o.request_timeout_seconds = 1;
  Start(Echo(), o);
  HttpClient c(server_->port());
  c.WriteRaw("GET / HTTP/1.1\r\nHost: h\r\n");  // header never completed
  EXPECT_TRUE(c.ServerClosed());
}

TEST_F(ServerTest, AccessLogHasOneJsonLinePerRequest) {
  Start([](const server::Request&, server::Response* r) {
    r->status = 201;
    r->body = "abc";
    r->log_org = "Alpha CERT";
    r->log_key = "deadbeef";
  });
  HttpClient c(server_->port());
  ASSERT_EQ(c.Send("POST", "/api/v1/things?q=1", "{}").status, 201);
  ASSERT_EQ(c.Send("GET", "/two").status, 201);
  auto log = Log(2);
  ASSERT_EQ(log.size(), 2u);
  json::value v = json::parse(log[0]);
  EXPECT_EQ(v.at("method").as_string(), "POST");
  EXPECT_EQ(v.at("target").as_string(), "/api/v1/things?q=1");
  EXPECT_EQ(v.at("status").as_int64(), 201);
  EXPECT_EQ(v.at("bytes").as_int64(), 3);
  EXPECT_EQ(v.at("remote").as_string(), "127.0.0.1");
  EXPECT_EQ(v.at("org").as_string(), "Alpha CERT");
  EXPECT_EQ(v.at("key").as_string(), "deadbeef");
  EXPECT_TRUE(v.as_object().contains("request_id"));
  EXPECT_TRUE(v.as_object().contains("duration_ms"));
  EXPECT_EQ(metrics_.Value("sanad_http_requests_total", "method=\"POST\",code=\"201\""), 1);
  std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE sanad_http_request_duration_seconds histogram"));
  EXPECT_THAT(text, HasSubstr("sanad_http_request_duration_seconds_count{method=\"GET\"} 1"));
}

TEST_F(ServerTest, TlsWithASelfSignedCertificate) {
  TempDir dir;
  std::string out;
  int rc = sanad::testing::Run(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout " +
          dir.File("key.pem") + " -out " + dir.File("cert.pem"),
      &out, true);
  if (rc != 0) GTEST_SKIP() << "openssl CLI unavailable: " << out;
  server::Options o;
  o.tls_cert = dir.File("cert.pem");
  o.tls_key = dir.File("key.pem");
  Start(Echo(), o);
  EXPECT_TRUE(server_->tls());
  HttpClient c(server_->port(), /*tls=*/true);
  auto r = c.Send("GET", "/secure");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "GET /secure 0");
  EXPECT_EQ(c.Send("GET", "/again").status, 200);  // keep-alive over TLS
  // Plain HTTP to the TLS port gets no HTTP answer.
  HttpClient plain(server_->port());
  EXPECT_EQ(plain.Send("GET", "/").status, 0);
  auto log = Log();
  ASSERT_FALSE(log.empty());
  EXPECT_THAT(log.front(), HasSubstr("\"tls\": true"));
}

TEST_F(ServerTest, BadOptionsAreRefused) {
  server::Options o;
  o.listen = "nonsense";
  EXPECT_EQ(server::Server::Start(o, Echo()).status().code(), Status::Code::kInvalid);
  o.listen = "127.0.0.1:0";
  o.tls_cert = "/nonexistent/cert.pem";
  o.tls_key = "/nonexistent/key.pem";
  auto s = server::Server::Start(o, Echo());
  EXPECT_EQ(s.status().code(), Status::Code::kInvalid);
  EXPECT_THAT(s.status().message(), HasSubstr("/nonexistent/cert.pem"));
}

// ---- issue 15, finding 2: streams stop when the client leaves or the server stops ----

// A producer that writes nothing (as /api/v1/match on a log without hits)
// never sees a failed write: the server must notice the closed connection
// and cancel the stream. The producer waits for StreamCancelled with a 20 s
// hang guard; without the peer check it would run into the guard.
TEST_F(ServerTest, SilentStreamIsCancelledWhenTheClientGoesAway) {
  std::atomic<bool> started{false}, cancelled{false}, finished{false};
  std::atomic<bool> write_failed{false};
  Start([&](const server::Request&, server::Response* r) {
    r->stream = [&](std::ostream& out) {
      started = true;
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (!server::StreamCancelled(out) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      cancelled = server::StreamCancelled(out);
      out << "late";
      out.flush();
      write_failed = !out;
      finished = true;
      return Status::Ok();
    };
  });
  {
    HttpClient c(server_->port());
    c.WriteRaw("GET /quiet HTTP/1.1\r\nHost: h\r\n\r\n");
    std::string head = c.ReadSome(4096);  // the response header comes first
    EXPECT_THAT(head, HasSubstr("200"));
    for (int i = 0; i < 1000 && !started; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(started);
    c.Close();
  }
  for (int i = 0; i < 3000 && !finished; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(finished);
  EXPECT_TRUE(cancelled) << "the producer ran into its hang guard: the disconnect went unnoticed";
  EXPECT_TRUE(write_failed);
  auto log = Log(1);
  ASSERT_FALSE(log.empty());
  EXPECT_THAT(log.back(), HasSubstr("client went away"));
  EXPECT_FALSE(server::StreamCancelled(std::cout));  // not a server stream
}

// Stop() cancels running streams instead of waiting for them: Wait()
// returns although the producer would otherwise run for 20 s.
TEST_F(ServerTest, StopCancelsRunningStreams) {
  std::atomic<bool> started{false}, cancelled{false};
  Start([&](const server::Request&, server::Response* r) {
    r->stream = [&](std::ostream& out) {
      started = true;
      out << "first line\n";
      out.flush();
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (!server::StreamCancelled(out) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      cancelled = server::StreamCancelled(out);
      return Status::Ok();
    };
  });
  HttpClient c(server_->port());
  c.WriteRaw("GET /long HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string got;
  for (int i = 0; i < 100 && got.find("first line") == std::string::npos; ++i) {
    std::string s = c.ReadSome(4096);
    if (s.empty()) break;
    got += s;
  }
  ASSERT_THAT(got, HasSubstr("first line"));
  ASSERT_TRUE(started);
  server_->Stop();
  server_->Wait();
  EXPECT_TRUE(cancelled) << "Stop() did not cancel the stream";
  EXPECT_TRUE(c.ServerClosed());
  std::string rest;
  for (int i = 0; i < 100; ++i) {
    std::string s = c.ReadSome(4096);
    if (s.empty()) break;
    rest += s;
  }
  EXPECT_EQ((got + rest).find("0\r\n\r\n"), std::string::npos);  // no final chunk: truncated
  server_.reset();
}

// ---- issue 15, finding 5: connection slots ----

// Waits (up to 10 s) until the open-connections gauge reads `n`.
bool WaitOpen(server::Metrics& m, double n) {
  for (int i = 0; i < 1000; ++i) {
    if (m.Value("sanad_http_connections_open", "") == n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST_F(ServerTest, ConnectionsPerAddressAreLimited) {
  server::Options o;
  o.max_connections_per_address = 2;
  Start(Echo(), o);
  HttpClient a(server_->port()), b(server_->port());
  a.WriteRaw("");  // connected, idle
  b.WriteRaw("");
  ASSERT_TRUE(WaitOpen(metrics_, 2));
  HttpClient c(server_->port());
  c.WriteRaw("");
  EXPECT_TRUE(c.ServerClosed());  // closed at once, unanswered
  EXPECT_EQ(metrics_.Value("sanad_http_connections_refused_per_address_total", ""), 1);
  // The connections it holds still work; once one is gone, a new one is served.
  EXPECT_EQ(a.Send("GET", "/x").status, 200);
  b.Close();
  ASSERT_TRUE(WaitOpen(metrics_, 1));
  HttpClient d(server_->port());
  EXPECT_EQ(d.Send("GET", "/y").status, 200);
}

// Anonymous idle sockets fill the unreserved slots: a new anonymous request
// gets 503, a request with credentials is still served on a kept slot, and
// keeps its connection.
TEST_F(ServerTest, SlotsAreKeptForAuthenticatedClients) {
  server::Options o;
  o.max_connections = 4;
  o.reserved_authenticated_connections = 2;
  o.max_connections_per_address = 0;  // every test client shares 127.0.0.1
  Start(
      [](const server::Request& q, server::Response* r) {
        const std::string* a = q.Header("authorization");
        if (a == nullptr || *a != "Bearer good") {
          server::SetError(r, 401, "unauthorized", "an API key is required");
          return;
        }
        r->authenticated = true;
        r->body = "hello member";
      },
      o);
  HttpClient idle1(server_->port()), idle2(server_->port());
  idle1.WriteRaw("");
  idle2.WriteRaw("");
  ASSERT_TRUE(WaitOpen(metrics_, 2));
  HttpClient anon(server_->port());
  auto r = anon.Send("GET", "/events");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(ErrorCode(r), "unavailable");
  EXPECT_THAT(r.body, HasSubstr("authenticated"));
  ASSERT_TRUE(WaitOpen(metrics_, 2));
  HttpClient member(server_->port());
  auto m = member.Send("GET", "/events", "", "Bearer good");
  EXPECT_EQ(m.status, 200) << m.error;
  EXPECT_EQ(m.body, "hello member");
  EXPECT_TRUE(m.keep_alive);
  EXPECT_EQ(member.Send("GET", "/events", "", "Bearer good").status, 200);
  // A wrong key on a kept slot is answered (401) and the connection closed.
  HttpClient wrong(server_->port());
  auto w = wrong.Send("GET", "/events", "", "Bearer bad");
  EXPECT_EQ(w.status, 401);
  EXPECT_FALSE(w.keep_alive);
}

// A connection that never sends a request is dropped after the header
// timeout, long before the request timeout; one that has completed a
// request keeps the longer keep-alive timeout.
TEST_F(ServerTest, IdleNewConnectionsGetTheShorterHeaderTimeout) {
  server::Options o;
  o.header_timeout_seconds = 1;
  o.request_timeout_seconds = 60;
  Start(Echo(), o);
  HttpClient used(server_->port());
  ASSERT_EQ(used.Send("GET", "/first").status, 200);
  auto t0 = std::chrono::steady_clock::now();
  HttpClient silent(server_->port());
  silent.WriteRaw("");
  EXPECT_TRUE(silent.ServerClosed());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(30));  // hang guard
  HttpClient partial(server_->port());
  partial.WriteRaw("GET / HTTP/1.1\r\nHost: h\r\n");  // header never finished
  EXPECT_TRUE(partial.ServerClosed());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(used.Send("GET", "/second").status, 200);  // still open after the header timeout
}

TEST(HttpHelpers, ParseTargetAndJsonQuote) {
  std::string path;
  std::vector<std::pair<std::string, std::string>> q;
  ASSERT_TRUE(server::ParseTarget("/a/b%2Fc?x=%41&flag&y=1+2", &path, &q));
  EXPECT_EQ(path, "/a/b/c");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>("x", "A")));
  EXPECT_EQ(q[1], (std::pair<std::string, std::string>("flag", "")));
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>("y", "1 2")));
  EXPECT_FALSE(server::ParseTarget("/bad%4", &path, &q));
  EXPECT_FALSE(server::ParseTarget("no-slash", &path, &q));
  EXPECT_EQ(util::JsonQuote("a\"b\\\n\x01\xff"), "\"a\\\"b\\\\\\n\\u0001\xEF\xBF\xBD\"");
  EXPECT_EQ(server::ErrorBody("not_found", "gone"),
            "{\"error\": {\"code\": \"not_found\", \"message\": \"gone\", \"details\": {}}}\n");
}

}  // namespace
}  // namespace sanad::testing
