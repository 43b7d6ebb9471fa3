// Server replication, client side: connections and roles per node, the monitor (status
// polls every 100 ms on the ping connection; a node silent for ping_timeout is lost), the
// failover (only to a secondary that is up to date; it may still refuse, being mid-resync)
// and the return of a lost node (primary again if nobody took over, else secondary).
#include <cerrno>
#include <chrono>
#include <cstdio>

#include "backends/refcluster/server_cluster.h"
#include "harness/core/units.h"

namespace healbench::ref {
namespace {

constexpr Nanos kReconnectIntervalNs = 500 * kNsPerMs;
constexpr Nanos kMonitorTickNs = 20 * kNsPerMs;
constexpr Nanos kPollIntervalNs = 100 * kNsPerMs;

std::string Addr(const HostPort& a) { return a.host + ":" + std::to_string(a.port); }

}  // namespace

Result<ServerCluster::Links> ServerCluster::Connect(const Node& node, Nanos timeout) const {
  Links links;
  auto conn = ReplicaConnection::Open(node.address.addr, options_.token, timeout);
  if (!conn.ok()) return conn.error();
  links.conn = std::move(*conn);
  if (auto rc = OpenImages(*links.conn, images_, timeout); !rc.ok()) return rc.error();
  auto ping = ReplicaConnection::Open(node.address.addr, options_.token, timeout);
  if (!ping.ok()) return ping.error();
  links.ping = std::move(*ping);
  return links;
}

Result<void> ServerCluster::SetRole(ReplicaConnection& conn, const std::string& name, NodeRole role,
                                    const HostPort* peer, Nanos timeout) {
  FrameHeader h;
  h.type = static_cast<std::uint8_t>(FrameType::kSetRole);
  h.flags = static_cast<std::uint16_t>(role);
  h.offset = options_.resync_rate_bytes_per_s;
  h.length = static_cast<std::uint32_t>(
      std::min<Nanos>(options_.ping_timeout_ns / kNsPerMs, Nanos{0xffffffff}));
  const std::string peer_text = peer != nullptr ? Addr(*peer) : "";
  const char* what = role == NodeRole::kPrimary ? "primary" : "secondary";
  auto r = conn.Call(h, {reinterpret_cast<const std::uint8_t*>(peer_text.data()), peer_text.size()},
                     timeout);
  if (!r.ok()) {
    return MakeError(r.error().code,
                     "ref: " + name + ": SET_ROLE " + what + ": " + r.error().message);
  }
  if (r->status != 0) {
    const std::string reason(r->payload.begin(), r->payload.end());
    return MakeError(ErrorCode::kUnavailable,
                     name + " refused to become " + what + ": " +
                         (reason.empty() ? "errno " + std::to_string(r->status) : reason));
  }
  return Ok();
}

void ServerCluster::Monitor() {
  while (!stop_.load()) {
    std::this_thread::sleep_for(std::chrono::nanoseconds(kMonitorTickNs));
    const Nanos now = MonotonicNs();
    std::vector<std::pair<std::size_t, std::string>> lost;
    std::vector<std::size_t> attempts;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (std::size_t i = 0; i < nodes_.size(); ++i) {
        Node& n = nodes_[i];
        if (!n.up) {
          if (now >= n.next_attempt_ns) attempts.push_back(i);
          continue;
        }
        const Nanos oldest = n.ping->OldestOutstandingNs();
        if (n.conn->Broken() || n.ping->Broken()) {
          lost.emplace_back(i, "connection lost");
        } else if (oldest != 0 && now - oldest >= options_.ping_timeout_ns) {
          lost.emplace_back(
              i, "no reply within ping_timeout " + FormatDurationExact(options_.ping_timeout_ns));
        } else if (!n.poll_outstanding && now - n.last_poll_ns >= kPollIntervalNs) {
          n.poll_outstanding = true;
          n.last_poll_ns = now;
          FrameHeader h;
          h.type = static_cast<std::uint8_t>(FrameType::kStatus);
          n.ping->Send(h, {},
                       [this, i](int status, const FrameHeader&, std::vector<std::uint8_t>& p) {
                         OnStatus(i, status, p);
                       });
        }
      }
      if (mode_ == Mode::kUnavailable) FailParkedLocked(-EIO);
      if (mode_ == Mode::kServing && !parked_.empty() && nodes_[primary_].up &&
          !nodes_[primary_].conn->Broken()) {
        std::deque<Op*> again;
        again.swap(parked_);
        for (Op* op : again) IssueLocked(op);
      }
    }
    for (auto& [i, why] : lost) Lost(i, why);
    for (std::size_t i : attempts) Reconnect(i);
  }
}

