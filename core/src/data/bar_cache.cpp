#include "ktrdr/data/bar_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <type_traits>

#include "common/hash64.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/file_io.h"
#include "ktrdr/common/huge_pages.h"
#include "ktrdr/common/log.h"
#include "ktrdr/common/thread_pool.h"

namespace ktrdr {
namespace {

namespace fs = std::filesystem;
using detail::fmix64;
using detail::hash64;

constexpr char kMagic[8] = {'K', 'T', 'R', 'D', 'R', 'B', 'A', 'R'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kColumns = 6;
constexpr uint32_t kByteOrder = 0x01020304;
constexpr size_t kAlign = 64;
constexpr size_t kEdgeBytes = 64 * 1024;  // head and tail of the data file in the source key
constexpr size_t kSampleBytes = 4096;     // each of the blocks spread over the rest
constexpr size_t kSamples = 16;
constexpr uint64_t kHeaderSeed = 0x6b74726472686472ULL;

struct SourceKey {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t inode = 0;
  uint64_t sample_hash = 0;
  bool operator==(const SourceKey&) const = default;
};

// The entry's fixed header, as stored (host byte order). Version 1.
struct EntryHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;  // this struct + the path, padded to kAlign
  uint32_t columns;
  uint32_t byte_order;
  uint64_t rows;
  uint64_t source_size;
  int64_t source_mtime_ns;
  int64_t source_ctime_ns;
  uint64_t source_inode;
  uint64_t source_sample_hash;
  uint64_t column_checksum[kColumns];
  uint32_t path_bytes;
  uint32_t reserved;
  uint64_t header_checksum;  // hash64 of the header_bytes bytes with this field zero
};
static_assert(std::is_trivially_copyable_v<EntryHeader> && sizeof(EntryHeader) == 136);

int64_t to_ns(const timespec& t) {
  return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// Reads [offset, offset + n) of fd into buf (short at end of file); false on an error.
bool read_block(int fd, uint64_t offset, size_t n, std::vector<char>& buf) {
  buf.resize(n);
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, buf.data() + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  buf.resize(got);
  return got == n;
}

std::optional<SourceKey> source_key(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  SourceKey key;
  key.size = static_cast<uint64_t>(st.st_size);
  key.mtime_ns = to_ns(st.st_mtim);
  key.ctime_ns = to_ns(st.st_ctim);
  key.inode = static_cast<uint64_t>(st.st_ino);
  // head, kSamples blocks at k/(kSamples + 1) of the size, tail (overlaps do no harm)
  std::vector<uint64_t> offsets{0};
  for (size_t k = 1; k <= kSamples; ++k) offsets.push_back(key.size / (kSamples + 1) * k);
  offsets.push_back(key.size > kEdgeBytes ? key.size - kEdgeBytes : 0);
  uint64_t h = 0x736f75726365ULL ^ key.size;
  std::vector<char> buf;
  for (size_t i = 0; i < offsets.size(); ++i) {
    const size_t want = (i == 0 || i + 1 == offsets.size()) ? kEdgeBytes : kSampleBytes;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(want, key.size - std::min(key.size, offsets[i])));
    if (!read_block(fd, offsets[i], n, buf)) return std::nullopt;
    h = hash64(buf.data(), buf.size(), h);
  }
  key.sample_hash = h;
  return key;
}

// A Fletcher-style sum over 64-bit words in 4 independent lanes (memory speed, vectorised), mixed at the end:
// any one changed word changes it; so does reordering words within a lane.
uint64_t column_checksum(const void* data, size_t rows, uint64_t column) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t a[4] = {0, 0, 0, 0}, b[4] = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 4 <= rows; i += 4) {
    for (size_t l = 0; l < 4; ++l) {
      uint64_t w;
      std::memcpy(&w, p + (i + l) * 8, 8);
      a[l] += w;
      b[l] += a[l];
    }
  }
  for (; i < rows; ++i) {
    uint64_t w;
    std::memcpy(&w, p + i * 8, 8);
    a[0] += w;
    b[0] += a[0];
  }
  uint64_t h = fmix64(column * 0x9E3779B97F4A7C15ULL ^ rows);
  for (size_t l = 0; l < 4; ++l) h = fmix64(fmix64(h ^ a[l]) ^ b[l]);
  return h;
}

size_t header_size(size_t path_bytes) {
  return (sizeof(EntryHeader) + path_bytes + kAlign - 1) / kAlign * kAlign;
}

// hash64 of the first n >= sizeof(EntryHeader) bytes of an entry with its header_checksum field zero.
uint64_t header_checksum(const char* header, size_t n) {
  std::string copy(header, n);
  constexpr uint64_t kZero = 0;
  copy.replace(offsetof(EntryHeader, header_checksum), sizeof kZero, reinterpret_cast<const char*>(&kZero),
               sizeof kZero);
  return hash64(copy.data(), copy.size(), kHeaderSeed);
}

// Column k of the bars as raw bytes.
const void* column_data(const BarSeries& b, size_t k) {
  switch (k) {
    case 0:
      return b.ts_ns.data();
    case 1:
      return b.open.data();
    case 2:
      return b.high.data();
    case 3:
      return b.low.data();
    case 4:
      return b.close.data();
    default:
      return b.volume.data();
  }
}

