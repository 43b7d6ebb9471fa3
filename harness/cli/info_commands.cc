// `healbench backends` (what this build can reach, and why not) and `healbench demo` (the
// reference cluster through a node cut off and healed: client replication with each heal-lock
// design and server replication, side by side).
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "backends/backend_registry.h"
#include "harness/cli/commands.h"
#include "harness/fleet/fleet_transport.h"
#include "harness/run/runner.h"
#include "harness/scenario/scenario_loader.h"
#include "reports/compare.h"

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
  const std::string mpi = FleetMpiLibrary();
  printf("\nfleet runs (mpirun -np N healbench run): %s\n",
         mpi.empty() ? "unavailable: built without MPI (install libopenmpi-dev, HEALBENCH_MPI)"
                     : ("available, " + mpi).c_str());
  return 0;
}

int DemoCommand(const std::vector<std::string>& args) {
  std::string out = "healbench-out/demo";
  std::string duration = "16s";
  bool help = false;
  po::options_description opts("healbench demo [options]");
  opts.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "out", po::value(&out), "results directory (default: healbench-out/demo)")(
      "duration", po::value(&duration), "length of each run (default: 16s)");
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
  // The reference cluster on loopback, two nodes: node2 is cut off for 4 s (a silent network
  // partition through the fault proxy in front of it: connections stay open, nothing gets
  // through), then reconnected. Every write is verified. Client-replicated
  // (GlusterFS AFR-like): the client drops it after ping_timeout, then heals it when it is
  // back — once with the whole image locked for the heal, once with only the chunk being
  // copied locked. Server-replicated (DRBD-like): the primary (node1) goes on alone after
  // ping_timeout, keeps a dirty bitmap and resyncs node2 in the background. Same workload,
  // same seed, one table at the end.
  struct Variant {
    std::string label, name;
    std::vector<std::string> sets;
  };
  const std::vector<Variant> variants = {
      {"client, heal_lock=image",
       "client-image-lock",
       {"backend.replication=client", "backend.heal_lock=image"}},
      {"client, heal_lock=range",
       "client-range-lock",
       {"backend.replication=client", "backend.heal_lock=range"}},
      {"server (primary/secondary)",
       "server-resync",
       {"backend.replication=server", "backend.resync_rate=32MiB"}},
  };
  printf(
      "healbench demo: the reference cluster (2 nodes on loopback), VM-like writes (verified), "
      "node2 cut off\nfor 4 s (network partition) "
      "at t=4s; ping_timeout 2s; the returning node is healed (client replication) or resynced "
      "by the\n"
      "primary (server replication) at 32 MiB/s. %zu runs of %s each.\n\n",
      variants.size(), duration.c_str());
  std::vector<report::RunResult> results;
  std::vector<std::string> labels;
  int worst = 0;
  for (const Variant& v : variants) {
    std::vector<std::string> sets = {"run.name=" + v.name,
                                     "run.duration=" + duration,
                                     "run.interval=250ms",
                                     "run.seed=42",
                                     "backend.kind=ref",
                                     "backend.ping_timeout=2s",
                                     "backend.heal_algorithm=dirty",
                                     "backend.heal_rate=32MiB",
                                     "images.count=1",
                                     "images.size=64MiB",
                                     "workload.profile=randwrite",
                                     "workload.iodepth=8",
                                     "workload.verify=true",
                                     "probe.kind=ref",
                                     "probe.interval=100ms"};
    sets.insert(sets.end(), v.sets.begin(), v.sets.end());
    const std::string file = out + "/" + v.name + ".toml";
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    {
      std::ofstream f(file);
      f << "[[fault]]\nat = \"4s\"\naction = \"partition\"\nnode = \"node2\"\n"
           "[[fault]]\nafter = \"4s\"\naction = \"heal_partition\"\nnode = \"node2\"\n";
      if (!f) {
        fprintf(stderr, "healbench demo: cannot write %s\n", file.c_str());
        return 3;
      }
    }
    auto scenario = LoadScenarioFile(file, sets);
    if (!scenario.ok()) {
      fprintf(stderr, "healbench demo: %s\n", scenario.error().message.c_str());
      return ExitCodeFor(scenario.error());
    }
    printf("== %s\n", v.label.c_str());
    RunOptions options;
    options.out_override = out + "/" + v.name;
    options.print_summary = false;
    auto outcome = ExecuteRun(*scenario, options);
    if (!outcome.ok()) {
      fprintf(stderr, "healbench demo: %s\n", outcome.error().message.c_str());
      return ExitCodeFor(outcome.error());
    }
    std::string stalls;
    for (const report::StallEntry& st : outcome->result.stalls) {
      char buf[96];
      snprintf(buf, sizeof buf, "%s%.2fs at t=%.1fs (%s)", stalls.empty() ? "" : ", ",
               st.duration_s, st.start_s, st.phase.c_str());
      stalls += buf;
    }
    printf("   stalls: %s\n", stalls.empty() ? "none" : stalls.c_str());
    printf("   results: %s/results.json, report: %s/report.html\n", outcome->out_dir.c_str(),
           outcome->out_dir.c_str());
    worst = std::max(worst, outcome->exit_code);
    results.push_back(outcome->result);
    labels.push_back(v.label);
  }
  printf("\n%s", report::CompareTable(results, labels).c_str());
  printf(
      "\nWith the whole image locked, guest I/O waits for the entire heal (the long stall after "
      "the\n"
      "reconnect); with range locks it goes on while the heal copies; with server replication the "
      "primary\n"
      "resyncs its secondary in the background and the guest does not notice. Compare them in a "
      "browser:\n"
      "  healbench compare %s/*/results.json --html %s/compare.html\n",
      out.c_str(), out.c_str());
  return worst == 3 ? 3 : 0;
}

}  // namespace healbench
