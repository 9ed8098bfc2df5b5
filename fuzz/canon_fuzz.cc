// libFuzzer target: Canonicalise must never crash, and canonicalising a
// canonical value must give the same canonical value (idempotence).
//
// Input: the first byte picks a type from AllTypes(); the rest is the value.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/canon.h"
#include "model/ip.h"
#include "model/types.h"

using sanad::model::AllTypes;
using sanad::model::CanonicalValue;

namespace {

[[noreturn]] void Fail(std::string_view what, std::string_view type, std::string_view a,
                       std::string_view b) {
  std::fprintf(stderr, "%.*s for type %.*s\n  first:  <%.*s>\n  second: <%.*s>\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(type.size()),
               type.data(), static_cast<int>(a.size()), a.data(), static_cast<int>(b.size()),
               b.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto types = AllTypes();
  std::string_view type = types[data[0] % types.size()].name;
  std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);

  CanonicalValue v;
  if (!sanad::model::Canonicalise(type, raw, &v).ok()) return 0;
  CanonicalValue again;
  if (!sanad::model::Canonicalise(type, v.value, &again).ok()) {
    Fail("canonical value rejected", type, raw, v.value);
  }
  if (again.value != v.value) Fail("not idempotent", type, v.value, again.value);
  if (again.part1 != v.part1 || again.part2 != v.part2) {
    Fail("parts not idempotent", type, v.part1 + "|" + v.part2, again.part1 + "|" + again.part2);
  }

  // The IP parser on the raw bytes too: a parsed prefix formats to text that
  // parses back to the same prefix.
  sanad::model::IpPrefix p, q;
  if (sanad::model::ParseIpPrefix(raw, &p)) {
    std::string text = sanad::model::FormatIpPrefix(p);
    if (!sanad::model::ParseIpPrefix(text, &q) || !(p == q)) {
      Fail("ip round trip", "ip", raw, text);
    }
  }
  return 0;
}
