// The OpenTelemetry database client metrics (semantic conventions 1.26+, dots as
// underscores): the operation duration histogram and the connection pool's gauges.
#include <string>
#include <vector>

#include "runtime/observability/prometheus_families.hpp"

namespace actortx {

namespace {

const std::string unlabelled{unlabelled_label};

/// The pool name label; the runtime's name when the identity has none.
const std::string& pool_name(const metrics_snapshot& s) {
  static const std::string unknown{"unknown"};
  return non_empty(s.identity.pool_name, non_empty(s.identity.runtime, unknown));
}

void operation_duration(prometheus_writer& w, const metrics_snapshot& s) {
  static const auto bounds =
      make_prometheus_bounds(latency_bucket_bounds.data(), latency_bucket_bounds.size());
  for (const auto& op : s.operations) {
    const std::string& operation = non_empty(op.operation, unlabelled);
    const char* outcome = outcome_label(op.outcome);
    if (op.error_type.empty()) {
      w.histogram("db_client_operation_duration_seconds",
                  {{"db_system_name", "postgresql"},
                   {"db_operation_name", operation},
                   {"actortx_outcome", outcome}},
                  bounds, op.latency_buckets, op.latency_sum_seconds);
    } else {
      w.histogram("db_client_operation_duration_seconds",
                  {{"db_system_name", "postgresql"},
                   {"db_operation_name", operation},
                   {"actortx_outcome", outcome},
                   {"error_type", op.error_type}},
                  bounds, op.latency_buckets, op.latency_sum_seconds);
    }
  }
}

void connection_count(prometheus_writer& w, const metrics_snapshot& s) {
  const auto& pool = pool_name(s);
  w.sample("db_client_connection_count",
           {{"db_client_connection_state", "idle"}, {"db_client_connection_pool_name", pool}},
           uint64_t{s.pool.idle});
  w.sample("db_client_connection_count",
           {{"db_client_connection_state", "used"}, {"db_client_connection_pool_name", pool}},
           uint64_t{s.pool.in_use});
}

void connection_max(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("db_client_connection_max", {{"db_client_connection_pool_name", pool_name(s)}},
           uint64_t{s.pool.max});
}

void pending_requests(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("db_client_connection_pending_requests",
           {{"db_client_connection_pool_name", pool_name(s)}}, uint64_t{s.pool.waiting});
}

void wait_time(prometheus_writer& w, const metrics_snapshot& s) {
  static const auto bounds =
      make_prometheus_bounds(lease_wait_bucket_bounds.data(), lease_wait_bucket_bounds.size());
  w.histogram("db_client_connection_wait_time_seconds",
              {{"db_client_connection_pool_name", pool_name(s)}}, bounds, s.pool.lease_wait_buckets,
              s.pool.lease_wait_sum_seconds);
}

}  // namespace

const std::vector<prometheus_family>& db_client_families() {
  static const std::vector<prometheus_family> families{
      {"db_client_operation_duration_seconds", "histogram",
       "Duration of finished transactions (all attempts and backoff) by operation (the "
       "transaction's label), outcome and error type.",
       operation_duration},
      {"db_client_connection_count", "gauge", "Pool connections by state (idle or used).",
       connection_count},
      {"db_client_connection_max", "gauge", "Configured maximum of pool connections.",
       connection_max},
      {"db_client_connection_pending_requests", "gauge",
       "Lease requests waiting for a pool connection.", pending_requests},
      {"db_client_connection_wait_time_seconds", "histogram",
       "Time a lease waited for a pool connection (0 when one was idle).", wait_time},
  };
  return families;
}

}  // namespace actortx
