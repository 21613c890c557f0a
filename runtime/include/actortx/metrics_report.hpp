// JSON and CSV reports of the aggregates and the recent records (nlohmann-json inside).
#pragma once

#include <string>
#include <vector>

#include <actortx/metrics.hpp>

namespace actortx {

/// JSON document (also what the dashboard's /api/dashboard.json serves). Enums as their
/// names ("COMMITTED", "serializable"), durations in seconds, times as unix ms / us.
std::string to_json(const metrics_report& r, int indent = -1);
/// Parses to_json()'s output back. Throws std::invalid_argument naming the bad field.
metrics_report report_from_json(const std::string& json);

/// CSV with a header row (RFC 4180, CRLF): one line per transaction record. failed_sqlstates
/// is one field, entries joined with ';', an empty SQLSTATE written "-".
std::string transactions_csv(const std::vector<tx_record>& records);
/// Parses transactions_csv() back (quoted fields, embedded commas/quotes/newlines).
/// Throws std::invalid_argument naming the line and column that was wrong.
std::vector<tx_record> transactions_from_csv(const std::string& csv);
/// CSV of the aggregates: one line for "" (overall) and one per label.
std::string aggregates_csv(const metrics_snapshot& s);

}  // namespace actortx
