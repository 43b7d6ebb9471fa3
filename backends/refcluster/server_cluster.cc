// Server replication, client side: start-up (roles, wait for the pair to be in sync), the
// guest I/O path to the primary (ops whose primary went away are parked for the failover)
// and the sync state from the nodes' polled status.
#include "backends/refcluster/server_cluster.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "harness/core/units.h"

namespace healbench::ref {

ServerCluster::ServerCluster(RefOptions options, std::vector<ReplicaAddress> nodes)
    : options_(std::move(options)) {
  for (ReplicaAddress& a : nodes) {
    Node n;
    n.address = std::move(a);
    nodes_.push_back(std::move(n));
  }
}

ServerCluster::~ServerCluster() { Stop(); }

Result<void> ServerCluster::Start(const std::vector<ImageSpec>& images) {
  images_ = images;
  if (nodes_.size() != 2) {
    return MakeError(
        ErrorCode::kNotSupported,
        "ref: server replication runs on exactly 2 nodes, not " + std::to_string(nodes_.size()));
  }
  for (Node& n : nodes_) {
    auto links = Connect(n, options_.ping_timeout_ns);
    if (!links.ok()) {
      return MakeError(links.error().code, "ref: " + n.address.name + ": " + links.error().message);
    }
    n.conn = links->conn;
    n.ping = links->ping;
    n.up = true;
  }
  if (auto rc = SetRole(*nodes_[1].conn, nodes_[1].address.name, NodeRole::kSecondary, nullptr,
                        options_.ping_timeout_ns);
      !rc.ok()) {
    return rc.error();
  }
  if (auto rc = SetRole(*nodes_[0].conn, nodes_[0].address.name, NodeRole::kPrimary,
                        &nodes_[1].address.addr, options_.ping_timeout_ns);
      !rc.ok()) {
    return rc.error();
  }
  // The primary connects to its secondary on its own; wait until it says they are in sync.
  const Nanos deadline = MonotonicNs() + std::max<Nanos>(5 * kNsPerSec, options_.ping_timeout_ns);
  std::string last = "no status yet";
  while (true) {
    FrameHeader h;
    h.type = static_cast<std::uint8_t>(FrameType::kStatus);
    auto r = nodes_[0].ping->Call(h, {}, options_.ping_timeout_ns);
    if (r.ok() && r->status == 0) {
      auto st = ParseReplicationStatus(std::string(r->payload.begin(), r->payload.end()));
      if (st.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        nodes_[0].status = *st;
        nodes_[0].has_status = true;
        if (st->peer_state == "in_sync") break;
        last = st->peer_state + (st->why.empty() ? "" : " (" + st->why + ")");
      } else {
        last = st.error().message;
      }
    }
    if (MonotonicNs() >= deadline) {
      return MakeError(ErrorCode::kUnavailable,
                       "ref: " + nodes_[0].address.name + " (primary) did not get in sync with " +
                           nodes_[1].address.name + " (secondary) in time: " + last);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  fprintf(stderr, "ref: server replication: %s primary, %s secondary, in sync\n",
          nodes_[0].address.name.c_str(), nodes_[1].address.name.c_str());
  last_primary_reply_ns_ = MonotonicNs();
  monitor_ = std::thread([this] { Monitor(); });
  return Ok();
}

void ServerCluster::Stop() {
  stop_.store(true);
  if (monitor_.joinable()) monitor_.join();
  std::vector<std::shared_ptr<ReplicaConnection>> conns;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Node& n : nodes_) {
      if (n.conn) conns.push_back(std::move(n.conn));
      if (n.ping) conns.push_back(std::move(n.ping));
      n.up = false;
    }
  }
  for (auto& c : conns) c->Close();  // ops still out fail with ENOTCONN
  std::lock_guard<std::mutex> lock(mu_);
  FailParkedLocked(-ECANCELED);
}

void ServerCluster::Submit(CompletionSink* sink, const IoRequest& req) {
  auto* op = new Op{sink, req};
  std::lock_guard<std::mutex> lock(mu_);
  if (req.image >= images_.size()) return CompleteLocked(op, -EINVAL);
  if (req.op == OpKind::kDiscard) return CompleteLocked(op, -EOPNOTSUPP);
  if (mode_ != Mode::kServing || stop_.load()) {
    parked_.push_back(op);  // a failover reissues it; while unavailable the monitor fails it
    return;
  }
  IssueLocked(op);
}

void ServerCluster::Detach(CompletionSink* sink) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Op* op : inflight_) {
    if (op->sink == sink) op->sink = nullptr;
  }
  for (Op* op : parked_) {
    if (op->sink == sink) op->sink = nullptr;
  }
}

