// The two accounting modes (DECISIONS.md): `ktrdr` reproduces every as-is behaviour of the reference engine,
// position manager and metrics; `corrected` applies the listed fixes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ktrdr::position {

enum class AccountingMode : uint8_t { kKtrdr = 0, kCorrected = 1 };

// "ktrdr" / "corrected".
std::string_view to_string(AccountingMode mode);
// Inverse of to_string; nullopt on anything else.
std::optional<AccountingMode> parse_accounting_mode(std::string_view text);

}  // namespace ktrdr::position
