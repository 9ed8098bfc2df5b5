// Internal to the store module: the schema as an ordered list of
// migrations, and the entry point that opens a store against any such list
// (tests inject future migrations through it).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/sqlite_util.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::store::internal {

// Migration i (0-based) takes the schema from version i to version i + 1;
// migration 0 creates the initial schema. Each is a SQL script. The list has
// exactly kSchemaVersion entries.
const std::vector<std::string>& Migrations();

// The migrations of the store's domain sections, each defined in the
// section's own file (src/store/sqlite/<section>_store.cc).
const char* IncidentMigration();    // version 4
const char* MembershipMigration();  // version 5
const char* StixMigration();        // version 6
const char* TaxiiMigration();       // version 7

// The SQLite connection and statement cache behind a store opened by
// Store::Open, for the domain sections of this module (incidents,
// membership, STIX, TAXII): they share the store's connection and therefore
// its transactions (Store::Begin/Commit). Never null for such a store.
sqlite3* ConnectionOf(Store* s);
StmtCache* StatementsOf(Store* s);

// A ConnectionUser on the connection of `s` (a store opened by Store::Open),
// for the domain sections.
class StoreSection : protected ConnectionUser {
 protected:
  explicit StoreSection(Store* s) : ConnectionUser(ConnectionOf(s), StatementsOf(s)) {}
};

// Bumps the data generation counter (see Store::DataGeneration) inside the
// caller's transaction.
Status BumpDataGeneration(Store* s);

// Store::Open with an explicit migration list: the target version is
// migrations.size(). Missing migrations are applied in one transaction; a
// store whose version is newer than the target is refused.
StatusOr<std::unique_ptr<Store>> OpenWithMigrations(const std::string& dir, const OpenOptions& opts,
                                                    const std::vector<std::string>& migrations);

}  // namespace sanad::store::internal
