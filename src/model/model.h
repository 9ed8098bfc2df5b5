// The community data model: value types shared by every module. No I/O.
//
// Semantics follow MISP's core format: every shareable item has a uuid; an
// event keeps its creator organisation (orgc) apart from the local owner
// (org); distribution levels are MISP's 0-5; deletion is a soft flag.
// Integer ids are store-local handles (0 = not stored / not resolved); uuids
// are the global identity that travels between systems.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace sanad::model {

using Timestamp = int64_t;  // seconds since the Unix epoch, UTC

// ---- community ----------------------------------------------------------

enum class OrgKind { kNationalCert, kSectorCert, kIndustry, kObserver };
enum class MembershipCategory { kFull, kGeneral, kProfessional, kAffiliate, kCommercial };
// kExternal: an organisation known only as the creator (orgc) of imported
// intelligence; not a community member, cannot act or log in.
enum class OrgStatus { kApplicant, kMember, kSuspended, kLeft, kExternal };
enum class Role { kAdmin, kOrgAdmin, kAnalyst, kReader };

struct Org {
  int64_t id = 0;
  std::string uuid;
  std::string name;
  std::string country;  // ISO 3166-1 alpha-2, upper case; empty when unknown (external orgs)
  OrgKind kind = OrgKind::kNationalCert;
  MembershipCategory category = MembershipCategory::kFull;
  OrgStatus status = OrgStatus::kMember;
  bool is_chair = false;  // exactly one member org is the community's chair
  std::string description;
  Timestamp created = 0;
};

struct User {
  int64_t id = 0;
  std::string email;
  int64_t org_id = 0;
  std::string org_name;  // filled on reads
  Role role = Role::kAnalyst;
  Timestamp created = 0;
  bool disabled = false;
};

// An API key of a user. Only a hash of the key is kept.
struct ApiKey {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string prefix;  // first 8 characters of the key, shown in listings
  std::string hash;    // BLAKE2b-256 of the key (binary)
  Timestamp created = 0;
  Timestamp expires = 0;  // 0 = never
  bool read_only = false;
  std::string allowed_cidrs;  // comma-separated, empty = any
  bool revoked = false;
};

// A reference to an org as it appears inside shared data (Orgc/Org in MISP).
struct OrgRef {
  int64_t id = 0;
  std::string uuid;
  std::string name;
};

struct SharingGroup {
  int64_t id = 0;
  std::string uuid;
  std::string name;
  std::string releasability;
  std::string description;
  OrgRef owner;                  // the org that created the group
  std::vector<OrgRef> members;   // member orgs (owner included)
  Timestamp created = 0;
  Timestamp modified = 0;
};

struct SharingGroupRef {
  int64_t id = 0;
  std::string uuid;
  std::string name;
};

// ---- limits on community records (docs/api.md, "Limits") ----------------
//
// Names count characters (UTF-8 code points), so that a name in any script
// gets the same room; e-mail addresses and free text count bytes. The
// Check*Limits functions below enforce them; the CLI (org add, user add,
// sharing-group add), the API (POST /orgs, /users, /sharing_groups) and
// membership applications call them before storing. Exceeding one is
// Status::Limit naming the field and the limit (HTTP 413, exit code 1).
inline constexpr size_t kMaxOrgNameChars = 256;           // organisation name
inline constexpr size_t kMaxSharingGroupNameChars = 256;  // sharing group name
inline constexpr size_t kMaxEmailBytes = 254;             // RFC 5321 path limit (256 - "<>")
inline constexpr size_t kMaxFreeTextBytes = 64 << 10;     // descriptions, releasability

// Number of UTF-8 code points in `s` (bytes that do not continue a sequence).
size_t Utf8Length(std::string_view s);
// `s` cut to at most `max_chars` code points (never inside a sequence); for
// names that arrive in shared data (creators, embedded sharing groups), which
// are kept shortened rather than refused.
std::string TruncateChars(std::string_view s, size_t max_chars);
// Limit("FIELD: N characters, at most MAX") when `value` has more than
// `max_chars` characters.
Status CheckNameLength(std::string_view field, std::string_view value, size_t max_chars);
// Limit("FIELD: N bytes, at most MAX") when `value` is longer than `max_bytes`.
Status CheckByteLength(std::string_view field, std::string_view value, size_t max_bytes);
// The limits of one record; the field names are those the caller's input
// uses ("$.name" over the API, "NAME" or "--description" on the CLI).
Status CheckOrgLimits(const Org& o, std::string_view name_field = "name",
                      std::string_view description_field = "description");
