// JSON forms of the detection module's views, shared by `sanad match` and
// POST /api/v1/match (docs/api.md lists the fields).
#pragma once

#include <boost/json.hpp>

#include "detect/detect.h"

namespace sanad::detect {

// One hit, written as one JSON line by both callers: {"file", "line",
// "offset", "observable", "match", "field" (field formats only),
// "attribute_uuid", "event_uuid", "type", "value", "tlp" (null when
// unmarked)}.
boost::json::object ToJson(const Hit& h, const Indicator& ind, const HitContext& ctx);

}  // namespace sanad::detect
