// Exports what an organisation may see, in MISP JSON, CSV or text.
// Streams event by event: memory is bounded by the largest event.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "intel/warninglist.h"
#include "policy/policy.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::formats {

enum class ExportFormat { kMisp, kCsv, kText, kStix21 };
bool ParseExportFormat(std::string_view s, ExportFormat* out);

// Filters, as in MISP's restSearch. Attribute-level filters drop attributes
// (and objects left empty); event-level ones drop events.
struct ExportFilter {
  std::vector<std::string> types;       // any of
  std::vector<std::string> categories;  // any of
  // Tag expression: each entry is a tag name; "!name" excludes. An attribute
  // passes when it (or its event) carries any of the positive tags (if any
  // are given) and none of the negated ones.
  std::vector<std::string> tags;
  std::optional<int64_t> since;        // attribute timestamp >= since
  std::optional<bool> to_ids;
  std::optional<bool> published;
  bool include_deleted = false;
  // With to_ids == true, attributes whose canonical value hits one of these
  // lists are left out (known-benign values must not reach blocklists),
  // unless include_warninglisted. Null: no check.
  const intel::WarninglistSet* warninglists = nullptr;
  bool include_warninglisted = false;
  // Only attributes whose current score (intel/sighting.h, with the decay
  // settings of the store) is at least this.
  std::optional<double> min_score;
};

struct ExportStats {
  int64_t events = 0;
  int64_t attributes = 0;
};

// STIX 2.1: one bundle of every event's objects (stix/stix.h, docs/stix.md).
// MISP: {"response": [{"Event": ...}, ...]}. CSV: one row per attribute with
// header uuid,event_uuid,category,type,value,comment,to_ids,date,object_relation,
// attribute_tag,object_uuid,object_name,object_meta_category. Text: one
// value per line (composite values split into both parts), de-duplicated.
// With `actor`, every exported event marked TLP:AMBER, TLP:AMBER+STRICT or
// TLP:RED is recorded in the audit log (the caller commits).
Status Export(store::Store* store, const policy::Viewer& viewer, ExportFormat fmt,
              const ExportFilter& filter, std::ostream& out, ExportStats* stats,
              const policy::Actor* actor = nullptr);

}  // namespace sanad::formats
