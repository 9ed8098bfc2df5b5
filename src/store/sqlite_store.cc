// The SQLite implementation of Store.

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "policy/policy.h"
#include "store/schema.h"
#include "store/sqlite_util.h"
#include "store/store.h"
#include "util/util.h"

namespace sanad::store {

namespace internal {
namespace {

using model::Distribution;

// 'SAND' in the database header: marks the file as a Sanad store.
constexpr int kApplicationId = 0x53414e44;

// Declares `q`, a Query on the cached statement `sql`, or returns its error.
#define kAuditSelect                                                                    \
  "SELECT seq, time, actor, org_uuid, action, object_type, object_uuid, owner_org_uuid, " \
  "details, prev_hash, hash FROM audit_log"

#define SANAD_USE(q, sql)                   \
  auto q##_or = stmts_.Use(sql);            \
  if (!q##_or.ok()) return q##_or.status(); \
  Query& q = *q##_or

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// uuids are stored and compared in lower case.
void LowerInPlace(std::string* s) {
  for (char& c : *s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}
std::string Lower(std::string_view s) {
  std::string out(s);
  LowerInPlace(&out);
  return out;
}

bool IsUniqueViolation(int rc) {
  return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// Reads a stored distribution; Corrupt names the item when out of range.
Status ReadDistribution(const Query& q, int c, Distribution* out, std::string_view what,
                        std::string_view kind, std::string_view uuid) {
  int64_t v = q.Int(c);
  if (v >= 0 && v <= 5) {
    *out = static_cast<Distribution>(v);
    return Status::Ok();
  }
  std::string msg(what);
  if (!kind.empty()) msg += ": " + std::string(kind) + " " + std::string(uuid);
  return Status::Corrupt(msg + ": stored distribution " + std::to_string(v) + " is not 0..5");
}

Status CheckDistribution(Distribution d, int64_t sg_id, bool allow_inherit, std::string_view what) {
  int v = static_cast<int>(d);
  if (v < 0 || v > 5 || (!allow_inherit && v == 5)) {
    return Status::Invalid(std::string(what) + ": distribution " + std::to_string(v) +
                           (allow_inherit ? " is not 0..5" : " is not valid here (0..4)"));
  }
  if (d == Distribution::kSharingGroup && sg_id == 0) {
    return Status::Invalid(std::string(what) +
                           ": distribution 4 (sharing group) without a resolved sharing group");
  }
  return Status::Ok();
}

// JSON array text of `v` (for json_each()).
std::string JsonStringArray(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (unsigned char c : v[i]) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        static const char* hex = "0123456789abcdef";
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

// ---- SQL ------------------------------------------------------------------

constexpr const char kBegin[] = "BEGIN IMMEDIATE";
constexpr const char kBeginRead[] = "BEGIN";
constexpr const char kCommit[] = "COMMIT";
constexpr const char kRollback[] = "ROLLBACK";
constexpr const char kSavepoint[] = "SAVEPOINT sanad_op";
constexpr const char kRelease[] = "RELEASE sanad_op";
constexpr const char kRollbackTo[] = "ROLLBACK TO sanad_op";

constexpr const char kInsertOrg[] =
    "INSERT INTO orgs(uuid, name, country, kind, category, status, is_chair, description, created)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char kUpdateOrg[] =
    "UPDATE orgs SET name = ?2, country = ?3, kind = ?4, category = ?5, status = ?6,"
    " description = ?7 WHERE id = ?1";
constexpr const char kFindOrg[] =
    "SELECT id, uuid, name, country, kind, category, status, is_chair, description, created"
    " FROM orgs WHERE uuid = ?2 OR name = ?1 ORDER BY (uuid = ?2) DESC LIMIT 1";
constexpr const char kGetOrg[] =
    "SELECT id, uuid, name, country, kind, category, status, is_chair, description, created"
    " FROM orgs WHERE id = ?1";
constexpr const char kListOrgs[] =
    "SELECT id, uuid, name, country, kind, category, status, is_chair, description, created"
    " FROM orgs ORDER BY id";
constexpr const char kOrgExists[] = "SELECT 1 FROM orgs WHERE id = ?1";
constexpr const char kUnsetChair[] =
    "UPDATE orgs SET is_chair = 0 WHERE is_chair <> 0 AND id <> ?1";
constexpr const char kSetChair[] = "UPDATE orgs SET is_chair = 1 WHERE id = ?1";

constexpr const char kInsertUser[] =
    "INSERT INTO users(email, org_id, role, created, disabled) VALUES (?1, ?2, ?3, ?4, ?5)";
#define SANAD_USER_SELECT                                                              \
  "SELECT u.id, u.email, u.org_id, o.name, u.role, u.created, u.disabled FROM users u" \
  " JOIN orgs o ON o.id = u.org_id "
constexpr const char kFindUser[] = SANAD_USER_SELECT "WHERE u.email = ?1";
constexpr const char kGetUser[] = SANAD_USER_SELECT "WHERE u.id = ?1";
constexpr const char kListUsers[] = SANAD_USER_SELECT "WHERE ?1 = 0 OR u.org_id = ?1 ORDER BY u.id";

constexpr const char kInsertKey[] =
    "INSERT INTO api_keys(user_id, prefix, hash, created, expires, read_only, allowed_cidrs,"
    " revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
#define SANAD_KEY_SELECT                                                                  \
  "SELECT id, user_id, prefix, hash, created, expires, read_only, allowed_cidrs, revoked" \
  " FROM api_keys "
constexpr const char kFindKey[] = SANAD_KEY_SELECT "WHERE hash = ?1";
constexpr const char kListKeys[] = SANAD_KEY_SELECT "WHERE user_id = ?1 ORDER BY id";

constexpr const char kInsertSg[] =
    "INSERT INTO sharing_groups(uuid, name, releasability, description, owner_org_id, created,"
    " modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char kInsertSgOrg[] =
    "INSERT OR IGNORE INTO sharing_group_orgs(sharing_group_id, org_id) VALUES (?1, ?2)";
constexpr const char kTouchSg[] = "UPDATE sharing_groups SET modified = ?2 WHERE id = ?1";
#define SANAD_SG_SELECT                                                                  \
  "SELECT s.id, s.uuid, s.name, s.releasability, s.description, s.owner_org_id, o.uuid," \
  " o.name, s.created, s.modified FROM sharing_groups s JOIN orgs o ON o.id = s.owner_org_id "
constexpr const char kGetSg[] = SANAD_SG_SELECT "WHERE s.id = ?1";
constexpr const char kFindSgByUuid[] = SANAD_SG_SELECT "WHERE s.uuid = ?1";
constexpr const char kFindSgByName[] = SANAD_SG_SELECT "WHERE s.name = ?1 ORDER BY s.id LIMIT 2";
constexpr const char kListSgs[] = SANAD_SG_SELECT "ORDER BY s.id";
constexpr const char kSgMembers[] =
    "SELECT o.id, o.uuid, o.name FROM sharing_group_orgs m JOIN orgs o ON o.id = m.org_id"
    " WHERE m.sharing_group_id = ?1 ORDER BY o.id";
constexpr const char kSgExists[] = "SELECT 1 FROM sharing_groups WHERE id = ?1";
constexpr const char kGroupsOfOrg[] =
    "SELECT sharing_group_id FROM sharing_group_orgs WHERE org_id = ?1 ORDER BY sharing_group_id";

constexpr const char kFindTag[] = "SELECT id, colour FROM tags WHERE name = ?1";
constexpr const char kInsertTag[] =
    "INSERT INTO tags(name, colour, exportable) VALUES (?1, ?2, ?3)";
constexpr const char kSetTagColour[] = "UPDATE tags SET colour = ?2 WHERE id = ?1 AND colour = ''";
constexpr const char kInsertEventTag[] =
    "INSERT INTO event_tags(event_id, pos, tag_id, local) VALUES (?1, ?2, ?3, ?4)";
constexpr const char kDeleteEventTags[] = "DELETE FROM event_tags WHERE event_id = ?1";
constexpr const char kInsertAttributeTag[] =
    "INSERT INTO attribute_tags(attribute_id, pos, tag_id, local) VALUES (?1, ?2, ?3, ?4)";
constexpr const char kDeleteAttributeTags[] = "DELETE FROM attribute_tags WHERE attribute_id = ?1";

constexpr const char kEventHead[] =
    "SELECT id, uuid, timestamp, org_id, orgc_id, deleted FROM events WHERE uuid = ?1";
// Parameters ?1..?17 are shared by insert and update (?1 = id on update).
constexpr const char kInsertEvent[] =
    "INSERT INTO events(uuid, info, date, threat_level_id, analysis, published, publish_timestamp,"
    " timestamp, distribution, sharing_group_id, org_id, orgc_id, disable_correlation, deleted,"
    " extends_uuid, extra_json) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
    " ?15, ?16, ?17)";
constexpr const char kUpdateEvent[] =
    "UPDATE events SET info = ?3, date = ?4, threat_level_id = ?5, analysis = ?6, published = ?7,"
    " publish_timestamp = ?8, timestamp = ?9, distribution = ?10, sharing_group_id = ?11,"
    " disable_correlation = ?14, deleted = ?15, extends_uuid = ?16, extra_json = ?17"
    " WHERE id = ?1";
constexpr const char kSoftDeleteEvent[] =
    "UPDATE events SET deleted = 1, timestamp = max(timestamp, ?2) WHERE id = ?1";

// ?1 uuid, ?2 event_id, ?3 object_id, ... ?20 extra_json; ?21 id on update.
constexpr const char kInsertAttribute[] =
    "INSERT INTO attributes(uuid, event_id, object_id, object_relation, type, category, value,"
    " canonical, canonical1, canonical2, to_ids, comment, distribution, sharing_group_id,"
    " timestamp, first_seen, last_seen, disable_correlation, deleted, extra_json) VALUES (?1, ?2,"
    " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";
constexpr const char kUpdateAttribute[] =
    "UPDATE attributes SET object_id = ?3, object_relation = ?4, type = ?5, category = ?6,"
    " value = ?7, canonical = ?8, canonical1 = ?9, canonical2 = ?10, to_ids = ?11, comment = ?12,"
    " distribution = ?13, sharing_group_id = ?14, timestamp = ?15, first_seen = ?16,"
    " last_seen = ?17, disable_correlation = ?18, deleted = ?19, extra_json = ?20 WHERE id = ?21";
constexpr const char kAttributeHead[] =
    "SELECT id, event_id, timestamp FROM attributes WHERE uuid = ?1";
constexpr const char kAttributeOwner[] =
    "SELECT e.id, e.uuid FROM attributes a JOIN events e ON e.id = a.event_id WHERE a.uuid = ?1";

// ?1 uuid, ?2 event_id, ... ?16 extra_json; ?17 id on update.
constexpr const char kInsertObject[] =
    "INSERT INTO objects(uuid, event_id, name, meta_category, description, template_uuid,"
    " template_version, comment, distribution, sharing_group_id, timestamp, first_seen,"
    " last_seen, deleted, extra_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
    " ?13, ?14, ?15)";
constexpr const char kUpdateObject[] =
    "UPDATE objects SET name = ?3, meta_category = ?4, description = ?5, template_uuid = ?6,"
    " template_version = ?7, comment = ?8, distribution = ?9, sharing_group_id = ?10,"
    " timestamp = ?11, first_seen = ?12, last_seen = ?13, deleted = ?14, extra_json = ?15"
    " WHERE id = ?16";
constexpr const char kObjectHead[] = "SELECT id, event_id, timestamp FROM objects WHERE uuid = ?1";
constexpr const char kObjectOwner[] =
    "SELECT e.id, e.uuid FROM objects o JOIN events e ON e.id = o.event_id WHERE o.uuid = ?1";

// ?1 uuid, ?2 object_id, ?3 event_id, ... ?10 extra_json; ?11 id on update.
constexpr const char kInsertReference[] =
    "INSERT INTO object_references(uuid, object_id, event_id, referenced_uuid, referenced_type,"
    " relationship_type, comment, timestamp, deleted, extra_json) VALUES (?1, ?2, ?3, ?4, ?5,"
    " ?6, ?7, ?8, ?9, ?10)";
constexpr const char kUpdateReference[] =
    "UPDATE object_references SET object_id = ?2, referenced_uuid = ?4, referenced_type = ?5,"
    " relationship_type = ?6, comment = ?7, timestamp = ?8, deleted = ?9, extra_json = ?10"
    " WHERE id = ?11";
constexpr const char kReferenceHead[] =
    "SELECT id, event_id, timestamp FROM object_references WHERE uuid = ?1";
constexpr const char kReferenceOwner[] =
    "SELECT e.id, e.uuid FROM object_references r JOIN events e ON e.id = r.event_id"
    " WHERE r.uuid = ?1";

constexpr const char kLoadEvent[] =
    "SELECT e.id, e.uuid, e.info, e.date, e.threat_level_id, e.analysis, e.published,"
    " e.publish_timestamp, e.timestamp, e.distribution, e.sharing_group_id, sg.uuid, sg.name,"
    " e.org_id, o.uuid, o.name, e.orgc_id, oc.uuid, oc.name, e.disable_correlation, e.deleted,"
    " e.extends_uuid, e.extra_json FROM events e JOIN orgs o ON o.id = e.org_id"
    " JOIN orgs oc ON oc.id = e.orgc_id LEFT JOIN sharing_groups sg ON sg.id = e.sharing_group_id"
    " WHERE e.id = ?1";
constexpr const char kLoadEventTags[] =
    "SELECT t.name, t.colour, t.exportable, et.local FROM event_tags et"
    " JOIN tags t ON t.id = et.tag_id WHERE et.event_id = ?1 ORDER BY et.pos";
constexpr const char kLoadObjects[] =
    "SELECT o.id, o.uuid, o.name, o.meta_category, o.description, o.template_uuid,"
    " o.template_version, o.comment, o.distribution, o.sharing_group_id, sg.uuid, sg.name,"
    " o.timestamp, o.first_seen, o.last_seen, o.deleted, o.extra_json FROM objects o"
    " LEFT JOIN sharing_groups sg ON sg.id = o.sharing_group_id WHERE o.event_id = ?1"
    " ORDER BY o.id";
constexpr const char kLoadAttributes[] =
    "SELECT a.id, a.uuid, a.object_id, a.object_relation, a.type, a.category, a.value,"
    " a.canonical, a.canonical1, a.canonical2, a.to_ids, a.comment, a.distribution,"
    " a.sharing_group_id, sg.uuid, sg.name, a.timestamp, a.first_seen, a.last_seen,"
    " a.disable_correlation, a.deleted, a.extra_json FROM attributes a"
    " LEFT JOIN sharing_groups sg ON sg.id = a.sharing_group_id WHERE a.event_id = ?1"
    " ORDER BY a.id";
constexpr const char kLoadAttributeTags[] =
    "SELECT at.attribute_id, t.name, t.colour, t.exportable, at.local FROM attributes a"
    " JOIN attribute_tags at ON at.attribute_id = a.id JOIN tags t ON t.id = at.tag_id"
    " WHERE a.event_id = ?1 ORDER BY at.attribute_id, at.pos";
constexpr const char kLoadReferences[] =
    "SELECT id, uuid, object_id, referenced_uuid, referenced_type, relationship_type, comment,"
    " timestamp, deleted, extra_json FROM object_references WHERE event_id = ?1 ORDER BY id";
constexpr const char kEventIdByUuid[] = "SELECT id FROM events WHERE uuid = ?1";

constexpr const char kStats[] =
    "SELECT (SELECT COUNT(*) FROM orgs), (SELECT COUNT(*) FROM users),"
    " (SELECT COUNT(*) FROM sharing_groups), (SELECT COUNT(*) FROM events),"
    " (SELECT COUNT(*) FROM attributes), (SELECT COUNT(*) FROM objects),"
    " (SELECT COUNT(*) FROM tags), (SELECT COUNT(*) FROM sightings)";

// ---- intelligence ------------------------------------------------------------

constexpr const char kBumpGeneration[] =
    "UPDATE meta SET value = value + 1 WHERE key = 'data_generation'";
constexpr const char kGetGeneration[] = "SELECT value FROM meta WHERE key = 'data_generation'";

// Columns of an IndexRow (see ReadIndexRow).
#define SANAD_INDEX_ROW_SELECT                                                              \
  "SELECT a.id, a.event_id, a.type, a.canonical1, a.canonical2, a.to_ids,"                  \
  " a.disable_correlation OR e.disable_correlation, a.timestamp, e.org_id, e.distribution," \
  " e.sharing_group_id, a.object_id, o.distribution, o.sharing_group_id, a.distribution,"   \
  " a.sharing_group_id, a.deleted OR e.deleted OR coalesce(o.deleted, 0) FROM attributes a" \
  " JOIN events e ON e.id = a.event_id LEFT JOIN objects o ON o.id = a.object_id "
constexpr const char kScanIndexRows[] = SANAD_INDEX_ROW_SELECT "ORDER BY a.id";
constexpr const char kGetIndexRows[] =
    SANAD_INDEX_ROW_SELECT "WHERE a.id IN (SELECT value FROM json_each(?1)) ORDER BY a.id";

constexpr const char kAttributeContext[] =
    "SELECT a.id, a.uuid, a.object_relation, a.type, a.category, a.value, a.canonical,"
    " a.canonical1, a.canonical2, a.to_ids, a.comment, a.distribution, a.sharing_group_id,"
    " sg.uuid, sg.name, a.timestamp, a.first_seen, a.last_seen, a.disable_correlation,"
    " a.deleted, a.extra_json, a.object_id, o.uuid, o.name, o.distribution, o.sharing_group_id,"
    " o.deleted, e.id, e.uuid, e.info, e.date, e.published, e.org_id, e.distribution,"
    " e.sharing_group_id, e.deleted, e.orgc_id, oc.uuid, oc.name FROM attributes a"
    " JOIN events e ON e.id = a.event_id JOIN orgs oc ON oc.id = e.orgc_id"
    " LEFT JOIN objects o ON o.id = a.object_id"
    " LEFT JOIN sharing_groups sg ON sg.id = a.sharing_group_id WHERE a.id = ?1";
constexpr const char kOneAttributeTags[] =
    "SELECT t.name, t.colour, t.exportable, at.local FROM attribute_tags at"
    " JOIN tags t ON t.id = at.tag_id WHERE at.attribute_id = ?1 ORDER BY at.pos";
constexpr const char kAttributeIdByUuid[] = "SELECT id FROM attributes WHERE uuid = ?1";
constexpr const char kAttributeById[] = "SELECT id, uuid FROM attributes WHERE id = ?1";
constexpr const char kAttributeByUuid[] = "SELECT id, uuid FROM attributes WHERE uuid = ?1";
// The literal "<> ''" terms let SQLite use the partial indexes.
constexpr const char kByCanonical1[] =
    "SELECT id FROM attributes WHERE canonical1 = ?1 AND canonical1 <> ''";
constexpr const char kByCanonical2[] =
    "SELECT id FROM attributes WHERE canonical2 = ?1 AND canonical2 <> ''";

constexpr const char kInsertExclusion[] =
    "INSERT INTO correlation_exclusions(value, comment, created) VALUES (?1, ?2, ?3)";
constexpr const char kDeleteExclusion[] = "DELETE FROM correlation_exclusions WHERE value = ?1";
constexpr const char kListExclusions[] =
    "SELECT id, value, comment, created FROM correlation_exclusions ORDER BY id";

constexpr const char kGetSetting[] = "SELECT value FROM settings WHERE key = ?1";
constexpr const char kSetSetting[] =
    "INSERT INTO settings(key, value) VALUES (?1, ?2)"
    " ON CONFLICT(key) DO UPDATE SET value = excluded.value";

// ?1 uuid, ?2 attribute_id, ?3 org_id, ?4 type, ?5 source, ?6 date_sighting.
constexpr const char kInsertSighting[] =
    "INSERT INTO sightings(uuid, attribute_id, org_id, type, source, date_sighting)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char kInsertSightingIfNew[] =
    "INSERT INTO sightings(uuid, attribute_id, org_id, type, source, date_sighting)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(uuid) DO NOTHING";
constexpr const char kSightingByNaturalKey[] =
    "SELECT 1 FROM sightings WHERE attribute_id = ?1 AND date_sighting = ?2 AND type = ?3"
    " AND org_id IS ?4 AND source = ?5 LIMIT 1";
#define SANAD_SIGHTING_SELECT                                                                \
  "SELECT s.id, s.uuid, s.attribute_id, a.uuid, s.org_id, o.uuid, o.name, s.type, s.source," \
  " s.date_sighting FROM sightings s JOIN attributes a ON a.id = s.attribute_id"             \
  " LEFT JOIN orgs o ON o.id = s.org_id "
constexpr const char kListSightings[] =
    SANAD_SIGHTING_SELECT "WHERE s.attribute_id = ?1 ORDER BY s.date_sighting, s.id";
constexpr const char kScanSightings[] =
    SANAD_SIGHTING_SELECT "ORDER BY s.attribute_id, s.date_sighting, s.id";
constexpr const char kListEventSightings[] =
    SANAD_SIGHTING_SELECT "WHERE a.event_id = ?1 ORDER BY s.attribute_id, s.date_sighting, s.id";

// ---- row readers ------------------------------------------------------------

StatusOr<model::Org> ReadOrg(const Query& q) {
  model::Org o;
  o.id = q.Int(0);
  o.uuid = q.Text(1);
  o.name = q.Text(2);
  o.country = q.Text(3);
  std::string kind = q.Text(4), category = q.Text(5), status = q.Text(6);
  if (!model::Parse(kind, &o.kind) || !model::Parse(category, &o.category) ||
      !model::Parse(status, &o.status)) {
    return Status::Corrupt("organisation " + std::to_string(o.id) + ": unknown kind, category" +
                           " or status ('" + kind + "', '" + category + "', '" + status + "')");
  }
  o.is_chair = q.Bool(7);
  o.description = q.Text(8);
  o.created = q.Int(9);
  return o;
}

StatusOr<model::User> ReadUser(const Query& q) {
  model::User u;
  u.id = q.Int(0);
  u.email = q.Text(1);
  u.org_id = q.Int(2);
  u.org_name = q.Text(3);
  std::string role = q.Text(4);
  if (!model::Parse(role, &u.role)) {
    return Status::Corrupt("user " + std::to_string(u.id) + ": unknown role '" + role + "'");
  }
  u.created = q.Int(5);
  u.disabled = q.Bool(6);
  return u;
}

ApiKey ReadKey(const Query& q) {
  ApiKey k;
  k.id = q.Int(0);
  k.user_id = q.Int(1);
  k.prefix = q.Text(2);
  k.hash = q.Blob(3);
  k.created = q.Int(4);
  k.expires = q.Int(5);
  k.read_only = q.Bool(6);
  k.allowed_cidrs = q.Text(7);
  k.revoked = q.Bool(8);
  return k;
}

model::SharingGroup ReadSg(const Query& q) {
  model::SharingGroup s;
  s.id = q.Int(0);
  s.uuid = q.Text(1);
  s.name = q.Text(2);
  s.releasability = q.Text(3);
  s.description = q.Text(4);
  s.owner.id = q.Int(5);
  s.owner.uuid = q.Text(6);
  s.owner.name = q.Text(7);
  s.created = q.Int(8);
  s.modified = q.Int(9);
  return s;
}

// Sharing group ref from columns (id, uuid, name) starting at `c`.
model::SharingGroupRef ReadSgRef(const Query& q, int c) {
  model::SharingGroupRef r;
  if (q.IsNull(c)) return r;
  r.id = q.Int(c);
  r.uuid = q.Text(c + 1);
  r.name = q.Text(c + 2);
  return r;
}

// A stored distribution as a model value; Corrupt when out of range.
Status ToDistribution(int64_t v, Distribution* out, std::string_view what) {
  if (v < 0 || v > 5) {
    return Status::Corrupt(std::string(what) + ": stored distribution " + std::to_string(v) +
                           " is not 0..5");
  }
  *out = static_cast<Distribution>(v);
  return Status::Ok();
}

// Reads a row of SANAD_INDEX_ROW_SELECT.
Status ReadIndexRow(const Query& q, Store::IndexRow* r) {
  r->attribute_id = q.Int(0);
  r->event_id = q.Int(1);
  r->type = q.Text(2);
  r->canonical1 = q.Text(3);
  r->canonical2 = q.Text(4);
  r->to_ids = q.Bool(5);
  r->correlation_disabled = q.Bool(6);
  r->timestamp = q.Int(7);
  policy::AccessPath& p = r->access;
  p.event_owner_org_id = q.Int(8);
  p.event_sharing_group_id = q.IsNull(10) ? 0 : q.Int(10);
  p.in_object = !q.IsNull(11);
  p.object_sharing_group_id = q.IsNull(13) ? 0 : q.Int(13);
  p.attribute_sharing_group_id = q.IsNull(15) ? 0 : q.Int(15);
  p.deleted = q.Bool(16);
  int64_t ed = q.Int(9), od = p.in_object ? q.Int(12) : 5, ad = q.Int(14);
  if (ed < 0 || ed > 5 || od < 0 || od > 5 || ad < 0 || ad > 5) {
    return Status::Corrupt("attribute " + std::to_string(r->attribute_id) +
                           ": stored distribution out of range 0..5");
  }
  p.event_distribution = static_cast<Distribution>(ed);
  p.object_distribution = static_cast<Distribution>(od);
  p.attribute_distribution = static_cast<Distribution>(ad);
  return Status::Ok();
}

// Reads a row of SANAD_SIGHTING_SELECT.
Status ReadSighting(const Query& q, model::Sighting* s) {
  s->id = q.Int(0);
  s->uuid = q.Text(1);
  s->attribute_id = q.Int(2);
  s->attribute_uuid = q.Text(3);
  s->org = q.IsNull(4) ? model::OrgRef{} : model::OrgRef{q.Int(4), q.Text(5), q.Text(6)};
  int64_t t = q.Int(7);
  if (t < 0 || t > 2) {
    return Status::Corrupt("sighting " + s->uuid + ": stored type " + std::to_string(t) +
                           " is not 0..2");
  }
  s->type = static_cast<model::SightingType>(t);
  s->source = q.Text(8);
  s->date_sighting = q.Int(9);
  return Status::Ok();
}

// ---- the store ----------------------------------------------------------------

class SqliteStore final : public Store {
 public:
  SqliteStore(sqlite3* db, std::string dir, std::string path, int version, bool read_only)
      : db_(db),
        dir_(std::move(dir)),
        path_(std::move(path)),
        stmts_(db),
        version_(version),
        read_only_(read_only) {}

  ~SqliteStore() override {
    if (in_tx_) ExecScript(db_, kRollback, "rollback");
    stmts_.Clear();
    sqlite3_close_v2(db_);
  }

  // For the domain sections (schema.h: ConnectionOf, StatementsOf).
  sqlite3* connection() { return db_; }
  StmtCache* statements() { return &stmts_; }
  Status BumpGenerationForSection() { return BumpGeneration(); }

  int SchemaVersion() override { return version_; }
  const std::string& path() const override { return path_; }

  // ---- transactions ----
  Status Begin() override {
    if (in_tx_) return Status::Internal("a transaction is already open (nesting is not allowed)");
    SANAD_USE(q, read_only_ ? kBeginRead : kBegin);
    SANAD_RETURN_IF_ERROR(q.Exec("begin transaction"));
    in_tx_ = true;
    return Status::Ok();
  }

  Status Commit() override {
    if (!in_tx_) return Status::Internal("commit without an open transaction");
    Status st;
    {
      auto q = stmts_.Use(kCommit);
      st = q.ok() ? q->Exec("commit") : q.status();
    }
    if (!st.ok() && !sqlite3_get_autocommit(db_)) {
      ExecScript(db_, kRollback, "rollback");
      tag_ids_.clear();
    }
    in_tx_ = false;
    return st;
  }

  void Rollback() override {
    if (!in_tx_) return;
    if (!sqlite3_get_autocommit(db_)) ExecScript(db_, kRollback, "rollback");
    tag_ids_.clear();
    in_tx_ = false;
  }

  // ---- orgs ----
  Status AddOrg(model::Org* org) override {
    if (org->name.empty()) return Status::Invalid("organisation name is empty");
    // The documented limits hold on every path, imports included.
    SANAD_RETURN_IF_ERROR(model::CheckOrgLimits(*org));
    if (org->uuid.empty()) {
      org->uuid = util::NewUuid();
    } else if (!util::IsUuid(org->uuid)) {
      return Status::Invalid("organisation " + Quote(org->name) + ": invalid uuid " +
                             Quote(org->uuid));
    }
    LowerInPlace(&org->uuid);
    if (org->created == 0) org->created = util::Now();
    SANAD_USE(q, kInsertOrg);
    q.Bind(1, org->uuid)
        .Bind(2, org->name)
        .Bind(3, org->country)
        .Bind(4, model::Name(org->kind))
        .Bind(5, model::Name(org->category))
        .Bind(6, model::Name(org->status))
        .Bind(7, org->is_chair)
        .Bind(8, org->description)
        .Bind(9, org->created);
    int rc = q.Step();
    if (rc != SQLITE_DONE) return OrgWriteError(rc, *org);
    org->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status UpdateOrg(const model::Org& org) override {
    if (org.name.empty()) return Status::Invalid("organisation name is empty");
    SANAD_RETURN_IF_ERROR(model::CheckOrgLimits(org));
    SANAD_USE(q, kUpdateOrg);
    q.Bind(1, org.id)
        .Bind(2, org.name)
        .Bind(3, org.country)
        .Bind(4, model::Name(org.kind))
        .Bind(5, model::Name(org.category))
        .Bind(6, model::Name(org.status))
        .Bind(7, org.description);
    int rc = q.Step();
    if (rc != SQLITE_DONE) return OrgWriteError(rc, org);
    if (sqlite3_changes(db_) == 0) {
      return Status::NotFound("no organisation with id " + std::to_string(org.id));
    }
    return Status::Ok();
  }

  StatusOr<model::Org> FindOrg(std::string_view name_or_uuid) override {
    std::string lower = Lower(name_or_uuid);
    SANAD_USE(q, kFindOrg);
    q.Bind(1, name_or_uuid).Bind(2, lower);
    Status st;
    if (q.Next(&st, "finding organisation")) return ReadOrg(q);
    if (!st.ok()) return st;
    return Status::NotFound("no organisation named or with uuid " + Quote(name_or_uuid));
  }

  StatusOr<model::Org> GetOrg(int64_t id) override {
    SANAD_USE(q, kGetOrg);
    q.Bind(1, id);
    Status st;
    if (q.Next(&st, "reading organisation")) return ReadOrg(q);
    if (!st.ok()) return st;
    return Status::NotFound("no organisation with id " + std::to_string(id));
  }

  Status ListOrgs(std::vector<model::Org>* out) override {
    out->clear();
    SANAD_USE(q, kListOrgs);
    Status st;
    while (q.Next(&st, "listing organisations")) {
      auto o = ReadOrg(q);
      if (!o.ok()) return o.status();
      out->push_back(std::move(*o));
    }
    return st;
  }

  Status SetChair(int64_t org_id) override {
    Savepoint sp(this);
    SANAD_RETURN_IF_ERROR(sp.status());
    {
      SANAD_USE(q, kOrgExists);
      q.Bind(1, org_id);
      Status st;
      if (!q.Next(&st, "finding organisation")) {
        if (!st.ok()) return st;
        return Status::NotFound("no organisation with id " + std::to_string(org_id));
      }
    }
    {
      SANAD_USE(q, kUnsetChair);
      SANAD_RETURN_IF_ERROR(q.Bind(1, org_id).Exec("clearing the chair"));
    }
    {
      SANAD_USE(q, kSetChair);
      SANAD_RETURN_IF_ERROR(q.Bind(1, org_id).Exec("setting the chair"));
    }
    return sp.Release();
  }

  // ---- users and keys ----
  Status AddUser(model::User* user) override {
    if (user->email.empty()) return Status::Invalid("user email is empty");
    SANAD_RETURN_IF_ERROR(model::CheckUserLimits(*user));
    if (user->created == 0) user->created = util::Now();
    SANAD_USE(q, kInsertUser);
    q.Bind(1, user->email)
        .Bind(2, user->org_id)
        .Bind(3, model::Name(user->role))
        .Bind(4, user->created)
        .Bind(5, user->disabled);
    int rc = q.Step();
    if (rc != SQLITE_DONE) {
      if (IsUniqueViolation(rc)) {
        return Status::Conflict("a user with email " + Quote(user->email) + " already exists");
      }
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Status::NotFound("user " + Quote(user->email) + ": no organisation with id " +
                                std::to_string(user->org_id));
      }
      return SqlStatus(db_, rc, "adding user " + Quote(user->email));
    }
    user->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  StatusOr<model::User> FindUser(std::string_view email) override {
    SANAD_USE(q, kFindUser);
    q.Bind(1, email);
    Status st;
    if (q.Next(&st, "finding user")) return ReadUser(q);
    if (!st.ok()) return st;
    return Status::NotFound("no user with email " + Quote(email));
  }

  StatusOr<model::User> GetUser(int64_t id) override {
    SANAD_USE(q, kGetUser);
    q.Bind(1, id);
    Status st;
    if (q.Next(&st, "reading user")) return ReadUser(q);
    if (!st.ok()) return st;
    return Status::NotFound("no user with id " + std::to_string(id));
  }

  Status ListUsers(int64_t org_id, std::vector<model::User>* out) override {
    out->clear();
    SANAD_USE(q, kListUsers);
    q.Bind(1, org_id);
    Status st;
    while (q.Next(&st, "listing users")) {
      auto u = ReadUser(q);
      if (!u.ok()) return u.status();
      out->push_back(std::move(*u));
    }
    return st;
  }

  Status AddApiKey(ApiKey* key) override {
    if (key->hash.empty()) return Status::Invalid("API key hash is empty");
    if (key->created == 0) key->created = util::Now();
    SANAD_USE(q, kInsertKey);
    q.Bind(1, key->user_id)
        .Bind(2, key->prefix)
        .BindBlob(3, key->hash)
        .Bind(4, key->created)
        .Bind(5, key->expires)
        .Bind(6, key->read_only)
        .Bind(7, key->allowed_cidrs)
        .Bind(8, key->revoked);
    int rc = q.Step();
    if (rc != SQLITE_DONE) {
      if (IsUniqueViolation(rc))
        return Status::Conflict("an API key with this hash already exists");
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Status::NotFound("API key: no user with id " + std::to_string(key->user_id));
      }
      return SqlStatus(db_, rc, "adding API key");
    }
    key->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  StatusOr<ApiKey> FindApiKeyByHash(std::string_view hash) override {
    SANAD_USE(q, kFindKey);
    q.BindBlob(1, hash);
    Status st;
    if (q.Next(&st, "finding API key")) return ReadKey(q);
    if (!st.ok()) return st;
    return Status::NotFound("unknown API key");
  }

  Status ListApiKeys(int64_t user_id, std::vector<ApiKey>* out) override {
    out->clear();
    SANAD_USE(q, kListKeys);
    q.Bind(1, user_id);
    Status st;
    while (q.Next(&st, "listing API keys")) out->push_back(ReadKey(q));
    return st;
  }
  Status RevokeApiKey(int64_t key_id) override {
    {
      SANAD_USE(q, "UPDATE api_keys SET revoked = 1 WHERE id = ?1");
      q.Bind(1, key_id);
      SANAD_RETURN_IF_ERROR(q.Exec("revoking an API key"));
    }
    if (sqlite3_changes(db_) == 0)
      return Status::NotFound("no API key with id " + std::to_string(key_id));
    return Status::Ok();
  }


  // ---- sharing groups ----
  Status AddSharingGroup(model::SharingGroup* sg) override {
    if (sg->name.empty()) return Status::Invalid("sharing group name is empty");
    SANAD_RETURN_IF_ERROR(model::CheckSharingGroupLimits(*sg));
    if (sg->uuid.empty()) {
      sg->uuid = util::NewUuid();
    } else if (!util::IsUuid(sg->uuid)) {
      return Status::Invalid("sharing group " + Quote(sg->name) + ": invalid uuid " +
                             Quote(sg->uuid));
    }
    LowerInPlace(&sg->uuid);
    if (sg->created == 0) sg->created = util::Now();
    if (sg->modified == 0) sg->modified = sg->created;
    Savepoint sp(this);
    SANAD_RETURN_IF_ERROR(sp.status());
    int64_t id = 0;
    {
      SANAD_USE(q, kInsertSg);
      q.Bind(1, sg->uuid)
          .Bind(2, sg->name)
          .Bind(3, sg->releasability)
          .Bind(4, sg->description)
          .Bind(5, sg->owner.id)
          .Bind(6, sg->created)
          .Bind(7, sg->modified);
      int rc = q.Step();
      if (rc != SQLITE_DONE) {
        if (IsUniqueViolation(rc)) {
          return Status::Conflict("a sharing group with uuid " + Quote(sg->uuid) +
                                  " already exists");
        }
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
          return Status::NotFound("sharing group " + Quote(sg->name) +
                                  ": no owner organisation with id " +
                                  std::to_string(sg->owner.id));
        }
        return SqlStatus(db_, rc, "adding sharing group " + Quote(sg->name));
      }
      id = sqlite3_last_insert_rowid(db_);
    }
    std::vector<int64_t> members{sg->owner.id};
    for (const auto& m : sg->members) members.push_back(m.id);
    for (int64_t org_id : members) {
      SANAD_USE(q, kInsertSgOrg);
      int rc = q.Bind(1, id).Bind(2, org_id).Step();
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Status::NotFound("sharing group " + Quote(sg->name) +
                                ": no member organisation with id " + std::to_string(org_id));
      }
      if (rc != SQLITE_DONE) return SqlStatus(db_, rc, "adding sharing group member");
    }
    auto loaded = GetSharingGroup(id);
    if (!loaded.ok()) return loaded.status();
    SANAD_RETURN_IF_ERROR(BumpGeneration());
    SANAD_RETURN_IF_ERROR(sp.Release());
    *sg = std::move(*loaded);
    return Status::Ok();
  }

  Status AddSharingGroupOrg(int64_t sg_id, int64_t org_id) override {
    WriteScope scope(this);
    SANAD_RETURN_IF_ERROR(scope.status());
    {
      SANAD_USE(q, kSgExists);
      Status st;
      if (!q.Bind(1, sg_id).Next(&st, "finding sharing group")) {
        if (!st.ok()) return st;
        return Status::NotFound("no sharing group with id " + std::to_string(sg_id));
      }
    }
    SANAD_USE(q, kInsertSgOrg);
    int rc = q.Bind(1, sg_id).Bind(2, org_id).Step();
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Status::NotFound("no organisation with id " + std::to_string(org_id));
    }
    if (rc != SQLITE_DONE) return SqlStatus(db_, rc, "adding sharing group member");
    if (sqlite3_changes(db_) > 0) {
      SANAD_USE(t, kTouchSg);
      SANAD_RETURN_IF_ERROR(t.Bind(1, sg_id).Bind(2, util::Now()).Exec("updating sharing group"));
      SANAD_RETURN_IF_ERROR(BumpGeneration());
    }
    return scope.Finish();
  }

  StatusOr<model::SharingGroup> FindSharingGroup(std::string_view name_or_uuid) override {
    std::vector<model::SharingGroup> found;
    {
      std::string lower = Lower(name_or_uuid);
      SANAD_USE(q, kFindSgByUuid);
      q.Bind(1, lower);
      Status st;
      if (q.Next(&st, "finding sharing group")) found.push_back(ReadSg(q));
      SANAD_RETURN_IF_ERROR(st);
    }
    if (found.empty()) {
      SANAD_USE(q, kFindSgByName);
      q.Bind(1, name_or_uuid);
      Status st;
      while (q.Next(&st, "finding sharing group")) found.push_back(ReadSg(q));
      SANAD_RETURN_IF_ERROR(st);
    }
    if (found.empty()) {
      return Status::NotFound("no sharing group named or with uuid " + Quote(name_or_uuid));
    }
    if (found.size() > 1) {
      return Status::Invalid("sharing group name " + Quote(name_or_uuid) +
                             " is ambiguous; use its uuid");
    }
    SANAD_RETURN_IF_ERROR(LoadMembers(&found[0]));
    return std::move(found[0]);
  }

  StatusOr<model::SharingGroup> GetSharingGroup(int64_t id) override {
    model::SharingGroup sg;
    {
      SANAD_USE(q, kGetSg);
      q.Bind(1, id);
      Status st;
      if (!q.Next(&st, "reading sharing group")) {
        if (!st.ok()) return st;
        return Status::NotFound("no sharing group with id " + std::to_string(id));
      }
      sg = ReadSg(q);
    }
    SANAD_RETURN_IF_ERROR(LoadMembers(&sg));
    return sg;
  }

  Status ListSharingGroups(std::vector<model::SharingGroup>* out) override {
    out->clear();
    {
      SANAD_USE(q, kListSgs);
      Status st;
      while (q.Next(&st, "listing sharing groups")) out->push_back(ReadSg(q));
      SANAD_RETURN_IF_ERROR(st);
    }
    for (auto& sg : *out) SANAD_RETURN_IF_ERROR(LoadMembers(&sg));
    return Status::Ok();
  }

  StatusOr<policy::Viewer> ViewerFor(int64_t org_id) override {
    {
      SANAD_USE(q, kOrgExists);
      Status st;
      if (!q.Bind(1, org_id).Next(&st, "finding organisation")) {
        if (!st.ok()) return st;
        return Status::NotFound("no organisation with id " + std::to_string(org_id));
      }
    }
    policy::Viewer v;
    v.org_id = org_id;
    SANAD_USE(q, kGroupsOfOrg);
    q.Bind(1, org_id);
    Status st;
    while (q.Next(&st, "listing sharing groups of organisation"))
      v.sharing_groups.push_back(q.Int(0));
    SANAD_RETURN_IF_ERROR(st);
    return v;
  }

  // ---- events ----
  StatusOr<EventHead> FindEventHead(std::string_view uuid) override {
    std::string lower = Lower(uuid);
    SANAD_USE(q, kEventHead);
    q.Bind(1, lower);
    Status st;
    if (!q.Next(&st, "finding event")) {
      if (!st.ok()) return st;
      return Status::NotFound("no event with uuid " + Quote(uuid));
    }
    EventHead h;
    h.id = q.Int(0);
    h.uuid = q.Text(1);
    h.timestamp = q.Int(2);
    h.org_id = q.Int(3);
    h.orgc_id = q.Int(4);
    h.deleted = q.Bool(5);
    return h;
  }

  StatusOr<UpsertOutcome> UpsertEvent(model::Event* ev) override {
    if (ev->uuid.empty()) ev->uuid = util::NewUuid();
    LowerInPlace(&ev->uuid);
    LowerInPlace(&ev->extends_uuid);
    std::string what = "event " + ev->uuid;
    if (ev->org.id == 0 || ev->orgc.id == 0) {
      return Status::Invalid(what + ": org and orgc must be resolved to stored organisations");
    }
    SANAD_RETURN_IF_ERROR(
        CheckDistribution(ev->distribution, ev->sharing_group.id, /*allow_inherit=*/false, what));
    int64_t stored_id = 0;
    model::Timestamp stored_ts = 0;
    {
      SANAD_USE(q, kEventHead);
      q.Bind(1, ev->uuid);
      Status st;
      if (q.Next(&st, "finding event")) {
        stored_id = q.Int(0);
        stored_ts = q.Int(2);
      }
      SANAD_RETURN_IF_ERROR(st);
    }
    if (stored_id != 0 && ev->timestamp <= stored_ts) {
      ev->id = stored_id;
      return ev->timestamp == stored_ts ? UpsertOutcome::kUnchanged : UpsertOutcome::kSkippedOlder;
    }
    // No savepoint inside the caller's transaction: its sub-journal would
    // copy every page the event touches, and the caller rolls back anyway.
    WriteScope scope(this);
    SANAD_RETURN_IF_ERROR(scope.status());
    UpsertOutcome outcome;
    if (stored_id == 0) {
      SANAD_RETURN_IF_ERROR(InsertEvent(ev));
      outcome = UpsertOutcome::kCreated;
    } else {
      ev->id = stored_id;
      SANAD_RETURN_IF_ERROR(UpdateEvent(ev));
      outcome = UpsertOutcome::kUpdated;
    }
    SANAD_RETURN_IF_ERROR(StoreCarriedSightings(ev));
    SANAD_RETURN_IF_ERROR(BumpGeneration());
    SANAD_RETURN_IF_ERROR(scope.Finish());
    return outcome;
  }

  Status SoftDeleteEvent(int64_t event_id, model::Timestamp now) override {
    WriteScope scope(this);
    SANAD_RETURN_IF_ERROR(scope.status());
    {
      SANAD_USE(q, kSoftDeleteEvent);
      SANAD_RETURN_IF_ERROR(q.Bind(1, event_id).Bind(2, now).Exec("deleting event"));
      if (sqlite3_changes(db_) == 0) {
        return Status::NotFound("no event with id " + std::to_string(event_id));
      }
    }
    SANAD_RETURN_IF_ERROR(BumpGeneration());
    return scope.Finish();
  }

  Status ScanEvents(const policy::Viewer& v, const EventQuery& q,
                    const std::function<bool(model::Event&)>& fn) override {
    // Conservative SQL superset of the event-level policy; Redact decides.
    std::string sql =
        "SELECT id FROM events WHERE id > ?1 AND (org_id = ?2 OR distribution IN (1, 2, 3)";
    if (!v.sharing_groups.empty()) {
      sql += " OR (distribution = 4 AND sharing_group_id IN (";
      for (size_t i = 0; i < v.sharing_groups.size(); ++i) {
        if (i) sql += ", ";
        sql += std::to_string(v.sharing_groups[i]);
      }
      sql += "))";
    }
    sql += ")";
    if (!q.include_deleted) sql += " AND deleted = 0";
    if (q.published) sql += " AND published = ?3";
    if (q.since) sql += " AND timestamp >= ?4";
    if (q.until) sql += " AND timestamp <= ?5";
    if (q.orgc_id) sql += " AND orgc_id = ?6";
    std::string uuids_json;
    if (!q.uuids.empty()) {
      sql += " AND uuid IN (SELECT value FROM json_each(?7))";
      std::vector<std::string> lower;
      lower.reserve(q.uuids.size());
      for (const auto& u : q.uuids) lower.push_back(Lower(u));
      uuids_json = JsonStringArray(lower);
    }
    constexpr int kPage = 256;
    sql += " ORDER BY id LIMIT " + std::to_string(kPage);

    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr);
    Stmt stmt(raw);
    if (rc != SQLITE_OK) return SqlStatus(db_, rc, "preparing event scan");

    int64_t after = q.after_id;
    int64_t delivered = 0;
    std::vector<int64_t> ids;
    for (;;) {
      ids.clear();
      {
        Query page(db_, stmt.get());
        page.Bind(1, after).Bind(2, v.org_id);
        if (q.published) page.Bind(3, *q.published);
        if (q.since) page.Bind(4, *q.since);
        if (q.until) page.Bind(5, *q.until);
        if (q.orgc_id) page.Bind(6, *q.orgc_id);
        if (!q.uuids.empty()) page.Bind(7, uuids_json);
        Status st;
        while (page.Next(&st, "scanning events")) ids.push_back(page.Int(0));
        SANAD_RETURN_IF_ERROR(st);
      }
      for (int64_t id : ids) {
        model::Event ev;
        SANAD_RETURN_IF_ERROR(LoadEventConsistent(id, &ev));
        if (!policy::Redact(v, &ev, {q.include_deleted})) continue;
        ++delivered;
        if (!fn(ev)) return Status::Ok();
        if (q.limit > 0 && delivered >= q.limit) return Status::Ok();
      }
      if (ids.size() < static_cast<size_t>(kPage)) return Status::Ok();
      after = ids.back();
    }
  }

  StatusOr<model::Event> GetEvent(const policy::Viewer& v, std::string_view uuid,
                                  bool include_deleted) override {
    int64_t id = 0;
    {
      std::string lower = Lower(uuid);
      SANAD_USE(q, kEventIdByUuid);
      q.Bind(1, lower);
      Status st;
      if (q.Next(&st, "finding event")) id = q.Int(0);
      SANAD_RETURN_IF_ERROR(st);
    }
    Status not_found = Status::NotFound("no event with uuid " + Quote(uuid));
    if (id == 0) return not_found;
    model::Event ev;
    SANAD_RETURN_IF_ERROR(LoadEventConsistent(id, &ev));
    if (ev.deleted && !include_deleted) return not_found;
    if (!policy::Redact(v, &ev, {include_deleted})) return not_found;
    return ev;
  }

  StatusOr<Stats> GetStats() override {
    SANAD_USE(q, kStats);
    Status st;
    if (!q.Next(&st, "counting")) {
      if (st.ok()) st = Status::Internal("counting: no result row");
      return st;
    }
    Stats s;
    s.orgs = q.Int(0);
    s.users = q.Int(1);
    s.sharing_groups = q.Int(2);
    s.events = q.Int(3);
    s.attributes = q.Int(4);
    s.objects = q.Int(5);
    s.tags = q.Int(6);
    s.sightings = q.Int(7);
    return s;
  }

  // ---- intelligence ----
  Status UnfilteredScanAttributes(const std::function<bool(const IndexRow&)>& fn) override {
    // A private statement: `fn` may use the store (and its cached statements)
    // while the scan is active. One statement reads one snapshot.
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, kScanIndexRows, -1, &raw, nullptr);
    Stmt stmt(raw);
    if (rc != SQLITE_OK) return SqlStatus(db_, rc, "preparing attribute scan");
    Query q(db_, stmt.get());
    Status st;
    IndexRow row;
    while (q.Next(&st, "scanning attributes")) {
      row = IndexRow{};
      SANAD_RETURN_IF_ERROR(ReadIndexRow(q, &row));
      if (!fn(row)) return Status::Ok();
    }
    return st;
  }

  Status UnfilteredGetAttributes(const std::vector<int64_t>& ids,
                                 std::vector<IndexRow>* out) override {
    out->clear();
    if (ids.empty()) return Status::Ok();
    std::string json = "[";
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i) json += ',';
      json += std::to_string(ids[i]);
    }
    json += ']';
    SANAD_USE(q, kGetIndexRows);
    q.Bind(1, json);
    Status st;
    while (q.Next(&st, "reading attributes")) {
      IndexRow row;
      SANAD_RETURN_IF_ERROR(ReadIndexRow(q, &row));
      out->push_back(std::move(row));
    }
    return st;
  }

