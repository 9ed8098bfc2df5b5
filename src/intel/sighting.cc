#include "intel/sighting.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "model/canon.h"
#include "model/types.h"
#include "util/util.h"

namespace sanad::intel {

namespace {

constexpr double kSecondsPerDay = 86400.0;

DecayClass ClassOfKind(model::ValueKind k) {
  switch (k) {
    case model::ValueKind::kIp:
      return DecayClass::kIp;
    case model::ValueKind::kHostname:
      return DecayClass::kDomain;
    case model::ValueKind::kUrl:
    case model::ValueKind::kUri:
      return DecayClass::kUrl;
    case model::ValueKind::kHash:
    case model::ValueKind::kSsdeep:
      return DecayClass::kHash;
    default:
      return DecayClass::kOther;
  }
}

// A positive finite number, or false.
bool ParsePositive(const std::string& s, double* out) {
  std::string_view t = util::Trim(s);
  if (t.empty()) return false;
  std::string copy(t);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(copy.c_str(), &end);
  if (errno != 0 || end != copy.c_str() + copy.size() || !std::isfinite(v) || v <= 0) return false;
  *out = v;
  return true;
}

// Reads setting `key` into *value when set.
Status ReadPositiveSetting(store::Store* store, const std::string& key, double* value) {
  auto v = store->settings().GetSetting(key);
  if (!v.ok()) {
    if (v.status().code() == Status::Code::kNotFound) return Status::Ok();
    return v.status();
  }
  if (!ParsePositive(*v, value)) {
    return Status::Invalid("setting " + key + ": expected a positive number, got '" + *v + "'");
  }
  return Status::Ok();
}

// The attribute `v` may see, as an index row plus its event's creator.
struct Located {
  store::IndexRow row;
  store::AttributeContext ctx;
};

StatusOr<Located> Locate(store::Store* store, const policy::Viewer& v, int64_t attribute_id) {
  auto ctx = store->intel().GetAttributeContext(v, attribute_id);
  if (!ctx.ok()) return ctx.status();
  std::vector<store::IndexRow> rows;
  SANAD_RETURN_IF_ERROR(store->intel().UnfilteredGetAttributes({attribute_id}, &rows));
  if (rows.empty()) return Status::NotFound("no attribute with id " + std::to_string(attribute_id));
  return Located{std::move(rows[0]), std::move(*ctx)};
}

}  // namespace

const char* Name(DecayClass c) {
  static constexpr const char* kNames[] = {"ip", "domain", "url", "hash", "other"};
  return util::EnumName(c, kNames, "other");
}

DecayClass ClassifyForDecay(std::string_view attribute_type) {
  const model::TypeInfo* t = model::FindType(attribute_type);
  if (!t) return DecayClass::kOther;
  DecayClass c = ClassOfKind(t->kind1);
  // "filename|sha256": the opaque first part names the file, the hash decides.
  if (c == DecayClass::kOther && t->composite) c = ClassOfKind(t->kind2);
  return c;
}

StatusOr<DecayConfig> LoadDecayConfig(store::Store* store) {
  DecayConfig cfg;
  for (int i = 0; i < kDecayClasses; ++i) {
    SANAD_RETURN_IF_ERROR(ReadPositiveSetting(
        store, std::string("decay.tau.") + Name(static_cast<DecayClass>(i)), &cfg.tau_days[i]));
  }
  SANAD_RETURN_IF_ERROR(ReadPositiveSetting(store, "decay.delta", &cfg.delta));
  return cfg;
}

double Score(const DecayConfig& cfg, std::string_view type, model::Timestamp attribute_timestamp,
             std::span<const model::Sighting> sightings, model::Timestamp now) {
  int64_t seen = 0, false_positive = 0;
  model::Timestamp fresh = attribute_timestamp;
  for (const auto& s : sightings) {
    switch (s.type) {
      case model::SightingType::kSeen:
        ++seen;
        fresh = std::max(fresh, s.date_sighting);
        break;
      case model::SightingType::kFalsePositive:
        ++false_positive;
        break;
      case model::SightingType::kExpiration:
        if (s.date_sighting <= now) return 0.0;
        break;
    }
  }
  double base = cfg.base;
  int64_t excess = false_positive - seen;
  if (excess > 0) base *= std::pow(cfg.false_positive_factor, static_cast<double>(excess));
  double tau = cfg.tau_days[static_cast<int>(ClassifyForDecay(type))] * kSecondsPerDay;
  double t = std::max<double>(0.0, static_cast<double>(now - fresh));
  if (!(tau > 0) || t >= tau) return 0.0;
  double delta = cfg.delta > 0 ? cfg.delta : 1.0;
  double score = base * (1.0 - std::pow(t / tau, 1.0 / delta));
  return std::clamp(score, 0.0, cfg.base);
}

Status AddSighting(store::Store* store, const model::Org& org, const SightingTarget& target,
                   const NewSighting& sighting, std::vector<model::Sighting>* added) {
  added->clear();
  bool by_uuid = !target.attribute_uuid.empty(), by_value = !target.value.empty();
  if (by_uuid == by_value) {
    return Status::Invalid("sighting: give exactly one of an attribute uuid or a value");
  }
  auto viewer = store->community().ViewerFor(org.id);
  if (!viewer.ok()) return viewer.status();
  std::vector<int64_t> ids;
  std::string what;
  if (by_uuid) {
    what = "attribute " + target.attribute_uuid;
    auto id = store->intel().FindAttributeId(target.attribute_uuid);
    // Absent and hidden read the same (below).
    if (id.ok()) {
      ids.push_back(*id);
    } else if (id.status().code() != Status::Code::kNotFound) {
      return id.status();
    }
  } else {
    what = "value '" + target.value + "'";
    std::vector<std::string> values{target.value};
    std::string_view trimmed = util::Trim(target.value);
    if (trimmed != target.value && !trimmed.empty()) values.emplace_back(trimmed);
    model::CanonicalValue cv;
    if (model::Canonicalise(model::GuessType(trimmed), trimmed, &cv).ok()) {
      values.push_back(cv.part1);
      if (!cv.part2.empty()) values.push_back(cv.part2);
    }
    SANAD_RETURN_IF_ERROR(store->intel().FindAttributesByCanonical(values, &ids));
  }
  std::vector<store::IndexRow> rows;
  SANAD_RETURN_IF_ERROR(store->intel().UnfilteredGetAttributes(ids, &rows));
  model::Timestamp when = sighting.time != 0 ? sighting.time : util::Now();
  for (const auto& r : rows) {
    if (!policy::MaySee(*viewer, r.access)) continue;
    model::Sighting s;
    s.attribute_id = r.attribute_id;
    s.org = model::OrgRef{org.id, org.uuid, org.name};
    s.type = sighting.type;
    s.source = sighting.source;
    s.date_sighting = when;
    SANAD_RETURN_IF_ERROR(store->sightings().AddSighting(&s));
    added->push_back(std::move(s));
  }
  if (added->empty()) {
    return Status::NotFound("sighting: no " + std::string(by_uuid ? "" : "attribute with ") + what +
                            " that " + org.name + " may see");
  }
  return Status::Ok();
}

StatusOr<SightingSummary> ListSightings(store::Store* store, const policy::Viewer& v,
                                        int64_t attribute_id, const DecayConfig& cfg,
                                        model::Timestamp now) {
  auto loc = Locate(store, v, attribute_id);
  if (!loc.ok()) return loc.status();
  std::vector<model::Sighting> all;
  SANAD_RETURN_IF_ERROR(store->sightings().ListSightings(attribute_id, &all));
  SightingSummary out;
  out.attribute_id = attribute_id;
  out.attribute_uuid = loc->ctx.attribute.uuid;
  out.type = loc->ctx.attribute.type;
  out.value = loc->ctx.attribute.value;
  out.decay_class = ClassifyForDecay(out.type);
  out.all_details = true;
  for (const auto& s : all) {
    out.counts[static_cast<size_t>(s.type)]++;
    switch (policy::ViewSighting(v, loc->row.access, loc->ctx.event_orgc.id, s.org.id)) {
      case policy::SightingView::kDetails:
        out.details.push_back(s);
        break;
      case policy::SightingView::kCounts:
        out.all_details = false;
        break;
      case policy::SightingView::kNone:
        // Locate checked visibility; the policy agrees or the data moved.
        return Status::NotFound("no attribute with id " + std::to_string(attribute_id));
    }
  }
  out.score = Score(cfg, out.type, loc->ctx.attribute.timestamp, all, now);
  return out;
}

StatusOr<double> ScoreAttribute(store::Store* store, const policy::Viewer& v, int64_t attribute_id,
                                const DecayConfig& cfg, model::Timestamp now) {
  auto loc = Locate(store, v, attribute_id);
  if (!loc.ok()) return loc.status();
  std::vector<model::Sighting> all;
  SANAD_RETURN_IF_ERROR(store->sightings().ListSightings(attribute_id, &all));
  return Score(cfg, loc->ctx.attribute.type, loc->ctx.attribute.timestamp, all, now);
}

}  // namespace sanad::intel
