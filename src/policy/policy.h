// The one visibility policy. Every read path (CLI, REST, exports, TAXII,
// sync, correlation, matching) asks this module what an organisation may
// see; nothing else decides. Pure functions over model types.
//
// Rules (MISP's, see docs/architecture.md "Visibility"):
//  - an event is visible to org O when O owns it (event.org), or its
//    distribution is 1, 2 or 3, or it is 4 and O belongs to its sharing group;
//  - an attribute or object must also pass its own check: distribution 5
//    inherits from the parent (object, then event); the stricter wins because
//    both the parent and the item must be visible;
//  - the owner of the event sees everything in it;
//  - soft-deleted items are hidden unless explicitly asked for;
//  - no role bypasses these rules: the community admin administers, it does
//    not read other members' intelligence.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/incident.h"
#include "model/model.h"
#include "util/status.h"

namespace sanad::policy {

// Who is reading.
struct Viewer {
  int64_t org_id = 0;
  std::vector<int64_t> sharing_groups;  // sorted ids of the groups O belongs to
  bool InGroup(int64_t sg_id) const;
};

// Distribution check for one level, given the owner of the enclosing event.
bool PassesDistribution(const Viewer& v, int64_t event_owner_org_id, model::Distribution d,
                        int64_t sharing_group_id);

// The fields that decide whether one attribute is visible, for callers that
// keep compact indexes (correlation, matching) instead of whole events.
struct AccessPath {
  int64_t event_owner_org_id = 0;
  model::Distribution event_distribution = model::Distribution::kOrganisation;
  int64_t event_sharing_group_id = 0;
  bool in_object = false;
  model::Distribution object_distribution = model::Distribution::kInherit;
  int64_t object_sharing_group_id = 0;
  model::Distribution attribute_distribution = model::Distribution::kInherit;
  int64_t attribute_sharing_group_id = 0;
  bool deleted = false;  // attribute, object or event soft-deleted
};
// Same rules as MaySeeAttribute; deleted items are never visible here.
bool MaySee(const Viewer& v, const AccessPath& p);

bool MaySeeEvent(const Viewer& v, const model::Event& ev);
// `parent_object` is null for attributes outside objects.
bool MaySeeAttribute(const Viewer& v, const model::Event& ev, const model::Object* parent_object,
                     const model::Attribute& a);
bool MaySeeObject(const Viewer& v, const model::Event& ev, const model::Object& o);

// MISP's sighting policy (Plugin.Sightings_policy "event owner", with
// reporters seeing their own sightings): what `v` may learn of one sighting
// reported by org `sighting_org_id` (0 = anonymous) on an attribute reached
// through `attribute`.
//  - kNone: `v` may not see the attribute (deleted included): nothing, not
//    even that sightings exist;
//  - kDetails: `v` owns the attribute's event (event.org, or its creator
//    event.orgc given as `event_creator_org_id`), or reported the sighting:
//    organisation, source and time;
//  - kCounts: anyone else who may see the attribute: the sighting counts
//    per type only.
enum class SightingView { kNone, kCounts, kDetails };
SightingView ViewSighting(const Viewer& v, const AccessPath& attribute,
                          int64_t event_creator_org_id, int64_t sighting_org_id);

// The access path of attribute `a` of `ev` (inside `parent_object`, null
// outside objects); `deleted` when the attribute, its object or the event is
// soft-deleted. MaySee(v, AttributePath(...)) == MaySeeAttribute(...) for
// items that are not deleted.
AccessPath AttributePath(const model::Event& ev, const model::Object* parent_object,
                         const model::Attribute& a);

// Whether `v` may read sighting `s` in full (ViewSighting gives kDetails) on
// attribute `a` of `ev` (inside `parent_object`, null outside objects): the
// holder or creator of the event, or the org that reported it.
bool MaySeeSightingDetails(const Viewer& v, const model::Event& ev,
                           const model::Object* parent_object, const model::Attribute& a,
                           const model::Sighting& s);

struct RedactOptions {
  bool include_deleted = false;
};

// Removes from `ev` everything `v` may not see (attributes, objects, object
// references pointing at hidden items, sightings of other orgs are left to
// the intel module). Returns false, leaving `ev` unspecified, when the event
// itself is not visible.
bool Redact(const Viewer& v, model::Event* ev, const RedactOptions& opts = {});

// ---- local tags ----
//
// A local tag (model::Tag::local) is the holding organisation's own marking:
// it is seen only by the org holding the event (event.org), never by other
// readers of the event, and never leaves the node (STIX labels, event
// summaries list shared tags only).

// Whether `v` may see the local tags of an event held by `event_org_id`
// (false for a viewer without an org).
bool MaySeeLocalTags(const Viewer& v, int64_t event_org_id);
// Whether tag `t` is shown where local tags are (`local_tags_visible`, from
// MaySeeLocalTags) or are not visible: shared tags always, local tags only
// when visible.
bool ShowTag(const model::Tag& t, bool local_tags_visible);
// Removes every local tag (event, attributes, object attributes) from `ev`
// unless `v` may see them (MaySeeLocalTags(v, ev->org.id)).
void RedactLocalTags(const Viewer& v, model::Event* ev);

// ---- holders (changes to an existing event) ----
//
// Only the organisation holding an event (event.org) changes, publishes or
// deletes it; another member cannot overwrite or remove intelligence it did
// not import, whatever its role.

// Whether org `org_id` holds an event held by `holder_org_id` (false for
// org id 0).
bool HoldsEvent(int64_t org_id, int64_t holder_org_id);
// HoldsEvent as the Status of a write by a caller that may see the event:
// Permission "event <event_uuid> is held by <holder_name>; only its holder
// <verb> it" when refused. With `item` (e.g. "object indicator--..."), the
// item asked for names the event: "<item> comes from event <event_uuid> held
// by <holder_name>; only its holder <verb> it".
Status CheckHolder(int64_t org_id, int64_t holder_org_id, std::string_view holder_name,
                   std::string_view event_uuid, std::string_view verb,
                   std::string_view item = {});
// The note of an import that skips an event held by another organisation,
// without naming the holder: "<what>: held by another organisation; only its
// owner updates it".
std::string NotHolderNote(std::string_view what);

// Effective distribution of an item after inheritance (never kInherit).
model::Distribution EffectiveDistribution(const model::Event& ev, const model::Object* obj,
                                          model::Distribution item);

// ---- creators (writes) ----
//
// An event keeps its creator (orgc) wherever it travels, and every reader
// takes it as the creator's word. So a member creates events only in its own
// name; events of other creators arrive by sync from a peer node, or by an
// administrator's import on behalf of an external source (a creator that is
// not a community member, OrgStatus::kExternal), and are marked so.
enum class CreatorRule {
  kOwnOnly,        // a member writing (REST analysts, TAXII writers)
  kOwnOrExternal,  // an administrator's import (the CLI operator, REST admins and org-admins)
  kAny,            // sync: the creator travels with the event from a peer node
};
// Whether org `writer_org_id` may create an event naming `creator_org_id` as
// its creator; `creator_is_external` when that org is not a community member.
bool MayNameCreator(CreatorRule rule, int64_t writer_org_id, int64_t creator_org_id,
                    bool creator_is_external);
// MayNameCreator as the Status every write path returns: Permission naming
// `what` (e.g. "event <uuid>"), the creator and the rule, when refused.
Status CheckCreator(CreatorRule rule, int64_t writer_org_id, const model::Org& creator,
                    std::string_view what);

// ---- incident coordination (docs/incidents.md, "Visibility") ----
//
// An incident is visible to its affected org, its coordinating org, every org
// that reported (or entered a report) into it, and every org whose offer of
// help was accepted (participants). Nobody else, whatever its role: the chair
// sees an incident only when it coordinates it.
struct IncidentAccess {
  int64_t affected_org_id = 0;
  int64_t coordinator_org_id = 0;
  std::vector<int64_t> reporting_org_ids;    // any order
  std::vector<int64_t> participant_org_ids;  // any order
};
bool MaySeeIncident(const Viewer& v, const IncidentAccess& a);
// Who may manage an incident (change it, ask for help, decide on offers):
// the affected org and the coordinator.
bool MayManageIncident(const Viewer& v, const IncidentAccess& a);

// A request for assistance as the policy sees it (audience: model::RfaAudience).
struct RfaAccess {
  int64_t requester_org_id = 0;
  model::RfaAudience audience = model::RfaAudience::kOrgs;
  int64_t sharing_group_id = 0;           // kSharingGroup
  std::vector<int64_t> audience_org_ids;  // kOrgs, any order
  IncidentAccess incident;
};
// Whether `v` is in the request's audience (viewers are active members).
bool InRfaAudience(const Viewer& v, const RfaAccess& a);
// A request is visible to its audience and to whoever may see its incident.
bool MaySeeRfa(const Viewer& v, const RfaAccess& a);
// An offer of help is visible to the org that made it, the requester and
// whoever may manage the incident; other helpers do not see it.
bool MaySeeOffer(const Viewer& v, int64_t offer_org_id, const RfaAccess& a);

}  // namespace sanad::policy
