// Mode names (mode.h).
#include "ktrdr/common/mode.h"

namespace ktrdr {

std::string_view to_string(Mode mode) {
  return mode == Mode::kKtrdr ? "ktrdr" : "corrected";
}

std::optional<Mode> parse_mode(std::string_view text) {
  if (text == "ktrdr") return Mode::kKtrdr;
  if (text == "corrected") return Mode::kCorrected;
  return std::nullopt;
}

}  // namespace ktrdr
