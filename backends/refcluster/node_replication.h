// A node's part in server replication: its role (none, primary, secondary; kept in
// DIR/role so a restarted node still knows it), the SET_ROLE rules (a node that lacks writes
// refuses to become primary), which writes each role accepts, and the primary's replicator.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "backends/refcluster/image_store.h"
#include "backends/refcluster/primary_replicator.h"
#include "backends/refcluster/protocol.h"
#include "backends/refcluster/replication_status.h"

namespace healbench::ref {

class NodeReplication {
 public:
  // token: this node's own --token-file secret, said in HELLO to its peer when primary.
  NodeReplication(std::string dir, std::string token);
  ~NodeReplication();
  NodeReplication(const NodeReplication&) = delete;
  NodeReplication& operator=(const NodeReplication&) = delete;

  // SET_ROLE: 0, or an errno with a reason (ESTALE: this node lacks writes and will not
  // become primary; EINVAL: a bad request).
  int SetRole(const FrameHeader& request, std::span<const std::uint8_t> payload,
              std::string* reason);
  // A primary started from the command line (`healbench node --peer`).
  void StartPrimary(const ReplicatorOptions& options);
  void ImageOpened(Image* image);
  // WRITE and FLUSH as this node's role handles them; *copies: nodes holding the data.
  int Write(Image* image, const FrameHeader& request, std::span<const std::uint8_t> data,
            std::uint32_t* copies, const LocalWrite& local_write);
  int Flush(Image* image, const FrameHeader& request, std::uint32_t* copies);
  ReplicationStatus Status() const;

 private:
  void PersistRole(NodeRole role);
  std::uint64_t MissingBytesLocked() const;

  const std::string dir_;
  const std::string token_;
  mutable std::mutex mu_;
  NodeRole role_ = NodeRole::kNone;
  std::vector<Image*> images_;
  std::shared_ptr<PrimaryReplicator> replicator_;  // set while primary
};

}  // namespace healbench::ref
