#include "machine_options.h"

#include "ktrdr/common/error.h"
#include "ktrdr/common/thread_pool.h"

namespace po = boost::program_options;

namespace ktrdr::cli {

void MachineOptions::add_to(po::options_description& desc) {
  threads = ThreadPool::hardware_threads();
  cache_dir = BarCache::default_user_dir();
  desc.add_options()  //
      ("threads", po::value(&threads)->default_value(threads),
       "threads for parsing, indicators, fuzzy features and inference (default: every hardware thread; "
       "results do not depend on it)")  //
      ("cache-dir", po::value(&cache_dir)->default_value(cache_dir),
       "where parsed data files are kept in binary form so later runs skip parsing; an entry is rebuilt "
       "whenever its data file changes (default: $XDG_CACHE_HOME/ktrdr/bars or ~/.cache/ktrdr/bars)")  //
      ("no-cache", po::bool_switch(&no_cache), "parse the data files every time; read and write no cache");
}

void MachineOptions::validate() const {
  KTRDR_REQUIRE(threads >= 1 && threads <= 1024, "--threads must be in [1, 1024] (got {})", threads);
}

std::unique_ptr<BarCache> MachineOptions::make_cache() const {
  if (no_cache || cache_dir.empty()) return nullptr;
  return std::make_unique<BarCache>(cache_dir);
}

}  // namespace ktrdr::cli
