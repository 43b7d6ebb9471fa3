// Shared, lock-free state of a run that every thread reads: the time origin, when to stop,
// and which phase the run is in. Written by the orchestrator, read on the I/O path with
// relaxed loads only.
#pragma once

#include <atomic>
#include <cstdint>

#include "harness/core/clock.h"

namespace healbench {

struct RunControl {
  Nanos start_ns = 0;
  std::atomic<Nanos> end_ns{0};         // planned end; moved earlier by Ctrl-C or an abort
  std::atomic<bool> stop{false};        // stop submitting now
  std::atomic<std::uint32_t> phase{0};  // index into the run's phase list
  // Bumped by the fault timeline as each disruptive fault begins; write verification marks
  // a fault boundary in every image when it sees the number change.
  std::atomic<std::uint32_t> fault_epoch{0};
  // Bumped as each undo (reconnect, thaw, restart, heal_partition) has been done.
  std::atomic<std::uint32_t> fault_end_epoch{0};
};

}  // namespace healbench
