#include "intel/warninglist.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <unordered_map>
#include <unordered_set>

#include "intel/default_warninglists.h"
#include "model/canon.h"
#include "model/ip.h"
#include "model/types.h"
#include "util/util.h"

// libstdc++ 12's <regex> compiler trips a -Wmaybe-uninitialized false positive
// (GCC PR 105562) when instantiated with optimisation and sanitizers.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace sanad::intel {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// ---- small helpers ------------------------------------------------------

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using StringIndex = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

std::string_view TrimView(std::string_view s) {
  const char* ws = " \t\r\n\v\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

// A value quoted for an error message, shortened.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string r = "\"";
  r += s.substr(0, kMax);
  if (s.size() > kMax) r += "...";
  r += "\"";
  return r;
}

// ---- CIDR tables ----------------------------------------------------------

struct Key128 {
  uint64_t hi = 0;
  uint64_t lo = 0;
  bool operator==(const Key128&) const = default;
};

struct Key128Hash {
  size_t operator()(const Key128& k) const noexcept {
    uint64_t h = k.hi * 0x9e3779b97f4a7c15ULL ^ (k.lo + 0x7f4a7c159e3779b9ULL + (k.hi << 6));
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return static_cast<size_t>(h);
  }
};

// The address of `p` as 128 bits (IPv4 in the top 32), masked to `len` bits.
Key128 MaskedKey(const model::IpPrefix& p, int len) {
  Key128 k;
  for (int i = 0; i < 8; ++i) k.hi = k.hi << 8 | p.addr[i];
  for (int i = 8; i < 16; ++i) k.lo = k.lo << 8 | p.addr[i];
  if (len <= 0) return Key128{};
  if (len <= 64) {
    k.hi &= ~uint64_t{0} << (64 - len);
    k.lo = 0;
  } else if (len < 128) {
    k.lo &= ~uint64_t{0} << (128 - len);
  }
  return k;
}

// Prefixes of one address family, grouped by prefix length: a lookup probes
// one hash table per distinct length no longer than the value's.
class CidrTable {
 public:
  void Add(const model::IpPrefix& p, uint32_t index) {
    auto it = std::lower_bound(levels_.begin(), levels_.end(), p.len,
                               [](const Level& l, int len) { return l.first < len; });
    if (it == levels_.end() || it->first != p.len) it = levels_.insert(it, Level{p.len, {}});
    it->second.emplace(MaskedKey(p, p.len), index);  // keeps the first entry
  }

  std::optional<uint32_t> Find(const model::IpPrefix& v) const {
    for (const Level& l : levels_) {
      if (l.first > v.len) break;
      auto hit = l.second.find(MaskedKey(v, l.first));
      if (hit != l.second.end()) return hit->second;
    }
    return std::nullopt;
  }

  bool empty() const { return levels_.empty(); }

 private:
  using Level = std::pair<int, std::unordered_map<Key128, uint32_t, Key128Hash>>;
  std::vector<Level> levels_;  // sorted by prefix length
};

// ---- values to check -------------------------------------------------------

// A host name compared against hostname entries: lower case, no trailing dot.
std::string HostKey(std::string_view h) {
  std::string r = util::ToLower(h);
  while (!r.empty() && r.back() == '.') r.pop_back();
  return r;
}

// True for strings that may be a host name (used for opaque values only).
bool LooksLikeHostname(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.find('.') == std::string_view::npos) return false;
  bool alpha = false;
  for (char c : s) {
    char l = util::AsciiLower(c);
    if (l >= 'a' && l <= 'z') {
      alpha = true;
    } else if (!((l >= '0' && l <= '9') || l == '-' || l == '.' || l == '_')) {
      return false;
    }
  }
  return alpha;
}

// A value prepared once for checking against every list.
struct Subject {
  std::string_view whole;
  std::vector<std::string_view> parts;  // components of a composite value, else empty
  std::vector<model::IpPrefix> ips;     // IPs found in the components (unmapped)
  std::vector<std::string> hosts;       // host names found in the components
  std::string lower_whole;
  std::vector<std::string> lower_parts;
};

