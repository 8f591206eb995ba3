// The options both ktrdr-backtest commands share for how a run uses the machine: --threads, --cache-dir,
// --no-cache. None changes a result.
#pragma once

#include <memory>
#include <string>

#include <boost/program_options.hpp>

#include "ktrdr/data/bar_cache.h"

namespace ktrdr::cli {

struct MachineOptions {
  unsigned threads = 1;
  std::string cache_dir;
  bool no_cache = false;

  // Adds the options (defaults: every hardware thread; the user's cache directory) to `desc`.
  void add_to(boost::program_options::options_description& desc);
  // Throws ktrdr::Error for a thread count out of range.
  void validate() const;
  // The bar cache the options ask for (nullptr for --no-cache or when no cache directory is known).
  std::unique_ptr<BarCache> make_cache() const;
};

}  // namespace ktrdr::cli
