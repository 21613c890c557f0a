// The live dashboard: one self-contained HTML page (no CDN) that loads /static/chart.js and
// polls /api/dashboard.json every two seconds. Data is written with textContent only, so a
// transaction label or an alert message cannot inject markup.
#pragma once

#include <string_view>

namespace actortx {

/// The page served at "/".
std::string_view dashboard_page_html();

}  // namespace actortx
