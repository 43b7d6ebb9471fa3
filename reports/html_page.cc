// Page scaffolding shared by the HTML report and the compare page; see html_page.h.
#include "reports/html_page.h"

#include "reports/html_assets.h"
#include "reports/report_data.h"

namespace healbench::report {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string HtmlPageStart(std::string_view title) {
  std::string out =
      "<!DOCTYPE html>\n"
      "<html lang=\"en\">\n"
      "<head>\n"
      "<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>";
  out += HtmlEscape(title);
  out += "</title>\n<style>\n";
  out += kReportCss;
  out += "</style>\n<script>\n";
  out += kErrorCatcherJs;
  out += "</script>\n</head>\n<body>\n<ul id=\"js-errors\"></ul>\n";
  return out;
}

std::string HtmlPageEnd(const nlohmann::json& data) {
  std::string out = "<script type=\"application/json\" id=\"healbench-data\">\n";
  out += EmbedJson(data);
  out += "\n</script>\n<script>\n";
  out += kReportJs;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace healbench::report
