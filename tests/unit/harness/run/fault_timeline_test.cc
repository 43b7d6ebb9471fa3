// The fault timeline with a recording injector: steps run in order at their times, each
// is an event, phases follow the faults, a failed step with on_timeout = abort stops the
// run, and faults still in force are undone at the end.
#include "harness/run/fault_timeline.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <mutex>

namespace healbench {
namespace {

// Records every action; fails the ones it is told to.
class RecordingInjector final : public Injector {
 public:
  RecordingInjector(std::vector<std::string>* log, std::mutex* mu, std::string fail_action = "",
                    bool fail_uncertain = false)
      : log_(log), mu_(mu), fail_(std::move(fail_action)), uncertain_(fail_uncertain) {}
  std::string Kind() const override { return "recording"; }
  std::string CannotDo(const std::string&) const override { return ""; }
  ActionOutcome Do(const std::string& action, Nanos) override {
    std::lock_guard<std::mutex> lock(*mu_);
    log_->push_back(action);
    return {action != fail_, "did " + action, action == fail_ && uncertain_};
  }

 private:
  std::vector<std::string>* log_;
  std::mutex* mu_;
  std::string fail_;
  bool uncertain_;
};

FaultStep Step(std::optional<Nanos> at, std::optional<Nanos> after, const std::string& action,
               const std::string& node = "n1") {
  FaultStep s;
  s.at_ns = at;
  s.after_ns = after;
  s.action = action;
  s.node = node;
  return s;
}

class FaultTimelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    control_.start_ns = MonotonicNs();
    events_ = std::make_unique<EventRecorder>(nullptr, control_.start_ns);
  }
  std::map<std::string, std::unique_ptr<Injector>> Injectors(const std::string& fail = "",
                                                             bool uncertain = false) {
    std::map<std::string, std::unique_ptr<Injector>> m;
    m["n1"] = std::make_unique<RecordingInjector>(&log_, &mu_, fail, uncertain);
    return m;
  }
  // Waits (bounded) until the injector saw n actions.
  void WaitForActions(std::size_t n) {
    for (int i = 0; i < 400; ++i) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (log_.size() >= n) return;
      }
      usleep(5000);
    }
  }
  RunControl control_;
  std::unique_ptr<EventRecorder> events_;
  std::vector<std::string> log_;
  std::mutex mu_;
};

TEST_F(FaultTimelineTest, StepsRunInOrderAndMoveThePhase) {
  PhaseTracker phases(&control_);
  FaultTimeline t({Step(20 * kNsPerMs, {}, "freeze"), Step({}, 20 * kNsPerMs, "thaw")}, Injectors(),
                  1, &control_, events_.get(), &phases);
  t.Start();
  WaitForActions(2);
  t.Stop();
  EXPECT_EQ(log_, (std::vector<std::string>{"freeze", "thaw"}));
  const auto ev = events_->Snapshot();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, "fault");
  EXPECT_EQ(ev[0].action, "freeze");
  EXPECT_EQ(ev[0].node, "n1");
  EXPECT_GE(ev[0].t_s, 0.02);
  EXPECT_GE(ev[1].t_s - *ev[0].end_s, 0.02);  // after counts from the previous step's end
  const auto spans = phases.Spans(MonotonicNs());
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[1].name, "degraded");
  EXPECT_EQ(spans[2].name, "recovered");
  EXPECT_EQ(control_.phase.load(), 2u);
}

TEST_F(FaultTimelineTest, FaultStillInForceIsUndoneAtTheEnd) {
  PhaseTracker phases(&control_);
  FaultTimeline t({Step(0, {}, "partition"), Step(60 * kNsPerSec, {}, "heal_partition")},
                  Injectors(), 1, &control_, events_.get(), &phases);
  t.Start();
  WaitForActions(1);
  t.Stop();  // the heal step is an hour away: Stop must not wait for it
  t.UndoAll();
  EXPECT_EQ(log_, (std::vector<std::string>{"partition", "heal_partition"}));
  const auto ev = events_->Snapshot();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].kind, "undo");
  EXPECT_EQ(ev[1].detail.rfind("end of run: undoing partition", 0), 0u) << ev[1].detail;
}

TEST_F(FaultTimelineTest, FailedStepWithAbortStopsTheRun) {
  PhaseTracker phases(&control_);
  FaultStep bad = Step(0, {}, "disconnect");
  bad.abort_on_timeout = true;
  FaultTimeline t({bad, Step({}, 0, "reconnect")}, Injectors("disconnect"), 1, &control_,
                  events_.get(), &phases);
  t.Start();
  WaitForActions(1);
  for (int i = 0; i < 200 && !t.Aborted(); ++i) usleep(5000);
  t.Stop();
  EXPECT_TRUE(t.Aborted());
  EXPECT_TRUE(control_.stop.load());
  EXPECT_EQ(log_, (std::vector<std::string>{"disconnect"}));  // no step after the abort
  EXPECT_EQ(phases.Current(), "baseline");                    // a failed fault is not a fault
}

