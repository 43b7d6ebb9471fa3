// Whether a block device or file is in use by the system right now: mounted (its device
// number, a partition's or a holder's — dm, md, LVM — in /proc/self/mountinfo, compared by
// major:minor, not by name), active swap (/proc/swaps), claimed exclusively by the kernel
// (open with O_EXCL fails with EBUSY), or a file backing a loop device. The file backend
// never writes to something in use, even when told to overwrite.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/result.h"

namespace healbench {

// One line of /proc/self/mountinfo, the fields this check needs.
struct MountEntry {
  dev_t dev = 0;            // major:minor of the mounted filesystem's device
  std::string mount_point;  // unescaped
  std::string fstype;
  std::string source;  // e.g. /dev/vda
};

// Parses /proc/self/mountinfo text; malformed lines are skipped.
std::vector<MountEntry> ParseMountInfo(std::string_view text);

// The file names of /proc/swaps text (unescaped), without the header.
std::vector<std::string> ParseSwaps(std::string_view text);

// Undoes the kernel's octal escapes in /proc files ("\040" is a space).
std::string UnescapeProcField(std::string_view field);

// How `path` (a block device or a regular file) is in use, as a phrase that follows the
// path in a message ("is mounted on /mnt/data (ext4)"); nullopt when it is not in use.
// An error when /proc or /sys cannot be read, because then nothing can be said.
Result<std::optional<std::string>> FindDeviceUse(const std::string& path);

}  // namespace healbench
