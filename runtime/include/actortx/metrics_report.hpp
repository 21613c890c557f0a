// JSON and CSV reports of the aggregates and the recent records (nlohmann-json inside).
#pragma once

#include <string>
#include <vector>

#include <actortx/metrics.hpp>

namespace actortx {

/// JSON document (also what the dashboard's /api/dashboard.json serves). Enums as their
/// names ("COMMITTED", "serializable"), durations in seconds, times as unix ms / us, a
/// percentile of nothing (an empty trend bucket or window) as null. The snapshot has the
/// application's figures (overall, by_label, operations, trend, windows, failures_by_cause)
/// and the library's own apart (internal, internal_by_label, internal_failures_by_cause).
std::string to_json(const metrics_report& r, int indent = -1);
/// Parses to_json()'s output back; a report of an older version (without the members added
/// since) reads too, those left at their defaults. Throws std::invalid_argument naming the
/// bad field.
metrics_report report_from_json(const std::string& json);

/// CSV with a header row (RFC 4180, CRLF): one line per transaction record. failure_causes
/// is one field, the cause of each failed attempt (a SQLSTATE or a cause name such as
/// connection_lost, failure_cause.hpp) joined with ';'. The last columns are error_type (""
/// unless FAILED, TIMEOUT or IN_DOUBT), internal (true for the library's own transactions),
/// timeout_ms (the transaction's deadline), correlation_id (its W3C traceparent) and
/// idempotency_key (whether it had one).
std::string transactions_csv(const std::vector<tx_record>& records);
/// Parses transactions_csv() back (quoted fields, embedded commas/quotes/newlines); a file
/// of an older version (without the last columns, failed_sqlstates instead of
/// failure_causes) reads too. Throws std::invalid_argument naming the line, the column and
/// the value that was wrong.
std::vector<tx_record> transactions_from_csv(const std::string& csv);
/// CSV of the aggregates. Column kind is "application" for the application's transactions
/// and "internal" for the library's own; each kind has a row with label "" (all of that
/// kind) and one per label. errors = failed + timed_out + in_doubt; success_rate =
/// (committed + rolled_back) / finished (1 when none finished); timeout_deadline_ms is the
/// deadline of the latest TIMEOUT (0 when none).
std::string aggregates_csv(const metrics_snapshot& s);

}  // namespace actortx
