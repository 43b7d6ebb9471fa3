// The iscsi backend's address: iscsi://HOST[:PORT]/TARGET-IQN/LUN, checked and split into the
// portal, target and LUN libiscsi logs in with. Kept free of libiscsi so it is tested alone.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "harness/core/result.h"

namespace healbench {

constexpr int kIscsiDefaultPort = 3260;

struct IscsiTarget {
  std::string url;     // as the user wrote it, for messages
  std::string portal;  // HOST:PORT ([V6]:PORT), what libiscsi connects to
  std::string iqn;     // the target name
  int lun = 0;
};

// Splits the URL, e.g. iscsi://127.0.0.1:3260/iqn.2026-01.org.example:disk1/1. Errors are
// kBadInput naming backend.url and the form expected; credentials in the URL are
// kNotSupported.
Result<IscsiTarget> ParseIscsiUrl(const std::string& url);

// backend.url from the [backend] options (kept as TOML text: the quotes are removed here).
Result<IscsiTarget> IscsiTargetFromOptions(const std::map<std::string, std::string>& options);

}  // namespace healbench
