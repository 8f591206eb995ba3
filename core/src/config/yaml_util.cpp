#include "config/yaml_util.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace ktrdr::config::detail {

namespace {

bool is_int_text(const std::string& s) {
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  if (i >= s.size()) return false;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// Float text as YAML 1.2 core / JSON write it: digits with a '.' and/or an exponent, or .inf/.nan.
bool parse_float_text(const std::string& s, double* out) {
  const std::string l = lower(s);
  if (l == ".inf" || l == "+.inf") {
    *out = INFINITY;
    return true;
  }
  if (l == "-.inf") {
    *out = -INFINITY;
    return true;
  }
  if (l == ".nan") {
    *out = NAN;
    return true;
  }
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  bool digits = false;
  bool dot_or_exp = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits = true;
    } else if (c == '.' || c == 'e' || c == 'E') {
      dot_or_exp = true;
    } else if (!((c == '+' || c == '-') && i > 0 && (s[i - 1] == 'e' || s[i - 1] == 'E'))) {
      return false;
    }
  }
  if (!digits || !dot_or_exp) return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

bool bool_text(const std::string& s, bool* out) {
  if (s == "true" || s == "True" || s == "TRUE") {
    *out = true;
    return true;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    *out = false;
    return true;
  }
  return false;
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined()) return "nothing";
  if (node.IsNull()) return "null";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "'" + node.Scalar() + "'";
}

}  // namespace

void fail(const Where& where, const std::string& problem) {
  throw Error(where.str() + ": " + problem);
}

YAML::Node parse_document(const std::string& text, const std::string& origin) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(
        fmt::format("{}:{}:{}: not valid YAML/JSON: {}", origin, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

YAML::Node child(const YAML::Node& map, const std::string& key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

bool has(const YAML::Node& map, const std::string& key) {
  const YAML::Node n = child(map, key);
  return n.IsDefined() && !n.IsNull();
}

bool is_plain_scalar(const YAML::Node& node) {
  return node.IsScalar() && node.Tag() != "!";
}

indicators::ParamValue param_value(const YAML::Node& node, const Where& where) {
  if (!node.IsDefined() || node.IsNull()) fail(where, "has no value");
  if (!node.IsScalar()) fail(where, "expected a single value, got " + describe(node));
  const std::string& s = node.Scalar();
  if (!is_plain_scalar(node)) return indicators::ParamValue::of_string(s);
  if (is_int_text(s)) {
    errno = 0;
    const long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno == ERANGE) fail(where, "integer '" + s + "' is out of range");
    return indicators::ParamValue::of_int(v);
  }
  double d = 0;
  if (parse_float_text(s, &d)) return indicators::ParamValue::of_float(d);
  bool b = false;
  if (bool_text(s, &b)) return indicators::ParamValue::of_bool(b);
  return indicators::ParamValue::of_string(s);
}

std::string as_string(const YAML::Node& node, const Where& where) {
  if (!node.IsDefined() || node.IsNull()) fail(where, "is missing");
  if (!node.IsScalar()) fail(where, "expected text, got " + describe(node));
  return node.Scalar();
}

double as_double(const YAML::Node& node, const Where& where) {
  if (!node.IsDefined() || node.IsNull()) fail(where, "is missing");
  if (node.IsScalar() && is_plain_scalar(node)) {
    const std::string& s = node.Scalar();
    if (is_int_text(s)) return std::strtod(s.c_str(), nullptr);
    double d = 0;
    if (parse_float_text(s, &d)) return d;
  }
  fail(where, "expected a number, got " + describe(node));
}

int as_int(const YAML::Node& node, const Where& where) {
  if (!node.IsDefined() || node.IsNull()) fail(where, "is missing");
  if (node.IsScalar() && is_plain_scalar(node) && is_int_text(node.Scalar())) {
    errno = 0;
    const long long v = std::strtoll(node.Scalar().c_str(), nullptr, 10);
    if (errno != ERANGE && v >= INT32_MIN && v <= INT32_MAX) return static_cast<int>(v);
  }
  fail(where, "expected an integer, got " + describe(node));
}

bool as_bool(const YAML::Node& node, const Where& where) {
  if (!node.IsDefined() || node.IsNull()) fail(where, "is missing");
  if (node.IsScalar() && is_plain_scalar(node)) {
    bool b = false;
    if (bool_text(node.Scalar(), &b)) return b;
    const std::string l = lower(node.Scalar());
    if (l == "yes" || l == "on") return true;
    if (l == "no" || l == "off") return false;
  }
  fail(where, "expected true or false, got " + describe(node));
}

std::vector<double> as_double_list(const YAML::Node& node, const Where& where) {
  if (!node.IsDefined() || !node.IsSequence())
    fail(where, "expected a list of numbers, got " + describe(node));
  std::vector<double> out;
  for (size_t i = 0; i < node.size(); ++i) out.push_back(as_double(node[i], where.at(i)));
  return out;
}

std::vector<int> as_int_list(const YAML::Node& node, const Where& where) {
  if (!node.IsDefined() || !node.IsSequence())
    fail(where, "expected a list of integers, got " + describe(node));
  std::vector<int> out;
  for (size_t i = 0; i < node.size(); ++i) out.push_back(as_int(node[i], where.at(i)));
  return out;
}

std::vector<std::string> as_string_list(const YAML::Node& node, const Where& where) {
  if (!node.IsDefined() || !node.IsSequence()) fail(where, "expected a list, got " + describe(node));
  std::vector<std::string> out;
  for (size_t i = 0; i < node.size(); ++i) out.push_back(as_string(node[i], where.at(i)));
  return out;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

}  // namespace ktrdr::config::detail
