// IODEF v2 (RFC 7970) export of one incident. The element order follows the
// schema's sequences (Incident: IncidentID, RelatedActivity, DetectTime,
// RecoveryTime, ReportTime, GenerationTime, Description, Assessment, Method,
// Contact+, EventData, IndicatorData, History, AdditionalData). Mapping:
// docs/incidents.md.
#include <string>

#include "incident/incident.h"
#include "model/canon.h"
#include "util/util.h"

namespace sanad::incident {

namespace {

// XML text/attribute escaping; control characters other than tab, LF and
// CR are not allowed in XML 1.0 and are replaced by U+FFFD.
std::string Esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
          out += "\xEF\xBF\xBD";
        else
          out.push_back(static_cast<char>(ch));
    }
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += k[n >> 18];
    out += k[(n >> 12) & 63];
    out += k[(n >> 6) & 63];
    out += k[n & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= uint8_t(bytes[i + 1]) << 8;
    out += k[n >> 18];
    out += k[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? k[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

const char* Restriction(model::Tlp t) {
  switch (t) {
    case model::Tlp::kClear:
      return "white";
    case model::Tlp::kGreen:
      return "green";
    case model::Tlp::kAmber:
    case model::Tlp::kAmberStrict:
      return "amber";
    case model::Tlp::kRed:
      return "red";
    case model::Tlp::kNone:
      break;
  }
  return "default";
}

// IODEF Incident@status: new, in-progress, forwarded, resolved, future.
const char* IodefStatus(model::IncidentStatus s) {
  switch (s) {
    case model::IncidentStatus::kNew:
      return "new";
    case model::IncidentStatus::kResolved:
    case model::IncidentStatus::kClosed:
    case model::IncidentStatus::kRejected:
    case model::IncidentStatus::kDuplicate:
      return "resolved";
    default:
      return "in-progress";
  }
}

std::string Contact(std::string_view role, const std::string& name, std::string_view indent,
                    std::string_view description = {}) {
  std::string s =
      std::string(indent) + "<Contact role=\"" + std::string(role) + "\" type=\"organization\">\n";
  s += std::string(indent) + "  <ContactName>" + Esc(name) + "</ContactName>\n";
  if (!description.empty())
    s += std::string(indent) + "  <Description>" + Esc(description) + "</Description>\n";
  s += std::string(indent) + "</Contact>\n";
  return s;
}

// One indicator as an IODEF Observable (inside IndicatorData/Indicator).
std::string Observable(const model::Indicator& ind) {
  std::string type = ind.type;
  std::string v = Esc(ind.value);
  auto addr = [&](const char* cat) {
    return "<Address category=\"" + std::string(cat) + "\">" + v + "</Address>";
  };
  auto is = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (type == n) return true;
    return false;
  };
  if (is({"ip-src", "ip-dst"})) {
    bool v6 = ind.value.find(':') != std::string::npos;
    bool net = ind.value.find('/') != std::string::npos;
    return addr(v6 ? (net ? "ipv6-net" : "ipv6-addr") : (net ? "ipv4-net" : "ipv4-addr"));
  }
  if (is({"domain", "hostname"})) return "<DomainData><Name>" + v + "</Name></DomainData>";
  if (is({"url", "uri", "link"})) return addr("site-uri");
  if (is({"email", "email-src", "email-dst"})) return addr("e-mail");
  if (is({"mac-address"})) return addr("mac");
  if (is({"AS"})) return addr("asn");
  const char* alg = type == "md5"      ? "http://www.w3.org/2001/04/xmldsig-more#md5"
                    : type == "sha1"   ? "http://www.w3.org/2000/09/xmldsig#sha1"
                    : type == "sha256" ? "http://www.w3.org/2001/04/xmlenc#sha256"
                    : type == "sha512" ? "http://www.w3.org/2001/04/xmlenc#sha512"
                                       : nullptr;
  std::string bytes;
  if (alg && util::FromHex(ind.value, &bytes)) {
    return "<FileData><File><HashData scope=\"file-contents\"><Hash><ds:DigestMethod "
           "Algorithm=\"" +
           std::string(alg) + "\"/><ds:DigestValue>" + Base64(bytes) +
           "</ds:DigestValue></Hash></HashData></File></FileData>";
  }
  return "<AdditionalData dtype=\"string\" meaning=\"misp:" + Esc(type) + "\">" + v +
         "</AdditionalData>";
}

}  // namespace

std::string ToIodef(const IncidentView& view, std::string_view node_name, model::Timestamp now) {
  const model::Incident& inc = view.summary.incident;
  std::string x;
  x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<IODEF-Document version=\"2.00\" lang=\"en\" xmlns=\"urn:ietf:params:xml:ns:iodef-2.0\" "
       "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\n";
  x += std::string("  <Incident purpose=\"reporting\" status=\"") + IodefStatus(inc.status) +
       "\" restriction=\"" + Restriction(inc.tlp) + "\">\n";
  x += "    <IncidentID name=\"" + Esc(node_name) + "\">" + Esc(inc.uuid) + "</IncidentID>\n";
  if (inc.duplicate_of_uuid.size())
    x += "    <RelatedActivity><IncidentID name=\"" + Esc(node_name) + "\">" +
         Esc(inc.duplicate_of_uuid) + "</IncidentID></RelatedActivity>\n";
  x += "    <DetectTime>" + util::FormatIso8601(inc.opened) + "</DetectTime>\n";
  model::Timestamp first_report = 0;
  for (const auto& r : view.reports)
    if (first_report == 0 || r.received < first_report) first_report = r.received;
  if (inc.resolved)
    x += "    <RecoveryTime>" + util::FormatIso8601(inc.resolved) + "</RecoveryTime>\n";
  if (first_report) x += "    <ReportTime>" + util::FormatIso8601(first_report) + "</ReportTime>\n";
  x += "    <GenerationTime>" + util::FormatIso8601(now) + "</GenerationTime>\n";
  x += "    <Description>" + Esc(inc.title) + "</Description>\n";
  if (!inc.description.empty() && inc.description != inc.title)
    x += "    <Description>" + Esc(inc.description) + "</Description>\n";
  // IODEF severities are low/medium/high: critical maps to high and is kept
  // in AdditionalData.
  const char* sev = inc.severity == model::Severity::kLow      ? "low"
                    : inc.severity == model::Severity::kMedium ? "medium"
                                                        : "high";
  x += "    <Assessment occurrence=\"actual\">\n";
  x += std::string("      <SystemImpact severity=\"") + sev + "\" type=\"unknown\"><Description>" +
       Esc(inc.rsit_class + ":" + inc.rsit_type) + "</Description></SystemImpact>\n";
  x += "    </Assessment>\n";
  x += "    <Method><Reference><URL>https://github.com/enisaeu/"
       "Reference-Security-Incident-Taxonomy-Task-Force</URL><Description>rsit:" +
       Esc(inc.rsit_class + "=\"" + inc.rsit_type + "\"") + "</Description></Reference></Method>\n";
  // Contacts: reporters (creator), coordinator (irt), affected member
  // (victim), accepted helpers (cc-irt). Third-party reporters appear by
  // name only; their contact details are not exported.
  std::vector<std::string> creators;
  for (const auto& r : view.reports) {
    std::string name = r.reporter_org_id ? r.reporter_org.name : r.reporter_name;
    if (std::find(creators.begin(), creators.end(), name) == creators.end()) {
      creators.push_back(name);
      x += Contact(r.reporter_org_id ? "creator" : "reporter", name, "    ",
                   r.reporter_org_id ? "" : "third-party reporter");
    }
  }
  x += Contact("irt", inc.coordinator_org.name, "    ", "coordinator");
  x += Contact("victim", inc.affected_org.name, "    ", inc.affected_country);
  for (const auto& p : view.participants) x += Contact("cc-irt", p.org.name, "    ", "helper");
  // Network indicators as EventData/Flow/System/Node.
  std::string nodes;
  for (const auto& ind : view.indicators) {
    if (ind.type != "ip-src" && ind.type != "ip-dst" && ind.type != "domain" &&
        ind.type != "hostname")
      continue;
    std::string cat = ind.type == "ip-src" ? "source" : "target";
    if (ind.type == "ip-dst" || ind.type == "domain" || ind.type == "hostname") cat = "target";
    std::string node = ind.type.rfind("ip-", 0) == 0
                           ? Observable(ind)
                           : "<DomainData><Name>" + Esc(ind.value) + "</Name></DomainData>";
    nodes += "          <System category=\"" + cat + "\"><Node>" + node + "</Node></System>\n";
  }
  if (!nodes.empty()) {
    x += "    <EventData>\n";
    x += "      <Description>network indicators reported for this incident</Description>\n";
    x += "      <Flow>\n" + nodes + "      </Flow>\n";
    x += "    </EventData>\n";
  }
  if (!view.indicators.empty()) {
    x += "    <IndicatorData>\n";
    for (const auto& ind : view.indicators) {
      x += "      <Indicator>\n";
      x += "        <IndicatorID name=\"" + Esc(node_name) + "\" version=\"1\">" + Esc(inc.uuid) +
           "-" + std::to_string(ind.id) + "</IndicatorID>\n";
      if (!ind.comment.empty())
        x += "        <Description>" + Esc(ind.comment) + "</Description>\n";
      x += "        <Observable>" + Observable(ind) + "</Observable>\n";
      x += "      </Indicator>\n";
    }
    x += "    </IndicatorData>\n";
  }
  if (!view.timeline.empty()) {
    x += "    <History>\n";
    for (const auto& e : view.timeline) {
      x += "      <HistoryItem action=\"status-new-info\"><DateTime>" +
           util::FormatIso8601(e.time) + "</DateTime><Description>" +
           Esc(e.action + ": " + e.text) + "</Description></HistoryItem>\n";
    }
    x += "    </History>\n";
  }
  x += "    <AdditionalData dtype=\"string\" meaning=\"sanad:status\">" +
       std::string(model::Name(inc.status)) + "</AdditionalData>\n";
  x += "    <AdditionalData dtype=\"string\" meaning=\"sanad:severity\">" +
       std::string(model::Name(inc.severity)) + "</AdditionalData>\n";
  if (inc.tlp != model::Tlp::kNone)
    x += "    <AdditionalData dtype=\"string\" meaning=\"tlp\">" +
         std::string(model::TlpLabel(inc.tlp)) + "</AdditionalData>\n";
  if (inc.pap != model::Pap::kNone)
    x += "    <AdditionalData dtype=\"string\" meaning=\"pap\">" + model::PapTagName(inc.pap) +
         "</AdditionalData>\n";
  for (const auto& r : view.reports)
    for (const auto& a : r.attachments)
      x += "    <AdditionalData dtype=\"string\" meaning=\"attachment-sha256\">" + Esc(a.sha256) +
           " " + Esc(a.name) + "</AdditionalData>\n";
  x += "  </Incident>\n";
  x += "</IODEF-Document>\n";
  return x;
}

}  // namespace sanad::incident
