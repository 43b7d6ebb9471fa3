// Probe polling. See probe_poller.h.
#include "harness/run/probe_poller.h"

namespace healbench {

ProbePoller::ProbePoller(std::unique_ptr<SyncProbe> probe, Nanos interval_ns, RunControl* control,
                         EventRecorder* events, PhaseTracker* phases)
    : probe_(std::move(probe)),
      interval_ns_(interval_ns),
      control_(control),
      events_(events),
      phases_(phases) {
  probe_->SetCancel(&cancel_);
}

ProbePoller::~ProbePoller() { Stop(); }

void ProbePoller::Start() {
  thread_ = std::thread([this] { Body(); });
}

void ProbePoller::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cancel_.store(true);
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProbePoller::Body() {
  Nanos next = MonotonicNs();
  SyncState previous = SyncState::kInSync;
  bool first = true;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::nanoseconds(std::max<Nanos>(0, next - MonotonicNs())),
                   [&] { return stop_; });
      if (stop_) return;
    }
    const Nanos taken = MonotonicNs();
    // Cut short by Stop, a reading is "unknown": the run ended without an answer.
    const SyncSample s = probe_->Sample();
    report::SyncSample r;
    r.t_s = NsToSeconds(taken - control_->start_ns);
    r.state = std::string(SyncStateName(s.state));
    r.pending_entries = s.pending_entries;
    r.out_of_sync_bytes = s.out_of_sync_bytes;
    r.estimate = s.estimate;
    r.safe_to_stop = s.safe_to_stop;
    {
      std::lock_guard<std::mutex> lock(mu_);
      samples_.push_back(r);
      latest_ = s;
      latest_ns_ = taken;
      ++count_;
    }
    cv_.notify_all();
    if (observer_) observer_(r);
    // A probe that cannot answer is an event when it starts and when it ends, not each time.
    if ((s.state == SyncState::kUnknown) != (previous == SyncState::kUnknown) ||
        (first && s.state == SyncState::kUnknown)) {
      events_->Add("probe", s.state == SyncState::kUnknown ? "unknown" : "answering", "",
                   s.state != SyncState::kUnknown, probe_->Kind() + ": " + s.detail, taken);
    } else if (s.heal_waiting && (first || previous != s.state)) {
      events_->Add("probe", "heal_waiting", "", true, probe_->Kind() + ": " + s.detail, taken);
    }
    if (s.state == SyncState::kInSync && phases_->Current() == "healing")
      phases_->Enter("recovered", taken);
    previous = s.state;
    first = false;
    next = taken + interval_ns_;
  }
}

std::optional<SyncSample> ProbePoller::LatestSince(Nanos since_ns) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!latest_ || latest_ns_ < since_ns) return std::nullopt;
  return latest_;
}

void ProbePoller::WaitForNext(Nanos until_ns) const {
  std::unique_lock<std::mutex> lock(mu_);
  const std::uint64_t seen = count_;
  cv_.wait_for(lock, std::chrono::nanoseconds(std::max<Nanos>(0, until_ns - MonotonicNs())),
               [&] { return stop_ || count_ != seen; });
}

std::vector<report::SyncSample> ProbePoller::Samples() const {
  std::lock_guard<std::mutex> lock(mu_);
  return samples_;
}

}  // namespace healbench
