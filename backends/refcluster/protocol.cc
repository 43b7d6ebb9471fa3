// Encoding and checked decoding of reference-cluster frames. The decoder is the one place
// untrusted bytes are interpreted, so it checks every field before anything uses it.
#include "backends/refcluster/protocol.h"

#include <cstdio>

namespace healbench::ref {
namespace {

template <typename T>
void Put(std::vector<std::uint8_t>& out, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * i)));
  }
}

template <typename T>
T Get(std::span<const std::uint8_t> b, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<std::uint64_t>(b[at + i]) << (8 * i);
  return static_cast<T>(v);
}

}  // namespace

bool IsReply(const FrameHeader& h) { return (h.type & kReplyBit) != 0; }

FrameType TypeOf(const FrameHeader& h) {
  return static_cast<FrameType>(h.type & static_cast<std::uint8_t>(~kReplyBit));
}

std::string FrameTypeName(std::uint8_t type) {
  static const char* const kNames[] = {
      "?",      "HELLO",        "OPEN_IMAGE",    "READ",         "WRITE",    "FLUSH",
      "STATUS", "PENDING_MARK", "PENDING_CLEAR", "PENDING_LIST", "CHECKSUM", "SET_ROLE"};
  const std::uint8_t t = type & static_cast<std::uint8_t>(~kReplyBit);
  std::string name = t <= kLastFrameType ? kNames[t] : "type " + std::to_string(t);
  return (type & kReplyBit) != 0 ? name + " reply" : name;
}

void EncodeHeader(const FrameHeader& h, std::vector<std::uint8_t>& out) {
  Put(out, h.magic);
  Put(out, h.version);
  Put(out, h.type);
  Put(out, h.flags);
  Put(out, h.request_id);
  Put(out, h.image);
  Put(out, h.offset);
  Put(out, h.length);
  Put(out, h.payload_length);
}

std::vector<std::uint8_t> EncodeFrame(FrameHeader h, std::span<const std::uint8_t> payload) {
  h.payload_length = static_cast<std::uint32_t>(payload.size());
  std::vector<std::uint8_t> out;
  out.reserve(kHeaderBytes + payload.size());
  EncodeHeader(h, out);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Result<FrameHeader> DecodeHeader(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHeaderBytes) {
    return MakeError(ErrorCode::kBadInput,
                     "frame header truncated: " + std::to_string(bytes.size()) + " of " +
                         std::to_string(kHeaderBytes) + " bytes");
  }
  FrameHeader h;
  h.magic = Get<std::uint32_t>(bytes, 0);
  h.version = Get<std::uint8_t>(bytes, 4);
  h.type = Get<std::uint8_t>(bytes, 5);
  h.flags = Get<std::uint16_t>(bytes, 6);
  h.request_id = Get<std::uint64_t>(bytes, 8);
  h.image = Get<std::uint32_t>(bytes, 16);
  h.offset = Get<std::uint64_t>(bytes, 20);
  h.length = Get<std::uint32_t>(bytes, 28);
  h.payload_length = Get<std::uint32_t>(bytes, 32);
  if (h.magic != kFrameMagic) {
    return MakeError(
        ErrorCode::kBadInput, "bad frame magic 0x" + [&] {
          char buf[16];
          snprintf(buf, sizeof buf, "%08x", h.magic);
          return std::string(buf);
        }());
  }
  if (h.version != kProtocolVersion) {
    return MakeError(ErrorCode::kBadInput, "unsupported protocol version " +
                                               std::to_string(h.version) + " (expected " +
                                               std::to_string(kProtocolVersion) + ")");
  }
  const std::uint8_t t = h.type & static_cast<std::uint8_t>(~kReplyBit);
  if (t == 0 || t > kLastFrameType) {
    return MakeError(ErrorCode::kBadInput, "unknown frame type " + std::to_string(h.type));
  }
  if (h.payload_length > kMaxPayloadBytes) {
    return MakeError(ErrorCode::kBadInput, "frame payload of " + std::to_string(h.payload_length) +
                                               " bytes exceeds the limit of " +
                                               std::to_string(kMaxPayloadBytes));
  }
  return h;
}

Result<Frame> DecodeFrame(std::span<const std::uint8_t> bytes) {
  auto h = DecodeHeader(bytes);
  if (!h.ok()) return h.error();
  const std::size_t need = kHeaderBytes + h->payload_length;
  if (bytes.size() < need) {
    return MakeError(ErrorCode::kBadInput, FrameTypeName(h->type) +
                                               " frame truncated: " + std::to_string(bytes.size()) +
                                               " of " + std::to_string(need) + " bytes");
  }
  return Frame{*h, bytes.subspan(kHeaderBytes, h->payload_length)};
}

FrameHeader RequestHeader(FrameType type, std::uint32_t image, std::uint64_t offset,
                          std::uint32_t length, std::uint16_t flags) {
  FrameHeader h;
  h.type = static_cast<std::uint8_t>(type);
  h.flags = flags;
  h.image = image;
  h.offset = offset;
  h.length = length;
  return h;
}

}  // namespace healbench::ref
