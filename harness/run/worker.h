// A worker thread: owns a set of images, one backend queue and one event loop. It asks
// each image's stream for the next I/O, keeps every image's queue depth full (closed loop)
// or issues at scheduled times (open loop), reaps completions with a bounded wait, and
// records each latency in its own histograms and stall recorder — no locks on the I/O path.
// Finished intervals are handed to the sampler through a small mailbox, once per interval.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "harness/core/latency_histogram.h"
#include "harness/core/stall_detector.h"
#include "harness/run/run_clock.h"
#include "workloads/verify_tracker.h"
#include "workloads/workload_params.h"

namespace healbench {

struct OpCounters {
  std::uint64_t ios = 0, bytes = 0, errors = 0;
};

// Per phase, per reported op (read, write, flush).
struct PhaseStats {
  OpCounters ops[kReportedOps];
  LatencyHistogram latency[kReportedOps];  // from intended issue time (open loop) or submit
  LatencyHistogram service[kReportedOps];  // from actual submit
};

// What one worker did in one interval.
struct IntervalReport {
  std::int64_t index = 0;  // interval number from run start
  OpCounters ops[kReportedOps];
  LatencyHistogram latency[kReportedOps];  // per op, as ops[]
  std::uint32_t inflight_max = 0;
};

struct WorkerConfig {
  int index = 0;
  std::vector<std::uint32_t> images;       // run-wide image indexes
  std::vector<std::uint64_t> image_sizes;  // bytes, by run-wide index
  WorkloadParams params;
  std::uint32_t alignment = 4096;
  std::uint64_t seed = 0;
  Nanos interval_ns = kNsPerSec;
  Nanos stall_threshold_ns = 500 * kNsPerMs;
  Nanos drain_timeout_ns = 2 * kNsPerSec;
  std::optional<double> rate_per_image;  // open loop: IOPS per image
  // workload.verify: stamp every written 4 KiB block, check every read, journal outcomes.
  bool verify = false;
  std::uint64_t run_id = 0;  // stamped into every block (with verify)
  std::string journal_path;  // verify journal of this worker (empty: none)
};

class Worker {
 public:
  Worker(WorkerConfig config, Backend* backend, RunControl* control);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // The thread body. Returns when the run stops and in-flight I/O drained or timed out.
  void Run();

  // Live values for the sampler (relaxed atomics).
  std::uint32_t Inflight() const { return inflight_.load(std::memory_order_relaxed); }
  // Submit time of the oldest I/O in flight, or INT64_MAX when none.
  Nanos OldestSubmitNs() const { return oldest_submit_ns_.load(std::memory_order_relaxed); }
  bool Done() const { return done_.load(std::memory_order_acquire); }

  // Finished interval reports since the last call.
  std::vector<IntervalReport> TakeIntervals();

  // After Run() returned:
  const std::vector<PhaseStats>& phases() const { return phases_; }
  const StallRecorder& stalls() const { return stalls_; }
  const std::optional<Error>& failure() const { return failure_; }  // setup or backend failure
  const std::string& first_io_error() const { return first_io_error_; }
  std::uint32_t abandoned() const { return abandoned_; }  // I/Os that never completed
  // With verify: what reads during the run found, and per own image what was written.
  const IntegrityCounts& verify_counts() const { return verify_counts_; }
  std::vector<ImageVerifier>& verifiers() { return verifiers_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  WorkerConfig config_;
  Backend* backend_;
  RunControl* control_;
  std::atomic<std::uint32_t> inflight_{0};
  std::atomic<Nanos> oldest_submit_ns_{INT64_MAX};
  std::atomic<bool> done_{false};
  std::mutex mailbox_mu_;
  std::vector<IntervalReport> mailbox_;
  std::vector<PhaseStats> phases_;
  StallRecorder stalls_;
  std::optional<Error> failure_;
  std::string first_io_error_;
  std::uint32_t abandoned_ = 0;
  IntegrityCounts verify_counts_;
  std::vector<ImageVerifier> verifiers_;  // by local image index
};

}  // namespace healbench
