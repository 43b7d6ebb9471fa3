// The TCP fault proxy in front of a real echo server on 127.0.0.1: each mode's effect as a
// client sees it (bytes, silence, resets, lower bounds on time), and a shutdown that frees the
// port. Timing checks are lower bounds only, so a loaded machine cannot make them flake.
#include "harness/faults/tcp_fault_proxy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace healbench {
namespace {

constexpr int kPromptMs = 3000;  // "at once" for a loaded CI machine; only failures wait this long

std::uint16_t PortOf(const std::string& address) {
  return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

sockaddr_in Loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// A blocking echo server, one thread per connection; the destructor stops and joins all.
class EchoServer {
 public:
  EchoServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = Loopback(0);
    socklen_t len = sizeof(addr);
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        listen(listen_fd_, 128) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "echo server: " << std::strerror(errno);
    }
    address_ = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }

  ~EchoServer() {
    stopping_ = true;
    shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    accept_thread_.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : fds_) shutdown(fd, SHUT_RDWR);  // wakes the echo threads' reads
    }
    for (std::thread& t : threads_) t.join();
    for (int fd : fds_) close(fd);
    close(listen_fd_);
  }

  const std::string& Address() const { return address_; }

 private:
  void AcceptLoop() {
    for (;;) {
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;
      }
      std::lock_guard<std::mutex> lock(mu_);
      fds_.push_back(fd);
      if (stopping_) {
        shutdown(fd, SHUT_RDWR);
        return;
      }
      threads_.emplace_back([fd] { Echo(fd); });
    }
  }

  static void Echo(int fd) {
    std::vector<char> buf(64 * 1024);
    for (;;) {
      const ssize_t n = read(fd, buf.data(), buf.size());
      if (n <= 0) break;
      std::size_t off = 0;
      while (off < static_cast<std::size_t>(n)) {
        const ssize_t w =
            send(fd, buf.data() + off, static_cast<std::size_t>(n) - off, MSG_NOSIGNAL);
        if (w <= 0) return;
        off += static_cast<std::size_t>(w);
      }
    }
    shutdown(fd, SHUT_WR);
  }

  int listen_fd_ = -1;
  std::string address_;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
};

// A blocking client socket, closed by its destructor.
class Client {
 public:
  explicit Client(const std::string& address) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in addr = Loopback(PortOf(address));
    connect_errno_ =
        connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0 ? 0 : errno;
  }
  ~Client() { close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  int fd() const { return fd_; }
  int connect_errno() const { return connect_errno_; }

  bool WriteAll(const std::string& data) const {
    std::size_t off = 0;
    while (off < data.size()) {
      const ssize_t w = send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (w <= 0) return false;
      off += static_cast<std::size_t>(w);
    }
    return true;
  }

  // Waits up to timeout_ms for the socket to be readable (data, EOF or error).
  bool Readable(int timeout_ms) const {
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, timeout_ms) == 1;
  }

  // Reads exactly n bytes, waiting at most timeout_ms between arrivals; shorter on EOF/error.
  std::string ReadExactly(std::size_t n, int timeout_ms = kPromptMs) const {
    std::string out;
    std::vector<char> buf(64 * 1024);
    while (out.size() < n) {
      if (!Readable(timeout_ms)) break;
      const ssize_t r = recv(fd_, buf.data(), std::min(buf.size(), n - out.size()), 0);
      if (r <= 0) break;
      out.append(buf.data(), static_cast<std::size_t>(r));
    }
    return out;
  }

  // Errno of a read that is expected to fail: ECONNRESET, or 0 for EOF; -1 if data came.
  int ReadFailure(int timeout_ms = kPromptMs) const {
    if (!Readable(timeout_ms)) return ETIMEDOUT;
    char c = 0;
    const ssize_t r = recv(fd_, &c, 1, 0);
    if (r == 0) return 0;
    return r < 0 ? errno : -1;
  }

  int PendingError() const {
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    return err;
  }

 private:
  int fd_ = -1;
  int connect_errno_ = 0;
};

