// Prometheus text exposition (format 0.0.4) of metrics snapshots, for GET /metrics.
//
// Names follow the OpenTelemetry database client conventions where one exists
// (db_client_operation_duration_seconds, db_client_connection_*), actortx_* otherwise; counters
// end in "_total", times are in seconds, histograms have cumulative buckets. Every series
// carries the runtime's identity, actortx_runtime and db_namespace, so several runtimes of one
// process (exporter_registry.hpp) share one text: each family's HELP and TYPE once, then the
// samples of every snapshot. No label value is ever empty. Families without labels of their
// own have a sample from the first scrape on; labelled ones appear with their first label
// value. The full list is in docs/observability.md.
#pragma once

#include <string>
#include <vector>

#include <actortx/metrics.hpp>

#include "runtime/observability/prometheus_writer.hpp"

namespace actortx {

/// The exposition text of `snapshots`: HELP and TYPE lines, families in a fixed order, no
/// timestamps. Snapshots whose (runtime, db_namespace) is taken by an earlier one get the
/// runtime label "<runtime>#2", "#3"... so that no two series are the same.
std::string prometheus_text(const std::vector<metrics_snapshot>& snapshots);

/// The exposition text of one snapshot.
std::string prometheus_text(const metrics_snapshot& s);

/// Writes the families of `snapshots` into `w` (for callers that append their own families).
void write_prometheus_families(prometheus_writer& w,
                               const std::vector<metrics_snapshot>& snapshots);

}  // namespace actortx
