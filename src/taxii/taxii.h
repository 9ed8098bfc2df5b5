// TAXII 2.1 collections over the store, independent of HTTP (the routes are
// src/api/taxii_routes.cc; the protocol is described in docs/taxii.md).
//
// Collections. Each member sees:
//  - "community" (kCommunity): what the community shares, i.e. the parts of
//    events with distribution 1-3 that every member may see;
//  - "<org> (own)" (kOwn): everything its own organisation holds;
//  - one per sharing group it belongs to (kSharingGroup, id = the group's
//    uuid): events shared with the group plus the community parts of them;
//  - "public" (kPublic, read-only): TLP:CLEAR events of distribution 1-3,
//    without attributes marked with a stricter TLP.
// A collection's content is what its audience may see (the events are
// redacted by policy::Redact for a viewer that stands for the audience: no
// org and no group, the group, or the owner), so one object log serves every
// member of the audience. Every row served is checked again against the
// caller's policy::Viewer (policy::MaySeeEvent on the event it came from, as
// stored now): a member never receives an object of an event it may not see.
//
// Object log. Refresh() converts, with the STIX module, the events changed
// since the collection was last refreshed (store DataGeneration) and appends
// new versions with a date_added (microseconds) unique and strictly
// increasing within the collection; objects no longer produced by any event
// are withdrawn. Reads (Objects, Manifest, Versions) page the log by
// date_added and never convert.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/audit.h"
#include "model/model.h"
#include "policy/actor.h"
#include "policy/policy.h"
#include "store/store.h"
#include "store/taxii_store.h"
#include "util/status.h"

