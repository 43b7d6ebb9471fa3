// The nbd backend: NBD exports through libnbd's asynchronous API, one connection per worker
// queue. A dropped connection is re-established as qemu does; the I/O it carried waits and is
// sent again, so an outage shows up as a stall, not as errors.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "backends/backend.h"
#include "harness/core/clock.h"

namespace healbench {

// Reconnect policy. Fixed for now (the scenario has no key for it yet):
// - after a connection dies, a new one is tried at once and then every
//   kNbdReconnectIntervalNs; one attempt (TCP connect and NBD handshake) is abandoned after
//   kNbdConnectTimeoutNs;
// - the requests that were in flight, and those submitted meanwhile, wait and are sent again
//   on the new connection (reads, writes, flushes and trims are idempotent);
// - once the connection has been down for kNbdReconnectTimeoutNs, waiting requests, and new
//   ones until a connection is back, complete with -ENOTCONN. Attempts go on.
constexpr Nanos kNbdReconnectIntervalNs = 100 * kNsPerMs;
constexpr Nanos kNbdConnectTimeoutNs = 5 * kNsPerSec;
constexpr Nanos kNbdReconnectTimeoutNs = 60 * kNsPerSec;

struct NbdBackendOptions {
  // nbd://HOST[:PORT][/EXPORT], nbd+unix:///EXPORT?socket=PATH, or their nbds (TLS) forms.
  std::string url;
};

// Checks the URL's form before anything connects, e.g.
//   backend.url "http://x" is not an NBD URL: expected nbd://HOST[:PORT][/EXPORT] or ...
Result<void> CheckNbdUrl(const std::string& url);

// backend.url from the [backend] options (kept as TOML text: the quotes are removed here).
Result<std::string> NbdUrlFromOptions(const std::map<std::string, std::string>& options);

// Connects once to learn the export's size and what the server supports (flush, trim,
// block size); fails with kUnavailable, naming the URL, when the server cannot be reached.
// With several images, image i is the region [i * size, (i + 1) * size) of the export.
Result<std::unique_ptr<Backend>> MakeNbdBackend(const NbdBackendOptions& options);

}  // namespace healbench
