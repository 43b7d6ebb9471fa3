// libnbd backend. Each worker queue owns one NBD connection, driven from its own thread:
// nbd_aio_* sends, poll() plus nbd_aio_notify_* runs the completion callbacks. A queue whose
// connection dies keeps its requests, reconnects and sends them again.
#include "backends/nbd/nbd_backend.h"

#include <libnbd.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <deque>
#include <utility>
#include <vector>

#include "backends/backend_option_text.h"
#include "harness/core/units.h"

namespace healbench {
namespace {

constexpr const char* kUrlForms =
    "expected nbd://HOST[:PORT][/EXPORT] or nbd+unix:///EXPORT?socket=PATH (or nbds:// for TLS)";

std::string LastNbdError() {
  const char* e = nbd_get_error();
  return e != nullptr && *e != '\0' ? e : "unknown libnbd error";
}

// What the probe connection learnt about the export.
struct ExportInfo {
  std::uint64_t size_bytes = 0;
  bool can_flush = false;
  bool can_trim = false;
  std::uint32_t min_block = 1;
};

// Waits until the handle's socket is ready in the direction libnbd wants, or until the
// deadline, and lets libnbd act on it. Returns false when the connection failed.
bool WaitAndNotify(nbd_handle* h, Nanos deadline) {
  const int fd = nbd_aio_get_fd(h);
  if (fd < 0) return false;
  const unsigned dir = nbd_aio_get_direction(h);
  pollfd p{fd, 0, 0};
  if ((dir & LIBNBD_AIO_DIRECTION_READ) != 0) p.events |= POLLIN;
  if ((dir & LIBNBD_AIO_DIRECTION_WRITE) != 0) p.events |= POLLOUT;
  const Nanos left = std::max<Nanos>(0, deadline - MonotonicNs());
  const timespec ts{static_cast<time_t>(left / kNsPerSec), static_cast<long>(left % kNsPerSec)};
  const int n = ppoll(&p, 1, &ts, nullptr);
  if (n < 0) return errno == EINTR;
  if (n == 0) return true;
  const short trouble = POLLHUP | POLLERR;
  if ((p.revents & (POLLIN | trouble)) != 0 && (dir & LIBNBD_AIO_DIRECTION_READ) != 0) {
    if (nbd_aio_notify_read(h) == -1) return false;
  }
  if ((p.revents & (POLLOUT | trouble)) != 0 &&
      (nbd_aio_get_direction(h) & LIBNBD_AIO_DIRECTION_WRITE) != 0) {
    if (nbd_aio_notify_write(h) == -1) return false;
  }
  return true;
}

bool Gone(nbd_handle* h) { return nbd_aio_is_dead(h) != 0 || nbd_aio_is_closed(h) != 0; }

// A new handle with the connection started (TCP or Unix connect, then the handshake, both
// driven by WaitAndNotify).
Result<nbd_handle*> StartConnect(const std::string& url) {
  nbd_handle* h = nbd_create();
  if (h == nullptr) return MakeError(ErrorCode::kUnavailable, "nbd_create: " + LastNbdError());
  // Reads fill the buffer anyway; skip libnbd's memset of every read buffer.
  nbd_set_pread_initialize(h, false);
  if (nbd_supports_uri(h) != 1) {
    nbd_close(h);
    return MakeError(ErrorCode::kNotSupported, "this libnbd was built without NBD URI support");
  }
  if (nbd_aio_connect_uri(h, url.c_str()) == -1) {
    Error e = MakeError(ErrorCode::kUnavailable, "connect to " + url + ": " + LastNbdError());
    nbd_close(h);
    return e;
  }
  return h;
}

// Connects and waits for the handshake to finish, within timeout_ns.
Result<nbd_handle*> Connect(const std::string& url, Nanos timeout_ns) {
  auto h = StartConnect(url);
  if (!h.ok()) return h.error();
  const Nanos deadline = MonotonicNs() + timeout_ns;
  while (nbd_aio_is_ready(*h) == 0) {
    if (Gone(*h) || !WaitAndNotify(*h, deadline)) {
      Error e = MakeError(ErrorCode::kUnavailable, "connect to " + url + ": " + LastNbdError());
      nbd_close(*h);
      return e;
    }
    if (nbd_aio_is_ready(*h) == 0 && MonotonicNs() >= deadline) {
      nbd_close(*h);
      return MakeError(ErrorCode::kTimeout, "connect to " + url + ": no NBD handshake within " +
                                                FormatDurationExact(timeout_ns));
    }
  }
  return h;
}

Result<ExportInfo> ProbeExport(const std::string& url) {
  auto h = Connect(url, kNbdConnectTimeoutNs);
  if (!h.ok()) return h.error();
  ExportInfo info;
  const std::int64_t size = nbd_get_size(*h);
  if (size < 0) {
    Error e = MakeError(ErrorCode::kUnavailable, "size of " + url + ": " + LastNbdError());
    nbd_close(*h);
    return e;
  }
  info.size_bytes = static_cast<std::uint64_t>(size);
  info.can_flush = nbd_can_flush(*h) == 1;
  info.can_trim = nbd_can_trim(*h) == 1;
  const std::int64_t min_block = nbd_get_block_size(*h, LIBNBD_SIZE_MINIMUM);
  if (min_block > 1) info.min_block = static_cast<std::uint32_t>(min_block);
  nbd_close(*h);
  return info;
}

class NbdQueue final : public BackendQueue {
 public:
  NbdQueue(std::string url, std::vector<std::uint64_t> bases, std::uint64_t needed_bytes,
           const ExportInfo& info, std::uint32_t depth)
      : url_(std::move(url)),
        bases_(std::move(bases)),
        needed_bytes_(needed_bytes),
        info_(info),
        ops_(depth) {
    free_.reserve(depth);
    for (std::uint32_t i = depth; i > 0; --i) {
      ops_[i - 1].queue = this;
      free_.push_back(&ops_[i - 1]);
    }
    ready_.reserve(depth);
  }
  NbdQueue(const NbdQueue&) = delete;
  NbdQueue& operator=(const NbdQueue&) = delete;
  ~NbdQueue() override { CloseHandle(); }

