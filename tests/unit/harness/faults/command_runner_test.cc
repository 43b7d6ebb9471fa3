// Command execution for injectors and command steps: exit status, output, timeouts that
// kill the whole process group, argv without a shell.
#include "harness/faults/command_runner.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace healbench
