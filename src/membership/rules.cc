// Community rules (versioned JSON with defaults) and the RFC 2350 profile.
#include <boost/json.hpp>

#include <algorithm>

#include "membership/membership.h"
#include "util/util.h"

namespace sanad::membership {

namespace json = boost::json;

namespace {

constexpr model::MembershipCategory kAllCategories[] = {
    model::MembershipCategory::kFull, model::MembershipCategory::kGeneral,
    model::MembershipCategory::kProfessional, model::MembershipCategory::kAffiliate,
    model::MembershipCategory::kCommercial};

constexpr size_t kMaxRulesBytes = 64 * 1024;
constexpr size_t kMaxProfileBytes = 64 * 1024;
constexpr size_t kMaxString = 2000;
constexpr size_t kMaxAudiences = 20;

Status Bad(const std::string& path, const std::string& what) {
  return Status::Invalid(path + ": " + what);
}

Status GetInt(const json::object& o, const std::string& path, std::string_view key, int lo, int hi,
              int* out) {
  const json::value* v = o.if_contains(key);
  if (!v) return Status::Ok();
  std::string p = path + "." + std::string(key);
  if (!v->is_int64() && !v->is_uint64()) return Bad(p, "must be an integer");
  int64_t n = v->is_int64() ? v->as_int64() : static_cast<int64_t>(v->as_uint64());
  if (n < lo || n > hi)
    return Bad(p, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  *out = static_cast<int>(n);
  return Status::Ok();
}

template <class E>
Status GetEnumList(const json::object& o, const std::string& path, std::string_view key,
                   std::vector<E>* out) {
  const json::value* v = o.if_contains(key);
  if (!v) return Status::Ok();
  std::string p = path + "." + std::string(key);
  if (!v->is_array()) return Bad(p, "must be an array of names");
  out->clear();
  const auto& arr = v->as_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    E e;
    if (!arr[i].is_string() || !model::Parse(std::string(arr[i].as_string()), &e))
      return Bad(p + "[" + std::to_string(i) + "]", "unknown name");
    if (std::find(out->begin(), out->end(), e) == out->end()) out->push_back(e);
  }
  return Status::Ok();
}

template <class E>
json::array NameList(const std::vector<E>& v) {
  json::array a;
  for (E e : v) a.emplace_back(model::Name(e));
  return a;
}

Status ParseVoteRule(const json::object& root, const std::string& key, VoteRule* r) {
  const json::value* v = root.if_contains(key);
  if (!v) return Status::Ok();
  std::string p = "$." + key;
  if (!v->is_object()) return Bad(p, "must be an object");
  const auto& o = v->as_object();
  for (const auto& kv : o)
    if (kv.key() != "duration_days" && kv.key() != "quorum" && kv.key() != "majority")
      return Bad(p + "." + std::string(kv.key()), "unknown member");
  SANAD_RETURN_IF_ERROR(GetInt(o, p, "duration_days", 1, 365, &r->duration_days));
  for (const char* f : {"quorum", "majority"}) {
    const json::value* x = o.if_contains(f);
    if (!x) continue;
    Fraction fr;
    if (!x->is_string() || !ParseFraction(std::string(x->as_string()), &fr) ||
        (std::string_view(f) == "quorum" && fr.strict))
      return Bad(p + "." + f, std::string_view(f) == "quorum"
                                  ? "must be a fraction \"N/D\" (0 < N <= D <= 100)"
                                  : "must be \"simple\" or a fraction \"N/D\" (0 < N <= D <= 100)");
    (std::string_view(f) == "quorum" ? r->quorum : r->majority) = fr;
  }
  return Status::Ok();
}

json::object VoteRuleJson(const VoteRule& r) {
  return {{"duration_days", r.duration_days},
          {"quorum", FractionText(r.quorum)},
          {"majority", FractionText(r.majority)}};
}

bool ValidDistribution(std::string_view d, const std::vector<Audience>& audiences,
                       bool country_audiences) {
  if (d == "organisation" || d == "community" || d == "connected" || d == "all") return true;
  if (d.substr(0, 9) != "audience:") return false;
  std::string_view key = d.substr(9);
  for (const auto& a : audiences)
    if (a.key == key) return true;
  return country_audiences && key.size() == 10 && key.substr(0, 8) == "country-" &&
         model::IsCountryCode(key.substr(8));
}

// Parses `text`, at most `max` bytes, as a JSON object: Limit "<doc>
// larger than ...", Invalid "<what>: not JSON: ...", or Bad at `path`.
StatusOr<json::value> ParseObject(std::string_view text, size_t max, const std::string& doc,
                                  const std::string& what, const std::string& path) {
  if (text.size() > max)
    return Status::Limit(doc + " larger than " + std::to_string(max) + " bytes");
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return Status::Invalid(what + ": not JSON: " + ec.message());
  if (!root.is_object()) return Bad(path, "must be an object");
  return root;
}

}  // namespace

std::string FractionText(const Fraction& f) {
  if (f.strict && f.num * 2 == f.den) return "simple";
  return std::to_string(f.num) + "/" + std::to_string(f.den);
}

bool ParseFraction(std::string_view s, Fraction* out) {
  if (s == "simple") {
    *out = Fraction{1, 2, true};
    return true;
  }
  size_t slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= s.size() || s.size() > 7)
    return false;
  auto digits = [](std::string_view x) {
    return !x.empty() &&
           std::all_of(x.begin(), x.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::string_view n = s.substr(0, slash), d = s.substr(slash + 1);
  if (!digits(n) || !digits(d)) return false;
  int64_t num = std::stoll(std::string(n)), den = std::stoll(std::string(d));
  if (num <= 0 || den <= 0 || num > den || den > 100) return false;
  *out = Fraction{num, den, false};
  return true;
}

Rules DefaultRules() {
  using C = model::MembershipCategory;
  Rules r;
  CategoryRule full;  // two Full members, vote
  r.categories[C::kFull] = full;
  r.categories[C::kGeneral] = full;
  CategoryRule prof;
  prof.sponsors = 1;
  prof.decision = "chair";
  r.categories[C::kProfessional] = prof;
  CategoryRule affiliate;
  affiliate.sponsors = 1;
  affiliate.sponsor_categories = {C::kFull, C::kGeneral};
  affiliate.decision = "chair";
  r.categories[C::kAffiliate] = affiliate;
  CategoryRule commercial;
  commercial.distinct_countries = 2;
  r.categories[C::kCommercial] = commercial;
  r.admission_vote = VoteRule{14, {1, 2, false}, {1, 2, true}};
  r.sanction_vote = VoteRule{14, {1, 2, false}, {2, 3, false}};
  r.audiences = {
      {"national-certs", "Audience: national CERTs", {model::OrgKind::kNationalCert}, {}},
      {"full-members", "Audience: Full members", {}, {C::kFull}},
      {"no-commercial",
       "Audience: members except commercial and affiliate",
       {},
       {C::kFull, C::kGeneral, C::kProfessional}},
  };
  return r;
}

StatusOr<Rules> ParseRules(std::string_view text) {
  auto root = ParseObject(text, kMaxRulesBytes, "rules document", "rules", "$");
  if (!root.ok()) return root.status();
  const auto& o = root->as_object();
  static const char* kKnown[] = {
      "version", "categories",           "admission_vote", "sanction_vote",    "application_days",
      "board",   "default_distribution", "audiences",      "country_audiences"};
  for (const auto& kv : o) {
    bool known = false;
    for (const char* k : kKnown) known = known || kv.key() == k;
    if (!known) return Bad("$." + std::string(kv.key()), "unknown member");
  }
  Rules r = DefaultRules();
  if (const json::value* cats = o.if_contains("categories")) {
    if (!cats->is_object()) return Bad("$.categories", "must be an object");
    for (const auto& kv : cats->as_object()) {
      std::string p = "$.categories." + std::string(kv.key());
      model::MembershipCategory c;
      if (!model::Parse(std::string(kv.key()), &c)) return Bad(p, "unknown category");
      if (!kv.value().is_object()) return Bad(p, "must be an object");
      const auto& co = kv.value().as_object();
      for (const auto& m : co) {
        static const char* kCat[] = {"sponsors", "sponsor_categories", "sponsor_kinds",
                                     "distinct_countries", "decision"};
        bool known = false;
        for (const char* k : kCat) known = known || m.key() == k;
        if (!known) return Bad(p + "." + std::string(m.key()), "unknown member");
      }
      CategoryRule& cr = r.categories[c];
      SANAD_RETURN_IF_ERROR(GetInt(co, p, "sponsors", 0, 10, &cr.sponsors));
      SANAD_RETURN_IF_ERROR(GetEnumList(co, p, "sponsor_categories", &cr.sponsor_categories));
      SANAD_RETURN_IF_ERROR(GetEnumList(co, p, "sponsor_kinds", &cr.sponsor_kinds));
      SANAD_RETURN_IF_ERROR(GetInt(co, p, "distinct_countries", 0, 10, &cr.distinct_countries));
      if (const json::value* d = co.if_contains("decision")) {
        if (!d->is_string() || (d->as_string() != "vote" && d->as_string() != "chair"))
          return Bad(p + ".decision", "must be \"vote\" or \"chair\"");
        cr.decision = std::string(d->as_string());
      }
      if (cr.sponsors > 0 && cr.sponsor_categories.empty())
        return Bad(p + ".sponsor_categories", "must name at least one category");
      if (cr.distinct_countries > cr.sponsors)
        return Bad(p + ".distinct_countries", "cannot exceed sponsors");
    }
  }
  SANAD_RETURN_IF_ERROR(ParseVoteRule(o, "admission_vote", &r.admission_vote));
  SANAD_RETURN_IF_ERROR(ParseVoteRule(o, "sanction_vote", &r.sanction_vote));
  SANAD_RETURN_IF_ERROR(GetInt(o, "$", "application_days", 1, 3650, &r.application_days));
  if (const json::value* b = o.if_contains("board")) {
    if (!b->is_object()) return Bad("$.board", "must be an object");
    for (const auto& m : b->as_object())
      if (m.key() != "seats" && m.key() != "term_years")
        return Bad("$.board." + std::string(m.key()), "unknown member");
    SANAD_RETURN_IF_ERROR(GetInt(b->as_object(), "$.board", "seats", 1, 50, &r.board_seats));
    SANAD_RETURN_IF_ERROR(
        GetInt(b->as_object(), "$.board", "term_years", 1, 10, &r.board_term_years));
  }
  if (const json::value* ca = o.if_contains("country_audiences")) {
    if (!ca->is_bool()) return Bad("$.country_audiences", "must be true or false");
    r.country_audiences = ca->as_bool();
  }
  if (const json::value* au = o.if_contains("audiences")) {
    if (!au->is_array()) return Bad("$.audiences", "must be an array");
    if (au->as_array().size() > kMaxAudiences)
      return Status::Limit("$.audiences: at most " + std::to_string(kMaxAudiences));
    r.audiences.clear();
    for (size_t i = 0; i < au->as_array().size(); ++i) {
      std::string p = "$.audiences[" + std::to_string(i) + "]";
      const json::value& x = au->as_array()[i];
      if (!x.is_object()) return Bad(p, "must be an object");
      const auto& ao = x.as_object();
      Audience a;
      const json::value* k = ao.if_contains("key");
      const json::value* n = ao.if_contains("name");
      if (!k || !k->is_string() || k->as_string().empty() || k->as_string().size() > 64)
        return Bad(p + ".key", "must be a non-empty string of up to 64 characters");
      if (!n || !n->is_string() || n->as_string().empty() || n->as_string().size() > 200)
        return Bad(p + ".name", "must be a non-empty string of up to 200 characters");
      a.key = std::string(k->as_string());
      a.name = std::string(n->as_string());
      if (a.key.substr(0, 8) == "country-")
        return Bad(p + ".key", "\"country-\" keys are reserved for country audiences");
      for (const auto& prev : r.audiences)
        if (prev.key == a.key || util::ToLower(prev.name) == util::ToLower(a.name))
          return Bad(p, "duplicate key or name");
      SANAD_RETURN_IF_ERROR(GetEnumList(ao, p, "kinds", &a.kinds));
      SANAD_RETURN_IF_ERROR(GetEnumList(ao, p, "categories", &a.categories));
      if (a.kinds.empty() && a.categories.empty())
        return Bad(p,
                   "needs kinds or categories (an audience of every member is distribution "
                   "community)");
      r.audiences.push_back(std::move(a));
    }
  }
  if (const json::value* d = o.if_contains("default_distribution")) {
    if (!d->is_string() ||
        !ValidDistribution(std::string(d->as_string()), r.audiences, r.country_audiences))
      return Bad("$.default_distribution",
                 "must be organisation, community, connected, all or audience:<key>");
    r.default_distribution = std::string(d->as_string());
  }
  return r;
}

std::string RulesJson(const Rules& r, bool pretty) {
  json::object cats;
  for (model::MembershipCategory c : kAllCategories) {
    auto it = r.categories.find(c);
    CategoryRule cr = it == r.categories.end() ? CategoryRule{} : it->second;
    cats[model::Name(c)] = json::object{{"sponsors", cr.sponsors},
                                        {"sponsor_categories", NameList(cr.sponsor_categories)},
                                        {"sponsor_kinds", NameList(cr.sponsor_kinds)},
                                        {"distinct_countries", cr.distinct_countries},
                                        {"decision", cr.decision}};
  }
  json::array auds;
  for (const auto& a : r.audiences)
    auds.push_back(json::object{{"key", a.key},
                                {"name", a.name},
                                {"kinds", NameList(a.kinds)},
                                {"categories", NameList(a.categories)}});
  json::object o{
      {"version", r.version},
      {"categories", std::move(cats)},
      {"admission_vote", VoteRuleJson(r.admission_vote)},
      {"sanction_vote", VoteRuleJson(r.sanction_vote)},
      {"application_days", r.application_days},
      {"board", json::object{{"seats", r.board_seats}, {"term_years", r.board_term_years}}},
      {"default_distribution", r.default_distribution},
      {"audiences", std::move(auds)},
      {"country_audiences", r.country_audiences}};
  std::string s = json::serialize(o);
  if (!pretty) return s;
  // A simple indentation for people reading `rules show`.
  std::string out;
  int depth = 0;
  bool in_str = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_str) {
      out += c;
      if (c == '\\' && i + 1 < s.size())
        out += s[++i];
      else if (c == '"')
        in_str = false;
      continue;
    }
    if (c == '"') {
      in_str = true;
      out += c;
    } else if (c == '{' || c == '[') {
      bool empty = i + 1 < s.size() && (s[i + 1] == '}' || s[i + 1] == ']');
      out += c;
      if (empty) {
        out += s[++i];
        continue;
      }
      ++depth;
      out += "\n" + std::string(depth * 2, ' ');
    } else if (c == '}' || c == ']') {
      --depth;
      out += "\n" + std::string(depth * 2, ' ') + c;
    } else if (c == ',') {
      out += ",\n" + std::string(depth * 2, ' ');
    } else if (c == ':') {
      out += ": ";
    } else {
      out += c;
    }
  }
  return out + "\n";
}

