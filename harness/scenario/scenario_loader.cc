// Scenario loading: the TOML file is parsed into one tree, --set values are grafted onto it,
// and each section is then checked key by key. Problems are collected rather than returned
// at the first one, so `healbench validate` shows everything wrong in one go.
#include "harness/scenario/scenario_loader.h"

#include <fcntl.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>

#include "harness/core/units.h"
#include "harness/scenario/fleet_stall_ranks.h"

namespace healbench {
namespace {

constexpr std::size_t kMaxScenarioBytes = 1 << 20;  // a scenario is a page of text, not data

constexpr std::string_view kSetSource = "--set";

const std::vector<std::string> kSections = {"run",   "backend", "images", "workload",
                                            "nodes", "fault",   "probe",  "slo"};
const std::vector<std::string> kRunKeys = {
    "name", "duration", "interval",      "stall_threshold",   "seed",
    "out",  "threads",  "drain_timeout", "fleet_stall_ranks", "fleet_timeout"};
const std::vector<std::string> kBackendKinds = {"ref",   "file",  "null", "nbd",
                                                "iscsi", "gfapi", "rbd"};
// Keys of [backend] beyond kind/path/direct, kept as TOML text for the backend that reads
// them. The first group belongs to the reference cluster only.
const std::vector<std::string> kRefOnlyKeys = {
    "replication", "replicas", "ping_timeout", "heal_lock",   "heal_algorithm", "heal_rate",
    "resync_rate", "nodes",    "keep_data",    "test_faults", "token_file"};
const std::vector<std::string> kBackendStringKeys = {"url",     "volume",   "pool",  "image",
                                                     "host",    "user",     "conf",  "server",
                                                     "logfile", "loglevel", "client"};
const std::vector<std::string> kImagesKeys = {"count", "size", "prefix"};
const std::vector<std::string> kWorkloadKeys = {"profile", "bs",        "read_pct", "random_pct",
                                                "iodepth", "rate_iops", "spacing",  "fsync_every",
                                                "verify",  "overwrite"};
const std::vector<std::string> kFaultKeys = {"at",   "after",   "wait_until", "action",
                                             "node", "command", "timeout",    "on_timeout"};
const std::vector<std::string> kInjectorKinds = {"command", "signal", "proxy", "netfilter"};
const std::vector<std::string> kFaultActions = {"disconnect",     "reconnect", "partition",
                                                "heal_partition", "freeze",    "thaw",
                                                "kill",           "restart",   "command"};
const std::vector<std::string> kProbeKinds = {"ref", "gluster", "drbd", "ceph", "md", "command"};
const std::vector<std::string> kSloDurationKeys = {"max_stall", "max_failover",
                                                   "max_time_to_in_sync", "max_p99_during_heal"};
constexpr std::string_view kSloLostWrites = "max_lost_writes";
// Blocks found stale, torn, misdirected or diverged between replicas (write verification).
constexpr std::string_view kSloDamagedBlocks = "max_damaged_blocks";

constexpr std::uint64_t kMinBlock = 512;
constexpr std::uint64_t kMaxBlock = 16ull << 20;

bool Contains(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The closest candidate when it is close enough to be a typo, else empty.
std::string Closest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  // A third of the word may be wrong, at least one letter: "duraton", "rn", not "nfs"/"nbd".
  std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string JoinQuoted(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) {
    if (!out.empty()) out += ", ";
    out += Quote(s);
  }
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// A node as TOML value text: strings quoted, tables inline ("{ a = 1 }").
std::string ToTomlText(const toml::node& node) {
  std::ostringstream out;
  if (const toml::table* t = node.as_table()) {
    toml::table copy = *t;
    copy.is_inline(true);
    out << copy;
  } else {
    node.visit([&out](const auto& n) { out << n; });
  }
  return out.str();
}

// How a type error names what it got: `string "abc"`, `integer 5`, `array`.
std::string Describe(const toml::node& node) {
  if (const auto* s = node.as_string()) return "string " + Quote(s->get());
  if (node.is_integer()) return "integer " + ToTomlText(node);
  if (node.is_floating_point()) return "float " + ToTomlText(node);
  if (node.is_boolean()) return "boolean " + ToTomlText(node);
  if (node.is_array()) return "array";
  if (node.is_table()) return "table";
  return "date/time " + ToTomlText(node);
}

nlohmann::json TomlToJson(const toml::node& node) {
  if (const auto* t = node.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto&& [k, v] : *t) out[std::string(k.str())] = TomlToJson(v);
    return out;
  }
  if (const auto* a = node.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const toml::node& v : *a) out.push_back(TomlToJson(v));
    return out;
  }
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return i->get();
  if (const auto* f = node.as_floating_point()) return f->get();
  if (const auto* b = node.as_boolean()) return b->get();
  return ToTomlText(node);  // dates and times as their TOML text
}

// One scenario load: the merged tree's provenance and the problems found so far.
class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  // Grafts the sets onto `root`; problems with the set syntax itself are recorded.
  void ApplySets(toml::table& root, const std::vector<std::string>& sets);

  Result<Scenario> Build(const toml::table& root);

 private:
  struct Problem {
    int group;  // 0: file (ordered by line), 1: --set (ordered by position)
    std::int64_t order;
    std::string message;
  };

  // Where a key is, as the message prefix: "FILE:LINE: key a.b", "--set a.b", or for a
  // section (name_key false) "FILE:LINE".
  void Fail(const toml::node* node, const std::string& key, const std::string& detail,
            bool name_key = true);
  void FailAt(int group, std::int64_t order, std::string message) {
    problems_.push_back({group, order, std::move(message)});
  }
  // Index of the set that assigned `key` or one of its parents, or -1.
  int CoveringSet(const std::string& key) const;
  // Index of a set that assigned something inside `key`, or -1.
  int InnerSet(const std::string& key) const;

  void UnknownKey(const toml::node& node, const std::string& key, std::string_view section,
                  const std::vector<std::string>& known);

  // Typed readers: the value, or nullopt after recording why not.
  std::optional<std::string> String(const toml::node& node, const std::string& key);
  std::optional<std::string> Enum(const toml::node& node, const std::string& key,
                                  const std::vector<std::string>& allowed);
  std::optional<bool> Bool(const toml::node& node, const std::string& key);
  std::optional<std::int64_t> Integer(const toml::node& node, const std::string& key,
                                      std::int64_t min, std::int64_t max);
  std::optional<double> Number(const toml::node& node, const std::string& key, double min,
                               double max);
  std::optional<Nanos> Duration(const toml::node& node, const std::string& key);
  std::optional<std::uint64_t> Size(const toml::node& node, const std::string& key);
  std::optional<std::vector<BlockSizeWeight>> BlockSizes(const toml::node& node,
                                                         const std::string& key);
  std::optional<BlockSizeWeight> BlockSize(const toml::node& node, const std::string& key,
                                           const std::string& text);

  const toml::table* Table(const toml::node& node, const std::string& key);

  void LoadRun(const toml::table& t, RunSection& run);
  void LoadBackend(const toml::table& t, BackendSection& backend);
  void LoadImages(const toml::table& t, ImagesSection& images);
  void LoadWorkload(const toml::table& t, WorkloadSection& workload);
  void LoadNodes(const toml::table& t, Scenario& s);
  void LoadFaults(const toml::node& node, Scenario& s);
  void CheckTimeline(const toml::table& root, Scenario& s);
  std::optional<CommandLine> Command(const toml::node& v, const std::string& key);
  std::optional<Nanos> When(const toml::node& v, const std::string& key,
                            std::optional<std::pair<Nanos, Nanos>>* random);
  void LoadProbe(const toml::table& t, Scenario& s);
  void LoadSlo(const toml::table& t, Scenario& s);
  std::map<std::string, std::string> RawTable(const toml::table& t);

