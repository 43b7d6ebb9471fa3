// A scenario as loaded and checked: every key of DESIGN.md's scenario format with its
// default applied. Sizes are bytes, durations nanoseconds. The loader guarantees the
// values are in range; everything downstream trusts them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/clock.h"
#include "workloads/workload_params.h"

namespace healbench {

struct RunSection {
  std::string name = "run";
  Nanos duration_ns = 60 * kNsPerSec;
  Nanos interval_ns = 1 * kNsPerSec;  // 100ms .. 1h
  Nanos stall_threshold_ns = 500 * kNsPerMs;
  std::optional<std::uint64_t> seed;       // absent: chosen at start and printed
  std::string out;                         // results directory; empty: default
  std::uint32_t threads = 0;               // worker threads; 0: one per core, at most one per image
  Nanos drain_timeout_ns = 5 * kNsPerSec;  // how long the end of a run waits for in-flight I/O
  // Fleet runs (mpirun): how many ranks must stall at once for a fleet stall ("any", "all",
  // "N%" of the ranks, or a count), and the longest wait for another rank (setup, start, end).
  std::string fleet_stall_ranks = "any";
  Nanos fleet_timeout_ns = 60 * kNsPerSec;
};

struct BackendSection {
  std::string kind = "file";
  // file
  std::string path;  // directory, block device or existing file
  bool direct = true;
  // ref (reference cluster) and others: kept as given for the backends that read them
  std::map<std::string, std::string> options;  // every other key, as its TOML text
};

struct ImagesSection {
  std::uint32_t count = 1;
  std::uint64_t size_bytes = 1ull << 30;
  std::string prefix = "vm";
};

struct WorkloadSection {
  std::string profile = "vm-mixed";
  // Overrides; absent means "the profile's value".
  std::optional<std::vector<BlockSizeWeight>> bs;
  std::optional<double> read_pct;            // 0..100
  std::optional<double> random_pct;          // 0..100
  std::optional<std::uint32_t> iodepth;      // per image, 1..4096
  std::optional<double> rate_iops;           // whole run; absent = closed loop
  Spacing spacing = Spacing::kFixed;         // open loop arrival spacing ("fixed" | "poisson")
  std::optional<std::uint32_t> fsync_every;  // a flush after every N writes per image; 0 = never
  bool verify = false;
  // Write over existing contents the file backend's guard refuses (a filesystem or partition
  // signature, a file healbench did not create); never over anything mounted or in use.
  bool overwrite = false;
};

// An argv to run (or, when shell is set, one shell command line in argv[0]).
struct CommandLine {
  std::vector<std::string> argv;
  bool shell = false;
};

// One [[fault]] step of the timeline. Exactly one of at / after / wait_until is set.
struct FaultStep {
  int line = 0;                   // line in the scenario file; 0 when from --set
  std::optional<Nanos> at_ns;     // from run start
  std::optional<Nanos> after_ns;  // from the end of the previous step
  // at/after = "random(A,B)": drawn from the run's seed, uniformly in [A, B].
  std::optional<std::pair<Nanos, Nanos>> random_ns;
  std::string wait_until;                 // "in_sync" | "safe_to_stop:NODE"
  std::string action;                     // empty for a wait step
  std::string node;                       // as written; "random(a,b)" picks one of them per run
  std::vector<std::string> node_choices;  // the candidates of node = "random(a,b)"
  CommandLine command;                    // for action = "command"
  Nanos timeout_ns = 60 * kNsPerSec;      // how long the action or wait may take
  bool abort_on_timeout = false;          // on_timeout = "abort": end the run when it fails
  bool valid = true;                      // false when the loader reported a problem with it
};

// [nodes.NAME]: how faults reach one node.
struct NodeSpec {
  std::string name;
  std::string injector;                         // command | signal | proxy | netfilter
  std::map<std::string, CommandLine> commands;  // command injector: action -> command;
                                                // signal injector: "restart"
  int pid = 0;                                  // signal
  std::string pidfile;                          // signal
  std::optional<CommandLine> pid_command;       // signal
  std::string listen, upstream;                 // proxy
  std::string partition_mode =
      "blackhole";                      // proxy: what partition does: blackhole | delay | bandwidth
  Nanos delay_ns = 0, jitter_ns = 0;    // proxy, partition_mode = "delay"
  std::uint64_t bandwidth_bytes_s = 0;  // proxy, partition_mode = "bandwidth"
  std::string host;                     // netfilter
  int port = 0;                         // netfilter
  Nanos timeout_ns = 30 * kNsPerSec;    // each injector command
  // Where this node's copy of the images can be read directly, for write verification's
  // replica comparison: a path with {image} for the image's file name (NAME.img), e.g. a
  // GlusterFS brick "/bricks/b1/vms/{image}". Empty: not compared.
  std::string replica_path;
};

// [probe]: how sync state is read, and how often.
struct ProbeSpec {
  std::string kind;  // ref | gluster | drbd | ceph | md | command
  Nanos interval_ns = 2 * kNsPerSec;
  Nanos timeout_ns = 10 * kNsPerSec;         // a probe call that takes longer gives "unknown"
  std::vector<std::string> prefix;           // run every probe command through this (e.g. ssh host)
  std::string volume;                        // gluster
  std::uint64_t shard_size = 0;              // gluster: bytes per pending entry (0: the image size)
  std::string resource = "all";              // drbd
  std::vector<std::string> osds;             // ceph: OSD ids for safe_to_stop (ok-to-stop)
  std::string device;                        // md: "md0" (empty: every array)
  CommandLine command;                       // command
  std::string in_sync_regex, pending_regex;  // command: regex form
  std::string in_sync_pointer, pending_pointer;  // command: JSON pointer form
};

struct Scenario {
  std::string source;  // file path, or "--set" when there is no file
  RunSection run;
  BackendSection backend;
  ImagesSection images;
  WorkloadSection workload;
  // Sections that later features own; the loader records whether they were given so the
  // runner can refuse them clearly instead of ignoring them.
  bool has_nodes = false;
  bool has_faults = false;
  bool has_probe = false;
  std::map<std::string, double> slo;  // [slo] limits as given (seconds for durations)
  // Those sections' keys as their TOML text (like BackendSection::options), so the feature
  // that owns a section can read it and the resolved scenario can be written out whole.
  std::map<std::string, std::map<std::string, std::string>> raw_nodes;  // [nodes.NAME]
  std::vector<std::map<std::string, std::string>> raw_faults;           // [[fault]], in order
  std::map<std::string, std::string> raw_probe;                         // [probe]
  std::vector<FaultStep> faults;                                        // [[fault]], checked
  std::map<std::string, NodeSpec> nodes;                                // [nodes.NAME], checked
  std::optional<ProbeSpec> probe;                                       // [probe], checked
};

}  // namespace healbench
