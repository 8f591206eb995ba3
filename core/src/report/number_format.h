// Number formatting shared by the chart and the summary table.
#pragma once

#include <string>

namespace ktrdr::report::detail {

// |v| at or above this is the reference's sanitised infinity (to_dict turns ±inf into ±999999).
constexpr double kSanitisedInfinity = 999999.0;

// 1234567.891 -> "1,234,567.89"; with sign: "+1,234,567.89" / "-1,234.50". NaN -> "n/a".
std::string grouped(double v, int decimals, bool with_sign = false);
// A fraction as a percentage: 0.04321 -> "4.32 %" (with sign: "+4.32 %").
std::string percent(double fraction, int decimals = 2, bool with_sign = false);
// A ratio, or "inf"/"-inf" for the sanitised infinity.
std::string ratio(double v, int decimals = 2);
// Escapes & < > " ' for XML text and attributes.
std::string xml_escape(const std::string& text);

}  // namespace ktrdr::report::detail
