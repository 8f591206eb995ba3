// The binary bar cache: what it returns is what the parser returns, bit for bit; every way an entry can stop
// matching its data file (changed in place with the same size, replaced, truncated, corrupted, written for
// another file, another format version) makes it rebuild; an unwritable directory makes it parse and warn
// once.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <string>

#include <fmt/format.h>

#include "ktrdr/common/thread_pool.h"
#include "ktrdr/common/time.h"
#include "ktrdr/data/bar_cache.h"
#include "ktrdr/data/ohlcv_loader.h"
#include "support/errors.h"
#include "support/files.h"
#include "support/temp_dir.h"

using namespace ktrdr;
using test::error_of;
using test::read_text;
using test::TempDir;
using test::write_text;
namespace fs = std::filesystem;

namespace {

std::string csv_text(size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string text = "timestamp,open,high,low,close,volume\n";
  int64_t ts = *try_parse_timestamp_ns("2021-03-01");
  for (size_t i = 0; i < rows; ++i, ts += kNanosPerHour) {
    const double o = 1.0 + static_cast<double>(rng() % 100000) / 1e5;
    text += fmt::format("{},{:.5f},{:.5f},{:.5f},{:.5f},{}\n", format_iso_utc(ts), o, o + 0.001, o - 0.001,
                        o + 0.0005, rng() % 5000);
  }
  return text;
}

// Overwrites bytes of a file in place (same inode, same size).
void patch(const fs::path& p, size_t offset, const std::string& bytes) {
  const int fd = ::open(p.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  REQUIRE(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)) ==
          static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

bool same(const BarSeries& a, const BarSeries& b) {
  auto eq = [](const auto& x, const auto& y) {
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(x[0])) == 0;
  };
  return eq(a.ts_ns, b.ts_ns) && eq(a.open, b.open) && eq(a.high, b.high) && eq(a.low, b.low) &&
         eq(a.close, b.close) && eq(a.volume, b.volume);
}

// What is written to stderr (fd 2) while it lives.
class StderrCapture {
 public:
  explicit StderrCapture(fs::path file) : file_(std::move(file)) {
    saved_ = ::dup(2);
    const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~StderrCapture() { restore(); }
  std::string text() {
    restore();
    return read_text(file_);
  }

 private:
  void restore() {
    if (saved_ >= 0) {
      ::dup2(saved_, 2);
      ::close(saved_);
      saved_ = -1;
    }
  }
  fs::path file_;
  int saved_ = -1;
};

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct Fixture {
  TempDir scratch{"ktrdr-bar-cache"};
  fs::path data = scratch.path() / "EURUSD_1h.csv";
  BarCache cache{scratch.path() / "cache" / "bars"};  // not there yet: created on first use
  Fixture() { write_text(data, csv_text(3000, 1)); }
  // Loads through the cache and waits until a new entry is in place.
  BarSeries load(const DataRange& range = {}) {
    BarSeries b = cache.load(data.string(), range);
    cache.flush();
    return b;
  }
};

}  // namespace

TEST_CASE("bar cache: the first load stores an entry, later loads read it, bars equal the parser's") {
  Fixture f;
  const BarSeries parsed = load_ohlcv_csv(f.data.string());
  CHECK(same(f.load(), parsed));
  CHECK(f.cache.stats().built == 1);
  const fs::path entry = f.cache.entry_path(f.data.string());
  CHECK(entry.parent_path() == f.scratch.path() / "cache" / "bars");
  REQUIRE(fs::exists(entry));
  CHECK(read_text(entry).substr(0, 8) == "KTRDRBAR");
  CHECK(fs::file_size(entry) > 3000 * 6 * 8);
  CHECK(fs::file_size(entry) < 3000 * 6 * 8 + 4096);

  for (unsigned threads : {1u, 3u}) {
    ThreadPool pool(threads);
    CHECK(same(f.cache.load(f.data.string(), {}, &pool), parsed));
    const DataRange range{*try_parse_timestamp_ns("2021-03-10T05:00:00Z"),
                          *try_parse_timestamp_ns("2021-03-20")};
    const BarSeries cut = f.cache.load(f.data.string(), range, &pool);
    CHECK(cut.size() == 236);  // 03-10 05:00 .. 03-20 00:00, hourly, both ends included
    CHECK(same(cut, parsed.between(*range.start_ns, *range.end_ns)));
    CHECK(f.cache.load(f.data.string(), {*try_parse_timestamp_ns("2030-01-01"), std::nullopt}).empty());
  }
  const auto st = f.cache.stats();
  CHECK(st.hits == 6);
  CHECK(st.built == 1);
  CHECK(st.stale + st.invalid + st.uncached == 0);
}

TEST_CASE("bar cache: a data file rewritten in place, same size, old mtime restored, is read anew") {
  Fixture f;
  (void)f.load();
  struct stat before {};
  REQUIRE(::stat(f.data.c_str(), &before) == 0);
  // one digit in the middle of the file: the sampled blocks need not cover it, size and inode stay
  const std::string text = read_text(f.data);
  const size_t at = text.find('\n', text.size() / 2 + 1234) + 22;  // inside a row's open
  patch(f.data, at, text[at] == '7' ? "8" : "7");
  const timespec times[2] = {before.st_atim, before.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, f.data.c_str(), times, 0) == 0);
  struct stat after {};
  REQUIRE(::stat(f.data.c_str(), &after) == 0);
  REQUIRE(after.st_size == before.st_size);
  REQUIRE(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);

