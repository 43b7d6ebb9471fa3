// rbd backend: parses the options, connects the run's one RbdCluster, opens (or creates) one
// RBD image per workload image, named as the workload names them, and gives each worker an
// RbdQueue over them.
#include "backends/rbd/rbd_backend.h"

#include <cstdio>

#include "backends/rbd/rbd_cluster.h"
#include "backends/rbd/rbd_options.h"
#include "backends/rbd/rbd_queue.h"

namespace healbench {
namespace {

class RbdBackend final : public Backend {
 public:
  explicit RbdBackend(std::unique_ptr<RbdCluster> cluster) : cluster_(std::move(cluster)) {}

  std::string Kind() const override { return "rbd"; }
  Capabilities Caps() const override {
    return {.flush = true, .discard = true, .registered_buffers = false, .alignment = 1};
  }

  Result<std::vector<ImageInfo>> Prepare(const std::vector<ImageSpec>& images) override {
    std::vector<ImageInfo> out;
    for (const ImageSpec& s : images) {
      auto im = cluster_->OpenImage(s.name, s.size_bytes);
      if (!im.ok()) return im.error();
      images_.push_back(im->handle);
      out.push_back({s.name, im->spec, s.size_bytes, im->created});
    }
    return out;
  }

  Result<std::unique_ptr<BackendQueue>> NewQueue(const std::vector<std::uint32_t>&,
                                                 std::uint32_t depth) override {
    if (images_.empty()) return MakeError(ErrorCode::kInternal, "rbd: NewQueue before Prepare");
    return MakeRbdQueue(images_, depth);
  }

 private:
  std::unique_ptr<RbdCluster> cluster_;
  std::vector<void*> images_;  // rbd_image_t, owned by cluster_
};

}  // namespace

Result<std::unique_ptr<Backend>> MakeRbdBackend(bool direct,
                                                const std::map<std::string, std::string>& options) {
  auto o = ParseRbdOptions(options);
  if (!o.ok()) return o.error();
  auto cluster = RbdCluster::Connect(*o, direct);
  if (!cluster.ok()) return cluster.error();
  fprintf(stderr, "healbench: rbd: pool \"%s\" open on %s (rbd cache %s)\n",
          (*cluster)->Pool().c_str(), (*cluster)->Where().c_str(), direct ? "off" : "on");
  return std::unique_ptr<Backend>(std::make_unique<RbdBackend>(std::move(*cluster)));
}

}  // namespace healbench
