// Run-time probes: which command each kind runs and which parser reads it.
#include "harness/probes/sync_probe.h"

#include <fstream>
#include <sstream>

#include "harness/faults/command_runner.h"
#include "harness/probes/ceph_config_show.h"
#include "harness/probes/ceph_status.h"
#include "harness/probes/command_output.h"
#include "harness/probes/drbd_status.h"
#include "harness/probes/gluster_heal.h"
#include "harness/probes/gluster_volume_get.h"
#include "harness/probes/md_status.h"

namespace healbench {
namespace {

// Runs argv through the prefix; the output, or why there is none.
struct Output {
  bool ok = false;
  std::string text, why;
};

class CommandRunningProbe : public SyncProbe {
 public:
  explicit CommandRunningProbe(ProbeSpec spec) : spec_(std::move(spec)) {}

 protected:
  Output Run(const std::vector<std::string>& argv, bool shell = false) const {
    CommandSpec c;
    if (shell && spec_.prefix.empty()) {
      c = {argv, true};
    } else {
      c.argv = spec_.prefix;
      if (shell) {
        c.argv.insert(c.argv.end(), {"sh", "-c", argv.at(0)});
      } else {
        c.argv.insert(c.argv.end(), argv.begin(), argv.end());
      }
    }
    const CommandOutcome o = RunCommand(c, spec_.timeout_ns, cancel_);
    if (o.ok) return {true, o.output, ""};
    return {false, o.output,
            DescribeCommand(c) + ": " + o.error +
                (o.output.empty() ? "" : ": " + o.output.substr(0, 300))};
  }
  const ProbeSpec spec_;
};

class GlusterProbe final : public CommandRunningProbe {
 public:
  GlusterProbe(ProbeSpec spec, std::uint64_t image_size)
      : CommandRunningProbe(std::move(spec)), image_size_(image_size) {}
  std::string Kind() const override { return "gluster"; }
  SyncSample Sample() override {
    GlusterOptions o{spec_.volume, spec_.shard_size, image_size_, false};
    // The summary in XML is the cheapest complete answer; the plain listing is the fallback.
    // Only when the summary answered but could not be read: a CLI that timed out would
    // time out again, and one reading must stay within the probe's timeout.
    Output out = Run({"gluster", "volume", "heal", spec_.volume, "info", "summary", "--xml"});
    if (!out.ok) return UnknownSample(out.why);
    SyncSample s = ParseGlusterHealInfo(out.text, o);
    if (s.state != SyncState::kUnknown) return s;
    Output text = Run({"gluster", "volume", "heal", spec_.volume, "info"});
    if (!text.ok) return UnknownSample(text.why);
    return ParseGlusterHealInfo(text.text, o);
  }
  std::optional<ExpectedStall> ReadExpectedStall() override {
    Output out = Run({"gluster", "volume", "get", spec_.volume, "network.ping-timeout"});
    if (!out.ok) return std::nullopt;
    const auto seconds = GlusterPingTimeoutSeconds(out.text);
    if (!seconds) return std::nullopt;
    return ExpectedStall{*seconds, "network.ping-timeout of volume " + spec_.volume};
  }

