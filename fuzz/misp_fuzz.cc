// libFuzzer target: MISP JSON reading must never crash, and whatever it
// accepts must be written back as JSON that it accepts again with the same
// events (round trip), for every input.
#include <cstddef>
#include <cstdint>
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

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  std::vector<sanad::model::Event> events;
  sanad::formats::ParseNotes notes;
  sanad::Status st = sanad::formats::ParseMispDocument(json, "fuzz.json", &events, &notes);
  if (!st.ok()) {
    if (st.message().rfind("fuzz.json: ", 0) != 0) std::abort();  // errors name the source
    if (!events.empty()) std::abort();                            // out unchanged on error
    return 0;
  }
  for (const auto& ev : events) {
    std::string written = sanad::formats::WriteMispEvent(ev);
    sanad::model::Event again;
    sanad::Status st2 =
        sanad::formats::ParseMispEventJson(written, "written.json", &again, nullptr);
    if (!st2.ok()) std::abort();
    if (sanad::formats::WriteMispEvent(again) != written) std::abort();
  }
  // Single-event entry point on the same bytes.
  sanad::model::Event one;
  (void)sanad::formats::ParseMispEventJson(json, "fuzz.json", &one, nullptr);
  return 0;
}
