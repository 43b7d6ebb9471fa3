// The stylesheet and scripts every HTML view inlines (no network, no CDN, no fonts): the
// same page code draws the single-run report and the compare page from the embedded data.
#pragma once

namespace healbench::report {

// Styles for the header, tables, legends and SVG charts.
extern const char* const kReportCss;

// Runs first: records uncaught errors as <li class="js-error"> in #js-errors, so a broken
// page says so on screen (and headless tests can find it in the DOM).
extern const char* const kErrorCatcherJs;

// Reads <script id="healbench-data">, draws the charts into #charts (and the latency
// distributions into #dists), then appends <div id="render-ok" data-render-ms="…">.
extern const char* const kReportJs;

}  // namespace healbench::report
