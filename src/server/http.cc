#include "server/http.h"

#include "util/json_writer.h"
#include "util/util.h"

namespace sanad::server {

const std::string* Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (util::EqualsIgnoreCase(k, name)) return &v;
  return nullptr;
}

const std::string* Request::Query(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return &v;
  return nullptr;
}

std::vector<std::string> Request::QueryAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : query)
    if (k == name) out.push_back(v);
  return out;
}

std::string ErrorBody(std::string_view code, std::string_view message,
                      std::string_view details_json) {
  std::string out = "{\"error\": {\"code\": " + util::JsonQuote(code) +
                    ", \"message\": " + util::JsonQuote(message) + ", \"details\": ";
  out.append(details_json.empty() ? std::string_view("{}") : details_json);
  out += "}}\n";
  return out;
}

void SetError(Response* r, int status, std::string_view code, std::string_view message,
              std::string_view details_json) {
  r->status = status;
  r->content_type = "application/json";
  r->stream = nullptr;
  r->body = ErrorBody(code, message, details_json);
  r->log_error = std::string(code) + ": " + std::string(message);
}

bool PercentDecode(std::string_view s, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return false;
      int hi = util::HexDigitValue(s[i + 1]);
      int lo = util::HexDigitValue(s[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool ParseTarget(std::string_view target, std::string* path,
                 std::vector<std::pair<std::string, std::string>>* query) {
  query->clear();
  if (target.empty() || target[0] != '/') return false;
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  if (!PercentDecode(raw_path, false, path)) return false;
  if (path->find('\0') != std::string::npos) return false;
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view part = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string k, v;
    if (!PercentDecode(part.substr(0, eq), true, &k)) return false;
    if (eq != std::string_view::npos && !PercentDecode(part.substr(eq + 1), true, &v)) return false;
    query->emplace_back(std::move(k), std::move(v));
  }
  return true;
}

}  // namespace sanad::server
