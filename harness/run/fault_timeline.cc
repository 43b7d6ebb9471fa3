// Fault timeline. See fault_timeline.h.
#include "harness/run/fault_timeline.h"

#include "harness/core/units.h"
#include "harness/faults/command_runner.h"

namespace healbench {

FaultTimeline::FaultTimeline(std::vector<FaultStep> steps,
                             std::map<std::string, std::unique_ptr<Injector>> injectors,
                             std::uint64_t seed, RunControl* control, EventRecorder* events,
                             PhaseTracker* phases)
    : steps_(std::move(steps)),
      injectors_(std::move(injectors)),
      rng_(seed ^ 0xfa017u),
      control_(control),
      events_(events),
      phases_(phases) {}

FaultTimeline::~FaultTimeline() { Stop(); }

void FaultTimeline::Start() {
  thread_ = std::thread([this] { Body(); });
}

void FaultTimeline::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
}

void FaultTimeline::Stop() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

bool FaultTimeline::SleepUntil(Nanos t) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    const Nanos left = t - MonotonicNs();
    if (left <= 0) return true;
    cv_.wait_for(lock, std::chrono::nanoseconds(std::min<Nanos>(left, 100 * kNsPerMs)));
  }
  return false;
}

void FaultTimeline::Body() {
  Nanos prev_end = control_->start_ns;
  for (const FaultStep& step : steps_) {
    Nanos offset = step.at_ns ? *step.at_ns : step.after_ns.value_or(0);
    if (step.random_ns) {
      std::uniform_int_distribution<Nanos> pick(step.random_ns->first, step.random_ns->second);
      offset = pick(rng_);
    }
    const Nanos due = (step.at_ns ? control_->start_ns : prev_end) + offset;
    if (!SleepUntil(due)) return;
    DoAction(step, "");
    prev_end = MonotonicNs();
    if (aborted_) return;
  }
}

void FaultTimeline::DoAction(const FaultStep& step, std::string_view why) {
  const Nanos begin = MonotonicNs();
  ActionOutcome outcome;
  if (step.action == "command") {
    const CommandSpec spec{step.command.argv, step.command.shell};
    const CommandOutcome o = RunCommand(spec, step.timeout_ns);
    outcome.ok = o.ok;
    outcome.detail = DescribeCommand(spec) + ": " + (o.ok ? "exit 0" : o.error) +
                     (o.output.empty() ? "" : "\n" + o.output);
  } else {
    auto it = injectors_.find(step.node);
    if (it == injectors_.end()) {
      outcome = {false, "no injector for node " + step.node};
    } else {
      outcome = it->second->Do(step.action, step.timeout_ns);
    }
  }
  const Nanos end = MonotonicNs();
  std::string detail = std::string(why) + outcome.detail;
  events_->Add(why.empty() ? "fault" : "undo", step.action, step.node, outcome.ok, detail, begin,
               end);
  if (!outcome.ok) {
    if (step.abort_on_timeout && why.empty()) {
      aborted_ = true;
      events_->Add("run", "abort", "", false,
                   "fault step failed and on_timeout = \"abort\": ending the run", end);
      control_->stop.store(true);
    }
    return;
  }
  if (IsDisruptive(step.action)) {
    in_force_.insert({step.node, step.action});
    phases_->Enter("degraded", end);
  } else {
    for (const char* disruptive : {"disconnect", "partition", "freeze", "kill"}) {
      if (UndoAction(disruptive) == step.action) in_force_.erase({step.node, disruptive});
    }
    // Without a probe nothing says when the replicas are in sync again: recovery is taken
    // to start when the last fault is undone.
    if (!why.empty()) return;
    if (in_force_.empty() && phases_->Current() == "degraded") phases_->Enter("recovered", end);
  }
}

void FaultTimeline::UndoAll() {
  const auto in_force = in_force_;
  for (const auto& [node, action] : in_force) {
    FaultStep undo;
    undo.node = node;
    undo.action = UndoAction(action);
    undo.timeout_ns = 30 * kNsPerSec;
    auto it = injectors_.find(node);
    if (it != injectors_.end() && !it->second->CannotDo(undo.action).empty()) {
      events_->Add("undo", undo.action, node, false,
                   "left in force at the end of the run (" + action +
                       "): " + it->second->CannotDo(undo.action),
                   MonotonicNs());
      continue;
    }
    DoAction(undo, "end of run: undoing " + action + ": ");
  }
}

}  // namespace healbench
