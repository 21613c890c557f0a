// The JSON form of a snapshot and of its members that only a snapshot has: identity,
// operations, trend and windows. Percentiles of nothing are null (a gap in a chart).
#include "runtime/observability/report_json.hpp"
#include "runtime/observability/report_json_buckets.hpp"

namespace actortx {

void to_json(report_json& j, const runtime_identity& x) {
  j = {{"runtime", x.runtime},
       {"db_namespace", x.db_namespace},
       {"pool_name", x.pool_name},
       {"server", x.server}};
}

void to_json(report_json& j, const operation_series& x) {
  uint64_t count = 0;
  for (auto n : x.latency_buckets) count += n;
  j = {{"operation", x.operation},
       {"outcome", to_string(x.outcome)},
       {"error_type", x.error_type},
       {"count", count},  // derived from the buckets; not read back
       {"latency_sum_seconds", json_number(x.latency_sum_seconds)},
       {"latency_buckets", buckets_json(x.latency_buckets, latency_bucket_bounds)}};
}

void to_json(report_json& j, const trend_point& x) {
  const bool any = x.finished() > 0;
  j = {{"unix_s", x.unix_s},
       {"committed", x.committed},
       {"rolled_back", x.rolled_back},
       {"failed", x.failed},
       {"finished", x.finished()},  // derived; not read back
       {"p50_seconds", json_number_or_null(x.p50_seconds, any)},
       {"p99_seconds", json_number_or_null(x.p99_seconds, any)}};
}

void to_json(report_json& j, const latency_window& x) {
  const bool any = x.finished > 0;
  j = {{"seconds", x.seconds},
       {"finished", x.finished},
       {"p50_seconds", json_number_or_null(x.p50_seconds, any)},
       {"p99_seconds", json_number_or_null(x.p99_seconds, any)},
       {"success_rate", json_number(x.success_rate)}};
}

void to_json(report_json& j, const metrics_snapshot& x) {
  j = {{"unix_ms", x.unix_ms},
       {"uptime_seconds", json_number(x.uptime_seconds)},
       {"identity", x.identity},
       {"overall", x.overall},
       {"by_label", x.by_label},
       {"operations", x.operations},
       {"sagas", x.sagas},
       {"pool", x.pool},
       {"long_running", x.long_running},
       {"trend", x.trend},
       {"windows", x.windows},
       {"alerts", x.recent_alerts},
       {"open_alerts", x.open_alerts},
       {"health", x.health},
       {"failures_by_cause", x.failures_by_cause},
       {"internal", x.internal},
       {"internal_by_label", x.internal_by_label},
       {"internal_failures_by_cause", x.internal_failures_by_cause}};
}

}  // namespace actortx
