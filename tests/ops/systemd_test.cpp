// The systemd units in systemd/: they load cleanly (systemd-analyze verify), keep their hardening
// (systemd-analyze security --offline), and start the daemons with options the daemons accept.
// The daemons' sd_notify calls are checked against a real notify socket.
#include <sys/socket.h>
#include <sys/un.h>

#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "ops_util.h"

namespace {

using namespace ktrdr::test;
using namespace std::chrono_literals;

// The units as configured for this build's install prefix (from systemd/*.in, packaging/CMakeLists.txt).
const fs::path kUnitDir = fs::path(KTRDR_BINARY_DIR) / "systemd";
const fs::path kSourceUnitDir = fs::path(KTRDR_SOURCE_DIR) / "systemd";
// Where they look for the programs and configs: <prefix>/bin, and /etc/ktrdr for prefix /usr, else
// <prefix>/etc/ktrdr.
const std::string kPrefix = KTRDR_INSTALL_PREFIX;
const std::string kBinDir = kPrefix + "/bin";
const std::string kConfDir = kPrefix == "/usr" ? "/etc/ktrdr" : kPrefix + "/etc/ktrdr";

// The units name <prefix>/bin/ktrdr-*, which systemd-analyze verify requires to exist. The copies
// under test point at the built binaries, or at a stub when a daemon is not built yet.
struct UnitCopies {
  TempDir dir{"ktrdr-ops"};
  std::vector<std::string> stubbed;

