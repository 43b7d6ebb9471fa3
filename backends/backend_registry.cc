// Backend table. Backends that are planned but not built say so, so a scenario naming
// them fails with a clear reason instead of an unknown-name error.
#include "backends/backend_registry.h"

#include "backends/file/file_backend.h"
#include "backends/null/null_backend.h"
#include "backends/refcluster/ref_backend.h"
#ifdef HEALBENCH_HAVE_NBD
#include "backends/nbd/nbd_backend.h"
#endif
#ifdef HEALBENCH_HAVE_ISCSI
#include "backends/iscsi/iscsi_backend.h"
#endif
#ifdef HEALBENCH_HAVE_GFAPI
#include "backends/gfapi/gfapi_backend.h"
#endif
#ifdef HEALBENCH_HAVE_RBD
#include "backends/rbd/rbd_backend.h"
#endif

namespace healbench {
namespace {

// Unused when every optional backend is built.
[[maybe_unused]] std::function<Result<std::unique_ptr<Backend>>(const BackendConfig&)> NotBuilt(
    std::string why) {
  return [why](const BackendConfig& c) -> Result<std::unique_ptr<Backend>> {
    return MakeError(ErrorCode::kNotSupported, "backend.kind = \"" + c.kind + "\": " + why);
  };
}

std::vector<BackendEntry> MakeRegistry() {
  std::vector<BackendEntry> r;
  r.push_back({"file", "image files in a directory, a block device or one file, through io_uring",
               [] {
                 auto probe = ProbeIoUring();
                 return probe.ok() ? std::string() : "io_uring refused: " + probe.error().message;
               },
               [](const BackendConfig& c) -> Result<std::unique_ptr<Backend>> {
                 return MakeFileBackend({c.path, c.direct, c.overwrite});
               }});
  r.push_back(
      {"null", "completes every I/O at once; measures the harness itself",
       [] { return std::string(); },
       [](const BackendConfig&) -> Result<std::unique_ptr<Backend>> { return MakeNullBackend(); }});
  r.push_back({"ref", "embedded reference cluster: healbench nodes, client or server replication",
               [] { return std::string(); },
               [](const BackendConfig& c) -> Result<std::unique_ptr<Backend>> {
                 return MakeRefBackend(c.options);
               }});
#ifdef HEALBENCH_HAVE_NBD
  r.push_back({"nbd", "NBD exports through libnbd (nbd://HOST:PORT/EXPORT, nbd+unix://)",
               [] { return std::string(); },
               [](const BackendConfig& c) -> Result<std::unique_ptr<Backend>> {
                 auto url = NbdUrlFromOptions(c.options);
                 if (!url.ok()) return url.error();
                 return MakeNbdBackend({*url});
               }});
#else
  const std::string no_nbd = "built without libnbd (install libnbd-dev)";
  r.push_back({"nbd", "NBD exports through libnbd", [no_nbd] { return no_nbd; }, NotBuilt(no_nbd)});
#endif
#ifdef HEALBENCH_HAVE_ISCSI
  r.push_back({"iscsi", "an iSCSI LUN through libiscsi (iscsi://HOST[:PORT]/IQN/LUN)",
               [] { return std::string(); },
               [](const BackendConfig& c) -> Result<std::unique_ptr<Backend>> {
                 return MakeIscsiBackendFromOptions(c.options);
               }});
#else
  const std::string no_iscsi = "built without libiscsi (install libiscsi-dev)";
  r.push_back({"iscsi", "iSCSI LUNs through libiscsi", [no_iscsi] { return no_iscsi; },
               NotBuilt(no_iscsi)});
#endif
#ifdef HEALBENCH_HAVE_GFAPI
  r.push_back({"gfapi", "files in a GlusterFS volume through libgfapi (no FUSE mount)",
               [] { return std::string(); },
               [](const BackendConfig& c) -> Result<std::unique_ptr<Backend>> {
                 return MakeGfapiBackend(c.path, c.options, c.overwrite);
               }});
#else
  const std::string no_gfapi = "built without libgfapi (install libglusterfs-dev)";
  r.push_back({"gfapi", "files in a GlusterFS volume through libgfapi",
               [no_gfapi] { return no_gfapi; }, NotBuilt(no_gfapi)});
#endif
#ifdef HEALBENCH_HAVE_RBD
  r.push_back({"rbd", "Ceph RBD images in a pool through librbd's async API (no kernel map)",
               [] { return std::string(); },
               [](const BackendConfig& c) -> Result<std::unique_ptr<Backend>> {
                 return MakeRbdBackend(c.direct, c.options);
               }});
#else
  const std::string no_rbd = "built without librbd (install librbd-dev librados-dev)";
  r.push_back(
      {"rbd", "Ceph RBD images through librbd", [no_rbd] { return no_rbd; }, NotBuilt(no_rbd)});
#endif
  return r;
}

}  // namespace

const std::vector<BackendEntry>& BackendRegistry() {
  static const std::vector<BackendEntry> registry = MakeRegistry();
  return registry;
}

const BackendEntry* FindBackend(const std::string& name) {
  for (const BackendEntry& e : BackendRegistry()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace healbench
