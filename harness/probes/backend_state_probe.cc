// Backend-state probe. See backend_state_probe.h.
#include "harness/probes/backend_state_probe.h"

namespace healbench {
namespace {

class BackendStateProbe final : public SyncProbe {
 public:
  explicit BackendStateProbe(const Backend* backend) : backend_(backend) {}
  std::string Kind() const override { return "ref"; }
  SyncSample Sample() override {
    const std::optional<BackendSyncState> st = backend_->SyncState();
    if (!st) return UnknownSample("the backend reports no replication state");
    SyncSample s;
    s.state = st->state == "in_sync"    ? SyncState::kInSync
              : st->state == "degraded" ? SyncState::kDegraded
              : st->state == "healing"  ? SyncState::kHealing
                                        : SyncState::kUnknown;
    s.safe_to_stop = st->safe_to_stop;
    s.out_of_sync_bytes = st->out_of_sync_bytes;
    s.detail = st->detail;
    return s;
  }

 private:
  const Backend* backend_;
};

}  // namespace

Result<std::unique_ptr<SyncProbe>> MakeBackendStateProbe(const Backend* backend) {
  if (!backend->SyncState()) {
    return MakeError(ErrorCode::kNotSupported,
                     "probe.kind = \"ref\" needs backend.kind = \"ref\" (backend \"" +
                         backend->Kind() + "\" keeps no replication state)");
  }
  return std::unique_ptr<SyncProbe>(std::make_unique<BackendStateProbe>(backend));
}

}  // namespace healbench
