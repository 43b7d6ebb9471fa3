// Roles on a node. A primary refuses replica and resync writes (it is the source, never a
// target: this keeps a stale old primary from overwriting the new one); a secondary refuses
// guest writes that did not come through a primary.
#include "backends/refcluster/node_replication.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>

#include "backends/refcluster/socket_io.h"
#include "harness/core/units.h"

namespace healbench::ref {
namespace {

const char* RoleName(NodeRole r) {
  return r == NodeRole::kPrimary ? "primary" : r == NodeRole::kSecondary ? "secondary" : "none";
}

}  // namespace

NodeReplication::NodeReplication(std::string dir, std::string token)
    : dir_(std::move(dir)), token_(std::move(token)) {
  std::ifstream in(dir_ + "/role");
  std::string word;
  if (in >> word) {
    role_ = word == "primary"     ? NodeRole::kPrimary
            : word == "secondary" ? NodeRole::kSecondary
                                  : NodeRole::kNone;
  }
  // A primary waits for the client to tell it its peer again before replicating.
}

NodeReplication::~NodeReplication() {
  std::shared_ptr<PrimaryReplicator> r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    r = std::move(replicator_);
  }
  if (r) r->Stop();
}

void NodeReplication::PersistRole(NodeRole role) {
  const std::string path = dir_ + "/role";
  const std::string tmp = path + ".tmp";
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  const std::string text = std::string(RoleName(role)) + "\n";
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  fdatasync(fd) == 0;
  close(fd);
  if (ok) rename(tmp.c_str(), path.c_str());
}

std::uint64_t NodeReplication::MissingBytesLocked() const {
  std::uint64_t bytes = 0;
  for (const Image* img : images_) bytes += img->PendingRegions() * kRegionBytes;
  return bytes;
}

int NodeReplication::SetRole(const FrameHeader& request, std::span<const std::uint8_t> payload,
                             std::string* reason) {
  const auto role = static_cast<NodeRole>(request.flags);
  if (role != NodeRole::kPrimary && role != NodeRole::kSecondary) {
    *reason = "SET_ROLE: unknown role " + std::to_string(request.flags);
    return EINVAL;
  }
  std::shared_ptr<PrimaryReplicator> old;
  std::shared_ptr<PrimaryReplicator> started;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (role == NodeRole::kSecondary) {
      old = std::move(replicator_);
      if (role_ != role) PersistRole(role);
      role_ = role;
    } else {
      auto peer = ParseHostPort(std::string(payload.begin(), payload.end()));
      if (!peer.ok()) {
        *reason = "SET_ROLE primary: peer " + peer.error().message;
        return EINVAL;
      }
      // A node that is not primary and has marks lacks writes (a secondary mid-resync, or
      // one that missed writes): serving from it would hand out stale data.
      const std::uint64_t missing = MissingBytesLocked();
      if (role_ != NodeRole::kPrimary && missing > 0) {
        *reason = "inconsistent: " + FormatBytes(missing) +
                  " not yet resynced from the old primary; refusing to become primary";
        fprintf(stderr, "node: %s\n", reason->c_str());
        return ESTALE;
      }
      ReplicatorOptions o;
      o.peer = *peer;
      o.token = token_;
      o.resync_rate_bytes_per_s = request.offset;
      o.peer_timeout_ns = static_cast<Nanos>(request.length) * kNsPerMs;
      if (o.peer_timeout_ns <= 0) o.peer_timeout_ns = 10 * kNsPerSec;
      const bool same =
          replicator_ && replicator_->options().peer.host == o.peer.host &&
          replicator_->options().peer.port == o.peer.port &&
          replicator_->options().resync_rate_bytes_per_s == o.resync_rate_bytes_per_s &&
          replicator_->options().peer_timeout_ns == o.peer_timeout_ns;
      if (!same) {
        old = std::move(replicator_);
        replicator_ = std::make_shared<PrimaryReplicator>(o);
        for (Image* img : images_) replicator_->AddImage(img);
        started = replicator_;
      }
      if (role_ != role) PersistRole(role);
      role_ = role;
    }
  }
  if (old) old->Stop();
  if (started) started->Start();
  fprintf(stderr, "node: role %s%s\n", RoleName(role),
          role == NodeRole::kPrimary
              ? (", secondary " + std::string(payload.begin(), payload.end())).c_str()
              : "");
  return 0;
}

void NodeReplication::StartPrimary(const ReplicatorOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  role_ = NodeRole::kPrimary;
  PersistRole(role_);
  replicator_ = std::make_shared<PrimaryReplicator>(options);
  replicator_->Start();
}

void NodeReplication::ImageOpened(Image* image) {
  std::shared_ptr<PrimaryReplicator> r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    bool known = false;
    for (Image* img : images_) known = known || img == image;
    if (!known) images_.push_back(image);
    r = replicator_;
  }
  if (r) r->AddImage(image);
}

int NodeReplication::Write(Image* image, const FrameHeader& request,
                           std::span<const std::uint8_t> data, std::uint32_t* copies,
                           const LocalWrite& local_write) {
  std::shared_ptr<PrimaryReplicator> r;
  NodeRole role = NodeRole::kNone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    r = replicator_;
    role = role_;
  }
  const bool from_primary = (request.flags & (kFlagReplica | kFlagHeal)) != 0;
  *copies = 1;
  if (role == NodeRole::kPrimary && from_primary) return EPERM;
  if (role == NodeRole::kSecondary && !from_primary) return EROFS;
  if (role == NodeRole::kPrimary && r) {
    const ReplicatedOutcome o = r->Write(image, request.offset, data, local_write);
    *copies = o.copies;
    return o.status;
  }
  if (role == NodeRole::kPrimary) {
    // A restarted primary not yet told its peer: the secondary misses this write.
    if (const int st = image->SetPending(request.offset, data.size(), true); st != 0) return st;
  }
  return local_write(data);
}

int NodeReplication::Flush(Image* image, const FrameHeader& request, std::uint32_t* copies) {
  std::shared_ptr<PrimaryReplicator> r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    r = replicator_;
  }
  *copies = 1;
  if (r && (request.flags & kFlagReplica) == 0) {
    const ReplicatedOutcome o = r->Flush(image);
    *copies = o.copies;
    return o.status;
  }
  return image->Flush();
}

ReplicationStatus NodeReplication::Status() const {
  std::shared_ptr<PrimaryReplicator> r;
  ReplicationStatus s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    r = replicator_;
    s.role = RoleName(role_);
    if (role_ == NodeRole::kSecondary) {
      s.dirty_bytes = MissingBytesLocked();
      s.consistent = s.dirty_bytes == 0;
      if (!s.consistent) s.why = "missing writes the primary is resyncing";
    }
  }
  if (r) return r->Status();
  return s;
}

}  // namespace healbench::ref
