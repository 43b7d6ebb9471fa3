// Parser for `drbdsetup status --json`: resources → devices, connections → peer_devices.
// Bare `nan` (estimated-seconds-to-finish before the first rate sample) becomes null.
#include "harness/probes/drbd_status.h"
#include "harness/probes/probe_text.h"

namespace healbench {

namespace {

using nlohmann::json;
using probe_text::JsonBool;
using probe_text::JsonDouble;
using probe_text::JsonString;
using probe_text::JsonU64;

int Volume(const json& j) {
  const auto v = JsonU64(j, "volume");
  return v && *v < 65536 ? static_cast<int>(*v) : 0;
}

const json* ArrayAt(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_array() ? &*it : nullptr;
}

}  // namespace

std::optional<std::string> ParseDrbdStatusJson(std::string_view text,
                                               std::vector<DrbdResource>* resources) {
  std::string why;
  auto parsed = probe_text::ExtractJson(text, &why);
  if (!parsed) return "drbdsetup status --json: " + why;
  json root = std::move(*parsed);
  if (root.is_object()) root = json::array({std::move(root)});
  if (!root.is_array()) return "drbdsetup status --json: not an array of resources";
  for (const json& jr : root) {
    if (!jr.is_object() || JsonString(jr, "name").empty()) {
      return "drbdsetup status --json: a resource without a name";
    }
    DrbdResource r;
    r.name = JsonString(jr, "name");
    const json* devices = ArrayAt(jr, "devices");
    if (devices == nullptr) return "resource " + r.name + ": no devices array";
    for (const json& jd : *devices) {
      DrbdDevice d;
      d.volume = Volume(jd);
      d.disk_state = JsonString(jd, "disk-state");
      d.client = JsonBool(jd, "client");
      r.devices.push_back(std::move(d));
    }
    if (const json* conns = ArrayAt(jr, "connections")) {
      for (const json& jc : *conns) {
        DrbdConnection c;
        c.name = JsonString(jc, "name");
        if (c.name.empty())
          c.name = "node-id " + std::to_string(JsonU64(jc, "peer-node-id").value_or(0));
        c.connection_state = JsonString(jc, "connection-state");
        if (c.connection_state.empty())
          return "resource " + r.name + ": peer " + c.name + " without connection-state";
        if (const json* pds = ArrayAt(jc, "peer_devices")) {
          for (const json& jp : *pds) {
            DrbdPeerDevice pd;
            pd.volume = Volume(jp);
            pd.replication = JsonString(jp, "replication-state");
            pd.peer_disk = JsonString(jp, "peer-disk-state");
            pd.peer_client = JsonBool(jp, "peer-client");
            pd.resync_suspended = JsonString(jp, "resync-suspended");
            pd.out_of_sync_kib = JsonU64(jp, "out-of-sync");
            pd.percent_in_sync = JsonDouble(jp, "percent-in-sync");
            pd.percent_resync_done = JsonDouble(jp, "percent-resync-done");
            c.peer_devices.push_back(std::move(pd));
          }
        }
        r.connections.push_back(std::move(c));
      }
    }
    resources->push_back(std::move(r));
  }
  return std::nullopt;
}

}  // namespace healbench
