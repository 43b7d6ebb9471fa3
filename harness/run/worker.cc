// Worker event loop. See worker.h for the shape; the comments here say why.
#include "harness/run/worker.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>

#include "workloads/block_stamp.h"
#include "workloads/image_stream.h"
#include "workloads/verify_journal.h"

namespace healbench {

namespace {
// Upper bound on one wait for completions: the loop must come round often enough to close
// intervals, publish the oldest in-flight age and notice the end of the run.
constexpr Nanos kMaxWaitNs = 10 * kNsPerMs;
// After cancelling abandoned I/O, how long to wait for the kernel to give the buffers back.
constexpr Nanos kCancelWaitNs = 200 * kNsPerMs;

// What abandoned I/O still owns (its ring and buffers) is parked here for the life of the
// process: the kernel may write into it whenever the stuck I/O returns, so it is never
// freed, and keeping it reachable tells leak checkers this is on purpose.
struct Graveyard {
  std::mutex mu;
  std::vector<std::unique_ptr<BackendQueue>> queues;
  std::vector<void*> buffers;
};
Graveyard& Abandoned() {
  static auto* g = new Graveyard;  // never destroyed, on purpose
  return *g;
}

void* AlignedAlloc(std::size_t alignment, std::size_t bytes) {
  void* p = nullptr;
  if (posix_memalign(&p, std::max<std::size_t>(alignment, 64), bytes) != 0) return nullptr;
  return p;
}
}  // namespace

struct Worker::Impl {
  struct Slot {
    Nanos intended_ns = 0;
    Nanos submit_ns = 0;
    OpKind op = OpKind::kRead;
    std::uint32_t local_image = 0;
    std::uint32_t length = 0;
    bool busy = false;
    std::uint64_t offset = 0;
    std::uint32_t generation = 0;  // verify: the write's generation
  };
  struct Pending {
    IoSpec spec;
    Nanos intended_ns = 0;
  };
  struct ImageState {
    std::uint32_t global = 0;
    ImageStream stream;
    std::optional<ArrivalSchedule> arrivals;
    Nanos next_arrival_ns = 0;  // absolute
    std::optional<Pending> pending;
    std::uint32_t inflight = 0;
    std::uint32_t inflight_writes = 0;
  };

  std::unique_ptr<BackendQueue> queue;
  std::vector<void*> read_buffers, write_buffers;
  std::uint32_t buffer_bytes = 0;
  std::vector<Slot> slots;
  std::vector<std::uint32_t> free_slots;
  std::vector<ImageState> images;
  std::vector<IoRequest> batch;
  std::vector<IoCompletion> completions;
  IntervalReport current;
  Nanos next_interval_end_ns = 0;
  Nanos last_oldest_scan_ns = 0;
  JournalWriter journal;  // verify only
  std::uint32_t fault_epoch_seen = 0;
  std::uint32_t fault_end_epoch_seen = 0;
  bool leak = false;  // abandoned I/O still owns the buffers: never free them

