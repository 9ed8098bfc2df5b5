// The community service: adding organisations, users, API keys and sharing
// groups, adding members to groups, setting the chair, revoking keys. The CLI
// (cli/cmd_community.cc), the REST API (api/community_routes.cc,
// api/sharing_group_routes.cc) and the coming MISP API, sync and UI call
// these operations; they only parse, resolve names and render.
//
// Contract:
//  - Every operation takes the store and the acting policy::Actor and decides
//    from it who may do it (the May* functions below state each rule). The
//    local operator (policy::LocalActor, actor.local()) administers the
//    community; a member's user acts by its role.
//  - Every write runs as one store::Transaction that the operation opens and
//    commits, with its audit entry (audit::Record, names in audit/actions.h)
//    in the same transaction: on any error nothing is stored and nothing is
//    audited. The caller must not have a transaction open; the REST API holds
//    its write lock around the call.
//  - Callers hand over parsed records: names resolved to records (FindOrg),
//    enums parsed, e-mail addresses lower-cased and trimmed. The operations
//    check the records again (emptiness, limits, uuids, time); their Invalid
//    and Limit errors name the REST API's JSON fields ("$.name"). The CLI
//    checks its input first, naming its own arguments (NAME, --description).
//  - Errors: Permission (the actor may not), Invalid, Limit, NotFound,
//    Conflict (duplicate names, e-mail addresses, uuids).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/auth.h"
#include "model/ip.h"
#include "model/model.h"
#include "policy/actor.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::community {

// ---- who may (Permission with the reason, Ok when allowed) ----

// Adding organisations: the local operator and the community's
// administrators (admin role in the chair organisation).
Status MayAddOrgs(const policy::Actor& a);
// Adding users: the local operator, the community's administrators (any
// organisation) and org-admins (their own organisation only; AddUser checks
// the organisation).
Status MayAddUsers(const policy::Actor& a);
// Creating sharing groups: the local operator and every role but reader.
Status MayCreateSharingGroups(const policy::Actor& a);
// Adding members to group `g`: the local operator, and a writer of the
// organisation that owns it (NotFound when the actor's organisation is not
// in the group: a hidden group reads as absent).
Status MayAddSharingGroupOrgs(const policy::Actor& a, const model::SharingGroup& g);

// ---- organisations ----

// Adds `org` (name, country, kind, category, status, description, uuid or
// "" for a new one). The status may not be external (external organisations
// come with imported data). `chair` makes it the community's chair: the local
// operator only. Returns the stored organisation. Audited as org.add.
StatusOr<model::Org> AddOrg(store::Store* s, const policy::Actor& a, model::Org org,
                            bool chair = false);

// Makes `org` (an active member) the community's chair. The local operator
// only: members hand the chair over through membership (a vote and the
// chair's decision). Audited as org.set-chair.
Status SetChair(store::Store* s, const policy::Actor& a, const model::Org& org);

// ---- users and API keys ----

struct KeyOptions {
  model::Timestamp expires = 0;  // 0 = never; otherwise in the future
  bool read_only = false;
  std::vector<model::IpPrefix> allowed_cidrs;  // empty = anywhere
};

struct NewUser {
  model::User user;  // as stored (id, org name)
  auth::NewKey key;  // the first key; its secret is shown once
};

// Adds `user` (email, role) to `org` with a first API key (audited as
// user.add). MayAddUsers, and: an org-admin adds users of its own
// organisation only; the admin role is for the chair's users and granted by
// an administrator; external organisations have no users. An org-admin is
// never told that an e-mail address is held by another organisation's user:
// that refusal reads like a malformed address (issue #15).
StatusOr<NewUser> AddUser(store::Store* s, const policy::Actor& a, model::User user,
                          const model::Org& org, const KeyOptions& key);

// Issues another API key for `user` (audited as key.create). The local
// operator issues keys for any user; a member's user for itself only, and
// never a key with more reach than the key in use: it expires no later and
// is limited to addresses inside the used key's allowed_cidrs.
StatusOr<auth::NewKey> IssueKey(store::Store* s, const policy::Actor& a, const model::User& user,
                                const KeyOptions& key);

// Revokes key `key_id` of the actor's user (audited as key.revoke); NotFound
// for a key that is not the user's own (the local operator has none).
// Returns the revoked key.
StatusOr<model::ApiKey> RevokeKey(store::Store* s, const policy::Actor& a, int64_t key_id);

// ---- sharing groups ----

// Creates `g` (name, releasability, description, uuid or "") owned by the
// actor's organisation, with `members` (the owner is always one), and
// returns it as stored (audited as sharing-group.add). MayCreateSharingGroups
// and an acting organisation. Members of a member's group are community
// members (the local operator may also add external organisations, as
// imports do). A uuid already held reads, for a member outside that group,
// like a malformed uuid (issue #15).
StatusOr<model::SharingGroup> AddSharingGroup(store::Store* s, const policy::Actor& a,
                                              model::SharingGroup g,
                                              const std::vector<model::Org>& members);

// Adds `orgs` to group `g` (each audited as sharing-group.add-org) and
// returns the group as stored. MayAddSharingGroupOrgs; a member adds only
// community members (the local operator also external organisations).
StatusOr<model::SharingGroup> AddSharingGroupOrgs(store::Store* s, const policy::Actor& a,
                                                  const model::SharingGroup& g,
                                                  const std::vector<model::Org>& orgs);

}  // namespace sanad::community