// ---- profile ----

StatusOr<std::string> ValidateProfile(std::string_view text) {
  auto root = ParseObject(text, kMaxProfileBytes, "profile", "profile", "profile $");
  if (!root.ok()) return root.status();
  const auto& o = root->as_object();
  for (const auto& kv : o) {
    static const char* kKnown[] = {"contacts", "constituency", "services", "public_keys",
                                   "policies"};
    bool known = false;
    for (const char* k : kKnown) known = known || kv.key() == k;
    if (!known) return Bad("profile $." + std::string(kv.key()), "unknown member");
  }
  auto str = [](const json::value* v, const std::string& p, bool required,
                std::string* out) -> Status {
    if (!v) return required ? Bad(p, "is required") : Status::Ok();
    if (!v->is_string()) return Bad(p, "must be a string");
    std::string s(util::Trim(std::string_view(v->as_string())));
    if (required && s.empty()) return Bad(p, "must not be empty");
    if (s.size() > kMaxString)
      return Status::Limit(p + ": longer than " + std::to_string(kMaxString) + " characters");
    *out = s;
    return Status::Ok();
  };
  json::object out;
  // contacts
  const json::value* c = o.if_contains("contacts");
  if (!c || !c->is_array() || c->as_array().empty() || c->as_array().size() > 20)
    return Bad("profile $.contacts", "must be an array of 1 to 20 contacts");
  json::array contacts;
  for (size_t i = 0; i < c->as_array().size(); ++i) {
    std::string p = "profile $.contacts[" + std::to_string(i) + "]";
    const json::value& x = c->as_array()[i];
    if (!x.is_object()) return Bad(p, "must be an object with type and value");
    std::string type, value;
    SANAD_RETURN_IF_ERROR(str(x.as_object().if_contains("type"), p + ".type", true, &type));
    SANAD_RETURN_IF_ERROR(str(x.as_object().if_contains("value"), p + ".value", true, &value));
    if (type != "email" && type != "phone" && type != "url" && type != "other")
      return Bad(p + ".type", "must be email, phone, url or other");
    if (type == "email" && value.find('@') == std::string::npos)
      return Bad(p + ".value", "'" + value + "' is not an e-mail address");
    contacts.push_back(json::object{{"type", type}, {"value", value}});
  }
  out["contacts"] = std::move(contacts);
  std::string constituency;
  SANAD_RETURN_IF_ERROR(
      str(o.if_contains("constituency"), "profile $.constituency", true, &constituency));
  out["constituency"] = constituency;
  json::array services;
  if (const json::value* s = o.if_contains("services")) {
    if (!s->is_array() || s->as_array().size() > 50)
      return Bad("profile $.services", "must be an array of up to 50 strings");
    for (size_t i = 0; i < s->as_array().size(); ++i) {
      std::string v;
      SANAD_RETURN_IF_ERROR(
          str(&s->as_array()[i], "profile $.services[" + std::to_string(i) + "]", true, &v));
      services.emplace_back(v);
    }
  }
  out["services"] = std::move(services);
  json::array keys;
  if (const json::value* k = o.if_contains("public_keys")) {
    if (!k->is_array() || k->as_array().size() > 20)
      return Bad("profile $.public_keys", "must be an array of up to 20 keys");
    for (size_t i = 0; i < k->as_array().size(); ++i) {
      std::string p = "profile $.public_keys[" + std::to_string(i) + "]";
      const json::value& x = k->as_array()[i];
      if (!x.is_object()) return Bad(p, "must be an object");
      std::string type = "pgp", fpr, url;
      SANAD_RETURN_IF_ERROR(str(x.as_object().if_contains("type"), p + ".type", false, &type));
      SANAD_RETURN_IF_ERROR(
          str(x.as_object().if_contains("fingerprint"), p + ".fingerprint", true, &fpr));
      SANAD_RETURN_IF_ERROR(str(x.as_object().if_contains("url"), p + ".url", false, &url));
      if (type != "pgp" && type != "x509" && type != "other")
        return Bad(p + ".type", "must be pgp, x509 or other");
      json::object ko{{"type", type}, {"fingerprint", fpr}};
      if (!url.empty()) ko["url"] = url;
      keys.push_back(std::move(ko));
    }
  }
  out["public_keys"] = std::move(keys);
  std::string policies;
  SANAD_RETURN_IF_ERROR(str(o.if_contains("policies"), "profile $.policies", false, &policies));
  if (!policies.empty()) out["policies"] = policies;
  return json::serialize(out);
}

}  // namespace sanad::membership
