// The incident section of the store, part 2 of 3 (see store/incident_store.h
// for what the three parts share): requests for assistance (RFAs), their
// audiences, and the offers of help answering them. Handed out by
// store::Store::rfas().
//
// Rows only: who may ask, offer or decide is the incident module's rule.
// Writes run in the caller's transaction. uuids are stored in lower case.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/incident.h"
#include "util/status.h"

namespace sanad::store {

class RfaStore {
 public:
  virtual ~RfaStore() = default;

  // Assigns id (and uuid when empty) and stores the audience orgs.
  // Conflict on a duplicate uuid.
  virtual Status AddRfa(model::Rfa* r) = 0;
  virtual Status UpdateRfa(const model::Rfa& r) = 0;  // status and ended; NotFound
  virtual StatusOr<model::Rfa> GetRfa(int64_t id) = 0;
  virtual StatusOr<model::Rfa> FindRfa(std::string_view uuid) = 0;
  // Requests of one incident, or of all incidents when incident_id is 0.
  virtual Status ListRfas(int64_t incident_id, std::vector<model::Rfa>* out) = 0;

  // Assigns id (and uuid when empty). Conflict on a duplicate uuid.
  virtual Status AddOffer(model::Offer* o) = 0;
  virtual Status UpdateOffer(const model::Offer& o) = 0;  // status, note, decided; NotFound
  virtual StatusOr<model::Offer> FindOffer(std::string_view uuid) = 0;
  virtual Status ListOffers(int64_t rfa_id, std::vector<model::Offer>* out) = 0;
};

}  // namespace sanad::store
