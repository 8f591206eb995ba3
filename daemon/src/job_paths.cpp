// Model directory resolution under the worker's --models-root (job_paths.h).
#include "ktrdr/worker/job_paths.h"

#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace ktrdr::worker {

using proto::ErrorCode;
using proto::Status;

bool is_inside(const std::string& root, const std::string& path) {
  std::error_code ec;
  const fs::path r = fs::weakly_canonical(root, ec);
  if (ec) return false;
  const fs::path p = fs::weakly_canonical(path, ec);
  if (ec) return false;
  auto rit = r.begin();
  auto pit = p.begin();
  for (; rit != r.end(); ++rit, ++pit) {
    if (rit->empty()) continue;  // trailing separator
    if (pit == p.end() || *rit != *pit) return false;
  }
  return true;
}

namespace {

Status finish(const std::string& root, const fs::path& candidate, std::string_view asked,
              ResolvedModel& out) {
  std::error_code ec;
  if (!fs::is_directory(candidate, ec)) {
    return Status::error(ErrorCode::kNotFound,
                         "model \"{}\" not found: {} is not a directory under --models-root {}", asked,
                         candidate.string(), root);
  }
  const fs::path canonical = fs::canonical(candidate, ec);
  if (ec || !is_inside(root, canonical.string())) {
    return Status::error(ErrorCode::kRefused,
                         "model \"{}\" resolves to {}, outside --models-root {}: refused", asked,
                         ec ? candidate.string() : canonical.string(), root);
  }
  out.model_dir = canonical.string();
  return {};
}

}  // namespace

Status resolve_model_dir(const std::string& models_root, const proto::JobSpec& job, ResolvedModel& out) {
  out = {};
  const fs::path root(models_root);
  if (!job.model.empty()) {
    const fs::path rel(job.model);
    if (rel.is_absolute()) {
      return Status::error(ErrorCode::kRefused, "model \"{}\" must be relative to --models-root {}",
                           job.model, models_root);
    }
    for (const auto& part : rel) {
      if (part == "..") {
        return Status::error(ErrorCode::kRefused, "model \"{}\" contains \"..\": refused", job.model);
      }
    }
    return finish(models_root, root / rel, job.model, out);
  }
  if (!proto::is_safe_name(job.strategy)) {
    return Status::error(ErrorCode::kRefused, "strategy \"{}\" is not a plain name", job.strategy);
  }
  const fs::path sdir = root / job.strategy;
  std::error_code ec;
  if (!fs::is_directory(sdir, ec)) {
    return Status::error(ErrorCode::kNotFound, "strategy \"{}\": no directory {} under --models-root",
                         job.strategy, sdir.string());
  }
  // Families present: "<tf>_latest" and "<tf>_v<N>".
  std::set<std::string> timeframes;
  for (const auto& entry : fs::directory_iterator(sdir, ec)) {
    const std::string name = entry.path().filename().string();
    if (auto p = name.rfind("_latest"); p != std::string::npos && p + 7 == name.size()) {
      timeframes.insert(name.substr(0, p));
    } else if (auto v = name.rfind("_v"); v != std::string::npos && v + 2 < name.size() &&
                                          name.find_first_not_of("0123456789", v + 2) == std::string::npos) {
      timeframes.insert(name.substr(0, v));
    }
  }
  std::string tf = job.timeframe;
  if (tf.empty()) {
    if (timeframes.size() != 1) {
      return Status::error(ErrorCode::kRefused,
                           "strategy \"{}\" has {} timeframes under {} ({}): give --timeframe", job.strategy,
                           timeframes.size(), sdir.string(), fmt::join(timeframes, ", "));
    }
    tf = *timeframes.begin();
  }
  out.timeframe = tf;
  if (job.model_version > 0) {
    return finish(models_root, sdir / fmt::format("{}_v{}", tf, job.model_version), job.strategy, out);
  }
  if (fs::is_directory(sdir / (tf + "_latest"), ec))
    return finish(models_root, sdir / (tf + "_latest"), job.strategy, out);
  long best = -1;
  for (const auto& entry : fs::directory_iterator(sdir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string prefix = tf + "_v";
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    best = std::max(best, std::stol(digits));
  }
  if (best < 0) {
    return Status::error(ErrorCode::kNotFound, "strategy \"{}\": no {}_latest or {}_v<N> model under {}",
                         job.strategy, tf, tf, sdir.string());
  }
  const std::string tf_copy = out.timeframe;
  Status s = finish(models_root, sdir / fmt::format("{}_v{}", tf, best), job.strategy, out);
  out.timeframe = tf_copy;
  return s;
}

}  // namespace ktrdr::worker