  Result<void> Init() {
    auto h = Connect(url_, kNbdConnectTimeoutNs);
    if (!h.ok()) return h.error();
    h_ = *h;
    connected_ = true;
    return Ok();
  }

  Result<void> RegisterBuffers(std::span<void* const>, std::uint32_t) override { return Ok(); }

  Result<void> Submit(std::span<const IoRequest> requests) override {
    for (const IoRequest& r : requests) {
      if (free_.empty()) {
        return MakeError(ErrorCode::kInternal,
                         "nbd queue: more requests submitted than its depth (" +
                             std::to_string(ops_.size()) + ")");
      }
      Op& op = *free_.back();
      free_.pop_back();
      op.req = r;
      ++outstanding_;
      if (connected_) {
        Issue(op);
      } else if (gave_up_) {
        Complete(op, -ENOTCONN);
      } else {
        Wait(op);
      }
    }
    if (connected_ && !waiting_.empty()) LoseConnection();
    return Ok();
  }

  Result<std::size_t> Reap(std::span<IoCompletion> out, std::size_t min_complete,
                           Nanos timeout_ns) override {
    const Nanos deadline = MonotonicNs() + timeout_ns;
    std::size_t n = 0;
    bool stepped = false;
    while (true) {
      n += TakeReady(out.subspan(n));
      if (n == out.size() || (n >= min_complete && (n > 0 || stepped))) break;
      if (stepped && MonotonicNs() >= deadline) break;
      if (outstanding_ == 0 && connected_) break;  // nothing can complete
      Step(min_complete == 0 ? MonotonicNs() : deadline);
      stepped = true;
    }
    // After giving up, attempts go on whenever the worker comes by, so I/O resumes once the
    // server is back.
    if (!connected_ && gave_up_ && MonotonicNs() >= next_attempt_ns_) Step(MonotonicNs());
    return n;
  }

