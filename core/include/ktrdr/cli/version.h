// What every ktrdr program prints for --version: the CMake project version and `git describe --always
// --dirty` of the source tree, both recorded at build time (cmake/build_info.cmake). Built from a tarball
// without .git the describe part is empty unless -DKTRDR_GIT_DESCRIBE=... was given to CMake.
#pragma once

#include <string>
#include <string_view>

namespace ktrdr::cli {

std::string_view project_version();  // "0.1.0"
std::string_view git_describe();     // "82cdb54-dirty", "v0.2.0-3-g1a2b3c4", "" when unknown
// "ktrdr-broker 0.1.0 (git 82cdb54)", or "ktrdr-broker 0.1.0" when the describe is unknown.
std::string version_line(std::string_view program);

}  // namespace ktrdr::cli
