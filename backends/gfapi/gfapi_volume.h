// One GlusterFS volume opened through libgfapi: the run's single glfs_t handle (connected
// once, torn down once at the end: glfs_fini takes about 10 s) and the image files opened on
// it. No FUSE mount is involved.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/gfapi/gfapi_options.h"
#include "harness/core/result.h"

struct glfs;     // glfs_t
struct glfs_fd;  // glfs_fd_t

namespace healbench {

struct GfapiImage {
  glfs_fd* fd = nullptr;
  std::string path;  // inside the volume
  bool created = false;
};

class GfapiVolume {
 public:
  // Fetches the volume's layout from glusterd and connects to its bricks. A server that does
  // not answer or a volume it does not know is kUnavailable naming both (exit 3).
  static Result<std::unique_ptr<GfapiVolume>> Connect(const GfapiOptions& options);
  ~GfapiVolume();  // closes the images, then glfs_fini
  GfapiVolume(const GfapiVolume&) = delete;
  GfapiVolume& operator=(const GfapiVolume&) = delete;

  // mkdir -p inside the volume.
  Result<void> MakeDirs(const std::string& dir);
  // Opens `path` read-write, creating it if missing (and marking it as created by run
  // `run_id`), and grows it (sparse, by ftruncate) to at least size_bytes. An existing file
  // without healbench's mark is refused (kBadInput) unless `overwrite`. The descriptor stays
  // open until the volume is destroyed.
  Result<GfapiImage> OpenImage(const std::string& path, std::uint64_t size_bytes, bool overwrite,
                               const std::string& run_id);

  // gfapi://SERVER:PORT/VOLUME, for messages and results.
  const std::string& Url() const { return url_; }

 private:
  GfapiVolume(glfs* fs, std::string url, std::string logfile)
      : fs_(fs), url_(std::move(url)), logfile_(std::move(logfile)) {}
  Error Failed(ErrorCode code, const std::string& what, int err) const;
  // An existing image must carry healbench's mark, unless overwrite allows it.
  Result<void> CheckOwnImage(const std::string& path, bool overwrite) const;

  glfs* fs_;
  const std::string url_;
  const std::string logfile_;
  std::vector<glfs_fd*> fds_;
};

}  // namespace healbench