  const BarSeries now = f.load();
  CHECK(f.cache.stats().stale == 1);
  CHECK(same(now, load_ohlcv_csv(f.data.string())));
  (void)f.load();
  CHECK(f.cache.stats().hits == 1);  // the rebuilt entry serves the next load
}

TEST_CASE("bar cache: a data file changed in its last row, same size, is read anew") {
  Fixture f;
  (void)f.load();
  const std::string text = read_text(f.data);
  const size_t at = text.rfind('\n', text.size() - 2) + 22;
  patch(f.data, at, text[at] == '3' ? "4" : "3");
  CHECK(same(f.load(), load_ohlcv_csv(f.data.string())));
  CHECK(f.cache.stats().stale == 1);
}

TEST_CASE("bar cache: a data file replaced by another (renamed over it) is read anew") {
  Fixture f;
  (void)f.load();
  const fs::path other = f.scratch.path() / "incoming.csv";
  write_text(other, csv_text(2500, 2));
  fs::rename(other, f.data);
  const BarSeries now = f.load();
  CHECK(now.size() == 2500);
  CHECK(same(now, load_ohlcv_csv(f.data.string())));
  CHECK(f.cache.stats().stale == 1);
  // the same bytes under a new inode: rebuilt too (the key includes the inode), same bars
  const std::string same_text = read_text(f.data);
  write_text(other, same_text);
  fs::rename(other, f.data);
  CHECK(same(f.load(), now));
  CHECK(f.cache.stats().stale == 2);
}

TEST_CASE("bar cache: a truncated, corrupt or foreign entry is rebuilt with a warning") {
  struct Damage {
    const char* what;
    std::function<void(const fs::path&)> apply;
    bool warns;
  };
  const std::vector<Damage> damages{
      {"truncated to half", [](const fs::path& e) { fs::resize_file(e, fs::file_size(e) / 2); }, true},
      {"truncated by one byte", [](const fs::path& e) { fs::resize_file(e, fs::file_size(e) - 1); }, true},
      {"truncated inside the header", [](const fs::path& e) { fs::resize_file(e, 40); }, true},
      {"empty", [](const fs::path& e) { fs::resize_file(e, 0); }, true},
      {"one byte longer", [](const fs::path& e) { fs::resize_file(e, fs::file_size(e) + 1); }, true},
      {"a flipped bit in the close column",
       [](const fs::path& e) {
         const size_t at = fs::file_size(e) - 3000 * 8 * 2 + 17 * 8 + 3;  // close[17]
         const std::string b = read_text(e).substr(at, 1);
         patch(e, at, std::string(1, static_cast<char>(b[0] ^ 0x10)));
       },
       true},
      {"two rows swapped in the volume column",
       [](const fs::path& e) {
         const size_t at = fs::file_size(e) - 3000 * 8 + 100 * 8;
         const std::string all = read_text(e);
         patch(e, at, all.substr(at + 8, 8) + all.substr(at, 8));
       },
       true},
      {"a changed row count in the header", [](const fs::path& e) { patch(e, 24, std::string("\x01", 1)); },
       true},
      {"not an entry at all", [](const fs::path& e) { write_text(e, "hello, I am not a bar cache"); }, true},
      {"another format version", [](const fs::path& e) { patch(e, 8, std::string("\x02\0\0\0", 4)); }, false},
  };
  for (const auto& d : damages) {
    CAPTURE(d.what);
    Fixture f;
    const BarSeries parsed = f.load();
    const fs::path entry = f.cache.entry_path(f.data.string());
    d.apply(entry);
    std::string log;
    BarSeries now;
    {
      StderrCapture err(f.scratch.path() / "stderr.txt");
      now = f.load();
      log = err.text();
    }
    CHECK(same(now, parsed));
    CHECK(f.cache.stats().invalid == 1);
    CHECK(f.cache.stats().hits == 0);
    CHECK(count(log, "bar cache entry " + entry.string() + " is invalid") == (d.warns ? 1u : 0u));
    (void)f.load();
    CHECK(f.cache.stats().hits == 1);
  }
}

