// The signal injector on a real child process: freeze stops it, thaw continues it, kill
// ends it; the pid comes from a pidfile or a command; actions it cannot do are named.
#include "harness/faults/signal_injector.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace healbench {
namespace {

char ProcessState(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const auto close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
}

class SignalInjectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    child_ = fork();
    if (child_ == 0) {
      execlp("sleep", "sleep", "30", static_cast<char*>(nullptr));
      _exit(127);
    }
    ASSERT_GT(child_, 0);
  }
  void TearDown() override {
    kill(child_, SIGCONT);
    kill(child_, SIGKILL);
    waitpid(child_, nullptr, 0);
  }
  // Waits (bounded) for the state the kernel reports to become `want`.
  bool WaitForState(char want) {
    for (int i = 0; i < 200; ++i) {
      if (ProcessState(child_) == want) return true;
      usleep(5000);
    }
    return false;
  }
  pid_t child_ = -1;
};

TEST_F(SignalInjectorTest, FreezeStopsAndThawContinues) {
  SignalTarget t;
  t.pid = child_;
  auto inj = MakeSignalInjector(t);
  ActionOutcome o = inj->Do("freeze", kNsPerSec);
  EXPECT_TRUE(o.ok) << o.detail;
  EXPECT_EQ(o.detail, "SIGSTOP sent to pid " + std::to_string(child_));
  EXPECT_TRUE(WaitForState('T'));
  o = inj->Do("thaw", kNsPerSec);
  EXPECT_TRUE(o.ok) << o.detail;
  EXPECT_TRUE(WaitForState('S'));
}

TEST_F(SignalInjectorTest, PidFromAPidfileAndFromACommand) {
  const std::string pidfile = ::testing::TempDir() + "/healbench-signal-test.pid";
  std::ofstream(pidfile) << child_ << "\n";
  SignalTarget from_file;
  from_file.pidfile = pidfile;
  EXPECT_TRUE(MakeSignalInjector(from_file)->Do("freeze", kNsPerSec).ok);
  EXPECT_TRUE(WaitForState('T'));
  SignalTarget from_command;
  from_command.pid_command =
      CommandSpec{{"sh", "-c", "echo pid is " + std::to_string(child_)}, false};
  EXPECT_TRUE(MakeSignalInjector(from_command)->Do("thaw", kNsPerSec).ok);
  EXPECT_TRUE(WaitForState('S'));
  std::remove(pidfile.c_str());
}

TEST_F(SignalInjectorTest, KillEndsTheProcess) {
  SignalTarget t;
  t.pid = child_;
  EXPECT_TRUE(MakeSignalInjector(t)->Do("kill", kNsPerSec).ok);
  int status = 0;
  ASSERT_EQ(waitpid(child_, &status, 0), child_);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  child_ = fork();  // TearDown expects a process to clean up
  if (child_ == 0) _exit(0);
}

TEST(SignalInjector, ActionsItCannotDoAreNamed) {
  SignalTarget t;
  t.pid = 1;
  auto inj = MakeSignalInjector(t);
  EXPECT_EQ(inj->CannotDo("disconnect"),
            "a signal injector cannot disconnect (it can freeze, thaw, kill and restart)");
  EXPECT_EQ(inj->CannotDo("restart"), "restart needs a restart command for a signal injector");
  EXPECT_EQ(inj->CannotDo("freeze"), "");
}

TEST(SignalInjector, MissingPidfileIsAFailedActionNotACrash) {
  SignalTarget t;
  t.pidfile = "/nonexistent/healbench.pid";
  const ActionOutcome o = MakeSignalInjector(t)->Do("freeze", kNsPerSec);
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.detail.rfind("no pid: cannot read pidfile /nonexistent/healbench.pid", 0), 0u)
      << o.detail;
}

}  // namespace
}  // namespace healbench
