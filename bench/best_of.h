// Timing for the bench programs: wall and process-CPU seconds of a run, and the best of several runs (on a
// shared machine the minimum is the figure that noise did not inflate).
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>

namespace ktrdr::bench {

inline double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Wall and process CPU seconds since construction.
struct Timer {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  double cpu = cpu_now();
  double wall_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
  }
};

struct Best {
  double wall = 1e300, cpu = 1e300;
  void take(const Timer& t) {
    wall = std::min(wall, t.wall_seconds());
    cpu = std::min(cpu, cpu_now() - t.cpu);
  }
};

}  // namespace ktrdr::bench
