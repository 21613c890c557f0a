// The JSON form of a metrics report, struct by struct, for nlohmann-json (to_json/from_json
// are found by argument-dependent lookup). Enums by name, durations in seconds for readers
// plus an exact count, times as unix ms / us, a percentile of nothing as null. from_json
// throws json_field_error, which names the member that was wrong; members added since reports
// were first written are optional, so an older report still reads.
#pragma once

#include <actortx/metrics.hpp>

#include "runtime/observability/json_field.hpp"

namespace actortx {

void to_json(report_json& j, const tx_aggregate& x);
void to_json(report_json& j, const label_aggregate& x);
void to_json(report_json& j, const saga_aggregate& x);
void to_json(report_json& j, const pool_gauges& x);
void to_json(report_json& j, const trend_point& x);
void to_json(report_json& j, const latency_window& x);
void to_json(report_json& j, const runtime_identity& x);
void to_json(report_json& j, const operation_series& x);
void to_json(report_json& j, const alert& x);
void to_json(report_json& j, const health_component& x);
void to_json(report_json& j, const health_report& x);
void to_json(report_json& j, const cause_count& x);
void to_json(report_json& j, const metrics_snapshot& x);
void to_json(report_json& j, const tx_record& x);
void to_json(report_json& j, const saga_record& x);
void to_json(report_json& j, const active_tx& x);
void to_json(report_json& j, const metrics_report& x);

void from_json(const report_json& j, tx_aggregate& x);
void from_json(const report_json& j, label_aggregate& x);
void from_json(const report_json& j, saga_aggregate& x);
void from_json(const report_json& j, pool_gauges& x);
void from_json(const report_json& j, trend_point& x);
void from_json(const report_json& j, latency_window& x);
void from_json(const report_json& j, runtime_identity& x);
void from_json(const report_json& j, operation_series& x);
void from_json(const report_json& j, alert& x);
void from_json(const report_json& j, health_component& x);
void from_json(const report_json& j, health_report& x);
void from_json(const report_json& j, cause_count& x);
void from_json(const report_json& j, metrics_snapshot& x);
void from_json(const report_json& j, tx_record& x);
void from_json(const report_json& j, saga_record& x);
void from_json(const report_json& j, active_tx& x);
void from_json(const report_json& j, metrics_report& x);

// Enums by the names report_names.hpp gives them; an unknown name throws.
void read_value(const report_json& j, isolation& out);
void read_value(const report_json& j, tx_state& out);
void read_value(const report_json& j, saga_state& out);
void read_value(const report_json& j, alert_level& out);

}  // namespace actortx
