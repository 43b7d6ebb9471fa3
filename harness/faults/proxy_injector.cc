// Proxy injector. See proxy_injector.h.
#include "harness/faults/proxy_injector.h"

namespace healbench {
namespace {

class ProxyInjector final : public Injector {
 public:
  ProxyInjector(std::unique_ptr<TcpFaultProxy> proxy, ProxySettings partition)
      : proxy_(std::move(proxy)), partition_(partition) {}
  ~ProxyInjector() override { proxy_->Stop(); }
  ProxyInjector(const ProxyInjector&) = delete;
  ProxyInjector& operator=(const ProxyInjector&) = delete;

  std::string Kind() const override { return "proxy"; }
  std::string CannotDo(const std::string& action) const override {
    if (action == "disconnect" || action == "reconnect" || action == "partition" ||
        action == "heal_partition")
      return "";
    return "a proxy injector cannot " + action +
           " (it can disconnect, reconnect, partition, heal_partition)";
  }

  ActionOutcome Do(const std::string& action, Nanos) override {
    ProxySettings s;
    if (action == "disconnect")
      s.mode = ProxyMode::kReset;
    else if (action == "partition")
      s = partition_;
    else if (action == "reconnect" || action == "heal_partition")
      s.mode = ProxyMode::kPass;
    else
      return {false, CannotDo(action)};
    const std::size_t before = proxy_->ActiveConnections();
    auto rc = proxy_->SetMode(s);
    if (!rc.ok()) return {false, rc.error().message};
    return {true, std::string("proxy ") + proxy_->ListenAddress() + " -> " +
                      proxy_->UpstreamAddress() + ": " + ProxyModeName(s.mode) + " (" +
                      std::to_string(before) + " connection(s) open)"};
  }

 private:
  std::unique_ptr<TcpFaultProxy> proxy_;
  ProxySettings partition_;
};

}  // namespace

Result<std::unique_ptr<Injector>> MakeProxyInjector(const ProxyTarget& target) {
  auto proxy = TcpFaultProxy::Start(target.listen, target.upstream, target.seed);
  if (!proxy.ok()) return proxy.error();
  return std::unique_ptr<Injector>(
      std::make_unique<ProxyInjector>(std::move(*proxy), target.partition));
}

}  // namespace healbench
