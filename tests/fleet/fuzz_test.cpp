// Malformed, truncated and oversized frames at the broker's two ROUTERs: the daemons stay up and keep
// serving, and a client message whose request id is readable gets an error reply.
#include <doctest/doctest.h>

#include <msgpack.hpp>

#include <random>

#include "fleet.h"
#include "ktrdr/proto/messages.h"
#include "raw_zmq.h"

using namespace ktrdr::test;
namespace proto = ktrdr::proto;

namespace {

std::string random_bytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

std::string version() {
  return std::to_string(proto::kProtocolVersion);
}

// A client message as messages.h lays it out, with a body of our choosing.
std::vector<std::string> client_frames(proto::Command c, uint64_t request_id, std::string body) {
  return {"",
          std::string(proto::kClientSignature),
          version(),
          std::string(1, static_cast<char>(c)),
          std::to_string(request_id),
          std::move(body)};
}

template <typename T>
std::string pack(const T& v) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, v);
  return std::string(buf.data(), buf.size());
}

// Reply code of a broker reply to request `request_id`, or -1 when the frames are not such a reply.
int reply_code(const std::vector<std::string>& frames, uint64_t request_id) {
  if (frames.size() != 6 || frames[1] != proto::kClientSignature || frames[4] != std::to_string(request_id))
    return -1;
  if (frames[3].size() != 1 ||
      static_cast<uint8_t>(frames[3][0]) != static_cast<uint8_t>(proto::Command::kReply)) {
    return -1;
  }
  try {
    const auto oh = msgpack::unpack(frames[5].data(), frames[5].size());
    proto::Reply r;
    oh.get().convert(r);
    return static_cast<int>(r.code);
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

TEST_CASE("fuzzed frames at both ROUTERs: broker and workers survive and keep serving") {
  if (const std::string m = missing_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  Fleet f;
  f.start_broker();
  f.start_worker("w1");
  f.start_worker("w2");
  RawZmq z;
  std::mt19937_64 rng(20260125);
  const std::string workers_ep = "ipc://" + f.dir() + "/workers.ipc";

  // 1. Client ROUTER: messages with a readable request id must get an error reply with that id.
  zmq::socket_t* client = z.open(ZMQ_DEALER, f.clients_endpoint(), 2000);
  int replies_due = 0, error_replies = 0;
  for (uint64_t i = 1; i <= 300; ++i) {
    const auto cmd = static_cast<proto::Command>(1 + rng() % 6);  // kStart..kResults
    std::vector<std::string> frames;
    switch (i % 6) {
      case 0:  // random msgpack-ish garbage body
        frames = client_frames(cmd, i, random_bytes(rng, rng() % 64));
        break;
      case 1:  // a map with the wrong field types
        frames =
            client_frames(cmd, i, pack(std::map<std::string, int>{{"op_id", 7}, {"job", 3}, {"limit", -1}}));
        break;
      case 2:  // not a map
        frames = client_frames(cmd, i, pack(std::vector<int>{1, 2, 3}));
        break;
      case 3:  // unknown command byte
        frames = client_frames(static_cast<proto::Command>(0xEE), i, pack(std::map<std::string, int>{}));
        break;
      case 4:  // wrong protocol version
        frames = client_frames(cmd, i, pack(std::map<std::string, int>{}));
        frames[2] = "99";
        break;
      case 5:  // an invalid op id
        frames = client_frames(proto::Command::kStatus, i,
                               pack(std::map<std::string, std::string>{{"op_id", random_bytes(rng, 40)}}));
        break;
    }
    REQUIRE(z.send(client, frames));
    ++replies_due;
    const auto reply = z.recv(client);
    if (reply) {
      const int code = reply_code(*reply, i);
      if (code > 0) ++error_replies;
    }
  }
  CHECK(error_replies == replies_due);

  // 2. Client ROUTER, no reply possible: truncated, wrong signature, oversized frames, random frame counts.
  for (int i = 0; i < 600; ++i) {
    std::vector<std::string> frames;
    const size_t n = rng() % 9;
    for (size_t k = 0; k < n; ++k) frames.push_back(random_bytes(rng, rng() % 48));
    if (i % 5 == 0 && frames.size() > 2) frames[1] = std::string(proto::kClientSignature);
    if (i % 7 == 0) {  // a valid request cut short
      frames = client_frames(proto::Command::kStatus, 1, pack(std::map<std::string, int>{}));
      frames.resize(rng() % 6);
    }
    if (i % 50 == 0) {  // oversized frames
      frames = {"",
                std::string(proto::kClientSignature),
                std::string(300, '1'),
                "\x03",
                "1",
                std::string(2 << 20, 'x')};
    }
    z.send(client, frames);
  }
  // Drain whatever replies the broker chose to send.
  while (z.recv(client)) {
  }

  // 3. Worker ROUTER: garbage from a fake worker (never a valid kReady, so no job is dispatched to it).
  zmq::socket_t* fake_worker = z.open(ZMQ_DEALER, workers_ep, 100);
  for (int i = 0; i < 600; ++i) {
    std::vector<std::string> frames;
    if (i % 3 == 0) {
      frames = {"", std::string(proto::kWorkerSignature), version(),
                std::string(1, static_cast<char>(0x10 + rng() % 9)), random_bytes(rng, rng() % 80)};
      if (frames[3][0] == static_cast<char>(proto::Command::kReady))
        frames[4] = "\xc1";  // never-valid msgpack
    } else {
      const size_t n = rng() % 8;
      for (size_t k = 0; k < n; ++k) frames.push_back(random_bytes(rng, rng() % 40));
    }
    if (i % 100 == 0) {
      frames = {"", std::string(proto::kWorkerSignature), version(), "\x13", std::string(3 << 20, 'y')};
    }
    z.send(fake_worker, frames);
  }
  z.close(fake_worker);

  // The daemons are alive and the fleet still runs a real job.
  std::this_thread::sleep_for(300ms);
  CHECK(f.broker().running());
  CHECK(f.worker("w1").running());
  CHECK(f.worker("w2").running());
  auto args = f.backtest_args("2020-03-02", "2020-03-20");
  args.push_back("--wait");
  const auto after = f.submit_json(args, 30s);
  INFO(f.logs());
  CHECK(after.value("status", "") == "completed");
  const auto fleet = f.submit_json({"status"});
  CHECK(fleet.at("workers").size() == 2);
}
