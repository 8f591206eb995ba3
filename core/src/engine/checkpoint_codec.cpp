#include "engine/checkpoint_codec.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string_view>

#include <msgpack.hpp>

#include "engine/hash64.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"
#include "ktrdr/engine/checkpoint.h"

namespace ktrdr::engine::detail {

using decision::PositionSide;

namespace {

static_assert(
    std::endian::native == std::endian::little,
    "checkpoint columns are stored as little-endian raw arrays; add byte swapping for this platform");

constexpr uint64_t kChecksumSeed = 0x6b74726463706b31ULL;  // "ktrdcpk1"
constexpr uint32_t kPayloadFields = 2;
constexpr uint32_t kFingerprintFields = 18;
constexpr uint32_t kStateFields = 8;
constexpr uint32_t kTradeFields = 17;
constexpr uint32_t kPositionFields = 12;
constexpr uint32_t kTrackerFields = 9;
constexpr uint32_t kDecisionFields = 11;

[[noreturn]] void corrupt(std::string_view what) {
  KTRDR_FAIL("checkpoint is corrupt or not an engine checkpoint: {}; discard it and restart the backtest",
             what);
}

// msgpack::packer with one change: doubles are always written as float64. (msgpack-c 4 packs integral
// doubles as integers, which loses -0.0 and the type; checkpoints must restore every bit.)
class Packer {
 public:
  explicit Packer(msgpack::sbuffer* buf) : buf_(buf), pk_(buf) {}
  void pack_double(double d) {
    const auto bits = std::bit_cast<uint64_t>(d);
    char out[9];
    out[0] = static_cast<char>(0xcb);
    for (int i = 0; i < 8; ++i) out[1 + i] = static_cast<char>((bits >> (56 - 8 * i)) & 0xff);
    buf_->write(out, sizeof(out));
  }
  void pack_array(uint32_t n) { pk_.pack_array(n); }
  void pack_uint8(uint8_t v) { pk_.pack_uint8(v); }
  void pack_uint32(uint32_t v) { pk_.pack_uint32(v); }
  void pack_uint64(uint64_t v) { pk_.pack_uint64(v); }
  void pack_int64(int64_t v) { pk_.pack_int64(v); }
  void pack(const std::string& s) { pk_.pack(s); }
  void pack_nil() { pk_.pack_nil(); }
  void pack_true() { pk_.pack_true(); }
  void pack_false() { pk_.pack_false(); }
  void pack_bin(uint32_t n) { pk_.pack_bin(n); }
  void pack_bin_body(const char* p, uint32_t n) { pk_.pack_bin_body(p, n); }

