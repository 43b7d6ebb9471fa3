// The reference cluster's shared secret: a file whose first line is the token a client says in
// HELLO. Nodes started with --token-file refuse clients that do not say it; a node listening
// beyond loopback must have one.
#pragma once

#include <string>

#include "harness/core/result.h"

namespace healbench::ref {

// The file's first line (without the newline); kBadInput naming the file when it cannot be
// read or the line is empty.
Result<std::string> ReadTokenFile(const std::string& path);

// True for addresses only this machine reaches: 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(const std::string& host);

}  // namespace healbench::ref
