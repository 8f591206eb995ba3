#include "ktrdr/position/accounting_mode.h"

namespace ktrdr::position {

std::string_view to_string(AccountingMode mode) {
  return mode == AccountingMode::kKtrdr ? "ktrdr" : "corrected";
}

std::optional<AccountingMode> parse_accounting_mode(std::string_view text) {
  if (text == "ktrdr") return AccountingMode::kKtrdr;
  if (text == "corrected") return AccountingMode::kCorrected;
  return std::nullopt;
}

}  // namespace ktrdr::position
