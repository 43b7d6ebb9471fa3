// `healbench node --listen ADDR --dir DIR [--token-file F] [--test-fault MODE]…`: one
// reference-cluster storage node in the foreground. Prints "listening HOST:PORT" on stdout
// once it accepts connections (so a parent that passed port 0 learns the port); SIGTERM or
// SIGINT stops it cleanly (and prints the test fault counters, if any, to stderr).
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>

#include "backends/refcluster/node_server.h"
#include "backends/refcluster/token_file.h"
#include "harness/cli/commands.h"

namespace healbench {
namespace {

std::atomic<bool> g_stop{false};
void OnStopSignal(int) { g_stop.store(true); }

const char* kNodeUsage =
    "usage: healbench node --listen HOST:PORT --dir DIR [--token-file FILE] [--test-fault "
    "MODE]...\n"
    "  --listen HOST:PORT   address to listen on; port 0 picks a free one (default: "
    "127.0.0.1:0)\n"
    "  --dir DIR            where images (NAME.img) and pending marks (NAME.pending) live\n"
    "  --token-file FILE    clients must say this file's first line in HELLO; required when\n"
    "                       --listen is not a loopback address (default: none)\n"
    "  --peer HOST:PORT     start as a server-replication primary whose secondary is there\n"
    "                       (static setups; a ref client normally assigns roles) (default: "
    "none)\n"
    "  --test-fault MODE    test only, repeatable: ack-drop:every=N (every Nth guest write is\n"
    "                       acknowledged, not stored), diverge:every=N (stored with byte 2048\n"
    "                       of each 4 KiB sector flipped), stale-after-heal (reads of healed\n"
    "                       sectors return the pre-heal content until a guest write); counts\n"
    "                       go to the status call and to stderr on exit (default: none)\n";

}  // namespace

int NodeCommand(const std::vector<std::string>& args) {
  ref::NodeOptions options;
  std::string listen = "127.0.0.1:0";
  std::string token_file;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      fputs(kNodeUsage, stdout);
      return 0;
    }
    if (a == "--test-fault" && i + 1 < args.size()) {
      auto mode = ref::ParseTestFaultMode(args[++i]);
      if (!mode.ok()) {
        fprintf(stderr, "healbench node: --test-fault: %s\n", mode.error().message.c_str());
        return 2;
      }
      for (const ref::TestFaultMode& m : options.test_faults) {
        if (m.kind == mode->kind) {
          fprintf(stderr, "healbench node: --test-fault %s: that mode is already given (%s)\n",
                  args[i].c_str(), ref::TestFaultModeText(m).c_str());
          return 2;
        }
      }
      options.test_faults.push_back(*mode);
      continue;
    }
    if (a == "--peer" && i + 1 < args.size()) {
      options.peer = args[++i];
      if (auto p = ref::ParseHostPort(options.peer); !p.ok()) {
        fprintf(stderr, "healbench node: --peer: %s\n", p.error().message.c_str());
        return 2;
      }
      continue;
    }
    if ((a == "--listen" || a == "--dir" || a == "--token-file") && i + 1 < args.size()) {
      const std::string& v = args[++i];
      (a == "--listen" ? listen : a == "--dir" ? options.dir : token_file) = v;
      continue;
    }
    fprintf(stderr, "healbench node: unexpected argument \"%s\"\n%s", a.c_str(), kNodeUsage);
    return 2;
  }
  if (options.dir.empty()) {
    fprintf(stderr, "healbench node: --dir is required\n%s", kNodeUsage);
    return 2;
  }
  auto where = ref::ParseHostPort(listen);
  if (!where.ok()) {
    fprintf(stderr, "healbench node: --listen: %s\n", where.error().message.c_str());
    return 2;
  }
  options.listen = *where;
  struct stat st {};
  if (stat(options.dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "healbench node: --dir %s is not a directory\n", options.dir.c_str());
    return 2;
  }
  if (!token_file.empty()) {
    auto token = ref::ReadTokenFile(token_file);
    if (!token.ok()) {
      fprintf(stderr, "healbench node: --token-file: %s\n", token.error().message.c_str());
      return 2;
    }
    options.token = *token;
  } else if (!ref::IsLoopbackHost(options.listen.host)) {
    fprintf(stderr,
            "healbench node: --listen %s reaches beyond this machine: give --token-file FILE "
            "(a shared secret every client must say; the ref backend's token_file) or listen on "
            "127.0.0.1\n",
            listen.c_str());
    return 2;
  }
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const std::string host = options.listen.host;
  ref::NodeServer server(std::move(options));
  if (auto rc = server.Start(); !rc.ok()) {
    fprintf(stderr, "healbench node: %s\n", rc.error().message.c_str());
    return ExitCodeFor(rc.error());
  }
  printf("listening %s:%u\n", host.c_str(), static_cast<unsigned>(server.port()));
  fflush(stdout);
  server.Serve(g_stop);
  fputs(server.TestFaultSummary().c_str(), stderr);
  return 0;
}

}  // namespace healbench
