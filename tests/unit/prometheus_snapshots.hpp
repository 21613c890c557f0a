// Snapshots for the exposition's unit tests: a runtime after traffic of every kind, and the
// families every exposition has.
#pragma once

#include <string>
#include <vector>

#include <actortx/metrics.hpp>

namespace actortx::test {

inline operation_series operation(const char* name, tx_state outcome, const char* error_type) {
  operation_series op;
  op.operation = name;
  op.outcome = outcome;
  op.error_type = error_type;
  return op;
}

/// A runtime "billing" on database "shop" after some traffic of every kind.
inline metrics_snapshot billing() {
  metrics_snapshot s;
  s.identity = {"billing", "shop", "billing", "db.example:5432"};
  s.uptime_seconds = 12.5;
  label_aggregate transfer;
  transfer.label = "transfer";
  transfer.agg.active = 2;
  transfer.agg.retries = 4;
  transfer.agg.savepoints = 2;
  transfer.agg.rows = 18;
  s.by_label.push_back(transfer);

  // 2 in <= 0.5 ms, 3 in (1 ms, 2.5 ms], 1 in (0.1 s, 0.25 s]: 6 (non-cumulative).
  auto committed = operation("transfer", tx_state::committed, "");
  committed.latency_buckets[0] = 2;
  committed.latency_buckets[2] = 3;
  committed.latency_buckets[8] = 1;
  committed.latency_sum_seconds = 0.2095;
  auto rolled_back = operation("transfer", tx_state::rolled_back, "");
  rolled_back.latency_buckets[1] = 1;
  rolled_back.latency_sum_seconds = 0.0008;
  auto deadlocked = operation("transfer", tx_state::failed, "40P01");
  deadlocked.latency_buckets[5] = 1;
  deadlocked.latency_sum_seconds = 0.02;
  s.operations = {committed, rolled_back, deadlocked};
  s.failures_by_cause = {{"40P01", 3}, {"connection_lost", 1}};
  s.long_running = 1;

  s.pool.max = 8;
  s.pool.in_use = 5;
  s.pool.idle = 3;
  s.pool.waiting = 2;
  s.pool.lease_wait_buckets[0] = 90;
  s.pool.lease_wait_buckets[3] = 8;
  s.pool.lease_wait_buckets[8] = 2;
  s.pool.lease_wait_sum_seconds = 0.4;
  s.pool.exhausted = 1;
  s.pool.replaced = 2;
  s.pool.connect_failures = 3;
  s.pool.retired = 4;
  s.pool.resets = 5;

  s.sagas.started = 7;
  s.sagas.by_state[static_cast<size_t>(saga_state::executing)] = 1;
  s.sagas.by_state[static_cast<size_t>(saga_state::committed)] = 4;
  s.sagas.by_state[static_cast<size_t>(saga_state::compensated)] = 2;
  s.sagas.compensations = 3;
  s.sagas.recovered = 1;

  label_aggregate saga_log;
  saga_log.label = "actortx.saga_log";
  saga_log.agg.committed = 10;
  saga_log.agg.failed = 1;
  s.internal_by_label.push_back(saga_log);
  s.internal_failures_by_cause = {{"connection_lost", 1}};

  s.health.score = 87;
  s.health.components.push_back({"success", 0.95, 0.35});
  alert newest{"failure_rate", "", alert_level::critical, "m", 0.3, 0.25, 1700000002500};
  alert older{"p99_latency", "", alert_level::warning, "m", 2, 1, 1700000001000};
  alert oldest{"failure_rate", "", alert_level::critical, "m", 0.3, 0.25, 1600000000000};
  s.recent_alerts = {newest, older, oldest};
  s.open_alerts = 2;
  return s;
}

inline const std::vector<std::string> all_families{
    "actortx_build_info",
    "db_client_operation_duration_seconds",
    "db_client_connection_count",
    "db_client_connection_max",
    "db_client_connection_pending_requests",
    "db_client_connection_wait_time_seconds",
    "actortx_transactions_active",
    "actortx_transaction_retries_total",
    "actortx_transaction_failed_attempts_total",
    "actortx_transaction_savepoints_total",
    "actortx_transaction_rows_total",
    "actortx_long_running_transactions",
    "actortx_internal_transactions_total",
    "actortx_internal_failed_attempts_total",
    "actortx_pool_exhausted_total",
    "actortx_pool_connections_replaced_total",
    "actortx_pool_connect_failures_total",
    "actortx_pool_connections_retired_total",
    "actortx_pool_session_resets_total",
    "actortx_sagas_started_total",
    "actortx_sagas_total",
    "actortx_sagas_active",
    "actortx_saga_compensations_total",
    "actortx_sagas_recovered_total",
    "actortx_health_score",
    "actortx_health_component_ratio",
    "actortx_alerts_open",
    "actortx_last_alert_timestamp_seconds",
    "actortx_uptime_seconds",
};

}  // namespace actortx::test
