// The fleet wire protocol, defined once (like zguide's mdp.h): Majordomo-style multipart frames (RFC 7/18
// MDP) with msgpack bodies and Paranoid Pirate heartbeating. Broker, worker and client include this header;
// none declares its own frames. Encode/decode with validation: ktrdr/proto/codec.h. Prose: docs/protocol.md.
//
// (The frame diagram is laid out by hand: clang-format leaves it alone.)
// clang-format off
// ---------------------------------------------------------------------------------------------------------
// Frame order (what the sending DEALER writes; a ROUTER sees its peer's routing id prepended)
//
//   client -> broker (client DEALER -> broker "clients" ROUTER)
//     F0  ""                      empty delimiter (so REQ sockets work too)
//     F1  "KTC"                   kClientSignature
//     F2  "1"                     protocol version, ASCII decimal (kProtocolVersion)
//     F3  <1 byte>                Command: kStart | kResume | kStatus | kList | kCancel | kResults
//     F4  "<request id>"          ASCII decimal uint64 chosen by the client, echoed in the reply
//     F5  <msgpack map>           StartRequest | ResumeRequest | StatusRequest | ListRequest |
//                                 CancelRequest | ResultsRequest
//   broker -> client
//     [routing id] "" "KTC" "1" <kReply> "<request id>" <msgpack Reply>
//
//   worker <-> broker (worker DEALER <-> broker "workers" ROUTER), both directions
//     F0  ""                      empty delimiter
//     F1  "KTW"                   kWorkerSignature
//     F2  "1"                     protocol version
//     F3  <1 byte>                Command
//     F4  <msgpack map>           body for the command (an empty map for kHeartbeat is fine)
//     worker -> broker: kReady WorkerReady, kHeartbeat Heartbeat, kProgress Progress, kCheckpoint Checkpoint,
//                       kResult JobResult, kFailure JobFailure, kDisconnect Disconnect
//     broker -> worker: kJob Job, kHeartbeat Heartbeat, kCancelJob CancelJob, kDisconnect Disconnect
//
//   progress (worker PUB -> broker XSUB "progress-in" -> broker XPUB "progress-out" -> dashboard SUB)
//     F0  "<op id>"               topic: subscribe to "" for everything, or to one operation id
//     F1  "KTP"                   kProgressSignature
//     F2  "1"                     protocol version
//     F3  <1 byte>                kProgress (body Progress) | kOpEvent (body OpEvent, from the broker)
//     F4  <msgpack map>           the body
//
// Any message with a wrong signature, unknown version, unknown command, wrong frame count, oversized frame or
// undecodable body is answered with a Reply{code != kOk} (clients, when the request id can be read) or
// dropped and counted (workers, progress). Decoders never throw. Bodies are msgpack maps keyed by field name
// (MSGPACK_DEFINE_MAP): unknown keys are ignored and missing keys keep their defaults, so fields can be added
// without bumping the version. Enums travel as integers, except Mode and CheckpointReason, which travel as
// their text ("ktrdr", "periodic", ...: they were strings before they were enums, and stored operations and
// older peers keep decoding); an unknown text is a kBadRequest naming the value.
// ---------------------------------------------------------------------------------------------------------
// clang-format on
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <msgpack.hpp>

#include "ktrdr/common/mode.h"
#include "ktrdr/common/trading_costs.h"

