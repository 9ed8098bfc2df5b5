// Audit action names (model::AuditEntry::action), defined once. Every module
// that appends to the audit log (audit::Record) names its action here, so a
// reader of the log, or a filter over it, finds every writer of an action.
// The names are part of the log's format: never rename one.
#pragma once

#include <string_view>

namespace sanad::audit::action {

// ---- community ----
inline constexpr std::string_view kOrgAdd = "org.add";
inline constexpr std::string_view kOrgSetChair = "org.set-chair";
inline constexpr std::string_view kUserAdd = "user.add";
inline constexpr std::string_view kKeyCreate = "key.create";
inline constexpr std::string_view kKeyRevoke = "key.revoke";
inline constexpr std::string_view kSharingGroupAdd = "sharing-group.add";
inline constexpr std::string_view kSharingGroupAddOrg = "sharing-group.add-org";

// ---- events ----
inline constexpr std::string_view kEventCreate = "event.create";
inline constexpr std::string_view kEventUpdate = "event.update";
inline constexpr std::string_view kEventPublish = "event.publish";
inline constexpr std::string_view kEventDelete = "event.delete";
inline constexpr std::string_view kSightingAdd = "sighting.add";

}  // namespace sanad::audit::action
