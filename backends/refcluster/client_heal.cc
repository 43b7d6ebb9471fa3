// The client-side heal of a returning replica: wait for writes issued while it was away,
// collect the survivors' pending regions (or every region for "full" and "diff"), copy each
// ("diff": only its chunks whose checksums differ) from a survivor under the image or range
// lock at heal_rate, and clear the marks. Heal writes carry kFlagHeal.
#include <cerrno>
#include <chrono>
#include <cstdio>

#include "backends/refcluster/chunk_checksum.h"
#include "backends/refcluster/client_cluster.h"
#include "backends/refcluster/diff_heal.h"
#include "backends/refcluster/image_store.h"

namespace healbench::ref {

Result<void> ClientCluster::LockRange(std::uint32_t image, std::uint64_t begin, std::uint64_t end) {
  std::unique_lock<std::mutex> lock(mu_);
  ImageLock& l = locks_[image];
  l.held = true;
  l.begin = begin;
  l.end = end;
  // Guest I/O already out on this range finishes first.
  cv_.wait(lock, [&] {
    if (stop_.load()) return true;
    for (const Op* op : inflight_) {
      if (op->req.image != image) continue;
      if (op->req.op == OpKind::kFlush) continue;
      if (op->req.offset < end && op->req.offset + op->req.length > begin) return false;
    }
    return true;
  });
  if (stop_.load()) return MakeError(ErrorCode::kUnavailable, "stopping");
  return Ok();
}

void ClientCluster::UnlockRange(std::uint32_t image) {
  std::lock_guard<std::mutex> lock(mu_);
  ImageLock& l = locks_[image];
  l.held = false;
  std::deque<Op*> blocked;
  blocked.swap(l.blocked);
  for (Op* op : blocked) StartLocked(op);
}

Result<void> ClientCluster::HealImage(std::size_t r, std::uint32_t image, std::uint64_t* bytes) {
  const std::uint64_t size = images_[image].size_bytes;
  const std::uint64_t regions = (size + kRegionBytes - 1) / kRegionBytes;
  const bool image_lock = options_.heal_lock == "image";
  std::shared_ptr<ReplicaConnection> target;
  std::vector<std::shared_ptr<ReplicaConnection>> survivors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    target = replicas_[r].conn;
    survivors = UpConnections();
  }
  if (!target || survivors.empty()) {
    return MakeError(ErrorCode::kUnavailable, "no in-sync replica to heal from");
  }
  const Nanos timeout = options_.ping_timeout_ns;
  if (image_lock) {
    if (auto rc = LockRange(image, 0, size); !rc.ok()) return rc;
  }
  // Union of the survivors' marks.
  std::vector<std::uint8_t> bitmap((regions + 7) / 8, 0);
  for (auto& s : survivors) {
    FrameHeader h;
    h.type = static_cast<std::uint8_t>(FrameType::kPendingList);
    h.image = image;
    auto reply = s->Call(h, {}, timeout);
    if (!reply.ok() || reply->status != 0) {
      if (image_lock) UnlockRange(image);
      return MakeError(ErrorCode::kUnavailable, "PENDING_LIST failed");
    }
    for (std::size_t i = 0; i < bitmap.size() && i < reply->payload.size(); ++i) {
      bitmap[i] = static_cast<std::uint8_t>(bitmap[i] | reply->payload[i]);
    }
  }
  // "full" and "diff" visit every region; "diff" copies only the chunks that differ.
  const bool every_region = options_.heal_algorithm != "dirty";
  const bool diff = options_.heal_algorithm == "diff";
  const Nanos start = MonotonicNs();
  Result<void> rc = Ok();
  for (std::uint64_t region = 0; region < regions && rc.ok() && !stop_.load(); ++region) {
    if (!every_region && (bitmap[region / 8] & (1u << (region % 8))) == 0) continue;
    const std::uint64_t begin = region * kRegionBytes;
    const auto length = static_cast<std::uint32_t>(std::min(kRegionBytes, size - begin));
    if (!image_lock) {
      rc = LockRange(image, begin, begin + length);
      if (!rc.ok()) break;
    }
    FrameHeader h;
    h.image = image;
    h.offset = begin;
    h.length = length;
    if (diff) {
      DiffHealStats stats;
      rc = DiffHealRange(*survivors[0], *target, image, begin, length, timeout, &stats);
      if (rc.ok()) {
        h.type = static_cast<std::uint8_t>(FrameType::kPendingClear);
        for (auto& s : survivors) (void)s->Call(h, {}, timeout);
        *bytes += stats.copied_bytes;
      }
    } else {
      h.type = static_cast<std::uint8_t>(FrameType::kRead);
      auto data = survivors[0]->Call(h, {}, timeout);
      if (data.ok() && data->status == 0) {
        h.type = static_cast<std::uint8_t>(FrameType::kWrite);
        h.flags = kFlagHeal;
        auto wrote = target->Call(h, data->payload, timeout);
        if (wrote.ok() && wrote->status == 0) {
          h.type = static_cast<std::uint8_t>(FrameType::kPendingClear);
          h.flags = 0;
          for (auto& s : survivors) (void)s->Call(h, {}, timeout);
          *bytes += length;
        } else {
          rc = MakeError(ErrorCode::kUnavailable, "heal write to the returning replica failed");
        }
      } else {
        rc = MakeError(ErrorCode::kUnavailable, "heal read from the survivor failed");
      }
    }
    if (!image_lock) UnlockRange(image);
    // heal_rate: copy no faster than the configured bytes per second.
    if (options_.heal_rate_bytes_per_s > 0) {
      const auto due =
          start + static_cast<Nanos>(static_cast<double>(*bytes) /
                                     static_cast<double>(options_.heal_rate_bytes_per_s) * 1e9);
      while (!stop_.load() && MonotonicNs() < due) {
        std::this_thread::sleep_for(
            std::chrono::nanoseconds(std::min<Nanos>(due - MonotonicNs(), 50 * kNsPerMs)));
      }
    }
  }
  if (image_lock) UnlockRange(image);
  return rc;
}

