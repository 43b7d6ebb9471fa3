// Shared scaffolding of the HTML views: escaping, the page head with the inline stylesheet,
// and the tail that embeds the data and the drawing script. One file, no external requests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace healbench::report {

// Text safe in HTML element content and double-quoted attributes (& < > " ').
std::string HtmlEscape(std::string_view text);

// "<!DOCTYPE html>" through "<body>": charset, title (escaped), inline CSS, the error
// catcher and the (initially empty) #js-errors list.
std::string HtmlPageStart(std::string_view title);

// The embedded data (<script type="application/json" id="healbench-data">), the drawing
// script and "</body></html>".
std::string HtmlPageEnd(const nlohmann::json& data);

}  // namespace healbench::report