void ServerCluster::Lost(std::size_t node, const std::string& why) {
  Links links;
  bool was_primary = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Node& n = nodes_[node];
    if (!n.up) return;
    n.up = false;
    n.poll_outstanding = false;
    n.next_attempt_ns = MonotonicNs() + kReconnectIntervalNs;
    links.conn = std::move(n.conn);
    links.ping = std::move(n.ping);
    was_primary = node == primary_ && mode_ == Mode::kServing;
    if (was_primary) mode_ = Mode::kFailingOver;
    fprintf(stderr, "ref: %s (%s) lost: %s\n", n.address.name.c_str(),
            node == primary_ ? "primary" : "secondary", why.c_str());
  }
  // Ops still out on it fail with ENOTCONN and are parked for the failover.
  if (links.conn) links.conn->Close();
  if (links.ping) links.ping->Close();
  if (was_primary) Failover(why);
}

void ServerCluster::Failover(const std::string& why) {
  std::size_t old = 0, cand = 0;
  std::shared_ptr<ReplicaConnection> conn;
  std::string refuse;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = primary_;
    cand = 1 - primary_;
    const Node& c = nodes_[cand];
    if (!c.up) {
      refuse = c.address.name + " is down too";
    } else if (secondary_outdated_ || nodes_[old].status.peer_state == "disconnected") {
      // The secondary does not know it missed writes; the client does.
      refuse = c.address.name + " is outdated: " + nodes_[old].address.name +
               " acknowledged writes " + c.address.name + " does not have (" +
               FormatBytes(nodes_[old].status.dirty_bytes) + " dirty when last polled)";
    } else {
      conn = c.conn;
    }
  }
  const std::string& old_name = nodes_[old].address.name;
  const std::string& cand_name = nodes_[cand].address.name;
  if (!refuse.empty()) {
    return Unavailable(old_name + " (primary) lost (" + why + ") and no failover: " + refuse);
  }
  fprintf(stderr, "ref: failing over from %s to %s\n", old_name.c_str(), cand_name.c_str());
  auto rc = SetRole(*conn, cand_name, NodeRole::kPrimary, &nodes_[old].address.addr,
                    options_.ping_timeout_ns);
  if (!rc.ok()) {
    return Unavailable(old_name + " (primary) lost (" + why +
                       ") and no failover: " + rc.error().message);
  }
  std::lock_guard<std::mutex> lock(mu_);
  primary_ = cand;
  mode_ = Mode::kServing;
  secondary_outdated_ = true;  // the old primary misses what is written from now on
  nodes_[cand].status.peer_state = "disconnected";
  fprintf(stderr, "ref: failover: %s is primary now, %.3f s after the last reply from %s\n",
          cand_name.c_str(), NsToSeconds(MonotonicNs() - last_primary_reply_ns_), old_name.c_str());
  std::deque<Op*> again;
  again.swap(parked_);
  for (Op* op : again) IssueLocked(op);
}

void ServerCluster::Unavailable(const std::string& why) {
  std::lock_guard<std::mutex> lock(mu_);
  mode_ = Mode::kUnavailable;
  unavailable_why_ = why;
  fprintf(stderr,
          "ref: image unavailable, I/O fails until a node that has every write is back: %s\n",
          why.c_str());
  FailParkedLocked(-EIO);
}

void ServerCluster::Reconnect(std::size_t node) {
  const Nanos timeout = std::min<Nanos>(options_.ping_timeout_ns, kNsPerSec);
  Node snapshot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot.address = nodes_[node].address;
  }
  auto links = Connect(snapshot, timeout);
  bool as_primary = false;
  HostPort peer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    as_primary = node == primary_;  // nobody took over: it has every write
    peer = nodes_[1 - node].address.addr;
  }
  Result<void> rc = links.ok() ? Ok() : Result<void>(links.error());
  if (rc.ok()) {
    rc = as_primary
             ? SetRole(*links->conn, snapshot.address.name, NodeRole::kPrimary, &peer, timeout)
             : SetRole(*links->conn, snapshot.address.name, NodeRole::kSecondary, nullptr, timeout);
  }
  std::lock_guard<std::mutex> lock(mu_);
  Node& n = nodes_[node];
  if (!rc.ok()) {
    n.next_attempt_ns = MonotonicNs() + kReconnectIntervalNs;
    return;
  }
  n.conn = links->conn;
  n.ping = links->ping;
  n.up = true;
  n.last_poll_ns = 0;
  if (as_primary) {
    mode_ = Mode::kServing;
    last_primary_reply_ns_ = MonotonicNs();
    fprintf(stderr, "ref: %s is back and primary again; I/O resumes\n", n.address.name.c_str());
  } else {
    fprintf(stderr, "ref: %s is back as secondary; %s resyncs it\n", n.address.name.c_str(),
            nodes_[primary_].address.name.c_str());
  }
}

}  // namespace healbench::ref
