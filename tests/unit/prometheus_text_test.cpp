#include "runtime/observability/prometheus_text.hpp"

#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace actortx;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in{text};
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

size_t count_prefix(const std::string& text, const std::string& prefix) {
  std::istringstream in{text};
  size_t n = 0;
  for (std::string l; std::getline(in, l);) {
    if (l.compare(0, prefix.size(), prefix) == 0) ++n;
  }
  return n;
}

label_aggregate transfers() {
  label_aggregate l;
  l.label = "transfer";
  auto& a = l.agg;
  a.started = 12;
  a.committed = 9;
  a.rolled_back = 1;
  a.failed = 1;
  a.timed_out = 1;
  a.retries = 4;
  a.deadlocks = 1;
  a.serialization_failures = 3;
  a.savepoints = 2;
  a.rows = 18;
  // 2 in <= 0.5 ms, 3 in (1 ms, 2.5 ms], 1 in (0.1 s, 0.25 s], 6 in total (non-cumulative).
  a.latency_buckets[0] = 2;
  a.latency_buckets[2] = 3;
  a.latency_buckets[8] = 1;
  a.latency_sum_seconds = 0.2095;
  return l;
}

}  // namespace

TEST_CASE("prometheus_text exposes per-label counters with HELP and TYPE", "[unit]") {
  metrics_snapshot s;
  s.by_label.push_back(transfers());
  auto text = prometheus_text(s);

  CHECK(has_line(text, "# HELP actortx_transactions_committed_total Transactions that committed."));
  CHECK(has_line(text, "# TYPE actortx_transactions_committed_total counter"));
  CHECK(has_line(text, "actortx_transactions_started_total{label=\"transfer\"} 12"));
  CHECK(has_line(text, "actortx_transactions_committed_total{label=\"transfer\"} 9"));
  CHECK(has_line(text, "actortx_transactions_rolled_back_total{label=\"transfer\"} 1"));
  CHECK(has_line(text, "actortx_transactions_failed_total{label=\"transfer\"} 1"));
  CHECK(has_line(text, "actortx_transactions_timed_out_total{label=\"transfer\"} 1"));
  CHECK(has_line(text, "actortx_transactions_in_doubt_total{label=\"transfer\"} 0"));
  CHECK(has_line(text, "actortx_transaction_retries_total{label=\"transfer\"} 4"));
  CHECK(has_line(text, "actortx_deadlocks_total{label=\"transfer\"} 1"));
  CHECK(has_line(text, "actortx_serialization_failures_total{label=\"transfer\"} 3"));
  CHECK(has_line(text, "actortx_savepoints_total{label=\"transfer\"} 2"));
  CHECK(has_line(text, "actortx_transaction_rows_total{label=\"transfer\"} 18"));
  // Only the label's series: the overall figures are a sum() away.
  CHECK(count_prefix(text, "actortx_transactions_committed_total{") == 1);
}

TEST_CASE("prometheus_text turns the snapshot's buckets into cumulative ones", "[unit]") {
  metrics_snapshot s;
  s.by_label.push_back(transfers());
  auto text = prometheus_text(s);
  const std::string b = "actortx_transaction_duration_seconds_bucket{label=\"transfer\",le=";

  CHECK(has_line(text, "# TYPE actortx_transaction_duration_seconds histogram"));
  CHECK(has_line(text, b + "\"0.0005\"} 2"));
  CHECK(has_line(text, b + "\"0.001\"} 2"));
  CHECK(has_line(text, b + "\"0.0025\"} 5"));
  CHECK(has_line(text, b + "\"0.1\"} 5"));
  CHECK(has_line(text, b + "\"0.25\"} 6"));
  CHECK(has_line(text, b + "\"1\"} 6"));
  CHECK(has_line(text, b + "\"10\"} 6"));
  CHECK(has_line(text, b + "\"+Inf\"} 6"));
  CHECK(count_prefix(text, b) == latency_bucket_count);
  CHECK(has_line(text, "actortx_transaction_duration_seconds_sum{label=\"transfer\"} 0.2095"));
  CHECK(has_line(text, "actortx_transaction_duration_seconds_count{label=\"transfer\"} 6"));
}

TEST_CASE("prometheus_text escapes label values", "[unit]") {
  metrics_snapshot s;
  auto l = transfers();
  l.label = "a\\b \"quoted\"\nnext";
  s.by_label.push_back(l);
  s.failures_by_sqlstate.push_back({"40001", 3});
  auto text = prometheus_text(s);

  CHECK(has_line(text,
                 "actortx_transactions_committed_total{label=\"a\\\\b \\\"quoted\\\"\\nnext\"} 9"));
  CHECK(has_line(text, "actortx_failed_attempts_total{sqlstate=\"40001\"} 3"));
  // No raw newline inside a sample: every line is a comment or starts with a metric name.
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    INFO(line);
    CHECK((line.rfind("actortx_", 0) == 0 || line.rfind("# ", 0) == 0));
  }
  CHECK(prometheus_escape_label("plain") == "plain");
  CHECK(prometheus_escape_label("\\\"\n") == "\\\\\\\"\\n");
}

