// Spawns local `healbench node` processes on 127.0.0.1 (an ephemeral port, or a given one on
// restart) with stdout/stderr appended to a log file, learns the bound port from the log's
// "listening HOST:PORT" line, and stops them by pid: SIGCONT (a test may have frozen one),
// SIGTERM, then SIGKILL after a grace period; a stopped node is always reaped.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backends/refcluster/socket_io.h"

namespace healbench::ref {

struct SpawnedNode {
  std::string name;  // node1, node2, …
  pid_t pid = -1;
  HostPort addr;
  std::string dir;                      // its data directory
  std::string log;                      // its stdout/stderr, appended across restarts
  std::vector<std::string> extra_args;  // more `healbench node` flags (e.g. --test-fault M)
};

// Runs /proc/self/exe node --listen LISTEN --dir DIR (output appended to LOG) and waits up
// to 5 s for its port line. The child gets SIGTERM if this process dies.
Result<SpawnedNode> SpawnNode(const std::string& name, const std::string& dir,
                              const std::string& log, const std::string& listen = "127.0.0.1:0",
                              const std::vector<std::string>& extra_args = {});
// Forks every node from one thread that lives as long as the launcher. The kernel sends a
// child its PR_SET_PDEATHSIG signal when the *thread* that forked it ends, so a node spawned
// from a short-lived thread (a fault step's) would be stopped as soon as that step finished.
class NodeLauncher {
 public:
  NodeLauncher();
  ~NodeLauncher();
  NodeLauncher(const NodeLauncher&) = delete;
  NodeLauncher& operator=(const NodeLauncher&) = delete;

  // SpawnNode, run on the launcher's thread; safe to call from any thread.
  Result<SpawnedNode> Spawn(const std::string& name, const std::string& dir, const std::string& log,
                            const std::string& listen = "127.0.0.1:0",
                            const std::vector<std::string>& extra_args = {});

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stop_ = false;                        // guarded by mu_
  std::thread thread_;
};

// SIGCONT + SIGTERM, up to 5 s for a clean exit, then SIGKILL; reaps the process either
// way (also one that was already killed). Returns how it ended, e.g. "exit 0", "SIGKILL".
std::string StopNode(SpawnedNode& node);

}  // namespace healbench::ref