 private:
  msgpack::sbuffer* buf_;
  msgpack::packer<msgpack::sbuffer> pk_;
};

void pack_opt_double(Packer& pk, const std::optional<double>& v) {
  if (v) {
    pk.pack_double(*v);
  } else {
    pk.pack_nil();
  }
}
void pack_opt_int(Packer& pk, const std::optional<int64_t>& v) {
  if (v) {
    pk.pack_int64(*v);
  } else {
    pk.pack_nil();
  }
}
void pack_bool(Packer& pk, bool b) {
  if (b) {
    pk.pack_true();
  } else {
    pk.pack_false();
  }
}
template <typename T>
void pack_column(Packer& pk, const T* data, size_t n) {
  const size_t bytes = n * sizeof(T);
  pk.pack_bin(static_cast<uint32_t>(bytes));
  pk.pack_bin_body(reinterpret_cast<const char*>(data), static_cast<uint32_t>(bytes));
}

void pack_fingerprint(Packer& pk, const Fingerprint& f) {
  pk.pack_array(kFingerprintFields);
  pk.pack_uint64(f.n_bars);
  pk.pack_int64(f.first_ts_ns);
  pk.pack_int64(f.last_ts_ns);
  pk.pack_uint64(f.n_outputs);
  pk.pack_uint64(f.data_hash);
  pk.pack_double(f.costs.initial_capital);
  pk.pack_double(f.costs.commission);
  pk.pack_double(f.costs.slippage);
  pk.pack_double(f.costs.position_fraction);
  pk.pack_uint64(f.warmup_bars);
  pk.pack_uint8(f.mode);
  pk.pack(f.symbol);
  pack_bool(pk, f.start_ns.has_value());
  pk.pack_int64(f.start_ns.value_or(0));
  pack_bool(pk, f.end_ns.has_value());
  pk.pack_int64(f.end_ns.value_or(0));
  pk.pack_uint64(f.decisions_hash);
  pack_bool(pk, f.record_decisions);
}

void pack_trade(Packer& pk, const position::Trade& t) {
  pk.pack_array(kTradeFields);
  pk.pack_uint64(t.trade_id);
  pk.pack(t.symbol);
  pk.pack_uint8(static_cast<uint8_t>(t.side));
  pk.pack_double(t.entry_price);
  pk.pack_int64(t.entry_ts_ns);
  pk.pack_double(t.exit_price);
  pk.pack_int64(t.exit_ts_ns);
  pk.pack_int64(t.quantity);
  pk.pack_double(t.gross_pnl);
  pk.pack_double(t.commission);
  pk.pack_double(t.slippage);
  pk.pack_double(t.net_pnl);
  pk.pack_double(t.holding_period_hours);
  pk.pack_double(t.max_favorable_excursion);
  pk.pack_double(t.max_adverse_excursion);
  pack_opt_double(pk, t.confidence);
  pack_bool(pk, t.forced);
}

void pack_position(Packer& pk, const std::optional<position::OpenPosition>& op) {
  if (!op) {
    pk.pack_nil();
    return;
  }
  const auto& p = *op;
  pk.pack_array(kPositionFields);
  pk.pack_uint8(static_cast<uint8_t>(p.side));
  pk.pack_double(p.entry_price);
  pk.pack_int64(p.entry_ts_ns);
  pk.pack_int64(p.quantity);
  pk.pack_double(p.entry_commission);
  pk.pack_double(p.entry_slippage);
  pack_opt_double(pk, p.entry_confidence);
  pk.pack_double(p.current_price);
  pk.pack_int64(p.last_update_ts_ns);
  pk.pack_double(p.unrealized_pnl);
  pk.pack_double(p.max_favorable_excursion);
  pk.pack_double(p.max_adverse_excursion);
}

uint64_t bits(double d) {
  return std::bit_cast<uint64_t>(d);
}

// Runs of equal position over the curve; a run is constant when every value equals its first bit for bit
// (always the case for a flat run: no fill happens between two flat points, so the value is the cash).
void pack_tracker(Packer& pk, const metrics::TrackerState& t) {
  const auto& c = t.equity_curve;
  const size_t n = c.size();
  std::vector<uint64_t> run_start;
  std::vector<uint8_t> run_code;
  size_t n_values = 0;
  for (size_t i = 0; i < n;) {
    const PositionSide side = c[i].position;
    const uint64_t first = bits(c[i].portfolio_value);
    bool constant = true;
    size_t j = i + 1;
    for (; j < n && c[j].position == side; ++j) constant = constant && bits(c[j].portfolio_value) == first;
    run_start.push_back(i);
    run_code.push_back(
        static_cast<uint8_t>(static_cast<uint8_t>(side) | (constant ? CompactTracker::kRunConstant : 0)));
    n_values += constant ? 1 : j - i;
    i = j;
  }
  pk.pack_array(kTrackerFields);
  pk.pack_uint64(n);
  pack_column(pk, run_start.data(), run_start.size());
  pack_column(pk, run_code.data(), run_code.size());
  // values through a small staging buffer (no full-size copy)
  pk.pack_bin(static_cast<uint32_t>(n_values * sizeof(double)));
  std::array<double, 4096> stage;
  size_t m = 0;
  auto put = [&](double v) {
    stage[m++] = v;
    if (m == stage.size()) {
      pk.pack_bin_body(reinterpret_cast<const char*>(stage.data()),
                       static_cast<uint32_t>(m * sizeof(double)));
      m = 0;
    }
  };
  for (size_t r = 0; r < run_start.size(); ++r) {
    const size_t b = run_start[r];
    const size_t e = r + 1 < run_start.size() ? run_start[r + 1] : n;
    if ((run_code[r] & CompactTracker::kRunConstant) != 0) {
      put(c[b].portfolio_value);
    } else {
      for (size_t i = b; i < e; ++i) put(c[i].portfolio_value);
    }
  }
  if (m > 0)
    pk.pack_bin_body(reinterpret_cast<const char*>(stage.data()), static_cast<uint32_t>(m * sizeof(double)));
  pk.pack_double(t.peak);
  pk.pack_double(t.max_drawdown_pct);
  pk.pack_double(t.peak_at_max_drawdown);
  pk.pack_double(t.last_equity);
  pk.pack_uint64(t.returns.size());
}

void pack_decision(Packer& pk, const DecisionRecord& d) {
  pk.pack_array(kDecisionFields);
  pk.pack_uint64(d.bar_index);
  pk.pack_int64(d.ts_ns);
  pk.pack_uint8(static_cast<uint8_t>(d.position));
  pk.pack_uint8(static_cast<uint8_t>(d.signal));
  pk.pack_uint8(static_cast<uint8_t>(d.raw_signal));
  pk.pack_double(d.confidence);
  pk.pack_double(d.probs[0]);
  pk.pack_double(d.probs[1]);
  pk.pack_double(d.probs[2]);
  pack_opt_double(pk, d.predicted_return);
  pk.pack_uint8(static_cast<uint8_t>(d.error));
}

// ---- reading ----

class Arr {
 public:
  Arr(const msgpack::object& o, uint32_t n, const char* what) : what_(what) {
    if (o.type != msgpack::type::ARRAY || o.via.array.size != n) {
      corrupt(fmt::format("{}: expected an array of {} fields", what, n));
    }
    p_ = o.via.array.ptr;
    n_ = n;
  }
  const msgpack::object& next() {
    if (i_ >= n_) corrupt(fmt::format("{}: too few fields", what_));
    return p_[i_++];
  }
  uint64_t u64() {
    const auto& o = next();
    if (o.type != msgpack::type::POSITIVE_INTEGER) bad("an unsigned integer");
    return o.via.u64;
  }
  int64_t i64() {
    const auto& o = next();
    if (o.type == msgpack::type::POSITIVE_INTEGER) {
      if (o.via.u64 > static_cast<uint64_t>(INT64_MAX)) bad("an int64");
      return static_cast<int64_t>(o.via.u64);
    }
    if (o.type != msgpack::type::NEGATIVE_INTEGER) bad("an integer");
    return o.via.i64;
  }
  double f64() {
    const auto& o = next();
    if (o.type != msgpack::type::FLOAT64) bad("a float64");
    return o.via.f64;
  }
  bool boolean() {
    const auto& o = next();
    if (o.type != msgpack::type::BOOLEAN) bad("a boolean");
    return o.via.boolean;
  }
  std::string str() {
    const auto& o = next();
    if (o.type != msgpack::type::STR) bad("a string");
    return std::string(o.via.str.ptr, o.via.str.size);
  }
  std::optional<double> opt_f64() {
    if (peek().type == msgpack::type::NIL) {
      ++i_;
      return std::nullopt;
    }
    return f64();
  }
  template <typename E>
  E enumeration(uint64_t max_value) {
    const uint64_t v = u64();
    if (v > max_value) bad(fmt::format("an enum value <= {} (got {})", max_value, v));
    return static_cast<E>(v);
  }
  template <typename T>
  std::vector<T> column() {
    const auto& o = next();
    if (o.type != msgpack::type::BIN || o.via.bin.size % sizeof(T) != 0) bad("a raw column");
    std::vector<T> out(o.via.bin.size / sizeof(T));
    if (!out.empty()) std::memcpy(out.data(), o.via.bin.ptr, o.via.bin.size);
    return out;
  }
  const msgpack::object& peek() const {
    if (i_ >= n_) corrupt(fmt::format("{}: too few fields", what_));
    return p_[i_];
  }

