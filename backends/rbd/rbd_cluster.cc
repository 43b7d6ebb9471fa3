// The run's rados_t: rados_create / rados_conf_read_file / bounded timeouts via
// rados_conf_set / rados_connect / rados_ioctx_create, images opened with rbd_open (created
// with rbd_create, grown with rbd_resize), and one rados_shutdown at the end.
#include "backends/rbd/rbd_cluster.h"

#include <rados/librados.h>
#include <rbd/librbd.h>

#include <array>
#include <cstring>

namespace healbench {
namespace {

// librados' bound on an OSD operation, librbd's I/O included. Far above any stall a fault
// should cause (heartbeat grace plus peering: seconds to a minute), so stalls are measured,
// not cut short, yet an I/O to a pool whose OSDs are all gone ends in ETIMEDOUT eventually.
constexpr const char* kOsdOpTimeoutS = "300";

std::string ErrnoText(int err) {
  return std::string(strerror(err)) + " [errno " + std::to_string(err) + "]";
}

std::string ConfValue(rados_t cluster, const char* key) {
  std::array<char, 512> buf{};
  if (rados_conf_get(cluster, key, buf.data(), buf.size() - 1) != 0) return "";
  return buf.data();
}

}  // namespace

Result<std::unique_ptr<RbdCluster>> RbdCluster::Connect(const RbdOptions& o, bool direct) {
  rados_t cluster = nullptr;
  if (const int rc = rados_create(&cluster, o.client.c_str()); rc < 0) {
    return MakeError(ErrorCode::kUnavailable,
                     "rados_create(client." + o.client + "): " + ErrnoText(-rc));
  }
  const std::string conf_name = o.conf.empty() ? "librados' default ceph.conf search" : o.conf;
  if (const int rc = rados_conf_read_file(cluster, o.conf.empty() ? nullptr : o.conf.c_str());
      rc < 0) {
    rados_shutdown(cluster);
    return MakeError(o.conf.empty() ? ErrorCode::kUnavailable : ErrorCode::kBadInput,
                     "backend.conf: cannot read " + conf_name + ": " + ErrnoText(-rc));
  }
  rados_conf_parse_env(cluster, nullptr);  // CEPH_ARGS, as the ceph CLI honours it
  const std::string timeout = std::to_string(o.connect_timeout_s);
  const std::array<std::pair<const char*, std::string>, 4> settings = {{
      {"client_mount_timeout", timeout},
      {"rados_mon_op_timeout", timeout},
      {"rados_osd_op_timeout", kOsdOpTimeoutS},
      {"rbd_cache", direct ? "false" : "true"},
  }};
  for (const auto& [key, value] : settings) {
    if (const int rc = rados_conf_set(cluster, key, value.c_str()); rc < 0) {
      rados_shutdown(cluster);
      return MakeError(ErrorCode::kInternal, std::string("rados_conf_set(") + key + ", " + value +
                                                 "): " + ErrnoText(-rc));
    }
  }
  const std::string mon_host = ConfValue(cluster, "mon_host");
  const std::string where = "ceph cluster at " + (mon_host.empty() ? "(no mon_host)" : mon_host) +
                            " (conf " + conf_name + ", client." + o.client + ")";
  if (const int rc = rados_connect(cluster); rc < 0) {
    rados_shutdown(cluster);
    return MakeError(ErrorCode::kUnavailable, "connect to " + where + ": " + ErrnoText(-rc) +
                                                  " (waited at most " + timeout + " s)");
  }
  rados_ioctx_t ioctx = nullptr;
  if (const int rc = rados_ioctx_create(cluster, o.pool.c_str(), &ioctx); rc < 0) {
    rados_shutdown(cluster);
    return MakeError(ErrorCode::kUnavailable,
                     "open pool \"" + o.pool + "\" in " + where + ": " + ErrnoText(-rc) +
                         (rc == -ENOENT ? " (no such pool: create it with `ceph osd pool create " +
                                              o.pool + "` and `rbd pool init " + o.pool + "`)"
                                        : ""));
  }
  return std::unique_ptr<RbdCluster>(new RbdCluster(cluster, ioctx, o, where));
}

RbdCluster::~RbdCluster() {
  for (void* image : images_) rbd_close(static_cast<rbd_image_t>(image));
  rados_ioctx_destroy(static_cast<rados_ioctx_t>(ioctx_));
  rados_shutdown(static_cast<rados_t>(cluster_));
}

Error RbdCluster::Failed(ErrorCode code, const std::string& what, int err) const {
  return MakeError(
      code, what + " in pool \"" + options_.pool + "\" of " + where_ + ": " + ErrnoText(err));
}

Result<RbdImage> RbdCluster::OpenImage(const std::string& name, std::uint64_t size_bytes) {
  auto ioctx = static_cast<rados_ioctx_t>(ioctx_);
  const std::string spec = "rbd:" + options_.pool + "/" + name;
  rbd_image_t image = nullptr;
  bool created = false;
  int rc = rbd_open(ioctx, name.c_str(), &image, nullptr);
  if (rc == -ENOENT) {
    if (!options_.create) {
      return Failed(ErrorCode::kUnavailable,
                    "image " + spec + " does not exist (and backend.create = false)", ENOENT);
    }
    int order = 0;  // librbd's default object size (4 MiB)
    rc = rbd_create(ioctx, name.c_str(), size_bytes, &order);
    if (rc < 0 && rc != -EEXIST) return Failed(ErrorCode::kIo, "create image " + spec, -rc);
    created = rc == 0;
    rc = rbd_open(ioctx, name.c_str(), &image, nullptr);
  }
  if (rc < 0) return Failed(ErrorCode::kUnavailable, "open image " + spec, -rc);
  std::uint64_t have = 0;
  if (rc = rbd_get_size(image, &have); rc < 0) {
    rbd_close(image);
    return Failed(ErrorCode::kIo, "size of image " + spec, -rc);
  }
  if (have < size_bytes) {
    if (rc = rbd_resize(image, size_bytes); rc < 0) {
      rbd_close(image);
      return Failed(ErrorCode::kIo,
                    "resize image " + spec + " to " + std::to_string(size_bytes) + " bytes", -rc);
    }
  }
  images_.push_back(image);
  return RbdImage{image, spec, created};
}

}  // namespace healbench
