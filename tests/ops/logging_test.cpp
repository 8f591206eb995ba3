// A real daemon's log lines: sd-daemon prefixes when its stderr is the stream $JOURNAL_STREAM names (as under
// systemd with StandardError=journal), a UTC timestamp and the level letter otherwise, including when the
// variable was inherited but stderr goes elsewhere.
#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "ops_util.h"

namespace {

using namespace ktrdr::test;

// ktrdr-broker with an unknown option logs one error and exits 2; stderr goes to `log`. `journal_stream`:
// "self" = the device:inode of `log`, "" = unset, anything else is passed as is.
std::string broker_error_line(const TempDir& dir, const std::string& journal_stream) {
  const fs::path broker = built_binary("broker/ktrdr-broker");
  REQUIRE_MESSAGE(is_executable(broker), broker << " is not built");
  const std::string log = dir / "stderr.log";
  std::string env = "env -u JOURNAL_STREAM";
  if (journal_stream == "self") {
    env += " JOURNAL_STREAM=$(stat -c %d:%i " + shell_quote(log) + ")";
  } else if (!journal_stream.empty()) {
    env += " JOURNAL_STREAM=" + shell_quote(journal_stream);
  }
  std::string out;
  const int rc = run_shell(": > " + shell_quote(log) + "; (" + env + " " + shell_quote(broker.string()) +
                               " --no-such-option 2>> " + shell_quote(log) + ")",
                           &out);
  INFO(out);
  CHECK(rc == 2);
  return read_text(log);
}

}  // namespace

TEST_CASE("logging: under journald a daemon's lines carry sd-daemon prefixes, no timestamp") {
  TempDir dir;
  const std::string text = broker_error_line(dir, "self");
  CHECK_MESSAGE(std::regex_match(text, std::regex("<3>unrecognised option '--no-such-option'.*\n")), text);
}

TEST_CASE("logging: elsewhere a daemon's lines start with a UTC timestamp and the level letter") {
  TempDir dir;
  const std::regex timestamped(
      "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z E: unrecognised option "
      "'--no-such-option'.*\n");
  for (const std::string env :
       {"", "8:1234"}) {  // unset; inherited from a parent whose stderr was the journal
    const std::string text = broker_error_line(dir, env);
    CHECK_MESSAGE(std::regex_match(text, timestamped), "JOURNAL_STREAM=" << env << ": " << text);
  }
}
