// One Ceph cluster reached through librados/librbd: the run's single rados_t and pool I/O
// context (connected once with bounded timeouts, shut down once at the end) and the RBD
// images opened on it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backends/rbd/rbd_options.h"
#include "harness/core/result.h"

namespace healbench {

struct RbdImage {
  void* handle = nullptr;  // rbd_image_t
  std::string spec;        // rbd:POOL/NAME, for messages and results
  bool created = false;
};

class RbdCluster {
 public:
  // Reads the ceph.conf, connects to the monitors and opens the pool. A monitor that does
  // not answer within the connect timeout, or a pool the cluster does not have, is
  // kUnavailable naming the cluster (mon_host, conf) and the pool (exit 3). `direct` turns
  // librbd's cache off (qemu's cache=none); otherwise it writes back until a flush.
  static Result<std::unique_ptr<RbdCluster>> Connect(const RbdOptions& options, bool direct);
  ~RbdCluster();  // closes the images, then the pool context and the cluster handle
  RbdCluster(const RbdCluster&) = delete;
  RbdCluster& operator=(const RbdCluster&) = delete;

  // Opens image `name` in the pool, creating it (thin, size_bytes) when it is missing and
  // options.create allows it, and growing it when it is smaller. Stays open until the
  // cluster is destroyed.
  Result<RbdImage> OpenImage(const std::string& name, std::uint64_t size_bytes);

  // "ceph cluster at MON_HOST (conf PATH, client.ID)", for messages.
  const std::string& Where() const { return where_; }
  const std::string& Pool() const { return options_.pool; }

 private:
  RbdCluster(void* cluster, void* ioctx, RbdOptions options, std::string where)
      : cluster_(cluster), ioctx_(ioctx), options_(std::move(options)), where_(std::move(where)) {}
  Error Failed(ErrorCode code, const std::string& what, int err) const;

  void* cluster_;  // rados_t
  void* ioctx_;    // rados_ioctx_t
  const RbdOptions options_;
  const std::string where_;
  std::vector<void*> images_;  // rbd_image_t
};

}  // namespace healbench
