// The primary's write path (local write and forward to the secondary, in parallel; mark and
// go on alone when the secondary fails) and its link thread (reconnect every 500 ms, resync,
// then watch the secondary with pings while idle).
#include "backends/refcluster/primary_replicator.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <future>

#include "harness/core/units.h"

namespace healbench::ref {
namespace {

constexpr Nanos kReconnectIntervalNs = 500 * kNsPerMs;
constexpr Nanos kLinkTickNs = 20 * kNsPerMs;
constexpr Nanos kIdlePingNs = 200 * kNsPerMs;

}  // namespace

PrimaryReplicator::PrimaryReplicator(ReplicatorOptions options) : options_(std::move(options)) {}

PrimaryReplicator::~PrimaryReplicator() { Stop(); }

std::string PrimaryReplicator::PeerName() const {
  return options_.peer.host + ":" + std::to_string(options_.peer.port);
}

void PrimaryReplicator::Start() {
  link_ = std::thread([this] { LinkLoop(); });
}

void PrimaryReplicator::Stop() {
  stop_.store(true);
  if (link_.joinable()) link_.join();
  std::shared_ptr<ReplicaConnection> conn;
  {
    std::lock_guard<std::mutex> lock(mu_);
    conn = std::move(conn_);
    peer_state_ = "disconnected";
    why_ = "stopped";
  }
  if (conn) conn->Close();
}

void PrimaryReplicator::AddImage(Image* image) {
  std::shared_ptr<ReplicaConnection> conn;
  std::uint32_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Image* known : images_) {
      if (known == image) return;
    }
    id = static_cast<std::uint32_t>(images_.size());
    images_.push_back(image);
    conn = conn_;
  }
  if (!conn) return;  // opened when the secondary connects
  const std::string& name = image->name();
  auto r = conn->Call(RequestHeader(FrameType::kOpenImage, id, image->size_bytes(), 0),
                      {reinterpret_cast<const std::uint8_t*>(name.data()), name.size()},
                      options_.peer_timeout_ns);
  if (!r.ok() || r->status != 0) PeerLost(conn, "OPEN_IMAGE " + name + " on the secondary failed");
}

ReplicatedOutcome PrimaryReplicator::Write(Image* image, std::uint64_t offset,
                                           std::span<const std::uint8_t> data,
                                           const LocalWrite& local_write) {
  GuestWriteScope scope(gate_, image, offset, data.size());
  std::shared_ptr<ReplicaConnection> conn;
  std::uint32_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    conn = conn_;
    for (std::uint32_t i = 0; i < images_.size(); ++i) {
      if (images_[i] == image) id = i;
    }
  }
  auto peer = std::make_shared<std::promise<int>>();
  std::future<int> peer_done = peer->get_future();
  const bool sent =
      conn && conn->Send(RequestHeader(FrameType::kWrite, id, offset,
                                       static_cast<std::uint32_t>(data.size()), kFlagReplica),
                         data, [peer](int status, const FrameHeader&, std::vector<std::uint8_t>&) {
                           peer->set_value(status);
                         });
  if (!sent) {
    // Alone: the region is dirty before the data lands, so a crash cannot hide it.
    const int marked = image->SetPending(offset, data.size(), true);
    if (marked != 0) return {marked, 1};
    return {local_write(data), 1};
  }
  const int local = local_write(data);
  int remote = ETIMEDOUT;
  if (peer_done.wait_for(std::chrono::nanoseconds(options_.peer_timeout_ns)) ==
      std::future_status::ready) {
    remote = peer_done.get();
  }
  if (remote == 0) return {local, 2};
  PeerLost(conn,
           remote == ETIMEDOUT
               ? "no reply within the peer timeout " + FormatDurationExact(options_.peer_timeout_ns)
               : "write refused or connection lost (errno " + std::to_string(remote) + ")");
  const int marked = image->SetPending(offset, data.size(), true);
  return {local != 0 ? local : marked, 1};
}

ReplicatedOutcome PrimaryReplicator::Flush(Image* image) {
  std::shared_ptr<ReplicaConnection> conn;
  std::uint32_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    conn = conn_;
    for (std::uint32_t i = 0; i < images_.size(); ++i) {
      if (images_[i] == image) id = i;
    }
  }
  auto peer = std::make_shared<std::promise<int>>();
  std::future<int> peer_done = peer->get_future();
  const bool sent =
      conn && conn->Send(RequestHeader(FrameType::kFlush, id, 0, 0, kFlagReplica), {},
                         [peer](int status, const FrameHeader&, std::vector<std::uint8_t>&) {
                           peer->set_value(status);
                         });
  const int local = image->Flush();
  if (!sent) return {local, 1};
  int remote = ETIMEDOUT;
  if (peer_done.wait_for(std::chrono::nanoseconds(options_.peer_timeout_ns)) ==
      std::future_status::ready) {
    remote = peer_done.get();
  }
  if (remote == 0) return {local, 2};
  PeerLost(conn, "flush: no reply within the peer timeout or connection lost");
  return {local, 1};
}

