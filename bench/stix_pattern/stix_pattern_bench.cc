// Benchmark of the STIX pattern engine: N patterns against M observations
// (default 10,000 x 10,000), deterministic. Reports the time of the indexed
// evaluation (PatternSet::MatchAll) as pattern evaluations per second
// (patterns x observations / seconds), and checks it against the naive
// evaluation (Match) on a sample of the patterns.
//
//   build/bench/stix_pattern_bench [--patterns N] [--observations M] [--naive-sample K]
//                                  [--seed S]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "stix/pattern.h"

namespace {

namespace bj = boost::json;
using sanad::stix::Match;
using sanad::stix::MatchResult;
using sanad::stix::ObservedData;
using sanad::stix::Pattern;
using sanad::stix::PatternSet;

double Now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  uint32_t U(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  bool P(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  // Value pools: observations draw from the whole pool, patterns mostly
  // from it too, so that about 1-2% of the simple patterns match.
  std::string Ip(uint32_t i) {
    return "10." + std::to_string(i >> 16 & 255) + "." + std::to_string(i >> 8 & 255) + "." +
           std::to_string(i & 255);
  }
  std::string Domain(uint32_t i) {
    return "host" + std::to_string(i) + ".example" + std::to_string(i % 97) + ".com";
  }
  std::string Md5(uint32_t i) {
    char buf[33];
    std::snprintf(buf, sizeof buf, "%08x%08x%08x%08x", i * 2654435761u, i ^ 0x5bd1e995u, i * 40503u,
                  ~i);
    return buf;
  }
  std::string Url(uint32_t i) { return "http://" + Domain(i % 50000) + "/p/" + std::to_string(i); }

  static constexpr uint32_t kPool = 400000;

  bj::object Sco(const std::string& type) {
    bj::object o;
    o["type"] = type;
    return o;
  }

  std::string Bundle(int n) {
    bj::array objs;
    for (int i = 0; i < n; ++i) {
      bj::object od;
      od["type"] = "observed-data";
      od["spec_version"] = "2.1";
      od["id"] = "observed-data--" + std::to_string(i);
      char t[40];
      int sec = i * 3;
      std::snprintf(t, sizeof t, "2024-03-%02dT%02d:%02d:%02dZ", 1 + sec / 86400, sec / 3600 % 24,
                    sec / 60 % 60, sec % 60);
      od["first_observed"] = t;
      od["last_observed"] = t;
      od["number_observed"] = P(0.1) ? 2 : 1;
      bj::object objects;
      int key = 0;
      auto put = [&](bj::object o) {
        std::string k = std::to_string(key++);
        objects[k] = std::move(o);
        return k;
      };
      // A connection: network-traffic to an address, maybe a domain and a URL.
      bj::object ip = Sco("ipv4-addr");
      ip["value"] = Ip(U(kPool));
      std::string ipk = put(std::move(ip));
      bj::object nt = Sco("network-traffic");
      nt["dst_ref"] = ipk;
      nt["dst_port"] = P(0.7) ? 443 : 80;
      nt["protocols"] = bj::array{"ipv4", "tcp"};
      put(std::move(nt));
      if (P(0.6)) {
        bj::object d = Sco("domain-name");
        d["value"] = Domain(U(kPool));
        put(std::move(d));
      }
      if (P(0.4)) {
        bj::object u = Sco("url");
        u["value"] = Url(U(kPool));
        put(std::move(u));
      }
      if (P(0.3)) {
        bj::object f = Sco("file");
        f["name"] = "doc" + std::to_string(U(1000)) + (P(0.5) ? ".exe" : ".pdf");
        f["size"] = U(1 << 20);
        bj::object h;
        h["MD5"] = Md5(U(kPool));
        f["hashes"] = std::move(h);
        put(std::move(f));
      }
      od["objects"] = std::move(objects);
      objs.push_back(std::move(od));
    }
    bj::object b;
    b["type"] = "bundle";
    b["id"] = "bundle--bench";
    b["objects"] = std::move(objs);
    return bj::serialize(b);
  }

  std::string Q(const std::string& s) { return "'" + s + "'"; }

  std::string Simple() {
    switch (U(5)) {
      case 0:
        return "ipv4-addr:value = " + Q(Ip(U(kPool)));
      case 1:
        return "domain-name:value = " + Q(Domain(U(kPool)));
      case 2:
        return "url:value = " + Q(Url(U(kPool)));
      case 3:
        return "file:hashes.MD5 = " + Q(Md5(U(kPool)));
      default:
        return "network-traffic:dst_ref.value = " + Q(Ip(U(kPool)));
    }
  }

  // A realistic indicator mix.
  std::string PatternText() {
    double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (r < 0.70) return "[" + Simple() + "]";
    if (r < 0.80) return "[" + Simple() + " OR " + Simple() + " OR " + Simple() + "]";
    if (r < 0.84) {
      return "[domain-name:value LIKE '%.example" + std::to_string(U(97)) +
             ".com' AND "
             "domain-name:value LIKE 'host" +
             std::to_string(U(10)) + "%']";
    }
    if (r < 0.87) return "[file:name MATCHES '^doc" + std::to_string(U(1000)) + "\\\\.exe$']";
    if (r < 0.90) {
      return "[ipv4-addr:value ISSUBSET '10." + std::to_string(U(6)) + "." +
             std::to_string(U(256)) + ".0/24']";
    }
    if (r < 0.93) {
      return "[network-traffic:dst_port = 443 AND network-traffic:dst_ref.value = " +
             Q(Ip(U(kPool))) + "]";
    }
    if (r < 0.97) {
      return "([" + Simple() + "] FOLLOWEDBY [" + Simple() + "]) WITHIN 3600 SECONDS";
    }
    return "[" + Simple() + "] REPEATS 2 TIMES";
  }

 private:
  std::mt19937 rng_;
};

int Arg(int argc, char** argv, const char* name, int def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  }
  return def;
}

}  // namespace

