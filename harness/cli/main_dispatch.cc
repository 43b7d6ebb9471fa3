// Subcommand dispatch and top-level usage.
#include <cstdio>
#include <cstring>
#include <map>

#include "harness/cli/commands.h"
#include "harness/core/build_info.h"

namespace healbench {
namespace {

const char* kUsage =
    "usage: healbench COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO [--set k=v]... [--out DIR]   run a scenario (or --set alone, no file)\n"
    "  validate SCENARIO [--set k=v]...          parse and check a scenario, run nothing\n"
    "  backends                                  list backends and whether they are available\n"
    "  demo [--out DIR]                          a short demo run on local files\n"
    "  report RESULTS.json [--html FILE]         re-render a run's results (HTML, CSV, summary)\n"
    "  compare RESULTS.json... [--html FILE]     runs side by side (--json for JSON)\n"
    "  probe KIND [options]                      sync state of a real system now (gluster, drbd,\n"
    "                                            ceph, md, command); exit 0 in sync and safe\n"
    "  node --listen ADDR --dir DIR              a reference-cluster storage node\n"
    "  verify OUT_DIR                            read back a verified run's writes again, later\n"
    "  version                                   print the version\n"
    "\n"
    "Each command takes --help. Exit codes: 0 ok, 1 SLO violated, 2 bad input,\n"
    "3 backend or infrastructure failure.\n";

}  // namespace

int Main(int argc, char** argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "run") return RunCommand(args);
  if (cmd == "validate") return ValidateCommand(args);
  if (cmd == "backends") return BackendsCommand(args);
  if (cmd == "demo") return DemoCommand(args);
  if (cmd == "report") return ReportCommand(args);
  if (cmd == "compare") return CompareCommand(args);
  if (cmd == "version" || cmd == "--version") {
    printf("healbench %s (%s, %s)\n", kVersion, kGitSha, kBuildType);
    return 0;
  }
  if (cmd == "probe") return ProbeCommand(args);
  if (cmd == "node") return NodeCommand(args);
  if (cmd == "verify") return VerifyCommand(args);
  fprintf(stderr, "healbench: unknown command \"%s\"\n\n%s", cmd.c_str(), kUsage);
  return 2;
}

}  // namespace healbench
