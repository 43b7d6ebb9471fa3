// libFuzzer target for the `gluster volume get VOL OPTION` table parser and the
// network.ping-timeout read from it: any bytes give a value or nothing, never a crash.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/probes/gluster_volume_get.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace healbench;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto value = ParseGlusterVolumeGet(text, "network.ping-timeout");
  const auto seconds = GlusterPingTimeoutSeconds(text);
  FUZZ_CHECK(!seconds || value, "a timeout comes from a listed option");
  FUZZ_CHECK(!seconds || (std::isfinite(*seconds) && *seconds >= 0), "timeout is a real number");
  (void)ParseGlusterVolumeGet(text, "");
  return 0;
}
