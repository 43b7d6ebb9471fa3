// The test fault wrapper: decides per guest write whether to drop, corrupt or store it, keeps
// pre-heal sector contents for stale reads, and counts what is wrong per sector.
#include "backends/refcluster/test_faults.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "backends/refcluster/protocol.h"

namespace healbench::ref {
namespace {

struct SectorRange {
  std::uint64_t first = 0, last = 0;  // inclusive; empty when count == 0
  std::uint64_t count = 0;
};

SectorRange SectorsOf(std::uint64_t offset, std::uint64_t length) {
  if (length == 0) return {};
  const std::uint64_t first = offset / kFaultSectorBytes;
  const std::uint64_t last = (offset + length - 1) / kFaultSectorBytes;
  return {first, last, last - first + 1};
}

bool InImage(const Image& img, std::uint64_t offset, std::uint64_t length) {
  return offset <= img.size_bytes() && length <= img.size_bytes() - offset;
}

// True when byte kDivergeByteInSector of `sector` lies in [offset, offset + length).
bool CoversDivergeByte(std::uint64_t sector, std::uint64_t offset, std::uint64_t length) {
  const std::uint64_t at = sector * kFaultSectorBytes + kDivergeByteInSector;
  return at >= offset && at < offset + length;
}

}  // namespace

TestFaults::TestFaults(std::vector<TestFaultMode> modes, std::string dir) : dir_(std::move(dir)) {
  for (const TestFaultMode& m : modes) {
    switch (m.kind) {
      case TestFaultKind::kAckDrop:
        ack_drop_every_ = m.every;
        break;
      case TestFaultKind::kDiverge:
        diverge_every_ = m.every;
        break;
      case TestFaultKind::kStaleAfterHeal:
        stale_after_heal_ = true;
        break;
    }
  }
}

TestFaults::~TestFaults() {
  for (auto& [name, s] : images_) {
    if (s.stale_fd >= 0) close(s.stale_fd);
  }
}

void TestFaults::Track(const std::string& image) {
  std::lock_guard<std::mutex> lock(mu_);
  images_.try_emplace(image);
}

int TestFaults::Write(const Image& img, std::uint64_t offset, std::span<const std::uint8_t> data,
                      std::uint16_t flags) {
  std::lock_guard<std::mutex> lock(mu_);
  ImageState& s = images_[img.name()];
  if ((flags & kFlagHeal) != 0) return HealWriteLocked(s, img, offset, data);
  if (!InImage(img, offset, data.size())) return EINVAL;
  const std::uint64_t n = ++guest_writes_;
  const SectorRange sectors = SectorsOf(offset, data.size());
  if (ack_drop_every_ != 0 && n % ack_drop_every_ == 0) {
    ++s.dropped_writes;
    for (std::uint64_t i = 0; i < sectors.count; ++i) s.dropped.insert(sectors.first + i);
    return 0;  // acknowledged, never stored
  }
  const bool diverge = diverge_every_ != 0 && n % diverge_every_ == 0;
  int rc = 0;
  if (diverge) {
    std::vector<std::uint8_t> corrupt(data.begin(), data.end());
    for (std::uint64_t sector = sectors.first; sector < sectors.first + sectors.count; ++sector) {
      if (!CoversDivergeByte(sector, offset, data.size())) continue;
      corrupt[sector * kFaultSectorBytes + kDivergeByteInSector - offset] ^= 0xFF;
    }
    rc = img.Write(offset, corrupt);
  } else {
    rc = img.Write(offset, data);
  }
  if (rc != 0) return rc;
  for (std::uint64_t sector = sectors.first; sector < sectors.first + sectors.count; ++sector) {
    s.dropped.erase(sector);
    s.stale.erase(sector);
    if (!CoversDivergeByte(sector, offset, data.size())) continue;
    if (diverge) {
      s.diverged.insert(sector);
    } else {
      s.diverged.erase(sector);
    }
  }
  return 0;
}

int TestFaults::HealWriteLocked(ImageState& s, const Image& img, std::uint64_t offset,
                                std::span<const std::uint8_t> data) {
  if (!InImage(img, offset, data.size())) return EINVAL;
  const SectorRange sectors = SectorsOf(offset, data.size());
  if (stale_after_heal_ && sectors.count > 0 && s.stale_fd < 0) {
    std::string path = dir_ + "/.stale-sectors.XXXXXX";
    s.stale_fd = mkstemp(path.data());
    if (s.stale_fd < 0) return errno;
    unlink(path.c_str());
  }
  std::vector<std::uint8_t> before(kFaultSectorBytes);
  for (std::uint64_t sector = sectors.first; sector < sectors.first + sectors.count; ++sector) {
    // A sector already stale keeps what readers saw before the first heal write.
    if (!stale_after_heal_ || s.stale.count(sector) != 0) continue;
    const std::uint64_t begin = sector * kFaultSectorBytes;
    const std::uint64_t length = std::min(kFaultSectorBytes, img.size_bytes() - begin);
    if (int rc = img.Read(begin, std::span(before).first(length)); rc != 0) return rc;
    // Only a heal write that changes the sector can be seen to be stale afterwards.
    const std::uint64_t from = std::max(begin, offset);
    const std::uint64_t to = std::min(begin + length, offset + data.size());
    if (memcmp(before.data() + (from - begin), data.data() + (from - offset), to - from) == 0) {
      continue;
    }
    if (pwrite(s.stale_fd, before.data(), length, static_cast<off_t>(begin)) !=
        static_cast<ssize_t>(length)) {
      return errno != 0 ? errno : EIO;
    }
    s.stale.insert(sector);
  }
  if (int rc = img.Write(offset, data); rc != 0) return rc;
  // The sector now holds the survivor's copy: no longer dropped or corrupted.
  for (std::uint64_t i = 0; i < sectors.count; ++i) {
    s.dropped.erase(sectors.first + i);
    s.diverged.erase(sectors.first + i);
  }
  return 0;
}

int TestFaults::Read(const Image& img, std::uint64_t offset, std::span<std::uint8_t> out,
                     std::uint16_t flags) {
  std::lock_guard<std::mutex> lock(mu_);
  if (int rc = img.Read(offset, out); rc != 0) return rc;
  auto it = images_.find(img.name());
  if (it == images_.end() || it->second.stale.empty() || out.empty()) return 0;
  ImageState& s = it->second;
  const SectorRange sectors = SectorsOf(offset, out.size());
  for (auto sector = s.stale.lower_bound(sectors.first);
       sector != s.stale.end() && *sector <= sectors.last; ++sector) {
    const std::uint64_t from = std::max(*sector * kFaultSectorBytes, offset);
    const std::uint64_t to = std::min((*sector + 1) * kFaultSectorBytes, offset + out.size());
    std::uint8_t* dst = out.data() + (from - offset);
    const ssize_t got = pread(s.stale_fd, dst, to - from, static_cast<off_t>(from));
    if (got < 0) return errno;
    memset(dst + got, 0, to - from - static_cast<std::uint64_t>(got));  // sparse tail: zeros
    if ((flags & kFlagInspect) == 0) ++s.stale_served;
  }
  return 0;
}

TestFaultCounters TestFaults::CountersOf(const ImageState& s) {
  return {s.dropped.size(), s.dropped_writes, s.diverged.size(), s.stale.size(), s.stale_served};
}

TestFaultCounters TestFaults::Counters(const std::string& image) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = images_.find(image);
  return it == images_.end() ? TestFaultCounters{} : CountersOf(it->second);
}

std::string TestFaults::CountersJson(const std::string& image) const {
  const TestFaultCounters c = Counters(image);
  return "{\"dropped_sectors\":" + std::to_string(c.dropped_sectors) +
         ",\"dropped_writes\":" + std::to_string(c.dropped_writes) +
         ",\"diverged_sectors\":" + std::to_string(c.diverged_sectors) +
         ",\"stale_sectors_now\":" + std::to_string(c.stale_sectors_now) +
         ",\"stale_sectors_served\":" + std::to_string(c.stale_sectors_served) + "}";
}

std::string TestFaults::SummaryLines() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, s] : images_) {
    const TestFaultCounters c = CountersOf(s);
    out += "test-faults: image=" + name + " dropped_sectors=" + std::to_string(c.dropped_sectors) +
           " dropped_writes=" + std::to_string(c.dropped_writes) +
           " diverged_sectors=" + std::to_string(c.diverged_sectors) +
           " stale_sectors_now=" + std::to_string(c.stale_sectors_now) +
           " stale_sectors_served=" + std::to_string(c.stale_sectors_served) + "\n";
  }
  return out;
}

}  // namespace healbench::ref
