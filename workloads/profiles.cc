// The named workload profiles: each is a WorkloadParams that models one real I/O pattern.
// Scenario overrides start from these; the table below is the one place the numbers live.
#include <string>
#include <vector>

#include "workloads/workload_params.h"

namespace healbench {
namespace {

struct Profile {
  const char* name;
  std::vector<BlockSizeWeight> bs;
  double read_pct;
  double random_pct;
  std::uint32_t iodepth;
  std::uint32_t fsync_every;
  double region_fraction;
};

constexpr std::uint32_t kKiB = 1024;

const std::vector<Profile>& Profiles() {
  static const std::vector<Profile> profiles = {
      // A general VM guest: mostly random reads, a spread of sizes, and the journal commit
      // (a flush) a guest filesystem issues every few dozen writes.
      {"vm-mixed",
       {{4 * kKiB, 50}, {8 * kKiB, 10}, {16 * kKiB, 10}, {64 * kKiB, 20}, {128 * kKiB, 10}},
       70,
       80,
       16,
       32,
       1.0},
      // Small random reads at depth, like a cache-cold application reading its index.
      {"randread", {{4 * kKiB, 1}}, 100, 100, 32, 0, 1.0},
      // Small random writes at depth, like a write-back cache flushing dirty pages.
      {"randwrite", {{4 * kKiB, 1}}, 0, 100, 32, 0, 1.0},
      // Small random reads and writes in equal share, the classic mixed-IOPS test.
      {"randrw", {{4 * kKiB, 1}}, 50, 100, 32, 0, 1.0},
      // Streaming reads: a backup agent or a scan reading the disk front to back.
      {"seq-read", {{128 * kKiB, 1}}, 100, 0, 8, 0, 1.0},
      // Streaming writes: a guest copying a large file or restoring an image.
      {"seq-write", {{128 * kKiB, 1}}, 0, 0, 8, 0, 1.0},
      // An OLTP database: 8k pages at random, each write made durable by an fdatasync.
      {"db", {{8 * kKiB, 1}}, 60, 100, 8, 1, 1.0},
      // Many guests booting at once: reads of kernel, libraries and config near the start of
      // the disk, partly in sequential runs.
      {"boot-storm", {{4 * kKiB, 60}, {64 * kKiB, 25}, {128 * kKiB, 15}}, 95, 60, 8, 0, 0.1},
  };
  return profiles;
}

}  // namespace

const std::vector<std::string>& ProfileNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const Profile& p : Profiles()) n.emplace_back(p.name);
    return n;
  }();
  return names;
}

Result<WorkloadParams> ProfileDefaults(const std::string& profile) {
  for (const Profile& p : Profiles()) {
    if (profile != p.name) continue;
    WorkloadParams w;
    w.profile = p.name;
    w.bs = p.bs;
    w.read_pct = p.read_pct;
    w.random_pct = p.random_pct;
    w.iodepth = p.iodepth;
    w.fsync_every = p.fsync_every;
    w.region_fraction = p.region_fraction;
    return w;
  }
  std::string valid;
  for (const std::string& n : ProfileNames()) {
    if (!valid.empty()) valid += ", ";
    valid += n;
  }
  return MakeError(ErrorCode::kBadInput,
                   "workload profile \"" + profile + "\": unknown (valid: " + valid + ")");
}

}  // namespace healbench
