// One Ceph setting as `ceph config show WHO OPTION` prints it (the value the running daemon
// uses, ceph.conf included, unlike `ceph config get`, which knows only the monitor's
// database), and the stall a guest should expect when an OSD stops answering without closing
// its connections: osd_heartbeat_grace (peers report it failed after that long, then the
// monitor marks it down and its placement groups re-peer).
#pragma once

#include <optional>
#include <string_view>

namespace healbench {

// The value as seconds: the last non-empty line of the output must be a plain non-negative
// number ("5", "20", "1.5"; JSON output prints it the same way, possibly quoted). nullopt
// when it is not, e.g. "Error ENOENT: no config state for daemon osd.9".
std::optional<double> ParseCephConfigSeconds(std::string_view text);

}  // namespace healbench
