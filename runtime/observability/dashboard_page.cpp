#include "runtime/observability/dashboard_page.hpp"

#include <string>

#include "runtime/observability/observability_assets.hpp"

namespace actortx {

namespace {

/// `page` with `placeholder` replaced by `content`.
std::string inline_asset(std::string page, std::string_view placeholder, std::string_view content) {
  const auto at = page.find(placeholder);
  if (at != std::string::npos) page.replace(at, placeholder.size(), content);
  return page;
}

// assets/dashboard.js reads /api/dashboard.json (to_json of a metrics_report,
// <actortx/metrics_report.hpp>) and tolerates missing fields, so that an older or newer runtime
// still renders what it can. Throughput comes from the difference of overall.committed between
// polls (server time, so it stays right when the browser throttles timers), and from the trend
// until two polls span a second. The script loads /static/chart.js itself: with a dashboard
// token (?token= in the page's URL) every request carries it, the script's too.
std::string assemble_page() {
  auto page = inline_asset(std::string{asset::dashboard_html()}, "{{dashboard.css}}",
                           asset::dashboard_css());
  page = inline_asset(std::move(page), "{{dashboard.js}}", asset::dashboard_js());
  return inline_asset(std::move(page), "{{sagas.js}}", asset::sagas_js());
}

}  // namespace

std::string_view dashboard_page_html() {
  // Assembled once; the style and the script stay inline so that the page is one request.
  static const std::string page = assemble_page();
  return page;
}

}  // namespace actortx
