// Node request handling: each connection reads a frame, acts on the image store and answers
// with a reply frame of the same request id. A malformed frame closes the connection.
#include "backends/refcluster/node_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <map>

#include "backends/refcluster/chunk_checksum.h"

namespace healbench::ref {

NodeServer::NodeServer(NodeOptions options)
    : options_(std::move(options)),
      store_(options_.dir),
      replication_(options_.dir, options_.token) {
  if (!options_.test_faults.empty()) {
    test_faults_ = std::make_unique<TestFaults>(options_.test_faults, options_.dir);
    store_.SetStatusExtra([this](const std::string& image) {
      return ",\"test_faults\":" + test_faults_->CountersJson(image);
    });
  }
}

std::string NodeServer::TestFaultSummary() const {
  return test_faults_ ? test_faults_->SummaryLines() : "";
}

int NodeServer::ReadImage(const Image& img, const FrameHeader& h, std::span<std::uint8_t> out) {
  return test_faults_ ? test_faults_->Read(img, h.offset, out, h.flags) : img.Read(h.offset, out);
}

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
  if (!options_.peer.empty()) {
    auto peer = ParseHostPort(options_.peer);
    if (!peer.ok()) return MakeError(ErrorCode::kBadInput, "--peer: " + peer.error().message);
    ReplicatorOptions o;
    o.peer = *peer;
    o.token = options_.token;
    replication_.StartPrimary(o);
  }
  return Ok();
}

void NodeServer::Serve(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    // Replies to pipelined requests go out at once, not held by Nagle for a delayed ACK.
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
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
               type != FrameType::kStatus && type != FrameType::kSetRole) {
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
            if (test_faults_) test_faults_->Track((*opened)->name());
            replication_.ImageOpened(*opened);
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
          status = ReadImage(*img, *h, reply_payload);
          if (status != 0) reply_payload.clear();
          break;
        case FrameType::kChecksum: {
          if (h->length > kMaxPayloadBytes) {
            status = EINVAL;
            break;
          }
          // Checksums of what a read would return, without counting as a guest read.
          FrameHeader inspect = *h;
          inspect.flags = static_cast<std::uint16_t>(inspect.flags | kFlagInspect);
          std::vector<std::uint8_t> data(h->length);
          status = ReadImage(*img, inspect, data);
          reply.offset = kChecksumChunkBytes;
          if (status == 0) reply_payload = EncodeChunkChecksums(data, kChecksumChunkBytes);
          break;
        }
        case FrameType::kWrite:
          if ((h->flags & kFlagMarkPending) != 0) {
            status = img->SetPending(h->offset, payload.size(), true);
          }
          if (status == 0) {
            std::uint32_t copies = 1;
            status = replication_.Write(
                img, *h, payload, &copies, [&](std::span<const std::uint8_t> data) {
                  return test_faults_ ? test_faults_->Write(*img, h->offset, data, h->flags)
                                      : img->Write(h->offset, data);
                });
            reply.length = copies;  // server replication: how many nodes hold it
          }
          break;
        case FrameType::kFlush: {
          std::uint32_t copies = 1;
          status = replication_.Flush(img, *h, &copies);
          reply.length = copies;
          break;
        }
        case FrameType::kStatus: {
          std::string s = store_.StatusJson();
          s.pop_back();  // the closing brace: the replication state goes beside "images"
          s += ",\"replication\":" + ReplicationStatusJson(replication_.Status()) + "}";
          reply_payload.assign(s.begin(), s.end());
          break;
        }
        case FrameType::kSetRole: {
          std::string reason;
          status = replication_.SetRole(*h, payload, &reason);
          reply_payload.assign(reason.begin(), reason.end());
          break;
        }
        case FrameType::kPendingMark:
        case FrameType::kPendingClear:
          if (type == FrameType::kPendingMark && !payload.empty()) {
            status = img->MarkPendingBitmap(payload);  // a resync's whole dirty set
          } else {
            status = img->SetPending(h->offset, h->length, type == FrameType::kPendingMark);
          }
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
