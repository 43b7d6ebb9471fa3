// The worker's event loop on the null backend, alone and behind a test-only wrapper backend
// that can hold back write completions, or lose one I/O for good (fault injection is a
// wrapper, never ifs in real code). Shows: the closed loop keeps iodepth full and its counts
// add up; a held write is a stall in the worker's StallRecorder; a flush waits for the
// writes of its image (barrier); an I/O that never completes is abandoned after the drain
// timeout and reported, and Run() still returns.
#include "harness/run/worker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <unordered_map>
#include <vector>

#include "backends/null/null_backend.h"

namespace healbench {
namespace {

constexpr std::uint64_t kImageBytes = 64 << 20;

// Shared between the test thread (the atomics) and the worker thread (the rest, read only
// after Run() returned).
struct Probe {
  // Controls, set by the test thread.
  std::atomic<bool> hold_writes{false};
  std::atomic<std::uint32_t> hold_image{0};         // which image's writes are held
  std::atomic<std::uint64_t> lose_nth{UINT64_MAX};  // this submitted I/O (0-based) never completes
  // Live, read by the test thread.
  std::atomic<std::uint32_t> held{0};
  std::atomic<std::uint64_t> flushes_while_holding_other_image{0};
  // Worker thread only.
  std::uint32_t depth = 0;
  std::uint64_t submitted = 0;
  std::uint64_t submitted_by_op[kOpKinds] = {};
  std::uint64_t completed_by_op[kOpKinds] = {};
  std::uint64_t submits = 0;
  std::uint64_t submits_leaving_queue_short = 0;  // Submit calls after which in-flight < depth
  std::uint32_t max_inflight = 0;
  std::uint64_t flushes_with_write_inflight = 0;  // barrier violations
};

class HoldingQueue final : public BackendQueue {
 public:
  HoldingQueue(std::unique_ptr<BackendQueue> inner, Probe* probe)
      : inner_(std::move(inner)), probe_(probe) {}

  Result<void> RegisterBuffers(std::span<void* const> buffers, std::uint32_t bytes) override {
    return inner_->RegisterBuffers(buffers, bytes);
  }

  Result<void> Submit(std::span<const IoRequest> requests) override {
    for (const IoRequest& r : requests) {
      if (r.op == OpKind::kFlush) {
        if (writes_inflight_[r.image] > 0) ++probe_->flushes_with_write_inflight;
        if (probe_->hold_writes.load() && r.image != probe_->hold_image.load()) {
          probe_->flushes_while_holding_other_image.fetch_add(1);
        }
      }
      if (r.op == OpKind::kWrite || r.op == OpKind::kDiscard) ++writes_inflight_[r.image];
      if (probe_->submitted == probe_->lose_nth.load()) lost_tags_.push_back(r.tag);
      ++probe_->submitted;
      ++probe_->submitted_by_op[static_cast<int>(r.op)];
      inflight_[r.tag] = r;
    }
    ++probe_->submits;
    const auto n = static_cast<std::uint32_t>(inflight_.size());
    probe_->max_inflight = std::max(probe_->max_inflight, n);
    if (n < probe_->depth) ++probe_->submits_leaving_queue_short;
    return inner_->Submit(requests);
  }

  Result<std::size_t> Reap(std::span<IoCompletion> out, std::size_t min_complete,
                           Nanos timeout_ns) override {
    std::size_t n = 0;
    if (!probe_->hold_writes.load()) {
      while (!held_.empty() && n < out.size()) {
        Deliver(held_.back(), &out[n++]);
        held_.pop_back();
      }
      probe_->held.store(0);
    }
    scratch_.resize(out.size() - n);
    auto got = inner_->Reap(scratch_, 0, 0);
    if (!got.ok()) return got.error();
    for (std::size_t i = 0; i < *got; ++i) {
      const IoCompletion& c = scratch_[i];
      const IoRequest& r = inflight_.at(c.tag);
      if (std::find(lost_tags_.begin(), lost_tags_.end(), c.tag) != lost_tags_.end()) continue;
      if (probe_->hold_writes.load() && r.op == OpKind::kWrite &&
          r.image == probe_->hold_image.load()) {
        held_.push_back(c);
        probe_->held.store(static_cast<std::uint32_t>(held_.size()));
        continue;
      }
      Deliver(c, &out[n++]);
    }
    // Nothing to hand out: wait as a real backend would, briefly, so the loop does not spin.
    if (n == 0 && min_complete > 0 && timeout_ns > 0) {
      std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<Nanos>(timeout_ns, kNsPerMs)));
    }
    return n;
  }

