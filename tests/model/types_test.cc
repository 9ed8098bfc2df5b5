#include "model/types.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>

#include "test_util.h"

namespace sanad::model {
namespace {

TEST(TypesTest, Sizes) {
  EXPECT_EQ(AllTypes().size(), 194u);
  EXPECT_EQ(Categories().size(), 16u);
  EXPECT_EQ(AllTypes().front().name, "md5");  // describeTypes order
  EXPECT_EQ(Categories().front(), "Internal reference");
  EXPECT_EQ(Categories().back(), "Other");
}

TEST(TypesTest, FindTypeFindsEveryTypeAndNothingElse) {
  std::set<std::string_view> names;
  for (const TypeInfo& t : AllTypes()) {
    EXPECT_EQ(FindType(t.name), &t) << t.name;
    names.insert(t.name);
  }
  EXPECT_EQ(names.size(), AllTypes().size());  // no duplicates
  EXPECT_EQ(FindType(""), nullptr);
  EXPECT_EQ(FindType("MD5"), nullptr);  // names are case-sensitive
  EXPECT_EQ(FindType("md"), nullptr);
  EXPECT_EQ(FindType("md55"), nullptr);
  EXPECT_EQ(FindType("zzz"), nullptr);
  EXPECT_EQ(FindType("AAA"), nullptr);
  EXPECT_EQ(FindType("cve"), nullptr);
  EXPECT_NE(FindType("AS"), nullptr);
  EXPECT_NE(FindType("named pipe"), nullptr);
  EXPECT_NE(FindType("sha512/256"), nullptr);
}

TEST(TypesTest, Columns) {
  const TypeInfo* t = FindType("ip-dst|port");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->default_category, "Network activity");
  EXPECT_TRUE(t->to_ids_default);
  EXPECT_TRUE(t->composite);
  EXPECT_EQ(t->kind1, ValueKind::kIp);
  EXPECT_EQ(t->kind2, ValueKind::kPort);
  EXPECT_TRUE(t->modelled);
  EXPECT_TRUE(t->correlates);

  t = FindType("filename|sha256");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->kind1, ValueKind::kOpaque);
  EXPECT_EQ(t->kind2, ValueKind::kHash);
  EXPECT_EQ(t->hash_len2, 64);
  EXPECT_EQ(t->default_category, "Payload delivery");

  t = FindType("malware-sample");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->composite);
  EXPECT_EQ(t->hash_len2, 32);

  struct H {
    const char* name;
    int len;
  };
  const H hashes[] = {{"md5", 32},
                      {"sha1", 40},
                      {"sha224", 56},
                      {"sha256", 64},
                      {"sha384", 96},
                      {"sha512", 128},
                      {"sha512/224", 56},
                      {"sha512/256", 64},
                      {"imphash", 32},
                      {"authentihash", 64},
                      {"x509-fingerprint-md5", 32},
                      {"x509-fingerprint-sha1", 40},
                      {"x509-fingerprint-sha256", 64},
                      {"ja3-fingerprint-md5", 32},
                      {"hassh-md5", 32},
                      {"hasshserver-md5", 32}};
  for (const H& h : hashes) {
    t = FindType(h.name);
    ASSERT_NE(t, nullptr) << h.name;
    EXPECT_EQ(t->kind1, ValueKind::kHash) << h.name;
    EXPECT_EQ(t->hash_len1, h.len) << h.name;
    EXPECT_FALSE(t->composite) << h.name;
  }

  EXPECT_EQ(FindType("domain")->kind1, ValueKind::kHostname);
  EXPECT_EQ(FindType("url")->kind1, ValueKind::kUrl);
  EXPECT_EQ(FindType("AS")->kind1, ValueKind::kAsn);
  EXPECT_EQ(FindType("vulnerability")->kind1, ValueKind::kCve);
  EXPECT_EQ(FindType("comment")->kind1, ValueKind::kText);
  EXPECT_EQ(FindType("filename")->kind1, ValueKind::kOpaque);
  EXPECT_TRUE(FindType("filename")->modelled);
  EXPECT_FALSE(FindType("pdb")->modelled);
  EXPECT_FALSE(FindType("md5")->composite);
  EXPECT_TRUE(FindType("domain|ip")->composite);
  EXPECT_EQ(FindType("comment")->default_category, "Other");
  EXPECT_FALSE(FindType("comment")->to_ids_default);
  EXPECT_FALSE(FindType("AS")->to_ids_default);
}

