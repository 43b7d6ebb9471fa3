// Watches the processes of the nodes a backend runs itself (the reference cluster's spawned
// nodes): one that ends during the run — killed from outside, crashed — becomes an event,
// so the results say when a node was lost even when no fault step did it and no probe runs.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "harness/run/event_recorder.h"

namespace healbench {

// How process `pid` ended, read from /proc/PID/stat ("killed by SIGKILL", "exited with
// status 1", "gone"), or nullopt while it still runs (a stopped process still runs).
std::optional<std::string> ProcessEnded(int pid);

class OwnedNodeWatch {
 public:
  using NodeList = std::function<std::vector<OwnedNode>()>;
  OwnedNodeWatch(NodeList nodes, EventRecorder* events)
      : nodes_(std::move(nodes)), events_(events) {}

  // Looks at each node's process once (one /proc read each); a process seen ended for the
  // first time is one event: kind "node", action "exited", ok false.
  void Check(Nanos now_ns);

 private:
  NodeList nodes_;
  EventRecorder* events_;
  std::set<int> reported_;  // pids already reported ended
};

}  // namespace healbench