void AddIp(std::string_view text, Subject* s) {
  model::IpPrefix p;
  if (model::ParseIpPrefix(text, &p)) s->ips.push_back(model::UnmapV4(p));
}

void AddComponent(std::string_view text, model::ValueKind kind, Subject* s) {
  using K = model::ValueKind;
  switch (kind) {
    case K::kIp:
      AddIp(text, s);
      break;
    case K::kHostname:
      s->hosts.push_back(HostKey(text));
      break;
    case K::kUrl: {
      std::string host = model::UrlHost(text);
      model::IpPrefix p;
      if (model::ParseIpPrefix(host, &p)) {
        s->ips.push_back(model::UnmapV4(p));
      } else if (!host.empty()) {
        s->hosts.push_back(HostKey(host));
      }
      break;
    }
    case K::kEmail: {
      size_t at = text.rfind('@');
      if (at != std::string_view::npos && at + 1 < text.size())
        s->hosts.push_back(HostKey(text.substr(at + 1)));
      break;
    }
    case K::kOpaque:
    case K::kText: {
      std::string_view t = TrimView(text);
      model::IpPrefix p;
      if (model::ParseIpPrefix(t, &p)) {
        s->ips.push_back(model::UnmapV4(p));
      } else if (LooksLikeHostname(t)) {
        s->hosts.push_back(HostKey(t));
      }
      break;
    }
    default:
      break;  // hashes, ports, ASNs, ...: only string/substring/regex lists apply
  }
}

Subject MakeSubject(std::string_view type, std::string_view value) {
  Subject s;
  s.whole = value;
  s.lower_whole = util::ToLower(value);
  const model::TypeInfo* info = model::FindType(type);
  size_t bar = value.find('|');
  if (info != nullptr && info->composite && bar != std::string_view::npos) {
    s.parts = {value.substr(0, bar), value.substr(bar + 1)};
    s.lower_parts = {util::ToLower(s.parts[0]), util::ToLower(s.parts[1])};
    AddComponent(s.parts[0], info->kind1, &s);
    AddComponent(s.parts[1], info->kind2, &s);
  } else {
    AddComponent(value, info != nullptr ? info->kind1 : model::ValueKind::kOpaque, &s);
  }
  return s;
}

// ---- one list ---------------------------------------------------------------

struct ListData {
  WarninglistInfo info;
  std::string digest;  // BLAKE2b of the JSON text (of the entries for built-in lists)
  StringSet attrs;
  std::vector<std::string> entries;  // as written, for hits
  CidrTable v4, v6;
  StringIndex host_all;  // "example.com": the name and its subdomains
  StringIndex host_sub;  // ".example.com" / "*.example.com": subdomains only
  StringIndex strings;   // lower case
  std::vector<std::pair<std::string, uint32_t>> substrings;  // lower case
  std::vector<std::pair<std::regex, uint32_t>> regexes;

  bool AppliesTo(std::string_view type) const {
    return attrs.empty() || attrs.find(type) != attrs.end();
  }

  // Adds one entry; returns a message (without location) when it is invalid.
  // Empty entries are ignored.
  std::optional<std::string> AddEntry(std::string_view raw);

  std::optional<uint32_t> Match(const Subject& s) const;

 private:
  std::optional<uint32_t> MatchHost(std::string_view h) const;
  std::optional<uint32_t> MatchRegex(std::string_view v) const;
};

