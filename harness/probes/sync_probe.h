// A sync-state probe at run time: runs its system's status command (through an optional
// prefix such as `ssh storage1`, always as argv, always with a timeout) and parses the
// output into a SyncSample. A command that fails, hangs past the timeout or prints garbage
// gives an "unknown" sample that says why — never an exception, never a hung caller.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "harness/core/result.h"
#include "harness/probes/sync_sample.h"
#include "harness/scenario/scenario.h"

namespace healbench {

// The stall the system under test itself predicts when a node stops answering without
// closing its connections (GlusterFS: the volume's network.ping-timeout), and where the
// number comes from. Reported beside the measured stall.
struct ExpectedStall {
  double seconds = 0;
  std::string basis;
};

class SyncProbe {
 public:
  virtual ~SyncProbe() = default;
  virtual std::string Kind() const = 0;
  // One reading now; returns within about the probe's timeout (a few commands at most).
  virtual SyncSample Sample() = 0;
  // Read once, before the faults; nullopt when the system has no such setting or it cannot
  // be read.
  virtual std::optional<ExpectedStall> ReadExpectedStall() { return std::nullopt; }
  // While *cancel is true, a reading's commands are cut short (the run is ending: it must
  // not wait out a hung status command's timeout). Null: never.
  void SetCancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

 protected:
  const std::atomic<bool>* cancel_ = nullptr;
};

Result<std::unique_ptr<SyncProbe>> MakeSyncProbe(const ProbeSpec& spec,
                                                 std::uint64_t image_size_bytes);

}  // namespace healbench
