// The community section of the store: organisations, users, API keys and
// sharing groups, and the viewer context an organisation reads with.
//
// Records only: this layer checks no permission (community/community.h and
// policy/ decide who may do what). uuids are stored in lower case; lookups by
// uuid ignore case. Writes join the store's current transaction.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "policy/policy.h"
#include "util/status.h"

namespace sanad::store {

class CommunityStore {
 public:
  virtual ~CommunityStore() = default;

  // ---- orgs ----
  // Assigns id (and uuid/created when empty). Conflict on duplicate name or uuid.
  virtual Status AddOrg(model::Org* org) = 0;
  // Updates name, country, kind, category, status and description of org.id
  // (uuid, created and the chair flag are kept; see SetChair). NotFound,
  // Conflict on a duplicate name.
  virtual Status UpdateOrg(const model::Org& org) = 0;
  // By uuid, or by name (case-insensitive). NotFound otherwise.
  virtual StatusOr<model::Org> FindOrg(std::string_view name_or_uuid) = 0;
  virtual StatusOr<model::Org> GetOrg(int64_t id) = 0;
  virtual Status ListOrgs(std::vector<model::Org>* out) = 0;
  // Makes `org_id` the only chair. Adding a second chair with AddOrg is a
  // Conflict.
  virtual Status SetChair(int64_t org_id) = 0;

  // ---- users and API keys ----
  virtual Status AddUser(model::User* user) = 0;  // Conflict on duplicate email
  virtual StatusOr<model::User> FindUser(std::string_view email) = 0;
  virtual StatusOr<model::User> GetUser(int64_t id) = 0;
  virtual Status ListUsers(int64_t org_id /*0 = all*/, std::vector<model::User>* out) = 0;
  virtual Status AddApiKey(model::ApiKey* key) = 0;
  // Looks a key up by its hash; NotFound when unknown.
  virtual StatusOr<model::ApiKey> FindApiKeyByHash(std::string_view hash) = 0;
  virtual Status ListApiKeys(int64_t user_id, std::vector<model::ApiKey>* out) = 0;
  // Marks a key revoked (idempotent); NotFound for an unknown id.
  virtual Status RevokeApiKey(int64_t key_id) = 0;

  // ---- sharing groups ----
  // Assigns id/uuid/created; the owner becomes a member.
  virtual Status AddSharingGroup(model::SharingGroup* sg) = 0;
  virtual Status AddSharingGroupOrg(int64_t sg_id, int64_t org_id) = 0;  // idempotent
  virtual StatusOr<model::SharingGroup> FindSharingGroup(std::string_view name_or_uuid) = 0;
  virtual StatusOr<model::SharingGroup> GetSharingGroup(int64_t id) = 0;
  virtual Status ListSharingGroups(std::vector<model::SharingGroup>* out) = 0;
  // The viewer context of an org: its id and the sorted ids of its groups.
  virtual StatusOr<policy::Viewer> ViewerFor(int64_t org_id) = 0;
};

}  // namespace sanad::store
