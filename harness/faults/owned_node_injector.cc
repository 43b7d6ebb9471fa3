// Owned-node injector. See owned_node_injector.h.
#include "harness/faults/owned_node_injector.h"

#include <signal.h>

#include <cerrno>
#include <cstring>

namespace healbench {
namespace {

class OwnedNodeInjector final : public Injector {
 public:
  explicit OwnedNodeInjector(OwnedNodeControl c) : c_(std::move(c)) {}
  std::string Kind() const override { return "spawned-node"; }

  std::string CannotDo(const std::string& action) const override {
    if (IsNetworkAction(action)) {
      return c_.proxy ? "" : "node " + c_.name + " has no fault proxy in front of it";
    }
    if (action == "freeze" || action == "thaw" || action == "kill") return "";
    if (action == "restart") return c_.restart ? "" : "the backend cannot restart " + c_.name;
    return "a spawned node cannot " + action +
           " (it can disconnect, reconnect, partition, heal_partition, freeze, thaw, kill, "
           "restart)";
  }

  ActionOutcome Do(const std::string& action, Nanos) override {
    if (const std::string why = CannotDo(action); !why.empty()) return {false, why};
    if (IsNetworkAction(action)) return SetProxy(action);
    if (action == "restart") return Restart();
    const int sig = action == "freeze" ? SIGSTOP : action == "thaw" ? SIGCONT : SIGKILL;
    const int pid = c_.pid();
    if (pid <= 0) return {false, "node " + c_.name + " has no running process"};
    if (kill(pid, sig) != 0) {
      return {false, std::string("kill(") + std::to_string(pid) + ", SIG" + sigabbrev_np(sig) +
                         "): " + strerror(errno)};
    }
    return {true, std::string("SIG") + sigabbrev_np(sig) + " sent to " + c_.name + " pid " +
                      std::to_string(pid)};
  }

 private:
  static bool IsNetworkAction(const std::string& a) {
    return a == "disconnect" || a == "reconnect" || a == "partition" || a == "heal_partition";
  }

  ActionOutcome SetProxy(const std::string& action) {
    ProxySettings s;
    s.mode = action == "disconnect"  ? ProxyMode::kReset
             : action == "partition" ? ProxyMode::kBlackhole
                                     : ProxyMode::kPass;
    const std::size_t open = c_.proxy->ActiveConnections();
    if (auto rc = c_.proxy->SetMode(s); !rc.ok()) return {false, rc.error().message};
    return {true, "proxy " + c_.proxy->ListenAddress() + " -> " + c_.proxy->UpstreamAddress() +
                      ": " + ProxyModeName(s.mode) + " (" + std::to_string(open) +
                      " connection(s) open)"};
  }

  ActionOutcome Restart() {
    auto address = c_.restart();
    if (!address.ok()) return {false, "restart " + c_.name + ": " + address.error().message};
    std::string detail =
        c_.name + " restarted, pid " + std::to_string(c_.pid()) + ", listening " + *address;
    if (c_.proxy && c_.proxy->UpstreamAddress() != *address) {
      if (auto rc = c_.proxy->SetUpstream(*address); !rc.ok()) {
        return {false, detail + "; proxy upstream: " + rc.error().message};
      }
      detail += "; proxy " + c_.proxy->ListenAddress() + " now forwards there";
    }
    return {true, detail};
  }

  OwnedNodeControl c_;
};

}  // namespace

std::unique_ptr<Injector> MakeOwnedNodeInjector(OwnedNodeControl control) {
  return std::make_unique<OwnedNodeInjector>(std::move(control));
}

}  // namespace healbench
