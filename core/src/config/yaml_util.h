// Helpers for reading strategy YAML / model JSON through yaml-cpp (private to ktrdr_features).
// Every failure throws ktrdr::Error "ORIGIN: dotted.key: problem".
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "ktrdr/common/error.h"
#include "ktrdr/indicators/indicator.h"

namespace ktrdr::config::detail {

// Where a value came from: the file (or text origin) and the dotted key path inside it.
struct Where {
  std::string origin;
  std::string key;

  Where operator/(const std::string& child) const {
    return {origin, key.empty() ? child : key + "." + child};
  }
  Where at(size_t index) const { return {origin, key + "[" + std::to_string(index) + "]"}; }
  std::string str() const { return key.empty() ? origin : origin + ": " + key; }
};

[[noreturn]] void fail(const Where& where, const std::string& problem);

// Parses text as YAML (JSON included); syntax errors name origin, line and column.
YAML::Node parse_document(const std::string& text, const std::string& origin);

// Child of a map, or an undefined node. Never inserts.
YAML::Node child(const YAML::Node& map, const std::string& key);
bool has(const YAML::Node& map, const std::string& key);  // present and not null

// Scalar classification from the scalar text: "14" int, "14.0"/"1e-3" float, true/false bool, else string.
// Quoted scalars ("14") are strings.
indicators::ParamValue param_value(const YAML::Node& node, const Where& where);

bool is_plain_scalar(const YAML::Node& node);
std::string as_string(const YAML::Node& node, const Where& where);
double as_double(const YAML::Node& node, const Where& where);  // int or float text
int as_int(const YAML::Node& node, const Where& where);        // int text only
bool as_bool(const YAML::Node& node, const Where& where);
std::vector<double> as_double_list(const YAML::Node& node, const Where& where);
std::vector<int> as_int_list(const YAML::Node& node, const Where& where);
std::vector<std::string> as_string_list(const YAML::Node& node, const Where& where);

std::string lower(std::string text);
std::string join(const std::vector<std::string>& items, const std::string& sep = ", ");

}  // namespace ktrdr::config::detail
