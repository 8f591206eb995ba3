// What the engine reports while it runs: a value type, cheap to copy, published by workers over PUB.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ktrdr::engine {

struct ProgressSnapshot {
  uint64_t bars_done = 0;     // loop bars processed in this operation (resumes included)
  uint64_t bars_total = 0;    // loop bars of the whole run (bars - warm-up)
  uint64_t bar_index = 0;     // absolute index of the last processed bar
  int64_t current_ts_ns = 0;  // timestamp of that bar
  double percentage = 0.0;    // bars_done / bars_total * 100
  double equity = 0.0;        // portfolio value at that bar's close
  double pnl = 0.0;           // equity - initial capital
  uint64_t trades = 0;        // closed trades so far
  double win_rate = 0.0;      // winning / closed trades (fraction)
  double bars_per_second = 0.0;
  double eta_seconds = 0.0;
};

}  // namespace ktrdr::engine
