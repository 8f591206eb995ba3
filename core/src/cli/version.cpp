// --version text (version.h). ktrdr_build_info.h is written at build time by cmake/build_info.cmake.
#include "ktrdr/cli/version.h"

#include "ktrdr_build_info.h"

namespace ktrdr::cli {

std::string_view project_version() {
  return KTRDR_PROJECT_VERSION;
}

std::string_view git_describe() {
  return KTRDR_GIT_DESCRIBE;
}

std::string version_line(std::string_view program) {
  std::string line(program);
  line += ' ';
  line += project_version();
  if (!git_describe().empty()) {
    line += " (git ";
    line += git_describe();
    line += ')';
  }
  return line;
}

}  // namespace ktrdr::cli
