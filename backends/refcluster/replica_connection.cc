// Replica connection threads. The receiver owns reading; the sender owns writing; both stop
// when the socket is shut down, and whatever is outstanding then fails with ENOTCONN.
#include "backends/refcluster/replica_connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <future>

namespace healbench::ref {

ReplicaConnection::ReplicaConnection(int fd) : fd_(fd) {
  sender_ = std::thread([this] { SendLoop(); });
  receiver_ = std::thread([this] { ReceiveLoop(); });
}

ReplicaConnection::~ReplicaConnection() {
  Close();
  close(fd_);
}

Result<std::unique_ptr<ReplicaConnection>> ReplicaConnection::Open(const HostPort& where,
                                                                   const std::string& token,
                                                                   Nanos timeout_ns) {
  auto fd = ConnectTcp(where, timeout_ns);
  if (!fd.ok()) return fd.error();
  std::unique_ptr<ReplicaConnection> c(new ReplicaConnection(*fd));
  FrameHeader h;
  h.type = static_cast<std::uint8_t>(FrameType::kHello);
  const std::span<const std::uint8_t> tok(reinterpret_cast<const std::uint8_t*>(token.data()),
                                          token.size());
  auto r = c->Call(h, tok, timeout_ns);
  const std::string name = where.host + ":" + std::to_string(where.port);
  if (!r.ok()) return MakeError(r.error().code, "HELLO to " + name + ": " + r.error().message);
  if (r->status == EACCES) {
    return MakeError(ErrorCode::kBadInput,
                     "HELLO to " + name +
                         " refused: " + (token.empty() ? "the node wants a token" : "wrong token") +
                         " (it was started with --token-file; give the ref backend the same "
                         "file as backend.token_file)");
  }
  if (r->status != 0) {
    return MakeError(ErrorCode::kUnavailable,
                     "HELLO to " + name + " refused (status " + std::to_string(r->status) + ")");
  }
  return c;
}

bool ReplicaConnection::Send(FrameHeader h, std::span<const std::uint8_t> payload, ReplyFn done) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_ || broken_) return false;
  h.request_id = next_id_++;
  pending_[h.request_id] = {std::move(done), MonotonicNs()};
  outbox_.push_back(EncodeFrame(h, payload));
  cv_.notify_all();
  return true;
}

Result<Reply> ReplicaConnection::Call(FrameHeader h, std::span<const std::uint8_t> payload,
                                      Nanos timeout_ns) {
  auto result = std::make_shared<std::promise<Reply>>();
  std::future<Reply> f = result->get_future();
  const bool sent = Send(
      h, payload, [result](int status, const FrameHeader& reply, std::vector<std::uint8_t>& data) {
        result->set_value(Reply{status, reply, std::move(data)});
      });
  if (!sent) return MakeError(ErrorCode::kUnavailable, "connection closed");
  if (f.wait_for(std::chrono::nanoseconds(timeout_ns)) != std::future_status::ready) {
    return MakeError(ErrorCode::kTimeout, FrameTypeName(h.type) + ": no reply within " +
                                              std::to_string(timeout_ns / kNsPerMs) + " ms");
  }
  Reply r = f.get();
  if (r.status == ENOTCONN && r.header.magic == 0) {
    return MakeError(ErrorCode::kUnavailable, "connection closed");
  }
  return r;
}

Nanos ReplicaConnection::OldestOutstandingNs() const {
  std::lock_guard<std::mutex> lock(mu_);
  Nanos oldest = 0;
  for (const auto& [id, p] : pending_) {
    if (oldest == 0 || p.sent_ns < oldest) oldest = p.sent_ns;
  }
  return oldest;
}

bool ReplicaConnection::Broken() const {
  std::lock_guard<std::mutex> lock(mu_);
  return broken_;
}

void ReplicaConnection::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ && !sender_.joinable()) return;
    closed_ = true;
    cv_.notify_all();
  }
  shutdown(fd_, SHUT_RDWR);
  if (sender_.joinable()) sender_.join();
  if (receiver_.joinable()) receiver_.join();
}

void ReplicaConnection::SendLoop() {
  while (true) {
    std::vector<std::uint8_t> frame;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return closed_ || broken_ || !outbox_.empty(); });
      if (closed_ || broken_) return;
      frame = std::move(outbox_.front());
      outbox_.pop_front();
    }
    if (!WriteAll(fd_, frame)) {
      shutdown(fd_, SHUT_RDWR);  // the receiver sees it and fails what is outstanding
      return;
    }
  }
}

void ReplicaConnection::ReceiveLoop() {
  std::vector<std::uint8_t> payload;
  while (true) {
    auto h = ReadFrame(fd_, payload);
    if (!h.ok() || !IsReply(*h)) break;
    ReplyFn done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = pending_.find(h->request_id);
      if (it == pending_.end()) continue;
      done = std::move(it->second.done);
      pending_.erase(it);
    }
    done(h->flags, *h, payload);
  }
  std::map<std::uint64_t, Pending> failed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    broken_ = true;
    failed.swap(pending_);
    outbox_.clear();
    cv_.notify_all();
  }
  FrameHeader none;
  none.magic = 0;
  std::vector<std::uint8_t> empty;
  for (auto& [id, p] : failed) p.done(ENOTCONN, none, empty);
}

Result<void> OpenImages(ReplicaConnection& conn, const std::vector<ImageSpec>& images,
                        Nanos timeout_ns) {
  for (std::uint32_t i = 0; i < images.size(); ++i) {
    const std::string& name = images[i].name;
    auto r =
        conn.Call(RequestHeader(FrameType::kOpenImage, i, images[i].size_bytes),
                  {reinterpret_cast<const std::uint8_t*>(name.data()), name.size()}, timeout_ns);
    if (!r.ok()) return MakeError(r.error().code, "OPEN_IMAGE " + name + ": " + r.error().message);
    if (r->status != 0) {
      return MakeError(ErrorCode::kIo, "OPEN_IMAGE " + name + ": " +
                                           std::string(r->payload.begin(), r->payload.end()));
    }
  }
  return Ok();
}

}  // namespace healbench::ref
