#include "ktrdr/engine/engine_options.h"

#include <cmath>

#include "ktrdr/common/error.h"

namespace ktrdr::engine {

void EngineOptions::validate() const {
  costs.validate();
  KTRDR_REQUIRE(start_ns.has_value() == end_ns.has_value(),
                "engine options: give both start and end dates for annualisation, or neither (got only {})",
                start_ns ? "start" : "end");
  KTRDR_REQUIRE(!start_ns || *start_ns <= *end_ns, "engine options: start date after end date");
  KTRDR_REQUIRE(std::isfinite(checkpoint_every_seconds) && checkpoint_every_seconds >= 0.0,
                "engine options: checkpoint_every_seconds must be >= 0 (got {}); 0 disables the time trigger",
                checkpoint_every_seconds);
  KTRDR_REQUIRE(
      std::isfinite(checkpoint_min_gap_seconds) && checkpoint_min_gap_seconds >= 0.0,
      "engine options: checkpoint_min_gap_seconds must be >= 0 (got {}); 0 disables the minimum gap",
      checkpoint_min_gap_seconds);
}

}  // namespace ktrdr::engine
