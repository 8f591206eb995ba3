// Where a worker finds a job's model directory and data: only under its configured roots. The rule
// (also in docs/protocol.md "Model resolution"):
//   - JobSpec.model non-empty: {models_root}/{model}.
//   - else {models_root}/{strategy}/{timeframe}_v{model_version} when model_version > 0, else
//     {timeframe}_latest when it exists, else the highest {timeframe}_v{N}. With an empty timeframe the
//     strategy directory must hold exactly one timeframe.
// The result is canonicalised (symlinks resolved) and must lie inside the canonical models root.
#pragma once

#include <string>

#include "ktrdr/proto/codec.h"

namespace ktrdr::worker {

struct ResolvedModel {
  std::string model_dir;  // canonical absolute path
  std::string timeframe;  // the timeframe the rule picked ("" when `model` was given)
};

// kRefused with a message naming the request value and the root when nothing valid is found.
proto::Status resolve_model_dir(const std::string& models_root, const proto::JobSpec& job,
                                ResolvedModel& out);
// True when `path` (canonicalised) is `root` or inside it.
bool is_inside(const std::string& root, const std::string& path);

}  // namespace ktrdr::worker
