// libFuzzer target: MISP JSON reading must never crash, and whatever it
// accepts must be written back as JSON that it accepts again with the same
// events (round trip), for every input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "formats/misp.h"
#include "util/util.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  sanad::util::Init();
  return 0;
}

// Prints why the property failed, then aborts (a finding).
[[noreturn]] void Fail(const std::string& why, const std::string& detail) {
  std::fprintf(stderr, "misp_fuzz: %s\n%s\n", why.c_str(), detail.c_str());
  std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  std::vector<sanad::model::Event> events;
  sanad::formats::ParseNotes notes;
  sanad::Status st = sanad::formats::ParseMispDocument(json, "fuzz.json", &events, &notes);
  if (!st.ok()) {
    if (st.message().rfind("fuzz.json: ", 0) != 0) Fail("error does not name the source", st.ToString());
    if (!events.empty()) Fail("events returned with an error", st.ToString());
    return 0;
  }
  for (const auto& ev : events) {
    std::string written = sanad::formats::WriteMispEvent(ev);
    sanad::model::Event again;
    sanad::Status st2 =
        sanad::formats::ParseMispEventJson(written, "written.json", &again, nullptr);
    if (!st2.ok()) Fail("written event does not parse again: " + st2.ToString(), written);
    std::string rewritten = sanad::formats::WriteMispEvent(again);
    if (rewritten != written) Fail("round trip changed the event:\n" + rewritten, written);
  }
  // Single-event entry point on the same bytes.
  sanad::model::Event one;
  (void)sanad::formats::ParseMispEventJson(json, "fuzz.json", &one, nullptr);
  return 0;
}
