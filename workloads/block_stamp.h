// The verification block format: with workload.verify on, every 4 KiB block a write carries
// starts with a header naming the run, image, offset and generation of that write, and ends
// with pseudo-random payload; one checksum covers both. Reading a block back tells which
// write it holds, or that it holds none (zeros), garbage, or a torn mix.
#pragma once

#include <cstdint>
#include <span>

namespace healbench {

constexpr std::uint32_t kVerifyBlockBytes = 4096;
constexpr std::uint64_t kVerifyMagic = 0x3146524556424248ull;  // "HBBVERF1" little-endian

struct BlockStamp {
  std::uint64_t run_id = 0;
  std::uint32_t image = 0;
  std::uint64_t offset = 0;  // bytes; a multiple of kVerifyBlockBytes
  std::uint32_t generation = 0;
};

enum class BlockContent : std::uint8_t {
  kZero,     // all zero: never written (sparse) or discarded
  kForeign,  // no header and not zero: not written by healbench's verify
  kTorn,     // a header, but the checksum does not match: header and payload disagree
  kStamped,  // a whole, self-consistent block; the stamp says which write
};

struct DecodedBlock {
  BlockContent content = BlockContent::kZero;
  BlockStamp stamp;  // valid for kStamped
};

// Fills `block` (kVerifyBlockBytes) with the header and payload of `stamp`.
void StampBlock(std::span<std::uint8_t> block, const BlockStamp& stamp);
// Stamps every block of a write buffer: block i gets offset + i * kVerifyBlockBytes.
// buffer.size() must be a multiple of kVerifyBlockBytes.
void StampBlocks(std::span<std::uint8_t> buffer, const BlockStamp& first);
DecodedBlock DecodeBlock(std::span<const std::uint8_t> block);

}  // namespace healbench