std::optional<std::string> ListData::AddEntry(std::string_view raw) {
  std::string_view e = TrimView(raw);
  if (e.empty()) return std::nullopt;
  const auto index = static_cast<uint32_t>(entries.size());
  switch (info.type) {
    case WarninglistType::kCidr: {
      model::IpPrefix p;
      if (!model::ParseIpPrefix(e, &p)) return "not an IP address or CIDR: " + Quote(e);
      p = model::UnmapV4(p);
      (p.v6 ? v6 : v4).Add(p, index);
      break;
    }
    case WarninglistType::kHostname: {
      bool sub_only = false;
      std::string_view h = e;
      if (h.substr(0, 2) == "*.") {
        h.remove_prefix(2);
        sub_only = true;
      } else if (h.substr(0, 1) == ".") {
        h.remove_prefix(1);
        sub_only = true;
      }
      std::string key;
      if (!model::CanonicalHostname(h, &key).ok()) key = HostKey(h);
      while (!key.empty() && key.back() == '.') key.pop_back();
      if (key.empty()) return "not a host name: " + Quote(e);
      (sub_only ? host_sub : host_all).emplace(std::move(key), index);
      break;
    }
    case WarninglistType::kString:
      strings.emplace(util::ToLower(e), index);
      break;
    case WarninglistType::kSubstring:
      substrings.emplace_back(util::ToLower(e), index);
      break;
    case WarninglistType::kRegex: {
      std::string_view pattern = e;
      auto flags = std::regex_constants::ECMAScript;
      // MISP writes PCRE patterns with delimiters: "/pattern/flags".
      if (pattern.size() >= 2 && pattern[0] == '/') {
        size_t close = pattern.rfind('/');
        std::string_view mods = pattern.substr(close + 1);
        if (close > 0 && mods.find_first_not_of("imsxuU") == std::string_view::npos) {
          if (mods.find('i') != std::string_view::npos) flags |= std::regex_constants::icase;
          pattern = pattern.substr(1, close - 1);
        }
      }
      try {
#ifdef __GLIBCXX__
        // Polynomial (breadth-first) matching: no exponential backtracking and
        // no recursion proportional to the input. Patterns with
        // back-references are rejected in that mode and fall back below.
        try {
          regexes.emplace_back(
              std::regex(std::string(pattern), flags | std::regex_constants::__polynomial), index);
          break;
        } catch (const std::regex_error&) {
        }
#endif
        regexes.emplace_back(std::regex(std::string(pattern), flags), index);
      } catch (const std::regex_error& ex) {
        return "invalid regular expression " + Quote(e) + ": " + ex.what();
      }
      break;
    }
  }
  entries.emplace_back(e);
  return std::nullopt;
}

std::optional<uint32_t> ListData::MatchHost(std::string_view h) const {
  if (h.empty()) return std::nullopt;
  if (auto it = host_all.find(h); it != host_all.end()) return it->second;
  for (size_t dot = h.find('.'); dot != std::string_view::npos; dot = h.find('.', dot + 1)) {
    std::string_view parent = h.substr(dot + 1);
    if (parent.empty()) break;
    if (auto it = host_all.find(parent); it != host_all.end()) return it->second;
    if (auto it = host_sub.find(parent); it != host_sub.end()) return it->second;
  }
  return std::nullopt;
}

std::optional<uint32_t> ListData::MatchRegex(std::string_view v) const {
  v = v.substr(0, kMaxRegexInputBytes);
  for (const auto& [re, index] : regexes) {
    try {
      if (std::regex_search(v.begin(), v.end(), re)) return index;
    } catch (const std::regex_error&) {
      // error_complexity / error_stack: treated as no match.
    }
  }
  return std::nullopt;
}

std::optional<uint32_t> ListData::Match(const Subject& s) const {
  switch (info.type) {
    case WarninglistType::kCidr:
      for (const model::IpPrefix& p : s.ips) {
        if (auto hit = (p.v6 ? v6 : v4).Find(p)) return hit;
      }
      break;
    case WarninglistType::kHostname:
      for (const std::string& h : s.hosts) {
        if (auto hit = MatchHost(h)) return hit;
      }
      break;
    case WarninglistType::kString: {
      if (auto it = strings.find(s.lower_whole); it != strings.end()) return it->second;
      for (const std::string& p : s.lower_parts) {
        if (auto it = strings.find(p); it != strings.end()) return it->second;
      }
      break;
    }
    case WarninglistType::kSubstring:
      for (const auto& [needle, index] : substrings) {
        if (s.lower_whole.find(needle) != std::string::npos) return index;
      }
      break;
    case WarninglistType::kRegex: {
      if (auto hit = MatchRegex(s.whole)) return hit;
      for (std::string_view p : s.parts) {
        if (auto hit = MatchRegex(p)) return hit;
      }
      break;
    }
  }
  return std::nullopt;
}

