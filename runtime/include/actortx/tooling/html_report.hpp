// A self-contained HTML report of a run (actortx-stress --report out.html): configuration,
// invariant verdict, throughput over time, latency percentiles, retries and failures by
// SQLSTATE, alerts and health. One file to attach to a ticket: Chart.js is inlined from
// libjs-chart.js (tables only, with a note, when it is not installed) and the data is
// embedded as JSON.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <actortx/metrics_report.hpp>

namespace actortx {

struct run_summary {
  std::string title;
  /// Shown in this order, e.g. {"concurrency", "16"}.
  std::vector<std::pair<std::string, std::string>> configuration;
  bool invariants_ok = true;
  /// What was checked and what was found, one line each.
  std::vector<std::string> invariant_lines;
  /// Further figures of the run, e.g. {"faults injected", "12"}.
  std::vector<std::pair<std::string, std::string>> figures;
};

/// The report as one HTML document. `chart_js_file` is inlined; empty or unreadable: no
/// charts, the tables carry the data.
std::string render_html_report(const run_summary& run, const metrics_report& report,
                               const std::string& chart_js_file);
/// Same with Chart.js from default_chart_js_path().
std::string render_html_report(const run_summary& run, const metrics_report& report);

/// `text` with & < > " ' as character references.
std::string html_escape(const std::string& text);
/// JSON made safe inside <script type="application/json">: every '<' becomes \u003c (JSON has
/// '<' only inside strings), so "</script>" or "<!--" in a label cannot end the block.
std::string json_for_script(const std::string& json);

}  // namespace actortx
