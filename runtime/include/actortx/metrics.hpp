// Observability records and snapshots: what the metrics actor receives and what exporters,
// alerts and the dashboard read. Plain structs with inspect() so a snapshot can cross nodes.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include <actortx/active_tx.hpp>
#include <actortx/alert.hpp>
#include <actortx/saga_outcome.hpp>
#include <actortx/tx_options.hpp>
#include <actortx/tx_outcome.hpp>

namespace actortx {

/// Point-in-time numbers of a pool.
struct pool_stats {
  uint32_t open = 0;  ///< connected connections
  uint32_t idle = 0;
  uint32_t leased = 0;
  uint32_t connecting = 0;
  uint32_t waiting = 0;    ///< lease requests queued
  uint64_t leases = 0;     ///< total leases granted
  uint64_t exhausted = 0;  ///< acquire requests that ended pool_exhausted
  uint64_t replaced = 0;   ///< connections dropped as broken
  uint64_t connect_failures = 0;
  uint64_t retired = 0;  ///< connections closed at pool-max-lifetime or pool-idle-timeout
  uint64_t resets = 0;   ///< session resets after bodies that changed their session
  uint32_t max = 0;      ///< configured maximum size
  uint64_t leases_waited_over_100ms = 0;  ///< leases granted after queueing > 100 ms
  uint64_t lease_wait_us = 0;             ///< total queueing time of granted leases
  /// Non-cumulative counts of granted leases per bucket of lease_wait_bucket_bounds (+Inf
  /// last): how long each waited for its connection (0 for one idle at once).
  std::vector<uint64_t> lease_wait_buckets;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, pool_stats& x) {
    return f(caf::meta::type_name("actortx::pool_stats"), x.open, x.idle, x.leased, x.connecting,
             x.waiting, x.leases, x.exhausted, x.replaced, x.connect_failures, x.retired, x.resets,
             x.max, x.leases_waited_over_100ms, x.lease_wait_us, x.lease_wait_buckets);
  }
};

/// One finished transaction, sent once by the supervisor when it answers.
struct tx_record {
  uint64_t id = 0;
  std::string label;
  isolation iso = isolation::read_committed;
  bool read_only = false;
  int64_t start_unix_us = 0;  ///< wall clock, microseconds since the epoch
  std::chrono::microseconds duration{0};
  uint32_t attempts = 0;
  tx_state state = tx_state::running;
  /// The cause of each failed attempt, in order (failure_cause.hpp): a SQLSTATE such as
  /// "40P01" or a cause name such as "connection_lost" or "deadline"; never empty. An
  /// attempt the body rolled back on purpose is not a failed attempt and is not listed.
  std::vector<std::string> failure_causes;
  /// Why a FAILED, TIMEOUT or IN_DOUBT transaction ended so (the OpenTelemetry error.type):
  /// the final cause; "" for COMMITTED and ROLLED_BACK.
  std::string error_type;
  uint32_t savepoints = 0;  ///< savepoints taken by the committed attempt
  uint64_t rows = 0;        ///< rows returned or affected, committed attempt
  bool deduplicated = false;
  std::string saga_id;  ///< tx_options::saga_id: the saga it worked for, "" when none
  /// The library's own bookkeeping (saga log, leases, claims, pruning: labels "actortx.*"),
  /// counted apart from the application's transactions and never in its alerts or advice.
  bool internal = false;
  /// The transaction's own deadline budget (tx_options::timeout).
  std::chrono::milliseconds timeout{0};
  /// The W3C traceparent it ran under (tx_options::correlation_id, or generated).
  std::string correlation_id;
  /// It had an idempotency key (tx_options::idempotency_key): a commit in doubt can be
  /// resolved by running it again with the same key. A saga's step (saga_id) is resolved by
  /// its saga.
  bool idempotency_key = false;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, tx_record& x) {
    return f(caf::meta::type_name("actortx::tx_record"), x.id, x.label, x.iso, x.read_only,
             x.start_unix_us, x.duration, x.attempts, x.state, x.failure_causes, x.error_type,
             x.savepoints, x.rows, x.deduplicated, x.saga_id, x.internal, x.timeout,
             x.correlation_id, x.idempotency_key);
  }
};

