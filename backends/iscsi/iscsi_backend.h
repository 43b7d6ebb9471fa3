// The iscsi backend: one LUN of an iSCSI target (backend.url = iscsi://HOST[:PORT]/IQN/LUN)
// through libiscsi's asynchronous API, one session per worker queue. With several images,
// image i is the region [i * size, (i + 1) * size) of the LUN, as with the nbd backend.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "backends/backend.h"
#include "backends/iscsi/iscsi_url.h"

namespace healbench {

// Logs in once to learn the LUN's block size and capacity (READ CAPACITY(16)); fails with
// kUnavailable naming the URL when the target cannot be reached or the LUN is no disk.
Result<std::unique_ptr<Backend>> MakeIscsiBackend(const IscsiTarget& target);

// MakeIscsiBackend for the [backend] options (backend.url).
Result<std::unique_ptr<Backend>> MakeIscsiBackendFromOptions(
    const std::map<std::string, std::string>& options);

}  // namespace healbench
