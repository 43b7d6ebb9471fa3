// Signal injector. See signal_injector.h.
#include "harness/faults/signal_injector.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <regex>

namespace healbench {
namespace {

class SignalInjector final : public Injector {
 public:
  explicit SignalInjector(SignalTarget t) : t_(std::move(t)) {}
  std::string Kind() const override { return "signal"; }

  std::string CannotDo(const std::string& action) const override {
    if (action == "freeze" || action == "thaw" || action == "kill") return "";
    if (action == "restart")
      return t_.restart ? "" : "restart needs a restart command for a signal injector";
    return "a signal injector cannot " + action + " (it can freeze, thaw, kill and restart)";
  }

  ActionOutcome Do(const std::string& action, Nanos step_timeout_ns) override {
    const Nanos timeout_ns = std::min(step_timeout_ns, t_.command_timeout_ns);
    if (action == "restart") {
      if (!t_.restart) return {false, CannotDo(action)};
      const CommandOutcome o = RunCommand(*t_.restart, timeout_ns, cancel_);
      return {o.ok, DescribeOutcome(*t_.restart, o), o.timed_out || o.cancelled};
    }
    const int sig = action == "freeze" ? SIGSTOP
                    : action == "thaw" ? SIGCONT
                    : action == "kill" ? SIGKILL
                                       : 0;
    if (sig == 0) return {false, CannotDo(action)};
    std::string why;
    const int pid = ResolvePid(timeout_ns, &why);
    if (pid <= 0) return {false, "no pid: " + why};
    if (kill(pid, sig) != 0) {
      return {false, std::string("kill(") + std::to_string(pid) + ", " + sigabbrev_np(sig) +
                         "): " + strerror(errno)};
    }
    return {true, std::string("SIG") + sigabbrev_np(sig) + " sent to pid " + std::to_string(pid)};
  }

 private:
  int ResolvePid(Nanos timeout_ns, std::string* why) {
    if (t_.pid > 0) return t_.pid;
    std::string text;
    if (!t_.pidfile.empty()) {
      std::ifstream in(t_.pidfile);
      if (!in) {
        *why = "cannot read pidfile " + t_.pidfile + ": " + strerror(errno);
        return 0;
      }
      std::getline(in, text);
    } else if (t_.pid_command) {
      const CommandOutcome o = RunCommand(*t_.pid_command, timeout_ns, cancel_);
      if (!o.ok) {
        *why = DescribeCommand(*t_.pid_command) + ": " + o.error;
        return 0;
      }
      text = o.output;
    }
    static const std::regex kNumber("[0-9]+");
    std::smatch m;
    if (!std::regex_search(text, m, kNumber)) {
      *why = "no pid in \"" + text.substr(0, 200) + "\"";
      return 0;
    }
    int pid = 0;
    const std::string digits = m.str();
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
    if (ec != std::errc() || end != digits.data() + digits.size() || pid <= 0) {
      *why = "not a pid: " + digits;
      return 0;
    }
    return pid;
  }

  SignalTarget t_;
};

}  // namespace

std::unique_ptr<Injector> MakeSignalInjector(SignalTarget target) {
  return std::make_unique<SignalInjector>(std::move(target));
}

}  // namespace healbench
