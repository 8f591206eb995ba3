// Helpers for the feature tests: the docs/reference.md §1.6 example strategy, CSV reading (temp dirs and
// files: tests/support/).
#pragma once

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/files.h"
#include "support/near.h"
#include "support/temp_dir.h"

namespace ktrdr::test {

// docs/reference.md §1.6, verbatim.
inline const char* kDemoStrategy = R"(name: demo_rsi_adx
version: "3.0"
training_data:
  symbols: {mode: single, symbol: EURUSD}
  timeframes: {mode: multi_timeframe, list: ["1h", "4h"], base_timeframe: "1h"}
  history_required: 100
indicators:
  rsi_14: {type: rsi, period: 14}
  adx_14: {type: adx, period: 14}
fuzzy_sets:
  rsi_zone:
    indicator: rsi_14
    oversold: [0, 25, 40]                       # shorthand triangular
    overbought: {type: triangular, parameters: [60, 75, 100]}
  trend:
    indicator: adx_14.adx                       # dot notation
    weak: {type: gaussian, parameters: [15, 10]}
    strong: {type: gaussian, parameters: [40, 12]}
nn_inputs:
  - fuzzy_set: rsi_zone
    timeframes: all
  - fuzzy_set: trend
    timeframes: ["1h"]
  - raw_indicator: adx_14.adx
    timeframes: ["1h"]
    normalization: minmax
model:
  type: mlp
  architecture: {hidden_layers: [32, 16], dropout: 0.2, activation: relu}
decisions:
  output_format: classification
  confidence_threshold: 0.6
  position_awareness: true
  allow_short_from_flat: false
  filters: {min_signal_separation: 4}
training:
  epochs: 50
  labels: {source: zigzag, zigzag_threshold: 0.02, label_lookahead: 10}
)";

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (char c : line) {
    if (c == ',') {
      cells.push_back(cell);
      cell.clear();
    } else if (c != '\r') {
      cell += c;
    }
  }
  cells.push_back(cell);
  return cells;
}

inline Csv read_csv(const std::string& path) {
  std::ifstream in(path);
  Csv csv;
  std::string line;
  if (std::getline(in, line)) csv.header = split_csv_line(line);
  while (std::getline(in, line)) {
    if (!line.empty()) csv.rows.push_back(split_csv_line(line));
  }
  return csv;
}

inline double cell_value(const std::string& cell) {
  return cell.empty() ? std::nan("") : std::strtod(cell.c_str(), nullptr);
}

}  // namespace ktrdr::test
