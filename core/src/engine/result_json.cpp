#include "ktrdr/engine/result_json.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <string_view>
#include <vector>

#include <fmt/compile.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ktrdr/common/time.h"
#include "ktrdr/indicators/series_ops.h"

namespace ktrdr::engine {
namespace {

using Json = nlohmann::ordered_json;

Json metrics_json(const metrics::PerformanceMetrics& m) {
  Json j = Json::object();
  for (const auto& nm : metrics::named_metrics(m)) {
    if (nm.is_count) {
      j[std::string(nm.name)] = static_cast<int64_t>(nm.value);
    } else {
      j[std::string(nm.name)] = metrics::sanitize(nm.value);
    }
  }
  return j;
}

Json extended_json(const metrics::ExtendedMetrics& x) {
  using metrics::sanitize;
  Json j = Json::object();
  j["cagr"] = sanitize(x.cagr);
  j["annualized_volatility"] = sanitize(x.annualized_volatility);
  j["sharpe_ratio"] = sanitize(x.sharpe_ratio);
  j["sortino_ratio"] = sanitize(x.sortino_ratio);
  j["periods_per_year"] = x.periods_per_year;
  j["calendar"] = x.weekend_data ? "all_days" : "weekdays";
  j["trading_days"] = x.trading_days;
  j["max_drawdown_duration_days"] = sanitize(x.max_drawdown_duration_days);
  j["exposure_pct"] = sanitize(x.exposure_pct);
  j["buy_and_hold_return_pct"] = sanitize(x.buy_and_hold_return_pct);
  j["expectancy"] = sanitize(x.expectancy);
  j["sqn"] = sanitize(x.sqn);
  return j;
}

Json decision_json(const DecisionRecord& d) {
  Json j = Json::object();
  j["timestamp"] = format_iso_utc(d.ts_ns);
  j["bar_index"] = d.bar_index;
  j["position"] = decision::to_string(d.position);
  j["signal"] = decision::to_string(d.signal);
  const bool error = d.error != decision::DecisionError::kNone;
  j["raw_signal"] = error ? Json(nullptr) : Json(decision::to_string(d.raw_signal));
  j["confidence"] = d.confidence;
  Json probs = Json::object();
  if (!error) {
    probs["BUY"] = d.probs[0];
    probs["HOLD"] = d.probs[1];
    probs["SELL"] = d.probs[2];
  }
  j["probs"] = std::move(probs);
  if (d.predicted_return) j["predicted_return"] = *d.predicted_return;
  switch (d.error) {
    case decision::DecisionError::kNone:
      j["error"] = nullptr;
      break;
    case decision::DecisionError::kNanConfidence:
      j["error"] = "nan_confidence";
      break;
    case decision::DecisionError::kInference:
      j["error"] = "inference_error";
      break;
  }
  return j;
}

// Python-repr-like shortest round-trip text of a double ("100000.0", "1.1", "1e-07") at `out`; returns the
// end. At most kMaxDoubleChars characters.
constexpr size_t kMaxDoubleChars = 32;
char* write_double(char* out, double v) {
  if (!std::isfinite(v)) {  // as nlohmann::json: not representable in JSON
    std::memcpy(out, "null", 4);
    return out + 4;
  }
  char* const end = fmt::format_to(out, FMT_COMPILE("{}"), v);
  for (const char* p = out; p != end; ++p) {
    if (*p == '.' || *p == 'e' || *p == 'n') return end;
  }
  std::memcpy(end, ".0", 2);
  return end + 2;
}

char* write_text(char* out, std::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

// "YYYY-MM-DDTHH:MM:SSZ" exactly as format_iso_utc, with the date part reused while consecutive points fall
// on the same day (the civil-date arithmetic and the string format_iso_utc returns cost more than the rest of
// a point). Stamps with fractional seconds or outside years 0000..9999 go through format_iso_utc itself.
class IsoStampWriter {
 public:
  static constexpr size_t kMaxChars = 48;

  char* write(char* out, int64_t ts_ns) {
    if (ts_ns % kNanosPerSecond != 0 || ts_ns < 0) return write_text(out, format_iso_utc(ts_ns));
    const int64_t secs = ts_ns / kNanosPerSecond;
    const int64_t day = secs / 86400;
    if (day != day_) {
      const std::string full = format_iso_utc(day * kNanosPerDay);
      if (full.size() != 20) return write_text(out, format_iso_utc(ts_ns));  // a year past 9999
      std::memcpy(date_, full.data(), sizeof date_);
      day_ = day;
    }
    const int64_t rem = secs - day * 86400;
    out = write_text(out, std::string_view(date_, sizeof date_));
    put2(out + 0, rem / 3600);
    out[2] = ':';
    put2(out + 3, (rem / 60) % 60);
    out[5] = ':';
    put2(out + 6, rem % 60);
    out[8] = 'Z';
    return out + 9;
  }

 private:
  static void put2(char* p, int64_t v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  }
  int64_t day_ = -1;
  char date_[11] = {};  // "YYYY-MM-DDT"
};

// Upper bound of one equity point's text at `indent`: separator, padding, the four keys, a stamp, two doubles
// and the longest position word.
size_t equity_point_max_chars(int indent) {
  const size_t pad = indent < 0 ? 0 : static_cast<size_t>(2 * indent) + 1;
  return 1 + pad + 64 + IsoStampWriter::kMaxChars + 2 * kMaxDoubleChars + 8 + 2;
}

// The equity curve is by far the largest part of the document (one point per bar, ~125 bytes each): written
// straight into the output instead of going through a JSON DOM (~4 us per point there). Points are formatted
// into a small buffer that stays in cache and appended in blocks; the output's capacity is reserved once for
// the worst case (address space only: untouched pages cost nothing), so the 100+ MB string is never moved
// and each of its pages is written once.
void append_equity_curve(std::string& out, const std::vector<metrics::EquityPoint>& curve, int indent,
                         size_t tail_chars) {
  std::string item_pad, close_pad;
  if (indent >= 0) {
    item_pad.assign(static_cast<size_t>(2 * indent) + 1, ' ');
    item_pad[0] = '\n';
    close_pad.assign(static_cast<size_t>(indent) + 1, ' ');
    close_pad[0] = '\n';
  }
  const std::string_view sep = indent < 0 ? ":" : ": ";
  const std::string k_timestamp = fmt::format("{{\"timestamp\"{}\"", sep);
  const std::string k_price = fmt::format("\",\"price\"{}", sep);
  const std::string k_value = fmt::format(",\"portfolio_value\"{}", sep);
  const std::string k_position = fmt::format(",\"position\"{}\"", sep);
  const size_t max_point = equity_point_max_chars(indent);
  const size_t start = out.size();
  const size_t bound = 2 + close_pad.size() + curve.size() * max_point;
  out.reserve(start + bound + tail_chars);  // a no-op when the caller reserved enough
  indicators::advise_huge_pages(out.data() + start, bound);

  constexpr size_t kBlockChars = 64 * 1024;
  std::vector<char> block(kBlockChars + max_point);
  char* const block_begin = block.data();
  char* p = block_begin;
  IsoStampWriter stamp;
  *p++ = '[';
  for (size_t i = 0; i < curve.size(); ++i) {
    const auto& e = curve[i];
    if (i) *p++ = ',';
    p = write_text(p, item_pad);
    p = write_text(p, k_timestamp);
    p = stamp.write(p, e.ts_ns);
    p = write_text(p, k_price);
    p = write_double(p, e.price);
    p = write_text(p, k_value);
    p = write_double(p, e.portfolio_value);
    p = write_text(p, k_position);
    p = write_text(p, decision::to_string(e.position));
    p = write_text(p, "\"}");
    if (static_cast<size_t>(p - block_begin) >= kBlockChars) {
      out.append(block_begin, p);
      p = block_begin;
    }
  }
  if (!curve.empty()) p = write_text(p, close_pad);
  *p++ = ']';
  out.append(block_begin, p);
}

// The trades, written by hand in the layout nlohmann::json::dump gives them (its number text comes from its
// own to_chars, so every byte is what the DOM would print): 16 k trades built and dumped through the DOM cost
// more than the 1 M-point equity curve.
class TradesWriter {
 public:
  // `indent` as dump(indent); the array is the value of a key of the top-level object.
  TradesWriter(std::string& out, int indent) : out_(out), indent_(indent) {}

  void write(const std::vector<position::Trade>& trades) {
    if (trades.empty()) {
      out_ += "[]";
      return;
    }
    out_ += '[';
    for (size_t i = 0; i < trades.size(); ++i) {
      if (i) out_ += ',';
      newline(2);
      write_trade(trades[i]);
    }
    newline(1);
    out_ += ']';
  }

 private:
  void newline(int level) {
    if (indent_ < 0) return;
    out_ += '\n';
    out_.append(static_cast<size_t>(indent_ * level), ' ');
  }
  // "key": at `level` (the first key of an object has no comma before it).
  void key(std::string_view name, int level, bool first = false) {
    if (!first) out_ += ',';
    newline(level);
    out_ += '"';
    out_ += name;
    out_ += indent_ < 0 ? "\":" : "\": ";
  }
  void number(double v) {
    if (!std::isfinite(v)) {
      out_ += "null";
      return;
    }
    char buf[64];
    const char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, static_cast<size_t>(end - buf));
  }
  void integer(int64_t v) { fmt::format_to(std::back_inserter(out_), FMT_COMPILE("{}"), v); }
  void string(std::string_view v) {
    // Plain printable ASCII is written as is; anything that might need escaping goes through the library.
    const bool plain =
        std::all_of(v.begin(), v.end(), [](char c) { return c >= 0x20 && c != '"' && c != '\\'; });
    if (plain) {
      out_ += '"';
      out_ += v;
      out_ += '"';
    } else {
      out_ += Json(std::string(v)).dump();
    }
  }

  void write_trade(const position::Trade& t) {
    out_ += '{';
    key("trade_id", 3, true);
    fmt::format_to(std::back_inserter(out_), FMT_COMPILE("{}"), t.trade_id);
    key("symbol", 3);
    string(t.symbol);
    key("side", 3);
    string(decision::to_string(t.side));
    key("entry_price", 3);
    number(t.entry_price);
    key("entry_time", 3);
    string(format_iso_utc(t.entry_ts_ns));
    key("exit_price", 3);
    number(t.exit_price);
    key("exit_time", 3);
    string(format_iso_utc(t.exit_ts_ns));
    key("quantity", 3);
    integer(t.quantity);
    key("gross_pnl", 3);
    number(t.gross_pnl);
    key("commission", 3);
    number(t.commission);
    key("slippage", 3);
    number(t.slippage);
    key("net_pnl", 3);
    number(t.net_pnl);
    key("holding_period_hours", 3);
    number(t.holding_period_hours);
    key("max_favorable_excursion", 3);
    number(t.max_favorable_excursion);
    key("max_adverse_excursion", 3);
    number(t.max_adverse_excursion);
    key("return_pct", 3);
    number(t.return_pct());
    key("decision_metadata", 3);
    out_ += '{';
    if (t.forced) {
      key("signal_type", 4, true);
      string("FORCE_CLOSE");
      key("reason", 4);
      string("End of backtest period");
      key("forced", 4);
      out_ += "true";
    } else {
      key("confidence", 4, true);
      if (t.confidence) {
        number(*t.confidence);
      } else {
        out_ += "null";
      }
    }
    newline(3);
    out_ += '}';
    newline(2);
    out_ += '}';
  }

  std::string& out_;
  int indent_;
};

constexpr const char* kTradesPlaceholder = "__ktrdr_trades__";
constexpr const char* kEquityPlaceholder = "__ktrdr_equity_curve__";

}  // namespace

std::string result_to_json(const ResultHeader& h, const EngineOptions& o, const BacktestResult& r,
                           const ResultJsonOptions& jo) {
  Json j = Json::object();
  j["strategy_name"] = h.strategy_name;
  j["symbol"] = h.symbol;
  j["timeframe"] = h.timeframe;
  j["start_date"] = h.start_date;
  j["end_date"] = h.end_date;
  j["start_time"] = o.start_ns ? Json(format_iso_utc(*o.start_ns)) : Json(nullptr);
  j["end_time"] = o.end_ns ? Json(format_iso_utc(*o.end_ns)) : Json(nullptr);
  j["mode"] = to_string(o.mode);
  Json cfg = Json::object();
  cfg["initial_capital"] = o.costs.initial_capital;
  cfg["commission"] = o.costs.commission;
  cfg["slippage"] = o.costs.slippage;
  cfg["position_fraction"] = o.costs.position_fraction;
  cfg["start_date"] = h.start_date;
  cfg["end_date"] = h.end_date;
  cfg["warmup_bars"] = o.warmup_bars;
  cfg["mode"] = to_string(o.mode);
  cfg["symbol"] = h.symbol;
  cfg["timeframe"] = h.timeframe;
  j["config"] = std::move(cfg);
  j["metrics"] = metrics_json(r.metrics);
  j["extended"] = extended_json(r.extended);
  j["trade_count"] = r.trades.size();
  j["equity_curve_length"] = r.equity_curve.size();
  j["final_capital"] = r.final_capital;
  j["bars"] = r.bars;
  j["loop_bars"] = r.loop_bars;
  j["trades"] = kTradesPlaceholder;        // written by hand below
  j["equity_curve"] = kEquityPlaceholder;  // spliced in below
  j["execution_time_seconds"] = h.execution_time_seconds;
  Json phases = Json::object();
  phases["load"] = h.phase_seconds.load;
  phases["features"] = h.phase_seconds.features;
  phases["inference"] = h.phase_seconds.inference;
  phases["simulation"] = h.phase_seconds.simulation;
  phases["metrics"] = h.phase_seconds.metrics;
  j["phase_seconds"] = std::move(phases);
  if (jo.include_decisions) {
    Json ds = Json::array();
    for (const auto& d : r.decisions) ds.push_back(decision_json(d));
    j["decisions"] = std::move(ds);
  }
  const int indent = jo.indent < 0 ? -1 : jo.indent;
  const std::string doc = j.dump(indent);
  const std::string quoted_trades = fmt::format("\"{}\"", kTradesPlaceholder);
  const std::string quoted_curve = fmt::format("\"{}\"", kEquityPlaceholder);
  const size_t at_trades = doc.find(quoted_trades);
  const size_t at_curve = doc.rfind(quoted_curve);
  // One reservation for the whole document (a generous guess for the trades, the equity curve's upper bound):
  // the 100+ MB string is then never moved.
  const size_t indent_chars = static_cast<size_t>(std::max(indent, 0));
  const size_t trades_guess = r.trades.size() * 24 * (4 * indent_chars + 64);
  std::string text;
  text.reserve(doc.size() + trades_guess + (r.equity_curve.size() + 1) * equity_point_max_chars(indent));
  text.append(doc, 0, at_trades);
  TradesWriter(text, indent).write(r.trades);
  const size_t after_trades = at_trades + quoted_trades.size();
  text.append(doc, after_trades, at_curve - after_trades);
  append_equity_curve(text, r.equity_curve, indent, doc.size() - at_curve - quoted_curve.size());
  text.append(doc, at_curve + quoted_curve.size(), std::string::npos);
  return text;
}

}  // namespace ktrdr::engine
