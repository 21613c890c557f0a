#include <optional>
#include <string>
#include <string_view>

#include <actortx/tooling/html_report.hpp>

#include "runtime/observability/chart_js.hpp"
#include "runtime/tooling/html_report_assets.hpp"
#include "runtime/tooling/html_report_builder.hpp"
#include "runtime/tooling/html_report_sections.hpp"

namespace actortx {

namespace {

/// Inline script text cannot contain "</script"; Chart.js has none today, but a later build
/// might in a string or comment, where "<\/script" means the same.
std::string inline_script(std::string js) {
  for (size_t at = js.find("</script"); at != std::string::npos; at = js.find("</script", at + 2))
    js.replace(at, 2, "<\\/");
  return js;
}

void open_page(html_builder& h, const std::string& title) {
  h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  h.text(title).raw("</title>\n<style>\n").raw(asset::html_report_css());
  h.raw("</style>\n</head>\n<body>\n");
}

/// The data as JSON for the charts (and for anyone who saves the page), then the charts'
/// scripts: Chart.js inlined, and assets/html_report_charts.js, which draws from the data.
void close_page(html_builder& h, const metrics_report& report,
                const std::optional<std::string>& chart_js) {
  h.raw("</main>\n<script type=\"application/json\" id=\"report-data\">");
  h.raw(json_for_script(to_json(report))).raw("</script>\n");
  if (chart_js) {
    h.raw("<script>").raw(inline_script(*chart_js)).raw("</script>\n");
    h.raw("<script>\n").raw(asset::html_report_charts_js()).raw("</script>\n");
  }
  h.raw("</body>\n</html>\n");
}

}  // namespace

std::string render_html_report(const run_summary& run, const metrics_report& report,
                               const std::string& chart_js_file) {
  namespace section = html_sections;
  const auto& s = report.snapshot;
  const auto chart_js = read_chart_js(chart_js_file);
  const bool have_chart_js = chart_js.has_value();
  const std::string title = run.title.empty() ? "actortx run report" : run.title;

  html_builder h;
  open_page(h, title);
  section::page_header(h, title, s);
  h.raw("<main>\n");
  section::verdict(h, run);
  h.raw("<div class=\"row\">");
  section::pairs_table(h, "Configuration", run.configuration);
  section::pairs_table(h, "Figures", run.figures);
  h.raw("</div>\n");
  section::summary(h, s);
  section::charts(h, s, have_chart_js);
  section::latency(h, s, have_chart_js);
  section::failures(h, s, have_chart_js);
  section::sagas_and_pool(h, s);
  section::internal_transactions(h, s);
  section::alerts(h, s);
  section::health(h, s.health);
  close_page(h, report, chart_js);
  return h.str();
}

std::string render_html_report(const run_summary& run, const metrics_report& report) {
  return render_html_report(run, report, default_chart_js_path());
}

}  // namespace actortx
