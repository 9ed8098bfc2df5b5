// JSON forms of the intelligence views (attributes in their event context,
// correlations, search results, sightings, correlation exclusions), shared by
// the CLI (--json) and the REST API (docs/api.md lists the fields). Every
// view holds only what the caller already loaded through the policy.
//
// The CLI's --json form of an attribute in context predates the API and
// differs from it; both are kept byte for byte (golden tests): Shape::kCli
// names the CLI's form.
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <vector>

#include "intel/correlation.h"
#include "intel/search.h"
#include "intel/sighting.h"
#include "model/model.h"
#include "policy/policy.h"
#include "store/intel.h"
#include "store/store.h"

namespace sanad::intel {

enum class Shape {
  kApi,  // the REST API's bodies
  kCli,  // the CLI's --json output
};

struct ContextJsonOptions {
  Shape shape = Shape::kApi;
  // kApi: whether the caller may see the local tags of this context's
  // attribute and event (decided by the caller); null: never. kCli lists
  // every tag (the local operator) and ignores this.
  std::function<bool(const store::AttributeContext&)> local_tags;
};

// The REST API's options (Shape::kApi) for viewer `v`: local tags of a
// context when `v` holds its event (policy::MaySeeLocalTags; the holder is
// read from `s` when the view is made). `s` must outlive the options.
ContextJsonOptions ApiViewOptions(store::Store* s, const policy::Viewer& v);

// The REST API's attribute view: {"uuid", "type", "category", "value",
// "canonical", "to_ids", "comment", "distribution", "timestamp",
// "disable_correlation", "deleted", "tags", and when set "sharing_group",
// "object_relation", "first_seen", "last_seen"}; local tags only when
// `with_local_tags`.
boost::json::object ToJson(const model::Attribute& a, bool with_local_tags);

// An attribute with its event (and object) context.
// kApi: the attribute view above plus "event" {"uuid", "info", "date",
// "published", "orgc": {"uuid", "name"}, "tags"}, "object" {"uuid", "name"}
// (objects only) and "tlp" (null when unmarked).
// kCli: {"uuid", "type", "category", "value", "to_ids", "timestamp", "tags",
// "tlp" ("" when unmarked), "event" {"uuid", "info", "date", "published",
// "orgc": name, "tags"}, "object" {"uuid", "name", "relation"}}.
boost::json::object ToJson(const store::AttributeContext& c, const ContextJsonOptions& o);

// The correlated attribute in context plus "rule", "matched_value",
// "correlated_value".
boost::json::object ToJson(const CorrelatedAttribute& c, const ContextJsonOptions& o);

// {"value", "rule", "visible_count", "visible_events"}; kCli adds
// "over_correlating": true after "rule".
boost::json::object ToJson(const OverCorrelation& o, Shape shape);

// The correlations of one attribute: {"attribute", "correlations": [...],
// "over_correlating": [...], "max_events"}.
boost::json::object ToJson(const store::AttributeContext& self,
                           const std::vector<CorrelatedAttribute>& correlations,
                           const std::vector<OverCorrelation>& over, int64_t max_events,
                           const ContextJsonOptions& o);

// {"count", "truncated", "hits": [...]}: each hit is its attribute in
// context plus "query", "matched_by", and with `with_correlations` its
// "correlations" and "over_correlating".
boost::json::object ToJson(const SearchResult& r, bool with_correlations,
                           const ContextJsonOptions& o);

// {"uuid", "attribute_uuid", "type", "source", "date_sighting" (Unix
// seconds), "time" (ISO-8601), "org": {"uuid", "name"} or null (anonymous)}.
boost::json::object ToJson(const model::Sighting& s);

// {"attribute_uuid", "type", "value", "score", "decay_class", "counts":
// {"seen", "false-positive", "expiration"}, "details_complete",
// "sightings": [...]}.
boost::json::object ToJson(const SightingSummary& s);

// {"id", "value", "comment", "created"}.
boost::json::object ToJson(const store::CorrelationExclusion& e);

}  // namespace sanad::intel
