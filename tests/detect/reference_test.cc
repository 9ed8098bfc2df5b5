// Property test: a deliberately simple reference matcher (string copies,
// model:: canonicalisers, brute force over every indicator, no prefilters,
// no tables) agrees with the fast path on large random inputs, through
// MatchBuffer and through the parallel MatchStream with small chunks.
//
// The reference follows the extraction rules of docs/detect.md literally:
// tokens are maximal runs of [A-Za-z0-9._:-] and bytes >= 0x80, split at the
// listed Unicode separators; "scheme://" starts a URL; tokens of hex digits,
// ':' and '.' with two or more ':' are IPv6 candidates; other tokens are
// split at ':' into words; a word yields hashes (alphanumeric runs of a hash
// length, all hex), and when it contains a '.' (outer dots removed) an IPv4
// address or a hostname; a hostname right after '@' with a local part before
// it is an e-mail address.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include "detect_test_util.h"
#include "model/ip.h"
#include "util/util.h"

namespace sanad::detect::testing {
namespace {

struct RefIndicator {
  int64_t attribute_id;
  std::string type;
  std::string value;  // canonical
};

using RefHit = std::tuple<uint64_t, uint64_t, std::string, int64_t, std::string>;

bool TokChar(unsigned char c) {
  return std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == ':' || c >= 0x80;
}

const std::vector<std::string>& Separators() {
  static const std::vector<std::string> s = [] {
    std::vector<std::string> v = {"\xC2\xA0",     "\xC2\xAB",     "\xC2\xBB",
                                  "\xE2\x80\xA6", "\xE3\x80\x80", "\xE3\x80\x81",
                                  "\xEF\xBC\x88", "\xEF\xBC\x89", "\xEF\xBC\x8C"};
    for (int c = 0x80; c <= 0x8B; ++c) v.push_back(std::string("\xE2\x80") + static_cast<char>(c));
    for (int c = 0x98; c <= 0x9F; ++c) v.push_back(std::string("\xE2\x80") + static_cast<char>(c));
    for (int c = 0x8C; c <= 0x8F; ++c) v.push_back(std::string("\xE3\x80") + static_cast<char>(c));
    return v;
  }();
  return s;
}

// Reference URL key: scheme http/https/none and userinfo do not matter, an
// empty path is "/".
std::string RefUrlKey(const std::string& canonical) {
  std::string c = canonical;
  std::string scheme;
  for (const char* p : {"http://", "https://", "//"}) {
    if (c.rfind(p, 0) == 0) {
      c = c.substr(strlen(p));
      break;
    }
  }
  size_t sep = c.find("://");
  if (sep != std::string::npos && c.find_first_of("/?#") > sep) {
    scheme = c.substr(0, sep + 3);
    c = c.substr(sep + 3);
  }
  size_t end = c.find_first_of("/?#");
  std::string auth = c.substr(0, end);
  std::string rest = end == std::string::npos ? "" : c.substr(end);
  if (auth.find('@') != std::string::npos) auth = auth.substr(auth.rfind('@') + 1);
  if (rest.empty() || rest[0] != '/') rest = "/" + rest;
  return scheme + auth + rest;
}

class Reference {
 public:
  explicit Reference(std::vector<RefIndicator> inds) : inds_(std::move(inds)) {}

  std::vector<RefHit> Match(const std::string& text) {
    hits_.clear();
    size_t pos = 0;
    uint64_t line = 1;
    while (pos <= text.size()) {
      size_t nl = text.find('\n', pos);
      std::string l = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      line_ = line;
      base_ = pos;
      Line(l);
      if (nl == std::string::npos) break;
      pos = nl + 1;
      ++line;
    }
    return hits_;
  }

