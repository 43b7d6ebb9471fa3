// libFuzzer target for the reference-cluster frame decoder (and the CHECKSUM payload
// decoder): any bytes must give a frame or an error, never a crash or a read past the input.
// tests/fuzz/run.sh builds it with clang (-fsanitize=fuzzer,address,undefined) and runs it
// for a bounded time; ctest runs that as fuzz_frame_decoder.
#include <cstddef>
#include <cstdint>
#include <span>

#include "backends/refcluster/chunk_checksum.h"
#include "backends/refcluster/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  auto h = healbench::ref::DecodeHeader(bytes);
  auto f = healbench::ref::DecodeFrame(bytes);
  if (f.ok() && (!h.ok() || f->payload.size() != h->payload_length)) __builtin_trap();
  if (f.ok()) {
    // Re-encoding a decoded frame gives back the same bytes.
    auto again = healbench::ref::EncodeFrame(f->header, f->payload);
    for (std::size_t i = 0; i < again.size(); ++i) {
      if (again[i] != data[i]) __builtin_trap();
    }
    // A CHECKSUM reply's payload: whole u64 sums or an error, and the sums re-encode.
    auto sums = healbench::ref::DecodeChunkChecksums(f->payload);
    if (sums.ok() != (f->payload.size() % 8 == 0)) __builtin_trap();
    if (sums.ok() && sums->size() * 8 != f->payload.size()) __builtin_trap();
  }
  return 0;
}
