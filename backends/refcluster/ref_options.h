// The ref backend's settings, read from the [backend] keys (kept as TOML text by the
// scenario loader) with DESIGN.md's defaults, and checked before any node starts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/core/clock.h"
#include "harness/core/result.h"

namespace healbench::ref {

struct RefOptions {
  std::string replication = "client";  // "client" | "server"
  std::uint32_t replicas = 2;
  Nanos ping_timeout_ns = 10 * kNsPerSec;
  std::string heal_lock = "image";            // "image" | "range"
  std::string heal_algorithm = "dirty";       // "full" | "diff" | "dirty"
  std::uint64_t heal_rate_bytes_per_s = 0;    // 0: unbounded
  std::uint64_t resync_rate_bytes_per_s = 0;  // server replication's resync; 0: unbounded
  std::vector<std::string> nodes;             // external nodes; empty: spawn `replicas` nodes
  bool keep_data = false;  // keep spawned nodes' images after the run (logs are always kept)
  // test_faults = ["node1=ack-drop:every=50", …]: node name → its --test-fault modes
  // (spawned nodes only; see test_fault_mode.h).
  std::map<std::string, std::vector<std::string>> test_faults;
  // token_file: the shared secret said in every HELLO (nodes started with --token-file refuse
  // clients without it); spawned nodes are started with the same file. Empty: no token.
  std::string token_file;
  std::string token;  // the file's first line
};

Result<RefOptions> ParseRefOptions(const std::map<std::string, std::string>& options);

}  // namespace healbench::ref
