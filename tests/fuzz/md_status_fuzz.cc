// libFuzzer target for the /proc/mdstat parser, alone and refined by one array's sysfs
// sync_action / sync_completed: any bytes give a sample that keeps the SyncSample contract.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/probes/md_status.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace healbench;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::CheckSample(ParseMdstat(text, {}));
  fuzz::CheckSample(ParseMdstat(
      text, {.array = "md0", .sync_action = "recover\n", .sync_completed = "1024 / 4096\n"}));
  // The input as the sysfs files, against a fixed recovering array.
  const std::string mdstat =
      "Personalities : [raid1]\nmd0 : active raid1 sdb1[1] sda1[0]\n"
      "      1048512 blocks [2/1] [U_]\n      [==>..]  recovery = 12.5% (131072/1048512) "
      "finish=1.0min speed=10000K/sec\n\nunused devices: <none>\n";
  fuzz::CheckSample(ParseMdstat(
      mdstat,
      {.array = "md0", .sync_action = std::string(text), .sync_completed = std::string(text)}));
  return 0;
}
