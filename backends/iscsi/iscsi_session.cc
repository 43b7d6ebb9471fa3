// libiscsi context lifecycle and event pump for one session.
#include "backends/iscsi/iscsi_session.h"

#include <iscsi/iscsi.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "harness/core/units.h"

namespace healbench {
namespace {

// iscsi_which_events() returns 0 while libiscsi waits for something of its own; it asks
// the caller to come back after at least this long.
constexpr Nanos kIdleWaitNs = 100 * kNsPerMs;

void SleepNs(Nanos ns) {
  if (ns <= 0) return;
  const timespec ts{static_cast<time_t>(ns / kNsPerSec), static_cast<long>(ns % kNsPerSec)};
  nanosleep(&ts, nullptr);
}

}  // namespace

Result<std::unique_ptr<IscsiSession>> IscsiSession::Start(const IscsiTarget& target) {
  iscsi_context* ctx = iscsi_create_context(kIscsiInitiatorName);
  if (ctx == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "iscsi_create_context for " + target.url);
  }
  std::unique_ptr<IscsiSession> s(new IscsiSession(ctx));
  iscsi_set_noautoreconnect(ctx, 1);
  if (iscsi_set_targetname(ctx, target.iqn.c_str()) != 0 ||
      iscsi_set_session_type(ctx, ISCSI_SESSION_NORMAL) != 0 ||
      iscsi_set_header_digest(ctx, ISCSI_HEADER_DIGEST_NONE_CRC32C) != 0) {
    return MakeError(ErrorCode::kUnavailable,
                     "set up session to " + target.url + ": " + s->LastError());
  }
  if (iscsi_full_connect_async(ctx, target.portal.c_str(), target.lun, &IscsiSession::OnLogin,
                               s.get()) != 0) {
    return MakeError(ErrorCode::kUnavailable, "connect to " + target.url + ": " + s->LastError());
  }
  return s;
}

Result<std::unique_ptr<IscsiSession>> IscsiSession::Connect(const IscsiTarget& target,
                                                            Nanos timeout_ns) {
  auto s = Start(target);
  if (!s.ok()) return s.error();
  const Nanos deadline = MonotonicNs() + timeout_ns;
  while (!(*s)->LoggedIn()) {
    if ((*s)->Failed() || !(*s)->Pump(deadline)) {
      return MakeError(ErrorCode::kUnavailable,
                       "connect to " + target.url + ": " + (*s)->LastError());
    }
    if (!(*s)->LoggedIn() && MonotonicNs() >= deadline) {
      return MakeError(ErrorCode::kTimeout, "connect to " + target.url +
                                                ": no iSCSI login within " +
                                                FormatDurationExact(timeout_ns));
    }
  }
  return s;
}

IscsiSession::~IscsiSession() { iscsi_destroy_context(ctx_); }

void IscsiSession::OnLogin(iscsi_context*, int status, void*, void* private_data) {
  auto* s = static_cast<IscsiSession*>(private_data);
  s->login_status_ = status == SCSI_STATUS_GOOD ? 0 : std::max(status, 1);
}

bool IscsiSession::Pump(Nanos deadline) {
  if (failed_) return false;
  const Nanos left = std::max<Nanos>(0, deadline - MonotonicNs());
  const int events = iscsi_which_events(ctx_);
  int revents = 0;
  if (events == 0) {
    SleepNs(std::min(left, kIdleWaitNs));
  } else {
    pollfd p{iscsi_get_fd(ctx_), static_cast<short>(events), 0};
    const timespec ts{static_cast<time_t>(left / kNsPerSec), static_cast<long>(left % kNsPerSec)};
    const int n = ppoll(&p, 1, &ts, nullptr);
    if (n < 0 && errno != EINTR) {
      failed_ = true;
      return false;
    }
    if (n > 0) revents = p.revents;
  }
  // With revents 0 libiscsi only checks its timeouts.
  if (iscsi_service(ctx_, revents) < 0) failed_ = true;
  return !failed_;
}

std::string IscsiSession::LastError() const {
  const char* e = iscsi_get_error(ctx_);
  return e != nullptr && *e != '\0' ? e : "unknown libiscsi error";
}

}  // namespace healbench