namespace ktrdr::proto {

inline constexpr int kProtocolVersion = 1;
inline constexpr std::string_view kClientSignature = "KTC";
inline constexpr std::string_view kWorkerSignature = "KTW";
inline constexpr std::string_view kProgressSignature = "KTP";

// Limits enforced by the decoders (and by ZMQ_MAXMSGSIZE on the daemons' sockets).
inline constexpr std::size_t kMaxBodyBytes = 256u << 20;  // one msgpack body (results, checkpoints)
inline constexpr std::size_t kMaxSmallFrameBytes = 256;   // signature, version, command, request id, topic
inline constexpr std::size_t kMaxIdBytes = 128;           // op ids, worker ids
inline constexpr int kDefaultHeartbeatIntervalMs = 1000;
inline constexpr uint32_t kMaxPrefetch = 64;  // jobs a worker may hold at once (WorkerReady.prefetch)
inline constexpr int kHeartbeatLiveness = 3;  // a peer silent for 3 intervals is dead

// One byte on the wire (frame F3). Values are stable: never renumber, only add.
enum class Command : uint8_t {
  // client -> broker
  kStart = 0x01,    // StartRequest      -> Reply{op_id}
  kResume = 0x02,   // ResumeRequest     -> Reply{op_id}
  kStatus = 0x03,   // StatusRequest     -> Reply{operations[0..1], fleet}
  kList = 0x04,     // ListRequest       -> Reply{operations, fleet}
  kCancel = 0x05,   // CancelRequest     -> Reply{operations[0]}
  kResults = 0x06,  // ResultsRequest    -> Reply{operations[0], result_json}
  // broker -> client
  kReply = 0x0F,  // Reply
  // worker <-> broker
  kReady = 0x10,       // worker -> broker  WorkerReady (also after every reconnect)
  kJob = 0x11,         // broker -> worker  Job
  kHeartbeat = 0x12,   // both ways         Heartbeat
  kProgress = 0x13,    // worker -> broker and on PUB: Progress
  kCheckpoint = 0x14,  // worker -> broker  Checkpoint
  kResult = 0x15,      // worker -> broker  JobResult
  kFailure = 0x16,     // worker -> broker  JobFailure (error, busy, cancelled, refused)
  kDisconnect = 0x17,  // both ways         Disconnect
  kCancelJob = 0x18,   // broker -> worker  CancelJob
  // broker PUB
  kOpEvent = 0x20,  // OpEvent: an operation changed state
};

// Reply / failure codes. Stable values.
enum class ErrorCode : uint16_t {
  kOk = 0,
  kBadRequest = 1,          // a field is missing or out of range (message names it)
  kUnsupportedVersion = 2,  // version frame != kProtocolVersion (message says which one we speak)
  kMalformed = 3,           // frames or msgpack body could not be decoded
  kUnknownCommand = 4,
  kNotFound = 5,       // unknown operation id
  kConflict = 6,       // operation is in a state that forbids the request (e.g. resume a running op)
  kNotReady = 7,       // results requested before completion
  kInternal = 8,       // storage failure etc. (message has details)
  kBusy = 9,           // worker: already running a job (job is re-queued, attempt not counted)
  kCancelled = 10,     // worker: job stopped on CancelJob (a cancellation checkpoint was sent first)
  kRefused = 11,       // worker: request names a path outside its roots, missing model/data, bad spec
  kRunFailed = 12,     // worker: the backtest threw (message has the reason)
  kShuttingDown = 13,  // worker: graceful stop, job handed back (attempt not counted)
  kTooLarge = 14,      // a frame exceeds the limits above
};

enum class OpState : uint8_t {
  kPending = 0,    // accepted, queued
  kRunning = 1,    // dispatched to a worker
  kCompleted = 2,  // result stored
  kFailed = 3,     // attempts exhausted or non-retryable failure (errors lists the reasons)
  kCancelled = 4,  // cancelled by a client
  kResuming = 5,   // queued again after resume / worker loss, will start from the latest checkpoint
};

enum class WorkerState : uint8_t { kIdle = 0, kBusy = 1, kDead = 2 };

// Why a worker sent a checkpoint. The broker makes a kCancel / kShutdown checkpoint durable (fsync) before
// it answers, since the job will resume from it; kPeriodic ones ride with the next group commit.
enum class CheckpointReason : uint8_t { kPeriodic = 0, kCancel = 1, kShutdown = 2 };

// ---- names ------------------------------------------------------------------------------------------------
// Every enum <-> text pair is to_string(E) and parse_xxx(text) -> std::optional<E>.
std::string_view to_string(Command c);    // "start", "job", ... ("unknown" otherwise)
std::string_view to_string(ErrorCode c);  // "ok", "bad_request", ...
std::string_view to_string(
    OpState s);  // "pending", "running", "completed", "failed", "cancelled", "resuming"
std::string_view to_string(WorkerState s);       // "idle", "busy", "dead"
std::string_view to_string(CheckpointReason r);  // "periodic", "cancel", "shutdown"
std::optional<OpState> parse_op_state(std::string_view name);
std::optional<CheckpointReason> parse_checkpoint_reason(std::string_view name);
bool is_terminal(OpState s);  // completed, failed, cancelled
bool is_known_command(uint8_t value);

// Thrown by the text-enum decoders below while a body is converted; unpack() turns it into kBadRequest.
class BadFieldValue : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ktrdr::proto

// Mode and CheckpointReason as msgpack str (see the header comment).
namespace msgpack {
MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS) {
  namespace adaptor {
  template <typename E>
  struct ktrdr_text_enum {
    static E from(const msgpack::object& o, std::string_view field,
                  std::optional<E> (*parse)(std::string_view), std::string_view choices) {
      if (o.type != msgpack::type::STR) throw msgpack::type_error();
      const std::string_view text(o.via.str.ptr, o.via.str.size);
      const std::optional<E> v = parse(text);
      if (!v) {
        throw ktrdr::proto::BadFieldValue(std::string(field) + " \"" + std::string(text.substr(0, 64)) +
                                          "\" is unknown (expected " + std::string(choices) + ")");
      }
      return *v;
    }
    template <typename Stream>
    static packer<Stream>& to(packer<Stream>& p, E v) {
      const std::string_view text = to_string(v);
      p.pack_str(static_cast<uint32_t>(text.size()));
      p.pack_str_body(text.data(), static_cast<uint32_t>(text.size()));
      return p;
    }
  };
  template <>
  struct convert<ktrdr::Mode> {
    const msgpack::object& operator()(const msgpack::object& o, ktrdr::Mode& v) const {
      v = ktrdr_text_enum<ktrdr::Mode>::from(o, "mode", ktrdr::parse_mode, "ktrdr or corrected");
      return o;
    }
  };
  template <>
  struct pack<ktrdr::Mode> {
    template <typename Stream>
    packer<Stream>& operator()(packer<Stream>& p, ktrdr::Mode v) const {
      return ktrdr_text_enum<ktrdr::Mode>::to(p, v);
    }
  };
  template <>
  struct convert<ktrdr::proto::CheckpointReason> {
    const msgpack::object& operator()(const msgpack::object& o, ktrdr::proto::CheckpointReason& v) const {
      v = ktrdr_text_enum<ktrdr::proto::CheckpointReason>::from(
          o, "reason", ktrdr::proto::parse_checkpoint_reason, "periodic, cancel or shutdown");
      return o;
    }
  };
  template <>
  struct pack<ktrdr::proto::CheckpointReason> {
    template <typename Stream>
    packer<Stream>& operator()(packer<Stream>& p, ktrdr::proto::CheckpointReason v) const {
      return ktrdr_text_enum<ktrdr::proto::CheckpointReason>::to(p, v);
    }
  };
  }  // namespace adaptor
}  // MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS)
}  // namespace msgpack

