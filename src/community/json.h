// JSON forms of the community's records (organisations, users, API keys,
// sharing groups), shared by the CLI (--json) and the REST API (docs/api.md
// lists the fields). Times are ISO-8601 UTC strings, enums their model Name().
//
// Where the CLI's --json output predates the API and is shorter, both forms
// are kept byte for byte (golden tests): Shape::kCli names the CLI's form.
#pragma once

#include <boost/json.hpp>

#include "model/model.h"

namespace sanad::community {

enum class Shape {
  kApi,  // the REST API's bodies
  kCli,  // the CLI's --json listings
};

// {"uuid", "name", "country", "kind", "category", "status", "chair",
// "description", "created"} (both shapes).
boost::json::object ToJson(const model::Org& o);
// {"uuid", "name"}.
boost::json::object ToJson(const model::OrgRef& o);
// kApi: {"id", "email", "org", "role", "disabled", "created"};
// kCli: the same without "id".
boost::json::object ToJson(const model::User& u, Shape shape = Shape::kApi);
// {"id", "prefix", "created", "read_only", "allowed_cidrs": [...], "revoked",
// "expires" (null when never)}. Never the key's hash.
boost::json::object ToJson(const model::ApiKey& k);
// kApi: {"uuid", "name", "releasability", "description", "owner": OrgRef,
// "members": [OrgRef], "created", "modified"};
// kCli: {"uuid", "name", "releasability", "owner": name, "members": [OrgRef]}.
boost::json::object ToJson(const model::SharingGroup& g, Shape shape = Shape::kApi);

}  // namespace sanad::community
