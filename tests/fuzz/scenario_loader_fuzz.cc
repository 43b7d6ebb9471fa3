// libFuzzer target for the scenario loader: any text is a scenario or a kBadInput error
// whose every line names the file; a scenario it accepts, written back out as TOML by
// ScenarioToJson, loads again to the same scenario (the promise of scenario_loader.h).
#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "harness/scenario/scenario_loader.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr const char* kName = "fuzz.toml";

toml::table JsonToToml(const nlohmann::json& j);

void AddJsonValue(toml::array& out, const nlohmann::json& v);

// nulls are left out, as a user writing the scenario back would.
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
  if (toml::node* n = holder.get("v")) out.push_back(std::move(*n));
}

toml::table JsonToToml(const nlohmann::json& j) {
  toml::table t;
  for (const auto& [k, v] : j.items()) AddJsonValue(t, k, v);
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace healbench;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto loaded = LoadScenarioText(kName, text, {});
  if (!loaded.ok()) {
    FUZZ_CHECK(loaded.error().code == ErrorCode::kBadInput, "a bad scenario is bad input");
    const std::string& m = loaded.error().message;
    FUZZ_CHECK(!m.empty(), "a rejection says why");
    for (std::size_t at = 0; at <= m.size();) {
      const std::size_t nl = std::min(m.find('\n', at), m.size());
      FUZZ_CHECK(m.compare(at, std::string(kName).size(), kName) == 0,
                 "every error line names the file");
      at = nl + 1;
    }
    return 0;
  }
  const nlohmann::json j = ScenarioToJson(*loaded);
  (void)j.dump();  // throws (and so fails) on a string that is not UTF-8
  std::ostringstream written;
  written << JsonToToml(j);
  auto again = LoadScenarioText(kName, written.str(), {});
  if (!again.ok())
    std::fprintf(stderr, "%s\n---\n%s\n", written.str().c_str(), again.error().message.c_str());
  FUZZ_CHECK(again.ok(), "a resolved scenario written back loads again");
  FUZZ_CHECK(ScenarioToJson(*again) == j, "and loads to the same scenario");
  return 0;
}
