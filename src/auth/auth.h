// API keys: generation, hashing and authentication.
//
// A key is 32 random bytes written as 64 lower-case hex characters. Only its
// BLAKE2b-256 hash is stored; the key itself is shown once, at creation.
// Authentication hashes the presented key, looks the hash up and compares
// it in constant time.
#pragma once

#include <string>
#include <string_view>

#include "model/model.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::auth {

inline constexpr size_t kKeyBytes = 32;

// A new random key (64 hex characters).
std::string GenerateApiKey();
// The stored form of `key` (32 binary bytes).
std::string HashApiKey(std::string_view key);

struct NewKey {
  std::string key;  // the secret, to show once
  store::ApiKey record;
};

// Creates and stores a key for `user_id`. `expires` 0 = never.
StatusOr<NewKey> CreateApiKey(store::Store* store, int64_t user_id, model::Timestamp expires,
                              bool read_only);

struct Principal {
  model::User user;
  model::Org org;
  store::ApiKey key;
};

// Resolves a presented key to its user and org. Permission errors (never
// NotFound, so callers cannot tell unknown from revoked): unknown, revoked or
// expired keys, disabled users, and orgs that are not active members.
StatusOr<Principal> Authenticate(store::Store* store, std::string_view presented_key,
                                 model::Timestamp now);

}  // namespace sanad::auth
