#include "ktrdr/runner/backtest_runner.h"

#include <chrono>
#include <future>
#include <vector>

#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"
#include "ktrdr/common/thread_pool.h"
#include "ktrdr/config/model_bundle.h"
#include "ktrdr/engine/backtest_engine.h"
#include "ktrdr/engine/result_json.h"
#include "ktrdr/features/feature_matrix.h"
#include "ktrdr/model/model.h"
#include "ktrdr/runner/run_data.h"

namespace ktrdr::runner {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

void BacktestRequest::validate() const {
  KTRDR_REQUIRE(!model_dir.empty(), "model directory is required");
  KTRDR_REQUIRE(!data_dir.empty(), "data directory is required");
  costs.validate();
  KTRDR_REQUIRE(threads >= 1 && threads <= 1024, "threads must be in [1, 1024] (got {})", threads);
}

RunOutcome run_backtest(const BacktestRequest& request, const RunHooks& hooks,
                        const std::string* resume_checkpoint) {
  request.validate();
  const auto t_start = Clock::now();
  engine::PhaseSeconds phases;
  ThreadPool pool(request.threads);
  // libtorch takes ~0.5 s to load (once per process): load it while the data and features are made.
  std::future<void> torch = std::async(std::launch::async, &model::Model::load_backend);

  // 1. model directory (metadata, strategy) and data
  const config::ModelBundleInfo bundle = config::load_model_bundle(request.model_dir);
  const RunData data = load_run_data(bundle, request.data_dir, request.symbol, request.timeframe,
                                     request.start_date, request.end_date, LoadOptions{request.bar_cache, &pool});
  const BarSeries& bars = data.bars.at(data.base_timeframe);
  phases.load = seconds_since(t_start);

  // 2. features in the model's resolved_features order
  auto t = Clock::now();
  features::FeatureOptions fopts;
  fopts.mode = request.mode;
  fopts.pool = &pool;
  // Straight to the float32 matrix: the double feature columns are never needed here.
  const features::FeatureMatrix matrix =
      features::compute_feature_matrix(bundle.strategy, data.bars, data.base_timeframe,
                                       bundle.resolved_features, bundle.normalization_params, fopts);
  for (const auto& w : matrix.warnings) log::warn("{}", w);
  KTRDR_REQUIRE(matrix.rows == bars.size(), "internal: {} feature rows for {} bars", matrix.rows,
                bars.size());
  phases.features = seconds_since(t);

  // 3. one batched inference over every bar (features do not depend on the position)
  t = Clock::now();
  model::ModelSpec spec;
  spec.architecture = bundle.strategy.model;
  spec.input_size = bundle.input_size;
  spec.num_outputs = bundle.num_outputs;
  spec.sequence_length = bundle.sequence_length;
  KTRDR_REQUIRE(static_cast<size_t>(spec.input_size) == matrix.cols,
                "model {} expects {} inputs (features.json) but resolved_features has {}", bundle.directory,
                spec.input_size, matrix.cols);
  torch.get();  // rethrows a failed load
  const model::Model net = model::Model::load(bundle.weights_path, spec);
  const std::vector<float> outputs = net.predict(matrix.values.data(), matrix.rows, model::Model::kChunkRows, &pool);
  // A temporal model has no window (no decision, no equity point) before sequence_length rows.
  std::vector<uint8_t> has_features;
  if (net.sequence_length() > 1) {
    has_features.assign(bars.size(), 1);
    for (size_t i = 0; i + 1 < static_cast<size_t>(net.sequence_length()) && i < bars.size(); ++i)
      has_features[i] = 0;
  }
  phases.inference = seconds_since(t);

  // 4. the bar loop
  t = Clock::now();
  engine::EngineOptions eopts;
  eopts.costs = request.costs;
  eopts.mode = request.mode;
  eopts.symbol = data.symbol;
  if (data.start_ns && data.end_ns) {
    eopts.start_ns = data.start_ns;
    eopts.end_ns = data.end_ns;
  }
  eopts.progress_every_bars = request.progress_every_bars;
  eopts.checkpoint_every_bars = request.checkpoint_every_bars;
  eopts.checkpoint_every_seconds = request.checkpoint_every_seconds;
  eopts.checkpoint_min_gap_seconds = request.checkpoint_min_gap_seconds;

  engine::EngineInputs in;
  in.bars = &bars;
  in.outputs = outputs;
  in.n_outputs = static_cast<size_t>(net.num_outputs());
  in.has_features = has_features;
  in.decisions = bundle.strategy.decisions;
  engine::EngineHooks ehooks;
  ehooks.on_progress = hooks.on_progress;
  ehooks.on_checkpoint = hooks.on_checkpoint;
  ehooks.cancel = hooks.cancel;
  const engine::BacktestEngine eng(eopts);
  engine::EngineOutcome out = eng.run(in, ehooks, resume_checkpoint);
  phases.simulation = seconds_since(t);

  RunOutcome result;
  result.last_progress = out.last_progress;
  if (out.status == engine::EngineOutcome::Status::kCancelled) {
    result.status = RunOutcome::Status::kCancelled;
    result.checkpoint = std::move(out.checkpoint);
    return result;
  }

  // 5. metrics were computed at the end of the loop; the JSON document is the last step
  t = Clock::now();
  engine::ResultHeader header;
  header.strategy_name = bundle.strategy_name.empty() ? bundle.model_name : bundle.strategy_name;
  header.symbol = data.symbol;
  header.timeframe = data.base_timeframe;
  header.start_date = request.start_date;
  header.end_date = request.end_date;
  phases.metrics = seconds_since(t);
  header.phase_seconds = phases;
  header.execution_time_seconds = seconds_since(t_start);
  result.status = RunOutcome::Status::kCompleted;
  result.result_json = engine::result_to_json(header, eopts, out.result);
  return result;
}

}  // namespace ktrdr::runner
