// `gluster volume get` output as GlusterFS 10.3 prints it: the ping-timeout a stall is
// expected from, and what is not a ping-timeout.
#include "harness/probes/gluster_volume_get.h"

#include <gtest/gtest.h>

namespace healbench {
namespace {

// Captured from `gluster volume get hbgfapi network.ping-timeout` (GlusterFS 10.3).
constexpr const char* kPingTimeout5 =
    "Option                                   Value                                  \n"
    "------                                   -----                                  \n"
    "network.ping-timeout                     5                                      \n";

TEST(GlusterVolumeGet, ReadsThePingTimeout) {
  EXPECT_EQ(ParseGlusterVolumeGet(kPingTimeout5, "network.ping-timeout"), "5");
  EXPECT_EQ(GlusterPingTimeoutSeconds(kPingTimeout5), 5.0);
}

TEST(GlusterVolumeGet, OptionNotListedIsNothing) {
  EXPECT_EQ(ParseGlusterVolumeGet(kPingTimeout5, "network.ping"), std::nullopt);
  EXPECT_EQ(GlusterPingTimeoutSeconds("volume get: failed: Volume hbx does not exist\n"),
            std::nullopt);
}

TEST(GlusterVolumeGet, ValueThatIsNotWholeSecondsIsNothing) {
  EXPECT_EQ(GlusterPingTimeoutSeconds("network.ping-timeout   (null)\n"), std::nullopt);
  EXPECT_EQ(GlusterPingTimeoutSeconds("network.ping-timeout   42s\n"), std::nullopt);
  EXPECT_EQ(GlusterPingTimeoutSeconds("network.ping-timeout   42\n"), 42.0);
}

}  // namespace
}  // namespace healbench