 private:
  std::uint64_t image_size_;
};

class DrbdProbe final : public CommandRunningProbe {
 public:
  using CommandRunningProbe::CommandRunningProbe;
  std::string Kind() const override { return "drbd"; }
  SyncSample Sample() override {
    Output out = Run({"drbdsetup", "status", "--json", spec_.resource});
    if (!out.ok) return UnknownSample(out.why);
    DrbdOptions o;
    o.resource = spec_.resource == "all" ? "" : spec_.resource;
    return ParseDrbdStatus(out.text, o);
  }
};

class CephProbe final : public CommandRunningProbe {
 public:
  using CommandRunningProbe::CommandRunningProbe;
  std::string Kind() const override { return "ceph"; }
  SyncSample Sample() override {
    Output out = Run({"ceph", "status", "-f", "json"});
    if (!out.ok) return UnknownSample(out.why);
    SyncSample s = ParseCephStatus(out.text, CephOptions{});
    for (const std::string& osd : spec_.osds) {
      // ok-to-stop says "no" with a non-zero exit: its text is the answer either way.
      Output ok = Run({"ceph", "osd", "ok-to-stop", osd, "-f", "json"});
      const CephOkToStop answer = ParseCephOkToStop(ok.text + ok.why);
      if (answer.ok_to_stop) s.safe_to_stop["osd." + osd] = *answer.ok_to_stop;
    }
    return s;
  }
  // A frozen OSD keeps its connections: its peers report it after osd_heartbeat_grace and
  // the monitor marks it down, then I/O re-peers. `config show` gives the running daemon's
  // value (ceph.conf included); `config get` would give only the monitor database's.
  std::optional<ExpectedStall> ReadExpectedStall() override {
    const std::string who = "osd." + (spec_.osds.empty() ? std::string("0") : spec_.osds.front());
    Output out = Run({"ceph", "config", "show", who, "osd_heartbeat_grace"});
    if (!out.ok) return std::nullopt;
    const auto seconds = ParseCephConfigSeconds(out.text);
    if (!seconds) return std::nullopt;
    return ExpectedStall{*seconds, "osd_heartbeat_grace of " + who};
  }
};

class MdProbe final : public CommandRunningProbe {
 public:
  using CommandRunningProbe::CommandRunningProbe;
  std::string Kind() const override { return "md"; }
  SyncSample Sample() override {
    MdOptions o;
    o.array = spec_.device;
    Output mdstat = Read("/proc/mdstat");
    if (!mdstat.ok) return UnknownSample(mdstat.why);
    if (!spec_.device.empty()) {
      o.sync_action = Read("/sys/block/" + spec_.device + "/md/sync_action").text;
      o.sync_completed = Read("/sys/block/" + spec_.device + "/md/sync_completed").text;
    }
    return ParseMdstat(mdstat.text, o);
  }

 private:
  // Local files are read directly; through a prefix (another host) with cat.
  Output Read(const std::string& path) const {
    if (!spec_.prefix.empty()) return Run({"cat", path});
    std::ifstream in(path);
    if (!in) return {false, "", "cannot read " + path};
    std::ostringstream text;
    text << in.rdbuf();
    return {true, text.str(), ""};
  }
};

class UserCommandProbe final : public CommandRunningProbe {
 public:
  using CommandRunningProbe::CommandRunningProbe;
  std::string Kind() const override { return "command"; }
  SyncSample Sample() override {
    Output out = Run(spec_.command.argv, spec_.command.shell);
    if (!out.ok) return UnknownSample(out.why);
    CommandProbeOptions o;
    o.in_sync_regex = spec_.in_sync_regex;
    o.pending_regex = spec_.pending_regex;
    o.in_sync_pointer = spec_.in_sync_pointer;
    o.pending_pointer = spec_.pending_pointer;
    return ParseCommandOutput(out.text, o);
  }
};

}  // namespace

Result<std::unique_ptr<SyncProbe>> MakeSyncProbe(const ProbeSpec& spec,
                                                 std::uint64_t image_size_bytes) {
  if (spec.kind == "gluster")
    return std::unique_ptr<SyncProbe>(std::make_unique<GlusterProbe>(spec, image_size_bytes));
  if (spec.kind == "drbd") return std::unique_ptr<SyncProbe>(std::make_unique<DrbdProbe>(spec));
  if (spec.kind == "ceph") return std::unique_ptr<SyncProbe>(std::make_unique<CephProbe>(spec));
  if (spec.kind == "md") return std::unique_ptr<SyncProbe>(std::make_unique<MdProbe>(spec));
  if (spec.kind == "command")
    return std::unique_ptr<SyncProbe>(std::make_unique<UserCommandProbe>(spec));
  if (spec.kind == "ref") {
    return MakeError(ErrorCode::kNotSupported,
                     "probe.kind = \"ref\" reads the reference cluster's own state from inside a "
                     "run with backend.kind = \"ref\"; it has no status command to run on its own");
  }
  return MakeError(ErrorCode::kBadInput, "probe.kind = \"" + spec.kind + "\" is unknown");
}

}  // namespace healbench
