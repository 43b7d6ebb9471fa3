// Reads results.json (schema "healbench/1") back into the result model, so old results can
// be re-rendered (HTML report, CSV, terminal summary) and compared. The inverse of ToJson:
// strict on the schema tag, tolerant of optional keys that older writers did not emit.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reports/result_model.h"

namespace healbench::report {

// Fills *out from a parsed results.json document. A missing key keeps the model's default
// (null for optionals); a present key of the wrong type is an error. On failure returns
// false and sets *error to what is wrong and where, e.g.
// "phases[1].read.iops: expected a number, got string" or
// "schema is \"healbench/2\", expected \"healbench/1\"".
bool FromJson(const nlohmann::json& j, RunResult* out, std::string* error);

// Reads and parses the file at path and calls FromJson. Every error message starts with the
// path, e.g. "out/results.json: not JSON: ..." or "x.json: cannot open: No such file ...".
bool LoadResultsFile(const std::string& path, RunResult* out, std::string* error);

}  // namespace healbench::report