std::optional<WarninglistType> ParseType(std::string_view s) {
  if (s == "cidr") return WarninglistType::kCidr;
  if (s == "hostname") return WarninglistType::kHostname;
  if (s == "string") return WarninglistType::kString;
  if (s == "substring") return WarninglistType::kSubstring;
  if (s == "regex") return WarninglistType::kRegex;
  return std::nullopt;
}

// ---- JSON -------------------------------------------------------------------

// Parses `text`, reporting the line and column of a syntax error.
Status ParseJson(std::string_view text, std::string_view source, json::value* out) {
  json::stream_parser p;
  boost::system::error_code ec;
  size_t consumed = p.write(text.data(), text.size(), ec);
  if (!ec) p.finish(ec);
  if (ec) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < consumed && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return Status::Invalid(std::string(source) + ": invalid JSON at line " + std::to_string(line) +
                           ", column " + std::to_string(col) + ": " + ec.message());
  }
  *out = p.release();
  return Status::Ok();
}

StatusOr<std::shared_ptr<ListData>> ListFromJson(std::string_view text, std::string_view source) {
  if (text.size() > kMaxWarninglistFileBytes) {
    return Status::Limit(std::string(source) + ": warninglist larger than " +
                         std::to_string(kMaxWarninglistFileBytes) + " bytes");
  }
  json::value root;
  try {
    SANAD_RETURN_IF_ERROR(ParseJson(text, source, &root));
  } catch (const std::exception& ex) {  // e.g. depth or allocation limits
    return Status::Invalid(std::string(source) + ": invalid JSON: " + ex.what());
  }
  auto err = [&](const std::string& path, const std::string& problem) {
    return Status::Invalid(std::string(source) + ": " + path + ": " + problem);
  };
  const json::object* obj = root.if_object();
  if (obj == nullptr) return err("$", "expected a JSON object (a MISP warninglist)");

  auto list = std::make_shared<ListData>();
  WarninglistInfo& info = list->info;

  const json::value* v = obj->if_contains("name");
  if (v == nullptr) return err("$.name", "missing");
  if (!v->is_string()) return err("$.name", "expected a string");
  info.name = std::string(TrimView(v->get_string()));
  if (info.name.empty()) return err("$.name", "empty");

  if ((v = obj->if_contains("description")) != nullptr && !v->is_null()) {
    if (!v->is_string()) return err("$.description", "expected a string");
    info.description = std::string(v->get_string());
  }

  if ((v = obj->if_contains("version")) != nullptr && !v->is_null()) {
    int64_t version = -1;
    if (v->is_int64()) {
      version = v->get_int64();
    } else if (v->is_uint64()) {
      version = -1;
    } else if (v->is_string()) {
      std::string_view t = v->get_string();
      if (!t.empty() && t.size() <= 10 &&
          std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        version = std::stoll(std::string(t));
      }
    } else {
      return err("$.version", "expected an integer");
    }
    if (version < 0 || version > INT32_MAX) return err("$.version", "not an integer in 0..2^31-1");
    info.version = static_cast<int>(version);
  }

  info.type = WarninglistType::kString;  // MISP's default for lists without a type
  if ((v = obj->if_contains("type")) != nullptr && !v->is_null()) {
    if (!v->is_string()) return err("$.type", "expected a string");
    auto t = ParseType(v->get_string());
    if (!t) {
      return err("$.type", "unknown warninglist type " + Quote(v->get_string()) +
                               " (expected cidr, hostname, string, substring or regex)");
    }
    info.type = *t;
  }

  if ((v = obj->if_contains("matching_attributes")) != nullptr && !v->is_null()) {
    const json::array* arr = v->if_array();
    if (arr == nullptr) return err("$.matching_attributes", "expected an array of MISP types");
    for (size_t i = 0; i < arr->size(); ++i) {
      const json::value& a = (*arr)[i];
      std::string path = "$.matching_attributes[" + std::to_string(i) + "]";
      if (!a.is_string()) return err(path, "expected a string");
      std::string type(TrimView(a.get_string()));
      if (type.empty()) return err(path, "empty type");
      if (list->attrs.insert(type).second) info.matching_attributes.push_back(std::move(type));
    }
  }

  v = obj->if_contains("list");
  if (v == nullptr) return err("$.list", "missing");
  const json::array* entries = v->if_array();
  if (entries == nullptr) return err("$.list", "expected an array");
  list->entries.reserve(entries->size());
  for (size_t i = 0; i < entries->size(); ++i) {
    const json::value& e = (*entries)[i];
    std::string path = "$.list[" + std::to_string(i) + "]";
    std::string text;
    if (e.is_string()) {
      text = std::string(e.get_string());
    } else if (e.is_int64()) {
      text = std::to_string(e.get_int64());
    } else if (e.is_uint64()) {
      text = std::to_string(e.get_uint64());
    } else {
      return err(path, "expected a string");
    }
    if (auto problem = list->AddEntry(text)) return err(path, *problem);
  }
  info.entries = list->entries.size();
  return list;
}

