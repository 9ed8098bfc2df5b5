// Shared helpers of the STIX conversion: time, ids, fingerprints, the
// MISP type <-> observable mapping and the simple-pattern reader.
#include <algorithm>
#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <cctype>

#include "stix/convert_internal.h"
#include "util/util.h"

namespace sanad::stix::internal {

std::string StixTime(model::Timestamp t) {
  std::string s = util::FormatIso8601(t);  // YYYY-MM-DDThh:mm:ssZ
  if (!s.empty() && s.back() == 'Z') s.insert(s.size() - 1, ".000");
  return s;
}

bool ParseStixTime(std::string_view s, model::Timestamp* out) { return util::ParseIso8601(s, out); }

std::string NormaliseStixTime(std::string_view s) {
  // Already "YYYY-MM-DDThh:mm:ss.fff...Z": keep the producer's precision.
  if (s.size() >= 24 && s[10] == 'T' && s[19] == '.' && s.back() == 'Z') {
    bool ok = true;
    for (size_t i = 20; i + 1 < s.size(); ++i)
      ok = ok && std::isdigit(static_cast<unsigned char>(s[i]));
    model::Timestamp t;
    if (ok && s.size() - 21 >= 3 && ParseStixTime(s, &t)) return std::string(s);
  }
  model::Timestamp t;
  if (!ParseStixTime(s, &t)) return "";
  return StixTime(t);
}

std::string UuidV5(std::string_view ns, std::string_view name) {
  boost::uuids::string_generator sg;
  boost::uuids::name_generator_sha1 gen(sg(std::string(ns)));
  return boost::uuids::to_string(gen(name.data(), name.size()));
}

namespace {
void AppendCanonical(const bj::value& v, std::string* out) {
  if (v.is_object()) {
    const bj::object& o = v.get_object();
    std::vector<const bj::key_value_pair*> kv;
    for (const auto& p : o) kv.push_back(&p);
    std::sort(kv.begin(), kv.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
    out->push_back('{');
    for (size_t i = 0; i < kv.size(); ++i) {
      if (i) out->push_back(',');
      *out += bj::serialize(bj::value(kv[i]->key()));
      out->push_back(':');
      AppendCanonical(kv[i]->value(), out);
    }
    out->push_back('}');
  } else if (v.is_array()) {
    out->push_back('[');
    bool first = true;
    for (const auto& e : v.get_array()) {
      if (!first) out->push_back(',');
      first = false;
      AppendCanonical(e, out);
    }
    out->push_back(']');
  } else {
    *out += bj::serialize(v);
  }
}
}  // namespace

std::string CanonicalJson(const bj::value& v) {
  std::string out;
  AppendCanonical(v, &out);
  return out;
}

std::string ScoId(const bj::object& sco) {
  bj::object props;
  for (const auto& p : sco)
    if (p.key() != "type" && p.key() != "id" && p.key() != "spec_version")
      props[p.key()] = p.value();
  return StringOr(sco, "type") + "--" + UuidV5(kScoNamespace, CanonicalJson(props));
}

std::string Fingerprint(const std::vector<bj::object>& objs) {
  std::string all;
  for (const auto& o : objs) {
    AppendCanonical(o, &all);
    all.push_back('\n');
  }
  return util::ToHex(util::Blake2b256(all)).substr(0, 32);
}

bool SplitStixId(std::string_view id, std::string* type, std::string* uuid) {
  size_t p = id.find("--");
  if (p == std::string_view::npos || p < 1) return false;
  std::string_view t = id.substr(0, p), u = id.substr(p + 2);
  for (char c : t)
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-'))
      return false;
  if (!util::IsUuid(u)) return false;
  if (type) *type = std::string(t);
  if (uuid) *uuid = util::LowerUuid(u);
  return true;
}

bool IsScoType(std::string_view t) {
  static const char* kScos[] = {"artifact",
                                "autonomous-system",
                                "directory",
                                "domain-name",
                                "email-addr",
                                "email-message",
                                "file",
                                "ipv4-addr",
                                "ipv6-addr",
                                "mac-addr",
                                "mutex",
                                "network-traffic",
                                "process",
                                "software",
                                "url",
                                "user-account",
                                "windows-registry-key",
                                "x509-certificate"};
  for (const char* s : kScos)
    if (t == s) return true;
  return false;
}

// ---- patterns ---------------------------------------------------------------

namespace {
bool PlainStep(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  return true;
}

std::string Literal(const bj::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  std::string out = "'";
  if (v.is_string())
    for (char c : v.get_string()) {
      if (c == '\\' || c == '\'') out.push_back('\\');
      out.push_back(c);
    }
  out.push_back('\'');
  return out;
}
}  // namespace

std::string Comparison::PathText() const {
  std::string p = object_type + ":";
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string& s = steps[i];
    if (!s.empty() && s[0] == '[') {
      p += s;
      continue;
    }
    if (i) p.push_back('.');
    p += PlainStep(s) ? s : "'" + s + "'";
  }
  return p;
}

std::string PatternOf(const std::vector<Comparison>& cs) {
  std::string out = "[";
  for (size_t i = 0; i < cs.size(); ++i) {
    if (i) out += " AND ";
    out += cs[i].PathText() + " = " + Literal(cs[i].value);
  }
  out.push_back(']');
  return out;
}

namespace {
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  void Ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool Eat(char c) {
    Ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool Keyword(std::string_view k) {
    Ws();
    if (s_.substr(i_, k.size()) != k) return false;
    size_t e = i_ + k.size();
    if (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) || s_[e] == '_'))
      return false;
    i_ = e;
    return true;
  }
  bool Ident(std::string* out, bool allow_dash) {
    Ws();
    size_t b = i_;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (allow_dash && c == '-'))
        ++i_;
      else
        break;
    }
    if (i_ == b) return false;
    *out = std::string(s_.substr(b, i_ - b));
    return true;
  }
  bool Quoted(std::string* out) {
    Ws();
    if (i_ >= s_.size() || s_[i_] != '\'') return false;
    ++i_;
    out->clear();
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '\\') {
        if (i_ >= s_.size()) return false;
        char n = s_[i_++];
        if (n != '\\' && n != '\'') return false;
        out->push_back(n);
      } else if (c == '\'') {
        return true;
      } else {
        out->push_back(c);
      }
    }
    return false;
  }
  bool Int(int64_t* out) {
    Ws();
    size_t b = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    size_t d = i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    if (i_ == d || i_ - d > 18) {
      i_ = b;
      return false;
    }
    *out = std::stoll(std::string(s_.substr(b, i_ - b)));
    return true;
  }
  bool AtEnd() {
    Ws();
    return i_ == s_.size();
  }
  char Peek() {
    Ws();
    return i_ < s_.size() ? s_[i_] : '\0';
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};
}  // namespace

