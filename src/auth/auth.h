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
#include "policy/actor.h"
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
  model::ApiKey record;
};

// Creates and stores a key for `user_id`. `expires` 0 = never; `allowed_cidrs`
// (canonical, comma-separated; "" = anywhere) limits where it works.
StatusOr<NewKey> CreateApiKey(store::Store* store, int64_t user_id, model::Timestamp expires,
                              bool read_only, std::string_view allowed_cidrs = {});

// Resolves a presented key to the actor it authenticates: its user, org and
// key id; may_write unless the key is read-only or the user a reader;
// creators by role (policy::CreatorsFor); community_admin for an admin of the
// chair org; the org's viewer (store ViewerFor). When `key` is given it
// receives the key record (source limits, prefix for logs). Permission
// errors (never NotFound, so callers cannot tell unknown from revoked):
// unknown, revoked or expired keys, disabled users, and orgs that are not
// active members.
StatusOr<policy::Actor> Authenticate(store::Store* store, std::string_view presented_key,
                                     model::Timestamp now, model::ApiKey* key = nullptr);

}  // namespace sanad::auth