  StatusOr<int64_t> DataGeneration() override {
    SANAD_USE(q, kGetGeneration);
    Status st;
    if (q.Next(&st, "reading the data generation")) return q.Int(0);
    SANAD_RETURN_IF_ERROR(st);
    return int64_t{0};
  }

  StatusOr<AttributeContext> GetAttributeContext(const policy::Viewer& v,
                                                 int64_t attribute_id) override {
    Status not_found = Status::NotFound("no attribute with id " + std::to_string(attribute_id));
    AttributeContext c;
    int64_t event_id = 0;
    {
      SANAD_USE(q, kAttributeContext);
      q.Bind(1, attribute_id);
      Status st;
      if (!q.Next(&st, "loading attribute")) {
        SANAD_RETURN_IF_ERROR(st);
        return not_found;
      }
      model::Attribute& a = c.attribute;
      a.id = q.Int(0);
      a.uuid = q.Text(1);
      std::string what = "attribute " + a.uuid;
      a.object_relation = q.Text(2);
      a.type = q.Text(3);
      a.category = q.Text(4);
      a.value = q.Text(5);
      a.canonical = q.Text(6);
      a.canonical1 = q.Text(7);
      a.canonical2 = q.Text(8);
      a.to_ids = q.Bool(9);
      a.comment = q.Text(10);
      SANAD_RETURN_IF_ERROR(ToDistribution(q.Int(11), &a.distribution, what));
      a.sharing_group = ReadSgRef(q, 12);
      a.timestamp = q.Int(15);
      a.first_seen = q.OptText(16);
      a.last_seen = q.OptText(17);
      a.disable_correlation = q.Bool(18);
      a.deleted = q.Bool(19);
      a.extra_json = q.Text(20);
      policy::AccessPath p;
      p.attribute_distribution = a.distribution;
      p.attribute_sharing_group_id = a.sharing_group.id;
      p.in_object = !q.IsNull(21);
      if (p.in_object) {
        c.object_uuid = q.Text(22);
        c.object_name = q.Text(23);
        SANAD_RETURN_IF_ERROR(ToDistribution(q.Int(24), &p.object_distribution, what));
        p.object_sharing_group_id = q.IsNull(25) ? 0 : q.Int(25);
      }
      event_id = q.Int(27);
      c.event_uuid = q.Text(28);
      c.event_info = q.Text(29);
      c.event_date = q.Text(30);
      c.event_published = q.Bool(31);
      p.event_owner_org_id = q.Int(32);
      SANAD_RETURN_IF_ERROR(ToDistribution(q.Int(33), &p.event_distribution, what));
      p.event_sharing_group_id = q.IsNull(34) ? 0 : q.Int(34);
      p.deleted = a.deleted || q.Bool(35) || (p.in_object && q.Bool(26));
      c.event_orgc = model::OrgRef{q.Int(36), q.Text(37), q.Text(38)};
      if (!policy::MaySee(v, p)) return not_found;
    }
    {
      SANAD_USE(q, kOneAttributeTags);
      q.Bind(1, attribute_id);
      Status st;
      while (q.Next(&st, "loading attribute tags")) {
        c.attribute.tags.push_back(model::Tag{q.Text(0), q.Text(1), q.Bool(2), q.Bool(3)});
      }
      SANAD_RETURN_IF_ERROR(st);
    }
    {
      SANAD_USE(q, kLoadEventTags);
      q.Bind(1, event_id);
      Status st;
      while (q.Next(&st, "loading event tags")) {
        c.event_tags.push_back(model::Tag{q.Text(0), q.Text(1), q.Bool(2), q.Bool(3)});
      }
      SANAD_RETURN_IF_ERROR(st);
    }
    std::vector<model::Tag> all = c.attribute.tags;
    all.insert(all.end(), c.event_tags.begin(), c.event_tags.end());
    c.tlp = model::StrictestTlp(all);
    return c;
  }