Status CheckUserLimits(const User& u, std::string_view email_field = "email");
Status CheckSharingGroupLimits(const SharingGroup& g, std::string_view name_field = "name",
                               std::string_view releasability_field = "releasability",
                               std::string_view description_field = "description");

// ---- markings -----------------------------------------------------------

// MISP distribution levels.
enum class Distribution : int {
  kOrganisation = 0,   // your organisation only
  kCommunity = 1,      // this community only
  kConnected = 2,      // connected communities
  kAll = 3,            // all communities
  kSharingGroup = 4,   // the named sharing group
  kInherit = 5,        // attributes/objects: inherit from the parent
};

// TLP 2.0. kNone: no TLP tag.
enum class Tlp { kNone, kClear, kGreen, kAmber, kAmberStrict, kRed };
// Strictness: kNone (0) < kClear < kGreen < kAmber < kAmberStrict < kRed.
inline int TlpRank(Tlp t) { return static_cast<int>(t); }
// PAP. kNone: no PAP tag.
enum class Pap { kNone, kClear, kGreen, kAmber, kRed };

enum class TagKind { kFree, kTlp, kPap, kGalaxy, kMachine };

struct Tag {
  std::string name;
  std::string colour;  // "#rrggbb" or empty
  bool exportable = true;
  bool local = false;  // local tags never leave this node
};

// Classifies a tag name: "tlp:amber" -> kTlp, "PAP:RED" -> kPap,
// "misp-galaxy:..." -> kGalaxy, "ns:pred=\"v\"" -> kMachine, else kFree.
TagKind ClassifyTag(std::string_view name);
// Parses a TLP tag name (case-insensitive; "tlp:white" reads as kClear).
// Returns kNone when `name` is not a TLP tag.
Tlp ParseTlpTag(std::string_view name);
Pap ParsePapTag(std::string_view name);
// The canonical MISP tag for a marking: "tlp:amber+strict", "PAP:RED".
std::string TlpTagName(Tlp t);
std::string PapTagName(Pap p);
const char* TlpLabel(Tlp t);  // "TLP:AMBER+STRICT", "" for kNone
// The strictest TLP among `tags` (kNone when there is none).
Tlp StrictestTlp(const std::vector<Tag>& tags);

// ---- intelligence -------------------------------------------------------

enum class SightingType { kSeen = 0, kFalsePositive = 1, kExpiration = 2 };

struct Sighting {
  int64_t id = 0;
  std::string uuid;
  int64_t attribute_id = 0;
  std::string attribute_uuid;
  OrgRef org;
  SightingType type = SightingType::kSeen;
  std::string source;
  Timestamp date_sighting = 0;
};

// The optional fields of an event, object or attribute, as bits. A parsed
// document sets Event/Object/Attribute::absent to the fields it did not give,
// so that an update keeps the stored value of each of them (MISP's edit
// semantics: an update never resets, and so never widens, what it did not
// name). Items built in code leave `absent` at 0: every field is given.
using FieldSet = uint32_t;
namespace field {
enum : FieldSet {
  kDistribution = 1u << 0,  // distribution and sharing group together
  kTags = 1u << 1,
  kComment = 1u << 2,
  kFirstSeen = 1u << 3,
  kLastSeen = 1u << 4,
  kDisableCorrelation = 1u << 5,
  kDeleted = 1u << 6,
  kExtra = 1u << 7,  // unmodelled fields (extra_json)
  // attributes
  kCategory = 1u << 8,
  kToIds = 1u << 9,
  kObjectRelation = 1u << 10,
  // objects
  kMetaCategory = 1u << 11,
  kDescription = 1u << 12,
  kTemplateUuid = 1u << 13,
  kTemplateVersion = 1u << 14,
  // events
  kDate = 1u << 15,
  kThreatLevel = 1u << 16,
  kAnalysis = 1u << 17,
  kPublished = 1u << 18,
  kPublishTimestamp = 1u << 19,
  kExtendsUuid = 1u << 20,
  kOrgc = 1u << 21,
};
}  // namespace field

