#include "ktrdr/common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string>
#include <tuple>
#include <utility>

#include "ktrdr/common/error.h"

namespace ktrdr {
namespace {

namespace fs = std::filesystem;

std::string os_error(int err) {
  return std::strerror(err);
}

// O_EXCL on a name nobody else uses: the pid keeps processes apart, a random suffix keeps threads and
// repeated calls apart. Mode 0666 so that the kernel applies the umask as for any new file (mkstemp would
// give 0600).
std::pair<int, fs::path> create_temp_beside(const fs::path& path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::random_device random;
  for (int tries = 0;; ++tries) {
    fs::path tmp = path;
    tmp += fmt::format(".tmp.{}.{:08x}", ::getpid(), random());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return {fd, std::move(tmp)};
    const int err = errno;
    if (err == EEXIST && tries < 100) continue;
    KTRDR_FAIL(
        "cannot write {}: creating a temporary file in '{}' failed: {}; check that the directory "
        "exists and is writable",
        path.string(), dir.string(), os_error(err));
  }
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(fs::path path) : path_(std::move(path)) {
  KTRDR_REQUIRE(!path_.empty(), "cannot write a file with an empty path: give a file name");
  KTRDR_REQUIRE(path_.has_filename(), "cannot write {}: the path names a directory; give a file name",
                path_.string());
  std::tie(fd_, tmp_) = create_temp_beside(path_);
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : path_(std::move(other.path_)), tmp_(std::exchange(other.tmp_, {})), fd_(std::exchange(other.fd_, -1)) {}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  // best effort: the error being thrown already names the file; a leftover "*.tmp.*" is harmless
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

void AtomicFileWriter::write_at(uint64_t offset, std::string_view bytes) {
  KTRDR_REQUIRE(fd_ >= 0, "cannot write {}: the file was already committed", path_.string());
  for (std::size_t written = 0; written < bytes.size();) {
    const ssize_t n =
        ::pwrite(fd_, bytes.data() + written, bytes.size() - written, static_cast<off_t>(offset + written));
    if (n < 0 && errno == EINTR) continue;
    KTRDR_REQUIRE(n >= 0, "cannot write {}: writing {} bytes to {} failed after {}: {}; check free space",
                  path_.string(), bytes.size(), tmp_.string(), written, os_error(errno));
    written += static_cast<std::size_t>(n);
  }
}

void AtomicFileWriter::commit() {
  KTRDR_REQUIRE(fd_ >= 0, "cannot write {}: the file was already committed", path_.string());
  // The data must be on disk before the rename is: otherwise a crash can leave `path` renamed but empty.
  KTRDR_REQUIRE(::fsync(fd_) == 0, "cannot write {}: flushing {} to disk failed: {}; check free space",
                path_.string(), tmp_.string(), os_error(errno));
  const int rc = ::close(std::exchange(fd_, -1));
  KTRDR_REQUIRE(rc == 0, "cannot write {}: closing {} failed: {}; check free space", path_.string(),
                tmp_.string(), os_error(errno));
  KTRDR_REQUIRE(::rename(tmp_.c_str(), path_.c_str()) == 0,
                "cannot write {}: renaming {} over it failed: {}; check that {} is not a directory and its "
                "directory is writable",
                path_.string(), tmp_.string(), os_error(errno), path_.string());
  tmp_.clear();
}

void write_file_atomically(const fs::path& path, std::string_view bytes) {
  AtomicFileWriter file(path);
  file.write_at(0, bytes);
  file.commit();
}

}  // namespace ktrdr
