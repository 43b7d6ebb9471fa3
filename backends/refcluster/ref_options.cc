// Parsing of backend.replication, replicas, ping_timeout, heal_lock, heal_algorithm,
// heal_rate and nodes; every error names the key and the value.
#include "backends/refcluster/ref_options.h"

#include "harness/core/units.h"

namespace healbench::ref {
namespace {

std::string Unquote(const std::string& t) {
  if (t.size() >= 2 && (t.front() == '\'' || t.front() == '"') && t.back() == t.front()) {
    return t.substr(1, t.size() - 2);
  }
  return t;
}

Error Bad(const std::string& key, const std::string& value, const std::string& want) {
  return MakeError(ErrorCode::kBadInput,
                   "backend." + key + " = " + value + " (kind = \"ref\"): expected " + want);
}

}  // namespace

Result<RefOptions> ParseRefOptions(const std::map<std::string, std::string>& options) {
  RefOptions o;
  for (const auto& [key, text] : options) {
    const std::string v = Unquote(text);
    if (key == "replication") {
      if (v == "server") {
        return MakeError(ErrorCode::kNotSupported,
                         "backend.replication = \"server\": not implemented yet; use \"client\"");
      }
      if (v != "client") return Bad(key, text, "\"client\" or \"server\"");
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
      if (v == "diff") {
        return MakeError(ErrorCode::kNotSupported,
                         "backend.heal_algorithm = \"diff\": not implemented yet; use \"dirty\" "
                         "or \"full\"");
      }
      if (v != "full" && v != "dirty") return Bad(key, text, "\"full\", \"diff\" or \"dirty\"");
      o.heal_algorithm = v;
    } else if (key == "heal_rate") {
      std::string s = v;
      if (s.size() > 2 && s.substr(s.size() - 2) == "/s") s.resize(s.size() - 2);
      auto r = ParseSize(s);
      if (!r.ok()) return Bad(key, text, "bytes per second such as \"50MiB\" (0: unbounded)");
      o.heal_rate_bytes_per_s = *r;
    } else if (key == "nodes") {
      std::string list = v;
      if (list.size() >= 2 && list.front() == '[' && list.back() == ']') {
        list = list.substr(1, list.size() - 2);
      }
      std::size_t at = 0;
      while (at <= list.size()) {
        std::size_t comma = list.find(',', at);
        if (comma == std::string::npos) comma = list.size();
        std::string item = list.substr(at, comma - at);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) o.nodes.push_back(Unquote(item));
        at = comma + 1;
      }
      if (o.nodes.size() < 2) return Bad(key, text, "a list of 2 or 3 HOST:PORT addresses");
    }
    // resync_rate belongs to server replication; other keys are ignored here.
  }
  return o;
}

}  // namespace healbench::ref