struct Attribute {
  int64_t id = 0;
  std::string uuid;
  std::string type;          // MISP type, e.g. "ip-dst|port"; unknown types are kept as given
  std::string category;
  std::string value;         // as received (exported unchanged)
  std::string canonical;     // canonical form of the whole value (see canon.h)
  std::string canonical1;    // canonical first component (== canonical for simple types)
  std::string canonical2;    // canonical second component of composite types, else empty
  bool to_ids = false;
  std::string comment;
  Distribution distribution = Distribution::kInherit;
  SharingGroupRef sharing_group;  // when distribution == kSharingGroup
  Timestamp timestamp = 0;
  std::optional<std::string> first_seen;  // ISO-8601 as received
  std::optional<std::string> last_seen;
  bool disable_correlation = false;
  bool deleted = false;
  std::string object_relation;  // set for attributes inside an object
  std::vector<Tag> tags;
  std::vector<Sighting> sightings;
  // Fields of the source document that Sanad does not model, as a JSON
  // object text ("" when none); exported again unchanged.
  std::string extra_json;
  FieldSet absent = 0;  // fields the source document did not give (see field::)
};

struct ObjectReference {
  int64_t id = 0;
  std::string uuid;
  std::string referenced_uuid;   // an attribute or object uuid
  std::string referenced_type;   // "Attribute" or "Object" when known
  std::string relationship_type;
  std::string comment;
  Timestamp timestamp = 0;
  bool deleted = false;
  std::string extra_json;
};

struct Object {
  int64_t id = 0;
  std::string uuid;
  std::string name;           // template name, e.g. "file"
  std::string meta_category;  // e.g. "file", "network"
  std::string description;
  std::string template_uuid;
  std::string template_version;
  std::string comment;
  Distribution distribution = Distribution::kInherit;
  SharingGroupRef sharing_group;
  Timestamp timestamp = 0;
  std::optional<std::string> first_seen;
  std::optional<std::string> last_seen;
  bool deleted = false;
  std::vector<Attribute> attributes;
  std::vector<ObjectReference> references;
  std::string extra_json;
  FieldSet absent = 0;  // fields the source document did not give (see field::)
};

struct Event {
  int64_t id = 0;
  std::string uuid;
  std::string info;
  std::string date;             // "YYYY-MM-DD"
  int threat_level_id = 4;      // 1 high, 2 medium, 3 low, 4 undefined
  int analysis = 0;             // 0 initial, 1 ongoing, 2 completed
  bool published = false;
  Timestamp publish_timestamp = 0;
  Timestamp timestamp = 0;      // last modification
  // A parsed document that names none reads as kOrganisation (fail closed)
  // with field::kDistribution absent: the import gives a new event the
  // community's default and an update keeps the stored level (formats/import.h).
  Distribution distribution = Distribution::kCommunity;
  SharingGroupRef sharing_group;
  OrgRef org;                   // local owner
  OrgRef orgc;                  // creator, kept across instances
  bool disable_correlation = false;
  bool deleted = false;
  std::string extends_uuid;
  std::vector<Tag> tags;
  std::vector<Attribute> attributes;  // attributes outside objects
  std::vector<Object> objects;
  std::string extra_json;
  FieldSet absent = 0;  // fields the source document did not give (see field::)
};

// Removes local tags (Tag::local) from the event and all its attributes:
// local tags are for the organisation holding the event only.
void DropLocalTags(Event* ev);

// ---- enum names (stable text used in the CLI, JSON and the store) ---------

const char* Name(OrgKind v);             // "national-cert", "sector-cert", "industry", "observer"
const char* Name(MembershipCategory v);  // "full", "general", "professional", "affiliate", "commercial"
const char* Name(OrgStatus v);           // "applicant", "member", "suspended", "left", "external"
const char* Name(Role v);                // "admin", "org-admin", "analyst", "reader"
const char* Name(Distribution v);        // "organisation", "community", "connected", "all", "sharing-group", "inherit"
const char* Name(SightingType v);        // "seen", "false-positive", "expiration"
bool Parse(std::string_view s, OrgKind* out);
bool Parse(std::string_view s, MembershipCategory* out);
bool Parse(std::string_view s, OrgStatus* out);
bool Parse(std::string_view s, Role* out);
// Accepts "0".."5" and the names above.
bool Parse(std::string_view s, Distribution* out);
bool Parse(std::string_view s, SightingType* out);

// True for a valid ISO 3166-1 alpha-2 code (upper case, assigned codes only).
bool IsCountryCode(std::string_view cc);

}  // namespace sanad::model