/// One saga that reached a final state on this node.
struct saga_record {
  std::string id;
  std::string type;
  saga_state state = saga_state::started;
  uint32_t steps = 0;          ///< steps in its definition
  uint32_t steps_done = 0;     ///< actions that committed
  uint32_t compensations = 0;  ///< compensations that committed
  int64_t start_unix_us = 0;
  std::chrono::microseconds duration{0};
  bool recovered = false;
  std::string error;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_record& x) {
    return f(caf::meta::type_name("actortx::saga_record"), x.id, x.type, x.state, x.steps,
             x.steps_done, x.compensations, x.start_unix_us, x.duration, x.recovered, x.error);
  }
};

/// Upper bounds (seconds) of the latency histogram buckets; the last bucket is +Inf.
inline constexpr std::array<double, 14> latency_bucket_bounds{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
inline constexpr size_t latency_bucket_count = latency_bucket_bounds.size() + 1;

/// Upper bounds (seconds) of the pool's lease-wait histogram; the last bucket is +Inf.
inline constexpr std::array<double, 12> lease_wait_bucket_bounds{
    0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};
inline constexpr size_t lease_wait_bucket_count = lease_wait_bucket_bounds.size() + 1;

/// The label transactions without one are counted under (metrics, reports, dashboard).
inline constexpr const char* unlabelled_label = "(unlabelled)";
/// The label that collects labels beyond observability_config::max_labels.
inline constexpr const char* overflow_label = "other";

/// Labels starting with "actortx." are reserved for the library's own transactions (saga
/// log, leases, claims, pruning, listings): tx_record::internal.
inline bool is_internal_label(const std::string& label) noexcept {
  return label.compare(0, 8, "actortx.") == 0;
}

/// Counters of a set of transactions (overall or one label).
struct tx_aggregate {
  uint64_t started = 0;
  uint64_t committed = 0;
  uint64_t rolled_back = 0;
  uint64_t failed = 0;
  uint64_t timed_out = 0;
  uint64_t in_doubt = 0;
  /// IN_DOUBT ones with neither an idempotency key nor a saga to resolve them: where
  /// idempotency keys would have helped (the advice counts these).
  uint64_t in_doubt_unresolvable = 0;
  uint64_t retries = 0;  ///< attempts beyond the first
  uint64_t deadlocks = 0;
  uint64_t serialization_failures = 0;
  uint64_t savepoints = 0;
  uint64_t rows = 0;
  int64_t active = 0;  ///< started and not finished yet
  /// Non-cumulative counts per bucket of latency_bucket_bounds (+Inf last).
  std::vector<uint64_t> latency_buckets = std::vector<uint64_t>(latency_bucket_count, 0);
  double latency_sum_seconds = 0;
  double p50_seconds = 0, p95_seconds = 0, p99_seconds = 0;
  /// The one success figure: transactions that ended as their body decided (COMMITTED or
  /// ROLLED_BACK by the body) / finished; 1 when nothing finished. Its complement is the
  /// error ratio (FAILED + TIMEOUT + IN_DOUBT) / finished.
  double success_rate = 1.0;
  /// The deadline (tx_options::timeout) of the latest TIMEOUT, 0 when none timed out: advice
  /// about timeouts names the deadline the transactions really had.
  std::chrono::milliseconds timeout_deadline{0};

  uint64_t finished() const noexcept {
    return committed + rolled_back + failed + timed_out + in_doubt;
  }
  /// FAILED + TIMEOUT + IN_DOUBT.
  uint64_t errors() const noexcept { return failed + timed_out + in_doubt; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, tx_aggregate& x) {
    return f(caf::meta::type_name("actortx::tx_aggregate"), x.started, x.committed, x.rolled_back,
             x.failed, x.timed_out, x.in_doubt, x.in_doubt_unresolvable, x.retries, x.deadlocks,
             x.serialization_failures, x.savepoints, x.rows, x.active, x.latency_buckets,
             x.latency_sum_seconds, x.p50_seconds, x.p95_seconds, x.p99_seconds, x.success_rate,
             x.timeout_deadline);
  }
};

struct label_aggregate {
  std::string label;
  tx_aggregate agg;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, label_aggregate& x) {
    return f(caf::meta::type_name("actortx::label_aggregate"), x.label, x.agg);
  }
};

