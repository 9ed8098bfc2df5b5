// Internal to the SQLite backend: the three membership sections over the
// store's connection (all in membership_store.cc, with schema version 5).
#pragma once

#include <memory>

#include "store/membership_rules_store.h"
#include "store/membership_store.h"
#include "store/membership_vote_store.h"
#include "store/sqlite/internal.h"

namespace sanad::store::internal {

std::unique_ptr<MembershipStore> NewMembershipStore(Conn* c);
std::unique_ptr<MembershipVoteStore> NewMembershipVoteStore(Conn* c);
std::unique_ptr<MembershipRulesStore> NewMembershipRulesStore(Conn* c);

}  // namespace sanad::store::internal
