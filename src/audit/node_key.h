// The node's Ed25519 signing key, kept in <data>/node.key.
//
// Contract:
// - The file holds the secret key only (the public key is derived from it):
//   a first line "sanad-node-key-v1 ed25519" and a second line with the hex
//   of the 32-byte seed. It is created with mode 0600, atomically (written to
//   a temporary file, then linked into place, so two processes creating it at
//   once end up with the same key), and refused on load when group or others
//   may read or write it.
// - Load never creates; LoadOrCreate creates on first need. Neither ever
//   replaces an existing file: a node whose key file was removed gets a new
//   key, and checkpoints signed by the old one no longer match it (the
//   audit log reports that).
// - Users: the audit log signs its checkpoints with it (audit/checkpoint.h);
//   federation (`sanad node init`) is meant to reuse the same file.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace sanad::audit {

class NodeKey {
 public:
  NodeKey() = default;
  NodeKey(const NodeKey&) = default;
  NodeKey& operator=(const NodeKey&) = default;
  ~NodeKey();

  // Raw 32-byte Ed25519 public key.
  const std::string& public_key() const { return public_key_; }
  // Detached Ed25519 signature (64 bytes) of `message`.
  std::string Sign(std::string_view message) const;

  // A fresh random key (for tests and for LoadOrCreate).
  static NodeKey Generate();
  // The key derived from a 32-byte seed (what node.key stores).
  static StatusOr<NodeKey> FromSeed(std::string_view seed);

 private:
  std::string public_key_;
  std::string secret_key_;  // libsodium's 64-byte form (seed || public key)
};

// <data_dir>/node.key
std::string NodeKeyPath(const std::string& data_dir);

// NotFound when the file does not exist; Corrupt when it is malformed;
// Permission when group or others may access it.
StatusOr<NodeKey> LoadNodeKey(const std::string& path);
// Loads the key, creating the file first when it does not exist.
StatusOr<NodeKey> LoadOrCreateNodeKey(const std::string& path);

// True when `signature` is a valid Ed25519 signature of `message` by
// `public_key` (raw bytes; false on wrong lengths).
bool VerifySignature(std::string_view public_key, std::string_view message,
                     std::string_view signature);

}  // namespace sanad::audit