TEST_CASE("bar cache: an entry made for another data file is not used") {
  Fixture f;
  const fs::path other = f.scratch.path() / "GBPUSD_1h.csv";
  write_text(other, csv_text(3000, 3));
  (void)f.load();
  fs::copy_file(f.cache.entry_path(f.data.string()), f.cache.entry_path(other.string()));
  const BarSeries b = f.cache.load(other.string());
  CHECK(same(b, load_ohlcv_csv(other.string())));
  CHECK(f.cache.stats().stale == 1);
}

TEST_CASE("bar cache: an unwritable cache directory falls back to parsing and warns once") {
  TempDir scratch{"ktrdr-bar-cache"};
  write_text(scratch.path() / "in-the-way", "a file where the cache directory should be");
  const fs::path a = scratch.path() / "A_1h.csv", b = scratch.path() / "B_1h.csv";
  write_text(a, csv_text(500, 4));
  write_text(b, csv_text(700, 5));
  BarCache cache(scratch.path() / "in-the-way" / "bars");
  std::string log;
  {
    StderrCapture err(scratch.path() / "stderr.txt");
    CHECK(same(cache.load(a.string()), load_ohlcv_csv(a.string())));
    CHECK(same(cache.load(b.string()), load_ohlcv_csv(b.string())));
    CHECK(same(cache.load(a.string()), load_ohlcv_csv(a.string())));
    cache.flush();
    log = err.text();
  }
  CHECK(cache.stats().uncached == 3);
  CHECK(cache.stats().hits == 0);
  CHECK(count(log, "bar cache " + (scratch.path() / "in-the-way" / "bars").string()) == 1);
  CHECK(count(log, "data files are parsed without caching") == 1);
}

TEST_CASE("bar cache: load_ohlcv through a cache and a pool gives the bars and errors of a plain load") {
  Fixture f;
  ThreadPool pool(2);
  const LoadOptions through{&f.cache, &pool};
  const std::string dir = f.scratch.path().string();
  for (int pass = 0; pass < 2; ++pass) {  // building the entry, then reading it
    CAPTURE(pass);
    const DataRange range{*try_parse_timestamp_ns("2021-03-05"), std::nullopt};
    CHECK(same(load_ohlcv(dir, "EURUSD", "1h", range, through), load_ohlcv(dir, "EURUSD", "1h", range)));
    const DataRange none{*try_parse_timestamp_ns("2031-01-01"), std::nullopt};
    const std::string want = error_of([&] { (void)load_ohlcv(dir, "EURUSD", "1h", none); });
    CHECK(want.find("no bars between 2031-01-01T00:00:00Z and - (the file covers 2021-03-01T00:00:00Z") !=
          std::string::npos);
    CHECK(error_of([&] { (void)load_ohlcv(dir, "EURUSD", "1h", none, through); }) == want);
    f.cache.flush();
  }
  CHECK(f.cache.stats().hits >= 2);
  // the data file's own problems are the parser's errors, cache or not
  write_text(f.data, "timestamp,open,high,low,close,volume\n2021-01-01,1,x,1,1,1\n");
  const std::string bad = error_of([&] { (void)load_ohlcv(dir, "EURUSD", "1h", {}, through); });
  CHECK(bad == f.data.string() + ":2: high 'x' is not a number");
}