  std::string file_;                            // empty when there is no file
  std::vector<std::string> set_keys_;           // dotted key of each set, in order
  std::map<std::string, std::string> set_raw_;  // dotted key -> value text as given
  std::vector<Problem> problems_;
};

int Loader::CoveringSet(const std::string& key) const {
  for (int i = static_cast<int>(set_keys_.size()) - 1; i >= 0; --i) {
    const std::string& s = set_keys_[static_cast<std::size_t>(i)];
    if (key == s ||
        (key.size() > s.size() && key.compare(0, s.size(), s) == 0 && key[s.size()] == '.')) {
      return i;
    }
  }
  return -1;
}

int Loader::InnerSet(const std::string& key) const {
  for (std::size_t i = 0; i < set_keys_.size(); ++i) {
    const std::string& s = set_keys_[i];
    if (s.size() > key.size() && s.compare(0, key.size(), key) == 0 && s[key.size()] == '.') {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void Loader::Fail(const toml::node* node, const std::string& key, const std::string& detail,
                  bool name_key) {
  if (const int i = CoveringSet(key); i >= 0) {
    FailAt(1, i, "--set " + key + ": " + detail);
    return;
  }
  if (node != nullptr) {
    const toml::source_region& src = node->source();
    if (src.path && *src.path == file_ && src.begin.line > 0) {
      std::string where = file_ + ":" + std::to_string(src.begin.line);
      if (name_key) where += ": key " + key;
      FailAt(0, src.begin.line, where + ": " + detail);
      return;
    }
  }
  if (const int i = InnerSet(key); i >= 0) {
    FailAt(1, i, "--set " + set_keys_[static_cast<std::size_t>(i)] + ": " + detail);
    return;
  }
  FailAt(file_.empty() ? 1 : 0, 0, (file_.empty() ? "" : file_ + ": ") + detail);
}

void Loader::UnknownKey(const toml::node& node, const std::string& key, std::string_view section,
                        const std::vector<std::string>& known) {
  const std::string name = key.substr(key.rfind('.') + 1);
  std::string detail = "unknown key in [" + std::string(section) + "]";
  if (const std::string close = Closest(name, known); !close.empty()) {
    detail += " (did you mean " + Quote(close) + "?)";
  }
  Fail(&node, key, detail);
}

void Loader::ApplySets(toml::table& root, const std::vector<std::string>& sets) {
  for (const std::string& set : sets) {
    const std::size_t eq = set.find('=');
    const std::string key = Trim(std::string_view(set).substr(0, eq));
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
      const std::size_t dot = key.find('.', start);
      parts.push_back(
          key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    const bool bad_key = std::any_of(parts.begin(), parts.end(), [](const std::string& p) {
      return p.empty() || p.find_first_of(" \t\"'") != std::string::npos;
    });
    if (eq == std::string::npos || bad_key || parts.size() < 2) {
      FailAt(1, static_cast<std::int64_t>(set_keys_.size()),
             "--set " + set + ": expected section.key=value (e.g. run.duration=60s)");
      continue;
    }
    const std::string value = Trim(std::string_view(set).substr(eq + 1));

    // The value as TOML if it is exactly one TOML value, else a bare string.
    toml::table parsed;
    bool is_toml = false;
    try {
      parsed = toml::parse("k = " + value, std::string_view(kSetSource));
      is_toml = parsed.size() == 1 && parsed.contains("k");
    } catch (const toml::parse_error&) {
      is_toml = false;
    }

    // Walk to the parent table, creating missing ones.
    toml::table* parent = &root;
    std::string walked;
    bool walk_ok = true;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      walked += (walked.empty() ? "" : ".") + parts[i];
      toml::node* next = parent->get(parts[i]);
      if (next == nullptr) {
        parent = parent->insert(parts[i], toml::table{}).first->second.as_table();
      } else if (toml::table* t = next->as_table()) {
        parent = t;
      } else {
        FailAt(1, static_cast<std::int64_t>(set_keys_.size()),
               "--set " + key + ": " + walked + " is not a table (it is " + Describe(*next) + ")");
        walk_ok = false;
        break;
      }
    }
    set_keys_.push_back(key);
    set_raw_[key] = value;
    if (!walk_ok) continue;
    if (is_toml) {
      parent->insert_or_assign(parts.back(), std::move(*parsed.get("k")));
    } else {
      parent->insert_or_assign(parts.back(), value);
    }
  }
}

std::optional<std::string> Loader::String(const toml::node& node, const std::string& key) {
  if (const auto* s = node.as_string()) return s->get();
  // "--set run.name=2024" meant the string, not the integer.
  if (CoveringSet(key) >= 0 && !node.is_table() && !node.is_array()) {
    if (auto it = set_raw_.find(key); it != set_raw_.end()) return it->second;
  }
  Fail(&node, key, "expected a string, got " + Describe(node));
  return std::nullopt;
}

std::optional<std::string> Loader::Enum(const toml::node& node, const std::string& key,
                                        const std::vector<std::string>& allowed) {
  auto s = String(node, key);
  if (!s) return std::nullopt;
  if (Contains(allowed, *s)) return s;
  std::string detail = Quote(*s) + " is not one of " + JoinQuoted(allowed);
  if (const std::string close = Closest(*s, allowed); !close.empty()) {
    detail += " (did you mean " + Quote(close) + "?)";
  }
  Fail(&node, key, detail);
  return std::nullopt;
}

std::optional<bool> Loader::Bool(const toml::node& node, const std::string& key) {
  if (const auto* b = node.as_boolean()) return b->get();
  Fail(&node, key, "expected true or false, got " + Describe(node));
  return std::nullopt;
}

std::optional<std::int64_t> Loader::Integer(const toml::node& node, const std::string& key,
                                            std::int64_t min, std::int64_t max) {
  const auto* i = node.as_integer();
  if (i == nullptr) {
    Fail(&node, key, "expected an integer, got " + Describe(node));
    return std::nullopt;
  }
  const std::int64_t v = i->get();
  if (v < min || v > max) {
    Fail(&node, key,
         max == std::numeric_limits<std::int64_t>::max()
             ? std::to_string(v) + " is too small (at least " + std::to_string(min) + ")"
             : std::to_string(v) + " is out of range (" + std::to_string(min) + ".." +
                   std::to_string(max) + ")");
    return std::nullopt;
  }
  return v;
}

std::optional<double> Loader::Number(const toml::node& node, const std::string& key, double min,
                                     double max) {
  double v = 0;
  if (const auto* i = node.as_integer()) {
    v = static_cast<double>(i->get());
  } else if (const auto* f = node.as_floating_point()) {
    v = f->get();
  } else {
    Fail(&node, key, "expected a number, got " + Describe(node));
    return std::nullopt;
  }
  if (!(v >= min && v <= max)) {  // also refuses nan
    std::ostringstream detail;
    detail << ToTomlText(node) << " is out of range (" << min << ".." << max << ")";
    Fail(&node, key, detail.str());
    return std::nullopt;
  }
  return v;
}

std::optional<Nanos> Loader::Duration(const toml::node& node, const std::string& key) {
  if (const auto* s = node.as_string()) {
    auto d = ParseDuration(s->get());
    if (!d.ok()) {
      Fail(&node, key, d.error().message);
      return std::nullopt;
    }
    return *d;
  }
  // A bare number is seconds, as in ParseDuration. A float is binary, so it is rounded to
  // the nearest nanosecond rather than held to ParseDuration's exactness.
  if (const auto* f = node.as_floating_point()) {
    const double ns = f->get() * 1e9;
    if (!(ns >= 0) || ns >= 9.2e18) {
      Fail(&node, key,
           "invalid duration " + ToTomlText(node) +
               (ns < 0 ? ": must not be negative" : ": out of range (0 .. 292 years)"));
      return std::nullopt;
    }
    return static_cast<Nanos>(std::llround(ns));
  }
  if (node.is_integer()) {
    auto d = ParseDuration(ToTomlText(node));
    if (!d.ok()) {
      Fail(&node, key, d.error().message);
      return std::nullopt;
    }
    return *d;
  }
  Fail(&node, key, "expected a duration (e.g. \"30s\", \"500ms\"), got " + Describe(node));
  return std::nullopt;
}

std::optional<std::uint64_t> Loader::Size(const toml::node& node, const std::string& key) {
  if (const auto* s = node.as_string()) {
    auto v = ParseSize(s->get());
    if (!v.ok()) {
      Fail(&node, key, v.error().message);
      return std::nullopt;
    }
    return *v;
  }
  if (const auto* i = node.as_integer()) {
    if (i->get() < 0) {
      Fail(&node, key, "invalid size " + std::to_string(i->get()) + ": must not be negative");
      return std::nullopt;
    }
    return static_cast<std::uint64_t>(i->get());
  }
  Fail(&node, key,
       "expected a size (e.g. \"4k\", \"1GiB\", or bytes as an integer), got " + Describe(node));
  return std::nullopt;
}

std::optional<BlockSizeWeight> Loader::BlockSize(const toml::node& node, const std::string& key,
                                                 const std::string& text) {
  const std::size_t colon = text.find(':');
  auto bytes = ParseSize(text.substr(0, colon));
  if (!bytes.ok()) {
    Fail(&node, key, bytes.error().message + " (a block size is SIZE or SIZE:WEIGHT)");
    return std::nullopt;
  }
  std::uint32_t weight = 1;
  if (colon != std::string::npos) {
    const std::string w = Trim(std::string_view(text).substr(colon + 1));
    const bool digits = !w.empty() && w.size() <= 7 && std::all_of(w.begin(), w.end(), [](char c) {
      return c >= '0' && c <= '9';
    });
    const unsigned long value = digits ? std::stoul(w) : 0;
    if (!digits || value < 1 || value > 1'000'000) {
      Fail(&node, key, Quote(text) + ": the weight after ':' must be an integer 1..1000000");
      return std::nullopt;
    }
    weight = static_cast<std::uint32_t>(value);
  }
  if (*bytes < kMinBlock || *bytes > kMaxBlock) {
    Fail(
        &node, key,
        Quote(text) + ": block size " + FormatSizeExact(*bytes) + " is out of range (512B..16MiB)");
    return std::nullopt;
  }
  if (*bytes % kMinBlock != 0) {
    Fail(&node, key,
         Quote(text) + ": block size " + std::to_string(*bytes) + " is not a multiple of 512");
    return std::nullopt;
  }
  return BlockSizeWeight{static_cast<std::uint32_t>(*bytes), weight};
}

std::optional<std::vector<BlockSizeWeight>> Loader::BlockSizes(const toml::node& node,
                                                               const std::string& key) {
  std::vector<std::string> texts;
  if (const auto* i = node.as_integer()) {
    texts.push_back(std::to_string(i->get()));
  } else if (const auto* s = node.as_string()) {
    // "4k:70,64k:30" is the command-line spelling of ["4k:70", "64k:30"].
    std::string_view rest = s->get();
    while (true) {
      const std::size_t comma = rest.find(',');
      texts.push_back(Trim(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  } else if (const auto* a = node.as_array()) {
    for (const toml::node& e : *a) {
      if (const auto* ei = e.as_integer()) {
        texts.push_back(std::to_string(ei->get()));
      } else if (const auto* es = e.as_string()) {
        texts.push_back(es->get());
      } else {
        Fail(&node, key, "expected sizes or \"SIZE:WEIGHT\" strings, got " + Describe(e));
        return std::nullopt;
      }
    }
    if (texts.empty()) {
      Fail(&node, key, "needs at least one block size");
      return std::nullopt;
    }
  } else {
    Fail(&node, key,
         "expected a block size (\"4k\"), or a list of \"SIZE:WEIGHT\" (e.g. [\"4k:70\", "
         "\"64k:30\"]), got " +
             Describe(node));
    return std::nullopt;
  }
  std::vector<BlockSizeWeight> out;
  for (const std::string& t : texts) {
    auto b = BlockSize(node, key, t);
    if (!b) return std::nullopt;
    out.push_back(*b);
  }
  return out;
}

const toml::table* Loader::Table(const toml::node& node, const std::string& key) {
  if (const auto* t = node.as_table()) return t;
  Fail(&node, key, "expected a table [" + key + "], got " + Describe(node));
  return nullptr;
}

void Loader::LoadRun(const toml::table& t, RunSection& run) {
  for (auto&& [k, v] : t) {
    const std::string name(k.str());
    const std::string key = "run." + name;
    if (name == "name") {
      if (auto s = String(v, key)) {
        if (s->empty()) {
          Fail(&v, key, "must not be empty");
        } else {
          run.name = *s;
        }
      }
    } else if (name == "duration") {
      if (auto d = Duration(v, key)) {
        if (*d <= 0) {
          Fail(&v, key, "must be greater than 0");
        } else {
          run.duration_ns = *d;
        }
      }
    } else if (name == "interval") {
      if (auto d = Duration(v, key)) {
        if (*d < 100 * kNsPerMs || *d > 3600 * kNsPerSec) {
          Fail(&v, key, FormatDurationExact(*d) + " is out of range (100ms..1h)");
        } else {
          run.interval_ns = *d;
        }
      }
    } else if (name == "stall_threshold") {
      if (auto d = Duration(v, key)) {
        if (*d <= 0) {
          Fail(&v, key, "must be greater than 0");
        } else {
          run.stall_threshold_ns = *d;
        }
      }
    } else if (name == "seed") {
      if (auto i = Integer(v, key, 0, std::numeric_limits<std::int64_t>::max())) {
        run.seed = static_cast<std::uint64_t>(*i);
      }
    } else if (name == "out") {
      if (auto s = String(v, key)) run.out = *s;
    } else if (name == "threads") {
      if (auto i = Integer(v, key, 0, 1024)) run.threads = static_cast<std::uint32_t>(*i);
    } else if (name == "drain_timeout") {
      if (auto d = Duration(v, key)) run.drain_timeout_ns = *d;
    } else if (name == "fleet_stall_ranks") {
      if (auto str = String(v, key)) {
        if (FleetStallRanksValid(*str)) {
          run.fleet_stall_ranks = *str;
        } else {
          Fail(&v, key,
               "\"" + *str +
                   "\" is not \"any\", \"all\", a percentage such as \"50%\" or a count such as "
                   "\"2\"");
        }
      }
    } else if (name == "fleet_timeout") {
      if (auto d = Duration(v, key)) {
        if (*d < kNsPerSec) {
          Fail(&v, key, "must be at least 1s");
        } else {
          run.fleet_timeout_ns = *d;
        }
      }
    } else {
      UnknownKey(v, key, "run", kRunKeys);
    }
  }
  // The interval must fit in the run; blame whichever of the two was given.
  if (run.interval_ns > run.duration_ns) {
    const toml::node* interval = t.get("interval");
    const toml::node* duration = t.get("duration");
    const bool blame_interval = interval != nullptr;
    Fail(blame_interval ? interval : duration, blame_interval ? "run.interval" : "run.duration",
         "run.interval (" + FormatDurationExact(run.interval_ns) +
             ") must not be longer than run.duration (" + FormatDurationExact(run.duration_ns) +
             ")");
  }
}

void Loader::LoadBackend(const toml::table& t, BackendSection& backend) {
  bool kind_ok = true;
  if (const toml::node* kind = t.get("kind")) {
    auto s = Enum(*kind, "backend.kind", kBackendKinds);
    kind_ok = s.has_value();
    if (kind_ok) backend.kind = *s;
  }
  std::vector<std::string> known = {"kind", "path", "direct"};
  known.insert(known.end(), kRefOnlyKeys.begin(), kRefOnlyKeys.end());
  known.insert(known.end(), kBackendStringKeys.begin(), kBackendStringKeys.end());
  known.push_back("port");
  known.push_back("create");

  for (auto&& [k, v] : t) {
    const std::string name(k.str());
    const std::string key = "backend." + name;
    if (name == "kind") continue;
    if (name == "path") {
      if (auto s = String(v, key)) backend.path = *s;
      continue;
    }
    if (name == "direct") {
      if (auto b = Bool(v, key)) backend.direct = *b;
      continue;
    }
    if (!Contains(known, name)) {
      UnknownKey(v, key, "backend", known);
      continue;
    }
    if (!kind_ok) continue;  // which keys apply depends on the kind
    if (Contains(kRefOnlyKeys, name) && backend.kind != "ref") {
      Fail(&v, key, "applies to kind = \"ref\" only (kind is " + Quote(backend.kind) + ")");
      continue;
    }
    // Check what can be checked here, where the line is known; keep the TOML text.
    bool ok = true;
    std::optional<std::string> as_string;
    if (name == "replication") {
      ok = static_cast<bool>(as_string = Enum(v, key, {"client", "server"}));
    } else if (name == "replicas") {
      ok = Integer(v, key, 2, 3).has_value();
    } else if (name == "ping_timeout") {
      auto d = Duration(v, key);
      ok = d.has_value();
      if (d && *d <= 0) {
        Fail(&v, key, "must be greater than 0");
        ok = false;
      }
    } else if (name == "heal_lock") {
      ok = static_cast<bool>(as_string = Enum(v, key, {"image", "range"}));
    } else if (name == "heal_algorithm") {
      ok = static_cast<bool>(as_string = Enum(v, key, {"full", "diff", "dirty"}));
    } else if (name == "heal_rate" || name == "resync_rate") {
      ok = Size(v, key).has_value();  // bytes per second
    } else if (name == "nodes") {
      const auto* a = v.as_array();
      ok = a != nullptr && !a->empty() &&
           std::all_of(a->begin(), a->end(), [](const toml::node& e) { return e.is_string(); });
      if (const auto* list = v.as_string(); list != nullptr && !list->get().empty()) {
        // "--set backend.nodes=host1:7000,host2:7000"
        toml::array addresses;
        std::string_view rest = list->get();
        while (true) {
          const std::size_t comma = rest.find(',');
          addresses.push_back(Trim(rest.substr(0, comma)));
          if (comma == std::string_view::npos) break;
          rest.remove_prefix(comma + 1);
        }
        backend.options[name] = ToTomlText(addresses);
        continue;
      }
      if (!ok) {
        Fail(&v, key,
             "expected a list of node addresses (e.g. [\"10.0.0.1:7000\", \"10.0.0.2:7000\"]), "
             "got " +
                 Describe(v));
      }
    } else if (name == "test_faults") {
      // ["node2=ack-drop:every=50", …], or "--set backend.test_faults=node2=diverge:every=9";
      // the modes themselves are checked by the ref backend's options.
      if (const auto* one = v.as_string()) {
        toml::array items;
        std::string_view rest = one->get();
        while (true) {
          const std::size_t comma = rest.find(',');
          items.push_back(Trim(rest.substr(0, comma)));
          if (comma == std::string_view::npos) break;
          rest.remove_prefix(comma + 1);
        }
        backend.options[name] = ToTomlText(items);
        continue;
      }
      const auto* a = v.as_array();
      ok = a != nullptr &&
           std::all_of(a->begin(), a->end(), [](const toml::node& e) { return e.is_string(); });
      if (!ok) {
        Fail(&v, key,
             "expected a list of \"NODE=MODE\" strings (e.g. [\"node2=ack-drop:every=50\"]), "
             "got " +
                 Describe(v));
      }
    } else if (name == "port") {
      ok = Integer(v, key, 1, 65535).has_value();
    } else if (name == "keep_data" || name == "create") {
      ok = Bool(v, key).has_value();
    } else {
      ok = static_cast<bool>(as_string = String(v, key));
    }
    if (!ok) continue;
    backend.options[name] =
        as_string ? ToTomlText(toml::value<std::string>(*as_string)) : ToTomlText(v);
  }
  if (kind_ok && backend.kind == "gfapi" && backend.options.count("volume") == 0) {
    const std::string detail =
        "backend.volume is required for kind = \"gfapi\" (the GlusterFS volume to open)";
    if (const toml::node* kind = t.get("kind")) {
      Fail(kind, "backend.kind", detail);
    } else {
      Fail(&t, "backend", detail, /*name_key=*/false);
    }
  }
  if (kind_ok && backend.kind == "file" && backend.path.empty()) {
    const std::string detail = "backend.path is required for kind = \"file\"";
    if (const toml::node* kind = t.get("kind")) {
      Fail(kind, "backend.kind", detail);
    } else {
      Fail(&t, "backend", detail, /*name_key=*/false);
    }
  }
}

void Loader::LoadImages(const toml::table& t, ImagesSection& images) {
  for (auto&& [k, v] : t) {
    const std::string name(k.str());
    const std::string key = "images." + name;
    if (name == "count") {
      if (auto i = Integer(v, key, 1, 4096)) images.count = static_cast<std::uint32_t>(*i);
    } else if (name == "size") {
      if (auto s = Size(v, key)) {
        if (*s < 4096) {
          Fail(&v, key, FormatSizeExact(*s) + " is too small (at least 4KiB)");
        } else {
          images.size_bytes = *s;
        }
      }
    } else if (name == "prefix") {
      if (auto s = String(v, key)) {
        const bool valid = !s->empty() && std::all_of(s->begin(), s->end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        });
        if (!valid) {
          Fail(&v, key, Quote(*s) + ": use 1 or more of A-Z a-z 0-9 . _ -");
        } else {
          images.prefix = *s;
        }
      }
    } else {
      UnknownKey(v, key, "images", kImagesKeys);
    }
  }
}

void Loader::LoadWorkload(const toml::table& t, WorkloadSection& w) {
  for (auto&& [k, v] : t) {
    const std::string name(k.str());
    const std::string key = "workload." + name;
    if (name == "profile") {
      if (auto s = Enum(v, key, ProfileNames())) w.profile = *s;
    } else if (name == "bs") {
      if (auto b = BlockSizes(v, key)) w.bs = *b;
    } else if (name == "read_pct") {
      if (auto n = Number(v, key, 0, 100)) w.read_pct = *n;
    } else if (name == "random_pct") {
      if (auto n = Number(v, key, 0, 100)) w.random_pct = *n;
    } else if (name == "iodepth") {
      if (auto i = Integer(v, key, 1, 4096)) w.iodepth = static_cast<std::uint32_t>(*i);
    } else if (name == "rate_iops") {
      if (auto n = Number(v, key, 0, std::numeric_limits<double>::max())) {
        if (*n <= 0) {
          Fail(&v, key, "must be greater than 0 (leave it out for a closed loop)");
        } else {
          w.rate_iops = *n;
        }
      }
    } else if (name == "spacing") {
      if (auto s = Enum(v, key, {"fixed", "poisson"})) {
        w.spacing = *s == "poisson" ? Spacing::kPoisson : Spacing::kFixed;
      }
    } else if (name == "fsync_every") {
      if (auto i = Integer(v, key, 0, std::numeric_limits<std::uint32_t>::max())) {
        w.fsync_every = static_cast<std::uint32_t>(*i);
      }
    } else if (name == "verify") {
      if (auto b = Bool(v, key)) w.verify = *b;
    } else if (name == "overwrite") {
      if (auto b = Bool(v, key)) w.overwrite = *b;
    } else {
      UnknownKey(v, key, "workload", kWorkloadKeys);
    }
  }
}

std::map<std::string, std::string> Loader::RawTable(const toml::table& t) {
  std::map<std::string, std::string> out;
  for (auto&& [k, v] : t) out[std::string(k.str())] = ToTomlText(v);
  return out;
}

std::optional<CommandLine> Loader::Command(const toml::node& v, const std::string& key) {
  // A string is a shell command line (run by /bin/sh -c); an array is an argv, run as is.
  if (const auto* str = v.as_string()) {
    if (str->get().empty()) {
      Fail(&v, key, "empty command");
      return std::nullopt;
    }
    return CommandLine{{str->get()}, true};
  }
  const auto* a = v.as_array();
  if (a == nullptr || a->empty() ||
      !std::all_of(a->begin(), a->end(), [](const toml::node& e) { return e.is_string(); })) {
    Fail(&v, key,
         "expected an argv list of strings (or one shell command string), got " + Describe(v));
    return std::nullopt;
  }
  CommandLine c;
  for (const toml::node& e : *a) c.argv.push_back(e.as_string()->get());
  return c;
}

void Loader::LoadNodes(const toml::table& t, Scenario& s) {
  s.has_nodes = true;
  for (auto&& [k, v] : t) {
    const std::string name(k.str());
    const std::string base = "nodes." + name;
    const toml::table* node = Table(v, base);
    if (node == nullptr) continue;
    s.raw_nodes[name] = RawTable(*node);
    NodeSpec n;
    n.name = name;
    const std::size_t problems_before = problems_.size();
    const toml::node* inj = node->get("injector");
    if (inj == nullptr) {
      Fail(node, base,
           base + " needs injector = \"command\" | \"signal\" | \"proxy\" | \"netfilter\"",
           /*name_key=*/false);
      continue;
    }
    auto kind = Enum(*inj, base + ".injector", kInjectorKinds);
    if (!kind) continue;
    n.injector = *kind;
    for (auto&& [nk, nv] : *node) {
      const std::string key_name(nk.str());
      const std::string key = base + "." + key_name;
      if (key_name == "injector") continue;
      if (key_name == "timeout") {
        if (auto d = Duration(nv, key)) n.timeout_ns = *d;
      } else if (key_name == "replica_path") {
        if (auto str = String(nv, key)) n.replica_path = *str;
      } else if (n.injector == "command" && Contains(kFaultActions, key_name) &&
                 key_name != "command") {
        if (auto c = Command(nv, key)) n.commands[key_name] = *c;
      } else if (n.injector == "command" && key_name == "command" && nv.is_table()) {
        // The same as a table: command = { disconnect = [...], reconnect = [...] }.
        for (auto&& [ak, av] : *nv.as_table()) {
          const std::string action(ak.str());
          if (!Contains(kFaultActions, action) || action == "command") {
            UnknownKey(av, key + "." + action, key, kFaultActions);
          } else if (auto c = Command(av, key + "." + action)) {
            n.commands[action] = *c;
          }
        }
      } else if (n.injector == "signal" && key_name == "pid") {
        if (auto i = Integer(nv, key, 1, std::numeric_limits<int>::max()))
          n.pid = static_cast<int>(*i);
      } else if (n.injector == "signal" && key_name == "pidfile") {
        if (auto str = String(nv, key)) n.pidfile = *str;
      } else if (n.injector == "signal" && key_name == "pid_command") {
        n.pid_command = Command(nv, key);
      } else if (n.injector == "signal" && key_name == "restart") {
        if (auto c = Command(nv, key)) n.commands["restart"] = *c;
      } else if (n.injector == "proxy" && (key_name == "listen" || key_name == "upstream")) {
        if (auto str = String(nv, key)) (key_name == "listen" ? n.listen : n.upstream) = *str;
      } else if (n.injector == "proxy" && key_name == "partition_mode") {
        if (auto e = Enum(nv, key, {"blackhole", "delay", "bandwidth"})) n.partition_mode = *e;
      } else if (n.injector == "proxy" && (key_name == "delay" || key_name == "jitter")) {
        if (auto d = Duration(nv, key)) (key_name == "delay" ? n.delay_ns : n.jitter_ns) = *d;
      } else if (n.injector == "proxy" && key_name == "bandwidth") {
        if (auto b = Size(nv, key)) n.bandwidth_bytes_s = *b;
      } else if (n.injector == "netfilter" && key_name == "host") {
        if (auto str = String(nv, key)) n.host = *str;
      } else if (n.injector == "netfilter" && key_name == "port") {
        if (auto i = Integer(nv, key, 1, 65535)) n.port = static_cast<int>(*i);
      } else {
        std::vector<std::string> known = {"injector", "timeout", "replica_path"};
        if (n.injector == "command") {
          for (const std::string& a : kFaultActions) {
            if (a != "command") known.push_back(a);
          }
        } else if (n.injector == "signal") {
          known.insert(known.end(), {"pid", "pidfile", "pid_command", "restart"});
        } else if (n.injector == "proxy") {
          known.insert(known.end(),
                       {"listen", "upstream", "partition_mode", "delay", "jitter", "bandwidth"});
        } else {
          known.insert(known.end(), {"host", "port"});
        }
        UnknownKey(nv, key, base + " (injector " + n.injector + ")", known);
      }
    }
    const int targets = (n.pid > 0 ? 1 : 0) + (n.pidfile.empty() ? 0 : 1) + (n.pid_command ? 1 : 0);
    if (problems_.size() != problems_before) {
      // A setting was wrong: that message says it; "needs X" would only repeat it.
    } else if (n.injector == "signal" && targets != 1) {
      Fail(node, base, base + ": a signal injector needs exactly one of pid, pidfile, pid_command",
           false);
    } else if (n.injector == "proxy" && (n.listen.empty() || n.upstream.empty())) {
      Fail(node, base, base + ": a proxy injector needs listen and upstream (HOST:PORT)", false);
    } else if (n.injector == "proxy" && n.partition_mode == "delay" && n.delay_ns == 0) {
      Fail(node, base, base + ": partition_mode = \"delay\" needs delay (e.g. \"200ms\")", false);
    } else if (n.injector == "proxy" && n.partition_mode == "bandwidth" &&
               n.bandwidth_bytes_s == 0) {
      Fail(node, base,
           base +
               ": partition_mode = \"bandwidth\" needs bandwidth (bytes per second, e.g. \"1MiB\")",
           false);
    } else if (n.injector == "netfilter" && (n.host.empty() || n.port == 0)) {
      Fail(node, base, base + ": a netfilter injector needs host (an IP address) and port", false);
    } else if (n.injector == "command" && n.commands.empty()) {
      Fail(node, base, base + ": a command injector needs a command for at least one action",
           false);
    }
    s.nodes[name] = n;
  }
}

std::optional<Nanos> Loader::When(const toml::node& v, const std::string& key,
                                  std::optional<std::pair<Nanos, Nanos>>* random) {
  // "random(A,B)": a time drawn from the run's seed, so a randomized schedule replays.
  if (const auto* str = v.as_string(); str != nullptr && str->get().rfind("random(", 0) == 0) {
    const std::string& text = str->get();
    const std::size_t comma = text.find(',');
    if (text.back() != ')' || comma == std::string::npos) {
      Fail(&v, key, "expected random(MIN,MAX), e.g. random(30s,60s); got " + Quote(text));
      return std::nullopt;
    }
    auto lo = ParseDuration(Trim(std::string_view(text).substr(7, comma - 7)));
    auto hi =
        ParseDuration(Trim(std::string_view(text).substr(comma + 1, text.size() - comma - 2)));
    if (!lo.ok() || !hi.ok() || *hi < *lo) {
      Fail(&v, key, "expected random(MIN,MAX) with MIN <= MAX durations; got " + Quote(text));
      return std::nullopt;
    }
    *random = std::pair<Nanos, Nanos>{*lo, *hi};
    return *lo;
  }
  return Duration(v, key);
}

void Loader::LoadFaults(const toml::node& node, Scenario& s) {
  const auto* a = node.as_array();
  if (a == nullptr || !a->is_array_of_tables()) {
    Fail(&node, "fault", "expected [[fault]] tables, got " + Describe(node));
    return;
  }
  s.has_faults = true;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const toml::table& f = *a->get(i)->as_table();
    const std::string prefix = "fault[" + std::to_string(i) + "].";
    FaultStep step;
    step.line = static_cast<int>(f.source().begin.line);
    bool ok = true;
    for (auto&& [k, v] : f) {
      const std::string name(k.str());
      const std::string key = prefix + name;
      if (name == "at" || name == "after") {
        auto d = When(v, key, &step.random_ns);
        ok = d.has_value() && ok;
        if (d) (name == "at" ? step.at_ns : step.after_ns) = *d;
      } else if (name == "timeout") {
        auto d = Duration(v, key);
        ok = d.has_value() && ok;
        if (d) step.timeout_ns = *d;
      } else if (name == "action") {
        auto e = Enum(v, key, kFaultActions);
        ok = e.has_value() && ok;
        if (e) step.action = *e;
      } else if (name == "node") {
        auto str = String(v, key);
        ok = str.has_value() && ok;
        if (str) step.node = *str;
        // "random(node1,node2)": one of them, drawn from the run's seed.
        if (str && str->rfind("random(", 0) == 0) {
          if (str->back() != ')' || str->size() <= 8) {
            Fail(&v, key, "expected random(NODE,NODE,...), got " + Quote(*str));
            ok = false;
          } else {
            std::stringstream list(str->substr(7, str->size() - 8));
            for (std::string item; std::getline(list, item, ',');) {
              if (!Trim(item).empty()) step.node_choices.push_back(Trim(item));
            }
          }
        }
      } else if (name == "wait_until") {
        auto str = String(v, key);
        ok = str.has_value() && ok;
        if (str && *str != "in_sync" && str->rfind("safe_to_stop:", 0) != 0) {
          Fail(&v, key, "expected \"in_sync\" or \"safe_to_stop:NODE\", got " + Quote(*str));
          ok = false;
        } else if (str) {
          step.wait_until = *str;
        }
      } else if (name == "on_timeout") {
        auto e = Enum(v, key, {"continue", "abort"});
        ok = e.has_value() && ok;
        if (e) step.abort_on_timeout = *e == "abort";
      } else if (name == "command") {
        auto c = Command(v, key);
        ok = c.has_value() && ok;
        if (c) step.command = *c;
      } else {
        UnknownKey(v, key, "[fault]", kFaultKeys);
        ok = false;
      }
    }
    step.valid = false;  // until every check below passed
    if (!ok) {
      s.faults.push_back(step);
      continue;
    }
    const int when = (f.contains("at") ? 1 : 0) + (f.contains("after") ? 1 : 0) +
                     (f.contains("wait_until") ? 1 : 0);
    if (when != 1) {
      Fail(&f, "fault[" + std::to_string(i) + "]",
           "fault[" + std::to_string(i) + "] needs exactly one of at, after, wait_until",
           /*name_key=*/false);
    } else if (f.contains("wait_until") && f.contains("action")) {
      Fail(f.get("action"), prefix + "action", "a wait_until step has no action");
    } else if (!f.contains("wait_until") && !f.contains("action")) {
      Fail(&f, "fault[" + std::to_string(i) + "]",
           "fault[" + std::to_string(i) + "] needs an action", /*name_key=*/false);
    } else if (step.action == "command" && step.command.argv.empty()) {
      Fail(&f, prefix + "command",
           "action = \"command\" needs command (an argv list or a shell string)");
    } else if (!step.action.empty() && step.action != "command" && step.node.empty()) {
      Fail(&f, prefix + "node",
           "action = \"" + step.action + "\" needs node (a [nodes.NAME] name)");
    } else {
      step.valid = true;
    }
    s.raw_faults.push_back(RawTable(f));
    s.faults.push_back(step);
  }
}

// Whether `node` is one the reference cluster spawns itself (node1..nodeN, N = replicas).
bool RefSpawnedNode(const Scenario& s, const std::string& node) {
  if (s.backend.kind != "ref" || s.backend.options.count("nodes") != 0 ||
      node.rfind("node", 0) != 0)
    return false;
  int replicas = 2;
  if (auto it = s.backend.options.find("replicas"); it != s.backend.options.end()) {
    replicas = std::atoi(it->second.c_str());
  }
  const std::string digits = node.substr(4);
  if (digits.empty() || digits.size() > 2 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  const int n = std::atoi(digits.c_str());
  return n >= 1 && n <= replicas;
}

// Checks across sections: every fault names a node the scenario can reach, and that node's
// injector can do the action; waits need a probe.
void Loader::CheckTimeline(const toml::table& root, Scenario& s) {
  const toml::array* faults =
      root.get("fault") != nullptr ? root.get("fault")->as_array() : nullptr;
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    const FaultStep& step = s.faults[i];
    if (!step.valid) continue;  // already reported
    const toml::node* table = faults != nullptr && i < faults->size() ? faults->get(i) : nullptr;
    // Point at the key itself where the file has it.
    auto at_key = [&](const char* key) -> const toml::node* {
      const toml::node* k =
          table != nullptr && table->is_table() ? table->as_table()->get(key) : nullptr;
      return k != nullptr ? k : table;
    };
    const std::string prefix = "fault[" + std::to_string(i) + "].";
    auto node_ok = [&](const std::string& node, const std::string& key) {
      if (s.nodes.count(node) != 0 || RefSpawnedNode(s, node)) return true;
      std::vector<std::string> names;
      for (const auto& [n, spec] : s.nodes) names.push_back(n);
      Fail(at_key(key.substr(key.rfind('.') + 1).c_str()), key,
           "node " + Quote(node) + " is not defined: add a [nodes." + node +
               "] section with its injector" +
               (names.empty() ? std::string() : " (defined: " + JoinQuoted(names) + ")"));
      return false;
    };
    // node = "random(a,b)" is checked for every node it may pick.
    const std::vector<std::string> candidates =
        step.node_choices.empty() ? std::vector<std::string>{step.node} : step.node_choices;
    for (const std::string& node : candidates) {
      if (!step.action.empty() && step.action != "command" && s.nodes.count(node) == 0 &&
          RefSpawnedNode(s, node)) {
        // A node the reference cluster spawns: every action reaches it (a fault proxy in
        // front of it, signals to its process, a respawn for restart).
      } else if (!step.action.empty() && step.action != "command" &&
                 node_ok(node, prefix + "node")) {
        const NodeSpec& n = s.nodes[node];
        std::string why;
        if (n.injector == "signal" && step.action != "freeze" && step.action != "thaw" &&
            step.action != "kill" && step.action != "restart") {
          why = "a signal injector can freeze, thaw, kill and restart";
        } else if (n.injector == "signal" && step.action == "restart" &&
                   n.commands.count("restart") == 0) {
          why = "restart needs nodes." + n.name + ".restart (a command)";
        } else if ((n.injector == "proxy" || n.injector == "netfilter") &&
                   (step.action == "freeze" || step.action == "thaw" || step.action == "kill" ||
                    step.action == "restart")) {
          why = "a " + n.injector +
                " injector can disconnect, reconnect, partition and heal_partition";
        } else if (n.injector == "command" && n.commands.count(step.action) == 0) {
          why = "nodes." + n.name + " has no command for " + step.action;
        }
        if (!why.empty())
          Fail(at_key("action"), prefix + "action",
               "node " + Quote(node) + " cannot " + step.action + ": " + why);
      }
    }
    if (!step.wait_until.empty()) {
      if (!s.has_probe)
        Fail(at_key("wait_until"), prefix + "wait_until",
             "wait_until needs a [probe] to read sync state from");
      // safe_to_stop:NAME names what the probe reports (a node, brick or OSD), which need
      // not be a [nodes] entry.
      if (step.wait_until == "safe_to_stop:") {
        Fail(at_key("wait_until"), prefix + "wait_until", "safe_to_stop: needs a name");
      }
    }
  }
}

void Loader::LoadProbe(const toml::table& t, Scenario& s) {
  s.has_probe = true;
  s.raw_probe = RawTable(t);
  ProbeSpec p;
  const std::size_t problems_before = problems_.size();
  const toml::node* kind = t.get("kind");
  if (kind == nullptr) {
    Fail(&t, "probe", "[probe] needs kind = " + JoinQuoted(kProbeKinds), /*name_key=*/false);
    return;
  }
  auto k = Enum(*kind, "probe.kind", kProbeKinds);
  if (!k) return;
  p.kind = *k;
  auto strings = [&](const toml::node& v,
                     const std::string& key) -> std::optional<std::vector<std::string>> {
    const auto* a = v.as_array();
    if (a == nullptr ||
        !std::all_of(a->begin(), a->end(), [](const toml::node& e) { return e.is_string(); })) {
      Fail(&v, key, "expected a list of strings, got " + Describe(v));
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (const toml::node& e : *a) out.push_back(e.as_string()->get());
    return out;
  };
  const std::map<std::string, std::vector<std::string>> kind_keys = {
      {"gluster", {"volume", "shard_size"}},
      {"drbd", {"resource"}},
      {"ceph", {"osds"}},
      {"md", {"device"}},
      {"command",
       {"command", "in_sync_regex", "pending_regex", "in_sync_pointer", "pending_pointer"}},
      {"ref", {}}};
  for (auto&& [key_view, v] : t) {
    const std::string name(key_view.str());
    const std::string key = "probe." + name;
    if (name == "kind") continue;
    if (name == "interval" || name == "timeout") {
      if (auto d = Duration(v, key)) (name == "interval" ? p.interval_ns : p.timeout_ns) = *d;
    } else if (name == "prefix") {
      if (auto list = strings(v, key)) p.prefix = *list;
    } else if (Contains(kind_keys.at(p.kind), name)) {
      if (name == "shard_size") {
        if (auto b = Size(v, key)) p.shard_size = *b;
      } else if (name == "osds") {
        if (auto list = strings(v, key)) p.osds = *list;
      } else if (name == "command") {
        if (auto c = Command(v, key)) p.command = *c;
      } else if (auto str = String(v, key)) {
        if (name == "volume") p.volume = *str;
        if (name == "resource") p.resource = *str;
        if (name == "device") p.device = *str;
        if (name == "in_sync_regex") p.in_sync_regex = *str;
        if (name == "pending_regex") p.pending_regex = *str;
        if (name == "in_sync_pointer") p.in_sync_pointer = *str;
        if (name == "pending_pointer") p.pending_pointer = *str;
      }
    } else {
      std::vector<std::string> known = {"kind", "interval", "timeout", "prefix"};
      known.insert(known.end(), kind_keys.at(p.kind).begin(), kind_keys.at(p.kind).end());
      UnknownKey(v, key, "probe (kind " + p.kind + ")", known);
    }
  }
  if (problems_.size() != problems_before) return;
  if (p.interval_ns < 100 * kNsPerMs)
    Fail(t.get("interval"), "probe.interval", "must be at least 100ms");
  if (p.kind == "gluster" && p.volume.empty())
    Fail(&t, "probe", "probe kind \"gluster\" needs volume", false);
  if (p.kind == "command" && p.command.argv.empty()) {
    Fail(&t, "probe", "probe kind \"command\" needs command (an argv list or a shell string)",
         false);
  }
  if (p.kind == "command" && p.in_sync_regex.empty() && p.in_sync_pointer.empty()) {
    Fail(&t, "probe", "probe kind \"command\" needs in_sync_regex or in_sync_pointer", false);
  }
  s.probe = p;
}

void Loader::LoadSlo(const toml::table& t, Scenario& s) {
  for (auto&& [k, v] : t) {
    const std::string name(k.str());
    const std::string key = "slo." + name;
    if (Contains(kSloDurationKeys, name)) {
      if (auto d = Duration(v, key)) s.slo[name] = NsToSeconds(*d);
    } else if (name == kSloLostWrites || name == kSloDamagedBlocks) {
      if (auto i = Integer(v, key, 0, std::numeric_limits<std::int64_t>::max())) {
        s.slo[name] = static_cast<double>(*i);
      }
    } else {
      std::vector<std::string> known = kSloDurationKeys;
      known.emplace_back(kSloLostWrites);
      known.emplace_back(kSloDamagedBlocks);
      UnknownKey(v, key, "slo", known);
    }
  }
}

Result<Scenario> Loader::Build(const toml::table& root) {
  Scenario s;
  s.source = file_.empty() ? std::string(kSetSource) : file_;
  s.slo[std::string(kSloLostWrites)] = 0;     // DESIGN.md: no acknowledged write may be lost
  s.slo[std::string(kSloDamagedBlocks)] = 0;  // nor any block be stale, torn or diverged

  for (auto&& [k, v] : root) {
    const std::string name(k.str());
    if (name == "fault") {
      LoadFaults(v, s);
      continue;
    }
    if (!Contains(kSections, name)) {
      if (v.is_table()) {
        std::string detail = "unknown section [" + name + "]";
        if (const std::string close = Closest(name, kSections); !close.empty()) {
          detail += " (did you mean [" + close + "]?)";
        }
        Fail(&v, name, detail, /*name_key=*/false);
      } else {
        Fail(&v, name, "keys belong in a section ([run], [backend], [images], [workload], ...)");
      }
      continue;
    }
    const toml::table* t = Table(v, name);
    if (t == nullptr) continue;
    if (name == "run") LoadRun(*t, s.run);
    if (name == "images") LoadImages(*t, s.images);
    if (name == "workload") LoadWorkload(*t, s.workload);
    if (name == "nodes") LoadNodes(*t, s);
    if (name == "probe") LoadProbe(*t, s);
    if (name == "slo") LoadSlo(*t, s);
  }
  // [backend] last among the sections only matters for "path is required" with no section.
  const toml::node* backend = root.get("backend");
  if (backend == nullptr) {
    LoadBackend(toml::table{}, s.backend);
  } else if (const toml::table* t = backend->as_table()) {
    LoadBackend(*t, s.backend);
  }
  CheckTimeline(root, s);

  if (problems_.empty()) return s;
  std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.group, a.order) < std::tie(b.group, b.order);
  });
  std::string message;
  for (const Problem& p : problems_) {
    if (!message.empty()) message += "\n";
    message += p.message;
  }
  return MakeError(ErrorCode::kBadInput, std::move(message));
}

Result<std::string> ReadScenarioFile(const std::string& path) {
  auto errno_text = [](int err) {
    return std::error_code(err, std::generic_category()).message() + " [errno " +
           std::to_string(err) + "]";
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kBadInput, "open scenario file " + path + ": " + errno_text(errno));
  }
  std::string text;
  std::vector<char> buf(64 * 1024);
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return MakeError(ErrorCode::kBadInput, "read scenario file " + path + ": " + errno_text(err));
    }
    if (n == 0) break;
    text.append(buf.data(), static_cast<std::size_t>(n));
    if (text.size() > kMaxScenarioBytes) {
      ::close(fd);
      return MakeError(ErrorCode::kBadInput,
                       "scenario file " + path + ": larger than 1MiB; is it a scenario?");
    }
  }
  ::close(fd);
  return text;
}

