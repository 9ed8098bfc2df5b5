// Internal to the store module: the schema as an ordered list of
// migrations, and the entry point that opens a store against any such list
// (tests inject future migrations through it).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/store.h"
#include "util/status.h"

namespace sanad::store::internal {

// Migration i (0-based) takes the schema from version i to version i + 1;
// migration 0 creates the initial schema. Each is a SQL script. The list has
// exactly kSchemaVersion entries.
const std::vector<std::string>& Migrations();

// Store::Open with an explicit migration list: the target version is
// migrations.size(). Missing migrations are applied in one transaction; a
// store whose version is newer than the target is refused.
StatusOr<std::unique_ptr<Store>> OpenWithMigrations(const std::string& dir, const OpenOptions& opts,
                                                    const std::vector<std::string>& migrations);

}  // namespace sanad::store::internal
