#include "ktrdr/runner/run_data.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"
#include "ktrdr/common/time.h"
#include "ktrdr/data/ohlcv_loader.h"

namespace ktrdr::runner {

BarLoader csv_bar_loader(const std::string& data_dir, const LoadOptions& load) {
  KTRDR_REQUIRE(!data_dir.empty(), "data directory is required");
  return [data_dir, load](const std::string& symbol, const std::string& timeframe, const DataRange& range) {
    return load_ohlcv(data_dir, symbol, timeframe, range, load);
  };
}

BarLoader memory_bar_loader(std::map<std::string, BarSeries> bars, std::string origin) {
  auto held = std::make_shared<const std::map<std::string, BarSeries>>(std::move(bars));
  return [held, origin = std::move(origin)](const std::string&, const std::string& timeframe,
                                            const DataRange& range) {
    const auto it = held->find(timeframe);
    if (it == held->end()) {
      std::string have;
      for (const auto& [tf, b] : *held) have += (have.empty() ? "" : ", ") + tf;
      KTRDR_FAIL("{} has no {} bars (it holds {}); pass bars for every timeframe the strategy needs", origin,
                 timeframe, have.empty() ? "none" : have);
    }
    return filter_range(it->second, range, fmt::format("{} {}", origin, timeframe));
  };
}

namespace {

// The strategy's base timeframe, else the model's first training timeframe, else "".
std::string model_base_timeframe(const config::ModelBundleInfo& bundle) {
  if (!bundle.strategy.base_timeframe.empty()) return bundle.strategy.base_timeframe;
  return bundle.training_timeframes.empty() ? std::string() : bundle.training_timeframes.front();
}

}  // namespace

std::string default_timeframe(const config::ModelBundleInfo& bundle) {
  const std::string tf = model_base_timeframe(bundle);
  KTRDR_REQUIRE(!tf.empty(), "no timeframe given and the model {} names none; pass --timeframe",
                bundle.directory);
  return tf;
}

RunData load_run_data(const config::ModelBundleInfo& bundle, const BarLoader& loader,
                      const std::string& symbol, const std::string& timeframe, const std::string& start_date,
                      const std::string& end_date) {
  RunData out;
  out.symbol =
      !symbol.empty() ? symbol : (bundle.training_symbols.empty() ? "" : bundle.training_symbols.front());
  KTRDR_REQUIRE(!out.symbol.empty(),
                "no symbol given and the model {} names no training symbol; pass --symbol", bundle.directory);
  const std::string model_base = model_base_timeframe(bundle);
  const std::string tf = !timeframe.empty() ? timeframe : default_timeframe(bundle);
  if (!start_date.empty()) out.start_ns = parse_timestamp_ns(start_date, "start date");
  if (!end_date.empty()) out.end_ns = parse_timestamp_ns(end_date, "end date");
  if (out.start_ns && out.end_ns)
    KTRDR_REQUIRE(*out.start_ns <= *out.end_ns, "start date {} is after end date {}", start_date, end_date);
  const DataRange range{out.start_ns, out.end_ns};

  // Timeframes: the strategy's list when it is multi-timeframe with >= 2 entries, else the requested one.
  std::vector<std::string> tfs{tf};
  if (bundle.strategy.multi_timeframe && bundle.strategy.timeframes.size() >= 2)
    tfs = bundle.strategy.timeframes;

  if (tfs.size() == 1) {
    out.bars.emplace(tf, loader(out.symbol, tf, range));
    out.base_timeframe = tf;
    return out;
  }

  // Multi-timeframe: base failure is fatal, others are skipped with a warning (as the reference).
  const std::string base =
      std::find(tfs.begin(), tfs.end(), model_base) != tfs.end() ? model_base : tfs.front();
  for (const auto& t : tfs) {
    try {
      out.bars.emplace(t, loader(out.symbol, t, range));
    } catch (const Error& e) {
      if (t == base) throw;
      log::warn("timeframe {} skipped: {}", t, e.what());
    }
  }
  // Rescope every timeframe to the common window [max(first), min(last)].
  int64_t lo = INT64_MIN, hi = INT64_MAX;
  for (const auto& [t, b] : out.bars) {
    lo = std::max(lo, b.ts_ns.front());
    hi = std::min(hi, b.ts_ns.back());
  }
  KTRDR_REQUIRE(lo <= hi, "MULTI_TF_INSUFFICIENT_COVERAGE: the timeframes of {} do not overlap", out.symbol);
  for (auto& [t, b] : out.bars) {
    b = b.between(lo, hi);
    KTRDR_REQUIRE(
        b.size() >= 50,
        "MULTI_TF_INSUFFICIENT_COVERAGE: timeframe {} has {} bars in the common window {} .. {} (need 50)", t,
        b.size(), format_iso_utc(lo), format_iso_utc(hi));
  }
  KTRDR_REQUIRE(hi - lo >= 7 * kNanosPerDay,
                "MULTI_TF_INSUFFICIENT_COVERAGE: the common window {} .. {} spans less than 7 days",
                format_iso_utc(lo), format_iso_utc(hi));
  out.base_timeframe = base;
  return out;
}

}  // namespace ktrdr::runner
