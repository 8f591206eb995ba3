// The one switch between the reference's behaviour and the fixed one, for the whole pipeline (docs/modes.md):
// `ktrdr` reproduces every as-is behaviour of the reference (multi-timeframe alignment and fills, position
// accounting, metrics); `corrected` applies the listed fixes. Parsed once, where text comes in (the command
// lines, the protocol codec); everything inside takes a Mode.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ktrdr {

enum class Mode : uint8_t { kKtrdr = 0, kCorrected = 1 };  // values are stored in checkpoints: never renumber

std::string_view to_string(Mode mode);                  // "ktrdr" | "corrected"
std::optional<Mode> parse_mode(std::string_view text);  // inverse of to_string; nullopt on anything else

}  // namespace ktrdr
