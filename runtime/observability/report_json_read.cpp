// Reading aggregates and records back (the snapshot's own members: report_json_snapshot_read.cpp).
// Members added since reports were first written are optional, so an older report still reads.
#include <actortx/failure_cause.hpp>

#include "runtime/observability/report_json.hpp"
#include "runtime/observability/report_json_buckets.hpp"
#include "runtime/observability/report_names.hpp"
#include "runtime/policy/text.hpp"

namespace actortx {

namespace {

/// `name` parsed with `parse`, or a json_field_error "unknown <what> \"name\"".
template <class Enum, class Parse>
void read_name(const report_json& j, Enum& out, Parse parse, const char* what) {
  std::string text;
  read_value(j, text);
  if (!parse(text, out))
    throw json_field_error{"", std::string{"unknown "} + what + " " + double_quoted(text)};
}

/// A failure cause of an older report, which had SQLSTATEs only and "" for every error that
/// did not come from the server: such an entry reads as "other".
std::string legacy_cause(const std::string& sqlstate) {
  return sqlstate.empty() ? std::string{"other"} : sqlstate;
}

void read_latency_buckets(const report_json& j, std::vector<uint64_t>& out) {
  read_buckets(j, out, latency_bucket_bounds);
}

void read_lease_wait_buckets(const report_json& j, std::vector<uint64_t>& out) {
  read_buckets(j, out, lease_wait_bucket_bounds);
}

/// {"STARTED": n, ...}: counts by saga state name, into by_state's slots.
void read_by_state(const report_json& j, std::vector<uint64_t>& by_state) {
  if (!j.is_object()) throw json_field_error{"", "expected an object"};
  for (const auto& [name, n] : j.items()) {
    saga_state st{};
    if (!parse_saga_state(name, st))
      throw json_field_error{name, "unknown state " + double_quoted(name)};
    try {
      read_value(n, by_state[static_cast<size_t>(st)]);
    } catch (const json_field_error& e) {
      throw e.under(name);
    }
  }
}

/// failure_causes, each a SQLSTATE or a cause name; an older report's failed_sqlstates.
void read_failure_causes(const report_json& j, std::vector<std::string>& out) {
  if (read_if_present(j, "failure_causes", out)) {
    for (size_t i = 0; i < out.size(); ++i)
      if (!is_failure_cause(out[i]))
        throw json_field_error{"", "not a failure cause: " + double_quoted(out[i])}.at(i).under(
            "failure_causes");
    return;
  }
  read(j, "failed_sqlstates", out);
  for (auto& c : out) c = legacy_cause(c);
}

}  // namespace

void read_value(const report_json& j, isolation& out) {
  read_name(j, out, parse_isolation, "isolation");
}

void read_value(const report_json& j, tx_state& out) {
  read_name(j, out, parse_tx_state, "state");
}

void read_value(const report_json& j, saga_state& out) {
  read_name(j, out, parse_saga_state, "state");
}

void read_value(const report_json& j, alert_level& out) {
  read_name(j, out, parse_alert_level, "level");
}

void from_json(const report_json& j, tx_aggregate& x) {
  read(j, "started", x.started);
  read(j, "committed", x.committed);
  read(j, "rolled_back", x.rolled_back);
  read(j, "failed", x.failed);
  read(j, "timed_out", x.timed_out);
  read(j, "in_doubt", x.in_doubt);
  read_if_present(j, "in_doubt_unresolvable", x.in_doubt_unresolvable);
  read(j, "active", x.active);
  read(j, "retries", x.retries);
  read(j, "deadlocks", x.deadlocks);
  read(j, "serialization_failures", x.serialization_failures);
  read(j, "savepoints", x.savepoints);
  read(j, "rows", x.rows);
  read(j, "success_rate", x.success_rate);
  read(j, "p50_seconds", x.p50_seconds);
  read(j, "p95_seconds", x.p95_seconds);
  read(j, "p99_seconds", x.p99_seconds);
  read(j, "latency_sum_seconds", x.latency_sum_seconds);
  read(j, "latency_buckets", x.latency_buckets, read_latency_buckets);
  int64_t deadline_ms = 0;
  if (read_if_present(j, "timeout_deadline_ms", deadline_ms))
    x.timeout_deadline = std::chrono::milliseconds{deadline_ms};
}

void from_json(const report_json& j, label_aggregate& x) {
  read(j, "label", x.label);
  from_json(j, x.agg);
}

void from_json(const report_json& j, saga_aggregate& x) {
  read(j, "started", x.started);
  read(j, "by_state", x.by_state, read_by_state);
  read(j, "compensations", x.compensations);
  read(j, "recovered", x.recovered);
}

void from_json(const report_json& j, pool_gauges& x) {
  read(j, "max", x.max);
  read(j, "in_use", x.in_use);
  read(j, "idle", x.idle);
  read(j, "waiting", x.waiting);
  read(j, "leases", x.leases);
  read(j, "leases_waited_over_100ms", x.leases_waited_over_100ms);
  read(j, "exhausted", x.exhausted);
  read(j, "lease_wait_sum_seconds", x.lease_wait_sum_seconds);
  if (j.contains("lease_wait_buckets"))
    read(j, "lease_wait_buckets", x.lease_wait_buckets, read_lease_wait_buckets);
  read_if_present(j, "replaced", x.replaced);
  read_if_present(j, "connect_failures", x.connect_failures);
  read_if_present(j, "retired", x.retired);
  read_if_present(j, "resets", x.resets);
}

void from_json(const report_json& j, alert& x) {
  read(j, "rule", x.rule);
  read(j, "subject", x.subject);
  read(j, "level", x.level);
  read(j, "message", x.message);
  read(j, "value", x.value);
  read(j, "threshold", x.threshold);
  read(j, "unix_ms", x.unix_ms);
}

void from_json(const report_json& j, health_component& x) {
  read(j, "name", x.name);
  read(j, "value", x.value);
  read(j, "weight", x.weight);
}

void from_json(const report_json& j, health_report& x) {
  read(j, "score", x.score);
  read(j, "components", x.components);
  read(j, "recommendations", x.recommendations);
}

void from_json(const report_json& j, cause_count& x) {
  if (!read_if_present(j, "cause", x.cause)) {
    read(j, "sqlstate", x.cause);  // an older report
    x.cause = legacy_cause(x.cause);
  }
  read(j, "count", x.count);
}

void from_json(const report_json& j, tx_record& x) {
  read(j, "id", x.id);
  read(j, "label", x.label);
  read(j, "isolation", x.iso);
  read(j, "read_only", x.read_only);
  read(j, "state", x.state);
  read(j, "start_unix_us", x.start_unix_us);
  read(j, "duration_us", x.duration);  // exact; duration_seconds is for readers
  read(j, "attempts", x.attempts);
  read_failure_causes(j, x.failure_causes);
  read_if_present(j, "error_type", x.error_type);
  read(j, "savepoints", x.savepoints);
  read(j, "rows", x.rows);
  read(j, "deduplicated", x.deduplicated);
  read_if_present(j, "saga_id", x.saga_id);
  // Older reports have no flag: the reserved label prefix tells the same.
  if (!read_if_present(j, "internal", x.internal)) x.internal = is_internal_label(x.label);
  int64_t timeout_ms = 0;
  if (read_if_present(j, "timeout_ms", timeout_ms))
    x.timeout = std::chrono::milliseconds{timeout_ms};
  read_if_present(j, "correlation_id", x.correlation_id);
  read_if_present(j, "idempotency_key", x.idempotency_key);
}

void from_json(const report_json& j, saga_record& x) {
  read(j, "id", x.id);
  read(j, "type", x.type);
  read(j, "state", x.state);
  read(j, "steps", x.steps);
  read(j, "steps_done", x.steps_done);
  read(j, "compensations", x.compensations);
  read(j, "start_unix_us", x.start_unix_us);
  read(j, "duration_us", x.duration);
  read(j, "recovered", x.recovered);
  read(j, "error", x.error);
}

void from_json(const report_json& j, active_tx& x) {
  read(j, "id", x.id);
  read(j, "label", x.label);
  read(j, "attempt", x.attempt);
  read(j, "age_ms", x.age);
  read(j, "backend_pid", x.backend_pid);
  read(j, "statement", x.statement);
  read(j, "long_running", x.long_running);
}

void from_json(const report_json& j, metrics_report& x) {
  read(j, "snapshot", x.snapshot);
  read(j, "transactions", x.transactions);
  read(j, "sagas", x.sagas);
  read(j, "active", x.active);
}

}  // namespace actortx