TEST_F(FaultTimelineTest, RandomNodeIsOneChoiceForTheWholeRun) {
  std::vector<std::string> log2;
  std::map<std::string, std::unique_ptr<Injector>> injectors;
  injectors["n1"] = std::make_unique<RecordingInjector>(&log_, &mu_);
  injectors["n2"] = std::make_unique<RecordingInjector>(&log2, &mu_);
  PhaseTracker phases(&control_);
  FaultStep freeze = Step(0, {}, "freeze", "random(n1,n2)");
  freeze.node_choices = {"n1", "n2"};
  FaultStep thaw = Step({}, 0, "thaw", "random(n1,n2)");
  thaw.node_choices = {"n1", "n2"};
  FaultTimeline t({freeze, thaw}, std::move(injectors), 3, &control_, events_.get(), &phases);
  t.Start();
  for (int i = 0; i < 400 && events_->Snapshot().size() < 2; ++i) usleep(5000);
  t.Stop();
  const auto ev = events_->Snapshot();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(ev[0].node == "n1" || ev[0].node == "n2");
  EXPECT_EQ(ev[1].node, ev[0].node);  // the thaw reaches the node the freeze chose
  const std::vector<std::string>& chosen = ev[0].node == "n1" ? log_ : log2;
  EXPECT_EQ(chosen, (std::vector<std::string>{"freeze", "thaw"}));
  EXPECT_EQ(phases.Current(), "recovered");
}

TEST_F(FaultTimelineTest, RandomTimesReplayWithTheSameSeed) {
  auto first_time = [&](std::uint64_t seed) {
    RunControl control;
    control.start_ns = MonotonicNs();
    EventRecorder events(nullptr, control.start_ns);
    PhaseTracker phases(&control);
    FaultStep s = Step(0, {}, "command");
    s.action = "command";
    s.command = {{"true"}, false};
    s.random_ns = std::pair<Nanos, Nanos>{0, 200 * kNsPerMs};
    FaultTimeline t({s}, {}, seed, &control, &events, &phases);
    t.Start();
    for (int i = 0; i < 400 && events.Snapshot().empty(); ++i) usleep(5000);
    t.Stop();
    return events.Snapshot().at(0).t_s;
  };
  const double a = first_time(7), b = first_time(7);
  EXPECT_NEAR(a, b, 0.03);  // same draw; the difference is scheduling noise only
}

TEST_F(FaultTimelineTest, DisruptiveActionThatMayHaveTakenEffectIsUndoneAtTheEnd) {
  PhaseTracker phases(&control_);
  FaultTimeline t({Step(0, {}, "disconnect")}, Injectors("disconnect", /*uncertain=*/true), 1,
                  &control_, events_.get(), &phases);
  t.Start();
  WaitForActions(1);
  t.Stop();
  t.UndoAll();
  EXPECT_EQ(log_, (std::vector<std::string>{"disconnect", "reconnect"}));
  const auto ev = events_->Snapshot();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_FALSE(ev[0].ok);
  EXPECT_EQ(ev[1].kind, "undo");
  EXPECT_NE(ev[1].detail.find("may have taken effect"), std::string::npos) << ev[1].detail;
  EXPECT_EQ(phases.Current(), "baseline");  // a failed step does not make the run degraded
}

TEST_F(FaultTimelineTest, PlainlyFailedDisruptiveActionIsNotUndone) {
  PhaseTracker phases(&control_);
  FaultTimeline t({Step(0, {}, "disconnect")}, Injectors("disconnect"), 1, &control_, events_.get(),
                  &phases);
  t.Start();
  WaitForActions(1);
  t.Stop();
  t.UndoAll();
  EXPECT_EQ(log_, (std::vector<std::string>{"disconnect"}));
}

TEST_F(FaultTimelineTest, StopCutsAHungCommandStepShort) {
  PhaseTracker phases(&control_);
  FaultStep hung = Step(0, {}, "command");
  hung.command.argv = {"sleep", "30"};
  hung.timeout_ns = 60 * kNsPerSec;
  FaultTimeline t({hung}, Injectors(), 1, &control_, events_.get(), &phases);
  t.Start();
  usleep(200 * 1000);  // the command is running
  const Nanos stop_at = MonotonicNs();
  t.Stop();
  EXPECT_LT(MonotonicNs() - stop_at, 5 * kNsPerSec);  // not the step's 60 s timeout
  const auto ev = events_->Snapshot();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_FALSE(ev[0].ok);
  EXPECT_NE(ev[0].detail.find("cancelled"), std::string::npos) << ev[0].detail;
}

}  // namespace
}  // namespace healbench
