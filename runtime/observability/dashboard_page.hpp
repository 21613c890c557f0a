// The live dashboard: one self-contained HTML page (no CDN) whose script loads
// /static/chart.js (with ?token= when the page has one) and polls /api/dashboard.json every
// two seconds (sending the token as a Bearer header). Data is written with textContent only, so a
// transaction label or an alert message cannot inject markup.
#pragma once

#include <string_view>

namespace actortx {

/// The page served at "/".
std::string_view dashboard_page_html();

}  // namespace actortx
