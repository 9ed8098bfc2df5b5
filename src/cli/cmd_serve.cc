// sanad serve: the HTTP server with the REST API (src/server, src/api).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>

#include "api/api.h"
#include "cli/cli.h"
#include "cli/context.h"
#include "cli/options.h"
#include "cli/register.h"
#include "server/server.h"

namespace sanad::cli {

namespace {

// The server options are parsed straight into `server` (its defaults are
// the command's); the sizes are given in MB and KB.
struct ServeArgs {
  server::Options server;
  std::string access_log = "-";
  double rate_per_minute = 600;
  double rate_burst = 120;
  size_t max_body_mb = 64;
  size_t max_header_kb = 16;
};

int CmdServe(const Context& ctx, const ServeArgs& a) {
  if (a.server.tls_cert.empty() != a.server.tls_key.empty())
    return Usage("--tls-cert and --tls-key go together");
  server::Metrics metrics;
  api::Options ao;
  ao.data_dir = ctx.data_dir;
  ao.rate.per_minute = a.rate_per_minute;
  ao.rate.burst = a.rate_burst;
  auto api = api::Api::Create(ao, &metrics);
  if (!api.ok()) return Fail(api.status());

  std::mutex log_mu;
  std::ofstream log_file;
  std::ostream* log = nullptr;
  if (a.access_log == "-") {
    log = &std::cerr;
  } else if (!a.access_log.empty() && a.access_log != "none") {
    log_file.open(a.access_log, std::ios::app);
    if (!log_file) return Fail(Status::Io("--access-log " + a.access_log + ": cannot open"));
    log = &log_file;
  }

  server::Options so = a.server;
  so.max_body_bytes = a.max_body_mb << 20;
  so.max_header_bytes = a.max_header_kb << 10;
  so.metrics = &metrics;
  if (log) {
    so.access_log = [&log_mu, log](const std::string& line) {
      std::lock_guard<std::mutex> l(log_mu);
      *log << line << '\n' << std::flush;
    };
  }
  api::Api* handler = api->get();
  Status st = server::Run(
      so, [handler](const server::Request& q, server::Response* r) { handler->Handle(q, r); },
      [&](int port) {
        if (!ctx.quiet) {
          std::string host = so.listen.substr(0, so.listen.rfind(':'));
          std::printf("sanad: listening on %s://%s:%d\n", so.tls_cert.empty() ? "http" : "https",
                      host.c_str(), port);
          std::fflush(stdout);
        }
      });
  if (!st.ok()) return Fail(st);
  if (!ctx.quiet) std::printf("sanad: stopped\n");
  return kExitOk;
}

}  // namespace

void RegisterServeCommands(CLI::App* app, Context* ctx, int* rc) {
  static ServeArgs a;
  auto* c = AddCommand(app, "serve", "Run the HTTP server with the REST API (docs/api.md)", rc,
                       [ctx] { return CmdServe(*ctx, a); });
  c->add_option("--listen", a.server.listen, "ADDR:PORT ([v6]:PORT); port 0 picks a free port")
      ->capture_default_str();
  c->add_option("--tls-cert", a.server.tls_cert, "PEM certificate chain (enables TLS)");
  c->add_option("--tls-key", a.server.tls_key, "PEM private key");
  c->add_option("--threads", a.server.io_threads, "Network threads")->capture_default_str();
  c->add_option("--stream-threads", a.server.stream_threads,
                "Threads producing streamed answers (exports, match); slow clients hold these")
      ->capture_default_str();
  c->add_option("--workers", a.server.worker_threads,
                "Request worker threads (one store connection each)")
      ->capture_default_str();
  c->add_option("--access-log", a.access_log, "Access log file; '-' = stderr, 'none' = off")
      ->capture_default_str();
  c->add_option("--rate-limit", a.rate_per_minute, "Requests per minute per API key (0 = off)")
      ->capture_default_str();
  c->add_option("--rate-burst", a.rate_burst, "Burst size per API key")->capture_default_str();
  c->add_option("--max-body-mb", a.max_body_mb, "Largest request body")->capture_default_str();
  c->add_option("--max-header-kb", a.max_header_kb, "Largest request header")
      ->capture_default_str();
  c->add_option("--max-connections", a.server.max_connections, "Open connections before 503")
      ->capture_default_str();
  c->add_option("--max-connections-per-address", a.server.max_connections_per_address,
                "Open connections per source address (IPv6: per /64) before further ones are "
                "closed at once; 0 = no limit")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  c->add_option("--reserved-authenticated-connections", a.server.reserved_authenticated_connections,
                "Connection slots kept for clients that send an API key")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  c->add_option("--request-timeout", a.server.request_timeout_seconds,
                "Seconds to receive a request (and keep-alive idle time)")
      ->capture_default_str();
  c->add_option("--header-timeout", a.server.header_timeout_seconds,
                "Seconds for a new connection to send its first request header (TLS handshake "
                "included)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

}  // namespace sanad::cli
