// The signal injector: freeze = SIGSTOP, thaw = SIGCONT, kill = SIGKILL to a process named
// by pid, pidfile, or a command that prints the pid (e.g. a GlusterFS brick's pid from
// `gluster volume status VOL --xml`); restart by a command. The pid is looked up at each
// action, so a restarted process is found again.
#pragma once

#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "harness/faults/command_runner.h"
#include "harness/faults/injector.h"

namespace healbench {

struct SignalTarget {
  int pid = 0;                             // fixed pid, or
  std::string pidfile;                     // a file holding the pid, or
  std::optional<CommandSpec> pid_command;  // a command whose output's first integer is the pid
  std::optional<CommandSpec> restart;      // how to start it again after kill
  // [nodes.NAME] timeout: no command of this injector runs longer (nor longer than the
  // step's own timeout).
  Nanos command_timeout_ns = std::numeric_limits<Nanos>::max();
};

std::unique_ptr<Injector> MakeSignalInjector(SignalTarget target);

}  // namespace healbench
