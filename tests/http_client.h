// A small synchronous HTTP/1.1 client for the server and API tests
// (Boost.Beast, plain or TLS without certificate verification). Header-only:
// included by tests/server and tests/api.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sanad::testing {

class HttpClient {
 public:
  struct Reply {
    int status = 0;  // 0: no reply (connection failed or closed)
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
    bool keep_alive = false;
    std::string error;  // transport error text when status == 0
    std::string Header(const std::string& name) const {
      auto it = headers.find(name);
      return it == headers.end() ? "" : it->second;
    }
  };

  explicit HttpClient(int port, bool tls = false) : port_(port), tls_(tls) {}

  // Sends one request on the current connection (connecting first when
  // needed). `auth` non-empty sets Authorization to it verbatim.
  Reply Send(const std::string& method, const std::string& target, const std::string& body = "",
             const std::string& auth = "",
             const std::vector<std::pair<std::string, std::string>>& extra = {}) {
    namespace http = boost::beast::http;
    Reply r;
    try {
      if (!connected_) Connect();
      http::request<http::string_body> req;
      req.method_string(method);
      req.target(target);
      req.version(11);
      req.set(http::field::host, "127.0.0.1");
      if (!auth.empty()) req.set(http::field::authorization, auth);
      if (!body.empty()) req.set(http::field::content_type, "application/json");
      for (const auto& [k, v] : extra) req.set(k, v);
      req.body() = body;
      req.prepare_payload();
      if (tls_) {
        http::write(*tls_stream_, req);
      } else {
        http::write(*tcp_stream_, req);
      }
      return Read();
    } catch (const std::exception& e) {
      connected_ = false;
      r.error = e.what();
      return r;
    }
  }

  // Writes raw bytes and reads one reply.
  Reply Raw(const std::string& bytes) {
    Reply r;
    try {
      if (!connected_) Connect();
      WriteRaw(bytes);
      return Read();
    } catch (const std::exception& e) {
      connected_ = false;
      r.error = e.what();
      return r;
    }
  }

  void WriteRaw(const std::string& bytes) {
    if (!connected_) Connect();
    if (tls_) {
      boost::asio::write(*tls_stream_, boost::asio::buffer(bytes));
    } else {
      boost::asio::write(tcp_stream_->socket(), boost::asio::buffer(bytes));
    }
  }

  // Reads up to `n` bytes of raw data (for streaming tests); returns what came.
  std::string ReadSome(size_t n) {
    std::string out(n, '\0');
    boost::system::error_code ec;
    size_t got = tls_ ? tls_stream_->read_some(boost::asio::buffer(out), ec)
                      : tcp_stream_->socket().read_some(boost::asio::buffer(out), ec);
    out.resize(ec ? 0 : got);
    return out;
  }

  // True when the server has closed the connection (a read returns EOF or an
  // error within the socket's timeout).
  bool ServerClosed() {
    char c;
    boost::system::error_code ec;
    if (tls_) {
      tls_stream_->read_some(boost::asio::buffer(&c, 1), ec);
    } else {
      tcp_stream_->socket().read_some(boost::asio::buffer(&c, 1), ec);
    }
    return static_cast<bool>(ec);
  }

  void Close() {
    boost::system::error_code ec;
    if (tcp_stream_) tcp_stream_->socket().close(ec);
    if (tls_stream_) boost::beast::get_lowest_layer(*tls_stream_).socket().close(ec);
    connected_ = false;
  }

  bool connected() const { return connected_; }

 private:
  void Connect() {
    namespace net = boost::asio;
    using tcp = net::ip::tcp;
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_));
    if (tls_) {
      ssl_ctx_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
      ssl_ctx_->set_verify_mode(net::ssl::verify_none);
      tls_stream_ =
          std::make_unique<boost::beast::ssl_stream<boost::beast::tcp_stream>>(ioc_, *ssl_ctx_);
      boost::beast::get_lowest_layer(*tls_stream_).connect(ep);
      tls_stream_->handshake(net::ssl::stream_base::client);
    } else {
      tcp_stream_ = std::make_unique<boost::beast::tcp_stream>(ioc_);
      tcp_stream_->connect(ep);
    }
    buffer_.clear();
    connected_ = true;
  }

  Reply Read() {
    namespace http = boost::beast::http;
    Reply r;
    http::response_parser<http::string_body> p;
    p.body_limit((std::numeric_limits<std::uint64_t>::max)());
    p.header_limit(1 << 20);
    if (tls_) {
      http::read(*tls_stream_, buffer_, p);
    } else {
      http::read(*tcp_stream_, buffer_, p);
    }
    auto& m = p.get();
    r.status = static_cast<int>(m.result_int());
    r.body = m.body();
    r.keep_alive = m.keep_alive();
    for (const auto& f : m) {
      std::string k(f.name_string());
      for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[k] = std::string(f.value());
    }
    if (!r.keep_alive) connected_ = false;
    return r;
  }

  int port_;
  bool tls_;
  bool connected_ = false;
  boost::asio::io_context ioc_;
  std::unique_ptr<boost::asio::ssl::context> ssl_ctx_;
  std::unique_ptr<boost::beast::tcp_stream> tcp_stream_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace sanad::testing