 private:
  void Add(size_t s, size_t e, const char* kind, const RefIndicator& ind) {
    hits_.emplace_back(line_, base_ + s, kind, ind.attribute_id, l_.substr(s, e - s));
  }
  static std::string KindOf(const std::string& type) {
    if (type == "ip-dst" || type == "ip-src") return "ip";
    if (type == "domain") return "domain";
    if (type == "hostname") return "hostname";
    if (type == "url") return "url";
    if (type == "email-src" || type == "email-dst") return "email";
    return "hash";
  }

  void Line(const std::string& l) {
    l_ = l;
    size_t i = 0;
    while (i < l.size()) {
      if (!TokChar(l[i])) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < l.size() && TokChar(l[j])) ++j;
      // Split at Unicode separators.
      size_t resume = j, k = i, start = i;
      while (k <= j) {
        size_t sep_len = 0;
        if (k < j) {
          for (const auto& s : Separators()) {
            if (l.compare(k, s.size(), s) == 0 && k + s.size() <= j) sep_len = s.size();
          }
        }
        if (k == j || sep_len > 0) {
          if (k > start) resume = std::max(resume, Token(start, k));
          if (k == j) break;
          k += sep_len;
          start = k;
        } else {
          ++k;
        }
      }
      i = resume;
    }
  }

  size_t Token(size_t s, size_t e) {
    std::string tok = l_.substr(s, e - s);
    if (tok.back() == ':' && l_.compare(e, 2, "//") == 0) {
      size_t ss = e - 1;
      while (ss > s && (std::isalnum(static_cast<unsigned char>(l_[ss - 1])) || l_[ss - 1] == '+' ||
                        l_[ss - 1] == '-' || l_[ss - 1] == '.'))
        --ss;
      while (ss < e - 1 && !std::isalpha(static_cast<unsigned char>(l_[ss]))) ++ss;
      if (ss < e - 1) {
        if (ss > s) Colon(s, ss);
        return Url(ss, e - 1);
      }
    }
    Colon(s, e);
    return e;
  }

  void Colon(size_t s, size_t e) {
    std::string tok = l_.substr(s, e - s);
    if (tok.find(':') == std::string::npos) {
      Word(s, e);
      return;
    }
    if (tok.find_first_not_of("0123456789abcdefABCDEF:.") == std::string::npos &&
        std::count(tok.begin(), tok.end(), ':') >= 2) {
      std::string a = tok;
      if (a.size() >= 2 && a.back() == ':' && a[a.size() - 2] != ':') a.pop_back();
      model::IpPrefix p;
      if (model::ParseIpPrefix(a, &p)) {
        Ip(p, s, s + a.size(), "exact", "cidr");
        return;
      }
    }
    size_t i = s;
    while (i < e) {
      size_t j = l_.find(':', i);
      if (j == std::string::npos || j > e) j = e;
      if (j > i) Word(i, j);
      i = j + 1;
    }
  }

  void Ip(model::IpPrefix p, size_t s, size_t e, const char* exact, const char* cidr) {
    p = model::UnmapV4(p);
    for (const auto& ind : inds_) {
      if (KindOf(ind.type) != "ip") continue;
      model::IpPrefix q;
      ASSERT_TRUE(model::ParseIpPrefix(ind.value, &q));
      q = model::UnmapV4(q);
      if (model::PrefixContains(q, p)) Add(s, e, q.IsHost() ? exact : cidr, ind);
    }
  }

  void Host(const std::string& h, size_t s, size_t e, const char* exact, const char* sub) {
    for (const auto& ind : inds_) {
      std::string k = KindOf(ind.type);
      if (k != "domain" && k != "hostname") continue;
      if (h == ind.value) {
        Add(s, e, exact, ind);
      } else if (k == "domain" && h.size() > ind.value.size() &&
                 h.compare(h.size() - ind.value.size() - 1, std::string::npos, "." + ind.value) ==
                     0) {
        Add(s, e, sub, ind);
      }
    }
  }

