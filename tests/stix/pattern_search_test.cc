// The binding search against a brute-force reference that enumerates every
// binding the way the OASIS reference matcher does (lists of observation
// tuples: AND = disjoint products, OR = either side, FOLLOWEDBY = disjoint
// and ordered, REPEATS = disjoint combinations, WITHIN/START-STOP =
// filters), on small random inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "stix/pattern.h"
#include "stix/pattern_internal.h"

namespace sanad::stix {
namespace {

namespace bj = boost::json;

using Binding = std::vector<int>;  // expanded observation indexes

struct Expanded {
  int od;
  Nanos first, last;
};

class Reference {
 public:
  Reference(const PatternImpl& p, const ObservedDataImpl& d) : p_(p), d_(d) {
    for (size_t i = 0; i < d.obs.size(); ++i) {
      for (uint64_t k = 0; k < d.obs[i].count; ++k) {
        exp_.push_back({static_cast<int>(i), d.obs[i].first, d.obs[i].last});
      }
    }
  }

  // False when the enumeration grew too large to finish (the case is skipped).
  bool Run(bool* matched) {
    std::vector<Binding> b = Eval(p_.root);
    if (too_big_) return false;
    *matched = !b.empty();
    return true;
  }

 private:
  static bool Disjoint(const Binding& a, const Binding& b) {
    for (int x : a) {
      if (std::find(b.begin(), b.end(), x) != b.end()) return false;
    }
    return true;
  }
  Binding Cat(const Binding& a, const Binding& b) {
    Binding r = a;
    r.insert(r.end(), b.begin(), b.end());
    return r;
  }
  void Push(std::vector<Binding>* out, Binding b) {
    if (out->size() > 20000) {
      too_big_ = true;
      return;
    }
    out->push_back(std::move(b));
  }

  void Combos(const std::vector<Binding>& in, size_t from, int64_t n, const Binding& acc,
              std::vector<Binding>* out) {
    if (too_big_) return;
    if (n == 0) {
      Push(out, acc);
      return;
    }
    for (size_t i = from; i < in.size(); ++i) {
      if (Disjoint(acc, in[i])) Combos(in, i + 1, n - 1, Cat(acc, in[i]), out);
    }
  }

  std::vector<Binding> Eval(int n) {
    const ObsNode& node = p_.onodes[static_cast<size_t>(n)];
    std::vector<Binding> out;
    if (too_big_) return out;
    switch (node.kind) {
      case ObsNode::kLeaf:
        for (size_t e = 0; e < exp_.size(); ++e) {
          if (EvalLeaf(p_, node.leaf, d_.obs[static_cast<size_t>(exp_[e].od)], d_)) {
            Push(&out, {static_cast<int>(e)});
          }
        }
        break;
      case ObsNode::kAnd: {
        auto l = Eval(node.a), r = Eval(node.b);
        for (const auto& a : l) {
          for (const auto& b : r) {
            if (Disjoint(a, b)) Push(&out, Cat(a, b));
          }
        }
        break;
      }
      case ObsNode::kOr: {
        out = Eval(node.a);
        for (auto& b : Eval(node.b)) Push(&out, std::move(b));
        break;
      }
      case ObsNode::kFollowedBy: {
        auto l = Eval(node.a), r = Eval(node.b);
        for (const auto& a : l) {
          Nanos latest_first = -kMaxNanos;
          for (int x : a) latest_first = std::max(latest_first, exp_[static_cast<size_t>(x)].first);
          for (const auto& b : r) {
            Nanos earliest_last = kMaxNanos;
            for (int x : b)
              earliest_last = std::min(earliest_last, exp_[static_cast<size_t>(x)].last);
            if (Disjoint(a, b) && latest_first <= earliest_last) Push(&out, Cat(a, b));
          }
        }
        break;
      }
      case ObsNode::kWithin:
        for (auto& b : Eval(node.a)) {
          // An interval of the duration starting at the earliest last_observed
          // must overlap every observation (inclusive).
          Nanos earliest_last = kMaxNanos;
          for (int x : b)
            earliest_last = std::min(earliest_last, exp_[static_cast<size_t>(x)].last);
          bool ok = true;
          for (int x : b) {
            const Expanded& e = exp_[static_cast<size_t>(x)];
            if (!(e.first <= earliest_last + node.within && earliest_last <= e.last)) ok = false;
          }
          if (ok) Push(&out, std::move(b));
        }
        break;
      case ObsNode::kRepeat:
        Combos(Eval(node.a), 0, node.repeat, {}, &out);
        break;
      case ObsNode::kStartStop:
        for (auto& b : Eval(node.a)) {
          bool ok = true;
          for (int x : b) {
            const Expanded& e = exp_[static_cast<size_t>(x)];
            if (!(e.first < node.stop && e.last >= node.start)) ok = false;
          }
          if (ok) Push(&out, std::move(b));
        }
        break;
    }
    return out;
  }