MSGPACK_ADD_ENUM(ktrdr::proto::ErrorCode)
MSGPACK_ADD_ENUM(ktrdr::proto::OpState)
MSGPACK_ADD_ENUM(ktrdr::proto::WorkerState)

namespace ktrdr::proto {

// ---- the job a client asks for ----------------------------------------------------------------------------
// Model resolution (worker side, under --models-root only; docs/protocol.md "Model resolution"):
//   1. `model` non-empty: a model directory relative to --models-root ("trend/1h_v3"). Absolute paths and
//      anything that canonicalises outside the root are refused (kRefused).
//   2. else `strategy` (+ `timeframe`): {models}/{strategy}/{timeframe}_latest if it exists, else the highest
//      {timeframe}_v{N}; `model_version` > 0 picks {timeframe}_v{model_version} exactly. An empty timeframe
//      is accepted when the strategy directory holds exactly one timeframe.
// Data: {data-dir}/{symbol}_{timeframe}.csv; symbol/timeframe are plain names ([A-Za-z0-9._-], no "..").
// The client sends what the user typed; it does not resolve paths.
struct JobSpec {
  std::string job_type = "backtest";  // "backtest" | "noop" (bench/test only: completes at once)
  std::string strategy;
  std::string model;
  uint32_t model_version = 0;  // 0 = latest
  std::string symbol;
  std::string timeframe;
  std::string start_date;  // YYYY-MM-DD or ISO-8601, "" = first bar
  std::string end_date;
  TradingCosts costs;            // on the wire as the four flat keys below, as before TradingCosts
  Mode mode = Mode::kCorrected;  // on the wire as "ktrdr" | "corrected"
  MSGPACK_DEFINE_MAP(job_type, strategy, model, model_version, symbol, timeframe, start_date, end_date,
                     MSGPACK_NVP("initial_capital", costs.initial_capital),
                     MSGPACK_NVP("commission", costs.commission), MSGPACK_NVP("slippage", costs.slippage),
                     MSGPACK_NVP("position_fraction", costs.position_fraction), mode)
};

// ---- client -> broker ------------------------------------------------------------------------------------
struct StartRequest {
  JobSpec job;
  std::string client_key;  // optional idempotency key: a retried start with the same key returns the same op
  MSGPACK_DEFINE_MAP(job, client_key)
};
struct ResumeRequest {  // cancelled|failed -> resuming, continues from the broker's latest checkpoint
  std::string op_id;
  MSGPACK_DEFINE_MAP(op_id)
};
struct StatusRequest {  // op_id "" = fleet status only
  std::string op_id;
  MSGPACK_DEFINE_MAP(op_id)
};
struct ListRequest {
  std::vector<OpState> states;  // empty = all states
  uint32_t limit = 100;         // newest first; at most 10000
  uint32_t offset = 0;
  MSGPACK_DEFINE_MAP(states, limit, offset)
};
struct CancelRequest {
  std::string op_id;
  std::string reason;
  MSGPACK_DEFINE_MAP(op_id, reason)
};
struct ResultsRequest {
  std::string op_id;
  MSGPACK_DEFINE_MAP(op_id)
};

// ---- shared value types ----------------------------------------------------------------------------------
// One progress snapshot: published on PUB (topic = op id) and sent to the broker.
struct Progress {
  std::string op_id;
  std::string worker_id;
  uint32_t attempt = 0;
  uint64_t seq = 0;  // per (op, attempt), strictly increasing
  double percentage = 0.0;
  uint64_t bars_done = 0;
  uint64_t bars_total = 0;
  uint64_t bar_index = 0;
  int64_t current_ts_ns = 0;
  std::string current_date;  // ISO-8601 UTC of current_ts_ns
  double equity = 0.0;
  double pnl = 0.0;
  uint64_t trades = 0;
  double win_rate = 0.0;  // fraction
  double bars_per_second = 0.0;
  double eta_seconds = 0.0;
  MSGPACK_DEFINE_MAP(op_id, worker_id, attempt, seq, percentage, bars_done, bars_total, bar_index,
                     current_ts_ns, current_date, equity, pnl, trades, win_rate, bars_per_second, eta_seconds)
};

struct OperationInfo {
  std::string op_id;  // op_backtesting_YYYYmmdd_HHMMSS_<8 hex>
  OpState state = OpState::kPending;
  JobSpec job;
  int64_t created_ns = 0;  // Unix epoch ns
  int64_t started_ns = 0;
  int64_t finished_ns = 0;
  uint32_t attempts = 0;            // dispatches counted toward max-attempts
  std::string worker_id;            // current or last worker
  Progress progress;                // latest known
  std::vector<std::string> errors;  // one line per failed attempt / cancellation reason
  uint64_t checkpoint_bar = 0;      // bar index of the broker's latest checkpoint (0 = none)
  bool has_checkpoint = false;
  bool has_result = false;
  MSGPACK_DEFINE_MAP(op_id, state, job, created_ns, started_ns, finished_ns, attempts, worker_id, progress,
                     errors, checkpoint_bar, has_checkpoint, has_result)
};

struct WorkerInfo {
  std::string worker_id;
  WorkerState state = WorkerState::kIdle;
  std::string op_id;              // current job, "" when idle
  int64_t last_heartbeat_ns = 0;  // Unix epoch ns of the last message received from it
  int64_t connected_ns = 0;
  uint64_t jobs_done = 0;
  std::vector<std::string> capabilities;
  uint32_t queued = 0;  // jobs waiting on the worker behind op_id (prefetch > 1)
  MSGPACK_DEFINE_MAP(worker_id, state, op_id, last_heartbeat_ns, connected_ns, jobs_done, capabilities,
                     queued)
};

struct FleetStatus {
  std::vector<WorkerInfo> workers;
  uint64_t queue_length = 0;  // pending + resuming
  uint64_t running = 0;
  uint64_t operations = 0;  // known operations, all states
  int64_t broker_started_ns = 0;
  MSGPACK_DEFINE_MAP(workers, queue_length, running, operations, broker_started_ns)
};

// ---- broker -> client ------------------------------------------------------------------------------------
struct Reply {
  ErrorCode code = ErrorCode::kOk;
  std::string message;                    // human text: problem, value, fix
  std::string op_id;                      // kStart/kResume/kCancel: the operation concerned
  std::vector<OperationInfo> operations;  // kStatus (0..1), kList (page), kCancel/kResults (1)
  FleetStatus fleet;                      // kStatus, kList
  std::string result_json;                // kResults: the full result (summary, trades, equity curve)
  MSGPACK_DEFINE_MAP(code, message, op_id, operations, fleet, result_json)
};

// ---- worker <-> broker -----------------------------------------------------------------------------------
struct WorkerReady {
  std::string worker_id;                  // --id, default "<hostname>-<pid>"
  std::vector<std::string> capabilities;  // job types: "backtest", "noop"
  std::string current_op;                 // job still running after a reconnect ("" = idle)
  uint32_t current_attempt = 0;
  int heartbeat_interval_ms = kDefaultHeartbeatIntervalMs;
  // How many jobs the broker may send it at once: it runs one and keeps the rest waiting, so it starts the
  // next without a round trip (short jobs). Absent = 1 (classic Majordomo: one job per ready worker).
  uint32_t prefetch = 1;
  MSGPACK_DEFINE_MAP(worker_id, capabilities, current_op, current_attempt, heartbeat_interval_ms, prefetch)
};
struct Job {
  std::string op_id;
  uint32_t attempt = 1;
  JobSpec job;
  std::string checkpoint;       // raw bytes (msgpack str); "" = start fresh, else resume from it
  uint64_t checkpoint_bar = 0;  // bar index of `checkpoint` (a worker may hold a newer one locally)
  MSGPACK_DEFINE_MAP(op_id, attempt, job, checkpoint, checkpoint_bar)
};
struct Heartbeat {
  std::string op_id;  // worker -> broker: its current job ("" idle); broker -> worker: ""
  MSGPACK_DEFINE_MAP(op_id)
};
struct Checkpoint {
  std::string op_id;
  uint32_t attempt = 0;
  uint64_t seq = 0;
  uint64_t bar_index = 0;
  CheckpointReason reason = CheckpointReason::kPeriodic;  // on the wire as "periodic" | "cancel" | "shutdown"
  std::string blob;  // raw bytes (msgpack str), the runner's self-contained checkpoint
  MSGPACK_DEFINE_MAP(op_id, attempt, seq, bar_index, reason, blob)
};
struct JobResult {
  std::string op_id;
  uint32_t attempt = 0;
  std::string result_json;
  Progress last_progress;
  MSGPACK_DEFINE_MAP(op_id, attempt, result_json, last_progress)
};
struct JobFailure {
  std::string op_id;
  uint32_t attempt = 0;
  ErrorCode code = ErrorCode::kRunFailed;  // kBusy, kCancelled, kRefused, kRunFailed, kShuttingDown
  std::string message;
  bool retryable = true;  // false: FAILED at once (e.g. kRefused: no other worker will do better... usually)
  MSGPACK_DEFINE_MAP(op_id, attempt, code, message, retryable)
};
struct Disconnect {
  std::string reason;
  std::string op_id;  // worker -> broker: job handed back (after a "shutdown" checkpoint), "" = none
  MSGPACK_DEFINE_MAP(reason, op_id)
};
struct CancelJob {
  std::string op_id;
  std::string reason;
  MSGPACK_DEFINE_MAP(op_id, reason)
};

// ---- broker PUB ------------------------------------------------------------------------------------------
struct OpEvent {
  std::string op_id;
  OpState state = OpState::kPending;
  std::string worker_id;
  std::string message;
  int64_t ts_ns = 0;
  MSGPACK_DEFINE_MAP(op_id, state, worker_id, message, ts_ns)
};

}  // namespace ktrdr::proto