  void Word(size_t s, size_t e) {
    std::string w = l_.substr(s, e - s);
    // Hashes: alphanumeric runs.
    for (size_t i = 0; i < w.size();) {
      if (!std::isalnum(static_cast<unsigned char>(w[i]))) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < w.size() && std::isalnum(static_cast<unsigned char>(w[j]))) ++j;
      std::string run = util::ToLower(w.substr(i, j - i));
      if (run.find_first_not_of("0123456789abcdef") == std::string::npos) {
        for (const auto& ind : inds_) {
          if (KindOf(ind.type) == "hash" && ind.value == run) Add(s + i, s + j, "exact", ind);
        }
      }
      i = j;
    }
    if (w.find('.') == std::string::npos) return;
    size_t a = w.find_first_not_of('.'), b = w.find_last_not_of('.');
    if (a == std::string::npos) return;
    w = w.substr(a, b - a + 1);
    s += a;
    e = s + w.size();
    if (w.size() < 3) return;
    if (w.find_first_not_of("0123456789.") == std::string::npos) {
      model::IpPrefix p;
      if (w.find('/') == std::string::npos && model::ParseIpPrefix(w, &p) && !p.v6)
        Ip(p, s, e, "exact", "cidr");
      return;
    }
    std::string h;
    if (!model::CanonicalHostname(w, &h).ok()) return;
    if (s > 0 && l_[s - 1] == '@') {
      size_t j = s - 1;
      while (j > 0 && (std::isalnum(static_cast<unsigned char>(l_[j - 1])) ||
                       std::string("._%+-").find(l_[j - 1]) != std::string::npos))
        --j;
      while (j < s - 1 && l_[j] == '.') ++j;
      if (j < s - 1 && s - 1 - j <= 64) {
        std::string email;
        if (model::CanonicalEmail(l_.substr(j, e - j), &email).ok()) {
          for (const auto& ind : inds_) {
            if (KindOf(ind.type) == "email" && ind.value == email) Add(j, e, "exact", ind);
          }
        }
        Host(h, j, e, "email-domain", "email-domain");
        return;
      }
    }
    Host(h, s, e, "exact", "subdomain");
  }

  size_t Url(size_t ss, size_t colon) {
    size_t a = colon + 3;
    size_t ue = a;
    while (ue < l_.size() && static_cast<unsigned char>(l_[ue]) > 0x20 && l_[ue] != 0x7f &&
           std::string("\"'<>`\\^{}|").find(l_[ue]) == std::string::npos)
      ++ue;
    std::string whole = l_.substr(ss, ue - ss);
    while (ue > a) {
      char c = l_[ue - 1];
      if (std::string(".,;:!?").find(c) != std::string::npos ||
          (c == ')' && whole.find('(') == std::string::npos) ||
          (c == ']' && whole.find('[') == std::string::npos)) {
        --ue;
        continue;
      }
      break;
    }
    std::string url = l_.substr(ss, ue - ss);
    size_t ae = l_.find_first_of("/?#", a);
    if (ae == std::string::npos || ae > ue) ae = ue;
    if (ae == a) return colon + 1;
    std::string auth = l_.substr(a, ae - a);
    std::string host = auth.substr(auth.find('@') == std::string::npos ? 0 : auth.rfind('@') + 1);
    if (host.empty()) return ae;
    // Exact URL.
    std::string canon;
    bool host_ok = false;
    model::IpPrefix ip;
    bool is_ip = false;
    std::string hname;
    if (host[0] == '[') {
      size_t close = host.find(']');
      if (close == std::string::npos) return ae;
      std::string lit = host.substr(1, close - 1);
      if (lit.find('/') != std::string::npos || !model::ParseIpPrefix(lit, &ip) || !ip.v6)
        return ae;
      is_ip = host_ok = true;
    } else {
      std::string hn = host.substr(0, host.find(':'));
      if (!hn.empty() && hn.back() == '.') hn.pop_back();
      if (hn.empty()) return ae;
      if (std::isdigit(static_cast<unsigned char>(hn.back())) &&
          hn.find_first_not_of("0123456789.") == std::string::npos) {
        if (!model::ParseIpPrefix(hn, &ip) || ip.v6) return ae;
        is_ip = host_ok = true;
      } else {
        std::string lower = util::ToLower(hn);
        if (hn.find('.') != std::string::npos) {
          host_ok = model::CanonicalHostname(hn, &hname).ok();
        } else {
          host_ok = lower.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") ==
                    std::string::npos;
          hname = lower;
        }
        if (!host_ok) return ae;
      }
    }
    if (host_ok && model::CanonicalUrl(url, &canon).ok()) {
      for (const auto& ind : inds_) {
        if (KindOf(ind.type) == "url" && RefUrlKey(ind.value) == RefUrlKey(canon))
          Add(ss, ue, "exact", ind);
      }
    }
    if (is_ip) {
      Ip(ip, ss, ue, "url-host", "url-host");
    } else if (hname.find('.') != std::string::npos) {
      Host(hname, ss, ue, "url-host", "url-host");
    }
    return ae;
  }

