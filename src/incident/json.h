// JSON forms of the incident module's views, shared by the CLI (--json,
// export) and the REST API (docs/incidents.md lists the fields). Times are
// ISO-8601 UTC strings (null when not yet), enums their store Name() text.
#pragma once

#include <boost/json.hpp>

#include "incident/incident.h"

namespace sanad::incident {

boost::json::object ToJson(const store::Incident& inc);
boost::json::object ToJson(const ClockView& c);
boost::json::object ToJson(const IncidentSummary& s);
boost::json::object ToJson(const IncidentView& v);
boost::json::object ToJson(const store::IncidentReport& r);
boost::json::object ToJson(const store::Indicator& i);
boost::json::object ToJson(const store::Rfa& r);
boost::json::object ToJson(const RfaView& r);
boost::json::object ToJson(const store::Offer& o);
boost::json::object ToJson(const store::Task& t);
boost::json::object ToJson(const TaskView& t);
boost::json::object ToJson(const store::TaskLog& l);
boost::json::object ToJson(const store::Comment& c);
boost::json::object ToJson(const store::TimelineEntry& e);
boost::json::object ToJson(const SeenIndicator& s);
boost::json::object ToJson(const Responsiveness& r);
boost::json::object ToJson(const SlaTargets& t);

}  // namespace sanad::incident