ReplicationStatus PrimaryReplicator::Status() const {
  ReplicationStatus s;
  s.role = "primary";
  s.peer = PeerName();
  std::lock_guard<std::mutex> lock(mu_);
  s.peer_state = peer_state_;
  s.why = why_;
  for (const Image* img : images_) s.dirty_bytes += img->PendingRegions() * kRegionBytes;
  s.resync_total_bytes = resync_total_bytes_;
  s.resync_done_bytes = resync_done_bytes_;
  return s;
}

void PrimaryReplicator::PeerLost(const std::shared_ptr<ReplicaConnection>& conn,
                                 const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!conn || conn_ != conn) return;  // already dropped
    conn_.reset();
    peer_state_ = "disconnected";
    why_ = why;
  }
  fprintf(stderr, "node: secondary %s lost: %s; going on alone, marking dirty regions\n",
          PeerName().c_str(), why.c_str());
  conn->Close();  // writes still waiting on it fail with ENOTCONN and mark their regions
}

void PrimaryReplicator::CheckPeer() {
  std::shared_ptr<ReplicaConnection> conn;
  {
    std::lock_guard<std::mutex> lock(mu_);
    conn = conn_;
  }
  if (!conn) return;
  const Nanos now = MonotonicNs();
  const Nanos oldest = conn->OldestOutstandingNs();
  if (conn->Broken()) {
    PeerLost(conn, "connection lost");
  } else if (oldest != 0 && now - oldest >= options_.peer_timeout_ns) {
    PeerLost(conn,
             "no reply within the peer timeout " + FormatDurationExact(options_.peer_timeout_ns));
  } else if (oldest == 0 && now - last_ping_ns_ >= kIdlePingNs) {
    // Idle: a ping, so a frozen secondary is noticed without guest writes.
    last_ping_ns_ = now;
    conn->Send(RequestHeader(FrameType::kStatus, 0, 0, 0), {},
               [](int, const FrameHeader&, std::vector<std::uint8_t>&) {});
  }
}

void PrimaryReplicator::Pause(Nanos ns) {
  const Nanos until = MonotonicNs() + ns;
  while (!stop_.load() && MonotonicNs() < until) {
    CheckPeer();
    std::this_thread::sleep_for(
        std::chrono::nanoseconds(std::min<Nanos>(kLinkTickNs, until - MonotonicNs())));
  }
}

Result<std::shared_ptr<ReplicaConnection>> PrimaryReplicator::Connect() {
  const Nanos timeout = std::min<Nanos>(options_.peer_timeout_ns, kNsPerSec);
  auto opened = ReplicaConnection::Open(options_.peer, options_.token, timeout);
  if (!opened.ok()) return opened.error();
  std::shared_ptr<ReplicaConnection> conn = std::move(*opened);
  auto st = conn->Call(RequestHeader(FrameType::kStatus, 0, 0, 0), {}, timeout);
  if (!st.ok()) return st.error();
  auto rs = ParseReplicationStatus(std::string(st->payload.begin(), st->payload.end()));
  if (!rs.ok()) return rs.error();
  if (rs->role == "primary") {
    // Never copy onto another primary (after a failover the old peer may be one). A node
    // with no role yet (a static `--peer` setup) is taken as the secondary.
    return MakeError(ErrorCode::kUnavailable, "role primary, not secondary");
  }
  std::vector<Image*> images;
  {
    std::lock_guard<std::mutex> lock(mu_);
    images = images_;
  }
  for (std::uint32_t i = 0; i < images.size(); ++i) {
    const std::string& name = images[i]->name();
    auto r = conn->Call(RequestHeader(FrameType::kOpenImage, i, images[i]->size_bytes(), 0),
                        {reinterpret_cast<const std::uint8_t*>(name.data()), name.size()},
                        options_.peer_timeout_ns);
    if (!r.ok() || r->status != 0) {
      return MakeError(ErrorCode::kUnavailable, "OPEN_IMAGE " + name + " failed");
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (images_.size() != images.size()) {
      return MakeError(ErrorCode::kUnavailable, "images opened meanwhile; retrying");
    }
    conn_ = conn;
  }
  return conn;
}

void PrimaryReplicator::LinkLoop() {
  std::string last_refusal;
  while (!stop_.load()) {
    std::shared_ptr<ReplicaConnection> conn;
    {
      std::lock_guard<std::mutex> lock(mu_);
      conn = conn_;
    }
    if (conn) {
      Pause(kLinkTickNs);
      continue;
    }
    auto c = Connect();
    if (!c.ok()) {
      if (c.error().message != last_refusal) {
        fprintf(stderr, "node: secondary %s not usable yet: %s\n", PeerName().c_str(),
                c.error().message.c_str());
        last_refusal = c.error().message;
      }
      Pause(kReconnectIntervalNs);
      continue;
    }
    last_refusal.clear();
    fprintf(stderr, "node: secondary %s connected; resyncing what it missed\n", PeerName().c_str());
    if (auto rc = Resync(*c); !rc.ok()) {
      PeerLost(*c, "resync failed: " + rc.error().message);
      Pause(kReconnectIntervalNs);
    }
  }
}

}  // namespace healbench::ref
