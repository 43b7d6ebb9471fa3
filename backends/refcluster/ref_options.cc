// Parsing of backend.replication, replicas, ping_timeout, heal_lock, heal_algorithm,
// heal_rate, resync_rate, nodes, keep_data, test_faults and token_file; every error names the key
// and the value.
#include "backends/refcluster/ref_options.h"

#include "backends/backend_option_text.h"
#include "backends/refcluster/test_fault_mode.h"
#include "backends/refcluster/token_file.h"
#include "harness/core/units.h"

namespace healbench::ref {
namespace {

Error Bad(const std::string& key, const std::string& value, const std::string& want) {
  return BadBackendKey("ref", key, value, want);
}

// The items of a TOML list of strings kept as text: ["a", "b"] → a, b.
std::vector<std::string> ListItems(const std::string& value) {
  std::string list = value;
  if (list.size() >= 2 && list.front() == '[' && list.back() == ']') {
    list = list.substr(1, list.size() - 2);
  }
  std::vector<std::string> items;
  std::size_t at = 0;
  while (at <= list.size()) {
    std::size_t comma = list.find(',', at);
    if (comma == std::string::npos) comma = list.size();
    std::string item = list.substr(at, comma - at);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) items.push_back(UnquoteToml(item));
    at = comma + 1;
  }
  return items;
}

// test_faults needs spawned nodes, names node1..node<replicas>, and one mode of a kind each.
Result<void> CheckTestFaults(const RefOptions& o,
                             const std::map<std::string, std::string>& options) {
  if (o.test_faults.empty()) return Ok();
  const std::string text = options.at("test_faults");
  if (!o.nodes.empty()) {
    return Bad("test_faults", text,
               "spawned nodes only: test fault modes cannot be given together with "
               "backend.nodes (start external nodes with healbench node --test-fault MODE)");
  }
  for (const auto& [node, modes] : o.test_faults) {
    bool known = false;
    for (std::uint32_t i = 1; i <= o.replicas; ++i)
      known = known || node == "node" + std::to_string(i);
    if (!known) {
      return Bad("test_faults", text,
                 "node names node1..node" + std::to_string(o.replicas) + " (backend.replicas = " +
                     std::to_string(o.replicas) + "), not \"" + node + "\"");
    }
    for (std::size_t i = 0; i < modes.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (ParseTestFaultMode(modes[i])->kind == ParseTestFaultMode(modes[j])->kind) {
          return Bad("test_faults", text,
                     "one mode of each kind per node; " + node + " has \"" + modes[j] +
                         "\" and \"" + modes[i] + "\"");
        }
      }
    }
  }
  return Ok();
}

}  // namespace

Result<RefOptions> ParseRefOptions(const std::map<std::string, std::string>& options) {
  RefOptions o;
  for (const auto& [key, text] : options) {
    const std::string v = UnquoteToml(text);
    if (key == "replication") {
      if (v != "client" && v != "server") return Bad(key, text, "\"client\" or \"server\"");
      o.replication = v;
    } else if (key == "replicas") {
      if (v != "2" && v != "3") return Bad(key, text, "2 or 3");
      o.replicas = v == "2" ? 2 : 3;
    } else if (key == "ping_timeout") {
      auto d = ParseDuration(v);
      if (!d.ok() || *d <= 0) return Bad(key, text, "a positive duration such as \"10s\"");
      o.ping_timeout_ns = *d;
    } else if (key == "heal_lock") {
      if (v != "image" && v != "range") return Bad(key, text, "\"image\" or \"range\"");
      o.heal_lock = v;
    } else if (key == "heal_algorithm") {
      if (v != "full" && v != "diff" && v != "dirty")
        return Bad(key, text, "\"full\", \"diff\" or \"dirty\"");
      o.heal_algorithm = v;
    } else if (key == "heal_rate" || key == "resync_rate") {
      std::string s = v;
      if (s.size() > 2 && s.substr(s.size() - 2) == "/s") s.resize(s.size() - 2);
      auto r = ParseSize(s);
      if (!r.ok()) return Bad(key, text, "bytes per second such as \"50MiB\" (0: unbounded)");
      (key == "heal_rate" ? o.heal_rate_bytes_per_s : o.resync_rate_bytes_per_s) = *r;
    } else if (key == "keep_data") {
      if (v != "true" && v != "false") return Bad(key, text, "true or false");
      o.keep_data = v == "true";
    } else if (key == "test_faults") {
      for (const std::string& item : ListItems(v)) {
        const std::size_t eq = item.find('=');
        const std::string node = item.substr(0, eq);
        auto mode = ParseTestFaultMode(eq == std::string::npos ? "" : item.substr(eq + 1));
        if (node.empty() || eq == std::string::npos || !mode.ok()) {
          return Bad(key, text,
                     "a list of \"NODE=MODE\" such as [\"node2=ack-drop:every=50\"]; \"" + item +
                         "\": " + (mode.ok() ? "no NODE= before the mode" : mode.error().message));
        }
        o.test_faults[node].push_back(item.substr(eq + 1));
      }
    } else if (key == "token_file") {
      auto token = ReadTokenFile(v);
      if (!token.ok()) {
        return Bad(key, text,
                   "a readable file whose first line is the token (" + token.error().message + ")");
      }
      o.token_file = v;
      o.token = *token;
    } else if (key == "nodes") {
      o.nodes = ListItems(v);
      if (o.nodes.size() < 2) return Bad(key, text, "a list of 2 or 3 HOST:PORT addresses");
    }
    // Other keys are ignored here.
  }
  if (o.replication == "server") {
    // One primary, one secondary (DRBD's classic pair); a third copy is not built.
    if (o.replicas != 2) {
      return MakeError(ErrorCode::kNotSupported,
                       "backend.replicas = " + std::to_string(o.replicas) +
                           " with backend.replication = \"server\": not implemented; server "
                           "replication runs on 2 nodes (a primary and its secondary)");
    }
    if (!o.nodes.empty() && o.nodes.size() != 2) {
      return Bad("nodes", options.at("nodes"),
                 "2 HOST:PORT addresses with replication = \"server\" (primary, secondary)");
    }
  }
  if (auto rc = CheckTestFaults(o, options); !rc.ok()) return rc.error();
  return o;
}

}  // namespace healbench::ref
