// Helpers for the tests of tests/common that touch the file system: a scratch directory, reading a file back,
// listing a directory, the text of a ktrdr::Error.
#pragma once

#include <doctest/doctest.h>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "ktrdr/common/error.h"

namespace ktrdr::test {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed with its content on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "ktrdr-common-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The ktrdr::Error text `fn` throws ("" when it throws nothing).
template <typename Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const ktrdr::Error& e) {
    return e.what();
  }
  return {};
}

}  // namespace ktrdr::test