  std::vector<RefIndicator> inds_;
  std::vector<RefHit> hits_;
  std::string l_;
  uint64_t line_ = 0, base_ = 0;
};

// ---- random data -------------------------------------------------------------

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  size_t N(size_t n) { return rng_() % n; }
  bool P(int percent) { return N(100) < static_cast<size_t>(percent); }
  std::string Label() {
    static const char* kSyl[] = {"ka",  "lo",  "mi",  "evil", "c2", "x",
                                 "net", "sec", "dat", "q-1",  "b_2"};
    std::string s;
    for (size_t k = 0, n = 1 + N(3); k < n; ++k) s += kSyl[N(11)];
    return s;
  }
  std::string Domain() {
    static const char* kTld[] = {"com", "example", "test", "org", "io", "xn--p1ai"};
    std::string s = Label();
    if (P(40)) s = Label() + "." + s;
    return s + "." + kTld[N(6)];
  }
  std::string V4() {
    return std::to_string(N(4) == 0 ? 10 : 192) + "." + std::to_string(N(3)) + "." +
           std::to_string(N(4)) + "." + std::to_string(N(256));
  }
  std::string V6() {
    static const char* kPre[] = {"2001:db8:", "2001:db8:1:", "fe80::"};
    std::string s = kPre[N(3)];
    char buf[16];
    snprintf(buf, sizeof buf, "%x", static_cast<unsigned>(N(4)));
    return s + (s.back() == ':' && s[s.size() - 2] != ':' ? ":" : "") + buf;
  }
  std::string Hex(size_t n) {
    std::string s;
    for (size_t k = 0; k < n; ++k) s += "0123456789abcdef"[N(N(5) == 0 ? 16 : 3)];
    return s;
  }
  std::string Case(std::string s) {
    for (char& c : s) {
      if (P(30)) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return s;
  }

  std::mt19937 rng_;
};

