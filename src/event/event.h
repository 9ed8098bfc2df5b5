// The event service: creating, updating, publishing and deleting events on
// behalf of an actor. The REST API, the CLI and the coming MISP API and sync
// call these operations; they do not write events themselves.
//
// Rules:
//  - readers (model::Role::kReader) write no events;
//  - an event is created held by the actor's organisation (event.org), in its
//    own name or, for administrators, on behalf of an external source
//    (policy::CheckCreator with actor.creators);
//  - only the organisation holding an event changes, publishes or deletes it
//    (policy::CheckHolder); an event the actor may not see answers NotFound
//    exactly like an absent one;
//  - each operation is one transaction (store::Transaction) with its audit
//    record (audit/actions.h), committed before it returns. Callers that
//    serialise writes (the API's write lock) hold their lock around the call.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "intel/warninglist.h"
#include "model/model.h"
#include "policy/actor.h"
#include "store/store.h"
#include "util/status.h"

namespace sanad::event {

struct WriteOptions {
  // Attributes hitting these lists are reported as warnings (never
  // rejected). Null: no check.
  const intel::WarninglistSet* warninglists = nullptr;
  // Create: appended to the Conflict message when the uuid is taken, e.g.
  // how the caller updates an event it holds.
  std::string conflict_hint;
};

struct WriteResult {
  model::Event event;                 // as written (ids and org references resolved)
  std::vector<std::string> warnings;  // import warnings; Create adds TLP audience warnings
};

// Permission "readers cannot <verb> events" for a reader; Ok otherwise.
// Every operation below checks it first; callers may check it before parsing
// a request.
Status CheckWriter(const policy::Actor& actor, std::string_view verb);

// Creates `ev` (MISP import semantics, formats::ImportEvents) held by the
// actor's org. Conflict when the uuid is in use on this node, whoever holds
// it (the caller learns that it is taken, never by whom). A document naming
// no distribution gets the community default (membership rules). Audit:
// event.create.
StatusOr<WriteResult> Create(store::Store* s, const policy::Actor& actor, model::Event ev,
                             const WriteOptions& o = {});

// Updates event `uuid` (as the caller named it; `ev.uuid` names the same
// event), held by the actor's org, with `ev` under MISP edit semantics (what
// the document does not give keeps its stored value). A document without a
// timestamp gets max(now, stored + 1); a timestamp that is not newer than the
// stored one is a Conflict. Audit: event.update.
StatusOr<WriteResult> Update(store::Store* s, const policy::Actor& actor, std::string_view uuid,
                             model::Event ev, const WriteOptions& o = {});

// Publishes event `uuid`: published, publish_timestamp = now, timestamp =
// max(now, stored + 1). Returns the event as stored. Audit: event.publish.
StatusOr<model::Event> Publish(store::Store* s, const policy::Actor& actor, std::string_view uuid);

// Soft-deletes event `uuid`. Returns the event as it was before. Audit:
// event.delete.
StatusOr<model::Event> Delete(store::Store* s, const policy::Actor& actor, std::string_view uuid);

}  // namespace sanad::event
