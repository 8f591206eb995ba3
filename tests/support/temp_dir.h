// One temporary directory helper for every test: mkdtemp under /tmp (short paths: ipc:// endpoints must stay
// under 107 characters), removed on destruction unless KTRDR_KEEP_TEST_DIRS is set (to look at a failure).
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace ktrdr::test {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "ktrdr-test") {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
    path_ = tmpl;
    str_ = tmpl;
  }
  ~TempDir() {
    if (std::getenv("KTRDR_KEEP_TEST_DIRS") != nullptr) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::string& str() const { return str_; }
  std::string operator/(const std::string& name) const { return str_ + "/" + name; }

 private:
  std::filesystem::path path_;
  std::string str_;
};

}  // namespace ktrdr::test