std::string Pattern(std::size_t n, std::uint32_t seed) {
  std::string s(n, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (char& c : s) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

// Sends data from a second thread while this one reads the echo, so neither side blocks.
std::string EchoRoundTrip(const Client& client, const std::string& data) {
  bool written = false;
  std::thread writer([&] { written = client.WriteAll(data); });
  std::string got = client.ReadExactly(data.size());
  writer.join();
  EXPECT_TRUE(written);
  return got;
}

std::unique_ptr<TcpFaultProxy> StartProxy(const EchoServer& echo) {
  auto proxy = TcpFaultProxy::Start("127.0.0.1:0", echo.Address());
  if (!proxy.ok()) {
    ADD_FAILURE() << proxy.error().message;
    return nullptr;
  }
  return std::move(proxy).value();
}

void SetMode(TcpFaultProxy& proxy, ProxySettings settings) {
  const Result<void> r = proxy.SetMode(settings);
  ASSERT_TRUE(r.ok()) << r.error().message;
}

double SecondsSince(Nanos start) { return NsToSeconds(MonotonicNs() - start); }

TEST(TcpFaultProxy, PassEchoesOneMiBIntact) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  EXPECT_EQ(proxy->Mode().mode, ProxyMode::kPass);
  Client client(proxy->ListenAddress());
  ASSERT_EQ(client.connect_errno(), 0);
  const std::string data = Pattern(1 << 20, 1);
  EXPECT_TRUE(EchoRoundTrip(client, data) == data);
  EXPECT_EQ(proxy->ActiveConnections(), 1u);
  EXPECT_GE(proxy->Stats().bytes_forwarded, 2u << 20);
}

TEST(TcpFaultProxy, PassServesFiftyConcurrentConnections) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  constexpr int kClients = 50;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Client>(proxy->ListenAddress()));
    ASSERT_EQ(clients.back()->connect_errno(), 0);
  }
  std::atomic<int> intact{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      const std::string data = Pattern(256 * 1024, static_cast<std::uint32_t>(i + 100));
      if (EchoRoundTrip(*clients[static_cast<std::size_t>(i)], data) == data) ++intact;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(intact.load(), kClients);
  EXPECT_EQ(proxy->ActiveConnections(), static_cast<std::size_t>(kClients));
}

TEST(TcpFaultProxy, HalfCloseIsPassedOnAndTheConnectionEnds) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  Client client(proxy->ListenAddress());
  ASSERT_TRUE(client.WriteAll("bye"));
  shutdown(client.fd(), SHUT_WR);
  EXPECT_EQ(client.ReadExactly(3), "bye");
  EXPECT_EQ(client.ReadFailure(), 0);  // EOF: the echo server's FIN came through
  const Nanos start = MonotonicNs();
  while (proxy->ActiveConnections() != 0 && SecondsSince(start) < 3) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(proxy->ActiveConnections(), 0u);
}

TEST(TcpFaultProxy, ClientResetEndsTheConnectionWhileIdle) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  {
    Client client(proxy->ListenAddress());
    ASSERT_EQ(EchoRoundTrip(client, "x"), "x");
    const linger lin{1, 0};
    setsockopt(client.fd(), SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
  }  // closed with RST; no byte is moving, yet the proxy must drop both sides
  const Nanos start = MonotonicNs();
  while (proxy->ActiveConnections() != 0 && SecondsSince(start) < 3) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(proxy->ActiveConnections(), 0u);
}

