// What a workload is: a profile's resolved parameters (block sizes, read/random mix, queue
// depth, flush cadence, open- or closed-loop rate). Profiles and scenario overrides both
// end up here; generators read nothing else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/result.h"

namespace healbench {

// One block size with its weight, for bs = "4k" or bs = ["4k:70", "64k:30"].
struct BlockSizeWeight {
  std::uint32_t bytes = 4096;
  std::uint32_t weight = 1;
};

enum class Spacing { kFixed, kPoisson };

struct WorkloadParams {
  std::string profile;
  std::vector<BlockSizeWeight> bs;  // at least one entry, weights > 0
  double read_pct = 70;             // share of data ops (read vs write), 0..100
  double random_pct = 100;          // share of ops at a random offset (else sequential)
  std::uint32_t iodepth = 16;       // per image
  std::optional<double> rate_iops;  // whole run; absent = closed loop
  Spacing spacing = Spacing::kFixed;
  std::uint32_t fsync_every = 0;  // a flush after every N writes to an image; 0 = never
  // Share of the image that offsets fall in, from its start (boot-storm reads the first
  // part of a disk); random offsets and the sequential cursor both stay inside it, which
  // always holds at least one block. 1.0 = the whole image.
  double region_fraction = 1.0;
};

// Names of all profiles, in the order `healbench` lists them.
const std::vector<std::string>& ProfileNames();

// The parameters of a named profile before overrides; kBadInput for an unknown name.
Result<WorkloadParams> ProfileDefaults(const std::string& profile);

}  // namespace healbench
