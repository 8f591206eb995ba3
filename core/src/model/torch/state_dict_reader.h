// Reading torch zip archives (torch.save / torch.jit.save) without the rest of libtorch's headers.
#pragma once

#include <string>

namespace ktrdr::model::detail {

enum class ArchiveKind { kStateDict, kTorchScript };

// Opens `path` as a torch zip archive and tells a torch.save() pickle from a TorchScript module
// (constants.pkl / code/ entries). Throws ktrdr::Error naming the file for a missing file, a legacy
// (non-zip) torch file, or an archive that is not readable.
ArchiveKind inspect_archive(const std::string& path);

}  // namespace ktrdr::model::detail
