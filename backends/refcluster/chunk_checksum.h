// Chunk checksums for the "diff" heal and the CHECKSUM frame: a 64-bit FNV-1a over 8-byte
// little-endian words. Each step (h ^ word) * odd prime is a bijection of h, so two inputs
// that differ in a single word (a flipped byte, one torn sector) always get different sums.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "harness/core/result.h"

namespace healbench::ref {

constexpr std::uint32_t kChecksumChunkBytes = 64u << 10;

std::uint64_t ChunkChecksum(std::span<const std::uint8_t> data);

// The CHECKSUM reply payload for `data`: one little-endian u64 per chunk_bytes chunk (the last
// one may be short).
std::vector<std::uint8_t> EncodeChunkChecksums(std::span<const std::uint8_t> data,
                                               std::uint32_t chunk_bytes);
// Back from a reply payload; kBadInput when its length is not a multiple of 8.
Result<std::vector<std::uint64_t>> DecodeChunkChecksums(std::span<const std::uint8_t> payload);

}  // namespace healbench::ref