TEST(TypesTest, Correlation) {
  for (const char* t :
       {"comment", "text", "other", "port", "size-in-bytes", "http-method", "aba-rtn", "gender",
        "counter", "integer", "float", "nationality", "cortex", "boolean", "anonymised"}) {
    ASSERT_NE(FindType(t), nullptr) << t;
    EXPECT_FALSE(FindType(t)->correlates) << t;
  }
  for (const char* t : {"ip-dst", "ip-src|port", "domain", "md5", "url", "email-subject",
                        "filename", "mutex", "regkey", "btc", "vulnerability"}) {
    EXPECT_TRUE(FindType(t)->correlates) << t;
  }
}

TEST(TypesTest, Categories) {
  EXPECT_TRUE(IsCategory("Network activity"));
  EXPECT_TRUE(IsCategory("Payload delivery"));
  EXPECT_FALSE(IsCategory("network activity"));
  EXPECT_FALSE(IsCategory(""));
  EXPECT_TRUE(CategoryAllowsType("Network activity", "ip-dst"));
  EXPECT_FALSE(CategoryAllowsType("Network activity", "md5"));
  EXPECT_TRUE(CategoryAllowsType("Payload delivery", "md5"));
  EXPECT_FALSE(CategoryAllowsType("Person", "ip-dst"));
  EXPECT_TRUE(CategoryAllowsType("Payload type", "anonymised"));
  EXPECT_FALSE(CategoryAllowsType("Payload type", "md5"));
  EXPECT_TRUE(CategoryAllowsType("Internal reference", "git-commit-id"));
  EXPECT_FALSE(CategoryAllowsType("No such", "md5"));
  EXPECT_FALSE(CategoryAllowsType("Payload delivery", "no-such-type"));
  // Every type's default category allows it.
  for (const TypeInfo& t : AllTypes()) {
    EXPECT_TRUE(IsCategory(t.default_category)) << t.name;
    EXPECT_TRUE(CategoryAllowsType(t.default_category, t.name)) << t.name;
  }
}

TEST(TypesTest, SensibleExtrasAreModelled) {
  for (const char* t :
       {"sha224", "sha384", "sha512/224", "sha512/256", "hostname|port", "authentihash",
        "x509-fingerprint-md5", "hassh-md5", "hasshserver-md5", "email-reply-to",
        "whois-registrant-email", "filename|sha512", "filename|imphash", "filename|ssdeep",
        "filename|authentihash", "malware-sample"}) {
    ASSERT_NE(FindType(t), nullptr) << t;
    EXPECT_TRUE(FindType(t)->modelled) << t;
  }
}

// The generated table matches MISP's describeTypes.json exactly.
TEST(TypesTest, MatchesDescribeTypes) {
  std::string shared = testing::SharedDir();
  if (shared.empty()) GTEST_SKIP() << "no ../shared";
  std::string text = testing::ReadFile(shared + "/data/misp/describeTypes.json");
  ASSERT_FALSE(text.empty());
  boost::json::value doc = boost::json::parse(text);
  const boost::json::object& r = doc.as_object().at("result").as_object();

  const auto& types = r.at("types").as_array();
  ASSERT_EQ(types.size(), AllTypes().size());
  for (size_t i = 0; i < types.size(); ++i) {
    EXPECT_EQ(AllTypes()[i].name, std::string_view(types[i].as_string())) << i;
  }
  const auto& cats = r.at("categories").as_array();
  ASSERT_EQ(cats.size(), Categories().size());
  for (size_t i = 0; i < cats.size(); ++i) {
    EXPECT_EQ(Categories()[i], std::string_view(cats[i].as_string())) << i;
  }
  const auto& defaults = r.at("sane_defaults").as_object();
  for (const TypeInfo& t : AllTypes()) {
    const auto& d = defaults.at(t.name).as_object();
    EXPECT_EQ(t.default_category, std::string_view(d.at("default_category").as_string())) << t.name;
    EXPECT_EQ(t.to_ids_default, d.at("to_ids").to_number<int>() != 0) << t.name;
  }
  const auto& mappings = r.at("category_type_mappings").as_object();
  ASSERT_EQ(mappings.size(), Categories().size());
  for (std::string_view cat : Categories()) {
    std::set<std::string_view> allowed;
    for (const auto& v : mappings.at(cat).as_array()) allowed.insert(v.as_string());
    for (const TypeInfo& t : AllTypes()) {
      EXPECT_EQ(CategoryAllowsType(cat, t.name), allowed.count(t.name) == 1)
          << cat << " / " << t.name;
    }
  }
}

}  // namespace
}  // namespace sanad::model