// toml++ quotes the offending character, which may be a newline or another control byte
// ("saw 'i\n'"); escaped, so an error stays one line that starts with the file name.
std::string OneLine(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x",
                    static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

Result<Scenario> Load(const std::string& file, const std::string& text,
                      const std::vector<std::string>& sets) {
  toml::table root;
  if (!file.empty()) {
    try {
      root = toml::parse(text, std::string_view(file));
    } catch (const toml::parse_error& e) {
      return MakeError(ErrorCode::kBadInput,
                       file + ":" + std::to_string(e.source().begin.line) + ":" +
                           std::to_string(e.source().begin.column) +
                           ": TOML syntax error: " + OneLine(e.description()));
    }
  }
  Loader loader(file);
  loader.ApplySets(root, sets);
  return loader.Build(root);
}

}  // namespace

Result<Scenario> LoadScenarioFile(const std::string& path, const std::vector<std::string>& sets) {
  auto text = ReadScenarioFile(path);
  if (!text.ok()) return text.error();
  return Load(path, *text, sets);
}

Result<Scenario> LoadScenarioText(const std::string& name, const std::string& text,
                                  const std::vector<std::string>& sets) {
  if (text.size() > kMaxScenarioBytes) {
    return MakeError(ErrorCode::kBadInput,
                     "scenario file " + name + ": larger than 1MiB; is it a scenario?");
  }
  return Load(name.empty() ? "<scenario text>" : name, text, sets);
}