namespace sanad::taxii {

inline constexpr const char kTaxiiMediaType[] = "application/taxii+json;version=2.1";
inline constexpr const char kStixMediaType[] = "application/stix+json;version=2.1";
inline constexpr const char kCommunityCollectionId[] = "bb51a8b4-650d-41cf-8252-1a1ed7dd6ec1";
inline constexpr const char kPublicCollectionId[] = "21592b29-3243-4aa6-8097-ab86b767e7bf";

// Limits: `limit` is clamped to [1, kMaxPage] (never rejected); an envelope
// posted holds at most kMaxEnvelopeBytes and kMaxEnvelopeObjects objects; a
// filter list at most kMaxFilterValues values.
inline constexpr int64_t kDefaultPage = 100;
inline constexpr int64_t kMaxPage = 1000;
inline constexpr size_t kMaxEnvelopeBytes = 64u << 20;
inline constexpr size_t kMaxEnvelopeObjects = 100000;
inline constexpr size_t kMaxFilterValues = 100;

// Microseconds since the epoch; injectable for tests (null: system clock).
using MicroClock = int64_t (*)();
int64_t NowMicros(MicroClock clock);

// TAXII timestamps: "YYYY-MM-DDThh:mm:ss.ffffffZ" (microseconds), and the
// parse of any RFC 3339 UTC timestamp with up to 9 fraction digits (more
// precision than microseconds is truncated). Parse returns false when bad.
std::string FormatTimestamp(int64_t us);
bool ParseTimestamp(std::string_view s, int64_t* us);

enum class CollectionKind { kCommunity, kOwn, kSharingGroup, kPublic };

struct Collection {
  std::string id;  // uuid
  std::string title, description, alias;
  CollectionKind kind = CollectionKind::kCommunity;
  int64_t org_id = 0;            // kOwn: the org
  int64_t sharing_group_id = 0;  // kSharingGroup: the group
  bool can_read = true;
  bool can_write = false;  // for this caller
};

// The caller is the policy::Actor: its org, its viewer (groups), whether it
// may write (may_write), whose name objects it adds may carry as creator
// (created_by_ref, policy::MayNameCreator: creators), and, for the audit log,
// its name.

// The collections `c` may use, in the order community, own, groups, public.
StatusOr<std::vector<Collection>> CollectionsFor(store::Store* s, const policy::Actor& c);
// One of them by id or alias ("community", "own", "public"; any case);
// NotFound when absent or not for `c` (indistinguishable).
StatusOr<Collection> FindCollection(store::Store* s, const policy::Actor& c, std::string_view id);
// The collection resource JSON object text.
std::string CollectionJson(const Collection& col);

// ---- conversion (the STIX module behind an interface) ----

// The STIX objects (JSON texts) of one already-redacted event.
using Converter =
    std::function<StatusOr<std::vector<std::string>>(store::Store*, const model::Event&)>;
// stix::EventToObjects (report container, kept objects, no sightings: they
// depend on the individual viewer).
Converter StixConverter();

// What an add request writes: the caller's org, the collection's
// distribution (community 1, own 0, sharing group 4 with the group).
struct AddTarget {
  int64_t org_id = 0;
  model::Distribution distribution = model::Distribution::kCommunity;
  int64_t sharing_group_id = 0;
  const policy::Actor* actor = nullptr;
  policy::CreatorRule creators = policy::CreatorRule::kOwnOnly;
};
// What an import did: notes (warnings, objects kept unmapped) and the
// objects of the bundle it did not write, by STIX id (uuid part
// lower-cased), each with the reason. Every other object of the bundle was
// written, or was already stored in the same version (an unchanged re-add).
struct ImportOutcome {
  std::vector<std::string> notes;
  std::vector<std::pair<std::string, std::string>> not_written;
};
// Imports a STIX bundle text within the caller's transaction.
using Importer =
    std::function<StatusOr<ImportOutcome>(store::Store*, std::string_view bundle, const AddTarget&)>;
// stix::ImportBundle.
Importer StixImporter();

// The one message of an object refused because of its id: the same whether
// another organisation holds the id in data the writer may see or not.
inline constexpr const char kIdNotAccepted[] = "id not accepted for this writer";
// Ids any writer may use whoever else holds them: observables (SCO ids are
// derived from their values, so refusing them would tell who holds a value)
// and the TLP marking-definitions.
bool SharedStixId(std::string_view type, std::string_view id);

// ---- the object log ----

struct RefreshStats {
  int64_t events = 0;     // events converted
  int64_t appended = 0;   // rows appended or moved
  int64_t withdrawn = 0;  // ids withdrawn
};
// True when the store changed since `col` was last refreshed.
StatusOr<bool> NeedsRefresh(store::Store* s, const Collection& col);
// Brings the log of `col` up to date: the events changed since the last
// refresh are converted in chunks of kRefreshChunk events, each chunk one
// transaction taken under `*write_mutex` (the API's writer lock; may be
// null), so other writers wait for at most one chunk. The collection counts
// as refreshed only after the last chunk; an interrupted refresh resumes
// where it stopped. Refreshers of one collection are serialised within the
// process (a concurrent caller waits, then finds nothing left to do).
inline constexpr size_t kRefreshChunk = 200;
Status Refresh(store::Store* s, const Collection& col, const Converter& convert, MicroClock clock,
               std::mutex* write_mutex, RefreshStats* stats = nullptr);

// Request filters (TAXII 2.1 section 3.4). Parse from query parameters:
// added_after, limit (clamped), next, match[id], match[type],
// match[version], match[spec_version] (comma-separated values, repeatable).
struct Filter {
  int64_t added_after = 0;  // exclusive
  int64_t limit = kDefaultPage;
  std::vector<std::string> ids, types, spec_versions;
  bool latest = true, first = false, all = false;
  std::vector<int64_t> versions_us;
  bool version_given = false;
  int64_t next_after = 0;  // from `next` (Invalid when not a token of ours)
};
// Invalid naming the parameter. `allow_version` false rejects
// match[version] (the versions endpoint); unknown match[...] fields are
// Invalid too.
StatusOr<Filter> ParseFilter(const std::vector<std::pair<std::string, std::string>>& query,
                             bool allow_version);

// One page of rows the caller may see.
struct Page {
  std::vector<store::TaxiiObjectRow> rows;
  bool more = false;
  std::string next;  // set when more
  // Events (uuid, orgc uuid) marked TLP:AMBER/AMBER+STRICT/RED whose objects
  // are in the page: the caller records the reads in the audit log.
  std::vector<std::pair<std::string, std::string>> sensitive_events;
};
// Rows of `col` matching `f` (plus `only_id` when non-empty), each checked
// with policy::MaySeeEvent for `viewer`. `next` tokens are opaque.
StatusOr<Page> Read(store::Store* s, const Collection& col, const policy::Viewer& viewer,
                    const Filter& f, std::string_view only_id = {});

// Response bodies (JSON text).
std::string EnvelopeJson(const Page& p);
std::string ManifestJson(const Page& p);
std::string VersionsJson(const Page& p);
// X-TAXII-Date-Added-First/Last values ("" when the page is empty).
std::string DateAddedFirst(const Page& p);
std::string DateAddedLast(const Page& p);

// ---- add objects (POST) and status ----

// Validates an envelope ({"objects": [...]}, each object with a string type
// and id), refuses the objects whose id another organisation holds (see
// below), imports the rest as one bundle through `import` in one
// transaction, and stores and returns the status resource (JSON text,
// status "complete"): one success per object written (or already stored in
// that version), one failure with a message per object not written
// (refused ids, older versions, the older duplicates of an id in the
// envelope; every object when the import failed, nothing written).
// success_count + failure_count = total_count. Invalid for a malformed
// envelope.
//
// Ids of other organisations: an object is refused with kIdNotAccepted when
// its id is held by another organisation (store::TaxiiStore::StixIdHolders:
// one of its events, attributes, objects or references, a kept original, an
// object-log row) or is another member's identity, unless the object is
// byte-identical to a version already stored (re-sharing a copy changes
// nothing). The writer's own identity and SharedStixId ids are never refused.
// The answer is the same whether the writer may see the other organisation's
// object or not.
StatusOr<std::string> AddObjects(store::Store* s, const Collection& col, const policy::Actor& c,
                                 std::string_view envelope, const Importer& import,
                                 MicroClock clock);
// A stored status resource, only for the org that made the request
// (NotFound otherwise).
StatusOr<std::string> GetStatus(store::Store* s, const policy::Actor& c, std::string_view id);

// ---- delete ----

// Deletes the MISP item an object came from, as the event's owner: the
// report (event) soft-deletes the event; an object made from an attribute or
// a MISP object marks that item deleted. NotFound when the caller may not
// see the object, Permission when it does not own the event, Invalid when
// the object is not backed by a deletable item (shared identities, markings).
// One transaction; recorded in the audit log.
Status DeleteObject(store::Store* s, const Collection& col, const policy::Actor& c,
                    std::string_view stix_id);

// The discovery and API root resources; `base` is prepended to the API root
// path ("" gives "/taxii2/api/").
std::string DiscoveryJson(std::string_view base);
std::string ApiRootJson();

}  // namespace sanad::taxii
