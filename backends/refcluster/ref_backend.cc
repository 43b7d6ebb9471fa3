// ref backend: owns the spawned nodes (data and logs where the runner says, else a temporary
// directory; restarted on request, stopped and their images removed at the end) and hands
// each worker a queue whose Submit only queues and whose Reap waits on a condition variable.
#include "backends/refcluster/ref_backend.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>

#include "backends/refcluster/client_cluster.h"
#include "backends/refcluster/node_launcher.h"
#include "backends/refcluster/ref_replica_reader.h"
#include "backends/refcluster/server_cluster.h"

namespace healbench {
namespace {

using ref::ReplicatedCluster;

class RefQueue final : public BackendQueue, public ref::CompletionSink {
 public:
  explicit RefQueue(std::shared_ptr<ReplicatedCluster> cluster) : cluster_(std::move(cluster)) {}
  ~RefQueue() override { cluster_->Detach(this); }
  RefQueue(const RefQueue&) = delete;
  RefQueue& operator=(const RefQueue&) = delete;

  Result<void> RegisterBuffers(std::span<void* const>, std::uint32_t) override { return Ok(); }

  Result<void> Submit(std::span<const IoRequest> requests) override {
    for (const IoRequest& r : requests) cluster_->Submit(this, r);
    return Ok();
  }

  Result<std::size_t> Reap(std::span<IoCompletion> out, std::size_t min_complete,
                           Nanos timeout_ns) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (done_.size() < min_complete && timeout_ns > 0) {
      cv_.wait_for(lock, std::chrono::nanoseconds(timeout_ns),
                   [&] { return done_.size() >= min_complete; });
    }
    std::size_t n = 0;
    while (n < out.size() && !done_.empty()) {
      out[n++] = done_.front();
      done_.pop_front();
    }
    return n;
  }

  void CancelAll() override {}  // requests finish or fail once their replica is dropped

  void Complete(IoCompletion c) override {
    std::lock_guard<std::mutex> lock(mu_);
    done_.push_back(c);
    cv_.notify_one();
  }

 private:
  std::shared_ptr<ReplicatedCluster> cluster_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<IoCompletion> done_;
};

class RefBackend final : public Backend {
 public:
  explicit RefBackend(ref::RefOptions options) : options_(std::move(options)) {}
  ~RefBackend() override {
    if (cluster_) cluster_->Stop();
    std::lock_guard<std::mutex> lock(nodes_mu_);
    for (ref::SpawnedNode& n : nodes_) {
      const std::string how = ref::StopNode(n);
      fprintf(stderr, "ref: %s stopped (%s)\n", n.name.c_str(), how.c_str());
    }
    std::error_code ec;
    if (temp_dir_) {
      std::filesystem::remove_all(node_root_, ec);
    } else if (!options_.keep_data) {
      for (const ref::SpawnedNode& n : nodes_) std::filesystem::remove_all(n.dir, ec);
    }
  }
  RefBackend(const RefBackend&) = delete;
  RefBackend& operator=(const RefBackend&) = delete;

  std::string Kind() const override { return "ref"; }
  Capabilities Caps() const override {
    return {.flush = true, .discard = false, .registered_buffers = false, .alignment = 1};
  }

  void HostNodes(NodeHosting hosting) override { hosting_ = std::move(hosting); }

  Result<std::vector<ImageInfo>> Prepare(const std::vector<ImageSpec>& images) override {
    std::vector<ref::ReplicaAddress> replicas;
    if (options_.nodes.empty()) {
      if (auto rc = MakeNodeRoot(); !rc.ok()) return rc.error();
      for (std::uint32_t i = 1; i <= options_.replicas; ++i) {
        auto node = SpawnOne("node" + std::to_string(i));
        if (!node.ok()) return node.error();
        auto front = ref::ParseHostPort(node->front);
        if (!front.ok()) return front.error();
        replicas.push_back({node->name, *front});
      }
    } else {
      for (std::size_t i = 0; i < options_.nodes.size(); ++i) {
        auto addr = ref::ParseHostPort(options_.nodes[i]);
        if (!addr.ok()) return addr.error();
        replicas.push_back({"node" + std::to_string(i + 1), *addr});
      }
    }
    replica_addresses_ = replicas;
    images_ = images;
    if (options_.replication == "server") {
      cluster_ = std::make_shared<ref::ServerCluster>(options_, replicas);
    } else {
      cluster_ = std::make_shared<ref::ClientCluster>(options_, replicas);
    }
    if (auto rc = cluster_->Start(images); !rc.ok()) return rc.error();
    std::vector<ImageInfo> out;
    for (const ImageSpec& s : images) {
      std::string where = "ref:";
      for (const auto& r : replicas) {
        where += " " + r.name + "=" + r.addr.host + ":" + std::to_string(r.addr.port);
      }
      out.push_back({s.name, where, s.size_bytes, true});
    }
    return out;
  }

  std::optional<BackendSyncState> SyncState() const override {
    if (!cluster_) return std::nullopt;
    return cluster_->Status();
  }

  Result<std::vector<std::unique_ptr<ReplicaReader>>> OpenReplicaReaders() override {
    std::vector<std::unique_ptr<ReplicaReader>> out;
    for (const ref::ReplicaAddress& r : replica_addresses_) {
      auto reader = ref::OpenRefReplicaReader(r.name, r.addr, images_, options_.token,
                                              options_.ping_timeout_ns);
      if (!reader.ok()) return reader.error();
      out.push_back(std::move(*reader));
    }
    return out;
  }

