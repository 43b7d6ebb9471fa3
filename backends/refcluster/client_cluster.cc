// Client replication: the I/O path (issue to replicas, settle replies, mark on loss), the
// monitor (ping timeout, reconnect every 500 ms) and the heal (copy pending regions from a
// survivor under the configured lock, at heal_rate).
#include "backends/refcluster/client_cluster.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "backends/refcluster/image_store.h"
#include "harness/core/units.h"

namespace healbench::ref {
namespace {

constexpr Nanos kReconnectIntervalNs = 500 * kNsPerMs;
constexpr Nanos kMonitorTickNs = 20 * kNsPerMs;

}  // namespace

ClientCluster::ClientCluster(RefOptions options, std::vector<ReplicaAddress> replicas)
    : options_(std::move(options)) {
  for (ReplicaAddress& a : replicas) replicas_.push_back({std::move(a), nullptr, State::kDown, 0});
}

ClientCluster::~ClientCluster() { Stop(); }

Result<void> ClientCluster::Start(const std::vector<ImageSpec>& images) {
  images_ = images;
  locks_ = std::vector<ImageLock>(images.size());
  for (Replica& r : replicas_) {
    auto c = ReplicaConnection::Open(r.address.addr, options_.token, options_.ping_timeout_ns);
    if (!c.ok()) {
      return MakeError(c.error().code, "ref: " + r.address.name + ": " + c.error().message);
    }
    if (auto rc = OpenImages(**c, images_, options_.ping_timeout_ns); !rc.ok()) {
      return MakeError(rc.error().code, "ref: " + r.address.name + ": " + rc.error().message);
    }
    r.conn = std::move(*c);
    r.state = State::kUp;
  }
  monitor_ = std::thread([this] { Monitor(); });
  return Ok();
}

BackendSyncState ClientCluster::Status() {
  std::lock_guard<std::mutex> lock(mu_);
  BackendSyncState st;
  int up = 0, down = 0, healing = 0;
  for (const Replica& r : replicas_) {
    up += r.state == State::kUp ? 1 : 0;
    down += r.state == State::kDown ? 1 : 0;
    healing += r.state == State::kHealing ? 1 : 0;
  }
  st.state = down > 0 ? "degraded" : healing > 0 ? "healing" : "in_sync";
  for (const Replica& r : replicas_) {
    // Safe when another replica holds every write: one that is up and not being healed.
    st.safe_to_stop[r.address.name] = up - (r.state == State::kUp ? 1 : 0) >= 1;
  }
  st.detail = std::to_string(up) + " up, " + std::to_string(healing) + " healing, " +
              std::to_string(down) + " down";
  return st;
}

void ClientCluster::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
  }
  cv_.notify_all();
  if (monitor_.joinable()) monitor_.join();
  if (healer_.joinable()) healer_.join();
  std::vector<std::shared_ptr<ReplicaConnection>> conns;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Replica& r : replicas_) {
      if (r.conn) conns.push_back(std::move(r.conn));
      r.state = State::kDown;
    }
  }
  for (auto& c : conns) c->Close();
  // Ops blocked behind a heal lock never reached a node; settle them too.
  std::lock_guard<std::mutex> lock(mu_);
  for (ImageLock& l : locks_) {
    for (Op* op : l.blocked) {
      if (op->sink != nullptr) op->sink->Complete({op->req.tag, -ECANCELED});
      delete op;
    }
    l.blocked.clear();
  }
}

void ClientCluster::Submit(CompletionSink* sink, const IoRequest& req) {
  auto* op = new Op{};
  op->sink = sink;
  op->req = req;
  std::lock_guard<std::mutex> lock(mu_);
  if (req.image >= images_.size()) {
    sink->Complete({req.tag, -EINVAL});
    delete op;
    return;
  }
  StartLocked(op);
}

void ClientCluster::Detach(CompletionSink* sink) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Op* op : inflight_) {
    if (op->sink == sink) op->sink = nullptr;
  }
  for (ImageLock& l : locks_) {
    for (Op* op : l.blocked) {
      if (op->sink == sink) op->sink = nullptr;
    }
  }
}

bool ClientCluster::BlockedLocked(const Op& op) const {
  const ImageLock& l = locks_[op.req.image];
  if (!l.held) return false;
  const std::uint64_t end = op.req.op == OpKind::kFlush ? l.end : op.req.offset + op.req.length;
  const std::uint64_t begin = op.req.op == OpKind::kFlush ? l.begin : op.req.offset;
  return begin < l.end && end > l.begin;
}