  void CancelAll() override {
    for (Op* op : waiting_) Complete(*op, -ECANCELED);
    waiting_.clear();
    // libnbd cannot take back a request once sent; dropping the connection is the only way
    // to be sure it no longer touches the buffers. The next Reap or Submit reconnects.
    if (connected_ && std::any_of(ops_.begin(), ops_.end(),
                                  [](const Op& op) { return op.state == OpState::kInFlight; })) {
      CloseHandle();
      for (Op& op : ops_) {
        if (op.state == OpState::kInFlight) Complete(op, -ECANCELED);
      }
      MarkDown();
    }
  }

 private:
  enum class OpState : std::uint8_t { kFree, kInFlight, kWaiting };
  struct Op {
    NbdQueue* queue = nullptr;
    IoRequest req;
    OpState state = OpState::kFree;
  };

  // Runs inside nbd_aio_notify_* (or nbd_close) on this queue's thread.
  static int OnComplete(void* user_data, int* error) {
    Op& op = *static_cast<Op*>(user_data);
    NbdQueue& q = *op.queue;
    if (q.closing_ || op.state != OpState::kInFlight) return 1;
    if (*error == 0) {
      const bool moves_data = op.req.op != OpKind::kFlush;
      q.Complete(op, moves_data ? static_cast<std::int64_t>(op.req.length) : 0);
    } else if (*error == ENOTCONN || *error == ESHUTDOWN) {
      // ENOTCONN: libnbd aborted the request because the connection died. ESHUTDOWN: the
      // server is going away. Either way the request waits for the next connection.
      q.Wait(op);
    } else {
      q.Complete(op, -static_cast<std::int64_t>(*error));
    }
    return 1;
  }

  void Complete(Op& op, std::int64_t result) {
    ready_.push_back({op.req.tag, result});
    op.state = OpState::kFree;
    free_.push_back(&op);
    --outstanding_;
  }

  void Wait(Op& op) {
    op.state = OpState::kWaiting;
    waiting_.push_back(&op);
  }

  void Issue(Op& op) {
    const IoRequest& r = op.req;
    if (r.image >= bases_.size()) return Complete(op, -EINVAL);
    if ((r.op == OpKind::kFlush && !info_.can_flush) ||
        (r.op == OpKind::kDiscard && !info_.can_trim)) {
      return Complete(op, -EOPNOTSUPP);
    }
    const std::uint64_t offset = bases_[r.image] + r.offset;
    const nbd_completion_callback cb{
        .callback = &NbdQueue::OnComplete, .user_data = &op, .free = nullptr};
    op.state = OpState::kInFlight;
    std::int64_t cookie = -1;
    switch (r.op) {
      case OpKind::kRead:
        cookie = nbd_aio_pread(h_, r.buffer, r.length, offset, cb, 0);
        break;
      case OpKind::kWrite:
        cookie = nbd_aio_pwrite(h_, r.buffer, r.length, offset, cb, 0);
        break;
      case OpKind::kFlush:
        cookie = nbd_aio_flush(h_, cb, 0);
        break;
      case OpKind::kDiscard:
        cookie = nbd_aio_trim(h_, r.length, offset, cb, 0);
        break;
    }
    // A request libnbd refused to send never reaches its callback.
    if (cookie == -1 && op.state == OpState::kInFlight) {
      const int err = nbd_get_errno();
      if (Gone(h_) || err == ENOTCONN) {
        Wait(op);
      } else {
        Complete(op, -(err != 0 ? err : EIO));
      }
    }
  }

  std::size_t TakeReady(std::span<IoCompletion> out) {
    const std::size_t n = std::min(out.size(), ready_.size() - ready_head_);
    std::copy_n(ready_.begin() + static_cast<std::ptrdiff_t>(ready_head_), n, out.begin());
    ready_head_ += n;
    if (ready_head_ == ready_.size()) {
      ready_.clear();
      ready_head_ = 0;
    }
    return n;
  }

  void CloseHandle() {
    if (h_ == nullptr) return;
    closing_ = true;  // callbacks run by nbd_close are ignored; the caller settles the requests
    nbd_close(h_);
    closing_ = false;
    h_ = nullptr;
    connected_ = false;
  }

  void MarkDown() {
    down_since_ns_ = MonotonicNs();
    next_attempt_ns_ = down_since_ns_;
    gave_up_ = false;
  }

