#include "store/schema.h"

namespace sanad::store::internal {

namespace {

// The tags of one kind of item, in order: `owner` (a column referencing
// `owner_table`) and pos -> tag, with whether the tag is local.
#define SANAD_TAG_LINK_TABLE(table, owner, owner_table)           \
  "CREATE TABLE " table " (\n"                                     \
  "  " owner " INTEGER NOT NULL REFERENCES " owner_table "(id),\n" \
  "  pos INTEGER NOT NULL,\n"                                      \
  "  tag_id INTEGER NOT NULL REFERENCES tags(id),\n"               \
  "  local INTEGER NOT NULL DEFAULT 0,\n"                          \
  "  PRIMARY KEY (" owner ", pos)\n"                               \
  ") WITHOUT ROWID;\n"                                             \
  "CREATE INDEX " table "_tag ON " table "(tag_id);"

// The columns objects and attributes share (model::Object and
// model::Attribute): comment, sharing, timestamp and first/last seen.
#define SANAD_ITEM_SHARING_COLUMNS                             \
  "  comment TEXT NOT NULL DEFAULT '',\n"                      \
  "  distribution INTEGER NOT NULL,\n"                         \
  "  sharing_group_id INTEGER REFERENCES sharing_groups(id),\n" \
  "  timestamp INTEGER NOT NULL,\n"                            \
  "  first_seen TEXT,\n"                                       \
  "  last_seen TEXT,"

// Version 1: the initial schema.
//
// Conventions: INTEGER PRIMARY KEY ids; uuids are TEXT in lower case (the
// store lower-cases them on write and on lookup) and unique; org names and
// user emails compare case-insensitively; booleans are 0/1; timestamps are Unix seconds; org and
// user enums are stored as their model Name() text, distribution and
// sighting type as integers; NULL foreign keys mean "none"; extra_json holds
// unmodelled source fields ('' when none).
constexpr const char kMigration1[] = R"sql(
CREATE TABLE orgs (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  country TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  status TEXT NOT NULL,
  is_chair INTEGER NOT NULL DEFAULT 0,
  description TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL
);
CREATE UNIQUE INDEX orgs_one_chair ON orgs(is_chair) WHERE is_chair <> 0;

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  role TEXT NOT NULL,
  created INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  prefix TEXT NOT NULL,
  hash BLOB NOT NULL UNIQUE,
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL DEFAULT 0,
  read_only INTEGER NOT NULL DEFAULT 0,
  allowed_cidrs TEXT NOT NULL DEFAULT '',
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_user ON api_keys(user_id);

CREATE TABLE sharing_groups (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL COLLATE NOCASE,
  releasability TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  owner_org_id INTEGER NOT NULL REFERENCES orgs(id),
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL
);
CREATE INDEX sharing_groups_name ON sharing_groups(name);

CREATE TABLE sharing_group_orgs (
  sharing_group_id INTEGER NOT NULL REFERENCES sharing_groups(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (sharing_group_id, org_id)
) WITHOUT ROWID;
CREATE INDEX sharing_group_orgs_org ON sharing_group_orgs(org_id);

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  colour TEXT NOT NULL DEFAULT '',
  exportable INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  info TEXT NOT NULL DEFAULT '',
  date TEXT NOT NULL DEFAULT '',
  threat_level_id INTEGER NOT NULL DEFAULT 4,
  analysis INTEGER NOT NULL DEFAULT 0,
  published INTEGER NOT NULL DEFAULT 0,
  publish_timestamp INTEGER NOT NULL DEFAULT 0,
  timestamp INTEGER NOT NULL,
  distribution INTEGER NOT NULL,
  sharing_group_id INTEGER REFERENCES sharing_groups(id),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  orgc_id INTEGER NOT NULL REFERENCES orgs(id),
  disable_correlation INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  extends_uuid TEXT NOT NULL DEFAULT '',
  extra_json TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_orgc ON events(orgc_id);
CREATE INDEX events_org ON events(org_id);
CREATE INDEX events_timestamp ON events(timestamp);

)sql" SANAD_TAG_LINK_TABLE("event_tags", "event_id", "events") R"sql(

CREATE TABLE objects (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  event_id INTEGER NOT NULL REFERENCES events(id),
  name TEXT NOT NULL DEFAULT '',
  meta_category TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  template_uuid TEXT NOT NULL DEFAULT '',
  template_version TEXT NOT NULL DEFAULT '',
)sql" SANAD_ITEM_SHARING_COLUMNS R"sql(
  deleted INTEGER NOT NULL DEFAULT 0,
  extra_json TEXT NOT NULL DEFAULT ''
);
CREATE INDEX objects_event ON objects(event_id);

CREATE TABLE object_references (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  object_id INTEGER NOT NULL REFERENCES objects(id),
  event_id INTEGER NOT NULL REFERENCES events(id),
  referenced_uuid TEXT NOT NULL,
  referenced_type TEXT NOT NULL DEFAULT '',
  relationship_type TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT '',
  timestamp INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  extra_json TEXT NOT NULL DEFAULT ''
);
CREATE INDEX object_references_event ON object_references(event_id);

CREATE TABLE attributes (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  event_id INTEGER NOT NULL REFERENCES events(id),
  object_id INTEGER REFERENCES objects(id),
  object_relation TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  value TEXT NOT NULL,
  canonical TEXT NOT NULL DEFAULT '',
  canonical1 TEXT NOT NULL DEFAULT '',
  canonical2 TEXT NOT NULL DEFAULT '',
  to_ids INTEGER NOT NULL DEFAULT 0,
)sql" SANAD_ITEM_SHARING_COLUMNS R"sql(
  disable_correlation INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  extra_json TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attributes_event ON attributes(event_id);
CREATE INDEX attributes_timestamp ON attributes(timestamp);
CREATE INDEX attributes_canonical1 ON attributes(canonical1) WHERE canonical1 <> '';
CREATE INDEX attributes_canonical2 ON attributes(canonical2) WHERE canonical2 <> '';

)sql" SANAD_TAG_LINK_TABLE("attribute_tags", "attribute_id", "attributes") R"sql(

CREATE TABLE sightings (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  attribute_id INTEGER NOT NULL REFERENCES attributes(id),
  org_id INTEGER REFERENCES orgs(id),
  type INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL DEFAULT '',
  date_sighting INTEGER NOT NULL
);
CREATE INDEX sightings_attribute ON sightings(attribute_id);
)sql";

// Version 2: the intel engine. Correlation exclusions (exact canonical
// values or LIKE patterns, unique case-insensitively), community settings,
// and the data generation counter in meta (bumped by every write that
// changes events, attributes, objects or sharing groups; indexes persisted
// beside the store record the generation they were built from). The
// sightings table of version 1 already fits model::Sighting; the lookup of
// one sighting by its natural key (deduplication of sightings without uuid)
// gets its own index.
constexpr const char kMigration2[] = R"sql(
CREATE TABLE correlation_exclusions (
  id INTEGER PRIMARY KEY,
  value TEXT NOT NULL UNIQUE COLLATE NOCASE,
  comment TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

INSERT OR IGNORE INTO meta(key, value) VALUES ('data_generation', 0);

CREATE INDEX IF NOT EXISTS sightings_attribute ON sightings(attribute_id);
CREATE INDEX sightings_natural ON sightings(attribute_id, date_sighting, type);
)sql";

// Version 3: the tamper-evident audit log (audit/audit.h). Rows are only
// ever appended; seq is the chain position.
constexpr const char kMigration3[] = R"sql(
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  org_uuid TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_uuid TEXT NOT NULL,
  owner_org_uuid TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL
);
CREATE INDEX audit_log_owner ON audit_log(owner_org_uuid, seq);
)sql";

// Version 8: signed checkpoints of the audit log (audit/checkpoint.h): the
// node's Ed25519 key vouches for the hash of entry `seq`. Only ever appended.
constexpr const char kMigration8[] = R"sql(
CREATE TABLE audit_checkpoints (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  time INTEGER NOT NULL,
  hash BLOB NOT NULL,
  public_key BLOB NOT NULL,
  signature BLOB NOT NULL
);
CREATE INDEX audit_checkpoints_seq ON audit_checkpoints(seq);
)sql";

}  // namespace

const std::vector<std::string>& Migrations() {
  static const std::vector<std::string>* m =
      new std::vector<std::string>{kMigration1,          kMigration2,           kMigration3,
                                   IncidentMigration(),  MembershipMigration(), StixMigration(),
                                   TaxiiMigration(),     kMigration8};
  return *m;
}

}  // namespace sanad::store::internal
