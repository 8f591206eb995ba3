#include "ktrdr/common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string>
#include <utility>

#include "ktrdr/common/error.h"

namespace ktrdr {
namespace {

namespace fs = std::filesystem;

std::string os_error(int err) {
  return std::strerror(err);
}

// Closes the descriptor and removes the temporary file unless release()d after the rename.
class TempFile {
 public:
  TempFile(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    // best effort: the error being thrown already names the file; a leftover "*.tmp.*" is harmless
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  int fd() const { return fd_; }
  const fs::path& path() const { return path_; }
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }
  void release() { path_.clear(); }

 private:
  int fd_;
  fs::path path_;
};

// O_EXCL on a name nobody else uses: the pid keeps processes apart, a random suffix keeps threads and
// repeated calls apart. Mode 0666 so that the kernel applies the umask as for any new file (mkstemp would
// give 0600).
TempFile create_temp_beside(const fs::path& path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::random_device random;
  for (int tries = 0;; ++tries) {
    fs::path tmp = path;
    tmp += fmt::format(".tmp.{}.{:08x}", ::getpid(), random());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return TempFile(fd, std::move(tmp));
    const int err = errno;
    if (err == EEXIST && tries < 100) continue;
    KTRDR_FAIL(
        "cannot write {}: creating a temporary file in '{}' failed: {}; check that the directory "
        "exists and is writable",
        path.string(), dir.string(), os_error(err));
  }
}

}  // namespace

void write_file_atomically(const fs::path& path, std::string_view bytes) {
  KTRDR_REQUIRE(!path.empty(), "cannot write a file with an empty path: give a file name");
  KTRDR_REQUIRE(path.has_filename(), "cannot write {}: the path names a directory; give a file name",
                path.string());
  TempFile tmp = create_temp_beside(path);
  for (std::size_t written = 0; written < bytes.size();) {
    const ssize_t n = ::write(tmp.fd(), bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    KTRDR_REQUIRE(n >= 0, "cannot write {}: writing {} bytes to {} failed after {}: {}; check free space",
                  path.string(), bytes.size(), tmp.path().string(), written, os_error(errno));
    written += static_cast<std::size_t>(n);
  }
  // The data must be on disk before the rename is: otherwise a crash can leave `path` renamed but empty.
  KTRDR_REQUIRE(::fsync(tmp.fd()) == 0, "cannot write {}: flushing {} to disk failed: {}; check free space",
                path.string(), tmp.path().string(), os_error(errno));
  KTRDR_REQUIRE(tmp.close() == 0, "cannot write {}: closing {} failed: {}; check free space", path.string(),
                tmp.path().string(), os_error(errno));
  KTRDR_REQUIRE(::rename(tmp.path().c_str(), path.c_str()) == 0,
                "cannot write {}: renaming {} over it failed: {}; check that {} is not a directory and its "
                "directory is writable",
                path.string(), tmp.path().string(), os_error(errno), path.string());
  tmp.release();
}

}  // namespace ktrdr