bool ParseSimplePattern(std::string_view pattern, std::vector<Comparison>* out) {
  out->clear();
  Scanner sc(pattern);
  if (!sc.Eat('[')) return false;
  while (true) {
    Comparison c;
    if (!sc.Ident(&c.object_type, true) || !sc.Eat(':')) return false;
    std::string step;
    if (sc.Peek() == '\'') {
      if (!sc.Quoted(&step)) return false;
    } else if (!sc.Ident(&step, false)) {
      return false;
    }
    c.steps.push_back(step);
    while (true) {
      if (sc.Eat('.')) {
        if (sc.Peek() == '\'') {
          if (!sc.Quoted(&step)) return false;
        } else if (!sc.Ident(&step, false)) {
          return false;
        }
        c.steps.push_back(step);
      } else if (sc.Eat('[')) {
        int64_t n;
        if (sc.Eat('*')) {
          step = "[*]";
        } else if (sc.Int(&n)) {
          step = "[" + std::to_string(n) + "]";
        } else {
          return false;
        }
        if (!sc.Eat(']')) return false;
        c.steps.push_back(step);
      } else {
        break;
      }
    }
    if (!sc.Eat('=')) return false;
    std::string sv;
    int64_t iv;
    if (sc.Peek() == '\'') {
      if (!sc.Quoted(&sv)) return false;
      c.value = bj::string(sv);
    } else if (sc.Int(&iv)) {
      c.value = iv;
    } else {
      return false;
    }
    if (!out->empty() && (*out)[0].object_type != c.object_type) return false;
    out->push_back(std::move(c));
    if (sc.Eat(']')) break;
    if (!sc.Keyword("AND")) return false;
  }
  return sc.AtEnd();
}

