// The primary's range lock between guest writes and the resync: the resync holds one
// kRegionBytes region at a time (waiting for guest writes already in it), and only guest
// writes touching that region wait, so a copy never races a newer write and the rest of the
// image stays writable while a resync runs.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

namespace healbench::ref {

class RegionGate {
 public:
  // A guest write to [offset, offset + length) of `image` (any stable key) starts: waits
  // while the resync holds one of its regions.
  void Enter(const void* image, std::uint64_t offset, std::uint64_t length);
  void Leave(const void* image, std::uint64_t offset, std::uint64_t length);
  // The resync takes `region`: waits for guest writes in it to leave, then holds it.
  void Lock(const void* image, std::uint64_t region);
  void Unlock();
  // Guest writes inside regions right now (for tests).
  int ActiveWrites() const;

 private:
  using Key = std::pair<const void*, std::uint64_t>;
  bool HeldLocked(const void* image, std::uint64_t first, std::uint64_t last) const;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<Key, int> active_;  // guest writes per region
  bool held_ = false;
  Key held_key_{nullptr, 0};
};

// Enter on construction, Leave on destruction.
class GuestWriteScope {
 public:
  GuestWriteScope(RegionGate& gate, const void* image, std::uint64_t offset, std::uint64_t length)
      : gate_(gate), image_(image), offset_(offset), length_(length) {
    gate_.Enter(image_, offset_, length_);
  }
  ~GuestWriteScope() { gate_.Leave(image_, offset_, length_); }
  GuestWriteScope(const GuestWriteScope&) = delete;
  GuestWriteScope& operator=(const GuestWriteScope&) = delete;

 private:
  RegionGate& gate_;
  const void* image_;
  std::uint64_t offset_, length_;
};

}  // namespace healbench::ref
