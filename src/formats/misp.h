// MISP core JSON (format 2.4) in and out.
//
// Reading accepts: {"Event": {...}}, a bare event object, {"response":
// [{"Event": ...}, ...]}, and a JSON array of events. Numbers given as
// strings ("1") and booleans given as 0/1 or "0"/"1" are accepted as MISP
// itself emits them. Values are validated and canonicalised (model/canon.h).
// Fields Sanad does not model are preserved in extra_json and exported again;
// instance-local ids ("id", "event_id", "org_id", ...) and derived data
// ("RelatedEvent", "attribute_count") are ignored and reported once.
//
// Every error names the source, the JSON path and the problem:
//   "feed/abc.json: $.Event.Attribute[3].value: not an IPv4 or IPv6 address"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "util/status.h"

namespace sanad::formats {

// Documented limits (docs/formats.md).
inline constexpr size_t kMaxFileBytes = 512u << 20;  // one input file
inline constexpr size_t kMaxAttributesPerEvent = 1000000;
inline constexpr size_t kMaxTagsPerItem = 1000;
inline constexpr size_t kMaxTextField = 64u << 10;  // info, comment, tag names

// Notes collected while reading, for the import report.
struct ParseNotes {
  std::vector<std::string> warnings;  // each names source and path
  // Unmodelled field paths preserved in extra_json (one line per distinct path pattern).
  std::vector<std::string> preserved_fields;
  std::vector<std::string> ignored_fields;
  // Sharing group definitions embedded in the document ("SharingGroup"
  // objects on events, objects and attributes), one per uuid: definitions of
  // the same uuid are merged, later ones filling fields the first lacked. uuid is lower-cased;
  // owner comes from "Organisation", members from "SharingGroupOrg[].Organisation"; created and
  // modified are 0 unless given as Unix seconds or "YYYY-MM-DD hh:mm:ss". The
  // importer uses these to create groups it does not know yet.
  std::vector<model::SharingGroup> sharing_groups;
};

// Parses one MISP JSON document, appending its events to `out`. On error
// `out` is left unchanged (`notes` may have received entries).
//
// A bare object is taken as an event when it has "info", "Attribute",
// "Object", "threat_level_id" or "analysis"; anything else is "not a MISP
// event". An item's own uuid is checked before its contents: a missing or
// bad uuid is the error reported, whatever else is wrong inside the item.
//
// `notes` may be null. Notes accumulate: entries already present are not
// added again, so one ParseNotes can serve many files. Paths in messages are
// the real JSON paths of the document ("$.Event...", "$.response[2].Event...",
// "$[0]..." or "$..." for a bare event); preserved and ignored fields are
// reported as path patterns ("$.Event.Attribute[].id"). Unknown keys of Tag,
// Sighting, Org and SharingGroup objects (which have no extra_json) are
// ignored and reported.
//
// Sightings without a uuid get an empty uuid; Sighting::attribute_uuid is
// the containing attribute's uuid.
Status ParseMispDocument(std::string_view json, std::string_view source,
                         std::vector<model::Event>* out, ParseNotes* notes);

// Parses one event: `json` is either the event object itself (messages use
// the path prefix "$") or {"Event": {...}} (prefix "$.Event").
Status ParseMispEventJson(std::string_view json, std::string_view source, model::Event* out,
                          ParseNotes* notes);

struct MispWriteOptions {
  bool pretty = false;
  bool include_sightings = true;
  // Full definitions of sharing groups, looked up by uuid when an item has
  // distribution 4: a match is written with releasability, description,
  // Organisation and SharingGroupOrg[] (so that the receiver can create the
  // group); otherwise SharingGroup has uuid, name and an empty releasability.
  const std::vector<model::SharingGroup>* sharing_groups = nullptr;
};

// Serialises `ev` as {"Event": {...}} in MISP core format. Org, Orgc and
// SharingGroup are written with name and uuid. Conventions: numbers
// (threat_level_id, analysis, distribution, timestamps, date_sighting,
// sighting type) as strings, booleans as true/false; value exactly as
// received (never the canonical form); sharing_group_id and SharingGroup only
// for distribution 4; first_seen/last_seen, extends_uuid, colour and
// object_relation only when set; Tag "local": true only for local tags (the
// caller filters local tags before sending data off this node); event
// "deleted" only when true; ObjectReference referenced_type as MISP's "0"
// (Attribute) / "1" (Object). The keys of each item's extra_json follow its
// modelled keys (a key Sanad models is never overwritten from extra_json).
// Strings that are not valid UTF-8 get U+FFFD for the bad bytes.
std::string WriteMispEvent(const model::Event& ev, const MispWriteOptions& opts = {});

}  // namespace sanad::formats
