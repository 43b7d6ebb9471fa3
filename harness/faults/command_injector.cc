// Command injector. See command_injector.h.
#include "harness/faults/command_injector.h"

namespace healbench {
namespace {

class CommandInjector final : public Injector {
 public:
  explicit CommandInjector(std::map<std::string, CommandSpec> commands)
      : commands_(std::move(commands)) {}
  std::string Kind() const override { return "command"; }
  std::string CannotDo(const std::string& action) const override {
    return commands_.count(action) != 0 ? "" : "no command is given for action \"" + action + "\"";
  }
  ActionOutcome Do(const std::string& action, Nanos timeout_ns) override {
    auto it = commands_.find(action);
    if (it == commands_.end()) return {false, CannotDo(action)};
    const CommandOutcome o = RunCommand(it->second, timeout_ns);
    return {o.ok, DescribeOutcome(it->second, o)};
  }

 private:
  std::map<std::string, CommandSpec> commands_;
};

}  // namespace

std::unique_ptr<Injector> MakeCommandInjector(std::map<std::string, CommandSpec> commands) {
  return std::make_unique<CommandInjector>(std::move(commands));
}

}  // namespace healbench
