// FNV-1a over words, with the byte count mixed in last so a zero tail is not the same as no
// tail; and the u64 arrays the CHECKSUM frame carries.
#include "backends/refcluster/chunk_checksum.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace healbench::ref {
namespace {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ull;

std::uint64_t LoadWord(std::span<const std::uint8_t> b) {  // up to 8 bytes, zero-padded
  std::uint64_t w = 0;
  for (std::size_t i = 0; i < b.size() && i < 8; ++i)
    w |= static_cast<std::uint64_t>(b[i]) << (8 * i);
  return w;
}

}  // namespace

std::uint64_t ChunkChecksum(std::span<const std::uint8_t> data) {
  std::uint64_t h = kFnvOffset;
  const std::size_t whole = data.size() / 8 * 8;
  const std::uint8_t* const end = data.data() + whole;
  for (const std::uint8_t* p = data.data(); p < end; p += 8) {
    std::uint64_t w;
    memcpy(&w, p, 8);
    if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
    h = (h ^ w) * kFnvPrime;
  }
  if (whole < data.size()) h = (h ^ LoadWord(data.subspan(whole))) * kFnvPrime;
  return (h ^ static_cast<std::uint64_t>(data.size())) * kFnvPrime;
}

std::vector<std::uint8_t> EncodeChunkChecksums(std::span<const std::uint8_t> data,
                                               std::uint32_t chunk_bytes) {
  std::vector<std::uint8_t> out;
  if (chunk_bytes == 0) return out;
  out.reserve((data.size() + chunk_bytes - 1) / chunk_bytes * 8);
  for (std::size_t at = 0; at < data.size(); at += chunk_bytes) {
    const std::uint64_t sum =
        ChunkChecksum(data.subspan(at, std::min<std::size_t>(chunk_bytes, data.size() - at)));
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(sum >> (8 * i)));
  }
  return out;
}

Result<std::vector<std::uint64_t>> DecodeChunkChecksums(std::span<const std::uint8_t> payload) {
  if (payload.size() % 8 != 0) {
    return MakeError(ErrorCode::kBadInput, "CHECKSUM reply of " + std::to_string(payload.size()) +
                                               " bytes is not a whole number of u64 sums");
  }
  std::vector<std::uint64_t> sums(payload.size() / 8);
  for (std::size_t i = 0; i < sums.size(); ++i) sums[i] = LoadWord(payload.subspan(i * 8, 8));
  return sums;
}

}  // namespace healbench::ref
