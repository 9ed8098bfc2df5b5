// The membership section of the store, part 2 of 3 (see
// store/membership_store.h for what the three parts share): votes and their
// ballots, and the board terms the Full members elect. Handed out by
// store::Store::membership_votes().
//
// Rows only; every method runs inside the caller's transaction. A closed
// vote or a past term stays.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/membership.h"
#include "util/status.h"

namespace sanad::store {

class MembershipVoteStore {
 public:
  virtual ~MembershipVoteStore() = default;

  // ---- votes and ballots ----
  virtual Status AddVote(model::MembershipVote* v) = 0;
  // Updates status, closed and the tallies of v.id.
  virtual Status UpdateVote(const model::MembershipVote& v) = 0;
  virtual StatusOr<model::MembershipVote> GetVote(std::string_view uuid) = 0;
  virtual StatusOr<model::MembershipVote> GetVoteById(int64_t id) = 0;
  // Oldest first; only open votes when open_only.
  virtual Status ListVotes(bool open_only, std::vector<model::MembershipVote>* out) = 0;
  // Conflict when the org has voted already.
  virtual Status AddBallot(const model::MembershipBallot& b) = 0;
  virtual Status ListBallots(int64_t vote_id, std::vector<model::MembershipBallot>* out) = 0;

  // ---- board ----
  // Stores the term with its seats (Conflict when an org holds two).
  virtual Status AddBoardTerm(model::BoardTerm* t) = 0;
  virtual Status ListBoardTerms(std::vector<model::BoardTerm>* out) = 0;  // oldest first
};

}  // namespace sanad::store
