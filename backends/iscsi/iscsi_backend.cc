// The iscsi Backend: the LUN's geometry, the images laid out on it, a queue per worker.
#include "backends/iscsi/iscsi_backend.h"

#include <utility>
#include <vector>

#include "backends/iscsi/iscsi_capacity.h"
#include "backends/iscsi/iscsi_queue.h"
#include "backends/iscsi/iscsi_session.h"
#include "harness/core/units.h"

namespace healbench {
namespace {

class IscsiBackend final : public Backend {
 public:
  IscsiBackend(IscsiTarget target, const LunCapacity& capacity)
      : target_(std::move(target)), capacity_(capacity) {}

  std::string Kind() const override { return "iscsi"; }
  Capabilities Caps() const override {
    return {.flush = true,
            .discard = false,
            .registered_buffers = false,
            .alignment = capacity_.block_bytes};
  }

  Result<std::vector<ImageInfo>> Prepare(const std::vector<ImageSpec>& images) override {
    std::uint64_t total = 0;
    for (const ImageSpec& s : images) {
      if (s.size_bytes % capacity_.block_bytes != 0) {
        return MakeError(ErrorCode::kBadInput, "images.size " + FormatSizeExact(s.size_bytes) +
                                                   " is not a multiple of the LUN's block size " +
                                                   std::to_string(capacity_.block_bytes) + " (" +
                                                   target_.url + ")");
      }
      total += s.size_bytes;
    }
    const std::string lun_size = FormatSizeExact(capacity_.size_bytes) + " (" + target_.url + ")";
    if (images.size() == 1 && total > capacity_.size_bytes) {
      return MakeError(ErrorCode::kBadInput, "images.size " + FormatSizeExact(total) +
                                                 " exceeds the iSCSI LUN size " + lun_size);
    }
    if (total > capacity_.size_bytes) {
      return MakeError(ErrorCode::kBadInput,
                       "images.count " + std::to_string(images.size()) + " x images.size " +
                           FormatSizeExact(images.empty() ? 0 : images[0].size_bytes) + " = " +
                           FormatSizeExact(total) + " exceeds the iSCSI LUN size " + lun_size +
                           "; each image is a region of the LUN");
    }
    std::vector<ImageInfo> out;
    bases_.clear();
    std::uint64_t base = 0;
    for (const ImageSpec& s : images) {
      std::string where = target_.url;
      if (images.size() > 1) {
        where += " [" + std::to_string(base) + ", " + std::to_string(base + s.size_bytes) + ")";
      }
      out.push_back({s.name, where, s.size_bytes, false});
      bases_.push_back(base);
      base += s.size_bytes;
    }
    return out;
  }

  Result<std::unique_ptr<BackendQueue>> NewQueue(const std::vector<std::uint32_t>&,
                                                 std::uint32_t depth) override {
    auto q = std::make_unique<IscsiQueue>(target_, capacity_, bases_, depth);
    if (auto rc = q->Init(); !rc.ok()) return rc.error();
    return std::unique_ptr<BackendQueue>(std::move(q));
  }

 private:
  const IscsiTarget target_;
  const LunCapacity capacity_;
  std::vector<std::uint64_t> bases_;
};

}  // namespace

Result<std::unique_ptr<Backend>> MakeIscsiBackend(const IscsiTarget& target) {
  auto session = IscsiSession::Connect(target, kIscsiConnectTimeoutNs);
  if (!session.ok()) return session.error();
  auto capacity = ReadLunCapacity(**session, target, kIscsiConnectTimeoutNs);
  if (!capacity.ok()) return capacity.error();
  return std::unique_ptr<Backend>(std::make_unique<IscsiBackend>(target, *capacity));
}

Result<std::unique_ptr<Backend>> MakeIscsiBackendFromOptions(
    const std::map<std::string, std::string>& options) {
  auto target = IscsiTargetFromOptions(options);
  if (!target.ok()) return target.error();
  return MakeIscsiBackend(*target);
}

}  // namespace healbench
