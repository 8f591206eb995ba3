// Errors inside core are exceptions (ktrdr::Error) whose text says what is wrong, the value, and the fix.
// Boundaries (socket loops, job runner, main) catch them and turn them into Status replies / exit codes.
#pragma once

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace ktrdr {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ktrdr

// KTRDR_REQUIRE(cond, "fmt {}", args...): throw ktrdr::Error with a formatted message when cond is false.
#define KTRDR_REQUIRE(cond, ...)                                  \
  do {                                                            \
    if (!(cond)) throw ::ktrdr::Error(::fmt::format(__VA_ARGS__)); \
  } while (0)

#define KTRDR_FAIL(...) throw ::ktrdr::Error(::fmt::format(__VA_ARGS__))
