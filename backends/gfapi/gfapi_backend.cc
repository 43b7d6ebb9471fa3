// gfapi backend: parses the options, connects the run's one GfapiVolume, creates the images
// (PREFIX-N.img, sparse) in the chosen directory and gives each worker a GfapiQueue over them.
#include "backends/gfapi/gfapi_backend.h"

#include <cstdio>

#include "backends/gfapi/gfapi_options.h"
#include "backends/gfapi/gfapi_queue.h"
#include "backends/gfapi/gfapi_volume.h"
#include "backends/image_mark.h"

namespace healbench {
namespace {

class GfapiBackend final : public Backend {
 public:
  GfapiBackend(GfapiOptions options, std::unique_ptr<GfapiVolume> volume)
      : options_(std::move(options)), volume_(std::move(volume)) {}

  std::string Kind() const override { return "gfapi"; }
  Capabilities Caps() const override {
    return {.flush = true, .discard = true, .registered_buffers = false, .alignment = 1};
  }

  Result<std::vector<ImageInfo>> Prepare(const std::vector<ImageSpec>& images) override {
    if (auto rc = volume_->MakeDirs(options_.dir); !rc.ok()) return rc.error();
    std::vector<ImageInfo> out;
    for (const ImageSpec& s : images) {
      const std::string path = (options_.dir == "/" ? "" : options_.dir) + "/" + s.name + ".img";
      auto im = volume_->OpenImage(path, s.size_bytes, options_.overwrite, run_id_);
      if (!im.ok()) return im.error();
      fds_.push_back(im->fd);
      out.push_back({s.name, volume_->Url() + path, s.size_bytes, im->created});
    }
    return out;
  }

  Result<std::unique_ptr<BackendQueue>> NewQueue(const std::vector<std::uint32_t>&,
                                                 std::uint32_t depth) override {
    if (fds_.empty()) return MakeError(ErrorCode::kInternal, "gfapi: NewQueue before Prepare");
    return MakeGfapiQueue(fds_, depth);
  }

 private:
  const GfapiOptions options_;
  std::unique_ptr<GfapiVolume> volume_;
  std::vector<glfs_fd*> fds_;                   // owned by volume_
  const std::string run_id_ = NewImageRunId();  // the mark on the images this run creates
};

}  // namespace

Result<std::unique_ptr<Backend>> MakeGfapiBackend(const std::string& path,
                                                  const std::map<std::string, std::string>& options,
                                                  bool overwrite) {
  auto o = ParseGfapiOptions(path, options);
  if (!o.ok()) return o.error();
  o->overwrite = overwrite;
  auto volume = GfapiVolume::Connect(*o);
  if (!volume.ok()) return volume.error();
  fprintf(stderr, "healbench: gfapi: %s open (log: %s, level %s)\n", (*volume)->Url().c_str(),
          o->logfile.c_str(), o->loglevel_name.c_str());
  return std::unique_ptr<Backend>(std::make_unique<GfapiBackend>(*o, std::move(*volume)));
}

}  // namespace healbench
