// The membership section of the store, part 3 of 3 (see
// store/membership_store.h for what the three parts share): the community
// rules (versioned), the automatic audience groups, and the changes
// governance makes to sharing-group membership, with their history. Handed
// out by store::Store::membership_rules().
//
// Rows only; every method runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/membership.h"
#include "util/status.h"

namespace sanad::store {

class MembershipRulesStore {
 public:
  virtual ~MembershipRulesStore() = default;

  // ---- rules ----
  // Appends a new version (row->version = previous + 1).
  virtual Status AddRules(model::MembershipRulesRow* row) = 0;
  // Latest version when version is 0. NotFound when none was ever stored.
  virtual StatusOr<model::MembershipRulesRow> GetRules(int64_t version) = 0;

  // ---- audience groups and sharing-group membership ----
  // The sharing group maintained for audience `key` (NotFound when none).
  virtual StatusOr<int64_t> GetAudienceGroup(std::string_view key) = 0;
  virtual Status SetAudienceGroup(std::string_view key, int64_t sharing_group_id) = 0;
  virtual Status ListAudienceGroups(std::vector<std::pair<std::string, int64_t>>* out) = 0;
  // Removes an org from a sharing group (no-op when absent); bumps the data
  // generation when a row was removed.
  virtual Status RemoveSharingGroupOrg(int64_t sg_id, int64_t org_id) = 0;
  // Ids of the groups `org_id` belongs to.
  virtual Status ListOrgGroups(int64_t org_id, std::vector<int64_t>* out) = 0;
  virtual Status SetSharingGroupOwner(int64_t sg_id, int64_t org_id) = 0;
  virtual Status AddGroupChange(const model::GroupChange& c) = 0;
  // Changes concerning one org (0 = all), oldest first.
  virtual Status ListGroupChanges(int64_t org_id, std::vector<model::GroupChange>* out) = 0;
};

}  // namespace sanad::store
