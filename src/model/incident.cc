#include "model/incident.h"

#include <algorithm>

#include "util/util.h"

namespace sanad::model {

namespace {

template <class E, size_t N>
bool ParseName(std::string_view s, const char* const (&names)[N], E* out) {
  std::string t = util::ToLower(util::Trim(s));
  std::replace(t.begin(), t.end(), '_', '-');
  for (size_t i = 0; i < N; ++i) {
    if (t == names[i]) {
      *out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

constexpr const char* kStatusNames[] = {"new",      "triage", "in-progress", "contained",
                                        "resolved", "closed", "rejected",    "duplicate"};
constexpr const char* kSeverityNames[] = {"low", "medium", "high", "critical"};
constexpr const char* kKindNames[] = {"sample-analysis", "takedown",    "sinkholing", "blocking",
                                      "forensics",       "information", "other"};
constexpr const char* kRfaStatusNames[] = {"open", "withdrawn", "closed"};
constexpr const char* kOfferStatusNames[] = {"pending", "accepted", "declined", "withdrawn"};
constexpr const char* kTaskStatusNames[] = {"waiting", "in-progress", "done", "cancelled"};
constexpr const char* kAudienceNames[] = {"all-members", "sharing-group", "orgs"};

}  // namespace

const char* Name(IncidentStatus v) { return kStatusNames[static_cast<int>(v)]; }
const char* Name(Severity v) { return kSeverityNames[static_cast<int>(v)]; }
const char* Name(RfaKind v) { return kKindNames[static_cast<int>(v)]; }
const char* Name(RfaStatus v) { return kRfaStatusNames[static_cast<int>(v)]; }
const char* Name(OfferStatus v) { return kOfferStatusNames[static_cast<int>(v)]; }
const char* Name(TaskStatus v) { return kTaskStatusNames[static_cast<int>(v)]; }
const char* Name(RfaAudience v) { return kAudienceNames[static_cast<int>(v)]; }
bool Parse(std::string_view s, IncidentStatus* out) { return ParseName(s, kStatusNames, out); }
bool Parse(std::string_view s, Severity* out) { return ParseName(s, kSeverityNames, out); }
bool Parse(std::string_view s, RfaKind* out) { return ParseName(s, kKindNames, out); }
bool Parse(std::string_view s, RfaStatus* out) { return ParseName(s, kRfaStatusNames, out); }
bool Parse(std::string_view s, OfferStatus* out) { return ParseName(s, kOfferStatusNames, out); }
bool Parse(std::string_view s, TaskStatus* out) { return ParseName(s, kTaskStatusNames, out); }
bool Parse(std::string_view s, RfaAudience* out) {
  if (util::ToLower(util::Trim(s)) == "all") {
    *out = RfaAudience::kAllMembers;
    return true;
  }
  return ParseName(s, kAudienceNames, out);
}

}  // namespace sanad::model
