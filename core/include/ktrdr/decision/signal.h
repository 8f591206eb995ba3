// Trading signal and position side: stable values (docs/reference.md §5.4: class 0 = BUY, 1 = HOLD, 2 =
// SELL).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ktrdr::decision {

// The value is the model's class index (docs/reference.md §5.4).
enum class Signal : uint8_t { kBuy = 0, kHold = 1, kSell = 2 };

enum class PositionSide : uint8_t { kFlat = 0, kLong = 1, kShort = 2 };

// "BUY" / "HOLD" / "SELL".
std::string_view to_string(Signal signal);
// "FLAT" / "LONG" / "SHORT".
std::string_view to_string(PositionSide side);
// Case-sensitive inverse of to_string; nullopt on anything else.
std::optional<Signal> parse_signal(std::string_view text);
std::optional<PositionSide> parse_position_side(std::string_view text);

}  // namespace ktrdr::decision