  // The connection died (or the server is shutting it down): close it; every request still
  // out waits for the next connection.
  void LoseConnection() {
    const std::string why = LastNbdError();
    CloseHandle();
    for (Op& op : ops_) {
      if (op.state == OpState::kInFlight) Wait(op);
    }
    MarkDown();
    fprintf(stderr,
            "healbench: nbd: connection to %s lost (%s); %zu request(s) wait for a reconnect\n",
            url_.c_str(), why.c_str(), waiting_.size());
  }

  void OnReconnected() {
    connected_ = true;
    const double down_s = NsToSeconds(MonotonicNs() - down_since_ns_);
    fprintf(stderr, "healbench: nbd: reconnected to %s after %.3f s; resending %zu request(s)\n",
            url_.c_str(), down_s, waiting_.size());
    std::vector<Op*> resend(waiting_.begin(), waiting_.end());
    waiting_.clear();
    const std::int64_t size = nbd_get_size(h_);
    const bool fits = size >= 0 && static_cast<std::uint64_t>(size) >= needed_bytes_;
    if (!fits) {
      fprintf(stderr, "healbench: nbd: %s is now %lld bytes, smaller than the images need\n",
              url_.c_str(), static_cast<long long>(size));
    }
    for (Op* op : resend) {
      if (fits) {
        Issue(*op);
      } else {
        Complete(*op, -ENXIO);
      }
    }
  }

  // One round of waiting: on a live connection, for the socket; while down, for the next
  // reconnect attempt or its handshake.
  void Step(Nanos deadline) {
    if (connected_) {
      if (!WaitAndNotify(h_, deadline) || Gone(h_) || !waiting_.empty()) LoseConnection();
      return;
    }
    Nanos now = MonotonicNs();
    if (!gave_up_ && now - down_since_ns_ >= kNbdReconnectTimeoutNs) {
      gave_up_ = true;
      fprintf(stderr,
              "healbench: nbd: %s unreachable for %s; failing %zu request(s) with ENOTCONN\n",
              url_.c_str(), FormatDurationExact(kNbdReconnectTimeoutNs).c_str(), waiting_.size());
      for (Op* op : waiting_) Complete(*op, -ENOTCONN);
      waiting_.clear();
    }
    if (h_ == nullptr) {
      if (now < next_attempt_ns_) {
        const Nanos left = std::min(next_attempt_ns_, deadline) - now;
        if (left > 0) {
          const timespec ts{static_cast<time_t>(left / kNsPerSec),
                            static_cast<long>(left % kNsPerSec)};
          nanosleep(&ts, nullptr);
        }
        return;
      }
      next_attempt_ns_ = now + kNbdReconnectIntervalNs;
      auto h = StartConnect(url_);
      if (!h.ok()) return;  // refused at once; try again at next_attempt_ns_
      h_ = *h;
      attempt_deadline_ns_ = now + kNbdConnectTimeoutNs;
    }
    const bool alive = WaitAndNotify(h_, std::min(deadline, attempt_deadline_ns_));
    if (nbd_aio_is_ready(h_) != 0) return OnReconnected();
    if (!alive || Gone(h_) || MonotonicNs() >= attempt_deadline_ns_) CloseHandle();
  }

  const std::string url_;
  const std::vector<std::uint64_t> bases_;  // byte offset of each run-wide image in the export
  const std::uint64_t needed_bytes_;
  const ExportInfo info_;
  nbd_handle* h_ = nullptr;
  bool connected_ = false;  // h_ has finished its handshake and takes requests
  bool closing_ = false;
  std::vector<Op> ops_;  // one per request that may be out; never resized (callbacks point here)
  std::vector<Op*> free_;
  std::deque<Op*> waiting_;  // for a connection
  std::uint32_t outstanding_ = 0;
  std::vector<IoCompletion> ready_;
  std::size_t ready_head_ = 0;
  Nanos down_since_ns_ = 0;
  Nanos next_attempt_ns_ = 0;
  Nanos attempt_deadline_ns_ = 0;
  bool gave_up_ = false;
};

class NbdBackend final : public Backend {
 public:
  NbdBackend(std::string url, const ExportInfo& info) : url_(std::move(url)), info_(info) {}

