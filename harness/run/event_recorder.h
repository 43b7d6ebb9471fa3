// The run's event list: every fault action, run start/end, interrupts and failures, with
// start and end times. Thread-safe (the fault timeline and the main thread both add), and
// each event is appended to events.jsonl at once, so a crash loses at most one event.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/clock.h"
#include "reports/atomic_file.h"
#include "reports/result_model.h"

namespace healbench {

class EventRecorder {
 public:
  EventRecorder(report::EventLog* log, Nanos run_start_ns) : log_(log), start_(run_start_ns) {}

  // Returns the new event's id.
  int Add(const std::string& kind, const std::string& action, const std::string& node, bool ok,
          const std::string& detail, Nanos at_ns, std::optional<Nanos> end_ns = std::nullopt);
  std::vector<report::Event> Snapshot() const;
  // Called with each new event, outside the lock, on the thread that added it (the live
  // metrics' fault gauges). Set before any other thread adds events.
  void SetObserver(std::function<void(const report::Event&)> observer) {
    observer_ = std::move(observer);
  }

 private:
  mutable std::mutex mu_;
  report::EventLog* log_;
  Nanos start_;
  std::vector<report::Event> events_;
  bool log_failed_ = false;  // guarded by mu_: the log's first failure was reported
  std::function<void(const report::Event&)> observer_;
};

}  // namespace healbench
