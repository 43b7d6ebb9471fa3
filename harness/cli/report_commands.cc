// `healbench report` (re-render an old results.json as HTML, CSV or the terminal summary) and
// `healbench compare` (runs side by side: text table, --json, --html). Both only read
// results.json: everything they show derives from it.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "harness/cli/command_options.h"
#include "harness/cli/commands.h"
#include "reports/atomic_file.h"
#include "reports/compare.h"
#include "reports/html_report.h"
#include "reports/results_reader.h"
#include "reports/terminal_summary.h"
#include "reports/timeseries_csv.h"

namespace healbench {
namespace po = boost::program_options;

namespace {

// A directory means DIR/results.json (the layout `healbench run --out DIR` writes).
std::string ResultsPath(const std::string& arg) {
  std::error_code ec;
  if (std::filesystem::is_directory(arg, ec))
    return (std::filesystem::path(arg) / "results.json").string();
  return arg;
}

// A short column label: the run's directory for DIR/results.json, else the file's stem.
std::string LabelFor(const std::string& arg) {
  std::filesystem::path p(ResultsPath(arg));
  if (p.filename() == "results.json" && p.has_parent_path() &&
      !p.parent_path().filename().empty()) {
    return p.parent_path().filename().string();
  }
  return p.stem().string();
}

bool Load(const std::string& cmd, const std::string& arg, report::RunResult* r) {
  std::string err;
  if (report::LoadResultsFile(ResultsPath(arg), r, &err)) return true;
  fprintf(stderr, "healbench %s: %s\n", cmd.c_str(), err.c_str());
  return false;
}

bool Write(const std::string& cmd, const std::string& path, const std::string& content) {
  std::string err;
  if (report::WriteFileAtomically(path, content, &err)) return true;
  fprintf(stderr, "healbench %s: %s\n", cmd.c_str(), err.c_str());
  return false;
}

}  // namespace

int ReportCommand(const std::vector<std::string>& args) {
  std::string html, csv;
  bool quiet = false;
  po::options_description opts("healbench report RESULTS.json|DIR [options]");
  opts.add_options()("html", po::value(&html),
                     "write the self-contained HTML report to FILE (default: none)")(
      "csv", po::value(&csv), "write the time series as CSV to FILE (default: none)")(
      "quiet,q", po::bool_switch(&quiet), "do not print the terminal summary (default: off)");
  std::vector<std::string> inputs;
  if (auto rc = ParseCommandOptions("report", "", args, opts, &inputs)) return *rc;
  if (inputs.size() != 1) {
    fprintf(stderr, "healbench report: give exactly one results.json (or run directory); got %zu\n",
            inputs.size());
    return 2;
  }
  report::RunResult r;
  if (!Load("report", inputs[0], &r)) return 2;
  if (!html.empty() && !Write("report", html, report::HtmlReport(r))) return 3;
  if (!csv.empty() && !Write("report", csv, report::TimeseriesCsv(r))) return 3;
  if (!quiet) fputs(report::TerminalSummary(r).c_str(), stdout);
  if (!html.empty()) fprintf(quiet ? stderr : stdout, "report: %s\n", html.c_str());
  return 0;
}

int CompareCommand(const std::vector<std::string>& args) {
  std::string html;
  bool json = false;
  po::options_description opts("healbench compare RESULTS.json|DIR... [options]");
  opts.add_options()("html", po::value(&html),
                     "also write the comparison with overlaid timelines to FILE (default: none)")(
      "json", po::bool_switch(&json),
      "print the comparison as JSON instead of a table (default: off)");
  std::vector<std::string> inputs;
  if (auto rc = ParseCommandOptions("compare", "", args, opts, &inputs)) return *rc;
  if (inputs.empty()) {
    fprintf(stderr,
            "healbench compare: give one or more results.json files (or run directories)\n");
    return 2;
  }
  std::vector<report::RunResult> runs(inputs.size());
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!Load("compare", inputs[i], &runs[i])) return 2;
    std::string label = LabelFor(inputs[i]);
    // Same name twice (e.g. a/out and b/out): number them so the columns stay apart.
    if (std::find(labels.begin(), labels.end(), label) != labels.end())
      label += "#" + std::to_string(i + 1);
    labels.push_back(label);
  }
  if (!html.empty() && !Write("compare", html, report::CompareHtml(runs, labels))) return 3;
  if (json) {
    std::cout << report::CompareJson(runs, labels).dump(2) << "\n";
  } else {
    fputs(report::CompareTable(runs, labels).c_str(), stdout);
  }
  return 0;
}

}  // namespace healbench
