#include "store_fixtures.h"

#include <gtest/gtest.h>

#include "model/canon.h"
#include "util/util.h"

namespace sanad::testing {

std::unique_ptr<store::Store> NewStore(const std::string& dir) {
  store::OpenOptions o;
  o.create_if_missing = true;
  auto s = store::Store::Open(dir, o);
  if (!s.ok()) {
    ADD_FAILURE() << "opening a store in " << dir << ": " << s.status().ToString();
    return nullptr;
  }
  return std::move(*s);
}

model::Attribute NewAttribute(const std::string& type, const std::string& value, bool to_ids,
                              int64_t timestamp) {
  model::Attribute a;
  a.uuid = util::NewUuid();
  a.type = type;
  a.category = type == "comment" ? "Other" : "Network activity";
  a.value = value;
  model::CanonicalValue cv;
  EXPECT_TRUE(model::Canonicalise(type, value, &cv).ok()) << type << " " << value;
  a.canonical = cv.value;
  a.canonical1 = cv.part1;
  a.canonical2 = cv.part2;
  a.to_ids = to_ids;
  a.timestamp = timestamp;
  return a;
}

std::vector<model::Org> AddOrgs(store::Store* s, const std::vector<std::string>& names,
                                const std::string& country) {
  std::vector<model::Org> out;
  for (const auto& name : names) {
    model::Org o;
    o.name = name;
    o.country = country;
    EXPECT_TRUE(s->community().AddOrg(&o).ok()) << name;
    out.push_back(o);
  }
  return out;
}

}  // namespace sanad::testing
