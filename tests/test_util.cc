#include "test_util.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/util.h"

namespace sanad::testing {

namespace fs = std::filesystem;

namespace {
struct InitSodium {
  InitSodium() { util::Init(); }
} g_init;
}  // namespace

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "sanad-test-XXXXXX").string();
  char* p = mkdtemp(tmpl.data());
  if (!p) throw std::runtime_error("mkdtemp failed");
  path_ = p;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string SourceDir() { return SANAD_SOURCE_DIR; }
std::string TestData(const std::string& rel) { return SourceDir() + "/tests/data/" + rel; }

std::string SharedDir() {
  if (const char* e = std::getenv("SANAD_SHARED")) return e;
  fs::path p = fs::path(SourceDir()).parent_path() / "shared";
  if (fs::exists(p / "data")) return p.string();
  return "";
}

std::string SanadBinary() { return SANAD_BINARY; }

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream f(path, std::ios::binary);
  f << content;
}

int Run(const std::string& cmdline, std::string* output, bool merge_stderr) {
  std::string cmd = cmdline + (merge_stderr ? " 2>&1" : "");
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = pclose(p);
  if (output) *output = out;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int RunSanad(const std::string& data_dir, const std::string& args, std::string* output,
             bool merge_stderr) {
  return Run(SanadBinary() + " --data " + data_dir + " " + args, output, merge_stderr);
}

}  // namespace sanad::testing
