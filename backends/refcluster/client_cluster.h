// Client replication (GlusterFS AFR-like) over N nodes: writes and flushes go to every
// reachable replica, reads to the first in-sync one; a replica silent for ping_timeout is
// dropped and survivors mark what changes; a returning replica is healed under an image or
// range lock. One mutex guards the state; node replies arrive on connection threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "backends/backend.h"
#include "backends/refcluster/ref_options.h"
#include "backends/refcluster/replica_connection.h"
#include "backends/refcluster/replicated_cluster.h"

namespace healbench::ref {

class ClientCluster final : public ReplicatedCluster {
 public:
  ClientCluster(RefOptions options, std::vector<ReplicaAddress> replicas);
  ~ClientCluster() override;
  ClientCluster(const ClientCluster&) = delete;
  ClientCluster& operator=(const ClientCluster&) = delete;

  // Connects to every replica and opens the images on each; then starts the monitor.
  Result<void> Start(const std::vector<ImageSpec>& images) override;
  // Starts one guest I/O; its completion goes to sink (never inside this call).
  void Submit(CompletionSink* sink, const IoRequest& req) override;
  // The sink goes away: its ops still out complete into nothing.
  void Detach(CompletionSink* sink) override;
  void Stop() override;
  // in_sync / degraded / healing and, per replica, whether stopping it now would leave no
  // up-to-date copy (a replica is up to date when it is up and not being healed).
  BackendSyncState Status() override;

 private:
  enum class State : std::uint8_t { kUp, kDown, kHealing };
  struct Replica {
    ReplicaAddress address;
    std::shared_ptr<ReplicaConnection> conn;
    State state = State::kDown;
    Nanos next_attempt_ns = 0;
  };
  struct Op {
    CompletionSink* sink = nullptr;
    IoRequest req;
    int remaining = 0;
    int acked = 0;
    int acked_up = 0;  // acks from replicas that were up to date (not healing) when sent
    std::int64_t error = 0;
    bool lost = false;    // a replica was dropped with this write outstanding
    bool marked = false;  // survivors were told to mark its regions
    bool degraded = false;
  };
  struct ImageLock {
    bool held = false;
    std::uint64_t begin = 0, end = 0;
    std::deque<Op*> blocked;
  };

  void StartLocked(Op* op);
  void IssueLocked(Op* op);
  void OnReply(Op* op, int status, std::vector<std::uint8_t>* data, bool from_up = false);
  void FinishLocked(Op* op);
  bool BlockedLocked(const Op& op) const;
  void Monitor();
  void Drop(std::size_t r, const std::string& why);
  void Heal(std::size_t r);
  Result<void> HealImage(std::size_t r, std::uint32_t image, std::uint64_t* bytes);
  Result<void> LockRange(std::uint32_t image, std::uint64_t begin, std::uint64_t end);
  void UnlockRange(std::uint32_t image);
  std::vector<std::shared_ptr<ReplicaConnection>> UpConnections();

  const RefOptions options_;
  std::vector<ImageSpec> images_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Replica> replicas_;
  std::unordered_set<Op*> inflight_;
  std::vector<ImageLock> locks_;
  int degraded_inflight_ = 0;
  // The replica that was the last one up when it dropped: it holds every acknowledged write
  // (none could be acknowledged after it), so when it comes back with no replica up it serves
  // again at once and the others heal from it. -1: none.
  int last_good_ = -1;
  std::atomic<bool> stop_{false};
  std::thread monitor_;
  std::thread healer_;
  std::atomic<bool> healing_{false};
};

}  // namespace healbench::ref
