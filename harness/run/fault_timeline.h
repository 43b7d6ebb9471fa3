// The fault timeline: runs the scenario's [[fault]] steps in order on its own thread —
// at (from run start), after (from the previous step's end), wait_until (polls the probe
// until in_sync or safe_to_stop:NODE, with a timeout) — each action carried out by
// its node's injector with a timeout and recorded as an event with start, end, output and
// ok/failed. It moves the phase (a disruptive action -> degraded; the last undo -> healing
// when there is a probe, whose in_sync then ends it, else straight to recovered) and, when the run
// ends or is interrupted, undoes every fault still in force.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "harness/faults/injector.h"
#include "harness/run/event_recorder.h"
#include "harness/run/phase_tracker.h"
#include "harness/run/probe_poller.h"
#include "harness/run/run_clock.h"
#include "harness/scenario/scenario.h"

namespace healbench {

class FaultTimeline {
 public:
  FaultTimeline(std::vector<FaultStep> steps,
                std::map<std::string, std::unique_ptr<Injector>> injectors, std::uint64_t seed,
                RunControl* control, EventRecorder* events, PhaseTracker* phases);
  ~FaultTimeline();
  FaultTimeline(const FaultTimeline&) = delete;
  FaultTimeline& operator=(const FaultTimeline&) = delete;

  // The probe wait_until steps read, and that decides when healing ends (may be null).
  void SetProbe(const ProbePoller* probe) { probe_ = probe; }
  void Start();
  // Asks the thread to take no further step and cuts a step's command in progress short
  // (returns at once), so a hung injector or command step never holds the end of a run.
  void RequestStop();
  // RequestStop, then waits for the step in progress to notice and joins.
  void Stop();
  // Undoes every fault still in force (thaw, reconnect, heal_partition, restart), each as
  // an event, and every disruptive action whose outcome is unknown (it timed out or was cut
  // short: it may have taken effect). Call after Stop(); undo commands run to their own
  // timeout.
  void UndoAll();
  // True when a failed step with on_timeout = "abort" ended the run.
  bool Aborted() const { return aborted_.load(); }

 private:
  void Body();
  bool SleepUntil(Nanos t);  // false when stopped first
  void DoAction(const FaultStep& step, std::string_view why);
  void DoWait(const FaultStep& step);
  FaultStep ResolveNode(const FaultStep& step);

  std::vector<FaultStep> steps_;
  std::map<std::string, std::unique_ptr<Injector>> injectors_;
  std::mt19937_64 rng_;
  RunControl* control_;
  EventRecorder* events_;
  PhaseTracker* phases_;
  const ProbePoller* probe_ = nullptr;
  std::map<std::string, std::string> random_nodes_;         // random(...) text -> node it picked
  std::set<std::pair<std::string, std::string>> in_force_;  // (node, disruptive action)
  // Disruptive actions that failed but may have taken effect: undone at the end as well.
  std::set<std::pair<std::string, std::string>> maybe_in_force_;
  std::atomic<bool> cancel_commands_{false};  // set by RequestStop, cleared for UndoAll
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::atomic<bool> aborted_{false};
  std::thread thread_;
};

}  // namespace healbench
