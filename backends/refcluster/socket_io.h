// Blocking TCP helpers for the reference cluster: parse HOST:PORT, listen, connect with a
// deadline, and move whole frames. Each call reports errno in its message.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "backends/refcluster/protocol.h"
#include "harness/core/clock.h"
#include "harness/core/result.h"

namespace healbench::ref {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
// "127.0.0.1:7000", "localhost:0" (IPv4 only for now).
Result<HostPort> ParseHostPort(const std::string& text);

// A listening socket (SO_REUSEADDR, CLOEXEC); its bound port through BoundPort.
Result<int> ListenTcp(const HostPort& where);
Result<std::uint16_t> BoundPort(int fd);
// Connects within timeout_ns; TCP_NODELAY set.
Result<int> ConnectTcp(const HostPort& where, Nanos timeout_ns);

// Whole writes and reads; false on EOF or error (errno kept).
bool WriteAll(int fd, std::span<const std::uint8_t> bytes);
bool ReadAll(int fd, std::span<std::uint8_t> bytes);

// Reads one frame: header checked by DecodeHeader, payload into `payload`. kUnavailable on
// EOF or a socket error, kBadInput on a malformed frame.
Result<FrameHeader> ReadFrame(int fd, std::vector<std::uint8_t>& payload);

}  // namespace healbench::ref