// ---- the MISP type <-> observable table ---------------------------------------

namespace {
struct HashName {
  const char* misp;  // md5
  const char* stix;  // MD5
};
constexpr HashName kHashes[] = {{"md5", "MD5"},           {"sha1", "SHA-1"},
                                {"sha256", "SHA-256"},    {"sha512", "SHA-512"},
                                {"sha3-256", "SHA3-256"}, {"sha3-512", "SHA3-512"},
                                {"ssdeep", "SSDEEP"},     {"tlsh", "TLSH"}};

const char* StixHash(std::string_view misp) {
  for (const auto& h : kHashes)
    if (misp == h.misp) return h.stix;
  return nullptr;
}
// "SHA-256", "sha256", "SHA256" -> "sha256".
const char* MispHash(std::string_view stix) {
  std::string k;
  for (char c : stix)
    if (c != '-' && c != '_')
      k.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const auto& h : kHashes) {
    std::string m;
    for (const char* p = h.misp; *p; ++p)
      if (*p != '-') m.push_back(*p);
    if (k == m) return h.misp;
  }
  return nullptr;
}

std::string IpType(std::string_view v) {
  return v.find(':') != std::string_view::npos ? "ipv6-addr" : "ipv4-addr";
}

Comparison C(std::string type, std::vector<std::string> steps, bj::value v) {
  Comparison c;
  c.object_type = std::move(type);
  c.steps = std::move(steps);
  c.value = std::move(v);
  return c;
}

bool ToPort(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 5) return false;
  int64_t n = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    n = n * 10 + (c - '0');
  }
  if (n > 65535) return false;
  *out = n;
  return true;
}
}  // namespace

bool ComparisonsOf(std::string_view type, std::string_view value, std::vector<Comparison>* out) {
  out->clear();
  std::string_view a = value, b;
  size_t bar = value.find('|');
  bool composite = type.find('|') != std::string_view::npos;
  if (composite) {
    if (bar == std::string_view::npos) return false;
    a = value.substr(0, bar);
    b = value.substr(bar + 1);
  }
  bj::string av(a), bv(b);
  if (type == "ip-src" || type == "ip-dst") {
    out->push_back(C(IpType(a), {"value"}, av));
  } else if (type == "domain" || type == "hostname") {
    out->push_back(C("domain-name", {"value"}, av));
  } else if (type == "url") {
    out->push_back(C("url", {"value"}, av));
  } else if (type == "email" || type == "email-src" || type == "email-dst") {
    out->push_back(C("email-addr", {"value"}, av));
  } else if (const char* h = StixHash(type)) {
    out->push_back(C("file", {"hashes", h}, av));
  } else if (type == "filename") {
    out->push_back(C("file", {"name"}, av));
  } else if (type.substr(0, 9) == "filename|" && StixHash(type.substr(9))) {
    out->push_back(C("file", {"name"}, av));
    out->push_back(C("file", {"hashes", StixHash(type.substr(9))}, bv));
  } else if (type == "mac-address") {
    out->push_back(C("mac-addr", {"value"}, av));
  } else if (type == "mutex") {
    out->push_back(C("mutex", {"name"}, av));
  } else if (type == "AS") {
    std::string_view n = a;
    if (n.size() > 2 && (n[0] == 'A' || n[0] == 'a') && (n[1] == 'S' || n[1] == 's'))
      n = n.substr(2);
    if (n.empty() || n.size() > 10) return false;
    int64_t num = 0;
    for (char c : n) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      num = num * 10 + (c - '0');
    }
    out->push_back(C("autonomous-system", {"number"}, num));
  } else if (type == "regkey") {
    out->push_back(C("windows-registry-key", {"key"}, av));
  } else if (type == "regkey|value") {
    out->push_back(C("windows-registry-key", {"key"}, av));
    out->push_back(C("windows-registry-key", {"values", "[*]", "data"}, bv));
  } else if (type == "email-subject") {
    out->push_back(C("email-message", {"subject"}, av));
  } else if (type == "x509-fingerprint-md5" || type == "x509-fingerprint-sha1" ||
             type == "x509-fingerprint-sha256") {
    out->push_back(C("x509-certificate", {"hashes", StixHash(type.substr(17))}, av));
  } else if (type == "domain|ip") {
    out->push_back(C("domain-name", {"value"}, av));
    out->push_back(C("domain-name", {"resolves_to_refs", "[*]", "value"}, bv));
  } else if (type == "ip-dst|port" || type == "ip-src|port") {
    int64_t port;
    if (!ToPort(b, &port)) return false;
    std::string dir = type == "ip-dst|port" ? "dst" : "src";
    out->push_back(C("network-traffic", {dir + "_ref", "value"}, av));
    out->push_back(C("network-traffic", {dir + "_port"}, port));
  } else {
    return false;
  }
  return true;
}

