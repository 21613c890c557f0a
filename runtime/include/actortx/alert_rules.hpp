// Alert thresholds: the alerts part of runtime_config (evaluated by the metrics actor).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace actortx {

/// Thresholds of the alert rules: runtime_config::observability.alerts. Each member names its
/// config key ("key = default, range: meaning"); observability_config::validate() checks them.
struct alert_rules {
  /// actortx.alert-failure-rate-warning = 0.05, (0, 1]: WARNING when the error rate
  /// ((FAILED + TIMEOUT + IN_DOUBT) / finished; a body's rollback is not an error) of the
  /// application's transactions over the window is above it.
  double failure_rate_warning = 0.05;
  /// actortx.alert-failure-rate-critical = 0.25, (0, 1] and >= the warning rate: CRITICAL.
  double failure_rate_critical = 0.25;
  /// actortx.alert-failure-window = 60s, at least one trend bucket: window of the rate rule.
  std::chrono::seconds failure_window{60};
  /// actortx.alert-failure-min-finished = 20: finished transactions needed to judge the rate.
  uint64_t failure_min_finished = 20;
  /// actortx.alert-p99-latency = 1s, >= 0: WARNING when p99 over the window is above it;
  /// 0 = rule off.
  std::chrono::milliseconds p99_latency{1000};
  /// actortx.alert-long-running-max = 0: more long-running transactions than this → WARNING.
  uint32_t long_running_max = 0;
  /// actortx.alert-pool-waiters-max = 8: more lease requests waiting than this → WARNING
  /// (ERROR at 4x).
  uint32_t pool_waiters_max = 8;
  /// actortx.alert-saga-failed = true: a saga that ended FAILED → CRITICAL.
  bool saga_failed = true;
  /// actortx.alert-commit-in-doubt = true: a commit in doubt → ERROR.
  bool commit_in_doubt = true;
  /// actortx.alert-dedup = 5min, >= 0: the same (rule, subject) is not raised again within it.
  std::chrono::seconds dedup{300};
  /// actortx.alert-history = 1000, at least 1: alerts kept.
  size_t history = 1000;
};

}  // namespace actortx
