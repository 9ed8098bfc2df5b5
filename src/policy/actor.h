// Who acts. One type for every caller of the modules: a user of a member
// organisation (REST, TAXII, MISP API, UI), authenticated by an API key
// (auth::Authenticate), or the node's local operator (CLI), who may act as an
// organisation (--as). Modules decide what the actor may do from these
// fields; the audit log records its name and org (audit::Record).
#pragma once

#include <cstdint>
#include <string>

#include "model/model.h"
#include "policy/policy.h"

namespace sanad::policy {

struct Actor {
  // The user's e-mail; "cli" for the local operator ("sanad:clock" for
  // clock-driven changes). Recorded in the audit log.
  std::string name;
  // The authenticated user; id 0 for the local operator.
  model::User user;
  // The acting org; id 0 = the local operator acting for no org (the
  // secretariat).
  model::Org org;
  // What the org may see: filled by auth::Authenticate. LocalActor sets only
  // org_id; the CLI builds the viewers it reads with.
  Viewer viewer;
  // False for read-only keys and readers.
  bool may_write = true;
  // An admin of the chair org (or the local operator acting as the chair).
  bool community_admin = false;
  // Whose name it may create shared data in (policy::MayNameCreator).
  CreatorRule creators = CreatorRule::kOwnOnly;
  // The API key used; 0 for the local operator.
  int64_t key_id = 0;

  // The local operator (no user, no key).
  bool local() const { return user.id == 0; }
  // Acting for an organisation (false: the local operator without --as).
  bool has_org() const { return org.id != 0; }
};

// The local operator, acting as `as` when it is given (id != 0): name "cli",
// may write, community admin when `as` is the chair, may create data in the
// name of external sources (CreatorRule::kOwnOrExternal).
Actor LocalActor(const model::Org& as = model::Org());

// Creators rule of a member user: administrators and org-admins may also
// write on behalf of an external source; everyone else in their own name.
CreatorRule CreatorsFor(model::Role role);

}  // namespace sanad::policy
