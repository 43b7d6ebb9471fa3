// Temp-file-and-rename writes and the synced JSON-lines event log; see atomic_file.h.
#include "reports/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace healbench::report {
namespace {

std::string ErrnoMessage(const std::string& op, const std::string& path, int err) {
  return op + " " + path + ": " + std::strerror(err) + " [errno " + std::to_string(err) + "]";
}

void SetError(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

// Writes all of data, retrying on EINTR and short writes. Returns 0 or an errno.
int WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

std::string DirectoryOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* error) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    SetError(error, ErrnoMessage("open", tmp, errno));
    return false;
  }
  auto fail = [&](const char* op, int err) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    SetError(error, ErrnoMessage(op, tmp, err));
    return false;
  };
  if (int err = WriteAll(fd, content); err != 0) return fail("write", err);
  if (::fsync(fd) != 0) return fail("fsync", errno);
  int close_rc = ::close(fd);
  fd = -1;
  if (close_rc != 0) return fail("close", errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    SetError(error, "rename " + tmp + " -> " + path + ": " + std::strerror(err) + " [errno " +
                        std::to_string(err) + "]");
    return false;
  }
  // Make the rename itself durable. Best effort: the file is complete either way, and some
  // filesystems refuse fsync on a directory.
  int dir_fd = ::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return true;
}

EventLog::~EventLog() { Close(); }

bool EventLog::Open(const std::string& path, std::string* error) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ >= 0) ::close(fd_);
  path_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    SetError(error, ErrnoMessage("open", path, errno));
    return false;
  }
  return true;
}

bool EventLog::Append(const nlohmann::json& value, std::string* error) {
  // Serialise outside the lock; only the write and sync are ordered.
  std::string line = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ < 0) {
    SetError(error, "append " + (path_.empty() ? std::string("event log") : path_) +
                        ": event log is not open");
    return false;
  }
  const off_t before = ::lseek(fd_, 0, SEEK_END);
  if (int err = WriteAll(fd_, line); err != 0) {
    if (before >= 0) {
      const int rc = ::ftruncate(fd_, before);  // best effort; the error below says why
      (void)rc;
    }
    SetError(error, ErrnoMessage("write", path_, err));
    return false;
  }
  if (::fdatasync(fd_) != 0) {
    SetError(error, ErrnoMessage("fdatasync", path_, errno));
    return false;
  }
  return true;
}

void EventLog::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

bool EventLog::is_open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fd_ >= 0;
}

}  // namespace healbench::report
