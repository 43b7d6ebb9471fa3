// The built-in TCP fault proxy injector: healbench listens in front of a storage node
// (listen -> upstream) and forwards bytes, or resets, blackholes, delays or throttles them.
// One epoll thread serves every connection; mode changes apply at once to all of them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "harness/core/clock.h"
#include "harness/core/result.h"

namespace healbench {

enum class ProxyMode {
  kPass,       // forward bytes both ways
  kReset,      // RST every connection; accept-and-RST new ones while in this mode
  kBlackhole,  // keep connections open, move no byte either way until it heals
  kDelay,      // forward each chunk after delay_ns + uniform [0, jitter_ns], order kept
  kBandwidth,  // token bucket of bandwidth_bytes_s per direction per connection
};

// "pass", "reset", "blackhole", "delay", "bandwidth".
const char* ProxyModeName(ProxyMode mode);

struct ProxySettings {
  ProxyMode mode = ProxyMode::kPass;
  Nanos delay_ns = 0;                   // kDelay only
  Nanos jitter_ns = 0;                  // kDelay only
  std::uint64_t bandwidth_bytes_s = 0;  // kBandwidth only; must be > 0 there
};

// Cumulative counters since Start, for the fault's event and metrics.
struct ProxyStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_reset = 0;  // by reset mode (existing and refused new ones)
  std::uint64_t upstream_connect_failures = 0;
  std::uint64_t bytes_forwarded = 0;  // written to either side
};

// Semantics worth knowing:
// - Blackhole behaves like a network partition to TCP: connections stay open, nothing moves
//   either way (no reply, no error, the sender's window fills as with unacknowledged data),
//   and when it heals the held bytes flow on intact and in order, as TCP's retransmissions
//   would deliver them. Connections accepted during it reach upstream only once it ends.
// - Reset RSTs both sides of every connection (client and node see "connection reset"). New
//   clients then complete the kernel's handshake and are RST at once, so their first read
//   fails; the port stays ours, so pass can resume on it.
// - Delay and bandwidth apply to each direction on its own: a round trip under delay D takes
//   at least 2 D. Leaving delay releases held chunks at once.
// - An error (e.g. RST) on one side of a connection resets the other side too.
// - Per direction and connection at most kBufferBytes are held; beyond that the proxy stops
//   reading (backpressure).
class TcpFaultProxy {
 public:
  static constexpr std::size_t kBufferBytes = std::size_t{1} << 20;
  static constexpr std::size_t kMaxConnections = 4096;

  // listen: "HOST:PORT" ("127.0.0.1:0" picks a free port; IPv6 as "[::1]:PORT");
  // upstream: "HOST:PORT", resolved once here. Starts the proxy thread in pass mode.
  // seed drives the delay jitter, so a run can be replayed.
  static Result<std::unique_ptr<TcpFaultProxy>> Start(const std::string& listen,
                                                      const std::string& upstream,
                                                      std::uint64_t seed = 1);

  TcpFaultProxy(const TcpFaultProxy&) = delete;
  TcpFaultProxy& operator=(const TcpFaultProxy&) = delete;
  ~TcpFaultProxy();

  // The bound address, e.g. "127.0.0.1:40123"; stays valid after Stop.
  std::string ListenAddress() const;
  std::string UpstreamAddress() const;
  // Points new connections at another upstream (a restarted node on a new port); open ones
  // keep theirs. kBadInput when the address does not resolve.
  Result<void> SetUpstream(const std::string& upstream);

  // Applies to every connection at once; returns after the proxy thread has applied it
  // (bounded wait), so the caller can timestamp the fault. kBadInput for invalid settings,
  // kUnavailable after Stop.
  Result<void> SetMode(const ProxySettings& settings);
  ProxySettings Mode() const;

  std::size_t ActiveConnections() const { return active_connections_.load(); }
  ProxyStats Stats() const;

  // Resets every connection, closes the listener (the port is free afterwards) and joins the
  // thread. Idempotent; the destructor calls it.
  void Stop();

 private:
  struct Impl;  // the event loop, in the .cc
  TcpFaultProxy();

  std::unique_ptr<Impl> impl_;  // the event loop's state, owned by thread_ while it runs
  std::string listen_text_;
  std::string upstream_text_;  // guarded by mu_
  std::thread thread_;

  std::mutex stop_mu_;  // serialises Stop calls
  mutable std::mutex mu_;
  std::condition_variable applied_cv_;
  ProxySettings requested_;          // guarded by mu_
  ProxySettings applied_;            // guarded by mu_
  std::uint64_t requested_gen_ = 0;  // guarded by mu_
  std::uint64_t applied_gen_ = 0;    // guarded by mu_
  bool stop_requested_ = false;      // guarded by mu_
  bool stopped_ = false;             // guarded by mu_; Stop has joined the thread

  std::atomic<std::size_t> active_connections_{0};
  std::atomic<std::uint64_t> connections_accepted_{0};
  std::atomic<std::uint64_t> connections_reset_{0};
  std::atomic<std::uint64_t> upstream_connect_failures_{0};
  std::atomic<std::uint64_t> bytes_forwarded_{0};
};

}  // namespace healbench
