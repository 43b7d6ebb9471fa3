// rbd queue: issues requests through librbd's aio calls; librbd calls OnRbdDone on one of its
// finisher threads, which hands the result to CallbackQueue's inbox.
#include "backends/rbd/rbd_queue.h"

#include <rbd/librbd.h>

#include <cerrno>

#include "backends/callback_queue.h"

namespace healbench {
namespace {

// librbd's completion callback: the op's result is the completion's return value (bytes for
// a read, 0 for the others, -errno on failure); the completion is ours to release.
void OnRbdDone(rbd_completion_t c, void* arg) {
  const ssize_t rc = rbd_aio_get_return_value(c);
  rbd_aio_release(c);
  auto& op = *static_cast<CallbackQueue::Op*>(arg);
  std::int64_t result = static_cast<std::int64_t>(rc);
  // A write's completion carries 0 or its length depending on the librbd version; the
  // runner wants bytes for reads and writes.
  if (rc >= 0 && op.kind == OpKind::kWrite) result = op.length;
  CallbackQueue::Deliver(op, result);
}

class RbdQueue final : public CallbackQueue {
 public:
  RbdQueue(std::vector<void*> images, std::uint32_t depth)
      : CallbackQueue("rbd", depth), images_(std::move(images)) {}

 private:
  // Hands one request to librbd; 0, or the errno of a request refused before it went out.
  int Issue(Op& op, const IoRequest& r) override {
    if (r.image >= images_.size()) return EINVAL;
    auto image = static_cast<rbd_image_t>(images_[r.image]);
    rbd_completion_t c = nullptr;
    if (const int rc = rbd_aio_create_completion(&op, &OnRbdDone, &c); rc < 0) return -rc;
    int rc = -EINVAL;
    switch (r.op) {
      case OpKind::kRead:
        rc = rbd_aio_read(image, r.offset, r.length, static_cast<char*>(r.buffer), c);
        break;
      case OpKind::kWrite:
        rc = rbd_aio_write(image, r.offset, r.length, static_cast<const char*>(r.buffer), c);
        break;
      case OpKind::kFlush:
        rc = rbd_aio_flush(image, c);
        break;
      case OpKind::kDiscard:
        rc = rbd_aio_discard(image, r.offset, r.length, c);
        break;
    }
    if (rc >= 0) return 0;
    rbd_aio_release(c);  // refused: librbd will not call back
    return -rc;
  }

  const std::vector<void*> images_;
};

}  // namespace

std::unique_ptr<BackendQueue> MakeRbdQueue(std::vector<void*> images, std::uint32_t depth) {
  return std::make_unique<RbdQueue>(std::move(images), depth);
}

}  // namespace healbench
