// RegionGate: one mutex, one condition variable, a count of guest writes per region.
#include "backends/refcluster/region_gate.h"

#include "backends/refcluster/image_store.h"

namespace healbench::ref {
namespace {

std::uint64_t LastRegion(std::uint64_t offset, std::uint64_t length) {
  return (offset + (length == 0 ? 1 : length) - 1) / kRegionBytes;
}

}  // namespace

bool RegionGate::HeldLocked(const void* image, std::uint64_t first, std::uint64_t last) const {
  return held_ && held_key_.first == image && held_key_.second >= first && held_key_.second <= last;
}

void RegionGate::Enter(const void* image, std::uint64_t offset, std::uint64_t length) {
  const std::uint64_t first = offset / kRegionBytes;
  const std::uint64_t last = LastRegion(offset, length);
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !HeldLocked(image, first, last); });
  for (std::uint64_t r = first; r <= last; ++r) ++active_[{image, r}];
}

void RegionGate::Leave(const void* image, std::uint64_t offset, std::uint64_t length) {
  const std::uint64_t first = offset / kRegionBytes;
  const std::uint64_t last = LastRegion(offset, length);
  std::lock_guard<std::mutex> lock(mu_);
  for (std::uint64_t r = first; r <= last; ++r) {
    auto it = active_.find({image, r});
    if (it != active_.end() && --it->second == 0) active_.erase(it);
  }
  cv_.notify_all();
}

void RegionGate::Lock(const void* image, std::uint64_t region) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !held_; });
  held_ = true;
  held_key_ = {image, region};
  cv_.wait(lock, [&] { return active_.find(held_key_) == active_.end(); });
}

void RegionGate::Unlock() {
  std::lock_guard<std::mutex> lock(mu_);
  held_ = false;
  cv_.notify_all();
}

int RegionGate::ActiveWrites() const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& [key, count] : active_) n += count;
  return n;
}

}  // namespace healbench::ref
