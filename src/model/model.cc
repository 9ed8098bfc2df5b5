#include "model/model.h"

#include <algorithm>
#include <cstring>

#include "util/util.h"

namespace sanad::model {

namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && util::EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

bool IsNamespaceChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

// Looks `s` up in `names` (indexed by enum value); returns the index or -1.
template <size_t N>
int Lookup(std::string_view s, const char* const (&names)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (s == names[i]) return static_cast<int>(i);
  }
  return -1;
}

const char* const kOrgKindNames[] = {"national-cert", "sector-cert", "industry", "observer"};
const char* const kMembershipNames[] = {"full", "general", "professional", "affiliate",
                                        "commercial"};
const char* const kOrgStatusNames[] = {"applicant", "member", "suspended", "left", "external"};
const char* const kRoleNames[] = {"admin", "org-admin", "analyst", "reader"};
const char* const kDistributionNames[] = {"organisation", "community",     "connected",
                                          "all",          "sharing-group", "inherit"};
const char* const kSightingNames[] = {"seen", "false-positive", "expiration"};

template <class E, size_t N>
bool ParseOf(std::string_view s, E* out, const char* const (&names)[N]) {
  int i = Lookup(s, names);
  if (i < 0) return false;
  *out = static_cast<E>(i);
  return true;
}

// Assigned ISO 3166-1 alpha-2 codes (249), sorted, two letters each.
constexpr std::string_view kCountryCodes =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZ"
    "BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ"
    "CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZ"
    "DEDJDKDMDODZ"
    "ECEEEGEHERESET"
    "FIFJFKFMFOFR"
    "GAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY"
    "HKHMHNHRHTHU"
    "IDIEILIMINIOIQIRISIT"
    "JEJMJOJP"
    "KEKGKHKIKMKNKPKRKWKYKZ"
    "LALBLCLILKLRLSLTLULVLY"
    "MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ"
    "NANCNENFNGNINLNONPNRNUNZ"
    "OM"
    "PAPEPFPGPHPKPLPMPNPRPSPTPWPY"
    "QA"
    "RERORSRURW"
    "SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ"
    "TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ"
    "UAUGUMUSUYUZ"
    "VAVCVEVGVIVNVU"
    "WFWS"
    "YEYT"
    "ZAZMZW";
static_assert(kCountryCodes.size() == 2 * 249);

// TLP and PAP levels and their tag texts, by enum value.
const char* const kTlpLevels[] = {"", "clear", "green", "amber", "amber+strict", "red"};
const char* const kTlpTagNames[] = {"",          "tlp:clear", "tlp:green",
                                    "tlp:amber", "tlp:amber+strict", "tlp:red"};
const char* const kTlpLabels[] = {"",          "TLP:CLEAR", "TLP:GREEN",
                                  "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"};
const char* const kPapLevels[] = {"", "clear", "green", "amber", "red"};
const char* const kPapTagNames[] = {"", "PAP:CLEAR", "PAP:GREEN", "PAP:AMBER", "PAP:RED"};

// The level of a "tlp:" or "pap:" tag (`prefix`, any case) named by `levels`;
// "white" is the old name of "clear". The enum's first value (kNone) when
// `name` is no such tag.
template <class E, size_t N>
E ParseLevelTag(std::string_view name, std::string_view prefix, const char* const (&levels)[N]) {
  if (!StartsWithNoCase(name, prefix)) return E{};
  std::string v = util::ToLower(name.substr(prefix.size()));
  int i = Lookup(v == "white" ? "clear" : v, levels);
  return i < 0 ? E{} : static_cast<E>(i);
}

}  // namespace

TagKind ClassifyTag(std::string_view name) {
  if (StartsWithNoCase(name, "tlp:")) return TagKind::kTlp;
  if (StartsWithNoCase(name, "pap:")) return TagKind::kPap;
  if (StartsWithNoCase(name, "misp-galaxy:")) return TagKind::kGalaxy;
  // Machine tag: namespace:predicate or namespace:predicate="value".
  size_t colon = name.find(':');
  if (colon == 0 || colon == std::string_view::npos) return TagKind::kFree;
  for (size_t i = 0; i < colon; ++i) {
    if (!IsNamespaceChar(name[i])) return TagKind::kFree;
  }
  std::string_view rest = name.substr(colon + 1);
  size_t eq = rest.find('=');
  std::string_view predicate = rest.substr(0, eq);
  if (predicate.empty()) return TagKind::kFree;
  for (char c : predicate) {
    if (c == ' ' || c == '\t' || c == '"') return TagKind::kFree;
  }
  if (eq != std::string_view::npos) {
    std::string_view value = rest.substr(eq + 1);
    if (value.empty()) return TagKind::kFree;
    if (value.front() == '"' && (value.size() < 2 || value.back() != '"')) return TagKind::kFree;
  }
  return TagKind::kMachine;
}

