// Shared by the MISP reader (misp_reader.h/.cc, misp_read.cc) and writer (misp_write.cc).
#pragma once

#include <cstddef>
#include <string_view>

#include <boost/json.hpp>

namespace sanad::formats::internal {

// The deepest nesting of JSON accepted, both in documents read and in the
// stored extra_json written back (deeper extra_json is not written).
inline constexpr size_t kMaxJsonDepth = 64;

inline std::string_view Sv(const boost::json::string& s) { return {s.data(), s.size()}; }
inline std::string_view Sv(boost::json::string_view s) { return {s.data(), s.size()}; }

}  // namespace sanad::formats::internal