TEST(TcpFaultProxy, ListensOnIpv6Loopback) {
  EchoServer echo;
  auto proxy = TcpFaultProxy::Start("[::1]:0", echo.Address());
  if (!proxy.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << proxy.error().message;
  const std::string address = (*proxy)->ListenAddress();
  ASSERT_EQ(address.rfind("[::1]:", 0), 0u) << address;
  const int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const timeval limit{kPromptMs / 1000, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_port = htons(PortOf(address));
  addr.sin6_addr = in6addr_loopback;
  ASSERT_EQ(connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(send(fd, "v6", 2, MSG_NOSIGNAL), 2);
  char buf[2] = {};
  std::size_t got = 0;
  while (got < 2) {
    const ssize_t r = recv(fd, buf + got, 2 - got, 0);
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  close(fd);
  EXPECT_EQ(std::string(buf, got), "v6");
}

TEST(TcpFaultProxy, BlackholeHoldsDataAndPassDeliversItOnTheSameConnection) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  Client client(proxy->ListenAddress());
  ASSERT_EQ(EchoRoundTrip(client, "before"), "before");

  SetMode(*proxy, {.mode = ProxyMode::kBlackhole});
  ASSERT_TRUE(client.WriteAll("held"));
  EXPECT_FALSE(client.Readable(300)) << "a reply came through the blackhole";
  EXPECT_EQ(client.PendingError(), 0);
  Client late(proxy->ListenAddress());  // accepted during the partition, reaches upstream after
  ASSERT_EQ(late.connect_errno(), 0);
  ASSERT_TRUE(late.WriteAll("late"));
  EXPECT_FALSE(late.Readable(100));
  EXPECT_EQ(proxy->ActiveConnections(), 2u);

  // Healed: what was sent during the partition arrives, intact and in order, then new data.
  SetMode(*proxy, {.mode = ProxyMode::kPass});
  ASSERT_TRUE(client.WriteAll("after"));
  EXPECT_EQ(client.ReadExactly(9), "heldafter");
  ASSERT_TRUE(late.WriteAll("-after"));
  EXPECT_EQ(late.ReadExactly(10), "late-after");
}

TEST(TcpFaultProxy, ResetSendsRstToOpenConnectionsAndRefusesNewOnesUntilPass) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  Client client(proxy->ListenAddress());
  ASSERT_EQ(EchoRoundTrip(client, "x"), "x");

  SetMode(*proxy, {.mode = ProxyMode::kReset});
  const int err = client.ReadFailure();
  EXPECT_TRUE(err == ECONNRESET || err == 0) << std::strerror(err);
  EXPECT_EQ(proxy->ActiveConnections(), 0u);

  Client refused(proxy->ListenAddress());
  if (refused.connect_errno() == 0) {  // the kernel completes the handshake; the proxy RSTs
    const int err2 = refused.ReadFailure();
    EXPECT_TRUE(err2 == ECONNRESET || err2 == 0) << std::strerror(err2);
  } else {
    EXPECT_TRUE(refused.connect_errno() == ECONNREFUSED || refused.connect_errno() == ECONNRESET);
  }
  EXPECT_GE(proxy->Stats().connections_reset, 2u);

  SetMode(*proxy, {.mode = ProxyMode::kPass});
  Client again(proxy->ListenAddress());
  EXPECT_EQ(EchoRoundTrip(again, "back"), "back");
}

TEST(TcpFaultProxy, DelayHoldsEachDirection) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  Client client(proxy->ListenAddress());
  ASSERT_EQ(EchoRoundTrip(client, "warm"), "warm");
  SetMode(*proxy, {.mode = ProxyMode::kDelay, .delay_ns = 100 * kNsPerMs});
  const Nanos start = MonotonicNs();
  EXPECT_EQ(EchoRoundTrip(client, "ping"), "ping");
  EXPECT_GE(MonotonicNs() - start, 2 * 100 * kNsPerMs);  // delayed going out and coming back
}

TEST(TcpFaultProxy, JitterNeverReordersTheStream) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  SetMode(*proxy,
          {.mode = ProxyMode::kDelay, .delay_ns = 1 * kNsPerMs, .jitter_ns = 20 * kNsPerMs});
  Client client(proxy->ListenAddress());
  std::string sent;
  for (int i = 0; i < 200; ++i) {
    const std::string piece = std::to_string(i) + ",";
    ASSERT_TRUE(client.WriteAll(piece));
    sent += piece;
    if (i % 20 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(client.ReadExactly(sent.size()), sent);
}

TEST(TcpFaultProxy, BandwidthLimitsEachDirection) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  Client client(proxy->ListenAddress());
  SetMode(*proxy, {.mode = ProxyMode::kBandwidth, .bandwidth_bytes_s = 1 << 20});
  const std::string data = Pattern(512 * 1024, 3);
  const Nanos start = MonotonicNs();
  EXPECT_TRUE(EchoRoundTrip(client, data) == data);
  EXPECT_GE(SecondsSince(start), 0.4);
}

TEST(TcpFaultProxy, UnreachableUpstreamClosesTheClient) {
  // A port that was just free: nothing listens there.
  const int probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(probe, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(probe);
  auto proxy =
      TcpFaultProxy::Start("127.0.0.1:0", "127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  ASSERT_TRUE(proxy.ok()) << proxy.error().message;
  Client client((*proxy)->ListenAddress());
  ASSERT_EQ(client.connect_errno(), 0);
  const int err = client.ReadFailure();
  EXPECT_TRUE(err == ECONNRESET || err == 0) << std::strerror(err);
  EXPECT_EQ((*proxy)->Stats().upstream_connect_failures, 1u);
}

TEST(TcpFaultProxy, StopFreesThePortAndIsIdempotent) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  const std::string address = proxy->ListenAddress();
  Client client(address);
  ASSERT_EQ(EchoRoundTrip(client, "x"), "x");
  proxy->Stop();
  const int err = client.ReadFailure();
  EXPECT_TRUE(err == ECONNRESET || err == 0) << std::strerror(err);
  proxy->Stop();
  EXPECT_EQ(proxy->ActiveConnections(), 0u);
  EXPECT_EQ(proxy->ListenAddress(), address);
  const Result<void> after = proxy->SetMode({.mode = ProxyMode::kBlackhole});
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, ErrorCode::kUnavailable);

  // No SO_REUSEADDR: the port must be wholly free, not merely reusable.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in addr = Loopback(PortOf(address));
  EXPECT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0)
      << std::strerror(errno);
  close(fd);
}

