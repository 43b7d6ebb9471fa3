// libFuzzer target for the reference-cluster frame decoder: any bytes must give a frame or
// an error, never a crash or a read past the input. Not built by default; build with
//   clang++ -std=c++20 -fsanitize=fuzzer,address -I. tests/fuzz/frame_decoder_fuzz.cc \
//     backends/refcluster/protocol.cc -o frame_decoder_fuzz
#include <cstddef>
#include <cstdint>
#include <span>

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
  }
  return 0;
}
