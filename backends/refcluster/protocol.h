// The reference cluster's wire protocol: fixed 36-byte little-endian frame headers followed
// by a payload, over TCP. Requests and replies share the header; a reply sets the high bit of
// the type and carries its status (0 or an errno value) in `flags`.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "harness/core/result.h"

namespace healbench::ref {

constexpr std::uint32_t kFrameMagic = 0x48424E46;  // "FNBH" on the wire
constexpr std::uint8_t kProtocolVersion = 1;
constexpr std::size_t kHeaderBytes = 36;
constexpr std::uint32_t kMaxPayloadBytes = 16u << 20;  // 16 MiB
constexpr std::uint8_t kReplyBit = 0x80;

enum class FrameType : std::uint8_t {
  kHello = 1,         // payload: optional token
  kOpenImage = 2,     // image: the id this connection uses; offset: size; payload: name
  kRead = 3,          // reply payload: the data
  kWrite = 4,         // payload: the data; flag kFlagMarkPending marks the regions first
  kFlush = 5,         // fdatasync of the image and its pending marks
  kStatus = 6,        // reply payload: JSON with every image's state
  kPendingMark = 7,   // marks the regions covering [offset, offset + length) durably, or
                      // with a payload, the regions set in that bitmap (bit i = region i)
  kPendingClear = 8,  // clears them
  kPendingList = 9,   // reply: offset = region size, payload = the bitmap (bit i = region i)
  kChecksum = 10,     // [offset, offset + length): reply offset = chunk size, payload = one
                      // little-endian u64 checksum per chunk (see chunk_checksum.h)
  // Server replication: the client tells a node its role. flags = a NodeRole; for a primary,
  // payload = its secondary's HOST:PORT, offset = resync rate in bytes/s (0: unbounded),
  // length = peer timeout in ms. A refusal (ESTALE) carries the reason as payload.
  kSetRole = 11,
};
constexpr std::uint8_t kLastFrameType = 11;

// Request flags.
constexpr std::uint16_t kFlagMarkPending = 0x1;
// On WRITE: heal or resync traffic, not a guest write (test fault modes tell them apart).
constexpr std::uint16_t kFlagHeal = 0x2;
// On READ: a verifier's direct per-replica check; served like any read but not counted as
// guest reads by the test fault modes.
constexpr std::uint16_t kFlagInspect = 0x4;
// On WRITE and FLUSH: a guest request a primary forwards to its secondary.
constexpr std::uint16_t kFlagReplica = 0x8;

// SET_ROLE roles (in the request's flags). kNone: client replication, no roles.
enum class NodeRole : std::uint16_t { kNone = 0, kPrimary = 1, kSecondary = 2 };
// In server replication a WRITE or FLUSH reply's `length` says how many nodes hold the data:
// 1 when the primary went on without its secondary (which is then behind).

struct FrameHeader {
  std::uint32_t magic = kFrameMagic;
  std::uint8_t version = kProtocolVersion;
  std::uint8_t type = 0;  // a FrameType, with kReplyBit on replies
  std::uint16_t flags = 0;
  std::uint64_t request_id = 0;
  std::uint32_t image = 0;
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
  std::uint32_t payload_length = 0;
};

bool IsReply(const FrameHeader& h);
FrameType TypeOf(const FrameHeader& h);
std::string FrameTypeName(std::uint8_t type);

// A request header (no reply bit, no request id: the connection assigns it).
FrameHeader RequestHeader(FrameType type, std::uint32_t image = 0, std::uint64_t offset = 0,
                          std::uint32_t length = 0, std::uint16_t flags = 0);

// Appends the 36 header bytes to out.
void EncodeHeader(const FrameHeader& h, std::vector<std::uint8_t>& out);
// A whole frame: header (payload_length set from payload) and payload.
std::vector<std::uint8_t> EncodeFrame(FrameHeader h, std::span<const std::uint8_t> payload);

// Decodes and checks a header from the first bytes of `bytes`. Fails with kBadInput naming
// the problem on fewer than kHeaderBytes bytes, a wrong magic or version, an unknown type or
// a payload above kMaxPayloadBytes. Never reads past the span.
Result<FrameHeader> DecodeHeader(std::span<const std::uint8_t> bytes);

// A whole frame from bytes: header and its payload must both be there.
struct Frame {
  FrameHeader header;
  std::span<const std::uint8_t> payload;
};
Result<Frame> DecodeFrame(std::span<const std::uint8_t> bytes);

}  // namespace healbench::ref
