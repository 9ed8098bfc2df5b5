// JSON forms of the membership module's views, shared by the CLI (--json)
// and the REST API (docs/membership.md lists the fields), and the reading of
// an application request body. Times are ISO-8601 UTC strings (null when not
// yet).
#pragma once

#include <boost/json.hpp>

#include <string_view>
#include <vector>

#include "membership/membership.h"

namespace sanad::membership {

boost::json::object ToJson(const ApplicationView& v);
boost::json::object ToJson(const std::vector<ApplicationView>& v);  // {"applications": [...]}
boost::json::object ToJson(const VoteView& v);
boost::json::object ToJson(const std::vector<VoteView>& v);  // {"votes": [...]}
boost::json::object ToJson(const Register& r);
boost::json::object ToJson(const model::BoardTerm& t);
boost::json::object ToJson(const std::vector<AudienceWarning>& w);  // {"warnings": [...]}

// {"name", "country", "kind", "category", "profile": {...}, "uuid"}; errors
// name the member ("$.country: ...").
StatusOr<ApplicationInput> ParseApplicationJson(std::string_view json);

}  // namespace sanad::membership
