// The health score (0..100) and recommendations naming a cause and a knob. Pure functions;
// the formula is documented in docs/observability.md and unit-tested.
#pragma once

#include <chrono>
#include <cstdint>

#include <actortx/metrics.hpp>

namespace actortx {

/// What the score is measured against (from runtime_config).
struct health_settings {
  std::chrono::milliseconds latency_target{250};  ///< p99 at or below this scores full
  uint32_t pool_max = 0;                          ///< configured pool.max (for advice)
  std::chrono::milliseconds deadline{30000};      ///< default transaction deadline
  uint32_t max_retries = 0;                       ///< default retry budget
};

/// Score and components from the snapshot's overall aggregate, pool gauges and the number of
/// open alerts; recommendations for what stands out. Reads s.health only to ignore it.
health_report assess_health(const metrics_snapshot& s, size_t open_alerts,
                            const health_settings& settings);

}  // namespace actortx
