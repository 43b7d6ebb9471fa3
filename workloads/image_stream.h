// Per-image I/O generator: the sequence of I/Os one VM disk issues, deterministic from
// (seed, image index) so the same seed replays the same sequence whatever the thread count.
// Hands out batches so the worker makes no virtual call per I/O.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "harness/core/io_types.h"
#include "workloads/workload_params.h"

namespace healbench {

// Random offsets of a block are aligned to min(block, kGuestBlockBytes), rounded up to the
// backend alignment: guest filesystems allocate in 4 KiB blocks, so a 64 KiB guest read starts
// on any 4 KiB boundary, not only on 64 KiB ones (fio's blockalign=bs default would be too
// kind to the storage's stripe and cache alignment).
constexpr std::uint32_t kGuestBlockBytes = 4096;

class ImageStream {
 public:
  // alignment: offsets and lengths are multiples of it (the backend's alignment; >= 512
  // for O_DIRECT). Block sizes smaller than alignment are rounded up to it; block sizes
  // larger than the image are cut down to the image size (rounded down to alignment).
  // Precondition: image_size_bytes >= alignment (else every data I/O has length 0).
  ImageStream(const WorkloadParams& params, std::uint32_t image, std::uint64_t image_size_bytes,
              std::uint32_t alignment, std::uint64_t seed);

  // Fills out with the next out.size() I/Os of this image, in order.
  void NextBatch(std::span<IoSpec> out);
  IoSpec Next();

 private:
  // One block size, resolved against the image: everything Next() needs without dividing.
  struct BlockChoice {
    std::uint32_t length = 0;          // bytes, a multiple of alignment
    std::uint64_t offset_granule = 0;  // random offsets are multiples of this
    std::uint64_t random_slots = 0;    // number of random offsets that fit in the region
    std::uint64_t cumulative_weight = 0;
  };

  std::uint64_t UniformBelow(std::uint64_t n);  // in [0, n), unbiased; n > 0
  double UniformUnit();                         // in [0, 1)
  const BlockChoice& PickBlock();

  std::uint32_t image_;
  std::uint64_t sequential_end_;  // the cursor wraps before a block would pass this
  double read_fraction_;          // 0..1
  double random_fraction_;        // 0..1
  std::uint32_t fsync_every_;
  std::vector<BlockChoice> blocks_;  // at least one entry
  std::mt19937_64 rng_;
  std::uint64_t seq_cursor_ = 0;  // next sequential offset, shared by reads and writes
  std::uint32_t writes_since_flush_ = 0;
};

// Open-loop arrival times for a rate: fixed spacing, or Poisson (exponential gaps),
// deterministic from the seed. Times are relative to the start (0 = run start).
class ArrivalSchedule {
 public:
  // rate_iops > 0 (the scenario checks it); a non-positive rate yields "never" (INT64_MAX).
  ArrivalSchedule(double rate_iops, Spacing spacing, std::uint64_t seed);
  // The intended issue time of the next I/O, in ns from run start; non-decreasing.
  // The first arrival is at 0.
  std::int64_t NextNs();

 private:
  double rate_iops_;
  double period_ns_;  // mean gap
  Spacing spacing_;
  std::mt19937_64 rng_;
  std::uint64_t count_ = 0;  // fixed: arrivals handed out so far (no accumulated rounding)
  double next_ns_ = 0;       // poisson: running sum of gaps
};

}  // namespace healbench
