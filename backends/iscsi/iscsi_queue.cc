// The iscsi queue's request life: issued as a libiscsi task, judged in the task's callback
// (done, sent again, failed, or waiting for a reconnect), handed back by Reap.
#include "backends/iscsi/iscsi_queue.h"

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <utility>

#include "backends/iscsi/iscsi_status.h"
#include "harness/core/units.h"

namespace healbench {

struct IscsiQueue::Op {
  IscsiQueue* queue = nullptr;
  IoRequest req;
  OpState state = OpState::kFree;
  scsi_task* task = nullptr;  // while libiscsi holds it
  scsi_iovec iov{};           // the request's buffer; the task points here
  int retries = 0;
};

IscsiQueue::IscsiQueue(IscsiTarget target, const LunCapacity& capacity,
                       std::vector<std::uint64_t> bases, std::uint32_t depth)
    : target_(std::move(target)), capacity_(capacity), bases_(std::move(bases)), ops_(depth) {
  free_.reserve(depth);
  for (std::uint32_t i = depth; i > 0; --i) {
    ops_[i - 1].queue = this;
    free_.push_back(&ops_[i - 1]);
  }
  retry_.reserve(depth);
  ready_.reserve(depth);
}

IscsiQueue::~IscsiQueue() {
  DropSession();
  for (const auto* counts : {&failures_, &retries_}) {
    for (const auto& [what, n] : *counts) {
      if (n > 1) {
        fprintf(stderr, "healbench: iscsi: %s: %llu x %s%s\n", target_.url.c_str(),
                static_cast<unsigned long long>(n), what.c_str(),
                counts == &failures_ ? " (counted as errors)" : " (sent again)");
      }
    }
  }
}

Result<void> IscsiQueue::Init() {
  auto s = IscsiSession::Connect(target_, kIscsiConnectTimeoutNs);
  if (!s.ok()) return s.error();
  session_ = std::move(*s);
  connected_ = true;
  return Ok();
}

Result<void> IscsiQueue::Submit(std::span<const IoRequest> requests) {
  for (const IoRequest& r : requests) {
    if (free_.empty()) {
      return MakeError(ErrorCode::kInternal,
                       "iscsi queue: more requests submitted than its depth (" +
                           std::to_string(ops_.size()) + ")");
    }
    Op& op = *free_.back();
    free_.pop_back();
    op.req = r;
    op.retries = 0;
    ++outstanding_;
    if (connected_) {
      Issue(op);
    } else if (gave_up_) {
      Complete(op, -ENOTCONN);
    } else {
      Wait(op);
    }
  }
  if (connected_ && (lost_ || !waiting_.empty())) LoseConnection();
  return Ok();
}

Result<std::size_t> IscsiQueue::Reap(std::span<IoCompletion> out, std::size_t min_complete,
                                     Nanos timeout_ns) {
  const Nanos deadline = MonotonicNs() + timeout_ns;
  std::size_t n = 0;
  bool stepped = false;
  while (true) {
    n += TakeReady(out.subspan(n));
    if (n == out.size() || (n >= min_complete && (n > 0 || stepped))) break;
    if (stepped && MonotonicNs() >= deadline) break;
    if (outstanding_ == 0 && connected_) break;  // nothing can complete
    Step(min_complete == 0 ? MonotonicNs() : deadline);
    stepped = true;
  }
  // After giving up, attempts go on whenever the worker comes by, so I/O resumes once the
  // target is back.
  if (!connected_ && gave_up_ && MonotonicNs() >= next_attempt_ns_) Step(MonotonicNs());
  return n;
}

void IscsiQueue::CancelAll() {
  for (Op* op : waiting_) Complete(*op, -ECANCELED);
  waiting_.clear();
  for (Op* op : retry_) Complete(*op, -ECANCELED);
  retry_.clear();
  if (std::any_of(ops_.begin(), ops_.end(),
                  [](const Op& op) { return op.state == OpState::kInFlight; })) {
    DropSession();
    for (Op& op : ops_) {
      if (op.state == OpState::kInFlight) Complete(op, -ECANCELED);
    }
    MarkDown();
  }
}

void IscsiQueue::OnTaskDone(iscsi_context*, int status, void* command_data, void* private_data) {
  Op& op = *static_cast<Op*>(private_data);
  IscsiQueue& q = *op.queue;
  auto* task = static_cast<scsi_task*>(command_data);
  int sense_key = 0;
  int ascq = 0;
  bool short_read = false;
  if (task != nullptr) {
    sense_key = task->sense.key;
    ascq = task->sense.ascq;
    short_read = status == SCSI_STATUS_GOOD && op.req.op == OpKind::kRead &&
                 task->residual_status == SCSI_RESIDUAL_UNDERFLOW && task->residual > 0;
    scsi_free_scsi_task(task);
  }
  op.task = nullptr;
  if (q.closing_ || op.state != OpState::kInFlight) return;
  const TaskVerdict v = JudgeTask(status, sense_key, ascq);
  switch (v.action) {
    case TaskAction::kDone:
      if (short_read) {
        q.Count(q.failures_, op, "short read (residual underflow)", "counted as an error");
        return q.Complete(op, -EIO);
      }
      return q.Complete(op,
                        op.req.op == OpKind::kFlush ? 0 : static_cast<std::int64_t>(op.req.length));
    case TaskAction::kRetry:
      if (++op.retries > kIscsiMaxRetries) {
        q.Count(q.failures_, op, v.what + " after " + std::to_string(kIscsiMaxRetries) + " retries",
                "counted as an error");
        return q.Complete(op, -EIO);
      }
      q.Count(q.retries_, op, v.what, "sent again");
      op.state = OpState::kWaiting;
      q.retry_.push_back(&op);
      return;
    case TaskAction::kFail:
      q.Count(q.failures_, op, v.what, "counted as an error");
      return q.Complete(op, -static_cast<std::int64_t>(v.error));
    case TaskAction::kReconnect:
      q.lost_ = true;
      return q.Wait(op);
  }
}

void IscsiQueue::Count(std::map<std::string, std::uint64_t>& counts, const Op& op,
                       const std::string& what, const char* consequence) {
  const std::string key = std::string(OpName(op.req.op)) + ": " + what;
  if (counts[key]++ == 0) {
    const std::uint64_t byte =
        op.req.image < bases_.size() ? bases_[op.req.image] + op.req.offset : op.req.offset;
    fprintf(stderr, "healbench: iscsi: %s: %s at LBA %llu: %s; %s (further ones counted)\n",
            target_.url.c_str(), std::string(OpName(op.req.op)).c_str(),
            static_cast<unsigned long long>(byte / capacity_.block_bytes), what.c_str(),
            consequence);
  }
}

void IscsiQueue::Complete(Op& op, std::int64_t result) {
  ready_.push_back({op.req.tag, result});
  op.state = OpState::kFree;
  free_.push_back(&op);
  --outstanding_;
}

void IscsiQueue::Wait(Op& op) {
  op.state = OpState::kWaiting;
  waiting_.push_back(&op);
}

void IscsiQueue::Issue(Op& op) {
  const IoRequest& r = op.req;
  if (r.image >= bases_.size()) return Complete(op, -EINVAL);
  if (r.op == OpKind::kDiscard) return Complete(op, -EOPNOTSUPP);
  const std::uint64_t byte = bases_[r.image] + r.offset;
  const std::uint32_t bs = capacity_.block_bytes;
  if (byte % bs != 0 || r.length % bs != 0) return Complete(op, -EINVAL);
  const std::uint64_t lba = byte / bs;
  iscsi_context* ctx = session_->context();
  const int lun = target_.lun;
  op.iov = {r.buffer, r.length};
  op.state = OpState::kInFlight;
  scsi_task* task = nullptr;
  switch (r.op) {
    case OpKind::kRead:
      task = iscsi_read16_iov_task(ctx, lun, lba, r.length, static_cast<int>(bs), 0, 0, 0, 0, 0,
                                   &IscsiQueue::OnTaskDone, &op, &op.iov, 1);
      break;
    case OpKind::kWrite:
      task = iscsi_write16_iov_task(ctx, lun, lba, nullptr, r.length, static_cast<int>(bs), 0, 0, 0,
                                    0, 0, &IscsiQueue::OnTaskDone, &op, &op.iov, 1);
      break;
    case OpKind::kFlush:
      task = iscsi_synchronizecache10_task(ctx, lun, 0, 0, 0, 0, &IscsiQueue::OnTaskDone, &op);
      break;
    case OpKind::kDiscard:
      break;
  }
  if (task != nullptr) {
    op.task = task;
  } else if (op.state == OpState::kInFlight) {
    // libiscsi refused to queue it (session going down, out of memory): try the next one.
    lost_ = true;
    Wait(op);
  }
}

std::size_t IscsiQueue::TakeReady(std::span<IoCompletion> out) {
  const std::size_t n = std::min(out.size(), ready_.size() - ready_head_);
  std::copy_n(ready_.begin() + static_cast<std::ptrdiff_t>(ready_head_), n, out.begin());
  ready_head_ += n;
  if (ready_head_ == ready_.size()) {
    ready_.clear();
    ready_head_ = 0;
  }
  return n;
}

void IscsiQueue::DropSession() {
  closing_ = true;
  session_.reset();
  closing_ = false;
  // libiscsi runs the callbacks of a destroyed session's tasks only while it counts as
  // logged in; free the tasks whose callbacks did not run.
  for (Op& op : ops_) {
    if (op.task != nullptr) {
      scsi_free_scsi_task(op.task);
      op.task = nullptr;
    }
  }
  connected_ = false;
  lost_ = false;
}

void IscsiQueue::MarkDown() {
  down_since_ns_ = MonotonicNs();
  next_attempt_ns_ = down_since_ns_;
  gave_up_ = false;
}

void IscsiQueue::LoseConnection() {
  const std::string why = session_ != nullptr ? session_->LastError() : "no session";
  DropSession();
  for (Op& op : ops_) {
    if (op.state == OpState::kInFlight) Wait(op);
  }
  for (Op* op : retry_) waiting_.push_back(op);
  retry_.clear();
  MarkDown();
  fprintf(stderr,
          "healbench: iscsi: connection to %s lost (%s); %zu request(s) wait for a reconnect\n",
          target_.url.c_str(), why.c_str(), waiting_.size());
}

void IscsiQueue::OnReconnected() {
  connected_ = true;
  fprintf(stderr, "healbench: iscsi: reconnected to %s after %.3f s; resending %zu request(s)\n",
          target_.url.c_str(), NsToSeconds(MonotonicNs() - down_since_ns_), waiting_.size());
  std::vector<Op*> resend(waiting_.begin(), waiting_.end());
  waiting_.clear();
  for (Op* op : resend) Issue(*op);
}

void IscsiQueue::Step(Nanos deadline) {
  if (connected_) {
    if (!session_->Pump(deadline) || lost_) return LoseConnection();
    if (!retry_.empty()) {
      std::vector<Op*> again;
      again.swap(retry_);
      for (Op* op : again) Issue(*op);
      if (lost_ || !waiting_.empty()) LoseConnection();
    }
    return;
  }
  const Nanos now = MonotonicNs();
  if (!gave_up_ && now - down_since_ns_ >= kIscsiReconnectTimeoutNs) {
    gave_up_ = true;
    fprintf(stderr,
            "healbench: iscsi: %s unreachable for %s; failing %zu request(s) with ENOTCONN\n",
            target_.url.c_str(), FormatDurationExact(kIscsiReconnectTimeoutNs).c_str(),
            waiting_.size());
    for (Op* op : waiting_) Complete(*op, -ENOTCONN);
    waiting_.clear();
  }
  if (session_ == nullptr) {
    if (now < next_attempt_ns_) {
      const Nanos left = std::min(next_attempt_ns_, deadline) - now;
      if (left > 0) {
        const timespec ts{static_cast<time_t>(left / kNsPerSec),
                          static_cast<long>(left % kNsPerSec)};
        nanosleep(&ts, nullptr);
      }
      return;
    }
    next_attempt_ns_ = now + kIscsiReconnectIntervalNs;
    auto s = IscsiSession::Start(target_);
    if (!s.ok()) return;  // refused at once; try again at next_attempt_ns_
    session_ = std::move(*s);
    attempt_deadline_ns_ = now + kIscsiConnectTimeoutNs;
  }
  const bool alive = session_->Pump(std::min(deadline, attempt_deadline_ns_));
  if (session_->LoggedIn()) return OnReconnected();
  if (!alive || session_->Failed() || MonotonicNs() >= attempt_deadline_ns_) DropSession();
}

}  // namespace healbench
