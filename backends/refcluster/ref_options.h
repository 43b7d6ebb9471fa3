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
  std::string replication = "client";  // "client" (server: not yet)
  std::uint32_t replicas = 2;
  Nanos ping_timeout_ns = 10 * kNsPerSec;
  std::string heal_lock = "image";          // "image" | "range"
  std::string heal_algorithm = "dirty";     // "full" | "dirty" ("diff": not yet)
  std::uint64_t heal_rate_bytes_per_s = 0;  // 0: unbounded
  std::vector<std::string> nodes;           // external nodes; empty: spawn `replicas` nodes
};

Result<RefOptions> ParseRefOptions(const std::map<std::string, std::string>& options);

}  // namespace healbench::ref
