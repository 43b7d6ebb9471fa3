// Runs an injector's or a step's command with a hard timeout: argv executed directly (no
// shell) unless the user gave a shell string, stdout and stderr captured (truncated), the
// whole process group killed when time runs out, so a hung ssh or CLI never hangs a run.
// A caller whose run is ending can also cut a command short through a cancel flag.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "harness/core/clock.h"

namespace healbench {

struct CommandSpec {
  std::vector<std::string> argv;  // argv[0] looked up in PATH
  bool shell = false;             // argv[0] is a shell command line for /bin/sh -c
};

struct CommandOutcome {
  bool ok = false;  // started, exited 0, within the timeout
  bool timed_out = false;
  bool cancelled = false;  // killed because the caller's cancel flag was set (the run ended)
  int exit_code = -1;      // -1 when killed by a signal or not started
  std::string output;      // stdout and stderr interleaved, at most kMaxOutputBytes
  std::string
      error;  // why it failed, for people: "exit 2", "timed out after 5s", "exec ...: No such file"
};

constexpr std::size_t kMaxOutputBytes = 4096;

// While *cancel (when given) is true, or once it becomes true, the command's process group
// is killed within a few milliseconds and the outcome says "cancelled".
CommandOutcome RunCommand(const CommandSpec& spec, Nanos timeout_ns,
                          const std::atomic<bool>* cancel = nullptr);

// "ssh storage1 systemctl stop glusterd" for messages; shell strings as given.
std::string DescribeCommand(const CommandSpec& spec);

// What an event says about a finished command: "CMD: exit 0" or "CMD: <error>", then its
// output on the next lines when it printed any.
std::string DescribeOutcome(const CommandSpec& spec, const CommandOutcome& outcome);

}  // namespace healbench
