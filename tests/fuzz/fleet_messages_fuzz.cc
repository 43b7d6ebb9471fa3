// libFuzzer target for the fleet's message decoders (what one rank reads from another): any
// bytes must decode or be refused, never crash, read past the input or allocate without
// bound; a decoded message re-encodes to bytes that decode to the same encoding again.
// tests/fuzz/run.sh builds it with clang and runs it for a bounded time (fuzz_fleet_messages).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "harness/fleet/fleet_messages.h"

namespace {

template <typename T, typename Decode, typename Encode>
void Check(const std::vector<std::uint8_t>& in, Decode decode, Encode encode) {
  T m;
  if (!decode(in, &m)) return;
  const std::vector<std::uint8_t> once = encode(m);
  T again;
  if (!decode(once, &again)) __builtin_trap();
  if (encode(again) != once) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace healbench;
  const std::vector<std::uint8_t> in(data, data + size);
  (void)MessageType(in);
  Check<FleetSetup>(in, DecodeSetup, EncodeSetup);
  Check<FleetHello>(in, DecodeHello, EncodeHello);
  Check<FleetIntervals>(in, DecodeIntervals, EncodeIntervals);
  Check<std::vector<FleetControlItem>>(in, DecodeControl, EncodeControl);
  Check<FleetFinal>(in, DecodeFinal, EncodeFinal);
  return 0;
}
