// One iSCSI session over libiscsi's asynchronous API: the login (TCP connect, login, TEST
// UNIT READY on the LUN) and the event pump (poll on iscsi_get_fd for iscsi_which_events, then
// iscsi_service). libiscsi's own automatic reconnect is off: its back-off grows to 30 s per
// try, which would stretch a short outage; the queue reconnects on its own schedule instead.
#pragma once

#include <memory>
#include <string>

#include "backends/iscsi/iscsi_url.h"
#include "harness/core/clock.h"
#include "harness/core/result.h"

struct iscsi_context;

namespace healbench {

// The initiator name healbench logs in with (targets with ACLs must allow it).
constexpr const char* kIscsiInitiatorName = "iqn.2026-01.org.healbench:initiator";

class IscsiSession {
 public:
  // A new context with the login started; it has finished when LoggedIn() or Failed().
  static Result<std::unique_ptr<IscsiSession>> Start(const IscsiTarget& target);
  // Start, then pump until logged in, within timeout_ns (kUnavailable or kTimeout naming the
  // URL otherwise).
  static Result<std::unique_ptr<IscsiSession>> Connect(const IscsiTarget& target, Nanos timeout_ns);
  IscsiSession(const IscsiSession&) = delete;
  IscsiSession& operator=(const IscsiSession&) = delete;
  // Drops the connection; tasks still out get their callbacks with SCSI_STATUS_CANCELLED.
  ~IscsiSession();

  bool LoggedIn() const { return login_status_ == 0; }
  bool Failed() const { return failed_ || login_status_ > 0; }
  // Waits until the socket is ready in the direction libiscsi wants, or until the deadline
  // (0 or past: only what is ready), and lets libiscsi act on it: send, receive, run task
  // callbacks. Returns false, and Failed() turns true, when the connection failed.
  bool Pump(Nanos deadline);
  iscsi_context* context() const { return ctx_; }
  std::string LastError() const;

 private:
  explicit IscsiSession(iscsi_context* ctx) : ctx_(ctx) {}
  static void OnLogin(iscsi_context* ctx, int status, void* command_data, void* private_data);

  iscsi_context* ctx_;
  int login_status_ = -1;  // -1 running, 0 logged in, > 0 failed (the SCSI status)
  bool failed_ = false;
};

}  // namespace healbench
