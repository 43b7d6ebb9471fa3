// Live run metrics. See run_metrics.h.
#include "harness/metrics/run_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdio>
#include <exception>

#include "harness/metrics/fault_gauge_state.h"
#include "harness/metrics/latency_buckets.h"
#include "harness/metrics/metrics_endpoints.h"
#include "harness/metrics/run_labels.h"

namespace healbench {
namespace {

constexpr const char* kOps[3] = {"read", "write", "flush"};
constexpr const char* kSyncStates[] = {"in_sync", "degraded", "healing", "unknown"};
constexpr const char* kPhases[] = {"baseline", "degraded", "healing", "recovered"};

template <typename Builder>
auto& Register(Builder builder, const char* name, const char* help, const std::string& run,
               prometheus::Registry& registry) {
  return builder.Name(name).Help(help).Labels({{"run", run}}).Register(registry);
}

}  // namespace

RunMetrics::~RunMetrics() = default;

Result<std::unique_ptr<RunMetrics>> RunMetrics::Create(const std::string& listen,
                                                       const Scenario& scenario,
                                                       const report::Context& context) {
  std::unique_ptr<RunMetrics> m(new RunMetrics());
  m->Build(scenario, context);
  if (listen.empty()) return m;
  auto address = ExposerBindAddress(listen);
  if (!address.ok()) return address.error();
  try {
    m->exposer_ = std::make_unique<prometheus::Exposer>(*address, 2);
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kUnavailable, "--metrics-listen " + listen + ": cannot listen on " +
                                                  *address + ": " + e.what());
  }
  m->exposer_->RegisterCollectable(m->registry_);
  m->bound_ = *address;
  const auto ports = m->exposer_->GetListeningPorts();
  if (!ports.empty()) {
    m->bound_ = address->substr(0, address->rfind(':') + 1) + std::to_string(ports[0]);
  }
  fprintf(stdout, "healbench: metrics at http://%s/metrics\n", m->bound_.c_str());
  fflush(stdout);
  return m;
}

void RunMetrics::Build(const Scenario& scenario, const report::Context& context) {
  using prometheus::BuildCounter;
  using prometheus::BuildGauge;
  using prometheus::BuildHistogram;
  registry_ = std::make_shared<prometheus::Registry>();
  prometheus::Registry& r = *registry_;
  const std::string& run = scenario.run.name;
  stall_threshold_ns_ = scenario.run.stall_threshold_ns;

  auto& ios = Register(BuildCounter(), "healbench_ios_total", "I/Os completed", run, r);
  auto& bytes = Register(BuildCounter(), "healbench_bytes_total", "Bytes transferred", run, r);
  auto& errors = Register(BuildCounter(), "healbench_io_errors_total", "I/Os failed", run, r);
  auto& latency = Register(BuildHistogram(), "healbench_latency_seconds",
                           "I/O latency from intended issue to completion", run, r);
  for (int op = 0; op < 3; ++op) {
    ios_[op] = &ios.Add({{"op", kOps[op]}});
    bytes_[op] = &bytes.Add({{"op", kOps[op]}});
    errors_[op] = &errors.Add({{"op", kOps[op]}});
    latency_[op] = &latency.Add({{"op", kOps[op]}}, LatencyBucketBoundsSeconds());
  }
  inflight_ = &Register(BuildGauge(), "healbench_inflight", "I/Os in flight", run, r).Add({});
  oldest_age_ = &Register(BuildGauge(), "healbench_oldest_inflight_age_seconds",
                          "Age of the oldest I/O in flight", run, r)
                     .Add({});
  stalls_ = &Register(BuildCounter(), "healbench_stalls_total",
                      "Stalls: stretches with an I/O older than the stall threshold", run, r)
                 .Add({});
  stall_active_ =
      &Register(BuildGauge(), "healbench_stall_active",
                "1 while the oldest in-flight I/O is older than the stall threshold", run, r)
           .Add({});
  current_stall_ = &Register(BuildGauge(), "healbench_current_stall_seconds",
                             "Length of the stall going on now (0 when none)", run, r)
                        .Add({});
  sync_state_family_ = &Register(BuildGauge(), "healbench_sync_state",
                                 "Replica sync state from the probe (one-hot)", run, r);
  for (const char* s : kSyncStates) {
    sync_state_[s] = &sync_state_family_->Add({{"state", s}});
  }
  sync_state_["unknown"]->Set(1);
  sync_pending_ = &Register(BuildGauge(), "healbench_sync_pending_entries",
                            "Entries waiting for heal / resync", run, r)
                       .Add({});
  sync_bytes_ = &Register(BuildGauge(), "healbench_sync_out_of_sync_bytes",
                          "Bytes out of sync between replicas", run, r)
                     .Add({});
  fault_family_ = &Register(BuildGauge(), "healbench_fault_active",
                            "1 while a fault is in force on a node", run, r);
  for (const auto& [action, node] : InitialFaultSeries(scenario.faults)) {
    fault_active_[{action, node}] = &fault_family_->Add({{"action", action}, {"node", node}});
  }
  phase_family_ = &Register(BuildGauge(), "healbench_phase", "The run's phase (one-hot)", run, r);
  for (const char* p : kPhases) phase_[p] = &phase_family_->Add({{"phase", p}});
  phase_["baseline"]->Set(1);
  Register(BuildGauge(), "healbench_run_info", "The run: scenario, backend, seed, version", run, r)
      .Add(RunInfoLabels(scenario, context))
      .Set(1);
}

