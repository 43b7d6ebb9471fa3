// The proxy injector: healbench runs its TCP fault proxy in front of a node (the backend
// is pointed at `listen`). disconnect = reset every connection, partition = the node's
// partition_mode (blackhole by default: connections stay open, data vanishes — the fault
// behind timeout-length freezes; or delay / bandwidth), reconnect / heal_partition = pass.
#pragma once

#include <memory>
#include <string>

#include "harness/core/result.h"
#include "harness/faults/injector.h"
#include "harness/faults/tcp_fault_proxy.h"

namespace healbench {

struct ProxyTarget {
  std::string listen;
  std::string upstream;
  ProxySettings partition;  // what `partition` does (mode blackhole, delay or bandwidth)
  std::uint64_t seed = 1;
};

// Starts the proxy now (before the run), so the backend can connect through it.
Result<std::unique_ptr<Injector>> MakeProxyInjector(const ProxyTarget& target);

}  // namespace healbench
