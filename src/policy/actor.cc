#include "policy/actor.h"

namespace sanad::policy {

Actor LocalActor(const model::Org& as) {
  Actor a;
  a.name = "cli";
  a.org = as;
  a.viewer.org_id = as.id;
  a.may_write = true;
  a.community_admin = as.id != 0 && as.is_chair;
  a.creators = CreatorRule::kOwnOrExternal;
  return a;
}

CreatorRule CreatorsFor(model::Role role) {
  return role == model::Role::kAdmin || role == model::Role::kOrgAdmin ? CreatorRule::kOwnOrExternal
                                                                       : CreatorRule::kOwnOnly;
}

}  // namespace sanad::policy