  StatusOr<int64_t> FindAttributeId(std::string_view uuid) override {
    std::string lower = Lower(uuid);
    SANAD_USE(q, kAttributeIdByUuid);
    q.Bind(1, lower);
    Status st;
    if (q.Next(&st, "finding attribute")) return q.Int(0);
    SANAD_RETURN_IF_ERROR(st);
    return Status::NotFound("no attribute with uuid " + Quote(uuid));
  }

  Status FindAttributesByCanonical(const std::vector<std::string>& values,
                                   std::vector<int64_t>* ids) override {
    ids->clear();
    for (const char* sql : {kByCanonical1, kByCanonical2}) {
      for (const auto& value : values) {
        if (value.empty()) continue;
        SANAD_USE(q, sql);
        q.Bind(1, value);
        Status st;
        while (q.Next(&st, "finding attributes by value")) ids->push_back(q.Int(0));
        SANAD_RETURN_IF_ERROR(st);
      }
    }
    std::sort(ids->begin(), ids->end());
    ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    return Status::Ok();
  }

  Status AddCorrelationExclusion(CorrelationExclusion* e) override {
    if (e->value.empty()) return Status::Invalid("correlation exclusion: empty value");
    if (e->created == 0) e->created = util::Now();
    SANAD_USE(q, kInsertExclusion);
    int rc = q.Bind(1, e->value).Bind(2, e->comment).Bind(3, e->created).Step();
    if (rc != SQLITE_DONE) {
      if (IsUniqueViolation(rc)) {
        return Status::Conflict("correlation exclusion " + Quote(e->value) + " already exists");
      }
      return SqlStatus(db_, rc, "adding correlation exclusion " + Quote(e->value));
    }
    e->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status RemoveCorrelationExclusion(std::string_view value) override {
    SANAD_USE(q, kDeleteExclusion);
    SANAD_RETURN_IF_ERROR(q.Bind(1, value).Exec("removing correlation exclusion"));
    if (sqlite3_changes(db_) == 0) {
      return Status::NotFound("no correlation exclusion " + Quote(value));
    }
    return Status::Ok();
  }

  Status ListCorrelationExclusions(std::vector<CorrelationExclusion>* out) override {
    out->clear();
    SANAD_USE(q, kListExclusions);
    Status st;
    while (q.Next(&st, "listing correlation exclusions")) {
      out->push_back(CorrelationExclusion{q.Int(0), q.Text(1), q.Text(2), q.Int(3)});
    }
    return st;
  }

  StatusOr<std::string> GetSetting(std::string_view key) override {
    SANAD_USE(q, kGetSetting);
    q.Bind(1, key);
    Status st;
    if (q.Next(&st, "reading setting")) return q.Text(0);
    SANAD_RETURN_IF_ERROR(st);
    return Status::NotFound("setting " + Quote(key) + " is not set");
  }

  Status SetSetting(std::string_view key, std::string_view value) override {
    if (key.empty()) return Status::Invalid("setting: empty key");
    SANAD_USE(q, kSetSetting);
    return q.Bind(1, key).Bind(2, value).Exec("writing setting " + Quote(key));
  }

  Status AddSighting(model::Sighting* s) override {
    {
      const char* sql = s->attribute_id != 0 ? kAttributeById : kAttributeByUuid;
      std::string lower = Lower(s->attribute_uuid);
      SANAD_USE(q, sql);
      if (s->attribute_id != 0) {
        q.Bind(1, s->attribute_id);
      } else {
        q.Bind(1, lower);
      }
      Status st;
      if (!q.Next(&st, "finding attribute")) {
        SANAD_RETURN_IF_ERROR(st);
        return Status::NotFound("sighting: no attribute " +
                                (s->attribute_id != 0 ? "with id " + std::to_string(s->attribute_id)
                                                      : "with uuid " + Quote(s->attribute_uuid)));
      }
      s->attribute_id = q.Int(0);
      s->attribute_uuid = q.Text(1);
    }
    if (s->org.id == 0) return Status::Invalid("sighting: the sighting organisation is not set");
    auto org = GetOrg(s->org.id);
    if (!org.ok()) return org.status().WithContext("sighting");
    s->org = model::OrgRef{org->id, org->uuid, org->name};
    if (s->uuid.empty()) {
      s->uuid = util::NewUuid();
    } else if (!util::IsUuid(s->uuid)) {
      return Status::Invalid("sighting: invalid uuid " + Quote(s->uuid));
    }
    LowerInPlace(&s->uuid);
    if (s->date_sighting == 0) s->date_sighting = util::Now();
    SANAD_USE(q, kInsertSighting);
    int rc = BindSighting(q, *s).Step();
    if (rc != SQLITE_DONE) {
      if (IsUniqueViolation(rc)) {
        return Status::Conflict("a sighting with uuid " + Quote(s->uuid) + " already exists");
      }
      return SqlStatus(db_, rc, "adding sighting " + s->uuid);
    }
    s->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status ListSightings(int64_t attribute_id, std::vector<model::Sighting>* out) override {
    return ReadSightings(kListSightings, attribute_id, out);
  }

  Status ListEventSightings(int64_t event_id, std::vector<model::Sighting>* out) override {
    return ReadSightings(kListEventSightings, event_id, out);
  }

  StatusOr<int64_t> LastSightingId() override {
    SANAD_USE(q, "SELECT COALESCE(MAX(id), 0) FROM sightings");
    Status st;
    if (!q.Next(&st, "reading the last sighting id")) return st.ok() ? Status::Internal("no row") : st;
    return q.Int(0);
  }

  Status UnfilteredScanSightings(const std::function<bool(const model::Sighting&)>& fn) override {
    SANAD_USE(q, kScanSightings);
    Status st;
    while (q.Next(&st, "scanning sightings")) {
      model::Sighting s;
      SANAD_RETURN_IF_ERROR(ReadSighting(q, &s));
      if (!fn(s)) break;
    }
    return st;
  }

  StatusOr<AuditEntry> LastAuditEntry() override {
    SANAD_USE(q, kAuditSelect " ORDER BY seq DESC LIMIT 1");
    Status st;
    if (!q.Next(&st, "reading the audit log")) {
      if (!st.ok()) return st;
      return Status::NotFound("the audit log is empty");
    }
    AuditEntry e;
    ReadAudit(q, &e);
    return e;
  }

  Status AppendAuditEntry(const AuditEntry& e) override {
    SANAD_USE(q, "INSERT INTO audit_log(seq, time, actor, org_uuid, action, object_type, "
                 "object_uuid, owner_org_uuid, details, prev_hash, hash) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    q.Bind(1, e.seq)
        .Bind(2, e.time)
        .Bind(3, e.actor)
        .Bind(4, e.org_uuid)
        .Bind(5, e.action)
        .Bind(6, e.object_type)
        .Bind(7, e.object_uuid)
        .Bind(8, e.owner_org_uuid)
        .Bind(9, e.details)
        .BindBlob(10, e.prev_hash)
        .BindBlob(11, e.hash);
    return q.Exec("appending to the audit log");
  }

  Status ScanAuditEntries(const std::function<bool(const AuditEntry&)>& fn) override {
    SANAD_USE(q, kAuditSelect " ORDER BY seq");
    return VisitAudit(q, fn);
  }

  Status ScanAuditEntriesByOwner(std::string_view owner,
                                 const std::function<bool(const AuditEntry&)>& fn) override {
    SANAD_USE(q, kAuditSelect " WHERE owner_org_uuid = ?1 ORDER BY seq");
    q.Bind(1, owner);
    return VisitAudit(q, fn);
  }

  Status AddAuditCheckpoint(const AuditCheckpoint& c) override {
    SANAD_USE(q, "INSERT INTO audit_checkpoints(seq, time, hash, public_key, signature) "
                 "VALUES (?1, ?2, ?3, ?4, ?5)");
    q.Bind(1, c.seq).Bind(2, c.time).BindBlob(3, c.hash).BindBlob(4, c.public_key).BindBlob(
        5, c.signature);
    return q.Exec("recording an audit checkpoint");
  }

  Status ScanAuditCheckpoints(const std::function<bool(const AuditCheckpoint&)>& fn) override {
    SANAD_USE(q, "SELECT seq, time, hash, public_key, signature FROM audit_checkpoints "
                 "ORDER BY seq, id");
    Status st;
    while (q.Next(&st, "reading the audit checkpoints")) {
      AuditCheckpoint c{q.Int(0), q.Int(1), q.Blob(2), q.Blob(3), q.Blob(4)};
      if (!fn(c)) break;
    }
    return st;
  }

 private:
  static void ReadAudit(Query& q, AuditEntry* e) {
    e->seq = q.Int(0);
    e->time = q.Int(1);
    e->actor = q.Text(2);
    e->org_uuid = q.Text(3);
    e->action = q.Text(4);
    e->object_type = q.Text(5);
    e->object_uuid = q.Text(6);
    e->owner_org_uuid = q.Text(7);
    e->details = q.Text(8);
    e->prev_hash = q.Blob(9);
    e->hash = q.Blob(10);
  }

  Status VisitAudit(Query& q, const std::function<bool(const AuditEntry&)>& fn) {
    Status st;
    AuditEntry e;
    while (q.Next(&st, "reading the audit log")) {
      ReadAudit(q, &e);
      if (!fn(e)) break;
    }
    return st;
  }

  // A savepoint around one multi-statement operation: released by Release(),
  // rolled back otherwise. Works inside and outside a transaction.
  class Savepoint {
   public:
    explicit Savepoint(SqliteStore* s) : s_(s) {
      auto q = s_->stmts_.Use(kSavepoint);
      status_ = q.ok() ? q->Exec("savepoint") : q.status();
    }
    ~Savepoint() {
      if (!status_.ok() || released_) return;
      {
        auto q = s_->stmts_.Use(kRollbackTo);
        if (q.ok()) (void)q->Exec("rollback to savepoint");
      }
      {
        auto q = s_->stmts_.Use(kRelease);
        if (q.ok()) (void)q->Exec("release savepoint");
      }
      // Tags created inside the savepoint are gone.
      s_->tag_ids_.clear();
    }
    const Status& status() const { return status_; }
    Status Release() {
      auto q = s_->stmts_.Use(kRelease);
      Status st = q.ok() ? q->Exec("release savepoint") : q.status();
      if (st.ok()) released_ = true;
      return st;
    }

   private:
    SqliteStore* s_;
    Status status_;
    bool released_ = false;
  };

  // Makes one operation atomic when no transaction is open (its own
  // BEGIN/COMMIT); inside the caller's transaction it does nothing.
  class WriteScope {
   public:
    explicit WriteScope(SqliteStore* s) : s_(s) {
      if (!sqlite3_get_autocommit(s_->db_)) return;
      auto q = s_->stmts_.Use(kBegin);
      status_ = q.ok() ? q->Exec("begin transaction") : q.status();
      own_ = status_.ok();
    }
    ~WriteScope() {
      if (!own_) return;
      if (!sqlite3_get_autocommit(s_->db_)) ExecScript(s_->db_, kRollback, "rollback");
      s_->tag_ids_.clear();
    }
    const Status& status() const { return status_; }
    Status Finish() {
      if (!own_) return Status::Ok();
      auto q = s_->stmts_.Use(kCommit);
      Status st = q.ok() ? q->Exec("commit") : q.status();
      if (st.ok()) own_ = false;  // else the destructor rolls back
      return st;
    }

   private:
    SqliteStore* s_;
    Status status_;
    bool own_ = false;
  };

  Status BumpGeneration() {
    SANAD_USE(q, kBumpGeneration);
    return q.Exec("updating the data generation");
  }

  // ?1 uuid, ?2 attribute_id, ?3 org_id (NULL when 0), ?4 type, ?5 source,
  // ?6 date_sighting.
  static Query& BindSighting(Query& q, const model::Sighting& s) {
    return q.Bind(1, s.uuid)
        .Bind(2, s.attribute_id)
        .BindId(3, s.org.id)
        .Bind(4, static_cast<int>(s.type))
        .Bind(5, s.source)
        .Bind(6, s.date_sighting);
  }

  Status ReadSightings(const char* sql, int64_t id, std::vector<model::Sighting>* out) {
    out->clear();
    SANAD_USE(q, sql);
    q.Bind(1, id);
    Status st;
    while (q.Next(&st, "listing sightings")) {
      model::Sighting s;
      SANAD_RETURN_IF_ERROR(ReadSighting(q, &s));
      out->push_back(std::move(s));
    }
    return st;
  }

  // Stores the sightings carried on the attributes of `ev` (ids assigned).
  Status StoreCarriedSightings(model::Event* ev) {
    auto store = [&](model::Attribute& a) -> Status {
      for (auto& s : a.sightings) {
        std::string what = "event " + ev->uuid + ": attribute " + a.uuid + ": sighting";
        s.attribute_id = a.id;
        s.attribute_uuid = a.uuid;
        int type = static_cast<int>(s.type);
        if (type < 0 || type > 2) {
          return Status::Invalid(what + ": type " + std::to_string(type) + " is not 0..2");
        }
        if (!s.uuid.empty()) {
          if (!util::IsUuid(s.uuid))
            return Status::Invalid(what + ": invalid uuid " + Quote(s.uuid));
          LowerInPlace(&s.uuid);
        } else {
          SANAD_USE(q, kSightingByNaturalKey);
          q.Bind(1, a.id)
              .Bind(2, s.date_sighting)
              .Bind(3, type)
              .BindId(4, s.org.id)
              .Bind(5, s.source);
          Status st;
          bool found = q.Next(&st, "finding sighting");
          SANAD_RETURN_IF_ERROR(st);
          if (found) continue;
          s.uuid = util::NewUuid();
        }
        SANAD_USE(q, kInsertSightingIfNew);
        int rc = BindSighting(q, s).Step();
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
          return Status::Invalid(what + " " + s.uuid + ": unknown organisation id " +
                                 std::to_string(s.org.id));
        }
        if (rc != SQLITE_DONE) return SqlStatus(db_, rc, what + " " + s.uuid);
        if (sqlite3_changes(db_) > 0) s.id = sqlite3_last_insert_rowid(db_);
      }
      return Status::Ok();
    };
    for (auto& a : ev->attributes) SANAD_RETURN_IF_ERROR(store(a));
    for (auto& o : ev->objects) {
      for (auto& a : o.attributes) SANAD_RETURN_IF_ERROR(store(a));
    }
    return Status::Ok();
  }

  Status OrgWriteError(int rc, const model::Org& org) {
    if (IsUniqueViolation(rc)) {
      std::string msg = sqlite3_errmsg(db_);
      if (msg.find("orgs.name") != std::string::npos) {
        return Status::Conflict("an organisation named " + Quote(org.name) + " already exists");
      }
      if (msg.find("orgs.uuid") != std::string::npos) {
        return Status::Conflict("an organisation with uuid " + Quote(org.uuid) + " already exists");
      }
      if (msg.find("orgs.is_chair") != std::string::npos) {
        return Status::Conflict("organisation " + Quote(org.name) +
                                ": another organisation is already the chair");
      }
    }
    return SqlStatus(db_, rc, "writing organisation " + Quote(org.name));
  }

  Status LoadMembers(model::SharingGroup* sg) {
    sg->members.clear();
    SANAD_USE(q, kSgMembers);
    q.Bind(1, sg->id);
    Status st;
    while (q.Next(&st, "listing sharing group members")) {
      sg->members.push_back(model::OrgRef{q.Int(0), q.Text(1), q.Text(2)});
    }
    return st;
  }

  // ---- tags ----
  StatusOr<int64_t> TagId(const model::Tag& t, std::string_view what) {
    auto it = tag_ids_.find(t.name);
    if (it != tag_ids_.end()) return it->second;
    if (t.name.empty()) return Status::Invalid(std::string(what) + ": empty tag name");
    int64_t id = 0;
    bool fill_colour = false;
    {
      SANAD_USE(q, kFindTag);
      q.Bind(1, t.name);
      Status st;
      if (q.Next(&st, "finding tag")) {
        id = q.Int(0);
        fill_colour = !t.colour.empty() && q.Text(1).empty();
      }
      SANAD_RETURN_IF_ERROR(st);
    }
    if (id == 0) {
      SANAD_USE(q, kInsertTag);
      SANAD_RETURN_IF_ERROR(q.Bind(1, t.name)
                                .Bind(2, t.colour)
                                .Bind(3, t.exportable)
                                .Exec("adding tag " + Quote(t.name)));
      id = sqlite3_last_insert_rowid(db_);
    } else if (fill_colour) {
      SANAD_USE(q, kSetTagColour);
      SANAD_RETURN_IF_ERROR(q.Bind(1, id).Bind(2, t.colour).Exec("updating tag colour"));
    }
    tag_ids_.emplace(t.name, id);
    return id;
  }

  // Inserts the tags of one item (duplicates by name dropped, first wins).
  Status InsertTags(const char* sql, int64_t owner_id, const std::vector<model::Tag>& tags,
                    std::string_view what) {
    int pos = 0;
    for (size_t i = 0; i < tags.size(); ++i) {
      bool dup = false;
      for (size_t j = 0; j < i && !dup; ++j) dup = tags[j].name == tags[i].name;
      if (dup) continue;
      auto id = TagId(tags[i], what);
      if (!id.ok()) return id.status();
      SANAD_USE(q, sql);
      int rc = q.Bind(1, owner_id).Bind(2, pos++).Bind(3, *id).Bind(4, tags[i].local).Step();
      if (rc != SQLITE_DONE) {
        return SqlStatus(db_, rc, std::string(what) + ": adding tag " + Quote(tags[i].name));
      }
    }
    return Status::Ok();
  }

  // ---- event writes ----
  void BindEvent(Query& q, const model::Event& ev) {
    q.Bind(1, ev.id)
        .Bind(2, ev.uuid)
        .Bind(3, ev.info)
        .Bind(4, ev.date)
        .Bind(5, ev.threat_level_id)
        .Bind(6, ev.analysis)
        .Bind(7, ev.published)
        .Bind(8, ev.publish_timestamp)
        .Bind(9, ev.timestamp)
        .Bind(10, static_cast<int>(ev.distribution))
        .BindId(11, ev.sharing_group.id)
        .Bind(12, ev.org.id)
        .Bind(13, ev.orgc.id)
        .Bind(14, ev.disable_correlation)
        .Bind(15, ev.deleted)
        .Bind(16, ev.extends_uuid)
        .Bind(17, ev.extra_json);
  }

  Status EventWriteError(int rc, const model::Event& ev) {
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Status::Invalid("event " + ev.uuid + ": unknown org (" + std::to_string(ev.org.id) +
                             "), orgc (" + std::to_string(ev.orgc.id) + ") or sharing group (" +
                             std::to_string(ev.sharing_group.id) + ") id");
    }
    return SqlStatus(db_, rc, "writing event " + ev.uuid);
  }

  Status InsertEvent(model::Event* ev) {
    {
      SANAD_USE(q, kInsertEvent);
      BindEvent(q, *ev);
      int rc = q.Step();
      if (rc != SQLITE_DONE) return EventWriteError(rc, *ev);
      ev->id = sqlite3_last_insert_rowid(db_);
    }
    SANAD_RETURN_IF_ERROR(InsertTags(kInsertEventTag, ev->id, ev->tags, "event " + ev->uuid));
    for (auto& a : ev->attributes) SANAD_RETURN_IF_ERROR(InsertAttribute(*ev, 0, &a));
    for (auto& o : ev->objects) {
      SANAD_RETURN_IF_ERROR(InsertObject(*ev, &o));
      for (auto& a : o.attributes) SANAD_RETURN_IF_ERROR(InsertAttribute(*ev, o.id, &a));
    }
    for (auto& o : ev->objects) {
      for (auto& r : o.references) SANAD_RETURN_IF_ERROR(InsertReference(*ev, o.id, &r));
    }
    return Status::Ok();
  }

  Status UpdateEvent(model::Event* ev) {
    {
      SANAD_USE(q, kUpdateEvent);
      BindEvent(q, *ev);
      int rc = q.Step();
      if (rc != SQLITE_DONE) return EventWriteError(rc, *ev);
    }
    {
      SANAD_USE(q, kDeleteEventTags);
      SANAD_RETURN_IF_ERROR(q.Bind(1, ev->id).Exec("replacing event tags"));
    }
    SANAD_RETURN_IF_ERROR(InsertTags(kInsertEventTag, ev->id, ev->tags, "event " + ev->uuid));
    for (auto& a : ev->attributes) SANAD_RETURN_IF_ERROR(UpsertAttribute(*ev, 0, &a));
    for (auto& o : ev->objects) {
      SANAD_RETURN_IF_ERROR(UpsertObject(*ev, &o));
      for (auto& a : o.attributes) SANAD_RETURN_IF_ERROR(UpsertAttribute(*ev, o.id, &a));
    }
    for (auto& o : ev->objects) {
      for (auto& r : o.references) SANAD_RETURN_IF_ERROR(UpsertReference(*ev, o.id, &r));
    }
    return Status::Ok();
  }

  // The Conflict for `kind` `uuid` that the unique index refused. It never
  // names the event that holds the uuid: the caller may not be allowed to
  // see that event, and must not learn of it (docs/security.md).
  Status UuidConflict(const char* owner_sql, const char* kind, const std::string& uuid,
                      const model::Event& ev) {
    SANAD_USE(q, owner_sql);
    q.Bind(1, uuid);
    Status st;
    if (q.Next(&st, "finding owner")) {
      if (q.Int(0) == ev.id) {
        return Status::Conflict("event " + ev.uuid + ": " + kind + " uuid " + uuid +
                                " appears more than once");
      }
    }
    SANAD_RETURN_IF_ERROR(st);
    return Status::Conflict("event " + ev.uuid + ": " + kind + " uuid " + uuid +
                            " is already in use on this node");
  }

  // Looks up (id, event_id, timestamp) of a stored item by uuid.
  struct Head {
    int64_t id = 0, event_id = 0;
    model::Timestamp timestamp = 0;
  };
  StatusOr<Head> FindHead(const char* sql, const std::string& uuid) {
    Head h;
    SANAD_USE(q, sql);
    q.Bind(1, uuid);
    Status st;
    if (q.Next(&st, "finding by uuid")) {
      h.id = q.Int(0);
      h.event_id = q.Int(1);
      h.timestamp = q.Int(2);
    }
    SANAD_RETURN_IF_ERROR(st);
    return h;
  }

  // ?1 uuid, ?2 event_id, ?3 object_id, ..., ?20 extra_json.
  void BindAttribute(Query& q, int64_t event_id, int64_t object_id, const model::Attribute& a) {
    q.Bind(1, a.uuid)
        .Bind(2, event_id)
        .BindId(3, object_id)
        .Bind(4, a.object_relation)
        .Bind(5, a.type)
        .Bind(6, a.category)
        .Bind(7, a.value)
        .Bind(8, a.canonical)
        .Bind(9, a.canonical1)
        .Bind(10, a.canonical2)
        .Bind(11, a.to_ids)
        .Bind(12, a.comment)
        .Bind(13, static_cast<int>(a.distribution))
        .BindId(14, a.sharing_group.id)
        .Bind(15, a.timestamp)
        .Bind(16, a.first_seen)
        .Bind(17, a.last_seen)
        .Bind(18, a.disable_correlation)
        .Bind(19, a.deleted)
        .Bind(20, a.extra_json);
  }

  Status AttributeWriteError(int rc, const model::Event& ev, const model::Attribute& a) {
    if (IsUniqueViolation(rc)) return UuidConflict(kAttributeOwner, "attribute", a.uuid, ev);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Status::Invalid("event " + ev.uuid + ": attribute " + a.uuid +
                             ": unknown sharing group id " + std::to_string(a.sharing_group.id));
    }
    return SqlStatus(db_, rc, "event " + ev.uuid + ": writing attribute " + a.uuid);
  }