/// Saga counters; by_state is indexed by saga_state.
struct saga_aggregate {
  uint64_t started = 0;
  std::vector<uint64_t> by_state = std::vector<uint64_t>(6, 0);
  uint64_t compensations = 0;
  uint64_t recovered = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_aggregate& x) {
    return f(caf::meta::type_name("actortx::saga_aggregate"), x.started, x.by_state,
             x.compensations, x.recovered);
  }
};

/// Connection pool gauges and lease-wait figures (for saturation and recommendations).
struct pool_gauges {
  uint32_t max = 0;
  uint32_t in_use = 0;
  uint32_t idle = 0;
  uint32_t waiting = 0;
  uint64_t leases = 0;
  uint64_t leases_waited_over_100ms = 0;
  uint64_t exhausted = 0;
  double lease_wait_sum_seconds = 0;
  /// Non-cumulative lease-wait counts per bucket of lease_wait_bucket_bounds (+Inf last).
  std::vector<uint64_t> lease_wait_buckets = std::vector<uint64_t>(lease_wait_bucket_count, 0);
  uint64_t replaced = 0;          ///< connections dropped as broken
  uint64_t connect_failures = 0;  ///< connection attempts that failed
  uint64_t retired = 0;           ///< closed at pool-max-lifetime or pool-idle-timeout
  uint64_t resets = 0;            ///< session resets (pool-reset-session)

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, pool_gauges& x) {
    return f(caf::meta::type_name("actortx::pool_gauges"), x.max, x.in_use, x.idle, x.waiting,
             x.leases, x.leases_waited_over_100ms, x.exhausted, x.lease_wait_sum_seconds,
             x.lease_wait_buckets, x.replaced, x.connect_failures, x.retired, x.resets);
  }
};

/// One point of the trend charts (a fixed-width time bucket, default 10 s).
struct trend_point {
  int64_t unix_s = 0;  ///< start of the bucket
  uint64_t committed = 0;
  uint64_t rolled_back = 0;  ///< rolled back by the body: not an error
  uint64_t failed = 0;       ///< errors: FAILED, TIMEOUT or IN_DOUBT
  /// Latency of the transactions that ended in the bucket; meaningless (the JSON has null,
  /// charts draw a gap) when nothing ended in it.
  double p50_seconds = 0;
  double p99_seconds = 0;

  uint64_t finished() const noexcept { return committed + rolled_back + failed; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, trend_point& x) {
    return f(caf::meta::type_name("actortx::trend_point"), x.unix_s, x.committed, x.rolled_back,
             x.failed, x.p50_seconds, x.p99_seconds);
  }
};

/// Latency over a recent window (the dashboard's cards: 1 min and 5 min), from the trend
/// buckets that ended within it.
struct latency_window {
  int64_t seconds = 0;  ///< the window's length
  uint64_t finished = 0;
  double p50_seconds = 0;  ///< meaningless when finished == 0
  double p99_seconds = 0;
  double success_rate = 1.0;  ///< as tx_aggregate::success_rate, over the window

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, latency_window& x) {
    return f(caf::meta::type_name("actortx::latency_window"), x.seconds, x.finished, x.p50_seconds,
             x.p99_seconds, x.success_rate);
  }
};

/// Which runtime and database a snapshot is of: every exported series carries it, so two
/// runtimes in one process (or a fleet) stay apart.
struct runtime_identity {
  std::string runtime;       ///< actortx.runtime-name, default: the database name
  std::string db_namespace;  ///< the database name (OpenTelemetry db.namespace)
  std::string pool_name;     ///< db.client.connection.pool.name: "<runtime>"
  std::string server;        ///< host:port from the DSN (no password, ever)

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, runtime_identity& x) {
    return f(caf::meta::type_name("actortx::runtime_identity"), x.runtime, x.db_namespace,
             x.pool_name, x.server);
  }
};

