// The compare page: the compare table as HTML, then the runs' timelines overlaid and aligned
// at each run's first fault (drawn by the shared inline script); see compare.h.
#include <algorithm>

#include "reports/compare.h"
#include "reports/html_page.h"
#include "reports/html_report.h"
#include "reports/report_data.h"

namespace healbench::report {

std::string CompareHtml(const std::vector<RunResult>& runs,
                        const std::vector<std::string>& labels) {
  std::string out = HtmlPageStart("healbench compare: " + std::to_string(runs.size()) + " runs");
  out += "<header>\n<h1>healbench compare: " + std::to_string(runs.size()) + " runs</h1>\n";
  out += "<dl class=\"meta\">\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    out += "<div><dt>" + HtmlEscape(labels[i]) + "</dt><dd>" +
           HtmlEscape(RunName(r) + " on " + r.context.backend + ", seed " +
                      std::to_string(r.context.seed) + ", " + r.context.started_at) +
           "</dd></div>\n";
  }
  out +=
      "</dl>\n</header>\n<section id=\"compare\">\n<h2>Side by side</h2>\n<table>\n<tr><th "
      "class=\"l\">metric</th>";
  for (const auto& label : labels) out += "<th>" + HtmlEscape(label) + "</th>";
  out += "</tr>\n";
  for (const CompareRow& row : CompareRows(runs)) {
    out += "<tr><td class=\"l\">" + HtmlEscape(row.label) + "</td>";
    for (std::size_t i = 0; i < row.values.size(); ++i) {
      const bool best = std::find(row.best.begin(), row.best.end(), i) != row.best.end();
      out += best ? "<td class=\"best\">" : "<td>";
      out += HtmlEscape(FormatCompareValue(row, row.values[i])) + (best ? "*" : "") + "</td>";
    }
    out += "</tr>\n";
  }
  out +=
      "</table>\n<p class=\"note\">* best value in the row (bold); n/a: not applicable or not "
      "measured in that run.</p>\n</section>\n";
  out +=
      "<section id=\"timeline\">\n<h2>Timelines aligned at the first fault</h2>\n"
      "<p class=\"note\">Each run is shifted so its first fault event is at t = 0 (a run "
      "without faults starts at 0). The dashed line marks the fault.</p>\n"
      "<div id=\"charts\"><noscript>The charts need JavaScript.</noscript></div>\n"
      "</section>\n";
  nlohmann::json data = {{"runs", nlohmann::json::array()}};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    data["runs"].push_back(CompareRunData(runs[i], labels[i]));
  }
  out += HtmlPageEnd(data);
  return out;
}

}  // namespace healbench::report
