// The log line formats: sd-daemon prefixes when stderr is journald's stream ($JOURNAL_STREAM names its
// device:inode), a UTC timestamp and the level letter anywhere else.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "ktrdr/common/log.h"
#include "ktrdr/common/time.h"

using namespace ktrdr;

namespace {

// A temporary file, removed on scope exit.
struct TempFile {
  std::string path;
  int fd = -1;
  TempFile() {
    char tmpl[] = "/tmp/ktrdr-log-XXXXXX";
    fd = ::mkstemp(tmpl);
    REQUIRE(fd >= 0);
    path = tmpl;
  }
  ~TempFile() {
    ::close(fd);
    ::unlink(path.c_str());
  }
  std::string dev_ino() const {
    struct stat st {};
    REQUIRE(::fstat(fd, &st) == 0);
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }
  std::string text() const {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

// Runs `body` with stderr going to `file`.
template <typename Body>
void with_stderr_to(const TempFile& file, Body body) {
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  REQUIRE(::dup2(file.fd, STDERR_FILENO) == STDERR_FILENO);
  body();
  REQUIRE(::dup2(saved, STDERR_FILENO) == STDERR_FILENO);
  ::close(saved);
}

}  // namespace

TEST_CASE("log: journald lines carry sd-daemon priority prefixes and no timestamp") {
  CHECK(log::format_line(log::Level::kError, log::Format::kJournal, 0, "broker down") == "<3>broker down");
  CHECK(log::format_line(log::Level::kWarning, log::Format::kJournal, 0, "slow") == "<4>slow");
  CHECK(log::format_line(log::Level::kInfo, log::Format::kJournal, 0, "ready") == "<6>ready");
  CHECK(log::format_line(log::Level::kDebug, log::Format::kJournal, 0, "x") == "<7>x");
}

TEST_CASE("log: other lines start with a UTC timestamp (milliseconds) and the level letter") {
  const int64_t t = parse_timestamp_ns("2020-01-06T13:04:05Z", "t") + 123'456'789;
  CHECK(log::format_line(log::Level::kWarning, log::Format::kTimestamped, t, "job resumed") ==
        "2020-01-06T13:04:05.123Z W: job resumed");
  CHECK(log::format_line(log::Level::kError, log::Format::kTimestamped, 0, "e") ==
        "1970-01-01T00:00:00.000Z E: e");
  CHECK(log::format_line(log::Level::kInfo, log::Format::kTimestamped, 999'999'999, "i") ==
        "1970-01-01T00:00:00.999Z I: i");
  CHECK(log::format_line(log::Level::kDebug, log::Format::kTimestamped, -1'000'000, "d") ==
        "1969-12-31T23:59:59.999Z D: d");
}

TEST_CASE("log: $JOURNAL_STREAM counts only when it names stderr's own device and inode") {
  TempFile f;
  CHECK(log::detect_format(f.dev_ino(), f.fd) == log::Format::kJournal);
  CHECK(log::detect_format("", f.fd) == log::Format::kTimestamped);     // unset
  CHECK(log::detect_format("1:2", f.fd) == log::Format::kTimestamped);  // inherited, stderr elsewhere
  CHECK(log::detect_format(f.dev_ino() + "0", f.fd) == log::Format::kTimestamped);
  CHECK(log::detect_format("garbage", f.fd) == log::Format::kTimestamped);
  CHECK(log::detect_format(f.dev_ino(), -1) == log::Format::kTimestamped);  // no stderr
}

TEST_CASE("log: write() prints one line per event in the chosen format") {
  TempFile f;
  const log::Format before = log::format();
  with_stderr_to(f, [] {
    log::set_format(log::Format::kJournal);
    log::write(log::Level::kInfo, "under journald");
    log::set_format(log::Format::kTimestamped);
    log::warn("in a file, {} {}", "bar", 7);
  });
  log::set_format(before);
  const std::string text = f.text();
  const std::regex expected(
      "<6>under journald\n"
      "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z W: in a file, bar 7\n");
  CHECK_MESSAGE(std::regex_match(text, expected), text);
}
