// `healbench backends` (what this build can reach, and why not) and `healbench demo` (a
// short run on local image files, so a fresh machine shows what healbench measures).
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "backends/backend_registry.h"
#include "harness/cli/commands.h"
#include "harness/run/runner.h"
#include "harness/scenario/scenario_loader.h"

namespace healbench {
namespace po = boost::program_options;

int BackendsCommand(const std::vector<std::string>& args) {
  if (!args.empty()) {
    fprintf(stderr, "healbench backends: takes no arguments\n");
    return 2;
  }
  printf("%-7s %-13s %s\n", "backend", "status", "what it reaches");
  for (const BackendEntry& e : BackendRegistry()) {
    const std::string why = e.unavailable_reason();
    printf("%-7s %-13s %s\n", e.name.c_str(), why.empty() ? "available" : "unavailable",
           e.description.c_str());
    if (!why.empty()) printf("%-7s %-13s   reason: %s\n", "", "", why.c_str());
  }
  return 0;
}

int DemoCommand(const std::vector<std::string>& args) {
  std::string out = "healbench-out/demo";
  std::string duration = "10s";
  bool help = false;
  po::options_description opts("healbench demo [options]");
  opts.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "out", po::value(&out), "results directory (default: healbench-out/demo)")(
      "duration", po::value(&duration), "run length (default: 10s)");
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(opts).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fprintf(stderr, "healbench demo: %s\n", e.what());
    return 2;
  }
  if (help) {
    std::cout << opts << "\n";
    return 0;
  }
  // Until the reference cluster exists, the demo drives VM-like I/O on sparse image files
  // in a directory of its own under the results directory, and removes them afterwards.
  const std::string images = out + "/images";
  std::error_code ec;
  std::filesystem::create_directories(images, ec);
  if (ec) {
    fprintf(stderr, "healbench demo: %s: %s\n", images.c_str(), ec.message().c_str());
    return 2;
  }
  printf("healbench demo: VM-like I/O (profile vm-mixed) on 2 sparse image files in %s for %s\n",
         images.c_str(), duration.c_str());
  std::vector<std::string> sets = {"run.name=demo",
                                   "run.duration=" + duration,
                                   "backend.kind=file",
                                   "backend.path=" + images,
                                   "images.count=2",
                                   "images.size=256MiB",
                                   "workload.profile=vm-mixed"};
  auto scenario = LoadScenarioFromSets(sets);
  if (!scenario.ok()) {
    fprintf(stderr, "healbench demo: %s\n", scenario.error().message.c_str());
    return ExitCodeFor(scenario.error());
  }
  RunOptions options;
  options.out_override = out;
  auto outcome = ExecuteRun(*scenario, options);
  if (!outcome.ok() && outcome.error().message.find("O_DIRECT") != std::string::npos) {
    printf("healbench demo: %s: direct I/O is not possible here; running with buffered I/O\n",
           images.c_str());
    sets.push_back("backend.direct=false");
    scenario = LoadScenarioFromSets(sets);
    outcome = ExecuteRun(*scenario, options);
  }
  std::filesystem::remove_all(images, ec);
  if (!outcome.ok()) {
    fprintf(stderr, "healbench demo: %s\n", outcome.error().message.c_str());
    return ExitCodeFor(outcome.error());
  }
  return outcome->exit_code;
}

}  // namespace healbench