  Status CheckAttribute(const model::Event& ev, model::Attribute* a) {
    if (a->uuid.empty()) a->uuid = util::NewUuid();
    LowerInPlace(&a->uuid);
    if (a->type.empty()) {
      return Status::Invalid("event " + ev.uuid + ": attribute " + a->uuid + " has no type");
    }
    int d = static_cast<int>(a->distribution);
    if (d < 0 || d > 5 || (d == 4 && a->sharing_group.id == 0)) {
      return CheckDistribution(a->distribution, a->sharing_group.id, true,
                               "event " + ev.uuid + ": attribute " + a->uuid);
    }
    return Status::Ok();
  }

  Status InsertAttribute(const model::Event& ev, int64_t object_id, model::Attribute* a) {
    SANAD_RETURN_IF_ERROR(CheckAttribute(ev, a));
    {
      SANAD_USE(q, kInsertAttribute);
      BindAttribute(q, ev.id, object_id, *a);
      int rc = q.Step();
      if (rc != SQLITE_DONE) return AttributeWriteError(rc, ev, *a);
      a->id = sqlite3_last_insert_rowid(db_);
    }
    if (!a->tags.empty()) {
      SANAD_RETURN_IF_ERROR(
          InsertTags(kInsertAttributeTag, a->id, a->tags, "attribute " + a->uuid));
    }
    return Status::Ok();
  }

