#include "ktrdr/gateway/start_request.h"

#include <optional>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ktrdr/common/time.h"
#include "ktrdr/gateway/api_error.h"

namespace ktrdr::gateway {
namespace {

using Json = nlohmann::json;

[[noreturn]] void bad(const std::string& detail) {
  throw ApiError(400, detail);
}

std::string strip(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// The value of `key` as a string; nullopt when absent or null.
std::optional<std::string> optional_string(const Json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) bad(fmt::format("{} must be a string (got {})", key, it->dump()));
  return it->get<std::string>();
}

// symbol / timeframe: optional, but not empty when given.
void set_if_given(const Json& body, const char* key, std::string& out) {
  const auto v = optional_string(body, key);
  if (!v) return;
  out = strip(*v);
  if (out.empty())
    bad(fmt::format("{} must not be empty when given (leave it out for the model's own)", key));
}

double number_or(const Json& body, const char* key, double fallback) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number()) bad(fmt::format("{} must be a number (got {})", key, it->dump()));
  return it->get<double>();
}

int64_t date_of(const Json& body, const char* key) {
  const auto text = optional_string(body, key);
  if (!text) bad(fmt::format("{} is required (an ISO date such as 2024-01-31 or 2024-01-31T00:00:00)", key));
  const auto ts = try_parse_timestamp_ns(strip(*text));
  if (!ts) {
    bad(
        fmt::format("{} \"{}\" is not an ISO date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (naive = UTC, or "
                    "with Z / +HH:MM)",
                    key, *text));
  }
  return *ts;
}

}  // namespace

proto::JobSpec parse_start_request(const std::string& text) {
  const Json body = Json::parse(text, nullptr, false);
  if (body.is_discarded())
    bad("request body is not valid JSON; send a JSON object such as {\"strategy_name\": ...}");
  if (!body.is_object()) bad(fmt::format("request body must be a JSON object (got {})", body.type_name()));

  proto::JobSpec job;
  const auto strategy = optional_string(body, "strategy_name");
  if (!strategy) bad("strategy_name is required");
  job.strategy = strip(*strategy);
  if (job.strategy.empty()) bad("strategy_name must not be empty");
  set_if_given(body, "symbol", job.symbol);
  set_if_given(body, "timeframe", job.timeframe);
  const int64_t start = date_of(body, "start_date");
  const int64_t end = date_of(body, "end_date");
  if (start > end) {
    bad(fmt::format("start_date {} is after end_date {}", body["start_date"].get<std::string>(),
                    body["end_date"].get<std::string>()));
  }
  job.start_date = strip(body["start_date"].get<std::string>());
  job.end_date = strip(body["end_date"].get<std::string>());

  // One range check for the costs (TradingCosts::problem), the same text the CLI and the broker give.
  job.costs.initial_capital = number_or(body, "initial_capital", job.costs.initial_capital);
  job.costs.commission = number_or(body, "commission", job.costs.commission);
  job.costs.slippage = number_or(body, "slippage", job.costs.slippage);
  job.costs.position_fraction = number_or(body, "position_fraction", job.costs.position_fraction);
  if (std::string problem = job.costs.problem(); !problem.empty()) bad(problem);
  if (const auto model = optional_string(body, "model_path")) job.model = strip(*model);
  if (const auto it = body.find("model_version"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 1000000) {
      bad(fmt::format("model_version must be a whole number >= 0 (got {})", it->dump()));
    }
    job.model_version = static_cast<uint32_t>(it->get<int64_t>());
  }
  if (const auto mode_text = optional_string(body, "mode")) {
    const auto mode = parse_mode(*mode_text);
    if (!mode) {
      bad(fmt::format("mode \"{}\" is unknown; use \"ktrdr\" (the reference's numbers) or \"corrected\"",
                      *mode_text));
    }
    job.mode = *mode;
  }
  return job;
}

}  // namespace ktrdr::gateway
