// The HTTP server: Boost.Beast on Asio, asynchronous, HTTP/1.1 keep-alive,
// optional TLS (OpenSSL). It knows nothing of the API: it parses requests,
// enforces transport limits, calls a Handler on a worker thread, writes the
// response (streamed responses with chunked encoding and bounded memory),
// writes one access-log line per request and counts Prometheus metrics.
//
// Threads: `io_threads` run the network (sessions are strand-serialised);
// `worker_threads` run handlers, which may block on the store;
// `stream_threads` produce streamed bodies.
//
// Limits (answered with the JSON error shape of http.h, then the connection
// is closed): header larger than max_header_bytes -> 431; body larger than
// max_body_bytes (by Content-Length, or while reading a chunked body) -> 413;
// more than max_connections open -> 503 on the first request; a request not
// received completely within request_timeout_seconds, or a keep-alive
// connection idle that long -> closed; malformed HTTP -> 400.
//
// Connection slots (against one client holding them all, docs/operations.md
// "Connection limits"): a source address (IPv4 address, IPv6 /64) holding
// max_connections_per_address connections has further ones closed at once,
// unanswered; a new connection must complete its TLS handshake and its first
// request header within header_timeout_seconds; and once the connections
// that have not made an authenticated request hold max_connections -
// reserved_authenticated_connections slots, a new connection is served only
// for requests carrying an Authorization header (others get 503), so that
// members keep getting in while anonymous sockets pile up.
//
// Stop() is graceful: the listener closes, idle keep-alive connections are
// closed, requests being read or handled finish and their responses are sent
// (with "Connection: close"); streamed responses are cancelled (their
// producers see StreamCancelled and the body ends without its final chunk);
// Wait() returns when every connection is gone.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/http.h"
#include "server/metrics.h"
#include "util/status.h"

namespace sanad::server {

struct Options {
  std::string listen = "127.0.0.1:8443";  // ADDR:PORT, IPv6 as [ADDR]:PORT; port 0 = any free port
  std::string tls_cert;                   // PEM certificate chain; with tls_key enables TLS
  std::string tls_key;                    // PEM private key
  int io_threads = 2;
  int worker_threads = 2;
  // Threads producing streamed bodies (Response::stream); a client that
  // reads slowly holds one of these, never a request worker. More
  // concurrent streams than threads wait for a free one.
  int stream_threads = 4;
  size_t max_header_bytes = 16 << 10;
  size_t max_body_bytes = 64u << 20;
  int request_timeout_seconds = 30;
  int max_connections = 1024;
  // Open connections from one source address (IPv6: one /64) before further
  // connections from it are closed at once, unanswered. 0 = no limit.
  int max_connections_per_address = 64;
  // Slots of max_connections kept for connections that have made an
  // authenticated request (Response::authenticated) or whose requests carry
  // an Authorization header. 0 = none kept; at most max_connections - 1.
  int reserved_authenticated_connections = 256;
  // A connection that has not yet sent one complete request must finish its
  // TLS handshake and first request header within this many seconds (the
  // body then has request_timeout_seconds). Shorter than the request timeout
  // so that idle sockets that never send anything are dropped early; capped
  // by request_timeout_seconds.
  int header_timeout_seconds = 10;
  // One JSON object per request (see docs/api.md "Access log"); called from
  // io threads, must be thread-safe. Empty: no access log.
  std::function<void(const std::string& line)> access_log;
  Metrics* metrics = nullptr;  // optional, not owned
};

class Server {
 public:
  // Binds, listens and starts the threads. Invalid for a bad listen address
  // or unreadable TLS files, Io when the address cannot be bound.
  static StatusOr<std::unique_ptr<Server>> Start(const Options& opts, Handler handler);
  virtual ~Server() = default;  // implementations Stop() and Wait()

  // The bound port (useful with port 0).
  virtual int port() const = 0;
  virtual bool tls() const = 0;
  // Graceful stop; callable from any thread, any number of times.
  virtual void Stop() = 0;
  // Blocks until the server has stopped and every thread has ended.
  virtual void Wait() = 0;
};

// Starts a server and runs it until SIGTERM or SIGINT, then stops it
// gracefully. `on_ready` (may be empty) is called with the bound port once
// the server listens.
Status Run(const Options& opts, Handler handler, const std::function<void(int port)>& on_ready);

}  // namespace sanad::server
