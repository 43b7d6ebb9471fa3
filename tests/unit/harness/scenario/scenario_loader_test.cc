// Tests for the scenario loader: defaults, --set overrides with and without a file, the exact
// text of each kind of error (file:line, key, what was expected), and that a resolved
// scenario written out by ScenarioToJson loads back to the same scenario.
#include "harness/scenario/scenario_loader.h"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace healbench {
namespace {

constexpr const char* kDurationHint =
    "expected a number with a unit (ns, us, ms, s, m, h; a bare number is seconds)";

class ScenarioLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "healbench_scenario_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `text` to DIR/NAME and returns its path.
  std::string Write(const std::string& text, const std::string& name = "s.toml") {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  Scenario LoadOk(const std::string& text, const std::vector<std::string>& sets = {}) {
    auto r = LoadScenarioFile(Write(text), sets);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : Scenario{};
  }

  // The error message with the scenario path replaced by "S", so expectations read plainly.
  std::string LoadError(const std::string& text, const std::vector<std::string>& sets = {}) {
    const std::string path = Write(text);
    auto r = LoadScenarioFile(path, sets);
    EXPECT_FALSE(r.ok());
    if (r.ok()) return "";
    EXPECT_EQ(r.error().code, ErrorCode::kBadInput);
    std::string m = r.error().message;
    for (std::size_t at; (at = m.find(path)) != std::string::npos;) m.replace(at, path.size(), "S");
    return m;
  }

  std::string dir_;
};

std::string SetsError(const std::vector<std::string>& sets) {
  auto r = LoadScenarioFromSets(sets);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, ErrorCode::kBadInput);
  return r.error().message;
}

const char* const kNullBackend = "[backend]\nkind = \"null\"\n";

// --- loading and defaults ---------------------------------------------------------------

TEST_F(ScenarioLoaderTest, MissingKeysTakeTheirDefaults) {
  Scenario s = LoadOk(kNullBackend);
  EXPECT_EQ(s.source, dir_ + "/s.toml");
  EXPECT_EQ(s.run.name, "run");
  EXPECT_EQ(s.run.duration_ns, 60 * kNsPerSec);
  EXPECT_EQ(s.run.interval_ns, kNsPerSec);
  EXPECT_EQ(s.run.stall_threshold_ns, 500 * kNsPerMs);
  EXPECT_FALSE(s.run.seed.has_value());
  EXPECT_EQ(s.backend.kind, "null");
  EXPECT_EQ(s.images.count, 1u);
  EXPECT_EQ(s.images.size_bytes, 1ull << 30);
  EXPECT_EQ(s.images.prefix, "vm");
  EXPECT_EQ(s.workload.profile, "vm-mixed");
  EXPECT_FALSE(s.workload.bs.has_value());
  EXPECT_FALSE(s.workload.rate_iops.has_value());
  EXPECT_FALSE(s.has_nodes || s.has_faults || s.has_probe);
  EXPECT_EQ(s.slo,
            (std::map<std::string, double>{{"max_lost_writes", 0}, {"max_damaged_blocks", 0}}));
}

TEST_F(ScenarioLoaderTest, EveryKeyOfTheFormatIsRead) {
  Scenario s = LoadOk(R"(
[run]
name = "gluster-afr"
duration = "5m"
interval = "500ms"
stall_threshold = "250ms"
seed = 42
out = "results/afr"
threads = 4
drain_timeout = "10s"

[backend]
kind = "file"
path = "/mnt/gv0"
direct = false

[images]
count = 8
size = "100GiB"
prefix = "guest_01.disk"

[workload]
profile = "randrw"
bs = ["4k:70", "64KiB:30"]
read_pct = 65.5
random_pct = 90
iodepth = 32
rate_iops = 2000
spacing = "poisson"
fsync_every = 16
verify = true

[slo]
max_stall = "2s"
max_failover = "45s"
max_time_to_in_sync = "10m"
max_p99_during_heal = "50ms"
max_lost_writes = 0
)");
  EXPECT_EQ(s.run.name, "gluster-afr");
  EXPECT_EQ(s.run.duration_ns, 300 * kNsPerSec);
  EXPECT_EQ(s.run.interval_ns, 500 * kNsPerMs);
  EXPECT_EQ(s.run.stall_threshold_ns, 250 * kNsPerMs);
  EXPECT_EQ(s.run.seed, std::optional<std::uint64_t>(42));
  EXPECT_EQ(s.run.out, "results/afr");
  EXPECT_EQ(s.run.threads, 4u);
  EXPECT_EQ(s.run.drain_timeout_ns, 10 * kNsPerSec);
  EXPECT_EQ(s.backend.kind, "file");
  EXPECT_EQ(s.backend.path, "/mnt/gv0");
  EXPECT_FALSE(s.backend.direct);
  EXPECT_EQ(s.images.count, 8u);
  EXPECT_EQ(s.images.size_bytes, 100ull << 30);
  EXPECT_EQ(s.images.prefix, "guest_01.disk");
  EXPECT_EQ(s.workload.profile, "randrw");
  ASSERT_TRUE(s.workload.bs.has_value());
  ASSERT_EQ(s.workload.bs->size(), 2u);
  EXPECT_EQ((*s.workload.bs)[0].bytes, 4096u);
  EXPECT_EQ((*s.workload.bs)[0].weight, 70u);
  EXPECT_EQ((*s.workload.bs)[1].bytes, 65536u);
  EXPECT_EQ((*s.workload.bs)[1].weight, 30u);
  EXPECT_EQ(s.workload.read_pct, 65.5);
  EXPECT_EQ(s.workload.random_pct, 90.0);
  EXPECT_EQ(s.workload.iodepth, 32u);
  EXPECT_EQ(s.workload.rate_iops, 2000.0);
  EXPECT_EQ(s.workload.spacing, Spacing::kPoisson);
  EXPECT_EQ(s.workload.fsync_every, 16u);
  EXPECT_TRUE(s.workload.verify);
  EXPECT_EQ(s.slo, (std::map<std::string, double>{{"max_stall", 2.0},
                                                  {"max_failover", 45.0},
                                                  {"max_time_to_in_sync", 600.0},
                                                  {"max_p99_during_heal", 0.05},
                                                  {"max_lost_writes", 0},
                                                  {"max_damaged_blocks", 0}}));
}

