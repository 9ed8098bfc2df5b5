#include "server/metrics.h"

#include <cmath>
#include <cstdio>

namespace sanad::server {

namespace {
std::string Num(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  }
  return buf;
}
std::string Series(const std::string& name, const std::string& labels) {
  return labels.empty() ? name : name + "{" + labels + "}";
}
}  // namespace

Metrics::Metrics() : buckets_{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10} {}

Metrics::Family& Metrics::Get(std::string_view name, std::string_view help, const char* type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{}).first;
    it->second.help = std::string(help);
    it->second.type = type;
  }
  return it->second;
}

void Metrics::Add(std::string_view name, std::string_view help, std::string_view labels,
                  double delta) {
  std::lock_guard<std::mutex> l(mu_);
  Get(name, help, "counter").values[std::string(labels)] += delta;
}

void Metrics::Set(std::string_view name, std::string_view help, std::string_view labels,
                  double value) {
  std::lock_guard<std::mutex> l(mu_);
  Get(name, help, "gauge").values[std::string(labels)] = value;
}

void Metrics::Observe(std::string_view name, std::string_view help, std::string_view labels,
                      double value) {
  std::lock_guard<std::mutex> l(mu_);
  Histogram& h = Get(name, help, "histogram").histograms[std::string(labels)];
  if (h.counts.empty()) h.counts.assign(buckets_.size() + 1, 0);
  size_t i = 0;
  while (i < buckets_.size() && value > buckets_[i]) ++i;
  h.counts[i] += 1;
  h.sum += value;
  h.count += 1;
}

double Metrics::Value(std::string_view name, std::string_view labels) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto v = it->second.values.find(std::string(labels));
  return v == it->second.values.end() ? 0 : v->second;
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> l(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, v] : f.values) out += Series(name, labels) + " " + Num(v) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      std::string sep = labels.empty() ? "" : labels + ",";
      double cum = 0;
      for (size_t i = 0; i <= buckets_.size(); ++i) {
        cum += h.counts[i];
        std::string le = i < buckets_.size() ? Num(buckets_[i]) : "+Inf";
        out += name + "_bucket{" + sep + "le=\"" + le + "\"} " + Num(cum) + "\n";
      }
      out += Series(name + "_sum", labels) + " " + Num(h.sum) + "\n";
      out += Series(name + "_count", labels) + " " + Num(h.count) + "\n";
    }
  }
  return out;
}

}  // namespace sanad::server
