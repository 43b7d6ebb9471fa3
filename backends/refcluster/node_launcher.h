// Spawns local `healbench node` processes on 127.0.0.1 with ephemeral ports (the child
// prints its bound port) and stops them by pid: SIGCONT (a test may have frozen one),
// SIGTERM, then SIGKILL after a grace period.
#pragma once

#include <sys/types.h>

#include <string>

#include "backends/refcluster/socket_io.h"

namespace healbench::ref {

struct SpawnedNode {
  std::string name;  // node1, node2, …
  pid_t pid = -1;
  HostPort addr;
};

// Runs /proc/self/exe node --listen 127.0.0.1:0 --dir DIR and waits up to 5 s for its
// "listening HOST:PORT" line. The child gets SIGTERM if this process dies.
Result<SpawnedNode> SpawnNode(const std::string& name, const std::string& dir);
void StopNode(SpawnedNode& node);

}  // namespace healbench::ref
