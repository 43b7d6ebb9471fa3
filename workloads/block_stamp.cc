// Verification block stamping and decoding. See block_stamp.h.
//
// Layout (little-endian): 0 magic u64 | 8 run id u64 | 16 image u32 | 20 generation u32 |
// 24 offset u64 | 32 checksum u64 | 40 payload to the end. The checksum is a 64-bit
// multiply-xor hash over every 8-byte word of the block except its own, so any flipped byte
// anywhere in the block shows as torn.
#include "workloads/block_stamp.h"

#include <cstring>

namespace healbench {
namespace {

constexpr std::size_t kChecksumAt = 32;
constexpr std::size_t kPayloadAt = 40;

std::uint64_t Load64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
std::uint32_t Load32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
void Store64(std::uint8_t* p, std::uint64_t v) { std::memcpy(p, &v, 8); }
void Store32(std::uint8_t* p, std::uint32_t v) { std::memcpy(p, &v, 4); }

std::uint64_t SplitMix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::uint64_t Checksum(const std::uint8_t* block) {
  std::uint64_t h = 0x243f6a8885a308d3ull;
  for (std::size_t at = 0; at < kVerifyBlockBytes; at += 8) {
    if (at == kChecksumAt) continue;
    h = (h ^ Load64(block + at)) * 0x100000001b3ull;
    h ^= h >> 32;
  }
  return h;
}

}  // namespace

void StampBlock(std::span<std::uint8_t> block, const BlockStamp& s) {
  std::uint8_t* b = block.data();
  Store64(b + 0, kVerifyMagic);
  Store64(b + 8, s.run_id);
  Store32(b + 16, s.image);
  Store32(b + 20, s.generation);
  Store64(b + 24, s.offset);
  std::uint64_t state = s.run_id ^ (s.offset * 0x9e3779b97f4a7c15ull) ^
                        (static_cast<std::uint64_t>(s.generation) << 32) ^ s.image;
  for (std::size_t at = kPayloadAt; at < kVerifyBlockBytes; at += 8)
    Store64(b + at, SplitMix(state));
  Store64(b + kChecksumAt, Checksum(b));
}

void StampBlocks(std::span<std::uint8_t> buffer, const BlockStamp& first) {
  BlockStamp s = first;
  for (std::size_t at = 0; at + kVerifyBlockBytes <= buffer.size(); at += kVerifyBlockBytes) {
    StampBlock(buffer.subspan(at, kVerifyBlockBytes), s);
    s.offset += kVerifyBlockBytes;
  }
}

DecodedBlock DecodeBlock(std::span<const std::uint8_t> block) {
  const std::uint8_t* b = block.data();
  DecodedBlock d;
  if (Load64(b) != kVerifyMagic) {
    for (std::size_t at = 0; at < kVerifyBlockBytes; at += 8) {
      if (Load64(b + at) != 0) {
        d.content = BlockContent::kForeign;
        return d;
      }
    }
    d.content = BlockContent::kZero;
    return d;
  }
  if (Load64(b + kChecksumAt) != Checksum(b)) {
    d.content = BlockContent::kTorn;
    return d;
  }
  d.content = BlockContent::kStamped;
  d.stamp.run_id = Load64(b + 8);
  d.stamp.image = Load32(b + 16);
  d.stamp.generation = Load32(b + 20);
  d.stamp.offset = Load64(b + 24);
  return d;
}

}  // namespace healbench
