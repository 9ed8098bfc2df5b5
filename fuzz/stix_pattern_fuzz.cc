// libFuzzer target: the STIX pattern parser must never crash, and every
// error must point inside the input. A pattern that parses is also matched
// against a small fixed bundle, by Match and by a PatternSet, which must
// agree.
//
// Seeds: tests/data/stix_pattern/corpus (fuzz/run.sh).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "stix/pattern.h"

namespace {

const char kBundle[] = R"({"type": "bundle", "id": "bundle--f", "objects": [
 {"type": "observed-data", "id": "observed-data--1", "first_observed": "2020-01-01T00:00:00Z",
  "last_observed": "2020-01-01T00:01:00Z", "number_observed": 2,
  "objects": {"0": {"type": "file", "name": "a.exe", "size": 10, "hashes": {"MD5": "aa"},
                    "parent_directory_ref": "1", "tags": ["x", "y"], "payload_bin": "SGk="},
              "1": {"type": "directory", "path": "C:\\x"},
              "2": {"type": "ipv4-addr", "value": "10.0.0.1"}}},
 {"type": "observed-data", "id": "observed-data--2", "first_observed": "2020-01-01T00:02:00Z",
  "last_observed": "2020-01-01T00:02:00Z", "number_observed": 1,
  "object_refs": ["domain-name--1", "network-traffic--1"]},
 {"type": "domain-name", "id": "domain-name--1", "value": "evil.example"},
 {"type": "network-traffic", "id": "network-traffic--1", "dst_ref": "domain-name--1",
  "dst_port": 443}
]})";

[[noreturn]] void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "%s\n  pattern: <%.*s>\n", what, static_cast<int>(input.size()),
               input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const sanad::stix::ObservedData* observed = [] {
    auto d = sanad::stix::ObservedData::Parse(kBundle);
    if (!d.ok()) std::abort();
    return new sanad::stix::ObservedData(std::move(d.value()));
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  sanad::stix::PatternError err;
  auto p = sanad::stix::Pattern::Parse(text, &err);
  if (!p.ok()) {
    if (err.offset > size) Fail("error offset beyond the input", text);
    if (err.reason.empty()) Fail("error without a reason", text);
    return 0;
  }
  sanad::stix::MatchResult a = sanad::stix::Match(*p, *observed);
  sanad::stix::PatternSet set;
  set.Add(*p);
  sanad::stix::MatchResult b = set.MatchAll(*observed)[0];
  if (a.matched != b.matched || a.observed != b.observed) Fail("index and Match disagree", text);
  return 0;
}
