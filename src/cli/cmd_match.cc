#include <CLI/CLI.hpp>

#include "cli/register.h"

namespace sanad::cli {

void RegisterMatchCommands(CLI::App* app, Context* ctx, int* rc) {}

}  // namespace sanad::cli