  std::vector<OwnedNode> OwnedNodes() const override {
    std::lock_guard<std::mutex> lock(nodes_mu_);
    std::vector<OwnedNode> out;
    for (std::size_t i = 0; i < nodes_.size(); ++i) out.push_back(Describe(i));
    return out;
  }

  // Same data dir and log; the same port if it is still free (else a new one: the front,
  // which the cluster and peers use, stays the same either way).
  Result<OwnedNode> RestartNode(const std::string& name) override {
    std::lock_guard<std::mutex> lock(nodes_mu_);
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      ref::SpawnedNode& n = nodes_[i];
      if (n.name != name) continue;
      const std::string before = ref::StopNode(n);
      const std::string same_port = n.addr.host + ":" + std::to_string(n.addr.port);
      auto again = launcher_.Spawn(n.name, n.dir, n.log, same_port, n.extra_args);
      if (!again.ok()) again = launcher_.Spawn(n.name, n.dir, n.log, "127.0.0.1:0", n.extra_args);
      if (!again.ok()) return again.error();
      n = *again;
      fprintf(stderr, "ref: %s restarted (previous process: %s) pid %d listening %s:%u\n",
              name.c_str(), before.c_str(), n.pid, n.addr.host.c_str(),
              static_cast<unsigned>(n.addr.port));
      return Describe(i);
    }
    return MakeError(ErrorCode::kBadInput, "ref: no spawned node named " + name);
  }

  Result<std::unique_ptr<BackendQueue>> NewQueue(const std::vector<std::uint32_t>&,
                                                 std::uint32_t) override {
    if (!cluster_) return MakeError(ErrorCode::kInternal, "ref: NewQueue before Prepare");
    return std::unique_ptr<BackendQueue>(std::make_unique<RefQueue>(cluster_));
  }

 private:
  // The runner's directory for node data and logs, or a temporary one removed at the end.
  Result<void> MakeNodeRoot() {
    if (hosting_.dir.empty()) {
      char tmpl[] = "/var/tmp/healbench-ref.XXXXXX";
      if (mkdtemp(tmpl) == nullptr) {
        return MakeError(ErrorCode::kIo, "mkdtemp /var/tmp/healbench-ref.XXXXXX failed");
      }
      node_root_ = tmpl;
      temp_dir_ = true;
      return Ok();
    }
    node_root_ = hosting_.dir;
    std::error_code ec;
    std::filesystem::create_directories(node_root_, ec);
    if (ec)
      return MakeError(ErrorCode::kIo, "ref: node directory " + node_root_ + ": " + ec.message());
    return Ok();
  }

  // Starts a node in ROOT/NAME (refusing data a previous run left there), logging to
  // ROOT/NAME.log, and gets its front from the hosting runner.
  Result<OwnedNode> SpawnOne(const std::string& name) {
    const std::string dir = node_root_ + "/" + name;
    std::error_code ec;
    if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
      return MakeError(ErrorCode::kBadInput,
                       "ref: node data directory " + dir +
                           " is not empty (left by an earlier run with backend.keep_data?); "
                           "remove it or use another run.out");
    }
    std::filesystem::create_directories(dir, ec);
    if (ec)
      return MakeError(ErrorCode::kIo, "ref: node data directory " + dir + ": " + ec.message());
    std::vector<std::string> extra_args;  // backend.test_faults and token_file for this node
    if (!options_.token_file.empty())
      extra_args.insert(extra_args.end(), {"--token-file", options_.token_file});
    if (auto it = options_.test_faults.find(name); it != options_.test_faults.end()) {
      for (const std::string& mode : it->second) {
        extra_args.insert(extra_args.end(), {"--test-fault", mode});
      }
    }
    auto node =
        launcher_.Spawn(name, dir, node_root_ + "/" + name + ".log", "127.0.0.1:0", extra_args);
    if (!node.ok()) return node.error();
    std::lock_guard<std::mutex> lock(nodes_mu_);
    nodes_.push_back(*node);
    fronts_.push_back("");
    fprintf(stderr, "ref: %s pid %d listening %s:%u\n", name.c_str(), node->pid,
            node->addr.host.c_str(), static_cast<unsigned>(node->addr.port));
    OwnedNode owned = Describe(nodes_.size() - 1);
    if (hosting_.front) {
      auto front = hosting_.front(owned);
      if (!front.ok()) return front.error();
      fronts_.back() = *front;
    }
    return Describe(nodes_.size() - 1);
  }

  OwnedNode Describe(std::size_t i) const {
    const ref::SpawnedNode& n = nodes_[i];
    const std::string address = n.addr.host + ":" + std::to_string(n.addr.port);
    return {n.name, n.pid, address, fronts_[i].empty() ? address : fronts_[i]};
  }

  const ref::RefOptions options_;
  NodeHosting hosting_;
  std::string node_root_;
  bool temp_dir_ = false;
  ref::NodeLauncher launcher_;   // forks every node (see NodeLauncher on why one thread)
  mutable std::mutex nodes_mu_;  // RestartNode runs on the fault timeline's thread
  std::vector<ref::SpawnedNode> nodes_;
  std::vector<std::string> fronts_;                     // per node; empty: its own address
  std::vector<ref::ReplicaAddress> replica_addresses_;  // as the cluster reaches them
  std::vector<ImageSpec> images_;
  std::shared_ptr<ReplicatedCluster> cluster_;
};

}  // namespace

Result<std::unique_ptr<Backend>> MakeRefBackend(const std::map<std::string, std::string>& options) {
  auto o = ref::ParseRefOptions(options);
  if (!o.ok()) return o.error();
  return std::unique_ptr<Backend>(std::make_unique<RefBackend>(*o));
}

}  // namespace healbench
