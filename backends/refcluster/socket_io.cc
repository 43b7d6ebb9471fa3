// TCP plumbing for nodes and clients: plain blocking sockets, EINTR retried, every failure
// named with its errno.
#include "backends/refcluster/socket_io.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace healbench::ref {
namespace {

Error Errno(ErrorCode code, const std::string& what) {
  const int e = errno;
  return MakeError(code, what + ": " + strerror(e) + " [errno " + std::to_string(e) + "]");
}

Result<sockaddr_in> Resolve(const HostPort& where) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(where.port);
  const std::string host = where.host == "localhost" ? "127.0.0.1" : where.host;
  if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) {
    return MakeError(ErrorCode::kBadInput,
                     "address \"" + where.host + "\": expected an IPv4 address or localhost");
  }
  return a;
}

std::string Name(const HostPort& w) { return w.host + ":" + std::to_string(w.port); }

}  // namespace

Result<HostPort> ParseHostPort(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return MakeError(ErrorCode::kBadInput, "address \"" + text + "\": expected HOST:PORT");
  }
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) port = 65536;
  } catch (...) {
    port = 65536;
  }
  if (port > 65535) {
    return MakeError(ErrorCode::kBadInput, "address \"" + text + "\": bad port");
  }
  return HostPort{text.substr(0, colon), static_cast<std::uint16_t>(port)};
}

Result<int> ListenTcp(const HostPort& where) {
  auto addr = Resolve(where);
  if (!addr.ok()) return addr.error();
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno(ErrorCode::kIo, "socket");
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof(sockaddr_in)) != 0) {
    Error e = Errno(ErrorCode::kIo, "bind " + Name(where));
    close(fd);
    return e;
  }
  if (listen(fd, 64) != 0) {
    Error e = Errno(ErrorCode::kIo, "listen " + Name(where));
    close(fd);
    return e;
  }
  return fd;
}

Result<std::uint16_t> BoundPort(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    return Errno(ErrorCode::kIo, "getsockname");
  }
  return ntohs(a.sin_port);
}

Result<int> ConnectTcp(const HostPort& where, Nanos timeout_ns) {
  auto addr = Resolve(where);
  if (!addr.ok()) return addr.error();
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Errno(ErrorCode::kIo, "socket");
  if (connect(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof(sockaddr_in)) != 0) {
    if (errno != EINPROGRESS) {
      Error e = Errno(ErrorCode::kUnavailable, "connect " + Name(where));
      close(fd);
      return e;
    }
    pollfd p{fd, POLLOUT, 0};
    const int n = poll(&p, 1, static_cast<int>(timeout_ns / kNsPerMs));
    int err = 0;
    socklen_t len = sizeof err;
    if (n == 1) getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (n != 1 || err != 0) {
      errno = n == 1 ? err : ETIMEDOUT;
      Error e = Errno(ErrorCode::kUnavailable, "connect " + Name(where));
      close(fd);
      return e;
    }
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool WriteAll(int fd, std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool ReadAll(int fd, std::span<std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = recv(fd, bytes.data() + done, bytes.size() - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ECONNRESET;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

Result<FrameHeader> ReadFrame(int fd, std::vector<std::uint8_t>& payload) {
  std::uint8_t head[kHeaderBytes];
  if (!ReadAll(fd, head)) return Errno(ErrorCode::kUnavailable, "read frame header");
  auto h = DecodeHeader(head);
  if (!h.ok()) return h.error();
  payload.resize(h->payload_length);
  if (!ReadAll(fd, payload)) return Errno(ErrorCode::kUnavailable, "read frame payload");
  return h;
}

}  // namespace healbench::ref
