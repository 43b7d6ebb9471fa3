// Command execution with timeout. See command_runner.h. fork/exec in a new process group;
// the parent reads the combined output through a pipe with poll() until the deadline.
#include "harness/faults/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "harness/core/units.h"

namespace healbench {

std::string DescribeCommand(const CommandSpec& spec) {
  if (spec.shell) return spec.argv.empty() ? "" : "sh -c '" + spec.argv[0] + "'";
  std::string out;
  for (const std::string& a : spec.argv) {
    if (!out.empty()) out += ' ';
    out += a.find_first_of(" \t'\"") == std::string::npos ? a : "'" + a + "'";
  }
  return out;
}

std::string DescribeOutcome(const CommandSpec& spec, const CommandOutcome& outcome) {
  std::string d = DescribeCommand(spec) + ": " + (outcome.ok ? "exit 0" : outcome.error);
  if (!outcome.output.empty()) d += "\n" + outcome.output;
  return d;
}

namespace {
// How often a running command's caller looks at its cancel flag.
constexpr int kCancelPollMs = 20;

bool IsCancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(); }
}  // namespace

CommandOutcome RunCommand(const CommandSpec& spec, Nanos timeout_ns,
                          const std::atomic<bool>* cancel) {
  CommandOutcome r;
  if (spec.argv.empty()) {
    r.error = "empty command";
    return r;
  }
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) {
    r.error = std::string("pipe: ") + strerror(errno);
    return r;
  }
  std::vector<std::string> args =
      spec.shell ? std::vector<std::string>{"/bin/sh", "-c", spec.argv[0]} : spec.argv;
  std::vector<char*> cargv;
  for (std::string& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) {
    r.error = std::string("fork: ") + strerror(errno);
    close(pipefd[0]);
    close(pipefd[1]);
    return r;
  }
  if (pid == 0) {
    setpgid(0, 0);
    dup2(pipefd[1], STDOUT_FILENO);
    dup2(pipefd[1], STDERR_FILENO);
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    execvp(cargv[0], cargv.data());
    dprintf(STDERR_FILENO, "exec %s: %s", cargv[0], strerror(errno));
    _exit(127);
  }
  setpgid(pid, pid);
  close(pipefd[1]);
  const Nanos deadline = MonotonicNs() + timeout_ns;
  char buf[4096];
  bool eof = false;
  while (!eof) {
    const Nanos left = deadline - MonotonicNs();
    if (left <= 0) {
      r.timed_out = true;
      break;
    }
    if (IsCancelled(cancel)) {
      r.cancelled = true;
      break;
    }
    pollfd p{pipefd[0], POLLIN, 0};
    const int rc =
        poll(&p, 1, static_cast<int>(std::min<Nanos>(left / kNsPerMs + 1, kCancelPollMs)));
    if (rc < 0 && errno != EINTR) break;
    if (rc <= 0) continue;
    const ssize_t n = read(pipefd[0], buf, sizeof buf);
    if (n <= 0) {
      eof = n == 0 || (errno != EINTR && errno != EAGAIN);
      continue;
    }
    const std::size_t room = kMaxOutputBytes - std::min(kMaxOutputBytes, r.output.size());
    r.output.append(buf, std::min(room, static_cast<std::size_t>(n)));
  }
  close(pipefd[0]);
  int status = 0;
  if (r.timed_out || r.cancelled) {
    kill(-pid, SIGKILL);  // the whole group: ssh and what it started
    waitpid(pid, &status, 0);
    r.error = r.cancelled ? "cancelled: the run ended while it was still running"
                          : "timed out after " + FormatDuration(timeout_ns);
    return r;
  }
  // Output closed: the command is ending; wait for it within what is left of the deadline.
  while (true) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (MonotonicNs() >= deadline || IsCancelled(cancel)) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.cancelled = IsCancelled(cancel) && MonotonicNs() < deadline;
      r.timed_out = !r.cancelled;
      r.error = r.cancelled ? "cancelled: the run ended while it was still running"
                            : "timed out after " + FormatDuration(timeout_ns);
      return r;
    }
    usleep(2000);
  }
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
    r.ok = r.exit_code == 0;
    if (!r.ok) r.error = "exit " + std::to_string(r.exit_code);
  } else if (WIFSIGNALED(status)) {
    r.error = std::string("killed by signal ") + strsignal(WTERMSIG(status));
  }
  return r;
}

}  // namespace healbench