Tlp ParseTlpTag(std::string_view name) { return ParseLevelTag<Tlp>(name, "tlp:", kTlpLevels); }
Pap ParsePapTag(std::string_view name) { return ParseLevelTag<Pap>(name, "pap:", kPapLevels); }
std::string TlpTagName(Tlp t) { return util::EnumName(t, kTlpTagNames, ""); }
std::string PapTagName(Pap p) { return util::EnumName(p, kPapTagNames, ""); }
const char* TlpLabel(Tlp t) { return util::EnumName(t, kTlpLabels, ""); }

void DropLocalTags(Event* ev) {
  auto drop = [](std::vector<Tag>* tags) {
    std::erase_if(*tags, [](const Tag& t) { return t.local; });
  };
  drop(&ev->tags);
  for (auto& a : ev->attributes) drop(&a.tags);
  for (auto& o : ev->objects)
    for (auto& a : o.attributes) drop(&a.tags);
}

Tlp StrictestTlp(const std::vector<Tag>& tags) {
  Tlp best = Tlp::kNone;
  for (const Tag& t : tags) {
    Tlp v = ParseTlpTag(t.name);
    if (TlpRank(v) > TlpRank(best)) best = v;
  }
  return best;
}

const char* Name(OrgKind v) { return util::EnumName(v, kOrgKindNames, ""); }
const char* Name(MembershipCategory v) { return util::EnumName(v, kMembershipNames, ""); }
const char* Name(OrgStatus v) { return util::EnumName(v, kOrgStatusNames, ""); }
const char* Name(Role v) { return util::EnumName(v, kRoleNames, ""); }
const char* Name(Distribution v) { return util::EnumName(v, kDistributionNames, ""); }
const char* Name(SightingType v) { return util::EnumName(v, kSightingNames, ""); }

bool Parse(std::string_view s, OrgKind* out) { return ParseOf(s, out, kOrgKindNames); }
bool Parse(std::string_view s, MembershipCategory* out) {
  return ParseOf(s, out, kMembershipNames);
}
bool Parse(std::string_view s, OrgStatus* out) { return ParseOf(s, out, kOrgStatusNames); }
bool Parse(std::string_view s, Role* out) { return ParseOf(s, out, kRoleNames); }
bool Parse(std::string_view s, Distribution* out) {
  if (s.size() == 1 && s[0] >= '0' && s[0] <= '5') {
    *out = static_cast<Distribution>(s[0] - '0');
    return true;
  }
  return ParseOf(s, out, kDistributionNames);
}
bool Parse(std::string_view s, SightingType* out) { return ParseOf(s, out, kSightingNames); }

bool IsCountryCode(std::string_view cc) {
  if (cc.size() != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z') return false;
  size_t lo = 0, hi = kCountryCodes.size() / 2;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    std::string_view code = kCountryCodes.substr(mid * 2, 2);
    if (code == cc) return true;
    if (code < cc) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return false;
}

// ---- limits on community records ----

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string TruncateChars(std::string_view s, size_t max_chars) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (n++ == max_chars) return std::string(s.substr(0, i));
  }
  return std::string(s);
}

Status CheckNameLength(std::string_view field, std::string_view value, size_t max_chars) {
  // Cheap first: a name within max_chars bytes is within max_chars characters.
  if (value.size() <= max_chars) return Status::Ok();
  size_t n = Utf8Length(value);
  if (n <= max_chars) return Status::Ok();
  return Status::Limit(std::string(field) + ": " + std::to_string(n) + " characters, at most " +
                       std::to_string(max_chars));
}

Status CheckByteLength(std::string_view field, std::string_view value, size_t max_bytes) {
  if (value.size() <= max_bytes) return Status::Ok();
  return Status::Limit(std::string(field) + ": " + std::to_string(value.size()) +
                       " bytes, at most " + std::to_string(max_bytes));
}

Status CheckOrgLimits(const Org& o, std::string_view name_field,
                      std::string_view description_field) {
  SANAD_RETURN_IF_ERROR(CheckNameLength(name_field, o.name, kMaxOrgNameChars));
  return CheckByteLength(description_field, o.description, kMaxFreeTextBytes);
}

Status CheckUserLimits(const User& u, std::string_view email_field) {
  return CheckByteLength(email_field, u.email, kMaxEmailBytes);
}

Status CheckSharingGroupLimits(const SharingGroup& g, std::string_view name_field,
                               std::string_view releasability_field,
                               std::string_view description_field) {
  SANAD_RETURN_IF_ERROR(CheckNameLength(name_field, g.name, kMaxSharingGroupNameChars));
  SANAD_RETURN_IF_ERROR(CheckByteLength(releasability_field, g.releasability, kMaxFreeTextBytes));
  return CheckByteLength(description_field, g.description, kMaxFreeTextBytes);
}

}  // namespace sanad::model
