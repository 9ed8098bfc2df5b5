// The intelligence section of the store: the attribute rows the correlation
// and detection indexes are built from, attribute lookups for search and
// correlation output, the data generation and correlation exclusions.
//
// Unfiltered* reads are internal maintenance (index rebuilds): callers filter
// through policy::MaySee before anything leaves.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "policy/policy.h"
#include "util/status.h"

namespace sanad::store {

// One attribute as the correlation and detection indexes need it.
struct IndexRow {
  int64_t attribute_id = 0;
  int64_t event_id = 0;
  std::string type;
  std::string canonical1;  // first (or only) canonical component
  std::string canonical2;  // second component of composite types, else ""
  bool to_ids = false;
  // attribute.disable_correlation || event.disable_correlation
  bool correlation_disabled = false;
  model::Timestamp timestamp = 0;
  policy::AccessPath access;  // what policy::MaySee needs; deleted = any level deleted
};

// A located attribute, for search and correlation output.
struct AttributeContext {
  model::Attribute attribute;  // with tags
  std::string object_uuid;     // "" when not in an object
  std::string object_name;
  std::string event_uuid;
  std::string event_info;
  std::string event_date;
  bool event_published = false;
  model::OrgRef event_orgc;
  std::vector<model::Tag> event_tags;
  model::Tlp tlp = model::Tlp::kNone;  // strictest of attribute and event tags
};

// Correlation exclusions: exact canonical values, or patterns with '%'
// wildcards (SQL LIKE semantics, case-insensitive).
struct CorrelationExclusion {
  int64_t id = 0;
  std::string value;
  std::string comment;
  model::Timestamp created = 0;
};

class IntelStore {
 public:
  virtual ~IntelStore() = default;

  // Every attribute, deleted ones included (access.deleted set), in attribute
  // id order. Not for output.
  virtual Status UnfilteredScanAttributes(const std::function<bool(const IndexRow&)>& fn) = 0;
  // Same row for a set of attribute ids (missing ids are skipped).
  virtual Status UnfilteredGetAttributes(const std::vector<int64_t>& ids,
                                         std::vector<IndexRow>* out) = 0;
  // Incremented by every committed write that changes events, attributes,
  // objects or sharing groups; indexes persisted beside the store record the
  // generation they were built from.
  virtual StatusOr<int64_t> DataGeneration() = 0;

  // Loaded through the policy: NotFound when absent or not visible to `v`.
  virtual StatusOr<AttributeContext> GetAttributeContext(const policy::Viewer& v,
                                                         int64_t attribute_id) = 0;
  // Attribute id by uuid (no visibility check: callers check with MaySee).
  virtual StatusOr<int64_t> FindAttributeId(std::string_view uuid) = 0;
  // Attribute ids whose canonical1 or canonical2 equals one of `values`
  // (empty values match nothing); `ids` is replaced, sorted and unique.
  // Deleted attributes are included (callers check with MaySee).
  virtual Status FindAttributesByCanonical(const std::vector<std::string>& values,
                                           std::vector<int64_t>* ids) = 0;

  virtual Status AddCorrelationExclusion(CorrelationExclusion* e) = 0;    // Conflict if present
  virtual Status RemoveCorrelationExclusion(std::string_view value) = 0;  // NotFound if absent
  virtual Status ListCorrelationExclusions(std::vector<CorrelationExclusion>* out) = 0;
};

}  // namespace sanad::store
