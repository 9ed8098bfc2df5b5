#include "model/model.h"

#include <gtest/gtest.h>

#include <string>

namespace sanad::model {
namespace {

TEST(ModelTest, ClassifyTag) {
  EXPECT_EQ(ClassifyTag("tlp:amber"), TagKind::kTlp);
  EXPECT_EQ(ClassifyTag("TLP:RED"), TagKind::kTlp);
  EXPECT_EQ(ClassifyTag("PAP:RED"), TagKind::kPap);
  EXPECT_EQ(ClassifyTag("pap:green"), TagKind::kPap);
  EXPECT_EQ(ClassifyTag("misp-galaxy:threat-actor=\"APT 28\""), TagKind::kGalaxy);
  EXPECT_EQ(ClassifyTag("admiralty-scale:source-reliability=\"a\""), TagKind::kMachine);
  EXPECT_EQ(ClassifyTag("osint:source-type=\"blog-post\""), TagKind::kMachine);
  EXPECT_EQ(ClassifyTag("circl:incident-classification"), TagKind::kMachine);
  EXPECT_EQ(ClassifyTag("malware"), TagKind::kFree);
  EXPECT_EQ(ClassifyTag("Phishing campaign: March"), TagKind::kFree);
  EXPECT_EQ(ClassifyTag(":x"), TagKind::kFree);
  EXPECT_EQ(ClassifyTag("ns:"), TagKind::kFree);
  EXPECT_EQ(ClassifyTag("ns:pred=\"unterminated"), TagKind::kFree);
  EXPECT_EQ(ClassifyTag("ns:pred="), TagKind::kFree);
  EXPECT_EQ(ClassifyTag(""), TagKind::kFree);
}

TEST(ModelTest, ParseTlpTag) {
  EXPECT_EQ(ParseTlpTag("tlp:clear"), Tlp::kClear);
  EXPECT_EQ(ParseTlpTag("tlp:white"), Tlp::kClear);
  EXPECT_EQ(ParseTlpTag("TLP:WHITE"), Tlp::kClear);
  EXPECT_EQ(ParseTlpTag("tlp:green"), Tlp::kGreen);
  EXPECT_EQ(ParseTlpTag("Tlp:Amber"), Tlp::kAmber);
  EXPECT_EQ(ParseTlpTag("tlp:amber+strict"), Tlp::kAmberStrict);
  EXPECT_EQ(ParseTlpTag("TLP:AMBER+STRICT"), Tlp::kAmberStrict);
  EXPECT_EQ(ParseTlpTag("tlp:red"), Tlp::kRed);
  EXPECT_EQ(ParseTlpTag("tlp:ex:chr"), Tlp::kNone);
  EXPECT_EQ(ParseTlpTag("tlp:"), Tlp::kNone);
  EXPECT_EQ(ParseTlpTag("tlp:redx"), Tlp::kNone);
  EXPECT_EQ(ParseTlpTag("pap:red"), Tlp::kNone);
  EXPECT_EQ(ParseTlpTag("red"), Tlp::kNone);
  EXPECT_EQ(ParseTlpTag(""), Tlp::kNone);
}

TEST(ModelTest, ParsePapTag) {
  EXPECT_EQ(ParsePapTag("PAP:CLEAR"), Pap::kClear);
  EXPECT_EQ(ParsePapTag("PAP:WHITE"), Pap::kClear);
  EXPECT_EQ(ParsePapTag("pap:green"), Pap::kGreen);
  EXPECT_EQ(ParsePapTag("PAP:AMBER"), Pap::kAmber);
  EXPECT_EQ(ParsePapTag("PAP:RED"), Pap::kRed);
  EXPECT_EQ(ParsePapTag("tlp:red"), Pap::kNone);
  EXPECT_EQ(ParsePapTag("PAP:BLUE"), Pap::kNone);
}

TEST(ModelTest, MarkingNamesRoundTrip) {
  for (Tlp t : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    EXPECT_EQ(ParseTlpTag(TlpTagName(t)), t);
    EXPECT_EQ(ParseTlpTag(TlpLabel(t)), t);
  }
  for (Pap p : {Pap::kClear, Pap::kGreen, Pap::kAmber, Pap::kRed}) {
    EXPECT_EQ(ParsePapTag(PapTagName(p)), p);
  }
  EXPECT_EQ(TlpTagName(Tlp::kAmberStrict), "tlp:amber+strict");
  EXPECT_EQ(TlpTagName(Tlp::kClear), "tlp:clear");
  EXPECT_EQ(TlpTagName(Tlp::kNone), "");
  EXPECT_EQ(PapTagName(Pap::kRed), "PAP:RED");
  EXPECT_EQ(PapTagName(Pap::kNone), "");
  EXPECT_STREQ(TlpLabel(Tlp::kAmberStrict), "TLP:AMBER+STRICT");
  EXPECT_STREQ(TlpLabel(Tlp::kGreen), "TLP:GREEN");
  EXPECT_STREQ(TlpLabel(Tlp::kNone), "");
}

std::vector<Tag> Tags(std::initializer_list<const char*> names) {
  std::vector<Tag> v;
  for (const char* n : names) {
    Tag t;
    t.name = n;
    v.push_back(t);
  }
  return v;
}

TEST(ModelTest, StrictestTlp) {
  EXPECT_EQ(StrictestTlp({}), Tlp::kNone);
  EXPECT_EQ(StrictestTlp(Tags({"malware", "PAP:RED"})), Tlp::kNone);
  EXPECT_EQ(StrictestTlp(Tags({"tlp:white"})), Tlp::kClear);
  EXPECT_EQ(StrictestTlp(Tags({"tlp:clear", "tlp:green"})), Tlp::kGreen);
  EXPECT_EQ(StrictestTlp(Tags({"tlp:amber", "tlp:green"})), Tlp::kAmber);
  EXPECT_EQ(StrictestTlp(Tags({"tlp:amber", "tlp:amber+strict", "tlp:green"})), Tlp::kAmberStrict);
  EXPECT_EQ(StrictestTlp(Tags({"tlp:red", "tlp:amber+strict"})), Tlp::kRed);
  EXPECT_EQ(StrictestTlp(Tags({"TLP:RED", "x", "tlp:clear"})), Tlp::kRed);
}

template <class E>
void RoundTrip(std::initializer_list<E> values) {
  for (E v : values) {
    E back{};
    ASSERT_TRUE(Parse(Name(v), &back)) << Name(v);
    EXPECT_EQ(back, v) << Name(v);
  }
  E dummy{};
  EXPECT_FALSE(Parse("", &dummy));
  EXPECT_FALSE(Parse("nonsense", &dummy));
}

TEST(ModelTest, EnumNames) {
  RoundTrip({OrgKind::kNationalCert, OrgKind::kSectorCert, OrgKind::kIndustry, OrgKind::kObserver});
  RoundTrip({MembershipCategory::kFull, MembershipCategory::kGeneral,
             MembershipCategory::kProfessional, MembershipCategory::kAffiliate,
             MembershipCategory::kCommercial});
  RoundTrip({OrgStatus::kApplicant, OrgStatus::kMember, OrgStatus::kSuspended, OrgStatus::kLeft,
             OrgStatus::kExternal});
  RoundTrip({Role::kAdmin, Role::kOrgAdmin, Role::kAnalyst, Role::kReader});
  RoundTrip({Distribution::kOrganisation, Distribution::kCommunity, Distribution::kConnected,
             Distribution::kAll, Distribution::kSharingGroup, Distribution::kInherit});
  RoundTrip({SightingType::kSeen, SightingType::kFalsePositive, SightingType::kExpiration});

  EXPECT_STREQ(Name(OrgKind::kNationalCert), "national-cert");
  EXPECT_STREQ(Name(MembershipCategory::kCommercial), "commercial");
  EXPECT_STREQ(Name(OrgStatus::kExternal), "external");
  EXPECT_STREQ(Name(Role::kOrgAdmin), "org-admin");
  EXPECT_STREQ(Name(Distribution::kSharingGroup), "sharing-group");
  EXPECT_STREQ(Name(Distribution::kOrganisation), "organisation");
  EXPECT_STREQ(Name(SightingType::kFalsePositive), "false-positive");

  Distribution d;
  for (int i = 0; i <= 5; ++i) {
    ASSERT_TRUE(Parse(std::to_string(i), &d));
    EXPECT_EQ(static_cast<int>(d), i);
  }
  EXPECT_FALSE(Parse("6", &d));
  EXPECT_FALSE(Parse("-1", &d));
  EXPECT_FALSE(Parse("01", &d));
  Role r;
  EXPECT_FALSE(Parse("Admin", &r));  // names are exact
}

TEST(ModelTest, CountryCodes) {
  for (const char* cc :
       {"AD", "AE", "BH", "DZ", "EG", "FR", "GB", "IQ", "JO", "KW", "LB", "LY", "MA", "OM",
        "PS", "QA", "SA", "SD", "SY", "TN", "US", "YE", "ZW", "SS", "AX", "BQ", "CW", "SX"}) {
    EXPECT_TRUE(IsCountryCode(cc)) << cc;
  }
  for (const char* cc :
       {"", "A", "fr", "Fr", "UK", "EU", "XK", "ZZ", "AA", "FRA", "F1", "YU", "AN", "CS", "TP"}) {
    EXPECT_FALSE(IsCountryCode(cc)) << cc;
  }
  int n = 0;
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) {
      std::string cc{a, b};
      n += IsCountryCode(cc);
    }
  }
  EXPECT_EQ(n, 249);
}

}  // namespace
}  // namespace sanad::model
