// Owned node watch on real child processes: a running (or stopped) process is not reported,
// one killed or exited is reported once, with how it ended.
#include "harness/run/owned_node_watch.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace healbench {
namespace {

// A child that sleeps until killed, or exits with `code` at once when code >= 0.
pid_t Child(int code = -1) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (code >= 0) _exit(code);
    while (true) pause();
  }
  return pid;
}

// Waits (bounded) until the child is a zombie, without reaping it.
void WaitUntilEnded(pid_t pid) {
  siginfo_t info{};
  waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);
}

TEST(ProcessEnded, RunningAndStoppedProcessesAreNotEnded) {
  const pid_t pid = Child();
  ASSERT_GT(pid, 0);
  EXPECT_EQ(ProcessEnded(pid), std::nullopt);
  kill(pid, SIGSTOP);
  siginfo_t info{};
  waitid(P_PID, static_cast<id_t>(pid), &info, WSTOPPED | WNOWAIT);
  EXPECT_EQ(ProcessEnded(pid), std::nullopt);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

TEST(ProcessEnded, SaysWhichSignalKilledIt) {
  const pid_t pid = Child();
  ASSERT_GT(pid, 0);
  kill(pid, SIGKILL);
  WaitUntilEnded(pid);
  EXPECT_EQ(ProcessEnded(pid), "killed by SIGKILL");
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(ProcessEnded(pid), "gone");  // reaped
}

TEST(ProcessEnded, SaysTheExitStatus) {
  const pid_t pid = Child(3);
  ASSERT_GT(pid, 0);
  WaitUntilEnded(pid);
  EXPECT_EQ(ProcessEnded(pid), "exited with status 3");
  waitpid(pid, nullptr, 0);
}

TEST(OwnedNodeWatch, NodeThatDiesIsOneEvent) {
  const pid_t alive = Child();
  const pid_t dies = Child();
  ASSERT_GT(alive, 0);
  ASSERT_GT(dies, 0);
  const Nanos start = MonotonicNs();
  EventRecorder events(nullptr, start);
  OwnedNodeWatch watch(
      [&] {
        return std::vector<OwnedNode>{{"node1", alive, "127.0.0.1:1", "127.0.0.1:1"},
                                      {"node2", dies, "127.0.0.1:2", "127.0.0.1:2"}};
      },
      &events);
  watch.Check(MonotonicNs());
  EXPECT_TRUE(events.Snapshot().empty());
  kill(dies, SIGKILL);
  WaitUntilEnded(dies);
  watch.Check(MonotonicNs());
  watch.Check(MonotonicNs());  // reported once, not at every check
  const auto ev = events.Snapshot();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, "node");
  EXPECT_EQ(ev[0].action, "exited");
  EXPECT_EQ(ev[0].node, "node2");
  EXPECT_FALSE(ev[0].ok);
  EXPECT_NE(ev[0].detail.find("killed by SIGKILL"), std::string::npos) << ev[0].detail;
  kill(alive, SIGKILL);
  waitpid(alive, nullptr, 0);
  waitpid(dies, nullptr, 0);
}

}  // namespace
}  // namespace healbench
