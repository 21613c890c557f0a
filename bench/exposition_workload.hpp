// The exposition benchmark's workload: transaction records of many operations, outcomes and
// error types, fed through the real metrics model (metrics_store) into a snapshot of the shape
// a busy service has.
#pragma once

#include <cstdint>
#include <vector>

#include <actortx/metrics.hpp>

namespace bench {

struct exposition_shape {
  int labels = 100;     ///< distinct operations (the transaction labels)
  int error_types = 3;  ///< SQLSTATEs a failed transaction of each operation ends with
  int per_series = 20;  ///< records per (operation, outcome, error type)
  int saga_types = 3;   ///< saga records per final state
  int internal = 4;     ///< internal labels (saga log, leases, ...)
};

/// Records for every (operation, outcome, error type) of `shape`: committed, rolled back,
/// failed with each error type, timed out, in doubt; `per_series` each, varied latencies.
std::vector<actortx::tx_record> exposition_records(const exposition_shape& shape);

/// The snapshot the metrics model makes of `records` (plus pool, sagas, health, alerts and the
/// identity a runtime fills in).
actortx::metrics_snapshot exposition_snapshot(const exposition_shape& shape,
                                              const std::vector<actortx::tx_record>& records);

/// Traffic between two scrapes: one more observation in every operation series, a few more
/// leases, a few more rows.
void advance(actortx::metrics_snapshot& s);

}  // namespace bench