  Status UpsertAttribute(const model::Event& ev, int64_t object_id, model::Attribute* a) {
    SANAD_RETURN_IF_ERROR(CheckAttribute(ev, a));
    auto h = FindHead(kAttributeHead, a->uuid);
    if (!h.ok()) return h.status();
    if (h->id == 0) return InsertAttribute(ev, object_id, a);
    if (h->event_id != ev.id) return UuidConflict(kAttributeOwner, "attribute", a->uuid, ev);
    a->id = h->id;
    if (a->timestamp <= h->timestamp) return Status::Ok();
    {
      SANAD_USE(q, kUpdateAttribute);
      BindAttribute(q, ev.id, object_id, *a);
      q.Bind(21, a->id);
      int rc = q.Step();
      if (rc != SQLITE_DONE) return AttributeWriteError(rc, ev, *a);
    }
    {
      SANAD_USE(q, kDeleteAttributeTags);
      SANAD_RETURN_IF_ERROR(q.Bind(1, a->id).Exec("replacing attribute tags"));
    }
    return InsertTags(kInsertAttributeTag, a->id, a->tags, "attribute " + a->uuid);
  }

  // ?1 uuid, ?2 event_id, ..., ?15 extra_json.
  void BindObject(Query& q, int64_t event_id, const model::Object& o) {
    q.Bind(1, o.uuid)
        .Bind(2, event_id)
        .Bind(3, o.name)
        .Bind(4, o.meta_category)
        .Bind(5, o.description)
        .Bind(6, o.template_uuid)
        .Bind(7, o.template_version)
        .Bind(8, o.comment)
        .Bind(9, static_cast<int>(o.distribution))
        .BindId(10, o.sharing_group.id)
        .Bind(11, o.timestamp)
        .Bind(12, o.first_seen)
        .Bind(13, o.last_seen)
        .Bind(14, o.deleted)
        .Bind(15, o.extra_json);
  }

