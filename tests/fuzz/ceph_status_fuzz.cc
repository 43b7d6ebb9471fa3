// libFuzzer target for the `ceph status -f json` parser: any bytes give a sample that keeps
// the SyncSample contract.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/probes/ceph_status.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace healbench;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const SyncSample s = ParseCephStatus(text, {});
  fuzz::CheckSample(s);
  FUZZ_CHECK(s.safe_to_stop.empty(), "safe_to_stop is left to ok-to-stop");
  return 0;
}
