// libFuzzer target for the text form of `gluster volume heal VOL info [summary]`: any bytes
// give bricks or a reason, and the sample made from them keeps the SyncSample contract.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/probes/gluster_heal.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace healbench;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<GlusterBrick> bricks;
  const auto why = ParseGlusterHealText(text, &bricks);
  FUZZ_CHECK(!why || !why->empty(), "a rejection says why");
  const GlusterOptions options{.volume = "vol",
                               .shard_size_bytes = 64u << 20,
                               .image_size_bytes = 1u << 30,
                               .key_by_host = true};
  if (!why) fuzz::CheckSample(EvaluateGlusterBricks(bricks, options));
  fuzz::CheckSample(ParseGlusterHealInfo(text, options));
  return 0;
}
