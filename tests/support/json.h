// One read_json for every suite (nlohmann::json, or nlohmann::ordered_json when key order matters).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "support/files.h"

namespace ktrdr::test {

// Parses the file; throws std::runtime_error naming the path when it cannot be opened, and nlohmann's
// parse_error when it is not JSON.
template <typename Json = nlohmann::json>
Json read_json(const std::string& path) {
  return Json::parse(read_text(path));
}

}  // namespace ktrdr::test
