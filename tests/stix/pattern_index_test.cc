// PatternSet (indexed) against Match (every comparison on every observation)
// on random patterns and random observations: the results must be identical.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "stix/pattern.h"

namespace sanad::stix {
namespace {

namespace bj = boost::json;

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <class T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Int(0, static_cast<int>(v.size()) - 1))];
  }

  const std::vector<std::string> ips = {"10.0.0.1", "10.0.0.2", "192.0.2.7", "192.0.2.0/28",
                                        "203.0.113.9"};
  const std::vector<std::string> cidrs = {"192.0.2.0/24", "192.0.2.0/29", "192.0.2.0/28",
                                          "10.0.0.0/8",   "10.0.0.2/32",  "10.0.0.1",
                                          "0.0.0.0/0",    "2001:db8::/32"};
  const std::vector<std::string> domains = {"a.example", "b.example", "evil.example",
                                            "x.evil.example"};
  const std::vector<std::string> names = {"a.exe", "b.dll", "report.pdf", "invoice.exe", "x"};
  const std::vector<std::string> md5s = {"79054025255fb1a26e4bc422aef54eb4",
                                         "3d31b3ed2c9d7ae2c1e06d1e3b1f4bc4", "aa"};

  std::string Time(int minute) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "2020-01-01T%02d:%02d:00Z", minute / 60, minute % 60);
    return buf;
  }

  bj::object Sco(int* key, bj::object* objects) {
    bj::object o;
    switch (Int(0, 4)) {
      case 0:
        o["type"] = "ipv4-addr";
        o["value"] = Pick(ips);
        break;
      case 1:
        o["type"] = "domain-name";
        o["value"] = Pick(domains);
        break;
      case 2: {
        o["type"] = "file";
        o["name"] = Pick(names);
        if (Int(0, 1)) o["size"] = Int(0, 4) * 1000;
        bj::object h;
        h["MD5"] = Pick(md5s);
        o["hashes"] = std::move(h);
        if (Int(0, 1)) o["tags"] = bj::array{bj::string(Pick(names)), bj::string(Pick(names))};
        break;
      }
      case 3:
        o["type"] = "url";
        o["value"] = "http://" + Pick(domains) + "/" + Pick(names);
        break;
      default: {
        o["type"] = "network-traffic";
        bj::object ip;
        ip["type"] = "ipv4-addr";
        ip["value"] = Pick(ips);
        std::string k = std::to_string((*key)++);
        (*objects)[k] = std::move(ip);
        o["dst_ref"] = k;
        o["dst_port"] = Pick(std::vector<int>{80, 443, 8080});
        break;
      }
    }
    return o;
  }

  std::string Bundle(int n) {
    bj::array objs;
    for (int i = 0; i < n; ++i) {
      bj::object od;
      od["type"] = "observed-data";
      od["id"] = "observed-data--" + std::to_string(i);
      int first = Int(0, 600);
      od["first_observed"] = Time(first);
      od["last_observed"] = Time(first + (Int(0, 3) == 0 ? Int(0, 30) : 0));
      od["number_observed"] = Int(0, 4) == 0 ? 2 : 1;
      bj::object objects;
      int key = 0;
      int count = Int(1, 3);
      for (int k = 0; k < count; ++k) {
        bj::object sco = Sco(&key, &objects);
        objects[std::to_string(key++)] = std::move(sco);
      }
      od["objects"] = std::move(objects);
      objs.push_back(std::move(od));
    }
    bj::object b;
    b["type"] = "bundle";
    b["id"] = "bundle--1";
    b["objects"] = std::move(objs);
    return bj::serialize(b);
  }

  std::string Quote(const std::string& s) { return "'" + s + "'"; }

  std::string Comparison() {
    std::string neg = Int(0, 5) == 0 ? " NOT" : "";
    switch (Int(0, 13)) {
      case 0:
        return "ipv4-addr:value" + neg + " = " + Quote(Pick(ips));
      case 1:
        return std::string(Int(0, 1) ? "ipv4-addr:value" : "network-traffic:dst_ref.value") + neg +
               " ISSUBSET " + Quote(Pick(cidrs));
      case 2:
        return "domain-name:value" + neg + " = " + Quote(Pick(domains));
      case 3:
        return "domain-name:value" + neg + " LIKE '%evil.example'";
      case 4:
        return "file:name" + neg + " IN (" + Quote(Pick(names)) + ", " + Quote(Pick(names)) + ")";
      case 5:
        return "file:hashes.MD5" + neg + " = " + Quote(Pick(md5s));
      case 6:
        return "file:size" + neg + " > " + std::to_string(Int(0, 4) * 1000);
      case 7:
        return "file:name" + neg + " MATCHES '\\\\.exe$'";
      case 8:
        return "EXISTS file:size";
      case 9:
        return "url:value" + neg + " = " + Quote("http://" + Pick(domains) + "/" + Pick(names));
      case 10:
        return "network-traffic:dst_ref.value" + neg + " = " + Quote(Pick(ips));
      case 11:
        return "network-traffic:dst_port != 443";
      case 12:
        return "file:tags[*]" + neg + " = " + Quote(Pick(names));
      default:
        return "file:name = " + Quote(Pick(names)) + " AND file:hashes.MD5 = " + Quote(Pick(md5s));
    }
  }

  std::string CmpExpr(int depth) {
    if (depth == 0 || Int(0, 2) == 0) return Comparison();
    return "(" + CmpExpr(depth - 1) + (Int(0, 1) ? " AND " : " OR ") + CmpExpr(depth - 1) + ")";
  }

  std::string ObsExpr(int depth) {
    std::string e;
    if (depth == 0 || Int(0, 2) == 0) {
      e = "[" + CmpExpr(2) + "]";
    } else {
      const char* ops[] = {" AND ", " OR ", " FOLLOWEDBY "};
      e = "(" + ObsExpr(depth - 1) + ops[Int(0, 2)] + ObsExpr(depth - 1) + ")";
    }
    switch (Int(0, 7)) {
      case 0:
        e += " WITHIN " + std::to_string(Int(1, 300)) + " SECONDS";
        break;
      case 1:
        e += " REPEATS " + std::to_string(Int(2, 3)) + " TIMES";
        break;
      case 2: {
        int a = Int(0, 500);
        e += " START t'" + Time(a) + "' STOP t'" + Time(a + Int(1, 200)) + "'";
        break;
      }
      default:
        break;
    }
    return e;
  }

 private:
  std::mt19937 rng_;
};

