// The harness side of nodes a backend runs itself: where they keep data and logs (OUT/nodes),
// a TCP fault proxy in front of each one (the address the client and peer nodes use, so a
// disconnect or partition cuts all of the node's traffic), and the injectors that reach them
// by name. Declare it before the backend: the proxies must outlive the backend's clients.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "backends/backend.h"
#include "harness/faults/injector.h"
#include "harness/faults/tcp_fault_proxy.h"

namespace healbench {

class OwnedNodeFronts {
 public:
  OwnedNodeFronts() = default;
  OwnedNodeFronts(const OwnedNodeFronts&) = delete;
  OwnedNodeFronts& operator=(const OwnedNodeFronts&) = delete;

  // For Backend::HostNodes: data and logs under OUT/nodes, a proxy per node.
  NodeHosting Hosting(const std::string& out_dir);
  // Adds an injector for each of the backend's nodes that has none yet (no [nodes] entry).
  // The injectors use `backend`, which must outlive them.
  void AddInjectors(Backend* backend, std::map<std::string, std::unique_ptr<Injector>>* injectors);

 private:
  Result<std::string> StartFront(const OwnedNode& node);

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<TcpFaultProxy>> proxies_;  // by node name
};

}  // namespace healbench
