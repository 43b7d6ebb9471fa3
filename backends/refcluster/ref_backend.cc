// ref backend: owns the spawned nodes and their temporary data directory, and hands each
// worker a queue whose Submit only queues and whose Reap waits on a condition variable.
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

namespace healbench {
namespace {

using ref::ClientCluster;

class RefQueue final : public BackendQueue, public ref::CompletionSink {
 public:
  explicit RefQueue(std::shared_ptr<ClientCluster> cluster) : cluster_(std::move(cluster)) {}
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
  std::shared_ptr<ClientCluster> cluster_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<IoCompletion> done_;
};

class RefBackend final : public Backend {
 public:
  explicit RefBackend(ref::RefOptions options) : options_(std::move(options)) {}
  ~RefBackend() override {
    if (cluster_) cluster_->Stop();
    for (ref::SpawnedNode& n : nodes_) ref::StopNode(n);
    if (!data_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(data_dir_, ec);
    }
  }
  RefBackend(const RefBackend&) = delete;
  RefBackend& operator=(const RefBackend&) = delete;

  std::string Kind() const override { return "ref"; }
  Capabilities Caps() const override {
    return {.flush = true, .discard = false, .registered_buffers = false, .alignment = 1};
  }

  Result<std::vector<ImageInfo>> Prepare(const std::vector<ImageSpec>& images) override {
    std::vector<ref::ReplicaAddress> replicas;
    if (options_.nodes.empty()) {
      char tmpl[] = "/var/tmp/healbench-ref.XXXXXX";
      if (mkdtemp(tmpl) == nullptr) {
        return MakeError(ErrorCode::kIo, "mkdtemp /var/tmp/healbench-ref.XXXXXX failed");
      }
      data_dir_ = tmpl;
      for (std::uint32_t i = 1; i <= options_.replicas; ++i) {
        const std::string name = "node" + std::to_string(i);
        const std::string dir = data_dir_ + "/" + name;
        mkdir(dir.c_str(), 0755);
        auto node = ref::SpawnNode(name, dir);
        if (!node.ok()) return node.error();
        nodes_.push_back(*node);
        fprintf(stderr, "ref: %s pid %d listening %s:%u\n", name.c_str(), node->pid,
                node->addr.host.c_str(), static_cast<unsigned>(node->addr.port));
        replicas.push_back({name, node->addr});
      }
    } else {
      for (std::size_t i = 0; i < options_.nodes.size(); ++i) {
        auto addr = ref::ParseHostPort(options_.nodes[i]);
        if (!addr.ok()) return addr.error();
        replicas.push_back({"node" + std::to_string(i + 1), *addr});
      }
    }
    cluster_ = std::make_shared<ClientCluster>(options_, replicas);
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

  std::vector<OwnedNode> OwnedNodes() const override {
    std::vector<OwnedNode> out;
    for (const ref::SpawnedNode& n : nodes_) {
      out.push_back({n.name, n.pid, n.addr.host + ":" + std::to_string(n.addr.port)});
    }
    return out;
  }

  Result<std::unique_ptr<BackendQueue>> NewQueue(const std::vector<std::uint32_t>&,
                                                 std::uint32_t) override {
    if (!cluster_) return MakeError(ErrorCode::kInternal, "ref: NewQueue before Prepare");
    return std::unique_ptr<BackendQueue>(std::make_unique<RefQueue>(cluster_));
  }

 private:
  const ref::RefOptions options_;
  std::string data_dir_;
  std::vector<ref::SpawnedNode> nodes_;
  std::shared_ptr<ClientCluster> cluster_;
};

}  // namespace

Result<std::unique_ptr<Backend>> MakeRefBackend(const std::map<std::string, std::string>& options) {
  auto o = ref::ParseRefOptions(options);
  if (!o.ok()) return o.error();
  return std::unique_ptr<Backend>(std::make_unique<RefBackend>(*o));
}

}  // namespace healbench