int main(int argc, char** argv) {
  int n_patterns = Arg(argc, argv, "--patterns", 10000);
  int n_obs = Arg(argc, argv, "--observations", 10000);
  int sample = Arg(argc, argv, "--naive-sample", 200);
  uint32_t seed = static_cast<uint32_t>(Arg(argc, argv, "--seed", 1));
  Gen g(seed);

  double t0 = Now();
  std::string bundle = g.Bundle(n_obs);
  auto data = ObservedData::Parse(bundle);
  if (!data.ok()) {
    std::fprintf(stderr, "observed-data: %s\n", data.status().message().c_str());
    return 1;
  }
  double t_load = Now() - t0;

  t0 = Now();
  std::vector<Pattern> patterns;
  patterns.reserve(static_cast<size_t>(n_patterns));
  for (int i = 0; i < n_patterns; ++i) {
    std::string text = g.PatternText();
    auto p = Pattern::Parse(text);
    if (!p.ok()) {
      std::fprintf(stderr, "pattern %s: %s\n", text.c_str(), p.status().message().c_str());
      return 1;
    }
    patterns.push_back(std::move(p.value()));
  }
  double t_parse = Now() - t0;

  t0 = Now();
  PatternSet set;
  for (const auto& p : patterns) set.Add(p);
  double t_index = Now() - t0;

  // Indexed evaluation, best of 3.
  std::vector<MatchResult> results;
  PatternSet::Stats stats;
  double t_match = 1e30, cpu_match = 1e30;
  for (int run = 0; run < 3; ++run) {
    t0 = Now();
    std::clock_t c0 = std::clock();
    results = set.MatchAll(*data, &stats);
    cpu_match = std::min(cpu_match, static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    t_match = std::min(t_match, Now() - t0);
  }
  size_t matched = 0, errors = 0;
  for (const auto& r : results) {
    matched += r.matched ? 1 : 0;
    errors += r.status.ok() ? 0 : 1;
  }

  // Naive evaluation on a sample of the patterns: same answers, and its rate.
  size_t stride = std::max<size_t>(1, patterns.size() / static_cast<size_t>(std::max(sample, 1)));
  size_t checked = 0, mismatches = 0;
  t0 = Now();
  for (size_t i = 0; i < patterns.size() && sample > 0; i += stride) {
    MatchResult slow = Match(patterns[i], *data);
    ++checked;
    if (slow.matched != results[i].matched || slow.observed != results[i].observed) ++mismatches;
  }
  double t_naive = Now() - t0;

  double pairs = static_cast<double>(patterns.size()) * static_cast<double>(data->size());
  std::printf("patterns: %zu (parsed in %.3f s, %.0f patterns/s; indexed in %.3f s)\n",
              patterns.size(), t_parse, patterns.size() / t_parse, t_index);
  std::printf("observations: %zu observed-data (generated and loaded in %.3f s)\n", data->size(),
              t_load);
  std::printf(
      "indexed match: %.3f s (%.3f s CPU) for %.0f pattern x observation pairs = %.3g "
      "evaluations/s\n",
      t_match, cpu_match, pairs, pairs / t_match);
  std::printf(
      "  comparison expressions evaluated: %llu (%.4f%% of pairs x leaves); "
      "patterns searched: %llu\n",
      static_cast<unsigned long long>(stats.leaf_evaluations),
      100.0 * static_cast<double>(stats.leaf_evaluations) / pairs,
      static_cast<unsigned long long>(stats.searched_patterns));
  std::printf("  matched patterns: %zu, search-limit errors: %zu\n", matched, errors);
  if (checked > 0) {
    double naive_rate = static_cast<double>(checked) * static_cast<double>(data->size()) / t_naive;
    std::printf(
        "naive match (sample of %zu patterns): %.3f s = %.3g evaluations/s; "
        "results differing from the index: %zu\n",
        checked, t_naive, naive_rate, mismatches);
  }
  return mismatches == 0 ? 0 : 1;
}