/// Transactions of one (operation, outcome, error type): the histogram behind
/// db_client_operation_duration_seconds.
struct operation_series {
  std::string operation;  ///< the label, unlabelled_label or overflow_label
  tx_state outcome = tx_state::committed;
  std::string error_type;  ///< "" unless FAILED, TIMEOUT or IN_DOUBT
  std::vector<uint64_t> latency_buckets = std::vector<uint64_t>(latency_bucket_count, 0);
  double latency_sum_seconds = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, operation_series& x) {
    return f(caf::meta::type_name("actortx::operation_series"), x.operation, x.outcome,
             x.error_type, x.latency_buckets, x.latency_sum_seconds);
  }
};

/// Failed attempts with one cause (a SQLSTATE or a cause name, failure_cause.hpp).
struct cause_count {
  std::string cause;
  uint64_t count = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, cause_count& x) {
    return f(caf::meta::type_name("actortx::cause_count"), x.cause, x.count);
  }
};

/// Everything exporters need, taken at one instant by the metrics actor.
/// The application's transactions are in overall, by_label, operations, failures_by_cause,
/// trend, windows, alerts and health; the library's own (tx_record::internal) only in
/// internal, internal_by_label and internal_failures_by_cause.
struct metrics_snapshot {
  int64_t unix_ms = 0;
  double uptime_seconds = 0;
  runtime_identity identity;
  tx_aggregate overall;
  std::vector<label_aggregate> by_label;     ///< sorted by label; at most max_labels + "other"
  std::vector<operation_series> operations;  ///< sorted by operation, outcome, error type
  saga_aggregate sagas;
  pool_gauges pool;
  uint32_t long_running = 0;                   ///< active transactions older than the threshold
  std::vector<cause_count> failures_by_cause;  ///< failed attempts; by count, descending
  std::vector<trend_point> trend;              ///< oldest first, up to 60 minutes
  std::vector<latency_window> windows;         ///< the last 1 min and 5 min, in that order
  std::vector<alert> recent_alerts;            ///< newest first
  /// Alerts raised within actortx.alert-dedup (alert_engine::open_count): the ones the health
  /// score subtracts points for.
  uint32_t open_alerts = 0;
  health_report health;
  tx_aggregate internal;
  std::vector<label_aggregate> internal_by_label;
  std::vector<cause_count> internal_failures_by_cause;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, metrics_snapshot& x) {
    return f(caf::meta::type_name("actortx::metrics_snapshot"), x.unix_ms, x.uptime_seconds,
             x.identity, x.overall, x.by_label, x.operations, x.sagas, x.pool, x.long_running,
             x.failures_by_cause, x.trend, x.windows, x.recent_alerts, x.open_alerts, x.health,
             x.internal, x.internal_by_label, x.internal_failures_by_cause);
  }
};

/// A report: the snapshot plus the recent records it was taken with (JSON in
/// runtime/metrics_report.hpp).
struct metrics_report {
  metrics_snapshot snapshot;
  std::vector<tx_record> transactions;  ///< newest first
  std::vector<saga_record> sagas;       ///< newest first
  std::vector<active_tx> active;        ///< running now, oldest first (dashboard)

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, metrics_report& x) {
    return f(caf::meta::type_name("actortx::metrics_report"), x.snapshot, x.transactions, x.sagas,
             x.active);
  }
};

/// What the supervisor runs now, polled by the metrics actor once a second.
struct label_count {
  std::string label;
  int64_t count = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, label_count& x) {
    return f(caf::meta::type_name("actortx::label_count"), x.label, x.count);
  }
};

struct active_summary {
  int64_t transactions = 0;
  uint32_t long_running = 0;
  std::vector<label_count> by_label;
  /// Sagas this node drives now, indexed by saga_state (started, executing, compensating).
  std::vector<uint64_t> sagas_by_state = std::vector<uint64_t>(6, 0);

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, active_summary& x) {
    return f(caf::meta::type_name("actortx::active_summary"), x.transactions, x.long_running,
             x.by_label, x.sagas_by_state);
  }
};

}  // namespace actortx
