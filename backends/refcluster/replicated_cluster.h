// What the ref backend drives, whichever replication design it runs: client replication
// (ClientCluster, GlusterFS AFR-like) or server replication (ServerCluster, DRBD-like).
// Guest I/O goes in through Submit; completions come back through a CompletionSink.
#pragma once

#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/refcluster/socket_io.h"

namespace healbench::ref {

// Where a queue's completions go (implemented by the ref backend's queue).
class CompletionSink {
 public:
  virtual ~CompletionSink() = default;
  virtual void Complete(IoCompletion c) = 0;
};

struct ReplicaAddress {
  std::string name;
  HostPort addr;
};

class ReplicatedCluster {
 public:
  virtual ~ReplicatedCluster() = default;
  // Connects to the nodes and opens the images on each; then starts watching them.
  virtual Result<void> Start(const std::vector<ImageSpec>& images) = 0;
  // Starts one guest I/O; its completion goes to sink (never inside this call).
  virtual void Submit(CompletionSink* sink, const IoRequest& req) = 0;
  // The sink goes away: its ops still out complete into nothing.
  virtual void Detach(CompletionSink* sink) = 0;
  virtual void Stop() = 0;
  // in_sync / degraded / healing and, per node, whether stopping it now would leave no
  // up-to-date copy.
  virtual BackendSyncState Status() = 0;
};

}  // namespace healbench::ref