  Status ObjectWriteError(int rc, const model::Event& ev, const model::Object& o) {
    if (IsUniqueViolation(rc)) return UuidConflict(kObjectOwner, "object", o.uuid, ev);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Status::Invalid("event " + ev.uuid + ": object " + o.uuid +
                             ": unknown sharing group id " + std::to_string(o.sharing_group.id));
    }
    return SqlStatus(db_, rc, "event " + ev.uuid + ": writing object " + o.uuid);
  }

  Status CheckObject(const model::Event& ev, model::Object* o) {
    if (o->uuid.empty()) o->uuid = util::NewUuid();
    LowerInPlace(&o->uuid);
    return CheckDistribution(o->distribution, o->sharing_group.id, true,
                             "event " + ev.uuid + ": object " + o->uuid);
  }

  Status InsertObject(const model::Event& ev, model::Object* o) {
    SANAD_RETURN_IF_ERROR(CheckObject(ev, o));
    SANAD_USE(q, kInsertObject);
    BindObject(q, ev.id, *o);
    int rc = q.Step();
    if (rc != SQLITE_DONE) return ObjectWriteError(rc, ev, *o);
    o->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status UpsertObject(const model::Event& ev, model::Object* o) {
    SANAD_RETURN_IF_ERROR(CheckObject(ev, o));
    auto h = FindHead(kObjectHead, o->uuid);
    if (!h.ok()) return h.status();
    if (h->id == 0) return InsertObject(ev, o);
    if (h->event_id != ev.id) return UuidConflict(kObjectOwner, "object", o->uuid, ev);
    o->id = h->id;
    if (o->timestamp <= h->timestamp) return Status::Ok();
    SANAD_USE(q, kUpdateObject);
    BindObject(q, ev.id, *o);
    q.Bind(16, o->id);
    int rc = q.Step();
    if (rc != SQLITE_DONE) return ObjectWriteError(rc, ev, *o);
    return Status::Ok();
  }

  // ?1 uuid, ?2 object_id, ?3 event_id, ..., ?10 extra_json.
  void BindReference(Query& q, int64_t event_id, int64_t object_id,
                     const model::ObjectReference& r) {
    q.Bind(1, r.uuid)
        .Bind(2, object_id)
        .Bind(3, event_id)
        .Bind(4, r.referenced_uuid)
        .Bind(5, r.referenced_type)
        .Bind(6, r.relationship_type)
        .Bind(7, r.comment)
        .Bind(8, r.timestamp)
        .Bind(9, r.deleted)
        .Bind(10, r.extra_json);
  }

  Status ReferenceWriteError(int rc, const model::Event& ev, const model::ObjectReference& r) {
    if (IsUniqueViolation(rc)) return UuidConflict(kReferenceOwner, "object reference", r.uuid, ev);
    return SqlStatus(db_, rc, "event " + ev.uuid + ": writing object reference " + r.uuid);
  }

  static void CheckReference(model::ObjectReference* r) {
    if (r->uuid.empty()) r->uuid = util::NewUuid();
    LowerInPlace(&r->uuid);
    LowerInPlace(&r->referenced_uuid);
  }

  Status InsertReference(const model::Event& ev, int64_t object_id, model::ObjectReference* r) {
    CheckReference(r);
    SANAD_USE(q, kInsertReference);
    BindReference(q, ev.id, object_id, *r);
    int rc = q.Step();
    if (rc != SQLITE_DONE) return ReferenceWriteError(rc, ev, *r);
    r->id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  }

  Status UpsertReference(const model::Event& ev, int64_t object_id, model::ObjectReference* r) {
    CheckReference(r);
    auto h = FindHead(kReferenceHead, r->uuid);
    if (!h.ok()) return h.status();
    if (h->id == 0) return InsertReference(ev, object_id, r);
    if (h->event_id != ev.id) return UuidConflict(kReferenceOwner, "object reference", r->uuid, ev);
    r->id = h->id;
    if (r->timestamp <= h->timestamp) return Status::Ok();
    SANAD_USE(q, kUpdateReference);
    BindReference(q, ev.id, object_id, *r);
    q.Bind(11, r->id);
    int rc = q.Step();
    if (rc != SQLITE_DONE) return ReferenceWriteError(rc, ev, *r);
    return Status::Ok();
  }

  // ---- event reads ----

  // Loads event `id` in full inside one read snapshot (unless the caller's
  // transaction already provides one).
  Status LoadEventConsistent(int64_t id, model::Event* ev) {
    if (!sqlite3_get_autocommit(db_)) return LoadEvent(id, ev);
    {
      SANAD_USE(q, kBeginRead);
      SANAD_RETURN_IF_ERROR(q.Exec("begin read"));
    }
    Status st = LoadEvent(id, ev);
    {
      auto q = stmts_.Use(kCommit);
      Status end = q.ok() ? q->Exec("end read") : q.status();
      if (!end.ok() && !sqlite3_get_autocommit(db_)) ExecScript(db_, kRollback, "rollback");
      if (st.ok()) st = end;
    }
    return st;
  }

  Status LoadEvent(int64_t id, model::Event* ev) {
    std::string what = "event " + std::to_string(id);
    {
      SANAD_USE(q, kLoadEvent);
      q.Bind(1, id);
      Status st;
      if (!q.Next(&st, "loading event")) {
        if (!st.ok()) return st;
        return Status::NotFound("no event with id " + std::to_string(id));
      }
      ev->id = q.Int(0);
      ev->uuid = q.Text(1);
      what = "event " + ev->uuid;
      ev->info = q.Text(2);
      ev->date = q.Text(3);
      ev->threat_level_id = static_cast<int>(q.Int(4));
      ev->analysis = static_cast<int>(q.Int(5));
      ev->published = q.Bool(6);
      ev->publish_timestamp = q.Int(7);
      ev->timestamp = q.Int(8);
      SANAD_RETURN_IF_ERROR(ReadDistribution(q, 9, &ev->distribution, what, "", ""));
      ev->sharing_group = ReadSgRef(q, 10);
      ev->org = model::OrgRef{q.Int(13), q.Text(14), q.Text(15)};
      ev->orgc = model::OrgRef{q.Int(16), q.Text(17), q.Text(18)};
      ev->disable_correlation = q.Bool(19);
      ev->deleted = q.Bool(20);
      ev->extends_uuid = q.Text(21);
      ev->extra_json = q.Text(22);
    }
    {
      SANAD_USE(q, kLoadEventTags);
      q.Bind(1, id);
      Status st;
      while (q.Next(&st, "loading event tags")) {
        ev->tags.push_back(model::Tag{q.Text(0), q.Text(1), q.Bool(2), q.Bool(3)});
      }
      SANAD_RETURN_IF_ERROR(st);
    }
    std::unordered_map<int64_t, size_t> object_index;
    {
      SANAD_USE(q, kLoadObjects);
      q.Bind(1, id);
      Status st;
      while (q.Next(&st, "loading objects")) {
        model::Object o;
        o.id = q.Int(0);
        o.uuid = q.Text(1);
        o.name = q.Text(2);
        o.meta_category = q.Text(3);
        o.description = q.Text(4);
        o.template_uuid = q.Text(5);
        o.template_version = q.Text(6);
        o.comment = q.Text(7);
        SANAD_RETURN_IF_ERROR(ReadDistribution(q, 8, &o.distribution, what, "object", o.uuid));
        o.sharing_group = ReadSgRef(q, 9);
        o.timestamp = q.Int(12);
        o.first_seen = q.OptText(13);
        o.last_seen = q.OptText(14);
        o.deleted = q.Bool(15);
        o.extra_json = q.Text(16);
        object_index.emplace(o.id, ev->objects.size());
        ev->objects.push_back(std::move(o));
      }
      SANAD_RETURN_IF_ERROR(st);
    }
    {
      SANAD_USE(q, kLoadAttributes);
      q.Bind(1, id);
      Status st;
      while (q.Next(&st, "loading attributes")) {
        model::Attribute a;
        a.id = q.Int(0);
        a.uuid = q.Text(1);
        int64_t object_id = q.IsNull(2) ? 0 : q.Int(2);
        a.object_relation = q.Text(3);
        a.type = q.Text(4);
        a.category = q.Text(5);
        a.value = q.Text(6);
        a.canonical = q.Text(7);
        a.canonical1 = q.Text(8);
        a.canonical2 = q.Text(9);
        a.to_ids = q.Bool(10);
        a.comment = q.Text(11);
        SANAD_RETURN_IF_ERROR(ReadDistribution(q, 12, &a.distribution, what, "attribute", a.uuid));
        a.sharing_group = ReadSgRef(q, 13);
        a.timestamp = q.Int(16);
        a.first_seen = q.OptText(17);
        a.last_seen = q.OptText(18);
        a.disable_correlation = q.Bool(19);
        a.deleted = q.Bool(20);
        a.extra_json = q.Text(21);
        if (object_id == 0) {
          ev->attributes.push_back(std::move(a));
        } else {
          auto it = object_index.find(object_id);
          if (it == object_index.end()) {
            return Status::Corrupt(what + ": attribute " + a.uuid + " belongs to object " +
                                   std::to_string(object_id) + " of another event");
          }
          ev->objects[it->second].attributes.push_back(std::move(a));
        }
      }
      SANAD_RETURN_IF_ERROR(st);
    }
    {
      // Attribute tags, matched to attributes by id (both in id order).
      std::unordered_map<int64_t, model::Attribute*> by_id;
      SANAD_USE(q, kLoadAttributeTags);
      q.Bind(1, id);
      Status st;
      bool built = false;
      while (q.Next(&st, "loading attribute tags")) {
        if (!built) {
          for (auto& a : ev->attributes) by_id.emplace(a.id, &a);
          for (auto& o : ev->objects) {
            for (auto& a : o.attributes) by_id.emplace(a.id, &a);
          }
          built = true;
        }
        auto it = by_id.find(q.Int(0));
        if (it == by_id.end()) continue;
        it->second->tags.push_back(model::Tag{q.Text(1), q.Text(2), q.Bool(3), q.Bool(4)});
      }
      SANAD_RETURN_IF_ERROR(st);
    }
    {
      SANAD_USE(q, kLoadReferences);
      q.Bind(1, id);
      Status st;
      while (q.Next(&st, "loading object references")) {
        model::ObjectReference r;
        r.id = q.Int(0);
        r.uuid = q.Text(1);
        int64_t object_id = q.Int(2);
        r.referenced_uuid = q.Text(3);
        r.referenced_type = q.Text(4);
        r.relationship_type = q.Text(5);
        r.comment = q.Text(6);
        r.timestamp = q.Int(7);
        r.deleted = q.Bool(8);
        r.extra_json = q.Text(9);
        auto it = object_index.find(object_id);
        if (it == object_index.end()) {
          return Status::Corrupt(what + ": object reference " + r.uuid + " belongs to object " +
                                 std::to_string(object_id) + " of another event");
        }
        ev->objects[it->second].references.push_back(std::move(r));
      }
      SANAD_RETURN_IF_ERROR(st);
    }
    return Status::Ok();
  }

  sqlite3* db_;
  std::string dir_;
  std::string path_;
  StmtCache stmts_;
  int version_;
  bool read_only_;
  bool in_tx_ = false;
  std::unordered_map<std::string, int64_t> tag_ids_;  // tag name -> id (this connection)
};

// ---- opening ------------------------------------------------------------------

StatusOr<int64_t> QueryInt(sqlite3* db, const char* sql, std::string_view what) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  Stmt s(raw);
  if (rc != SQLITE_OK) return SqlStatus(db, rc, what);
  rc = sqlite3_step(raw);
  if (rc == SQLITE_ROW) return static_cast<int64_t>(sqlite3_column_int64(raw, 0));
  if (rc == SQLITE_DONE) return int64_t{0};
  return SqlStatus(db, rc, what);
}

