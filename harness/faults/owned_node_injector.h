// The injector for a node the backend runs itself (a spawned reference-cluster node): every
// action by name with no [nodes] section. Network faults go to the fault proxy in front of
// the node (disconnect = reset, partition = blackhole), process faults to its current pid
// (freeze = SIGSTOP, thaw = SIGCONT, kill = SIGKILL), restart to the backend, after which
// the proxy's upstream follows the node if it came back on another port.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "harness/core/result.h"
#include "harness/faults/injector.h"
#include "harness/faults/tcp_fault_proxy.h"

namespace healbench {

struct OwnedNodeControl {
  std::string name;
  std::shared_ptr<TcpFaultProxy> proxy;  // null: no network faults for this node
  std::function<int()> pid;              // the node's pid now (it changes on restart)
  // Starts the node again; returns the address it now listens on.
  std::function<Result<std::string>()> restart;
};

std::unique_ptr<Injector> MakeOwnedNodeInjector(OwnedNodeControl control);

}  // namespace healbench
