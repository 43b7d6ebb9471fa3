// A primary node's replication to its secondary (DRBD-like): every guest write goes to the
// local image and to the secondary and is acknowledged when both have it; with the secondary
// silent for the peer timeout the primary goes on alone and marks the regions it writes in
// the image's durable pending marks (the dirty bitmap); once the secondary is back, a
// background resync copies the dirty regions at the resync rate while guest I/O continues.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "backends/refcluster/image_store.h"
#include "backends/refcluster/region_gate.h"
#include "backends/refcluster/replica_connection.h"
#include "backends/refcluster/replication_status.h"

namespace healbench::ref {

struct ReplicatorOptions {
  HostPort peer;                              // the secondary, as the client reaches it
  std::uint64_t resync_rate_bytes_per_s = 0;  // 0: unbounded
  Nanos peer_timeout_ns = 10 * kNsPerSec;
  std::string token;  // said in HELLO to the peer (this node's own --token-file)
};

// Writes data at the request's offset on this node (the node server passes its own, which
// may wrap the image with test fault modes); 0 or an errno.
using LocalWrite = std::function<int(std::span<const std::uint8_t> data)>;

// How a guest write or flush ended: status 0 or an errno; copies 2 when the secondary has it
// too, 1 when the primary went on alone.
struct ReplicatedOutcome {
  int status = 0;
  std::uint32_t copies = 1;
};

class PrimaryReplicator {
 public:
  explicit PrimaryReplicator(ReplicatorOptions options);
  ~PrimaryReplicator();
  PrimaryReplicator(const PrimaryReplicator&) = delete;
  PrimaryReplicator& operator=(const PrimaryReplicator&) = delete;

  // Starts the link thread (connect, resync, watch the peer).
  void Start();
  // Stops it and drops the peer; writes still waiting on the peer go on alone.
  void Stop();
  const ReplicatorOptions& options() const { return options_; }

  // An image the secondary must hold too (opened on it now or when it connects).
  void AddImage(Image* image);
  ReplicatedOutcome Write(Image* image, std::uint64_t offset, std::span<const std::uint8_t> data,
                          const LocalWrite& local_write);
  ReplicatedOutcome Flush(Image* image);
  ReplicationStatus Status() const;

 private:
  void LinkLoop();
  // Connects, checks the peer is a secondary and opens every image on it.
  Result<std::shared_ptr<ReplicaConnection>> Connect();
  // Copies the union of our dirty marks and the secondary's own marks (resync.cc).
  Result<void> Resync(const std::shared_ptr<ReplicaConnection>& conn);
  Result<void> ResyncRegion(const std::shared_ptr<ReplicaConnection>& conn, Image* image,
                            std::uint32_t peer_id, std::uint64_t region);
  // Drops the peer when its connection broke or a request waited past the timeout.
  void CheckPeer();
  void PeerLost(const std::shared_ptr<ReplicaConnection>& conn, const std::string& why);
  // Sleeps up to ns, watching the peer and the stop flag.
  void Pause(Nanos ns);
  std::string PeerName() const;

  const ReplicatorOptions options_;
  RegionGate gate_;
  mutable std::mutex mu_;
  std::vector<Image*> images_;               // peer image id = index
  std::shared_ptr<ReplicaConnection> conn_;  // null while the secondary is away
  std::string peer_state_ = "disconnected";
  std::string why_ = "not connected yet";
  std::uint64_t resync_total_bytes_ = 0;
  std::uint64_t resync_done_bytes_ = 0;
  Nanos last_ping_ns_ = 0;
  std::atomic<bool> stop_{false};
  std::thread link_;
};

}  // namespace healbench::ref
