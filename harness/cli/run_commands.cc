// `healbench run` and `healbench validate`: options through Boost.Program_options, the
// scenario through the loader, then the runner.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <optional>

#include "harness/cli/command_options.h"
#include "harness/cli/commands.h"
#include "harness/core/units.h"
#include "harness/fleet/fleet_session.h"
#include "harness/fleet/fleet_transport.h"
#include "harness/run/runner.h"
#include "harness/scenario/scenario_loader.h"

namespace healbench {
namespace po = boost::program_options;

namespace {

struct ScenarioArgs {
  std::string file;
  std::vector<std::string> sets;
  std::string out;
  std::string metrics_listen, pushgateway, textfile;
  bool quiet = false;
  bool force = false;
};

// Parses the options shared by run and validate; returns an exit code on error or help.
std::optional<int> ParseScenarioArgs(const std::string& cmd, const std::vector<std::string>& args,
                                     bool with_run_options, ScenarioArgs* a) {
  po::options_description opts("healbench " + cmd + " [SCENARIO.toml] [options]");
  opts.add_options()(
      "set", po::value(&a->sets)->composing(),
      "override a scenario key: --set section.key=value (value read as TOML; a bare word is a "
      "string)");
  if (with_run_options) {
    opts.add_options()("out", po::value(&a->out),
                       "results directory (default: run.out, else healbench-out/NAME-TIME)")(
        "quiet,q", po::bool_switch(&a->quiet), "no progress line and no summary (default: off)")(
        "force", po::bool_switch(&a->force),
        "write over a device or file that holds a filesystem, partition table or LVM/RAID "
        "signature, or a file healbench did not create; never over one mounted or in use "
        "(same as --set workload.overwrite=true; default: off)")(
        "metrics-listen", po::value(&a->metrics_listen),
        "serve Prometheus metrics while the run goes on ADDR: a port (9464) binds loopback, "
        "HOST:PORT as given (default: off)")(
        "pushgateway", po::value(&a->pushgateway),
        "push the final figures to a Pushgateway URL, job healbench, grouped by run "
        "(default: off)")("textfile", po::value(&a->textfile),
                          "write the final figures to PATH for node_exporter's textfile "
                          "collector (default: off)");
  }
  std::vector<std::string> positional;
  if (auto rc = ParseCommandOptions(cmd, "", args, opts, &positional)) return rc;
  if (positional.size() > 1) {
    fprintf(stderr, "healbench %s: one scenario file at most; got \"%s\" and \"%s\"\n", cmd.c_str(),
            positional[0].c_str(), positional[1].c_str());
    return 2;
  }
  if (!positional.empty()) a->file = positional[0];
  if (a->file.empty() && a->sets.empty()) {
    fprintf(stderr,
            "healbench %s: give a scenario file, or --set section.key=value options for a run "
            "without one\n",
            cmd.c_str());
    return 2;
  }
  return std::nullopt;
}

Result<Scenario> Load(const ScenarioArgs& a) {
  return a.file.empty() ? LoadScenarioFromSets(a.sets) : LoadScenarioFile(a.file, a.sets);
}

}  // namespace

int RunCommand(const std::vector<std::string>& args) {
  ScenarioArgs a;
  if (auto rc = ParseScenarioArgs("run", args, true, &a)) return *rc;
  auto scenario = Load(a);
  if (!scenario.ok()) {
    fprintf(stderr, "healbench run: %s\n", scenario.error().message.c_str());
    return ExitCodeFor(scenario.error());
  }
  if (a.force) scenario->workload.overwrite = true;
  // Under mpirun each rank is a client host of one fleet run (harness/fleet).
  auto transport = JoinFleetIfLaunched(scenario->run.fleet_timeout_ns);
  if (!transport.ok()) {
    fprintf(stderr, "healbench run: %s\n", transport.error().message.c_str());
    return ExitCodeFor(transport.error());
  }
  std::optional<FleetSession> fleet;
  if (*transport) fleet.emplace(transport->get(), scenario->run.fleet_timeout_ns);
  const bool member = fleet && !fleet->root();
  RunOptions options;
  options.out_override = a.out;
  options.progress = !a.quiet && !member;  // rank 0 speaks for the fleet
  options.print_summary = !a.quiet && !member;
  if (!member) {
    options.metrics_listen = a.metrics_listen;
    options.pushgateway = a.pushgateway;
    options.textfile = a.textfile;
  }
  options.fleet = fleet ? &*fleet : nullptr;
  auto outcome = ExecuteRun(*scenario, options);
  if (!outcome.ok()) {
    const std::string who = fleet ? " (rank " + std::to_string(fleet->rank()) + ")" : "";
    fprintf(stderr, "healbench run%s: %s\n", who.c_str(), outcome.error().message.c_str());
    const int code = ExitCodeFor(outcome.error());
    if (fleet) {
      fleet->AbandonSetup(outcome.error().message);
      (*transport)->FlushSends(2 * kNsPerSec);
      (*transport)->Leave(false, code);
    }
    return code;
  }
  if (!fleet) return outcome->exit_code;
  // Rank 0's exit code speaks for the fleet; a rank whose results rank 0 took exits 0.
  if (member) {
    (*transport)->Leave(outcome->handed_over, outcome->exit_code);
    return outcome->handed_over ? 0 : outcome->exit_code;
  }
  (*transport)->Leave(outcome->fleet_complete, outcome->exit_code);
  return outcome->exit_code;
}

int ValidateCommand(const std::vector<std::string>& args) {
  ScenarioArgs a;
  if (auto rc = ParseScenarioArgs("validate", args, false, &a)) return *rc;
  auto scenario = Load(a);
  if (!scenario.ok()) {
    fprintf(stderr, "healbench validate: %s\n", scenario.error().message.c_str());
    return ExitCodeFor(scenario.error());
  }
  const Scenario& s = *scenario;
  printf("%s: ok — backend %s, %u image(s) of %s, profile %s, %s\n", s.source.c_str(),
         s.backend.kind.c_str(), s.images.count, FormatBytes(s.images.size_bytes).c_str(),
         s.workload.profile.c_str(), FormatDuration(s.run.duration_ns).c_str());
  return 0;
}

}  // namespace healbench