  const PatternImpl& p_;
  const ObservedDataImpl& d_;
  std::vector<Expanded> exp_;
  bool too_big_ = false;
};

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::string Time(int minute) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "2020-01-01T%02d:%02d:00Z", minute / 60, minute % 60);
    return buf;
  }

  std::string Bundle() {
    bj::array objs;
    int n = Int(2, 7);
    for (int i = 0; i < n; ++i) {
      bj::object od;
      od["type"] = "observed-data";
      od["id"] = "observed-data--" + std::to_string(i);
      int first = Int(0, 60);
      od["first_observed"] = Time(first);
      od["last_observed"] = Time(first + (Int(0, 2) == 0 ? Int(1, 20) : 0));
      od["number_observed"] = Int(1, 3) == 1 ? 2 : 1;
      bj::object objects;
      bj::object f;
      f["type"] = "file";
      f["name"] = std::string(1, static_cast<char>('a' + Int(0, 2)));
      objects["0"] = std::move(f);
      od["objects"] = std::move(objects);
      objs.push_back(std::move(od));
    }
    bj::object b;
    b["type"] = "bundle";
    b["objects"] = std::move(objs);
    return bj::serialize(b);
  }

  std::string Obs(int depth) {
    std::string e;
    if (depth == 0 || Int(0, 2) == 0) {
      e = "[file:name = '" + std::string(1, static_cast<char>('a' + Int(0, 2))) + "']";
    } else {
      const char* ops[] = {" AND ", " OR ", " FOLLOWEDBY "};
      e = "(" + Obs(depth - 1) + ops[Int(0, 2)] + Obs(depth - 1) + ")";
    }
    switch (Int(0, 6)) {
      case 0:
        e += " WITHIN " + std::to_string(Int(1, 1800)) + " SECONDS";
        break;
      case 1:
        e += " REPEATS " + std::to_string(Int(2, 3)) + " TIMES";
        break;
      case 2: {
        int a = Int(0, 60);
        e += " START t'" + Time(a) + "' STOP t'" + Time(a + Int(1, 30)) + "'";
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

TEST(PatternSearch, AgreesWithBruteForceBindings) {
  int compared = 0, matched = 0;
  for (uint32_t seed = 1; seed <= 400; ++seed) {
    Gen g(seed);
    auto data = ObservedData::Parse(g.Bundle());
    ASSERT_TRUE(data.ok()) << data.status().message();
    for (int k = 0; k < 10; ++k) {
      std::string text = g.Obs(3);
      auto p = Pattern::Parse(text);
      ASSERT_TRUE(p.ok()) << text << ": " << p.status().message();
      Reference ref(p->impl(), data->impl());
      bool expect;
      if (!ref.Run(&expect)) continue;
      MatchResult r = Match(*p, *data);
      ASSERT_TRUE(r.status.ok()) << text;
      EXPECT_EQ(r.matched, expect) << text << "\n  bundle seed " << seed;
      ++compared;
      matched += expect ? 1 : 0;
    }
  }
  EXPECT_GT(compared, 3000);
  EXPECT_GT(matched, compared / 10);
  EXPECT_LT(matched, compared * 9 / 10);
}

}  // namespace
}  // namespace sanad::stix
