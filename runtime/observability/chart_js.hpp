// Chart.js from Debian's libjs-chart.js: served by the dashboard, inlined into HTML reports.
// Never fetched from a CDN, so the pages work on hosts without internet access.
#pragma once

#include <optional>
#include <string>

namespace actortx {

/// The UMD build of Chart.js that libjs-chart.js installs (the minified one when present),
/// or "" when the package is not installed.
std::string default_chart_js_path();

/// The file's contents; nullopt when `path` is empty or cannot be read.
std::optional<std::string> read_chart_js(const std::string& path);

}  // namespace actortx
