// Alert thresholds: the alerts part of runtime_config (evaluated by the metrics actor).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace actortx {

/// Thresholds (config keys under "alerts."; see runtime_config).
struct alert_rules {
  /// Failure rate (not COMMITTED / finished) over the window; needs min_finished finished.
  double failure_rate_warning = 0.05;
  double failure_rate_critical = 0.25;
  std::chrono::seconds failure_window{60};
  uint64_t failure_min_finished = 20;
  /// p99 latency over the failure window; 0 = rule off.
  std::chrono::milliseconds p99_latency{1000};
  /// More long-running transactions than this → WARNING.
  uint32_t long_running_max = 0;
  /// More lease requests waiting than this → WARNING (ERROR at 4x).
  uint32_t pool_waiters_max = 8;
  /// A saga that ended FAILED → CRITICAL; a commit in doubt → ERROR.
  bool saga_failed = true;
  bool commit_in_doubt = true;
  /// The same (rule, subject) is not raised again within this time.
  std::chrono::seconds dedup{300};
  size_t history = 1000;
};

}  // namespace actortx