  std::string Kind() const override { return "nbd"; }
  Capabilities Caps() const override {
    return {.flush = info_.can_flush,
            .discard = info_.can_trim,
            .registered_buffers = false,
            .alignment = info_.min_block};
  }

  Result<std::vector<ImageInfo>> Prepare(const std::vector<ImageSpec>& images) override {
    std::uint64_t total = 0;
    for (const ImageSpec& s : images) total += s.size_bytes;
    const std::string export_size = FormatSizeExact(info_.size_bytes) + " (" + url_ + ")";
    if (images.size() == 1 && total > info_.size_bytes) {
      return MakeError(ErrorCode::kBadInput, "images.size " + FormatSizeExact(total) +
                                                 " exceeds the NBD export size " + export_size);
    }
    if (total > info_.size_bytes) {
      return MakeError(ErrorCode::kBadInput,
                       "images.count " + std::to_string(images.size()) + " x images.size " +
                           FormatSizeExact(images.empty() ? 0 : images[0].size_bytes) + " = " +
                           FormatSizeExact(total) + " exceeds the NBD export size " + export_size +
                           "; each image is a region of the export");
    }
    std::vector<ImageInfo> out;
    bases_.clear();
    std::uint64_t base = 0;
    for (const ImageSpec& s : images) {
      std::string where = url_;
      if (images.size() > 1) {
        where += " [" + std::to_string(base) + ", " + std::to_string(base + s.size_bytes) + ")";
      }
      out.push_back({s.name, where, s.size_bytes, false});
      bases_.push_back(base);
      base += s.size_bytes;
    }
    needed_bytes_ = total;
    return out;
  }

  Result<std::unique_ptr<BackendQueue>> NewQueue(const std::vector<std::uint32_t>&,
                                                 std::uint32_t depth) override {
    auto q = std::make_unique<NbdQueue>(url_, bases_, needed_bytes_, info_, depth);
    if (auto rc = q->Init(); !rc.ok()) return rc.error();
    return std::unique_ptr<BackendQueue>(std::move(q));
  }

 private:
  const std::string url_;
  const ExportInfo info_;
  std::vector<std::uint64_t> bases_;
  std::uint64_t needed_bytes_ = 0;
};

}  // namespace

Result<void> CheckNbdUrl(const std::string& url) {
  static const std::vector<std::string> kSchemes = {
      "nbd://", "nbds://", "nbd+unix://", "nbds+unix://", "nbd+vsock://", "nbds+vsock://"};
  for (const std::string& s : kSchemes) {
    if (url.rfind(s, 0) != 0) continue;
    if (url.size() == s.size()) break;
    const bool unix_socket = s.find("+unix") != std::string::npos;
    if (unix_socket && url.find("socket=") == std::string::npos) {
      return MakeError(
          ErrorCode::kBadInput,
          "backend.url \"" + url + "\" names no socket: expected " + s + "/EXPORT?socket=PATH");
    }
    return Ok();
  }
  return MakeError(ErrorCode::kBadInput,
                   "backend.url \"" + url + "\" is not an NBD URL: " + kUrlForms);
}

Result<std::string> NbdUrlFromOptions(const std::map<std::string, std::string>& options) {
  auto it = options.find("url");
  if (it == options.end()) {
    return MakeError(ErrorCode::kBadInput,
                     std::string("backend.url is required for kind = \"nbd\": ") + kUrlForms);
  }
  std::string url = UnquoteToml(it->second);
  if (auto rc = CheckNbdUrl(url); !rc.ok()) return rc.error();
  return url;
}

Result<std::unique_ptr<Backend>> MakeNbdBackend(const NbdBackendOptions& options) {
  if (auto rc = CheckNbdUrl(options.url); !rc.ok()) return rc.error();
  auto info = ProbeExport(options.url);
  if (!info.ok()) return info.error();
  return std::unique_ptr<Backend>(std::make_unique<NbdBackend>(options.url, *info));
}

}  // namespace healbench