bool MispTypeOf(const std::vector<Comparison>& cs, std::string_view hint, std::string* type,
                std::string* value) {
  if (cs.empty() || cs.size() > 2) return false;
  const std::string& t = cs[0].object_type;
  auto path = [&](const Comparison& c) {
    std::string p;
    for (const auto& s : c.steps) p += "/" + s;
    return p;
  };
  auto str = [](const Comparison& c, std::string* out) {
    if (!c.value.is_string()) return false;
    *out = std::string(c.value.get_string());
    return !out->empty();
  };
  std::string a, b;
  auto pick = [&](std::initializer_list<const char*> allowed, const char* dflt) {
    for (const char* x : allowed)
      if (hint == x) return std::string(x);
    return std::string(dflt);
  };
  if (cs.size() == 1) {
    const Comparison& c = cs[0];
    std::string p = path(c);
    if ((t == "ipv4-addr" || t == "ipv6-addr") && p == "/value" && str(c, &a)) {
      *type = pick({"ip-src", "ip-dst"}, "ip-dst");
    } else if (t == "domain-name" && p == "/value" && str(c, &a)) {
      *type = pick({"domain", "hostname"}, "domain");
    } else if (t == "url" && p == "/value" && str(c, &a)) {
      *type = "url";
    } else if (t == "email-addr" && p == "/value" && str(c, &a)) {
      *type = pick({"email", "email-src", "email-dst"}, "email");
    } else if (t == "file" && c.steps.size() == 2 && c.steps[0] == "hashes" &&
               MispHash(c.steps[1]) && str(c, &a)) {
      *type = MispHash(c.steps[1]);
    } else if (t == "file" && p == "/name" && str(c, &a)) {
      *type = "filename";
    } else if (t == "mac-addr" && p == "/value" && str(c, &a)) {
      *type = "mac-address";
    } else if (t == "mutex" && p == "/name" && str(c, &a)) {
      *type = "mutex";
    } else if (t == "autonomous-system" && p == "/number" && c.value.is_int64() &&
               c.value.get_int64() >= 0) {
      *type = "AS";
      a = "AS" + std::to_string(c.value.get_int64());
    } else if (t == "windows-registry-key" && p == "/key" && str(c, &a)) {
      *type = "regkey";
    } else if (t == "email-message" && p == "/subject" && str(c, &a)) {
      *type = "email-subject";
    } else if (t == "x509-certificate" && c.steps.size() == 2 && c.steps[0] == "hashes" &&
               str(c, &a)) {
      const char* h = MispHash(c.steps[1]);
      if (!h || (std::string_view(h) != "md5" && std::string_view(h) != "sha1" &&
                 std::string_view(h) != "sha256"))
        return false;
      *type = std::string("x509-fingerprint-") + h;
    } else {
      return false;
    }
    *value = a;
    return true;
  }
  // Two comparisons: composite types (either order).
  const Comparison* x = &cs[0];
  const Comparison* y = &cs[1];
  auto try_pair = [&](const Comparison* p1, const Comparison* p2) -> bool {
    std::string q1 = path(*p1), q2 = path(*p2);
    if (t == "file" && q1 == "/name" && p2->steps.size() == 2 && p2->steps[0] == "hashes" &&
        MispHash(p2->steps[1]) && str(*p1, &a) && str(*p2, &b)) {
      *type = std::string("filename|") + MispHash(p2->steps[1]);
    } else if (t == "windows-registry-key" && q1 == "/key" && q2 == "/values/[*]/data" &&
               str(*p1, &a) && str(*p2, &b)) {
      *type = "regkey|value";
    } else if (t == "domain-name" && q1 == "/value" && q2 == "/resolves_to_refs/[*]/value" &&
               str(*p1, &a) && str(*p2, &b)) {
      *type = "domain|ip";
    } else if (t == "network-traffic" && (q1 == "/dst_ref/value" || q1 == "/src_ref/value") &&
               q2 == (q1 == "/dst_ref/value" ? "/dst_port" : "/src_port") && str(*p1, &a) &&
               p2->value.is_int64()) {
      *type = q1 == "/dst_ref/value" ? "ip-dst|port" : "ip-src|port";
      b = std::to_string(p2->value.get_int64());
    } else {
      return false;
    }
    *value = a + "|" + b;
    return true;
  };
  return try_pair(x, y) || try_pair(y, x);
}

