// Reading a snapshot and its own members back. Members added since reports were first written
// (identity, operations, windows, the internal figures) are optional: an older report reads,
// with those left empty.
#include "runtime/observability/report_json.hpp"
#include "runtime/observability/report_json_buckets.hpp"

namespace actortx {

namespace {

void read_latency_buckets(const report_json& j, std::vector<uint64_t>& out) {
  read_buckets(j, out, latency_bucket_bounds);
}

void read_percentile(const report_json& j, const char* key, double& out) {
  read(j, key, out, read_number_or_null);
}

}  // namespace

void from_json(const report_json& j, runtime_identity& x) {
  read(j, "runtime", x.runtime);
  read(j, "db_namespace", x.db_namespace);
  read(j, "pool_name", x.pool_name);
  read(j, "server", x.server);
}

void from_json(const report_json& j, operation_series& x) {
  read(j, "operation", x.operation);
  read(j, "outcome", x.outcome);
  read(j, "error_type", x.error_type);
  read(j, "latency_sum_seconds", x.latency_sum_seconds);
  read(j, "latency_buckets", x.latency_buckets, read_latency_buckets);
}

void from_json(const report_json& j, trend_point& x) {
  read(j, "unix_s", x.unix_s);
  read(j, "committed", x.committed);
  read_if_present(j, "rolled_back", x.rolled_back);
  read(j, "failed", x.failed);
  read_percentile(j, "p50_seconds", x.p50_seconds);
  read_percentile(j, "p99_seconds", x.p99_seconds);
}

void from_json(const report_json& j, latency_window& x) {
  read(j, "seconds", x.seconds);
  read(j, "finished", x.finished);
  read_percentile(j, "p50_seconds", x.p50_seconds);
  read_percentile(j, "p99_seconds", x.p99_seconds);
  read(j, "success_rate", x.success_rate);
}

void from_json(const report_json& j, metrics_snapshot& x) {
  read(j, "unix_ms", x.unix_ms);
  read(j, "uptime_seconds", x.uptime_seconds);
  read_if_present(j, "identity", x.identity);
  read(j, "overall", x.overall);
  read(j, "by_label", x.by_label);
  read_if_present(j, "operations", x.operations);
  read(j, "sagas", x.sagas);
  read(j, "pool", x.pool);
  read(j, "long_running", x.long_running);
  read(j, "trend", x.trend);
  read_if_present(j, "windows", x.windows);
  read(j, "alerts", x.recent_alerts);
  read_if_present(j, "open_alerts", x.open_alerts);
  read(j, "health", x.health);
  // Older reports counted failed attempts by SQLSTATE under another name.
  if (!read_if_present(j, "failures_by_cause", x.failures_by_cause))
    read(j, "failures_by_sqlstate", x.failures_by_cause);
  read_if_present(j, "internal", x.internal);
  read_if_present(j, "internal_by_label", x.internal_by_label);
  read_if_present(j, "internal_failures_by_cause", x.internal_failures_by_cause);
}

}  // namespace actortx
