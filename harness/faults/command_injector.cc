// Command injector. See command_injector.h.
#include "harness/faults/command_injector.h"

#include <algorithm>

namespace healbench {
namespace {

class CommandInjector final : public Injector {
 public:
  CommandInjector(std::map<std::string, CommandSpec> commands, Nanos command_timeout_ns)
      : commands_(std::move(commands)), command_timeout_ns_(command_timeout_ns) {}
  std::string Kind() const override { return "command"; }
  std::string CannotDo(const std::string& action) const override {
    return commands_.count(action) != 0 ? "" : "no command is given for action \"" + action + "\"";
  }
  ActionOutcome Do(const std::string& action, Nanos timeout_ns) override {
    auto it = commands_.find(action);
    if (it == commands_.end()) return {false, CannotDo(action)};
    const CommandOutcome o =
        RunCommand(it->second, std::min(timeout_ns, command_timeout_ns_), cancel_);
    return {o.ok, DescribeOutcome(it->second, o), o.timed_out || o.cancelled};
  }

 private:
  std::map<std::string, CommandSpec> commands_;
  Nanos command_timeout_ns_;
};

}  // namespace

std::unique_ptr<Injector> MakeCommandInjector(std::map<std::string, CommandSpec> commands,
                                              Nanos command_timeout_ns) {
  return std::make_unique<CommandInjector>(std::move(commands), command_timeout_ns);
}

}  // namespace healbench
