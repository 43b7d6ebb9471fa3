// In-use checks for the file backend's targets, from /proc/self/mountinfo, /proc/swaps and
// /sys/dev/block (partitions and holders, walked by device number). Names can lie (a
// /dev/disk/by-id link, a renamed dm device); major:minor cannot, so every comparison of
// block devices is by number.
#include "backends/file/device_usage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace healbench {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxRelatedDevices = 256;  // partitions and holders walked, at most

std::optional<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// "8:16" -> dev_t; nullopt when malformed.
std::optional<dev_t> ParseDevNumber(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= text.size()) {
    return std::nullopt;
  }
  unsigned major_no = 0, minor_no = 0;
  for (char c : text.substr(0, colon)) {
    if (c < '0' || c > '9') return std::nullopt;
    major_no = major_no * 10 + static_cast<unsigned>(c - '0');
  }
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    minor_no = minor_no * 10 + static_cast<unsigned>(c - '0');
  }
  return makedev(major_no, minor_no);
}

std::vector<std::string> Fields(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string DevText(dev_t d) { return std::to_string(major(d)) + ":" + std::to_string(minor(d)); }

// A block device as sysfs shows it, and how it relates to the device we were asked about.
struct SysBlock {
  fs::path dir;
  std::string relation;  // "" for the device itself, else "partition sdb1", "holder dm-0 (vg-lv)"
};

std::string BlockName(const fs::path& dir) {
  std::string name = dir.filename().string();
  // A device-mapper device is known to operators by its dm name (vg-lv), not dm-N.
  if (auto dm = ReadText((dir / "dm" / "name").string()); dm && !Trimmed(*dm).empty()) {
    name += " (" + Trimmed(*dm) + ")";
  }
  return name;
}

// The device itself, its partitions, and everything holding any of them, transitively.
std::vector<SysBlock> RelatedBlocks(dev_t dev) {
  std::vector<SysBlock> out;
  std::error_code ec;
  const fs::path self = fs::canonical("/sys/dev/block/" + DevText(dev), ec);
  // Without sysfs the device itself is still checked; partitions and holders cannot be.
  if (ec) return {SysBlock{fs::path(), ""}};
  std::deque<SysBlock> todo{{self, ""}};
  std::set<fs::path> seen;
  while (!todo.empty() && out.size() < kMaxRelatedDevices) {
    SysBlock b = todo.front();
    todo.pop_front();
    if (!seen.insert(b.dir).second) continue;
    out.push_back(b);
    for (const auto& e : fs::directory_iterator(b.dir, ec)) {
      if (fs::exists(e.path() / "partition", ec)) {
        todo.push_back({e.path(), "partition " + e.path().filename().string()});
      }
    }
    for (const auto& e : fs::directory_iterator(b.dir / "holders", ec)) {
      const fs::path holder = fs::canonical(e.path(), ec);
      if (ec) continue;
      const std::string via = b.relation.empty() ? "" : " via " + b.relation;
      todo.push_back({holder, "holder " + BlockName(holder) + via});
    }
  }
  return out;
}

std::optional<dev_t> SysBlockDev(const fs::path& dir) {
  auto text = ReadText((dir / "dev").string());
  if (!text) return std::nullopt;
  return ParseDevNumber(Trimmed(*text));
}

std::string MountPhrase(const MountEntry& m) {
  return "mounted on " + m.mount_point + " (" + m.fstype + ")";
}

struct ProcState {
  std::vector<MountEntry> mounts;
  std::vector<std::string> swaps;
};

Result<ProcState> ReadProcState() {
  auto mountinfo = ReadText("/proc/self/mountinfo");
  if (!mountinfo) {
    return MakeError(ErrorCode::kUnavailable,
                     "read /proc/self/mountinfo: " + std::string(strerror(errno)) +
                         ": cannot tell whether the target is mounted");
  }
  ProcState st{ParseMountInfo(*mountinfo), {}};
  // No /proc/swaps means a kernel without swap: nothing can be active swap.
  if (auto swaps = ReadText("/proc/swaps")) st.swaps = ParseSwaps(*swaps);
  return st;
}

std::optional<std::string> BlockDeviceUse(const std::string& path, dev_t dev,
                                          const ProcState& proc) {
  for (const SysBlock& b : RelatedBlocks(dev)) {
    const std::optional<dev_t> d =
        b.relation.empty() ? std::optional<dev_t>(dev) : SysBlockDev(b.dir);
    if (!d) continue;
    const std::string who = b.relation.empty() ? "is " : "has " + b.relation + ", ";
    for (const MountEntry& m : proc.mounts) {
      if (m.dev == *d) return who + MountPhrase(m);
    }
    for (const std::string& s : proc.swaps) {
      struct stat st {};
      if (stat(s.c_str(), &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == *d) {
        return who + "active swap (" + s + ")";
      }
    }
    // A holder (dm, md, bcache, …) that is not mounted still owns the device's data.
    if (b.relation.rfind("holder ", 0) == 0) return "has " + b.relation + " built on it";
  }
  // The kernel's own answer covers what the tables above miss (btrfs's anonymous device
  // numbers, a claim by a driver): an exclusive open fails while anything holds it.
  const int fd = open(path.c_str(), O_RDONLY | O_EXCL | O_CLOEXEC);
  if (fd < 0 && errno == EBUSY) {
    return "is claimed exclusively by the kernel (open O_EXCL: Device or resource busy; "
           "mounted, swap, or part of a dm/md/LVM device)";
  }
  if (fd >= 0) close(fd);
  return std::nullopt;
}

std::optional<std::string> RegularFileUse(const struct stat& self, const ProcState& proc) {
  auto same_file = [&self](const std::string& other) {
    struct stat st {};
    return stat(other.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == self.st_dev &&
           st.st_ino == self.st_ino;
  };
  for (const std::string& s : proc.swaps) {
    if (same_file(s)) return "is an active swap file";
  }
  for (const MountEntry& m : proc.mounts) {
    if (same_file(m.mount_point)) return "is a mount point (" + m.fstype + " mounted over it)";
  }
  // A file attached to a loop device is written through it by whoever uses the device.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/sys/block", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("loop", 0) != 0) continue;
    auto backing = ReadText((e.path() / "loop" / "backing_file").string());
    if (!backing) continue;
    std::string file = Trimmed(*backing);
    const std::string deleted = " (deleted)";
    if (file.size() > deleted.size() &&
        file.compare(file.size() - deleted.size(), deleted.size(), deleted) == 0) {
      continue;  // the loop device holds a file that is gone: not this one
    }
    if (same_file(file)) {
      return "backs loop device /dev/" + name + " (detach it first: losetup -d /dev/" + name + ")";
    }
  }
  return std::nullopt;
}

}  // namespace

std::string UnescapeProcField(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && field[i + 1] >= '0' && field[i + 1] <= '3' &&
        field[i + 2] >= '0' && field[i + 2] <= '7' && field[i + 3] >= '0' && field[i + 3] <= '7') {
      out.push_back(static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                                      (field[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

std::vector<MountEntry> ParseMountInfo(std::string_view text) {
  // id parent major:minor root mount_point options [optional fields…] - fstype source super
  std::vector<MountEntry> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::vector<std::string> f = Fields(text.substr(start, end - start));
    start = end + 1;
    if (f.size() < 7) continue;
    const std::optional<dev_t> dev = ParseDevNumber(f[2]);
    std::size_t sep = 6;
    while (sep < f.size() && f[sep] != "-") ++sep;
    if (!dev || sep + 2 >= f.size()) continue;
    out.push_back({*dev, UnescapeProcField(f[4]), f[sep + 1], UnescapeProcField(f[sep + 2])});
  }
  return out;
}

std::vector<std::string> ParseSwaps(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = text.find('\n');  // the first line is the header
  while (start != std::string_view::npos && start < text.size()) {
    ++start;
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::vector<std::string> f = Fields(text.substr(start, end - start));
    if (!f.empty()) out.push_back(UnescapeProcField(f[0]));
    start = end;
  }
  return out;
}

Result<std::optional<std::string>> FindDeviceUse(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    const int err = errno;
    return MakeError(ErrorCode::kBadInput, "stat " + path + ": " + strerror(err) + " [errno " +
                                               std::to_string(err) + "]");
  }
  auto proc = ReadProcState();
  if (!proc.ok()) return proc.error();
  if (S_ISBLK(st.st_mode)) return BlockDeviceUse(path, st.st_rdev, *proc);
  if (S_ISREG(st.st_mode)) return RegularFileUse(st, *proc);
  return std::optional<std::string>();
}

}  // namespace healbench
