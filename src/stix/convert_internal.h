// Internal to the STIX conversion (convert*.cc): shared helpers for export
// and import. Not part of the module's public contract (stix/stix.h).
#pragma once

#include <boost/json.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "policy/policy.h"
#include "store/stix_store.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::stix::internal {

namespace bj = boost::json;

// Namespace of Sanad's UUIDv5 ids (objects without a MISP uuid).
inline constexpr char kSanadNamespace[] = "3b1a0f35-7c1e-5a57-9d2c-5a4e3d1c0b6e";
// STIX 2.1 namespace for SCO ids (section 2.9 of the specification).
inline constexpr char kScoNamespace[] = "00abedb4-aa42-466c-9c01-fed23315a9b7";

// "YYYY-MM-DDThh:mm:ss.000Z".
std::string StixTime(model::Timestamp t);
// Parses a STIX/ISO-8601 timestamp (fractions ignored). False when invalid.
bool ParseStixTime(std::string_view s, model::Timestamp* out);
// `s` as a STIX timestamp with millisecond precision when it parses ("" if not).
std::string NormaliseStixTime(std::string_view s);

// Lower-case UUIDv5 of `name` in namespace `ns` (a UUID text).
std::string UuidV5(std::string_view ns, std::string_view name);
// Serialisation with object keys sorted (for ids and fingerprints).
std::string CanonicalJson(const bj::value& v);
// The id of an SCO: type--UUIDv5(SCO namespace, canonical JSON of its
// properties other than type/id/spec_version).
std::string ScoId(const bj::object& sco);
// First 32 hex digits of BLAKE2b-256 over the canonical JSON of `objs`.
std::string Fingerprint(const std::vector<bj::object>& objs);

// "type--uuid" -> true, splitting; false when malformed.
bool SplitStixId(std::string_view id, std::string* type, std::string* uuid);
bool IsScoType(std::string_view type);

// One comparison of a simple pattern: object type, property steps (e.g.
// {"hashes", "SHA-256"}, {"resolves_to_refs", "[*]", "value"}) and a string
// or integer value.
struct Comparison {
  std::string object_type;
  std::vector<std::string> steps;
  bj::value value;
  std::string PathText() const;  // "file:hashes.'SHA-256'"
};

// The comparisons that describe a MISP attribute of a type Sanad maps to
// STIX observables (ip-dst -> ipv4-addr:value, filename|md5 -> file:name AND
// file:hashes.MD5, ...). False for other types.
bool ComparisonsOf(std::string_view misp_type, std::string_view value,
                   std::vector<Comparison>* out);
// The pattern "[a AND b ...]" of comparisons (one observation).
std::string PatternOf(const std::vector<Comparison>& cs);
// Parses a pattern made of one observation of ANDed equality comparisons
// on one object type. False for anything else (the pattern engine handles
// the full grammar; the importer keeps such patterns as stix2-pattern).
bool ParseSimplePattern(std::string_view pattern, std::vector<Comparison>* out);
// The MISP type and value for comparisons (inverse of ComparisonsOf);
// `hint` (a misp:type label) chooses among equivalent types (ip-src/ip-dst).
bool MispTypeOf(const std::vector<Comparison>& cs, std::string_view hint, std::string* type,
                std::string* value);
// The SCOs of comparisons: the first is the main one, the rest are
// referenced from it (resolves_to_refs, dst_ref, ...). Ids assigned.
std::vector<bj::object> ScosOf(const std::vector<Comparison>& cs);
// The comparisons of an SCO and the SCOs it references (inverse of ScosOf).
// False when the SCO has properties Sanad does not map.
bool ComparisonsOfSco(const bj::object& sco, const std::map<std::string, const bj::object*>& by_id,
                      std::vector<Comparison>* out, std::string* why);

// Labels carrying MISP fields (misp-stix convention): misp:type="ip-dst".
std::string MispLabel(std::string_view key, std::string_view value);
// The value of a misp:<key>="..." label among `labels`, "" when absent.
std::string FindMispLabel(const bj::value* labels, std::string_view key);
bool IsMispLabel(std::string_view label);

// Helpers on Boost.JSON objects.
const bj::string* GetString(const bj::object& o, std::string_view key);
std::string StringOr(const bj::object& o, std::string_view key, std::string_view dflt = "");

}  // namespace sanad::stix::internal

namespace sanad::stix::internal {

// One MISP item rendered as STIX objects (the first is the main object).
struct GenItem {
  std::string misp_uuid;
  std::vector<bj::object> objects;
  std::string primary_id() const {
    return objects.empty() ? "" : std::string(objects[0].at("id").as_string());
  }
};

struct Generated {
  bj::object container;             // report or grouping
  std::vector<GenItem> items;       // attributes, objects, references, sightings (MISP order)
  std::vector<model::Tlp> tlps;     // TLP levels referenced (sorted, unique)
  std::vector<model::OrgRef> orgs;  // identities referenced (orgc first)
};

// Renders an event from MISP data only (no stored originals). `sightings`
// are those to include; `kept_ids` the ids of kept objects (listed in the
// container's object_refs after the items).
Generated Generate(const model::Event& ev, const std::vector<model::Sighting>& sightings,
                   const std::vector<std::string>& kept_ids, bool grouping);

// The sightings of `ev` that `viewer` may see in full (policy::ViewSighting
// kDetails), from the store (or from the event's attributes when `s` is
// null or the event is not stored). Null viewer: none.
Status VisibleSightings(store::Store* s, const model::Event& ev, const policy::Viewer* viewer,
                        std::vector<model::Sighting>* out);

}  // namespace sanad::stix::internal
