// Test-only fault modes of a reference node (`healbench node --test-fault MODE`), planted so
// the integrity checker can prove it catches them: acknowledge-then-drop, silent divergence,
// stale reads after a heal. A wrapper around an Image's reads and writes that also keeps the
// ground truth — which 4 KiB sectors are wrong and why — per image. Off unless asked for.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "backends/refcluster/image_store.h"
#include "backends/refcluster/test_fault_mode.h"
#include "harness/core/result.h"

namespace healbench::ref {

struct TestFaultCounters {
  std::uint64_t dropped_sectors = 0;  // latest guest write dropped, not overwritten since
  std::uint64_t dropped_writes = 0;
  std::uint64_t diverged_sectors = 0;  // holding a corrupted write now
  std::uint64_t stale_sectors_now = 0;
  std::uint64_t stale_sectors_served = 0;  // per sector of each non-inspect read
};

// Guest writes (WRITE frames without kFlagHeal) are counted node-wide from the start; when
// both ack-drop and diverge pick the same write, it is dropped. A heal write stores the
// survivor's copy, so it also ends a sector's dropped or diverged state. Every call holds
// one mutex across the real I/O: the ground truth is exact, the node slow — test use only.
// Memory: a set entry per faulty sector; stale contents go to an unlinked file in `dir`.
class TestFaults {
 public:
  TestFaults(std::vector<TestFaultMode> modes, std::string dir);
  ~TestFaults();
  TestFaults(const TestFaults&) = delete;
  TestFaults& operator=(const TestFaults&) = delete;

  // Starts a counter line for an image (so one with no I/O still reports zeros).
  void Track(const std::string& image);
  // A WRITE frame's data with its request flags: 0 or an errno (a dropped write gives 0).
  int Write(const Image& img, std::uint64_t offset, std::span<const std::uint8_t> data,
            std::uint16_t flags);
  // A READ frame: the stored data, with stale sectors' pre-heal content laid over it.
  int Read(const Image& img, std::uint64_t offset, std::span<std::uint8_t> out,
           std::uint16_t flags);

  TestFaultCounters Counters(const std::string& image) const;
  // {"dropped_sectors":N,"dropped_writes":N,"diverged_sectors":N,"stale_sectors_now":N,
  //  "stale_sectors_served":N}
  std::string CountersJson(const std::string& image) const;
  // "test-faults: image=NAME dropped_sectors=N …" lines, one per tracked image.
  std::string SummaryLines() const;

 private:
  struct ImageState {
    std::set<std::uint64_t> dropped, diverged, stale;  // sector numbers
    std::uint64_t dropped_writes = 0;
    std::uint64_t stale_served = 0;
    int stale_fd = -1;  // pre-heal sector contents at their image offsets (sparse, unlinked)
  };
  int HealWriteLocked(ImageState& s, const Image& img, std::uint64_t offset,
                      std::span<const std::uint8_t> data);
  static TestFaultCounters CountersOf(const ImageState& s);

  std::uint32_t ack_drop_every_ = 0;
  std::uint32_t diverge_every_ = 0;
  bool stale_after_heal_ = false;
  const std::string dir_;
  mutable std::mutex mu_;
  std::uint64_t guest_writes_ = 0;
  std::map<std::string, ImageState> images_;
};

}  // namespace healbench::ref
