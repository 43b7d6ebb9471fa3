// results.json: the RunResult serialised as schema "healbench/1" (DESIGN.md "Results"). This
// is the source of truth; the CSV, terminal summary and HTML views derive from the same model.
// std::nullopt becomes null ("not applicable" / "not measured").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reports/result_model.h"

namespace healbench::report {

// Op classes in the order of the model's [3] arrays.
inline constexpr const char* kOpNames[3] = {"read", "write", "flush"};

// Layout name of the raw histogram bins, so readers know how to merge them.
inline constexpr const char* kHistogramLayout = "log-linear-128/2^42ns";

nlohmann::json ToJson(const RunResult& r);

// One event as it appears in results.json "events" and in each line of events.jsonl.
nlohmann::json EventToJson(const Event& e);

// The text of results.json: ToJson(r) indented by 2, ending in a newline. Invalid UTF-8
// (e.g. from an injector's output in an event detail) is replaced by U+FFFD, never thrown.
std::string ResultsJsonText(const RunResult& r);

}  // namespace healbench::report