void ClientCluster::StartLocked(Op* op) {
  if (BlockedLocked(*op)) {
    locks_[op->req.image].blocked.push_back(op);
    return;
  }
  inflight_.insert(op);
  IssueLocked(op);
}

void ClientCluster::IssueLocked(Op* op) {
  const IoRequest& r = op->req;
  if (r.op == OpKind::kDiscard) {
    op->error = -EOPNOTSUPP;
    return FinishLocked(op);
  }
  if (r.op == OpKind::kRead) {
    for (Replica& rep : replicas_) {
      if (rep.state != State::kUp || !rep.conn) continue;
      const bool sent = rep.conn->Send(
          RequestHeader(FrameType::kRead, r.image, r.offset, r.length), {},
          [this, op](int status, const FrameHeader&, std::vector<std::uint8_t>& data) {
            OnReply(op, status, &data);
          });
      if (sent) {
        op->remaining = 1;
        return;
      }
    }
    op->error = -ENOTCONN;
    return FinishLocked(op);
  }
  bool degraded = false;
  for (const Replica& rep : replicas_) degraded = degraded || rep.state == State::kDown;
  FrameHeader h = RequestHeader(r.op == OpKind::kWrite ? FrameType::kWrite : FrameType::kFlush,
                                r.image, r.offset, r.op == OpKind::kWrite ? r.length : 0);
  if (degraded && r.op == OpKind::kWrite) {
    h.flags = kFlagMarkPending;
    op->degraded = true;
    ++degraded_inflight_;
  }
  const std::span<const std::uint8_t> data =
      r.op == OpKind::kWrite
          ? std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(r.buffer), r.length)
          : std::span<const std::uint8_t>();
  op->remaining = 1;  // held while sending, so no reply can finish the op early
  for (Replica& rep : replicas_) {
    if (rep.state == State::kDown || !rep.conn) continue;
    ++op->remaining;
    const bool up = rep.state == State::kUp;
    if (!rep.conn->Send(h, data,
                        [this, op, up](int status, const FrameHeader&, std::vector<std::uint8_t>&) {
                          OnReply(op, status, nullptr, up);
                        })) {
      --op->remaining;
      op->lost = true;
    }
  }
  if (--op->remaining == 0) FinishLocked(op);
}

void ClientCluster::OnReply(Op* op, int status, std::vector<std::uint8_t>* data, bool from_up) {
  std::lock_guard<std::mutex> lock(mu_);
  --op->remaining;
  if (op->req.op == OpKind::kRead) {
    if (status == ENOTCONN) {  // the replica was dropped: read from another
      op->remaining = 0;
      return IssueLocked(op);
    }
    if (status == 0 && data != nullptr && op->sink != nullptr) {
      memcpy(op->req.buffer, data->data(), std::min<std::size_t>(data->size(), op->req.length));
    }
    op->error = status == 0 ? 0 : -status;
    if (status == 0) op->acked = 1;
    return FinishLocked(op);
  }
  if (status == 0) {
    ++op->acked;
    if (from_up) ++op->acked_up;
  } else if (status == ENOTCONN) {
    op->lost = true;
  } else if (op->error == 0) {
    op->error = -status;
  }
  if (op->remaining == 0) FinishLocked(op);
}

void ClientCluster::FinishLocked(Op* op) {
  // A write some replica may have missed: survivors record its regions before the guest
  // hears it is done, so the heal finds them.
  if (op->req.op == OpKind::kWrite && op->lost && !op->marked && op->acked > 0) {
    op->marked = true;
    op->remaining = 1;
    for (Replica& rep : replicas_) {
      if (rep.state != State::kUp || !rep.conn) continue;
      ++op->remaining;
      if (!rep.conn->Send(
              RequestHeader(FrameType::kPendingMark, op->req.image, op->req.offset, op->req.length),
              {}, [this, op](int status, const FrameHeader&, std::vector<std::uint8_t>&) {
                OnReply(op, status == ENOTCONN ? 0 : status, nullptr);
              })) {
        --op->remaining;
      }
    }
    if (--op->remaining > 0) return;
  }
  std::int64_t result = op->error;
  if (result == 0) {
    // Durable only on an up-to-date replica: a replica being healed may still lack older
    // writes, so a write only it holds is not acknowledged (it may be lost with it).
    const int good = op->req.op == OpKind::kRead ? op->acked : op->acked_up;
    result =
        good == 0 ? -ENOTCONN : (op->req.op == OpKind::kFlush ? 0 : std::int64_t{op->req.length});
  }
  if (op->degraded) --degraded_inflight_;
  inflight_.erase(op);
  if (op->sink != nullptr) op->sink->Complete({op->req.tag, result});
  delete op;
  cv_.notify_all();
}

