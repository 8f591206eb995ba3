// Decision function rules (docs/reference.md §6, §14 test_decision_function*.py).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"
#include "ktrdr/decision/decision_function.h"

using namespace ktrdr;
using decision::Decision;
using decision::DecisionFunction;
using decision::PositionSide;
using decision::Signal;

namespace {

constexpr int64_t kH = kNanosPerHour;
const int64_t kNoon = parse_timestamp_ns("2024-03-04T12:00:00Z", "t");

config::DecisionConfig classification(double threshold = 0.5) {
  config::DecisionConfig c;
  c.confidence_threshold = threshold;
  return c;
}

Decision run(const DecisionFunction& f, std::initializer_list<float> o,
             PositionSide pos = PositionSide::kFlat, int64_t ts = kNoon,
             std::optional<int64_t> last = std::nullopt) {
  const std::vector<float> v(o);
  return f.decide(v.data(), v.size(), pos, ts, last);
}

}  // namespace

TEST_CASE("class index -> signal: 0 BUY, 1 HOLD, 2 SELL (from LONG)") {
  const DecisionFunction f(classification(0.3));
  CHECK(run(f, {3.0f, 0.0f, 0.0f}).signal == Signal::kBuy);
  CHECK(run(f, {0.0f, 3.0f, 0.0f}).raw_signal == Signal::kHold);
  const Decision sell = run(f, {0.0f, 0.0f, 3.0f}, PositionSide::kLong);
  CHECK(sell.raw_signal == Signal::kSell);
  CHECK(sell.signal == Signal::kSell);
}

TEST_CASE("softmax in float32: max-shifted expf, left-to-right sum, division in float") {
  const DecisionFunction f(classification(0.0));
  const float o0 = 0.3f, o1 = -1.7f, o2 = 2.25f;
  const float m = o2;
  const float e0 = std::exp(o0 - m), e1 = std::exp(o1 - m), e2 = std::exp(o2 - m);
  const float s = (e0 + e1) + e2;
  const Decision d = run(f, {o0, o1, o2}, PositionSide::kLong);
  CHECK(d.probs[0] == static_cast<double>(e0 / s));
  CHECK(d.probs[1] == static_cast<double>(e1 / s));
  CHECK(d.probs[2] == static_cast<double>(e2 / s));
  CHECK(d.confidence == static_cast<double>(e2 / s));
  CHECK(d.raw_signal == Signal::kSell);
}

TEST_CASE("outputs summing to 1 within 1e-6 are taken as probabilities - argmax takes the first maximum") {
  const DecisionFunction f(classification(0.0));
  const Decision d = run(f, {0.25f, 0.5f, 0.25f});
  CHECK(d.probs[0] == 0.25);
  CHECK(d.confidence == 0.5);
  const Decision tie = run(f, {0.4f, 0.4f, 0.2f});
  CHECK(tie.raw_signal == Signal::kBuy);
  CHECK(tie.confidence == static_cast<double>(0.4f));
}

TEST_CASE("confidence threshold: below -> HOLD, equal passes, above passes") {
  const DecisionFunction f(classification(0.5));
  CHECK(run(f, {0.49f, 0.26f, 0.25f}).signal == Signal::kHold);
  CHECK(run(f, {0.5f, 0.25f, 0.25f}).signal == Signal::kBuy);
  CHECK(run(f, {0.6f, 0.2f, 0.2f}).signal == Signal::kBuy);
}

TEST_CASE("signal separation in hours: 2 h after the last trade -> HOLD, 5 h -> passes, none -> passes") {
  const DecisionFunction f(classification(0.5));  // default 4 h
  const int64_t last = kNoon - 2 * kH;            // 10:00 vs 12:00
  CHECK(run(f, {0.8f, 0.1f, 0.1f}, PositionSide::kFlat, kNoon, last).signal == Signal::kHold);
  CHECK(run(f, {0.8f, 0.1f, 0.1f}, PositionSide::kFlat, kNoon + 3 * kH, last).signal == Signal::kBuy);
  CHECK(run(f, {0.8f, 0.1f, 0.1f}, PositionSide::kFlat, kNoon, std::nullopt).signal == Signal::kBuy);
  // exactly the separation passes (< is the filter)
  CHECK(run(f, {0.8f, 0.1f, 0.1f}, PositionSide::kFlat, kNoon, kNoon - 4 * kH).signal == Signal::kBuy);
}

TEST_CASE("position awareness filters") {
  const DecisionFunction f(classification(0.5));
  const std::initializer_list<float> buy{0.8f, 0.1f, 0.1f};
  const std::initializer_list<float> sell{0.1f, 0.1f, 0.8f};
  CHECK(run(f, buy, PositionSide::kLong).signal == Signal::kHold);
  CHECK(run(f, sell, PositionSide::kFlat).signal == Signal::kHold);
  CHECK(run(f, sell, PositionSide::kLong).signal == Signal::kSell);
  CHECK(run(f, buy, PositionSide::kFlat).signal == Signal::kBuy);
  CHECK(run(f, sell, PositionSide::kShort).signal == Signal::kHold);
  CHECK(run(f, buy, PositionSide::kShort).signal == Signal::kBuy);
  auto c = classification(0.5);
  c.position_awareness = false;
  const DecisionFunction unaware(c);
  CHECK(run(unaware, buy, PositionSide::kLong).signal == Signal::kBuy);
  CHECK(run(unaware, sell, PositionSide::kFlat).signal == Signal::kSell);
  CHECK(run(unaware, sell, PositionSide::kShort).signal == Signal::kSell);
}

