// The client's connection to one node: requests are queued to a sender thread (so callers
// never block on a slow or frozen node) and replies are matched by request id on a receiver
// thread, which runs the request's callback.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "backends/backend.h"
#include "backends/refcluster/socket_io.h"

namespace healbench::ref {

// status: 0, an errno from the node, or ENOTCONN when the connection closed first.
using ReplyFn =
    std::function<void(int status, const FrameHeader& reply, std::vector<std::uint8_t>& payload)>;

struct Reply {
  int status = 0;
  FrameHeader header;
  std::vector<std::uint8_t> payload;
};

class ReplicaConnection {
 public:
  // Connects and says HELLO, each bounded by timeout_ns.
  static Result<std::unique_ptr<ReplicaConnection>> Open(const HostPort& where,
                                                         const std::string& token,
                                                         Nanos timeout_ns);
  ~ReplicaConnection();
  ReplicaConnection(const ReplicaConnection&) = delete;
  ReplicaConnection& operator=(const ReplicaConnection&) = delete;

  // Queues a request; `done` runs later on the receiver thread (never inside Send). False
  // when the connection is closed (then `done` is never called).
  bool Send(FrameHeader h, std::span<const std::uint8_t> payload, ReplyFn done);
  // Send and wait up to timeout_ns; kTimeout or kUnavailable when no reply came.
  Result<Reply> Call(FrameHeader h, std::span<const std::uint8_t> payload, Nanos timeout_ns);
  // Send time of the oldest request still without a reply, or 0 when none.
  Nanos OldestOutstandingNs() const;
  // The receiver saw EOF or an error: the node is gone.
  bool Broken() const;
  // Shuts the socket, joins the threads and fails what is outstanding with ENOTCONN. Not to
  // be called from a callback.
  void Close();

 private:
  explicit ReplicaConnection(int fd);
  void SendLoop();
  void ReceiveLoop();

  const int fd_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<std::uint8_t>> outbox_;
  struct Pending {
    ReplyFn done;
    Nanos sent_ns = 0;
  };
  std::map<std::uint64_t, Pending> pending_;
  std::uint64_t next_id_ = 1;
  bool closed_ = false;
  bool broken_ = false;
  std::thread sender_;
  std::thread receiver_;
};

// OPEN_IMAGE of every image on conn, image i under id i; the error names the image and
// carries the node's reason.
Result<void> OpenImages(ReplicaConnection& conn, const std::vector<ImageSpec>& images,
                        Nanos timeout_ns);

}  // namespace healbench::ref