std::vector<std::shared_ptr<ReplicaConnection>> ClientCluster::UpConnections() {
  std::vector<std::shared_ptr<ReplicaConnection>> out;
  for (Replica& rep : replicas_) {
    if (rep.state == State::kUp && rep.conn) out.push_back(rep.conn);
  }
  return out;
}

void ClientCluster::Drop(std::size_t r, const std::string& why) {
  std::shared_ptr<ReplicaConnection> conn;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Replica& rep = replicas_[r];
    if (rep.state == State::kDown) return;
    const bool was_up = rep.state == State::kUp;
    rep.state = State::kDown;
    bool any_up = false;
    for (const Replica& other : replicas_) any_up = any_up || other.state == State::kUp;
    if (was_up && !any_up) last_good_ = static_cast<int>(r);
    rep.next_attempt_ns = MonotonicNs() + kReconnectIntervalNs;
    conn = std::move(rep.conn);
    fprintf(stderr, "ref: %s dropped: %s\n", rep.address.name.c_str(), why.c_str());
  }
  if (conn) conn->Close();  // outstanding requests fail with ENOTCONN: writes get marked
}

void ClientCluster::Monitor() {
  while (!stop_.load()) {
    std::this_thread::sleep_for(std::chrono::nanoseconds(kMonitorTickNs));
    const Nanos now = MonotonicNs();
    std::vector<std::pair<std::size_t, std::string>> drops;
    std::vector<std::size_t> attempts;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (std::size_t i = 0; i < replicas_.size(); ++i) {
        Replica& rep = replicas_[i];
        if (rep.state == State::kDown) {
          // With no replica up only the last good one can come back: a heal needs a source.
          bool any_up = false;
          for (const Replica& other : replicas_) any_up = any_up || other.state == State::kUp;
          const bool can_return = any_up || static_cast<int>(i) == last_good_;
          if (now >= rep.next_attempt_ns && !healing_.load() && can_return) attempts.push_back(i);
          continue;
        }
        if (!rep.conn) continue;
        const Nanos oldest = rep.conn->OldestOutstandingNs();
        if (rep.conn->Broken()) {
          drops.emplace_back(i, "connection lost");
        } else if (oldest != 0 && now - oldest >= options_.ping_timeout_ns) {
          drops.emplace_back(
              i, "no reply within ping_timeout " + FormatDurationExact(options_.ping_timeout_ns));
        }
      }
    }
    for (auto& [i, why] : drops) Drop(i, why);
    for (std::size_t i : attempts) {
      const Nanos timeout = std::min<Nanos>(options_.ping_timeout_ns, kNsPerSec);
      auto c = ReplicaConnection::Open(replicas_[i].address.addr, options_.token, timeout);
      if (c.ok() && OpenImages(**c, images_, options_.ping_timeout_ns).ok()) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          bool any_up = false;
          for (const Replica& other : replicas_) any_up = any_up || other.state == State::kUp;
          if (!any_up && static_cast<int>(i) == last_good_) {
            replicas_[i].conn = std::move(*c);
            replicas_[i].state = State::kUp;
            last_good_ = -1;
            fprintf(stderr,
                    "ref: %s reconnected; it holds every acknowledged write: serving again, "
                    "the others heal from it\n",
                    replicas_[i].address.name.c_str());
            continue;
          }
        }
        if (healer_.joinable()) healer_.join();
        {
          std::lock_guard<std::mutex> lock(mu_);
          replicas_[i].conn = std::move(*c);
          replicas_[i].state = State::kHealing;  // takes writes from now on, serves no reads
          fprintf(stderr, "ref: %s reconnected; healing (%s, heal_lock %s)\n",
                  replicas_[i].address.name.c_str(), options_.heal_algorithm.c_str(),
                  options_.heal_lock.c_str());
        }
        healing_.store(true);
        healer_ = std::thread([this, i] { Heal(i); });
      } else {
        std::lock_guard<std::mutex> lock(mu_);
        replicas_[i].next_attempt_ns = MonotonicNs() + kReconnectIntervalNs;
      }
    }
  }
}

}  // namespace healbench::ref
