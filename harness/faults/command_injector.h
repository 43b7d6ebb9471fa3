// The command injector: each action is a command line the user gives per node (argv, or a
// shell string), run with a timeout; its exit status and output become the event. This is
// how healbench reaches clusters it does not own (ssh, systemctl, ipmitool, cloud CLIs).
#pragma once

#include <limits>
#include <map>
#include <memory>
#include <string>

#include "harness/faults/command_runner.h"
#include "harness/faults/injector.h"

namespace healbench {

// No command runs longer than command_timeout_ns ([nodes.NAME] timeout), nor longer than
// the fault step's own timeout.
std::unique_ptr<Injector> MakeCommandInjector(
    std::map<std::string, CommandSpec> commands,
    Nanos command_timeout_ns = std::numeric_limits<Nanos>::max());

}  // namespace healbench
