#include "detect/json.h"

namespace sanad::detect {

namespace json = boost::json;

json::object ToJson(const Hit& h, const Indicator& ind, const HitContext& ctx) {
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
  return o;
}

}  // namespace sanad::detect
