// Watching owned node processes. See owned_node_watch.h.
#include "harness/run/owned_node_watch.h"

#include <sys/wait.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace healbench {

std::optional<std::string> ProcessEnded(int pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!in || !std::getline(in, stat)) return "gone";
  // After the command name in parentheses: field 3 (state) onwards; field 52 is the exit
  // status in waitpid() form (Linux 3.5+).
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(paren + 1));
  std::vector<std::string> f;
  for (std::string x; fields >> x;) f.push_back(x);
  if (f.empty() || (f[0] != "Z" && f[0] != "X")) return std::nullopt;
  constexpr std::size_t kExitCodeIndex = 52 - 3;
  if (f.size() <= kExitCodeIndex) return "ended";
  const int status = std::stoi(f[kExitCodeIndex]);
  if (WIFSIGNALED(status)) {
    const char* abbrev = sigabbrev_np(WTERMSIG(status));
    return std::string("killed by ") + (abbrev != nullptr
                                            ? "SIG" + std::string(abbrev)
                                            : "signal " + std::to_string(WTERMSIG(status)));
  }
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

void OwnedNodeWatch::Check(Nanos now_ns) {
  for (const OwnedNode& n : nodes_()) {
    if (reported_.count(n.pid) != 0) continue;
    const std::optional<std::string> how = ProcessEnded(n.pid);
    if (!how) continue;
    reported_.insert(n.pid);
    events_->Add("node", "exited", n.name, false,
                 n.name + " (pid " + std::to_string(n.pid) + ", " + n.address +
                     ") ended during the run: " + *how,
                 now_ns);
  }
}

}  // namespace healbench
