// The sections of the HTML run report, written into the page in this order by
// render_html_report. Charts get a <canvas> only when Chart.js is inlined; the tables always
// carry the same data.
#pragma once

#include <string>

#include <actortx/tooling/html_report.hpp>

#include "runtime/tooling/html_report_builder.hpp"

namespace actortx::html_sections {

/// The bar at the top: title, when the report was written, the runtime's uptime.
void page_header(html_builder& h, const std::string& title, const metrics_snapshot& s);
/// Invariants OK (green) or VIOLATED (red), with what was checked.
void verdict(html_builder& h, const run_summary& run);
/// A two-column table of name/value pairs (configuration, figures).
void pairs_table(html_builder& h, const char* title,
                 const std::vector<std::pair<std::string, std::string>>& rows);
/// Key figures of the transactions.
void summary(html_builder& h, const metrics_snapshot& s);
/// Throughput and latency over time, and the busy trend buckets as a table.
void charts(html_builder& h, const metrics_snapshot& s, bool have_chart_js);
/// Percentiles and retries by label, and the duration histogram.
void latency(html_builder& h, const metrics_snapshot& s, bool have_chart_js);
/// Failed attempts by SQLSTATE, with what each code means.
void failures(html_builder& h, const metrics_snapshot& s, bool have_chart_js);
void sagas_and_pool(html_builder& h, const metrics_snapshot& s);
/// The library's own transactions (tx_record::internal), apart from the application's.
void internal_transactions(html_builder& h, const metrics_snapshot& s);
void alerts(html_builder& h, const metrics_snapshot& s);
void health(html_builder& h, const health_report& r);

}  // namespace actortx::html_sections
