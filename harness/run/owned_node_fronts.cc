// Fronts and injectors for backend-owned nodes. See owned_node_fronts.h.
#include "harness/run/owned_node_fronts.h"

#include <cstdio>

#include "harness/faults/owned_node_injector.h"

namespace healbench {

NodeHosting OwnedNodeFronts::Hosting(const std::string& out_dir) {
  NodeHosting h;
  h.dir = out_dir + "/nodes";
  h.front = [this](const OwnedNode& node) { return StartFront(node); };
  return h;
}

Result<std::string> OwnedNodeFronts::StartFront(const OwnedNode& node) {
  auto proxy = TcpFaultProxy::Start("127.0.0.1:0", node.address);
  if (!proxy.ok()) {
    return MakeError(proxy.error().code,
                     "fault proxy in front of " + node.name + ": " + proxy.error().message);
  }
  const std::string front = (*proxy)->ListenAddress();
  fprintf(stderr, "healbench: %s reached through fault proxy %s -> %s\n", node.name.c_str(),
          front.c_str(), node.address.c_str());
  std::lock_guard<std::mutex> lock(mu_);
  proxies_[node.name] = std::move(*proxy);
  return front;
}

void OwnedNodeFronts::AddInjectors(Backend* backend,
                                   std::map<std::string, std::unique_ptr<Injector>>* injectors) {
  for (const OwnedNode& n : backend->OwnedNodes()) {
    if (injectors->count(n.name) != 0) continue;  // the scenario's [nodes] entry wins
    OwnedNodeControl c;
    c.name = n.name;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = proxies_.find(n.name); it != proxies_.end()) c.proxy = it->second;
    }
    c.pid = [backend, name = n.name] {
      for (const OwnedNode& now : backend->OwnedNodes()) {
        if (now.name == name) return now.pid;
      }
      return 0;
    };
    c.restart = [backend, name = n.name]() -> Result<std::string> {
      auto node = backend->RestartNode(name);
      if (!node.ok()) return node.error();
      return node->address;
    };
    (*injectors)[n.name] = MakeOwnedNodeInjector(std::move(c));
  }
}

}  // namespace healbench
