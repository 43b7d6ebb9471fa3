// Phase tracking. See phase_tracker.h.
#include "harness/run/phase_tracker.h"

namespace healbench {

PhaseTracker::PhaseTracker(RunControl* control) : control_(control) {
  spans_.push_back({"baseline", 0, 0});
}

void PhaseTracker::Enter(const std::string& name, Nanos now_ns) {
  std::unique_lock<std::mutex> lock(mu_);
  if (spans_.back().name == name) return;
  const Nanos rel = now_ns - control_->start_ns;
  spans_.back().end_ns = rel;
  spans_.push_back({name, rel, 0});
  control_->phase.store(static_cast<std::uint32_t>(spans_.size() - 1), std::memory_order_relaxed);
  lock.unlock();
  if (observer_) observer_(name);
}

std::string PhaseTracker::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return spans_.back().name;
}

std::vector<PhaseSpan> PhaseTracker::Spans(Nanos end_ns) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<PhaseSpan> out = spans_;
  out.back().end_ns = end_ns - control_->start_ns;
  return out;
}

}  // namespace healbench
