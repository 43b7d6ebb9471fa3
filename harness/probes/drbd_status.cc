// DRBD status → sync sample: form detection and the state / safe-to-stop rules shared by
// the JSON and text parsers (drbd_status_json.cc, drbd_status_text.cc).
#include "harness/probes/drbd_status.h"

#include <cstdio>
#include <limits>
#include <map>

#include "harness/probes/probe_text.h"

namespace healbench {

namespace {

// Sums saturate here so KiB → bytes cannot overflow on absurd input.
constexpr std::uint64_t kMaxKib = std::numeric_limits<std::uint64_t>::max() / 1024;

bool IsResyncing(const std::string& r) {
  return r == "SyncSource" || r == "SyncTarget" || r == "WFBitMapS" || r == "WFBitMapT" ||
         r == "WFSyncUUID" || r == "StartingSyncS" || r == "StartingSyncT" || r == "Ahead" ||
         r == "Behind";
}
bool IsPaused(const std::string& r) { return r == "PausedSyncS" || r == "PausedSyncT"; }
bool IsLocalTarget(const std::string& r) {
  return r == "SyncTarget" || r == "PausedSyncT" || r == "WFBitMapT" || r == "StartingSyncT" ||
         r == "Behind";
}
bool Suspended(const DrbdPeerDevice& pd) {
  return !pd.resync_suspended.empty() && pd.resync_suspended != "no";
}
bool PeerIsClient(const DrbdConnection& c) {
  if (c.peer_devices.empty()) return false;
  for (const DrbdPeerDevice& pd : c.peer_devices) {
    if (pd.peer_disk != "Diskless" || pd.peer_client == false) return false;
  }
  return true;
}
bool LocalIsClient(const DrbdResource& r) {
  if (r.devices.empty()) return false;
  for (const DrbdDevice& d : r.devices) {
    if (d.disk_state != "Diskless" || d.client != true) return false;
  }
  return true;
}

std::string Where(const DrbdResource& r, const DrbdConnection& c, int volume) {
  return r.name + " peer " + c.name + " vol " + std::to_string(volume);
}

std::string OosNote(const DrbdPeerDevice& pd) {
  std::string out;
  if (pd.out_of_sync_kib) out += std::to_string(*pd.out_of_sync_kib) + " KiB out of sync";
  char buf[48];
  if (pd.percent_resync_done) {
    std::snprintf(buf, sizeof buf, "%.2f%% done", *pd.percent_resync_done);
    out += (out.empty() ? "" : ", ") + std::string(buf);
  } else if (pd.percent_in_sync) {
    std::snprintf(buf, sizeof buf, "%.2f%% in sync", *pd.percent_in_sync);
    out += (out.empty() ? "" : ", ") + std::string(buf);
  }
  return out.empty() ? out : " (" + out + ")";
}

}  // namespace

SyncSample ParseDrbdStatus(std::string_view text, const DrbdOptions& options) {
  if (auto reject = probe_text::RejectInput(text)) return UnknownSample(*reject);
  std::vector<DrbdResource> resources;
  const std::string_view t = probe_text::Trim(text);
  std::optional<std::string> error;
  if (t.starts_with("[") || t.starts_with("{")) {
    error = ParseDrbdStatusJson(text, &resources);
  } else if (t.starts_with("version:") || t.find("\n version:") != std::string_view::npos) {
    error = "DRBD 8 /proc/drbd format is not supported (use drbdsetup status --json)";
  } else {
    error = ParseDrbdStatusText(text, &resources);
  }
  if (error) return UnknownSample(*error);
  return EvaluateDrbdResources(resources, options);
}

SyncSample EvaluateDrbdResources(const std::vector<DrbdResource>& all, const DrbdOptions& options) {
  std::vector<const DrbdResource*> resources;
  for (const DrbdResource& r : all) {
    if (options.resource.empty() || r.name == options.resource) resources.push_back(&r);
  }
  if (resources.empty()) {
    return UnknownSample(options.resource.empty()
                             ? std::string("no DRBD resources in output")
                             : "resource " + options.resource + " not in output");
  }

  SyncSample s;
  s.state = SyncState::kInSync;
  std::vector<std::string> problems;
  std::uint64_t oos_kib = 0;
  bool oos_known = false, waiting = false, running = false;
  std::map<std::string, bool> good;  // node → holds an up-to-date, connected replica
  std::size_t peers = 0;
  std::vector<std::string> clients;
  const auto mark = [&good](const std::string& node, bool ok) {
    auto [it, inserted] = good.emplace(node, ok);
    if (!inserted) it->second = it->second && ok;
  };
  const auto worsen = [&s](SyncState st) { s.state = WorseState(s.state, st); };

  for (const DrbdResource* r : resources) {
    if (r->devices.empty()) return UnknownSample("resource " + r->name + ": no volumes in output");
    const bool local_client = LocalIsClient(*r);
    for (const DrbdDevice& d : r->devices) {
      if (local_client || d.disk_state == "UpToDate") continue;
      if (d.disk_state.empty()) {
        return UnknownSample("resource " + r->name + ": no disk state (truncated output?)");
      }
      mark(options.local_node, false);
      bool being_synced = false;
      for (const DrbdConnection& c : r->connections) {
        for (const DrbdPeerDevice& pd : c.peer_devices) {
          if (pd.volume == d.volume && c.connection_state == "Connected" &&
              (IsLocalTarget(pd.replication) || Suspended(pd))) {
            being_synced = true;
          }
        }
      }
      if (!being_synced) {
        worsen(SyncState::kDegraded);
        problems.push_back(r->name + " vol " + std::to_string(d.volume) + ": local disk " +
                           d.disk_state + ", no resync running");
      }
    }
    if (!local_client) mark(options.local_node, true);

    for (const DrbdConnection& c : r->connections) {
      if (PeerIsClient(c)) {  // a diskless client holds no replica: never in the way
        clients.push_back(c.name);
        continue;
      }
      ++peers;
      bool peer_good = c.connection_state == "Connected";
      if (!peer_good) {
        worsen(SyncState::kDegraded);
        std::string note;
        for (const DrbdPeerDevice& pd : c.peer_devices) note += OosNote(pd);
        problems.push_back(r->name + " peer " + c.name + ": " + c.connection_state + note);
      }
      for (const DrbdPeerDevice& pd : c.peer_devices) {
        if (pd.out_of_sync_kib) {
          oos_kib =
              *pd.out_of_sync_kib > kMaxKib - oos_kib ? kMaxKib : oos_kib + *pd.out_of_sync_kib;
          oos_known = true;
        }
        if (!peer_good) continue;
        const std::string& rep = pd.replication;
        const bool peer_up_to_date =
            pd.peer_disk == "UpToDate" || (pd.peer_disk == "Diskless" && pd.peer_client != false);
        if (IsResyncing(rep)) {
          worsen(SyncState::kHealing);
          running = true;
          problems.push_back(Where(*r, c, pd.volume) + ": " + rep + OosNote(pd));
        } else if (IsPaused(rep) || (!peer_up_to_date && Suspended(pd))) {
          worsen(SyncState::kHealing);
          waiting = true;
          problems.push_back(Where(*r, c, pd.volume) + ": " + (IsPaused(rep) ? rep : pd.peer_disk) +
                             ", resync suspended (" +
                             (pd.resync_suspended.empty() ? "paused" : pd.resync_suspended) + ")" +
                             OosNote(pd));
        } else if (!peer_up_to_date) {
          worsen(SyncState::kDegraded);
          problems.push_back(Where(*r, c, pd.volume) + ": peer disk " +
                             (pd.peer_disk.empty() ? std::string("not shown") : pd.peer_disk) +
                             OosNote(pd));
        } else if (pd.out_of_sync_kib.value_or(0) > 0) {
          worsen(SyncState::kDegraded);
          problems.push_back(Where(*r, c, pd.volume) + ": " + rep + " but" + OosNote(pd) +
                             " (needs a reconnect to resync)");
        }
        // The peer's copy is good when it is UpToDate; a resync towards us (SyncTarget)
        // does not make it worse, out-of-sync blocks outside a resync do.
        const bool stray_oos =
            !IsResyncing(rep) && !IsPaused(rep) && pd.out_of_sync_kib.value_or(0) > 0;
        if (!peer_up_to_date || stray_oos) peer_good = false;
      }
      mark(c.name, peer_good);
    }
  }

  if (oos_known) {
    s.out_of_sync_bytes = oos_kib * 1024;
  } else if (s.state == SyncState::kInSync) {
    s.out_of_sync_bytes = 0;
  }
  s.heal_waiting = s.state == SyncState::kHealing && waiting && !running;
  if (problems.empty()) {
    s.detail = std::to_string(resources.size()) + " resource(s), " + std::to_string(peers) +
               " peer(s) connected and UpToDate";
  } else {
    s.detail = probe_text::JoinLimited(problems);
  }
  // Stopping node N is safe only while every other replica is connected and UpToDate.
  for (const auto& [node, ok] : good) {
    bool safe = true;
    for (const auto& [other, other_ok] : good) {
      if (other != node && !other_ok) safe = false;
    }
    s.safe_to_stop[node] = safe;
  }
  for (const std::string& c : clients) s.safe_to_stop.emplace(c, true);
  return s;
}

}  // namespace healbench