void RunMetrics::OnOpInterval(int op, std::uint64_t ios, std::uint64_t bytes, std::uint64_t errors,
                              const LatencyHistogram& latency) {
  if (op < 0 || op >= 3) return;
  ios_[op]->Increment(static_cast<double>(ios));
  bytes_[op]->Increment(static_cast<double>(bytes));
  errors_[op]->Increment(static_cast<double>(errors));
  if (latency.Count() == 0) return;
  BucketIncrements b = ToBucketIncrements(latency, LatencyBucketBoundsSeconds());
  latency_[op]->ObserveMultiple(b.counts, b.sum_s);
}

void RunMetrics::OnLive(std::uint32_t inflight, Nanos oldest_age_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  inflight_->Set(inflight);
  oldest_age_->Set(NsToSeconds(oldest_age_ns));
  const bool stalled = oldest_age_ns > stall_threshold_ns_;
  if (stalled && !in_stall_) {
    stalls_->Increment();
    ++stalls_counted_;
  }
  in_stall_ = stalled;
  stall_active_->Set(stalled ? 1 : 0);
  current_stall_->Set(stalled ? NsToSeconds(oldest_age_ns) : 0);
}

void RunMetrics::OnEvent(const report::Event& e) {
  const auto changes = FaultGaugeChangesFor(e.kind, e.action, e.node, e.ok);
  if (changes.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (const FaultGaugeChange& c : changes) {
    auto it = fault_active_.find({c.action, c.node});
    if (it == fault_active_.end()) {
      if (c.value == 0) continue;  // never in force: nothing to clear
      it = fault_active_
               .emplace(std::pair{c.action, c.node},
                        &fault_family_->Add({{"action", c.action}, {"node", c.node}}))
               .first;
    }
    it->second->Set(c.value);
  }
}

void RunMetrics::OnPhase(const std::string& phase) {
  std::lock_guard<std::mutex> lock(mu_);
  if (phase_.find(phase) == phase_.end()) phase_[phase] = &phase_family_->Add({{"phase", phase}});
  for (auto& [name, gauge] : phase_) gauge->Set(name == phase ? 1 : 0);
}

void RunMetrics::OnSyncSample(const report::SyncSample& s) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string state = sync_state_.count(s.state) ? s.state : "unknown";
  for (auto& [name, gauge] : sync_state_) gauge->Set(name == state ? 1 : 0);
  sync_pending_->Set(static_cast<double>(s.pending_entries.value_or(0)));
  sync_bytes_->Set(static_cast<double>(s.out_of_sync_bytes.value_or(0)));
}

void RunMetrics::OnFinish(const report::RunResult& result) {
  std::lock_guard<std::mutex> lock(mu_);
  if (result.stalls.size() > stalls_counted_) {
    stalls_->Increment(static_cast<double>(result.stalls.size() - stalls_counted_));
    stalls_counted_ = result.stalls.size();
  }
}

}  // namespace healbench