  UnitCopies() {
    std::vector<std::pair<std::string, fs::path>> binaries;  // name in the unit -> what to run instead
    for (const auto& [name, rel] :
         {std::pair<std::string, std::string>{"ktrdr-broker", "broker/ktrdr-broker"},
          {"ktrdr-worker", "daemon/ktrdr-worker"},
          {"ktrdr-gateway", "gateway/ktrdr-gateway"}}) {
      fs::path target = built_binary(rel);
      if (!is_executable(target)) {
        target = dir.path() / (name + "-stub");
        write_text(target, "#!/bin/sh\nexit 0\n");
        fs::permissions(target, fs::perms::owner_all);
        stubbed.push_back(name);
      }
      binaries.emplace_back(name, target);
    }
    for (const auto& e : fs::directory_iterator(kUnitDir)) {
      const auto ext = e.path().extension();
      if (ext != ".service" && ext != ".target") continue;
      std::string text = read_text(e.path());
      for (const auto& [name, target] : binaries) {
        text = std::regex_replace(text, std::regex("ExecStart=\\S+/" + name + "\\b"),
                                  "ExecStart=" + target.string());
      }
      write_text(dir / e.path().filename().string(), text);
    }
  }
};

std::string unit_text(const std::string& name) {
  return read_text(kUnitDir / name);
}

// Values of `key=` lines in a unit, in order.
std::vector<std::string> values(const std::string& text, const std::string& key) {
  std::vector<std::string> out;
  std::regex re("^" + key + "=(.*)$", std::regex::multiline);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

std::string value(const std::string& text, const std::string& key) {
  const auto v = values(text, key);
  return v.empty() ? std::string() : v.front();
}

// "--config F --state-dir D" -> {"--config", "--state-dir"}
std::set<std::string> long_options(const std::string& command_line) {
  std::set<std::string> out;
  std::regex re("(--[a-z][a-z-]*)");
  for (auto it = std::sregex_iterator(command_line.begin(), command_line.end(), re);
       it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

}  // namespace

TEST_CASE("systemd units pass systemd-analyze verify") {
  if (!program_on_path("systemd-analyze"))
    KTRDR_SKIP("systemd-analyze is not installed (apt-get install systemd): units not verified");
  UnitCopies units;
  for (const auto& s : units.stubbed)
    MESSAGE(s << " is not built: its unit is verified against a stub binary");
  for (const std::string unit : {"ktrdr-broker.service", "ktrdr-worker@1.service", "ktrdr-worker@12.service",
                                 "ktrdr-gateway.service", "ktrdr-fleet.target"}) {
    std::string out;
    const int rc = run_shell("systemd-analyze verify --man=no " + shell_quote(units.dir / unit), &out);
    INFO(unit << ":\n" << out);
    CHECK(rc == 0);
    CHECK(out.empty());  // unknown keys and bad values are warnings with rc 0: none allowed
  }
}

TEST_CASE("systemd units stay hardened under systemd-analyze security --offline") {
  if (!program_on_path("systemd-analyze"))
    KTRDR_SKIP("systemd-analyze is not installed (apt-get install systemd): exposure not checked");
  UnitCopies units;
  for (const std::string unit : {"ktrdr-broker.service", "ktrdr-worker@1.service", "ktrdr-gateway.service"}) {
    std::string out;
    // exposure is 0 (locked down) .. 10 (unprotected); ours is ~1.5, "OK" is below 3
    const int rc = run_shell(
        "systemd-analyze security --offline=yes --threshold=20 --no-pager " + shell_quote(units.dir / unit),
        &out);
    INFO(unit << ":\n" << out);
    CHECK(rc == 0);
  }
}

TEST_CASE("systemd units - notify watchdog restart state directories user hardening") {
  const std::string broker = unit_text("ktrdr-broker.service");
  const std::string worker = unit_text("ktrdr-worker@.service");
  const std::string target = unit_text("ktrdr-fleet.target");
  const std::string gateway = unit_text("ktrdr-gateway.service");
  for (const std::string* u : {&broker, &worker, &gateway}) {
    CHECK(value(*u, "Type") == "notify");
    CHECK(!value(*u, "WatchdogSec").empty());
    CHECK(value(*u, "Restart") == "on-failure");
    CHECK(value(*u, "User") == "ktrdr");
    CHECK(value(*u, "ProtectSystem") == "strict");
    CHECK(value(*u, "ProtectHome") == "yes");
    CHECK(value(*u, "PrivateTmp") == "yes");
    CHECK(value(*u, "NoNewPrivileges") == "yes");
    CHECK(value(*u, "RestrictAddressFamilies") == "AF_UNIX AF_INET AF_INET6");
    CHECK(value(*u, "SystemCallFilter") == "@system-service");
    CHECK(value(*u, "PartOf") == "ktrdr-fleet.target");
    CHECK(value(*u, "WantedBy") == "ktrdr-fleet.target");
  }
  CHECK(value(broker, "StateDirectory") == "ktrdr/broker");
  CHECK(value(worker, "StateDirectory") == "ktrdr/worker-%i");
  CHECK(value(broker, "ExecStart") == kBinDir + "/ktrdr-broker --config " + kConfDir +
                                          "/ktrdr-broker.conf --state-dir /var/lib/ktrdr/broker");
  CHECK(value(worker, "ExecStart") == kBinDir + "/ktrdr-worker --config " + kConfDir +
                                          "/ktrdr-worker.conf --state-dir "
                                          "/var/lib/ktrdr/worker-%i "
                                          "--id %H-%i");
  CHECK(value(gateway, "ExecStart") ==
        kBinDir + "/ktrdr-gateway --config " + kConfDir + "/ktrdr-gateway.conf");
  CHECK(value(gateway, "StateDirectory").empty());  // the gateway keeps no state
  CHECK(value(target, "WantedBy") == "multi-user.target");
}

TEST_CASE("systemd units only pass options the daemons document") {
  for (const auto& [unit, rel] :
       {std::pair<std::string, std::string>{"ktrdr-broker.service", "broker/ktrdr-broker"},
        {"ktrdr-worker@.service", "daemon/ktrdr-worker"},
        {"ktrdr-gateway.service", "gateway/ktrdr-gateway"}}) {
    const fs::path bin = built_binary(rel);
    if (!is_executable(bin))
      KTRDR_SKIP(rel << " is not built: the units' options are not checked against --help");
    std::string help;
    run_shell(shell_quote(bin.string()) + " --help", &help);
    for (const auto& opt : long_options(value(unit_text(unit), "ExecStart"))) {
      INFO(unit << " passes " << opt << "; " << rel << " --help says:\n" << help);
      CHECK(help.find(opt) != std::string::npos);
    }
  }
}

TEST_CASE("sysusers.d file creates the ktrdr user") {
  if (!program_on_path("systemd-sysusers"))
    KTRDR_SKIP("systemd-sysusers is not installed (apt-get install systemd): sysusers file not checked");
  TempDir root{"ktrdr-ops"};
  std::string out;
  const int rc = run_shell("systemd-sysusers --dry-run --root=" + shell_quote(root.path().string()) + " " +
                               shell_quote((kSourceUnitDir / "ktrdr.sysusers").string()),
                           &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("Creating user 'ktrdr'") != std::string::npos);
}

namespace {

// An AF_UNIX datagram socket standing in for systemd's notify socket.
class NotifySocket {
 public:
  explicit NotifySocket(const fs::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.string().size() < sizeof(addr.sun_path));
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    timeval tv{0, 100 * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~NotifySocket() { ::close(fd_); }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // Reads datagrams until one contains `needle` or `timeout` passes; keeps everything read in log().
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
    return eventually(timeout, [&] {
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n > 0) log_ += std::string(buf, static_cast<size_t>(n)) + "\n---\n";
      return log_.find(needle) != std::string::npos;
    });
  }
  const std::string& log() const { return log_; }

 private:
  fs::path path_;
  int fd_ = -1;
  std::string log_;
};

}  // namespace

TEST_CASE("ktrdr-broker tells systemd READY=1 then WATCHDOG=1 then STOPPING=1") {
  const fs::path bin = built_binary("broker/ktrdr-broker");
  if (!is_executable(bin)) KTRDR_SKIP("broker/ktrdr-broker is not built: sd_notify not checked");
  TempDir dir{"ktrdr-ops"};
  NotifySocket notify(dir.path() / "notify");
  // 400 ms watchdog: the broker must ping at least every 200 ms
  Process broker =
      logged_process({bin.string(), "--clients", "ipc://" + (dir / "clients"), "--workers",
                      "ipc://" + (dir / "workers"), "--progress-in", "ipc://" + (dir / "pin"),
                      "--progress-out", "ipc://" + (dir / "pout"), "--state-dir", dir / "state"},
                     dir / "broker.log", {{"NOTIFY_SOCKET", dir / "notify"}, {"WATCHDOG_USEC", "400000"}});
  const bool ready = notify.wait_for("READY=1", 15s);
  INFO("notify datagrams:\n" << notify.log() << "\nbroker log:\n" << read_text_or_empty(dir / "broker.log"));
  CHECK(ready);
  const size_t before = notify.log().size();
  CHECK(notify.wait_for("WATCHDOG=1", 2s));
  // keeps pinging: three more within 1.5 s
  int pings = 0;
  eventually(1500ms, [&] {
    notify.wait_for("\x01", 50ms);  // just drain
    pings = 0;
    for (size_t p = notify.log().find("WATCHDOG=1", before); p != std::string::npos;
         p = notify.log().find("WATCHDOG=1", p + 1)) {
      ++pings;
    }
    return pings >= 4;
  });
  CHECK(pings >= 4);
  broker.signal(SIGTERM);
  CHECK(notify.wait_for("STOPPING=1", 5s));
  CHECK(broker.wait_for(10s).has_value());
}

TEST_CASE("ktrdr-worker tells systemd READY=1 once connected then STOPPING=1") {
  const fs::path broker_bin = built_binary("broker/ktrdr-broker"),
                 worker_bin = built_binary("daemon/ktrdr-worker");
  if (!is_executable(broker_bin) || !is_executable(worker_bin))
    KTRDR_SKIP("broker/ktrdr-broker or daemon/ktrdr-worker is not built: worker sd_notify not checked");
  TempDir dir{"ktrdr-ops"};
  Process broker =
      logged_process({broker_bin.string(), "--clients", "ipc://" + (dir / "clients"), "--workers",
                      "ipc://" + (dir / "workers"), "--progress-in", "ipc://" + (dir / "pin"),
                      "--progress-out", "ipc://" + (dir / "pout"), "--state-dir", dir / "broker-state"},
                     dir / "broker.log");
  NotifySocket notify(dir.path() / "notify");
  fs::create_directories(dir.path() / "models");
  fs::create_directories(dir.path() / "data");
  Process worker =
      logged_process({worker_bin.string(), "--broker", "ipc://" + (dir / "workers"), "--progress",
                      "ipc://" + (dir / "pin"), "--state-dir", dir / "worker-state", "--models-root",
                      dir / "models", "--data-dir", dir / "data", "--id", "notify-worker"},
                     dir / "worker.log", {{"NOTIFY_SOCKET", dir / "notify"}, {"WATCHDOG_USEC", "1000000"}});
  const bool ready = notify.wait_for("READY=1", 30s);
  INFO("notify datagrams:\n" << notify.log() << "\nworker log:\n" << read_text_or_empty(dir / "worker.log"));
  CHECK(ready);
  CHECK(notify.wait_for("WATCHDOG=1", 3s));
  worker.signal(SIGTERM);
  CHECK(notify.wait_for("STOPPING=1", 10s));
  CHECK(worker.wait_for(15s).has_value());
}

TEST_CASE("ktrdr-gateway tells systemd READY=1 once listening then WATCHDOG=1 then STOPPING=1") {
  const fs::path bin = built_binary("gateway/ktrdr-gateway");
  if (!is_executable(bin)) KTRDR_SKIP("gateway/ktrdr-gateway is not built: its sd_notify not checked");
  TempDir dir{"ktrdr-ops"};
  NotifySocket notify(dir.path() / "notify");
  // no broker: the gateway is ready once its HTTP port is bound, and stays up (requests answer 503)
  Process gateway = logged_process(
      {bin.string(), "--broker", "ipc://" + (dir / "clients"), "--progress", "ipc://" + (dir / "pout"),
       "--port", "0", "--config", KTRDR_SOURCE_DIR "/conf/ktrdr-gateway.conf"},
      dir / "gateway.log", {{"NOTIFY_SOCKET", dir / "notify"}, {"WATCHDOG_USEC", "400000"}});
  const bool ready = notify.wait_for("READY=1", 15s);
  INFO("notify datagrams:\n"
       << notify.log() << "\ngateway log:\n"
       << read_text_or_empty(dir / "gateway.log"));
  CHECK(ready);
  CHECK(notify.log().find("STATUS=http://127.0.0.1:") != std::string::npos);
  CHECK(notify.wait_for("WATCHDOG=1", 2s));
  gateway.signal(SIGTERM);
  CHECK(notify.wait_for("STOPPING=1", 5s));
  CHECK(gateway.wait_for(10s).has_value());
}
