// fork/exec of node processes and their orderly stop. The parent reads the child's first
// stdout line through a pipe to learn the port it bound.
#include "backends/refcluster/node_launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace healbench::ref {

Result<SpawnedNode> SpawnNode(const std::string& name, const std::string& dir) {
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return MakeError(ErrorCode::kInternal, "readlink /proc/self/exe failed");
  exe[n] = '\0';
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return MakeError(ErrorCode::kIo, "pipe2 failed");
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return MakeError(ErrorCode::kIo, std::string("fork: ") + strerror(errno));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    dup2(fds[1], STDOUT_FILENO);
    execl(exe, "healbench", "node", "--listen", "127.0.0.1:0", "--dir", dir.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  SpawnedNode node{name, pid, {}};
  std::string line;
  const Nanos deadline = MonotonicNs() + 5 * kNsPerSec;
  while (line.find('\n') == std::string::npos && MonotonicNs() < deadline) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[256];
    const ssize_t got = read(fds[0], buf, sizeof buf);
    if (got <= 0) break;
    line.append(buf, static_cast<std::size_t>(got));
  }
  close(fds[0]);
  const std::string prefix = "listening ";
  auto addr = line.rfind(prefix, 0) == 0
                  ? ParseHostPort(line.substr(prefix.size(), line.find('\n') - prefix.size()))
                  : Result<HostPort>(MakeError(ErrorCode::kUnavailable, "no port line"));
  if (!addr.ok()) {
    StopNode(node);
    return MakeError(ErrorCode::kUnavailable, "node " + name + " (" + exe + " node --dir " + dir +
                                                  ") did not report a listening port within 5 s");
  }
  node.addr = *addr;
  return node;
}

void StopNode(SpawnedNode& node) {
  if (node.pid <= 0) return;
  kill(node.pid, SIGCONT);
  kill(node.pid, SIGTERM);
  const Nanos deadline = MonotonicNs() + 5 * kNsPerSec;
  while (true) {
    const pid_t r = waitpid(node.pid, nullptr, WNOHANG);
    if (r == node.pid || (r < 0 && errno == ECHILD)) break;
    if (MonotonicNs() >= deadline) {
      kill(node.pid, SIGKILL);
      waitpid(node.pid, nullptr, 0);
      break;
    }
    usleep(10000);
  }
  node.pid = -1;
}

}  // namespace healbench::ref
