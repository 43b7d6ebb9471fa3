// `healbench probe KIND [options]`: the sync state of a real system now, in the same terms
// a run records — a table for people or --json with the fields of a sync sample. Exit 0 in
// sync and safe to stop every node, 1 not, 3 unknown (including a CLI that hung past the
// timeout). --watch prints a line per change.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "harness/cli/command_options.h"
#include "harness/cli/commands.h"
#include "harness/core/units.h"
#include "harness/probes/sync_probe.h"
#include "harness/run/interrupt.h"

namespace healbench {
namespace po = boost::program_options;

namespace {

nlohmann::json SampleJson(const SyncSample& s) {
  nlohmann::json j;
  j["state"] = SyncStateName(s.state);
  j["pending_entries"] = s.pending_entries ? nlohmann::json(*s.pending_entries) : nlohmann::json();
  j["out_of_sync_bytes"] =
      s.out_of_sync_bytes ? nlohmann::json(*s.out_of_sync_bytes) : nlohmann::json();
  j["estimate"] = s.estimate;
  j["heal_waiting"] = s.heal_waiting;
  j["safe_to_stop"] = s.safe_to_stop;
  j["detail"] = s.detail;
  return j;
}

// Brick, member and resource names come from the tool's output and need not be UTF-8:
// replaced (U+FFFD) rather than thrown on, so garbage output still prints as `unknown`.
std::string Dump(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string SampleLine(const SyncSample& s) {
  std::string line = std::string(SyncStateName(s.state));
  if (s.pending_entries) line += "  pending " + std::to_string(*s.pending_entries);
  if (s.out_of_sync_bytes)
    line +=
        std::string("  out of sync ") + (s.estimate ? "~" : "") + FormatBytes(*s.out_of_sync_bytes);
  if (s.heal_waiting) line += "  (heal not running)";
  for (const auto& [node, safe] : s.safe_to_stop)
    line += "  " + node + (safe ? " safe" : " NOT safe");
  return line;
}

int ExitFor(const SyncSample& s) {
  if (s.state == SyncState::kUnknown) return 3;
  bool safe = true;
  for (const auto& [node, ok] : s.safe_to_stop) safe = safe && ok;
  return s.state == SyncState::kInSync && safe ? 0 : 1;
}

std::vector<std::string> SplitWords(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

int ProbeCommand(const std::vector<std::string>& args) {
  ProbeSpec spec;
  std::string timeout = "10s", interval = "2s", prefix, command, shard_size;
  bool json = false, watch = false;
  po::options_description opts(
      "healbench probe KIND [options]   (KIND: gluster | drbd | ceph | md | command)");
  opts.add_options()("volume", po::value(&spec.volume), "gluster: the volume")(
      "shard-size", po::value(&shard_size),
      "gluster: bytes per pending entry (default: not sharded)")(
      "resource", po::value(&spec.resource), "drbd: the resource (default: all)")(
      "osd", po::value(&spec.osds)->composing(),
      "ceph: an OSD id to ask ok-to-stop for (repeatable)")(
      "device", po::value(&spec.device), "md: the array, e.g. md0 (default: every array)")(
      "command", po::value(&command), "command: the command line to run (through /bin/sh)")(
      "in-sync-regex", po::value(&spec.in_sync_regex), "command: a match means in sync")(
      "pending-regex", po::value(&spec.pending_regex), "command: first group = pending amount")(
      "in-sync-pointer", po::value(&spec.in_sync_pointer),
      "command: JSON pointer to an in-sync bool")("pending-pointer",
                                                  po::value(&spec.pending_pointer),
                                                  "command: JSON pointer to the pending amount")(
      "prefix", po::value(&prefix), "run the status command through this, e.g. \"ssh storage1\"")(
      "timeout", po::value(&timeout), "give up on the status command after this (default: 10s)")(
      "json", po::bool_switch(&json), "print the sync sample as JSON (default: a line for people)")(
      "watch", po::bool_switch(&watch), "keep probing, print a line per change (default: off)")(
      "interval", po::value(&interval), "with --watch: time between readings (default: 2s)");
  std::vector<std::string> positional;
  if (auto rc = ParseCommandOptions("probe", "", args, opts, &positional)) return *rc;
  auto bad = [](const std::string& what) {
    fprintf(stderr, "healbench probe: %s\n", what.c_str());
    return 2;
  };
  if (positional.size() > 1) return bad("one probe kind at most");
  if (!positional.empty()) spec.kind = positional[0];
  if (spec.kind.empty()) return bad("give the probe kind: gluster, drbd, ceph, md or command");
  auto t = ParseDuration(timeout);
  auto iv = ParseDuration(interval);
  if (!t.ok()) return bad("--timeout: " + t.error().message);
  if (!iv.ok()) return bad("--interval: " + iv.error().message);
  spec.timeout_ns = *t;
  spec.interval_ns = *iv;
  if (!shard_size.empty()) {
    auto b = ParseSize(shard_size);
    if (!b.ok()) return bad("--shard-size: " + b.error().message);
    spec.shard_size = *b;
  }
  spec.prefix = SplitWords(prefix);
  if (!command.empty()) spec.command = {{command}, true};
  if (spec.kind == "gluster" && spec.volume.empty()) return bad("gluster needs --volume");
  if (spec.kind == "command" &&
      (command.empty() || (spec.in_sync_regex.empty() && spec.in_sync_pointer.empty()))) {
    return bad("command needs --command and --in-sync-regex or --in-sync-pointer");
  }
  auto probe = MakeSyncProbe(spec, 0);
  if (!probe.ok()) return bad(probe.error().message);

  if (!watch) {
    const SyncSample s = (*probe)->Sample();
    if (json) {
      printf("%s\n", Dump(SampleJson(s), 2).c_str());
    } else {
      printf("%s\n", SampleLine(s).c_str());
      if (!s.detail.empty()) printf("  %s\n", s.detail.c_str());
    }
    return ExitFor(s);
  }
  InstallInterruptHandlers();
  std::string last;
  int code = 3;
  while (!Interrupted()) {
    const SyncSample s = (*probe)->Sample();
    code = ExitFor(s);
    const std::string line = json ? Dump(SampleJson(s), -1) : SampleLine(s);
    if (line != last) {
      printf("%s %s\n", WallClockIso8601().c_str(), line.c_str());
      fflush(stdout);
      last = line;
    }
    for (Nanos slept = 0; slept < spec.interval_ns && !Interrupted(); slept += 50 * kNsPerMs) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  RestoreInterruptHandlers();
  return code;
}

}  // namespace healbench
