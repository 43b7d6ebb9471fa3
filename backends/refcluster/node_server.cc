// Node request handling: each connection reads a frame, acts on the image store and answers
// with a reply frame of the same request id. A malformed frame closes the connection.
#include "backends/refcluster/node_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <map>

namespace healbench::ref {

NodeServer::NodeServer(NodeOptions options) : options_(std::move(options)), store_(options_.dir) {}

NodeServer::~NodeServer() {
  if (listen_fd_ >= 0) close(listen_fd_);
}

Result<void> NodeServer::Start() {
  auto fd = ListenTcp(options_.listen);
  if (!fd.ok()) return fd.error();
  listen_fd_ = *fd;
  auto port = BoundPort(listen_fd_);
  if (!port.ok()) return port.error();
  port_ = *port;
  return Ok();
}

void NodeServer::Serve(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    conn_fds_.insert(fd);
    threads_.emplace_back([this, fd] { ServeConnection(fd); });
  }
  close(listen_fd_);
  listen_fd_ = -1;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : conn_fds_) shutdown(fd, SHUT_RDWR);
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void NodeServer::ServeConnection(int fd) {
  std::map<std::uint32_t, Image*> images;  // this connection's image ids
  std::vector<std::uint8_t> payload;
  std::vector<std::uint8_t> reply_payload;
  bool hello = options_.token.empty();
  while (true) {
    auto h = ReadFrame(fd, payload);
    if (!h.ok() || IsReply(*h)) break;
    FrameHeader reply = *h;
    reply.type = static_cast<std::uint8_t>(h->type | kReplyBit);
    reply.flags = 0;
    reply_payload.clear();
    int status = 0;
    Image* img = nullptr;
    const FrameType type = TypeOf(*h);
    if (type != FrameType::kHello && !hello) {
      status = EACCES;
    } else if (type != FrameType::kHello && type != FrameType::kOpenImage &&
               type != FrameType::kStatus) {
      auto it = images.find(h->image);
      if (it == images.end()) {
        status = EBADF;
      } else {
        img = it->second;
      }
    }
    if (status == 0) {
      switch (type) {
        case FrameType::kHello: {
          const std::string token(payload.begin(), payload.end());
          hello = options_.token.empty() || token == options_.token;
          status = hello ? 0 : EACCES;
          break;
        }
        case FrameType::kOpenImage: {
          auto opened = store_.Open(std::string(payload.begin(), payload.end()), h->offset);
          if (opened.ok()) {
            images[h->image] = *opened;
            reply.offset = (*opened)->size_bytes();
          } else {
            status = EINVAL;
            const std::string& m = opened.error().message;
            reply_payload.assign(m.begin(), m.end());
          }
          break;
        }
        case FrameType::kRead:
          if (h->length > kMaxPayloadBytes) {
            status = EINVAL;
            break;
          }
          reply_payload.resize(h->length);
          status = img->Read(h->offset, reply_payload);
          if (status != 0) reply_payload.clear();
          break;
        case FrameType::kWrite:
          if ((h->flags & kFlagMarkPending) != 0) {
            status = img->SetPending(h->offset, payload.size(), true);
          }
          if (status == 0) status = img->Write(h->offset, payload);
          break;
        case FrameType::kFlush:
          status = img->Flush();
          break;
        case FrameType::kStatus: {
          const std::string s = store_.StatusJson();
          reply_payload.assign(s.begin(), s.end());
          break;
        }
        case FrameType::kPendingMark:
        case FrameType::kPendingClear:
          status = img->SetPending(h->offset, h->length, type == FrameType::kPendingMark);
          break;
        case FrameType::kPendingList:
          reply.offset = kRegionBytes;
          reply_payload = img->PendingBitmap();
          break;
      }
    }
    reply.flags = static_cast<std::uint16_t>(status);
    if (!WriteAll(fd, EncodeFrame(reply, reply_payload))) break;
  }
  std::lock_guard<std::mutex> lock(mu_);
  conn_fds_.erase(fd);
  close(fd);
}

}  // namespace healbench::ref
