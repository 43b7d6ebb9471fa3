// The TCP fault proxy's event loop: one thread, epoll (edge-triggered on connection sockets),
// an eventfd for mode changes and stop, and bounded per-direction queues whose chunks carry
// their release time (delay) and leave through a token bucket (bandwidth).
#include "harness/faults/tcp_fault_proxy.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <random>
#include <unordered_map>
#include <utility>
#include <vector>

namespace healbench {
namespace {

// epoll tags: the listener, the eventfd, and connection id * 2 + side for sockets.
constexpr std::uint64_t kListenTag = 1;
constexpr std::uint64_t kWakeTag = 2;
constexpr std::uint64_t kFirstConnectionId = 2;
constexpr std::uint64_t kClientSide = 0;
constexpr std::uint64_t kUpstreamSide = 1;

constexpr std::size_t kReadChunkBytes = 64 * 1024;
// Reads per direction per pump, so one fast sender cannot starve the other connections.
constexpr int kReadBudget = 64;
constexpr auto kApplyTimeout = std::chrono::seconds(5);

std::string ErrnoText(int err) {
  return std::string(std::strerror(err)) + " [errno " + std::to_string(err) + "]";
}

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// "HOST:PORT" or "[V6]:PORT" -> one address (the first getaddrinfo gives).
Result<SocketAddress> Resolve(const std::string& text, bool passive, const char* what) {
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string::npos) {
      return MakeError(ErrorCode::kBadInput,
                       std::string(what) + " '" + text + "': expected [IPV6]:PORT");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) {
      return MakeError(ErrorCode::kBadInput,
                       std::string(what) + " '" + text + "': expected HOST:PORT");
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty() || port.empty()) {
    return MakeError(ErrorCode::kBadInput,
                     std::string(what) + " '" + text + "': expected HOST:PORT");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    return MakeError(ErrorCode::kBadInput,
                     std::string("resolve ") + what + " '" + text + "': " + gai_strerror(rc));
  }
  SocketAddress out;
  std::memcpy(&out.storage, found->ai_addr, found->ai_addrlen);
  out.length = found->ai_addrlen;
  freeaddrinfo(found);
  return out;
}

std::string FormatAddress(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(v6->sin6_port));
  }
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
  inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
  return std::string(host) + ":" + std::to_string(ntohs(v4->sin_port));
}

void SetNoDelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// Close so the peer sees "connection reset" at once (and no TIME_WAIT is left behind).
void ResetClose(int fd) {
  if (fd < 0) return;
  const linger lin{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
  close(fd);
}

bool WouldBlock(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

struct Chunk {
  Nanos release_ns = 0;
  std::vector<char> bytes;
  std::size_t offset = 0;
  std::size_t remaining() const { return bytes.size() - offset; }
};

// One direction of a connection: what was read from src and not yet written to dst.
struct Direction {
  std::deque<Chunk> queue;
  std::size_t queued_bytes = 0;
  bool src_eof = false;   // src sent FIN
  bool dst_shut = false;  // FIN passed on to dst
  Nanos last_release_ns = 0;
  double tokens = 0;
  Nanos tokens_at_ns = 0;  // 0: bucket starts full at the next refill

  std::uint64_t Clear() {
    const std::uint64_t dropped = queued_bytes;
    queue.clear();
    queued_bytes = 0;
    return dropped;
  }
};

enum class UpstreamState { kNotStarted, kConnecting, kConnected };

struct Connection {
  std::uint64_t id = 0;
  int client_fd = -1;
  int upstream_fd = -1;
  UpstreamState upstream = UpstreamState::kNotStarted;
  Direction to_upstream;
  Direction to_client;
  Nanos deadline_ns = 0;    // 0: nothing timed pending
  bool again = false;       // stopped short of EAGAIN; pump again without waiting for an edge
  bool error_seen = false;  // EPOLLERR on a socket (e.g. an RST arrived)
};

enum class Outcome { kKeep, kClosed, kFailed };
enum class ReadStop { kDrained, kFull, kHeld, kBudget, kError };

std::uint64_t BurstBytes(std::uint64_t rate) {
  return std::max<std::uint64_t>(rate / 50, std::min<std::uint64_t>(rate, 4096));
}

}  // namespace

const char* ProxyModeName(ProxyMode mode) {
  switch (mode) {
    case ProxyMode::kPass:
      return "pass";
    case ProxyMode::kReset:
      return "reset";
    case ProxyMode::kBlackhole:
      return "blackhole";
    case ProxyMode::kDelay:
      return "delay";
    case ProxyMode::kBandwidth:
      return "bandwidth";
  }
  return "unknown";
}

struct TcpFaultProxy::Impl {
  explicit Impl(TcpFaultProxy& o, std::uint64_t seed) : owner(o), rng(seed) {}
  ~Impl() { CloseFds(); }

  TcpFaultProxy& owner;
  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;
  SocketAddress upstream_addr;  // guarded by owner.mu_ (SetUpstream runs on other threads)
  ProxySettings settings;       // the loop's copy; owner.applied_ mirrors it under owner.mu_
  std::uint64_t applied_gen = 0;
  std::mt19937_64 rng;
  std::uint64_t next_id = kFirstConnectionId;
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections;
  std::array<char, kReadChunkBytes> scratch{};

  void CloseFds() {
    for (int* fd : {&listen_fd, &epoll_fd, &wake_fd}) {
      if (*fd >= 0) close(*fd);
      *fd = -1;
    }
  }

  bool Watch(int fd, std::uint64_t tag, std::uint32_t events) const {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = tag;
    return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0;
  }

  static constexpr std::uint32_t kSocketEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;

  void PublishCount() { owner.active_connections_.store(connections.size()); }

  void Loop() {
    std::array<epoll_event, 256> events{};
    std::vector<std::uint64_t> ready;  // ids: a reset may free connections mid-batch
    for (;;) {
      const int timeout_ms = NextTimeoutMs(MonotonicNs());
      const int n =
          epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), timeout_ms);
      if (n < 0 && errno != EINTR) {
        std::fprintf(stderr, "healbench proxy %s: epoll_wait: %s\n", owner.listen_text_.c_str(),
                     ErrnoText(errno).c_str());
      }
      bool changed = false;
      ready.clear();
      for (int i = 0; i < n; ++i) {
        const std::uint64_t tag = events[static_cast<std::size_t>(i)].data.u64;
        if (tag == kListenTag) {
          AcceptAll();
        } else if (tag == kWakeTag) {
          std::uint64_t count = 0;
          [[maybe_unused]] const ssize_t r = read(wake_fd, &count, sizeof(count));
          if (HandleWake(changed)) {
            ShutdownAll();
            return;
          }
        } else {
          auto it = connections.find(tag >> 1);
          if (it == connections.end()) continue;
          if ((events[static_cast<std::size_t>(i)].events & EPOLLERR) != 0) {
            it->second->error_seen = true;
          }
          ready.push_back(it->first);
        }
      }
      const Nanos now = MonotonicNs();
      for (auto& [id, conn] : connections) {
        if (changed || conn->again || (conn->deadline_ns != 0 && conn->deadline_ns <= now)) {
          ready.push_back(id);
        }
      }
      std::sort(ready.begin(), ready.end());
      ready.erase(std::unique(ready.begin(), ready.end()), ready.end());
      for (std::uint64_t id : ready) {
        auto it = connections.find(id);
        if (it != connections.end()) Settle(*it->second, Pump(*it->second, MonotonicNs()));
      }
    }
  }

  int NextTimeoutMs(Nanos now) const {
    Nanos next = 0;
    for (const auto& [id, conn] : connections) {
      if (conn->again) return 0;
      if (conn->deadline_ns != 0 && (next == 0 || conn->deadline_ns < next)) {
        next = conn->deadline_ns;
      }
    }
    if (next == 0) return -1;
    if (next <= now) return 0;
    // Round up: waking early would only spin, waking late by < 1 ms is fine.
    return static_cast<int>(std::min<Nanos>((next - now + kNsPerMs - 1) / kNsPerMs, 60'000));
  }

  // Returns true when asked to stop; applies a new mode if one is waiting.
  bool HandleWake(bool& changed) {
    ProxySettings next;
    std::uint64_t gen = 0;
    {
      std::lock_guard<std::mutex> lock(owner.mu_);
      if (owner.stop_requested_) return true;
      next = owner.requested_;
      gen = owner.requested_gen_;
    }
    if (gen == applied_gen) return false;
    Apply(next);
    applied_gen = gen;
    changed = true;
    {
      std::lock_guard<std::mutex> lock(owner.mu_);
      owner.applied_ = next;
      owner.applied_gen_ = gen;
    }
    owner.applied_cv_.notify_all();
    return false;
  }

  void Apply(const ProxySettings& next) {
    settings = next;
    if (next.mode == ProxyMode::kReset) {
      owner.connections_reset_ += connections.size();
      for (auto& [id, conn] : connections) {
        ResetClose(conn->client_fd);
        ResetClose(conn->upstream_fd);
      }
      connections.clear();
      PublishCount();
    }
    if (next.mode == ProxyMode::kBandwidth) {
      for (auto& [id, conn] : connections) {
        conn->to_upstream.tokens_at_ns = 0;
        conn->to_client.tokens_at_ns = 0;
      }
    }
  }

  void AcceptAll() {
    for (;;) {
      const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (!WouldBlock(errno)) {
          std::fprintf(stderr, "healbench proxy %s: accept: %s\n", owner.listen_text_.c_str(),
                       ErrnoText(errno).c_str());
        }
        return;
      }
      ++owner.connections_accepted_;
      if (settings.mode == ProxyMode::kReset) {
        ++owner.connections_reset_;
        ResetClose(fd);
        continue;
      }
      if (connections.size() >= kMaxConnections) {
        ResetClose(fd);
        continue;
      }
      SetNoDelay(fd);
      auto conn = std::make_unique<Connection>();
      conn->id = next_id++;
      conn->client_fd = fd;
      if (!Watch(fd, conn->id * 2 + kClientSide, kSocketEvents)) {
        ResetClose(fd);
        continue;
      }
      Connection& ref = *conn;
      connections.emplace(ref.id, std::move(conn));
      PublishCount();
      Settle(ref, Pump(ref, MonotonicNs()));
    }
  }

  // Begins the non-blocking connect; false when it failed at once.
  bool StartUpstream(Connection& conn) {
    SocketAddress upstream_now;
    {
      std::lock_guard<std::mutex> lock(owner.mu_);  // SetUpstream may change it
      upstream_now = upstream_addr;
    }
    const int fd =
        socket(upstream_now.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    SetNoDelay(fd);
    conn.upstream_fd = fd;
    if (!Watch(fd, conn.id * 2 + kUpstreamSide, kSocketEvents)) return false;
    if (connect(fd, upstream_now.get(), upstream_now.length) == 0) {
      conn.upstream = UpstreamState::kConnected;
    } else if (errno == EINPROGRESS || errno == EINTR) {
      conn.upstream = UpstreamState::kConnecting;
    } else {
      return false;
    }
    return true;
  }

  // A connect in progress: done, failed, or not yet (an edge on the socket will tell).
  bool CheckConnect(Connection& conn) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(conn.upstream_fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      return false;
    }
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof(peer);
    if (getpeername(conn.upstream_fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0) {
      conn.upstream = UpstreamState::kConnected;
    }
    return true;
  }

  ReadStop Read(int src, Direction& dir, Nanos now, Nanos& deadline) {
    if (dir.src_eof) return ReadStop::kDrained;
    // A partition moves nothing: bytes stay where they are (in the sender's socket buffer,
    // as unacknowledged TCP data would) and flow on, intact and in order, when it heals.
    if (settings.mode == ProxyMode::kBlackhole) return ReadStop::kHeld;
    for (int i = 0; i < kReadBudget; ++i) {
      std::size_t want = scratch.size();
      if (dir.queued_bytes >= kBufferBytes) return ReadStop::kFull;
      want = std::min(want, kBufferBytes - dir.queued_bytes);
      const ssize_t n = recv(src, scratch.data(), want, 0);
      if (n == 0) {
        dir.src_eof = true;
        return ReadStop::kDrained;
      }
      if (n < 0) {
        if (errno == EINTR) continue;
        return WouldBlock(errno) ? ReadStop::kDrained : ReadStop::kError;
      }
      const auto got = static_cast<std::size_t>(n);
      Chunk chunk;
      chunk.release_ns = now;
      if (settings.mode == ProxyMode::kDelay) {
        Nanos jitter = 0;
        if (settings.jitter_ns > 0) {
          jitter = std::uniform_int_distribution<Nanos>(0, settings.jitter_ns)(rng);
        }
        // Never before the previous chunk: jitter must not reorder a byte stream.
        chunk.release_ns = std::max(now + settings.delay_ns + jitter, dir.last_release_ns);
        dir.last_release_ns = chunk.release_ns;
        deadline = deadline == 0 ? chunk.release_ns : std::min(deadline, chunk.release_ns);
      }
      chunk.bytes.assign(scratch.data(), scratch.data() + got);
      dir.queued_bytes += got;
      dir.queue.push_back(std::move(chunk));
    }
    return ReadStop::kBudget;
  }

  // Writes what may leave now; false on a socket error. Sets deadline for held data.
  bool Write(int dst, Direction& dir, Nanos now, Nanos& deadline) {
    while (!dir.queue.empty()) {
      Chunk& chunk = dir.queue.front();
      std::size_t allowed = chunk.remaining();
      if (settings.mode == ProxyMode::kDelay && chunk.release_ns > now) {
        deadline = deadline == 0 ? chunk.release_ns : std::min(deadline, chunk.release_ns);
        return true;
      }
      if (settings.mode == ProxyMode::kBandwidth) {
        const std::uint64_t rate = settings.bandwidth_bytes_s;
        const auto burst = static_cast<double>(BurstBytes(rate));
        if (dir.tokens_at_ns == 0) {
          dir.tokens = burst;
        } else {
          dir.tokens = std::min(burst, dir.tokens + static_cast<double>(now - dir.tokens_at_ns) *
                                                        static_cast<double>(rate) / 1e9);
        }
        dir.tokens_at_ns = now;
        const double need = std::min(burst, static_cast<double>(allowed));
        if (dir.tokens < need) {
          const double wait_ns = (need - dir.tokens) * 1e9 / static_cast<double>(rate);
          const Nanos at = now + static_cast<Nanos>(wait_ns) + 1;
          deadline = deadline == 0 ? at : std::min(deadline, at);
          return true;
        }
        allowed = std::min(allowed, static_cast<std::size_t>(dir.tokens));
      }
      const ssize_t n = send(dst, chunk.bytes.data() + chunk.offset, allowed, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        return WouldBlock(errno);  // full: EPOLLOUT's edge brings us back
      }
      const auto sent = static_cast<std::size_t>(n);
      owner.bytes_forwarded_ += sent;
      dir.queued_bytes -= sent;
      if (settings.mode == ProxyMode::kBandwidth) dir.tokens -= static_cast<double>(sent);
      chunk.offset += sent;
      if (chunk.remaining() == 0) dir.queue.pop_front();
      if (sent < allowed) return true;  // socket buffer full
    }
    if (dir.src_eof && !dir.dst_shut) {
      shutdown(dst, SHUT_WR);
      dir.dst_shut = true;
    }
    return true;
  }

  // Moves everything that can move now, until EAGAIN, a full queue, a deadline or the budget.
  Outcome Pump(Connection& conn, Nanos now) {
    conn.again = false;
    conn.deadline_ns = 0;
    if (settings.mode == ProxyMode::kReset) return Outcome::kFailed;  // not reached: Apply closed
    if (conn.upstream == UpstreamState::kNotStarted && settings.mode != ProxyMode::kBlackhole) {
      if (!StartUpstream(conn)) {
        ++owner.upstream_connect_failures_;
        return Outcome::kFailed;
      }
    }
    if (conn.upstream == UpstreamState::kConnecting && !CheckConnect(conn)) {
      ++owner.upstream_connect_failures_;
      return Outcome::kFailed;
    }
    // A reset from one side goes to the other, even when no byte is moving to notice it.
    if (conn.error_seen) return Outcome::kFailed;
    const bool connected = conn.upstream == UpstreamState::kConnected;
    const bool forwarding = connected && settings.mode != ProxyMode::kBlackhole;
    Nanos deadline = 0;
    struct Way {
      int src;
      int dst;
      bool src_ready;
      Direction& dir;
    };
    std::array<Way, 2> ways{Way{conn.client_fd, conn.upstream_fd, true, conn.to_upstream},
                            Way{conn.upstream_fd, conn.client_fd, connected, conn.to_client}};
    for (Way& way : ways) {
      if (forwarding && !Write(way.dst, way.dir, now, deadline)) return Outcome::kFailed;
      if (!way.src_ready) continue;
      const ReadStop stop = Read(way.src, way.dir, now, deadline);
      if (stop == ReadStop::kError) return Outcome::kFailed;
      if (forwarding && !Write(way.dst, way.dir, now, deadline)) return Outcome::kFailed;
      if (stop == ReadStop::kBudget ||
          (stop == ReadStop::kFull && way.dir.queued_bytes < kBufferBytes)) {
        conn.again = true;
      }
    }
    conn.deadline_ns = deadline;
    if (conn.to_upstream.dst_shut && conn.to_client.dst_shut) return Outcome::kClosed;
    return Outcome::kKeep;
  }

  void Settle(Connection& conn, Outcome outcome) {
    if (outcome == Outcome::kKeep) return;
    if (outcome == Outcome::kFailed) {
      // One side failed (or upstream was unreachable): the other side sees a reset too.
      ResetClose(conn.client_fd);
      ResetClose(conn.upstream_fd);
    } else {
      close(conn.client_fd);
      if (conn.upstream_fd >= 0) close(conn.upstream_fd);
    }
    connections.erase(conn.id);
    PublishCount();
  }

  void ShutdownAll() {
    for (auto& [id, conn] : connections) {
      ResetClose(conn->client_fd);
      ResetClose(conn->upstream_fd);
    }
    connections.clear();
    PublishCount();
    if (listen_fd >= 0) close(listen_fd);
    listen_fd = -1;
  }
};

TcpFaultProxy::TcpFaultProxy() = default;

TcpFaultProxy::~TcpFaultProxy() { Stop(); }

Result<std::unique_ptr<TcpFaultProxy>> TcpFaultProxy::Start(const std::string& listen,
                                                            const std::string& upstream,
                                                            std::uint64_t seed) {
  auto listen_addr = Resolve(listen, true, "proxy listen address");
  if (!listen_addr) return listen_addr.error();
  auto upstream_addr = Resolve(upstream, false, "proxy upstream address");
  if (!upstream_addr) return upstream_addr.error();

  std::unique_ptr<TcpFaultProxy> proxy(new TcpFaultProxy());
  proxy->impl_ = std::make_unique<Impl>(*proxy, seed);
  Impl& impl = *proxy->impl_;
  impl.upstream_addr = *upstream_addr;
  proxy->upstream_text_ = upstream;

  const auto fail = [&](const std::string& what) {
    const int err = errno;
    return MakeError(ErrorCode::kIo, "proxy " + what + " " + listen + ": " + ErrnoText(err));
  };
  impl.listen_fd =
      socket(listen_addr->storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (impl.listen_fd < 0) return fail("socket");
  const int one = 1;
  setsockopt(impl.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(impl.listen_fd, listen_addr->get(), listen_addr->length) != 0) return fail("bind");
  if (::listen(impl.listen_fd, SOMAXCONN) != 0) return fail("listen");
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof(bound);
  if (getsockname(impl.listen_fd, reinterpret_cast<sockaddr*>(&bound), &bound_len) != 0) {
    return fail("getsockname");
  }
  proxy->listen_text_ = FormatAddress(bound);

  impl.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (impl.epoll_fd < 0) return fail("epoll_create1");
  impl.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl.wake_fd < 0) return fail("eventfd");
  if (!impl.Watch(impl.listen_fd, kListenTag, EPOLLIN) ||
      !impl.Watch(impl.wake_fd, kWakeTag, EPOLLIN)) {
    return fail("epoll_ctl");
  }
  proxy->thread_ = std::thread([p = proxy.get()] { p->impl_->Loop(); });
  return proxy;
}

std::string TcpFaultProxy::ListenAddress() const { return listen_text_; }

std::string TcpFaultProxy::UpstreamAddress() const {
  std::lock_guard<std::mutex> lock(mu_);
  return upstream_text_;
}

Result<void> TcpFaultProxy::SetUpstream(const std::string& upstream) {
  auto addr = Resolve(upstream, false, "proxy upstream address");
  if (!addr) return addr.error();
  std::lock_guard<std::mutex> lock(mu_);
  impl_->upstream_addr = *addr;
  upstream_text_ = upstream;
  return Ok();
}

Result<void> TcpFaultProxy::SetMode(const ProxySettings& settings) {
  if (settings.delay_ns < 0 || settings.jitter_ns < 0) {
    return MakeError(ErrorCode::kBadInput, "proxy " + listen_text_ + ": negative delay or jitter");
  }
  if (settings.mode == ProxyMode::kBandwidth && settings.bandwidth_bytes_s == 0) {
    return MakeError(ErrorCode::kBadInput,
                     "proxy " + listen_text_ + ": bandwidth mode needs bandwidth_bytes_s > 0");
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (stop_requested_) {
    return MakeError(ErrorCode::kUnavailable, "proxy " + listen_text_ + " is stopped");
  }
  requested_ = settings;
  const std::uint64_t gen = ++requested_gen_;
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t w = write(impl_->wake_fd, &one, sizeof(one));
  const bool applied = applied_cv_.wait_for(
      lock, kApplyTimeout, [&] { return applied_gen_ >= gen || stopped_ || stop_requested_; });
  if (applied_gen_ >= gen) return Ok();
  if (!applied) {
    return MakeError(ErrorCode::kTimeout, std::string("proxy ") + listen_text_ + ": mode " +
                                              ProxyModeName(settings.mode) +
                                              " not applied within 5 s");
  }
  return MakeError(ErrorCode::kUnavailable, "proxy " + listen_text_ + " stopped during SetMode");
}

ProxySettings TcpFaultProxy::Mode() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applied_;
}

ProxyStats TcpFaultProxy::Stats() const {
  ProxyStats s;
  s.connections_accepted = connections_accepted_.load();
  s.connections_reset = connections_reset_.load();
  s.upstream_connect_failures = upstream_connect_failures_.load();
  s.bytes_forwarded = bytes_forwarded_.load();
  return s;
}

void TcpFaultProxy::Stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_ || !impl_) return;
    stop_requested_ = true;
  }
  applied_cv_.notify_all();
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t w = write(impl_->wake_fd, &one, sizeof(one));
    thread_.join();
  }
  impl_->CloseFds();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  applied_cv_.notify_all();
}

}  // namespace healbench
