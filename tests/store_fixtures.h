// Fixtures for tests that work on a store: opening one, adding organisations,
// making attributes as an import would. They depend on the store (and model);
// only the test binaries of modules at or above the store link them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/model.h"
#include "store/store.h"

namespace sanad::testing {

// A new store in `dir` (created); null, with a test failure, when it cannot
// be opened.
std::unique_ptr<store::Store> NewStore(const std::string& dir);

// An attribute of `type`/`value` canonicalised as an import does (category
// "Network activity" unless a comment, a new uuid); a test failure when the
// value does not canonicalise.
model::Attribute NewAttribute(const std::string& type, const std::string& value,
                              bool to_ids = false, int64_t timestamp = 1000);
// Organisations `names` added to `s` (members of `country`).
std::vector<model::Org> AddOrgs(store::Store* s, const std::vector<std::string>& names,
                                const std::string& country = "SA");

}  // namespace sanad::testing
