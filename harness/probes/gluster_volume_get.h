// GlusterFS volume options as `gluster volume get VOL OPTION` prints them, and the stall a
// guest should expect when a brick stops answering without closing its connections: the
// volume's network.ping-timeout (the client waits that long before dropping the brick).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace healbench {

// The value of `option` in the text table ("Option  Value" header, dashes, one row per
// option); nullopt when the option is not listed.
std::optional<std::string> ParseGlusterVolumeGet(std::string_view text, std::string_view option);

// network.ping-timeout in seconds from that output; nullopt when absent or not a number.
std::optional<double> GlusterPingTimeoutSeconds(std::string_view volume_get_output);

}  // namespace healbench
