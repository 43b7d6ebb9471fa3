// Server replication (DRBD-like) as the client sees it: two nodes, guest I/O to the primary
// only (which replicates to the secondary itself), status polls on a separate connection per
// node (so a write waiting on the secondary never looks like a dead primary), failover to
// the secondary when the primary is silent for ping_timeout — only if the secondary is up to
// date — and roles handed out again when a node comes back.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "backends/refcluster/ref_options.h"
#include "backends/refcluster/replica_connection.h"
#include "backends/refcluster/replicated_cluster.h"
#include "backends/refcluster/replication_status.h"

namespace healbench::ref {

class ServerCluster final : public ReplicatedCluster {
 public:
  ServerCluster(RefOptions options, std::vector<ReplicaAddress> nodes);
  ~ServerCluster() override;
  ServerCluster(const ServerCluster&) = delete;
  ServerCluster& operator=(const ServerCluster&) = delete;

  // Connects to both nodes, makes node1 primary and node2 its secondary, and waits until the
  // primary reports its secondary in sync.
  Result<void> Start(const std::vector<ImageSpec>& images) override;
  void Submit(CompletionSink* sink, const IoRequest& req) override;
  void Detach(CompletionSink* sink) override;
  void Stop() override;
  // From the primary's last status: in_sync, healing (resyncing its secondary) or degraded
  // (secondary away, or the image unavailable); the primary is safe to stop only while its
  // secondary is in sync, the secondary while a primary serves.
  BackendSyncState Status() override;

 private:
  enum class Mode : std::uint8_t { kServing, kFailingOver, kUnavailable };
  struct Node {
    ReplicaAddress address;
    std::shared_ptr<ReplicaConnection> conn;  // guest I/O and SET_ROLE
    std::shared_ptr<ReplicaConnection> ping;  // STATUS polls only
    bool up = false;
    Nanos next_attempt_ns = 0;
    bool poll_outstanding = false;
    Nanos last_poll_ns = 0;
    bool has_status = false;
    ReplicationStatus status;
  };
  struct Op {
    CompletionSink* sink = nullptr;
    IoRequest req;
  };
  struct Links {
    std::shared_ptr<ReplicaConnection> conn, ping;
  };

  // server_cluster.cc: the I/O path and status.
  void IssueLocked(Op* op);
  void OnReply(Op* op, int status, const FrameHeader& reply, std::vector<std::uint8_t>& data);
  void CompleteLocked(Op* op, std::int64_t result);
  void FailParkedLocked(std::int64_t result);
  void OnStatus(std::size_t node, int status, std::vector<std::uint8_t>& payload);
  // server_failover.cc: connections, roles, the monitor and failover.
  Result<Links> Connect(const Node& node, Nanos timeout) const;
  Result<void> SetRole(ReplicaConnection& conn, const std::string& name, NodeRole role,
                       const HostPort* peer, Nanos timeout);
  void Monitor();
  void Lost(std::size_t node, const std::string& why);
  void Failover(const std::string& why);
  void Unavailable(const std::string& why);
  void Reconnect(std::size_t node);

  const RefOptions options_;
  std::vector<ImageSpec> images_;
  std::mutex mu_;
  std::vector<Node> nodes_;
  std::size_t primary_ = 0;
  Mode mode_ = Mode::kServing;
  std::string unavailable_why_;
  // The primary acknowledged a write alone since it last reported its secondary in sync or
  // being resynced: the secondary lacks it and must not be promoted.
  bool secondary_outdated_ = false;
  Nanos last_primary_reply_ns_ = 0;
  std::unordered_set<Op*> inflight_;
  std::deque<Op*> parked_;  // waiting for a failover (or to fail while unavailable)
  std::atomic<bool> stop_{false};
  std::thread monitor_;
};

}  // namespace healbench::ref
