// Netfilter injector through the nft command (argv, never a shell). See netfilter_injector.h.
#include "harness/faults/netfilter_injector.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <regex>

#include "harness/faults/command_runner.h"

namespace healbench {
namespace {

constexpr Nanos kNftTimeout = 10 * kNsPerSec;

CommandOutcome Nft(std::vector<std::string> args) {
  args.insert(args.begin(), "nft");
  return RunCommand({args, false}, kNftTimeout);
}

class NetfilterInjector final : public Injector {
 public:
  explicit NetfilterInjector(NetfilterTarget t)
      : t_(std::move(t)),
        table_("healbench_" + std::to_string(getpid()) + "_" + Sanitize(t_.node)) {}
  ~NetfilterInjector() override {
    if (installed_) Nft({"delete", "table", "inet", table_});
  }
  NetfilterInjector(const NetfilterInjector&) = delete;
  NetfilterInjector& operator=(const NetfilterInjector&) = delete;

  std::string Kind() const override { return "netfilter"; }
  std::string CannotDo(const std::string& action) const override {
    if (action == "disconnect" || action == "reconnect" || action == "partition" ||
        action == "heal_partition")
      return "";
    return "a netfilter injector cannot " + action +
           " (it can disconnect, reconnect, partition, heal_partition)";
  }

  ActionOutcome Do(const std::string& action, Nanos) override {
    if (action == "reconnect" || action == "heal_partition") {
      if (!installed_) return {true, "no rules in force"};
      const CommandOutcome o = Nft({"delete", "table", "inet", table_});
      if (o.ok) installed_ = false;
      return {o.ok,
              "nft delete table inet " + table_ + (o.ok ? "" : ": " + o.error + " " + o.output)};
    }
    if (action != "disconnect" && action != "partition") return {false, CannotDo(action)};
    if (installed_) Nft({"delete", "table", "inet", table_});
    // A reset made by one rule would be caught by the other (it carries the node's port, and a
    // reset for a local peer passes output and input too) and die there, turning the cut into a
    // silent blackhole; so resets pass and only the peers' own packets are rejected.
    const std::string verdict =
        action == "disconnect" ? "tcp flags & rst == 0 reject with tcp reset" : "drop";
    const std::string family = t_.host.find(':') != std::string::npos ? "ip6" : "ip";
    const std::string port = std::to_string(t_.port);
    // Both directions: packets to the node's port leave through output; its answers come in
    // through input (on loopback both pass output then input).
    const std::string ruleset =
        "table inet " + table_ +
        " {\n chain out { type filter hook output priority -10; policy accept;\n  " + family +
        " daddr " + t_.host + " tcp dport " + port + " " + verdict +
        "\n }\n chain in { type filter hook input priority -10; policy accept;\n  " + family +
        " saddr " + t_.host + " tcp sport " + port + " " + verdict + "\n }\n}\n";
    const CommandOutcome o =
        RunCommand({{"nft", ruleset}, false}, kNftTimeout);  // nft parses one argument as a script
    if (!o.ok) return {false, "nft: " + o.error + " " + o.output};
    installed_ = true;
    return {true, "table inet " + table_ + ": " + verdict + " tcp " + t_.host + ":" + port +
                      " both ways"};
  }

 private:
  static std::string Sanitize(const std::string& s) {
    std::string out;
    for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) != 0) ? c : '_';
    return out;
  }

  NetfilterTarget t_;
  std::string table_;
  bool installed_ = false;
};

}  // namespace

Result<void> CheckNetfilterUsable() {
  const CommandOutcome o = Nft({"list", "tables"});
  if (!o.ok) {
    return MakeError(ErrorCode::kUnavailable,
                     "netfilter injector: `nft list tables` failed (" + o.error +
                         (o.output.empty() ? "" : ": " + o.output) +
                         "); it needs the nftables package and root (CAP_NET_ADMIN)");
  }
  return Ok();
}

std::vector<std::string> RemoveStaleNetfilterTables() {
  std::vector<std::string> removed;
  const CommandOutcome o = Nft({"list", "tables"});
  if (!o.ok) return removed;
  static const std::regex kTable("table inet (healbench_([0-9]+)_[A-Za-z0-9_]+)");
  for (auto it = std::sregex_iterator(o.output.begin(), o.output.end(), kTable);
       it != std::sregex_iterator(); ++it) {
    const std::string digits = (*it)[2].str();
    int pid = 0;
    if (std::from_chars(digits.data(), digits.data() + digits.size(), pid).ec != std::errc())
      continue;
    if (pid == getpid() || (kill(pid, 0) == 0 || errno == EPERM)) continue;  // its run is alive
    if (Nft({"delete", "table", "inet", (*it)[1].str()}).ok) removed.push_back((*it)[1].str());
  }
  return removed;
}

std::unique_ptr<Injector> MakeNetfilterInjector(NetfilterTarget target) {
  return std::make_unique<NetfilterInjector>(std::move(target));
}

}  // namespace healbench
