// One rank's side of a fleet run (`mpirun ... healbench run`), as the runner drives it:
//   setup   rank 0 prepares the backend (starting the reference nodes, if it runs them) and
//           sends every rank where results go, the seed and the nodes; each rank prepares its
//           own images (names carry the rank) and says hello; a barrier starts all at once.
//   live    every sampler tick, ranks send rank 0 their finished intervals (counts and raw
//           histograms) and live in-flight figures; rank 0 sends them its events, phase
//           changes, fault epochs and a stop. Rank 0's progress line and metrics are the fleet's.
//   end     ranks send rank 0 their results and raw measurements; rank 0 waits a bounded time,
//           merges them, says done, and reports a rank that never answered as missing.
// Only the run's main (sampler) thread calls it, except Queue*, which any thread may call.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/fleet/fleet_messages.h"
#include "harness/fleet/fleet_transport.h"
#include "harness/run/event_recorder.h"
#include "harness/run/interval_aggregator.h"
#include "harness/run/phase_tracker.h"
#include "harness/run/run_clock.h"

namespace healbench {

class FleetSession {
 public:
  FleetSession(FleetTransport* transport, Nanos timeout_ns);

  bool root() const { return t_->rank() == 0; }
  int rank() const { return t_->rank(); }
  int size() const { return t_->size(); }
  Nanos timeout_ns() const { return timeout_ns_; }

  // Setup. Rank 0 sends it once its backend is prepared (or with the error that stopped it).
  void SendSetup(const FleetSetup& setup);
  Result<FleetSetup> WaitSetup();
  // Each rank once its images are prepared (or with the error); rank 0 gathers them all.
  void SendHello(const FleetHello& hello);
  Result<void> GatherHellos(const FleetHello& own);
  Result<void> StartTogether();
  // Whatever setup step this rank still owes the others, sent with `error` (after a failure).
  void AbandonSetup(const std::string& error);
  bool setup_done() const { return setup_sent_ && hello_sent_; }

  // Live. `control`, `events` and `phases` are this rank's; `fleet_agg` (rank 0) takes every
  // rank's intervals, with rank r's worker w at index WorkerOffset(r) + w.
  void Attach(RunControl* control, EventRecorder* events, PhaseTracker* phases,
              IntervalAggregator* fleet_agg);
  // The run's own parts are going away (its event log closes): later control is ignored.
  void Detach() { Attach(nullptr, nullptr, nullptr, nullptr); }
  void Forward(std::uint32_t worker, const IntervalReport& report);  // ranks > 0
  void QueueEvent(const report::Event& e);                           // rank 0, any thread
  void QueuePhase(const std::string& name);                          // rank 0, any thread
  void Pump(std::uint32_t inflight, Nanos oldest_age_ns);
  // Rank 0: in-flight figures of the other ranks, from their latest messages.
  std::uint32_t RemoteInflight() const;
  Nanos RemoteOldestAgeNs() const;
  std::size_t TotalWorkers() const;
  std::size_t WorkerOffset(int rank) const;
  const std::vector<FleetHello>& hellos() const { return hellos_; }  // by rank (rank 0)

  // End. Ranks > 0 hand over and wait for rank 0's done; false when it never came.
  bool HandOver(const FleetFinal& final);
  // Rank 0: every rank's final, waiting until `deadline_ns`; missing ranks are absent.
  std::map<int, FleetFinal> CollectFinals(Nanos deadline_ns);
  void SayDone(const std::map<int, FleetFinal>& finals);

 private:
  void Handle(const FleetMessage& m);
  std::optional<FleetMessage> WaitFor(FleetMsg type, int source, Nanos deadline_ns);

  FleetTransport* t_;
  Nanos timeout_ns_;
  bool setup_sent_ = false;  // rank 0: setup; ranks > 0: setup received
  bool hello_sent_ = false;
  std::vector<FleetHello> hellos_;
  std::vector<std::size_t> offsets_;  // first fleet worker index of each rank
  RunControl* control_ = nullptr;
  EventRecorder* events_ = nullptr;
  PhaseTracker* phases_ = nullptr;
  IntervalAggregator* fleet_agg_ = nullptr;
  FleetIntervals outbox_;  // ranks > 0: reports not yet sent
  std::mutex queue_mu_;
  std::vector<FleetControlItem> queue_;  // rank 0: control items not yet sent
  std::uint32_t sent_epoch_ = 0, sent_end_epoch_ = 0;
  bool stop_sent_ = false;
  std::map<int, FleetIntervals> live_;  // rank 0: each rank's latest live figures
  std::map<int, FleetFinal> finals_;
  std::vector<std::vector<std::uint8_t>> early_;  // messages that came before they were wanted
  bool done_received_ = false;
};

}  // namespace healbench
