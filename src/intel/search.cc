#include "intel/search.h"

#include <algorithm>
#include <map>

#include "model/canon.h"
#include "util/util.h"

namespace sanad::intel {

namespace {

bool HasTag(const store::AttributeContext& c, std::string_view name) {
  for (const auto& t : c.attribute.tags) {
    if (util::EqualsIgnoreCase(t.name, name)) return true;
  }
  for (const auto& t : c.event_tags) {
    if (util::EqualsIgnoreCase(t.name, name)) return true;
  }
  return false;
}

bool OneOf(const std::vector<std::string>& set, std::string_view v) {
  for (const auto& s : set) {
    if (util::EqualsIgnoreCase(s, v)) return true;
  }
  return false;
}

bool Passes(const store::AttributeContext& c, const SearchFilters& f) {
  const model::Attribute& a = c.attribute;
  if (!f.types.empty() && !OneOf(f.types, a.type)) return false;
  if (!f.categories.empty() && !OneOf(f.categories, a.category)) return false;
  if (!f.any_tags.empty()) {
    bool any = false;
    for (const auto& t : f.any_tags) any = any || HasTag(c, t);
    if (!any) return false;
  }
  for (const auto& t : f.all_tags) {
    if (!HasTag(c, t)) return false;
  }
  for (const auto& t : f.not_tags) {
    if (HasTag(c, t)) return false;
  }
  if (!f.org.empty() && !util::EqualsIgnoreCase(c.event_orgc.name, f.org) &&
      !util::EqualsIgnoreCase(c.event_orgc.uuid, f.org)) {
    return false;
  }
  if (!f.from.empty() && c.event_date < f.from) return false;
  if (!f.to.empty() && c.event_date > f.to) return false;
  if (f.since && a.timestamp < *f.since) return false;
  if (f.to_ids && a.to_ids != *f.to_ids) return false;
  if (f.published && c.event_published != *f.published) return false;
  return true;
}

}  // namespace

void AddTagFilters(const std::vector<std::string>& tags, SearchFilters* f) {
  for (const auto& t : tags) {
    if (!t.empty() && t[0] == '!') {
      if (t.size() > 1) f->not_tags.push_back(t.substr(1));
    } else if (!t.empty()) {
      f->any_tags.push_back(t);
    }
  }
}

Status DescribeCorrelations(store::Store* s, const policy::Viewer& v, const CorrelationResult& r,
                            std::vector<CorrelatedAttribute>* out) {
  out->clear();
  for (const auto& ev : r.events) {
    for (const auto& m : ev.matches) {
      auto c = s->intel().GetAttributeContext(v, m.attribute_id);
      if (!c.ok()) {
        if (c.status().code() == Status::Code::kNotFound) continue;
        return c.status();
      }
      out->push_back({m, std::move(*c)});
    }
  }
  return Status::Ok();
}

Status Search(store::Store* s, const CorrelationIndex& index, const CorrelationSettings& settings,
              const policy::Viewer& v, const std::vector<std::string>& values,
              const SearchFilters& f, SearchResult* out) {
  out->hits.clear();
  out->truncated = false;
  struct Found {
    std::string query;
    CorrelationRule rule;
  };
  std::map<int64_t, Found> found;  // attribute id -> first way it was found
  for (const auto& raw : values) {
    std::string value(util::Trim(raw));
    if (value.empty()) return Status::Invalid("empty search value");
    std::string type = f.type.empty() ? std::string(model::GuessType(value)) : f.type;
    model::CanonicalValue cv;
    Status st = model::Canonicalise(type, value, &cv);
    if (!st.ok()) {
      return Status::Invalid("search value '" + value + "' is not a valid " + type + ": " +
                             st.message());
    }
    // Exact matches of any type (the index holds only correlating types).
    std::vector<std::string> exact = {cv.part1};
    if (!cv.part2.empty()) exact.push_back(cv.part2);
    if (cv.value != cv.part1) exact.push_back(cv.value);
    if (value != cv.part1) exact.push_back(value);
    std::vector<int64_t> ids;
    SANAD_RETURN_IF_ERROR(s->intel().FindAttributesByCanonical(exact, &ids));
    for (int64_t id : ids) found.try_emplace(id, Found{value, CorrelationRule::kExact});
    // CIDR, domain and URL-host matches (and exact ones of indexed types).
    std::vector<CorrelationMatch> matches;
    SANAD_RETURN_IF_ERROR(index.Lookup(v, value, type, 0, &matches));
    for (const auto& m : matches) found.try_emplace(m.attribute_id, Found{value, m.rule});
  }
  for (const auto& [id, how] : found) {
    auto c = s->intel().GetAttributeContext(v, id);  // the policy decides; hidden -> NotFound
    if (!c.ok()) {
      if (c.status().code() == Status::Code::kNotFound) continue;
      return c.status();
    }
    if (!Passes(*c, f)) continue;
    if (f.limit && out->hits.size() >= f.limit) {
      out->truncated = true;
      break;
    }
    SearchHit hit;
    hit.context = std::move(*c);
    hit.query = how.query;
    hit.rule = how.rule;
    if (f.correlations) {
      auto corr = index.Correlations(v, id, settings);
      if (corr.ok()) {
        SANAD_RETURN_IF_ERROR(DescribeCorrelations(s, v, *corr, &hit.correlations));
        hit.over_correlating = std::move(corr->over_correlating);
      } else if (corr.status().code() != Status::Code::kNotFound) {
        return corr.status();
      }
    }
    out->hits.push_back(std::move(hit));
  }
  return Status::Ok();
}

}  // namespace sanad::intel
