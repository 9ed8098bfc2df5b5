// ENISA Reference Security Incident Taxonomy (RSIT) with IntelMQ's
// spellings, and the SLA clocks.
#include <algorithm>
#include <cstdio>
#include <map>

#include "incident/incident.h"
#include "util/util.h"

namespace sanad::incident {

const std::vector<RsitClass>& RsitTaxonomy() {
  // MISP taxonomy "rsit", version 1003 (../shared/data/taxonomies/rsit.json).
  static const std::vector<RsitClass>* t = new std::vector<RsitClass>{
      {"abusive-content", {"spam", "harmful-speech", "violence"}},
      {"malicious-code",
       {"infected-system", "c2-server", "malware-distribution", "malware-configuration"}},
      {"information-gathering", {"scanner", "sniffing", "social-engineering"}},
      {"intrusion-attempts", {"ids-alert", "brute-force", "exploit"}},
      {"intrusions",
       {"privileged-account-compromise", "unprivileged-account-compromise",
        "application-compromise", "system-compromise", "burglary"}},
      {"availability", {"dos", "ddos", "misconfiguration", "sabotage", "outage"}},
      {"information-content-security",
       {"unauthorised-information-access", "unauthorised-information-modification", "data-loss",
        "data-leak"}},
      {"fraud", {"unauthorised-use-of-resources", "copyright", "masquerade", "phishing"}},
      {"vulnerable",
       {"weak-crypto", "ddos-amplifier", "potentially-unwanted-accessible",
        "information-disclosure", "vulnerable-system"}},
      {"other", {"other", "undetermined"}},
      {"test", {"test"}},
  };
  return *t;
}

namespace {

// Lower case, '_' and ' ' to '-', runs of '-' collapsed, American -ize
// spellings to the taxonomy's British -ise.
std::string Spell(std::string_view s) {
  std::string t = util::ToLower(util::Trim(s));
  std::string out;
  for (char ch : t) {
    if (ch == '_' || ch == ' ') ch = '-';
    if (ch == '-' && !out.empty() && out.back() == '-') continue;
    out.push_back(ch);
  }
  size_t p;
  while ((p = out.find("unauthoriz")) != std::string::npos) out.replace(p, 10, "unauthoris");
  return out;
}

// IntelMQ's older type names (before it adopted RSIT in 3.0) and other
// variants seen in feeds -> class, type.
const std::map<std::string, std::pair<std::string, std::string>>& Aliases() {
  static const auto* m = new std::map<std::string, std::pair<std::string, std::string>>{
      {"malware", {"malicious-code", "infected-system"}},
      {"botnet-drone", {"malicious-code", "infected-system"}},
      {"ransomware", {"malicious-code", "infected-system"}},
      {"c2server", {"malicious-code", "c2-server"}},
      {"c&c", {"malicious-code", "c2-server"}},
      {"malware-configuration", {"malicious-code", "malware-configuration"}},
      {"dga-domain", {"malicious-code", "malware-configuration"}},
      {"compromised", {"intrusions", "system-compromise"}},
      {"defacement", {"information-content-security", "unauthorised-information-modification"}},
      {"leak", {"information-content-security", "data-leak"}},
      {"vulnerable-service", {"vulnerable", "vulnerable-system"}},
      {"vulnerable-client", {"vulnerable", "vulnerable-system"}},
      {"proxy", {"vulnerable", "potentially-unwanted-accessible"}},
      {"unknown", {"other", "undetermined"}},
      {"blacklist", {"other", "other"}},
      {"tor", {"other", "other"}},
      {"ddos", {"availability", "ddos"}},
  };
  return *m;
}

const RsitClass* FindClass(const std::string& name) {
  for (const auto& c : RsitTaxonomy())
    if (c.name == name) return &c;
  return nullptr;
}

std::string Choices(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

Status NormaliseRsit(std::string_view cls_in, std::string_view type_in, std::string* out_class,
                     std::string* out_type) {
  std::string cls = Spell(cls_in), type = Spell(type_in);
  // "class:type" and MISP's machine tag rsit:class="type" in the class field.
  if (type.empty()) {
    std::string c = cls;
    if (c.rfind("rsit:", 0) == 0) c = c.substr(5);
    size_t eq = c.find('=');
    size_t colon = c.find(':');
    size_t sep = eq != std::string::npos ? eq : colon;
    if (sep != std::string::npos) {
      type = c.substr(sep + 1);
      type.erase(std::remove(type.begin(), type.end(), '"'), type.end());
      cls = c.substr(0, sep);
    }
  }
  if (cls.empty() && !type.empty()) {  // infer the class from the type
    for (const auto& c : RsitTaxonomy())
      if (std::find(c.types.begin(), c.types.end(), type) != c.types.end()) cls = c.name;
    auto a = Aliases().find(type);
    if (cls.empty() && a != Aliases().end()) cls = a->second.first;
  }
  const RsitClass* c = FindClass(cls);
  if (!c) {
    std::vector<std::string> names;
    for (const auto& x : RsitTaxonomy()) names.push_back(x.name);
    return Status::Invalid("rsit_class: unknown ENISA RSIT class '" + std::string(cls_in) +
                           "'; expected one of " + Choices(names));
  }
  if (type.empty()) {
    type = c->name == "other" ? "undetermined" : "";
    if (type.empty())
      return Status::Invalid("rsit_type: required for class " + c->name + "; expected one of " +
                             Choices(c->types));
  }
  if (std::find(c->types.begin(), c->types.end(), type) == c->types.end()) {
    auto a = Aliases().find(type);
    if (a != Aliases().end() && a->second.first == c->name) {
      type = a->second.second;
    } else {
      return Status::Invalid("rsit_type: '" + std::string(type_in) + "' is not a type of class " +
                             c->name + "; expected one of " + Choices(c->types));
    }
  }
  *out_class = c->name;
  *out_type = type;
  return Status::Ok();
}

// ---- clocks ----

namespace {
constexpr const char* kClockNames[] = {"acknowledge", "first-offer", "containment", "resolution"};
constexpr int64_t kH = 3600, kD = 86400;
}  // namespace

const char* Name(ClockKind k) { return kClockNames[static_cast<int>(k)]; }

bool Parse(std::string_view s, ClockKind* out) {
  std::string t = Spell(s);
  if (t == "ack") t = "acknowledge";
  if (t == "offer") t = "first-offer";
  if (t == "contain") t = "containment";
  if (t == "resolve") t = "resolution";
  for (int i = 0; i < kClockKinds; ++i) {
    if (t == kClockNames[i]) {
      *out = static_cast<ClockKind>(i);
      return true;
    }
  }
  return false;
}

const char* Name(ClockState s) {
  switch (s) {
    case ClockState::kNotStarted:
      return "not-started";
    case ClockState::kRunning:
      return "running";
    case ClockState::kOverdue:
      return "overdue";
    case ClockState::kMet:
      return "met";
    case ClockState::kBreached:
      return "breached";
    case ClockState::kNotApplicable:
      return "n/a";
  }
  return "?";
}

SlaTargets DefaultSla() {
  SlaTargets t;
  t.seconds[static_cast<int>(model::Severity::kLow)] = {3 * kD, 5 * kD, 30 * kD, 90 * kD};
  t.seconds[static_cast<int>(model::Severity::kMedium)] = {1 * kD, 2 * kD, 7 * kD, 30 * kD};
  t.seconds[static_cast<int>(model::Severity::kHigh)] = {4 * kH, 12 * kH, 3 * kD, 14 * kD};
  t.seconds[static_cast<int>(model::Severity::kCritical)] = {1 * kH, 4 * kH, 24 * kH, 7 * kD};
  return t;
}

StatusOr<SlaTargets> LoadSla(store::Store* s) {
  SlaTargets t = DefaultSla();
  for (int sv = 0; sv < 4; ++sv) {
    for (int k = 0; k < kClockKinds; ++k) {
      std::string key = std::string("incident.sla.") +
                        model::Name(static_cast<model::Severity>(sv)) + "." + kClockNames[k];
      auto v = s->settings().GetSetting(key);
      if (!v.ok()) {
        if (v.status().code() == Status::Code::kNotFound) continue;
        return v.status();
      }
      int64_t secs = 0;
      if (!ParseDuration(*v, &secs))
        return Status::Invalid("setting " + key + ": '" + *v + "' is not a duration");
      t.seconds[sv][k] = secs;
    }
  }
  return t;
}

bool ParseDuration(std::string_view s, int64_t* seconds) {
  s = util::Trim(s);
  if (s.empty() || s.size() > 12) return false;
  int64_t unit = 1;
  char last = s.back();
  if (last == 'm' || last == 'h' || last == 'd' || last == 'w' || last == 's') {
    unit = last == 'm' ? 60 : last == 'h' ? kH : last == 'd' ? kD : last == 'w' ? 7 * kD : 1;
    s.remove_suffix(1);
  }
  if (s.empty() || !std::all_of(s.begin(), s.end(), ::isdigit)) return false;
  *seconds = std::stoll(std::string(s)) * unit;
  return true;
}

std::string FormatDuration(int64_t secs) {
  bool neg = secs < 0;
  if (neg) secs = -secs;
  int64_t d = secs / kD, h = (secs % kD) / kH, m = (secs % kH) / 60;
  char buf[64];
  if (d > 0)
    std::snprintf(buf, sizeof buf, "%lldd %lldh", static_cast<long long>(d),
                  static_cast<long long>(h));
  else if (h > 0)
    std::snprintf(buf, sizeof buf, "%lldh %lldm", static_cast<long long>(h),
                  static_cast<long long>(m));
  else
    std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(m));
  return (neg ? "-" : "") + std::string(buf);
}

std::vector<ClockView> ComputeClocks(const model::Incident& inc, model::Timestamp first_rfa,
                                     model::Timestamp first_offer, const SlaTargets& sla,
                                     model::Timestamp now) {
  bool dropped = inc.status == model::IncidentStatus::kRejected ||
                 inc.status == model::IncidentStatus::kDuplicate;
  std::vector<ClockView> out;
  auto make = [&](ClockKind k, model::Timestamp start, model::Timestamp stop) {
    ClockView c;
    c.kind = k;
    c.start = start;
    c.stop = stop;
    c.target = sla.Get(inc.severity, k);
    if (start == 0) {
      c.state = ClockState::kNotStarted;
    } else if (stop != 0) {
      c.elapsed = stop - start;
      c.state = c.target == 0 || c.elapsed <= c.target ? ClockState::kMet : ClockState::kBreached;
    } else if (inc.closed != 0 || dropped) {
      // The incident ended without this clock stopping: it no longer runs.
      c.elapsed = (inc.closed ? inc.closed : now) - start;
      c.state = ClockState::kNotApplicable;
    } else {
      c.elapsed = now - start;
      c.state =
          c.target == 0 || c.elapsed <= c.target ? ClockState::kRunning : ClockState::kOverdue;
    }
    out.push_back(c);
  };
  make(ClockKind::kAcknowledge, inc.opened, inc.acknowledged);
  make(ClockKind::kFirstOffer, first_rfa, first_offer >= first_rfa && first_rfa ? first_offer : 0);
  make(ClockKind::kContainment, inc.opened, dropped ? 0 : inc.contained);
  make(ClockKind::kResolution, inc.opened, dropped ? 0 : inc.resolved);
  return out;
}

}  // namespace sanad::incident
