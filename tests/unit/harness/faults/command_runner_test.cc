// Command execution for injectors and command steps: exit status, output, timeouts that
// kill the whole process group, argv without a shell.
#include "harness/faults/command_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace healbench {
namespace {

TEST(CommandRunner, SuccessCapturesOutput) {
  const CommandOutcome o =
      RunCommand({{"sh", "-c", "echo hello; echo oops >&2"}, false}, 5 * kNsPerSec);
  EXPECT_TRUE(o.ok);
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_NE(o.output.find("hello"), std::string::npos);
  EXPECT_NE(o.output.find("oops"), std::string::npos);
}

TEST(CommandRunner, NonZeroExitIsAFailureWithItsCode) {
  const CommandOutcome o = RunCommand({{"sh", "-c", "exit 7"}, false}, 5 * kNsPerSec);
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.exit_code, 7);
  EXPECT_EQ(o.error, "exit 7");
}

TEST(CommandRunner, HungCommandIsKilledAtTheTimeout) {
  const Nanos start = MonotonicNs();
  // The shell's child (sleep) must die too: the group is killed, so output closes.
  const CommandOutcome o = RunCommand({{"sh -c 'sleep 30; echo late'"}, true}, 300 * kNsPerMs);
  const Nanos took = MonotonicNs() - start;
  EXPECT_FALSE(o.ok);
  EXPECT_TRUE(o.timed_out);
  EXPECT_EQ(o.error.rfind("timed out after", 0), 0u) << o.error;
  EXPECT_LT(took, 10 * kNsPerSec);  // bounded: far below the command's own 30 s
}

TEST(CommandRunner, ArgvIsNotInterpretedByAShell) {
  const CommandOutcome o = RunCommand({{"echo", "$HOME;", "`id`"}, false}, 5 * kNsPerSec);
  EXPECT_TRUE(o.ok);
  EXPECT_EQ(o.output, "$HOME; `id`\n");
}

TEST(CommandRunner, MissingProgramIsReported) {
  const CommandOutcome o =
      RunCommand({{"/nonexistent/healbench-no-such-tool"}, false}, 5 * kNsPerSec);
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.exit_code, 127);
  EXPECT_NE(o.output.find("No such file"), std::string::npos) << o.output;
}

TEST(CommandRunner, OutputIsTruncated) {
  const CommandOutcome o =
      RunCommand({{"sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"}, false}, 5 * kNsPerSec);
  EXPECT_TRUE(o.ok);
  EXPECT_EQ(o.output.size(), kMaxOutputBytes);
}

TEST(CommandRunner, DescribeQuotesArgumentsWithSpaces) {
  EXPECT_EQ(DescribeCommand({{"ssh", "s1", "pkill -STOP x"}, false}), "ssh s1 'pkill -STOP x'");
  EXPECT_EQ(DescribeCommand({{"echo a | wc"}, true}), "sh -c 'echo a | wc'");
}

TEST(CommandRunner, CancelFlagSetBeforehandKillsTheCommandAtOnce) {
  const std::atomic<bool> cancel{true};
  const Nanos start = MonotonicNs();
  const CommandOutcome o = RunCommand({{"sleep", "30"}, false}, 30 * kNsPerSec, &cancel);
  EXPECT_LT(MonotonicNs() - start, 5 * kNsPerSec);
  EXPECT_FALSE(o.ok);
  EXPECT_TRUE(o.cancelled);
  EXPECT_FALSE(o.timed_out);
  EXPECT_EQ(o.error, "cancelled: the run ended while it was still running");
}

TEST(CommandRunner, CancelFlagSetWhileRunningCutsAHungCommandShort) {
  std::atomic<bool> cancel{false};
  std::thread setter([&cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.store(true);
  });
  const Nanos start = MonotonicNs();
  // The whole group goes: the shell's sleep must not keep the output open.
  const CommandOutcome o = RunCommand({{"sleep 30; echo late"}, true}, 60 * kNsPerSec, &cancel);
  const Nanos took = MonotonicNs() - start;
  setter.join();
  EXPECT_TRUE(o.cancelled);
  EXPECT_GE(took, 150 * kNsPerMs);
  EXPECT_LT(took, 10 * kNsPerSec);  // far below the 60 s timeout
  EXPECT_EQ(o.output.find("late"), std::string::npos);
}

TEST(CommandRunner, UnsetCancelFlagChangesNothing) {
  const std::atomic<bool> cancel{false};
  const CommandOutcome o = RunCommand({{"sh", "-c", "echo done"}, false}, 5 * kNsPerSec, &cancel);
  EXPECT_TRUE(o.ok);
  EXPECT_FALSE(o.cancelled);
  EXPECT_NE(o.output.find("done"), std::string::npos);
}

}  // namespace
}  // namespace healbench