// An open file descriptor, closed on scope exit.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// A read-only mapping of a whole entry file.
class Mapping {
 public:
  explicit Mapping(int fd, size_t size) : size_(size) {
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      data_ = p == MAP_FAILED ? nullptr : static_cast<const char*>(p);
    }
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  const char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  size_t size_;
  const char* data_ = nullptr;
};

enum class Verdict { kValid, kStale, kInvalid, kOtherVersion };
struct Check {
  Verdict verdict = Verdict::kValid;
  std::string why;
};

// Everything about an entry except its column checksums (those are checked while the columns are read).
Check check_header(const Mapping& m, const std::string& source, const SourceKey& key, EntryHeader& h) {
  if (m.size() < sizeof(EntryHeader))
    return {Verdict::kInvalid, fmt::format("truncated ({} bytes)", m.size())};
  std::memcpy(&h, m.data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0)
    return {Verdict::kInvalid, "not a ktrdr bar cache file"};
  if (h.version != kVersion) return {Verdict::kOtherVersion, fmt::format("format version {}", h.version)};
  if (h.header_bytes < sizeof(EntryHeader) || h.header_bytes > m.size() ||
      h.header_bytes != header_size(h.path_bytes) ||
      header_checksum(m.data(), h.header_bytes) != h.header_checksum)
    return {Verdict::kInvalid, "corrupt header (checksum mismatch)"};
  if (h.columns != kColumns || h.byte_order != kByteOrder)
    return {Verdict::kInvalid, fmt::format("{} columns, byte order {:#x}", h.columns, h.byte_order)};
  if (std::string_view(m.data() + sizeof(EntryHeader), h.path_bytes) != source)
    return {Verdict::kStale, "caches another data file"};
  const uint64_t want = h.header_bytes + h.rows * kColumns * sizeof(double);
  if (h.rows == 0 || m.size() != want)
    return {Verdict::kInvalid,
            fmt::format("truncated or padded: {} bytes, {} expected for {} rows", m.size(), want, h.rows)};
  const SourceKey stored{h.source_size, h.source_mtime_ns, h.source_ctime_ns, h.source_inode,
                         h.source_sample_hash};
  if (!(stored == key)) return {Verdict::kStale, "the data file changed"};
  return {};
}

// The data file's absolute path with symlinks resolved: what an entry is for (named in its header).
std::string canonical_name(const std::string& csv_path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(csv_path, ec);
  if (ec) p = fs::absolute(csv_path, ec);
  return ec ? csv_path : p.string();
}

// "<file name>.<hash of the canonical path>.bars": one entry per data file, recognisable by name.
fs::path entry_for(const fs::path& dir, const std::string& canonical) {
  return dir / fmt::format("{}.{:016x}.bars", fs::path(canonical).filename().string(),
                           hash64(canonical.data(), canonical.size(), 0));
}

// Rows [b, e) of column k of the entry, copied into a column of the result (capacity asked in huge pages).
template <typename T>
void copy_rows(std::vector<T>& to, const char* column, size_t b, size_t e) {
  to.reserve(e - b);
  advise_huge_pages(to.data(), (e - b) * sizeof(T));
  const T* first = reinterpret_cast<const T*>(column) + b;
  to.assign(first, first + (e - b));
}

}  // namespace

BarCache::BarCache(fs::path dir) : dir_(std::move(dir)) {}

BarCache::~BarCache() {
  flush();
}

void BarCache::flush() {
  const std::lock_guard lock(flush_mutex_);
  if (flusher_.joinable()) flusher_.join();
}

BarCache::Stats BarCache::stats() const {
  return {hits_.load(), built_.load(), stale_.load(), invalid_.load(), uncached_.load()};
}

std::string BarCache::default_user_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/')
    return (fs::path(xdg) / "ktrdr" / "bars").string();
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0')
    return (fs::path(home) / ".cache" / "ktrdr" / "bars").string();
  return "";
}

fs::path BarCache::entry_path(const std::string& csv_path) const {
  return entry_for(dir_, canonical_name(csv_path));
}

void BarCache::warn_unwritable(const std::string& why) {
  if (!warned_.exchange(true))
    log::warn(
        "bar cache {}: {}; data files are parsed without caching (fix the directory, choose another with "
        "--cache-dir, or pass --no-cache)",
        dir_.string(), why);
}

void BarCache::publish(AtomicFileWriter file) {
  const std::lock_guard lock(flush_mutex_);
  if (flusher_.joinable()) flusher_.join();
  flusher_ = std::jthread([this, f = std::move(file)]() mutable {
    try {
      f.commit();
    } catch (const Error& e) {
      warn_unwritable(e.what());
    }
  });
}

