#include "model/canon.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "model/types.h"

namespace sanad::model {
namespace {

// Canonical value of `raw` as `type`, or "!<message>" when rejected.
std::string C(std::string_view type, std::string_view raw) {
  CanonicalValue v;
  Status st = Canonicalise(type, raw, &v);
  if (!st.ok()) return "!" + st.message();
  return v.value;
}

bool Ok(std::string_view type, std::string_view raw) { return C(type, raw)[0] != '!'; }

struct Case {
  const char* type;
  const char* in;
  const char* want;  // canonical value, or "!" + expected error message
};

void RunCases(const Case* begin, const Case* end) {
  for (const Case* c = begin; c != end; ++c) {
    std::string got = C(c->type, c->in);
    EXPECT_EQ(got, c->want) << c->type << " <" << c->in << ">";
    if (got[0] != '!') {
      // Idempotence: the canonical form is its own canonical form.
      EXPECT_EQ(C(c->type, got), got) << c->type << " <" << c->in << ">";
    }
  }
}

TEST(CanonTest, Ip) {
  const Case cases[] = {
      {"ip-dst", "1.2.3.4", "1.2.3.4"},
      {"ip-dst", " 1.2.3.4\n", "1.2.3.4"},
      {"ip-src", "2001:DB8:0:0::1", "2001:db8::1"},
      {"ip-src", "10.1.2.3/8", "10.0.0.0/8"},
      {"ip-src", "10.1.2.3/32", "10.1.2.3"},
      {"ip-dst", "2001:db8::77/64", "2001:db8::/64"},
      {"ip-dst", "2001:db8::77/128", "2001:db8::77"},
      {"ip-dst", "::ffff:C000:0201", "::ffff:192.0.2.1"},
      {"ip-dst", "1.2.3.256", "!not an IPv4 or IPv6 address"},
      {"ip-dst", "010.0.0.1", "!not an IPv4 or IPv6 address"},
      {"ip-dst", "example.com", "!not an IPv4 or IPv6 address"},
      {"ip-dst", "", "!empty value"},
      {"ip-dst", "   ", "!empty value"},
  };
  RunCases(std::begin(cases), std::end(cases));
}

TEST(CanonTest, Hostnames) {
  const Case cases[] = {
      {"domain", "Example.COM", "example.com"},
      {"domain", "example.com.", "example.com"},
      {"domain", "  www.example.com  ", "www.example.com"},
      {"domain", "BÜCHER.example", "xn--bcher-kva.example"},
      {"domain", "bücher.example", "xn--bcher-kva.example"},
      {"domain", "xn--bcher-kva.example", "xn--bcher-kva.example"},
      {"domain", "faß.de", "xn--fa-hia.de"},  // non-transitional (IDNA 2008)
      {"domain", "пример.рф", "xn--e1afmkfd.xn--p1ai"},
      {"domain", "_dmarc.example.com", "_dmarc.example.com"},
      {"domain", "a-b.example", "a-b.example"},
      {"hostname", "mail.Example.org", "mail.example.org"},
      {"hostname", "localhost", "!hostname must contain a dot"},
      {"domain", "example", "!hostname must contain a dot"},
      {"domain", "exa mple.com", "!invalid character in hostname"},
      {"domain", "example..com", "!empty label in hostname"},
      {"domain", ".example.com", "!empty label in hostname"},
      {"domain", "example.com..", "!empty label in hostname"},
      {"domain", "http://example.com", "!invalid character in hostname"},
      {"domain", "1.2.3.4", "!not a valid hostname (numeric top-level label)"},
      {"domain", "", "!empty value"},
  };
  RunCases(std::begin(cases), std::end(cases));
  std::string label63(63, 'a'), label64(64, 'a');
  EXPECT_TRUE(Ok("domain", label63 + ".com"));
  EXPECT_EQ(C("domain", label64 + ".com"), "!hostname label longer than 63 bytes");
  std::string name253 = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                        std::string(63, 'c') + "." + std::string(61, 'd');
  ASSERT_EQ(name253.size(), 253u);
  EXPECT_TRUE(Ok("domain", name253)) << name253.size();
  std::string long_name(250, 'a');
  for (size_t i = 60; i < long_name.size(); i += 60) long_name[i] = '.';
  long_name += ".com";
  EXPECT_EQ(C("domain", long_name), "!hostname longer than 253 bytes");
  std::string out;
  EXPECT_TRUE(CanonicalHostname("WWW.Example.Com.", &out).ok());
  EXPECT_EQ(out, "www.example.com");
}

TEST(CanonTest, Urls) {
  const Case cases[] = {
      {"url", "http://example.com/", "http://example.com/"},
      {"url", "HTTP://Example.COM/Path", "http://example.com/Path"},
      {"url", "http://example.com:80/a", "http://example.com/a"},
      {"url", "https://example.com:443/a", "https://example.com/a"},
      {"url", "ftp://example.com:21/f", "ftp://example.com/f"},
      {"url", "http://example.com:8080/a", "http://example.com:8080/a"},
      {"url", "https://example.com:80/a", "https://example.com:80/a"},
      {"url", "http://example.com:0080/a", "http://example.com/a"},
      {"url", "http://example.com:/a", "http://example.com/a"},
      {"url", "http://example.com:99999/", "!invalid port in URL"},
      {"url", "http://example.com:8x/", "!invalid port in URL"},
      {"url", "http://user:Pass@Example.com/x", "http://user:Pass@example.com/x"},
      {"url", "http://a/b/c/./../../g", "http://a/g"},
      {"url", "http://example.com/a/./b/../c", "http://example.com/a/c"},
      {"url", "http://example.com/%7euser/%2f%41", "http://example.com/~user/%2FA"},
      {"url", "http://example.com/a%2fb", "http://example.com/a%2Fb"},
      {"url", "http://example.com/a/%2E%2e/b", "http://example.com/b"},
      {"url", "http://example.com/../../x", "http://example.com/x"},
      {"url", "http://example.com/a/..", "http://example.com/"},
      {"url", "http://%41@example.com/", "http://A@example.com/"},
      {"url", "http://a@b@example.com/", "http://a%40b@example.com/"},
      {"url", "http://example.com/p?x=../y", "http://example.com/p?x=../y"},
      {"url", "http://example.com/a b", "http://example.com/a%20b"},
      {"url", "http://example.com/100%", "http://example.com/100%25"},
      {"url", "http://example.com/?q=a%3db&x=%7E#Frag", "http://example.com/?q=a%3Db&x=~#Frag"},
      {"url", "http://example.com/p?a=1#x#y", "http://example.com/p?a=1#x%23y"},
      {"url", "http://example.com/ü", "http://example.com/%C3%BC"},
      {"url", "http://BÜCHER.example/ü", "http://xn--bcher-kva.example/%C3%BC"},
      {"url", "http://example.com.:81/", "http://example.com:81/"},
      {"url", "http://[2001:DB8:0::1]:8080/x", "http://[2001:db8::1]:8080/x"},
      {"url", "http://[2001:db8::1]/", "http://[2001:db8::1]/"},
      {"url", "http://192.0.2.1/x", "http://192.0.2.1/x"},
      {"url", "http://example.com", "http://example.com"},
      {"url", "hxxp://evil.example/x", "hxxp://evil.example/x"},
      {"url", "mailto:Abuse@Example.com", "mailto:Abuse@Example.com"},
      {"url", "file:///etc/passwd", "file:///etc/passwd"},
      // scheme-less values
      {"url", "evil.example/path", "evil.example/path"},
      {"url", "Evil.Example/Path/../x", "evil.example/x"},
      {"url", "evil.example:8080/x", "evil.example:8080/x"},
      {"url", "evil.example:80/x", "evil.example:80/x"},
      {"url", "evil.example", "evil.example"},
      {"url", "1.2.3.4:8080/gate.php", "1.2.3.4:8080/gate.php"},
      {"url", "[::1]:80/x", "[::1]:80/x"},
      {"url", "localhost:8080/x", "localhost:8080/x"},
      {"url", "//evil.example/x", "//evil.example/x"},
      {"url", "bücher.example/x", "xn--bcher-kva.example/x"},
      {"link", "https://Blog.example.org/report", "https://blog.example.org/report"},
      // rejected
      {"url", "", "!empty value"},
      {"url", "http://", "!URL has no host"},
      {"url", "http:/path", "!URL has no host"},
      {"url", "http://1.2.3.999/", "!invalid IPv4 address in URL"},
      {"url", "http://[1.2.3.4]/", "!invalid IPv6 literal in URL"},
      {"url", "http://[::1/", "!unterminated IPv6 literal in URL"},
      {"url", "http://exa mple.com/", "!invalid host in URL: invalid character in hostname"},
      {"url", "http://example.com/a\tb", "!URL contains control characters"},
      {"url", "just some words", "!invalid host in URL: invalid character in hostname"},
      {"url", "foo/bar", "!not a URL: no scheme and no domain"},
  };
  RunCases(std::begin(cases), std::end(cases));
}

TEST(CanonTest, Email) {
  const Case cases[] = {
      {"email", "Alice@Example.COM", "alice@example.com"},
      {"email-src", " bob@mail.example.org ", "bob@mail.example.org"},
      {"email-dst", "x@BÜCHER.example", "x@xn--bcher-kva.example"},
      {"email-dst", "first.last+tag@example.com", "first.last+tag@example.com"},
      {"email-reply-to", "r@example.com", "r@example.com"},
      {"whois-registrant-email", "W@Example.net", "w@example.net"},
      {"email", "no-at-sign.example.com", "!not an email address"},
      {"email", "@example.com", "!not an email address"},
      {"email", "user@", "!not an email address"},
      {"email", "a b@example.com", "!not an email address"},
      {"email", "Name <a@example.com>", "!not an email address"},
      {"email-src", "user@localhost", "!invalid email domain: hostname must contain a dot"},
      {"email-dst", "", "!empty value"},
  };
  RunCases(std::begin(cases), std::end(cases));
}

TEST(CanonTest, Hashes) {
  const std::string md5 = "d41d8cd98f00b204e9800998ecf8427e";
  const std::string sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  const std::string sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const std::string sha512(128, 'a');
  std::string upper = md5;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  EXPECT_EQ(C("md5", upper), md5);
  EXPECT_EQ(C("md5", " " + md5 + " "), md5);
  EXPECT_EQ(C("md5", md5.substr(1)), "!md5 must be 32 hex digits");
  EXPECT_EQ(C("md5", md5 + "0"), "!md5 must be 32 hex digits");
  EXPECT_EQ(C("md5", "z" + md5.substr(1)), "!md5 must be 32 hex digits");
  EXPECT_EQ(C("md5", ""), "!empty value");
  EXPECT_EQ(C("sha1", sha1), sha1);
  EXPECT_EQ(C("sha1", md5), "!sha1 must be 40 hex digits");
  EXPECT_EQ(C("sha256", sha256), sha256);
  EXPECT_EQ(C("sha256", sha1), "!sha256 must be 64 hex digits");
  EXPECT_EQ(C("sha512", sha512), sha512);
  EXPECT_EQ(C("sha512", sha256), "!sha512 must be 128 hex digits");
  EXPECT_EQ(C("sha224", std::string(56, 'B')), std::string(56, 'b'));
  EXPECT_EQ(C("sha384", std::string(96, 'c')), std::string(96, 'c'));
  EXPECT_EQ(C("sha512/224", std::string(56, 'd')), std::string(56, 'd'));
  EXPECT_EQ(C("sha512/256", std::string(64, 'e')), std::string(64, 'e'));
  EXPECT_EQ(C("sha512/256", std::string(56, 'e')), "!sha512/256 must be 64 hex digits");
  EXPECT_EQ(C("imphash", upper), md5);
  EXPECT_EQ(C("imphash", sha1), "!imphash must be 32 hex digits");
  EXPECT_EQ(C("authentihash", sha256), sha256);
  EXPECT_EQ(C("ja3-fingerprint-md5", md5), md5);
  EXPECT_EQ(C("ja3-fingerprint-md5", "771,4865-4866,0-23"),
            "!ja3-fingerprint-md5 must be 32 hex digits");
  EXPECT_EQ(C("hassh-md5", md5), md5);
  EXPECT_EQ(C("x509-fingerprint-sha1", sha1), sha1);
  EXPECT_EQ(C("x509-fingerprint-sha1", "DA:39:A3"), "!x509-fingerprint-sha1 must be 40 hex digits");
  EXPECT_EQ(C("x509-fingerprint-sha256", sha256), sha256);
  EXPECT_EQ(C("x509-fingerprint-sha256", md5), "!x509-fingerprint-sha256 must be 64 hex digits");
  EXPECT_EQ(C("x509-fingerprint-md5", md5), md5);

  std::string out;
  EXPECT_TRUE(CanonicalHash("ABCDEF", 6, &out).ok());
  EXPECT_EQ(out, "abcdef");
  EXPECT_FALSE(CanonicalHash("ABCDEF", 8, &out).ok());
}

TEST(CanonTest, Ssdeep) {
  const Case cases[] = {
      {"ssdeep",
       "96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrJzrhuyZvHYm8tKp/"
       "RWO",
       "96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrJzrhuyZvHYm8tKp/"
       "RWO"},
      {"ssdeep", " 3:a+b:c ", "3:a+b:c"},
      {"ssdeep", "x:abc:def", "!not an ssdeep hash (blocksize:hash:hash)"},
      {"ssdeep", "3:abc", "!not an ssdeep hash (blocksize:hash:hash)"},
      {"ssdeep", "3:ab c:def", "!not an ssdeep hash (blocksize:hash:hash)"},
      {"ssdeep", "3:abc:def:ghi", "!not an ssdeep hash (blocksize:hash:hash)"},
  };
  RunCases(std::begin(cases), std::end(cases));
}

TEST(CanonTest, Composites) {
  const std::string md5 = "d41d8cd98f00b204e9800998ecf8427e";
  const std::string sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  const std::string sha256 = std::string(64, 'a');
  CanonicalValue v;
  ASSERT_TRUE(Canonicalise("ip-dst|port", "2001:DB8::1|0443", &v).ok());
  EXPECT_EQ(v.value, "2001:db8::1|443");
  EXPECT_EQ(v.part1, "2001:db8::1");
  EXPECT_EQ(v.part2, "443");
  ASSERT_TRUE(Canonicalise("filename|md5", "evil|name.exe|" + md5, &v).ok());
  EXPECT_EQ(v.part1, "evil|name.exe");  // split on the last '|'
  EXPECT_EQ(v.part2, md5);
  ASSERT_TRUE(Canonicalise("regkey|value", "HKLM\\Software\\Run|cmd.exe /c a|b", &v).ok());
  EXPECT_EQ(v.part1, "hklm\\software\\run");  // split on the first '|'
  EXPECT_EQ(v.part2, "cmd.exe /c a|b");
  ASSERT_TRUE(Canonicalise("domain", "Example.com", &v).ok());
  EXPECT_EQ(v.part1, "example.com");
  EXPECT_EQ(v.part2, "");

  const Case cases[] = {
      {"ip-src|port", "1.2.3.4|80", "1.2.3.4|80"},
      {"ip-src|port", " 1.2.3.4 | 80 ", "1.2.3.4|80"},
      {"ip-dst|port", "1.2.3.4|65536", "!second part: port must be 0..65535"},
      {"ip-dst|port", "1.2.3.4:80", "!ip-dst|port value must be two parts separated by '|'"},
      {"ip-dst|port", "example.com|80", "!first part: not an IPv4 or IPv6 address"},
      {"ip-dst|port", "", "!empty value"},
      {"hostname|port", "Mail.Example.com|25", "mail.example.com|25"},
      {"hostname|port", "mail.example.com|smtp", "!second part: port must be 0..65535"},
      {"domain|ip", "Example.com|192.0.2.1", "example.com|192.0.2.1"},
      {"domain|ip", "example.com|example.org", "!second part: not an IPv4 or IPv6 address"},
      {"domain|ip", "example.com", "!domain|ip value must be two parts separated by '|'"},
      {"filename|md5", "a.exe|D41D8CD98F00B204E9800998ECF8427E",
       "a.exe|d41d8cd98f00b204e9800998ecf8427e"},
      {"filename|md5", "a.exe|1234", "!second part: md5 must be 32 hex digits"},
      {"filename|md5", "|d41d8cd98f00b204e9800998ecf8427e", "!first part: empty value"},
      {"filename|sha1", "a.exe|DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
       "a.exe|da39a3ee5e6b4b0d3255bfef95601890afd80709"},
      {"filename|sha1", "a.exe|d41d8cd98f00b204e9800998ecf8427e",
       "!second part: sha1 must be 40 hex digits"},
      {"filename|sha256",
       "C:\\x\\a b.dll|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
       "C:\\x\\a b.dll|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
      {"filename|sha256", "a.dll|zz", "!second part: sha256 must be 64 hex digits"},
      {"filename|sha512", "a|bb", "!second part: sha512 must be 128 hex digits"},
      {"filename|imphash", "a.exe|d41d8cd98f00b204e9800998ecf8427e",
       "a.exe|d41d8cd98f00b204e9800998ecf8427e"},
      {"filename|ssdeep", "a.exe|3:abc:def", "a.exe|3:abc:def"},
      {"filename|ssdeep", "a.exe|nope", "!second part: not an ssdeep hash (blocksize:hash:hash)"},
      {"malware-sample", "a.exe|D41D8CD98F00B204E9800998ECF8427E",
       "a.exe|d41d8cd98f00b204e9800998ecf8427e"},
      {"regkey|value", "HKCU\\Run|Evil", "hkcu\\run|Evil"},
      {"regkey|value", "HKCU\\Run", "!regkey|value value must be two parts separated by '|'"},
  };
  RunCases(std::begin(cases), std::end(cases));
  (void)sha1;
  (void)sha256;
}

TEST(CanonTest, OtherKinds) {
  const Case cases[] = {
      // AS
      {"AS", "AS64500", "AS64500"},
      {"AS", "as64500", "AS64500"},
      {"AS", "64500", "AS64500"},
      {"AS", " As13335 ", "AS13335"},
      {"AS", "AS4294967295", "AS4294967295"},
      {"AS", "AS4294967296", "!not an AS number (AS0..AS4294967295)"},
      {"AS", "ASN64500", "!not an AS number (AS0..AS4294967295)"},
      {"AS", "AS", "!not an AS number (AS0..AS4294967295)"},
      // vulnerability
      {"vulnerability", "cve-2021-44228", "CVE-2021-44228"},
      {"vulnerability", " CVE-2014-0160 ", "CVE-2014-0160"},
      {"vulnerability", "CVE-2021-1234567", "CVE-2021-1234567"},
      {"vulnerability", "MS17-010", "MS17-010"},
      {"vulnerability", "cve-21-1", "cve-21-1"},  // not a CVE id: kept
      {"vulnerability", "", "!empty value"},
      // port / size
      {"port", "443", "443"},
      {"port", "0", "0"},
      {"port", "00080", "80"},
      {"port", "65535", "65535"},
      {"port", "65536", "!port must be 0..65535"},
      {"port", "-1", "!port must be 0..65535"},
      {"port", "http", "!port must be 0..65535"},
      {"size-in-bytes", "1024", "1024"},
      {"size-in-bytes", "000", "0"},
      {"size-in-bytes", "18446744073709551615", "18446744073709551615"},
      {"size-in-bytes", "18446744073709551616", "!not a non-negative integer"},
      {"size-in-bytes", "1.5", "!not a non-negative integer"},
      {"size-in-bytes", "-3", "!not a non-negative integer"},
      // mac
      {"mac-address", "00:1A:2b:3C:4d:5E", "00:1a:2b:3c:4d:5e"},
      {"mac-address", "00-1A-2B-3C-4D-5E", "00:1a:2b:3c:4d:5e"},
      {"mac-address", "001a.2b3c.4d5e", "00:1a:2b:3c:4d:5e"},
      {"mac-address", "001A2B3C4D5E", "00:1a:2b:3c:4d:5e"},
      {"mac-address", "00:1a-2b:3c:4d:5e", "!not a MAC address"},
      {"mac-address", "00:1a:2b:3c:4d", "!not a MAC address"},
      {"mac-address", "00:1a:2b:3c:4d:5g", "!not a MAC address"},
      // btc
      {"btc", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"},
      {"btc", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"},
      {"btc", "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
       "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
      {"btc", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
       "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
      {"btc", "1BoatSLRHtKNngkdXEeobR76b53LETtpy0", "!not a bitcoin address"},  // '0' not base58
      {"btc", "Bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "!not a bitcoin address"},
      {"btc", "0x52908400098527886E0F7030069857D2E4169EE7", "!not a bitcoin address"},
      // regkey
      {"regkey", "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
       "hklm\\software\\microsoft\\windows\\currentversion\\run"},
      {"regkey", "  HKCU\\X  ", "hkcu\\x"},
      {"regkey", " ", "!empty value"},
      // uri
      {"uri", " /wp-admin/x.php?a=B ", "/wp-admin/x.php?a=B"},
      {"uri", "", "!empty value"},
  };
  RunCases(std::begin(cases), std::end(cases));
}

TEST(CanonTest, OpaqueAndTextKeptExactly) {
  const char* types[] = {"text",       "comment",       "other",          "yara",
                         "snort",      "sigma",         "filename",       "mutex",
                         "user-agent", "email-subject", "pattern-in-file"};
  const std::string raw = "  Keep \tTHIS|exactly\n  ";
  for (const char* t : types) {
    CanonicalValue v;
    ASSERT_TRUE(Canonicalise(t, raw, &v).ok()) << t;
    EXPECT_EQ(v.value, raw) << t;
    EXPECT_EQ(v.part1, raw) << t;
    EXPECT_EQ(v.part2, "") << t;
    EXPECT_EQ(C(t, ""), "!empty value") << t;
    EXPECT_EQ(C(t, " \n\t "), "!empty value") << t;
  }
  // Unmodelled known types: opaque, but never empty.
  EXPECT_EQ(C("pdb", "C:\\Build\\X.pdb"), "C:\\Build\\X.pdb");
  EXPECT_EQ(C("pdb", ""), "!empty value");
  CanonicalValue v;
  ASSERT_TRUE(Canonicalise("filename|tlsh", "a|b|T1ABC", &v).ok());
  EXPECT_EQ(v.value, "a|b|T1ABC");
  EXPECT_EQ(v.part1, "a|b");
  EXPECT_EQ(v.part2, "T1ABC");
}

TEST(CanonTest, UnknownTypesAreOpaque) {
  CanonicalValue v;
  ASSERT_TRUE(Canonicalise("no-such-type", " Anything|Goes ", &v).ok());
  EXPECT_EQ(v.value, " Anything|Goes ");
  EXPECT_EQ(v.part1, " Anything|Goes ");
  EXPECT_EQ(v.part2, "");
  EXPECT_TRUE(Canonicalise("no-such-type", "", &v).ok());
  // "cve" is not a MISP type (MISP uses "vulnerability"): kept as received.
  EXPECT_EQ(C("cve", "cve-2021-44228"), "cve-2021-44228");
}

TEST(CanonTest, MaxValueBytes) {
  std::string big(kMaxValueBytes, 'x');
  EXPECT_TRUE(Ok("text", big));
  big.push_back('x');
  CanonicalValue v;
  Status st = Canonicalise("text", big, &v);
  EXPECT_EQ(st.code(), Status::Code::kLimit);
  EXPECT_EQ(Canonicalise("no-such-type", big, &v).code(), Status::Code::kLimit);
}

// Every one of the modelled types named in the design, with one valid and
// one invalid value.
TEST(CanonTest, EveryModelledTypeHasValidAndInvalidExample) {
  const std::string md5 = "d41d8cd98f00b204e9800998ecf8427e";
  const std::string sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  const std::string sha256(64, 'f');
  struct Ex {
    const char* type;
    std::string good;
    std::string bad;
  };
  const Ex examples[] = {
      {"ip-src", "192.0.2.1", "192.0.2"},
      {"ip-dst", "2001:db8::1", "2001:db8:::1"},
      {"ip-src|port", "192.0.2.1|80", "192.0.2.1|x"},
      {"ip-dst|port", "192.0.2.1|80", "192.0.2.1"},
      {"domain", "example.com", "example"},
      {"hostname", "www.example.com", "www example com"},
      {"domain|ip", "example.com|192.0.2.1", "example.com|"},
      {"url", "http://example.com/x", "http://"},
      {"uri", "/x/y", " "},
      {"link", "https://example.com/report", "https://exa mple.com/"},
      {"email", "a@example.com", "a.example.com"},
      {"email-src", "a@example.com", "a@"},
      {"email-dst", "a@example.com", "@example.com"},
      {"email-subject", "Invoice", ""},
      {"md5", md5, sha1},
      {"sha1", sha1, md5},
      {"sha256", sha256, md5},
      {"sha512", std::string(128, '0'), sha256},
      {"ssdeep", "3:abc:def", "abc"},
      {"imphash", md5, "xyz"},
      {"filename", "a.exe", ""},
      {"filename|md5", "a.exe|" + md5, "a.exe|" + sha1},
      {"filename|sha1", "a.exe|" + sha1, "a.exe|" + md5},
      {"filename|sha256", "a.exe|" + sha256, "a.exe"},
      {"mutex", "Global\\x", ""},
      {"regkey", "HKLM\\X", ""},
      {"regkey|value", "HKLM\\X|1", "HKLM\\X"},
      {"AS", "AS1", "ASX"},
      {"user-agent", "Mozilla/5.0", ""},
      {"ja3-fingerprint-md5", md5, "771,4865"},
      {"vulnerability", "CVE-2021-44228", ""},
      {"btc", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "1Boat"},
      {"mac-address", "00:11:22:33:44:55", "00:11:22:33:44"},
      {"port", "22", "70000"},
      {"size-in-bytes", "10", "ten"},
      {"x509-fingerprint-sha1", sha1, md5},
      {"x509-fingerprint-sha256", sha256, sha1},
      {"yara", "rule x { condition: true }", ""},
      {"snort", "alert tcp any any -> any any (msg:\"x\";)", ""},
      {"sigma", "title: x", ""},
      {"pattern-in-file", "MZ", ""},
      {"text", "t", ""},
      {"comment", "c", ""},
      {"other", "o", ""},
  };
  std::set<std::string> seen;
  for (const Ex& e : examples) {
    const TypeInfo* info = FindType(e.type);
    ASSERT_NE(info, nullptr) << e.type;
    EXPECT_TRUE(info->modelled) << e.type;
    EXPECT_TRUE(Ok(e.type, e.good)) << e.type << " " << C(e.type, e.good);
    EXPECT_FALSE(Ok(e.type, e.bad)) << e.type << " <" << e.bad << ">";
    seen.insert(e.type);
  }
  EXPECT_EQ(seen.size(), 44u);  // the 45 named types less "cve", which MISP does not have
  EXPECT_EQ(FindType("cve"), nullptr);
}

TEST(CanonTest, GuessType) {
  struct G {
    const char* in;
    const char* want;
  };
  const std::string s512(128, 'a');
  const G cases[] = {
      {"1.2.3.4", "ip-dst"},
      {"2001:db8::1", "ip-dst"},
      {"10.0.0.0/8", "ip-dst"},
      {"example.com", "domain"},
      {"www.Example.co.uk", "domain"},
      {"http://example.com/x", "url"},
      {"example.com/path", "url"},
      {"a@example.com", "email"},
      {"d41d8cd98f00b204e9800998ecf8427e", "md5"},
      {"da39a3ee5e6b4b0d3255bfef95601890afd80709", "sha1"},
      {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256"},
      {s512.c_str(), "sha512"},
      {"CVE-2021-44228", "vulnerability"},
      {"AS64500", "AS"},
      {"00:11:22:33:44:55", "mac-address"},
      {"3:abc:def", "ssdeep"},
      {"invoice.pdf", "filename"},
      {"evil.exe", "filename"},
      {"1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "btc"},
      {"hello world", "text"},
      {"", "text"},
      {"x", "text"},
  };
  for (const G& g : cases) EXPECT_EQ(GuessType(g.in), g.want) << g.in;
}

}  // namespace
}  // namespace sanad::model
