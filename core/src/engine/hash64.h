// The engine's checksums and fingerprints use the project's hash64 (common/hash64.h).
#pragma once

#include "common/hash64.h"

namespace ktrdr::engine::detail {
using ktrdr::detail::hash64;
}  // namespace ktrdr::engine::detail