std::string Perturb(Gen& g, const store::IndexRow& r) {
  const std::string& v = r.canonical1;
  if (r.type == "ip-dst" || r.type == "ip-src") {
    model::IpPrefix p;
    model::ParseIpPrefix(v, &p);
    if (!p.IsHost()) {  // an address inside (or just outside) the CIDR
      int bytes = p.v6 ? 16 : 4;
      for (int b = 0; b < bytes; ++b) {
        if (b * 8 >= p.len)
          p.addr[b] = static_cast<uint8_t>(g.P(50) ? (g.P(50) ? 0 : 255) : g.N(256));
      }
      if (g.P(20)) {
        int last = (p.len - 1) / 8;
        p.addr[last] ^= static_cast<uint8_t>(1u << (7 - (p.len - 1) % 8));
      }
      p.len = p.v6 ? 128 : 32;
    }
    std::string s = model::FormatIpPrefix(p);
    if (!p.v6 && g.P(15)) return "::ffff:" + s;
    if (p.v6 && g.P(30)) return g.Case(s);
    if (p.v6 && g.P(20)) {  // full form
      char buf[64];
      snprintf(buf, sizeof buf, "%x:%x:%x:%x:%x:%x:%x:%x", p.addr[0] << 8 | p.addr[1],
               p.addr[2] << 8 | p.addr[3], p.addr[4] << 8 | p.addr[5], p.addr[6] << 8 | p.addr[7],
               p.addr[8] << 8 | p.addr[9], p.addr[10] << 8 | p.addr[11],
               p.addr[12] << 8 | p.addr[13], p.addr[14] << 8 | p.addr[15]);
      return buf;
    }
    return s;
  }
  if (r.type == "domain" || r.type == "hostname") {
    std::string s = v;
    if (s == "xn--bcher-kva.example" && g.P(50)) s = "bücher.example";
    if (g.P(30)) s = g.Label() + "." + s;
    if (g.P(10)) s = s.substr(s.find('.') + 1);
    if (g.P(15)) s += ".";
    return g.Case(s);
  }
  if (r.type == "url") {
    std::string s = v;
    size_t sep = s.find("://");
    std::string scheme = s.substr(0, sep);
    std::string rest = s.substr(sep + 3);
    if (g.P(20)) rest = "user:pw@" + rest;
    if (g.P(20) && scheme == "http") rest.insert(rest.find('/'), ":80");
    if (g.P(20)) rest.insert(rest.find('/') + 1, "%7e");
    if (g.P(10)) rest.insert(rest.find('/'), ".evil.test");
    return g.Case(scheme) + "://" + rest;
  }
  if (r.type == "email-src") {
    std::string s = v;
    if (g.P(30)) s = "x" + s;
    if (g.P(20)) s.insert(s.find('@') + 1, "mail.");
    return g.Case(s);
  }
  std::string s = v;  // hash
  if (g.P(10)) s.pop_back();
  return g.P(50) ? g.Case(s) : s;
}

