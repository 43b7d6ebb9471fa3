// gfapi queue: issues requests through gfapi's async calls; gfapi calls OnGfapiDone on one of
// its event threads, which hands the result to CallbackQueue's inbox.
#include "backends/gfapi/gfapi_queue.h"

#include <glusterfs/api/glfs.h>

#include <cerrno>

#include "backends/callback_queue.h"

namespace healbench {
namespace {

// gfapi's completion callback (GlusterFS 6+ form, with pre/post stat we do not need); gfapi
// sets errno to the op's error before calling it.
void OnGfapiDone(glfs_fd_t*, ssize_t ret, struct glfs_stat*, struct glfs_stat*, void* data) {
  const int err = errno;
  CallbackQueue::Deliver(*static_cast<CallbackQueue::Op*>(data),
                         ret >= 0 ? static_cast<std::int64_t>(ret) : -(err != 0 ? err : EIO));
}

class GfapiQueue final : public CallbackQueue {
 public:
  GfapiQueue(std::vector<glfs_fd_t*> fds, std::uint32_t depth)
      : CallbackQueue("gfapi", depth), fds_(std::move(fds)) {}

 private:
  // Hands one request to gfapi; 0, or the errno of a request refused before it went out.
  int Issue(Op& op, const IoRequest& r) override {
    if (r.image >= fds_.size()) return EINVAL;
    glfs_fd_t* fd = fds_[r.image];
    const off_t offset = static_cast<off_t>(r.offset);
    int rc = -1;
    switch (r.op) {
      case OpKind::kRead:
        rc = glfs_pread_async(fd, r.buffer, r.length, offset, 0, &OnGfapiDone, &op);
        break;
      case OpKind::kWrite:
        rc = glfs_pwrite_async(fd, r.buffer, static_cast<int>(r.length), offset, 0, &OnGfapiDone,
                               &op);
        break;
      case OpKind::kFlush:
        rc = glfs_fdatasync_async(fd, &OnGfapiDone, &op);
        break;
      case OpKind::kDiscard:
        rc = glfs_discard_async(fd, offset, r.length, &OnGfapiDone, &op);
        break;
    }
    return rc == 0 ? 0 : (errno != 0 ? errno : EIO);
  }

  const std::vector<glfs_fd_t*> fds_;
};

}  // namespace

std::unique_ptr<BackendQueue> MakeGfapiQueue(std::vector<glfs_fd*> fds, std::uint32_t depth) {
  return std::make_unique<GfapiQueue>(std::move(fds), depth);
}

}  // namespace healbench
