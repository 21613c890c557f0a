// aggregates_csv: one row for the overall aggregate (label "") and one per label.
#include <actortx/metrics_report.hpp>

#include "runtime/observability/csv.hpp"

namespace actortx {

namespace {

void append_aggregate_row(std::string& out, const std::string& label, const tx_aggregate& a) {
  using std::to_string;
  append_csv_row(out, {label, to_string(a.started), to_string(a.finished()), to_string(a.committed),
                       to_string(a.rolled_back), to_string(a.failed), to_string(a.timed_out),
                       to_string(a.in_doubt), to_string(a.active), to_string(a.retries),
                       to_string(a.deadlocks), to_string(a.serialization_failures),
                       to_string(a.savepoints), to_string(a.rows), csv_number(a.success_rate),
                       csv_number(a.p50_seconds), csv_number(a.p95_seconds),
                       csv_number(a.p99_seconds), csv_number(a.latency_sum_seconds)});
}

}  // namespace

std::string aggregates_csv(const metrics_snapshot& s) {
  std::string out =
      "label,started,finished,committed,rolled_back,failed,timed_out,in_doubt,active,retries,"
      "deadlocks,serialization_failures,savepoints,rows,success_rate,p50_seconds,p95_seconds,"
      "p99_seconds,latency_sum_seconds";
  out += csv_line_end;
  append_aggregate_row(out, "", s.overall);
  for (const auto& l : s.by_label) append_aggregate_row(out, l.label, l.agg);
  return out;
}

}  // namespace actortx
