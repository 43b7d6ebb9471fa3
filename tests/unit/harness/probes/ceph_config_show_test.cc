// `ceph config show WHO OPTION` output as Ceph 16.2 prints it: the heartbeat grace a stall is
// expected from, and what is not a number of seconds.
#include "harness/probes/ceph_config_show.h"

#include <gtest/gtest.h>

namespace healbench {
namespace {

TEST(CephConfigShow, ReadsPlainAndJsonValue) {
  // `ceph config show osd.0 osd_heartbeat_grace` on the lab (ceph.conf: 5); `-f json` prints
  // "\n5\n".
  EXPECT_EQ(ParseCephConfigSeconds("5\n"), 5.0);
  EXPECT_EQ(ParseCephConfigSeconds("\n5\n"), 5.0);
  EXPECT_EQ(ParseCephConfigSeconds("\"20\"\n"), 20.0);
  EXPECT_EQ(ParseCephConfigSeconds("1.5"), 1.5);
}

TEST(CephConfigShow, WarningLinesBeforeTheValueAreSkipped) {
  EXPECT_EQ(ParseCephConfigSeconds("2026-11-26T18:40:00 7f00 -1 WARNING: all dangerous\n  7  \n"),
            7.0);
}

TEST(CephConfigShow, ErrorsAndNonNumbersAreNothing) {
  EXPECT_EQ(ParseCephConfigSeconds("Error ENOENT: no config state for daemon osd.9\n"),
            std::nullopt);
  EXPECT_EQ(ParseCephConfigSeconds(""), std::nullopt);
  EXPECT_EQ(ParseCephConfigSeconds("\n\n"), std::nullopt);
  EXPECT_EQ(ParseCephConfigSeconds("5s\n"), std::nullopt);
  EXPECT_EQ(ParseCephConfigSeconds("-1\n"), std::nullopt);
}

}  // namespace
}  // namespace healbench