std::size_t CountEntries(const char* dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(TcpFaultProxy, StopLeavesNoDescriptorOrThreadBehind) {
  EchoServer echo;
  const std::size_t fds_before = CountEntries("/proc/self/fd");
  const std::size_t threads_before = CountEntries("/proc/self/task");
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  EXPECT_EQ(CountEntries("/proc/self/task"), threads_before + 1);
  proxy->Stop();
  EXPECT_EQ(CountEntries("/proc/self/fd"), fds_before);
  EXPECT_EQ(CountEntries("/proc/self/task"), threads_before);
}

TEST(TcpFaultProxy, RejectsBadAddressesAndSettings) {
  auto no_port = TcpFaultProxy::Start("127.0.0.1", "127.0.0.1:1");
  ASSERT_FALSE(no_port.ok());
  EXPECT_EQ(no_port.error().code, ErrorCode::kBadInput);
  EXPECT_NE(no_port.error().message.find("127.0.0.1"), std::string::npos);

  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  const Result<void> zero_rate = proxy->SetMode({.mode = ProxyMode::kBandwidth});
  ASSERT_FALSE(zero_rate.ok());
  EXPECT_EQ(zero_rate.error().code, ErrorCode::kBadInput);
  const Result<void> negative = proxy->SetMode({.mode = ProxyMode::kDelay, .delay_ns = -1});
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(proxy->Mode().mode, ProxyMode::kPass);
}

}  // namespace
}  // namespace healbench
