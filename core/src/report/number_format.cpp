#include "number_format.h"

#include <cmath>

#include <fmt/format.h>

namespace ktrdr::report::detail {

std::string grouped(double v, int decimals, bool with_sign) {
  if (std::isnan(v)) return "n/a";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const std::string digits = fmt::format("{:.{}f}", std::fabs(v), decimals);
  const size_t dot = digits.find('.');
  const std::string whole = digits.substr(0, dot);
  std::string out;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  if (dot != std::string::npos) out += digits.substr(dot);
  // "-0.00" reads as a loss: only a value that rounds to non-zero carries a minus
  const bool zero = digits.find_first_not_of("0.") == std::string::npos;
  if (v < 0 && !zero) return "-" + out;
  if (with_sign && !zero) return "+" + out;
  return out;
}

std::string percent(double fraction, int decimals, bool with_sign) {
  return grouped(fraction * 100.0, decimals, with_sign) + " %";
}

std::string ratio(double v, int decimals) {
  if (v >= kSanitisedInfinity) return "inf";
  if (v <= -kSanitisedInfinity) return "-inf";
  return grouped(v, decimals);
}

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace ktrdr::report::detail
