#include "event/event.h"

#include <algorithm>

#include "audit/actions.h"
#include "audit/audit.h"
#include "formats/import.h"
#include "membership/membership.h"
#include "policy/policy.h"
#include "util/util.h"

namespace sanad::event {

namespace {

// Imports `ev` as the actor's org; `check` runs first inside the caller's
// transaction. A skipped event (held by another org, or older) is a Conflict.
Status ImportOne(store::Store* s, const policy::Actor& actor, const WriteOptions& o,
                 WriteResult* out) {
  std::vector<model::Event> events;
  events.push_back(std::move(out->event));
  formats::ImportOptions io;
  io.warninglists = o.warninglists;
  io.actor = &actor;
  // A member writes in its own name; its administrators may also import on
  // behalf of an external source (policy::MayNameCreator).
  io.creators = actor.creators;
  // A new event that names no distribution gets the community default
  // (membership rules; docs/membership.md); an update keeps the stored one.
  io.default_distribution = [s](model::Distribution* d, model::SharingGroupRef* sg) {
    return membership::DefaultDistribution(s, d, sg);
  };
  formats::ImportReport report;
  SANAD_RETURN_IF_ERROR(formats::ImportEvents(s, &events, actor.org, io, &report));
  if (!report.skipped.empty()) return Status::Conflict(report.skipped.front());
  out->event = std::move(events.front());
  out->warnings = std::move(report.warnings);
  return Status::Ok();
}

// The event `uuid` as the actor sees it, when the actor holds it.
StatusOr<model::Event> HeldEvent(store::Store* s, const policy::Actor& actor,
                                 std::string_view uuid, std::string_view verb) {
  auto ev = s->events().GetEvent(actor.viewer, uuid);
  if (!ev.ok()) return ev.status();
  SANAD_RETURN_IF_ERROR(
      policy::CheckHolder(actor.org.id, ev->org.id, ev->org.name, uuid, verb));
  return ev;
}

}  // namespace

Status CheckWriter(const policy::Actor& actor, std::string_view verb) {
  if (actor.user.role == model::Role::kReader)
    return Status::Permission("readers cannot " + std::string(verb) + " events");
  return Status::Ok();
}

StatusOr<WriteResult> Create(store::Store* s, const policy::Actor& actor, model::Event ev,
                             const WriteOptions& o) {
  SANAD_RETURN_IF_ERROR(CheckWriter(actor, "add"));
  const std::string uuid = util::LowerUuid(ev.uuid);
  WriteResult out;
  out.event = std::move(ev);
  {
    store::Transaction tx(s);
    SANAD_RETURN_IF_ERROR(tx.status());
    // The same answer whether or not the actor may see the event that holds
    // the uuid: it learns that the uuid is taken, never by whom.
    if (s->events().FindEventHead(uuid).ok())
      return Status::Conflict("event uuid " + uuid + " is already in use on this node" +
                              (o.conflict_hint.empty() ? "" : "; " + o.conflict_hint));
    SANAD_RETURN_IF_ERROR(ImportOne(s, actor, o, &out));
    SANAD_RETURN_IF_ERROR(tx.Commit());
  }
  // TLP:RED / AMBER+STRICT reaching a wider audience (docs/membership.md).
  if (auto aw = membership::CheckEventAudience(s, out.event); aw.ok())
    for (const auto& w : *aw) out.warnings.push_back("audience: " + w.item + ": " + w.message);
  return out;
}

StatusOr<WriteResult> Update(store::Store* s, const policy::Actor& actor, std::string_view uuid,
                             model::Event ev, const WriteOptions& o) {
  SANAD_RETURN_IF_ERROR(CheckWriter(actor, "change"));
  WriteResult out;
  out.event = std::move(ev);
  store::Transaction tx(s);
  SANAD_RETURN_IF_ERROR(tx.status());
  auto current = HeldEvent(s, actor, uuid, "changes");
  if (!current.ok()) return current.status();
  model::Event& next = out.event;
  if (next.timestamp == 0) {
    next.timestamp = std::max(util::Now(), current->timestamp + 1);
  } else if (next.timestamp <= current->timestamp) {
    return Status::Conflict("event timestamp " + std::to_string(next.timestamp) +
                            " is not newer than the stored " +
                            std::to_string(current->timestamp));
  }
  SANAD_RETURN_IF_ERROR(ImportOne(s, actor, o, &out));
  SANAD_RETURN_IF_ERROR(tx.Commit());
  return out;
}

StatusOr<model::Event> Publish(store::Store* s, const policy::Actor& actor,
                               std::string_view uuid) {
  SANAD_RETURN_IF_ERROR(CheckWriter(actor, "publish"));
  store::Transaction tx(s);
  SANAD_RETURN_IF_ERROR(tx.status());
  auto ev = HeldEvent(s, actor, uuid, "publishes");
  if (!ev.ok()) return ev.status();
  model::Timestamp now = util::Now();
  ev->published = true;
  ev->publish_timestamp = now;
  ev->timestamp = std::max(now, ev->timestamp + 1);
  auto outcome = s->events().UpsertEvent(&*ev);
  if (!outcome.ok()) return outcome.status();
  SANAD_RETURN_IF_ERROR(
      audit::Record(s, actor, audit::action::kEventPublish, "event", ev->uuid, ev->orgc.uuid));
  SANAD_RETURN_IF_ERROR(tx.Commit());
  return ev;
}

StatusOr<model::Event> Delete(store::Store* s, const policy::Actor& actor, std::string_view uuid) {
  SANAD_RETURN_IF_ERROR(CheckWriter(actor, "delete"));
  store::Transaction tx(s);
  SANAD_RETURN_IF_ERROR(tx.status());
  auto ev = HeldEvent(s, actor, uuid, "deletes");
  if (!ev.ok()) return ev.status();
  SANAD_RETURN_IF_ERROR(s->events().SoftDeleteEvent(ev->id, util::Now()));
  SANAD_RETURN_IF_ERROR(
      audit::Record(s, actor, audit::action::kEventDelete, "event", ev->uuid, ev->orgc.uuid));
  SANAD_RETURN_IF_ERROR(tx.Commit());
  return ev;
}

}  // namespace sanad::event
