// What lives on a device or image file before healbench writes to it: a filesystem, an
// LVM / RAID / encryption member, swap or a partition table, found with libblkid's low-level
// probing (the same probe `wipefs` and `blkid -p` use, reading the on-disk signatures, not a
// cache). Finding one means someone's data would be overwritten.
#pragma once

#include <optional>
#include <string>

#include "harness/core/result.h"

namespace healbench {

struct DiskSignature {
  std::string type;    // TYPE: ext4, xfs, LVM2_member, linux_raid_member, swap, … ("" if none)
  std::string usage;   // USAGE: filesystem, raid, crypto, other
  std::string uuid;    // UUID of the filesystem or member, where it has one
  std::string label;   // LABEL, where it has one
  std::string pttype;  // PTTYPE: dos, gpt, … ("" if no partition table)
  std::string ptuuid;  // PTUUID, where the table has one
  bool ambivalent = false;  // several signatures that contradict each other
};

// Probes `path` (read-only). nullopt when nothing is there (a blank device, zeros, or
// healbench's own blocks); an error when it cannot be read.
Result<std::optional<DiskSignature>> ProbeDiskSignature(const std::string& path);

// "an ext4 filesystem (UUID 5b0e…, LABEL data)", "a gpt partition table (PTUUID …)", "an LVM
// physical volume (LVM2_member, UUID …)"; both parts joined with " and " when there are two.
std::string DescribeDiskSignature(const DiskSignature& s);

}  // namespace healbench
