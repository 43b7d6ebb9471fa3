// The replication status codec. It reads only what ReplicationStatusJson writes (flat keys,
// strings without escapes, unsigned integers, booleans), which keeps the backend free of a
// JSON library while staying exact.
#include "backends/refcluster/replication_status.h"

#include <charconv>

namespace healbench::ref {
namespace {

// Only names and addresses go in: drop anything that would need escaping.
std::string Clean(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out;
}

std::string Str(const std::string& key, const std::string& v) {
  return "\"" + key + "\":\"" + Clean(v) + "\"";
}
std::string Num(const std::string& key, std::uint64_t v) {
  return "\"" + key + "\":" + std::to_string(v);
}

// The text right after "KEY": in obj, or npos.
std::size_t ValueAt(std::string_view obj, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\":";
  const std::size_t at = obj.find(needle);
  return at == std::string_view::npos ? at : at + needle.size();
}

Error Bad(std::string_view key, std::string_view why) {
  return MakeError(ErrorCode::kBadInput,
                   "node status: replication." + std::string(key) + ": " + std::string(why));
}

Result<std::string> GetString(std::string_view obj, std::string_view key) {
  const std::size_t at = ValueAt(obj, key);
  if (at == std::string_view::npos) return Bad(key, "missing");
  if (at >= obj.size() || obj[at] != '"') return Bad(key, "not a string");
  const std::size_t end = obj.find('"', at + 1);
  if (end == std::string_view::npos) return Bad(key, "unterminated string");
  return std::string(obj.substr(at + 1, end - at - 1));
}

Result<std::uint64_t> GetNumber(std::string_view obj, std::string_view key) {
  const std::size_t at = ValueAt(obj, key);
  if (at == std::string_view::npos) return Bad(key, "missing");
  std::uint64_t v = 0;
  const char* begin = obj.data() + at;
  const auto [ptr, ec] = std::from_chars(begin, obj.data() + obj.size(), v);
  if (ec != std::errc() || ptr == begin) return Bad(key, "not an unsigned integer");
  return v;
}

Result<bool> GetBool(std::string_view obj, std::string_view key) {
  const std::size_t at = ValueAt(obj, key);
  if (at == std::string_view::npos) return Bad(key, "missing");
  if (obj.substr(at, 4) == "true") return true;
  if (obj.substr(at, 5) == "false") return false;
  return Bad(key, "not a boolean");
}

}  // namespace

std::string ReplicationStatusJson(const ReplicationStatus& s) {
  return "{" + Str("role", s.role) + "," + Str("peer", s.peer) + "," +
         Str("peer_state", s.peer_state) + ",\"consistent\":" + (s.consistent ? "true" : "false") +
         "," + Num("dirty_bytes", s.dirty_bytes) + "," +
         Num("resync_total_bytes", s.resync_total_bytes) + "," +
         Num("resync_done_bytes", s.resync_done_bytes) + "," + Str("why", s.why) + "}";
}

Result<ReplicationStatus> ParseReplicationStatus(std::string_view json) {
  std::string_view obj = json;
  if (const std::size_t at = ValueAt(json, "replication"); at != std::string_view::npos) {
    const std::size_t end = json.find('}', at);
    if (end == std::string_view::npos) return Bad("", "unterminated object");
    obj = json.substr(at, end - at + 1);
  }
  ReplicationStatus s;
  auto role = GetString(obj, "role");
  if (!role.ok()) return role.error();
  if (*role != "none" && *role != "primary" && *role != "secondary") {
    return Bad("role", "unknown role \"" + *role + "\"");
  }
  s.role = *role;
  auto peer = GetString(obj, "peer");
  auto peer_state = GetString(obj, "peer_state");
  auto consistent = GetBool(obj, "consistent");
  auto dirty = GetNumber(obj, "dirty_bytes");
  auto total = GetNumber(obj, "resync_total_bytes");
  auto done = GetNumber(obj, "resync_done_bytes");
  auto why = GetString(obj, "why");
  if (!peer.ok()) return peer.error();
  if (!peer_state.ok()) return peer_state.error();
  if (!consistent.ok()) return consistent.error();
  if (!dirty.ok()) return dirty.error();
  if (!total.ok()) return total.error();
  if (!done.ok()) return done.error();
  if (!why.ok()) return why.error();
  s.peer = *peer;
  s.peer_state = *peer_state;
  s.consistent = *consistent;
  s.dirty_bytes = *dirty;
  s.resync_total_bytes = *total;
  s.resync_done_bytes = *done;
  s.why = *why;
  return s;
}

}  // namespace healbench::ref
