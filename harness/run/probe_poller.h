// Polls the sync-state probe on its own thread at the probe's interval. Every reading is a
// sample (results.json sync.samples); a change to or from "unknown" is an event; while the
// run is healing, the first in_sync reading moves it to "recovered". The fault timeline's
// wait_until steps read the latest sample from here.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "harness/probes/sync_probe.h"
#include "harness/run/event_recorder.h"
#include "harness/run/phase_tracker.h"
#include "harness/run/run_clock.h"
#include "reports/result_model.h"

namespace healbench {

class ProbePoller {
 public:
  ProbePoller(std::unique_ptr<SyncProbe> probe, Nanos interval_ns, RunControl* control,
              EventRecorder* events, PhaseTracker* phases);
  ~ProbePoller();
  ProbePoller(const ProbePoller&) = delete;
  ProbePoller& operator=(const ProbePoller&) = delete;

  // Called (outside the lock, on the probe thread) with every new sample; set before Start.
  void SetObserver(std::function<void(const report::SyncSample&)> observer) {
    observer_ = std::move(observer);
  }
  void Start();
  // Cuts a reading in progress short (recorded as unknown: no answer came) and joins.
  void Stop();

  std::string Kind() const { return probe_->Kind(); }
  // The newest sample taken at or after `since_ns` (absolute), if any.
  std::optional<SyncSample> LatestSince(Nanos since_ns) const;
  // Blocks until a sample newer than the last one seen arrives, or `until_ns`, or Stop.
  void WaitForNext(Nanos until_ns) const;
  std::vector<report::SyncSample> Samples() const;

 private:
  void Body();

  std::unique_ptr<SyncProbe> probe_;
  Nanos interval_ns_;
  RunControl* control_;
  EventRecorder* events_;
  PhaseTracker* phases_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool stop_ = false;
  std::atomic<bool> cancel_{false};  // the probe's commands stop at once: Stop was called
  std::vector<report::SyncSample> samples_;
  std::optional<SyncSample> latest_;
  Nanos latest_ns_ = 0;
  std::uint64_t count_ = 0;
  std::function<void(const report::SyncSample&)> observer_;
  std::thread thread_;
};

}  // namespace healbench
