// aggregates_csv: the application's aggregates (overall and per label), then the library's
// own (internal), each set told apart by the kind column.
#include <actortx/metrics_report.hpp>

#include "runtime/observability/csv.hpp"

namespace actortx {

namespace {

void append_aggregate_row(std::string& out, const char* kind, const std::string& label,
                          const tx_aggregate& a) {
  using std::to_string;
  append_csv_row(out, {kind,
                       label,
                       to_string(a.started),
                       to_string(a.finished()),
                       to_string(a.committed),
                       to_string(a.rolled_back),
                       to_string(a.failed),
                       to_string(a.timed_out),
                       to_string(a.in_doubt),
                       to_string(a.errors()),
                       to_string(a.active),
                       to_string(a.retries),
                       to_string(a.deadlocks),
                       to_string(a.serialization_failures),
                       to_string(a.savepoints),
                       to_string(a.rows),
                       csv_number(a.success_rate),
                       csv_number(a.p50_seconds),
                       csv_number(a.p95_seconds),
                       csv_number(a.p99_seconds),
                       csv_number(a.latency_sum_seconds),
                       to_string(a.timeout_deadline.count())});
}

void append_kind(std::string& out, const char* kind, const tx_aggregate& overall,
                 const std::vector<label_aggregate>& by_label) {
  append_aggregate_row(out, kind, "", overall);
  for (const auto& l : by_label) append_aggregate_row(out, kind, l.label, l.agg);
}

}  // namespace

std::string aggregates_csv(const metrics_snapshot& s) {
  std::string out =
      "kind,label,started,finished,committed,rolled_back,failed,timed_out,in_doubt,errors,"
      "active,retries,deadlocks,serialization_failures,savepoints,rows,success_rate,"
      "p50_seconds,p95_seconds,p99_seconds,latency_sum_seconds,timeout_deadline_ms";
  out += csv_line_end;
  append_kind(out, "application", s.overall, s.by_label);
  append_kind(out, "internal", s.internal, s.internal_by_label);
  return out;
}

}  // namespace actortx
