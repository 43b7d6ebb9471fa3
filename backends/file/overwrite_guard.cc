// CheckBeforeOverwrite: in-use first (never allowed), then signatures, then ownership.
#include "backends/file/overwrite_guard.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "backends/file/device_usage.h"
#include "backends/file/disk_signature.h"
#include "backends/file/image_marker.h"

namespace healbench {
namespace {

constexpr char kHowToAllow[] =
    "; healbench would overwrite it. Pass --force or set overwrite = true in [workload] to allow";

Result<void> RefuseOrWarn(const std::string& path, const std::string& finding, bool force) {
  if (!force) return MakeError(ErrorCode::kBadInput, path + " " + finding + kHowToAllow);
  fprintf(stderr, "healbench: overwriting %s, which %s (--force / workload.overwrite)\n",
          path.c_str(), finding.c_str());
  return Ok();
}

}  // namespace

Result<void> CheckBeforeOverwrite(const std::string& path, bool force) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    const int err = errno;
    return MakeError(ErrorCode::kBadInput, "stat " + path + ": " + strerror(err) + " [errno " +
                                               std::to_string(err) + "]");
  }
  if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) {
    return MakeError(ErrorCode::kBadInput,
                     path +
                         " is neither a block device nor a regular file; healbench writes "
                         "only to those");
  }
  auto use = FindDeviceUse(path);
  if (!use.ok()) return use.error();
  if (use->has_value()) {
    return MakeError(ErrorCode::kBadInput,
                     path + " " + **use +
                         "; healbench never writes to a device or file in use, not even with "
                         "--force or overwrite = true");
  }
  auto sig = ProbeDiskSignature(path);
  if (!sig.ok()) {
    // Unreadable contents cannot be vouched for: the same rule as a signature.
    if (auto rc = RefuseOrWarn(
            path, "could not be checked for signatures (" + sig.error().message + ")", force);
        !rc.ok()) {
      return rc;
    }
  } else if (sig->has_value()) {
    if (auto rc = RefuseOrWarn(path, "holds " + DescribeDiskSignature(**sig), force); !rc.ok()) {
      return rc;
    }
  }
  if (S_ISREG(st.st_mode) && !ReadImageMark(path)) {
    return RefuseOrWarn(path,
                        std::string("is an existing file healbench did not create (no ") +
                            kImageMarkXattr + " mark)",
                        force);
  }
  return Ok();
}

}  // namespace healbench