BarSeries BarCache::load(const std::string& csv_path, const DataRange& range, ThreadPool* pool) {
  const int64_t lo = range.start_ns.value_or(std::numeric_limits<int64_t>::min());
  const int64_t hi = range.end_ns.value_or(std::numeric_limits<int64_t>::max());
  auto cut = [&](BarSeries all) { return range.start_ns || range.end_ns ? all.between(lo, hi) : all; };
  auto for_columns = [&](const std::function<void(size_t)>& fn) {
    if (pool != nullptr) {
      pool->parallel_for(kColumns, fn);
    } else {
      for (size_t k = 0; k < kColumns; ++k) fn(k);
    }
  };

  const Fd source(::open(csv_path.c_str(), O_RDONLY | O_CLOEXEC));
  const std::optional<SourceKey> key = source.fd >= 0 ? source_key(source.fd) : std::nullopt;
  if (!key) return cut(load_ohlcv_csv(csv_path, pool));  // not a readable regular file: the parser says why
  const std::string source_name = canonical_name(csv_path);
  const fs::path entry = entry_for(dir_, source_name);

  // 1. a valid entry
  std::atomic<uint64_t>* outcome = &built_;
  if (const Fd fd(::open(entry.c_str(), O_RDONLY | O_CLOEXEC)); fd.fd >= 0) {
    struct stat st {};
    const Mapping m(fd.fd, ::fstat(fd.fd, &st) == 0 ? static_cast<size_t>(st.st_size) : 0);
    EntryHeader h{};
    Check check = m.data() == nullptr ? Check{Verdict::kInvalid, "cannot be mapped (empty?)"}
                                      : check_header(m, source_name, *key, h);
    if (check.verdict == Verdict::kValid) {
      const char* col = m.data() + h.header_bytes;
      const size_t rows = static_cast<size_t>(h.rows);
      const auto* ts = reinterpret_cast<const int64_t*>(col);
      const size_t b = static_cast<size_t>(std::lower_bound(ts, ts + rows, lo) - ts);
      const size_t e = std::max(b, static_cast<size_t>(std::upper_bound(ts, ts + rows, hi) - ts));
      BarSeries bars;
      std::array<bool, kColumns> ok{};
      for_columns([&](size_t k) {
        const char* data = col + k * rows * sizeof(double);
        ok[k] = column_checksum(data, rows, k) == h.column_checksum[k];
        if (!ok[k]) return;
        if (k == 0) {
          copy_rows(bars.ts_ns, data, b, e);
        } else {
          std::vector<double>* to[] = {&bars.open, &bars.high, &bars.low, &bars.close, &bars.volume};
          copy_rows(*to[k - 1], data, b, e);
        }
      });
      const auto bad = std::find(ok.begin(), ok.end(), false);
      if (bad == ok.end()) {
        hits_.fetch_add(1);
        return bars;
      }
      check = {Verdict::kInvalid, fmt::format("column {} fails its checksum", bad - ok.begin())};
    }
    switch (check.verdict) {
      case Verdict::kInvalid:
        log::warn("bar cache entry {} is invalid ({}); rebuilding it from {}", entry.string(), check.why,
                  csv_path);
        outcome = &invalid_;
        break;
      case Verdict::kOtherVersion:
        log::info("bar cache entry {} has {} (this build writes {}); rebuilding it", entry.string(),
                  check.why, kVersion);
        outcome = &invalid_;
        break;
      default:
        log::debug("bar cache entry {}: {}; rebuilding it", entry.string(), check.why);
        outcome = &stale_;
    }
  }

  // 2. parse, and store for next time
  BarSeries all = load_ohlcv_csv(csv_path, pool);
  try {
    fs::create_directories(dir_);
    const size_t rows = all.size();
    const size_t header_bytes = header_size(source_name.size());
    EntryHeader h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.version = kVersion;
    h.header_bytes = static_cast<uint32_t>(header_bytes);
    h.columns = kColumns;
    h.byte_order = kByteOrder;
    h.rows = rows;
    h.source_size = key->size;
    h.source_mtime_ns = key->mtime_ns;
    h.source_ctime_ns = key->ctime_ns;
    h.source_inode = key->inode;
    h.source_sample_hash = key->sample_hash;
    h.path_bytes = static_cast<uint32_t>(source_name.size());
    AtomicFileWriter file(entry);
    for_columns([&](size_t k) {
      const void* data = column_data(all, k);
      h.column_checksum[k] = column_checksum(data, rows, k);
      file.write_at(header_bytes + k * rows * sizeof(double),
                    std::string_view(static_cast<const char*>(data), rows * sizeof(double)));
    });
    std::string header(header_bytes, '\0');
    std::memcpy(header.data(), &h, sizeof h);
    std::memcpy(header.data() + sizeof h, source_name.data(), source_name.size());
    h.header_checksum = header_checksum(header.data(), header.size());
    std::memcpy(header.data() + offsetof(EntryHeader, header_checksum), &h.header_checksum, sizeof(uint64_t));
    file.write_at(0, header);
    publish(std::move(file));
    outcome->fetch_add(1);
  } catch (const std::exception& e) {  // the cache's own problem (filesystem_error or ktrdr::Error): parse on
    warn_unwritable(e.what());
    uncached_.fetch_add(1);
  }
  return cut(std::move(all));
}

}  // namespace ktrdr
