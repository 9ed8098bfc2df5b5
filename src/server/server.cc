// The only translation unit that includes Boost.Beast (compile cost).
#include "server/server.h"

#include <poll.h>
#include <signal.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <streambuf>
#include <thread>
#include <vector>

#include "util/json_writer.h"
#include "util/util.h"

namespace sanad::server {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using error_code = beast::error_code;
using SteadyClock = std::chrono::steady_clock;

const char* MethodLabel(std::string_view m) {
  static const char* kKnown[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
  for (const char* k : kKnown)
    if (m == k) return k;
  return "other";
}

bool IsHttpParseError(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

// Shared between a streaming producer (worker thread) and its session.
struct StreamState {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> chunks;
  bool done = false;     // producer finished
  bool failed = false;   // producer returned an error
  bool aborted = false;  // the connection failed; producer must stop
  // Set with `aborted` (and by shutdown): read without the mutex by
  // StreamCancelled and by ChunkBuf on every flush.
  std::atomic<bool> cancelled{false};
};

// Collects written bytes into chunks of kStreamChunk and hands each full
// chunk to `sink`, which blocks while the connection is behind and returns
// false once the connection has failed. Once the stream is cancelled every
// write fails.
class ChunkBuf : public std::streambuf {
 public:
  ChunkBuf(std::function<bool(std::string&&)> sink, std::shared_ptr<StreamState> st)
      : sink_(std::move(sink)), st_(std::move(st)) {
    buf_.resize(kStreamChunk);
    setp(buf_.data(), buf_.data() + buf_.size());
  }
  bool cancelled() const { return st_ && st_->cancelled.load(std::memory_order_acquire); }
  bool Flush() {
    if (!failed_ && cancelled()) failed_ = true;
    if (failed_) return false;
    size_t n = static_cast<size_t>(pptr() - pbase());
    if (n == 0) return true;
    if (!sink_(std::string(pbase(), n))) {
      failed_ = true;
      return false;
    }
    setp(buf_.data(), buf_.data() + buf_.size());
    return true;
  }

 protected:
  int_type overflow(int_type ch) override {
    if (!Flush()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return Flush() ? 0 : -1; }

 private:
  std::function<bool(std::string&&)> sink_;
  std::shared_ptr<StreamState> st_;
  std::vector<char> buf_;
  bool failed_ = false;
};

// How often a streaming session checks that its client is still there.
constexpr auto kPeerCheckInterval = std::chrono::milliseconds(200);

// The key connections are counted under per source address: the address,
// or its /64 for IPv6 (one subscriber usually holds a whole /64).
std::string AddressKey(const net::ip::address& a) {
  if (a.is_v6()) {
    auto b = a.to_v6().to_bytes();
    for (size_t i = 8; i < b.size(); ++i) b[i] = 0;
    return net::ip::address_v6(b).to_string() + "/64";
  }
  return a.to_string();
}

// How a connection was admitted (ServerImpl::Admit).
enum class Admission {
  kNormal,
  kReserveOnly,  // only requests with credentials are served until one is authenticated
  kReject,       // max_connections reached: 503 on the first request
  kRefuse,       // per-address limit: closed at once
};
class ServerImpl;

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // Posts a graceful-shutdown notice to the session's strand.
  virtual void PostShutdown() = 0;
};

class ServerImpl : public Server {
 public:
  ServerImpl(const Options& o, Handler h)
      : opts_(o),
        handler_(std::move(h)),
        ioc_(std::max(o.io_threads, 1)),
        acceptor_(net::make_strand(ioc_)),
        workers_(static_cast<size_t>(std::max(o.worker_threads, 1))),
        streamers_(static_cast<size_t>(std::max(o.stream_threads, 1))) {}

  ~ServerImpl() override {
    Stop();
    Wait();
  }

  Status Init();
  void StartThreads();

  int port() const override { return port_; }
  bool tls() const override { return ssl_ctx_.has_value(); }
  void Stop() override;
  void Wait() override;

  const Options& opts() const { return opts_; }
  const Handler& handler() const { return handler_; }
  net::io_context& ioc() { return ioc_; }
  net::thread_pool& workers() { return workers_; }
  net::thread_pool& streamers() { return streamers_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  // Decides how a new connection from `key` is admitted and counts it (also
  // a rejected one: it holds a socket until its header timeout). A refused
  // connection is not counted.
  Admission Admit(const std::string& key) {
    std::lock_guard<std::mutex> l(conn_mu_);
    int& here = per_address_[key];
    if (opts_.max_connections_per_address > 0 && here >= opts_.max_connections_per_address) {
      if (here == 0) per_address_.erase(key);
      return Admission::kRefuse;
    }
    ++here;
    if (admitted_ >= opts_.max_connections) return Admission::kReject;
    ++admitted_;
    int reserved = std::clamp(opts_.reserved_authenticated_connections, 0,
                              std::max(opts_.max_connections - 1, 0));
    if (admitted_ - 1 - authenticated_ >= opts_.max_connections - reserved)
      return Admission::kReserveOnly;
    return Admission::kNormal;
  }
  void MarkAuthenticated() {
    std::lock_guard<std::mutex> l(conn_mu_);
    ++authenticated_;
  }
  void Release(const std::string& key, Admission a, bool authenticated) {
    std::lock_guard<std::mutex> l(conn_mu_);
    auto it = per_address_.find(key);
    if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
    if (a == Admission::kNormal || a == Admission::kReserveOnly) --admitted_;
    if (authenticated) --authenticated_;
  }
  // Seconds to read a request: the first one of a connection gets the
  // (shorter) header timeout for its handshake and header.
  int ReadTimeout(bool first) const {
    int r = std::max(opts_.request_timeout_seconds, 1);
    return first ? std::clamp(opts_.header_timeout_seconds, 1, r) : r;
  }
  void Count(const char* name, const char* help) {
    if (opts_.metrics) opts_.metrics->Add(name, help, "", 1);
  }

  void ConnectionOpened() {
    int n = ++open_;
    if (opts_.metrics)
      opts_.metrics->Set("sanad_http_connections_open", "Open HTTP connections", "", n);
  }
  void ConnectionClosed() {
    int n = --open_;
    if (opts_.metrics)
      opts_.metrics->Set("sanad_http_connections_open", "Open HTTP connections", "", n);
  }
  void Logged(const std::string& method, int status, uint64_t bytes, double seconds,
              const std::string& line) {
    if (opts_.metrics) {
      std::string m = MethodLabel(method);
      opts_.metrics->Add("sanad_http_requests_total", "HTTP requests answered",
                         "method=\"" + m + "\",code=\"" + std::to_string(status) + "\"", 1);
      opts_.metrics->Observe("sanad_http_request_duration_seconds",
                             "Time from a complete request to the end of its response",
                             "method=\"" + m + "\"", seconds);
      opts_.metrics->Add("sanad_http_response_body_bytes_total", "Response body bytes sent", "",
                         static_cast<double>(bytes));
    }
    if (opts_.access_log) opts_.access_log(line);
  }

 private:
  void DoAccept();
  void OnAccept(error_code ec, tcp::socket socket);

  Options opts_;
  Handler handler_;
  // Declared before ioc_, so destroyed after it: sessions whose handlers are
  // still queued when the server is destroyed release their counts from
  // ~Session while ioc_ is destroyed.
  std::atomic<int> open_{0};
  std::mutex conn_mu_;  // the admission counts below
  std::map<std::string, int> per_address_;
  int admitted_ = 0;       // connections not rejected
  int authenticated_ = 0;  // of those, connections that made an authenticated request
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::thread_pool workers_;
  net::thread_pool streamers_;  // producers of streamed bodies (paced by their clients)
  std::optional<ssl::context> ssl_ctx_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;  // sessions_, waited_
  std::vector<std::weak_ptr<SessionBase>> sessions_;
  bool waited_ = false;
};

template <bool kTls>
class Session : public SessionBase {
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

 public:
  Session(ServerImpl* srv, tcp::socket&& socket, ssl::context* ctx, std::string remote,
          std::string key, Admission admission)
      : srv_(srv),
        opts_(srv->opts()),
        exec_(socket.get_executor()),
        stream_(MakeStream(std::move(socket), ctx)),
        reject_(admission == Admission::kReject),
        admission_(admission),
        remote_(std::move(remote)),
        key_(std::move(key)),
        watch_(exec_) {
    srv_->ConnectionOpened();
  }
  ~Session() override {
    srv_->Release(key_, admission_, authenticated_);
    srv_->ConnectionClosed();
  }

  void Begin() {
    net::dispatch(exec_, [self = Self()] { self->OnStart(); });
  }

  void PostShutdown() override {
    net::post(exec_, [self = Self()] { self->OnShutdown(); });
  }

 private:
  enum class State { kHandshake, kReading, kHandling, kWriting, kClosed };

  static Stream MakeStream(tcp::socket&& s, ssl::context* ctx) {
    if constexpr (kTls) {
      return Stream(std::move(s), *ctx);
    } else {
      (void)ctx;
      return Stream(std::move(s));
    }
  }

  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  void Arm() {
    Tcp().expires_after(std::chrono::seconds(std::max(opts_.request_timeout_seconds, 1)));
  }
  // Before a request is read: the header timeout until one request came in.
  void ArmRead() { Tcp().expires_after(std::chrono::seconds(srv_->ReadTimeout(!served_))); }

  void OnStart() {
    if constexpr (kTls) {
      state_ = State::kHandshake;
      ArmRead();
      stream_.async_handshake(ssl::stream_base::server, [self = Self()](error_code ec) {
        if (ec) return self->Close();
        self->DoRead();
      });
    } else {
      DoRead();
    }
  }

  void OnShutdown() {
    // Idle keep-alive connections (nothing of a next request received) are
    // closed; requests being read, handled or written finish first.
    if (state_ == State::kHandshake) return Close();
    if (state_ == State::kReading && parser_ && !parser_->got_some() && buffer_.size() == 0)
      Close();
    // Streams are cancelled: their producers stop, the body ends truncated.
    if (state_ == State::kWriting && stream_state_) CancelStream("the server is stopping");
  }

  void DoRead() {
    if (srv_->stopping()) return Close();
    state_ = State::kReading;
    req_.reset();
    res_.reset();
    stream_state_.reset();
    bytes_ = 0;
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<size_t>(opts_.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(opts_.max_body_bytes);
    ArmRead();
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = Self()](error_code ec, size_t) { self->OnHeader(ec); });
  }

  // Fills req_ from what the parser has (header at least).
  void CaptureHeader() {
    start_ = SteadyClock::now();
    req_ = std::make_shared<Request>();
    const auto& h = parser_->get();
    req_->method = std::string(h.method_string());
    req_->target = std::string(h.target());
    req_->remote_ip = remote_;
    req_->request_id = util::ToHex(util::RandomBytes(8));
    for (const auto& f : h) {
      req_->headers.emplace_back(util::ToLower(std::string(f.name_string())),
                                 std::string(f.value()));
    }
  }

  bool ReadError(const error_code& ec) {
    if (!ec) return false;
    if (ec == http::error::header_limit) {
      if (!req_) StartErrorRequest();
      SendError(431, "header_too_large",
                "request header exceeds " + std::to_string(opts_.max_header_bytes) + " bytes");
    } else if (ec == http::error::body_limit) {
      if (!req_) StartErrorRequest();
      SendError(413, "payload_too_large",
                "request body exceeds " + std::to_string(opts_.max_body_bytes) + " bytes");
    } else if (IsHttpParseError(ec) && ec != http::error::end_of_stream &&
               ec != http::error::partial_message) {
      if (!req_) StartErrorRequest();
      SendError(400, "bad_request", "malformed HTTP request: " + ec.message());
    } else {
      Close();  // end of stream, timeout, reset, TLS failure, shutdown
    }
    return true;
  }

  // A request record for transport errors met before the header was complete.
  void StartErrorRequest() {
    start_ = SteadyClock::now();
    req_ = std::make_shared<Request>();
    req_->method = "-";
    req_->target = "-";
    req_->remote_ip = remote_;
    req_->request_id = util::ToHex(util::RandomBytes(8));
  }

  void OnHeader(error_code ec) {
    if (ReadError(ec)) return;
    CaptureHeader();
    if (reject_) {
      return SendError(503, "unavailable",
                       "too many open connections (limit " + std::to_string(opts_.max_connections) +
                           "); try again later");
    }
    if (admission_ == Admission::kReserveOnly && !authenticated_ &&
        req_->Header("authorization") == nullptr) {
      srv_->Count("sanad_http_connections_reserved_refusals_total",
                  "Requests without credentials refused on connection slots kept for "
                  "authenticated clients");
      return SendError(503, "unavailable",
                       "the server is busy: its remaining connection slots are kept for "
                       "authenticated clients (send an API key); try again later");
    }
    if (auto len = parser_->content_length(); len && *len > opts_.max_body_bytes) {
      return SendError(413, "payload_too_large",
                       "request body of " + std::to_string(*len) + " bytes exceeds " +
                           std::to_string(opts_.max_body_bytes) + " bytes");
    }
    const auto& h = parser_->get();
    auto expect = h[http::field::expect];
    if (!expect.empty() && beast::iequals(expect, "100-continue") && !parser_->is_done()) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      return http::async_write(stream_, *cont, [self = Self(), cont](error_code ec, size_t) {
        if (ec) return self->Close();
        self->ReadBody();
      });
    }
    ReadBody();
  }

  void ReadBody() {
    if (!served_) Arm();  // the first request's body gets the full request timeout
    http::async_read(stream_, buffer_, *parser_,
                     [self = Self()](error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(error_code ec) {
    if (ReadError(ec)) return;
    Tcp().expires_never();
    auto msg = parser_->release();
    served_ = true;
    keep_alive_ = msg.keep_alive();
    req_->body = std::move(msg.body());
    if (!ParseTarget(req_->target, &req_->path, &req_->query)) {
      return SendError(400, "bad_request", "malformed request target");
    }
    state_ = State::kHandling;
    auto req = req_;
    auto res = std::make_shared<Response>();
    res_ = res;
    net::post(srv_->workers(), [self = Self(), req, res,
                                work = net::make_work_guard(srv_->ioc())]() mutable {
      try {
        self->srv_->handler()(*req, res.get());
      } catch (const std::exception& e) {
        SetError(res.get(), 500, "internal", "internal error (request " + req->request_id + ")");
        res->log_error = std::string("exception: ") + e.what();
      }
      net::post(self->exec_, [self] { self->Respond(); });
    });
  }

  void SendError(int status, const std::string& code, const std::string& message) {
    force_close_ = true;
    res_ = std::make_shared<Response>();
    SetError(res_.get(), status, code, message);
    Respond();
  }

  template <class Msg>
  void SetCommonFields(Msg* m, bool keep) {
    m->result(static_cast<unsigned>(res_->status));
    m->set(http::field::server, "sanad");
    m->set(http::field::content_type, res_->content_type);
    m->set("X-Request-Id", req_->request_id);
    for (const auto& [k, v] : res_->headers) m->insert(k, v);
    m->keep_alive(keep);
  }

  void Respond() {
    state_ = State::kWriting;
    if (!authenticated_ && res_ &&
        (res_->authenticated ||
         (!res_->log_key.empty() && res_->status != 401 && res_->status != 403))) {
      authenticated_ = true;
      srv_->MarkAuthenticated();
    }
    // A connection on a kept slot that did not authenticate is not kept.
    if (admission_ == Admission::kReserveOnly && !authenticated_) force_close_ = true;
    bool keep = keep_alive_ && !force_close_ && !srv_->stopping();
    if (res_->stream) return StartStream(keep);
    auto msg = std::make_shared<http::response<http::string_body>>();
    msg->version(11);
    SetCommonFields(msg.get(), keep);
    bytes_ = res_->body.size();
    msg->body() = std::move(res_->body);
    msg->prepare_payload();
    Arm();
    http::async_write(stream_, *msg, [self = Self(), msg, keep](error_code ec, size_t) {
      self->Finished(ec, keep);
    });
  }

  void Finished(const error_code& ec, bool keep) {
    Log();
    if (ec || !keep) return Close();
    DoRead();
  }

  void StartStream(bool keep) {
    auto head = std::make_shared<http::response<http::empty_body>>();
    head->version(11);
    SetCommonFields(head.get(), keep);
    head->chunked(true);
    auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*head);
    stream_keep_ = keep;
    stream_aborted_ = false;
    chunk_writing_ = false;
    stream_state_ = std::make_shared<StreamState>();
    Arm();
    http::async_write_header(stream_, *sr, [self = Self(), head, sr](error_code ec, size_t) {
      if (ec) {
        self->res_->log_error = "write failed: " + ec.message();
        self->Log();
        return self->Close();
      }
      self->Produce();
    });
  }

  // Runs the response's stream function on a worker thread.
  void Produce() {
    auto st = stream_state_;
    auto res = res_;
    // A stream that starts while the server stops is cancelled at once.
    if (srv_->stopping()) CancelStream("the server is stopping");
    if (!stream_aborted_) WatchPeer();
    // Streams run on their own pool: a slow client paces its producer there
    // and never holds a request worker.
    net::post(srv_->streamers(),
              [self = Self(), st, res, work = net::make_work_guard(srv_->ioc())]() mutable {
                auto exec = self->exec_;
                auto sink = [&](std::string&& chunk) {
                  std::unique_lock<std::mutex> l(st->mu);
                  st->cv.wait(l, [&] { return st->chunks.size() < 2 || st->aborted; });
                  if (st->aborted) return false;
                  st->chunks.push_back(std::move(chunk));
                  l.unlock();
                  net::post(exec, [self] { self->Pump(); });
                  return true;
                };
                Status s;
                {
                  ChunkBuf buf(sink, st);
                  std::ostream os(&buf);
                  try {
                    s = res->stream(os);
                  } catch (const std::exception& e) {
                    s = Status::Internal(std::string("exception: ") + e.what());
                  }
                  if (s.ok() && !buf.Flush()) s = Status::Io("the client went away");
                }
                {
                  std::lock_guard<std::mutex> l(st->mu);
                  // A cancelled stream keeps the reason (client gone, stopping).
                  if (!s.ok() && !st->aborted) res->log_error = "stream: " + s.ToString();
                  st->failed = !s.ok();
                  st->done = true;
                }
                net::post(exec, [self] { self->Pump(); });
              });
  }

  void Pump() {
    // Pumps are posted by the producer and may arrive after the stream has
    // ended (last chunk written, next request being read): only a response
    // being streamed is pumped, or the last chunk would be written twice and
    // a second read started.
    if (chunk_writing_ || state_ != State::kWriting || !stream_state_) return;
    auto st = stream_state_;
    std::unique_lock<std::mutex> l(st->mu);
    if (stream_aborted_) {
      if (st->done) {
        l.unlock();
        Log();
        Close();
      }
      return;
    }
    if (!st->chunks.empty()) {
      current_chunk_ = std::move(st->chunks.front());
      st->chunks.pop_front();
      l.unlock();
      st->cv.notify_all();
      chunk_writing_ = true;
      bytes_ += current_chunk_.size();
      Arm();
      net::async_write(stream_, http::make_chunk(net::buffer(current_chunk_)),
                       [self = Self()](error_code ec, size_t) {
                         self->chunk_writing_ = false;
                         if (ec) return self->AbortStream(ec);
                         self->Pump();
                       });
      return;
    }
    if (!st->done) return;
    bool failed = st->failed;
    l.unlock();
    if (failed) {
      Log();
      return Close();  // no final chunk: the client sees a truncated body
    }
    chunk_writing_ = true;
    Arm();
    bool keep = stream_keep_;
    net::async_write(stream_, http::make_chunk_last(),
                     [self = Self(), keep](error_code ec, size_t) {
                       self->chunk_writing_ = false;
                       self->Finished(ec, keep);
                     });
  }

  void AbortStream(const error_code& ec) { CancelStream("write failed: " + ec.message()); }

  // Stops the stream being written: the producer's writes fail from now on
  // and StreamCancelled turns true; the connection closes once the producer
  // has returned (no final chunk).
  void CancelStream(const std::string& why) {
    auto st = stream_state_;
    if (!st || stream_aborted_) return;
    stream_aborted_ = true;
    {
      std::lock_guard<std::mutex> l(st->mu);
      st->aborted = true;
      st->cancelled.store(true, std::memory_order_release);
      st->chunks.clear();
      if (res_->log_error.empty()) res_->log_error = why;
    }
    st->cv.notify_all();
    Pump();  // closes once the producer has finished
  }

  // While a stream is produced, checks every kPeerCheckInterval whether the
  // client has closed or reset the connection (nothing is read meanwhile, and
  // a producer that writes nothing would not notice) or the server stops.
  void WatchPeer() {
    watch_.expires_after(kPeerCheckInterval);
    watch_.async_wait([self = Self()](error_code ec) {
      if (ec) return;
      self->OnWatch();
    });
  }
  void OnWatch() {
    auto st = stream_state_;
    if (state_ != State::kWriting || !st || stream_aborted_) return;
    {
      std::lock_guard<std::mutex> l(st->mu);
      if (st->done) return;
    }
    if (srv_->stopping()) return CancelStream("the server is stopping");
    if (PeerGone()) return CancelStream("the client went away");
    WatchPeer();
  }
  bool PeerGone() {
    if (!Tcp().socket().is_open()) return true;
    pollfd p{};
    p.fd = Tcp().socket().native_handle();
    p.events = POLLRDHUP;
    if (::poll(&p, 1, 0) <= 0) return false;
    return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
  }

  void Log() {
    if (!req_ || !res_) return;
    double secs = std::chrono::duration<double>(SteadyClock::now() - start_).count();
    std::string line =
        "{\"time\": " + util::JsonQuote(util::FormatIso8601(util::Now())) +
        ", \"request_id\": " + util::JsonQuote(req_->request_id) +
        ", \"remote\": " + util::JsonQuote(req_->remote_ip) +
        ", \"method\": " + util::JsonQuote(req_->method) +
        ", \"target\": " + util::JsonQuote(req_->target) +
        ", \"status\": " + std::to_string(res_->status) + ", \"bytes\": " + std::to_string(bytes_) +
        ", \"duration_ms\": " + std::to_string(static_cast<int64_t>(secs * 1000)) +
        ", \"tls\": " + (kTls ? "true" : "false");
    if (!res_->log_org.empty()) line += ", \"org\": " + util::JsonQuote(res_->log_org);
    if (!res_->log_user.empty()) line += ", \"user\": " + util::JsonQuote(res_->log_user);
    if (!res_->log_key.empty()) line += ", \"key\": " + util::JsonQuote(res_->log_key);
    if (!res_->log_error.empty()) line += ", \"error\": " + util::JsonQuote(res_->log_error);
    line += "}";
    srv_->Logged(req_->method, res_->status, bytes_, secs, line);
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    watch_.cancel();
    error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    Tcp().close();
  }

  ServerImpl* srv_;
  const Options& opts_;
  net::any_io_executor exec_;
  Stream stream_;
  bool reject_;
  Admission admission_;
  std::string remote_;
  std::string key_;  // per-address count key (AddressKey)
  bool served_ = false;         // one complete request received
  bool authenticated_ = false;  // one request's credentials were accepted
  net::steady_timer watch_;     // peer check while streaming
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  State state_ = State::kReading;
  bool keep_alive_ = false;
  bool force_close_ = false;
  SteadyClock::time_point start_;
  std::shared_ptr<Request> req_;
  std::shared_ptr<Response> res_;
  uint64_t bytes_ = 0;
  // streaming
  std::shared_ptr<StreamState> stream_state_;
  std::string current_chunk_;
  bool chunk_writing_ = false;
  bool stream_aborted_ = false;
  bool stream_keep_ = false;
};

bool ParseListen(const std::string& s, std::string* host, unsigned short* port) {
  size_t colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  std::string h = s.substr(0, colon);
  std::string p = s.substr(colon + 1);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) h = "0.0.0.0";
  if (p.empty() || p.size() > 5) return false;
  for (char c : p)
    if (c < '0' || c > '9') return false;
  int v = std::stoi(p);
  if (v > 65535) return false;
  *host = h;
  *port = static_cast<unsigned short>(v);
  return true;
}

Status ServerImpl::Init() {
  std::string host;
  unsigned short port = 0;
  if (!ParseListen(opts_.listen, &host, &port))
    return Status::Invalid("--listen: '" + opts_.listen + "' is not ADDR:PORT");
  error_code ec;
  auto addr = net::ip::make_address(host, ec);
  if (ec) return Status::Invalid("--listen: '" + host + "' is not an IP address");
  if (opts_.tls_cert.empty() != opts_.tls_key.empty())
    return Status::Invalid("TLS needs both --tls-cert and --tls-key");
  if (!opts_.tls_cert.empty()) {
    ssl_ctx_.emplace(ssl::context::tls_server);
    ssl_ctx_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                          ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                          ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    ssl_ctx_->use_certificate_chain_file(opts_.tls_cert, ec);
    if (ec) return Status::Invalid("--tls-cert " + opts_.tls_cert + ": " + ec.message());
    ssl_ctx_->use_private_key_file(opts_.tls_key, ssl::context::pem, ec);
    if (ec) return Status::Invalid("--tls-key " + opts_.tls_key + ": " + ec.message());
  }
  tcp::endpoint ep(addr, port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::Io("cannot listen on " + opts_.listen + ": " + ec.message());
  port_ = acceptor_.local_endpoint(ec).port();
  return Status::Ok();
}

void ServerImpl::StartThreads() {
  DoAccept();
  int n = std::max(opts_.io_threads, 1);
  for (int i = 0; i < n; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          if (opts_.access_log)
            opts_.access_log(std::string("{\"error\": ") +
                             util::JsonQuote(std::string("io thread: ") + e.what()) + "}");
        }
      }
    });
  }
}

