// libblkid low-level probing for DiskSignature: superblocks (with USAGE, UUID and LABEL) and
// partition tables, through blkid_do_safeprobe, which reports contradicting signatures as
// ambivalent instead of picking one.
#include "backends/file/disk_signature.h"

#include <blkid/blkid.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

namespace healbench {
namespace {

struct ProbeDeleter {
  void operator()(blkid_struct_probe* p) const { blkid_free_probe(p); }
};

std::string Lookup(blkid_probe pr, const char* name) {
  const char* data = nullptr;
  std::size_t len = 0;
  if (blkid_probe_lookup_value(pr, name, &data, &len) != 0 || data == nullptr) return "";
  // len counts the terminating NUL.
  return std::string(data, len > 0 && data[len - 1] == '\0' ? len - 1 : len);
}

std::string Details(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string out;
  for (const auto& [k, v] : kv) {
    if (v.empty()) continue;
    out += (out.empty() ? "" : ", ") + k + (k.empty() ? "" : " ") + v;
  }
  return out.empty() ? "" : " (" + out + ")";
}

std::string Article(const std::string& word) {
  return !word.empty() && std::strchr("aeiouAEIOU", word[0]) != nullptr ? "an " : "a ";
}

std::string Superblock(const DiskSignature& s) {
  const std::string ids = Details({{"UUID", s.uuid}, {"LABEL", s.label}});
  if (s.type == "LVM2_member") return "an LVM physical volume" + Details({{"UUID", s.uuid}});
  if (s.type == "linux_raid_member") return "an md RAID member" + ids;
  if (s.type == "swap") return "a swap area" + ids;
  if (s.usage == "filesystem") return Article(s.type) + s.type + " filesystem" + ids;
  if (s.usage == "raid") return "a RAID/volume-manager member (" + s.type + ")" + ids;
  if (s.usage == "crypto") return "an encrypted volume (" + s.type + ")" + ids;
  return "a " + s.type + " signature" + ids;
}

}  // namespace

std::string DescribeDiskSignature(const DiskSignature& s) {
  if (s.ambivalent) return "several contradicting signatures (libblkid cannot tell which is live)";
  std::string out;
  if (!s.type.empty()) out = Superblock(s);
  if (!s.pttype.empty()) {
    out += (out.empty() ? "" : " and ") + std::string("a ") + s.pttype + " partition table" +
           Details({{"PTUUID", s.ptuuid}});
  }
  return out;
}

Result<std::optional<DiskSignature>> ProbeDiskSignature(const std::string& path) {
  errno = 0;
  std::unique_ptr<blkid_struct_probe, ProbeDeleter> pr(blkid_new_probe_from_filename(path.c_str()));
  if (!pr) {
    const int err = errno != 0 ? errno : EIO;
    return MakeError(ErrorCode::kIo, "libblkid: probe " + path + ": " + strerror(err) + " [errno " +
                                         std::to_string(err) + "]");
  }
  blkid_probe p = pr.get();
  blkid_probe_enable_superblocks(p, 1);
  blkid_probe_set_superblocks_flags(
      p, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE | BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL);
  blkid_probe_enable_partitions(p, 1);
  blkid_probe_set_partitions_flags(p, BLKID_PARTS_ENTRY_DETAILS);
  const int rc = blkid_do_safeprobe(p);
  if (rc == 1) return std::optional<DiskSignature>();
  if (rc == -2) {
    DiskSignature s;
    s.ambivalent = true;
    return std::optional<DiskSignature>(s);
  }
  if (rc < 0) {
    return MakeError(ErrorCode::kIo, "libblkid: probe " + path + " for signatures failed");
  }
  DiskSignature s{Lookup(p, "TYPE"),  Lookup(p, "USAGE"),  Lookup(p, "UUID"),
                  Lookup(p, "LABEL"), Lookup(p, "PTTYPE"), Lookup(p, "PTUUID")};
  if (s.type.empty() && s.pttype.empty()) return std::optional<DiskSignature>();
  return std::optional<DiskSignature>(s);
}

}  // namespace healbench
