// Per-core speed of the detection scanner: builds the indicator set of one
// organisation from a store, loads a log into memory and matches it on ONE
// thread (Matcher::MatchBuffer, 2 MiB line-aligned chunks), `--reps` times.
// Prints MB/s on that core (best and median of the repetitions) and the hit
// count, so changes to the scanner can be measured without the reader,
// the workers and the process start-up of `sanad match`.
//
//   build/bench/scan_bench --data bench/out/match-store-100000 --as "Bench CERT"
//       bench/out/match/mixed.log [--reps 5] [--empty]
// --empty matches against no indicators: the cost of tokenizing alone.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "detect/detect.h"
#include "store/store.h"

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int Usage() {
  std::fprintf(stderr,
               "usage: scan_bench --data DIR --as ORG LOG [--reps N] [--chunk BYTES] [--empty]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sanad;
  std::string data, org, log;
  int reps = 5;
  bool empty_set = false;  // --empty: no indicators (the cost of extraction alone)
  size_t chunk = 2 << 20;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else if (a == "--as" && i + 1 < argc) {
      org = argv[++i];
    } else if (a == "--reps" && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--empty") {
      empty_set = true;
    } else if (a == "--chunk" && i + 1 < argc) {
      chunk = static_cast<size_t>(std::atoll(argv[++i]));
    } else if (!a.starts_with("--") && log.empty()) {
      log = a;
    } else {
      return Usage();
    }
  }
  if (data.empty() || org.empty() || log.empty()) return Usage();

  store::OpenOptions oo;
  auto st = store::Store::Open(data, oo);
  if (!st.ok()) {
    std::fprintf(stderr, "scan_bench: %s\n", st.status().ToString().c_str());
    return 1;
  }
  auto o = (*st)->community().FindOrg(org);
  if (!o.ok()) {
    std::fprintf(stderr, "scan_bench: unknown organisation %s\n", org.c_str());
    return 1;
  }
  auto viewer = (*st)->community().ViewerFor(o->id);
  if (!viewer.ok()) return 1;
  detect::BuildOptions bo;
  detect::BuildStats bs;
  double t0 = Now();
  auto set = empty_set ? detect::IndicatorSetBuilder(*viewer, bo).Finish()
                       : detect::BuildIndicatorSet(st->get(), *viewer, bo, &bs);
  if (!set.ok()) {
    std::fprintf(stderr, "scan_bench: %s\n", set.status().ToString().c_str());
    return 1;
  }
  double build = Now() - t0;

  std::ifstream f(log, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  if (text.empty()) {
    std::fprintf(stderr, "scan_bench: %s is empty or unreadable\n", log.c_str());
    return 1;
  }
  // Line-aligned chunks, as MatchStream cuts them.
  std::vector<std::pair<size_t, size_t>> chunks;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = std::min(text.size(), pos + chunk);
    if (end < text.size()) {
      size_t nl = text.rfind('\n', end - 1);
      if (nl != std::string::npos && nl >= pos) end = nl + 1;
    }
    chunks.emplace_back(pos, end - pos);
    pos = end;
  }

  detect::MatchOptions mo;
  mo.threads = 1;
  std::vector<double> rates;
  uint64_t hits = 0;
  detect::Format format = detect::Format::kAuto;
  for (int r = 0; r < reps; ++r) {
    auto m = detect::Matcher::Create(*set, mo);
    if (!m.ok()) return 1;
    uint64_t h = 0;
    double s0 = Now();
    for (const auto& [off, len] : chunks) {
      auto status =
          (*m)->MatchBuffer(std::span<const char>(text.data() + off, len), [&](const detect::Hit&) {
            ++h;
            return true;
          });
      if (!status.ok()) {
        std::fprintf(stderr, "scan_bench: %s\n", status.ToString().c_str());
        return 1;
      }
    }
    rates.push_back(static_cast<double>(text.size()) / 1e6 / (Now() - s0));
    hits = h;
    format = (*m)->format();
  }
  std::sort(rates.begin(), rates.end());
  std::printf(
      "scan_bench: %zu indicators (built in %.2f s), %.1f MB log, format %s: %.0f MB/s on one "
      "core (best of %d; median %.0f), %llu hits\n",
      (*set)->size(), build, static_cast<double>(text.size()) / 1e6, detect::FormatName(format),
      rates.back(), reps, rates[rates.size() / 2], static_cast<unsigned long long>(hits));
  return 0;
}
