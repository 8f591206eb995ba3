// A test whose tool or binary is missing says so and stops: it is reported SKIPPED by ctest (every test is
// registered with SKIP_REGULAR_EXPRESSION matching kSkipMarker, tests/CMakeLists.txt), never passed.
//   if (!test::program_on_path("tmux")) KTRDR_SKIP("tmux is not installed (apt-get install tmux)");
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

namespace ktrdr::test {

inline constexpr const char* kSkipMarker = "KTRDR-SKIPPED:";

// True when `name` is an executable file in one of $PATH's directories.
inline bool program_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

// True when `path` is an executable file.
inline bool is_executable(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

}  // namespace ktrdr::test

// Prints "KTRDR-SKIPPED: <why>" and returns from the test case (use in the TEST_CASE body itself).
#define KTRDR_SKIP(why)                                                 \
  do {                                                                  \
    std::cout << ::ktrdr::test::kSkipMarker << " " << why << std::endl; \
    return;                                                             \
  } while (0)