void ServerCluster::IssueLocked(Op* op) {
  const IoRequest& r = op->req;
  FrameHeader h;
  h.type = static_cast<std::uint8_t>(r.op == OpKind::kRead    ? FrameType::kRead
                                     : r.op == OpKind::kWrite ? FrameType::kWrite
                                                              : FrameType::kFlush);
  h.image = r.image;
  h.offset = r.op == OpKind::kFlush ? 0 : r.offset;
  h.length = r.op == OpKind::kFlush ? 0 : r.length;
  const std::span<const std::uint8_t> data =
      r.op == OpKind::kWrite
          ? std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(r.buffer), r.length)
          : std::span<const std::uint8_t>();
  const std::shared_ptr<ReplicaConnection>& conn = nodes_[primary_].conn;
  inflight_.insert(op);
  const bool sent = conn && conn->Send(h, data,
                                       [this, op](int status, const FrameHeader& reply,
                                                  std::vector<std::uint8_t>& payload) {
                                         OnReply(op, status, reply, payload);
                                       });
  if (!sent) {  // the primary's connection is gone: the monitor fails over
    inflight_.erase(op);
    parked_.push_back(op);
  }
}

void ServerCluster::OnReply(Op* op, int status, const FrameHeader& reply,
                            std::vector<std::uint8_t>& data) {
  std::lock_guard<std::mutex> lock(mu_);
  inflight_.erase(op);
  if (status == ENOTCONN && reply.magic == 0) {
    // The connection closed under the op: it never got an answer, so a failover retries it
    // on the new primary (writes are idempotent; their order was never promised).
    if (stop_.load()) return CompleteLocked(op, -ECANCELED);
    parked_.push_back(op);
    return;
  }
  last_primary_reply_ns_ = MonotonicNs();
  if (status != 0) return CompleteLocked(op, -status);
  if (op->req.op == OpKind::kRead) {
    if (op->sink != nullptr) {
      memcpy(op->req.buffer, data.data(), std::min<std::size_t>(data.size(), op->req.length));
    }
    return CompleteLocked(op, op->req.length);
  }
  if (reply.length == 1) secondary_outdated_ = true;  // the primary went on alone
  CompleteLocked(op, op->req.op == OpKind::kFlush ? 0 : std::int64_t{op->req.length});
}

void ServerCluster::CompleteLocked(Op* op, std::int64_t result) {
  if (op->sink != nullptr) op->sink->Complete({op->req.tag, result});
  delete op;
}

void ServerCluster::FailParkedLocked(std::int64_t result) {
  std::deque<Op*> failed;
  failed.swap(parked_);
  for (Op* op : failed) CompleteLocked(op, result);
}

void ServerCluster::OnStatus(std::size_t node, int status, std::vector<std::uint8_t>& payload) {
  auto st = status == 0
                ? ParseReplicationStatus(std::string(payload.begin(), payload.end()))
                : Result<ReplicationStatus>(MakeError(ErrorCode::kUnavailable, "status failed"));
  std::lock_guard<std::mutex> lock(mu_);
  Node& n = nodes_[node];
  n.poll_outstanding = false;
  if (!st.ok()) return;
  n.status = *st;
  n.has_status = true;
  if (node == primary_ && mode_ == Mode::kServing &&
      (st->peer_state == "in_sync" || st->peer_state == "resyncing")) {
    // Connected again: a secondary being resynced knows itself what it lacks.
    secondary_outdated_ = false;
  }
}

BackendSyncState ServerCluster::Status() {
  std::lock_guard<std::mutex> lock(mu_);
  BackendSyncState st;
  const Node& p = nodes_[primary_];
  const Node& s = nodes_[1 - primary_];
  if (mode_ != Mode::kServing) {
    st.state = "degraded";
    st.safe_to_stop[p.address.name] = false;
    st.safe_to_stop[s.address.name] = false;
    st.detail = mode_ == Mode::kUnavailable ? "image unavailable: " + unavailable_why_
                                            : "failing over from " + p.address.name;
    return st;
  }
  const std::string& ps = p.status.peer_state;
  st.state = ps == "in_sync" ? "in_sync" : ps == "resyncing" ? "healing" : "degraded";
  st.safe_to_stop[p.address.name] = ps == "in_sync" && s.up;
  st.safe_to_stop[s.address.name] = p.up;
  st.detail = "primary " + p.address.name + ", secondary " + s.address.name + " " +
              (ps.empty() ? "unknown" : ps);
  st.out_of_sync_bytes = ps == "resyncing"
                             ? p.status.resync_total_bytes -
                                   std::min(p.status.resync_done_bytes, p.status.resync_total_bytes)
                             : p.status.dirty_bytes;
  if (ps == "resyncing") {
    st.detail += " (" + FormatBytes(p.status.resync_done_bytes) + " of " +
                 FormatBytes(p.status.resync_total_bytes) + " copied)";
  } else if (p.status.dirty_bytes > 0) {
    st.detail += " (" + FormatBytes(p.status.dirty_bytes) + " dirty)";
  }
  return st;
}

}  // namespace healbench::ref
