// fork/exec of node processes and their orderly stop. The child's stdout and stderr go to
// its log file; the parent reads the log from where it ended before the spawn to find the
// "listening HOST:PORT" line (so a restart appends, and only the new line counts).
#include "backends/refcluster/node_launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>
#include <sstream>
#include <vector>

namespace healbench::ref {
namespace {

constexpr Nanos kStartTimeoutNs = 5 * kNsPerSec;
constexpr Nanos kStopGraceNs = 5 * kNsPerSec;

std::string Describe(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("SIG") + sigabbrev_np(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// The log's text from byte `from` on (what this start of the node wrote).
std::string ReadFrom(const std::string& path, std::streamoff from) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(from);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<SpawnedNode> SpawnNode(const std::string& name, const std::string& dir,
                              const std::string& log, const std::string& listen,
                              const std::vector<std::string>& extra_args) {
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return MakeError(ErrorCode::kInternal, "readlink /proc/self/exe failed");
  exe[n] = '\0';
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return MakeError(ErrorCode::kIo, "node " + name + ": open log " + log + ": " + strerror(errno) +
                                         " [errno " + std::to_string(errno) + "]");
  }
  struct stat st {};
  fstat(log_fd, &st);
  const std::streamoff log_start = st.st_size;
  // argv is built before fork: the child of a threaded process must not allocate.
  std::vector<const char*> argv = {"healbench",    "node",  "--listen",
                                   listen.c_str(), "--dir", dir.c_str()};
  for (const std::string& a : extra_args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(log_fd);
    return MakeError(ErrorCode::kIo, std::string("fork: ") + strerror(err));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    // Its own process group: a Ctrl-C at the terminal reaches healbench only, which then
    // stops the node in order (after the run's last interval), not mid-run.
    setpgid(0, 0);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    execv(exe, const_cast<char* const*>(argv.data()));
    _exit(127);
  }
  close(log_fd);
  SpawnedNode node{name, pid, {}, dir, log, extra_args};
  const std::string prefix = "listening ";
  std::string text;
  std::string why = "no port line within 5 s";
  const Nanos deadline = MonotonicNs() + kStartTimeoutNs;
  while (MonotonicNs() < deadline) {
    text = ReadFrom(log, log_start);
    const std::size_t at = text.find(prefix);
    const std::size_t eol = at == std::string::npos ? at : text.find('\n', at);
    if (eol != std::string::npos) {
      auto addr = ParseHostPort(text.substr(at + prefix.size(), eol - at - prefix.size()));
      if (addr.ok()) {
        node.addr = *addr;
        return node;
      }
      why = "bad port line: " + addr.error().message;
      break;
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      node.pid = -1;
      why = "it ended (" + Describe(status) + ")";
      break;
    }
    usleep(10000);
  }
  StopNode(node);
  if (text.size() > 500) text = "…" + text.substr(text.size() - 500);
  return MakeError(ErrorCode::kUnavailable,
                   "node " + name + " (" + exe + " node --listen " + listen + " --dir " + dir +
                       ") did not start: " + why + (text.empty() ? "" : "; its log: " + text));
}

NodeLauncher::NodeLauncher() : thread_([this] { Loop(); }) {}

NodeLauncher::~NodeLauncher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Result<SpawnedNode> NodeLauncher::Spawn(const std::string& name, const std::string& dir,
                                        const std::string& log, const std::string& listen,
                                        const std::vector<std::string>& extra_args) {
  std::packaged_task<Result<SpawnedNode>()> task(
      [&] { return SpawnNode(name, dir, log, listen, extra_args); });
  std::future<Result<SpawnedNode>> result = task.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.emplace_back([&task] { task(); });
  }
  cv_.notify_all();
  return result.get();
}

void NodeLauncher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stop_, nothing left to run
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

std::string StopNode(SpawnedNode& node) {
  if (node.pid <= 0) return "not running";
  kill(node.pid, SIGCONT);
  kill(node.pid, SIGTERM);
  const Nanos deadline = MonotonicNs() + kStopGraceNs;
  std::string how;
  while (true) {
    int status = 0;
    const pid_t r = waitpid(node.pid, &status, WNOHANG);
    if (r == node.pid) {
      how = Describe(status);
      break;
    }
    if (r < 0 && errno == ECHILD) {
      how = "already reaped";
      break;
    }
    if (MonotonicNs() >= deadline) {
      kill(node.pid, SIGKILL);
      waitpid(node.pid, &status, 0);
      how = "SIGKILL after " + std::to_string(kStopGraceNs / kNsPerSec) + " s";
      break;
    }
    usleep(10000);
  }
  node.pid = -1;
  return how;
}

}  // namespace healbench::ref