 private:
  [[noreturn]] void bad(std::string_view expected) const {
    corrupt(fmt::format("{} field {}: expected {}", what_, i_ - 1, expected));
  }
  const msgpack::object* p_ = nullptr;
  uint32_t n_ = 0;
  uint32_t i_ = 0;
  const char* what_;
};

Fingerprint read_fingerprint(const msgpack::object& o) {
  Arr a(o, kFingerprintFields, "fingerprint");
  Fingerprint f;
  f.n_bars = a.u64();
  f.first_ts_ns = a.i64();
  f.last_ts_ns = a.i64();
  f.n_outputs = a.u64();
  f.data_hash = a.u64();
  f.costs.initial_capital = a.f64();
  f.costs.commission = a.f64();
  f.costs.slippage = a.f64();
  f.costs.position_fraction = a.f64();
  f.warmup_bars = a.u64();
  f.mode = static_cast<uint8_t>(a.u64());
  f.symbol = a.str();
  const bool has_start = a.boolean();
  const int64_t start = a.i64();
  const bool has_end = a.boolean();
  const int64_t end = a.i64();
  if (has_start) f.start_ns = start;
  if (has_end) f.end_ns = end;
  f.decisions_hash = a.u64();
  f.record_decisions = a.boolean();
  return f;
}

position::Trade read_trade(const msgpack::object& o) {
  Arr a(o, kTradeFields, "trade");
  position::Trade t;
  t.trade_id = a.u64();
  t.symbol = a.str();
  t.side = a.enumeration<decision::PositionSide>(2);
  t.entry_price = a.f64();
  t.entry_ts_ns = a.i64();
  t.exit_price = a.f64();
  t.exit_ts_ns = a.i64();
  t.quantity = a.i64();
  t.gross_pnl = a.f64();
  t.commission = a.f64();
  t.slippage = a.f64();
  t.net_pnl = a.f64();
  t.holding_period_hours = a.f64();
  t.max_favorable_excursion = a.f64();
  t.max_adverse_excursion = a.f64();
  t.confidence = a.opt_f64();
  t.forced = a.boolean();
  return t;
}

std::optional<position::OpenPosition> read_position(const msgpack::object& o) {
  if (o.type == msgpack::type::NIL) return std::nullopt;
  Arr a(o, kPositionFields, "position");
  position::OpenPosition p;
  p.side = a.enumeration<decision::PositionSide>(2);
  p.entry_price = a.f64();
  p.entry_ts_ns = a.i64();
  p.quantity = a.i64();
  p.entry_commission = a.f64();
  p.entry_slippage = a.f64();
  p.entry_confidence = a.opt_f64();
  p.current_price = a.f64();
  p.last_update_ts_ns = a.i64();
  p.unrealized_pnl = a.f64();
  p.max_favorable_excursion = a.f64();
  p.max_adverse_excursion = a.f64();
  if (p.side == decision::PositionSide::kFlat || p.quantity <= 0)
    corrupt("open position with no side or quantity");
  return p;
}

CompactTracker read_tracker(const msgpack::object& o) {
  Arr a(o, kTrackerFields, "tracker");
  CompactTracker t;
  t.points = a.u64();
  t.run_start = a.column<uint64_t>();
  t.run_code = a.column<uint8_t>();
  t.values = a.column<double>();
  t.peak = a.f64();
  t.max_drawdown_pct = a.f64();
  t.peak_at_max_drawdown = a.f64();
  t.last_equity = a.f64();
  t.returns = a.u64();
  const size_t runs = t.run_start.size();
  if (t.run_code.size() != runs) corrupt("equity runs: columns differ in length");
  if ((t.points == 0) != (runs == 0) || (runs > 0 && t.run_start[0] != 0))
    corrupt("equity runs do not start at the first point");
  uint64_t n_values = 0;
  for (size_t r = 0; r < runs; ++r) {
    const uint64_t end = r + 1 < runs ? t.run_start[r + 1] : t.points;
    if (end <= t.run_start[r] || end > t.points) corrupt("equity runs out of order");
    const uint8_t side = t.run_code[r] & static_cast<uint8_t>(~CompactTracker::kRunConstant);
    if (side > 2) corrupt("equity run with an invalid position");
    if (r > 0 && side == (t.run_code[r - 1] & static_cast<uint8_t>(~CompactTracker::kRunConstant)))
      corrupt("equity runs not maximal");
    n_values += (t.run_code[r] & CompactTracker::kRunConstant) != 0 ? 1 : end - t.run_start[r];
  }
  if (t.values.size() != n_values) corrupt("equity values do not match the runs");
  if (t.returns > t.points) corrupt("more returns than equity points");
  return t;
}

DecisionRecord read_decision(const msgpack::object& o) {
  Arr a(o, kDecisionFields, "decision");
  DecisionRecord d;
  d.bar_index = a.u64();
  d.ts_ns = a.i64();
  d.position = a.enumeration<decision::PositionSide>(2);
  d.signal = a.enumeration<decision::Signal>(2);
  d.raw_signal = a.enumeration<decision::Signal>(2);
  d.confidence = a.f64();
  d.probs[0] = a.f64();
  d.probs[1] = a.f64();
  d.probs[2] = a.f64();
  d.predicted_return = a.opt_f64();
  d.error = a.enumeration<decision::DecisionError>(2);
  return d;
}

msgpack::object_handle unpack_all(const char* data, size_t len, std::string_view what) {
  // Every element takes at least one byte: no legitimate count exceeds the length (bounds allocations).
  const auto cap = static_cast<std::size_t>(len > 0xffffffffu ? 0xffffffffu : len);
  msgpack::unpack_limit limit(cap, cap, cap, cap, cap, 64);
  std::size_t off = 0;
  msgpack::object_handle oh = msgpack::unpack(data, len, off, nullptr, nullptr, limit);
  if (off != len) corrupt(fmt::format("{} has {} trailing bytes", what, len - off));
  return oh;
}

struct Envelope {
  msgpack::object_handle outer;
  uint32_t version = 0;
  const char* payload = nullptr;
  size_t payload_size = 0;
};

Envelope open_envelope(const std::string& blob) {
  if (blob.empty()) corrupt("empty blob");
  Envelope env;
  env.outer = unpack_all(blob.data(), blob.size(), "blob");
  const msgpack::object& o = env.outer.get();
  if (o.type != msgpack::type::ARRAY || o.via.array.size != 4) corrupt("no envelope");
  Arr a(o, 4, "envelope");
  const auto& magic = a.next();
  if (magic.type != msgpack::type::STR ||
      std::string_view(magic.via.str.ptr, magic.via.str.size) != std::string_view(kCheckpointMagic)) {
    corrupt("bad magic");
  }
  const uint64_t version = a.u64();
  if (version != kCheckpointVersion) {
    KTRDR_FAIL(
        "checkpoint format version {} is not supported (this build reads version {}); restart the backtest "
        "from the beginning",
        version, kCheckpointVersion);
  }
  env.version = static_cast<uint32_t>(version);
  const uint64_t checksum = a.u64();
  const auto& payload = a.next();
  if (payload.type != msgpack::type::BIN) corrupt("payload is not binary");
  env.payload = payload.via.bin.ptr;
  env.payload_size = payload.via.bin.size;
  if (hash64(env.payload, env.payload_size, kChecksumSeed) != checksum) corrupt("checksum mismatch");
  return env;
}

template <typename F>
auto guarded(F&& f) {
  try {
    return f();
  } catch (const ktrdr::Error&) {
    throw;
  } catch (const std::exception& e) {
    corrupt(e.what());
  }
}

}  // namespace

std::string encode_checkpoint(const Fingerprint& fingerprint, const StateView& s) {
  const size_t points = s.tracker->equity_curve.size();
  msgpack::sbuffer payload(1024 + points * 8 + s.positions->trades.size() * 160 + s.decisions->size() * 80);
  Packer pk(&payload);
  pk.pack_array(kPayloadFields);
  pack_fingerprint(pk, fingerprint);
  pk.pack_array(kStateFields);
  pk.pack_uint64(s.loop->next_bar);
  if (s.loop->pending) {
    pk.pack_uint8(static_cast<uint8_t>(*s.loop->pending));
  } else {
    pk.pack_nil();
  }
  pk.pack_double(s.loop->pending_confidence);
  pack_opt_int(pk, s.loop->last_signal_ts_ns);
  pk.pack_array(3);
  pk.pack_double(s.positions->cash);
  pk.pack_uint64(s.positions->next_trade_id);
  pack_position(pk, s.positions->position);
  pk.pack_array(static_cast<uint32_t>(s.positions->trades.size()));
  for (const auto& t : s.positions->trades) pack_trade(pk, t);
  pack_tracker(pk, *s.tracker);
  const auto& decisions = *s.decisions;
  pk.pack_array(static_cast<uint32_t>(decisions.size()));
  for (const auto& d : decisions) pack_decision(pk, d);

  msgpack::sbuffer head(128);
  Packer env(&head);
  env.pack_array(4);
  env.pack(std::string(kCheckpointMagic));
  env.pack_uint32(kCheckpointVersion);
  env.pack_uint64(hash64(payload.data(), payload.size(), kChecksumSeed));
  env.pack_bin(static_cast<uint32_t>(payload.size()));
  std::string out;
  out.reserve(head.size() + payload.size());
  out.append(head.data(), head.size());
  out.append(payload.data(), payload.size());
  return out;
}

DecodedCheckpoint decode_checkpoint(const std::string& blob) {
  return guarded([&] {
    Envelope env = open_envelope(blob);
    msgpack::object_handle inner = unpack_all(env.payload, env.payload_size, "payload");
    Arr top(inner.get(), kPayloadFields, "payload");
    DecodedCheckpoint d;
    d.version = env.version;
    d.fingerprint = read_fingerprint(top.next());
    Arr st(top.next(), kStateFields, "state");
    d.loop.next_bar = st.u64();
    if (st.peek().type == msgpack::type::NIL) {
      st.next();
    } else {
      d.loop.pending = st.enumeration<decision::Signal>(2);
    }
    d.loop.pending_confidence = st.f64();
    if (st.peek().type == msgpack::type::NIL) {
      st.next();
    } else {
      d.loop.last_signal_ts_ns = st.i64();
    }
    Arr pm(st.next(), 3, "positions");
    d.positions.cash = pm.f64();
    d.positions.next_trade_id = pm.u64();
    d.positions.position = read_position(pm.next());
    const auto& trades = st.next();
    if (trades.type != msgpack::type::ARRAY) corrupt("trades is not an array");
    d.positions.trades.reserve(trades.via.array.size);
    for (uint32_t i = 0; i < trades.via.array.size; ++i)
      d.positions.trades.push_back(read_trade(trades.via.array.ptr[i]));
    d.tracker = read_tracker(st.next());
    const auto& decisions = st.next();
    if (decisions.type != msgpack::type::ARRAY) corrupt("decisions is not an array");
    d.decisions.reserve(decisions.via.array.size);
    for (uint32_t i = 0; i < decisions.via.array.size; ++i) {
      d.decisions.push_back(read_decision(decisions.via.array.ptr[i]));
    }
    return d;
  });
}

metrics::TrackerState rebuild_tracker(const CompactTracker& saved, const EngineInputs& in, uint64_t warmup,
                                      uint64_t next_bar) {
  const BarSeries& bars = *in.bars;
  const uint8_t* has = in.has_features.empty() ? nullptr : in.has_features.data();
  uint64_t expected = 0;
  if (has == nullptr) {
    expected = next_bar - warmup;
  } else {
    for (uint64_t i = warmup; i < next_bar; ++i) expected += has[i] != 0 ? 1 : 0;
  }
  if (expected != saved.points) {
    corrupt(fmt::format("{} equity points saved, the {} loop bars before bar {} have {} with features",
                        saved.points, next_bar - warmup, next_bar, expected));
  }
  metrics::PerformanceTracker tracker;
  tracker.reserve(bars.size() - warmup + 1);
  size_t run = 0;
  size_t vi = 0;
  uint64_t p = 0;
  uint64_t run_end = 0;
  PositionSide side = PositionSide::kFlat;
  bool constant = false;
  for (uint64_t idx = warmup; idx < next_bar; ++idx) {
    if (has != nullptr && has[idx] == 0) continue;
    if (p == run_end) {  // next run (the decoder checked the runs cover [0, points) in order)
      constant = (saved.run_code[run] & CompactTracker::kRunConstant) != 0;
      side = static_cast<PositionSide>(saved.run_code[run] &
                                       static_cast<uint8_t>(~CompactTracker::kRunConstant));
      run_end = run + 1 < saved.run_start.size() ? saved.run_start[run + 1] : saved.points;
      ++run;
      if (constant) ++vi;
    }
    const double v = constant ? saved.values[vi - 1] : saved.values[vi++];
    tracker.update(bars.ts_ns[idx], bars.close[idx], v, side);
    ++p;
  }
  metrics::TrackerState t = tracker.release();
  if (bits(t.peak) != bits(saved.peak) || bits(t.max_drawdown_pct) != bits(saved.max_drawdown_pct) ||
      bits(t.peak_at_max_drawdown) != bits(saved.peak_at_max_drawdown) ||
      bits(t.last_equity) != bits(saved.last_equity) || t.returns.size() != saved.returns) {
    corrupt("the equity curve rebuilt from the bars does not give the saved peak, drawdown and returns");
  }
  return t;
}

}  // namespace ktrdr::engine::detail

namespace ktrdr::engine {

CheckpointInfo describe_checkpoint(const std::string& blob) {
  const detail::DecodedCheckpoint d = detail::decode_checkpoint(blob);
  CheckpointInfo info;
  info.version = d.version;
  info.next_bar_index = d.loop.next_bar;
  info.total_bars = d.fingerprint.n_bars;
  info.closed_trades = d.positions.trades.size();
  info.cash = d.positions.cash;
  info.position_open = d.positions.position.has_value();
  return info;
}

}  // namespace ktrdr::engine
