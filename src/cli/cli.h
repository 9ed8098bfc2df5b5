// The `sanad` command line. Thin: parses arguments, calls the modules,
// prints results. Exit codes: 0 ok, 1 failure, 2 usage.
#pragma once

namespace sanad::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int Main(int argc, char** argv);

}  // namespace sanad::cli