TEST_F(ScenarioLoaderTest, NumbersAreAcceptedAsSecondsAndBytes) {
  Scenario s = LoadOk(std::string(kNullBackend) +
                      "[run]\nduration = 90\nstall_threshold = 0.25\n"
                      "[images]\nsize = 1048576\n[workload]\nbs = 8192\n");
  EXPECT_EQ(s.run.duration_ns, 90 * kNsPerSec);
  EXPECT_EQ(s.run.stall_threshold_ns, 250 * kNsPerMs);
  EXPECT_EQ(s.images.size_bytes, 1u << 20);
  ASSERT_TRUE(s.workload.bs.has_value());
  EXPECT_EQ(s.workload.bs->at(0).bytes, 8192u);
  EXPECT_EQ(s.workload.bs->at(0).weight, 1u);
}

TEST_F(ScenarioLoaderTest, RefBackendKeysAreCheckedAndKeptAsTomlText) {
  Scenario s = LoadOk(R"([backend]
kind = "ref"
replication = "client"
replicas = 3
ping_timeout = "10s"
heal_lock = "image"
heal_algorithm = "diff"
heal_rate = "100MiB"
nodes = ["127.0.0.1:7001", "127.0.0.1:7002"]
)");
  EXPECT_EQ(s.backend.kind, "ref");
  EXPECT_EQ(s.backend.options.at("replication"), "'client'");
  EXPECT_EQ(s.backend.options.at("replicas"), "3");
  EXPECT_EQ(s.backend.options.at("ping_timeout"), "'10s'");
  EXPECT_EQ(s.backend.options.at("heal_rate"), "'100MiB'");
  EXPECT_EQ(s.backend.options.at("nodes"), "[ '127.0.0.1:7001', '127.0.0.1:7002' ]");
  EXPECT_EQ(s.backend.options.size(), 7u);
}

TEST_F(ScenarioLoaderTest, NodesFaultsAndProbeAreRecordedWithTheirKeys) {
  Scenario s = LoadOk(std::string(kNullBackend) + R"(
[nodes.node1]
injector = "signal"
pidfile = "/run/glusterfsd.pid"

[[fault]]
at = "30s"
action = "freeze"
node = "node1"

[[fault]]
wait_until = "in_sync"
timeout = "5m"

[probe]
kind = "gluster"
volume = "gv0"
interval = "2s"
)");
  EXPECT_TRUE(s.has_nodes);
  EXPECT_TRUE(s.has_faults);
  EXPECT_TRUE(s.has_probe);
  EXPECT_EQ(s.raw_nodes.at("node1").at("injector"), "'signal'");
  ASSERT_EQ(s.raw_faults.size(), 2u);
  EXPECT_EQ(s.raw_faults[0].at("action"), "'freeze'");
  EXPECT_EQ(s.raw_faults[1].at("wait_until"), "'in_sync'");
  EXPECT_EQ(s.raw_probe.at("volume"), "'gv0'");
}

// --- --set ------------------------------------------------------------------------------

TEST_F(ScenarioLoaderTest, SetOverridesTheFileValue) {
  Scenario s = LoadOk(std::string(kNullBackend) + "[run]\nduration = \"60s\"\nname = \"a\"\n",
                      {"run.duration=30s", "run.duration=45s"});
  EXPECT_EQ(s.run.duration_ns, 45 * kNsPerSec);  // the later set wins
  EXPECT_EQ(s.run.name, "a");
}

TEST_F(ScenarioLoaderTest, SetAddsKeysAndSectionsTheFileDoesNotHave) {
  Scenario s = LoadOk(kNullBackend, {"slo.max_stall=2s", "nodes.node1.injector=proxy",
                                     "nodes.node1.listen=127.0.0.1:0",
                                     "nodes.node1.upstream=127.0.0.1:10809", "images.count=4"});
  EXPECT_EQ(s.slo.at("max_stall"), 2.0);
  EXPECT_TRUE(s.has_nodes);
  EXPECT_EQ(s.raw_nodes.at("node1").at("injector"), "'proxy'");
  EXPECT_EQ(s.images.count, 4u);
}