namespace {
bj::object WithId(const bj::object& body) {
  bj::object o;
  o["type"] = body.at("type");
  o["spec_version"] = "2.1";
  o["id"] = ScoId(body);
  for (const auto& p : body)
    if (p.key() != "type" && p.key() != "spec_version") o[p.key()] = p.value();
  return o;
}
}  // namespace

std::vector<bj::object> ScosOf(const std::vector<Comparison>& cs) {
  std::vector<bj::object> refs;
  bj::object main;
  if (cs.empty()) return {};
  main["type"] = cs[0].object_type;
  std::string ref_ip_type;
  for (const auto& c : cs) {
    const auto& s = c.steps;
    if (s.size() == 1) {
      main[s[0]] = c.value;
    } else if (s.size() == 2 && s[0] == "hashes") {
      if (!main.contains("hashes")) main["hashes"] = bj::object();
      main["hashes"].as_object()[s[1]] = c.value;
    } else if (s.size() == 3 && s[0] == "values" && s[2] == "data") {
      bj::object v;
      v["data"] = c.value;
      main["values"] = bj::array{v};
    } else if ((s.size() == 3 && s[0] == "resolves_to_refs") ||
               (s.size() == 2 && (s[0] == "dst_ref" || s[0] == "src_ref"))) {
      std::string ip = c.value.is_string() ? std::string(c.value.get_string()) : "";
      bj::object r;
      r["type"] = IpType(ip);
      r["value"] = c.value;
      ref_ip_type = IpType(ip);
      bj::object rr = WithId(r);
      std::string rid = std::string(rr.at("id").as_string());
      if (s[0] == "resolves_to_refs")
        main["resolves_to_refs"] = bj::array{bj::value(rid)};
      else
        main[s[0]] = rid;
      refs.push_back(std::move(rr));
    }
  }
  if (cs[0].object_type == "email-message") main["is_multipart"] = false;
  if (cs[0].object_type == "network-traffic")
    main["protocols"] = bj::array{bj::value(ref_ip_type == "ipv6-addr" ? "ipv6" : "ipv4")};
  std::vector<bj::object> out;
  out.push_back(WithId(main));
  for (auto& r : refs) out.push_back(std::move(r));
  return out;
}

