// Writing whole files (results JSON, trades/equity CSV, SVG charts) so that a crash or a full disk never
// leaves a half-written file where a complete one is expected.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace ktrdr {

// The steps of write_file_atomically, for a file written in pieces (or from several threads): the constructor
// creates the temporary file beside `path`, write_at() fills it, commit() flushes it to disk and renames it
// over `path`. Without a successful commit() the destructor removes the temporary file and `path` is left as
// it was. Errors are ktrdr::Error with the texts documented below. Movable (e.g. to commit on another
// thread).
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::filesystem::path path);
  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  // Writes `bytes` at `offset` of the temporary file; calls for distinct ranges may run on several threads.
  void write_at(uint64_t offset, std::string_view bytes);
  // fsync, close, rename over the path.
  void commit();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path tmp_;  // empty once committed or moved from
  int fd_ = -1;
};

// Replaces the file at `path` with exactly `bytes`, atomically: the bytes go to a new temporary file in the
// same directory ("<name>.tmp.<pid>.<random>"), which is flushed to disk (fsync) and then renamed over
// `path`. A reader, or the file after a crash, holds either the previous content or all of `bytes`, never
// part. The new file gets mode 0666 minus the umask (like a plain fopen); a symlink at `path` is replaced,
// not followed. Throws ktrdr::Error naming the path, the OS error (strerror) and what to check; the temporary
// file is removed on failure and an existing `path` is then left as it was.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace ktrdr