TEST_CASE("prometheus_text has every family before anything finished", "[unit]") {
  metrics_snapshot s;  // a fresh runtime: no label yet
  auto text = prometheus_text(s);
  CHECK(has_line(text, "actortx_transactions_committed_total{label=\"\"} 0"));
  CHECK(has_line(text, "actortx_transaction_duration_seconds_bucket{label=\"\",le=\"+Inf\"} 0"));
  CHECK(has_line(text, "actortx_transaction_duration_seconds_count{label=\"\"} 0"));
  CHECK(has_line(text, "actortx_transactions_active 0"));
  CHECK(has_line(text, "# TYPE actortx_failed_attempts_total counter"));
  CHECK(count_prefix(text, "actortx_failed_attempts_total") == 0);
}

TEST_CASE("prometheus_text exposes pool, sagas, health and alerts", "[unit]") {
  metrics_snapshot s;
  s.uptime_seconds = 12.5;
  s.overall.active = 3;
  s.long_running = 1;
  s.pool = {8, 5, 3, 2, 100, 38, 1, 4.25};
  s.sagas.started = 7;
  s.sagas.by_state[static_cast<size_t>(saga_state::committed)] = 4;
  s.sagas.by_state[static_cast<size_t>(saga_state::compensated)] = 2;
  s.sagas.by_state[static_cast<size_t>(saga_state::failed)] = 1;
  s.sagas.compensations = 3;
  s.health.score = 87;
  s.health.components.push_back({"success_rate", 0.95, 0.4});
  alert newest{"failure_rate", "", alert_level::critical, "m", 0.3, 0.25, 1700000002500};
  alert older{"p99_latency", "", alert_level::warning, "m", 2, 1, 1700000001000};
  alert oldest{"failure_rate", "", alert_level::critical, "m", 0.3, 0.25, 1600000000000};
  s.recent_alerts = {newest, older, oldest};
  auto text = prometheus_text(s);

  CHECK(has_line(text, "actortx_transactions_active 3"));
  CHECK(has_line(text, "actortx_long_running_transactions 1"));
  CHECK(has_line(text, "actortx_pool_connections{state=\"in_use\"} 5"));
  CHECK(has_line(text, "actortx_pool_connections{state=\"idle\"} 3"));
  CHECK(has_line(text, "actortx_pool_max_connections 8"));
  CHECK(has_line(text, "actortx_pool_waiting_requests 2"));
  CHECK(has_line(text, "actortx_pool_leases_total 100"));
  CHECK(has_line(text, "actortx_pool_slow_leases_total 38"));
  CHECK(has_line(text, "actortx_pool_exhausted_total 1"));
  CHECK(has_line(text, "actortx_pool_lease_wait_seconds_total 4.25"));
  CHECK(has_line(text, "actortx_sagas_started_total 7"));
  CHECK(has_line(text, "actortx_sagas_finished_total{state=\"committed\"} 4"));
  CHECK(has_line(text, "actortx_sagas_finished_total{state=\"compensated\"} 2"));
  CHECK(has_line(text, "actortx_sagas_finished_total{state=\"failed\"} 1"));
  CHECK(has_line(text, "actortx_saga_compensations_total 3"));
  CHECK(has_line(text, "actortx_health_score 87"));
  CHECK(has_line(text, "actortx_health_component_ratio{component=\"success_rate\"} 0.95"));
  // The newest alert of each level, as a Unix time in seconds.
  CHECK(has_line(text, "actortx_last_alert_timestamp_seconds{level=\"critical\"} 1700000002.5"));
  CHECK(has_line(text, "actortx_last_alert_timestamp_seconds{level=\"warning\"} 1700000001"));
  CHECK(count_prefix(text, "actortx_last_alert_timestamp_seconds{") == 2);
  CHECK(has_line(text, "actortx_uptime_seconds 12.5"));
}

TEST_CASE("prometheus_number writes the shortest exact text", "[unit]") {
  CHECK(prometheus_number(0.0005) == "0.0005");
  CHECK(prometheus_number(2.5) == "2.5");
  CHECK(prometheus_number(10) == "10");
  CHECK(prometheus_number(0.1 + 0.2) == "0.30000000000000004");
  constexpr double inf = std::numeric_limits<double>::infinity();
  CHECK(prometheus_number(inf) == "+Inf");
  CHECK(prometheus_number(-inf) == "-Inf");
  CHECK(prometheus_number(std::numeric_limits<double>::quiet_NaN()) == "NaN");
}