void ClientCluster::Heal(std::size_t r) {
  const Nanos start = MonotonicNs();
  {
    // Writes sent while the replica was away may still be marking: wait for them.
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stop_.load() || degraded_inflight_ == 0; });
  }
  std::uint64_t bytes = 0;
  Result<void> rc = Ok();
  for (std::uint32_t i = 0; i < images_.size() && rc.ok() && !stop_.load(); ++i) {
    rc = HealImage(r, i, &bytes);
  }
  const double secs = NsToSeconds(MonotonicNs() - start);
  if (!rc.ok() || stop_.load()) {
    fprintf(stderr, "ref: heal of %s stopped after %llu bytes, %.3f s: %s\n",
            replicas_[r].address.name.c_str(), static_cast<unsigned long long>(bytes), secs,
            rc.ok() ? "stopping" : rc.error().message.c_str());
    if (!stop_.load()) Drop(r, "heal failed");
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    if (replicas_[r].state == State::kHealing) replicas_[r].state = State::kUp;
    fprintf(stderr, "ref: %s healed: %llu bytes in %.3f s\n", replicas_[r].address.name.c_str(),
            static_cast<unsigned long long>(bytes), secs);
    if (options_.heal_algorithm == "diff") {
      std::uint64_t compared = 0;
      for (const ImageSpec& image : images_) compared += image.size_bytes;
      fprintf(stderr, "ref: %s diff heal compared %llu bytes by %u KiB chunk checksums\n",
              replicas_[r].address.name.c_str(), static_cast<unsigned long long>(compared),
              kChecksumChunkBytes >> 10);
    }
  }
  healing_.store(false);
}

}  // namespace healbench::ref
