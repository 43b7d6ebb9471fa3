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
      phases_(phases) {
  for (auto& [name, injector] : injectors_) injector->SetCancel(&cancel_commands_);
}

FaultTimeline::~FaultTimeline() { Stop(); }

void FaultTimeline::Start() {
  thread_ = std::thread([this] { Body(); });
}

void FaultTimeline::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cancel_commands_.store(true);
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
    if (!step.wait_until.empty()) {
      DoWait(step);
    } else {
      if (!SleepUntil(due)) return;
      DoAction(ResolveNode(step), "");
    }
    prev_end = MonotonicNs();
    if (aborted_) return;
  }
}

FaultStep FaultTimeline::ResolveNode(const FaultStep& step) {
  if (step.node_choices.empty()) return step;
  // The same random(...) text picks the same node for the whole run, so a later step
  // (thaw after freeze) reaches the node the earlier one chose.
  auto [it, fresh] = random_nodes_.try_emplace(step.node);
  if (fresh) {
    std::uniform_int_distribution<std::size_t> pick(0, step.node_choices.size() - 1);
    it->second = step.node_choices[pick(rng_)];
  }
  FaultStep resolved = step;
  resolved.node = it->second;
  return resolved;
}

void FaultTimeline::DoAction(const FaultStep& step, std::string_view why) {
  const Nanos begin = MonotonicNs();
  // The operator's most dangerous moment: taking a node down while the probe says it holds
  // the last good copy of something. Recorded, not prevented — the scenario may mean it.
  if (why.empty() && IsDisruptive(step.action) && probe_ != nullptr) {
    if (auto sample = probe_->LatestSince(0)) {
      auto it = sample->safe_to_stop.find(step.node);
      if (it != sample->safe_to_stop.end() && !it->second) {
        events_->Add("warning", "unsafe_stop", step.node, false,
                     step.action + " of " + step.node +
                         " while the probe says it is not safe to stop (" +
                         std::string(SyncStateName(sample->state)) + ": " + sample->detail + ")",
                     begin);
      }
    }
  }
  // Write verification tells versions from before a fault from those after it.
  if (why.empty() && IsDisruptive(step.action)) control_->fault_epoch.fetch_add(1);
  ActionOutcome outcome;
  if (step.action == "command") {
    const CommandSpec spec{step.command.argv, step.command.shell};
    const CommandOutcome o = RunCommand(spec, step.timeout_ns, &cancel_commands_);
    outcome.ok = o.ok;
    outcome.detail = DescribeOutcome(spec, o);
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
    if (outcome.uncertain && IsDisruptive(step.action))
      maybe_in_force_.insert({step.node, step.action});
    if (step.abort_on_timeout && why.empty()) {
      aborted_ = true;
      events_->Add("run", "abort", "", false,
                   "fault step failed and on_timeout = \"abort\": ending the run", end);
      control_->stop.store(true);
    }
    return;
  }
  if (!IsDisruptive(step.action) && step.action != "command")
    control_->fault_end_epoch.fetch_add(1);
  if (IsDisruptive(step.action)) {
    in_force_.insert({step.node, step.action});
    maybe_in_force_.erase({step.node, step.action});
    phases_->Enter("degraded", end);
  } else {
    for (const char* disruptive : {"disconnect", "partition", "freeze", "kill"}) {
      if (UndoAction(disruptive) != step.action) continue;
      in_force_.erase({step.node, disruptive});
      maybe_in_force_.erase({step.node, disruptive});
    }
    // Without a probe nothing says when the replicas are in sync again: recovery is taken
    // to start when the last fault is undone.
    if (!why.empty()) return;
    if (in_force_.empty() && phases_->Current() == "degraded") {
      phases_->Enter(probe_ != nullptr ? "healing" : "recovered", end);
    }
  }
}

void FaultTimeline::DoWait(const FaultStep& step) {
  // Only a reading taken after the wait began counts: an in_sync from before a heal started
  // would end the wait too early.
  const Nanos begin = MonotonicNs();
  const Nanos deadline = begin + step.timeout_ns;
  const bool want_safe = step.wait_until.rfind("safe_to_stop:", 0) == 0;
  const std::string node = want_safe ? step.wait_until.substr(13) : "";
  std::string last = "no probe reading yet";
  bool met = false;
  while (probe_ != nullptr && MonotonicNs() < deadline) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) break;
    }
    if (auto s = probe_->LatestSince(begin)) {
      last = std::string(SyncStateName(s->state)) + (s->detail.empty() ? "" : ": " + s->detail);
      if (want_safe) {
        auto it = s->safe_to_stop.find(node);
        met = it != s->safe_to_stop.end() && it->second;
        if (it == s->safe_to_stop.end()) {
          std::string keys;
          for (const auto& [k, v] : s->safe_to_stop) keys += (keys.empty() ? "" : ", ") + k;
          last = "the probe does not report " + node +
                 " (it reports: " + (keys.empty() ? "none" : keys) + ")";
        }
      } else {
        met = s->state == SyncState::kInSync;
      }
      if (met) break;
    }
    probe_->WaitForNext(std::min(deadline, MonotonicNs() + 200 * kNsPerMs));
  }
  const Nanos end = MonotonicNs();
  events_->Add(
      "wait", step.wait_until, node, met,
      met ? "reached after " + FormatDuration(end - begin)
          : "not reached within " + FormatDuration(step.timeout_ns) + "; last reading: " + last,
      begin, end);
  if (!met && step.abort_on_timeout) {
    aborted_ = true;
    events_->Add("run", "abort", "", false,
                 "wait_until " + step.wait_until + " timed out and on_timeout = \"abort\"", end);
    control_->stop.store(true);
  }
}

void FaultTimeline::UndoAll() {
  cancel_commands_.store(false);  // the undo commands must run: they get their own timeout
  auto in_force = in_force_;
  in_force.insert(maybe_in_force_.begin(), maybe_in_force_.end());
  for (const auto& [node, action] : in_force) {
    const bool uncertain = in_force_.count({node, action}) == 0;
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
    DoAction(undo, "end of run: undoing " + action +
                       (uncertain ? " (it failed, but may have taken effect)" : "") + ": ");
  }
}

}  // namespace healbench