  ~Impl() {
    if (leak) {
      Graveyard& g = Abandoned();
      std::lock_guard<std::mutex> lock(g.mu);
      g.queues.push_back(std::move(queue));
      g.buffers.insert(g.buffers.end(), read_buffers.begin(), read_buffers.end());
      g.buffers.insert(g.buffers.end(), write_buffers.begin(), write_buffers.end());
      return;
    }
    queue.reset();
    for (void* b : read_buffers) free(b);
    for (void* b : write_buffers) free(b);
  }
};

Worker::Worker(WorkerConfig config, Backend* backend, RunControl* control)
    : impl_(std::make_unique<Impl>()),
      config_(std::move(config)),
      backend_(backend),
      control_(control),
      stalls_(config_.stall_threshold_ns, control->start_ns) {}

Worker::~Worker() = default;

std::vector<IntervalReport> Worker::TakeIntervals() {
  std::lock_guard<std::mutex> lock(mailbox_mu_);
  std::vector<IntervalReport> out;
  out.swap(mailbox_);
  return out;
}

void Worker::Run() {
  Impl& s = *impl_;
  const WorkloadParams& p = config_.params;
  const std::uint32_t images = static_cast<std::uint32_t>(config_.images.size());
  const std::uint32_t depth = p.iodepth * images;

  auto fail = [&](Error e) {
    failure_ = std::move(e);
    done_.store(true, std::memory_order_release);
  };

  auto queue = backend_->NewQueue(config_.images, depth);
  if (!queue.ok()) return fail(queue.error());
  s.queue = std::move(*queue);

  // Buffers: one read and one write buffer per slot, aligned, write data random so no
  // layer below can compress or deduplicate it away.
  std::uint32_t max_bs = 0;
  for (const BlockSizeWeight& b : p.bs) max_bs = std::max(max_bs, b.bytes);
  s.buffer_bytes = (max_bs + config_.alignment - 1) / config_.alignment * config_.alignment;
  std::mt19937_64 fill(config_.seed ^ 0x5bd1e995u);
  std::vector<void*> all;
  for (std::uint32_t i = 0; i < depth; ++i) {
    void* r = AlignedAlloc(config_.alignment, s.buffer_bytes);
    void* w = AlignedAlloc(config_.alignment, s.buffer_bytes);
    if (r == nullptr || w == nullptr) {
      free(r);
      free(w);
      return fail(MakeError(ErrorCode::kIo, "allocating I/O buffers: out of memory"));
    }
    std::memset(r, 0, s.buffer_bytes);
    auto* words = static_cast<std::uint64_t*>(w);
    for (std::size_t k = 0; k < s.buffer_bytes / 8; ++k) words[k] = fill();
    s.read_buffers.push_back(r);
    s.write_buffers.push_back(w);
  }
  all.insert(all.end(), s.read_buffers.begin(), s.read_buffers.end());
  all.insert(all.end(), s.write_buffers.begin(), s.write_buffers.end());
  if (auto rc = s.queue->RegisterBuffers(all, s.buffer_bytes); !rc.ok()) return fail(rc.error());

  s.slots.resize(depth);
  for (std::uint32_t i = depth; i > 0; --i) s.free_slots.push_back(i - 1);
  s.batch.reserve(depth);
  s.completions.resize(depth);

  const Nanos start = control_->start_ns;
  for (std::uint32_t g : config_.images) {
    Impl::ImageState st{
        g,  ImageStream(p, g, config_.image_sizes[g], config_.alignment, config_.seed),
        {}, start,
        {}, 0,
        0};
    if (config_.rate_per_image) {
      st.arrivals.emplace(*config_.rate_per_image, p.spacing,
                          config_.seed ^ (0x9e3779b97f4a7c15ull * (g + 1)));
      st.next_arrival_ns = start + st.arrivals->NextNs();
    }
    s.images.push_back(std::move(st));
  }
  if (config_.verify) {
    for (std::uint32_t g : config_.images) verifiers_.emplace_back(g, config_.run_id);
    if (!config_.journal_path.empty()) {
      if (auto rc = s.journal.Open(config_.journal_path, config_.run_id); !rc.ok())
        return fail(rc.error());
    }
    s.fault_epoch_seen = control_->fault_epoch.load(std::memory_order_relaxed);
    s.fault_end_epoch_seen = control_->fault_end_epoch.load(std::memory_order_relaxed);
  }
  phases_.resize(1);
  s.next_interval_end_ns = start + config_.interval_ns;
  std::uint32_t inflight = 0;

  auto close_intervals = [&](Nanos now) {
    while (now >= s.next_interval_end_ns) {
      {
        std::lock_guard<std::mutex> lock(mailbox_mu_);
        mailbox_.push_back(s.current);
      }
      const std::int64_t next = s.current.index + 1;
      s.current = IntervalReport{};
      s.current.index = next;
      s.current.inflight_max = inflight;
      s.next_interval_end_ns += config_.interval_ns;
      if (s.journal.is_open() && !s.journal.Flush() && first_io_error_.empty())
        first_io_error_ = s.journal.error();
    }
  };

  // Verify: a write's outcome goes to its image's record and the journal.
  auto record_write = [&](const Impl::Slot& sl, bool acked) {
    verifiers_[sl.local_image].OnWriteDone(sl.offset, sl.length, sl.generation, acked);
    s.journal.Append({acked ? JournalKind::kAcked : JournalKind::kUncertain,
                      s.images[sl.local_image].global, sl.offset, sl.length, sl.generation});
  };
  // Verify: a fault began or was undone since the last look; writes issued from now on are
  // after it.
  auto note_faults = [&] {
    const std::uint32_t epoch = control_->fault_epoch.load(std::memory_order_relaxed);
    const std::uint32_t end_epoch = control_->fault_end_epoch.load(std::memory_order_relaxed);
    if (epoch != s.fault_epoch_seen) {
      s.fault_epoch_seen = epoch;
      for (ImageVerifier& v : verifiers_)
        s.journal.Append({JournalKind::kFault, v.image(), 0, 0, v.OnFault()});
    }
    if (end_epoch != s.fault_end_epoch_seen) {
      s.fault_end_epoch_seen = end_epoch;
      for (ImageVerifier& v : verifiers_)
        s.journal.Append({JournalKind::kFaultEnd, v.image(), 0, 0, v.OnFaultEnd()});
    }
  };
  // Verify: two I/Os on one image that overlap, one of them a write, never fly together,
  // so a read's expected content is known exactly.
  auto overlaps_inflight = [&](std::uint32_t local, const IoSpec& spec) {
    if (spec.op == OpKind::kFlush) return false;
    const bool write = spec.op != OpKind::kRead;
    for (const Impl::Slot& sl : s.slots) {
      if (!sl.busy || sl.local_image != local || sl.op == OpKind::kFlush) continue;
      if (!write && sl.op == OpKind::kRead) continue;
      if (sl.offset < spec.offset + spec.length && spec.offset < sl.offset + sl.length) return true;
    }
    return false;
  };

  auto publish = [&](Nanos now) {
    inflight_.store(inflight, std::memory_order_relaxed);
    if (now - s.last_oldest_scan_ns < kNsPerMs && inflight > 0) return;
    s.last_oldest_scan_ns = now;
    Nanos oldest = INT64_MAX;
    for (const Impl::Slot& sl : s.slots) {
      if (sl.busy && sl.submit_ns < oldest) oldest = sl.submit_ns;
    }
    oldest_submit_ns_.store(oldest, std::memory_order_relaxed);
  };

  auto on_completion = [&](const IoCompletion& c, Nanos now) {
    const auto slot_index = static_cast<std::uint32_t>(c.tag);
    Impl::Slot& sl = s.slots[slot_index];
    Impl::ImageState& im = s.images[sl.local_image];
    const int op = ReportedOpIndex(sl.op);
    --inflight;
    --im.inflight;
    if (sl.op == OpKind::kWrite || sl.op == OpKind::kDiscard) --im.inflight_writes;
    sl.busy = false;
    s.free_slots.push_back(slot_index);

    const std::uint32_t phase = control_->phase.load(std::memory_order_relaxed);
    if (phase >= phases_.size()) phases_.resize(phase + 1);
    PhaseStats& ps = phases_[phase];
    stalls_.OnCompletion(sl.submit_ns, now, sl.op, im.global);
    if (config_.verify) {
      if (sl.op == OpKind::kWrite) {
        record_write(sl, c.result == static_cast<std::int64_t>(sl.length));
      } else if (sl.op == OpKind::kRead && c.result > 0) {
        const auto bytes = static_cast<std::size_t>(c.result);
        verifiers_[sl.local_image].CheckRead(
            sl.offset, {static_cast<const std::uint8_t*>(s.read_buffers[slot_index]), bytes},
            &verify_counts_);
      }
    }
    if (c.result < 0) {
      ++ps.ops[op].errors;
      ++s.current.ops[op].errors;
      if (first_io_error_.empty()) {
        first_io_error_ = std::string(OpName(sl.op)) + " on image " + std::to_string(im.global) +
                          ": " + std::strerror(static_cast<int>(-c.result)) + " [errno " +
                          std::to_string(-c.result) + "]";
      }
      return;
    }
    const Nanos latency = now - sl.intended_ns;
    ps.latency[op].Record(latency);
    ps.service[op].Record(now - sl.submit_ns);
    ++ps.ops[op].ios;
    ps.ops[op].bytes += static_cast<std::uint64_t>(c.result);
    ++s.current.ops[op].ios;
    s.current.ops[op].bytes += static_cast<std::uint64_t>(c.result);
    s.current.latency[op].Record(latency);
  };

  // Submits the batch (if any) and reaps, in one backend call: one system call per round
  // where the backend can do both at once. The completion time of the whole batch is read
  // right after the call returns.
  auto submit_and_reap = [&](std::span<const IoRequest> submit, std::size_t min_complete,
                             Nanos timeout) -> bool {
    auto n = s.queue->SubmitAndReap(submit, s.completions, min_complete, timeout);
    if (!n.ok()) {
      failure_ = n.error();
      return false;
    }
    const Nanos now = MonotonicNs();
    for (std::size_t i = 0; i < *n; ++i) on_completion(s.completions[i], now);
    return true;
  };

  // Main loop: fill, submit, reap.
  while (true) {
    Nanos now = MonotonicNs();
    if (control_->stop.load(std::memory_order_relaxed) ||
        now >= control_->end_ns.load(std::memory_order_relaxed))
      break;
    close_intervals(now);
    if (config_.verify) note_faults();

    s.batch.clear();
    Nanos next_event = now + kMaxWaitNs;
    for (std::uint32_t li = 0; li < images; ++li) {
      Impl::ImageState& im = s.images[li];
      while (im.inflight < p.iodepth && !s.free_slots.empty()) {
        if (!im.pending) {
          Nanos intended = now;
          if (im.arrivals) {
            if (im.next_arrival_ns > now) {
              next_event = std::min(next_event, im.next_arrival_ns);
              break;
            }
            intended = im.next_arrival_ns;
            im.next_arrival_ns = start + im.arrivals->NextNs();
          }
          im.pending = Impl::Pending{im.stream.Next(), intended};
        }
        const IoSpec& spec = im.pending->spec;
        // A flush is a barrier, as a guest's is: it goes out once the writes before it finished.
        if (spec.op == OpKind::kFlush && im.inflight_writes > 0) break;
        if (config_.verify && overlaps_inflight(li, spec)) break;
        const std::uint32_t slot_index = s.free_slots.back();
        s.free_slots.pop_back();
        Impl::Slot& sl = s.slots[slot_index];
        sl = Impl::Slot{
            im.pending->intended_ns, now, spec.op, li, spec.length, true, spec.offset, 0};
        const bool write = spec.op == OpKind::kWrite;
        if (config_.verify && write) {
          sl.generation = verifiers_[li].NextGeneration();
          StampBlocks({static_cast<std::uint8_t*>(s.write_buffers[slot_index]), spec.length},
                      {config_.run_id, im.global, spec.offset, sl.generation});
        }
        IoRequest req;
        req.tag = slot_index;
        req.image = im.global;
        req.op = spec.op;
        req.offset = spec.offset;
        req.length = spec.length;
        req.buffer = write ? s.write_buffers[slot_index] : s.read_buffers[slot_index];
        req.buffer_index = static_cast<std::int32_t>(write ? depth + slot_index : slot_index);
        s.batch.push_back(req);
        ++im.inflight;
        ++inflight;
        if (write || spec.op == OpKind::kDiscard) ++im.inflight_writes;
        im.pending.reset();
      }
    }
    s.current.inflight_max = std::max(s.current.inflight_max, inflight);
    publish(now);

    next_event = std::min(
        {next_event, s.next_interval_end_ns, control_->end_ns.load(std::memory_order_relaxed)});
    const Nanos wait = std::max<Nanos>(0, next_event - MonotonicNs());
    if (inflight == 0) {  // so the batch is empty too
      std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
      continue;
    }
    if (!submit_and_reap(s.batch, 1, wait)) break;
    publish(MonotonicNs());
  }

  // Drain: give in-flight I/O a bounded time to finish, then abandon what is left.
  const Nanos drain_deadline = MonotonicNs() + config_.drain_timeout_ns;
  while (inflight > 0 && !failure_) {
    const Nanos left = drain_deadline - MonotonicNs();
    if (left <= 0) break;
    if (!submit_and_reap({}, 1, std::min(left, kMaxWaitNs))) break;
    publish(MonotonicNs());
  }
  Nanos end = MonotonicNs();
  if (inflight > 0) {
    for (const Impl::Slot& sl : s.slots) {
      if (sl.busy) stalls_.OnNeverCompleted(sl.submit_ns, sl.op, s.images[sl.local_image].global);
      // Never acknowledged: the block may hold this write or the one before.
      if (sl.busy && config_.verify && sl.op == OpKind::kWrite) record_write(sl, false);
    }
    abandoned_ = inflight;
    s.queue->CancelAll();
    const Nanos cancel_deadline = MonotonicNs() + kCancelWaitNs;
    std::uint32_t left = inflight;
    while (left > 0 && MonotonicNs() < cancel_deadline) {
      auto n = s.queue->Reap(s.completions, 1, kMaxWaitNs);
      if (!n.ok()) break;
      left -= static_cast<std::uint32_t>(std::min<std::size_t>(*n, left));
    }
    s.leak = left > 0;
  }
  close_intervals(end);
  s.journal.Close();
  {
    std::lock_guard<std::mutex> lock(mailbox_mu_);
    mailbox_.push_back(s.current);
  }
  stalls_.Finish(end);
  inflight_.store(0, std::memory_order_relaxed);
  oldest_submit_ns_.store(INT64_MAX, std::memory_order_relaxed);
  done_.store(true, std::memory_order_release);
}

}  // namespace healbench
