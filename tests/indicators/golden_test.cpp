// Golden cases (tests/golden/<case>): indicators computed on the date-filtered bars must match every column
// of expected_indicators.csv (produced by the reference's pandas code) within 1e-9 relative.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ktrdr/common/time.h"
#include "ktrdr/data/ohlcv_loader.h"
#include "ktrdr/indicators/indicator.h"
#include "support/golden_case.h"

using namespace ktrdr;
using namespace ktrdr::indicators;

namespace {

struct ExpectedCsv {
  std::vector<std::string> header;
  std::vector<std::string> timestamps;
  std::vector<std::vector<double>> columns;  // per header column (index 0 unused)
};

ExpectedCsv read_expected(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  ExpectedCsv e;
  std::string line;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : s) {
      if (ch == ',') {
        out.push_back(cur);
        cur.clear();
      } else if (ch != '\r') {
        cur += ch;
      }
    }
    out.push_back(cur);
    return out;
  };
  std::getline(in, line);
  e.header = split(line);
  e.columns.resize(e.header.size());
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto cells = split(line);
    REQUIRE(cells.size() == e.header.size());
    e.timestamps.push_back(cells[0]);
    for (size_t k = 1; k < cells.size(); ++k) {
      e.columns[k].push_back(cells[k].empty() ? std::nan("") : std::strtod(cells[k].c_str(), nullptr));
    }
  }
  return e;
}

// A golden case (symbol, dates: tests/support/golden_case.h) and the `indicators` section of its
// model/metadata_v3.json (test_indicators links only ktrdr::indicators, so the specs are transcribed here).
struct IndicatorCase {
  std::string name;
  std::vector<IndicatorSpec> specs;
};

std::vector<IndicatorCase> golden_cases() {
  using PV = ParamValue;
  return {
      {"v1_bench12",
       {{"rsi_14", "rsi", {{"period", PV::of_int(14)}, {"source", PV::of_string("close")}}},
        {"adx_14", "adx", {{"period", PV::of_int(14)}}},
        {"stoch_14",
         "stochastic",
         {{"k_period", PV::of_int(14)}, {"d_period", PV::of_int(3)}, {"smooth_k", PV::of_int(3)}}},
        {"willr_14", "williamsr", {{"period", PV::of_int(14)}}}}},
      {"v2_macd_roc_raw",
       {{"macd_12_26_9",
         "macd",
         {{"fast_period", PV::of_int(12)},
          {"slow_period", PV::of_int(26)},
          {"signal_period", PV::of_int(9)}}},
        {"roc_10", "roc", {{"period", PV::of_int(10)}}},
        {"ema_50", "ema", {{"period", PV::of_int(50)}}},
        {"bbw_20", "bollingerbandwidth", {{"period", PV::of_int(20)}, {"multiplier", PV::of_float(2.0)}}},
        {"rsi_14", "rsi", {{"period", PV::of_int(14)}}}}},
  };
}

double rel_err(double got, double want) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got) ? 0.0 : INFINITY;
  if (got == want) return 0.0;
  return std::fabs(got - want) / std::max(std::fabs(want), 1e-300);
}

}  // namespace

TEST_CASE("golden: indicators match expected_indicators.csv within 1e-9 relative") {
  for (const auto& gc : golden_cases()) {
    CAPTURE(gc.name);
    const test::GoldenCase g = test::load_golden_case(gc.name);
    const std::string& dir = g.dir;
    const BarSeries bars = load_ohlcv(g.data_dir(), g.symbol, g.timeframe, DataRange{g.start_ns, g.end_ns});
    const ExpectedCsv exp = read_expected(dir + "/expected_indicators.csv");
    REQUIRE(exp.timestamps.size() == bars.size());
    CHECK(exp.timestamps.front() == format_iso_utc(bars.ts_ns.front()));
    CHECK(exp.timestamps.back() == format_iso_utc(bars.ts_ns.back()));

    // Our columns, named as the reference engine names them (outputs in engine order, alias last).
    std::vector<std::pair<std::string, std::vector<double>>> ours;
    for (const auto& spec : gc.specs) {
      std::vector<std::string> warnings;
      const IndicatorResult r = compute_indicator(spec, bars, &warnings, true);
      CHECK(warnings.empty());
      if (!r.multi_output) {
        ours.emplace_back("1h_" + spec.id, r.outputs[0].values);
      } else {
        for (const auto& o : r.outputs) ours.emplace_back("1h_" + spec.id + "." + o.name, o.values);
        ours.emplace_back("1h_" + spec.id, r.outputs[0].values);
      }
    }
    REQUIRE(ours.size() + 1 == exp.header.size());
    double worst_case = 0.0;
    for (size_t k = 0; k < ours.size(); ++k) {
      CAPTURE(ours[k].first);
      CHECK(exp.header[k + 1] == ours[k].first);
      const auto& got = ours[k].second;
      const auto& want = exp.columns[k + 1];
      double worst = 0.0;
      size_t worst_at = 0, mismatches = 0;
      for (size_t t = 0; t < want.size(); ++t) {
        const double e = rel_err(got[t], want[t]);
        if (e > 1e-9) ++mismatches;
        if (e > worst) {
          worst = e;
          worst_at = t;
        }
      }
      CAPTURE(worst_at);
      CAPTURE(got[worst_at]);
      CAPTURE(want[worst_at]);
      CHECK(mismatches == 0);
      worst_case = std::max(worst_case, worst);
    }
    MESSAGE(gc.name << ": worst relative error " << worst_case);
  }
}
