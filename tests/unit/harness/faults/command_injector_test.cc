// The command injector on real commands: the node's timeout caps the step's, and a command
// that timed out or was cut short is a failure that may have taken effect (uncertain).
#include "harness/faults/command_injector.h"

#include <gtest/gtest.h>

#include <atomic>

namespace healbench {
namespace {

std::map<std::string, CommandSpec> Commands() {
  return {{"disconnect", {{"sleep", "30"}, false}}, {"reconnect", {{"true"}, false}}};
}

TEST(CommandInjector, NodeTimeoutCapsTheStepTimeout) {
  auto inj = MakeCommandInjector(Commands(), 200 * kNsPerMs);
  const Nanos start = MonotonicNs();
  const ActionOutcome o = inj->Do("disconnect", 60 * kNsPerSec);
  EXPECT_LT(MonotonicNs() - start, 10 * kNsPerSec);
  EXPECT_FALSE(o.ok);
  EXPECT_TRUE(o.uncertain);
  EXPECT_NE(o.detail.find("timed out after 200 ms"), std::string::npos) << o.detail;
}

TEST(CommandInjector, StepTimeoutWinsWhenShorter) {
  auto inj = MakeCommandInjector(Commands(), 60 * kNsPerSec);
  const ActionOutcome o = inj->Do("disconnect", 200 * kNsPerMs);
  EXPECT_NE(o.detail.find("timed out after 200 ms"), std::string::npos) << o.detail;
}

TEST(CommandInjector, CancelCutsACommandShortAsUncertain) {
  auto inj = MakeCommandInjector(Commands());
  const std::atomic<bool> cancel{true};
  inj->SetCancel(&cancel);
  const ActionOutcome o = inj->Do("disconnect", 60 * kNsPerSec);
  EXPECT_FALSE(o.ok);
  EXPECT_TRUE(o.uncertain);
  EXPECT_NE(o.detail.find("cancelled"), std::string::npos) << o.detail;
}

TEST(CommandInjector, CleanFailureIsCertain) {
  auto inj = MakeCommandInjector({{"disconnect", {{"sh", "-c", "exit 4"}, false}}});
  const ActionOutcome o = inj->Do("disconnect", 5 * kNsPerSec);
  EXPECT_FALSE(o.ok);
  EXPECT_FALSE(o.uncertain);
  EXPECT_NE(o.detail.find("exit 4"), std::string::npos) << o.detail;
}

TEST(CommandInjector, SuccessIsOk) {
  const ActionOutcome o = MakeCommandInjector(Commands())->Do("reconnect", 5 * kNsPerSec);
  EXPECT_TRUE(o.ok);
  EXPECT_FALSE(o.uncertain);
}

}  // namespace
}  // namespace healbench