TEST(PatternIndex, IdenticalToNaiveEvaluationOnRandomInputs) {
  int matched_total = 0, compared = 0;
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    Gen g(seed);
    auto data = ObservedData::Parse(g.Bundle(80));
    ASSERT_TRUE(data.ok()) << data.status().message();
    PatternSet set;
    std::vector<Pattern> pats;
    for (int i = 0; i < 250; ++i) {
      std::string text = g.ObsExpr(2);
      auto p = Pattern::Parse(text);
      ASSERT_TRUE(p.ok()) << text << ": " << p.status().message();
      set.Add(*p);
      pats.push_back(*p);
    }
    PatternSet::Stats stats;
    std::vector<MatchResult> fast = set.MatchAll(*data, &stats);
    ASSERT_EQ(fast.size(), pats.size());
    for (size_t i = 0; i < pats.size(); ++i) {
      MatchResult slow = Match(pats[i], *data);
      EXPECT_EQ(fast[i].matched, slow.matched) << pats[i].text();
      EXPECT_EQ(fast[i].observed, slow.observed) << pats[i].text();
      EXPECT_EQ(fast[i].status.code(), slow.status.code()) << pats[i].text();
      matched_total += slow.matched ? 1 : 0;
      ++compared;
    }
    // The index evaluates fewer comparison expressions than the naive way.
    size_t leaves = 0;
    for (const auto& p : pats) leaves += p.observation_expressions();
    EXPECT_LT(stats.leaf_evaluations, leaves * data->size());
  }
  // The generator produces both outcomes in quantity.
  EXPECT_GT(matched_total, compared / 10);
  EXPECT_LT(matched_total, compared * 9 / 10);
}

}  // namespace
}  // namespace sanad::stix