std::shared_ptr<const ListData> ListFromDefault(const internal::DefaultList& d) {
  auto list = std::make_shared<ListData>();
  list->info.name = std::string(d.name);
  list->info.description = std::string(d.description);
  list->info.type = d.type;
  list->info.version = d.version;
  list->info.builtin = true;
  for (std::string_view a : d.matching_attributes) {
    if (list->attrs.emplace(a).second) list->info.matching_attributes.emplace_back(a);
  }
  for (std::string_view e : d.entries) {
    auto problem = list->AddEntry(e);
    assert(!problem && "invalid built-in warninglist entry");
    (void)problem;
  }
  list->info.entries = list->entries.size();
  std::string all = std::to_string(static_cast<int>(d.type));
  for (std::string_view a : d.matching_attributes) all.append(a).push_back('\0');
  for (std::string_view e : d.entries) all.append(e).push_back('\0');
  list->digest = util::Blake2b256(all);
  return list;
}

Status ReadWhole(const std::string& path, std::string* out) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return Status::Io("cannot read " + path + ": " + ec.message());
  if (size > kMaxWarninglistFileBytes) {
    return Status::Limit(path + ": warninglist larger than " +
                         std::to_string(kMaxWarninglistFileBytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot open " + path + ": " + std::strerror(errno));
  out->assign(static_cast<size_t>(size), '\0');
  in.read(out->data(), static_cast<std::streamsize>(size));
  if (static_cast<size_t>(in.gcount()) != size) return Status::Io("cannot read " + path);
  return Status::Ok();
}

}  // namespace

// ---- WarninglistSet ----------------------------------------------------------

struct WarninglistSet::Impl {
  std::vector<std::shared_ptr<const ListData>> lists;  // immutable once added

  void Put(std::shared_ptr<const ListData> l) {
    for (auto& existing : lists) {
      if (existing->info.name == l->info.name) {
        existing = std::move(l);
        return;
      }
    }
    lists.push_back(std::move(l));
  }
};

WarninglistSet::WarninglistSet() : impl_(std::make_unique<Impl>()) {}
WarninglistSet::~WarninglistSet() = default;
WarninglistSet::WarninglistSet(WarninglistSet&&) noexcept = default;
WarninglistSet& WarninglistSet::operator=(WarninglistSet&&) noexcept = default;

WarninglistSet WarninglistSet::Defaults() {
  // Built once; the lists are immutable and shared by every set.
  static const std::vector<std::shared_ptr<const ListData>>* const kBuilt = [] {
    auto* v = new std::vector<std::shared_ptr<const ListData>>;
    for (const internal::DefaultList& d : internal::DefaultLists())
      v->push_back(ListFromDefault(d));
    return v;
  }();
  WarninglistSet set;
  set.impl_->lists = *kBuilt;
  return set;
}

StatusOr<WarninglistSet> WarninglistSet::Load(const std::string& dir) {
  WarninglistSet set = Defaults();
  std::error_code ec;
  fs::file_status st = fs::status(dir, ec);
  if (ec || st.type() == fs::file_type::not_found) {
    if (st.type() == fs::file_type::not_found) return set;
    return Status::Io("cannot read warninglist directory " + dir + ": " + ec.message());
  }
  if (st.type() != fs::file_type::directory) {
    return Status::Io("warninglist path " + dir + " is not a directory");
  }
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::error_code fec;
    if (p.extension() == ".json" && it->is_regular_file(fec)) files.push_back(p.string());
  }
  if (ec) return Status::Io("cannot list warninglist directory " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    std::string text;
    SANAD_RETURN_IF_ERROR(ReadWhole(f, &text));
    SANAD_RETURN_IF_ERROR(set.AddJson(text, f));
  }
  return set;
}

