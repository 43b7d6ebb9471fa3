// Injector construction from the scenario. See injector_factory.h.
#include "harness/faults/injector_factory.h"

#include "harness/faults/command_injector.h"
#include "harness/faults/netfilter_injector.h"
#include "harness/faults/proxy_injector.h"
#include "harness/faults/signal_injector.h"

namespace healbench {
namespace {
CommandSpec ToSpec(const CommandLine& c) { return {c.argv, c.shell}; }
}  // namespace

Result<std::unique_ptr<Injector>> MakeInjector(const NodeSpec& node) {
  if (node.injector == "command") {
    std::map<std::string, CommandSpec> commands;
    for (const auto& [action, c] : node.commands) commands[action] = ToSpec(c);
    return MakeCommandInjector(std::move(commands), node.timeout_ns);
  }
  if (node.injector == "signal") {
    SignalTarget t;
    t.pid = node.pid;
    t.pidfile = node.pidfile;
    if (node.pid_command) t.pid_command = ToSpec(*node.pid_command);
    if (auto it = node.commands.find("restart"); it != node.commands.end())
      t.restart = ToSpec(it->second);
    t.command_timeout_ns = node.timeout_ns;
    return MakeSignalInjector(std::move(t));
  }
  if (node.injector == "netfilter") {
    if (auto rc = CheckNetfilterUsable(); !rc.ok()) {
      return MakeError(rc.error().code, "nodes." + node.name + ": " + rc.error().message);
    }
    return MakeNetfilterInjector({node.name, node.host, node.port});
  }
  if (node.injector == "proxy") {
    ProxyTarget t{node.listen, node.upstream, {}, 1};
    t.partition.mode = node.partition_mode == "delay"       ? ProxyMode::kDelay
                       : node.partition_mode == "bandwidth" ? ProxyMode::kBandwidth
                                                            : ProxyMode::kBlackhole;
    t.partition.delay_ns = node.delay_ns;
    t.partition.jitter_ns = node.jitter_ns;
    t.partition.bandwidth_bytes_s = node.bandwidth_bytes_s;
    auto inj = MakeProxyInjector(t);
    if (!inj.ok())
      return MakeError(inj.error().code, "nodes." + node.name + ": " + inj.error().message);
    return inj;
  }
  return MakeError(
      ErrorCode::kNotSupported,
      "nodes." + node.name + ": injector \"" + node.injector + "\" is not available in this build");
}

}  // namespace healbench
