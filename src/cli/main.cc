#include "cli/cli.h"
#include "util/util.h"

int main(int argc, char** argv) {
  sanad::util::Init();
  return sanad::cli::Main(argc, argv);
}
