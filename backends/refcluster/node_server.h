// A reference-cluster storage node: accepts TCP connections and serves the frame protocol
// over an ImageStore, one thread per connection (simple and correct beats fast here).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "backends/refcluster/image_store.h"
#include "backends/refcluster/node_replication.h"
#include "backends/refcluster/socket_io.h"
#include "backends/refcluster/test_faults.h"

namespace healbench::ref {

struct NodeOptions {
  HostPort listen{"127.0.0.1", 0};
  std::string dir;
  std::string token;                       // empty: HELLO needs none
  std::vector<TestFaultMode> test_faults;  // test-only fault modes; empty: none
  std::string peer;                        // --peer HOST:PORT: start as primary replicating there
};

class NodeServer {
 public:
  explicit NodeServer(NodeOptions options);
  ~NodeServer();
  NodeServer(const NodeServer&) = delete;
  NodeServer& operator=(const NodeServer&) = delete;

  // Binds and listens; the bound port is then port().
  Result<void> Start();
  std::uint16_t port() const { return port_; }
  // Serves until `stop` becomes true (checked at least every 100 ms), then closes every
  // connection and joins their threads.
  void Serve(const std::atomic<bool>& stop);
  // "test-faults: image=NAME …" lines (see test_faults.h); empty without test fault modes.
  std::string TestFaultSummary() const;

 private:
  int ReadImage(const Image& img, const FrameHeader& h, std::span<std::uint8_t> out);
  void ServeConnection(int fd);

  const NodeOptions options_;
  ImageStore store_;
  std::unique_ptr<TestFaults> test_faults_;  // wraps image reads and writes when set
  NodeReplication replication_;              // server replication: role, primary's replicator
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::mutex mu_;
  std::set<int> conn_fds_;
  std::vector<std::thread> threads_;
};

}  // namespace healbench::ref
