// libFuzzer target for the `drbdsetup status --json` parser (lenient: log lines, trailing
// stderr, bare nan): any bytes give resources or a reason, and a sample that keeps the
// SyncSample contract.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/probes/drbd_status.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace healbench;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<DrbdResource> resources;
  const auto why = ParseDrbdStatusJson(text, &resources);
  FUZZ_CHECK(!why || !why->empty(), "a rejection says why");
  if (!why) {
    fuzz::CheckSample(EvaluateDrbdResources(resources, {}));
    fuzz::CheckSample(EvaluateDrbdResources(resources, {.resource = "r0", .local_node = "n1"}));
  }
  fuzz::CheckSample(ParseDrbdStatus(text, {}));
  return 0;
}
