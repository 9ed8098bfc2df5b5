// The JSON form of one hit (detect.h: HitJson).
#include <boost/json.hpp>

#include "detect/detect.h"

namespace sanad::detect {

std::string HitJson(const Hit& h, const Indicator& ind, const HitContext& ctx) {
  namespace json = boost::json;
  json::object o{{"file", ctx.source},
                 {"line", h.line},
                 {"offset", h.offset},
                 {"observable", h.observable},
                 {"match", MatchKindName(h.kind)}};
  if (!h.field.empty()) o["field"] = h.field;
  o["attribute_uuid"] = ctx.attribute_uuid;
  o["event_uuid"] = ctx.event_uuid;
  o["type"] = ind.type;
  o["value"] = ind.value;
  if (ctx.tlp.empty()) {
    o["tlp"] = nullptr;
  } else {
    o["tlp"] = ctx.tlp;
  }
  return json::serialize(o);
}

}  // namespace sanad::detect
