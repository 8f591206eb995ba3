// A binary columnar cache of parsed OHLCV files, so that the second run on the same data file reads its bars
// without parsing: one entry file per data file under the cache directory, memory-mapped on load.
//
// Entry file (host byte order, checked): a header — magic "KTRDRBAR", format version, header size, column
// count (6), byte-order mark, row count, the source key, one checksum per column, the data file's canonical
// path, and a checksum of the header itself — then the columns ts_ns, open, high, low, close, volume, each
// rows x 8 bytes. The file's size must be exactly header + rows x 48.
//
// The source key is the data file's size, mtime, ctime and inode number plus a hash of its head, its tail and
// 16 blocks spread over the rest. An entry whose key differs from the file's is stale and rebuilt; an entry
// that is truncated, fails a checksum or is not an entry at all is rebuilt with a warning; an entry of
// another format version is rebuilt. Nothing in an entry is used before all of that has been checked. Limit:
// an in-place rewrite that keeps the size, lands within the file system's timestamp granularity (a few ms),
// keeps the inode and touches none of the hashed blocks is not noticed.
//
// Entries are written atomically (temporary file in the cache directory, fsync, rename), so a reader sees a
// whole entry or none; the fsync and rename of a new entry finish on a background thread, which the
// destructor waits for. If the directory cannot be created or written, load() parses the data file without
// caching and warns once per BarCache.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "ktrdr/data/bar_series.h"
#include "ktrdr/data/ohlcv_loader.h"

namespace ktrdr {

class AtomicFileWriter;
class ThreadPool;

class BarCache {
 public:
  // Counts of what load() did, for tests and benchmarks.
  struct Stats {
    uint64_t hits = 0;      // served from a valid entry
    uint64_t built = 0;     // no entry yet: parsed and stored
    uint64_t stale = 0;     // the data file changed (or the entry was for another path): parsed and stored
    uint64_t invalid = 0;   // truncated, corrupt, not an entry, other version: parsed and stored
    uint64_t uncached = 0;  // the directory is not writable: parsed, not stored
  };

  // The directory is created on first use.
  explicit BarCache(std::filesystem::path dir);
  BarCache(const BarCache&) = delete;
  BarCache& operator=(const BarCache&) = delete;
  ~BarCache();

  const std::filesystem::path& dir() const { return dir_; }
  // The bars of the CSV file at `csv_path` within `range` (inclusive), the same values as
  // load_ohlcv_csv(csv_path).between(...) bit for bit. `pool` (optional) parses and checks columns in
  // parallel. Throws ktrdr::Error for the data file's own problems (missing, malformed), never for the
  // cache's.
  BarSeries load(const std::string& csv_path, const DataRange& range = {}, ThreadPool* pool = nullptr);
  // The entry file that caches `csv_path`.
  std::filesystem::path entry_path(const std::string& csv_path) const;
  Stats stats() const;
  // Waits until entries written so far are on disk and in place (the destructor does this too).
  void flush();

  // The default cache directory of a command-line user: $XDG_CACHE_HOME/ktrdr/bars, else ~/.cache/ktrdr/bars;
  // "" when neither variable is set. Only main() should call this (it reads the environment).
  static std::string default_user_dir();

 private:
  // Commits a written entry (fsync + rename) on the flusher thread.
  void publish(AtomicFileWriter file);
  void warn_unwritable(const std::string& why);

  std::filesystem::path dir_;
  std::atomic<bool> warned_{false};
  std::atomic<uint64_t> hits_{0}, built_{0}, stale_{0}, invalid_{0}, uncached_{0};
  std::mutex flush_mutex_;
  std::jthread flusher_;  // fsync + rename of the latest new entry
};

}  // namespace ktrdr