TEST_CASE("allow_short_from_flat") {
  auto c = classification(0.5);
  c.allow_short_from_flat = true;
  const DecisionFunction f(c);
  const std::initializer_list<float> sell{0.1f, 0.1f, 0.8f};
  CHECK(run(f, sell, PositionSide::kFlat).signal == Signal::kSell);
  CHECK(run(f, sell, PositionSide::kShort).signal == Signal::kHold);
  CHECK(run(f, sell, PositionSide::kLong).signal == Signal::kSell);
}

TEST_CASE("NaN outputs -> HOLD, confidence 0, nan_confidence error") {
  const DecisionFunction f(classification(0.0));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Decision d = run(f, {nan, nan, nan}, PositionSide::kLong);
  CHECK(d.signal == Signal::kHold);
  CHECK(d.confidence == 0.0);
  CHECK(d.error == decision::DecisionError::kNanConfidence);
  const Decision partial = run(f, {0.1f, nan, 2.0f}, PositionSide::kLong);
  CHECK(partial.signal == Signal::kHold);
  CHECK(partial.error == decision::DecisionError::kNanConfidence);
}

TEST_CASE("no outputs -> HOLD with an inference error") {
  const DecisionFunction f(classification());
  const Decision d = f.decide(nullptr, 0, PositionSide::kFlat, kNoon, std::nullopt);
  CHECK(d.signal == Signal::kHold);
  CHECK(d.error == decision::DecisionError::kInference);
}

TEST_CASE("probabilities summing to 1 with a maximum above 1 abort, as the reference") {
  const DecisionFunction f(classification(0.0));
  CHECK_THROWS_AS(run(f, {1.5f, -0.25f, -0.25f}), ktrdr::Error);
}

TEST_CASE("stateless: repeated calls give the same decision") {
  const DecisionFunction f(classification(0.4));
  const Decision a = run(f, {0.7f, 0.2f, 0.1f});
  const Decision b = run(f, {0.7f, 0.2f, 0.1f});
  CHECK(a.signal == b.signal);
  CHECK(a.confidence == b.confidence);
  CHECK(run(f, {0.7f, 0.2f, 0.1f}, PositionSide::kLong).signal == Signal::kHold);
  CHECK(run(f, {0.7f, 0.2f, 0.1f}).signal == Signal::kBuy);
}

namespace {
config::DecisionConfig regression(double rtc = 0.003, double mult = 1.5) {
  config::DecisionConfig c;
  c.output_format = config::OutputFormat::kRegression;
  c.round_trip_cost = rtc;
  c.min_edge_multiplier = mult;
  c.confidence_threshold = 0.99;  // ignored in regression
  return c;
}
}  // namespace

TEST_CASE("regression: T = rtc x mult, strictly greater, shorts from flat allowed") {
  const DecisionFunction f(regression());  // T = 0.0045
  CHECK(run(f, {0.01f}).signal == Signal::kBuy);
  CHECK(run(f, {-0.01f}, PositionSide::kLong).signal == Signal::kSell);
  CHECK(run(f, {0.001f}).signal == Signal::kHold);
  CHECK(run(f, {-0.01f}, PositionSide::kFlat).signal == Signal::kSell);
  CHECK(run(f, {-0.01f}, PositionSide::kShort).signal == Signal::kHold);
  const DecisionFunction exact(regression(0.125, 0.5));  // T = 0.0625, representable in float
  CHECK(run(exact, {0.0625f}).signal == Signal::kHold);
  CHECK(run(exact, {-0.0625f}).signal == Signal::kHold);
  CHECK(run(exact, {0.0626f}).signal == Signal::kBuy);
}

TEST_CASE("regression confidence: min(|r|/(3T), 1) - pseudo-probabilities - predicted_return") {
  const DecisionFunction f(regression(0.005, 2.0));  // T = 0.01
  const Decision d = run(f, {0.015f});
  const double r = static_cast<double>(0.015f);
  CHECK(d.confidence == std::min(std::abs(r) / (3.0 * 0.01), 1.0));
  CHECK(d.probs[0] == std::max(r, 0.0) / 0.01);
  CHECK(d.probs[1] == 0.0);
  CHECK(d.probs[2] == 0.0);
  REQUIRE(d.predicted_return.has_value());
  CHECK(*d.predicted_return == r);
  CHECK(run(f, {0.5f}).confidence == 1.0);
  CHECK(run(f, {0.0f}).confidence == 0.0);
  // the confidence filter is skipped (threshold 0.99) but separation applies
  CHECK(run(f, {0.015f}, PositionSide::kFlat, kNoon, kNoon - kH).signal == Signal::kHold);
}

TEST_CASE("regression with a zero threshold -> HOLD with an inference error (division by zero)") {
  const DecisionFunction f(regression(0.0, 1.5));
  const Decision d = run(f, {0.01f});
  CHECK(d.signal == Signal::kHold);
  CHECK(d.error == decision::DecisionError::kInference);
}

TEST_CASE("signal and side names") {
  CHECK(decision::to_string(Signal::kBuy) == "BUY");
  CHECK(decision::to_string(Signal::kHold) == "HOLD");
  CHECK(decision::to_string(Signal::kSell) == "SELL");
  CHECK(decision::to_string(PositionSide::kShort) == "SHORT");
  CHECK(decision::parse_signal("SELL") == Signal::kSell);
  CHECK_FALSE(decision::parse_position_side("long").has_value());
  CHECK(static_cast<int>(Signal::kHold) == 1);
}
