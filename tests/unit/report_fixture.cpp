#include "report_fixture.hpp"

#include <limits>

namespace actortx::test {

const std::string tricky =
    "pay \"now\", later\nthen\r\n\\ \xC3\xBC\xC3\xB1 \xE2\x82\xAC \xE6\xBC\xA2 \xF0\x9F\x99\x82";

namespace {

trend_point point(int64_t unix_s, uint64_t committed, uint64_t rolled_back, uint64_t failed,
                  double p50, double p99) {
  trend_point p;
  p.unix_s = unix_s;
  p.committed = committed;
  p.rolled_back = rolled_back;
  p.failed = failed;
  p.p50_seconds = p50;
  p.p99_seconds = p99;
  return p;
}

latency_window window(int64_t seconds, uint64_t finished, double p50, double p99, double rate) {
  latency_window w;
  w.seconds = seconds;
  w.finished = finished;
  w.p50_seconds = p50;
  w.p99_seconds = p99;
  w.success_rate = rate;
  return w;
}

operation_series operation(std::string name, tx_state outcome, std::string error_type) {
  operation_series o;
  o.operation = std::move(name);
  o.outcome = outcome;
  o.error_type = std::move(error_type);
  for (size_t i = 0; i < o.latency_buckets.size(); ++i) o.latency_buckets[i] = i % 3;
  o.latency_sum_seconds = 0.1 + 0.2;
  return o;
}

pool_gauges pool() {
  pool_gauges p;
  p.max = 16;
  p.in_use = 5;
  p.idle = 11;
  p.waiting = 2;
  p.leases = 1000;
  p.leases_waited_over_100ms = 3;
  p.exhausted = 1;
  p.lease_wait_sum_seconds = 0.125;
  for (size_t i = 0; i < p.lease_wait_buckets.size(); ++i) p.lease_wait_buckets[i] = 100 - i;
  p.replaced = 4;
  p.connect_failures = 6;
  return p;
}

void fill_snapshot(metrics_snapshot& s) {
  s.unix_ms = 1700000000999;
  s.uptime_seconds = 3600.25;
  s.identity = {"bank-a", "bank", "bank-a", "db.example:5432"};
  s.overall = aggregate(3);
  s.by_label.push_back({unlabelled_label, aggregate(1)});
  s.by_label.push_back({tricky, aggregate(2)});
  s.operations = {operation(tricky, tx_state::committed, ""),
                  operation(overflow_label, tx_state::failed, "23505"),
                  operation("pay", tx_state::timeout, "deadline")};
  s.sagas.started = 9;
  s.sagas.by_state = {1, 2, 3, 4, 5, 6};
  s.sagas.compensations = 7;
  s.sagas.recovered = 8;
  s.pool = pool();
  s.long_running = 2;
  s.failures_by_cause = {{"40001", 5}, {"connection_lost", 2}};
  s.trend = {point(1700000000, 4, 2, 1, 0.002, 0.3), point(1700000010, 0, 0, 0, 0, 0)};
  s.windows = {window(60, 0, 0, 0, 1.0), window(300, 7, 0.002, 0.3, 6.0 / 7.0)};
  s.recent_alerts.push_back(
      {"failure_rate", tricky, alert_level::critical, "50 % failed", 0.5, 0.1, 1700000000500});
  s.recent_alerts.push_back(
      {"pool", "", alert_level::info, "ok", -1.5, std::numeric_limits<double>::infinity(), 1});
  s.open_alerts = 2;
  s.health.score = 73;
  s.health.components = {{"success", 0.9, 0.4}, {"latency", 1.0 / 7.0, 0.3}};
  s.health.recommendations = {"raise actortx.pool-max", tricky};
  s.internal = aggregate(5);
  s.internal_by_label.push_back({"actortx.saga_log", aggregate(4)});
  s.internal_failures_by_cause = {{"commit_in_doubt", 1}};
}

saga_record saga() {
  saga_record sg;
  sg.id = "6f1c-\"id\"";
  sg.type = tricky;
  sg.state = saga_state::compensated;
  sg.steps = 3;
  sg.steps_done = 2;
  sg.compensations = 2;
  sg.start_unix_us = 1700000000000001;
  sg.duration = std::chrono::microseconds{1234567};
  sg.recovered = true;
  sg.error = "step \"credit\" failed";
  return sg;
}

active_tx active() {
  active_tx a;
  a.id = 77;
  a.label = tricky;
  a.attempt = 2;
  a.age = std::chrono::milliseconds{61234};
  a.backend_pid = 4242;
  a.statement = "SELECT 'a,b'\nFROM t";
  a.long_running = true;
  return a;
}

}  // namespace

tx_aggregate aggregate(uint64_t seed) {
  tx_aggregate a;
  a.started = 20 + seed;
  a.committed = 11 + seed;
  a.rolled_back = 2;
  a.failed = 3;
  a.timed_out = 1;
  a.in_doubt = 1;
  a.in_doubt_unresolvable = 1;
  a.retries = 7;
  a.deadlocks = 2;
  a.serialization_failures = 5;
  a.savepoints = 4;
  a.rows = 12345678901234ULL;
  a.active = 2;
  for (size_t i = 0; i < a.latency_buckets.size(); ++i) a.latency_buckets[i] = i * seed + 1;
  a.latency_sum_seconds = 0.1 + 0.2;  // 0.30000000000000004: needs all 17 digits
  a.p50_seconds = 1.0 / 3.0;
  a.p95_seconds = 0.0375;
  a.p99_seconds = 10.0;
  a.success_rate = 13.0 / 18.0;
  a.timeout_deadline = std::chrono::milliseconds{500 + seed};
  return a;
}

tx_record record(uint64_t id, const std::string& label) {
  tx_record r;
  r.id = id;
  r.label = label;
  r.iso = isolation::serializable;
  r.read_only = true;
  r.start_unix_us = 1700000000123456;
  r.duration = std::chrono::microseconds{12500};
  r.attempts = 3;
  r.state = tx_state::committed;
  r.failure_causes = {"40001", "connection_lost"};
  r.savepoints = 2;
  r.rows = 9;
  r.deduplicated = true;
  r.saga_id = "3f2a7c1e-9b4d-4e8f-a1c2-5d6e7f8091a2";
  r.timeout = std::chrono::milliseconds{30000};
  r.correlation_id = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  r.idempotency_key = true;
  return r;
}

metrics_report full_report() {
  metrics_report r;
  fill_snapshot(r.snapshot);
  r.transactions.push_back(record(UINT64_MAX, tricky));
  auto plain = record(2, "actortx.saga_log");
  plain.iso = isolation::read_uncommitted;
  plain.read_only = false;
  plain.state = tx_state::in_doubt;
  plain.error_type = "commit_in_doubt";
  plain.failure_causes = {"commit_in_doubt"};
  plain.internal = true;
  plain.start_unix_us = -5;
  plain.deduplicated = false;
  plain.saga_id.clear();  // a transaction of no saga
  plain.correlation_id.clear();
  r.transactions.push_back(plain);
  r.sagas.push_back(saga());
  r.active.push_back(active());
  return r;
}

void check_same(const tx_aggregate& a, const tx_aggregate& b) {
  CHECK(a.started == b.started);
  CHECK(a.committed == b.committed);
  CHECK(a.rolled_back == b.rolled_back);
  CHECK(a.failed == b.failed);
  CHECK(a.timed_out == b.timed_out);
  CHECK(a.in_doubt == b.in_doubt);
  CHECK(a.in_doubt_unresolvable == b.in_doubt_unresolvable);
  CHECK(a.retries == b.retries);
  CHECK(a.deadlocks == b.deadlocks);
  CHECK(a.serialization_failures == b.serialization_failures);
  CHECK(a.savepoints == b.savepoints);
  CHECK(a.rows == b.rows);
  CHECK(a.active == b.active);
  CHECK(a.latency_buckets == b.latency_buckets);
  CHECK(a.latency_sum_seconds == b.latency_sum_seconds);  // exact: no rounding on the way
  CHECK(a.p50_seconds == b.p50_seconds);
  CHECK(a.p95_seconds == b.p95_seconds);
  CHECK(a.p99_seconds == b.p99_seconds);
  CHECK(a.success_rate == b.success_rate);
  CHECK(a.timeout_deadline == b.timeout_deadline);
}

void check_same(const tx_record& a, const tx_record& b) {
  CHECK(a.id == b.id);
  CHECK(a.label == b.label);
  CHECK(a.iso == b.iso);
  CHECK(a.read_only == b.read_only);
  CHECK(a.start_unix_us == b.start_unix_us);
  CHECK(a.duration == b.duration);
  CHECK(a.attempts == b.attempts);
  CHECK(a.state == b.state);
  CHECK(a.failure_causes == b.failure_causes);
  CHECK(a.error_type == b.error_type);
  CHECK(a.savepoints == b.savepoints);
  CHECK(a.rows == b.rows);
  CHECK(a.deduplicated == b.deduplicated);
  CHECK(a.saga_id == b.saga_id);
  CHECK(a.internal == b.internal);
  CHECK(a.timeout == b.timeout);
  CHECK(a.correlation_id == b.correlation_id);
  CHECK(a.idempotency_key == b.idempotency_key);
}

void check_same(const saga_record& a, const saga_record& b) {
  CHECK(a.id == b.id);
  CHECK(a.type == b.type);
  CHECK(a.state == b.state);
  CHECK(a.steps == b.steps);
  CHECK(a.steps_done == b.steps_done);
  CHECK(a.compensations == b.compensations);
  CHECK(a.start_unix_us == b.start_unix_us);
  CHECK(a.duration == b.duration);
  CHECK(a.recovered == b.recovered);
  CHECK(a.error == b.error);
}

void check_same(const active_tx& a, const active_tx& b) {
  CHECK(a.id == b.id);
  CHECK(a.label == b.label);
  CHECK(a.attempt == b.attempt);
  CHECK(a.age == b.age);
  CHECK(a.backend_pid == b.backend_pid);
  CHECK(a.statement == b.statement);
  CHECK(a.long_running == b.long_running);
}

void check_same(const alert& a, const alert& b) {
  CHECK(a.rule == b.rule);
  CHECK(a.subject == b.subject);
  CHECK(a.level == b.level);
  CHECK(a.message == b.message);
  CHECK(a.value == b.value);
  CHECK(a.threshold == b.threshold);
  CHECK(a.unix_ms == b.unix_ms);
}

void check_same(const label_aggregate& a, const label_aggregate& b) {
  CHECK(a.label == b.label);
  check_same(a.agg, b.agg);
}

void check_same(const cause_count& a, const cause_count& b) {
  CHECK(a.cause == b.cause);
  CHECK(a.count == b.count);
}

void check_same(const operation_series& a, const operation_series& b) {
  CHECK(a.operation == b.operation);
  CHECK(a.outcome == b.outcome);
  CHECK(a.error_type == b.error_type);
  CHECK(a.latency_buckets == b.latency_buckets);
  CHECK(a.latency_sum_seconds == b.latency_sum_seconds);
}

void check_same(const trend_point& a, const trend_point& b) {
  CHECK(a.unix_s == b.unix_s);
  CHECK(a.committed == b.committed);
  CHECK(a.rolled_back == b.rolled_back);
  CHECK(a.failed == b.failed);
  CHECK(a.p50_seconds == b.p50_seconds);
  CHECK(a.p99_seconds == b.p99_seconds);
}

void check_same(const latency_window& a, const latency_window& b) {
  CHECK(a.seconds == b.seconds);
  CHECK(a.finished == b.finished);
  CHECK(a.p50_seconds == b.p50_seconds);
  CHECK(a.p99_seconds == b.p99_seconds);
  CHECK(a.success_rate == b.success_rate);
}

void check_same(const health_component& a, const health_component& b) {
  CHECK(a.name == b.name);
  CHECK(a.value == b.value);
  CHECK(a.weight == b.weight);
}

void check_same(const pool_gauges& a, const pool_gauges& b) {
  CHECK(a.max == b.max);
  CHECK(a.in_use == b.in_use);
  CHECK(a.idle == b.idle);
  CHECK(a.waiting == b.waiting);
  CHECK(a.leases == b.leases);
  CHECK(a.leases_waited_over_100ms == b.leases_waited_over_100ms);
  CHECK(a.exhausted == b.exhausted);
  CHECK(a.lease_wait_sum_seconds == b.lease_wait_sum_seconds);
  CHECK(a.lease_wait_buckets == b.lease_wait_buckets);
  CHECK(a.replaced == b.replaced);
  CHECK(a.connect_failures == b.connect_failures);
}

void check_same(const metrics_snapshot& a, const metrics_snapshot& b) {
  CHECK(a.unix_ms == b.unix_ms);
  CHECK(a.uptime_seconds == b.uptime_seconds);
  CHECK(a.identity.runtime == b.identity.runtime);
  CHECK(a.identity.db_namespace == b.identity.db_namespace);
  CHECK(a.identity.pool_name == b.identity.pool_name);
  CHECK(a.identity.server == b.identity.server);
  check_same(a.overall, b.overall);
  check_all_same(a.by_label, b.by_label);
  check_all_same(a.operations, b.operations);
  CHECK(a.sagas.started == b.sagas.started);
  CHECK(a.sagas.by_state == b.sagas.by_state);
  CHECK(a.sagas.compensations == b.sagas.compensations);
  CHECK(a.sagas.recovered == b.sagas.recovered);
  check_same(a.pool, b.pool);
  CHECK(a.long_running == b.long_running);
  check_all_same(a.failures_by_cause, b.failures_by_cause);
  check_all_same(a.trend, b.trend);
  check_all_same(a.windows, b.windows);
  check_all_same(a.recent_alerts, b.recent_alerts);
  CHECK(a.open_alerts == b.open_alerts);
  CHECK(a.health.score == b.health.score);
  check_all_same(a.health.components, b.health.components);
  CHECK(a.health.recommendations == b.health.recommendations);
  check_same(a.internal, b.internal);
  check_all_same(a.internal_by_label, b.internal_by_label);
  check_all_same(a.internal_failures_by_cause, b.internal_failures_by_cause);
}

}  // namespace actortx::test
