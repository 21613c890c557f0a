// The runtime's other series: pool counters beyond the OpenTelemetry gauges, sagas, health,
// alerts and uptime.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "runtime/observability/prometheus_families.hpp"

namespace actortx {

namespace {

void pool_exhausted(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("actortx_pool_exhausted_total", {}, s.pool.exhausted);
}

void pool_replaced(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("actortx_pool_connections_replaced_total", {}, s.pool.replaced);
}

void pool_connect_failures(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("actortx_pool_connect_failures_total", {}, s.pool.connect_failures);
}

void pool_retired(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("actortx_pool_connections_retired_total", {}, s.pool.retired);
}

void pool_resets(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("actortx_pool_session_resets_total", {}, s.pool.resets);
}

uint64_t sagas_in(const saga_aggregate& a, saga_state st) {
  auto i = static_cast<size_t>(st);
  return i < a.by_state.size() ? a.by_state[i] : 0;
}

/// Lower-case state names as label values.
const char* saga_label(saga_state st) noexcept {
  switch (st) {
    case saga_state::started:
      return "started";
    case saga_state::executing:
      return "executing";
    case saga_state::compensating:
      return "compensating";
    case saga_state::committed:
      return "committed";
    case saga_state::compensated:
      return "compensated";
    case saga_state::failed:
      return "failed";
  }
  return "unknown";
}

void sagas_started(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("actortx_sagas_started_total", {}, s.sagas.started);
}

void sagas_finished(prometheus_writer& w, const metrics_snapshot& s) {
  // by_state holds finished sagas in the final states' slots (the metrics actor adds the
  // running ones to the other slots).
  for (auto st : {saga_state::committed, saga_state::compensated, saga_state::failed})
    w.sample("actortx_sagas_total", {{"actortx_outcome", saga_label(st)}}, sagas_in(s.sagas, st));
}

void sagas_active(prometheus_writer& w, const metrics_snapshot& s) {
  for (auto st : {saga_state::started, saga_state::executing, saga_state::compensating})
    w.sample("actortx_sagas_active", {{"saga_state", saga_label(st)}}, sagas_in(s.sagas, st));
}

void saga_compensations(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("actortx_saga_compensations_total", {}, s.sagas.compensations);
}

void sagas_recovered(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("actortx_sagas_recovered_total", {}, s.sagas.recovered);
}

void health_score(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("actortx_health_score", {}, static_cast<double>(s.health.score));
}

void health_components(prometheus_writer& w, const metrics_snapshot& s) {
  for (const auto& c : s.health.components)
    w.sample("actortx_health_component_ratio", {{"component", c.name}}, c.value);
}

void open_alerts(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("actortx_alerts_open", {}, uint64_t{s.open_alerts});
}

void last_alert(prometheus_writer& w, const metrics_snapshot& s) {
  static constexpr std::array<alert_level, 4> levels{alert_level::info, alert_level::warning,
                                                     alert_level::error, alert_level::critical};
  static const std::array<std::string, 4> names{"info", "warning", "error", "critical"};
  for (size_t i = 0; i < levels.size(); ++i) {
    auto it = std::find_if(s.recent_alerts.begin(), s.recent_alerts.end(),
                           [&](const alert& a) { return a.level == levels[i]; });
    if (it == s.recent_alerts.end()) continue;
    w.sample("actortx_last_alert_timestamp_seconds", {{"level", names[i]}},
             static_cast<double>(it->unix_ms) / 1000.0);
  }
}

void uptime(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("actortx_uptime_seconds", {}, s.uptime_seconds);
}

}  // namespace

const std::vector<prometheus_family>& runtime_families() {
  static const std::vector<prometheus_family> families{
      {"actortx_pool_exhausted_total", "counter",
       "Lease requests refused: the wait queue was full or the acquire timeout passed.",
       pool_exhausted},
      {"actortx_pool_connections_replaced_total", "counter",
       "Pool connections dropped as broken and replaced.", pool_replaced},
      {"actortx_pool_connect_failures_total", "counter",
       "Connection attempts of the pool that failed.", pool_connect_failures},
      {"actortx_pool_connections_retired_total", "counter",
       "Pool connections closed on purpose at actortx.pool-max-lifetime or "
       "actortx.pool-idle-timeout.",
       pool_retired},
      {"actortx_pool_session_resets_total", "counter",
       "Sessions reset after a body changed them (actortx.pool-reset-session).", pool_resets},
      {"actortx_sagas_started_total", "counter", "Sagas started on this node.", sagas_started},
      {"actortx_sagas_total", "counter", "Sagas that reached a final state, by that state.",
       sagas_finished},
      {"actortx_sagas_active", "gauge", "Sagas this node drives now, by state.", sagas_active},
      {"actortx_saga_compensations_total", "counter", "Saga compensations that committed.",
       saga_compensations},
      {"actortx_sagas_recovered_total", "counter",
       "Sagas this node took over from a crashed or stalled owner.", sagas_recovered},
      {"actortx_health_score", "gauge", "Health score from 0 (down) to 100 (healthy).",
       health_score},
      {"actortx_health_component_ratio", "gauge",
       "Health score components from 0 to 1, before weighting.", health_components},
      {"actortx_alerts_open", "gauge",
       "Alerts raised within the dedup time (actortx.alert-dedup): the ones the health score "
       "counts.",
       open_alerts},
      // The newest alert per level: a counter over the bounded history would go down when old
      // alerts drop out of it; a timestamp only moves forward.
      {"actortx_last_alert_timestamp_seconds", "gauge",
       "Unix time of the newest alert per level still in the history.", last_alert},
      {"actortx_uptime_seconds", "gauge", "Time since the runtime started.", uptime},
  };
  return families;
}

}  // namespace actortx
