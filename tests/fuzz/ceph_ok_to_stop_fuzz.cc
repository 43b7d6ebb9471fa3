// libFuzzer target for the `ceph osd ok-to-stop ID -f json` parser: any bytes give yes, no
// or "did not say" with a short detail that is never empty, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/probes/ceph_status.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace healbench;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const CephOkToStop r = ParseCephOkToStop(text);
  FUZZ_CHECK(!r.detail.empty(), "the answer, or why there is none, is said");
  FUZZ_CHECK(r.detail.size() <= healbench::kMaxDetailBytes, "detail is a short summary");
  return 0;
}
