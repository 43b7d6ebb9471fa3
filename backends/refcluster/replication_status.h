// A node's server-replication state as its STATUS reply carries it ("replication" object):
// role, peer connection, consistency, dirty bytes and resync progress. The node writes it,
// the client reads it back; the codec is symmetric so the two always agree.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "harness/core/result.h"

namespace healbench::ref {

struct ReplicationStatus {
  std::string role = "none";  // "none" (client replication) | "primary" | "secondary"
  std::string peer;           // a primary's secondary, HOST:PORT; empty otherwise
  // A primary's view of its secondary: "in_sync" (connected, nothing dirty), "resyncing"
  // (connected, the secondary is marked inconsistent and being copied) or "disconnected"
  // (writes go on alone and are marked dirty). Empty for other roles.
  std::string peer_state;
  bool consistent = true;                // false: this node lacks writes (a secondary mid-resync)
  std::uint64_t dirty_bytes = 0;         // primary: not yet on the secondary; secondary: missing
  std::uint64_t resync_total_bytes = 0;  // the current or last resync's size
  std::uint64_t resync_done_bytes = 0;   // and how much of it is copied
  std::string why;                       // a short reason when something is wrong, else empty
};

// {"role":"primary","peer":"127.0.0.1:7001","peer_state":"resyncing","consistent":true,...}
std::string ReplicationStatusJson(const ReplicationStatus& s);

// Reads the "replication" object out of a node's STATUS JSON (or the object itself).
// kBadInput when it is missing or a field does not parse.
Result<ReplicationStatus> ParseReplicationStatus(std::string_view json);

}  // namespace healbench::ref
