// DRBD 9 replication state from `drbdsetup status --json` (primary; survives the bare
// `nan` older drbd-utils print) or `drbdsetup status --verbose --statistics` / `drbdadm
// status` text (fallback): connection, disk and replication states and out-of-sync KiB.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/probes/sync_sample.h"

namespace healbench {

struct DrbdOptions {
  std::string resource{};            // only this resource; "" = every resource in the output
  std::string local_node = "local";  // safe_to_stop key for the node the command ran on
};

// The status as both forms describe it. Text leaves absent what it does not print.
struct DrbdPeerDevice {
  int volume = 0;
  std::string replication;          // Established, SyncSource, SyncTarget, PausedSyncS, Off, ...
  std::string peer_disk;            // UpToDate, Inconsistent, Outdated, DUnknown, Diskless, ...
  std::optional<bool> peer_client;  // a diskless client by intent
  std::string resync_suspended;     // "no", "peer", "user", "dependency", ...
  std::optional<std::uint64_t> out_of_sync_kib;
  std::optional<double> percent_in_sync, percent_resync_done;
};
struct DrbdConnection {
  std::string name;              // the peer's node name
  std::string connection_state;  // Connected, Connecting, StandAlone, ...
  std::vector<DrbdPeerDevice> peer_devices;
};
struct DrbdDevice {
  int volume = 0;
  std::string disk_state;
  std::optional<bool> client;
};
struct DrbdResource {
  std::string name;
  std::vector<DrbdDevice> devices;
  std::vector<DrbdConnection> connections;
};

// Auto-detects JSON or text. State rules, worst wins over every resource and volume:
//   a peer not Connected (Connecting, StandAlone, ...) → degraded; replication SyncSource /
//   SyncTarget (and their WFBitMap / StartingSync steps) → healing, PausedSync* or a
//   suspended resync → healing with heal_waiting; Established with a peer or local disk that
//   is not UpToDate, or out-of-sync > 0 → degraded; every peer Connected / Established /
//   UpToDate with out-of-sync 0 → in_sync. Diskless clients are not replicas and ignored.
// out_of_sync_bytes = sum of out-of-sync KiB × 1024 over peer devices (exact, not an estimate).
SyncSample ParseDrbdStatus(std::string_view text, const DrbdOptions& options);

std::optional<std::string> ParseDrbdStatusJson(std::string_view text,
                                               std::vector<DrbdResource>* resources);
std::optional<std::string> ParseDrbdStatusText(std::string_view text,
                                               std::vector<DrbdResource>* resources);

SyncSample EvaluateDrbdResources(const std::vector<DrbdResource>& resources,
                                 const DrbdOptions& options);

}  // namespace healbench
