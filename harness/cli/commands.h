// The healbench subcommands as DESIGN.md fixes them. Each takes the arguments after its
// name and returns the process exit code (0 ok, 1 SLO violated / not in sync, 2 bad input,
// 3 backend or infrastructure failure).
#pragma once

#include <string>
#include <vector>

namespace healbench {

int RunCommand(const std::vector<std::string>& args);
int ValidateCommand(const std::vector<std::string>& args);
int BackendsCommand(const std::vector<std::string>& args);
int DemoCommand(const std::vector<std::string>& args);
int ProbeCommand(const std::vector<std::string>& args);
int ReportCommand(const std::vector<std::string>& args);
int CompareCommand(const std::vector<std::string>& args);
// A reference-cluster storage node in the foreground (backends/refcluster).
int NodeCommand(const std::vector<std::string>& args);
// Reads back a verified run's writes from its journal (OUT/verify/), later.
int VerifyCommand(const std::vector<std::string>& args);

// Entry point: dispatches argv to the commands above; prints usage on no/unknown command.
int Main(int argc, char** argv);

}  // namespace healbench
