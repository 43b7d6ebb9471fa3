// A BackendQueue for libraries that complete requests by calling back on their own threads
// (libgfapi, librbd): the derived queue only issues a request (Issue); the callback hands the
// result to Deliver, which puts it in a mutex-guarded inbox that Reap waits on, so the worker
// never blocks inside the library. The inbox (completions and the count of requests the
// library still holds) is the only state both sides touch; op slots are the worker's alone.
// Header-only: the gfapi and rbd libraries link below healbench_backends.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace healbench {

class CallbackQueue : public BackendQueue {
 public:
  struct Inbox;
  // One request slot; the library's callback gets a pointer to it.
  struct Op {
    Inbox* inbox = nullptr;
    std::uint64_t tag = 0;
    std::uint32_t length = 0;
    OpKind kind = OpKind::kRead;
  };
  struct Done {
    Op* op = nullptr;
    std::int64_t result = 0;  // bytes, or -errno
  };
  struct Inbox {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Done> done;
    std::uint32_t in_library = 0;  // requests handed to the library whose callback has not run
  };

  // Runs on a library thread, or on the worker's for a request the library refused at once.
  static void Deliver(Op& op, std::int64_t result) {
    Inbox& in = *op.inbox;
    std::lock_guard<std::mutex> lock(in.mu);
    in.done.push_back({&op, result});
    --in.in_library;
    in.cv.notify_all();  // under the lock: a closing queue may be waiting to free the inbox
  }

  // name: the library, for messages ("gfapi", "rbd"). At most `depth` requests out at once.
  CallbackQueue(std::string name, std::uint32_t depth)
      : name_(std::move(name)), ops_(depth), inbox_(std::make_unique<Inbox>()) {
    free_.reserve(depth);
    for (std::uint32_t i = depth; i > 0; --i) {
      ops_[i - 1].inbox = inbox_.get();
      free_.push_back(&ops_[i - 1]);
    }
  }
  CallbackQueue(const CallbackQueue&) = delete;
  CallbackQueue& operator=(const CallbackQueue&) = delete;
  // Waits a while for the library to give back what it still holds (the runner destroys
  // queues with nothing in flight; this covers its error paths); past that, the slots and the
  // inbox the callbacks point at are leaked on purpose rather than freed under them.
  ~CallbackQueue() override {
    std::unique_lock<std::mutex> lock(inbox_->mu);
    if (inbox_->cv.wait_for(lock, std::chrono::seconds(5),
                            [&] { return inbox_->in_library == 0; })) {
      return;
    }
    fprintf(stderr,
            "healbench: %s: %u request(s) still in the library at close; leaking the queue\n",
            name_.c_str(), inbox_->in_library);
    lock.unlock();
    new std::vector<Op>(std::move(ops_));  // NOLINT: deliberately never freed
    (void)inbox_.release();
  }

  Result<void> RegisterBuffers(std::span<void* const>, std::uint32_t) override { return Ok(); }

  Result<void> Submit(std::span<const IoRequest> requests) override {
    if (requests.size() > free_.size()) {
      return MakeError(ErrorCode::kInternal,
                       name_ + " queue: more requests submitted than its depth (" +
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
      op.length = r.length;
      op.kind = r.op;
      if (const int err = Issue(op, r); err != 0) Deliver(op, -err);
    }
    return Ok();
  }

  Result<std::size_t> Reap(std::span<IoCompletion> out, std::size_t min_complete,
                           Nanos timeout_ns) override {
    std::size_t n = 0;
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
    return n;
  }

  // Neither library can take a request back: each completes, or fails on the library's own
  // timeout.
  void CancelAll() override {}

 protected:
  // Hands one request to the library, whose callback must end in Deliver(op, …); returns 0,
  // or the errno of a request refused before it went out (then no callback may come).
  virtual int Issue(Op& op, const IoRequest& r) = 0;

 private:
  const std::string name_;
  std::vector<Op> ops_;  // one per request that may be out; never resized (callbacks point here)
  std::vector<Op*> free_;
  std::unique_ptr<Inbox> inbox_;
};

}  // namespace healbench