Status WarninglistSet::AddJson(std::string_view json_text, std::string_view source) {
  auto list = ListFromJson(json_text, source);
  if (!list.ok()) return list.status();
  (*list)->digest = util::Blake2b256(json_text);
  if (!impl_) impl_ = std::make_unique<Impl>();
  impl_->Put(std::move(*list));
  return Status::Ok();
}

std::vector<WarninglistHit> WarninglistSet::Check(std::string_view type,
                                                  std::string_view canonical_value) const {
  std::vector<WarninglistHit> hits;
  if (!impl_ || canonical_value.empty()) return hits;
  std::optional<Subject> subject;  // built on the first list that applies
  for (const auto& l : impl_->lists) {
    if (!l->AppliesTo(type)) continue;
    if (!subject) subject = MakeSubject(type, canonical_value);
    if (auto index = l->Match(*subject)) hits.push_back({l->info.name, l->entries[*index]});
  }
  return hits;
}

std::vector<WarninglistHit> WarninglistSet::CheckValue(std::string_view raw_value) const {
  std::string_view raw = TrimView(raw_value);
  std::string_view type = model::GuessType(raw);
  model::CanonicalValue cv;
  if (model::Canonicalise(type, raw, &cv).ok()) return Check(type, cv.value);
  return Check(type, raw);
}

std::string WarninglistSet::Fingerprint() const {
  std::string all;
  for (const auto& l : impl_->lists) {
    all += l->info.name;
    all += '\0';
    all += l->digest;
    all += '\0';
  }
  return util::ToHex(util::Blake2b256(all)).substr(0, 32);
}

std::vector<WarninglistInfo> WarninglistSet::List() const {
  std::vector<WarninglistInfo> out;
  if (!impl_) return out;
  for (const auto& l : impl_->lists) out.push_back(l->info);
  return out;
}

std::string_view WarninglistTypeName(WarninglistType t) {
  static constexpr const char* kNames[] = {"cidr", "hostname", "string", "substring", "regex"};
  return util::EnumName(t, kNames, "string");
}

std::string WarninglistFileName(std::string_view list_name) {
  std::string slug;
  for (char c : list_name) {
    char l = util::AsciiLower(c);
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) {
      slug += l;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
    if (slug.size() >= 100) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "warninglist";
  return slug + ".json";
}

StatusOr<WarninglistInfo> InstallWarninglist(const std::string& dir, const std::string& file) {
  std::string text;
  SANAD_RETURN_IF_ERROR(ReadWhole(file, &text));
  auto list = ListFromJson(text, file);
  if (!list.ok()) return list.status();
  WarninglistInfo info = (*list)->info;

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Io("cannot create " + dir + ": " + ec.message());
  const fs::path target = fs::path(dir) / WarninglistFileName(info.name);
  const fs::path tmp = target.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::Io("cannot write " + tmp.string() + ": " + std::strerror(errno));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      fs::remove(tmp, ec);
      return Status::Io("cannot write " + tmp.string());
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return Status::Io("cannot install " + target.string() + ": " + ec.message());
  }
  return info;
}

}  // namespace sanad::intel
