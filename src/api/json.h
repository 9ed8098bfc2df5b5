// JSON helpers of the API handlers (internal to src/api): serialisation of
// model types, request-body and query-parameter parsing, cursors, roles.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth.h"
#include "model/model.h"
#include "server/http.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::api {

namespace json = boost::json;

// ---- output ----
// Views of model records live with the module that owns the record
// (community/json.h, intel/json.h, membership/json.h, incident/json.h,
// detect/json.h); only what is the API's own stays here.

// uuid, info, date, timestamps, published, distribution, threat level,
// analysis, org, orgc, sharing group, tag names, attribute/object counts.
json::object EventSummaryJson(const model::Event& ev);
// Compact JSON text plus a newline.
std::string Text(const json::value& v);

// ---- request bodies ----
// The body as a JSON object; Invalid naming the problem otherwise.
StatusOr<json::object> BodyObject(const server::Request& req);
// Typed members; a missing optional member leaves *out unchanged. Errors are
// Invalid and name the member ("$.name: ...").
Status GetString(const json::object& o, std::string_view key, std::string* out, bool required);
Status GetBool(const json::object& o, std::string_view key, bool* out);
// Unix seconds (number) or an ISO-8601 / YYYY-MM-DD string.
Status GetTime(const json::object& o, std::string_view key, int64_t* out);
Status GetStringList(const json::object& o, std::string_view key, std::vector<std::string>* out);

// ---- query parameters ----
// "true"/"false"/"1"/"0"; Invalid otherwise.
Status QueryBool(const server::Request& req, std::string_view name, std::optional<bool>* out);
// Unix seconds, YYYY-MM-DD or ISO-8601.
Status QueryTime(const server::Request& req, std::string_view name, std::optional<int64_t>* out);
// limit=1..max (default `def`).
Status QueryLimit(const server::Request& req, int64_t def, int64_t max, int64_t* out);

// Opaque pagination cursors (they encode the last id delivered).
std::string EncodeCursor(int64_t last_id);
bool DecodeCursor(std::string_view cursor, int64_t* last_id);

}  // namespace sanad::api
