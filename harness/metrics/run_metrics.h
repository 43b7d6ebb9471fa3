// The live Prometheus registry of one run, and the optional HTTP exposer serving it
// (--metrics-listen). Every family exists from the first scrape with zero / unknown values.
// Updated by the sampler (intervals, live in-flight figures) and by the event and phase
// observers; never from the I/O path. prometheus-cpp metrics are thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "harness/core/clock.h"
#include "harness/core/latency_histogram.h"
#include "harness/core/result.h"
#include "harness/scenario/scenario.h"
#include "reports/result_model.h"

namespace prometheus {
class Counter;
class Exposer;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace healbench {

class RunMetrics {
 public:
  // listen: empty for no exposer, else as --metrics-listen takes it. An address that cannot
  // be bound is an error (kUnavailable) before the run starts.
  static Result<std::unique_ptr<RunMetrics>> Create(const std::string& listen,
                                                    const Scenario& scenario,
                                                    const report::Context& context);
  ~RunMetrics();
  RunMetrics(const RunMetrics&) = delete;
  RunMetrics& operator=(const RunMetrics&) = delete;

  // One op's figures for one interval (or a late worker's addition to one): op 0 read,
  // 1 write, 2 flush.
  void OnOpInterval(int op, std::uint64_t ios, std::uint64_t bytes, std::uint64_t errors,
                    const LatencyHistogram& latency);
  // The sampler's live reading: stall gauges follow the oldest in-flight age.
  void OnLive(std::uint32_t inflight, Nanos oldest_age_ns);
  void OnEvent(const report::Event& event);
  void OnPhase(const std::string& phase);
  void OnSyncSample(const report::SyncSample& sample);
  // Final reconciliation: the stall counter ends at the exact number of stalls.
  void OnFinish(const report::RunResult& result);

  // "127.0.0.1:9464" when listening, else empty.
  const std::string& bound_address() const { return bound_; }
  prometheus::Registry& registry() { return *registry_; }

 private:
  RunMetrics() = default;
  void Build(const Scenario& scenario, const report::Context& context);

  std::mutex mu_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::string bound_;
  Nanos stall_threshold_ns_ = 0;
  prometheus::Counter* ios_[3] = {};
  prometheus::Counter* bytes_[3] = {};
  prometheus::Counter* errors_[3] = {};
  prometheus::Histogram* latency_[3] = {};
  prometheus::Gauge* inflight_ = nullptr;
  prometheus::Gauge* oldest_age_ = nullptr;
  prometheus::Counter* stalls_ = nullptr;
  prometheus::Gauge* stall_active_ = nullptr;
  prometheus::Gauge* current_stall_ = nullptr;
  prometheus::Family<prometheus::Gauge>* sync_state_family_ = nullptr;
  std::map<std::string, prometheus::Gauge*> sync_state_;
  prometheus::Gauge* sync_pending_ = nullptr;
  prometheus::Gauge* sync_bytes_ = nullptr;
  prometheus::Family<prometheus::Gauge>* fault_family_ = nullptr;
  std::map<std::pair<std::string, std::string>, prometheus::Gauge*> fault_active_;
  prometheus::Family<prometheus::Gauge>* phase_family_ = nullptr;
  std::map<std::string, prometheus::Gauge*> phase_;
  bool in_stall_ = false;
  std::uint64_t stalls_counted_ = 0;
};

}  // namespace healbench
