// Hits as readers see them (detect.h: HitResolver, HitJson).
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

StatusOr<const HitResolver::Info*> HitResolver::Resolve(int64_t attribute_id) {
  auto it = cache_.find(attribute_id);
  if (it != cache_.end()) return &it->second;
  Info r;
  auto c = s_->GetAttributeContext(v_, attribute_id);
  if (c.ok()) {
    r.visible = true;
    r.attribute_uuid = c->attribute.uuid;
    r.event_uuid = c->event_uuid;
    r.event_info = c->event_info;
    r.owner_org_uuid = c->event_orgc.uuid;
    r.tlp = model::TlpLabel(c->tlp);
    r.sensitive = c->tlp == model::Tlp::kAmber || c->tlp == model::Tlp::kAmberStrict ||
                  c->tlp == model::Tlp::kRed;
  } else if (c.status().code() != Status::Code::kNotFound) {
    return c.status();
  }
  return &cache_.emplace(attribute_id, std::move(r)).first->second;
}

}  // namespace sanad::detect
