// The HTML report's asset files, embedded into actortx_tooling by tooling_assets.cmake
// (actortx_embed_asset generates the definitions).
#pragma once

#include <string_view>

namespace actortx::asset {

std::string_view html_report_css();        ///< assets/html_report.css
std::string_view html_report_charts_js();  ///< assets/html_report_charts.js

}  // namespace actortx::asset
