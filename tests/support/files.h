// Reading and writing whole files in tests (one copy for every suite).
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ktrdr::test {

// The file's bytes; throws std::runtime_error naming the path when it cannot be opened.
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replaces the file with `text`; throws std::runtime_error naming the path when it cannot be written.
inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace ktrdr::test
