// The Backend interface: how healbench reaches images. A Backend is created once per run
// from the scenario, prepares (opens or creates) the images, and hands each worker thread
// its own asynchronous queue. Queues are used by one thread only: submit a batch, reap
// completions with a bounded wait, cancel what is in flight. Optional operations report
// kNotSupported; the runner branches on Capabilities, never on backend names.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "harness/core/clock.h"
#include "harness/core/io_types.h"
#include "harness/core/result.h"

namespace healbench {

struct Capabilities {
  bool flush = true;
  bool discard = false;
  bool registered_buffers = false;  // IoRequest::buffer_index is honoured
  std::uint32_t alignment = 1;      // buffers, offsets and lengths must be multiples of this
  bool keeps_data = true;           // reads return what was written (false: the null backend)
};

// An image as the runner asks for it.
struct ImageSpec {
  std::string name;  // e.g. "vm-0"
  std::uint64_t size_bytes = 0;
};

// An image as the backend prepared it.
struct ImageInfo {
  std::string name;
  std::string location;  // path, URL, … for messages and results
  std::uint64_t size_bytes = 0;
  bool created = false;  // healbench created it in this run
};

class BackendQueue {
 public:
  virtual ~BackendQueue() = default;
  // Registers the buffers the worker will use (called once before any submit; backends
  // without registered buffers ignore it).
  virtual Result<void> RegisterBuffers(std::span<void* const> buffers,
                                       std::uint32_t buffer_bytes) = 0;
  // Queues and submits the requests; on success all were accepted. Never blocks on I/O.
  virtual Result<void> Submit(std::span<const IoRequest> requests) = 0;
  // Writes up to out.size() completions; waits until at least min_complete are there or
  // timeout_ns passed (timeout 0: only what is ready). Returns how many were written.
  virtual Result<std::size_t> Reap(std::span<IoCompletion> out, std::size_t min_complete,
                                   Nanos timeout_ns) = 0;
  // Submit, then Reap, as one call: the requests go out and completions are waited for as
  // Reap does. Backends that can hand the kernel new work and wait in one system call
  // override it; the loop then costs one call per round instead of two. An error stops at
  // the failing step: a Submit error means nothing was reaped.
  virtual Result<std::size_t> SubmitAndReap(std::span<const IoRequest> requests,
                                            std::span<IoCompletion> out, std::size_t min_complete,
                                            Nanos timeout_ns) {
    if (!requests.empty()) {
      if (auto rc = Submit(requests); !rc.ok()) return rc.error();
    }
    return Reap(out, min_complete, timeout_ns);
  }
  // Asks the backend to cancel everything in flight (best effort; completions may follow).
  virtual void CancelAll() = 0;
};

// A storage node the backend runs itself (the reference cluster's spawned nodes): faults
// reach it by name without a [nodes] section.
struct OwnedNode {
  std::string name;  // node1, node2, ...
  int pid = 0;
  std::string address;  // where the node process listens
  std::string front;    // where clients and peer nodes reach it (a fault proxy); = address if none
};

// What the runner offers a backend that runs its own nodes, before Prepare. Faults live in
// the harness, so the harness puts a front (a fault proxy) before each node.
struct NodeHosting {
  // Node NAME keeps its data in DIR/NAME/ and its stdout/stderr in DIR/NAME.log; empty: a
  // temporary directory of the backend's own.
  std::string dir;
  // Called once per node as soon as it listens (node.front is empty then); returns the
  // address everyone else must use to reach the node. Unset: the node's own address.
  std::function<Result<std::string>(const OwnedNode& node)> front;
};

// One replica of the images read on its own, bypassing replication (a reference-cluster
// node, a GlusterFS brick's file): write verification compares replicas block by block,
// because replicas that differ after a heal are split-brain in the making.
class ReplicaReader {
 public:
  virtual ~ReplicaReader() = default;
  virtual std::string Node() const = 0;
  // Reads [offset, offset + out.size()) of image `image` (an index into Prepare's list) from
  // this replica alone, waiting at most timeout_ns.
  virtual Result<void> Read(std::uint32_t image, std::uint64_t offset, std::span<std::uint8_t> out,
                            Nanos timeout_ns) = 0;
};

// Replication state as the backend itself knows it (the reference cluster's client does):
// the ground truth a `ref` probe reads.
struct BackendSyncState {
  std::string state;  // in_sync | degraded | healing | unknown
  std::map<std::string, bool>
      safe_to_stop;  // per node: would stopping it now lose the last good copy?
  std::string detail;
  std::optional<std::uint64_t> out_of_sync_bytes;  // not yet on every copy, where known
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string Kind() const = 0;
  virtual Capabilities Caps() const = 0;
  // Opens or creates the images. Called once, before any queue.
  virtual Result<std::vector<ImageInfo>> Prepare(const std::vector<ImageSpec>& images) = 0;
  // Where nodes the backend starts keep their data and how they are reached (called before
  // Prepare; backends that start no nodes ignore it).
  virtual void HostNodes(NodeHosting hosting) { (void)hosting; }
  // Nodes this backend started (valid after Prepare); none for most backends.
  virtual std::vector<OwnedNode> OwnedNodes() const { return {}; }
  // Starts an owned node again on its data (stopping it first if it still runs) and returns
  // it as it now runs; its front stays the same. Safe to call from another thread.
  virtual Result<OwnedNode> RestartNode(const std::string& name) {
    return MakeError(ErrorCode::kNotSupported, Kind() + ": cannot restart node " + name);
  }
  // Replication state now, for backends that replicate themselves; nullopt for the others.
  virtual std::optional<BackendSyncState> SyncState() const { return std::nullopt; }
  // One reader per replica the backend can reach directly (valid after Prepare); none for
  // backends that cannot.
  virtual Result<std::vector<std::unique_ptr<ReplicaReader>>> OpenReplicaReaders() {
    return std::vector<std::unique_ptr<ReplicaReader>>{};
  }
  // A queue for one worker thread over the given images (indexes into Prepare's list),
  // with room for `depth` I/Os in flight.
  virtual Result<std::unique_ptr<BackendQueue>> NewQueue(const std::vector<std::uint32_t>& images,
                                                         std::uint32_t depth) = 0;
};

}  // namespace healbench
