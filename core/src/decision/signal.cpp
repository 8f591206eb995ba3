#include "ktrdr/decision/signal.h"

namespace ktrdr::decision {

std::string_view to_string(Signal signal) {
  switch (signal) {
    case Signal::kBuy:
      return "BUY";
    case Signal::kSell:
      return "SELL";
    case Signal::kHold:
      break;
  }
  return "HOLD";
}

std::string_view to_string(PositionSide side) {
  switch (side) {
    case PositionSide::kLong:
      return "LONG";
    case PositionSide::kShort:
      return "SHORT";
    case PositionSide::kFlat:
      break;
  }
  return "FLAT";
}

std::optional<Signal> parse_signal(std::string_view text) {
  if (text == "BUY") return Signal::kBuy;
  if (text == "HOLD") return Signal::kHold;
  if (text == "SELL") return Signal::kSell;
  return std::nullopt;
}

std::optional<PositionSide> parse_position_side(std::string_view text) {
  if (text == "FLAT") return PositionSide::kFlat;
  if (text == "LONG") return PositionSide::kLong;
  if (text == "SHORT") return PositionSide::kShort;
  return std::nullopt;
}

}  // namespace ktrdr::decision
