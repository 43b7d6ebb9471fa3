// gfapi queue. Submit runs on the worker's thread; gfapi calls OnGfapiDone on one of its event
// threads. The only state both touch is the Inbox (completions and the count of requests
// gfapi still holds), under its mutex; op slots are the worker's alone.
#include "backends/gfapi/gfapi_queue.h"

#include <glusterfs/api/glfs.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>

namespace healbench {
namespace {

// How long a queue being destroyed waits for gfapi to give back requests it still holds
// (the runner only destroys queues with nothing in flight; this covers its error paths).
constexpr auto kDrainOnCloseTimeout = std::chrono::seconds(5);

struct Op;

struct Done {
  Op* op = nullptr;
  std::int64_t result = 0;
};

// What gfapi's threads and the worker share.
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Done> done;
  std::uint32_t in_library = 0;  // requests handed to gfapi whose callback has not run
};

// One request slot; gfapi's callback gets a pointer to it.
struct Op {
  Inbox* inbox = nullptr;
  std::uint64_t tag = 0;
};

// Runs on a gfapi thread, or on the worker's for a request gfapi refused at once.
void Deliver(Op& op, std::int64_t result) {
  Inbox& in = *op.inbox;
  std::lock_guard<std::mutex> lock(in.mu);
  in.done.push_back({&op, result});
  --in.in_library;
  in.cv.notify_all();  // under the lock: a closing queue may be waiting to free the inbox
}

// gfapi's completion callback (GlusterFS 6+ form, with pre/post stat we do not need); gfapi
// sets errno to the op's error before calling it.
void OnGfapiDone(glfs_fd_t*, ssize_t ret, struct glfs_stat*, struct glfs_stat*, void* data) {
  const int err = errno;
  Deliver(*static_cast<Op*>(data),
          ret >= 0 ? static_cast<std::int64_t>(ret) : -(err != 0 ? err : EIO));
}

class GfapiQueue final : public BackendQueue {
 public:
  GfapiQueue(std::vector<glfs_fd_t*> fds, std::uint32_t depth)
      : fds_(std::move(fds)), ops_(depth), inbox_(std::make_unique<Inbox>()) {
    free_.reserve(depth);
    for (std::uint32_t i = depth; i > 0; --i) {
      ops_[i - 1].inbox = inbox_.get();
      free_.push_back(&ops_[i - 1]);
    }
  }
  GfapiQueue(const GfapiQueue&) = delete;
  GfapiQueue& operator=(const GfapiQueue&) = delete;
  ~GfapiQueue() override {
    std::unique_lock<std::mutex> lock(inbox_->mu);
    if (inbox_->cv.wait_for(lock, kDrainOnCloseTimeout, [&] { return inbox_->in_library == 0; })) {
      return;
    }
    // gfapi still holds requests whose callbacks point at the slots and the inbox: keep both.
    fprintf(stderr, "healbench: gfapi: %u request(s) still in gfapi at close; leaking the queue\n",
            inbox_->in_library);
    lock.unlock();
    new std::vector<Op>(std::move(ops_));  // NOLINT: deliberately never freed
    (void)inbox_.release();
  }

  Result<void> RegisterBuffers(std::span<void* const>, std::uint32_t) override { return Ok(); }

  Result<void> Submit(std::span<const IoRequest> requests) override {
    if (requests.size() > free_.size()) {
      return MakeError(ErrorCode::kInternal,
                       "gfapi queue: more requests submitted than its depth (" +
                           std::to_string(ops_.size()) + ")");
    }
    {
      std::lock_guard<std::mutex> lock(inbox_->mu);
      inbox_->in_library += static_cast<std::uint32_t>(requests.size());
    }
    for (const IoRequest& r : requests) {
      Op& op = *free_.back();
      free_.pop_back();
      op.tag = r.tag;
      if (const int err = Issue(op, r); err != 0) Deliver(op, -err);
    }
    return Ok();
  }

  Result<std::size_t> Reap(std::span<IoCompletion> out, std::size_t min_complete,
                           Nanos timeout_ns) override {
    std::size_t n = 0;
    {
      std::unique_lock<std::mutex> lock(inbox_->mu);
      if (inbox_->done.size() < min_complete && timeout_ns > 0) {
        inbox_->cv.wait_for(lock, std::chrono::nanoseconds(timeout_ns),
                            [&] { return inbox_->done.size() >= min_complete; });
      }
      while (n < out.size() && !inbox_->done.empty()) {
        const Done d = inbox_->done.front();
        inbox_->done.pop_front();
        out[n++] = {d.op->tag, d.result};
        free_.push_back(d.op);
      }
    }
    return n;
  }

  // gfapi cannot take a request back; each completes or fails when its brick connection
  // times out (network.ping-timeout).
  void CancelAll() override {}

 private:
  // Hands one request to gfapi; 0, or the errno of a request refused before it went out.
  int Issue(Op& op, const IoRequest& r) {
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
  std::vector<Op> ops_;  // one per request that may be out; never resized (gfapi points here)
  std::vector<Op*> free_;
  std::unique_ptr<Inbox> inbox_;
};

}  // namespace

std::unique_ptr<BackendQueue> MakeGfapiQueue(std::vector<glfs_fd*> fds, std::uint32_t depth) {
  return std::make_unique<GfapiQueue>(std::move(fds), depth);
}

}  // namespace healbench
