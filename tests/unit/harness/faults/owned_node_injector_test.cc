// The injector for backend-owned nodes, with real parts: a TCP fault proxy in front of
// loopback servers that greet each connection with their name, a real child process for the
// signals, and a restart that brings the "node" back on another port, which the proxy must
// then follow.
#include "harness/faults/owned_node_injector.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

namespace healbench {
namespace {

constexpr int kPromptMs = 3000;  // generous for a loaded machine; only failures wait this long

// Accepts connections on 127.0.0.1 and writes "NAME\n" to each, then closes it.
class Greeter {
 public:
  explicit Greeter(std::string name) : name_(std::move(name) + "\n") {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd_, 16) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "greeter: " << std::strerror(errno);
    }
    address_ = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    thread_ = std::thread([this] {
      while (true) {
        const int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) return;  // shut down
        (void)!write(c, name_.data(), name_.size());
        close(c);
      }
    });
  }
  ~Greeter() {
    shutdown(fd_, SHUT_RDWR);
    thread_.join();
    close(fd_);
  }
  const std::string& Address() const { return address_; }

 private:
  std::string name_;
  std::string address_;
  int fd_ = -1;
  std::thread thread_;
};

// Connects to ADDRESS and returns what arrives within `wait_ms` ("" for nothing, "error" for
// a reset or refusal).
std::string Greeting(const std::string& address, int wait_ms) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port =
      htons(static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1))));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "error";
  }
  pollfd p{fd, POLLIN, 0};
  std::string got;
  if (poll(&p, 1, wait_ms) > 0) {
    char buf[64];
    const ssize_t n = read(fd, buf, sizeof buf);
    got = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "error";
  }
  close(fd);
  return got;
}

char ProcessState(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const std::size_t close_paren = stat.rfind(')');
  return close_paren == std::string::npos || close_paren + 2 >= stat.size() ? '?'
                                                                            : stat[close_paren + 2];
}

struct Fixture {
  Greeter first{"first"};
  std::shared_ptr<TcpFaultProxy> proxy;
  std::unique_ptr<Greeter> second;
  std::unique_ptr<Injector> injector;
  pid_t pid = 0;
  int restarts = 0;

  Fixture() {
    auto p = TcpFaultProxy::Start("127.0.0.1:0", first.Address());
    EXPECT_TRUE(p.ok()) << p.error().message;
    proxy = std::move(*p);
    OwnedNodeControl c;
    c.name = "node2";
    c.proxy = proxy;
    c.pid = [this] { return pid; };
    c.restart = [this]() -> Result<std::string> {
      ++restarts;
      second = std::make_unique<Greeter>("second");
      return second->Address();
    };
    injector = MakeOwnedNodeInjector(std::move(c));
  }
};

TEST(OwnedNodeInjector, NetworkActionsDriveTheProxy) {
  Fixture f;
  EXPECT_EQ(Greeting(f.proxy->ListenAddress(), kPromptMs), "first\n");

  ActionOutcome cut = f.injector->Do("disconnect", kNsPerSec);
  ASSERT_TRUE(cut.ok) << cut.detail;
  EXPECT_NE(cut.detail.find("reset"), std::string::npos) << cut.detail;
  EXPECT_EQ(Greeting(f.proxy->ListenAddress(), kPromptMs), "error");  // new ones refused

  ASSERT_TRUE(f.injector->Do("reconnect", kNsPerSec).ok);
  EXPECT_EQ(Greeting(f.proxy->ListenAddress(), kPromptMs), "first\n");

  ActionOutcome silent = f.injector->Do("partition", kNsPerSec);
  ASSERT_TRUE(silent.ok) << silent.detail;
  EXPECT_NE(silent.detail.find("blackhole"), std::string::npos) << silent.detail;
  EXPECT_EQ(Greeting(f.proxy->ListenAddress(), 300), "");  // nothing either way
  ASSERT_TRUE(f.injector->Do("heal_partition", kNsPerSec).ok);
  EXPECT_EQ(Greeting(f.proxy->ListenAddress(), kPromptMs), "first\n");
}

TEST(OwnedNodeInjector, ProcessActionsSignalTheCurrentPid) {
  Fixture f;
  f.pid = fork();
  ASSERT_GE(f.pid, 0);
  if (f.pid == 0) {
    pause();
    _exit(0);
  }
  ActionOutcome frozen = f.injector->Do("freeze", kNsPerSec);
  ASSERT_TRUE(frozen.ok) << frozen.detail;
  EXPECT_NE(frozen.detail.find("SIGSTOP sent to node2 pid " + std::to_string(f.pid)),
            std::string::npos)
      << frozen.detail;
  int status = 0;
  ASSERT_EQ(waitpid(f.pid, &status, WUNTRACED), f.pid);
  EXPECT_TRUE(WIFSTOPPED(status));
  ASSERT_TRUE(f.injector->Do("thaw", kNsPerSec).ok);
  ASSERT_EQ(waitpid(f.pid, &status, WCONTINUED), f.pid);
  EXPECT_TRUE(WIFCONTINUED(status));
  EXPECT_NE(ProcessState(f.pid), 'T');
  ASSERT_TRUE(f.injector->Do("kill", kNsPerSec).ok);
  ASSERT_EQ(waitpid(f.pid, &status, 0), f.pid);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(OwnedNodeInjector, RestartPointsTheProxyAtTheNewPort) {
  Fixture f;
  ActionOutcome again = f.injector->Do("restart", kNsPerSec);
  ASSERT_TRUE(again.ok) << again.detail;
  EXPECT_EQ(f.restarts, 1);
  EXPECT_EQ(f.proxy->UpstreamAddress(), f.second->Address());
  EXPECT_NE(again.detail.find("now forwards there"), std::string::npos) << again.detail;
  EXPECT_EQ(Greeting(f.proxy->ListenAddress(), kPromptMs), "second\n");
}

TEST(OwnedNodeInjector, RefusesWhatItCannotDo) {
  OwnedNodeControl c;
  c.name = "node1";
  c.pid = [] { return 0; };
  auto injector = MakeOwnedNodeInjector(std::move(c));  // no proxy, no restart
  EXPECT_EQ(injector->CannotDo("disconnect"), "node node1 has no fault proxy in front of it");
  EXPECT_EQ(injector->CannotDo("restart"), "the backend cannot restart node1");
  EXPECT_NE(injector->CannotDo("command").find("cannot command"), std::string::npos);
  EXPECT_EQ(injector->CannotDo("freeze"), "");
  ActionOutcome none = injector->Do("freeze", kNsPerSec);
  EXPECT_FALSE(none.ok);
  EXPECT_EQ(none.detail, "node node1 has no running process");
}

}  // namespace
}  // namespace healbench