TEST(ReferenceTest, FastPathAgreesWithReferenceOnRandomInput) {
  Gen g(20240601);
  std::vector<store::IndexRow> rows;
  std::vector<RefIndicator> refs;
  int64_t id = 0;
  auto add = [&](const std::string& type, const std::string& raw) {
    model::CanonicalValue cv;
    if (!model::Canonicalise(type, raw, &cv).ok()) return;
    rows.push_back(Row(++id, type, raw));
    refs.push_back({id, type, cv.part1});
  };
  for (int i = 0; i < 60; ++i) add("domain", g.Domain());
  for (int i = 0; i < 30; ++i) add("hostname", g.Domain());
  add("domain", "bücher.example");
  for (int i = 0; i < 60; ++i) add("ip-dst", g.V4());
  for (int i = 0; i < 25; ++i) add("ip-src", g.V4() + "/" + std::to_string(8 + g.N(24)));
  for (int i = 0; i < 20; ++i) add("ip-dst", g.V6());
  for (int i = 0; i < 10; ++i) add("ip-dst", g.V6() + "/" + std::to_string(32 + g.N(96)));
  add("ip-dst", "::ffff:192.1.2.3");
  for (int i = 0; i < 30; ++i) {
    std::string scheme = g.P(50) ? "http" : "https";
    add("url", scheme + "://" + g.Domain() + (g.P(20) ? ":8080" : "") + "/" + g.Label() +
                   (g.P(30) ? "/a%41b" : "") + (g.P(30) ? "?q=" + g.Label() : ""));
  }
  for (int i = 0; i < 5; ++i) add("url", "http://192.0." + std::to_string(g.N(3)) + ".7/p");
  for (int i = 0; i < 20; ++i) add("email-src", g.Label() + "@" + g.Domain());
  for (int i = 0; i < 10; ++i) add("email-src", g.Label() + "@" + rows[g.N(60)].canonical1);
  for (int i = 0; i < 20; ++i) add("md5", g.Hex(32));
  for (int i = 0; i < 20; ++i) add("sha1", g.Hex(40));
  for (int i = 0; i < 20; ++i) add("sha256", g.Hex(64));

  static const char* kNoise[] = {
      "GET",  "/index.html", "HTTP/1.1", "200",     "-",       "Mozilla/5.0", "12:30:01", "a:b:c",
      "x@y",  "user=bob",    "\"",       "«",       "»",       "“",           "”",        "…",
      "\t",   "(",           ")",        "[",       "]",       ",",           ";",        "<",
      ">",    "=",           ":",        "mailto:", "http://", "::",          "..",       "café",
      "日本", "ü",           "@",        "/"};
  static const char* kGlue[] = {"",  "",  "",  " ",        "(", ")", ",", "\"", "'",
                                "<", ">", "=", ":",        "[", "]", ".", "/",  "@",
                                "“", "”", "«", "\xC2\xA0", "_", "-", "x"};
  std::string text;
  for (int line = 0; line < 6000; ++line) {
    size_t items = g.N(12);
    for (size_t k = 0; k < items; ++k) {
      if (g.P(35)) {
        const auto& r = rows[g.N(rows.size())];
        text += kGlue[g.N(25)];
        text += Perturb(g, r);
        text += kGlue[g.N(25)];
      } else if (g.P(20)) {
        text += g.P(50) ? g.Domain() : g.V4();
      } else if (g.P(10)) {
        text += g.Hex(g.P(50) ? 32 : 64);
      } else {
        text += kNoise[g.N(36)];
      }
      if (g.P(80)) text += " ";
    }
    if (line + 1 < 6000 || g.P(50)) text += "\n";
  }

  Reference ref(refs);
  auto want_v = ref.Match(text);
  std::multiset<RefHit> want(want_v.begin(), want_v.end());
  auto set = Build(rows);
  ASSERT_NE(set, nullptr);
  ASSERT_GT(want.size(), 3000u);
  std::set<std::string> kinds;
  for (const auto& h : want) kinds.insert(std::get<2>(h));
  EXPECT_EQ(kinds.size(), 5u) << ::testing::PrintToString(kinds);  // all but substring

  for (bool stream : {false, true}) {
    MatchOptions o;
    o.chunk_bytes = 4096;
    o.threads = 2;
    auto m = Matcher::Create(set, o);
    ASSERT_TRUE(m.ok());
    std::multiset<RefHit> got;
    auto cb = [&](const Hit& h) {
      got.emplace(h.line, h.offset, MatchKindName(h.kind), set->indicator(h.indicator).attribute_id,
                  std::string(h.observable));
      return true;
    };
    if (stream) {
      auto in = InputStream::FromMemory(text, "random");
      ASSERT_TRUE((*m)->MatchStream(in.get(), cb, nullptr).ok());
    } else {
      ASSERT_TRUE((*m)->MatchBuffer(std::span<const char>(text.data(), text.size()), cb).ok());
    }
    std::vector<RefHit> missing, extra;
    std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                        std::back_inserter(missing));
    std::set_difference(got.begin(), got.end(), want.begin(), want.end(),
                        std::back_inserter(extra));
    auto show = [](const std::vector<RefHit>& v) {
      std::string s;
      for (size_t i = 0; i < v.size() && i < 15; ++i) {
        const auto& [l, o, k, a, obs] = v[i];
        s += "  " + std::to_string(l) + ":" + std::to_string(o) + " " + k + " " +
             std::to_string(a) + " " + obs + "\n";
      }
      return s;
    };
    EXPECT_TRUE(missing.empty()) << (stream ? "stream" : "buffer") << ": " << missing.size()
                                 << " missing, e.g.\n"
                                 << show(missing);
    EXPECT_TRUE(extra.empty()) << (stream ? "stream" : "buffer") << ": " << extra.size()
                               << " extra, e.g.\n"
                               << show(extra);
  }
}

}  // namespace
}  // namespace sanad::detect::testing
