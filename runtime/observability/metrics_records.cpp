#include "runtime/observability/metrics_records.hpp"

#include <chrono>

#include <actortx/failure_cause.hpp>

namespace actortx {

int64_t unix_now_us() noexcept {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

tx_record make_tx_record(const tx_outcome& out, const tx_options& opts, uint32_t savepoints,
                         uint64_t rows, int64_t end_unix_us) {
  tx_record r;
  r.id = out.id;
  r.label = out.label;
  r.iso = opts.level;
  r.read_only = opts.read_only;
  r.duration = out.duration;
  r.start_unix_us = end_unix_us - out.duration.count();
  r.attempts = out.attempts;
  r.state = out.state;
  for (const auto& a : out.attempt_log)
    if (attempt_failed(a)) r.failure_causes.push_back(failure_cause(a));
  r.error_type = outcome_error_type(out.state, out.code, out.sqlstate);
  if (out.committed()) {
    r.savepoints = savepoints;
    r.rows = rows;
  }
  r.deduplicated = out.deduplicated;
  r.saga_id = opts.saga_id;
  r.internal = is_internal_label(r.label);
  r.timeout = opts.timeout;
  r.correlation_id = opts.correlation_id;
  r.idempotency_key = !opts.idempotency_key.empty();
  return r;
}

saga_record make_saga_record(const saga_outcome& out, int64_t end_unix_us) {
  saga_record r;
  r.id = out.id;
  r.type = out.type;
  r.state = out.state;
  r.steps = static_cast<uint32_t>(out.steps.size());
  for (const auto& s : out.steps) {
    // A compensated step had run: it counts as done and as compensated.
    if (s.state == step_state::done || s.state == step_state::compensated ||
        s.state == step_state::compensation_failed)
      ++r.steps_done;
    if (s.state == step_state::compensated) ++r.compensations;
  }
  r.duration = out.duration;
  r.start_unix_us = end_unix_us - out.duration.count();
  r.recovered = out.recovered;
  r.error = out.message;
  return r;
}

}  // namespace actortx
