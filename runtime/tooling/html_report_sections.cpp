#include "runtime/tooling/html_report_sections.hpp"

#include <ctime>
#include <string>

#include "runtime/observability/figure_text.hpp"

namespace actortx::html_sections {

namespace {

/// What a cause means: the SQLSTATEs a transaction workload meets and the client-side causes
/// (failure_cause.hpp).
const char* cause_meaning(const std::string& code) {
  static const std::pair<const char*, const char*> known[] = {
      {"connection_lost", "the connection broke while the attempt ran"},
      {"connection_failed", "no connection could be made"},
      {"pool_exhausted", "no connection could be leased in time"},
      {"deadline", "the transaction's deadline ended the attempt"},
      {"body_exception", "the body threw an exception of its own"},
      {"commit_in_doubt", "COMMIT sent, its answer lost"},
      {"attempt_crashed", "an actor running the attempt died"},
      {"shutting_down", "the runtime was stopping"},
      {"invalid_argument", "the request was malformed"},
      {"other", "another client-side error"},
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

std::string utc_text(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string u(uint64_t x) {
  return std::to_string(x);
}

}  // namespace

void page_header(html_builder& h, const std::string& title, const metrics_snapshot& s) {
  h.raw("<header><h1>").text(title).raw("</h1><div class=\"meta\">written ");
  h.text(utc_text(s.unix_ms)).raw(" · runtime up ").text(fixed_text(s.uptime_seconds, 1) + " s");
  if (!s.identity.runtime.empty())
    h.raw(" · runtime ").text(s.identity.runtime).raw(" · database ").text(s.identity.db_namespace);
  h.raw("</div></header>\n");
}

void verdict(html_builder& h, const run_summary& run) {
  h.raw(run.invariants_ok ? "<div class=\"verdict ok\"><h2>Invariants: OK</h2>"
                          : "<div class=\"verdict bad\"><h2>Invariants: VIOLATED</h2>");
  if (!run.invariant_lines.empty()) {
    h.raw("<ul>");
    for (const auto& line : run.invariant_lines) h.raw("<li>").text(line).raw("</li>");
    h.raw("</ul>");
  }
  h.raw("</div>\n");
}

void pairs_table(html_builder& h, const char* title,
                 const std::vector<std::pair<std::string, std::string>>& rows) {
  h.raw("<section><h2>").raw(title).raw("</h2>\n");
  h.head({{"", false}, {"", false}});
  for (const auto& [k, v] : rows) h.row({{k, false}, {v, false}});
  if (rows.empty()) h.empty_row(2, "none");
  h.end_table();
  h.raw("</section>\n");
}

void summary(html_builder& h, const metrics_snapshot& s) {
  const auto& o = s.overall;
  h.raw("<section><h2>Transactions</h2><div class=\"kpis\">");
  h.kpi(u(o.committed), "committed");
  h.kpi(u(o.failed), "failed");
  h.kpi(u(o.timed_out), "timed out");
  h.kpi(u(o.in_doubt), "in doubt");
  h.kpi(u(o.rolled_back), "rolled back by the body");
  h.kpi(percent_text(o.success_rate), "success: committed or rolled back by the body, of finished");
  h.kpi(u(o.retries), "retries");
  h.kpi(u(o.deadlocks), "deadlocks");
  h.kpi(u(o.serialization_failures), "serialization failures");
  h.kpi(s.uptime_seconds > 0
            ? fixed_text(static_cast<double>(o.committed) / s.uptime_seconds, 1) + " /s"
            : "–",
        "committed / uptime");
  h.kpi(latency_text(o.p50_seconds), "p50 latency");
  h.kpi(latency_text(o.p95_seconds), "p95 latency");
  h.kpi(latency_text(o.p99_seconds), "p99 latency");
  h.raw("</div></section>\n");
}

void charts(html_builder& h, const metrics_snapshot& s, bool have_chart_js) {
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
          {"rolled back", true},
          {"errors", true},
          {"p50", true},
          {"p99", true}});
  size_t rows = 0;
  for (const auto& p : s.trend) {
    if (p.finished() == 0) continue;
    h.row({{utc_text(p.unix_s * 1000), false},
           {u(p.committed), true},
           {u(p.rolled_back), true},
           {u(p.failed), true},
           {latency_text(p.p50_seconds), true},
           {latency_text(p.p99_seconds), true}});
    ++rows;
  }
  if (rows == 0) h.empty_row(6, "no transaction finished");
  h.end_table();
  h.raw("</details></section>\n");
}

void latency(html_builder& h, const metrics_snapshot& s, bool have_chart_js) {
  h.raw("<section><h2>Latency percentiles and retries by label</h2>");
  h.head({{"label", false},
          {"committed", true},
          {"rolled back", true},
          {"failed", true},
          {"timed out", true},
          {"in doubt", true},
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
           {u(a.rolled_back), true},
           {u(a.failed), true},
           {u(a.timed_out), true},
           {u(a.in_doubt), true},
           {u(a.retries), true},
           {u(a.deadlocks), true},
           {u(a.serialization_failures), true},
           {latency_text(a.p50_seconds), true},
           {latency_text(a.p95_seconds), true},
           {latency_text(a.p99_seconds), true},
           {percent_text(a.success_rate), true}});
  };
  for (const auto& l : s.by_label) line(l.label, l.agg);
  line("all", s.overall);
  h.end_table();
  if (have_chart_js)
    h.raw(
        "<h2 style=\"margin-top:14px\">Duration distribution</h2>"
        "<div class=\"chart\"><canvas id=\"chart-histogram\"></canvas></div>");
  h.raw("</section>\n");
}

void failures(html_builder& h, const metrics_snapshot& s, bool have_chart_js) {
  h.raw("<section><h2>Failed attempts by cause</h2>");
  h.head({{"cause", false}, {"meaning", false}, {"attempts", true}});
  for (const auto& f : s.failures_by_cause)
    h.row({{f.cause, false}, {cause_meaning(f.cause), false}, {u(f.count), true}});
  if (s.failures_by_cause.empty()) h.empty_row(3, "no failed attempts");
  h.end_table();
  if (have_chart_js && !s.failures_by_cause.empty())
    h.raw(
        "<div class=\"chart\" style=\"height:180px\"><canvas "
        "id=\"chart-sqlstate\"></canvas></div>");
  h.raw("</section>\n");
}

void sagas_and_pool(html_builder& h, const metrics_snapshot& s) {
  h.raw("<div class=\"row\"><section><h2>Sagas</h2>");
  h.head({{"", false}, {"", true}});
  h.row({{"begun on this node", false}, {u(s.sagas.started), true}});
  for (size_t i = 0; i < s.sagas.by_state.size(); ++i) {
    if (s.sagas.by_state[i] == 0) continue;
    h.row({{std::string{"ended "} + to_string(static_cast<saga_state>(i)), false},
           {u(s.sagas.by_state[i]), true}});
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
  h.row({{"total lease wait", false}, {latency_text(p.lease_wait_sum_seconds), true}});
  h.end_table();
  h.raw("</section></div>\n");
}

void internal_transactions(html_builder& h, const metrics_snapshot& s) {
  h.raw(
      "<section><h2>Library transactions</h2><p class=\"note\">The runtime's own "
      "bookkeeping (saga log, leases, claims, pruning): counted apart from the application's "
      "figures above, never in its alerts or health.</p>");
  h.head({{"label", false},
          {"committed", true},
          {"rolled back", true},
          {"failed", true},
          {"timed out", true},
          {"in doubt", true},
          {"retries", true},
          {"p99", true}});
  auto line = [&](const std::string& label, const tx_aggregate& a) {
    h.row({{label, false},
           {u(a.committed), true},
           {u(a.rolled_back), true},
           {u(a.failed), true},
           {u(a.timed_out), true},
           {u(a.in_doubt), true},
           {u(a.retries), true},
           {latency_text(a.p99_seconds), true}});
  };
  for (const auto& l : s.internal_by_label) line(l.label, l.agg);
  if (s.internal_by_label.empty()) h.empty_row(8, "none");
  h.end_table();
  if (!s.internal_failures_by_cause.empty()) {
    h.head({{"failed attempts by cause", false}, {"attempts", true}});
    for (const auto& f : s.internal_failures_by_cause)
      h.row({{f.cause, false}, {u(f.count), true}});
    h.end_table();
  }
  h.raw("</section>\n");
}

void alerts(html_builder& h, const metrics_snapshot& s) {
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

void health(html_builder& h, const health_report& r) {
  const char* cls = r.score >= 80 ? "good" : r.score >= 50 ? "fair" : "poor";
  h.raw("<section><h2>Health</h2><div class=\"score ").raw(cls).raw("\">");
  h.text(std::to_string(r.score)).raw(" / 100</div>");
  // Scores 0..1, not percentages: the one success figure is the summary's.
  h.head({{"component", false}, {"score", true}, {"weight", true}});
  for (const auto& c : r.components)
    h.row({{c.name, false}, {fixed_text(c.value, 2), true}, {fixed_text(c.weight, 2), true}});
  h.end_table();
  h.raw("<h2 style=\"margin-top:14px\">Recommendations</h2><ul>");
  for (const auto& rec : r.recommendations) h.raw("<li>").text(rec).raw("</li>");
  if (r.recommendations.empty()) h.raw("<li class=\"note\">nothing to change</li>");
  h.raw("</ul></section>\n");
}

}  // namespace actortx::html_sections