// Reads the schema version (0 when the store is empty); refuses files that
// are not Sanad stores.
StatusOr<int64_t> ReadVersion(sqlite3* db, const std::string& path) {
  auto app = QueryInt(db, "PRAGMA application_id", "reading " + path);
  if (!app.ok()) {
    if (app.status().code() == Status::Code::kCorrupt) {
      return Status::Corrupt(path + " is not a SQLite database");
    }
    return app.status();
  }
  auto has_meta = QueryInt(
      db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'", path);
  if (!has_meta.ok()) return has_meta.status();
  if (*has_meta == 0) {
    auto tables = QueryInt(db, "SELECT count(*) FROM sqlite_schema", path);
    if (!tables.ok()) return tables.status();
    if (*tables != 0 || (*app != 0 && *app != kApplicationId)) {
      return Status::Invalid(path + " is not a Sanad store");
    }
    return int64_t{0};
  }
  if (*app != kApplicationId) return Status::Invalid(path + " is not a Sanad store");
  return QueryInt(db, "SELECT value FROM meta WHERE key = 'schema_version'",
                  "reading the schema version of " + path);
}

Status Migrate(sqlite3* db, const std::string& path, const std::vector<std::string>& migrations,
               int64_t* version) {
  const int64_t target = static_cast<int64_t>(migrations.size());
  SANAD_RETURN_IF_ERROR(ExecScript(db, "BEGIN IMMEDIATE", "locking " + path + " for migration"));
  auto fail = [&](Status st) {
    ExecScript(db, "ROLLBACK", "rollback");
    return st;
  };
  auto v = ReadVersion(db, path);  // again, under the write lock
  if (!v.ok()) return fail(v.status());
  if (*v > target) {
    return fail(Status::Invalid(path + " has schema version " + std::to_string(*v) +
                                ", newer than this sanad supports (" + std::to_string(target) +
                                "); upgrade sanad"));
  }
  if (*v == target) {
    *version = *v;
    return fail(Status::Ok());  // nothing to do: end the transaction
  }
  if (*v == 0) {
    Status st = ExecScript(db,
                           "PRAGMA application_id = " + std::to_string(kApplicationId) +
                               "; CREATE TABLE meta (key TEXT PRIMARY KEY, value ANY NOT NULL)"
                               " WITHOUT ROWID",
                           "creating " + path);
    if (!st.ok()) return fail(st);
  }
  for (int64_t i = *v; i < target; ++i) {
    Status st = ExecScript(db, migrations[i],
                           "migrating " + path + " to schema version " + std::to_string(i + 1));
    if (!st.ok()) return fail(st);
  }
  Status st = ExecScript(db,
                         "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', " +
                             std::to_string(target) + ")",
                         "recording the schema version");
  if (!st.ok()) return fail(st);
  st = ExecScript(db, "COMMIT", "committing the migration of " + path);
  if (!st.ok()) return fail(st);
  *version = target;
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenWithMigrations(const std::string& dir, const OpenOptions& opts,
                                                    const std::vector<std::string>& migrations) {
  namespace fs = std::filesystem;
  if (opts.read_only && opts.create_if_missing) {
    return Status::Invalid("a store cannot be created read-only");
  }
  const std::string path = dir + "/sanad.db";
  std::error_code ec;
  bool exists = fs::exists(path, ec);
  if (ec) return Status::Io("cannot access " + path + ": " + ec.message());
  if (!exists) {
    if (!opts.create_if_missing) {
      return Status::NotFound("no Sanad store at " + dir + " (run 'sanad init')");
    }
    fs::create_directories(dir, ec);
    if (ec) return Status::Io("cannot create directory " + dir + ": " + ec.message());
  }

  // Before SQLite initialises: no global memory statistics (a mutex on every
  // allocation). Fails harmlessly when SQLite is already initialised.
  static std::once_flag config_once;
  std::call_once(config_once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });

  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
              (opts.read_only ? SQLITE_OPEN_READONLY
                              : SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE));
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status st =
        Status::Io("cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return st;
  }
  struct Closer {
    sqlite3* db;
    ~Closer() {
      if (db) sqlite3_close_v2(db);
    }
  } closer{db};
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);

  std::string pragmas =
      "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;"
      " PRAGMA cache_size = -" +
      std::to_string(static_cast<int64_t>(std::max(opts.cache_mb, 1)) * 1024) + ";";
  if (!opts.read_only) pragmas = "PRAGMA journal_mode = WAL; " + pragmas;
  // 16 KiB pages: fewer levels and splits in the random-key indexes (uuids,
  // canonical values); only effective when the file is created.
  if (!exists) pragmas = "PRAGMA page_size = 16384; " + pragmas;
  Status st = ExecScript(db, pragmas, "configuring " + path);
  if (!st.ok()) {
    if (st.code() == Status::Code::kCorrupt)
      return Status::Corrupt(path + " is not a SQLite database");
    return st;
  }

  const int64_t target = static_cast<int64_t>(migrations.size());
  int64_t version = 0;
  if (opts.read_only) {
    auto v = ReadVersion(db, path);
    if (!v.ok()) return v.status();
    if (*v > target) {
      return Status::Invalid(path + " has schema version " + std::to_string(*v) +
                             ", newer than this sanad supports (" + std::to_string(target) +
                             "); upgrade sanad");
    }
    if (*v < target) {
      return Status::Invalid(path + " has schema version " + std::to_string(*v) + ", this sanad" +
                             " needs " + std::to_string(target) +
                             "; open it once read-write to migrate");
    }
    version = *v;
  } else {
    SANAD_RETURN_IF_ERROR(Migrate(db, path, migrations, &version));
  }
  closer.db = nullptr;
  return std::unique_ptr<Store>(
      new SqliteStore(db, dir, path, static_cast<int>(version), opts.read_only));
}

sqlite3* ConnectionOf(Store* s) {
  auto* ss = dynamic_cast<SqliteStore*>(s);
  return ss ? ss->connection() : nullptr;
}

StmtCache* StatementsOf(Store* s) {
  auto* ss = dynamic_cast<SqliteStore*>(s);
  return ss ? ss->statements() : nullptr;
}

Status BumpDataGeneration(Store* s) {
  auto* ss = dynamic_cast<SqliteStore*>(s);
  if (!ss) return Status::Internal("not a SQLite store");
  return ss->BumpGenerationForSection();
}

}  // namespace internal

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir, const OpenOptions& opts) {
  const auto& m = internal::Migrations();
  if (static_cast<int>(m.size()) != kSchemaVersion) {
    return Status::Internal("schema migrations (" + std::to_string(m.size()) +
                            ") do not match kSchemaVersion (" + std::to_string(kSchemaVersion) +
                            ")");
  }
  return internal::OpenWithMigrations(dir, opts, m);
}

}  // namespace sanad::store