  // The lost I/O stays lost, as one stuck in a frozen server would.
  void CancelAll() override {}

 private:
  void Deliver(const IoCompletion& c, IoCompletion* out) {
    const IoRequest r = inflight_.at(c.tag);
    inflight_.erase(c.tag);
    if (r.op == OpKind::kWrite || r.op == OpKind::kDiscard) --writes_inflight_[r.image];
    ++probe_->completed_by_op[static_cast<int>(r.op)];
    *out = c;
  }

  std::unique_ptr<BackendQueue> inner_;
  Probe* probe_;
  std::unordered_map<std::uint64_t, IoRequest> inflight_;             // by tag, until handed out
  std::unordered_map<std::uint32_t, std::uint32_t> writes_inflight_;  // by image
  std::vector<IoCompletion> held_;
  std::vector<std::uint64_t> lost_tags_;
  std::vector<IoCompletion> scratch_;
};

class HoldingBackend final : public Backend {
 public:
  HoldingBackend(std::unique_ptr<Backend> inner, Probe* probe)
      : inner_(std::move(inner)), probe_(probe) {}
  std::string Kind() const override { return "holding(" + inner_->Kind() + ")"; }
  Capabilities Caps() const override { return inner_->Caps(); }
  Result<std::vector<ImageInfo>> Prepare(const std::vector<ImageSpec>& images) override {
    return inner_->Prepare(images);
  }
  Result<std::unique_ptr<BackendQueue>> NewQueue(const std::vector<std::uint32_t>& images,
                                                 std::uint32_t depth) override {
    auto q = inner_->NewQueue(images, depth);
    if (!q.ok()) return q.error();
    probe_->depth = depth;
    return std::unique_ptr<BackendQueue>(std::make_unique<HoldingQueue>(std::move(*q), probe_));
  }

 private:
  std::unique_ptr<Backend> inner_;
  Probe* probe_;
};

WorkloadParams Params(double read_pct, std::uint32_t iodepth, std::uint32_t fsync_every) {
  WorkloadParams p;
  p.profile = "test";
  p.bs = {{4096, 1}};
  p.read_pct = read_pct;
  p.random_pct = 100;
  p.iodepth = iodepth;
  p.fsync_every = fsync_every;
  return p;
}

WorkerConfig Config(const WorkloadParams& p, std::uint32_t images) {
  WorkerConfig c;
  for (std::uint32_t i = 0; i < images; ++i) {
    c.images.push_back(i);
    c.image_sizes.push_back(kImageBytes);
  }
  c.params = p;
  c.alignment = 4096;
  c.seed = 42;
  c.interval_ns = 50 * kNsPerMs;
  c.stall_threshold_ns = 100 * kNsPerMs;
  c.drain_timeout_ns = 100 * kNsPerMs;
  return c;
}

// A run of the worker on its own thread, stopped by the test.
class RunningWorker {
 public:
  RunningWorker(WorkerConfig config, Backend* backend, Nanos duration_ns) {
    control_.start_ns = MonotonicNs();
    control_.end_ns.store(control_.start_ns + duration_ns);
    worker_ = std::make_unique<Worker>(std::move(config), backend, &control_);
    thread_ = std::thread([this] { worker_->Run(); });
  }
  ~RunningWorker() { Join(); }
  RunningWorker(const RunningWorker&) = delete;
  RunningWorker& operator=(const RunningWorker&) = delete;