TEST(ScenarioLoaderSets, SetsAloneMakeAScenario) {
  auto r = LoadScenarioFromSets({"backend.kind=null", "run.duration=5s", "workload.profile=db",
                                 "workload.bs=4k:70,64k:30", "workload.verify=true",
                                 "images.size=64MiB"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->source, "--set");
  EXPECT_EQ(r->backend.kind, "null");
  EXPECT_EQ(r->run.duration_ns, 5 * kNsPerSec);
  EXPECT_EQ(r->workload.profile, "db");
  ASSERT_TRUE(r->workload.bs.has_value());
  ASSERT_EQ(r->workload.bs->size(), 2u);
  EXPECT_EQ(r->workload.bs->at(1).bytes, 65536u);
  EXPECT_EQ(r->workload.bs->at(1).weight, 30u);
  EXPECT_TRUE(r->workload.verify);
  EXPECT_EQ(r->images.size_bytes, 64u << 20);
}

TEST(ScenarioLoaderSets, WorkloadOverwriteIsABooleanOffByDefaultAndResolved) {
  auto off = LoadScenarioFromSets({"backend.kind=null"});
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_FALSE(off->workload.overwrite);
  auto on = LoadScenarioFromSets({"backend.kind=null", "workload.overwrite=true"});
  ASSERT_TRUE(on.ok()) << on.error().message;
  EXPECT_TRUE(on->workload.overwrite);
  EXPECT_EQ(ScenarioToJson(*on)["workload"]["overwrite"], true);
  auto bad = LoadScenarioFromSets({"backend.kind=null", "workload.overwrite=maybe"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("workload.overwrite: expected true or false"),
            std::string::npos)
      << bad.error().message;
}

TEST(ScenarioLoaderSets, ValueIsTomlWhenItParsesAndABareStringOtherwise) {
  auto r = LoadScenarioFromSets({"backend.kind=file", "backend.path=/mnt/my vm images",
                                 "backend.direct=false", "workload.bs=[\"4k:70\", \"64k:30\"]",
                                 "run.name=2024", "run.out=\"quoted dir\"", "run.seed=7"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->backend.path, "/mnt/my vm images");
  EXPECT_FALSE(r->backend.direct);
  ASSERT_TRUE(r->workload.bs.has_value());
  EXPECT_EQ(r->workload.bs->size(), 2u);
  EXPECT_EQ(r->run.name, "2024");  // a string key takes the text even if it looks numeric
  EXPECT_EQ(r->run.out, "quoted dir");
  EXPECT_EQ(r->run.seed, std::optional<std::uint64_t>(7));
}

TEST(ScenarioLoaderSets, FloatSecondsRoundToTheNanosecondAndNodesTakeACommaList) {
  auto r =
      LoadScenarioFromSets({"backend.kind=ref", "run.stall_threshold=1e-3", "run.drain_timeout=0.1",
                            "backend.nodes=10.0.0.1:7000, 10.0.0.2:7000"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->run.stall_threshold_ns, kNsPerMs);
  EXPECT_EQ(r->run.drain_timeout_ns, 100 * kNsPerMs);
  EXPECT_EQ(r->backend.options.at("nodes"), "[ '10.0.0.1:7000', '10.0.0.2:7000' ]");
  EXPECT_EQ(SetsError({"backend.kind=null", "run.duration=-1.5"}),
            "--set run.duration: invalid duration -1.5: must not be negative");
}

TEST(ScenarioLoaderSets, ASetWithoutSectionOrValueIsRefused) {
  EXPECT_EQ(SetsError({"backend.kind=null", "run.duration"}),
            "--set run.duration: expected section.key=value (e.g. run.duration=60s)");
  EXPECT_EQ(SetsError({"backend.kind=null", "duration=5s"}),
            "--set duration=5s: expected section.key=value (e.g. run.duration=60s)");
  EXPECT_EQ(SetsError({"backend.kind=null", "run..x=1"}),
            "--set run..x=1: expected section.key=value (e.g. run.duration=60s)");
}

TEST(ScenarioLoaderSets, ErrorsNameTheSet) {
  EXPECT_EQ(SetsError({"backend.kind=null", "run.duration=5x"}),
            std::string("--set run.duration: invalid duration \"5x\": ") + kDurationHint);
  EXPECT_EQ(SetsError({"backend.kind=null", "images.count=many"}),
            "--set images.count: expected an integer, got string \"many\"");
  EXPECT_EQ(SetsError({"backend.kind=null", "rn.duration=5s"}),
            "--set rn.duration: unknown section [rn] (did you mean [run]?)");
}

TEST_F(ScenarioLoaderTest, SetBelowAKeyThatIsNotATableIsRefused) {
  EXPECT_EQ(
      LoadError(std::string(kNullBackend) + "[run]\nduration = \"60s\"\n", {"run.duration.x=5s"}),
      "--set run.duration.x: run.duration is not a table (it is string \"60s\")");
}

TEST_F(ScenarioLoaderTest, SetErrorNamesTheSetEvenWhenTheFileHasTheKey) {
  EXPECT_EQ(
      LoadError(std::string(kNullBackend) + "[run]\nduration = \"60s\"\n", {"run.duration=-1s"}),
      "--set run.duration: invalid duration \"-1s\": must not be negative");
}

TEST(ScenarioLoaderSets, FileBackendWithoutPathIsRefused) {
  EXPECT_EQ(SetsError({}), "backend.path is required for kind = \"file\"");
  EXPECT_EQ(SetsError({"backend.kind=file"}),
            "--set backend.kind: backend.path is required for kind = \"file\"");
}

// --- errors in files --------------------------------------------------------------------

TEST_F(ScenarioLoaderTest, BadValueNamesFileLineAndKey) {
  EXPECT_EQ(LoadError(std::string(kNullBackend) + "[run]\nname = \"x\"\nduration = \"5x\"\n"),
            std::string("S:5: key run.duration: invalid duration \"5x\": ") + kDurationHint);
}

TEST_F(ScenarioLoaderTest, UnknownKeySuggestsTheClosestName) {
  EXPECT_EQ(LoadError(std::string(kNullBackend) + "[run]\nduraton = \"5s\"\n"),
            "S:4: key run.duraton: unknown key in [run] (did you mean \"duration\"?)");
  EXPECT_EQ(LoadError(std::string(kNullBackend) + "[run]\ncolour = \"blue\"\n"),
            "S:4: key run.colour: unknown key in [run]");
}

TEST_F(ScenarioLoaderTest, UnknownSectionIsNamed) {
  EXPECT_EQ(LoadError(std::string(kNullBackend) + "[workloads]\nprofile = \"db\"\n"),
            "S:3: unknown section [workloads] (did you mean [workload]?)");
  EXPECT_EQ(LoadError(std::string(kNullBackend) + "[frobnicate]\n"),
            "S:3: unknown section [frobnicate]");
  EXPECT_EQ(LoadError("duration = \"5s\"\n" + std::string(kNullBackend)),
            "S:1: key duration: keys belong in a section ([run], [backend], [images], "
            "[workload], ...)");
}

TEST_F(ScenarioLoaderTest, WrongTypeSaysWhatWasExpected) {
  const std::string b = kNullBackend;
  EXPECT_EQ(LoadError(b + "[images]\ncount = \"4\"\n"),
            "S:4: key images.count: expected an integer, got string \"4\"");
  EXPECT_EQ(LoadError(b + "[workload]\nverify = \"yes\"\n"),
            "S:4: key workload.verify: expected true or false, got string \"yes\"");
  EXPECT_EQ(LoadError(b + "[run]\nname = 5\n"),
            "S:4: key run.name: expected a string, got integer 5");
  EXPECT_EQ(LoadError(b + "[run]\nduration = true\n"),
            "S:4: key run.duration: expected a duration (e.g. \"30s\", \"500ms\"), got boolean "
            "true");
  EXPECT_EQ(LoadError(b + "[images]\nsize = 1.5\n"),
            "S:4: key images.size: expected a size (e.g. \"4k\", \"1GiB\", or bytes as an "
            "integer), got float 1.5");
  EXPECT_EQ(LoadError(b + "[workload]\nread_pct = \"half\"\n"),
            "S:4: key workload.read_pct: expected a number, got string \"half\"");
  EXPECT_EQ(LoadError("run = 5\n" + b), "S:1: key run: expected a table [run], got integer 5");
  EXPECT_EQ(LoadError(b + "[fault]\nat = \"5s\"\n"),
            "S:3: key fault: expected [[fault]] tables, got table");
}

TEST_F(ScenarioLoaderTest, OutOfRangeValuesAreRefusedWithTheRange) {
  const std::string b = kNullBackend;
  EXPECT_EQ(LoadError(b + "[run]\ninterval = \"50ms\"\n"),
            "S:4: key run.interval: 50ms is out of range (100ms..1h)");
  EXPECT_EQ(LoadError(b + "[run]\nthreads = 2000\n"),
            "S:4: key run.threads: 2000 is out of range (0..1024)");
  EXPECT_EQ(LoadError(b + "[run]\nseed = -1\n"), "S:4: key run.seed: -1 is too small (at least 0)");
  EXPECT_EQ(LoadError(b + "[run]\nstall_threshold = \"0s\"\n"),
            "S:4: key run.stall_threshold: must be greater than 0");
  EXPECT_EQ(LoadError(b + "[images]\ncount = 0\n"),
            "S:4: key images.count: 0 is out of range (1..4096)");
  EXPECT_EQ(LoadError(b + "[images]\nsize = \"1k\"\n"),
            "S:4: key images.size: 1KiB is too small (at least 4KiB)");
  EXPECT_EQ(LoadError(b + "[images]\nprefix = \"a/b\"\n"),
            "S:4: key images.prefix: \"a/b\": use 1 or more of A-Z a-z 0-9 . _ -");
  EXPECT_EQ(LoadError(b + "[workload]\niodepth = 0\n"),
            "S:4: key workload.iodepth: 0 is out of range (1..4096)");
  EXPECT_EQ(LoadError(b + "[workload]\nread_pct = 150\n"),
            "S:4: key workload.read_pct: 150 is out of range (0..100)");
  EXPECT_EQ(LoadError(b + "[workload]\nrate_iops = 0\n"),
            "S:4: key workload.rate_iops: must be greater than 0 (leave it out for a closed "
            "loop)");
  EXPECT_EQ(LoadError(b + "[workload]\nspacing = \"burst\"\n"),
            "S:4: key workload.spacing: \"burst\" is not one of \"fixed\", \"poisson\"");
}

TEST_F(ScenarioLoaderTest, UnknownProfileListsTheProfiles) {
  const std::string m =
      LoadError(std::string(kNullBackend) + "[workload]\nprofile = \"vm-mixd\"\n");
  EXPECT_EQ(m.rfind("S:4: key workload.profile: \"vm-mixd\" is not one of \"vm-mixed\", ", 0), 0u)
      << m;
  EXPECT_NE(m.find("\"boot-storm\" (did you mean \"vm-mixed\"?)"), std::string::npos) << m;
}

TEST_F(ScenarioLoaderTest, BlockSizesMustBeSectorMultiplesUpTo16MiB) {
  const std::string b = std::string(kNullBackend) + "[workload]\n";
  EXPECT_EQ(LoadError(b + "bs = 100\n"),
            "S:4: key workload.bs: \"100\": block size 100B is out of range (512B..16MiB)");
  EXPECT_EQ(LoadError(b + "bs = \"32MiB\"\n"),
            "S:4: key workload.bs: \"32MiB\": block size 32MiB is out of range (512B..16MiB)");
  EXPECT_EQ(LoadError(b + "bs = \"1000\"\n"),
            "S:4: key workload.bs: \"1000\": block size 1000 is not a multiple of 512");
  EXPECT_EQ(LoadError(b + "bs = [\"4k:x\"]\n"),
            "S:4: key workload.bs: \"4k:x\": the weight after ':' must be an integer 1..1000000");
  EXPECT_EQ(LoadError(b + "bs = [\"4q:1\"]\n"),
            "S:4: key workload.bs: invalid size \"4q\": expected a number with an optional unit "
            "(k, M, G, T; 1k = 1024 bytes) (a block size is SIZE or SIZE:WEIGHT)");
  EXPECT_EQ(LoadError(b + "bs = []\n"), "S:4: key workload.bs: needs at least one block size");
}

TEST_F(ScenarioLoaderTest, IntervalLongerThanDurationIsRefused) {
  EXPECT_EQ(LoadError(std::string(kNullBackend) + "[run]\nduration = \"1m\"\ninterval = \"2m\"\n"),
            "S:5: key run.interval: run.interval (2m) must not be longer than run.duration (1m)");
  EXPECT_EQ(LoadError(std::string(kNullBackend) + "[run]\nduration = \"500ms\"\n"),
            "S:4: key run.duration: run.interval (1s) must not be longer than run.duration "
            "(500ms)");
}

TEST_F(ScenarioLoaderTest, FileBackendRequiresAPath) {
  EXPECT_EQ(LoadError("[backend]\nkind = \"file\"\n"),
            "S:2: key backend.kind: backend.path is required for kind = \"file\"");
  EXPECT_EQ(LoadError("[backend]\ndirect = false\n"),
            "S:1: backend.path is required for kind = \"file\"");
  EXPECT_EQ(LoadError("[run]\nname = \"x\"\n"), "S: backend.path is required for kind = \"file\"");
}

TEST_F(ScenarioLoaderTest, BackendKeysAreCheckedAgainstTheKind) {
  EXPECT_EQ(LoadError("[backend]\nkind = \"nfs\"\n"),
            "S:2: key backend.kind: \"nfs\" is not one of \"ref\", \"file\", \"null\", \"nbd\", "
            "\"iscsi\", \"gfapi\", \"rbd\"");
  EXPECT_EQ(LoadError(std::string(kNullBackend) + "replicas = 2\n"),
            "S:3: key backend.replicas: applies to kind = \"ref\" only (kind is \"null\")");
  EXPECT_EQ(LoadError(std::string(kNullBackend) + "replica = 2\n"),
            "S:3: key backend.replica: unknown key in [backend] (did you mean \"replicas\"?)");
  EXPECT_EQ(LoadError("[backend]\nkind = \"ref\"\nreplicas = 5\n"),
            "S:3: key backend.replicas: 5 is out of range (2..3)");
  EXPECT_EQ(LoadError("[backend]\nkind = \"ref\"\nheal_lock = \"file\"\n"),
            "S:3: key backend.heal_lock: \"file\" is not one of \"image\", \"range\"");
  EXPECT_EQ(LoadError("[backend]\nkind = \"nbd\"\nport = 70000\n"),
            "S:3: key backend.port: 70000 is out of range (1..65535)");
}

TEST_F(ScenarioLoaderTest, FaultStepsAreChecked) {
  const std::string b = kNullBackend;
  EXPECT_EQ(LoadError(b + "[[fault]]\nat = \"5s\"\naction = \"explode\"\n"),
            "S:5: key fault[0].action: \"explode\" is not one of \"disconnect\", \"reconnect\", "
            "\"partition\", \"heal_partition\", \"freeze\", \"thaw\", \"kill\", \"restart\", "
            "\"command\"");
  EXPECT_EQ(
      LoadError(b + "[[fault]]\nat = \"5s\"\naction = \"kill\"\n[[fault]]\naction = \"restart\"\n"),
      "S:3: key fault[0].node: action = \"kill\" needs node (a [nodes.NAME] name)\n"
      "S:6: fault[1] needs exactly one of at, after, wait_until");
  EXPECT_EQ(LoadError(b + "[[fault]]\nwait_until = \"in_sync\"\naction = \"kill\"\n"),
            "S:5: key fault[0].action: a wait_until step has no action");
  EXPECT_EQ(LoadError(b + "[[fault]]\nafter = \"5x\"\naction = \"kill\"\n"),
            std::string("S:4: key fault[0].after: invalid duration \"5x\": ") + kDurationHint);
  EXPECT_EQ(LoadError(b + "[[fault]]\nat = \"5s\"\nacton = \"kill\"\n"),
            "S:5: key fault[0].acton: unknown key in [[fault]] (did you mean \"action\"?)");
}

TEST_F(ScenarioLoaderTest, FaultOnAnUnknownNodeNamesTheNode) {
  EXPECT_EQ(LoadError(std::string(kNullBackend) +
                      "[nodes.a]\ninjector = \"signal\"\npid = 1\n[[fault]]\nat = \"1s\"\n"
                      "action = \"freeze\"\nnode = \"b\"\n"),
            "S:9: key fault[0].node: node \"b\" is not defined: add a [nodes.b] section with its "
            "injector (defined: \"a\")");
}

TEST_F(ScenarioLoaderTest, ActionTheInjectorCannotDoIsRefused) {
  EXPECT_EQ(LoadError(std::string(kNullBackend) +
                      "[nodes.a]\ninjector = \"signal\"\npid = 1\n[[fault]]\nat = \"1s\"\n"
                      "action = \"disconnect\"\nnode = \"a\"\n"),
            "S:8: key fault[0].action: node \"a\" cannot disconnect: a signal injector can freeze, "
            "thaw, kill and restart");
  EXPECT_EQ(LoadError(std::string(kNullBackend) +
                      "[nodes.a]\ninjector = \"command\"\nfreeze = [\"true\"]\n[[fault]]\n"
                      "at = \"1s\"\naction = \"thaw\"\nnode = \"a\"\n"),
            "S:8: key fault[0].action: node \"a\" cannot thaw: nodes.a has no command for thaw");
}

TEST_F(ScenarioLoaderTest, InjectorSettingsAreChecked) {
  EXPECT_EQ(LoadError(std::string(kNullBackend) + "[nodes.a]\ninjector = \"signal\"\n"),
            "S:3: nodes.a: a signal injector needs exactly one of pid, pidfile, pid_command");
  EXPECT_EQ(LoadError(std::string(kNullBackend) + "[nodes.a]\npid = 3\n"),
            "S:3: nodes.a needs injector = \"command\" | \"signal\" | \"proxy\" | \"netfilter\"");
  EXPECT_EQ(LoadError(std::string(kNullBackend) +
                      "[nodes.a]\ninjector = \"netfilter\"\nhost = \"127.0.0.1\"\nport = 70000\n"),
            "S:6: key nodes.a.port: 70000 is out of range (1..65535)");
}

TEST_F(ScenarioLoaderTest, WaitUntilNeedsAProbe) {
  EXPECT_EQ(LoadError(std::string(kNullBackend) + "[[fault]]\nwait_until = \"in_sync\"\n"),
            "S:4: key fault[0].wait_until: wait_until needs a [probe] to read sync state from");
}

TEST_F(ScenarioLoaderTest, StructuredTimelineIsFilledIn) {
  Scenario s = LoadOk(std::string(kNullBackend) + R"toml(
[nodes.n1]
injector = "command"
freeze = ["ssh", "s1", "pkill -STOP glusterfsd"]
thaw = "ssh s1 'pkill -CONT glusterfsd'"
timeout = "5s"
[[fault]]
at = "random(10s,20s)"
action = "freeze"
node = "n1"
[[fault]]
after = "3s"
action = "thaw"
node = "n1"
on_timeout = "abort"
)toml");
  ASSERT_EQ(s.faults.size(), 2u);
  EXPECT_EQ(s.faults[0].random_ns->first, 10 * kNsPerSec);
  EXPECT_EQ(s.faults[0].random_ns->second, 20 * kNsPerSec);
  EXPECT_EQ(*s.faults[1].after_ns, 3 * kNsPerSec);
  EXPECT_TRUE(s.faults[1].abort_on_timeout);
  const NodeSpec& n = s.nodes.at("n1");
  EXPECT_EQ(n.commands.at("freeze").argv.size(), 3u);
  EXPECT_FALSE(n.commands.at("freeze").shell);
  EXPECT_TRUE(n.commands.at("thaw").shell);
  EXPECT_EQ(n.timeout_ns, 5 * kNsPerSec);
}

TEST_F(ScenarioLoaderTest, SloKeysAreChecked) {
  const std::string b = kNullBackend;
  EXPECT_EQ(LoadError(b + "[slo]\nmax_stal = \"2s\"\n"),
            "S:4: key slo.max_stal: unknown key in [slo] (did you mean \"max_stall\"?)");
  EXPECT_EQ(LoadError(b + "[slo]\nmax_lost_writes = -1\n"),
            "S:4: key slo.max_lost_writes: -1 is too small (at least 0)");
}

TEST_F(ScenarioLoaderTest, TomlSyntaxErrorGivesLineAndColumn) {
  const std::string m = LoadError("[run]\nduration = 5s\n");
  EXPECT_EQ(m.rfind("S:2:13: TOML syntax error: ", 0), 0u) << m;
}

// Found by fuzzing (tests/fuzz/scenario_loader_fuzz.cc): toml++ 3.3.0 asserts on "[[[" in
// its debug form (marzer/tomlplusplus#301); the library healbench links must call it a syntax
// error like any other.
TEST_F(ScenarioLoaderTest, TripleBracketHeaderIsASyntaxError) {
  const std::string m = LoadError("[run]\nduration = \"5s\"\n[[[fault]]\nat = \"1s\"\n");
  EXPECT_EQ(m.rfind("S:3:3: TOML syntax error: ", 0), 0u) << m;
}

// Found by fuzzing (tests/fuzz/scenario_loader_fuzz.cc): toml++ quotes the character it
// choked on, here a newline, which split the error over two lines.
TEST_F(ScenarioLoaderTest, SyntaxErrorStaysOneLine) {
  const std::string m = LoadError("[run]\nduration =  i\nname = \"x\"\n");
  EXPECT_EQ(m.rfind("S:2:", 0), 0u) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  EXPECT_NE(m.find("saw 'i\\n'"), std::string::npos) << m;
}

// LoadScenarioText is LoadScenarioFile without the file: same checks, `name` in messages.
TEST(ScenarioLoaderText, TextIsLoadedAndErrorsNameIt) {
  auto ok = LoadScenarioText("inline.toml", "[backend]\nkind = \"null\"\n", {});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->source, "inline.toml");
  auto bad = LoadScenarioText("inline.toml",
                              "[backend]\nkind = \"null\"\n[images]\nsize = \"1ZiB\"\n", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(bad.error().message.rfind("inline.toml:4: key images.size: ", 0), 0u)
      << bad.error().message;
  auto huge = LoadScenarioText("big.toml", std::string(2u << 20, '#'), {});
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().message, "scenario file big.toml: larger than 1MiB; is it a scenario?");
}

TEST_F(ScenarioLoaderTest, EveryProblemIsReportedInLineOrder) {
  EXPECT_EQ(LoadError("[workload]\niodepth = 0\n[run]\nduration = \"5x\"\nthreads = -1\n"
                      "[backend]\nkind = \"null\"\n",
                      {"images.count=0"}),
            std::string("S:2: key workload.iodepth: 0 is out of range (1..4096)\n"
                        "S:4: key run.duration: invalid duration \"5x\": ") +
                kDurationHint +
                "\n"
                "S:5: key run.threads: -1 is out of range (0..1024)\n"
                "--set images.count: 0 is out of range (1..4096)");
}

TEST_F(ScenarioLoaderTest, MissingFileNamesThePathAndErrno) {
  auto r = LoadScenarioFile(dir_ + "/absent.toml", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(r.error().message,
            "open scenario file " + dir_ + "/absent.toml: No such file or directory [errno 2]");
}

TEST_F(ScenarioLoaderTest, DirectoryInsteadOfFileIsRefused) {
  auto r = LoadScenarioFile(dir_, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "read scenario file " + dir_ + ": Is a directory [errno 21]");
}

// --- ScenarioToJson ---------------------------------------------------------------------

// The JSON as a TOML document (nulls left out), as a user would write it back.
toml::table JsonToToml(const nlohmann::json& j);

void AddJsonValue(toml::array& out, const nlohmann::json& v);

void AddJsonValue(toml::table& out, const std::string& k, const nlohmann::json& v) {
  if (v.is_null()) return;
  if (v.is_object()) {
    out.insert(k, JsonToToml(v));
  } else if (v.is_array()) {
    toml::array a;
    for (const auto& e : v) AddJsonValue(a, e);
    out.insert(k, std::move(a));
  } else if (v.is_string()) {
    out.insert(k, v.get<std::string>());
  } else if (v.is_boolean()) {
    out.insert(k, v.get<bool>());
  } else if (v.is_number_integer()) {
    out.insert(k, v.get<std::int64_t>());
  } else {
    out.insert(k, v.get<double>());
  }
}

void AddJsonValue(toml::array& out, const nlohmann::json& v) {
  toml::table holder;
  AddJsonValue(holder, "v", v);
  out.push_back(std::move(*holder.get("v")));
}

toml::table JsonToToml(const nlohmann::json& j) {
  toml::table t;
  for (const auto& [k, v] : j.items()) AddJsonValue(t, k, v);
  return t;
}

TEST_F(ScenarioLoaderTest, JsonUsesTheFileKeysWithReadableValuesAndProfileFigures) {
  Scenario s = LoadOk("[backend]\nkind = \"null\"\n[workload]\nprofile = \"db\"\niodepth = 4\n");
  const nlohmann::json j = ScenarioToJson(s);
  EXPECT_EQ(j["run"]["duration"], "1m");
  EXPECT_EQ(j["run"]["stall_threshold"], "500ms");
  EXPECT_TRUE(j["run"]["seed"].is_null());
  EXPECT_EQ(j["images"]["size"], "1GiB");
  EXPECT_EQ(j["workload"]["iodepth"], 4);                           // the override
  EXPECT_EQ(j["workload"]["bs"], nlohmann::json::array({"8KiB"}));  // from the profile
  EXPECT_EQ(j["workload"]["fsync_every"], 1);
  EXPECT_TRUE(j["workload"]["rate_iops"].is_null());
  EXPECT_EQ(j["slo"], (nlohmann::json{{"max_lost_writes", 0}, {"max_damaged_blocks", 0}}));
  EXPECT_FALSE(j.contains("nodes"));
  EXPECT_FALSE(j.contains("fault"));
  EXPECT_FALSE(j.contains("probe"));
}

TEST_F(ScenarioLoaderTest, ResolvedScenarioLoadsBackToTheSameScenario) {
  Scenario s = LoadOk(R"(
[run]
name = "round-trip"
duration = "90s"
interval = "250ms"
seed = 12345
threads = 2
[backend]
kind = "ref"
replication = "server"
replicas = 2
resync_rate = "50MiB"
nodes = ["127.0.0.1:7001", "127.0.0.1:7002"]
[images]
count = 3
size = "1.5GiB"
prefix = "rt"
[workload]
profile = "boot-storm"
bs = ["4k:3", "1M"]
random_pct = 12.5
rate_iops = 1500.5
spacing = "poisson"
verify = true
[nodes.node1]
injector = "command"
command = { disconnect = ["iptables", "-A", "INPUT"], reconnect = ["iptables", "-D", "INPUT"] }
[nodes.node2]
injector = "signal"
pid = 4242
[[fault]]
after = "10s"
action = "disconnect"
node = "node1"
[[fault]]
wait_until = "safe_to_stop:node2"
timeout = "10m"
[probe]
kind = "ref"
interval = "500ms"
[slo]
max_stall = "1.5s"
max_time_to_in_sync = "2m"
max_lost_writes = 3
)");
  const nlohmann::json first = ScenarioToJson(s);
  std::ostringstream text;
  text << JsonToToml(first);
  auto again = LoadScenarioFile(Write(text.str(), "again.toml"), {});
  ASSERT_TRUE(again.ok()) << again.error().message << "\n" << text.str();
  EXPECT_EQ(ScenarioToJson(*again), first) << ScenarioToJson(*again).dump(2) << "\n"
                                           << first.dump(2);

  EXPECT_EQ(first["run"]["duration"], "90s");
  EXPECT_EQ(first["run"]["seed"], 12345);
  EXPECT_EQ(first["images"]["size"], "1536MiB");
  EXPECT_EQ(first["workload"]["bs"], nlohmann::json::array({"4KiB:3", "1MiB"}));
  EXPECT_EQ(first["workload"]["rate_iops"], 1500.5);
  EXPECT_EQ(first["backend"]["resync_rate"], "50MiB");
  EXPECT_EQ(first["backend"]["nodes"], nlohmann::json::array({"127.0.0.1:7001", "127.0.0.1:7002"}));
  EXPECT_EQ(first["nodes"]["node1"]["command"]["reconnect"][1], "-D");
  EXPECT_EQ(first["fault"][1]["wait_until"], "safe_to_stop:node2");
  EXPECT_EQ(first["slo"]["max_stall"], "1500ms");
  EXPECT_EQ(first["slo"]["max_lost_writes"], 3);
}

}  // namespace
}  // namespace healbench

namespace healbench {
namespace {

// Spawned reference-cluster nodes are reached by name without a [nodes] section, for every
// action (a fault proxy in front, signals, respawn).
TEST(ScenarioLoaderRefNodes, SpawnedNodesAreFaultableByName) {
  const std::vector<std::string> base = {"backend.kind=ref", "backend.replicas=3"};
  auto with = [&](const std::string& node, const std::string& action) {
    std::vector<std::string> sets = base;
    const std::string path = ::testing::TempDir() + "/ref_nodes.toml";
    std::ofstream(path) << "[[fault]]\nat = \"1s\"\naction = \"" << action << "\"\nnode = \""
                        << node << "\"\n";
    return LoadScenarioFile(path, sets);
  };
  EXPECT_TRUE(with("node3", "freeze").ok());
  auto random = with("random(node1, node3)", "freeze");
  ASSERT_TRUE(random.ok()) << random.error().message;
  EXPECT_EQ(random->faults[0].node_choices, (std::vector<std::string>{"node1", "node3"}));
  auto random_bad = with("random(node1,node9)", "freeze");
  ASSERT_FALSE(random_bad.ok());
  EXPECT_NE(random_bad.error().message.find("node \"node9\" is not defined"), std::string::npos);
  auto unknown = with("node4", "freeze");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("node \"node4\" is not defined"), std::string::npos);
  for (const char* action :
       {"disconnect", "reconnect", "partition", "heal_partition", "thaw", "kill", "restart"}) {
    auto r = with("node2", action);
    EXPECT_TRUE(r.ok()) << action << ": " << r.error().message;
  }
  // External nodes (backend.nodes) are not spawned: they need a [nodes] section.
  std::vector<std::string> external = {"backend.kind=ref",
                                       "backend.nodes=127.0.0.1:7000,127.0.0.1:7001"};
  const std::string path = ::testing::TempDir() + "/ref_external.toml";
  std::ofstream(path) << "[[fault]]\nat = \"1s\"\naction = \"disconnect\"\nnode = \"node2\"\n";
  auto cut = LoadScenarioFile(path, external);
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().message.find("node \"node2\" is not defined"), std::string::npos)
      << cut.error().message;
}

TEST(ScenarioLoaderRefNodes, KeepDataIsABoolean) {
  const std::string path = ::testing::TempDir() + "/ref_keep.toml";
  std::ofstream(path) << "[backend]\nkind = \"ref\"\nkeep_data = \"yes\"\n";
  auto bad = LoadScenarioFile(path, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("backend.keep_data"), std::string::npos)
      << bad.error().message;
  auto good = LoadScenarioFile(path, {"backend.keep_data=true"});
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(good->backend.options.at("keep_data"), "true");
}

TEST(ScenarioLoaderRefNodes, TestFaultsAreAListOfStringsForRefOnly) {
  const std::string path = ::testing::TempDir() + "/ref_test_faults.toml";
  std::ofstream(path)
      << "[backend]\nkind = \"ref\"\n"
         "test_faults = [\"node1=ack-drop:every=50\", \"node2=stale-after-heal\"]\n";
  auto list = LoadScenarioFile(path, {});
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(list->backend.options.at("test_faults"),
            "[ 'node1=ack-drop:every=50', 'node2=stale-after-heal' ]");
  // --set takes a bare comma list.
  auto set =
      LoadScenarioFile(path, {"backend.test_faults=node2=diverge:every=9,node1=stale-after-heal"});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->backend.options.at("test_faults"),
            "[ 'node2=diverge:every=9', 'node1=stale-after-heal' ]");
  auto number = LoadScenarioFile(path, {"backend.test_faults=5"});
  ASSERT_FALSE(number.ok());
  EXPECT_NE(number.error().message.find("expected a list of \"NODE=MODE\" strings"),
            std::string::npos)
      << number.error().message;
  auto file = LoadScenarioFile(path, {"backend.kind=file", "backend.path=/tmp"});
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find("backend.test_faults"), std::string::npos)
      << file.error().message;
}

TEST(ScenarioLoaderFleet, FleetKeysLoadAndBadOnesNameTheKey) {
  auto r = LoadScenarioFromSets(
      {"backend.kind=null", "run.fleet_stall_ranks=50%", "run.fleet_timeout=2m"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->run.fleet_stall_ranks, "50%");
  EXPECT_EQ(r->run.fleet_timeout_ns, 120 * kNsPerSec);
  auto defaults = LoadScenarioFromSets({"backend.kind=null"});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->run.fleet_stall_ranks, "any");
  EXPECT_EQ(defaults->run.fleet_timeout_ns, 60 * kNsPerSec);
  auto bad = LoadScenarioFromSets({"backend.kind=null", "run.fleet_stall_ranks=most"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kBadInput);
  EXPECT_NE(bad.error().message.find("run.fleet_stall_ranks"), std::string::npos)
      << bad.error().message;
  auto short_wait = LoadScenarioFromSets({"backend.kind=null", "run.fleet_timeout=100ms"});
  ASSERT_FALSE(short_wait.ok());
  EXPECT_NE(short_wait.error().message.find("at least 1s"), std::string::npos)
      << short_wait.error().message;
}

}  // namespace
}  // namespace healbench
