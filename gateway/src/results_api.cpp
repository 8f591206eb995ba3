// /api/v1/operations/{id}/results (the reference's summary) and the full result: /results/full (as stored),
// /results/trades and /results/equity_curve (JSON or ?format=csv).
#include <fmt/format.h>

#include "gateway_impl.h"
#include "ktrdr/common/log.h"
#include "ktrdr/gateway/api_error.h"
#include "ktrdr/gateway/result_series.h"
#include "ktrdr/report/result_csv.h"
#include "ktrdr/report/result_summary.h"

namespace ktrdr::gateway {
namespace {

using Json = nlohmann::json;

void send_text(Gateway::Impl& g, Response& res, std::string text, const char* type,
               const std::string& download) {
  g.result_bytes_served += text.size();
  if (!download.empty())
    res.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}\"", download));
  res.status = 200;
  res.set_content(std::move(text), type);
}

}  // namespace

std::shared_ptr<const std::string> Gateway::Impl::result_text(const std::string& op_id) {
  if (auto cached = results.get(op_id)) return cached;
  const proto::Reply reply = broker.call(proto::Command::kResults, proto::ResultsRequest{op_id});
  if (reply.code == proto::ErrorCode::kNotReady && !reply.operations.empty()) {
    throw ApiError(400,
                   fmt::format("Operation {} has no result (status: {}); results exist once it has completed",
                               op_id, proto::to_string(reply.operations.front().state)));
  }
  throw_if_error(reply, op_id);
  auto text = std::make_shared<const std::string>(reply.result_json);
  results.put(op_id, text, text->size());
  return text;
}

Json Gateway::Impl::summary_from(const std::string& op_id, const std::string& result_json) {
  if (auto cached = summaries.get(op_id)) return *cached;
  auto summary = std::make_shared<const Json>(Json::parse(report::result_summary_json(result_json)));
  summaries.put(op_id, summary, 1);
  return *summary;
}

Json Gateway::Impl::summary_of(const proto::OperationInfo& op) {
  if (!op.has_result) return nullptr;
  if (auto cached = summaries.get(op.op_id)) return *cached;
  try {
    return summary_from(op.op_id, *result_text(op.op_id));
  } catch (const std::exception& e) {
    log::warn("gateway: no result summary for {}: {}", op.op_id, e.what());
    return nullptr;
  }
}

void Gateway::Impl::get_results(const Request& req, Response& res) {
  const std::string op_id = req.matches[1];
  Json summary;
  std::string status = "completed";
  if (auto cached = summaries.get(op_id)) {
    summary = *cached;
  } else {
    const proto::Reply reply = broker.call(proto::Command::kResults, proto::ResultsRequest{op_id});
    if (reply.code == proto::ErrorCode::kNotReady && !reply.operations.empty()) {
      const proto::OperationInfo& op = reply.operations.front();
      if (op.state != proto::OpState::kFailed) {
        throw ApiError(400,
                       fmt::format("Operation {} is not finished (status: {}); results are available once it "
                                   "has completed or failed",
                                   op_id, proto::to_string(op.state)));
      }
      status = "failed";
      summary = Json::object();  // a failed backtest has no result (the reference: result_summary or {})
    } else {
      throw_if_error(reply, op_id);
      auto text = std::make_shared<const std::string>(reply.result_json);
      results.put(op_id, text, text->size());
      summary = summary_from(op_id, *text);
    }
  }
  send_json(res, 200,
            {{"success", true},
             {"operation_id", op_id},
             {"operation_type", "backtesting"},
             {"status", status},
             {"results", summary}});
}

void Gateway::Impl::get_full_result(const Request& req, Response& res) {
  const std::string op_id = req.matches[1];
  send_text(*this, res, *result_text(op_id), "application/json", "");
}

void Gateway::Impl::get_trades(const Request& req, Response& res) {
  const std::string op_id = req.matches[1];
  const bool csv = wants_csv(req);
  const std::size_t offset = size_param(req, "offset", 0, 0, SIZE_MAX / 2);
  const std::size_t limit = size_param(req, "limit", 0, 0, SIZE_MAX / 2);
  const auto text = result_text(op_id);
  if (csv) {
    send_text(*this, res, report::trades_csv(*text), "text/csv", op_id + "_trades.csv");
    return;
  }
  Json page = trades_page(*text, offset, limit);
  page["success"] = true;
  page["operation_id"] = op_id;
  send_text(*this, res, page.dump(), "application/json", "");
}

void Gateway::Impl::get_equity_curve(const Request& req, Response& res) {
  const std::string op_id = req.matches[1];
  const bool csv = wants_csv(req);
  const std::size_t max_points = size_param(req, "max_points", 0, 0, 10'000'000);
  const auto text = result_text(op_id);
  if (csv) {
    send_text(*this, res, report::equity_csv(*text), "text/csv", op_id + "_equity.csv");
    return;
  }
  Json series = equity_series(*text, max_points);
  series["success"] = true;
  series["operation_id"] = op_id;
  send_text(*this, res, series.dump(), "application/json", "");
}

}  // namespace ktrdr::gateway
