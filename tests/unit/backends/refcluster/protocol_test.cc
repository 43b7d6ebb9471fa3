// The reference-cluster frame codec: round trips, and every way DecodeHeader and
// DecodeFrame reject bytes (truncated, bad magic, bad version, unknown type, oversized).
#include "backends/refcluster/protocol.h"

#include <gtest/gtest.h>

namespace healbench::ref {
namespace {

FrameHeader Sample() {
  FrameHeader h;
  h.type = static_cast<std::uint8_t>(FrameType::kWrite);
  h.flags = kFlagMarkPending;
  h.request_id = 0x0102030405060708ull;
  h.image = 7;
  h.offset = 0x123456789abcull;
  h.length = 4096;
  return h;
}

TEST(FrameCodec, RoundTripKeepsEveryField) {
  const std::vector<std::uint8_t> payload = {1, 2, 3, 4, 5};
  const std::vector<std::uint8_t> bytes = EncodeFrame(Sample(), payload);
  ASSERT_EQ(bytes.size(), kHeaderBytes + payload.size());
  auto f = DecodeFrame(bytes);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->header.magic, kFrameMagic);
  EXPECT_EQ(f->header.version, kProtocolVersion);
  EXPECT_EQ(TypeOf(f->header), FrameType::kWrite);
  EXPECT_FALSE(IsReply(f->header));
  EXPECT_EQ(f->header.flags, kFlagMarkPending);
  EXPECT_EQ(f->header.request_id, 0x0102030405060708ull);
  EXPECT_EQ(f->header.image, 7u);
  EXPECT_EQ(f->header.offset, 0x123456789abcull);
  EXPECT_EQ(f->header.length, 4096u);
  EXPECT_EQ(f->header.payload_length, 5u);
  EXPECT_EQ(std::vector<std::uint8_t>(f->payload.begin(), f->payload.end()), payload);
}

TEST(FrameCodec, HeaderIsLittleEndian) {
  const std::vector<std::uint8_t> bytes = EncodeFrame(Sample(), {});
  EXPECT_EQ(bytes[0], 0x46);  // low byte of the magic first
  EXPECT_EQ(bytes[8], 0x08);  // low byte of the request id
}

TEST(FrameCodec, ReplyBitRoundTrips) {
  FrameHeader h = Sample();
  h.type = static_cast<std::uint8_t>(h.type | kReplyBit);
  auto d = DecodeHeader(EncodeFrame(h, {}));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(IsReply(*d));
  EXPECT_EQ(TypeOf(*d), FrameType::kWrite);
  EXPECT_EQ(FrameTypeName(d->type), "WRITE reply");
}

TEST(FrameCodec, RejectsTruncatedHeader) {
  const std::vector<std::uint8_t> bytes = EncodeFrame(Sample(), {});
  auto d = DecodeHeader(std::span(bytes).first(kHeaderBytes - 1));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(d.error().message, "frame header truncated: 35 of 36 bytes");
  EXPECT_FALSE(DecodeHeader({}).ok());
}

TEST(FrameCodec, RejectsBadMagic) {
  std::vector<std::uint8_t> bytes = EncodeFrame(Sample(), {});
  bytes[0] ^= 0xff;
  auto d = DecodeHeader(bytes);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "bad frame magic 0x48424eb9");
}

TEST(FrameCodec, RejectsBadVersion) {
  std::vector<std::uint8_t> bytes = EncodeFrame(Sample(), {});
  bytes[4] = 2;
  auto d = DecodeHeader(bytes);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "unsupported protocol version 2 (expected 1)");
}

TEST(FrameCodec, RejectsUnknownTypes) {
  for (int type : {0, kLastFrameType + 1, 0x80, 0x80 | (kLastFrameType + 1), 0xff}) {
    const auto t = static_cast<std::uint8_t>(type);
    std::vector<std::uint8_t> bytes = EncodeFrame(Sample(), {});
    bytes[5] = t;
    auto d = DecodeHeader(bytes);
    ASSERT_FALSE(d.ok()) << int{t};
    EXPECT_EQ(d.error().message, "unknown frame type " + std::to_string(t));
  }
}

TEST(FrameCodec, RejectsOversizedPayload) {
  FrameHeader h = Sample();
  std::vector<std::uint8_t> bytes;
  h.payload_length = kMaxPayloadBytes;
  EncodeHeader(h, bytes);
  EXPECT_TRUE(DecodeHeader(bytes).ok());  // exactly the limit is fine
  bytes.clear();
  h.payload_length = kMaxPayloadBytes + 1;
  EncodeHeader(h, bytes);
  auto d = DecodeHeader(bytes);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "frame payload of 16777217 bytes exceeds the limit of 16777216");
}

TEST(FrameCodec, RejectsTruncatedPayload) {
  const std::vector<std::uint8_t> bytes = EncodeFrame(Sample(), std::vector<std::uint8_t>(10, 1));
  auto f = DecodeFrame(std::span(bytes).first(bytes.size() - 1));
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().message, "WRITE frame truncated: 45 of 46 bytes");
}

}  // namespace
}  // namespace healbench::ref
