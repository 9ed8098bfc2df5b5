#include "api/json.h"

#include <algorithm>
#include <cstring>

#include "community/json.h"
#include "policy/policy.h"
#include "util/util.h"

namespace sanad::api {

json::object EventSummaryJson(const model::Event& ev) {
  json::array tags;
  for (const auto& t : ev.tags)  // summaries list shared tags only
    if (policy::ShowTag(t, /*local_tags_visible=*/false)) tags.emplace_back(t.name);
  size_t attrs = ev.attributes.size();
  for (const auto& o : ev.objects) attrs += o.attributes.size();
  json::object o{{"uuid", ev.uuid},
                 {"info", ev.info},
                 {"date", ev.date},
                 {"timestamp", ev.timestamp},
                 {"published", ev.published},
                 {"publish_timestamp", ev.publish_timestamp},
                 {"distribution", static_cast<int>(ev.distribution)},
                 {"threat_level_id", ev.threat_level_id},
                 {"analysis", ev.analysis},
                 {"org", community::ToJson(ev.org)},
                 {"orgc", community::ToJson(ev.orgc)},
                 {"tags", std::move(tags)},
                 {"attribute_count", attrs},
                 {"object_count", ev.objects.size()},
                 {"deleted", ev.deleted}};
  if (ev.distribution == model::Distribution::kSharingGroup)
    o["sharing_group"] = {{"uuid", ev.sharing_group.uuid}, {"name", ev.sharing_group.name}};
  const char* tlp = model::TlpLabel(model::StrictestTlp(ev.tags));
  o["tlp"] = *tlp ? json::value(tlp) : json::value(nullptr);
  return o;
}

std::string Text(const json::value& v) { return json::serialize(v) + "\n"; }

StatusOr<json::object> BodyObject(const server::Request& req) {
  if (util::Trim(req.body).empty())
    return Status::Invalid("request body: empty; a JSON object is required");
  boost::system::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec) return Status::Invalid("request body: not valid JSON: " + ec.message());
  if (!v.is_object()) return Status::Invalid("request body: a JSON object is required");
  return std::move(v.as_object());
}

Status GetString(const json::object& o, std::string_view key, std::string* out, bool required) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return Status::Invalid("$." + std::string(key) + ": required");
    return Status::Ok();
  }
  if (!v->is_string()) return Status::Invalid("$." + std::string(key) + ": must be a string");
  *out = std::string(v->as_string());
  return Status::Ok();
}

Status GetBool(const json::object& o, std::string_view key, bool* out) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return Status::Ok();
  if (!v->is_bool()) return Status::Invalid("$." + std::string(key) + ": must be true or false");
  *out = v->as_bool();
  return Status::Ok();
}

namespace {
bool ParseTimeText(std::string_view s, int64_t* out) {
  if (!s.empty() && s.size() <= 12 && std::all_of(s.begin(), s.end(), ::isdigit)) {
    *out = std::stoll(std::string(s));
    return true;
  }
  return util::ParseIso8601(s, out);
}
}  // namespace

Status GetTime(const json::object& o, std::string_view key, int64_t* out) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return Status::Ok();
  if (v->is_int64() && v->as_int64() >= 0) {
    *out = v->as_int64();
    return Status::Ok();
  }
  if (v->is_uint64()) {
    *out = static_cast<int64_t>(v->as_uint64());
    return Status::Ok();
  }
  if (v->is_string() && ParseTimeText(v->as_string(), out)) return Status::Ok();
  return Status::Invalid("$." + std::string(key) +
                         ": must be Unix seconds or an ISO-8601 date/time");
}

Status GetStringList(const json::object& o, std::string_view key, std::vector<std::string>* out) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return Status::Ok();
  if (!v->is_array())
    return Status::Invalid("$." + std::string(key) + ": must be an array of strings");
  out->clear();
  size_t i = 0;
  for (const auto& e : v->as_array()) {
    if (!e.is_string())
      return Status::Invalid("$." + std::string(key) + "[" + std::to_string(i) +
                             "]: must be a string");
    out->emplace_back(e.as_string());
    ++i;
  }
  return Status::Ok();
}

Status QueryBool(const server::Request& req, std::string_view name, std::optional<bool>* out) {
  const std::string* v = req.Query(name);
  if (!v) return Status::Ok();
  if (*v == "true" || *v == "1") {
    *out = true;
  } else if (*v == "false" || *v == "0") {
    *out = false;
  } else {
    return Status::Invalid("query parameter " + std::string(name) + ": '" + *v +
                           "' is not true or false");
  }
  return Status::Ok();
}

Status QueryTime(const server::Request& req, std::string_view name, std::optional<int64_t>* out) {
  const std::string* v = req.Query(name);
  if (!v) return Status::Ok();
  int64_t t = 0;
  if (!ParseTimeText(*v, &t))
    return Status::Invalid("query parameter " + std::string(name) + ": '" + *v +
                           "' is not Unix seconds or an ISO-8601 date/time");
  *out = t;
  return Status::Ok();
}

Status QueryLimit(const server::Request& req, int64_t def, int64_t max, int64_t* out) {
  const std::string* v = req.Query("limit");
  *out = def;
  if (!v) return Status::Ok();
  if (v->empty() || v->size() > 9 || !std::all_of(v->begin(), v->end(), ::isdigit) ||
      std::stoll(*v) < 1 || std::stoll(*v) > max)
    return Status::Invalid("query parameter limit: '" + *v + "' is not an integer from 1 to " +
                           std::to_string(max));
  *out = std::stoll(*v);
  return Status::Ok();
}

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}

// base64url (no padding) of "e1:<id>": opaque to clients, versioned for us.
std::string EncodeCursor(int64_t last_id) {
  std::string raw = "e1:" + std::to_string(last_id);
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : raw) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kB64[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kB64[(acc << (6 - bits)) & 63];
  return out;
}

bool DecodeCursor(std::string_view cursor, int64_t* last_id) {
  if (cursor.empty() || cursor.size() > 64) return false;
  std::string raw;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : cursor) {
    const char* p = std::strchr(kB64, c);
    if (!p || c == '\0') return false;
    acc = (acc << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      raw += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (raw.size() < 4 || raw.compare(0, 3, "e1:") != 0) return false;
  std::string_view num = std::string_view(raw).substr(3);
  if (num.size() > 18 || !std::all_of(num.begin(), num.end(), ::isdigit)) return false;
  *last_id = std::stoll(std::string(num));
  return true;
}

}  // namespace sanad::api
