// The primary's background resync: the regions to copy are our dirty marks plus the
// secondary's own marks; they are marked on the secondary first (it is then inconsistent
// and refuses to become primary), then copied one region at a time under the region gate
// (guest writes to other regions go on), paced to the resync rate, and unmarked on both
// sides. Passes repeat until nothing is dirty, so writes marked meanwhile are not missed.
#include <cerrno>
#include <cstdio>

#include "backends/refcluster/primary_replicator.h"

namespace healbench::ref {
namespace {

bool Bit(const std::vector<std::uint8_t>& bitmap, std::uint64_t region) {
  return region / 8 < bitmap.size() && (bitmap[region / 8] & (1u << (region % 8))) != 0;
}

Result<void> Expect(const Result<Reply>& r, const std::string& what) {
  if (!r.ok()) return MakeError(r.error().code, what + ": " + r.error().message);
  if (r->status != 0) {
    return MakeError(ErrorCode::kUnavailable, what + ": errno " + std::to_string(r->status));
  }
  return Ok();
}

}  // namespace

Result<void> PrimaryReplicator::ResyncRegion(const std::shared_ptr<ReplicaConnection>& conn,
                                             Image* image, std::uint32_t peer_id,
                                             std::uint64_t region) {
  const std::uint64_t begin = region * kRegionBytes;
  const auto length =  // at most one region
      static_cast<std::uint32_t>(std::min(kRegionBytes, image->size_bytes() - begin));
  const Nanos timeout = options_.peer_timeout_ns;
  gate_.Lock(image, region);  // guest writes to this region wait; the rest go on
  std::vector<std::uint8_t> data(length);
  Result<void> rc = Ok();
  if (const int st = image->Read(begin, data); st != 0) {
    rc = MakeError(ErrorCode::kIo, "local read failed (errno " + std::to_string(st) + ")");
  }
  if (rc.ok()) {
    rc = Expect(conn->Call(RequestHeader(FrameType::kWrite, peer_id, begin, length, kFlagHeal),
                           data, timeout),
                "resync WRITE of " + image->name() + " region " + std::to_string(region));
  }
  if (rc.ok()) {
    rc = Expect(
        conn->Call(RequestHeader(FrameType::kPendingClear, peer_id, begin, length), {}, timeout),
        "PENDING_CLEAR on the secondary");
  }
  if (rc.ok()) {
    if (const int st = image->SetPending(begin, length, false); st != 0) {
      rc = MakeError(ErrorCode::kIo, "clearing the dirty mark failed");
    }
  }
  gate_.Unlock();
  return rc;
}

Result<void> PrimaryReplicator::Resync(const std::shared_ptr<ReplicaConnection>& conn) {
  const Nanos timeout = options_.peer_timeout_ns;
  const Nanos start = MonotonicNs();
  std::uint64_t copied = 0;
  bool first_pass = true;
  while (!stop_.load()) {
    std::vector<Image*> images;
    {
      std::lock_guard<std::mutex> lock(mu_);
      images = images_;
    }
    // What to copy: our marks | the secondary's marks, per image.
    std::vector<std::vector<std::uint8_t>> todo(images.size());
    std::uint64_t regions_todo = 0;
    for (std::uint32_t i = 0; i < images.size(); ++i) {
      todo[i] = images[i]->PendingBitmap();
      auto theirs = conn->Call(RequestHeader(FrameType::kPendingList, i, 0, 0), {}, timeout);
      if (auto rc = Expect(theirs, "PENDING_LIST on the secondary"); !rc.ok()) return rc;
      for (std::size_t b = 0; b < todo[i].size() && b < theirs->payload.size(); ++b) {
        todo[i][b] = static_cast<std::uint8_t>(todo[i][b] | theirs->payload[b]);
      }
      for (std::uint8_t b : todo[i])
        regions_todo += static_cast<std::uint64_t>(__builtin_popcount(b));
    }
    if (regions_todo == 0) break;
    // The secondary learns what it lacks before any copy: from now on it is inconsistent.
    for (std::uint32_t i = 0; i < images.size(); ++i) {
      auto marked = conn->Call(RequestHeader(FrameType::kPendingMark, i, 0, 0), todo[i], timeout);
      if (auto rc = Expect(marked, "PENDING_MARK on the secondary"); !rc.ok()) return rc;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (conn_ != conn) return MakeError(ErrorCode::kUnavailable, "secondary dropped");
      if (first_pass) {
        resync_total_bytes_ = 0;
        resync_done_bytes_ = 0;
      }
      resync_total_bytes_ += regions_todo * kRegionBytes;
      peer_state_ = "resyncing";
      why_.clear();
    }
    if (first_pass) {
      fprintf(stderr, "node: resyncing %llu bytes to %s\n",
              static_cast<unsigned long long>(regions_todo * kRegionBytes), PeerName().c_str());
    }
    first_pass = false;
    for (std::uint32_t i = 0; i < images.size() && !stop_.load(); ++i) {
      const std::uint64_t regions = (images[i]->size_bytes() + kRegionBytes - 1) / kRegionBytes;
      for (std::uint64_t r = 0; r < regions && !stop_.load(); ++r) {
        if (!Bit(todo[i], r)) continue;
        if (auto rc = ResyncRegion(conn, images[i], i, r); !rc.ok()) return rc;
        copied += kRegionBytes;
        {
          std::lock_guard<std::mutex> lock(mu_);
          resync_done_bytes_ += kRegionBytes;
        }
        // resync_rate: no faster than the configured bytes per second; the peer is watched
        // while waiting.
        if (options_.resync_rate_bytes_per_s > 0) {
          const auto due = start + static_cast<Nanos>(
                                       static_cast<double>(copied) /
                                       static_cast<double>(options_.resync_rate_bytes_per_s) * 1e9);
          Pause(due - MonotonicNs());
        } else {
          CheckPeer();
        }
        std::lock_guard<std::mutex> lock(mu_);
        if (conn_ != conn) return MakeError(ErrorCode::kUnavailable, "secondary dropped");
      }
    }
  }
  if (stop_.load()) return Ok();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn_ != conn) return MakeError(ErrorCode::kUnavailable, "secondary dropped");
    peer_state_ = "in_sync";
    why_.clear();
  }
  fprintf(stderr, "node: secondary %s in sync (%llu bytes resynced in %.3f s)\n",
          PeerName().c_str(), static_cast<unsigned long long>(copied),
          NsToSeconds(MonotonicNs() - start));
  return Ok();
}

}  // namespace healbench::ref
