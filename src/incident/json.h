// JSON forms of the incident module's views, shared by the CLI (--json,
// export) and the REST API (docs/incidents.md lists the fields). Times are
// ISO-8601 UTC strings (null when not yet), enums their store Name() text.
#pragma once

#include <boost/json.hpp>

#include "incident/incident.h"

namespace sanad::incident {

boost::json::object ToJson(const model::Incident& inc);
boost::json::object ToJson(const ClockView& c);
boost::json::object ToJson(const IncidentSummary& s);
boost::json::object ToJson(const IncidentView& v);
boost::json::object ToJson(const model::IncidentReport& r);
boost::json::object ToJson(const model::Indicator& i);
boost::json::object ToJson(const model::Rfa& r);
boost::json::object ToJson(const RfaView& r);
boost::json::object ToJson(const model::Offer& o);
boost::json::object ToJson(const model::Task& t);
boost::json::object ToJson(const TaskView& t);
boost::json::object ToJson(const model::TaskLog& l);
boost::json::object ToJson(const model::Comment& c);
boost::json::object ToJson(const model::TimelineEntry& e);
boost::json::object ToJson(const SeenIndicator& s);
boost::json::object ToJson(const Responsiveness& r);
boost::json::object ToJson(const SlaTargets& t);

}  // namespace sanad::incident