Result<Scenario> LoadScenarioFromSets(const std::vector<std::string>& sets) {
  return Load("", "", sets);
}

nlohmann::json ScenarioToJson(const Scenario& s) {
  using nlohmann::json;
  // TOML text kept by the loader, back to a value.
  auto from_toml = [](const std::string& text) -> json {
    try {
      toml::table t = toml::parse("k = " + text);
      if (const toml::node* v = t.get("k")) return TomlToJson(*v);
    } catch (const toml::parse_error&) {
    }
    return text;
  };
  auto raw_table = [&from_toml](const std::map<std::string, std::string>& raw) {
    json out = json::object();
    for (const auto& [k, v] : raw) out[k] = from_toml(v);
    return out;
  };

  json j;
  j["run"] = {
      {"name", s.run.name},
      {"duration", FormatDurationExact(s.run.duration_ns)},
      {"interval", FormatDurationExact(s.run.interval_ns)},
      {"stall_threshold", FormatDurationExact(s.run.stall_threshold_ns)},
      {"seed", s.run.seed ? json(*s.run.seed) : json(nullptr)},
      {"out", s.run.out},
      {"threads", s.run.threads},
      {"drain_timeout", FormatDurationExact(s.run.drain_timeout_ns)},
      {"fleet_stall_ranks", s.run.fleet_stall_ranks},
      {"fleet_timeout", FormatDurationExact(s.run.fleet_timeout_ns)},
  };

  json backend = {{"kind", s.backend.kind}, {"path", s.backend.path}, {"direct", s.backend.direct}};
  for (const auto& [k, v] : s.backend.options) backend[k] = from_toml(v);
  j["backend"] = backend;

  j["images"] = {
      {"count", s.images.count},
      {"size", FormatSizeExact(s.images.size_bytes)},
      {"prefix", s.images.prefix},
  };

  // Overrides on top of the profile's own values, so every figure the run used is here.
  const WorkloadSection& w = s.workload;
  WorkloadParams p;
  if (auto defaults = ProfileDefaults(w.profile); defaults.ok()) p = *defaults;
  const std::vector<BlockSizeWeight>& bs = w.bs ? *w.bs : p.bs;
  json bs_json = json::array();
  for (const BlockSizeWeight& b : bs) {
    std::string text = FormatSizeExact(b.bytes);
    if (b.weight != 1) text += ":" + std::to_string(b.weight);
    bs_json.push_back(text);
  }
  j["workload"] = {
      {"profile", w.profile},
      {"bs", bs_json},
      {"read_pct", w.read_pct.value_or(p.read_pct)},
      {"random_pct", w.random_pct.value_or(p.random_pct)},
      {"iodepth", w.iodepth.value_or(p.iodepth)},
      {"rate_iops", w.rate_iops ? json(*w.rate_iops) : json(nullptr)},
      {"spacing", w.spacing == Spacing::kPoisson ? "poisson" : "fixed"},
      {"fsync_every", w.fsync_every.value_or(p.fsync_every)},
      {"verify", w.verify},
      {"overwrite", w.overwrite},
  };

  if (s.has_nodes) {
    json nodes = json::object();
    for (const auto& [name, raw] : s.raw_nodes) nodes[name] = raw_table(raw);
    j["nodes"] = nodes;
  }
  if (s.has_faults) {
    json faults = json::array();
    for (const auto& raw : s.raw_faults) faults.push_back(raw_table(raw));
    j["fault"] = faults;
  }
  if (s.has_probe) j["probe"] = raw_table(s.raw_probe);

  json slo = json::object();
  for (const auto& [k, v] : s.slo) {
    if (k == kSloLostWrites || k == kSloDamagedBlocks) {
      slo[k] = static_cast<std::int64_t>(v);
    } else {
      slo[k] = FormatDurationExact(static_cast<Nanos>(std::llround(v * 1e9)));
    }
  }
  j["slo"] = slo;
  return j;
}

}  // namespace healbench
