// The run's glfs_t: glfs_new / glfs_set_volfile_server / glfs_set_logging / glfs_init, images
// created with glfs_creat and sized with glfs_ftruncate, and one glfs_fini at the end.
#include "backends/gfapi/gfapi_volume.h"

#include <glusterfs/api/glfs.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "backends/image_mark.h"

namespace healbench {
namespace {

std::string ErrnoText(int err) {
  return std::string(strerror(err)) + " [errno " + std::to_string(err) + "]";
}

}  // namespace

Result<std::unique_ptr<GfapiVolume>> GfapiVolume::Connect(const GfapiOptions& o) {
  const std::string url = "gfapi://" + o.server + ":" + std::to_string(o.port) + "/" + o.volume;
  glfs_t* fs = glfs_new(o.volume.c_str());
  if (fs == nullptr) {
    return MakeError(ErrorCode::kUnavailable,
                     "glfs_new(\"" + o.volume + "\"): " + ErrnoText(errno));
  }
  if (glfs_set_volfile_server(fs, "tcp", o.server.c_str(), o.port) != 0) {
    const int err = errno;
    glfs_fini(fs);
    return MakeError(ErrorCode::kBadInput, "backend.server \"" + o.server + "\" port " +
                                               std::to_string(o.port) + ": " + ErrnoText(err));
  }
  if (glfs_set_logging(fs, o.logfile.c_str(), o.loglevel) != 0) {
    const int err = errno;
    glfs_fini(fs);
    return MakeError(ErrorCode::kBadInput, "backend.logfile \"" + o.logfile +
                                               "\": gfapi cannot log there: " + ErrnoText(err));
  }
  if (glfs_init(fs) != 0) {
    const int err = errno;
    glfs_fini(fs);
    const std::string why =
        err == ENOENT ? "glusterd does not know this volume (or it is not started)"
        : err == ENOTCONN || err == ECONNREFUSED ? "glusterd cannot be reached there"
                                                 : "the volume could not be opened";
    return MakeError(ErrorCode::kUnavailable, "open volume \"" + o.volume + "\" on server " +
                                                  o.server + ":" + std::to_string(o.port) + " (" +
                                                  url + "): " + why + ": " + ErrnoText(err) +
                                                  "; gfapi log: " + o.logfile);
  }
  return std::unique_ptr<GfapiVolume>(new GfapiVolume(fs, url, o.logfile));
}

GfapiVolume::~GfapiVolume() {
  for (glfs_fd_t* fd : fds_) glfs_close(fd);
  glfs_fini(fs_);  // waits for gfapi's background work; about 10 s
}

Error GfapiVolume::Failed(ErrorCode code, const std::string& what, int err) const {
  return MakeError(code, what + " in " + url_ + ": " + ErrnoText(err) + "; gfapi log: " + logfile_);
}

Result<void> GfapiVolume::MakeDirs(const std::string& dir) {
  std::size_t at = 1;
  while (at <= dir.size()) {
    std::size_t slash = dir.find('/', at);
    if (slash == std::string::npos) slash = dir.size();
    const std::string prefix = dir.substr(0, slash);
    if (prefix.size() > 1 && glfs_mkdir(fs_, prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return Failed(ErrorCode::kIo, "mkdir " + prefix, errno);
    }
    at = slash + 1;
  }
  return Ok();
}

Result<void> GfapiVolume::CheckOwnImage(const std::string& path, bool overwrite) const {
  char value[512];
  const ssize_t n = glfs_getxattr(fs_, path.c_str(), kImageMarkXattr, value, sizeof(value));
  if (n > 0 && RunIdFromImageMark(std::string_view(value, static_cast<std::size_t>(n)))) {
    return Ok();
  }
  const std::string what = url_ + path + " is an existing file healbench did not create (no " +
                           kImageMarkXattr + " mark)";
  if (!overwrite) {
    return MakeError(ErrorCode::kBadInput,
                     what +
                         "; healbench would overwrite it. Pass --force or set overwrite = "
                         "true in [workload] to allow");
  }
  fprintf(stderr, "healbench: overwriting %s (--force / workload.overwrite)\n", what.c_str());
  return Ok();
}

Result<GfapiImage> GfapiVolume::OpenImage(const std::string& path, std::uint64_t size_bytes,
                                          bool overwrite, const std::string& run_id) {
  struct stat st {};
  const bool existed = glfs_stat(fs_, path.c_str(), &st) == 0;
  if (!existed && errno != ENOENT) return Failed(ErrorCode::kIo, "stat " + path, errno);
  if (existed && !S_ISREG(st.st_mode)) {
    return MakeError(ErrorCode::kBadInput,
                     path + " in " + url_ + " exists and is not a regular file");
  }
  if (existed) {
    if (auto rc = CheckOwnImage(path, overwrite); !rc.ok()) return rc.error();
  }
  // O_EXCL: a file that appeared since the stat is not taken for one this run created.
  glfs_fd_t* fd = existed ? glfs_open(fs_, path.c_str(), O_RDWR)
                          : glfs_creat(fs_, path.c_str(), O_RDWR | O_EXCL, 0644);
  if (fd == nullptr) {
    return Failed(ErrorCode::kIo, std::string(existed ? "open " : "create ") + path, errno);
  }
  if (!existed) {
    const std::string mark = ImageMarkValue(run_id);
    if (glfs_fsetxattr(fd, kImageMarkXattr, mark.data(), mark.size(), 0) != 0) {
      const int err = errno;
      glfs_close(fd);
      glfs_unlink(fs_, path.c_str());  // created just now by this run
      return Failed(ErrorCode::kIo,
                    "mark " + path + " as healbench's (setxattr " + kImageMarkXattr + ")", err);
    }
  }
  const std::uint64_t have = existed ? static_cast<std::uint64_t>(st.st_size) : 0;
  if (have < size_bytes &&
      glfs_ftruncate(fd, static_cast<off_t>(size_bytes), nullptr, nullptr) != 0) {
    const int err = errno;
    glfs_close(fd);
    return Failed(ErrorCode::kIo,
                  "ftruncate " + path + " to " + std::to_string(size_bytes) + " bytes", err);
  }
  fds_.push_back(fd);
  return GfapiImage{fd, path, !existed};
}

}  // namespace healbench
