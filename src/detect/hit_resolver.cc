// HitResolver (detect.h): what a reader may learn of the attribute behind a
// hit, loaded through the policy once per attribute.
#include "detect/detect.h"

namespace sanad::detect {

StatusOr<const HitResolver::Info*> HitResolver::Resolve(int64_t attribute_id) {
  auto it = cache_.find(attribute_id);
  if (it != cache_.end()) return &it->second;
  Info r;
  auto c = s_->intel().GetAttributeContext(v_, attribute_id);
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
