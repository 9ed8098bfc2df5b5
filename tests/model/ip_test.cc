#include "model/ip.h"

#include <gtest/gtest.h>

#include <string>

namespace sanad::model {
namespace {

std::string Canon(const std::string& s) {
  IpPrefix p;
  if (!ParseIpPrefix(s, &p)) return "<invalid>";
  return FormatIpPrefix(p);
}

struct Case {
  const char* in;
  const char* want;
};

TEST(IpTest, CanonicalForms) {
  const Case cases[] = {
      // IPv4
      {"1.2.3.4", "1.2.3.4"},
      {"0.0.0.0", "0.0.0.0"},
      {"255.255.255.255", "255.255.255.255"},
      {"192.168.1.77/24", "192.168.1.0/24"},
      {"10.1.2.3/8", "10.0.0.0/8"},
      {"10.1.2.3/0", "0.0.0.0/0"},
      {"1.2.3.4/32", "1.2.3.4"},
      {"1.2.3.5/31", "1.2.3.4/31"},
      // IPv6 compression (RFC 5952)
      {"2001:db8:0:0:0:0:0:1", "2001:db8::1"},
      {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
      {"2001:DB8::1", "2001:db8::1"},
      {"2001:db8::0:1", "2001:db8::1"},
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},  // single zero group not compressed
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},           // longest run
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},     // first of equal runs
      {"::", "::"},
      {"::1", "::1"},
      {"1::", "1::"},
      {"0:0:0:0:0:0:0:0", "::"},
      {"0:0:0:0:0:0:0:1", "::1"},
      {"fe80::", "fe80::"},
      {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
      {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
      {"ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", "abcd:ef01:2345:6789:abcd:ef01:2345:6789"},
      {"0001:0002:0003:0004:0005:0006:0007:0008", "1:2:3:4:5:6:7:8"},
      // embedded IPv4
      {"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
      {"::FFFF:0102:0304", "::ffff:1.2.3.4"},
      {"0:0:0:0:0:ffff:1.2.3.4", "::ffff:1.2.3.4"},
      {"::1.2.3.4", "::102:304"},  // deprecated v4-compatible: plain hex
      {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
      {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"},
      // CIDR
      {"2001:db8::1/32", "2001:db8::/32"},
      {"2001:db8:abcd:1234::1/48", "2001:db8:abcd::/48"},
      {"2001:db8::1/128", "2001:db8::1"},
      {"2001:db8::1/127", "2001:db8::/127"},
      {"::/0", "::/0"},
      {"2001:db8:ffff::/33", "2001:db8:8000::/33"},
      {"::ffff:1.2.3.4/120", "::ffff:1.2.3.0/120"},
  };
  for (const Case& c : cases) EXPECT_EQ(Canon(c.in), c.want) << c.in;
}

TEST(IpTest, RejectsBadSyntax) {
  const char* bad[] = {
      "",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "1.2.3.256",
      "010.1.1.1",  // leading zero octet (octal ambiguity)
      "1.02.3.4",
      "1.2.3.4/33",
      "1.2.3.4/",
      "1.2.3.4/-1",
      "1.2.3.4/024",
      "1.2.3.4/1/2",
      " 1.2.3.4",
      "1.2.3.4 ",
      "1..2.3",
      "1.2.3.",
      "a.b.c.d",
      "0x7f.0.0.1",
      "2130706433",
      ":",
      ":::",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      "1::2::3",
      "12345::",
      "g::1",
      ":1::",
      "1:",
      "1::2:",
      "fe80::1%eth0",
      "::1/129",
      "1:2:3:4:5:6:7:8::",
      "1:2:3:4:5:6:7:1.2.3.4",
      "::1.2.3.4:5",
      "::1.2.3",
      "::256.1.1.1",
      "[::1]",
  };
  for (const char* s : bad) {
    IpPrefix p;
    EXPECT_FALSE(ParseIpPrefix(s, &p)) << s;
  }
}

TEST(IpTest, ParsedFields) {
  IpPrefix p;
  ASSERT_TRUE(ParseIpPrefix("10.20.30.40/16", &p));
  EXPECT_FALSE(p.v6);
  EXPECT_EQ(p.len, 16);
  EXPECT_EQ(p.addr[0], 10);
  EXPECT_EQ(p.addr[1], 20);
  EXPECT_EQ(p.addr[2], 0);
  EXPECT_EQ(p.addr[3], 0);
  EXPECT_FALSE(p.IsHost());
  ASSERT_TRUE(ParseIpPrefix("2001:db8::1", &p));
  EXPECT_TRUE(p.v6);
  EXPECT_EQ(p.len, 128);
  EXPECT_TRUE(p.IsHost());
  EXPECT_EQ(p.addr[0], 0x20);
  EXPECT_EQ(p.addr[1], 0x01);
  EXPECT_EQ(p.addr[15], 1);
}

IpPrefix P(const char* s) {
  IpPrefix p;
  EXPECT_TRUE(ParseIpPrefix(s, &p)) << s;
  return p;
}

TEST(IpTest, PrefixContains) {
  EXPECT_TRUE(PrefixContains(P("10.0.0.0/8"), P("10.1.2.3")));
  EXPECT_TRUE(PrefixContains(P("10.0.0.0/8"), P("10.255.0.0/16")));
  EXPECT_TRUE(PrefixContains(P("10.0.0.0/8"), P("10.0.0.0/8")));
  EXPECT_FALSE(PrefixContains(P("10.0.0.0/8"), P("11.0.0.1")));
  EXPECT_FALSE(PrefixContains(P("10.0.0.0/16"), P("10.0.0.0/8")));
  EXPECT_TRUE(PrefixContains(P("0.0.0.0/0"), P("203.0.113.9")));
  EXPECT_TRUE(PrefixContains(P("1.2.3.4"), P("1.2.3.4")));
  EXPECT_FALSE(PrefixContains(P("1.2.3.4"), P("1.2.3.5")));
  EXPECT_TRUE(PrefixContains(P("192.168.0.0/23"), P("192.168.1.200")));
  EXPECT_FALSE(PrefixContains(P("192.168.0.0/23"), P("192.168.2.1")));
  EXPECT_TRUE(PrefixContains(P("2001:db8::/32"), P("2001:db8:1::1")));
  EXPECT_FALSE(PrefixContains(P("2001:db8::/32"), P("2001:db9::1")));
  EXPECT_TRUE(PrefixContains(P("::/0"), P("::1")));
  EXPECT_TRUE(PrefixContains(P("2001:db8:8000::/33"), P("2001:db8:ffff::1")));
  EXPECT_FALSE(PrefixContains(P("2001:db8:8000::/33"), P("2001:db8:7fff::1")));
  // Families never mix.
  EXPECT_FALSE(PrefixContains(P("0.0.0.0/0"), P("::1")));
  EXPECT_FALSE(PrefixContains(P("::/0"), P("1.2.3.4")));
  EXPECT_FALSE(PrefixContains(P("1.2.3.0/24"), P("::ffff:1.2.3.4")));
  EXPECT_TRUE(PrefixContains(P("1.2.3.0/24"), UnmapV4(P("::ffff:1.2.3.4"))));
}

TEST(IpTest, UnmapV4) {
  IpPrefix u = UnmapV4(P("::ffff:1.2.3.4"));
  EXPECT_FALSE(u.v6);
  EXPECT_EQ(u.len, 32);
  EXPECT_EQ(FormatIpPrefix(u), "1.2.3.4");
  EXPECT_EQ(u, P("1.2.3.4"));
  EXPECT_EQ(FormatIpPrefix(UnmapV4(P("::ffff:10.0.0.0/104"))), "10.0.0.0/8");
  // Not mapped: returned unchanged.
  EXPECT_EQ(UnmapV4(P("2001:db8::1")), P("2001:db8::1"));
  EXPECT_EQ(UnmapV4(P("::1.2.3.4")), P("::1.2.3.4"));
  EXPECT_EQ(UnmapV4(P("1.2.3.4")), P("1.2.3.4"));
  EXPECT_EQ(UnmapV4(P("::/0")), P("::/0"));
}

TEST(IpTest, FormatIsIdempotent) {
  const char* in[] = {"2001:db8::1", "::ffff:1.2.3.4", "10.0.0.0/8", "fe80::/10",
                      "::",          "1:0:0:1:0:0:0:1"};
  for (const char* s : in) {
    std::string once = Canon(s);
    EXPECT_EQ(Canon(once), once) << s;
  }
}

}  // namespace
}  // namespace sanad::model
