#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "ktrdr/common/error.h"
#include "ktrdr/common/file_io.h"
#include "support/errors.h"
#include "support/files.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;
using ktrdr::write_file_atomically;
namespace test = ktrdr::test;

using ktrdr::test::error_of;
using ktrdr::test::names_in;
using ktrdr::test::read_text;

TEST_CASE("write_file_atomically: writes the exact bytes and leaves no temporary file") {
  test::TempDir dir{"ktrdr-file-io"};
  const fs::path out = dir.path() / "result.json";
  const std::string bytes = std::string("{\"a\":1}\n\0binary\xff", 17);
  write_file_atomically(out, bytes);
  CHECK(test::read_text(out) == bytes);
  CHECK(fs::file_size(out) == 17);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"result.json"});
}

TEST_CASE("write_file_atomically: replaces a longer existing file entirely") {
  test::TempDir dir{"ktrdr-file-io"};
  const fs::path out = dir.path() / "trades.csv";
  write_file_atomically(out, "0123456789 old content that is longer\n");
  write_file_atomically(out, "new\n");
  CHECK(test::read_text(out) == "new\n");
  write_file_atomically(out, "");
  CHECK(fs::file_size(out) == 0);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"trades.csv"});
}

TEST_CASE("write_file_atomically: the new file has the mode a plain ofstream would give it") {
  test::TempDir dir{"ktrdr-file-io"};
  std::ofstream(dir.path() / "plain") << "x";
  write_file_atomically(dir.path() / "atomic", "x");
  struct stat plain {
  }, atomic{};
  REQUIRE(::stat((dir.path() / "plain").c_str(), &plain) == 0);
  REQUIRE(::stat((dir.path() / "atomic").c_str(), &atomic) == 0);
  CHECK((atomic.st_mode & 07777) == (plain.st_mode & 07777));
}

TEST_CASE("write_file_atomically: a relative file name is written in the current directory") {
  test::TempDir dir{"ktrdr-file-io"};
  const fs::path before = fs::current_path();
  fs::current_path(dir.path());
  write_file_atomically("bare.txt", "here");
  fs::current_path(before);
  CHECK(test::read_text(dir.path() / "bare.txt") == "here");
}

TEST_CASE("write_file_atomically: a missing directory is an error naming the path and the OS reason") {
  test::TempDir dir{"ktrdr-file-io"};
  const fs::path out = dir.path() / "no-such-dir" / "result.json";
  CHECK_THROWS_WITH_AS(
      write_file_atomically(out, "x"),
      ("cannot write " + out.string() + ": creating a temporary file in '" +
       (dir.path() / "no-such-dir").string() +
       "' failed: No such file or directory; check that the directory exists and is writable")
          .c_str(),
      ktrdr::Error);
  CHECK(names_in(dir.path()).empty());
}

TEST_CASE("write_file_atomically: a directory in the way fails and is left alone and no temporary remains") {
  test::TempDir dir{"ktrdr-file-io"};
  const fs::path out = dir.path() / "taken";
  fs::create_directory(out);
  std::ofstream(out / "inside") << "keep";
  const std::string message = error_of([&] { write_file_atomically(out, "x"); });
  // "<out>.tmp.<pid>.<random>" sits in the middle: check what comes before and after it
  const std::string head = "cannot write " + out.string() + ": renaming " + out.string() + ".tmp.";
  const std::string tail = " over it failed: Is a directory; check that " + out.string() +
                           " is not a directory and its directory is writable";
  CHECK(message.substr(0, head.size()) == head);
  REQUIRE(message.size() > tail.size());
  CHECK(message.substr(message.size() - tail.size()) == tail);
  CHECK(fs::is_directory(out));
  CHECK(test::read_text(out / "inside") == "keep");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"taken"});
}

TEST_CASE("write_file_atomically: an empty path or a path ending in / is refused with a fix") {
  CHECK_THROWS_WITH_AS(write_file_atomically("", "x"),
                       "cannot write a file with an empty path: give a file name", ktrdr::Error);
  CHECK_THROWS_WITH_AS(write_file_atomically("/tmp/", "x"),
                       "cannot write /tmp/: the path names a directory; give a file name", ktrdr::Error);
}
