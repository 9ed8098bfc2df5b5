// Prometheus metrics: counters, gauges and histograms rendered in the text
// exposition format (version 0.0.4). Thread-safe; cheap enough for every
// request (one mutex, no allocation on the hot path after the first use of a
// label set).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sanad::server {

class Metrics {
 public:
  Metrics();

  // `labels` is the Prometheus label text without braces, e.g.
  // `method="GET",code="200"` ("" for none). `help` is used the first time a
  // name is seen.
  void Add(std::string_view name, std::string_view help, std::string_view labels, double delta);
  void Set(std::string_view name, std::string_view help, std::string_view labels, double value);
  // Histogram with the default latency buckets (seconds).
  void Observe(std::string_view name, std::string_view help, std::string_view labels, double value);

  // Value of a counter or gauge (0 when unknown); for tests.
  double Value(std::string_view name, std::string_view labels) const;

  // The exposition text.
  std::string Render() const;

 private:
  struct Histogram {
    std::vector<double> counts;  // per bucket, not cumulative
    double sum = 0;
    double count = 0;
  };
  struct Family {
    std::string help;
    std::string type;  // "counter", "gauge", "histogram"
    std::map<std::string, double> values;
    std::map<std::string, Histogram> histograms;
  };
  Family& Get(std::string_view name, std::string_view help, const char* type);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
  std::vector<double> buckets_;
};

}  // namespace sanad::server
