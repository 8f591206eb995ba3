// Prometheus text exposition format (version 0.0.4), written by hand: `# HELP` / `# TYPE` once per family,
// then one `name{label="value",...} number` line per sample. Label values and help texts are escaped as
// the format requires (\\, \", \n); numbers print shortest round-trip, integers without a decimal point,
// infinities as +Inf/-Inf.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ktrdr::gateway {

using Labels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  // type: "counter", "gauge" or "histogram".
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  void sample(std::string_view name, double value) { sample(name, {}, value); }
  // name_bucket{le=...} cumulative counts, name_sum, name_count. `bounds` ascending; `counts` has one entry
  // per bound plus the overflow bucket (not cumulative).
  void histogram(std::string_view name, const std::vector<double>& bounds,
                 const std::vector<uint64_t>& counts, double sum);

  const std::string& text() const { return text_; }

  static std::string format_value(double v);

 private:
  std::string text_;
};

}  // namespace ktrdr::gateway
