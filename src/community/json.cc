#include "community/json.h"

#include "util/util.h"

namespace sanad::community {

namespace json = boost::json;

json::object ToJson(const model::Org& o) {
  return {{"uuid", o.uuid},
          {"name", o.name},
          {"country", o.country},
          {"kind", model::Name(o.kind)},
          {"category", model::Name(o.category)},
          {"status", model::Name(o.status)},
          {"chair", o.is_chair},
          {"description", o.description},
          {"created", util::FormatIso8601(o.created)}};
}

json::object ToJson(const model::OrgRef& o) { return {{"uuid", o.uuid}, {"name", o.name}}; }

json::object ToJson(const model::User& u, Shape shape) {
  json::object o;
  if (shape == Shape::kApi) o["id"] = u.id;
  o["email"] = u.email;
  o["org"] = u.org_name;
  o["role"] = model::Name(u.role);
  o["disabled"] = u.disabled;
  o["created"] = util::FormatIso8601(u.created);
  return o;
}

json::object ToJson(const model::ApiKey& k) {
  json::array cidrs;
  std::string_view rest = k.allowed_cidrs;
  while (!rest.empty()) {
    size_t c = rest.find(',');
    auto part = util::Trim(rest.substr(0, c));
    if (!part.empty()) cidrs.emplace_back(part);
    rest = c == std::string_view::npos ? std::string_view() : rest.substr(c + 1);
  }
  json::object o{{"id", k.id},
                 {"prefix", k.prefix},
                 {"created", util::FormatIso8601(k.created)},
                 {"read_only", k.read_only},
                 {"allowed_cidrs", std::move(cidrs)},
                 {"revoked", k.revoked}};
  o["expires"] = k.expires ? json::value(util::FormatIso8601(k.expires)) : json::value(nullptr);
  return o;
}

json::object ToJson(const model::SharingGroup& g, Shape shape) {
  json::array members;
  for (const auto& m : g.members) members.push_back(ToJson(m));
  if (shape == Shape::kCli)
    return {{"uuid", g.uuid},
            {"name", g.name},
            {"releasability", g.releasability},
            {"owner", g.owner.name},
            {"members", std::move(members)}};
  return {{"uuid", g.uuid},
          {"name", g.name},
          {"releasability", g.releasability},
          {"description", g.description},
          {"owner", ToJson(g.owner)},
          {"members", std::move(members)},
          {"created", util::FormatIso8601(g.created)},
          {"modified", util::FormatIso8601(g.modified)}};
}

}  // namespace sanad::community
