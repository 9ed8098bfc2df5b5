// Transport-neutral HTTP request and response, shared by the server (which
// speaks HTTP with Boost.Beast) and the REST API (which never includes Beast).
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace sanad::server {

struct Request {
  std::string method;  // "GET", "POST", ... (upper case, as received)
  std::string target;  // as received: path and query
  std::string path;    // percent-decoded path, without the query
  // Percent-decoded query parameters in order ('+' reads as a space);
  // repeated names appear repeatedly.
  std::vector<std::pair<std::string, std::string>> query;
  // Header fields with lower-case names, in order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_ip;   // peer address, canonical text
  std::string request_id;  // random, also sent back as X-Request-Id

  // The first header / query value named `name` (headers: case-insensitive
  // name), or nullptr.
  const std::string* Header(std::string_view name) const;
  const std::string* Query(std::string_view name) const;
  std::vector<std::string> QueryAll(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra header fields
  std::string body;
  // When set, the body is produced by this function instead of `body` and
  // sent with chunked transfer encoding as it is written: the server hands
  // `out` to it on a worker thread and at most two chunks of kStreamChunk
  // bytes are buffered, so memory stays bounded whatever the size. A non-ok
  // result (or a write failure when the client goes away) ends the connection
  // without the final chunk, so that clients see a truncated body. When the
  // client goes away or the server stops, the stream is cancelled: writes to
  // `out` fail and StreamCancelled(out) turns true.
  std::function<Status(std::ostream& out)> stream;
  // Who made the request and what went wrong, for the access log only.
  std::string log_org, log_user, log_key, log_error;
  // Set by the handler when it accepted the request's credentials. From then
  // on the connection is "authenticated" and may use the connection slots the
  // server keeps for authenticated clients (Options::reserved_authenticated_
  // connections). A response naming a key (log_key) whose status is not 401
  // or 403 counts as authenticated too.
  bool authenticated = false;
};

// For stream functions (Response::stream), which may poll it cheaply: true
// once the client has gone away (the server notices a closed or reset
// connection within a fraction of a second, even while nothing is written)
// or the server is stopping. From then on writes to `out` fail; a producer
// should stop and return. False for an ostream that is not the server's.
bool StreamCancelled(const std::ostream& out);

inline constexpr size_t kStreamChunk = 64 << 10;

// Called for each request on a worker thread; several calls may run at once.
using Handler = std::function<void(const Request&, Response*)>;

// The JSON error body every error response carries:
// {"error": {"code": code, "message": message, "details": details_json}}.
// `details_json` is a JSON value text ("{}" when empty).
std::string ErrorBody(std::string_view code, std::string_view message,
                      std::string_view details_json = "{}");
// Fills `r` with an error response.
void SetError(Response* r, int status, std::string_view code, std::string_view message,
              std::string_view details_json = "{}");

// Percent-decodes `s`; '+' becomes a space when `plus_is_space`. Returns false
// on a malformed escape.
bool PercentDecode(std::string_view s, bool plus_is_space, std::string* out);
// Splits a request target into decoded path and query. False when malformed.
bool ParseTarget(std::string_view target, std::string* path,
                 std::vector<std::pair<std::string, std::string>>* query);

}  // namespace sanad::server
