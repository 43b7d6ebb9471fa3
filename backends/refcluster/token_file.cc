// Reading the shared-secret file and telling loopback addresses apart. See token_file.h.
#include "backends/refcluster/token_file.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace healbench::ref {

Result<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return MakeError(ErrorCode::kBadInput,
                     "cannot read token file " + path + ": " + std::strerror(errno));
  }
  std::string token;
  std::getline(in, token);
  if (!token.empty() && token.back() == '\r') token.pop_back();
  if (token.empty()) {
    return MakeError(ErrorCode::kBadInput,
                     "token file " + path + " is empty: its first line is the shared secret");
  }
  return token;
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace healbench::ref
