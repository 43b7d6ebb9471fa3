// The image mark: user.healbench xattr first (value format in backends/image_mark.h), a
// sidecar file when the filesystem has no user xattrs.
#include "backends/file/image_marker.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace healbench {
namespace {

std::string ErrnoText(int err) {
  return std::string(strerror(err)) + " [errno " + std::to_string(err) + "]";
}

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<ino_t> InodeOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return st.st_ino;
}

// The inode number a sidecar was written for; nullopt when it has none.
std::optional<ino_t> SidecarInode(const std::string& sidecar) {
  const std::string s = ReadSmallFile(sidecar);
  const std::size_t at = s.find("\ninode=");
  if (!RunIdFromImageMark(s) || at == std::string::npos) return std::nullopt;
  return static_cast<ino_t>(std::strtoull(s.c_str() + at + 7, nullptr, 10));
}

}  // namespace

std::string SidecarPath(const std::string& path) {
  const std::filesystem::path p(path);
  return (p.parent_path() / ("." + p.filename().string() + ".healbench")).string();
}

Result<void> WriteSidecarMark(int fd, const std::string& path, const std::string& run_id) {
  struct stat st {};
  if (fstat(fd, &st) != 0)
    return MakeError(ErrorCode::kIo, "fstat " + path + ": " + ErrnoText(errno));
  const std::string sidecar = SidecarPath(path);
  std::ofstream out(sidecar, std::ios::trunc);
  out << ImageMarkValue(run_id) << "\ninode=" << st.st_ino << "\n";
  out.close();
  if (!out) {
    return MakeError(ErrorCode::kIo, "write " + sidecar + " (healbench's mark for " + path +
                                         "): " + ErrnoText(errno));
  }
  return Ok();
}

Result<void> MarkImageAsOwn(int fd, const std::string& path, const std::string& run_id) {
  const std::string value = ImageMarkValue(run_id);
  if (fsetxattr(fd, kImageMarkXattr, value.data(), value.size(), 0) == 0) return Ok();
  const int err = errno;
  auto sidecar = WriteSidecarMark(fd, path, run_id);
  if (sidecar.ok()) return Ok();
  return MakeError(ErrorCode::kIo, "mark " + path + " as created by healbench: setxattr " +
                                       kImageMarkXattr + ": " + ErrnoText(err) + "; " +
                                       sidecar.error().message);
}

std::optional<std::string> ReadImageMark(const std::string& path) {
  char buf[512];
  const ssize_t n = getxattr(path.c_str(), kImageMarkXattr, buf, sizeof(buf));
  if (n > 0) return RunIdFromImageMark(std::string(buf, static_cast<std::size_t>(n)));
  const std::string sidecar = SidecarPath(path);
  auto id = RunIdFromImageMark(ReadSmallFile(sidecar));
  // The sidecar vouches only for the file it was written for.
  const std::optional<ino_t> ino = InodeOf(path);
  if (!id || !ino || SidecarInode(sidecar) != ino) return std::nullopt;
  return id;
}

void RemoveCreatedImage(const std::string& path) {
  // The sidecar goes only if it is the one written for this file.
  const std::optional<ino_t> ino = InodeOf(path);
  const bool own_sidecar = ino && SidecarInode(SidecarPath(path)) == ino;
  unlink(path.c_str());
  if (own_sidecar) unlink(SidecarPath(path).c_str());
}

}  // namespace healbench