void ServerImpl::DoAccept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](error_code ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void ServerImpl::OnAccept(error_code ec, tcp::socket socket) {
  if (stopping() || ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (!ec) {
    error_code rec;
    auto ep = socket.remote_endpoint(rec);
    std::string remote, key;
    if (!rec) {
      auto addr = ep.address();
      if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
      remote = addr.to_string();
      key = AddressKey(addr);
    }
    Admission a = Admission::kNormal;
    try {
      a = Admit(key);
    } catch (const std::bad_alloc&) {
      a = Admission::kRefuse;
    }
    if (a == Admission::kRefuse) {
      Count("sanad_http_connections_refused_per_address_total",
            "Connections closed at once because their source address held "
            "max_connections_per_address");
      error_code cec;
      socket.close(cec);
      return DoAccept();
    }
    if (a == Admission::kReject)
      Count("sanad_http_connections_rejected_total",
            "Connections refused because max_connections were open");
    std::shared_ptr<SessionBase> s;
    if (ssl_ctx_) {
      auto t = std::make_shared<Session<true>>(this, std::move(socket), &*ssl_ctx_, remote, key, a);
      t->Begin();
      s = t;
    } else {
      auto p = std::make_shared<Session<false>>(this, std::move(socket), nullptr, remote, key, a);
      p->Begin();
      s = p;
    }
    std::lock_guard<std::mutex> l(mu_);
    std::erase_if(sessions_, [](const std::weak_ptr<SessionBase>& w) { return w.expired(); });
    sessions_.push_back(s);
  }
  DoAccept();
}

void ServerImpl::Stop() {
  if (stopping_.exchange(true)) return;
  net::post(acceptor_.get_executor(), [this] {
    error_code ec;
    acceptor_.close(ec);
  });
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& w : sessions_)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->PostShutdown();
}

void ServerImpl::Wait() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (waited_) return;
    waited_ = true;
  }
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  workers_.join();
  streamers_.join();
}

}  // namespace