bool ComparisonsOfSco(const bj::object& sco, const std::map<std::string, const bj::object*>& by_id,
                      std::vector<Comparison>* out, std::string* why) {
  out->clear();
  std::string t = StringOr(sco, "type");
  auto ref_value = [&](const bj::value& ref, bj::value* v) -> bool {
    if (!ref.is_string()) return false;
    auto it = by_id.find(util::ToLower(std::string(ref.get_string())));
    if (it == by_id.end()) return false;
    const bj::object& r = *it->second;
    std::string rt = StringOr(r, "type");
    if (rt != "ipv4-addr" && rt != "ipv6-addr") return false;
    for (const auto& p : r)
      if (p.key() != "type" && p.key() != "id" && p.key() != "spec_version" && p.key() != "value")
        return false;
    if (!r.contains("value") || !r.at("value").is_string()) return false;
    *v = r.at("value");
    return true;
  };
  for (const auto& p : sco) {
    std::string k(p.key());
    const bj::value& v = p.value();
    if (k == "type" || k == "id" || k == "spec_version" || k == "object_marking_refs") continue;
    if (k == "defanged" && v.is_bool() && !v.get_bool()) continue;
    if (k == "is_multipart" && t == "email-message" && v.is_bool() && !v.get_bool()) continue;
    if (k == "protocols" && t == "network-traffic") continue;
    if ((k == "value" || k == "name" || k == "subject" || k == "key") && v.is_string()) {
      out->push_back(C(t, {k}, v));
    } else if (k == "number" && v.is_int64()) {
      out->push_back(C(t, {k}, v));
    } else if ((k == "dst_port" || k == "src_port") && v.is_int64()) {
      out->push_back(C(t, {k}, v));
    } else if (k == "hashes" && v.is_object() && v.get_object().size() == 1) {
      for (const auto& h : v.get_object())
        out->push_back(C(t, {"hashes", std::string(h.key())}, h.value()));
    } else if (k == "values" && v.is_array() && v.get_array().size() == 1 &&
               v.get_array()[0].is_object() && v.get_array()[0].get_object().size() == 1 &&
               v.get_array()[0].get_object().contains("data")) {
      out->push_back(C(t, {"values", "[*]", "data"}, v.get_array()[0].get_object().at("data")));
    } else if (k == "resolves_to_refs" && v.is_array() && v.get_array().size() == 1) {
      bj::value rv;
      if (!ref_value(v.get_array()[0], &rv)) {
        *why = "resolves_to_refs does not name one stored ipv4-addr/ipv6-addr";
        return false;
      }
      out->push_back(C(t, {"resolves_to_refs", "[*]", "value"}, rv));
    } else if (k == "dst_ref" || k == "src_ref") {
      bj::value rv;
      if (!ref_value(v, &rv)) {
        *why = k + " does not name a stored ipv4-addr/ipv6-addr";
        return false;
      }
      out->push_back(C(t, {k, "value"}, rv));
    } else {
      *why = "property " + k + " has no MISP equivalent";
      return false;
    }
  }
  // Composites keep the order MispTypeOf expects: name/key/value first.
  std::stable_sort(out->begin(), out->end(), [](const Comparison& a, const Comparison& b) {
    auto rank = [](const Comparison& c) {
      const std::string& s = c.steps[0];
      return (s == "value" || s == "name" || s == "key" || s == "dst_ref" || s == "src_ref") ? 0
                                                                                             : 1;
    };
    return rank(a) < rank(b);
  });
  if (out->empty()) {
    *why = "observable without a value";
    return false;
  }
  return true;
}

// ---- labels and JSON helpers ---------------------------------------------------

std::string MispLabel(std::string_view key, std::string_view value) {
  return "misp:" + std::string(key) + "=\"" + std::string(value) + "\"";
}

bool IsMispLabel(std::string_view l) {
  return l.substr(0, 5) == "misp:" && l.find("=\"") != std::string_view::npos;
}

std::string FindMispLabel(const bj::value* labels, std::string_view key) {
  if (!labels || !labels->is_array()) return "";
  std::string prefix = "misp:" + std::string(key) + "=\"";
  for (const auto& l : labels->get_array()) {
    if (!l.is_string()) continue;
    std::string_view s = l.get_string();
    if (s.size() > prefix.size() && s.substr(0, prefix.size()) == prefix && s.back() == '"')
      return std::string(s.substr(prefix.size(), s.size() - prefix.size() - 1));
  }
  return "";
}

const bj::string* GetString(const bj::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return nullptr;
  return &it->value().get_string();
}

std::string StringOr(const bj::object& o, std::string_view key, std::string_view dflt) {
  const bj::string* s = GetString(o, key);
  return s ? std::string(*s) : std::string(dflt);
}

}  // namespace sanad::stix::internal
