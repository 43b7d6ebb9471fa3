// Parser for `drbdsetup status [--verbose --statistics]` and `drbdadm status` text: a
// resource line at column 0, its volumes, then one block per peer; key:value tokens apply
// to the innermost object, so lines wrapped at terminal width still attach correctly.
#include "harness/probes/drbd_status.h"
#include "harness/probes/probe_text.h"

namespace healbench {

namespace {

int VolumeOf(std::string_view v) {
  const auto n = probe_text::ParseU64(v);
  return n && *n < 65536 ? static_cast<int>(*n) : 0;
}

std::optional<bool> YesNo(std::string_view v) {
  if (v == "yes") return true;
  if (v == "no") return false;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ParseDrbdStatusText(std::string_view text,
                                               std::vector<DrbdResource>* resources) {
  const std::string norm = probe_text::Normalize(text);
  DrbdResource* res = nullptr;
  DrbdConnection* conn = nullptr;
  DrbdDevice* dev = nullptr;
  DrbdPeerDevice* pdev = nullptr;
  for (std::string_view line : probe_text::SplitLines(norm)) {
    const std::vector<std::string_view> words = probe_text::SplitWords(line);
    if (words.empty()) continue;
    std::size_t first = 0;
    if (words[0].find(':') == std::string_view::npos) {
      first = 1;
      if (line.front() != ' ') {
        // A resource line must say its role, or this is not drbd status output.
        bool role = false;
        for (std::string_view w : words) role = role || w.starts_with("role:");
        if (!role) return "not drbd status output: \"" + std::string(line.substr(0, 120)) + "\"";
        resources->emplace_back();
        res = &resources->back();
        res->name = std::string(words[0]);
        conn = nullptr;
        dev = nullptr;
        pdev = nullptr;
      } else {
        if (res == nullptr) return "not drbd status output: peer line before any resource";
        res->connections.emplace_back();
        conn = &res->connections.back();
        conn->name = std::string(words[0]);
        pdev = nullptr;
      }
    }
    if (res == nullptr) {
      return "not drbd status output: \"" + std::string(probe_text::Trim(line).substr(0, 120)) +
             "\"";
    }
    for (std::size_t i = first; i < words.size(); ++i) {
      const auto colon = words[i].find(':');
      if (colon == std::string_view::npos) continue;
      const std::string_view key = words[i].substr(0, colon);
      const std::string_view value = words[i].substr(colon + 1);
      if (conn == nullptr) {  // the resource's own volumes
        if (key == "volume") {
          res->devices.emplace_back();
          dev = &res->devices.back();
          dev->volume = VolumeOf(value);
        } else if (key == "disk") {
          if (dev == nullptr) {
            res->devices.emplace_back();
            dev = &res->devices.back();
          }
          dev->disk_state = std::string(value);
        } else if (key == "client" && dev != nullptr) {
          dev->client = YesNo(value);
        }
        continue;
      }
      const bool device_key = key == "replication" || key == "peer-disk" || key == "disk" ||
                              key == "out-of-sync" || key == "done" || key == "peer-client" ||
                              key == "resync-suspended";
      if (key == "volume" || (device_key && pdev == nullptr)) {
        conn->peer_devices.emplace_back();
        pdev = &conn->peer_devices.back();
        if (key == "volume") {
          pdev->volume = VolumeOf(value);
          continue;
        }
      }
      if (key == "connection") {
        conn->connection_state = std::string(value);
      } else if (key == "replication") {
        pdev->replication = std::string(value);
      } else if (key == "peer-disk" || key == "disk") {  // old releases print disk: for peers
        pdev->peer_disk = std::string(value);
      } else if (key == "out-of-sync") {
        pdev->out_of_sync_kib = probe_text::ParseU64(value);
      } else if (key == "done") {
        pdev->percent_resync_done = probe_text::ParseDecimal(value);
      } else if (key == "peer-client") {
        pdev->peer_client = YesNo(value);
      } else if (key == "resync-suspended") {
        pdev->resync_suspended = std::string(value);
      }
    }
  }
  if (resources->empty()) return "no drbd resources in output";
  // The short forms leave out the normal states: Connected and Established.
  for (DrbdResource& r : *resources) {
    for (DrbdConnection& c : r.connections) {
      if (c.connection_state.empty()) c.connection_state = "Connected";
      for (DrbdPeerDevice& pd : c.peer_devices) {
        if (pd.replication.empty() && c.connection_state == "Connected") {
          pd.replication = "Established";
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace healbench