  void Stop() { control_.stop.store(true); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  Worker& worker() { return *worker_; }
  const RunControl& control() const { return control_; }

 private:
  RunControl control_;
  std::unique_ptr<Worker> worker_;
  std::thread thread_;
};

// Polls until cond() holds or timeout passes; returns cond().
template <typename Cond>
bool WaitFor(Cond cond, Nanos timeout_ns) {
  const Nanos deadline = MonotonicNs() + timeout_ns;
  while (!cond() && MonotonicNs() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return cond();
}

TEST(Worker, ClosedLoopKeepsIodepthFullAndCountsAddUp) {
  Probe probe;
  HoldingBackend backend(MakeNullBackend(), &probe);
  ASSERT_TRUE(backend.Prepare({{"vm-0", kImageBytes}}).ok());
  RunningWorker run(Config(Params(50, 8, 0), 1), &backend, 200 * kNsPerMs);
  run.Join();
  Worker& w = run.worker();
  ASSERT_FALSE(w.failure().has_value()) << w.failure()->message;
  EXPECT_TRUE(w.Done());
  EXPECT_EQ(w.abandoned(), 0u);

  // Every submit left the queue at full depth.
  EXPECT_EQ(probe.depth, 8u);
  EXPECT_GT(probe.submits, 10u);
  EXPECT_EQ(probe.submits_leaving_queue_short, 0u);
  EXPECT_EQ(probe.max_inflight, 8u);

  // Per op: completed == counted in the phase == summed over the interval reports.
  const std::vector<IntervalReport> intervals = w.TakeIntervals();
  ASSERT_FALSE(intervals.empty());
  ASSERT_EQ(w.phases().size(), 1u);
  const PhaseStats& ph = w.phases()[0];
  std::uint64_t total = 0;
  for (OpKind op : {OpKind::kRead, OpKind::kWrite}) {
    const int k = ReportedOpIndex(op);
    const std::uint64_t completed = probe.completed_by_op[static_cast<int>(op)];
    EXPECT_GT(completed, 0u) << OpName(op);
    EXPECT_EQ(completed, probe.submitted_by_op[static_cast<int>(op)]) << OpName(op);
    EXPECT_EQ(ph.ops[k].ios, completed) << OpName(op);
    EXPECT_EQ(ph.ops[k].errors, 0u) << OpName(op);
    EXPECT_EQ(ph.ops[k].bytes, completed * 4096) << OpName(op);
    EXPECT_EQ(ph.latency[k].Count(), completed) << OpName(op);
    std::uint64_t in_intervals = 0;
    for (const IntervalReport& r : intervals) in_intervals += r.ops[k].ios;
    EXPECT_EQ(in_intervals, completed) << OpName(op);
    total += completed;
  }
  EXPECT_EQ(ph.ops[ReportedOpIndex(OpKind::kFlush)].ios, 0u);
  EXPECT_EQ(w.stalls().completions(), total);
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    EXPECT_EQ(intervals[i].index, static_cast<std::int64_t>(i));
  }
}

TEST(Worker, HeldWriteIsAStall) {
  Probe probe;
  probe.hold_writes = true;
  HoldingBackend backend(MakeNullBackend(), &probe);
  RunningWorker run(Config(Params(50, 4, 0), 1), &backend, 5 * kNsPerSec);
  ASSERT_TRUE(WaitFor([&] { return probe.held.load() > 0; }, kNsPerSec));
  const Nanos held_seen = MonotonicNs();
  // The live view: the oldest in-flight I/O is at least as old as the held write.
  EXPECT_TRUE(WaitFor(
      [&] { return MonotonicNs() - run.worker().OldestSubmitNs() >= 250 * kNsPerMs; }, kNsPerSec));
  while (MonotonicNs() - held_seen < 250 * kNsPerMs) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  probe.hold_writes = false;
  ASSERT_TRUE(WaitFor([&] { return probe.held.load() == 0; }, kNsPerSec));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  run.Stop();
  run.Join();
  Worker& w = run.worker();
  ASSERT_FALSE(w.failure().has_value()) << w.failure()->message;
  EXPECT_EQ(w.abandoned(), 0u);

  // The held writes were in flight from before held_seen until after the release: each is a
  // slow write, completed, longer than 250 ms.
  std::size_t slow_writes = 0;
  for (const SlowIo& s : w.stalls().slow_ios()) {
    if (s.op != OpKind::kWrite) continue;
    ++slow_writes;
    EXPECT_NE(s.end_ns, -1);
    EXPECT_LT(s.start_ns, held_seen);
    EXPECT_GT(s.end_ns - s.start_ns, 250 * kNsPerMs);
    EXPECT_EQ(s.image, 0u);
  }
  EXPECT_GE(slow_writes, 1u);
  const StallReport report = AnalyzeStalls({&w.stalls()}, 1, run.control().end_ns.load());
  ASSERT_FALSE(report.per_op[ReportedOpIndex(OpKind::kWrite)].empty());
  EXPECT_GT(report.per_op[ReportedOpIndex(OpKind::kWrite)][0].end_ns -
                report.per_op[ReportedOpIndex(OpKind::kWrite)][0].start_ns,
            250 * kNsPerMs);
}

TEST(Worker, FlushWaitsForTheWritesOfItsImage) {
  Probe probe;
  probe.hold_writes = true;
  probe.hold_image = 0;
  HoldingBackend backend(MakeNullBackend(), &probe);
  // Two images, a flush after every write.
  RunningWorker run(Config(Params(50, 4, 1), 2), &backend, 5 * kNsPerSec);
  ASSERT_TRUE(WaitFor([&] { return probe.held.load() > 0; }, kNsPerSec));
  // Image 1 goes on flushing while a write of image 0 is held.
  EXPECT_TRUE(
      WaitFor([&] { return probe.flushes_while_holding_other_image.load() >= 10; }, kNsPerSec));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  probe.hold_writes = false;
  ASSERT_TRUE(WaitFor([&] { return probe.held.load() == 0; }, kNsPerSec));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  run.Stop();
  run.Join();
  Worker& w = run.worker();
  ASSERT_FALSE(w.failure().has_value()) << w.failure()->message;
  EXPECT_EQ(probe.flushes_with_write_inflight, 0u)
      << "a flush went out while a write of its image was in flight";
  EXPECT_GT(probe.submitted_by_op[static_cast<int>(OpKind::kFlush)], 10u);
  EXPECT_GT(w.phases()[0].ops[ReportedOpIndex(OpKind::kFlush)].ios, 0u);
}

TEST(Worker, IoThatNeverCompletesIsAbandonedAfterTheDrainTimeout) {
  Probe probe;
  probe.lose_nth = 20;
  HoldingBackend backend(MakeNullBackend(), &probe);
  const WorkerConfig config = Config(Params(100, 4, 0), 1);
  const Nanos duration = 200 * kNsPerMs;
  RunningWorker run(config, &backend, duration);
  run.Join();
  const Nanos returned = MonotonicNs();
  Worker& w = run.worker();
  ASSERT_FALSE(w.failure().has_value()) << w.failure()->message;
  EXPECT_TRUE(w.Done());
  EXPECT_EQ(w.abandoned(), 1u);
  EXPECT_EQ(w.Inflight(), 0u);
  EXPECT_EQ(w.OldestSubmitNs(), INT64_MAX);
  // Bounded: planned end + drain timeout + the worker's wait for cancellations (200 ms), with
  // generous slack for a loaded machine; a hang would be seconds more.
  EXPECT_LT(returned - run.control().end_ns.load(),
            config.drain_timeout_ns + 200 * kNsPerMs + 2 * kNsPerSec);

  std::size_t never = 0;
  for (const SlowIo& s : w.stalls().slow_ios()) {
    if (s.end_ns != -1) continue;
    ++never;
    EXPECT_EQ(s.op, OpKind::kRead);
    EXPECT_EQ(s.image, 0u);
    EXPECT_GE(s.start_ns, run.control().start_ns);
  }
  EXPECT_EQ(never, 1u);
  EXPECT_TRUE(w.stalls().finished());
  // The rest of the run completed normally.
  EXPECT_GT(w.phases()[0].ops[ReportedOpIndex(OpKind::kRead)].ios, 20u);
}

}  // namespace
}  // namespace healbench
