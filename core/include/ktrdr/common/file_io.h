// Writing whole files (results JSON, trades/equity CSV, SVG charts) so that a crash or a full disk never
// leaves a half-written file where a complete one is expected.
#pragma once

#include <filesystem>
#include <string_view>

namespace ktrdr {

// Replaces the file at `path` with exactly `bytes`, atomically: the bytes go to a new temporary file in the
// same directory ("<name>.tmp.<pid>.<random>"), which is flushed to disk (fsync) and then renamed over
// `path`. A reader, or the file after a crash, holds either the previous content or all of `bytes`, never
// part. The new file gets mode 0666 minus the umask (like a plain fopen); a symlink at `path` is replaced,
// not followed. Throws ktrdr::Error naming the path, the OS error (strerror) and what to check; the temporary
// file is removed on failure and an existing `path` is then left as it was.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace ktrdr
