// The netfilter injector: cuts a node's host:port with nftables rules in a table of
// healbench's own (one per run and node, named healbench_PID_NODE). disconnect rejects with
// TCP resets, partition drops silently; reconnect / heal_partition delete the table. Tables
// left by a run that died are removed when the next run starts. Needs root (CAP_NET_ADMIN).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/faults/injector.h"

namespace healbench {

struct NetfilterTarget {
  std::string node;
  std::string host;  // an IPv4 or IPv6 literal
  int port = 0;
};

// Checks that nft exists and we may change rules (before the run starts).
Result<void> CheckNetfilterUsable();
// Deletes healbench tables whose run (the pid in the name) is gone. Returns what it removed.
std::vector<std::string> RemoveStaleNetfilterTables();

std::unique_ptr<Injector> MakeNetfilterInjector(NetfilterTarget target);

}  // namespace healbench