bool StreamCancelled(const std::ostream& out) {
  const auto* b = dynamic_cast<const ChunkBuf*>(out.rdbuf());
  return b != nullptr && b->cancelled();
}

StatusOr<std::unique_ptr<Server>> Server::Start(const Options& opts, Handler handler) {
  auto s = std::make_unique<ServerImpl>(opts, std::move(handler));
  try {
    SANAD_RETURN_IF_ERROR(s->Init());
  } catch (const std::exception& e) {
    return Status::Io(std::string("starting the server: ") + e.what());
  }
  s->StartThreads();
  return std::unique_ptr<Server>(std::move(s));
}

Status Run(const Options& opts, Handler handler, const std::function<void(int)>& on_ready) {
  // Signals are caught before the server starts, so that a SIGTERM sent as
  // soon as it listens stops it gracefully.
  net::io_context sig_ioc;
  net::signal_set sigs(sig_ioc, SIGTERM, SIGINT);
  auto s = Server::Start(opts, std::move(handler));
  if (!s.ok()) return s.status();
  sigs.async_wait([&](const error_code&, int) { (*s)->Stop(); });
  if (on_ready) on_ready((*s)->port());
  sig_ioc.run();
  (*s)->Wait();
  return Status::Ok();
}

}  // namespace sanad::server
