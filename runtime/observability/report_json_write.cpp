// The JSON form of aggregates and records (the snapshot's own members are in
// report_json_snapshot_write.cpp).
#include "runtime/observability/report_json.hpp"
#include "runtime/observability/report_json_buckets.hpp"
#include "runtime/observability/report_names.hpp"

namespace actortx {

namespace {

report_json seconds(std::chrono::microseconds d) {
  return json_number(static_cast<double>(d.count()) / 1e6);
}

}  // namespace

void to_json(report_json& j, const tx_aggregate& x) {
  j = {{"started", x.started},
       {"finished", x.finished()},  // derived, for readers; not read back
       {"committed", x.committed},
       {"rolled_back", x.rolled_back},
       {"failed", x.failed},
       {"timed_out", x.timed_out},
       {"in_doubt", x.in_doubt},
       {"in_doubt_unresolvable", x.in_doubt_unresolvable},
       {"errors", x.errors()},  // derived: failed + timed_out + in_doubt; not read back
       {"timeout_deadline_ms", x.timeout_deadline.count()},
       {"active", x.active},
       {"retries", x.retries},
       {"deadlocks", x.deadlocks},
       {"serialization_failures", x.serialization_failures},
       {"savepoints", x.savepoints},
       {"rows", x.rows},
       {"success_rate", json_number(x.success_rate)},
       {"p50_seconds", json_number(x.p50_seconds)},
       {"p95_seconds", json_number(x.p95_seconds)},
       {"p99_seconds", json_number(x.p99_seconds)},
       {"latency_sum_seconds", json_number(x.latency_sum_seconds)},
       {"latency_buckets", buckets_json(x.latency_buckets, latency_bucket_bounds)}};
}

void to_json(report_json& j, const label_aggregate& x) {
  j = {{"label", x.label}};  // then the aggregate's members, in the same object
  j.update(report_json(x.agg));
}

void to_json(report_json& j, const saga_aggregate& x) {
  report_json states = report_json::object();
  for (size_t i = 0; i < x.by_state.size(); ++i)
    states[to_string(static_cast<saga_state>(i))] = x.by_state[i];
  j = {{"started", x.started},
       {"by_state", std::move(states)},
       {"compensations", x.compensations},
       {"recovered", x.recovered}};
}

void to_json(report_json& j, const pool_gauges& x) {
  j = {{"max", x.max},
       {"in_use", x.in_use},
       {"idle", x.idle},
       {"waiting", x.waiting},
       {"leases", x.leases},
       {"leases_waited_over_100ms", x.leases_waited_over_100ms},
       {"exhausted", x.exhausted},
       {"lease_wait_sum_seconds", json_number(x.lease_wait_sum_seconds)},
       {"lease_wait_buckets", buckets_json(x.lease_wait_buckets, lease_wait_bucket_bounds)},
       {"replaced", x.replaced},
       {"connect_failures", x.connect_failures},
       {"retired", x.retired},
       {"resets", x.resets}};
}

void to_json(report_json& j, const alert& x) {
  j = {{"rule", x.rule},
       {"subject", x.subject},
       {"level", to_string(x.level)},
       {"message", x.message},
       {"value", json_number(x.value)},
       {"threshold", json_number(x.threshold)},
       {"unix_ms", x.unix_ms}};
}

void to_json(report_json& j, const health_component& x) {
  j = {{"name", x.name}, {"value", json_number(x.value)}, {"weight", json_number(x.weight)}};
}

void to_json(report_json& j, const health_report& x) {
  j = {{"score", x.score}, {"components", x.components}, {"recommendations", x.recommendations}};
}

void to_json(report_json& j, const cause_count& x) {
  j = {{"cause", x.cause}, {"count", x.count}};
}

void to_json(report_json& j, const tx_record& x) {
  j = {{"id", x.id},
       {"label", x.label},
       {"isolation", isolation_name(x.iso)},
       {"read_only", x.read_only},
       {"state", to_string(x.state)},
       {"start_unix_us", x.start_unix_us},
       {"duration_seconds", seconds(x.duration)},  // for readers; duration_us is exact
       {"duration_us", x.duration.count()},
       {"attempts", x.attempts},
       {"failure_causes", x.failure_causes},
       {"error_type", x.error_type},
       {"savepoints", x.savepoints},
       {"rows", x.rows},
       {"deduplicated", x.deduplicated},
       {"saga_id", x.saga_id},
       {"internal", x.internal},
       {"timeout_ms", x.timeout.count()},
       {"correlation_id", x.correlation_id},
       {"idempotency_key", x.idempotency_key}};
}

void to_json(report_json& j, const saga_record& x) {
  j = {{"id", x.id},
       {"type", x.type},
       {"state", to_string(x.state)},
       {"steps", x.steps},
       {"steps_done", x.steps_done},
       {"compensations", x.compensations},
       {"start_unix_us", x.start_unix_us},
       {"duration_seconds", seconds(x.duration)},
       {"duration_us", x.duration.count()},
       {"recovered", x.recovered},
       {"error", x.error}};
}

void to_json(report_json& j, const active_tx& x) {
  j = {{"id", x.id},
       {"label", x.label},
       {"attempt", x.attempt},
       {"age_seconds", json_number(static_cast<double>(x.age.count()) / 1e3)},
       {"age_ms", x.age.count()},
       {"backend_pid", x.backend_pid},
       {"statement", x.statement},
       {"long_running", x.long_running}};
}

void to_json(report_json& j, const metrics_report& x) {
  j = {{"snapshot", x.snapshot},
       {"transactions", x.transactions},
       {"sagas", x.sagas},
       {"active", x.active}};
}

}  // namespace actortx
