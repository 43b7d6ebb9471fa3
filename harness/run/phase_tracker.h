// Which phase the run is in (baseline, degraded, healing, recovered) and the spans so far.
// The fault timeline moves it; workers read only the phase index from RunControl, so the
// I/O path never takes this lock.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "harness/run/result_assembly.h"
#include "harness/run/run_clock.h"

namespace healbench {

class PhaseTracker {
 public:
  explicit PhaseTracker(RunControl* control);  // starts in "baseline" at run start
  // Enters a new phase now (no-op when already in it).
  void Enter(const std::string& name, Nanos now_ns);
  std::string Current() const;
  // Called with the new phase's name after each change, on the thread that made it (the
  // live metrics' phase gauge). Set before the run's threads start.
  void SetObserver(std::function<void(const std::string&)> observer) {
    observer_ = std::move(observer);
  }
  // The spans with the last one closed at end_ns (relative times, as results want them).
  std::vector<PhaseSpan> Spans(Nanos end_ns) const;

 private:
  mutable std::mutex mu_;
  RunControl* control_;
  std::vector<PhaseSpan> spans_;
  std::function<void(const std::string&)> observer_;
};

}  // namespace healbench
