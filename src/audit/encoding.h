// The length-prefixed field encoding shared by the audit chain's and the
// audit checkpoints' hashed and signed bytes (internal to src/audit/).
#pragma once

#include <string>
#include <string_view>

namespace sanad::audit {

// Appends "<decimal length>:<v>;" to *out: no two different field lists give
// the same bytes, whatever the fields contain.
inline void AppendField(std::string* out, std::string_view v) {
  out->append(std::to_string(v.size()));
  out->push_back(':');
  out->append(v);
  out->push_back(';');
}

}  // namespace sanad::audit
