#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>
#include <string_view>

#include <actortx/tooling/html_report.hpp>

#include "runtime/observability/chart_js.hpp"

namespace actortx {

namespace {

constexpr std::string_view style = R"css(
  body { margin: 0; background: #f4f5f7; color: #1d2430;
         font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
  header { padding: 18px 28px; background: #1d2430; color: #f4f5f7; }
  header h1 { margin: 0 0 4px; font-size: 20px; font-weight: 600; }
  header .meta { color: #aab2bd; font-size: 13px; }
  main { max-width: 1280px; margin: 0 auto; padding: 20px 28px 40px; }
  section { background: #fff; border: 1px solid #e2e5ea; border-radius: 8px; padding: 14px 18px;
            margin-bottom: 16px; }
  h2 { margin: 0 0 10px; font-size: 13px; font-weight: 600; color: #6b7480;
       text-transform: uppercase; letter-spacing: .06em; }
  .row { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
  .row > section { margin-bottom: 0; } .row { margin-bottom: 16px; }
  @media (max-width: 900px) { .row { grid-template-columns: 1fr; } }
  .verdict { border-radius: 8px; padding: 14px 18px; margin-bottom: 16px; color: #fff; }
  .verdict.ok { background: #1f8a4c; } .verdict.bad { background: #c53030; }
  .verdict h2 { color: #fff; font-size: 18px; text-transform: none; letter-spacing: 0; margin: 0; }
  .verdict ul { margin: 8px 0 0; padding-left: 20px; }
  .kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; }
  .kpi .v { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
  .kpi .k { color: #6b7480; font-size: 12px; }
  table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e2e5ea; vertical-align: top; }
  th { font-size: 12px; color: #6b7480; font-weight: 600; }
  td.n, th.n { text-align: right; white-space: nowrap; }
  td.empty { color: #6b7480; font-style: italic; }
  .chart { position: relative; height: 260px; }
  .note { color: #6b7480; font-style: italic; }
  .lvl { font-weight: 700; font-size: 11px; }
  .lvl.INFO { color: #2b6cb0; } .lvl.WARNING { color: #b7791f; }
  .lvl.ERROR, .lvl.CRITICAL { color: #c53030; }
  details summary { cursor: pointer; color: #3558d6; margin-top: 8px; }
  .score { font-size: 30px; font-weight: 600; }
  .good { color: #1f8a4c; } .fair { color: #b7791f; } .poor { color: #c53030; }
)css";

// Draws the charts from the embedded JSON (the tables are already in the page).
constexpr std::string_view charts_script = R"js(
'use strict';
(function () {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const s = data.snapshot || {};
  if (typeof Chart === 'undefined') return;
  const num = (x) => (typeof x === 'number' && isFinite(x) ? x : 0);
  const trend = s.trend || [];
  // Only the stretch of the trend the run covered (it spans the last 60 minutes).
  const busy = (p) => num(p.committed) + num(p.failed) > 0;
  const first = trend.findIndex(busy);
  let last = trend.length - 1;
  while (last >= 0 && !busy(trend[last])) --last;
  const points = first < 0 ? [] : trend.slice(first, last + 1);
  const width = trend.length >= 2 ? Math.max(1, trend[1].unix_s - trend[0].unix_s) : 10;
  const nowS = num(s.unix_ms) / 1000;
  const span = (p) => Math.min(width, Math.max(1, nowS - p.unix_s));
  const clock = (t) => new Date(t * 1000).toISOString().slice(11, 19);
  const common = {
    animation: false, responsive: true, maintainAspectRatio: false,
    interaction: {mode: 'index', intersect: false},
    plugins: {legend: {position: 'bottom', labels: {boxWidth: 12}}},
    scales: {x: {ticks: {maxTicksLimit: 10, maxRotation: 0}}, y: {beginAtZero: true}},
  };
  // Own scales for bars: the line charts' x options would replace the bar default offset.
  const bars = Object.assign({}, common, {plugins: {legend: {display: false}},
      scales: {x: {offset: true, grid: {offset: true}}, y: {beginAtZero: true}}});
  const line = (label, color, values) => ({label, data: values, borderColor: color,
      backgroundColor: color + '33', borderWidth: 2, pointRadius: points.length > 40 ? 0 : 2});
  new Chart(document.getElementById('chart-throughput'), {type: 'line', options: common, data: {
    labels: points.map((p) => clock(p.unix_s)),
    datasets: [line('committed/s', '#1f8a4c', points.map((p) => num(p.committed) / span(p))),
               line('failed/s', '#c53030', points.map((p) => num(p.failed) / span(p)))]}});
  new Chart(document.getElementById('chart-latency'), {type: 'line', options: common, data: {
    labels: points.map((p) => clock(p.unix_s)),
    datasets: [line('p50 ms', '#3558d6', points.map((p) => num(p.p50_seconds) * 1000)),
               line('p99 ms', '#b7791f', points.map((p) => num(p.p99_seconds) * 1000))]}});
  const buckets = ((s.overall || {}).latency_buckets || []);
  new Chart(document.getElementById('chart-histogram'), {type: 'bar', options: bars, data: {
    labels: buckets.map((b) => (b.le === '+Inf' ? '> 10 s' : '≤ ' + (num(b.le) < 1 ? num(b.le) * 1000 + ' ms' : b.le + ' s'))),
    datasets: [{label: 'transactions', data: buckets.map((b) => num(b.count)), backgroundColor: '#3558d6'}]}});
  const failures = s.failures_by_sqlstate || [];
  new Chart(document.getElementById('chart-sqlstate'), {type: 'bar',
    options: bars, data: {
    labels: failures.map((f) => f.sqlstate || '(none)'),
    datasets: [{label: 'failed attempts', data: failures.map((f) => num(f.count)), backgroundColor: '#c53030'}]}});
})();
)js";

/// What a SQLSTATE means, for the handful a transaction workload meets.
const char* sqlstate_meaning(const std::string& code) {
  static const std::pair<const char*, const char*> known[] = {
      {"", "no SQLSTATE: client side (connection lost, deadline)"},
      {"40001", "serialization_failure"},
      {"40P01", "deadlock_detected"},
      {"23505", "unique_violation"},
      {"23503", "foreign_key_violation"},
      {"23514", "check_violation"},
      {"23502", "not_null_violation"},
      {"55P03", "lock_not_available"},
      {"57014", "query_canceled (statement_timeout)"},
      {"25P02", "in_failed_sql_transaction"},
      {"53300", "too_many_connections"},
      {"57P01", "admin_shutdown"},
      {"08006", "connection_failure"},
      {"08003", "connection_does_not_exist"},
  };
  for (const auto& [c, meaning] : known)
    if (code == c) return meaning;
  return "";
}

std::string fmt(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string seconds_text(double s) {
  return s >= 1           ? fmt("%.2f s", s)
         : s * 1000 >= 10 ? fmt("%.0f ms", s * 1000)
                          : fmt("%.2f ms", s * 1000);
}

std::string percent_text(double ratio) {
  return fmt("%.1f %%", ratio * 100);
}

std::string utc_text(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

/// Builds the document; every text from the data goes through cell()/text().
class html {
 public:
  html& raw(std::string_view s) {
    out_ << s;
    return *this;
  }
  html& text(const std::string& s) {
    out_ << html_escape(s);
    return *this;
  }
  /// One <tr> of cells; numeric ones right-aligned.
  void row(std::initializer_list<std::pair<std::string, bool>> cells) {
    out_ << "<tr>";
    for (const auto& [value, numeric] : cells)
      out_ << (numeric ? "<td class=\"n\">" : "<td>") << html_escape(value) << "</td>";
    out_ << "</tr>\n";
  }
  void head(std::initializer_list<std::pair<const char*, bool>> cells) {
    out_ << "<table><thead><tr>";
    for (const auto& [name, numeric] : cells)
      out_ << (numeric ? "<th class=\"n\">" : "<th>") << name << "</th>";
    out_ << "</tr></thead><tbody>\n";
  }
  void empty_row(int columns, const char* text) {
    out_ << "<tr><td class=\"empty\" colspan=\"" << columns << "\">" << text << "</td></tr>\n";
  }
  void end_table() { out_ << "</tbody></table>\n"; }
  void kpi(const std::string& value, const char* key) {
    out_ << "<div class=\"kpi\"><div class=\"v\">" << html_escape(value)
         << "</div><div class=\"k\">" << key << "</div></div>";
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

std::string u(uint64_t x) {
  return std::to_string(x);
}

void verdict(html& h, const run_summary& run) {
  h.raw(run.invariants_ok ? "<div class=\"verdict ok\"><h2>Invariants: OK</h2>"
                          : "<div class=\"verdict bad\"><h2>Invariants: VIOLATED</h2>");
  if (!run.invariant_lines.empty()) {
    h.raw("<ul>");
    for (const auto& line : run.invariant_lines) h.raw("<li>").text(line).raw("</li>");
    h.raw("</ul>");
  }
  h.raw("</div>\n");
}

void pairs_table(html& h, const char* title,
                 const std::vector<std::pair<std::string, std::string>>& rows) {
  h.raw("<section><h2>").raw(title).raw("</h2>\n");
  h.head({{"", false}, {"", false}});
  for (const auto& [k, v] : rows) h.row({{k, false}, {v, false}});
  if (rows.empty()) h.empty_row(2, "none");
  h.end_table();
  h.raw("</section>\n");
}

void summary(html& h, const metrics_snapshot& s) {
  const auto& o = s.overall;
  h.raw("<section><h2>Transactions</h2><div class=\"kpis\">");
  h.kpi(u(o.committed), "committed");
  h.kpi(u(o.failed), "failed");
  h.kpi(u(o.timed_out), "timed out");
  h.kpi(u(o.in_doubt), "in doubt");
  h.kpi(u(o.rolled_back), "rolled back");
  h.kpi(percent_text(o.success_rate), "success rate");
  h.kpi(u(o.retries), "retries");
  h.kpi(u(o.deadlocks), "deadlocks");
  h.kpi(u(o.serialization_failures), "serialization failures");
  h.kpi(s.uptime_seconds > 0 ? fmt("%.1f /s", static_cast<double>(o.committed) / s.uptime_seconds)
                             : "–",
        "committed / uptime");
  h.kpi(seconds_text(o.p50_seconds), "p50 latency");
  h.kpi(seconds_text(o.p95_seconds), "p95 latency");
  h.kpi(seconds_text(o.p99_seconds), "p99 latency");
  h.raw("</div></section>\n");
}

void charts(html& h, const metrics_snapshot& s, bool have_chart_js) {
  const char* missing =
      "<p class=\"note\">Charts unavailable: Chart.js (Debian package libjs-chart.js) was not "
      "installed when this report was written; the tables hold the same data.</p>";
  h.raw("<div class=\"row\"><section><h2>Throughput over time (tx/s)</h2>");
  h.raw(have_chart_js ? "<div class=\"chart\"><canvas id=\"chart-throughput\"></canvas></div>"
                      : missing);
  h.raw("</section><section><h2>Latency over time</h2>");
  h.raw(have_chart_js ? "<div class=\"chart\"><canvas id=\"chart-latency\"></canvas></div>"
                      : missing);
  h.raw("</section></div>\n");

  // The busy stretch of the trend as a table as well (exact figures, and no-JS readers).
  h.raw("<section><h2>Trend</h2><details><summary>per time bucket</summary>");
  h.head({{"start (UTC)", false},
          {"committed", true},
          {"failed", true},
          {"p50", true},
          {"p99", true}});
  size_t rows = 0;
  for (const auto& p : s.trend) {
    if (p.committed + p.failed == 0) continue;
    h.row({{utc_text(p.unix_s * 1000), false},
           {u(p.committed), true},
           {u(p.failed), true},
           {seconds_text(p.p50_seconds), true},
           {seconds_text(p.p99_seconds), true}});
    ++rows;
  }
  if (rows == 0) h.empty_row(5, "no transaction finished");
  h.end_table();
  h.raw("</details></section>\n");
}

void latency(html& h, const metrics_snapshot& s, bool have_chart_js) {
  h.raw("<section><h2>Latency percentiles and retries by label</h2>");
  h.head({{"label", false},
          {"committed", true},
          {"failed", true},
          {"timed out", true},
          {"retries", true},
          {"deadlocks", true},
          {"serialization", true},
          {"p50", true},
          {"p95", true},
          {"p99", true},
          {"success", true}});
  auto line = [&](const std::string& label, const tx_aggregate& a) {
    h.row({{label, false},
           {u(a.committed), true},
           {u(a.failed), true},
           {u(a.timed_out), true},
           {u(a.retries), true},
           {u(a.deadlocks), true},
           {u(a.serialization_failures), true},
           {seconds_text(a.p50_seconds), true},
           {seconds_text(a.p95_seconds), true},
           {seconds_text(a.p99_seconds), true},
           {percent_text(a.success_rate), true}});
  };
  for (const auto& l : s.by_label) line(l.label.empty() ? "(no label)" : l.label, l.agg);
  line("all", s.overall);
  h.end_table();
  if (have_chart_js)
    h.raw(
        "<h2 style=\"margin-top:14px\">Duration distribution</h2>"
        "<div class=\"chart\"><canvas id=\"chart-histogram\"></canvas></div>");
  h.raw("</section>\n");
}

void failures(html& h, const metrics_snapshot& s, bool have_chart_js) {
  h.raw("<section><h2>Failed attempts by SQLSTATE</h2>");
  h.head({{"SQLSTATE", false}, {"meaning", false}, {"attempts", true}});
  for (const auto& f : s.failures_by_sqlstate)
    h.row({{f.sqlstate.empty() ? "(none)" : f.sqlstate, false},
           {sqlstate_meaning(f.sqlstate), false},
           {u(f.count), true}});
  if (s.failures_by_sqlstate.empty()) h.empty_row(3, "no failed attempts");
  h.end_table();
  if (have_chart_js && !s.failures_by_sqlstate.empty())
    h.raw(
        "<div class=\"chart\" style=\"height:180px\"><canvas "
        "id=\"chart-sqlstate\"></canvas></div>");
  h.raw("</section>\n");
}

void sagas_and_pool(html& h, const metrics_snapshot& s) {
  h.raw("<div class=\"row\"><section><h2>Sagas</h2>");
  h.head({{"", false}, {"", true}});
  h.row({{"started", false}, {u(s.sagas.started), true}});
  for (size_t i = 0; i < s.sagas.by_state.size(); ++i) {
    if (s.sagas.by_state[i] == 0) continue;
    h.row({{to_string(static_cast<saga_state>(i)), false}, {u(s.sagas.by_state[i]), true}});
  }
  h.row({{"compensations", false}, {u(s.sagas.compensations), true}});
  h.row({{"recovered", false}, {u(s.sagas.recovered), true}});
  h.end_table();
  h.raw("</section><section><h2>Connection pool</h2>");
  const auto& p = s.pool;
  h.head({{"", false}, {"", true}});
  h.row({{"max connections", false}, {std::to_string(p.max), true}});
  h.row({{"in use / idle (at the end)", false},
         {std::to_string(p.in_use) + " / " + std::to_string(p.idle), true}});
  h.row({{"leases", false}, {u(p.leases), true}});
  h.row(
      {{"leases that waited > 100 ms", false},
       {u(p.leases_waited_over_100ms) +
            (p.leases
                 ? " (" + percent_text(static_cast<double>(p.leases_waited_over_100ms) / p.leases) +
                       ")"
                 : ""),
        true}});
  h.row({{"requests refused (queue full)", false}, {u(p.exhausted), true}});
  h.row({{"total lease wait", false}, {seconds_text(p.lease_wait_sum_seconds), true}});
  h.end_table();
  h.raw("</section></div>\n");
}

void alerts(html& h, const metrics_snapshot& s) {
  h.raw("<section><h2>Alerts</h2>");
  h.head(
      {{"time", false}, {"level", false}, {"rule", false}, {"subject", false}, {"message", false}});
  size_t shown = 0;
  for (const auto& a : s.recent_alerts) {
    if (++shown > 200) break;
    h.raw("<tr><td>")
        .text(utc_text(a.unix_ms))
        .raw("</td><td class=\"lvl ")
        .raw(to_string(a.level));
    h.raw("\">").raw(to_string(a.level)).raw("</td><td>").text(a.rule).raw("</td><td>");
    h.text(a.subject).raw("</td><td>").text(a.message).raw("</td></tr>\n");
  }
  if (s.recent_alerts.empty()) h.empty_row(5, "no alerts");
  h.end_table();
  h.raw("</section>\n");
}

void health(html& h, const health_report& r) {
  const char* cls = r.score >= 80 ? "good" : r.score >= 50 ? "fair" : "poor";
  h.raw("<section><h2>Health</h2><div class=\"score ").raw(cls).raw("\">");
  h.text(std::to_string(r.score)).raw(" / 100</div>");
  h.head({{"component", false}, {"value", true}, {"weight", true}});
  for (const auto& c : r.components)
    h.row({{c.name, false}, {percent_text(c.value), true}, {fmt("%.2f", c.weight), true}});
  h.end_table();
  h.raw("<h2 style=\"margin-top:14px\">Recommendations</h2><ul>");
  for (const auto& rec : r.recommendations) h.raw("<li>").text(rec).raw("</li>");
  if (r.recommendations.empty()) h.raw("<li class=\"note\">nothing to change</li>");
  h.raw("</ul></section>\n");
}

/// Inline script text cannot contain "</script"; Chart.js has none today, but a later build
/// might in a string or comment, where "<\/script" means the same.
std::string inline_script(std::string js) {
  for (size_t at = js.find("</script"); at != std::string::npos; at = js.find("</script", at + 2))
    js.replace(at, 2, "<\\/");
  return js;
}

}  // namespace

std::string html_escape(const std::string& text) {
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

std::string json_for_script(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

std::string render_html_report(const run_summary& run, const metrics_report& report,
                               const std::string& chart_js_file) {
  const auto& s = report.snapshot;
  auto chart_js = read_chart_js(chart_js_file);
  const bool have_chart_js = chart_js.has_value();
  std::string title = run.title.empty() ? "actortx run report" : run.title;

  html h;
  h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  h.text(title).raw("</title>\n<style>").raw(style).raw("</style>\n</head>\n<body>\n<header><h1>");
  h.text(title).raw("</h1><div class=\"meta\">written ").text(utc_text(s.unix_ms));
  h.raw(" · runtime up ").text(fmt("%.1f s", s.uptime_seconds)).raw("</div></header>\n<main>\n");
  verdict(h, run);
  h.raw("<div class=\"row\">");
  pairs_table(h, "Configuration", run.configuration);
  pairs_table(h, "Figures", run.figures);
  h.raw("</div>\n");
  summary(h, s);
  charts(h, s, have_chart_js);
  latency(h, s, have_chart_js);
  failures(h, s, have_chart_js);
  sagas_and_pool(h, s);
  alerts(h, s);
  health(h, s.health);
  h.raw("</main>\n<script type=\"application/json\" id=\"report-data\">");
  h.raw(json_for_script(to_json(report))).raw("</script>\n");
  if (have_chart_js) {
    h.raw("<script>").raw(inline_script(*chart_js)).raw("</script>\n");
    h.raw("<script>").raw(charts_script).raw("</script>\n");
  }
  h.raw("</body>\n</html>\n");
  return h.str();
}

std::string render_html_report(const run_summary& run, const metrics_report& report) {
  return render_html_report(run, report, default_chart_js_path());
}

}  // namespace actortx
