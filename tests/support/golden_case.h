// One loader for the golden cases (tests/golden/<name>/, produced by the reference's own code): where its
// files are and what case.json says, parsed once. Each suite builds what it needs from this (engine inputs,
// feature data, a runner request, fleet command lines).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "ktrdr/common/mode.h"
#include "ktrdr/common/time.h"
#include "ktrdr/common/trading_costs.h"
#include "support/json.h"

namespace ktrdr::test {

struct GoldenCase {
  std::string name;          // "v1_bench12"
  std::string dir;           // {KTRDR_TEST_DATA}/golden/<name>
  nlohmann::json case_json;  // case.json as written
  std::string symbol;
  std::string timeframe;
  std::string start_date;  // as in case.json (YYYY-MM-DD or ISO-8601)
  std::string end_date;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  TradingCosts costs;  // initial_capital, commission, slippage (position_fraction: the default)
  Mode mode = Mode::kKtrdr;

  std::string model_dir() const { return dir + "/model"; }
  std::string data_dir() const { return dir + "/data"; }
  std::string data_file() const { return data_dir() + "/" + symbol + "_" + timeframe + ".csv"; }
  nlohmann::json expected() const { return read_json(dir + "/expected.json"); }
};

inline GoldenCase load_golden_case(const std::string& name) {
  GoldenCase g;
  g.name = name;
  g.dir = std::string(KTRDR_TEST_DATA) + "/golden/" + name;
  g.case_json = read_json(g.dir + "/case.json");
  const nlohmann::json& c = g.case_json;
  g.symbol = c.at("symbol").get<std::string>();
  g.timeframe = c.at("timeframe").get<std::string>();
  g.start_date = c.at("start_date").get<std::string>();
  g.end_date = c.at("end_date").get<std::string>();
  g.start_ns = parse_timestamp_ns(g.start_date, "start_date");
  g.end_ns = parse_timestamp_ns(g.end_date, "end_date");
  g.costs.initial_capital = c.at("initial_capital").get<double>();
  g.costs.commission = c.at("commission").get<double>();
  g.costs.slippage = c.at("slippage").get<double>();
  g.mode = *parse_mode(c.value("mode", std::string("ktrdr")));
  return g;
}

}  // namespace ktrdr::test
