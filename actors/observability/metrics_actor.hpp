// The metrics actor: owns the metrics model, the alert engine and the snapshots exporters
// read. Records arrive once per finished transaction / saga; pool gauges are polled.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include <caf/fwd.hpp>

#include "messages/interfaces.hpp"
#include "runtime/observability/alert_engine.hpp"
#include "runtime/observability/health.hpp"
#include "runtime/observability/metrics_store.hpp"

namespace actortx {

class record_outbox;

struct metrics_settings {
  /// Where the blocking lane leaves its records; null: records come as messages only.
  std::shared_ptr<record_outbox> outbox;
  /// How long records may wait in the outbox once one arrived (a batch per this interval).
  std::chrono::milliseconds outbox_delay{20};
  /// Which runtime and database this is: copied into every snapshot (the runtime fills it).
  runtime_identity identity;
  /// Ring size, trend, and store.max_labels (observability_config::max_labels).
  metrics_store_settings store;
  alert_rules alerts;
  health_settings health;
  /// A summary line at info this often; 0 = never.
  std::chrono::milliseconds log_interval{60000};
  /// How often pool gauges are polled and threshold alerts evaluated.
  std::chrono::milliseconds tick{1000};
  /// Alert sink besides the log; runs on the metrics actor's thread, exceptions are logged.
  std::function<void(const alert&)> on_alert;
  /// Alerts kept in a snapshot's recent_alerts.
  size_t snapshot_alerts = 50;
};

metrics_actor spawn_metrics(caf::actor_system& sys, pool_actor pool, metrics_settings settings);

}  // namespace actortx
