// Helpers of the operations tests (systemd units, dashboard): shell commands and the built binaries. Temp
// dirs, child processes, files and skipping come from tests/support/.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "support/files.h"
#include "support/process.h"
#include "support/skip.h"
#include "support/temp_dir.h"

namespace ktrdr::test {

namespace fs = std::filesystem;

// Runs `sh -c command` (stderr folded into stdout); returns the exit code (-1 if it did not exit).
inline int run_shell(const std::string& command, std::string* output = nullptr) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  if (output != nullptr) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Single-quotes a word for sh.
inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline fs::path built_binary(const std::string& rel) {
  return fs::path(KTRDR_BINARY_DIR) / rel;
}

}  // namespace ktrdr::test
